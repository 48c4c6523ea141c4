/* authorize.h — what each core operation needs, in one table, and the one check of it.
 *
 * Every core entry point (the int f(core_ctx *cx, …) functions of the src/core headers and
 * src/auth/keys.h) names its action and calls core_allow before it touches the store, so no door
 * (the Connect API, the command line, jobs, the roster API, the console, SCIM) can forget a
 * check. core_allow checks, in this order:
 *   1. who acts: a principal of a known kind (NULL counts as the command line);
 *   2. the instance boundary: a principal confined to one instance may not act on another, and a
 *      confined principal without an instance may act on none;
 *   3. what the action needs: a permission, an account-wide principal (the command line or an
 *      account key), a SCIM token holding a permission (or an account-wide principal), or nothing
 *      beyond being a principal of the instance.
 * Actions whose permission depends on the input keep that rule in core next to the call:
 * tags (the permission follows the resource kind of the ARN: core_allow_permission) and
 * security profiles and user profile changes (the grant rule: a principal may only grant
 * permissions it holds, security_profiles_check_grant). Users' profile changes have their own
 * action (Users.EditPermission) besides the other facets' (Users.Edit).
 *
 * A door that must refuse a request before reading its body (the Connect adapter) calls
 * core_allow_op with no instance: that checks 1 and 3; the entry point checks again with the
 * instance.
 */
#ifndef ROSTER_CORE_AUTHORIZE_H
#define ROSTER_CORE_AUTHORIZE_H

#include <stddef.h>

#include "core/context.h"
#include "core/error.h"

typedef enum core_action {
    /* instances, keys */
    CORE_INSTANCES_CREATE,
    CORE_INSTANCES_RESOLVE,
    CORE_INSTANCES_LIST,
    CORE_INSTANCES_DELETE,
    CORE_DEFAULTS_CREATE,
    CORE_KEYS_CREATE,
    CORE_KEYS_REVOKE,
    CORE_SCIM_TOKENS_MANAGE,
    CORE_SCIM_SETTINGS,          /* an instance's SCIM settings and group mappings, read or changed */
    CORE_SCIM_GROUPS_CHANGE,     /* SCIM groups created, replaced, deleted: a SCIM token's (or account-wide) */
    CORE_SCIM_GROUPS_READ,       /* SCIM groups and a user's groups read */
    /* users */
    CORE_USERS_CREATE,
    CORE_USERS_DESCRIBE,
    CORE_USERS_LIST,
    CORE_USERS_UPDATE,
    CORE_USERS_UPDATE_SECURITY_PROFILES,
    CORE_USERS_DELETE,
    CORE_USERS_SEARCH,
    CORE_USERS_CHANGE_OWN_PASSWORD, /* a signed-in user changes their own password (the console) */
    CORE_USERS_CONSOLE_LIST,     /* the console's user list and its filter in bulk selections */
    /* security profiles */
    CORE_SECURITY_PROFILES_CREATE,
    CORE_SECURITY_PROFILES_UPDATE,
    CORE_SECURITY_PROFILES_DELETE,
    CORE_SECURITY_PROFILES_LIST,
    CORE_SECURITY_PROFILES_DESCRIBE,
    CORE_SECURITY_PROFILES_PERMISSIONS,
    CORE_SECURITY_PROFILES_SEARCH,
    /* routing profiles */
    CORE_ROUTING_PROFILES_CREATE,
    CORE_ROUTING_PROFILES_UPDATE_NAME,
    CORE_ROUTING_PROFILES_UPDATE_OUTBOUND_QUEUE,
    CORE_ROUTING_PROFILES_UPDATE_CONCURRENCY,
    CORE_ROUTING_PROFILES_UPDATE_QUEUES,
    CORE_ROUTING_PROFILES_ASSOCIATE,
    CORE_ROUTING_PROFILES_DISASSOCIATE,
    CORE_ROUTING_PROFILES_DELETE,
    CORE_ROUTING_PROFILES_LIST,
    CORE_ROUTING_PROFILES_DESCRIBE,
    CORE_ROUTING_PROFILES_LIST_QUEUES,
    CORE_ROUTING_PROFILES_SEARCH,
    /* queues, hours of operation */
    CORE_QUEUES_CREATE,
    CORE_QUEUES_LIST,
    CORE_QUEUES_DESCRIBE,
    CORE_HOURS_CREATE,
    CORE_HOURS_LIST,
    CORE_HOURS_DESCRIBE,
    /* agent hierarchy */
    CORE_HIERARCHY_STRUCTURE_DESCRIBE,
    CORE_HIERARCHY_STRUCTURE_UPDATE,
    CORE_HIERARCHY_GROUPS_CREATE,
    CORE_HIERARCHY_GROUPS_DESCRIBE,
    CORE_HIERARCHY_GROUPS_LIST,
    CORE_HIERARCHY_GROUPS_SEARCH,
    CORE_HIERARCHY_GROUPS_RENAME,
    CORE_HIERARCHY_GROUPS_DELETE,
    /* jobs (src/jobs): imports, their reading, cancel and retry, the template and exports */
    CORE_IMPORT_CREATE,          /* an import in CREATE mode */
    CORE_IMPORT_UPSERT,          /* an import in UPSERT mode */
    CORE_BULK_EDIT,              /* a bulk edit or per-user edits of a selection */
    CORE_BULK_DELETE,            /* a bulk delete of a selection */
    CORE_JOBS_CANCEL,            /* the permission follows the job (an import's mode, a batch's kind) */
    CORE_JOBS_RETRY,
    CORE_JOBS_VIEW,              /* jobs, their items and reports; the template; exports */
    CORE_USERS_EXPORT,
    CORE_CATALOG_READ,
    /* the web console (issue 11) */
    CORE_USERS_CONSOLE_DESCRIBE, /* a user's page: Users.View, or the user themselves (core_allow_user) */
    CORE_USERS_CONSOLE_HISTORY,  /* a user's audit events */
    CORE_ROLE_PROFILES_UPDATE,   /* the role -> security profiles mapping of the add-user form */
    CORE_JOBS_DISMISS,           /* a finished job off the banner: its submitter only (jobs.h) */
    CORE_USERS_FIND,             /* an importer's look-up of a username (create or update?) */           /* the names of an instance's profiles and groups, for CSV files */
    /* tags */
    CORE_TAGS_ADD,
    CORE_TAGS_REMOVE,
    CORE_TAGS_LIST,
    CORE_ACTION__COUNT
} core_action;

/* What an action needs beyond a principal. */
typedef enum core_need {
    NEED_INSTANCE = 1, /* any principal of the instance */
    NEED_ACCOUNT,      /* the command line or an account key */
    NEED_PERMISSION,   /* the rule's permission */
    NEED_BY_INPUT,     /* a principal of the instance; the permission follows the input (tags) */
    NEED_PERMISSION_OR_SELF, /* the rule's permission, or a principal acting as the user the action
                              * concerns (core_allow_user); core_allow alone lets a principal acting
                              * as some user through, for the entry point to check with the user */
    NEED_SCIM_PERMISSION,    /* a SCIM token of the instance holding the rule's permission, or an
                              * account-wide principal: what only the identity provider changes */
} core_need;

typedef struct core_rule {
    const char *operation;    /* the operation's name in messages, e.g. "CreateUser" */
    const char *entry_points; /* the core functions that check this action, for readers and tests */
    core_need need;
    const char *permission; /* NEED_PERMISSION only; else NULL */
} core_rule;

/* The rule of a (static storage); NULL for a value out of range. */
const core_rule *core_rule_of(core_action a);

/* Checks that cx->who may perform a, on instance_id when not NULL (NULL: the instance is not known
 * yet and only the principal and the need are checked). Returns 0, or -1 with *e set to
 * ERR_ACCESS_DENIED naming the key or user, the operation and why. */
int core_allow(core_ctx *cx, core_action a, const char *instance_id, rerr *e);

/* The same, naming the operation op_name in the message instead of the rule's (a door's
 * operation name, e.g. "UpdateUserIdentityInfo"); op_name NULL: the rule's. */
int core_allow_op(core_ctx *cx, core_action a, const char *instance_id, const char *op_name, rerr *e);

/* core_allow for an action on one user, user_id: a NEED_PERMISSION_OR_SELF action is allowed to a
 * principal acting as that very user (in that instance) without the permission. Returns 0, or -1
 * with *e set as core_allow. */
int core_allow_user(core_ctx *cx, core_action a, const char *instance_id, const char *user_id, rerr *e);

/* For input-dependent rules: checks that cx->who holds perm (PERM_ACCOUNT: is account-wide) to
 * perform a for the reason given (e.g. "changing the tags of a Queue"). Returns 0 or -1 with
 * ERR_ACCESS_DENIED (field, may be NULL, names the offending input). */
int core_allow_permission(core_ctx *cx, core_action a, const char *perm, const char *why, const char *field, rerr *e);

#endif
