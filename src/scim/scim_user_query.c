/* scim_user_query.c — listing and searching users over SCIM (see scim_user_query.h). */
#include "scim/scim_user_query.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/scim_users.h"
#include "scim/scim_filter.h"
#include "scim/scim_match.h"
#include "scim/scim_user_json.h"
#include "util/buf.h"

static const char *const core_schemas[] = {SCIM_USER_SCHEMA, NULL};

int scim_user_path_case_exact(const char *path)
{
    return strcmp(path, "id") == 0 || strcmp(path, "externalid") == 0 || strcmp(path, "meta.version") == 0 ||
           strcmp(path, "meta.location") == 0 || strcmp(path, "password") == 0;
}

/* path without the core User schema's URN prefix ("urn:…:core:2.0:User:userName" -> "userName"). */
static const char *core_path(const char *path)
{
    size_t n = strlen(SCIM_USER_SCHEMA);
    return strncasecmp(path, SCIM_USER_SCHEMA, n) == 0 && path[n] == ':' ? path + n + 1 : path;
}

/* A list's primary element (primary true), else its first; NULL for an empty list. */
static const json_t *primary_of(const json_t *list)
{
    const json_t *pick = json_array_get(list, 0);
    size_t i;
    json_t *el;
    json_array_foreach(list, i, el)
        if (scim_json_boolean(scim_json_get(el, "primary")) == 1)
            pick = el;
    return pick;
}

/* An index look-up that selects every user f can match: userName, externalId or id eq a string,
 * alone or on one side of an and. */
static int indexed(const scim_filter *f, store_scim_by *by, const char **key)
{
    if (f->kind == SF_AND)
        return indexed(f->a, by, key) || indexed(f->b, by, key);
    if (f->kind != SF_COMPARE || f->op != SF_EQ || !json_is_string(f->value))
        return 0;
    const char *attr = core_path(f->attr);
    if (strcasecmp(attr, "userName") == 0)
        *by = STORE_SCIM_BY_NAME;
    else if (strcasecmp(attr, "externalId") == 0)
        *by = STORE_SCIM_BY_EXTERNAL_ID;
    else if (strcasecmp(attr, "id") == 0)
        *by = STORE_SCIM_BY_ID;
    else
        return 0;
    *key = json_string_value(f->value);
    return 1;
}

const json_t *scim_sort_value(const json_t *doc, const char *path)
{
    const json_t *cur = doc;
    const char *p = core_path(path);
    if (strncasecmp(p, "urn:", 4) == 0) { /* an extension's attribute: the URN is up to the last ':' */
        const char *colon = strrchr(p, ':');
        char *urn = strndup(p, (size_t)(colon - p));
        cur = scim_json_get(doc, urn);
        free(urn);
        p = colon + 1;
    }
    char *copy = strdup(p), *save = NULL;
    for (char *part = strtok_r(copy, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur))
            cur = primary_of(cur);
        cur = json_is_object(cur) ? scim_json_get(cur, part) : NULL;
    }
    free(copy);
    if (json_is_array(cur)) {
        const json_t *pick = primary_of(cur);
        cur = json_is_object(pick) ? scim_json_get(pick, "value") : pick;
    }
    return json_is_string(cur) || json_is_number(cur) || json_is_boolean(cur) ? cur : NULL;
}

/* One match: its sort value (a copy) and id. */
typedef struct hit {
    json_t *key;
    char id[ID_LEN];
} hit;

typedef struct collect {
    const scim_filter *filter;
    const char *sort_by;
    const char *base;
    hit *v;
    size_t n, cap;
} collect;

static int on_user(void *ctx, const user_record *u, const char *attributes)
{
    collect *c = ctx;
    json_t *doc = NULL;
    if (c->filter || c->sort_by)
        doc = scim_user_to_json(u, attributes, c->base);
    if (c->filter && !scim_filter_match(c->filter, doc, core_schemas, scim_user_path_case_exact)) {
        json_decref(doc);
        return 0;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    hit *h = &c->v[c->n++];
    const json_t *k = c->sort_by ? scim_sort_value(doc, c->sort_by) : NULL;
    h->key = k ? json_deep_copy(k) : NULL;
    memcpy(h->id, u->id, ID_LEN);
    json_decref(doc);
    return 0;
}

int scim_sort_compare(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return !a - !b; /* a missing value after a present one */
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_string(a) && json_is_string(b))
        return strcasecmp(json_string_value(a), json_string_value(b));
    if (json_is_boolean(a) && json_is_boolean(b))
        return json_is_true(a) - json_is_true(b);
    return json_typeof(a) - json_typeof(b);
}

static int by_key(const void *pa, const void *pb)
{
    const hit *a = pa, *b = pb;
    int c = scim_sort_compare(a->key, b->key);
    return c ? c : strcmp(a->id, b->id);
}

/* The page [start, start + count) of hits as representations, appended to out. */
typedef struct fetch {
    const char *base;
    json_t *out;
} fetch;

static int on_fetch(void *ctx, const user_record *u, const char *attributes)
{
    fetch *f = ctx;
    json_array_append_new(f->out, scim_user_to_json(u, attributes, f->base));
    return 0;
}

void scim_query_clear(scim_query *q)
{
    free(q->filter);
    free(q->sort_by);
    memset(q, 0, sizeof *q);
}

int scim_user_query(core_ctx *cx, const char *instance_id, const scim_query *q, const char *base, json_t **resources,
                    int64_t *total, scim_error *x)
{
    *resources = NULL;
    *total = 0;
    int64_t start = q->start_index < 1 ? 1 : q->start_index;
    int64_t count = q->count < 0 ? 0 : q->count > SCIM_PAGE_MAX ? SCIM_PAGE_MAX : q->count;
    rerr e;
    scim_filter *f = NULL;
    if (q->filter) {
        buf err;
        buf_init(&err);
        if (scim_filter_parse(q->filter, strlen(q->filter), &f, &err)) {
            scim_fail(x, 400, "invalidFilter", "the filter cannot be read: %s", err.data ? err.data : "?");
            buf_free(&err);
            return -1;
        }
        buf_free(&err);
    }
    json_t *out = json_array();
    int result = 0;
    if (!f && !q->sort_by) { /* the store's order: one page straight from the index */
        fetch fe = {base, out};
        result = scim_users_count(cx, instance_id, total, &e) ||
                         (count && scim_users_each(cx, instance_id, STORE_SCIM_ALL, NULL, start - 1, count, on_fetch,
                                                   &fe, &e))
                     ? -1
                     : 0;
    } else {
        collect c = {.filter = f, .sort_by = q->sort_by, .base = base};
        store_scim_by by = STORE_SCIM_ALL;
        const char *key = NULL;
        if (f && indexed(f, &by, &key))
            result = scim_users_each(cx, instance_id, by, key, 0, -1, on_user, &c, &e);
        else
            result = scim_users_each(cx, instance_id, STORE_SCIM_ALL, NULL, 0, -1, on_user, &c, &e);
        if (result == 0) {
            if (q->sort_by)
                qsort(c.v, c.n, sizeof *c.v, by_key);
            *total = (int64_t)c.n;
            fetch fe = {base, out};
            for (int64_t i = start - 1; result == 0 && i < (int64_t)c.n && i < start - 1 + count; i++) {
                size_t k = q->descending ? c.n - 1 - (size_t)i : (size_t)i;
                result = scim_users_each(cx, instance_id, STORE_SCIM_BY_ID, c.v[k].id, 0, -1, on_fetch, &fe, &e);
            }
        }
        for (size_t i = 0; i < c.n; i++)
            json_decref(c.v[i].key);
        free(c.v);
    }
    scim_filter_free(f);
    if (result) {
        json_decref(out);
        return scim_fail_rerr(x, &e);
    }
    *resources = out;
    return 0;
}
