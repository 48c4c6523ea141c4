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
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(k->id), SQ_INT(k->kind), SQ_TEXT_OPT(k->instance_id), SQ_TEXT_OPT(k->user_id),
                           SQ_BLOB(k->sealed, k->sealed_len), SQ_INT(k->created_ms)));
}

#define KEY_COLS "k.id, k.kind, k.instance_id, k.user_id, k.sealed, k.created_ms, k.revoked_ms, u.username"

/* Reads a KEY_COLS row into the access_key out. */
static void read_key(sqlite3_stmt *st, void *out)
{
    access_key *k = out;
    memset(k, 0, sizeof *k);
    sq_col_copy(st, 0, k->id, sizeof k->id);
    k->kind = (key_kind)sqlite3_column_int(st, 1);
    sq_col_copy(st, 2, k->instance_id, sizeof k->instance_id);
    sq_col_copy(st, 3, k->user_id, sizeof k->user_id);
    const void *blob = sqlite3_column_blob(st, 4);
    k->sealed_len = (size_t)sqlite3_column_bytes(st, 4);
    k->sealed = xmalloc(k->sealed_len);
    if (k->sealed_len)
        memcpy(k->sealed, blob, k->sealed_len);
    k->created_ms = sqlite3_column_int64(st, 5);
    k->revoked_ms = sqlite3_column_int64(st, 6);
    k->username = sq_col_dup(st, 7);
}

int store_key_get(store_conn *c, const char *id, access_key *out)
{
    static const char sql[] = "SELECT " KEY_COLS " FROM access_keys k LEFT JOIN users u ON u.id = k.user_id "
                              "WHERE k.id = ?";
    return sq_row(c, sql, read_key, out, SQ_ARGS(SQ_TEXT(id)));
}

int store_key_list(store_conn *c, access_key **out, size_t *n)
{
    static const char sql[] = "SELECT " KEY_COLS " FROM access_keys k LEFT JOIN users u ON u.id = k.user_id "
                              "ORDER BY k.created_ms, k.id";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_key, SQ_NO_ARGS);
}

int store_key_revoke(store_conn *c, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE access_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_INT(now_ms), SQ_TEXT(id)));
}
