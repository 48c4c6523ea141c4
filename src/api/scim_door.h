/* scim_door.h — the SCIM 2.0 door (/scim/v2/…): a bearer token of one instance
 * (auth/scim_tokens.h) and answers in the SCIM error schema (RFC 7644 §3.12), as
 * application/scim+json. Issue 12 in progress: the door authenticates; its resources (Users,
 * Groups, the discovery documents) are not served yet and answer 501. */
#ifndef ROSTER_API_SCIM_DOOR_H
#define ROSTER_API_SCIM_DOOR_H

#include "api/api.h"

/* Answers r, a request of the SCIM door. */
void scim_door_dispatch(const api_env *env, request *r);

#endif
