/* console.h — what the web console needs from core beyond the users' own functions: the roles
 * of security profiles and users as a CX layer shows them (permissions_role, one rule), and the
 * per-instance mapping of each role to the security profiles the add-user form pre-selects.
 *
 * Every function returns 0, or -1 with *e set (ERR_ACCESS_DENIED, ERR_NOT_FOUND,
 * ERR_INVALID_PARAMETER naming the member, store errors). Reads run in the caller's transaction;
 * console_role_profiles_set opens its own write transaction.
 */
#ifndef ROSTER_CORE_CONSOLE_H
#define ROSTER_CORE_CONSOLE_H

#include "core/context.h"
#include "core/error.h"

/* The console's roles, in this order (static). */
enum { CONSOLE_ROLES = 3 };
extern const char *const console_role_names[CONSOLE_ROLES]; /* "Agent", "Supervisor", "Manager" */

/* The profile each role maps to when an instance stored none (the built-in profiles' names). */
extern const char *const console_role_default_profile[CONSOLE_ROLES];

/* One security profile of an instance with its permissions and its role. */
typedef struct console_profile {
    char id[ID_LEN];
    char *name;
    strlist permissions;
    const char *role; /* permissions_role's, static */
} console_profile;

typedef struct console_profiles {
    console_profile *items; /* in name order */
    size_t n;
} console_profiles;
void console_profiles_clear(console_profiles *l);

/* Every security profile of the instance, in name order, with its role (any principal of the
 * instance: CORE_CATALOG_READ). The caller clears *out, also after a failure. */
int console_profiles_load(core_ctx *cx, const char *instance_id, console_profiles *out, rerr *e);

/* The profile of l with that id, or NULL. */
const console_profile *console_profile_find(const console_profiles *l, const char *id);

/* The role of a user holding the profiles ids (of l): the role of the union of their
 * permissions. Static string. */
const char *console_user_role(const console_profiles *l, const strlist *ids);

/* The mapping role -> profile ids (out[k] for console_role_names[k], appended; the caller clears
 * them): what an admin stored for the role, or else the profile named
 * console_role_default_profile[k] when the instance has one (CORE_CATALOG_READ). A deleted profile
 * is in no list. */
int console_role_profiles_get(core_ctx *cx, const char *instance_id, strlist out[CONSOLE_ROLES], rerr *e);

/* Stores the mapping: in[k] replaces the list of role k (NULL leaves it). Each id must be a
 * security profile of the instance (ERR_INVALID_PARAMETER, field "RoleProfiles.<Role>"), at most
 * 10 per role. Needs SecurityProfiles.Edit (CORE_ROLE_PROFILES_UPDATE). */
int console_role_profiles_set(core_ctx *cx, const char *instance_id, const strlist *in[CONSOLE_ROLES], rerr *e);

#endif
