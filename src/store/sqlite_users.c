/* sqlite_users.c — users in the SQLite backend: the whole record (row, security profiles,
 * channel configs) and the user's AGENT queue; look-ups by id, name and look-alike name; the
 * keyset page of ListUsers; the permissions behind a user key. Rules live in core/users.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_testing.h"
#include "util/buf.h"


/* ---- writing ------------------------------------------------------------------------------ */

static int insert_channels(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO user_channel_configs(user_id, channel, auto_accept, acw_seconds, "
                              "phone_type, phone_number, persistent_connection, voice_enhancement, "
                              "afc_auto_accept, afc_acw_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < u->n_channels; i++) {
        const channel_config *ch = &u->channels[i];
        rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(u->id), SQ_TEXT(ch->channel), SQ_INT_IF(ch->has_auto_accept, ch->auto_accept != 0),
                             SQ_INT_IF(ch->has_acw, ch->acw_seconds), SQ_TEXT_OPT(ch->phone_type),
                             SQ_TEXT_OPT(ch->phone_number), SQ_INT_IF(ch->has_persistent, ch->persistent != 0),
                             SQ_TEXT_OPT(ch->voice_enhancement),
                             SQ_INT_IF(ch->has_afc_auto_accept, ch->afc_auto_accept != 0),
                             SQ_INT_IF(ch->has_afc_acw, ch->afc_acw_seconds)));
    }
    return rc;
}

static int insert_profiles(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT OR IGNORE INTO user_security_profiles(user_id, profile_id) VALUES (?, ?)";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < u->security_profile_ids.n; i++)
        rc = sq_exec(c, sql, SQ_ARGS(SQ_TEXT(u->id), SQ_TEXT(u->security_profile_ids.items[i])));
    return rc;
}

/* Replaces the child rows (profiles, channels) of u->id with those of u. */
static int write_children(store_conn *c, const user_record *u)
{
    static const char del_sp[] = "DELETE FROM user_security_profiles WHERE user_id = ?";
    static const char del_ch[] = "DELETE FROM user_channel_configs WHERE user_id = ?";
    int rc = sq_exec(c, del_sp, SQ_ARGS(SQ_TEXT(u->id)));
    if (rc == STORE_OK)
        rc = sq_exec(c, del_ch, SQ_ARGS(SQ_TEXT(u->id)));
    if (rc == STORE_OK)
        rc = insert_profiles(c, u);
    return rc == STORE_OK ? insert_channels(c, u) : rc;
}

static int insert_agent_queue(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO queues(id, instance_id, name, description, hours_id, max_contacts, "
                              "status, queue_type, modified_ms) VALUES (?, ?, NULL, NULL, NULL, NULL, 'ENABLED', "
                              "'AGENT', ?)";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(u->id), SQ_TEXT(u->instance_id), SQ_INT(u->created_ms)));
}

int store_user_create(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO users(id, instance_id, username, username_fold, first_name, last_name, "
                              "email, secondary_email, mobile, password_hash, directory_user_id, "
                              "routing_profile_id, hierarchy_group_id, externally_managed, external_id, disabled, "
                              "password_temporary, version, created_ms, modified_ms, scim_attributes) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char *folded = sq_fold(u->username);
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(u->id), SQ_TEXT(u->instance_id), SQ_TEXT(u->username), SQ_TEXT(folded),
                             SQ_TEXT(u->first_name), SQ_TEXT(u->last_name), SQ_TEXT(u->email),
                             SQ_TEXT(u->secondary_email), SQ_TEXT(u->mobile), SQ_TEXT(u->password_hash),
                             SQ_TEXT(u->directory_user_id), SQ_TEXT(u->routing_profile_id),
                             SQ_TEXT_OPT(u->hierarchy_group_id), SQ_INT(u->externally_managed != 0),
                             SQ_TEXT(u->external_id), SQ_INT(u->disabled != 0), SQ_INT(u->password_temporary != 0),
                             SQ_INT(u->version > 0 ? u->version : 1),
                             SQ_INT(u->created_ms), SQ_INT(u->modified_ms), SQ_TEXT(u->scim_attributes)));
    free(folded);
    if (rc == STORE_OK)
        rc = insert_profiles(c, u);
    if (rc == STORE_OK)
        rc = insert_channels(c, u);
    return rc == STORE_OK ? insert_agent_queue(c, u) : rc;
}

int store_user_update(store_conn *c, const user_record *u, unsigned what)
{
    /* the same without the username: SQLite rewrites the entries of every index over a column
     * the statement sets, changed or not */
    static const char keep_name[] = "UPDATE users SET first_name = ?, last_name = ?, "
                                    "email = ?, secondary_email = ?, mobile = ?, password_hash = ?, "
                                    "directory_user_id = ?, routing_profile_id = ?, hierarchy_group_id = ?, "
                                    "externally_managed = ?, external_id = ?, disabled = ?, password_temporary = ?, "
                                    "version = ?, modified_ms = ? WHERE instance_id = ? AND id = ?";
    static const char sql[] = "UPDATE users SET username = ?, username_fold = ?, first_name = ?, last_name = ?, "
                              "email = ?, secondary_email = ?, mobile = ?, password_hash = ?, directory_user_id = ?, "
                              "routing_profile_id = ?, hierarchy_group_id = ?, externally_managed = ?, "
                              "external_id = ?, disabled = ?, password_temporary = ?, version = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    int rc;
    if (what & STORE_USER_NAME) {
        char *folded = sq_fold(u->username);
        rc = sq_exec_found(c, sql,
                           SQ_ARGS(SQ_TEXT(u->username), SQ_TEXT(folded), SQ_TEXT(u->first_name),
                                   SQ_TEXT(u->last_name), SQ_TEXT(u->email), SQ_TEXT(u->secondary_email),
                                   SQ_TEXT(u->mobile), SQ_TEXT(u->password_hash), SQ_TEXT(u->directory_user_id),
                                   SQ_TEXT(u->routing_profile_id), SQ_TEXT_OPT(u->hierarchy_group_id),
                                   SQ_INT(u->externally_managed != 0), SQ_TEXT(u->external_id),
                                   SQ_INT(u->disabled != 0), SQ_INT(u->password_temporary != 0), SQ_INT(u->version),
                                   SQ_INT(u->modified_ms),
                                   SQ_TEXT(u->instance_id), SQ_TEXT(u->id)));
        free(folded);
    } else {
        rc = sq_exec_found(c, keep_name,
                           SQ_ARGS(SQ_TEXT(u->first_name), SQ_TEXT(u->last_name), SQ_TEXT(u->email),
                                   SQ_TEXT(u->secondary_email), SQ_TEXT(u->mobile), SQ_TEXT(u->password_hash),
                                   SQ_TEXT(u->directory_user_id), SQ_TEXT(u->routing_profile_id),
                                   SQ_TEXT_OPT(u->hierarchy_group_id), SQ_INT(u->externally_managed != 0),
                                   SQ_TEXT(u->external_id), SQ_INT(u->disabled != 0),
                                   SQ_INT(u->password_temporary != 0), SQ_INT(u->version), SQ_INT(u->modified_ms),
                                   SQ_TEXT(u->instance_id), SQ_TEXT(u->id)));
    }
    return rc == STORE_OK && (what & STORE_USER_CHILDREN) ? write_children(c, u) : rc;
}

int store_user_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char del_user[] = "DELETE FROM users WHERE instance_id = ? AND id = ?";
    static const char del_queue[] = "DELETE FROM queues WHERE instance_id = ? AND id = ? AND queue_type = 'AGENT'";
    static const char del_tags[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    int rc = sq_exec_found(c, del_user, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    if (rc == STORE_OK)
        rc = sq_exec(c, del_queue, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    return rc == STORE_OK ? sq_exec(c, del_tags, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id))) : rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

#define USER_COLS                                                                                             \
    "id, instance_id, username, first_name, last_name, email, secondary_email, mobile, password_hash, "      \
    "directory_user_id, routing_profile_id, hierarchy_group_id, externally_managed, external_id, disabled, " \
    "version, created_ms, modified_ms, password_temporary"

/* Reads a USER_COLS row into the user_record out, without its children. */
static void read_row(sqlite3_stmt *st, void *out)
{
    user_record *u = out;
    memset(u, 0, sizeof *u);
    sq_col_copy(st, 0, u->id, sizeof u->id);
    sq_col_copy(st, 1, u->instance_id, sizeof u->instance_id);
    u->username = sq_col_dup(st, 2);
    u->first_name = sq_col_dup(st, 3);
    u->last_name = sq_col_dup(st, 4);
    u->email = sq_col_dup(st, 5);
    u->secondary_email = sq_col_dup(st, 6);
    u->mobile = sq_col_dup(st, 7);
    u->password_hash = sq_col_dup(st, 8);
    u->directory_user_id = sq_col_dup(st, 9);
    sq_col_copy(st, 10, u->routing_profile_id, sizeof u->routing_profile_id);
    sq_col_copy(st, 11, u->hierarchy_group_id, sizeof u->hierarchy_group_id);
    u->externally_managed = sqlite3_column_int(st, 12);
    u->external_id = sq_col_dup(st, 13);
    u->disabled = sqlite3_column_int(st, 14);
    u->version = sqlite3_column_int64(st, 15);
    u->created_ms = sqlite3_column_int64(st, 16);
    u->modified_ms = sqlite3_column_int64(st, 17);
    u->password_temporary = sqlite3_column_int(st, 18);
}

/* Reads a nullable boolean/integer column into (*has, *v). */
static void col_opt(sqlite3_stmt *st, int i, int *has, int64_t *v)
{
    *has = sqlite3_column_type(st, i) != SQLITE_NULL;
    *v = *has ? sqlite3_column_int64(st, i) : 0;
}

/* Reads a channel row into the next free channel of the user_record out (USER_CHANNELS at most). */
static void read_channel(sqlite3_stmt *st, void *out)
{
    user_record *u = out;
    if (u->n_channels >= USER_CHANNELS)
        return;
    channel_config *ch = &u->channels[u->n_channels++];
    int64_t v;
    memset(ch, 0, sizeof *ch);
    sq_col_copy(st, 0, ch->channel, sizeof ch->channel);
    col_opt(st, 1, &ch->has_auto_accept, &v);
    ch->auto_accept = v != 0;
    col_opt(st, 2, &ch->has_acw, &ch->acw_seconds);
    sq_col_copy(st, 3, ch->phone_type, sizeof ch->phone_type);
    sq_col_copy(st, 4, ch->phone_number, sizeof ch->phone_number);
    col_opt(st, 5, &ch->has_persistent, &v);
    ch->persistent = v != 0;
    sq_col_copy(st, 6, ch->voice_enhancement, sizeof ch->voice_enhancement);
    col_opt(st, 7, &ch->has_afc_auto_accept, &v);
    ch->afc_auto_accept = v != 0;
    col_opt(st, 8, &ch->has_afc_acw, &ch->afc_acw_seconds);
}

int sq_user_profiles(store_conn *c, const char *user_id, strlist *out)
{
    static const char sql[] = "SELECT profile_id FROM user_security_profiles WHERE user_id = ? ORDER BY profile_id";
    return sq_rows(c, sql, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(user_id)));
}

/* Reads the user the query sql selects by (instance_id, key), with its profiles and channels
 * (channels in no particular order: sorting them here cost a sorter per read, a third of
 * reading them). */
static int read_user(store_conn *c, const char *sql, const char *instance_id, const char *key, user_record *out)
{
    static const char ch_sql[] = "SELECT channel, auto_accept, acw_seconds, phone_type, phone_number, "
                                 "persistent_connection, voice_enhancement, afc_auto_accept, afc_acw_seconds "
                                 "FROM user_channel_configs WHERE user_id = ?"; /* primary key order */
    int rc = sq_row(c, sql, read_row, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key)));
    if (rc != STORE_OK)
        return rc;
    rc = sq_user_profiles(c, out->id, &out->security_profile_ids);
    if (rc == STORE_OK)
        rc = sq_rows(c, ch_sql, read_channel, out, SQ_ARGS(SQ_TEXT(out->id)));
    if (rc != STORE_OK)
        user_clear(out);
    return rc;
}

int store_user_get(store_conn *c, const char *instance_id, const char *id, user_record *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE instance_id = ? AND id = ?";
    return read_user(c, sql, instance_id, id, out);
}

int store_user_by_name(store_conn *c, const char *instance_id, const char *username, user_record *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE instance_id = ? AND username = ?";
    return read_user(c, sql, instance_id, username, out);
}

int store_user_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, username, modified_ms FROM users WHERE instance_id = ? AND "
                              "(username > ? OR (username = ? AND id > ?)) ORDER BY username, id LIMIT ?";
    return sq_page_summaries(c, sql, pr, out);
}

/* ---- references for authentication and the bootstrap ---------------------------------------- */

/* Reads an (id, instance_id, username) row into the user_ref out. */
static void read_ref(sqlite3_stmt *st, void *out)
{
    user_ref *r = out;
    memset(r, 0, sizeof *r);
    sq_col_copy(st, 0, r->id, sizeof r->id);
    sq_col_copy(st, 1, r->instance_id, sizeof r->instance_id);
    r->username = sq_col_dup(st, 2);
}

int store_user_lookalike(store_conn *c, const char *instance_id, const char *username, user_ref *out)
{
    /* No ORDER BY: sorting by username made SQLite walk the whole (instance, username) index
     * instead of looking the folded name up; at most one look-alike can exist anyway: the
     * unique index users_fold (migration 5) refuses a second. */
    static const char sql[] = "SELECT id, instance_id, username FROM users INDEXED BY users_fold "
                              "WHERE instance_id = ? AND username_fold = ? LIMIT 1";
    char *folded = sq_fold(username);
    int rc = sq_row(c, sql, read_ref, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(folded)));
    free(folded);
    return rc;
}

int store_user_by_username(store_conn *c, const char *instance_id, const char *username, user_ref *out)
{
    static const char sql[] = "SELECT id, instance_id, username FROM users WHERE instance_id = ? AND username = ?";
    return sq_row(c, sql, read_ref, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(username)));
}

int store_user_get_ref(store_conn *c, const char *user_id, user_ref *out)
{
    static const char sql[] = "SELECT id, instance_id, username FROM users WHERE id = ?";
    return sq_row(c, sql, read_ref, out, SQ_ARGS(SQ_TEXT(user_id)));
}

int store_user_insert(store_conn *c, const user_insert *in)
{
    user_record u = {0};
    memcpy(u.id, in->id, ID_LEN);
    memcpy(u.instance_id, in->instance_id, ID_LEN);
    u.username = xstrdup(in->username);
    u.first_name = xstrdup(in->first_name);
    u.last_name = xstrdup(in->last_name);
    u.email = xstrdup(in->email);
    u.password_hash = xstrdup(in->password_hash);
    snprintf(u.routing_profile_id, sizeof u.routing_profile_id, "%s", in->routing_profile_id);
    for (size_t i = 0; in->security_profile_ids && i < in->security_profile_ids->n; i++)
        strlist_push(&u.security_profile_ids, in->security_profile_ids->items[i]);
    u.version = 1;
    u.created_ms = u.modified_ms = in->now_ms;
    int rc = store_user_create(c, &u);
    user_clear(&u);
    return rc;
}

int store_user_permissions(store_conn *c, const char *user_id, strlist *out)
{
    static const char sql[] = "SELECT DISTINCT p.permission FROM user_security_profiles u "
                              "JOIN security_profile_permissions p ON p.profile_id = u.profile_id "
                              "WHERE u.user_id = ? ORDER BY p.permission";
    return sq_rows(c, sql, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(user_id)));
}

int store_user_version(store_conn *c, const char *instance_id, const char *id, int64_t *version)
{
    static const char sql[] = "SELECT version FROM users WHERE instance_id = ? AND id = ?";
    return sq_row(c, sql, sq_read_int64, version, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
}

int store_user_touch(store_conn *c, const char *instance_id, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE users SET version = version + 1, modified_ms = ? WHERE instance_id = ? AND id = ?";
    return sq_exec(c, sql, SQ_ARGS(SQ_INT(now_ms), SQ_TEXT(instance_id), SQ_TEXT(id)));
}
