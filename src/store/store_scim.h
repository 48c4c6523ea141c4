/* store_scim.h — SCIM in the store: bearer tokens, per-instance settings, the attributes kept
 * for a user, groups with their members, the mappings of group names to profiles and hierarchy
 * groups and what they gave each user (part of store.h; see its contract). Include store/store.h,
 * never this file alone.
 *
 * A token belongs to one instance and ends with it (ON DELETE CASCADE). The store keeps only the
 * SHA-256 of the token (SCIM_TOKEN_HASH_LEN bytes), never the token. Names are unique per
 * instance; a revoked token keeps its row (revoked_ms > 0) so that `list` still shows it.
 */
#ifndef ROSTER_STORE_STORE_SCIM_H
#define ROSTER_STORE_STORE_SCIM_H

#define SCIM_TOKEN_HASH_LEN 32
#define SCIM_TOKEN_NAME_MAX 128      /* characters */

typedef struct scim_token {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char name[SCIM_TOKEN_NAME_MAX * 4 + 1];
    int64_t created_ms;
    int64_t revoked_ms;          /* 0: in force */
} scim_token;

/* Inserts t with the token's hash. STORE_UNIQUE when the instance already has a token of
 * that name. */
int store_scim_token_insert(store_conn *c, const scim_token *t, const unsigned char hash[SCIM_TOKEN_HASH_LEN]);
/* The token with this hash (revoked or not). STORE_NOTFOUND when there is none. */
int store_scim_token_by_hash(store_conn *c, const unsigned char hash[SCIM_TOKEN_HASH_LEN], scim_token *out);
/* The tokens of instance_id (NULL: of every instance), by instance then creation. *out is
 * malloc'd (NULL when none); the caller frees it. */
int store_scim_token_list(store_conn *c, const char *instance_id, scim_token **out, size_t *n);
/* Marks token id revoked at now_ms. STORE_NOTFOUND when there is no such token in force. */
int store_scim_token_revoke(store_conn *c, const char *id, int64_t now_ms);

/* ---- settings (scim_settings, migration 16) ---- */

typedef struct scim_settings_row {
    char routing_profile_id[ID_LEN]; /* "" : none set */
    strlist security_profile_ids;    /* none: none set */
    int admins_edit_settings;        /* admins may edit provisioned users' contact-center settings */
    int delete_disables;             /* a SCIM DELETE disables instead of deleting */
} scim_settings_row;

/* The settings of instance_id; *stored says whether the instance has a row (none: *out zeroed,
 * STORE_OK). The caller clears out->security_profile_ids. */
int store_scim_settings_get(store_conn *c, const char *instance_id, scim_settings_row *out, int *stored);
/* Writes the instance's settings (replacing them). */
int store_scim_settings_put(store_conn *c, const char *instance_id, const scim_settings_row *s);

/* What a SCIM create of instance_id needs, in one statement: the instance's identity management
 * type, the settings' routing profile (else the id of the one named routing_name, "" when none),
 * the settings' security profiles (else the one named security_name, none when none) and
 * delete_disables. STORE_NOTFOUND when there is no such instance. The caller clears sps. */
typedef struct scim_create_defaults {
    char idm_type[24];
    char routing_profile_id[ID_LEN];
    int routing_from_settings;
    strlist security_profile_ids;
    int security_from_settings;
    int delete_disables;
} scim_create_defaults;
int store_scim_create_defaults(store_conn *c, const char *instance_id, const char *routing_name,
                               const char *security_name, scim_create_defaults *out);

/* ---- the attributes kept for a user (users.scim_attributes; read with the user by
 * store_scim_users) ---- */

/* Keeps json for user_id (NULL: forgets what was kept). */
int store_scim_user_attributes_put(store_conn *c, const char *user_id, const char *json);

/* ---- users as SCIM shows them ---- */

typedef enum store_scim_by {
    STORE_SCIM_ALL,              /* every user of the instance by username ignoring ASCII case, offset/limit */
    STORE_SCIM_BY_ID,            /* the user of id key */
    STORE_SCIM_BY_NAME,          /* the user whose username equals key ignoring ASCII case */
    STORE_SCIM_BY_EXTERNAL_ID,   /* the users whose external id is key (exactly) */
} store_scim_by;
/* Called with each user (identity members, external id, state, version and times; no password,
 * channels or profiles; strings valid during the call only) and its kept attributes (JSON text
 * or NULL); returns non-zero to stop. */
typedef int (*store_scim_user_fn)(void *ctx, const user_record *u, const char *attributes);
/* Hands fn the users by selects (offset and limit apply to STORE_SCIM_ALL; limit < 0: no limit). */
int store_scim_users(store_conn *c, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                     int64_t limit, store_scim_user_fn fn, void *ctx);
/* The number of users of the instance. */
int store_scim_user_count(store_conn *c, const char *instance_id, int64_t *n);

/* ---- groups (scim_groups, scim_group_members; sqlite_scim_groups.c) ----
 *
 * A group's display name is unique per instance ignoring ASCII case: the store keeps it folded
 * (display_fold, ASCII lower case) beside it and refuses a second one (STORE_UNIQUE). Members
 * are users (deleted with them) with the display the provider gave (NULL: none). */

/* A group's columns; strings borrowed (a write: the caller's; a read: valid during the call). */
typedef struct scim_group_row {
    const char *id;
    const char *instance_id;
    const char *display_name;
    const char *external_id;     /* NULL: none */
    const char *attributes;      /* kept attributes (JSON text), NULL: none */
    int64_t version;
    int64_t created_ms;
    int64_t modified_ms;
} scim_group_row;

/* Inserts g. STORE_UNIQUE when the instance has a group of that name ignoring ASCII case. */
int store_scim_group_insert(store_conn *c, const scim_group_row *g);
/* Rewrites the name, external id, attributes, version and modified time of group g->id of
 * g->instance_id. STORE_NOTFOUND when there is none; STORE_UNIQUE as for insert. */
int store_scim_group_update(store_conn *c, const scim_group_row *g);
/* Deletes the group (and its members). STORE_NOTFOUND when there is none. */
int store_scim_group_delete(store_conn *c, const char *instance_id, const char *id);

/* Called with each group; returns non-zero to stop. */
typedef int (*store_scim_group_fn)(void *ctx, const scim_group_row *g);
/* Hands fn the groups of the instance that by selects: STORE_SCIM_ALL by display name folded,
 * then id, offset/limit applying (limit < 0: no limit); BY_ID the group of id key; BY_NAME the
 * group whose name equals key ignoring ASCII case; BY_EXTERNAL_ID those whose external id is key
 * (exactly). */
int store_scim_groups(store_conn *c, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                      int64_t limit, store_scim_group_fn fn, void *ctx);

/* Called with each member (display NULL: none); returns non-zero to stop. */
typedef int (*store_scim_member_fn)(void *ctx, const char *user_id, const char *display);
/* Hands fn the members of group_id in user id order. */
int store_scim_group_members(store_conn *c, const char *group_id, store_scim_member_fn fn, void *ctx);
/* Removes every member of group_id. */
int store_scim_group_members_clear(store_conn *c, const char *group_id);
/* Adds user_id to group_id with display (NULL: none). STORE_UNIQUE when it is a member already;
 * STORE_FOREIGN when there is no such user or group. */
int store_scim_group_member_add(store_conn *c, const char *group_id, const char *user_id, const char *display);
/* The users in the groups of instance_id named group_name ignoring ASCII case, appended to *out
 * in id order (each once). */
int store_scim_name_members(store_conn *c, const char *instance_id, const char *group_name, strlist *out);

/* ---- group mappings (scim_group_mappings) and what they gave (scim_user_grants) ---- */

/* What a mapping gives. */
typedef enum store_scim_target {
    STORE_SCIM_SECURITY_PROFILE,
    STORE_SCIM_ROUTING_PROFILE,
    STORE_SCIM_HIERARCHY_GROUP,
    STORE_SCIM_TARGETS
} store_scim_target;

typedef struct scim_mapping_row {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *group_name;            /* malloc'd */
    store_scim_target kind;
    char target_id[ID_LEN];
    int64_t precedence;
    int64_t created_ms;
} scim_mapping_row;
/* Frees m's name and zeroes it; NULL is a no-op. */
void scim_mapping_row_clear(scim_mapping_row *m);

/* Inserts m (its group name folded beside it). STORE_FOREIGN: the target does not exist. */
int store_scim_mapping_insert(store_conn *c, const scim_mapping_row *m);
/* The mapping id of instance_id. STORE_NOTFOUND when there is none. The caller clears *out. */
int store_scim_mapping_get(store_conn *c, const char *instance_id, const char *id, scim_mapping_row *out);
/* Deletes the mapping id of instance_id. STORE_NOTFOUND when there is none. */
int store_scim_mapping_delete(store_conn *c, const char *instance_id, const char *id);
/* The mappings of instance_id by group name folded, precedence, id. *out is malloc'd (NULL when
 * none); the caller clears each and frees it (also after a failure). */
int store_scim_mappings(store_conn *c, const char *instance_id, scim_mapping_row **out, size_t *n);
/* The mappings that apply to user_id (those naming, ignoring ASCII case, a group it is in) by
 * precedence, then the group's display name in byte order, then mapping id; as above. */
int store_scim_user_mappings(store_conn *c, const char *user_id, scim_mapping_row **out, size_t *n);

/* What the mappings gave user_id, appended to out[kind] in target id order. */
int store_scim_grants_get(store_conn *c, const char *user_id, strlist out[STORE_SCIM_TARGETS]);
/* Replaces what the mappings gave user_id with grants[kind]. */
int store_scim_grants_set(store_conn *c, const char *user_id, const strlist grants[STORE_SCIM_TARGETS]);

#endif
