/* instances.h — contact-center instances: create (with the default resources), resolve,
 * list and delete. */
#ifndef ROSTER_CORE_INSTANCES_H
#define ROSTER_CORE_INSTANCES_H

#include "core/authorize.h"
#include "core/context.h"
#include "core/error.h"

typedef struct instance_create {
    const char *idm_type;        /* required: CONNECT_MANAGED | SAML (EXISTING_DIRECTORY refused) */
    const char *alias;           /* optional */
    const char *directory_id;    /* optional; only meaningful for EXISTING_DIRECTORY */
    int inbound_calls;
    int outbound_calls;
    const char *client_token;    /* optional idempotency token, 0..500 characters */
    const kvlist *tags;          /* optional; NULL when none */
} instance_create;

/* What the bootstrap needs to know of a new instance's defaults. */
typedef struct instance_defaults {
    char admin_profile_id[ID_LEN];
    char agent_profile_id[ID_LEN];
    char routing_profile_id[ID_LEN];
} instance_defaults;

/* Creates an instance and its default resources in one transaction. With a client token that
 * an earlier create used, returns that instance unchanged (*created = 0). Needs an account key.
 * Returns 0 and fills *out (caller clears) or -1 with *e set. defaults may be NULL. */
int instances_create(core_ctx *cx, const instance_create *in, instance *out, instance_defaults *defaults,
                     int *created, rerr *e);

/* Resolves an instance reference — its id or ARN, or (allow_alias) its alias — and checks
 * that the principal may reach it (a user key reaches only its own instance).
 * Returns 0 with *out filled (caller clears), or -1: ERR_NOT_FOUND, ERR_ACCESS_DENIED. */
int instances_resolve(core_ctx *cx, const char *ref, int allow_alias, instance *out, rerr *e);
/* The same, checking action a (the caller's own: its refusal names the caller's operation)
 * instead of CORE_INSTANCES_RESOLVE, before and after the look-up. */
int instances_resolve_for(core_ctx *cx, core_action a, const char *ref, int allow_alias, instance *out, rerr *e);

/* One page of instances visible to the principal, by id. *next is a malloc'd token or NULL. */
int instances_list(core_ctx *cx, const char *token, size_t limit, instance **out, size_t *n, char **next,
                   rerr *e);

/* Deletes an instance and everything in it (needs an account key). */
int instances_delete(core_ctx *cx, const char *ref, rerr *e);

/* Maps a failed store call to an rerr (ERR_UNAVAILABLE for busy, ERR_INTERNAL otherwise)
 * and returns -1. what names the operation for the message. */
int core_store_error(core_ctx *cx, int rc, const char *what, rerr *e);

#endif
