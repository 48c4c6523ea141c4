/* scim_groups.h — groups pushed by an identity provider over SCIM, their members, and the
 * per-instance mappings that turn membership into roster settings.
 *
 * Groups: a display name unique in the instance ignoring ASCII case (409 uniqueness), an
 * optional externalId, the attributes roster has no column for (kept as JSON text, like users'),
 * members (users of the instance, each with the display the provider gave, or NULL), a version
 * (+1 on every change: the ETag) and times. Groups are SCIM's alone: only a SCIM token of the
 * instance (or an account-wide principal) changes them (Users.Edit for SCIM tokens). A change is
 * one write transaction; members are folded when given twice (the first one's display kept).
 *
 * Mappings (roster scim-mapping, /roster/v1): a group display name (matched ignoring ASCII case,
 * so a mapping may name a group the provider has not pushed yet) -> one security profile, one
 * routing profile or one hierarchy group, with a precedence (a whole number, lower wins). For a
 * user, what the groups it is in give:
 *   - security profiles: every mapped profile of every group, added to the user's own;
 *   - routing profile, hierarchy group: the target of the mapping with the lowest precedence
 *     (ties: the group display name first in byte order, then the mapping id).
 * roster records what the mappings gave each user (scim_user_grants); when a user leaves a
 * group, the group is deleted, renamed, or a mapping is removed, what no longer applies is taken
 * back: a security profile given only by the mappings is removed (a user left with none gets the
 * instance's SCIM default profiles), a routing profile falls back to the SCIM settings' default,
 * a hierarchy group to none. Settings the user had before a mapping gave them are not restored.
 * The recomputation happens in the same write transaction as the change that caused it, and is
 * audited on each user changed as operation "ScimGroupMapping".
 * Group-derived routing profile and hierarchy group stay read-only for admins even when the
 * instance lets admins edit provisioned users' contact-center settings.
 *
 * Functions return 0, or -1 with *e set: ERR_INVALID_PARAMETER (field named: "displayName",
 * "members[3].value" for a member that is no user of the instance, …), ERR_DUPLICATE (display
 * name), ERR_NOT_FOUND, ERR_CONDITION_FAILED (if_version > 0 and not the group's version),
 * ERR_ACCESS_DENIED, store errors.
 */
#ifndef ROSTER_CORE_SCIM_GROUPS_H
#define ROSTER_CORE_SCIM_GROUPS_H

#include "core/context.h"
#include "core/error.h"

#define SCIM_GROUP_MEMBERS_MAX 100000  /* members in one request */
#define SCIM_GROUP_NAME_MAX 256        /* characters of a display name */
#define SCIM_MAPPING_PRECEDENCE_MAX 1000000
#define SCIM_MAPPING_PRECEDENCE_DEFAULT 100

typedef struct scim_member {
    char user_id[ID_LEN];
    char *display;               /* the provider's, or NULL */
} scim_member;

typedef struct scim_member_list {
    scim_member *v;
    size_t n, cap;
} scim_member_list;
void scim_member_list_clear(scim_member_list *l);
/* Appends a copy of the member. A user_id of ID_LEN characters or more (no user's) is kept as "",
 * so that the change refuses it by its index rather than matching a cut copy. */
void scim_member_list_push(scim_member_list *l, const char *user_id, const char *display);

typedef struct scim_group {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *display_name;
    char *external_id;           /* NULL: none */
    char *attributes;            /* kept attributes (JSON text) or NULL */
    int64_t version;
    int64_t created_ms;
    int64_t modified_ms;
} scim_group;
void scim_group_clear(scim_group *g);

typedef struct scim_group_input {
    const char *display_name;
    const char *external_id;
    const char *attributes_json;
    const scim_member_list *members; /* the whole membership (a replace) */
} scim_group_input;

int scim_groups_create(core_ctx *cx, const char *instance_id, const scim_group_input *in, char id_out[ID_LEN],
                       rerr *e);
/* Replaces the group's name, externalId, attributes and members (PUT, and PATCH once applied). */
int scim_groups_replace(core_ctx *cx, const char *instance_id, const char *id, const scim_group_input *in,
                        int64_t if_version, rerr *e);
int scim_groups_delete(core_ctx *cx, const char *instance_id, const char *id, int64_t if_version, rerr *e);

typedef enum scim_groups_by {
    SCIM_GROUPS_ALL,             /* by display name ignoring case, then id; offset/limit */
    SCIM_GROUPS_BY_ID,
    SCIM_GROUPS_BY_NAME,         /* displayName equal to key ignoring ASCII case */
    SCIM_GROUPS_BY_EXTERNAL_ID,
} scim_groups_by;
/* Called with each group and, when asked for, its members (NULL otherwise); returns non-zero to
 * stop. Both are valid during the call only. */
typedef int (*scim_group_fn)(void *ctx, const scim_group *g, const scim_member_list *members);
/* Hands fn the selected groups (with_members: and their members, in user id order); offset and
 * limit (< 0: no limit) apply to SCIM_GROUPS_ALL. None is none (never ERR_NOT_FOUND). Users.View. */
int scim_groups_each(core_ctx *cx, const char *instance_id, scim_groups_by by, const char *key, int64_t offset,
                     int64_t limit, int with_members, scim_group_fn fn, void *ctx, rerr *e);

/* ---- mappings (an account-wide principal: CORE_SCIM_SETTINGS) ---- */

typedef enum scim_mapping_kind {
    SCIM_MAP_SECURITY_PROFILE,
    SCIM_MAP_ROUTING_PROFILE,
    SCIM_MAP_HIERARCHY_GROUP,
} scim_mapping_kind;

typedef struct scim_mapping {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *group_name;
    scim_mapping_kind kind;
    char target_id[ID_LEN];
    char *target_name;           /* the profile's name, the group's path "A / B"; filled by list */
    int64_t precedence;
    int64_t created_ms;
} scim_mapping;
void scim_mapping_clear(scim_mapping *m);

/* Maps group_name (1..SCIM_GROUP_NAME_MAX characters) to the target named target (a security or
 * routing profile's name, a hierarchy group's path "Level1 / Level2" or its id; ERR_NOT_FOUND,
 * field "Target", when there is none) with precedence (0..SCIM_MAPPING_PRECEDENCE_MAX) and
 * recomputes the members of groups of that name. ERR_DUPLICATE (field "GroupName") when the same
 * group name already maps to the same target. id_out gets the mapping's id. */
int scim_mappings_add(core_ctx *cx, const char *instance_ref, const char *group_name, scim_mapping_kind kind,
                      const char *target, int64_t precedence, char id_out[ID_LEN], rerr *e);
/* The instance's mappings by group name, precedence; *out malloc'd, each cleared by the caller. */
int scim_mappings_list(core_ctx *cx, const char *instance_ref, scim_mapping **out, size_t *n, rerr *e);
/* Removes mapping id and takes back what it gave. ERR_NOT_FOUND (field "MappingId") when the
 * instance has no such mapping. */
int scim_mappings_remove(core_ctx *cx, const char *instance_ref, const char *id, rerr *e);

/* "SECURITY_PROFILE", "ROUTING_PROFILE", "HIERARCHY_GROUP"; and back (-1 for another text). */
const char *scim_mapping_kind_name(scim_mapping_kind k);
int scim_mapping_kind_of(const char *name);

#endif
