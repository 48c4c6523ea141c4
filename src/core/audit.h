/* audit.h — the audit trail: every change to a user records who (access key and its user),
 * when, which operation, and the user before and after (never a password or its hash). */
#ifndef ROSTER_CORE_AUDIT_H
#define ROSTER_CORE_AUDIT_H

#include <jansson.h>

#include "core/context.h"
#include "core/error.h"

/* A user as the trail records it: the record and its tags (NULL: not part of the change); on
 * the after side of an update, password_set says the change set a password (the trail records
 * that, never the password or its hash). */
typedef struct audit_user {
    const user_record *user;
    const kvlist *tags;
    int password_set;
} audit_user;

/* Records a change of a user inside the caller's write transaction, so that the change and its
 * record commit together. before is NULL for a create, after NULL for a delete. Returns 0, or -1
 * with *e set (the caller then rolls back the change). */
int audit_user_event(core_ctx *cx, const char *operation, const audit_user *before, const audit_user *after,
                     rerr *e);

/* Records a change of another resource of the instance (a SCIM group) inside the caller's write
 * transaction: operation, the resource's id, and its before and after documents (either NULL for a
 * create or a delete; borrowed). Returns 0, or -1 with *e set. */
int audit_resource_event(core_ctx *cx, const char *instance_id, const char *resource_id, const char *operation,
                         const json_t *before, const json_t *after, rerr *e);

/* 1 when operation is one of a SCIM group's own events (ScimCreateGroup, ScimReplaceGroup,
 * ScimDeleteGroup): its resource is a group, not a user. */
int audit_is_group_event(const char *operation);

/* audit_user_event for records without their tags (a change that leaves the tags alone). */
int audit_user_change(core_ctx *cx, const char *operation, const user_record *before, const user_record *after,
                      rerr *e);

/* Records a sign-in event of the console (operation "SignIn", "SignInFailed", "SignInLocked") inside
 * the caller's write transaction: instance_id, the user (user_id, or NULL for a name no user has:
 * the event then names a stable id derived from the instance and the folded name, so that
 * `roster audit --user NAME` finds the attempts on it), and as its "after" document
 * {"Username": username (the user's own, or as typed), "Address": address, "Reason": reason}
 * (address and reason may be NULL). Never a password. Returns 0, or -1 with *e set. */
int audit_signin_event(core_ctx *cx, const char *operation, const char *instance_id, const char *user_id,
                       const char *username, const char *address, const char *reason, rerr *e);
/* ---- reading the trail (`roster audit`, the console's user history) ---------------------------- */

/* Called for each changed field of an event, in the trail's order: path is the member's dotted
 * path ("IdentityInfo.Email", "Channels.VOICE.PhoneType"); before and after are its values (NULL
 * pointer: that side of a create or delete has none; JSON null: unset on that side). */
typedef void (*audit_leaf_fn)(const char *path, json_t *before, json_t *after, void *ctx);

/* The field-level difference of an event's before and after documents (either may be NULL: a
 * create, a delete): fn for each leaf. */
void audit_diff(json_t *before, json_t *after, audit_leaf_fn fn, void *ctx);

/* The username of user_id as of event up_to_id: from the trail (the latest create, rename or
 * delete at or before it), else the live user's, else NULL. Malloc'd; the caller frees. */
char *audit_user_name(store_conn *c, const char *user_id, int64_t up_to_id);

#endif
