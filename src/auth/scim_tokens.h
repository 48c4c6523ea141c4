/* scim_tokens.h — SCIM bearer tokens: made by the operator for one instance, shown once, kept as
 * their SHA-256, revoked by id; a request's bearer token turned into the instance's SCIM
 * principal (PRINCIPAL_SCIM_TOKEN, named by the token's name in the audit trail).
 *
 * A token is SCIM_TOKEN_PREFIX followed by 43 base64url characters (32 random bytes). Names are
 * 1..SCIM_TOKEN_NAME_MAX characters without control characters, unique per instance; the
 * default is "scim". Managing tokens needs an account-wide principal (CORE_SCIM_TOKENS_MANAGE).
 * Functions return 0, or -1 with *e set.
 */
#ifndef ROSTER_AUTH_SCIM_TOKENS_H
#define ROSTER_AUTH_SCIM_TOKENS_H

#include "core/context.h"
#include "core/error.h"

#define SCIM_TOKEN_PREFIX "roster-scim-"
#define SCIM_TOKEN_LEN (sizeof SCIM_TOKEN_PREFIX - 1 + 43)
#define SCIM_TOKEN_DEFAULT_NAME "scim"

/* Makes a token for the instance instance_ref (id or alias) named name (NULL: the default):
 * *out gets its record, token (SCIM_TOKEN_LEN + 1 bytes) the token itself — the only time it is
 * ever seen. ERR_DUPLICATE when the instance has a token of that name. */
int scim_token_create(core_ctx *cx, const char *instance_ref, const char *name, scim_token *out,
                      char token[SCIM_TOKEN_LEN + 1], rerr *e);
/* The tokens of instance_ref (NULL: every instance). *out is malloc'd; the caller frees it. */
int scim_token_list(core_ctx *cx, const char *instance_ref, scim_token **out, size_t *n, rerr *e);
/* Revokes token id at once. ERR_NOT_FOUND when no token of that id is in force. */
int scim_token_revoke(core_ctx *cx, const char *id, rerr *e);

/* The principal of the bearer token (the Authorization header's value after "Bearer "): the
 * token's instance, acting as the SCIM client named by the token. ERR_UNAUTHORIZED, with one
 * message for a malformed, unknown or revoked token. *out is the caller's to clear. */
int scim_token_authenticate(core_ctx *cx, const char *bearer, principal *out, rerr *e);

#endif
