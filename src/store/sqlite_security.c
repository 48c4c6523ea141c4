/* sqlite_security.c — security profiles (permissions and access controls) in the SQLite
 * backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

/* ---- security profiles ---------------------------------------------------------------- */

int store_security_profile_insert(store_conn *c, const security_profile *p)
{
    static const char sql[] = "INSERT INTO security_profiles(id, instance_id, name, description, builtin, "
                              "modified_ms) VALUES (?, ?, ?, ?, ?, ?)";
    static const char perm_sql[] = "INSERT INTO security_profile_permissions(profile_id, permission) "
                                   "VALUES (?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    sq_bind_text(st, 2, p->instance_id);
    sq_bind_text(st, 3, p->name);
    sq_bind_text(st, 4, p->description ? p->description : "");
    sqlite3_bind_int(st, 5, p->builtin);
    sqlite3_bind_int64(st, 6, p->modified_ms);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < p->permissions.n; i++) {
        st = sq_stmt(c, perm_sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, p->id);
        sq_bind_text(st, 2, p->permissions.items[i]);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

static int read_profile(store_conn *c, sqlite3_stmt *st, security_profile *out)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
    out->name = sq_col_dup(st, 2);
    out->description = sq_col_dup(st, 3);
    out->builtin = sqlite3_column_int(st, 4);
    out->modified_ms = sqlite3_column_int64(st, 5);
    sqlite3_reset(st);
    return store_security_profile_permissions(c, out->id, "", 100000, &out->permissions);
}

#define PROFILE_COLS "id, instance_id, name, description, builtin, modified_ms"

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

