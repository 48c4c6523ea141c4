/* security_profiles.h — creating, changing, deleting and searching security profiles, and
 * the rule that no one grants permissions they do not hold.
 *
 * Every function returns 0 on success or -1 with *e set. Writes run in one write
 * transaction of their own (do not call them inside another); reads run in the caller's.
 */
#ifndef ROSTER_CORE_SECURITY_PROFILES_H
#define ROSTER_CORE_SECURITY_PROFILES_H

#include "core/context.h"
#include "core/error.h"
#include "core/search.h"

/* What a create or an update carries. On update a NULL member leaves that attribute as it is. */
typedef struct sp_change {
    const char *name;                    /* create only: 1..127 of [ a-zA-Z0-9_@-] */
    const char *description;             /* 0..250 */
    const strlist *permissions;          /* 0..500 permissions from the catalogue */
    const kvlist *allowed_tags;          /* AllowedAccessControlTags: 0..4 */
    const strlist *tag_restricted;       /* TagRestrictedResources: 0..10 */
    const strlist *hierarchy_restricted; /* HierarchyRestrictedResources */
    const char *allowed_group_id;        /* AllowedAccessControlHierarchyGroupId; "" clears it */
    const kvlist *tags;                  /* create only */
} sp_change;

/* The name of the built-in profile that always holds every permission. */
#define SECURITY_PROFILE_ADMIN "Admin"

int security_profiles_create(core_ctx *cx, const char *instance_id, const sp_change *in, char id_out[ID_LEN],
                             rerr *e);
int security_profiles_update(core_ctx *cx, const char *instance_id, const char *id, const sp_change *in,
                             rerr *e);
/* Refused for Admin (ERR_ACCESS_DENIED) and while users hold the profile (ERR_IN_USE). */
int security_profiles_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e);

/* The rule of least privilege: a user key may only grant (in a profile it writes, or to a user)
 * permissions it holds itself. Returns 0, or -1 with ERR_ACCESS_DENIED naming the first
 * permission it lacks. Account keys and the command line (who NULL) may grant anything. */
int security_profiles_check_grant(const principal *who, const strlist *permissions, rerr *e);

/* The search language's rules for security profiles (fields name, description, resourceID). */
extern const search_rules security_profile_search_rules;

/* Profiles of the instance matching criteria (an AND root), sorted by name, one page.
 * *out (malloc'd array; clear each, free it), *n, *next (malloc'd or NULL), *total (all matches). */
int security_profiles_search(core_ctx *cx, const char *instance_id, const search_node *criteria,
                             const char *token, size_t limit, security_profile **out, size_t *n, char **next,
                             int64_t *total, rerr *e);

#endif
