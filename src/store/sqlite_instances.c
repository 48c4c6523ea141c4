/* sqlite_instances.c — instances and tags in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

#define INSTANCE_COLS "id, alias, idm_type, inbound_calls, outbound_calls, status, created_ms"

static void read_instance(sqlite3_stmt *st, instance *out)
{
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    out->alias = sq_col_dup(st, 1);
    sq_col_copy(st, 2, out->idm_type, sizeof out->idm_type);
    out->inbound_calls = sqlite3_column_int(st, 3);
    out->outbound_calls = sqlite3_column_int(st, 4);
    sq_col_copy(st, 5, out->status, sizeof out->status);
    out->created_ms = sqlite3_column_int64(st, 6);
}

/* Steps a statement expected to yield at most one instance row. */
static int one_instance(store_conn *c, sqlite3_stmt *st, instance *out)
{
    int rc = sqlite3_step(st);
    int res;
    if (rc == SQLITE_ROW) {
        read_instance(st, out);
        res = STORE_OK;
    } else {
        res = rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    sqlite3_reset(st);
    return res;
}

int store_instance_insert(store_conn *c, const instance *in, const char *client_token)
{
    static const char sql[] = "INSERT INTO instances(" INSTANCE_COLS ", client_token) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, in->id);
    sq_bind_text(st, 2, in->alias);
    sq_bind_text(st, 3, in->idm_type);
    sqlite3_bind_int(st, 4, in->inbound_calls);
    sqlite3_bind_int(st, 5, in->outbound_calls);
    sq_bind_text(st, 6, in->status);
    sqlite3_bind_int64(st, 7, in->created_ms);
    sq_bind_text(st, 8, client_token && *client_token ? client_token : NULL);
    return sq_exec_stmt(c, st);
}

int store_instance_get(store_conn *c, const char *id, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, id);
    return one_instance(c, st, out);
}

int store_instance_by_token(store_conn *c, const char *client_token, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE client_token = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, client_token);
    return one_instance(c, st, out);
}

int store_instance_by_alias(store_conn *c, const char *alias, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE alias = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, alias);
    return one_instance(c, st, out);
}

int store_instance_list(store_conn *c, const char *after, size_t limit, instance **out, size_t *n)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE id > ? ORDER BY id LIMIT ?";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, after ? after : "");
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    instance *arr = xcalloc(limit ? limit : 1, sizeof *arr);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        read_instance(st, &arr[(*n)++]);
    sqlite3_reset(st);
    *out = arr;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_status(c, rc);
}

int store_instance_delete(store_conn *c, const char *id)
{
    /* Users reference profiles and groups of the same instance without cascading, so
     * delete the dependants in order before the instance row cascades the rest. */
    static const char *const sqls[] = {
        "DELETE FROM users WHERE instance_id = ?",
        "DELETE FROM security_profiles WHERE instance_id = ?", /* they may name a hierarchy group */
        "DELETE FROM routing_profiles WHERE instance_id = ?",
        "DELETE FROM queues WHERE instance_id = ?",
        "DELETE FROM hierarchy_groups WHERE instance_id = ? AND level = 5",
        "DELETE FROM hierarchy_groups WHERE instance_id = ? AND level = 4",
        "DELETE FROM hierarchy_groups WHERE instance_id = ? AND level = 3",
        "DELETE FROM hierarchy_groups WHERE instance_id = ? AND level = 2",
        "DELETE FROM hierarchy_groups WHERE instance_id = ?",
        "DELETE FROM instances WHERE id = ?",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        sqlite3_stmt *st = sq_stmt(c, sqls[i]);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, id);
        int rc = sq_exec_stmt(c, st);
        if (rc != STORE_OK)
            return rc;
    }
    return sqlite3_changes(c->db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int64_t store_instance_count(store_conn *c)
{
    static const char sql[] = "SELECT count(*) FROM instances";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

int store_tags_set(store_conn *c, const char *instance_id, const char *resource_id, const kvlist *tags)
{
    static const char sql[] = "INSERT INTO tags(instance_id, resource_id, key, value) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT(resource_id, key) DO UPDATE SET value = excluded.value";
    for (size_t i = 0; i < tags->keys.n; i++) {
        sqlite3_stmt *st = sq_stmt(c, sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, instance_id);
        sq_bind_text(st, 2, resource_id);
        sq_bind_text(st, 3, tags->keys.items[i]);
        sq_bind_text(st, 4, tags->values.items[i]);
        int rc = sq_exec_stmt(c, st);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

int store_tags_get(store_conn *c, const char *resource_id, kvlist *out)
{
    static const char sql[] = "SELECT key, value FROM tags WHERE resource_id = ? ORDER BY key";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, resource_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        strlist_push(&out->keys, (const char *)sqlite3_column_text(st, 0));
        strlist_push(&out->values, (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}
