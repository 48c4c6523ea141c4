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

/* ASCII lower-case copy of s, for the look-alike index. Caller frees. */
static char *fold(const char *s)
{
    char *f = xstrdup(s ? s : "");
    for (char *p = f; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return f;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void bind_opt_bool(sqlite3_stmt *st, int i, int has, int v)
{
    if (has)
        sqlite3_bind_int(st, i, v != 0);
}

static void bind_opt_int(sqlite3_stmt *st, int i, int has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
}

static int insert_channels(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO user_channel_configs(user_id, channel, auto_accept, acw_seconds, "
                              "phone_type, phone_number, persistent_connection, voice_enhancement, "
                              "afc_auto_accept, afc_acw_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < u->n_channels; i++) {
        const channel_config *ch = &u->channels[i];
        sqlite3_stmt *st = sq_stmt(c, sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, u->id);
        sq_bind_text(st, 2, ch->channel);
        bind_opt_bool(st, 3, ch->has_auto_accept, ch->auto_accept);
        bind_opt_int(st, 4, ch->has_acw, ch->acw_seconds);
        sq_bind_text(st, 5, ch->phone_type[0] ? ch->phone_type : NULL);
        sq_bind_text(st, 6, ch->phone_number[0] ? ch->phone_number : NULL);
        bind_opt_bool(st, 7, ch->has_persistent, ch->persistent);
        sq_bind_text(st, 8, ch->voice_enhancement[0] ? ch->voice_enhancement : NULL);
        bind_opt_bool(st, 9, ch->has_afc_auto_accept, ch->afc_auto_accept);
        bind_opt_int(st, 10, ch->has_afc_acw, ch->afc_acw_seconds);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

static int insert_profiles(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT OR IGNORE INTO user_security_profiles(user_id, profile_id) VALUES (?, ?)";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < u->security_profile_ids.n; i++) {
        sqlite3_stmt *st = sq_stmt(c, sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, u->id);
        sq_bind_text(st, 2, u->security_profile_ids.items[i]);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

/* Replaces the child rows (profiles, channels) of u->id with those of u. */
static int write_children(store_conn *c, const user_record *u)
{
    static const char del_sp[] = "DELETE FROM user_security_profiles WHERE user_id = ?";
    static const char del_ch[] = "DELETE FROM user_channel_configs WHERE user_id = ?";
    const char *const dels[] = {del_sp, del_ch};
    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st = sq_stmt(c, dels[i]);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, u->id);
        int rc = sq_exec_stmt(c, st);
        if (rc != STORE_OK)
            return rc;
    }
    int rc = insert_profiles(c, u);
    return rc == STORE_OK ? insert_channels(c, u) : rc;
}

static int insert_agent_queue(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO queues(id, instance_id, name, description, hours_id, max_contacts, "
                              "status, queue_type, modified_ms) VALUES (?, ?, NULL, NULL, NULL, NULL, 'ENABLED', "
                              "'AGENT', ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, u->id);
    sq_bind_text(st, 2, u->instance_id);
    sqlite3_bind_int64(st, 3, u->created_ms);
    return sq_exec_stmt(c, st);
}

int store_user_create(store_conn *c, const user_record *u)
{
    static const char sql[] = "INSERT INTO users(id, instance_id, username, username_fold, first_name, last_name, "
                              "email, secondary_email, mobile, password_hash, directory_user_id, "
                              "routing_profile_id, hierarchy_group_id, externally_managed, external_id, disabled, "
                              "version, created_ms, modified_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    char *folded = fold(u->username);
    sq_bind_text(st, 1, u->id);
    sq_bind_text(st, 2, u->instance_id);
    sq_bind_text(st, 3, u->username);
    sq_bind_text(st, 4, folded);
    sq_bind_text(st, 5, u->first_name);
    sq_bind_text(st, 6, u->last_name);
    sq_bind_text(st, 7, u->email);
    sq_bind_text(st, 8, u->secondary_email);
    sq_bind_text(st, 9, u->mobile);
    sq_bind_text(st, 10, u->password_hash);
    sq_bind_text(st, 11, u->directory_user_id);
    sq_bind_text(st, 12, u->routing_profile_id);
    sq_bind_text(st, 13, u->hierarchy_group_id[0] ? u->hierarchy_group_id : NULL);
    sqlite3_bind_int(st, 14, u->externally_managed != 0);
    sq_bind_text(st, 15, u->external_id);
    sqlite3_bind_int(st, 16, u->disabled != 0);
    sqlite3_bind_int64(st, 17, u->version > 0 ? u->version : 1);
    sqlite3_bind_int64(st, 18, u->created_ms);
    sqlite3_bind_int64(st, 19, u->modified_ms);
    int rc = sq_exec_stmt(c, st);
    free(folded);
    if (rc == STORE_OK)
        rc = insert_profiles(c, u);
    if (rc == STORE_OK)
        rc = insert_channels(c, u);
    return rc == STORE_OK ? insert_agent_queue(c, u) : rc;
}

int store_user_update(store_conn *c, const user_record *u)
{
    static const char sql[] = "UPDATE users SET username = ?, username_fold = ?, first_name = ?, last_name = ?, "
                              "email = ?, secondary_email = ?, mobile = ?, password_hash = ?, directory_user_id = ?, "
                              "routing_profile_id = ?, hierarchy_group_id = ?, externally_managed = ?, "
                              "external_id = ?, disabled = ?, version = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    char *folded = fold(u->username);
    sq_bind_text(st, 1, u->username);
    sq_bind_text(st, 2, folded);
    sq_bind_text(st, 3, u->first_name);
    sq_bind_text(st, 4, u->last_name);
    sq_bind_text(st, 5, u->email);
    sq_bind_text(st, 6, u->secondary_email);
    sq_bind_text(st, 7, u->mobile);
    sq_bind_text(st, 8, u->password_hash);
    sq_bind_text(st, 9, u->directory_user_id);
    sq_bind_text(st, 10, u->routing_profile_id);
    sq_bind_text(st, 11, u->hierarchy_group_id[0] ? u->hierarchy_group_id : NULL);
    sqlite3_bind_int(st, 12, u->externally_managed != 0);
    sq_bind_text(st, 13, u->external_id);
    sqlite3_bind_int(st, 14, u->disabled != 0);
    sqlite3_bind_int64(st, 15, u->version);
    sqlite3_bind_int64(st, 16, u->modified_ms);
    sq_bind_text(st, 17, u->instance_id);
    sq_bind_text(st, 18, u->id);
    int rc = sq_exec_stmt(c, st);
    free(folded);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc == STORE_OK ? write_children(c, u) : rc;
}

int store_user_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char del_user[] = "DELETE FROM users WHERE instance_id = ? AND id = ?";
    static const char del_queue[] = "DELETE FROM queues WHERE instance_id = ? AND id = ? AND queue_type = 'AGENT'";
    static const char del_tags[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    const char *const sqls[] = {del_user, del_queue, del_tags};
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        sqlite3_stmt *st = sq_stmt(c, sqls[i]);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, instance_id);
        sq_bind_text(st, 2, id);
        int rc = sq_exec_stmt(c, st);
        if (rc != STORE_OK)
            return rc;
        if (i == 0 && sqlite3_changes(c->db) == 0)
            return STORE_NOTFOUND;
    }
    return STORE_OK;
}

/* ---- reading ------------------------------------------------------------------------------ */

#define USER_COLS                                                                                             \
    "id, instance_id, username, first_name, last_name, email, secondary_email, mobile, password_hash, "      \
    "directory_user_id, routing_profile_id, hierarchy_group_id, externally_managed, external_id, disabled, " \
    "version, created_ms, modified_ms"

static void read_row(sqlite3_stmt *st, user_record *u)
{
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
}

/* Reads a nullable boolean/integer column into (*has, *v). */
static void col_opt(sqlite3_stmt *st, int i, int *has, int64_t *v)
{
    *has = sqlite3_column_type(st, i) != SQLITE_NULL;
    *v = *has ? sqlite3_column_int64(st, i) : 0;
}

static void read_channel(sqlite3_stmt *st, channel_config *ch)
{
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
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, user_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        strlist_push(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return sq_status(c, rc);
}

/* Reads the profiles and channels of u->id into u (channels in no particular order: sorting
 * them here cost a sorter per read, a third of reading them). */
static int read_children(store_conn *c, user_record *u)
{
    static const char ch_sql[] = "SELECT channel, auto_accept, acw_seconds, phone_type, phone_number, "
                                 "persistent_connection, voice_enhancement, afc_auto_accept, afc_acw_seconds "
                                 "FROM user_channel_configs WHERE user_id = ?"; /* primary key order */
    int rc = sq_user_profiles(c, u->id, &u->security_profile_ids);
    sqlite3_stmt *st = rc == STORE_OK ? sq_stmt(c, ch_sql) : NULL;
    if (!st)
        return rc != STORE_OK ? rc : STORE_ERROR;
    sq_bind_text(st, 1, u->id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && u->n_channels < USER_CHANNELS)
        read_channel(st, &u->channels[u->n_channels++]);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(c, rc);
}

/* Steps st (USER_COLS, at most one row) and reads the whole user into *out. */
static int one_user(store_conn *c, sqlite3_stmt *st, user_record *out)
{
    int rc = sqlite3_step(st);
    int res = rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    if (rc == SQLITE_ROW)
        read_row(st, out);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return res;
    if ((res = read_children(c, out)) != STORE_OK)
        user_clear(out);
    return res;
}

int store_user_get(store_conn *c, const char *instance_id, const char *id, user_record *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return one_user(c, st, out);
}

int store_user_by_name(store_conn *c, const char *instance_id, const char *username, user_record *out)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE instance_id = ? AND username = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, username);
    return one_user(c, st, out);
}

int store_user_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, username, modified_ms FROM users WHERE instance_id = ? AND "
                              "(username > ? OR (username = ? AND id > ?)) ORDER BY username, id LIMIT ?";
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}

/* ---- references for authentication and the bootstrap ---------------------------------------- */

static int one_user_ref(store_conn *c, sqlite3_stmt *st, user_ref *out)
{
    int rc = sqlite3_step(st);
    int res = rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        sq_col_copy(st, 0, out->id, sizeof out->id);
        sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
        out->username = sq_col_dup(st, 2);
    }
    sqlite3_reset(st);
    return res;
}

int store_user_lookalike(store_conn *c, const char *instance_id, const char *username, user_ref *out)
{
    /* No ORDER BY: sorting by username made SQLite walk the whole (instance, username) index
     * instead of looking the folded name up; at most one look-alike can exist anyway: the
     * unique index users_fold (migration 5) refuses a second. */
    static const char sql[] = "SELECT id, instance_id, username FROM users INDEXED BY users_fold "
                              "WHERE instance_id = ? AND username_fold = ? LIMIT 1";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    char *folded = fold(username);
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, folded);
    int rc = one_user_ref(c, st, out);
    free(folded);
    return rc;
}

int store_user_by_username(store_conn *c, const char *instance_id, const char *username, user_ref *out)
{
    static const char sql[] = "SELECT id, instance_id, username FROM users WHERE instance_id = ? AND username = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, username);
    return one_user_ref(c, st, out);
}

int store_user_get_ref(store_conn *c, const char *user_id, user_ref *out)
{
    static const char sql[] = "SELECT id, instance_id, username FROM users WHERE id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, user_id);
    return one_user_ref(c, st, out);
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
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, user_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        strlist_push(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_user_version(store_conn *c, const char *instance_id, const char *id, int64_t *version)
{
    static const char sql[] = "SELECT version FROM users WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
}

int store_user_touch(store_conn *c, const char *instance_id, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE users SET version = version + 1, modified_ms = ? WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now_ms);
    sq_bind_text(st, 2, instance_id);
    sq_bind_text(st, 3, id);
    return sq_exec_stmt(c, st);
}
