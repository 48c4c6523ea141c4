/* sqlite_instances.c — instances and tags in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

#define INSTANCE_COLS "id, alias, idm_type, inbound_calls, outbound_calls, status, created_ms"

/* Reads an INSTANCE_COLS row into the instance out. */
static void read_instance(sqlite3_stmt *st, void *out)
{
    instance *in = out;
    memset(in, 0, sizeof *in);
    sq_col_copy(st, 0, in->id, sizeof in->id);
    in->alias = sq_col_dup(st, 1);
    sq_col_copy(st, 2, in->idm_type, sizeof in->idm_type);
    in->inbound_calls = sqlite3_column_int(st, 3);
    in->outbound_calls = sqlite3_column_int(st, 4);
    sq_col_copy(st, 5, in->status, sizeof in->status);
    in->created_ms = sqlite3_column_int64(st, 6);
}

int store_instance_insert(store_conn *c, const instance *in, const char *client_token)
{
    static const char sql[] = "INSERT INTO instances(" INSTANCE_COLS ", client_token) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(in->id), SQ_TEXT(in->alias), SQ_TEXT(in->idm_type), SQ_INT(in->inbound_calls),
                           SQ_INT(in->outbound_calls), SQ_TEXT(in->status), SQ_INT(in->created_ms),
                           SQ_TEXT_OPT(client_token)));
}

int store_instance_get(store_conn *c, const char *id, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE id = ?";
    return sq_row(c, sql, read_instance, out, SQ_ARGS(SQ_TEXT(id)));
}

int store_instance_by_token(store_conn *c, const char *client_token, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE client_token = ?";
    return sq_row(c, sql, read_instance, out, SQ_ARGS(SQ_TEXT(client_token)));
}

int store_instance_by_alias(store_conn *c, const char *alias, instance *out)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE alias = ?";
    return sq_row(c, sql, read_instance, out, SQ_ARGS(SQ_TEXT(alias)));
}

int store_instance_list(store_conn *c, const char *after, size_t limit, instance **out, size_t *n)
{
    static const char sql[] = "SELECT " INSTANCE_COLS " FROM instances WHERE id > ? ORDER BY id LIMIT ?";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_instance,
                      SQ_ARGS(SQ_TEXT(after ? after : ""), SQ_INT(limit)));
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
    const size_t last = sizeof sqls / sizeof sqls[0] - 1;
    for (size_t i = 0; i < last; i++) {
        int rc = sq_exec(c, sqls[i], SQ_ARGS(SQ_TEXT(id)));
        if (rc != STORE_OK)
            return rc;
    }
    return sq_exec_found(c, sqls[last], SQ_ARGS(SQ_TEXT(id)));
}

int64_t store_instance_count(store_conn *c)
{
    static const char sql[] = "SELECT count(*) FROM instances";
    int64_t v = -1;
    return sq_row(c, sql, sq_read_int64, &v, SQ_NO_ARGS) == STORE_OK ? v : -1;
}

int store_tags_set(store_conn *c, const char *instance_id, const char *resource_id, const kvlist *tags)
{
    static const char sql[] = "INSERT INTO tags(instance_id, resource_id, key, value) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT(resource_id, key) DO UPDATE SET value = excluded.value";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < tags->keys.n; i++)
        rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(resource_id), SQ_TEXT(tags->keys.items[i]),
                             SQ_TEXT(tags->values.items[i])));
    return rc;
}

/* Appends a (key, value) row to the kvlist out. */
static void read_tag(sqlite3_stmt *st, void *out)
{
    kvlist *tags = out;
    strlist_push(&tags->keys, (const char *)sqlite3_column_text(st, 0));
    strlist_push(&tags->values, (const char *)sqlite3_column_text(st, 1));
}

int store_tags_get(store_conn *c, const char *resource_id, kvlist *out)
{
    static const char sql[] = "SELECT key, value FROM tags WHERE resource_id = ? ORDER BY key";
    return sq_rows(c, sql, read_tag, out, SQ_ARGS(SQ_TEXT(resource_id)));
}
