/* scim_groups_door.c — /scim/v2/Groups: the Group resource type's operations for
 * scim_resource_door.c, through core/scim_groups.h, in scim/scim_group_json.h's shapes.
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

static int create(scim_call *c, const json_t *doc, char id_out[ID_LEN], json_t **made, scim_error *x)
{
    (void)made; /* read back: the members' displays are the store's */
    scim_group_read in;
    rerr e;
    int rc = scim_group_from_json(doc, &in, &e) || scim_groups_create(c->cx, c->instance_id, &in.in, id_out, &e);
    scim_group_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static int replace(scim_call *c, const char *id, const json_t *doc, int64_t if_version, int patch, scim_error *x)
{
    (void)patch;
    scim_group_read in;
    rerr e;
    int rc = scim_group_from_json(doc, &in, &e) ||
             scim_groups_replace(c->cx, c->instance_id, id, &in.in, if_version, &e);
    scim_group_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static int remove_group(scim_call *c, const char *id, int64_t if_version, scim_error *x)
{
    rerr e;
    return scim_groups_delete(c->cx, c->instance_id, id, if_version, &e) ? scim_fail_rerr(x, &e) : 0;
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
    int c = scim_sort_compare(a->key, b->key);
    if (c)
        return c;
    return strcmp(json_string_value(json_object_get(a->doc, "id")), json_string_value(json_object_get(b->doc, "id")));
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

static const scim_kind_ops groups = {SCIM_GROUP, fetch, create, replace, remove_group, scim_group_query};

void scim_groups_route(scim_call *c, const char *id, int search)
{
    scim_resource_route(c, &groups, id, search);
}
