/* store_scim.h — SCIM in the store: bearer tokens, per-instance settings, the attributes kept
 * for a user (part of store.h; see its contract). Include store/store.h, never this file alone.
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

/* ---- the attributes kept for a user (scim_user_attributes) ---- */

/* The JSON text kept for user_id in *out (malloc'd; NULL when there is none, still STORE_OK). */
int store_scim_user_attributes_get(store_conn *c, const char *user_id, char **out);
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

#endif
