/* store_console.h — what the web console keeps of its own (part of store.h; include
 * store/store.h, never this file alone): per instance, the security profiles each console role
 * pre-selects in the add-user form (migration 13). */
#ifndef ROSTER_STORE_STORE_CONSOLE_H
#define ROSTER_STORE_STORE_CONSOLE_H

/* The stored profile ids of role ("Agent", "Supervisor", "Manager") in instance_id, in id order,
 * appended to out; *stored says whether an admin stored a list for the role (an empty one too).
 * Returns a STORE_* value. */
int store_role_profiles_get(store_conn *c, const char *instance_id, const char *role, strlist *out, int *stored);

/* Replaces the stored list of role in instance_id by ids (profiles of the instance, checked by the
 * caller), inside the caller's write transaction. STORE_FOREIGN when an id names no profile. */
int store_role_profiles_set(store_conn *c, const char *instance_id, const char *role, const strlist *ids);

#endif
