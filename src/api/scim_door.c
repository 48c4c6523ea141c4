/* scim_door.c — the SCIM 2.0 door (see scim_door.h): the bearer token, then the route. */
#include "api/scim_door.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/scim_resources.h"
#include "auth/scim_tokens.h"
#include "util/ids.h"

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

static void fail(request *r, int status, const char *type, const char *detail)
{
    scim_error x;
    scim_fail(&x, status, type, "%s", detail);
    scim_send_error(r, &x);
}

/* GET of a discovery document: doc (reference taken), or 404 naming what when NULL. */
static void discovery(scim_call *c, json_t *doc, const char *what, const char *name)
{
    if (strcmp(c->r->method, "GET") != 0) {
        json_decref(doc);
        scim_call_method_not_allowed(c, "GET");
        return;
    }
    if (!doc) {
        scim_error x;
        scim_fail(&x, 404, NULL, "no %s %.200s", what, name);
        scim_send_error(c->r, &x);
        return;
    }
    scim_send_resource(c->r, 200, doc);
}

/* Routes the path after /scim/v2: seg[0..n). Resource names match in any case; a trailing '/'
 * (an empty last segment) is ignored. */
static void route(scim_call *c, char **seg, size_t n)
{
    if (n && !*seg[n - 1])
        n--;
    const char *what = n ? seg[0] : "";
    const char *id = n > 1 ? seg[1] : NULL;
    if (n > 2) {
        fail(c->r, 404, NULL, "no SCIM resource at this path");
    } else if (strcasecmp(what, "Users") == 0) {
        scim_users_route(c, id && strcmp(id, ".search") != 0 ? id : NULL, id && strcmp(id, ".search") == 0);
    } else if (strcasecmp(what, "Groups") == 0) {
        scim_groups_route(c, id && strcmp(id, ".search") != 0 ? id : NULL, id && strcmp(id, ".search") == 0);
    } else if (!id && (strcasecmp(what, "ServiceProviderConfig") == 0 ||
                       strcasecmp(what, "serviceConfiguration") == 0)) { /* Microsoft's collection's name */
        discovery(c, scim_service_provider_config(c->base), "", "");
    } else if (strcasecmp(what, "Schemas") == 0) {
        discovery(c, id ? scim_schema_doc(c->base, id) : scim_schemas(c->base), "schema", id);
    } else if (strcasecmp(what, "ResourceTypes") == 0) {
        discovery(c, id ? scim_resource_type_doc(c->base, id) : scim_resource_types(c->base), "resource type", id);
    } else if (!id && strcmp(what, ".search") == 0) {
        scim_root_search(c);
    } else if (!id && strcasecmp(what, "Bulk") == 0) {
        fail(c->r, 501, NULL, "Bulk is not supported (ServiceProviderConfig says so)");
    } else if (!id && strcasecmp(what, "Me") == 0) {
        fail(c->r, 501, NULL, "/Me is not served: a SCIM token acts for an instance, not a user");
    } else {
        fail(c->r, 404, NULL, "no SCIM resource at this path: roster serves Users, Groups, ServiceProviderConfig, "
                              "Schemas and ResourceTypes");
    }
}

void scim_door_dispatch(const api_env *env, request *r)
{
    const char *bearer = bearer_of(r);
    if (!bearer) {
        fail(r, 401, NULL, "A bearer token is needed: Authorization: Bearer <a SCIM token of the instance>");
        return;
    }
    core_ctx cx = {.conn = store_conn_get(env->st), .cfg = env->cfg, .now_ms = now_ms()};
    if (!cx.conn) {
        fail(r, 503, NULL, "The store is not available; try again");
        return;
    }
    principal who;
    rerr e;
    if (scim_token_authenticate(&cx, bearer, &who, &e)) {
        if (e.code == ERR_UNAUTHORIZED)
            fail(r, 401, NULL, e.message);
        else
            fail(r, 500, NULL, "The token could not be checked; try again");
    } else {
        cx.who = &who;
        scim_call c = {.r = r, .cx = &cx, .instance_id = who.instance_id, .base = scim_base_url(r)};
        /* segments: "scim", "v2", then the resource path */
        route(&c, r->segments + 2, r->n_segments > 2 ? r->n_segments - 2 : 0);
        free(c.base);
    }
    principal_clear(&who);
    store_conn_put(cx.conn);
}
