/* sqlite_hierarchy.c — the agent hierarchy (levels and groups) in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_testing.h"
#include "util/buf.h"

/* ---- the structure ------------------------------------------------------------------------ */

int store_hierarchy_levels_get(store_conn *c, const char *instance_id, hierarchy_structure *out)
{
    static const char sql[] = "SELECT level, id, name, modified_ms FROM hierarchy_levels WHERE instance_id = ? "
                              "ORDER BY level";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int level = sqlite3_column_int(st, 0);
        if (level < 1 || level > HIERARCHY_LEVELS)
            continue;
        hierarchy_level *l = &out->levels[level - 1];
        l->level = level;
        sq_col_copy(st, 1, l->id, sizeof l->id);
        l->name = sq_col_dup(st, 2);
        l->modified_ms = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_hierarchy_level_put(store_conn *c, const char *instance_id, const hierarchy_level *l)
{
    static const char sql[] = "INSERT INTO hierarchy_levels(instance_id, level, id, name, modified_ms) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT(instance_id, level) DO UPDATE SET "
                              "name = excluded.name, modified_ms = excluded.modified_ms";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sqlite3_bind_int(st, 2, l->level);
    sq_bind_text(st, 3, l->id);
    sq_bind_text(st, 4, l->name);
    sqlite3_bind_int64(st, 5, l->modified_ms);
    return sq_exec_stmt(c, st);
}

int store_hierarchy_level_delete(store_conn *c, const char *instance_id, int level)
{
    static const char sql[] = "DELETE FROM hierarchy_levels WHERE instance_id = ? AND level = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sqlite3_bind_int(st, 2, level);
    return sq_exec_stmt(c, st);
}

/* Steps a statement returning one integer (a count) into *n. */
static int count_one(store_conn *c, sqlite3_stmt *st, int64_t *n)
{
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_hierarchy_level_groups(store_conn *c, const char *instance_id, int level, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM hierarchy_groups WHERE instance_id = ? AND level = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sqlite3_bind_int(st, 2, level);
    return count_one(c, st, n);
}

/* ---- the groups ----------------------------------------------------------------------------- */

#define GROUP_COLS "id, instance_id, name, level, parent_id, modified_ms"

static void read_group_row(sqlite3_stmt *st, hierarchy_group *g)
{
    memset(g, 0, sizeof *g);
    sq_col_copy(st, 0, g->id, sizeof g->id);
    sq_col_copy(st, 1, g->instance_id, sizeof g->instance_id);
    g->name = sq_col_dup(st, 2);
    g->level = sqlite3_column_int(st, 3);
    sq_col_copy(st, 4, g->parent_id, sizeof g->parent_id);
    g->modified_ms = sqlite3_column_int64(st, 5);
}

/* Steps a statement selecting GROUP_COLS for at most one row. */
static int read_group(store_conn *c, sqlite3_stmt *st, hierarchy_group *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_group_row(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
}

int store_group_insert(store_conn *c, const hierarchy_group *g)
{
    static const char sql[] = "INSERT INTO hierarchy_groups(" GROUP_COLS ") VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, g->id);
    sq_bind_text(st, 2, g->instance_id);
    sq_bind_text(st, 3, g->name);
    sqlite3_bind_int(st, 4, g->level);
    sq_bind_text(st, 5, g->parent_id[0] ? g->parent_id : NULL);
    sqlite3_bind_int64(st, 6, g->modified_ms);
    return sq_exec_stmt(c, st);
}

int store_group_get(store_conn *c, const char *instance_id, const char *id, hierarchy_group *out)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return read_group(c, st, out);
}

int store_group_by_name(store_conn *c, const char *instance_id, const char *name, hierarchy_group *out)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? AND name = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, name);
    return read_group(c, st, out);
}

int store_group_rename(store_conn *c, const char *instance_id, const char *id, const char *name, int64_t now_ms)
{
    static const char sql[] = "UPDATE hierarchy_groups SET name = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, now_ms);
    sq_bind_text(st, 3, instance_id);
    sq_bind_text(st, 4, id);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}

int store_group_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char tags_sql[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    static const char sql[] = "DELETE FROM hierarchy_groups WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sq_exec_stmt(c, st);
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    if (!(st = sq_stmt(c, tags_sql)))
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return sq_exec_stmt(c, st);
}

int store_group_usage(store_conn *c, const char *id, group_usage *out)
{
    static const char sql[] = "SELECT (SELECT count(*) FROM hierarchy_groups WHERE parent_id = ?1), "
                              "(SELECT count(*) FROM users WHERE hierarchy_group_id = ?1), "
                              "(SELECT count(*) FROM security_profiles WHERE allowed_access_control_group_id = ?1)";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->children = sqlite3_column_int64(st, 0);
        out->users = sqlite3_column_int64(st, 1);
        out->security_profiles = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_group_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM hierarchy_groups WHERE " KEYSET;
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}

static void read_group_item(sqlite3_stmt *st, void *item)
{
    read_group_row(st, item);
}

int store_group_all(store_conn *c, const char *instance_id, hierarchy_group **out, size_t *n)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? ORDER BY name, id";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (st)
        sq_bind_text(st, 1, instance_id);
    int rc = sq_collect(c, st, (void **)out, n, sizeof **out, read_group_item);
    return rc;
}

int store_group_all_tags(store_conn *c, const char *instance_id, strlist *ids, strlist *keys, strlist *values)
{
    static const char sql[] = "SELECT t.resource_id, t.key, t.value FROM tags t JOIN hierarchy_groups g "
                              "ON g.id = t.resource_id WHERE t.instance_id = ?1 AND g.instance_id = ?1 "
                              "ORDER BY t.resource_id, t.key";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        strlist_push(ids, (const char *)sqlite3_column_text(st, 0));
        strlist_push(keys, (const char *)sqlite3_column_text(st, 1));
        strlist_push(values, (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_group_assign_user(store_conn *c, const char *instance_id, const char *user_id, const char *group_id,
                            int64_t now_ms)
{
    static const char sql[] = "UPDATE users SET hierarchy_group_id = ?, modified_ms = ?, version = version + 1 "
                              "WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, group_id);
    sqlite3_bind_int64(st, 2, now_ms);
    sq_bind_text(st, 3, instance_id);
    sq_bind_text(st, 4, user_id);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}
