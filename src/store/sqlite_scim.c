/* sqlite_scim.c — SCIM bearer tokens in the SQLite backend (see store_scim.h; table scim_tokens,
 * migration 15). */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

#define TOKEN_COLS "id, instance_id, name, created_ms, revoked_ms"

static void read_token(sqlite3_stmt *st, void *out)
{
    scim_token *t = out;
    memset(t, 0, sizeof *t);
    sq_col_copy(st, 0, t->id, sizeof t->id);
    sq_col_copy(st, 1, t->instance_id, sizeof t->instance_id);
    sq_col_copy(st, 2, t->name, sizeof t->name);
    t->created_ms = sqlite3_column_int64(st, 3);
    t->revoked_ms = sqlite3_column_int64(st, 4);
}

int store_scim_token_insert(store_conn *c, const scim_token *t, const unsigned char hash[SCIM_TOKEN_HASH_LEN])
{
    static const char sql[] = "INSERT INTO scim_tokens(id, instance_id, name, token_hash, created_ms, revoked_ms) "
                              "VALUES (?, ?, ?, ?, ?, 0)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(t->id), SQ_TEXT(t->instance_id), SQ_TEXT(t->name),
                           SQ_BLOB(hash, SCIM_TOKEN_HASH_LEN), SQ_INT(t->created_ms)));
}

int store_scim_token_by_hash(store_conn *c, const unsigned char hash[SCIM_TOKEN_HASH_LEN], scim_token *out)
{
    static const char sql[] = "SELECT " TOKEN_COLS " FROM scim_tokens WHERE token_hash = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_token, out, SQ_ARGS(SQ_BLOB(hash, SCIM_TOKEN_HASH_LEN)));
}

typedef struct token_list {
    scim_token *v;
    size_t n, cap;
} token_list;

static void read_into_list(sqlite3_stmt *st, void *out)
{
    token_list *l = out;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    read_token(st, &l->v[l->n++]);
}

int store_scim_token_list(store_conn *c, const char *instance_id, scim_token **out, size_t *n)
{
    static const char all[] = "SELECT " TOKEN_COLS " FROM scim_tokens ORDER BY instance_id, created_ms, id";
    static const char one[] = "SELECT " TOKEN_COLS " FROM scim_tokens WHERE instance_id = ? ORDER BY created_ms, id";
    token_list l = {0};
    int rc = instance_id ? sq_rows(c, one, read_into_list, &l, SQ_ARGS(SQ_TEXT(instance_id)))
                         : sq_rows(c, all, read_into_list, &l, SQ_NO_ARGS);
    if (rc != STORE_OK) {
        free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return rc;
}

int store_scim_token_revoke(store_conn *c, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE scim_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_INT(now_ms), SQ_TEXT(id)));
}
