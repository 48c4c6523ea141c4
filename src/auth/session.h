/* session.h — the console's sign-in and sessions (the rules; the cookie and HTTP are the door's,
 * api/roster_session.c and api/session_door.c).
 *
 * - Sign-in: an instance by its alias, a username (ASCII case ignored, as usernames are unique),
 *   a password verified with argon2id. A wrong instance, username or password, a user without a
 *   password and a disabled user all get the same ERR_UNAUTHORIZED, after the same work (an
 *   unknown user's password is verified against a dummy hash). SAML instances sign in through
 *   the auth proxy instead (ERR_INVALID_REQUEST).
 * - Lock-out: cfg->max_failures failures in a row for one username of an instance (existing or
 *   not) lock it for cfg->lock_ms (ERR_TOO_MANY_REQUESTS); a successful sign-in resets the count.
 * - Slow-down: failures from one address are throttled (auth/throttle.h).
 * - Audit: SignIn, SignInFailed (with the reason, for the operator), SignInLocked (the failure
 *   that locks the name).
 * - A session: a 43-character base64url cookie value (32 random bytes) kept only as its SHA-256;
 *   a CSRF token; idle (cfg->idle_ms, sliding: last_seen is written at most once a minute, or
 *   once a quarter of the idle time when shorter) and absolute (cfg->max_ms) ends. A lookup
 *   refuses the session of a user deleted or disabled since.
 *
 * Functions take cx with conn and now_ms (not inside a transaction: they open their own);
 * cx->who is not read except by session_change_password. They return 0, or -1 with *e set.
 */
#ifndef ROSTER_AUTH_SESSION_H
#define ROSTER_AUTH_SESSION_H

#include "auth/session_config.h"
#include "core/context.h"
#include "core/error.h"

#define SESSION_TOKEN_LEN 43         /* base64url of 32 bytes, no padding */

/* The messages of the contract, also used by the door. */
#define SESSION_MSG_WRONG "The instance, username or password is not right"
#define SESSION_MSG_SIGNED_OUT "You are not signed in"

/* A session as the door needs it: the stored one (with its user's flags), and the cookie's value
 * when it was just made (else ""). */
typedef struct session_info {
    console_session s;
    char token[SESSION_TOKEN_LEN + 1];
} session_info;
void session_info_clear(session_info *si);

/* Signs username in to the instance with alias: on success a new session in *out (caller clears,
 * also on failure). address (may be NULL) is the client's, for the slow-down and the trail.
 * Errors: ERR_UNAUTHORIZED (SESSION_MSG_WRONG), ERR_TOO_MANY_REQUESTS (locked or slowed down),
 * ERR_INVALID_REQUEST (a SAML instance), ERR_UNAVAILABLE/ERR_INTERNAL. */
int session_sign_in(core_ctx *cx, const session_config *cfg, const char *alias, const char *username,
                    const char *password, const char *address, session_info *out, rerr *e);

/* A session for the user the auth proxy names (no password): the instance by alias (NULL or "":
 * the only instance), which must be SAML. ERR_UNAUTHORIZED when no such user, or disabled. */
int session_sign_in_proxy(core_ctx *cx, const session_config *cfg, const char *alias, const char *username,
                          const char *address, session_info *out, rerr *e);

/* Looks the session of cookie value token up: ERR_UNAUTHORIZED (SESSION_MSG_SIGNED_OUT) when it
 * is malformed, unknown, past its idle or absolute end, or its user is gone or disabled. On
 * success *out holds it (caller clears, also on failure) and, when who is not NULL, *who the
 * principal (PRINCIPAL_CONSOLE_SESSION, key_id "console", the user's permissions; caller clears). */
int session_lookup(core_ctx *cx, const session_config *cfg, const char *token, session_info *out, principal *who,
                   rerr *e);

/* Ends the session of token (nothing when there is none). */
int session_end(core_ctx *cx, const char *token, rerr *e);

/* The signed-in user (cx->who, a session principal of s) changes their own password: current is
 * checked (ERR_INVALID_PARAMETER, field CurrentPassword; a wrong one counts as a failed sign-in of
 * the username, and a locked username gets ERR_TOO_MANY_REQUESTS), next must meet the password
 * policy (field NewPassword). The password is no longer temporary and the user's other sessions
 * end. address (may be NULL) as for session_sign_in. */
int session_change_password(core_ctx *cx, const session_config *cfg, const console_session *s, const char *current,
                            const char *next, const char *address, rerr *e);

/* The seconds a client must wait, rounded up, for a wait of ms. */
int64_t session_wait_seconds(int64_t ms);

#endif
