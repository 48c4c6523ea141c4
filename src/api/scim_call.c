/* scim_call.c — what the SCIM resource handlers share beyond the wire (see scim_resources.h):
 * projections, PATCH with the schema's mutability, list and search parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/scim_resources.h"
#include "scim/scim_project.h"
#include "scim/scim_user_json.h"
#include "util/buf.h"

/* The request's attributes / excludedAttributes, '+' read as a space; "" when absent. */
static void params_of(scim_call *c, char **attributes, char **excluded)
{
    const char *a = scim_param(c->r, "attributes"), *x = scim_param(c->r, "excludedAttributes");
    *attributes = a ? scim_plus_as_space(a) : NULL;
    *excluded = x ? scim_plus_as_space(x) : NULL;
}

int scim_call_shape_list(scim_call *c, scim_resource_kind kind, json_t *list, const char *attributes,
                         const char *excluded, scim_error *x)
{
    char *pa = NULL, *px = NULL;
    if (!attributes && !excluded) {
        params_of(c, &pa, &px);
        attributes = pa;
        excluded = px;
    }
    if (!attributes && !excluded) /* the representations never hold what is not returned by default
                                   * (password is not kept): nothing to cut */
        return 0;
    rerr e;
    scim_projection *p = scim_projection_new(kind, attributes, excluded, &e);
    free(pa);
    free(px);
    if (!p)
        return scim_fail_rerr(x, &e);
    size_t i;
    json_t *doc;
    json_array_foreach(list, i, doc) json_array_set_new(list, i, scim_projection_apply(p, doc));
    scim_projection_free(p);
    return 0;
}

int scim_call_shape(scim_call *c, scim_resource_kind kind, json_t **doc, const char *attributes, const char *excluded,
                    scim_error *x)
{
    json_t *list = json_pack("[O]", *doc);
    int rc = scim_call_shape_list(c, kind, list, attributes, excluded, x);
    if (rc == 0) {
        json_decref(*doc);
        *doc = json_incref(json_array_get(list, 0));
    }
    json_decref(list);
    return rc;
}

/* sortOrder: "ascending" (default) or "descending", in any case. */
static int sort_order(const char *s, int *descending, scim_error *x)
{
    *descending = 0;
    if (!s || strcasecmp(s, "ascending") == 0)
        return 0;
    if (strcasecmp(s, "descending") == 0)
        return *descending = 1, 0;
    return scim_fail(x, 400, "invalidValue", "sortOrder must be ascending or descending (got '%.40s')", s);
}

/* startIndex below 1 counts as 1 (RFC 7644 §3.4.2.4), and past any real list as the last
 * position roster could hold (so start + count never overflows); count below 0 as 0, above the
 * page size as the page size. */
static void clamp_page(scim_query *q)
{
    const int64_t start_max = INT64_C(1000000000000);
    q->start_index = q->start_index < 1 ? 1 : q->start_index > start_max ? start_max : q->start_index;
    q->count = q->count < 0 ? 0 : q->count > SCIM_PAGE_MAX ? SCIM_PAGE_MAX : q->count;
}

int scim_read_query(scim_call *c, scim_query *q, scim_error *x)
{
    memset(q, 0, sizeof *q);
    const char *filter = scim_param(c->r, "filter"), *sort_by = scim_param(c->r, "sortBy");
    if (filter && *filter)
        q->filter = scim_plus_as_space(filter);
    if (sort_by && *sort_by)
        q->sort_by = scim_plus_as_space(sort_by);
    if (sort_order(scim_param(c->r, "sortOrder"), &q->descending, x) ||
        scim_int_param(c->r, "startIndex", 1, &q->start_index, x) ||
        scim_int_param(c->r, "count", SCIM_PAGE_MAX, &q->count, x))
        return -1;
    clamp_page(q);
    return 0;
}

/* A SearchRequest member that is a list of strings, joined by commas (NULL when absent). */
static int joined(const json_t *body, const char *name, char **out, scim_error *x)
{
    *out = NULL;
    json_t *v = scim_json_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        *out = xstrdup(json_string_value(v));
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) > 100)
        return scim_fail(x, 400, "invalidValue", "%s must be a list of at most 100 attribute names", name);
    buf b;
    buf_init(&b);
    size_t i;
    json_t *el;
    json_array_foreach(v, i, el) {
        if (!json_is_string(el)) {
            buf_free(&b);
            return scim_fail(x, 400, "invalidValue", "%s must be a list of attribute names", name);
        }
        buf_printf(&b, "%s%s", i ? "," : "", json_string_value(el));
    }
    *out = b.data ? buf_detach(&b) : xstrdup("");
    return 0;
}

/* A SearchRequest member that is a string (NULL when absent). */
static int text(const json_t *body, const char *name, char **out, scim_error *x)
{
    json_t *v = scim_json_get(body, name);
    if (v && !json_is_null(v) && !json_is_string(v))
        return scim_fail(x, 400, "invalidValue", "%s must be a string", name);
    *out = json_is_string(v) && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
    return 0;
}

/* A SearchRequest member that is a whole number (dflt when absent). */
static int number(const json_t *body, const char *name, int64_t dflt, int64_t *out, scim_error *x)
{
    json_t *v = scim_json_get(body, name);
    *out = dflt;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return scim_fail(x, 400, "invalidValue", "%s must be a whole number", name);
    *out = json_integer_value(v);
    return 0;
}

int scim_read_search(scim_call *c, scim_query *q, char **attributes, char **excluded, scim_error *x)
{
    memset(q, 0, sizeof *q);
    *attributes = *excluded = NULL;
    json_t *body;
    if (scim_read_body(c->r, &body, x))
        return -1;
    char *order = NULL;
    int rc = text(body, "filter", &q->filter, x) || text(body, "sortBy", &q->sort_by, x) ||
             text(body, "sortOrder", &order, x) || sort_order(order, &q->descending, x) ||
             number(body, "startIndex", 1, &q->start_index, x) || number(body, "count", SCIM_PAGE_MAX, &q->count, x) ||
             joined(body, "attributes", attributes, x) || joined(body, "excludedAttributes", excluded, x);
    free(order);
    json_decref(body);
    clamp_page(q);
    return rc ? -1 : 0;
}

void scim_call_method_not_allowed(scim_call *c, const char *allowed)
{
    scim_error x;
    request_add_header(c->r, "Allow", allowed);
    scim_fail(&x, 405, NULL, "%s is not allowed here; allowed: %s", c->r->method, allowed);
    scim_send_error(c->r, &x);
}

void scim_root_search(scim_call *c)
{
    if (strcmp(c->r->method, "POST") != 0) {
        scim_call_method_not_allowed(c, "POST");
        return;
    }
    scim_query q;
    char *attributes = NULL, *excluded = NULL;
    scim_error x;
    json_t *users = NULL, *groups = NULL;
    int64_t n_users = 0, n_groups = 0;
    int rc = scim_read_search(c, &q, &attributes, &excluded, &x);
    if (rc == 0) {
        /* The users' matches come first, then the groups': startIndex and count run over the two
         * as one list; sortBy orders each kind within itself. */
        int64_t start = q.start_index, count = q.count; /* clamped by scim_read_search */
        rc = scim_user_query(c->cx, c->instance_id, &q, c->base, &users, &n_users, &x) ||
             scim_call_shape_list(c, SCIM_USER, users, attributes ? attributes : "", excluded ? excluded : "", &x);
        if (rc == 0) {
            scim_query gq = q; /* the groups' part of the page: what the users left of it */
            int64_t taken = (int64_t)json_array_size(users);
            gq.start_index = start > n_users ? start - n_users : 1;
            gq.count = count - taken;
            rc = scim_group_query(c, &gq, &groups, &n_groups, &x) ||
                 scim_call_shape_list(c, SCIM_GROUP, groups, attributes ? attributes : "", excluded ? excluded : "",
                                      &x);
        }
    }
    if (rc == 0) {
        json_array_extend(users, groups);
        scim_send_list(c->r, json_incref(users), n_users + n_groups, q.start_index);
    } else {
        scim_send_error(c->r, &x);
    }
    json_decref(users);
    json_decref(groups);
    scim_query_clear(&q);
    free(attributes);
    free(excluded);
}
