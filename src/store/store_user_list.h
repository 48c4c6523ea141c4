/* store_user_list.h — the look-ups behind the console's user list (part of store.h; see its
 * contract). Include store/store.h, never this file alone.
 *
 * The list reuses the search's handle sets (store_user_search.h) for its filters; what it adds
 * here: walks of the instance's users in a sort order (an index each: username_fold, and
 * migration 12's first and last name ones), the sets the grouped sorts need (desk phones,
 * every user), one row as the list shows it, and every profile's permissions at once.
 * Handles are those of store_user_search.h: valid inside one read transaction.
 */
#ifndef ROSTER_STORE_STORE_USER_LIST_H
#define ROSTER_STORE_STORE_USER_LIST_H

/* One user as the list shows it. Strings are malloc'd (NULL when unset). */
typedef struct user_list_row {
    int64_t h;
    char id[ID_LEN];
    char *username;
    char *username_fold;
    char *first_name;
    char *last_name;
    char routing_profile_id[ID_LEN];
    char hierarchy_group_id[ID_LEN];  /* "" outside the hierarchy */
    char phone_type[12];              /* the VOICE channel's; "" when it has none */
    int externally_managed;
    int disabled;
    strlist security_profile_ids;     /* filled only when asked for */
} user_list_row;
void user_list_row_clear(user_list_row *r);

/* Reads handle h into *out (zeroed first); profiles: also its security profile ids.
 * STORE_NOTFOUND when no user has that handle. */
int store_user_list_row(store_conn *c, int64_t h, int profiles, user_list_row *out);

/* The orders a walk can follow; each ends with username_fold (unique in an instance). Names
 * compare ignoring ASCII case (COLLATE NOCASE), unset names first. */
typedef enum store_list_order {
    STORE_LIST_USERNAME,
    STORE_LIST_FIRST_NAME,
    STORE_LIST_LAST_NAME,
} store_list_order;

/* Called with each handle of a walk; returns 0 to go on, 1 to stop. */
typedef int (*store_list_visit)(int64_t h, void *cls);

/* Walks the instance's users in order o (desc: backwards), calling visit for each until it
 * stops the walk. Reads index entries only. Returns a STORE_* value. */
int store_user_list_walk(store_conn *c, const char *instance_id, store_list_order o, int desc, store_list_visit visit,
                         void *cls);

/* Appends the handles of the instance's users whose VOICE channel has a desk phone. */
int store_user_with_desk_phone(store_conn *c, const char *instance_id, user_handles *out);
/* Appends the handles of every user of the instance. */
int store_user_all(store_conn *c, const char *instance_id, user_handles *out);
/* The ids of the n handles h[0..n), appended to out in the same order (a handle naming no user
 * is left out). */
int store_user_ids_of(store_conn *c, const int64_t *h, size_t n, strlist *out);

/* Every (profile id, permission) pair of the instance's security profiles, in profile order:
 * profiles[i] holds perms[i] (both appended to). */
int store_security_permissions_all(store_conn *c, const char *instance_id, strlist *profiles, strlist *perms);

#endif
