/* sqlite_scim_groups.c — SCIM groups in the SQLite backend (see store_scim.h): groups and their
 * members (scim_groups, scim_group_members), the mappings of group names to security profiles,
 * routing profiles and hierarchy groups (scim_group_mappings), and what the mappings gave each
 * user (scim_user_grants); all of migration 16. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

/* s with ASCII upper case folded to lower case, as display_fold and group_fold keep names
 * (malloc'd; the caller frees). */

/* ---- groups -------------------------------------------------------------------------------------- */

int store_scim_group_insert(store_conn *c, const scim_group_row *g)
{
    static const char sql[] = "INSERT INTO scim_groups(id, instance_id, display_name, display_fold, external_id, "
                              "attributes_json, version, created_ms, modified_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char *f = sq_fold(g->display_name);
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(g->id), SQ_TEXT(g->instance_id), SQ_TEXT(g->display_name), SQ_TEXT(f),
                             SQ_TEXT(g->external_id), SQ_TEXT(g->attributes), SQ_INT(g->version),
                             SQ_INT(g->created_ms), SQ_INT(g->modified_ms)));
    free(f);
    return rc;
}

int store_scim_group_update(store_conn *c, const scim_group_row *g)
{
    static const char sql[] = "UPDATE scim_groups SET display_name = ?, display_fold = ?, external_id = ?, "
                              "attributes_json = ?, version = ?, modified_ms = ? WHERE instance_id = ? AND id = ?";
    char *f = sq_fold(g->display_name);
    int rc = sq_exec_found(c, sql,
                           SQ_ARGS(SQ_TEXT(g->display_name), SQ_TEXT(f), SQ_TEXT(g->external_id),
                                   SQ_TEXT(g->attributes), SQ_INT(g->version), SQ_INT(g->modified_ms),
                                   SQ_TEXT(g->instance_id), SQ_TEXT(g->id)));
    free(f);
    return rc;
}

int store_scim_group_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char sql[] = "DELETE FROM scim_groups WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

#define GROUP_SELECT                                                                                           \
    "SELECT id, instance_id, display_name, external_id, attributes_json, version, created_ms, modified_ms " \
    "FROM scim_groups "

int store_scim_groups(store_conn *c, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                      int64_t limit, store_scim_group_fn fn, void *ctx)
{
    static const char all[] = GROUP_SELECT "WHERE instance_id = ? ORDER BY display_fold, id LIMIT ? OFFSET ?";
    static const char by_id[] = GROUP_SELECT "WHERE instance_id = ? AND id = ?";
    static const char by_fold[] = GROUP_SELECT "WHERE instance_id = ? AND display_fold = ?";
    static const char by_external[] = GROUP_SELECT "WHERE instance_id = ? AND external_id = ? "
                                                   "ORDER BY display_fold, id";
    sqlite3_stmt *st = NULL;
    char *folded = NULL;
    switch (by) {
    case STORE_SCIM_ALL:
        st = sq_prepare(c, all, SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(limit < 0 ? -1 : limit), SQ_INT(offset)));
        break;
    case STORE_SCIM_BY_ID: st = sq_prepare(c, by_id, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key))); break;
    case STORE_SCIM_BY_NAME:
        folded = sq_fold(key);
        st = sq_prepare(c, by_fold, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(folded)));
        break;
    case STORE_SCIM_BY_EXTERNAL_ID: st = sq_prepare(c, by_external, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key))); break;
    }
    free(folded);
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        scim_group_row g = {.id = (const char *)sqlite3_column_text(st, 0),
                            .instance_id = (const char *)sqlite3_column_text(st, 1),
                            .display_name = (const char *)sqlite3_column_text(st, 2),
                            .external_id = (const char *)sqlite3_column_text(st, 3),
                            .attributes = (const char *)sqlite3_column_text(st, 4),
                            .version = sqlite3_column_int64(st, 5),
                            .created_ms = sqlite3_column_int64(st, 6),
                            .modified_ms = sqlite3_column_int64(st, 7)};
        if (fn(ctx, &g)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}


/* ---- members ------------------------------------------------------------------------------------- */

int store_scim_group_members(store_conn *c, const char *group_id, store_scim_member_fn fn, void *ctx)
{
    static const char sql[] = "SELECT user_id, display FROM scim_group_members WHERE group_id = ? ORDER BY user_id";
    sqlite3_stmt *st = sq_prepare(c, sql, SQ_ARGS(SQ_TEXT(group_id)));
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_scim_group_members_clear(store_conn *c, const char *group_id)
{
    static const char sql[] = "DELETE FROM scim_group_members WHERE group_id = ?";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(group_id)));
}

int store_scim_group_member_add(store_conn *c, const char *group_id, const char *user_id, const char *display)
{
    static const char sql[] = "INSERT INTO scim_group_members(group_id, user_id, display) VALUES (?, ?, ?)";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(group_id), SQ_TEXT(user_id), SQ_TEXT(display)));
}

int store_scim_name_members(store_conn *c, const char *instance_id, const char *group_name, strlist *out)
{
    static const char sql[] = "SELECT DISTINCT m.user_id FROM scim_groups g "
                              "JOIN scim_group_members m ON m.group_id = g.id "
                              "WHERE g.instance_id = ? AND g.display_fold = ? ORDER BY m.user_id";
    char *f = sq_fold(group_name);
    int rc = sq_rows(c, sql, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(f)));
    free(f);
    return rc;
}

/* ---- mappings ------------------------------------------------------------------------------------ */

/* The kinds as scim_user_grants spells them, in store_scim_target order. */
static const char *const kind_names[STORE_SCIM_TARGETS] = {"SECURITY_PROFILE", "ROUTING_PROFILE", "HIERARCHY_GROUP"};

void scim_mapping_row_clear(scim_mapping_row *m)
{
    if (!m)
        return;
    free(m->group_name);
    memset(m, 0, sizeof *m);
}

/* The columns of a mapping: its kind is the one target column set (the table's CHECK). */
#define MAPPING_COLS(m)                                                                                         \
    m "id, " m "instance_id, " m "group_name, CASE WHEN " m "security_profile_id IS NOT NULL THEN 0 WHEN " m \
      "routing_profile_id IS NOT NULL THEN 1 ELSE 2 END, coalesce(" m "security_profile_id, " m                \
      "routing_profile_id, " m "hierarchy_group_id), " m "precedence, " m "created_ms"

static void read_mapping(sqlite3_stmt *st, void *out)
{
    scim_mapping_row *m = out;
    sq_col_copy(st, 0, m->id, sizeof m->id);
    sq_col_copy(st, 1, m->instance_id, sizeof m->instance_id);
    m->group_name = sq_col_dup(st, 2);
    int k = sqlite3_column_int(st, 3);
    m->kind = k >= 0 && k < STORE_SCIM_TARGETS ? (store_scim_target)k : STORE_SCIM_HIERARCHY_GROUP;
    sq_col_copy(st, 4, m->target_id, sizeof m->target_id);
    m->precedence = sqlite3_column_int64(st, 5);
    m->created_ms = sqlite3_column_int64(st, 6);
}

int store_scim_mapping_insert(store_conn *c, const scim_mapping_row *m)
{
    static const char sql[] = "INSERT INTO scim_group_mappings(id, instance_id, group_name, group_fold, "
                              "security_profile_id, routing_profile_id, hierarchy_group_id, precedence, created_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char *f = sq_fold(m->group_name);
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(m->id), SQ_TEXT(m->instance_id), SQ_TEXT(m->group_name), SQ_TEXT(f),
                             SQ_TEXT(m->kind == STORE_SCIM_SECURITY_PROFILE ? m->target_id : NULL),
                             SQ_TEXT(m->kind == STORE_SCIM_ROUTING_PROFILE ? m->target_id : NULL),
                             SQ_TEXT(m->kind == STORE_SCIM_HIERARCHY_GROUP ? m->target_id : NULL),
                             SQ_INT(m->precedence), SQ_INT(m->created_ms)));
    free(f);
    return rc;
}

int store_scim_mapping_get(store_conn *c, const char *instance_id, const char *id, scim_mapping_row *out)
{
    static const char sql[] = "SELECT " MAPPING_COLS("") " FROM scim_group_mappings WHERE instance_id = ? AND id = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_mapping, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_scim_mapping_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char sql[] = "DELETE FROM scim_group_mappings WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_scim_mappings(store_conn *c, const char *instance_id, scim_mapping_row **out, size_t *n)
{
    static const char sql[] = "SELECT " MAPPING_COLS("") " FROM scim_group_mappings WHERE instance_id = ? "
                              "ORDER BY group_fold, precedence, id";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_mapping, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_scim_user_mappings(store_conn *c, const char *user_id, scim_mapping_row **out, size_t *n)
{
    static const char sql[] = "SELECT " MAPPING_COLS("m.") " FROM scim_group_members gm "
                              "JOIN scim_groups g ON g.id = gm.group_id "
                              "JOIN scim_group_mappings m "
                              "ON m.instance_id = g.instance_id AND m.group_fold = g.display_fold "
                              "WHERE gm.user_id = ? ORDER BY m.precedence, g.display_name, m.id";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_mapping, SQ_ARGS(SQ_TEXT(user_id)));
}

/* ---- grants -------------------------------------------------------------------------------------- */

static void read_grant(sqlite3_stmt *st, void *out)
{
    strlist *by_kind = out;
    const char *kind = (const char *)sqlite3_column_text(st, 0);
    for (int k = 0; kind && k < STORE_SCIM_TARGETS; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            strlist_push(&by_kind[k], (const char *)sqlite3_column_text(st, 1));
}

int store_scim_grants_get(store_conn *c, const char *user_id, strlist out[STORE_SCIM_TARGETS])
{
    static const char sql[] = "SELECT kind, target_id FROM scim_user_grants WHERE user_id = ? ORDER BY kind, target_id";
    return sq_rows(c, sql, read_grant, out, SQ_ARGS(SQ_TEXT(user_id)));
}

int store_scim_grants_set(store_conn *c, const char *user_id, const strlist grants[STORE_SCIM_TARGETS])
{
    static const char drop[] = "DELETE FROM scim_user_grants WHERE user_id = ?";
    static const char add[] = "INSERT OR IGNORE INTO scim_user_grants(user_id, kind, target_id) VALUES (?, ?, ?)";
    int rc = sq_exec(c, drop, SQ_ARGS(SQ_TEXT(user_id)));
    for (int k = 0; rc == STORE_OK && k < STORE_SCIM_TARGETS; k++)
        for (size_t i = 0; rc == STORE_OK && i < grants[k].n; i++)
            rc = sq_exec(c, add, SQ_ARGS(SQ_TEXT(user_id), SQ_TEXT(kind_names[k]), SQ_TEXT(grants[k].items[i])));
    return rc;
}
