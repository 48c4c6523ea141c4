/* roster_session.h — the console's session endpoints (/roster/v1/sign-in, /roster/v1/session,
 * /roster/v1/session/password), answered before the roster API's operation tables. */
#ifndef ROSTER_API_ROSTER_SESSION_H
#define ROSTER_API_ROSTER_SESSION_H

#include "api/api.h"

/* Answers r when it is one of the session endpoints (returns 1), else returns 0 untouched. */
int roster_session_route(const api_env *env, request *r);

#endif
