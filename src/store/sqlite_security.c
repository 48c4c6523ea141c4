/* sqlite_security.c — security profiles (permissions and access controls), tag removal and
 * resource-existence look-ups for tagging, in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

/* ---- children of a profile: permissions and access-control lists ------------------------ */

static int write_permissions(store_conn *c, const security_profile *p)
{
    static const char del[] = "DELETE FROM security_profile_permissions WHERE profile_id = ?";
    static const char ins[] = "INSERT OR IGNORE INTO security_profile_permissions(profile_id, permission) "
                              "VALUES (?, ?)";
    sqlite3_stmt *st = sq_stmt(c, del);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < p->permissions.n; i++) {
        if (!(st = sq_stmt(c, ins)))
            return STORE_ERROR;
        sq_bind_text(st, 1, p->id);
        sq_bind_text(st, 2, p->permissions.items[i]);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

static int write_list_item(store_conn *c, const char *profile_id, const char *list, const char *key,
                           const char *value)
{
    static const char ins[] = "INSERT OR REPLACE INTO security_profile_lists(profile_id, list, key, value) "
                              "VALUES (?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, ins);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, profile_id);
    sq_bind_text(st, 2, list);
    sq_bind_text(st, 3, key);
    sq_bind_text(st, 4, value ? value : "");
    return sq_exec_stmt(c, st);
}

static int write_lists(store_conn *c, const security_profile *p)
{
    static const char del[] = "DELETE FROM security_profile_lists WHERE profile_id = ?";
    sqlite3_stmt *st = sq_stmt(c, del);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < p->allowed_tags.keys.n; i++)
        rc = write_list_item(c, p->id, "AllowedAccessControlTags", p->allowed_tags.keys.items[i],
                             p->allowed_tags.values.items[i]);
    for (size_t i = 0; rc == STORE_OK && i < p->tag_restricted.n; i++)
        rc = write_list_item(c, p->id, "TagRestrictedResources", p->tag_restricted.items[i], NULL);
    for (size_t i = 0; rc == STORE_OK && i < p->hierarchy_restricted.n; i++)
        rc = write_list_item(c, p->id, "HierarchyRestrictedResources", p->hierarchy_restricted.items[i], NULL);
    return rc;
}

static int read_lists(store_conn *c, security_profile *p)
{
    static const char sql[] = "SELECT list, key, value FROM security_profile_lists WHERE profile_id = ? "
                              "ORDER BY list, key";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *list = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(list, "AllowedAccessControlTags") == 0)
            kvlist_set(&p->allowed_tags, key, (const char *)sqlite3_column_text(st, 2));
        else if (strcmp(list, "TagRestrictedResources") == 0)
            strlist_push(&p->tag_restricted, key);
        else
            strlist_push(&p->hierarchy_restricted, key);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

/* ---- security profiles ---------------------------------------------------------------- */

int store_security_profile_insert(store_conn *c, const security_profile *p)
{
    static const char sql[] = "INSERT INTO security_profiles(id, instance_id, name, description, builtin, "
                              "modified_ms, allowed_access_control_group_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    sq_bind_text(st, 2, p->instance_id);
    sq_bind_text(st, 3, p->name);
    sq_bind_text(st, 4, p->description ? p->description : "");
    sqlite3_bind_int(st, 5, p->builtin);
    sqlite3_bind_int64(st, 6, p->modified_ms);
    sq_bind_text(st, 7, p->allowed_group_id[0] ? p->allowed_group_id : NULL);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK)
        rc = write_permissions(c, p);
    if (rc == STORE_OK)
        rc = write_lists(c, p);
    return rc;
}

int store_security_profile_update(store_conn *c, const security_profile *p)
{
    static const char sql[] = "UPDATE security_profiles SET description = ?, modified_ms = ?, "
                              "allowed_access_control_group_id = ? WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->description ? p->description : "");
    sqlite3_bind_int64(st, 2, p->modified_ms);
    sq_bind_text(st, 3, p->allowed_group_id[0] ? p->allowed_group_id : NULL);
    sq_bind_text(st, 4, p->instance_id);
    sq_bind_text(st, 5, p->id);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    if (rc == STORE_OK)
        rc = write_permissions(c, p);
    if (rc == STORE_OK)
        rc = write_lists(c, p);
    return rc;
}

int store_security_profile_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char sql[] = "DELETE FROM security_profiles WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}

int store_security_profile_holders(store_conn *c, const char *id, int64_t *count, char user_id[ID_LEN])
{
    static const char sql[] = "SELECT count(*), min(user_id) FROM user_security_profiles WHERE profile_id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int64(st, 0);
        sq_col_copy(st, 1, user_id, ID_LEN);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

#define PROFILE_COLS "id, instance_id, name, description, builtin, modified_ms, allowed_access_control_group_id"

/* Reads the current row of st (PROFILE_COLS) into *out, without its children. */
static void read_row(sqlite3_stmt *st, security_profile *out)
{
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
    out->name = sq_col_dup(st, 2);
    out->description = sq_col_dup(st, 3);
    out->builtin = sqlite3_column_int(st, 4);
    out->modified_ms = sqlite3_column_int64(st, 5);
    sq_col_copy(st, 6, out->allowed_group_id, sizeof out->allowed_group_id);
}

static int read_profile(store_conn *c, sqlite3_stmt *st, security_profile *out)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    read_row(st, out);
    sqlite3_reset(st);
    rc = store_security_profile_permissions(c, out->id, "", 100000, &out->permissions);
    return rc == STORE_OK ? read_lists(c, out) : rc;
}

int store_security_profile_get(store_conn *c, const char *instance_id, const char *id, security_profile *out)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return read_profile(c, st, out);
}

int store_security_profile_by_name(store_conn *c, const char *instance_id, const char *name,
                                   security_profile *out)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? AND name = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, name);
    return read_profile(c, st, out);
}

static void read_profile_item(sqlite3_stmt *st, void *item)
{
    read_row(st, item);
}

int store_security_profile_all(store_conn *c, const char *instance_id, security_profile **out, size_t *n)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? "
                              "ORDER BY name, id";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (st)
        sq_bind_text(st, 1, instance_id);
    int rc = sq_collect(c, st, (void **)out, n, sizeof **out, read_profile_item);
    return rc;
}

int store_security_profile_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM security_profiles WHERE " KEYSET;
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}

int store_security_profile_permissions(store_conn *c, const char *id, const char *after, size_t limit,
                                       strlist *out)
{
    static const char sql[] = "SELECT permission FROM security_profile_permissions "
                              "WHERE profile_id = ? AND permission > ? ORDER BY permission LIMIT ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, id);
    sq_bind_text(st, 2, after ? after : "");
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        strlist_push(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return sq_status(c, rc);
}

/* ---- tags ----------------------------------------------------------------------------------- */

int store_tags_remove(store_conn *c, const char *resource_id, const strlist *keys)
{
    static const char sql[] = "DELETE FROM tags WHERE resource_id = ? AND key = ?";
    for (size_t i = 0; i < keys->n; i++) {
        sqlite3_stmt *st = sq_stmt(c, sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, resource_id);
        sq_bind_text(st, 2, keys->items[i]);
        int rc = sq_exec_stmt(c, st);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

int store_resource_exists(store_conn *c, store_resource kind, const char *instance_id, const char *id)
{
    static const char users[] = "SELECT 1 FROM users WHERE instance_id = ? AND id = ?";
    static const char routing[] = "SELECT 1 FROM routing_profiles WHERE instance_id = ? AND id = ?";
    static const char security[] = "SELECT 1 FROM security_profiles WHERE instance_id = ? AND id = ?";
    static const char groups[] = "SELECT 1 FROM hierarchy_groups WHERE instance_id = ? AND id = ?";
    static const char queues[] = "SELECT 1 FROM queues WHERE instance_id = ? AND id = ? AND queue_type = 'STANDARD'";
    static const char agent_queues[] = "SELECT 1 FROM queues WHERE instance_id = ? AND id = ? AND "
                                       "queue_type = 'AGENT'";
    static const char hours_sql[] = "SELECT 1 FROM hours_of_operations WHERE instance_id = ? AND id = ?";
    static const char instances[] = "SELECT 1 FROM instances WHERE id = ? AND ? = id";
    const char *const sqls[] = {
        [STORE_RES_INSTANCE] = instances, [STORE_RES_USER] = users,          [STORE_RES_ROUTING_PROFILE] = routing,
        [STORE_RES_SECURITY_PROFILE] = security, [STORE_RES_HIERARCHY_GROUP] = groups, [STORE_RES_QUEUE] = queues,
        [STORE_RES_AGENT_QUEUE] = agent_queues,  [STORE_RES_HOURS] = hours_sql,
    };
    if ((int)kind < 0 || (size_t)kind >= sizeof sqls / sizeof sqls[0])
        return STORE_ERROR;
    sqlite3_stmt *st = sq_stmt(c, sqls[kind]);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, kind == STORE_RES_INSTANCE ? instance_id : id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
}
