/* users.h — users: create, read, list, change any facet, delete. Every door (the Connect API,
 * `roster users add` and `roster init`, the CSV importer, bulk edit, SCIM, the console) goes
 * through these functions, so each rule is applied once: the field rules of user_rules.h, the
 * references (security profiles, routing profile, hierarchy group) checked within the
 * instance, the permission of the principal, the grant rule, the externally-managed lock and
 * the audit event.
 *
 * Atomicity: each change reads the user, changes only the facets it names and writes the user
 * back inside one write transaction (BEGIN IMMEDIATE), recording its audit event in the same
 * transaction, so concurrent changes of different facets of one user never lose each other.
 * The *_tx variants run inside a write transaction the caller has opened (a job's batch, e.g. an
 * item of core_write_batch in write.h); the others open and commit their own through core_write
 * (do not call them inside another transaction).
 * Reading functions run inside the caller's (read) transaction, if any.
 *
 * Decisions where the reference is silent:
 * - A new user has settings for every channel (VOICE, CHAT, TASK, EMAIL): auto-accept off and
 *   after-contact work 0 (unlimited) on each; VOICE also a SOFT_PHONE, no persistent connection
 *   and voice enhancement NONE. The legacy PhoneConfig and the per-channel lists then change
 *   that state.
 * - Legacy PhoneConfig (CreateUser, UpdateUserPhoneConfig): PhoneType, DeskPhoneNumber,
 *   AutoAccept and PersistentConnection are the VOICE channel's; AfterContactWorkTimeLimit is
 *   set on all four channels. Members left out keep their value ("" clears DeskPhoneNumber).
 * - Per-channel lists (CreateUser, UpdateUserConfig): each entry sets that attribute group of
 *   its channel (AutoAccept with AgentFirstCallbackAutoAccept; the ACW limit with the
 *   agent-first-callback limit; PhoneType with PhoneNumber); channels not named keep theirs.
 * - UpdateUserIdentityInfo merges: members given replace, members left out stay, "" clears an
 *   optional member (SecondaryEmail, Mobile; Email on SAML).
 * - UpdateUserSecurityProfiles replaces the set; duplicates in a list are folded.
 * - Usernames are unique per instance ignoring ASCII case: a name differing only in case from
 *   an existing one is a DuplicateResourceException naming the existing user.
 * - DirectoryUserId applies to EXISTING_DIRECTORY instances, which roster does not serve: refused.
 * - Externally managed users (users_check_managed): a user created or changed by a SCIM token
 *   becomes externally managed; other principals may not delete it nor change its identity,
 *   username, password, disabled state or security profiles (InvalidRequestException,
 *   USER_MANAGED_MESSAGE); its contact-center settings (routing profile, phone and channel
 *   settings, hierarchy group, tags) only when the instance's SCIM settings let admins edit them,
 *   and never a routing profile or hierarchy group its SCIM groups' mappings gave it.
 * - A SCIM token may give any security profile of its instance: its profiles come from the
 *   operator's SCIM settings and group mappings, never from the client.
 * - Permissions (core/authorize.c's table): Users.Create, Users.View, Users.Edit (every facet
 *   but the security profiles, and a change naming no facet), Users.EditPermission (security
 *   profiles), Users.Delete; every function checks them and the instance boundary first. On
 *   create and on a change of the security profiles a user key may grant only profiles whose
 *   permissions it holds itself.
 * - The audit event's records carry no password hash.
 *
 * Every function returns 0 on success or -1 with *e set: ERR_INVALID_PARAMETER (a field, named),
 * ERR_INVALID_REQUEST (externally managed), ERR_NOT_FOUND (the user, instance, profile or group
 * named), ERR_DUPLICATE (username), ERR_ACCESS_DENIED (permission, grant rule),
 * ERR_INTERNAL / ERR_UNAVAILABLE (store). Input strings are borrowed.
 */
#ifndef ROSTER_CORE_USERS_H
#define ROSTER_CORE_USERS_H

#include "core/context.h"
#include "core/error.h"
#include "core/user_rules.h"

/* What a new user is made of (CreateUser). */
typedef struct user_new {
    const char *username;
    const char *password;                /* plain text; hashed here, never kept or logged */
    user_identity_in identity;
    const user_phone_in *phone;          /* legacy PhoneConfig; NULL when absent */
    user_config_in config;               /* per-channel lists */
    const char *directory_user_id;       /* refused when given */
    const strlist *security_profile_ids; /* 1..10 */
    const char *routing_profile_id;
    const char *hierarchy_group_id;      /* NULL or "": outside the hierarchy */
    const kvlist *tags;                  /* NULL when none */
    int password_temporary;              /* the password is temporary: its user must change it at sign-in
                                          * (an admin's choice in the console; never through the Connect
                                          * API or an import) */
    user_check_mode mode;                /* USER_CHECK_CREATE, or _OPERATOR for `roster users add` */
    int dry_run;                         /* users_create_tx only: every check, nothing written (id_out "") */
    const char *external_id;             /* SCIM's externalId; NULL when none */
    int disabled;                        /* created disabled (SCIM's active=false) */
    const char *scim_attributes;         /* SCIM's kept attributes (JSON text); NULL when none */
} user_new;

/* Creates the user (and its AGENT queue) and writes its id into id_out. The password is hashed
 * before the write transaction opens. */
int users_create(core_ctx *cx, const char *instance_id, const user_new *in, char id_out[ID_LEN], rerr *e);
/* The same inside the caller's write transaction; password_hash is the argon2id hash of
 * in->password (NULL when there is none). */
int users_create_tx(core_ctx *cx, const char *instance_id, const user_new *in, const char *password_hash,
                    char id_out[ID_LEN], rerr *e);

/* What one change touches; NULL members stay as they are. */
typedef struct user_change {
    const char *operation;               /* for the audit trail, e.g. "UpdateUserIdentityInfo" */
    const user_identity_in *identity;
    const user_phone_in *phone;
    const user_config_in *config;
    const char *routing_profile_id;
    const strlist *security_profile_ids; /* replaces the set (needs Users.EditPermission) */
    int set_hierarchy;                   /* hierarchy_group_id applies (NULL or "": remove) */
    const char *hierarchy_group_id;
    const char *password;                /* a new password (plain, checked against the policy; refused on
                                          * SAML); password_hash is its argon2id hash, computed by the caller */
    const char *password_hash;
    int password_temporary;              /* with password: it is temporary (see user_new); 0 otherwise, so a
                                          * password set by any other door, or by its user, is not */
    int own_password;                    /* the user changes their own password (the console): only password
                                          * may be set, id must be the principal's own user, and the action
                                          * is CORE_USERS_CHANGE_OWN_PASSWORD instead of Users.Edit */
    int set_disabled;                    /* disabled applies: 1 disables the user (no sign-in, keys and
                                          * sessions refused), 0 enables it; Users.Edit */
    int disabled;
    const kvlist *tags;                  /* with set_tags: replaces the user's tags (NULL or empty: none) */
    int set_tags;
    int dry_run;                         /* every check, nothing written */
    const char *username;                /* a new username (SCIM renames; the identity type's rules and
                                          * uniqueness apply); NULL: stays */
    int set_external_id;                 /* external_id applies (NULL: none) */
    const char *external_id;
    int64_t if_version;                  /* > 0: the change applies only to this version of the user, else
                                          * ERR_CONDITION_FAILED (SCIM's If-Match) */
    int *changed;                        /* when not NULL: a change that leaves the user as it was writes
                                          * nothing (no version, no audit event) and sets *changed to 0;
                                          * otherwise 1 */
    int by_mapping;                      /* core-internal (core/scim_grants.c): the SCIM group mappings
                                          * recompute this user's profiles and hierarchy group, so the
                                          * externally-managed lock does not apply and the change does not
                                          * make the user externally managed; permissions still apply */
} user_change;

int users_update(core_ctx *cx, const char *instance_id, const char *id, const user_change *ch, rerr *e);
int users_update_tx(core_ctx *cx, const char *instance_id, const char *id, const user_change *ch, rerr *e);

/* What a change of an externally managed user touches (users_check_managed). The last three are
 * its contact-center settings. */
#define USER_FACET_IDENTITY 1u  /* username, names, emails, mobile, password, disabled, profiles, delete */
#define USER_FACET_SETTINGS 2u  /* phone and channel settings, tags */
#define USER_FACET_ROUTING 4u   /* routing profile */
#define USER_FACET_HIERARCHY 8u /* hierarchy group */

/* Whether cx->who may make a change touching facets (USER_FACET_*) of u: always when u is not
 * externally managed or the principal is a SCIM token of its instance; otherwise only a change
 * of contact-center settings alone on an instance whose SCIM settings let admins edit them, and
 * then not of a routing profile or hierarchy group the user has from its SCIM groups' mappings
 * (core/scim_groups.h). Returns 0, or -1 with *e set: ERR_INVALID_REQUEST, field "UserId", a
 * message starting with USER_MANAGED_MESSAGE. */
int users_check_managed(core_ctx *cx, const user_record *u, unsigned facets, rerr *e);

/* Deletes the user with its AGENT queue, tags and access keys. */
int users_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e);
int users_delete_tx(core_ctx *cx, const char *instance_id, const char *id, rerr *e);

/* The whole user (password hash removed). *out is the caller's to clear. */
int users_get(core_ctx *cx, const char *instance_id, const char *id, user_record *out, rerr *e);

/* users_get for the console's user page: Users.View, or the principal acting as that very user
 * (an Agent reads their own page). */
int users_get_console(core_ctx *cx, const char *instance_id, const char *id, user_record *out, rerr *e);

/* The user of the instance named username, or one whose name differs from it only in ASCII
 * case (*exact says which: 1 same bytes, 0 a look-alike), for importers deciding between a create
 * and an update: any principal of the instance (CORE_USERS_FIND); never shown to a client by a
 * door. *out (password hash removed) is the caller's to clear. ERR_NOT_FOUND when there is none. */
int users_find(core_ctx *cx, const char *instance_id, const char *username, user_record *out, int *exact, rerr *e);

/* One page of users ordered by username (then id), at most limit, after token (NULL or "":
 * the first page). Summaries carry id, username (name) and modified_ms. *out is the caller's to
 * clear; *next is a malloc'd token or NULL on the last page. */
int users_list(core_ctx *cx, const char *instance_id, const char *token, size_t limit, summary_list *out,
               char **next, rerr *e);

/* ---- the command line's subset ------------------------------------------------------------ */

typedef struct user_basic {
    const char *username;
    const char *first_name;
    const char *last_name;
    const char *email;              /* NULL when none */
    const char *password;           /* plain text, hashed here; NULL when none */
    const strlist *security_profile_names;  /* 1..10 names of the instance's profiles */
    const char *routing_profile_id; /* NULL: the instance's default routing profile */
} user_basic;

/* Creates the user in instance_id through users_create (mode USER_CHECK_CREATE_OPERATOR: on a
 * CONNECT_MANAGED instance email and password stay optional; a user created without a password
 * cannot sign in with one until it is set). Writes the new id into id_out. */
int users_create_basic(core_ctx *cx, const char *instance_id, const user_basic *u, char id_out[ID_LEN],
                       rerr *e);

#endif
