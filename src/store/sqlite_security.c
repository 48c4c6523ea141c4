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
    int rc = sq_exec(c, del, SQ_ARGS(SQ_TEXT(p->id)));
    for (size_t i = 0; rc == STORE_OK && i < p->permissions.n; i++)
        rc = sq_exec(c, ins, SQ_ARGS(SQ_TEXT(p->id), SQ_TEXT(p->permissions.items[i])));
    return rc;
}

static int write_list_item(store_conn *c, const char *profile_id, const char *list, const char *key,
                           const char *value)
{
    static const char ins[] = "INSERT OR REPLACE INTO security_profile_lists(profile_id, list, key, value) "
                              "VALUES (?, ?, ?, ?)";
    return sq_exec(c, ins, SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(list), SQ_TEXT(key), SQ_TEXT(value ? value : "")));
}

static int write_lists(store_conn *c, const security_profile *p)
{
    static const char del[] = "DELETE FROM security_profile_lists WHERE profile_id = ?";
    int rc = sq_exec(c, del, SQ_ARGS(SQ_TEXT(p->id)));
    for (size_t i = 0; rc == STORE_OK && i < p->allowed_tags.keys.n; i++)
        rc = write_list_item(c, p->id, "AllowedAccessControlTags", p->allowed_tags.keys.items[i],
                             p->allowed_tags.values.items[i]);
    for (size_t i = 0; rc == STORE_OK && i < p->tag_restricted.n; i++)
        rc = write_list_item(c, p->id, "TagRestrictedResources", p->tag_restricted.items[i], NULL);
    for (size_t i = 0; rc == STORE_OK && i < p->hierarchy_restricted.n; i++)
        rc = write_list_item(c, p->id, "HierarchyRestrictedResources", p->hierarchy_restricted.items[i], NULL);
    return rc;
}

/* Reads a (list, key, value) row into the list it names of the security_profile out. */
static void read_list_item(sqlite3_stmt *st, void *out)
{
    security_profile *p = out;
    const char *list = (const char *)sqlite3_column_text(st, 0);
    const char *key = (const char *)sqlite3_column_text(st, 1);
    if (strcmp(list, "AllowedAccessControlTags") == 0)
        kvlist_set(&p->allowed_tags, key, (const char *)sqlite3_column_text(st, 2));
    else if (strcmp(list, "TagRestrictedResources") == 0)
        strlist_push(&p->tag_restricted, key);
    else
        strlist_push(&p->hierarchy_restricted, key);
}

/* ---- security profiles ---------------------------------------------------------------- */

/* Writes the permissions and lists of p after its row was written with result rc. */
static int write_children(store_conn *c, int rc, const security_profile *p)
{
    if (rc == STORE_OK)
        rc = write_permissions(c, p);
    return rc == STORE_OK ? write_lists(c, p) : rc;
}

int store_security_profile_insert(store_conn *c, const security_profile *p)
{
    static const char sql[] = "INSERT INTO security_profiles(id, instance_id, name, description, builtin, "
                              "modified_ms, allowed_access_control_group_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(p->id), SQ_TEXT(p->instance_id), SQ_TEXT(p->name),
                             SQ_TEXT(p->description ? p->description : ""), SQ_INT(p->builtin),
                             SQ_INT(p->modified_ms), SQ_TEXT_OPT(p->allowed_group_id)));
    return write_children(c, rc, p);
}

int store_security_profile_update(store_conn *c, const security_profile *p)
{
    static const char sql[] = "UPDATE security_profiles SET description = ?, modified_ms = ?, "
                              "allowed_access_control_group_id = ? WHERE instance_id = ? AND id = ?";
    int rc = sq_exec_found(c, sql,
                           SQ_ARGS(SQ_TEXT(p->description ? p->description : ""), SQ_INT(p->modified_ms),
                                   SQ_TEXT_OPT(p->allowed_group_id), SQ_TEXT(p->instance_id), SQ_TEXT(p->id)));
    return write_children(c, rc, p);
}

int store_security_profile_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char sql[] = "DELETE FROM security_profiles WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_security_profile_holders(store_conn *c, const char *id, int64_t *count, char user_id[ID_LEN])
{
    static const char sql[] = "SELECT count(*), min(user_id) FROM user_security_profiles WHERE profile_id = ?";
    return sq_count_and_first(c, sql, id, count, user_id);
}

#define PROFILE_COLS "id, instance_id, name, description, builtin, modified_ms, allowed_access_control_group_id"

/* Reads a PROFILE_COLS row into the security_profile out, without its children. */
static void read_profile(sqlite3_stmt *st, void *out)
{
    security_profile *p = out;
    memset(p, 0, sizeof *p);
    sq_col_copy(st, 0, p->id, sizeof p->id);
    sq_col_copy(st, 1, p->instance_id, sizeof p->instance_id);
    p->name = sq_col_dup(st, 2);
    p->description = sq_col_dup(st, 3);
    p->builtin = sqlite3_column_int(st, 4);
    p->modified_ms = sqlite3_column_int64(st, 5);
    sq_col_copy(st, 6, p->allowed_group_id, sizeof p->allowed_group_id);
}

/* The whole profile: the row sql selects by (instance_id, key), its permissions and lists. */
static int read_whole(store_conn *c, const char *sql, const char *instance_id, const char *key,
                      security_profile *out)
{
    static const char lists_sql[] = "SELECT list, key, value FROM security_profile_lists WHERE profile_id = ? "
                                    "ORDER BY list, key";
    int rc = sq_row(c, sql, read_profile, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key)));
    if (rc == STORE_OK)
        rc = store_security_profile_permissions(c, out->id, "", 100000, &out->permissions);
    return rc == STORE_OK ? sq_rows(c, lists_sql, read_list_item, out, SQ_ARGS(SQ_TEXT(out->id))) : rc;
}

int store_security_profile_get(store_conn *c, const char *instance_id, const char *id, security_profile *out)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? AND id = ?";
    return read_whole(c, sql, instance_id, id, out);
}

int store_security_profile_by_name(store_conn *c, const char *instance_id, const char *name,
                                   security_profile *out)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? AND name = ?";
    return read_whole(c, sql, instance_id, name, out);
}

int store_security_profile_all(store_conn *c, const char *instance_id, security_profile **out, size_t *n)
{
    static const char sql[] = "SELECT " PROFILE_COLS " FROM security_profiles WHERE instance_id = ? "
                              "ORDER BY name, id";
    return sq_collect(c, sql, (void **)out, n, sizeof **out, read_profile, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_security_profile_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM security_profiles WHERE " KEYSET;
    return sq_page_summaries(c, sql, pr, out);
}

int store_security_profile_permissions(store_conn *c, const char *id, const char *after, size_t limit,
                                       strlist *out)
{
    static const char sql[] = "SELECT permission FROM security_profile_permissions "
                              "WHERE profile_id = ? AND permission > ? ORDER BY permission LIMIT ?";
    return sq_rows(c, sql, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(id), SQ_TEXT(after ? after : ""), SQ_INT(limit)));
}

/* ---- tags ----------------------------------------------------------------------------------- */

int store_tags_remove(store_conn *c, const char *resource_id, const strlist *keys)
{
    static const char sql[] = "DELETE FROM tags WHERE resource_id = ? AND key = ?";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < keys->n; i++)
        rc = sq_exec(c, sql, SQ_ARGS(SQ_TEXT(resource_id), SQ_TEXT(keys->items[i])));
    return rc;
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
    int64_t one;
    return sq_row(c, sqls[kind], sq_read_int64, &one,
                  SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(kind == STORE_RES_INSTANCE ? instance_id : id)));
}
