/* scim_users.h — SCIM provisioning of users, in roster's terms: what a SCIM create, replace
 * (PUT, and PATCH once applied) and delete do to a user, each in one write transaction with its
 * audit event, through users.h (so every field rule, the permission and the instance boundary
 * apply as at every other door). The SCIM wire shapes are scim/scim_user_json.h's.
 *
 * - Contact details: an email or mobile number that roster's rules refuse (SCIM has no format
 *   for them), and on a SAML instance the primary email (the identity provider holds it), are
 *   not copied into roster's fields; they stay SCIM attributes, kept and returned as sent, so
 *   that a provider's odd phone number does not stop its user from being provisioned.
 * - A create fills in what the identity provider does not send from the instance's SCIM
 *   settings (core/scim_settings.h): routing profile, security profiles. Email and password are
 *   optional on CONNECT_MANAGED instances (a user without a password signs in once one is set);
 *   a password on a SAML instance is refused, as everywhere.
 * - A replace sets every mapped field: an optional field left out is cleared (on
 *   CONNECT_MANAGED the email stays, it cannot be cleared there), active left out keeps the
 *   state, a password left out keeps the password. Its version rises even when only the kept
 *   attributes change, so the representation's ETag follows.
 * - A delete deletes, or disables when the instance's settings say so.
 * - The attributes kept: the JSON text of what SCIM sent that roster has no field for, stored
 *   beside the user and deleted with it.
 * Functions return 0, or -1 with *e set (users.h's errors; ERR_CONDITION_FAILED when
 * if_version > 0 is not the user's version).
 */
#ifndef ROSTER_CORE_SCIM_USERS_H
#define ROSTER_CORE_SCIM_USERS_H

#include "core/context.h"
#include "core/error.h"
#include "core/user_rules.h"

#define SCIM_ATTRIBUTES_MAX (64 * 1024)  /* bytes of kept attributes per user */

typedef struct scim_user_input {
    const char *username;
    user_identity_in identity;           /* NULL members: absent */
    const char *external_id;             /* NULL: none */
    const char *password;                /* NULL: none given */
    int active;                          /* 1, 0, or -1 when absent */
    const char *attributes_json;         /* the kept attributes, NULL or "{}": none */
} scim_user_input;

int scim_users_create(core_ctx *cx, const char *instance_id, const scim_user_input *in, char id_out[ID_LEN], rerr *e);
/* operation names the change in the audit trail (e.g. "ScimReplaceUser", "ScimPatchUser"). */
int scim_users_replace(core_ctx *cx, const char *instance_id, const char *id, const scim_user_input *in,
                       int64_t if_version, const char *operation, rerr *e);
int scim_users_delete(core_ctx *cx, const char *instance_id, const char *id, int64_t if_version, rerr *e);

/* Hands fn the users of the instance that by and key select (store_scim.h's store_scim_users),
 * inside the caller's read transaction if any. Users.View. ERR_NOT_FOUND never: none is none. */
int scim_users_each(core_ctx *cx, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                    int64_t limit, store_scim_user_fn fn, void *ctx, rerr *e);
/* The number of users of the instance. Users.View. */
int scim_users_count(core_ctx *cx, const char *instance_id, int64_t *n, rerr *e);

#endif
