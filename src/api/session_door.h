/* session_door.h — the console session as the roster API door sees it: the roster_session
 * cookie, the CSRF token on every change, the forced password change, the auth proxy's header
 * and the Set-Cookie answers. The rules are auth/session.h's. */
#ifndef ROSTER_API_SESSION_DOOR_H
#define ROSTER_API_SESSION_DOOR_H

#include "api/api.h"
#include "auth/session.h"

#define SESSION_COOKIE "roster_session"
#define CSRF_HEADER "x-csrf-token"

/* env's session settings (the defaults when env has none). Static or env's. */
const session_config *session_door_config(const api_env *env);

/* 1 when r is to be authenticated by a session: no Authorization header, and a roster_session
 * cookie or (from anywhere) the auth proxy's header. */
int session_door_wants(const api_env *env, const request *r);

/* Authenticates r by its session into *who (caller clears): the session must be live, a request
 * that is not GET or HEAD must carry X-CSRF-Token equal to the session's, and while the password
 * is temporary nothing but the session endpoints is answered. Returns 0, or -1 with *e set:
 * ERR_UNAUTHORIZED (not signed in), ERR_ACCESS_DENIED (CSRF, password change first, the proxy
 * header from an address that is not the proxy's). */
int session_door_authenticate(const api_env *env, core_ctx *cx, request *r, principal *who, rerr *e);

/* Checks the CSRF header of r against s (GET and HEAD need none). Returns 0 or -1 with *e set. */
int session_door_check_csrf(const request *r, const console_session *s, rerr *e);

/* Refuses (ERR_ACCESS_DENIED) r when it carries the auth proxy's header but does not come from
 * one of the proxy's addresses. Returns 0 or -1. */
int session_door_check_proxy(const api_env *env, const request *r, rerr *e);

#endif
