/* sqlite_user_list.c — the look-ups behind the console's user list in the SQLite backend (see
 * store_user_list.h).
 *
 * Walks read one index in order and never a table row:
 *   Username    users_fold(instance_id, username_fold)                       (migration 5)
 *   First name  users_first_name(instance_id, first_name NOCASE, username_fold) (migration 12)
 *   Last name   users_last_name(instance_id, last_name NOCASE, username_fold)   (migration 12)
 * Desk phones come from user_channel_phone(channel, phone_type) (migration 12), a short list
 * in most instances; a list row is one read by seq, its profiles and its VOICE channel.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

void user_list_row_clear(user_list_row *r)
{
    if (!r)
        return;
    free(r->username);
    free(r->username_fold);
    free(r->first_name);
    free(r->last_name);
    strlist_clear(&r->security_profile_ids);
    memset(r, 0, sizeof *r);
}

static void read_row(sqlite3_stmt *st, void *out)
{
    user_list_row *r = out;
    sq_col_copy(st, 0, r->id, sizeof r->id);
    r->username = sq_col_dup(st, 1);
    r->username_fold = sq_col_dup(st, 2);
    r->first_name = sq_col_dup(st, 3);
    r->last_name = sq_col_dup(st, 4);
    sq_col_copy(st, 5, r->routing_profile_id, sizeof r->routing_profile_id);
    sq_col_copy(st, 6, r->hierarchy_group_id, sizeof r->hierarchy_group_id);
    r->externally_managed = sqlite3_column_int(st, 7);
    r->disabled = sqlite3_column_int(st, 8);
    sq_col_copy(st, 9, r->phone_type, sizeof r->phone_type);
}

int store_user_list_row(store_conn *c, int64_t h, int profiles, user_list_row *out)
{
    static const char sql[] = "SELECT u.id, u.username, u.username_fold, u.first_name, u.last_name, "
                              "u.routing_profile_id, u.hierarchy_group_id, u.externally_managed, u.disabled, "
                              "(SELECT phone_type FROM user_channel_configs WHERE user_id = u.id AND channel = 'VOICE') "
                              "FROM users u WHERE u.seq = ?";
    static const char sps[] = "SELECT profile_id FROM user_security_profiles WHERE user_id = ?";
    memset(out, 0, sizeof *out);
    out->h = h;
    int rc = sq_row(c, sql, read_row, out, SQ_ARGS(SQ_INT(h)));
    if (rc == STORE_OK && profiles)
        rc = sq_rows(c, sps, sq_read_strlist, &out->security_profile_ids, SQ_ARGS(SQ_TEXT(out->id)));
    return rc;
}

int store_user_list_walk(store_conn *c, const char *instance_id, store_list_order o, int desc, store_list_visit visit,
                         void *cls)
{
    static const char *const sql[3][2] = {
        {"SELECT seq FROM users WHERE instance_id = ? ORDER BY username_fold",
         "SELECT seq FROM users WHERE instance_id = ? ORDER BY username_fold DESC"},
        {"SELECT seq FROM users INDEXED BY users_first_name WHERE instance_id = ? "
         "ORDER BY first_name COLLATE NOCASE, username_fold",
         "SELECT seq FROM users INDEXED BY users_first_name WHERE instance_id = ? "
         "ORDER BY first_name COLLATE NOCASE DESC, username_fold DESC"},
        {"SELECT seq FROM users INDEXED BY users_last_name WHERE instance_id = ? "
         "ORDER BY last_name COLLATE NOCASE, username_fold",
         "SELECT seq FROM users INDEXED BY users_last_name WHERE instance_id = ? "
         "ORDER BY last_name COLLATE NOCASE DESC, username_fold DESC"},
    };
    int k = o == STORE_LIST_FIRST_NAME ? 1 : o == STORE_LIST_LAST_NAME ? 2 : 0;
    sqlite3_stmt *st = sq_prepare(c, sql[k][desc ? 1 : 0], SQ_ARGS(SQ_TEXT(instance_id)));
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (visit(sqlite3_column_int64(st, 0), cls)) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

static void read_handle(sqlite3_stmt *st, void *out)
{
    user_handles_push(out, sqlite3_column_int64(st, 0));
}

int store_user_with_desk_phone(store_conn *c, const char *instance_id, user_handles *out)
{
    static const char sql[] = "SELECT u.seq FROM user_channel_configs p JOIN users u ON u.id = p.user_id "
                              "WHERE p.channel = 'VOICE' AND p.phone_type = 'DESK_PHONE' AND u.instance_id = ?";
    return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_user_all(store_conn *c, const char *instance_id, user_handles *out)
{
    static const char sql[] = "SELECT seq FROM users WHERE instance_id = ?";
    return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_user_ids_of(store_conn *c, const int64_t *h, size_t n, strlist *out)
{
    static const char sql[] = "SELECT id FROM users WHERE seq = ?";
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        if ((rc = sq_row(c, sql, sq_read_strlist, out, SQ_ARGS(SQ_INT(h[i])))) == STORE_NOTFOUND)
            rc = STORE_OK;
    return rc;
}

typedef struct pairs {
    strlist *a, *b;
} pairs;

static void read_pair(sqlite3_stmt *st, void *out)
{
    pairs *p = out;
    char *x = sq_col_dup(st, 0), *y = sq_col_dup(st, 1);
    strlist_push(p->a, x ? x : "");
    strlist_push(p->b, y ? y : "");
    free(x);
    free(y);
}

int store_security_permissions_all(store_conn *c, const char *instance_id, strlist *profiles, strlist *perms)
{
    static const char sql[] = "SELECT p.id, x.permission FROM security_profiles p "
                              "JOIN security_profile_permissions x ON x.profile_id = p.id "
                              "WHERE p.instance_id = ? ORDER BY p.id";
    pairs p = {profiles, perms};
    return sq_rows(c, sql, read_pair, &p, SQ_ARGS(SQ_TEXT(instance_id)));
}
