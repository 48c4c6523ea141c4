/* authenticate.h — turning a signed request into a principal. */
#ifndef ROSTER_AUTH_AUTHENTICATE_H
#define ROSTER_AUTH_AUTHENTICATE_H

#include <time.h>

#include "auth/keys.h"
#include "crypto/sigv4.h"
#include "core/context.h"
#include "core/error.h"

/* Verifies req's SigV4 signature against the access key it names and fills *out with the
 * principal (caller clears): PRINCIPAL_ACCOUNT_KEY (every instance) or PRINCIPAL_USER_KEY (the
 * key's user, confined to the user's instance, with its permissions). Returns 0, or -1 with *e set: ERR_MISSING_AUTH (no
 * Authorization), ERR_INCOMPLETE_SIGNATURE (malformed), ERR_UNRECOGNIZED_CLIENT (unknown or
 * revoked key, or the key of a disabled user), ERR_INVALID_SIGNATURE (mismatch, wrong day, expired, wrong service). */
int authenticate_sigv4(core_ctx *cx, const keyring *kr, const sigv4_request *req, time_t now, principal *out,
                       rerr *e);

#endif
