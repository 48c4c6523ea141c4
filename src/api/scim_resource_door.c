/* scim_resource_door.c — the HTTP verbs of a SCIM resource type (RFC 7644 §3.3–§3.6), the same for
 * Users and Groups: create, read, list and .search, PUT, PATCH (the engine applied to the current
 * representation, then a replace: one write), DELETE; a kind's door (scim_users_door.c,
 * scim_groups_door.c) gives the operations in a scim_kind_ops. */
#include <stdlib.h>
#include <string.h>

#include "api/scim_resources.h"

/* Answers status with resource id's representation, cut to the request's attributes. */
static void answer(scim_call *c, const scim_kind_ops *ops, int status, const char *id)
{
    scim_error x;
    json_t *doc = ops->fetch(c, id, &x);
    if (doc && scim_call_shape(c, ops->kind, &doc, NULL, NULL, &x) == 0) {
        scim_send_resource(c->r, status, doc);
        return;
    }
    json_decref(doc);
    scim_send_error(c->r, &x);
}

static void create(scim_call *c, const scim_kind_ops *ops)
{
    scim_error x;
    json_t *body, *made = NULL;
    char id[ID_LEN];
    if (scim_read_body(c->r, &body, &x) || ops->create(c, body, id, &made, &x))
        scim_send_error(c->r, &x);
    else if (!made)
        answer(c, ops, 201, id);
    else if (scim_call_shape(c, ops->kind, &made, NULL, NULL, &x) == 0)
        scim_send_resource(c->r, 201, json_incref(made));
    else
        scim_send_error(c->r, &x);
    json_decref(made);
    json_decref(body);
}

/* The If-Match version to hand core: 0 none, INT64_MAX for a tag no version has (so it fails). */
static int64_t if_version(const scim_call *c)
{
    int64_t v = scim_if_match(c->r);
    return v < 0 ? INT64_MAX : v;
}

static void put(scim_call *c, const scim_kind_ops *ops, const char *id)
{
    scim_error x;
    json_t *body = NULL;
    if (scim_read_body(c->r, &body, &x) || ops->replace(c, id, body, if_version(c), 0, &x))
        scim_send_error(c->r, &x);
    else
        answer(c, ops, 200, id);
    json_decref(body);
}

/* A PATCH is applied to the representation read, then written only over that very version (so a
 * change made in between is never lost): if another change came first, it is read and applied
 * again, up to PATCH_TRIES times, then 409 "try again" (several writers hammering one resource).
 * A client's If-Match must name the version read. */
enum { PATCH_TRIES = 32 };

static void patch(scim_call *c, const scim_kind_ops *ops, const char *id)
{
    scim_error x;
    json_t *body = NULL;
    int rc = scim_read_body(c->r, &body, &x), again = 1;
    int64_t wanted = scim_if_match(c->r); /* 0: none, -1: no version matches it */
    for (int tries = 0; rc == 0 && again && tries < PATCH_TRIES; tries++) {
        again = 0;
        json_t *current = ops->fetch(c, id, &x), *patched = NULL;
        int64_t read = current ? scim_etag_version(json_string_value(
                                     json_object_get(json_object_get(current, "meta"), "version")))
                               : 0;
        if (!current)
            rc = -1;
        else if (wanted && wanted != read)
            rc = scim_fail(&x, 412, NULL, "the resource has changed: it is at version %lld; read it again",
                           (long long)read);
        else if (!(patched = scim_call_patch(c, ops->kind, current, body, &x)))
            rc = -1;
        else if (ops->replace(c, id, patched, read > 0 ? read : INT64_MAX, 1, &x)) {
            again = !wanted && x.status == 412; /* another change came first: read it again */
            rc = again ? 0 : -1;
        }
        json_decref(current);
        json_decref(patched);
    }
    if (rc == 0 && again)
        rc = scim_fail(&x, 409, NULL, "the resource kept changing while this PATCH was applied; try again");
    if (rc)
        scim_send_error(c->r, &x);
    else
        answer(c, ops, 200, id);
    json_decref(body);
}

static void delete_one(scim_call *c, const scim_kind_ops *ops, const char *id)
{
    scim_error x;
    if (ops->remove(c, id, if_version(c), &x))
        scim_send_error(c->r, &x);
    else
        request_respond(c->r, 204, NULL, NULL, 0);
}

/* Runs q and answers its page, cut to attributes / excluded (both NULL: the query string's). */
static void list(scim_call *c, const scim_kind_ops *ops, const scim_query *q, const char *attributes,
                 const char *excluded)
{
    scim_error x;
    json_t *page = NULL;
    int64_t total;
    if (ops->query(c, q, &page, &total, &x) || scim_call_shape_list(c, ops->kind, page, attributes, excluded, &x)) {
        json_decref(page);
        scim_send_error(c->r, &x);
        return;
    }
    scim_send_list(c->r, page, total, q->start_index);
}

void scim_resource_route(scim_call *c, const scim_kind_ops *ops, const char *id, int search)
{
    const char *m = c->r->method;
    scim_query q;
    scim_error x;
    if (search) {
        if (strcmp(m, "POST") != 0) {
            scim_call_method_not_allowed(c, "POST");
            return;
        }
        char *attributes, *excluded;
        if (scim_read_search(c, &q, &attributes, &excluded, &x))
            scim_send_error(c->r, &x);
        else
            list(c, ops, &q, attributes ? attributes : "", excluded ? excluded : "");
        scim_query_clear(&q);
        free(attributes);
        free(excluded);
    } else if (!id) {
        if (strcmp(m, "POST") == 0) {
            create(c, ops);
        } else if (strcmp(m, "GET") == 0) {
            if (scim_read_query(c, &q, &x))
                scim_send_error(c->r, &x);
            else
                list(c, ops, &q, NULL, NULL);
            scim_query_clear(&q);
        } else {
            scim_call_method_not_allowed(c, "GET, POST");
        }
    } else if (strcmp(m, "GET") == 0) {
        answer(c, ops, 200, id);
    } else if (strcmp(m, "PUT") == 0) {
        put(c, ops, id);
    } else if (strcmp(m, "PATCH") == 0) {
        patch(c, ops, id);
    } else if (strcmp(m, "DELETE") == 0) {
        delete_one(c, ops, id);
    } else {
        scim_call_method_not_allowed(c, "GET, PUT, PATCH, DELETE");
    }
}
