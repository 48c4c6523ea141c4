/* sqlite_scim.c — SCIM in the SQLite backend (see store_scim.h): bearer tokens (scim_tokens,
 * migration 15), settings and the attributes kept for users (migration 16). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

#define TOKEN_COLS "id, instance_id, name, created_ms, revoked_ms"

static void read_token(sqlite3_stmt *st, void *out)
{
    scim_token *t = out;
    memset(t, 0, sizeof *t);
    sq_col_copy(st, 0, t->id, sizeof t->id);
    sq_col_copy(st, 1, t->instance_id, sizeof t->instance_id);
    sq_col_copy(st, 2, t->name, sizeof t->name);
    t->created_ms = sqlite3_column_int64(st, 3);
    t->revoked_ms = sqlite3_column_int64(st, 4);
}

int store_scim_token_insert(store_conn *c, const scim_token *t, const unsigned char hash[SCIM_TOKEN_HASH_LEN])
{
    static const char sql[] = "INSERT INTO scim_tokens(id, instance_id, name, token_hash, created_ms, revoked_ms) "
                              "VALUES (?, ?, ?, ?, ?, 0)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(t->id), SQ_TEXT(t->instance_id), SQ_TEXT(t->name),
                           SQ_BLOB(hash, SCIM_TOKEN_HASH_LEN), SQ_INT(t->created_ms)));
}

int store_scim_token_by_hash(store_conn *c, const unsigned char hash[SCIM_TOKEN_HASH_LEN], scim_token *out)
{
    static const char sql[] = "SELECT " TOKEN_COLS " FROM scim_tokens WHERE token_hash = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_token, out, SQ_ARGS(SQ_BLOB(hash, SCIM_TOKEN_HASH_LEN)));
}

typedef struct token_list {
    scim_token *v;
    size_t n, cap;
} token_list;

static void read_into_list(sqlite3_stmt *st, void *out)
{
    token_list *l = out;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    read_token(st, &l->v[l->n++]);
}

int store_scim_token_list(store_conn *c, const char *instance_id, scim_token **out, size_t *n)
{
    static const char all[] = "SELECT " TOKEN_COLS " FROM scim_tokens ORDER BY instance_id, created_ms, id";
    static const char one[] = "SELECT " TOKEN_COLS " FROM scim_tokens WHERE instance_id = ? ORDER BY created_ms, id";
    token_list l = {0};
    int rc = instance_id ? sq_rows(c, one, read_into_list, &l, SQ_ARGS(SQ_TEXT(instance_id)))
                         : sq_rows(c, all, read_into_list, &l, SQ_NO_ARGS);
    if (rc != STORE_OK) {
        free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return rc;
}

int store_scim_token_revoke(store_conn *c, const char *id, int64_t now_ms)
{
    static const char sql[] = "UPDATE scim_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_INT(now_ms), SQ_TEXT(id)));
}

static void read_defaults(sqlite3_stmt *st, void *out)
{
    scim_create_defaults *d = out;
    sq_col_copy(st, 0, d->idm_type, sizeof d->idm_type);
    d->routing_from_settings = sqlite3_column_type(st, 1) != SQLITE_NULL;
    sq_col_copy(st, d->routing_from_settings ? 1 : 2, d->routing_profile_id, sizeof d->routing_profile_id);
    d->delete_disables = sqlite3_column_int(st, 3) != 0;
    const char *set = (const char *)sqlite3_column_text(st, 4), *named = (const char *)sqlite3_column_text(st, 5);
    d->security_from_settings = set != NULL;
    if (set) { /* ids hold no ',' */
        char *copy = xstrdup(set), *save = NULL;
        for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save))
            strlist_push(&d->security_profile_ids, id);
        free(copy);
    } else if (named) {
        strlist_push(&d->security_profile_ids, named);
    }
}

int store_scim_create_defaults(store_conn *c, const char *instance_id, const char *routing_name,
                               const char *security_name, scim_create_defaults *out)
{
    static const char sql[] =
        "SELECT i.idm_type, s.routing_profile_id, "
        "(SELECT id FROM routing_profiles WHERE instance_id = i.id AND name = ? ORDER BY id LIMIT 1), "
        "coalesce(s.delete_disables, 0), "
        "(SELECT group_concat(profile_id) FROM (SELECT profile_id FROM scim_settings_profiles "
        "  WHERE instance_id = i.id ORDER BY profile_id)), "
        "(SELECT id FROM security_profiles WHERE instance_id = i.id AND name = ? ORDER BY id LIMIT 1) "
        "FROM instances i LEFT JOIN scim_settings s ON s.instance_id = i.id WHERE i.id = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_defaults, out, SQ_ARGS(SQ_TEXT(routing_name), SQ_TEXT(security_name), SQ_TEXT(instance_id)));
}

static void read_settings(sqlite3_stmt *st, void *out)
{
    scim_settings_row *s = out;
    sq_col_copy(st, 0, s->routing_profile_id, sizeof s->routing_profile_id);
    s->admins_edit_settings = sqlite3_column_int(st, 1) != 0;
    s->delete_disables = sqlite3_column_int(st, 2) != 0;
}

int store_scim_settings_get(store_conn *c, const char *instance_id, scim_settings_row *out, int *stored)
{
    static const char row[] = "SELECT routing_profile_id, admins_edit_settings, delete_disables FROM scim_settings "
                              "WHERE instance_id = ?";
    static const char ids[] = "SELECT profile_id FROM scim_settings_profiles WHERE instance_id = ? ORDER BY profile_id";
    memset(out, 0, sizeof *out);
    *stored = 0;
    int rc = sq_row(c, row, read_settings, out, SQ_ARGS(SQ_TEXT(instance_id)));
    if (rc == STORE_NOTFOUND)
        return STORE_OK;
    if (rc != STORE_OK)
        return rc;
    *stored = 1;
    return sq_rows(c, ids, sq_read_strlist, &out->security_profile_ids, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_scim_settings_put(store_conn *c, const char *instance_id, const scim_settings_row *s)
{
    static const char drop[] = "DELETE FROM scim_settings WHERE instance_id = ?"; /* cascades to its profiles */
    static const char put[] = "INSERT INTO scim_settings(instance_id, routing_profile_id, admins_edit_settings, "
                              "delete_disables) VALUES (?, ?, ?, ?)";
    static const char add[] = "INSERT OR IGNORE INTO scim_settings_profiles(instance_id, profile_id) VALUES (?, ?)";
    int rc = sq_exec(c, drop, SQ_ARGS(SQ_TEXT(instance_id)));
    if (rc == STORE_OK)
        rc = sq_exec(c, put,
                     SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT_OPT(s->routing_profile_id), SQ_INT(s->admins_edit_settings != 0),
                             SQ_INT(s->delete_disables != 0)));
    for (size_t i = 0; rc == STORE_OK && i < s->security_profile_ids.n; i++)
        rc = sq_exec(c, add, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(s->security_profile_ids.items[i])));
    return rc;
}

int store_scim_user_attributes_put(store_conn *c, const char *user_id, const char *json)
{
    static const char put[] = "UPDATE users SET scim_attributes = ? WHERE id = ?";
    return sq_exec(c, put, SQ_ARGS(SQ_TEXT_OPT(json), SQ_TEXT(user_id)));
}

/* The users' SCIM columns: what scim_users_each hands on. */
#define SCIM_USER_SELECT                                                                                       \
    "SELECT u.id, u.instance_id, u.username, u.first_name, u.last_name, u.email, u.secondary_email, u.mobile, " \
    "u.externally_managed, u.external_id, u.disabled, u.version, u.created_ms, u.modified_ms, "              \
    "u.scim_attributes FROM users u "

int store_scim_users(store_conn *c, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                     int64_t limit, store_scim_user_fn fn, void *ctx)
{
    /* The page's rows are found in the username index alone (its entries carry seq), so the rows
     * an OFFSET skips cost an index step each, not a row read and a join. */
    static const char all[] = SCIM_USER_SELECT "WHERE u.seq IN (SELECT seq FROM users WHERE instance_id = ? "
                                               "ORDER BY username_fold LIMIT ? OFFSET ?) ORDER BY u.username_fold";
    static const char by_id[] = SCIM_USER_SELECT "WHERE u.instance_id = ? AND u.id = ?";
    static const char by_fold[] = SCIM_USER_SELECT "WHERE u.instance_id = ? AND u.username_fold = ?";
    static const char by_external[] = SCIM_USER_SELECT "WHERE u.instance_id = ? AND u.external_id = ? "
                                                       "ORDER BY u.username_fold";
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
        user_record u;
        memset(&u, 0, sizeof u);
        sq_col_copy(st, 0, u.id, sizeof u.id);
        sq_col_copy(st, 1, u.instance_id, sizeof u.instance_id);
        u.username = (char *)sqlite3_column_text(st, 2);
        u.first_name = (char *)sqlite3_column_text(st, 3);
        u.last_name = (char *)sqlite3_column_text(st, 4);
        u.email = (char *)sqlite3_column_text(st, 5);
        u.secondary_email = (char *)sqlite3_column_text(st, 6);
        u.mobile = (char *)sqlite3_column_text(st, 7);
        u.externally_managed = sqlite3_column_int(st, 8);
        u.external_id = (char *)sqlite3_column_text(st, 9);
        u.disabled = sqlite3_column_int(st, 10);
        u.version = sqlite3_column_int64(st, 11);
        u.created_ms = sqlite3_column_int64(st, 12);
        u.modified_ms = sqlite3_column_int64(st, 13);
        if (fn(ctx, &u, (const char *)sqlite3_column_text(st, 14))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_scim_user_count(store_conn *c, const char *instance_id, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM users WHERE instance_id = ?";
    return sq_int64(c, sql, n, SQ_ARGS(SQ_TEXT(instance_id)));
}
