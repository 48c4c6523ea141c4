/* scim_grants.h — core-internal (scim_groups.c, scim_mappings.c): what the SCIM group mappings
 * give users (the rules are scim_groups.h's), recomputed inside the write transaction of the
 * change of groups or mappings that may have altered it.
 *
 * For each user: the mappings of the groups it is in (store_scim_user_mappings, lowest
 * precedence first) give every mapped security profile and the first routing profile and
 * hierarchy group; what the last recomputation gave (scim_user_grants) and no longer applies is
 * taken back (a security profile removed — none left: the instance's SCIM default profiles —,
 * a routing profile back to the SCIM default, a hierarchy group to none), but only while the user
 * still holds it. The user is changed through users_update_tx (operation "ScimGroupMapping",
 * by_mapping: the externally-managed lock does not apply; audited), and what applies now is
 * recorded as its grants.
 */
#ifndef ROSTER_CORE_SCIM_GRANTS_H
#define ROSTER_CORE_SCIM_GRANTS_H

#include "core/context.h"
#include "core/error.h"

/* Recomputes each user of user_ids (sorted here and taken once; ids of users that no longer
 * exist are skipped) in instance_id, inside the caller's write transaction. Returns 0, or -1 with
 * *e set (users_update_tx's errors, the message naming the user; scim_settings_defaults' when a
 * default is needed and missing; store errors). */
int scim_grants_apply(core_ctx *cx, const char *instance_id, strlist *user_ids, rerr *e);

/* Sorts l's items in byte order (strcmp) and drops repeats. */
void scim_ids_sort_unique(strlist *l);

#endif
