/* sqlite_console.c — the console's role -> security profiles mapping in the SQLite backend
 * (store_console.h; tables role_profile_sets and role_profiles, migration 13). */
#include "store/sqlite_int.h"

int store_role_profiles_get(store_conn *c, const char *instance_id, const char *role, strlist *out, int *stored)
{
    static const char marked[] = "SELECT count(*) FROM role_profile_sets WHERE instance_id = ? AND role = ?";
    static const char ids[] = "SELECT profile_id FROM role_profiles WHERE instance_id = ? AND role = ? "
                              "ORDER BY profile_id";
    int64_t n = 0;
    int rc = sq_int64(c, marked, &n, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(role)));
    *stored = n > 0;
    if (rc != STORE_OK || !*stored)
        return rc;
    return sq_rows(c, ids, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(role)));
}

int store_role_profiles_set(store_conn *c, const char *instance_id, const char *role, const strlist *ids)
{
    static const char unmark[] = "DELETE FROM role_profile_sets WHERE instance_id = ? AND role = ?";
    static const char mark[] = "INSERT INTO role_profile_sets(instance_id, role) VALUES (?, ?)";
    static const char add[] = "INSERT OR IGNORE INTO role_profiles(instance_id, role, profile_id) VALUES (?, ?, ?)";
    int rc = sq_exec(c, unmark, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(role))); /* cascades to its ids */
    if (rc == STORE_OK)
        rc = sq_exec(c, mark, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(role)));
    for (size_t i = 0; rc == STORE_OK && i < ids->n; i++)
        rc = sq_exec(c, add, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(role), SQ_TEXT(ids->items[i])));
    return rc;
}
