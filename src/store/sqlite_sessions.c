/* sqlite_sessions.c — console sessions and failed sign-ins in the SQLite backend (see
 * store_sessions.h). */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

void console_session_clear(console_session *s)
{
    if (!s)
        return;
    free(s->username);
    memset(s, 0, sizeof *s);
}

int store_session_insert(store_conn *c, const console_session *s)
{
    static const char sql[] = "INSERT INTO console_sessions(token_hash, instance_id, user_id, csrf_token, created_ms, "
                              "last_seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_BLOB(s->token_hash, SESSION_HASH_LEN), SQ_TEXT(s->instance_id), SQ_TEXT(s->user_id),
                           SQ_TEXT(s->csrf_token), SQ_INT(s->created_ms), SQ_INT(s->last_seen_ms),
                           SQ_INT(s->expires_ms)));
}

/* Reads a session row joined with its user into the console_session out. */
static void read_session(sqlite3_stmt *st, void *out)
{
    console_session *s = out;
    memset(s, 0, sizeof *s);
    const void *blob = sqlite3_column_blob(st, 0);
    if (blob && sqlite3_column_bytes(st, 0) == SESSION_HASH_LEN)
        memcpy(s->token_hash, blob, SESSION_HASH_LEN);
    sq_col_copy(st, 1, s->instance_id, sizeof s->instance_id);
    sq_col_copy(st, 2, s->user_id, sizeof s->user_id);
    sq_col_copy(st, 3, s->csrf_token, sizeof s->csrf_token);
    s->created_ms = sqlite3_column_int64(st, 4);
    s->last_seen_ms = sqlite3_column_int64(st, 5);
    s->expires_ms = sqlite3_column_int64(st, 6);
    s->username = sq_col_dup(st, 7);
    s->user_disabled = sqlite3_column_int(st, 8) != 0;
    s->password_temporary = sqlite3_column_int(st, 9) != 0;
}

int store_session_get(store_conn *c, const unsigned char hash[SESSION_HASH_LEN], console_session *out)
{
    static const char sql[] = "SELECT s.token_hash, s.instance_id, s.user_id, s.csrf_token, s.created_ms, "
                              "s.last_seen_ms, s.expires_ms, u.username, u.disabled, u.password_temporary "
                              "FROM console_sessions s JOIN users u ON u.id = s.user_id AND u.instance_id = s.instance_id "
                              "WHERE s.token_hash = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_session, out, SQ_ARGS(SQ_BLOB(hash, SESSION_HASH_LEN)));
}

int store_session_touch(store_conn *c, const unsigned char hash[SESSION_HASH_LEN], int64_t last_seen_ms)
{
    static const char sql[] = "UPDATE console_sessions SET last_seen_ms = ? WHERE token_hash = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_INT(last_seen_ms), SQ_BLOB(hash, SESSION_HASH_LEN)));
}

int store_session_delete(store_conn *c, const unsigned char hash[SESSION_HASH_LEN])
{
    static const char sql[] = "DELETE FROM console_sessions WHERE token_hash = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_BLOB(hash, SESSION_HASH_LEN)));
}

int store_sessions_delete_user(store_conn *c, const char *user_id, const unsigned char *keep)
{
    static const char all[] = "DELETE FROM console_sessions WHERE user_id = ?";
    static const char but[] = "DELETE FROM console_sessions WHERE user_id = ? AND token_hash <> ?";
    if (!keep)
        return sq_exec(c, all, SQ_ARGS(SQ_TEXT(user_id)));
    return sq_exec(c, but, SQ_ARGS(SQ_TEXT(user_id), SQ_BLOB(keep, SESSION_HASH_LEN)));
}

int store_sessions_purge(store_conn *c, int64_t now_ms, int64_t idle_before_ms)
{
    static const char sql[] = "DELETE FROM console_sessions WHERE expires_ms <= ? OR last_seen_ms < ?";
    return sq_exec(c, sql, SQ_ARGS(SQ_INT(now_ms), SQ_INT(idle_before_ms)));
}

/* Reads (failures, locked_until_ms) into the int64_t[2] out. */
static void read_failures(sqlite3_stmt *st, void *out)
{
    int64_t *v = out;
    v[0] = sqlite3_column_int64(st, 0);
    v[1] = sqlite3_column_int64(st, 1);
}

int store_signin_failures_get(store_conn *c, const char *instance_id, const char *username, int64_t *failures,
                              int64_t *locked_until_ms)
{
    static const char sql[] = "SELECT failures, locked_until_ms FROM signin_failures "
                              "WHERE instance_id = ? AND username_fold = lower(?)";
    int64_t v[2] = {0, 0};
    int rc = sq_row(c, sql, read_failures, v, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(username)));
    *failures = v[0];
    *locked_until_ms = v[1];
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int store_signin_failures_set(store_conn *c, const char *instance_id, const char *username, int64_t failures,
                              int64_t locked_until_ms, int64_t now_ms)
{
    static const char sql[] = "INSERT INTO signin_failures(instance_id, username_fold, failures, locked_until_ms, "
                              "last_ms) VALUES (?, lower(?), ?, ?, ?) ON CONFLICT(instance_id, username_fold) DO "
                              "UPDATE SET failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, "
                              "last_ms = excluded.last_ms";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(username), SQ_INT(failures), SQ_INT(locked_until_ms),
                           SQ_INT(now_ms)));
}

int store_signin_failures_clear(store_conn *c, const char *instance_id, const char *username)
{
    static const char sql[] = "DELETE FROM signin_failures WHERE instance_id = ? AND username_fold = lower(?)";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(username)));
}

int store_signin_failures_purge(store_conn *c, int64_t before_ms, int64_t now_ms)
{
    static const char sql[] = "DELETE FROM signin_failures WHERE last_ms < ? AND locked_until_ms <= ?";
    return sq_exec(c, sql, SQ_ARGS(SQ_INT(before_ms), SQ_INT(now_ms)));
}

int store_user_disabled(store_conn *c, const char *user_id, int *disabled)
{
    static const char sql[] = "SELECT disabled FROM users WHERE id = ?";
    int64_t v = 0;
    int rc = sq_row(c, sql, sq_read_int64, &v, SQ_ARGS(SQ_TEXT(user_id)));
    *disabled = v != 0;
    return rc;
}
