/* scim_users_door.c — /scim/v2/Users: create, read, list and search, replace, patch and delete
 * users (RFC 7644 §3.3–§3.6) through core/scim_users.h, in scim/scim_user_json.h's shapes. */
#include "api/scim_resources.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/scim_users.h"
#include "scim/scim_user_json.h"
#include "scim/scim_user_query.h"

typedef struct one {
    const char *base;
    json_t *doc;
} one;

static int on_one(void *ctx, const user_record *u, const char *attributes)
{
    one *o = ctx;
    o->doc = scim_user_to_json(u, attributes, o->base);
    return 1;
}

/* The representation of user id, or NULL with *x set (404 when there is none). */
static json_t *fetch(scim_call *c, const char *id, scim_error *x)
{
    one o = {c->base, NULL};
    rerr e;
    if (scim_users_each(c->cx, c->instance_id, STORE_SCIM_BY_ID, id, 0, -1, on_one, &o, &e)) {
        scim_fail_rerr(x, &e);
        return NULL;
    }
    if (!o.doc)
        scim_fail(x, 404, NULL, "User not found: %.100s", id);
    return o.doc;
}

/* Answers status with user id's representation shaped by the request's attributes. */
static void answer(scim_call *c, int status, const char *id)
{
    scim_error x;
    json_t *doc = fetch(c, id, &x);
    if (doc && scim_call_shape(c, SCIM_USER, &doc, NULL, NULL, &x) == 0)
        scim_send_resource(c->r, status, doc);
    else
        scim_send_error(c->r, &x);
}

static void create(scim_call *c)
{
    scim_error x;
    json_t *body;
    if (scim_read_body(c->r, &body, &x)) {
        scim_send_error(c->r, &x);
        return;
    }
    scim_user_read in;
    rerr e;
    char id[ID_LEN];
    if (scim_user_from_json(body, &in, &e) || scim_users_create(c->cx, c->instance_id, &in.in, id, &e)) {
        scim_fail_rerr(&x, &e);
        scim_send_error(c->r, &x);
    } else {
        answer(c, 201, id);
    }
    scim_user_read_clear(&in);
    json_decref(body);
}

/* Replaces user id with doc (a PUT's body, or a PATCH's result). */
static int replace(scim_call *c, const char *id, const json_t *doc, const char *operation, scim_error *x)
{
    scim_user_read in;
    rerr e;
    int64_t version = scim_if_match(c->r);
    int rc = scim_user_from_json(doc, &in, &e) ||
             scim_users_replace(c->cx, c->instance_id, id, &in.in, version < 0 ? INT64_MAX : version, operation, &e);
    scim_user_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static void put(scim_call *c, const char *id)
{
    scim_error x;
    json_t *body;
    if (scim_read_body(c->r, &body, &x) || replace(c, id, body, "ScimReplaceUser", &x))
        scim_send_error(c->r, &x);
    else
        answer(c, 200, id);
    json_decref(body);
}

static void patch(scim_call *c, const char *id)
{
    scim_error x;
    json_t *body = NULL, *current = NULL, *patched = NULL;
    if (scim_read_body(c->r, &body, &x) || !(current = fetch(c, id, &x)) ||
        !(patched = scim_call_patch(c, SCIM_USER, current, body, &x)) || replace(c, id, patched, "ScimPatchUser", &x))
        scim_send_error(c->r, &x);
    else
        answer(c, 200, id);
    json_decref(body);
    json_decref(current);
    json_decref(patched);
}

static void delete_user(scim_call *c, const char *id)
{
    rerr e;
    int64_t version = scim_if_match(c->r);
    if (scim_users_delete(c->cx, c->instance_id, id, version < 0 ? INT64_MAX : version, &e)) {
        scim_error x;
        scim_fail_rerr(&x, &e);
        scim_send_error(c->r, &x);
        return;
    }
    request_respond(c->r, 204, NULL, NULL, 0);
}

/* Runs q and answers its page, shaped by attributes / excluded (NULL: none). */
static void list(scim_call *c, const scim_query *q, const char *attributes, const char *excluded)
{
    scim_error x;
    json_t *resources;
    int64_t total;
    if (scim_user_query(c->cx, c->instance_id, q, c->base, &resources, &total, &x) ||
        scim_call_shape_list(c, SCIM_USER, resources, attributes, excluded, &x)) {
        scim_send_error(c->r, &x);
        return;
    }
    scim_send_list(c->r, resources, total, q->start_index);
}

void scim_users_route(scim_call *c, const char *id, int search)
{
    const char *m = c->r->method;
    if (search) {
        if (strcmp(m, "POST") != 0) {
            scim_call_method_not_allowed(c, "POST");
            return;
        }
        scim_query q;
        char *attributes, *excluded;
        scim_error x;
        if (scim_read_search(c, &q, &attributes, &excluded, &x))
            scim_send_error(c->r, &x);
        else
            list(c, &q, attributes ? attributes : "", excluded ? excluded : "");
        scim_query_clear(&q);
        free(attributes);
        free(excluded);
        return;
    }
    if (!id) {
        if (strcmp(m, "POST") == 0) {
            create(c);
        } else if (strcmp(m, "GET") == 0) {
            scim_query q;
            scim_error x;
            if (scim_read_query(c, &q, &x))
                scim_send_error(c->r, &x);
            else
                list(c, &q, NULL, NULL);
            scim_query_clear(&q);
        } else {
            scim_call_method_not_allowed(c, "GET, POST");
        }
        return;
    }
    if (strcmp(m, "GET") == 0)
        answer(c, 200, id);
    else if (strcmp(m, "PUT") == 0)
        put(c, id);
    else if (strcmp(m, "PATCH") == 0)
        patch(c, id);
    else if (strcmp(m, "DELETE") == 0)
        delete_user(c, id);
    else
        scim_call_method_not_allowed(c, "GET, PUT, PATCH, DELETE");
}
