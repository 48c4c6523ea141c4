/* scim_groups_door.c — /scim/v2/Groups: create, read, list and search, replace, patch and delete
 * groups (RFC 7644 §3.3–§3.6) through core/scim_groups.h, in scim/scim_group_json.h's shapes.
 * A list reads the groups with their members and matches the filter on each representation;
 * `displayName eq`, `externalId eq` and `id eq` (alone or in an `and`) read only those groups.
 * Without sortBy the order is the display name's, ignoring case. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/scim_resources.h"
#include "scim/scim_filter.h"
#include "scim/scim_group_json.h"
#include "scim/scim_match.h"
#include "util/buf.h"

typedef struct gather {
    const char *base;
    const scim_filter *filter;
    json_t *out;                 /* matching representations */
} gather;

static int on_group(void *ctx, const scim_group *g, const scim_member_list *members)
{
    gather *ga = ctx;
    json_t *doc = scim_group_to_json(g, members, ga->base);
    if (ga->filter && !scim_filter_match(ga->filter, doc, scim_core_schemas(SCIM_GROUP), scim_group_case_exact))
        json_decref(doc);
    else
        json_array_append_new(ga->out, doc);
    return 0;
}

/* The representation of group id, or NULL with *x (404 when there is none). */
static json_t *fetch(scim_call *c, const char *id, scim_error *x)
{
    gather ga = {c->base, NULL, json_array()};
    rerr e;
    json_t *doc = NULL;
    if (scim_groups_each(c->cx, c->instance_id, SCIM_GROUPS_BY_ID, id, 0, -1, 1, on_group, &ga, &e))
        scim_fail_rerr(x, &e);
    else if (!(doc = json_incref(json_array_get(ga.out, 0))))
        scim_fail(x, 404, NULL, "Group not found: %.100s", id);
    json_decref(ga.out);
    return doc;
}

static void answer(scim_call *c, int status, const char *id)
{
    scim_error x;
    json_t *doc = fetch(c, id, &x);
    if (doc && scim_call_shape(c, SCIM_GROUP, &doc, NULL, NULL, &x) == 0)
        scim_send_resource(c->r, status, doc);
    else {
        json_decref(doc);
        scim_send_error(c->r, &x);
    }
}

static void create(scim_call *c)
{
    scim_error x;
    json_t *body;
    if (scim_read_body(c->r, &body, &x)) {
        scim_send_error(c->r, &x);
        return;
    }
    scim_group_read in;
    rerr e;
    char id[ID_LEN];
    if (scim_group_from_json(body, &in, &e) || scim_groups_create(c->cx, c->instance_id, &in.in, id, &e)) {
        scim_fail_rerr(&x, &e);
        scim_send_error(c->r, &x);
    } else {
        answer(c, 201, id);
    }
    scim_group_read_clear(&in);
    json_decref(body);
}

static int replace(scim_call *c, const char *id, const json_t *doc, scim_error *x)
{
    scim_group_read in;
    rerr e;
    int64_t version = scim_if_match(c->r);
    int rc = scim_group_from_json(doc, &in, &e) ||
             scim_groups_replace(c->cx, c->instance_id, id, &in.in, version < 0 ? INT64_MAX : version, &e);
    scim_group_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static void put(scim_call *c, const char *id)
{
    scim_error x;
    json_t *body = NULL;
    if (scim_read_body(c->r, &body, &x) || replace(c, id, body, &x))
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
        !(patched = scim_call_patch(c, SCIM_GROUP, current, body, &x)) || replace(c, id, patched, &x))
        scim_send_error(c->r, &x);
    else
        answer(c, 200, id);
    json_decref(body);
    json_decref(current);
    json_decref(patched);
}

static void delete_group(scim_call *c, const char *id)
{
    rerr e;
    int64_t version = scim_if_match(c->r);
    if (scim_groups_delete(c->cx, c->instance_id, id, version < 0 ? INT64_MAX : version, &e)) {
        scim_error x;
        scim_fail_rerr(&x, &e);
        scim_send_error(c->r, &x);
        return;
    }
    request_respond(c->r, 204, NULL, NULL, 0);
}

/* An index look-up that selects every group f can match. */
static int indexed(const scim_filter *f, scim_groups_by *by, const char **key)
{
    if (f->kind == SF_AND)
        return indexed(f->a, by, key) || indexed(f->b, by, key);
    if (f->kind != SF_COMPARE || f->op != SF_EQ || !json_is_string(f->value))
        return 0;
    const char *attr = f->attr;
    size_t n = strlen(SCIM_GROUP_SCHEMA);
    if (strncasecmp(attr, SCIM_GROUP_SCHEMA, n) == 0 && attr[n] == ':')
        attr += n + 1;
    if (strcasecmp(attr, "displayName") == 0)
        *by = SCIM_GROUPS_BY_NAME;
    else if (strcasecmp(attr, "externalId") == 0)
        *by = SCIM_GROUPS_BY_EXTERNAL_ID;
    else if (strcasecmp(attr, "id") == 0)
        *by = SCIM_GROUPS_BY_ID;
    else
        return 0;
    *key = json_string_value(f->value);
    return 1;
}

/* A representation and the value it sorts by (borrowed from it). */
typedef struct sorted {
    json_t *doc;
    const json_t *key;
} sorted;

static int by_key(const void *pa, const void *pb)
{
    const sorted *a = pa, *b = pb;
    const json_t *x = a->key, *y = b->key;
    int c = !x || !y ? !x - !y
            : json_is_string(x) && json_is_string(y) ? strcasecmp(json_string_value(x), json_string_value(y))
            : json_is_number(x) && json_is_number(y) ? (json_number_value(x) > json_number_value(y)) -
                                                           (json_number_value(x) < json_number_value(y))
                                                     : 0;
    return c ? c
             : strcmp(json_string_value(json_object_get(a->doc, "id")), json_string_value(json_object_get(b->doc, "id")));
}

int scim_group_query(scim_call *c, const scim_query *q, json_t **page_out, int64_t *total, scim_error *x)
{
    *page_out = NULL;
    *total = 0;
    scim_filter *f = NULL;
    if (q->filter) {
        buf err;
        buf_init(&err);
        int bad = scim_filter_parse(q->filter, strlen(q->filter), &f, &err);
        if (bad)
            scim_fail(x, 400, "invalidFilter", "the filter cannot be read: %s", err.data ? err.data : "?");
        buf_free(&err);
        if (bad)
            return -1;
    }
    scim_groups_by by = SCIM_GROUPS_ALL;
    const char *key = NULL;
    if (f)
        indexed(f, &by, &key);
    gather ga = {c->base, f, json_array()};
    rerr e;
    int rc = scim_groups_each(c->cx, c->instance_id, by, key, 0, -1, 1, on_group, &ga, &e);
    scim_filter_free(f);
    if (rc) {
        json_decref(ga.out);
        return scim_fail_rerr(x, &e);
    }
    size_t n = json_array_size(ga.out);
    sorted *v = xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i].doc = json_array_get(ga.out, i);
        v[i].key = q->sort_by ? scim_sort_value(v[i].doc, q->sort_by) : NULL;
    }
    if (q->sort_by) { /* sortOrder applies with sortBy only (RFC 7644 §3.4.2.3) */
        qsort(v, n, sizeof *v, by_key);
        for (size_t i = 0; q->descending && i < n / 2; i++) {
            sorted t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
        }
    }
    int64_t start = q->start_index < 1 ? 1 : q->start_index;
    int64_t count = q->count < 0 ? 0 : q->count > SCIM_PAGE_MAX ? SCIM_PAGE_MAX : q->count;
    json_t *page = json_array();
    for (int64_t i = start - 1; i < (int64_t)n && i < start - 1 + count; i++)
        json_array_append(page, v[i].doc);
    free(v);
    json_decref(ga.out);
    *page_out = page;
    *total = (int64_t)n;
    return 0;
}

static void list(scim_call *c, const scim_query *q, const char *attributes, const char *excluded)
{
    scim_error x;
    json_t *page;
    int64_t total;
    if (scim_group_query(c, q, &page, &total, &x) ||
        scim_call_shape_list(c, SCIM_GROUP, page, attributes, excluded, &x)) {
        json_decref(page);
        scim_send_error(c->r, &x);
        return;
    }
    scim_send_list(c->r, page, total, q->start_index);
}

void scim_groups_route(scim_call *c, const char *id, int search)
{
    const char *m = c->r->method;
    scim_query q;
    scim_error x;
    if (search) {
        char *attributes, *excluded;
        if (strcmp(m, "POST") != 0)
            scim_call_method_not_allowed(c, "POST");
        else if (scim_read_search(c, &q, &attributes, &excluded, &x) == 0)
            list(c, &q, attributes ? attributes : "", excluded ? excluded : "");
        else
            scim_send_error(c->r, &x);
        if (strcmp(m, "POST") == 0) {
            scim_query_clear(&q);
            free(attributes);
            free(excluded);
        }
        return;
    }
    if (!id) {
        if (strcmp(m, "POST") == 0) {
            create(c);
        } else if (strcmp(m, "GET") == 0) {
            if (scim_read_query(c, &q, &x) == 0)
                list(c, &q, NULL, NULL);
            else
                scim_send_error(c->r, &x);
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
        delete_group(c, id);
    else
        scim_call_method_not_allowed(c, "GET, PUT, PATCH, DELETE");
}
