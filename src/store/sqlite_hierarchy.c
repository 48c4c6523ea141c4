/* sqlite_hierarchy.c — the agent hierarchy (levels and groups) in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_testing.h"
#include "util/buf.h"

/* ---- the structure ------------------------------------------------------------------------ */

/* Reads a (level, id, name, modified_ms) row into its slot of the hierarchy_structure out. */
static void read_level(sqlite3_stmt *st, void *out)
{
    hierarchy_structure *s = out;
    int level = sqlite3_column_int(st, 0);
    if (level < 1 || level > HIERARCHY_LEVELS)
        return;
    hierarchy_level *l = &s->levels[level - 1];
    l->level = level;
    sq_col_copy(st, 1, l->id, sizeof l->id);
    l->name = sq_col_dup(st, 2);
    l->modified_ms = sqlite3_column_int64(st, 3);
}

int store_hierarchy_levels_get(store_conn *c, const char *instance_id, hierarchy_structure *out)
{
    static const char sql[] = "SELECT level, id, name, modified_ms FROM hierarchy_levels WHERE instance_id = ? "
                              "ORDER BY level";
    memset(out, 0, sizeof *out);
    return sq_rows(c, sql, read_level, out, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_hierarchy_level_put(store_conn *c, const char *instance_id, const hierarchy_level *l)
{
    static const char sql[] = "INSERT INTO hierarchy_levels(instance_id, level, id, name, modified_ms) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT(instance_id, level) DO UPDATE SET "
                              "name = excluded.name, modified_ms = excluded.modified_ms";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(l->level), SQ_TEXT(l->id), SQ_TEXT(l->name),
                           SQ_INT(l->modified_ms)));
}

int store_hierarchy_level_delete(store_conn *c, const char *instance_id, int level)
{
    static const char sql[] = "DELETE FROM hierarchy_levels WHERE instance_id = ? AND level = ?";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(level)));
}

int store_hierarchy_level_groups(store_conn *c, const char *instance_id, int level, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM hierarchy_groups WHERE instance_id = ? AND level = ?";
    return sq_int64(c, sql, n, SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(level)));
}

/* ---- the groups ----------------------------------------------------------------------------- */

#define GROUP_COLS "id, instance_id, name, level, parent_id, modified_ms"

/* Reads a GROUP_COLS row into the hierarchy_group out. */
static void read_group(sqlite3_stmt *st, void *out)
{
    hierarchy_group *g = out;
    memset(g, 0, sizeof *g);
    sq_col_copy(st, 0, g->id, sizeof g->id);
    sq_col_copy(st, 1, g->instance_id, sizeof g->instance_id);
    g->name = sq_col_dup(st, 2);
    g->level = sqlite3_column_int(st, 3);
    sq_col_copy(st, 4, g->parent_id, sizeof g->parent_id);
    g->modified_ms = sqlite3_column_int64(st, 5);
}

int store_group_insert(store_conn *c, const hierarchy_group *g)
{
    static const char sql[] = "INSERT INTO hierarchy_groups(" GROUP_COLS ") VALUES (?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(g->id), SQ_TEXT(g->instance_id), SQ_TEXT(g->name), SQ_INT(g->level),
                           SQ_TEXT_OPT(g->parent_id), SQ_INT(g->modified_ms)));
}

int store_group_get(store_conn *c, const char *instance_id, const char *id, hierarchy_group *out)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? AND id = ?";
    return sq_row(c, sql, read_group, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_group_by_name(store_conn *c, const char *instance_id, const char *name, hierarchy_group *out)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? AND name = ?";
    return sq_row(c, sql, read_group, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(name)));
}

int store_group_rename(store_conn *c, const char *instance_id, const char *id, const char *name, int64_t now_ms)
{
    static const char sql[] = "UPDATE hierarchy_groups SET name = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(name), SQ_INT(now_ms), SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_group_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char tags_sql[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    static const char sql[] = "DELETE FROM hierarchy_groups WHERE instance_id = ? AND id = ?";
    int rc = sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    return rc == STORE_OK ? sq_exec(c, tags_sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id))) : rc;
}

/* Reads the three counts of a group_usage row. */
static void read_usage(sqlite3_stmt *st, void *out)
{
    group_usage *u = out;
    u->children = sqlite3_column_int64(st, 0);
    u->users = sqlite3_column_int64(st, 1);
    u->security_profiles = sqlite3_column_int64(st, 2);
}

int store_group_usage(store_conn *c, const char *id, group_usage *out)
{
    static const char sql[] = "SELECT (SELECT count(*) FROM hierarchy_groups WHERE parent_id = ?1), "
                              "(SELECT count(*) FROM users WHERE hierarchy_group_id = ?1), "
                              "(SELECT count(*) FROM security_profiles WHERE allowed_access_control_group_id = ?1)";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_usage, out, SQ_ARGS(SQ_TEXT(id)));
}

int store_group_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM hierarchy_groups WHERE " KEYSET;
    return sq_page_summaries(c, sql, pr, out);
}

int store_group_all(store_conn *c, const char *instance_id, hierarchy_group **out, size_t *n)
{
    static const char sql[] = "SELECT " GROUP_COLS " FROM hierarchy_groups WHERE instance_id = ? ORDER BY name, id";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_group, SQ_ARGS(SQ_TEXT(instance_id)));
}

/* The three lists store_group_all_tags fills. */
typedef struct group_tags {
    strlist *ids, *keys, *values;
} group_tags;

static void read_group_tag(sqlite3_stmt *st, void *out)
{
    group_tags *t = out;
    strlist_push(t->ids, (const char *)sqlite3_column_text(st, 0));
    strlist_push(t->keys, (const char *)sqlite3_column_text(st, 1));
    strlist_push(t->values, (const char *)sqlite3_column_text(st, 2));
}

int store_group_all_tags(store_conn *c, const char *instance_id, strlist *ids, strlist *keys, strlist *values)
{
    static const char sql[] = "SELECT t.resource_id, t.key, t.value FROM tags t JOIN hierarchy_groups g "
                              "ON g.id = t.resource_id WHERE t.instance_id = ?1 AND g.instance_id = ?1 "
                              "ORDER BY t.resource_id, t.key";
    group_tags t = {ids, keys, values};
    return sq_rows(c, sql, read_group_tag, &t, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_group_assign_user(store_conn *c, const char *instance_id, const char *user_id, const char *group_id,
                            int64_t now_ms)
{
    static const char sql[] = "UPDATE users SET hierarchy_group_id = ?, modified_ms = ?, version = version + 1 "
                              "WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(group_id), SQ_INT(now_ms), SQ_TEXT(instance_id), SQ_TEXT(user_id)));
}
