/* sqlite_keys.c — access keys in the SQLite backend: insert, read (with the user's name),
 * list and revoke. The sealed secret is stored as it is given; sealing is auth/keys.c's. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

int store_key_insert(store_conn *c, const access_key *k)
{
    static const char sql[] = "INSERT INTO access_keys(id, kind, instance_id, user_id, sealed, created_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, k->id);
    sqlite3_bind_int(st, 2, (int)k->kind);
    sq_bind_text(st, 3, k->instance_id[0] ? k->instance_id : NULL);
    sq_bind_text(st, 4, k->user_id[0] ? k->user_id : NULL);
    sqlite3_bind_blob(st, 5, k->sealed, (int)k->sealed_len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, k->created_ms);
    return sq_exec_stmt(c, st);
}

#define KEY_COLS "k.id, k.kind, k.instance_id, k.user_id, k.sealed, k.created_ms, k.revoked_ms, u.username"

static void read_key(sqlite3_stmt *st, access_key *out)
{
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    out->kind = (key_kind)sqlite3_column_int(st, 1);
    sq_col_copy(st, 2, out->instance_id, sizeof out->instance_id);
    sq_col_copy(st, 3, out->user_id, sizeof out->user_id);
    const void *blob = sqlite3_column_blob(st, 4);
    out->sealed_len = (size_t)sqlite3_column_bytes(st, 4);
    out->sealed = xmalloc(out->sealed_len);
    if (out->sealed_len)
        memcpy(out->sealed, blob, out->sealed_len);
    out->created_ms = sqlite3_column_int64(st, 5);
    out->revoked_ms = sqlite3_column_int64(st, 6);
    out->username = sq_col_dup(st, 7);
}

int store_key_get(store_conn *c, const char *id, access_key *out)
{
    static const char sql[] = "SELECT " KEY_COLS " FROM access_keys k LEFT JOIN users u ON u.id = k.user_id "
                              "WHERE k.id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    int res = rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    if (rc == SQLITE_ROW)
        read_key(st, out);
    sqlite3_reset(st);
    return res;
}

int store_key_list(store_conn *c, access_key **out, size_t *n)
{
    static const char sql[] = "SELECT " KEY_COLS " FROM access_keys k LEFT JOIN users u ON u.id = k.user_id "
                              "ORDER BY k.created_ms, k.id";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        read_key(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_key_revoke(store_conn *c, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE access_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now_ms);
    sq_bind_text(st, 2, id);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}
