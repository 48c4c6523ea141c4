/* scim_door.c — the SCIM 2.0 door (see scim_door.h). */
#include "api/scim_door.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/scim_tokens.h"
#include "util/ids.h"

#define SCIM_ERROR_SCHEMA "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_TYPE "application/scim+json"

/* Answers status with a SCIM error document: detail, and scim_type when not NULL. */
static void scim_error(request *r, int status, const char *scim_type, const char *detail)
{
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    json_t *o = json_pack("{s:[s], s:s, s:s}", "schemas", SCIM_ERROR_SCHEMA, "status", code, "detail", detail);
    if (scim_type)
        json_object_set_new(o, "scimType", json_string(scim_type));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (status == 401)
        request_add_header(r, "WWW-Authenticate", "Bearer realm=\"roster SCIM\"");
    request_respond_take(r, status, SCIM_TYPE, text, text ? strlen(text) : 0);
}

/* The token of an "Authorization: Bearer TOKEN" header (the scheme in any case), or NULL. */
static const char *bearer_of(const request *r)
{
    const char *h = request_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

void scim_door_dispatch(const api_env *env, request *r)
{
    const char *bearer = bearer_of(r);
    if (!bearer) {
        scim_error(r, 401, NULL, "A bearer token is needed: Authorization: Bearer <a SCIM token of the instance>");
        return;
    }
    core_ctx cx = {.conn = store_conn_get(env->st), .cfg = env->cfg, .now_ms = now_ms()};
    if (!cx.conn) {
        scim_error(r, 503, NULL, "The store is not available; try again");
        return;
    }
    principal who;
    rerr e;
    if (scim_token_authenticate(&cx, bearer, &who, &e)) {
        if (e.code == ERR_UNAUTHORIZED)
            scim_error(r, 401, NULL, e.message);
        else
            scim_error(r, 500, NULL, "The token could not be checked; try again");
    } else {
        char detail[256];
        snprintf(detail, sizeof detail,
                 "%s %s is not served yet: roster's SCIM resources are being built (the token is valid for "
                 "instance %s)",
                 r->method, r->raw_path ? r->raw_path : "", who.instance_id);
        scim_error(r, 501, NULL, detail);
    }
    principal_clear(&who);
    store_conn_put(cx.conn);
}
