/* scim_values.c — members by name in any case, the sameness of values, "primary", and value
 * filters over elements (see scim_values.h). */
#include "scim/scim_values.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

char *scim_values_path(const char *attr, const char *sub)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, attr);
    if (sub) {
        buf_putc(&b, '.');
        buf_puts(&b, sub);
    }
    for (char *c = b.data; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return buf_detach(&b);
}

/* ---- members ---------------------------------------------------------------------------------- */

json_t *scim_values_member(const json_t *o, const char *name, const char **key)
{
    const char *k;
    json_t *v;
    if (!json_is_object(o))
        return NULL;
    json_object_foreach((json_t *)o, k, v)
        if (strcasecmp(k, name) == 0) {
            if (key)
                *key = k;
            return v;
        }
    return NULL;
}

void scim_values_put(json_t *o, const char *name, json_t *v)
{
    const char *key;
    if (!scim_values_member(o, name, &key)) {
        json_object_set_new(o, name, v);
        return;
    }
    char *k = xstrdup(key); /* key belongs to the member being replaced */
    json_object_set_new(o, k, v);
    free(k);
}

void scim_values_drop(json_t *o, const char *name)
{
    const char *key;
    if (!scim_values_member(o, name, &key))
        return;
    char *k = xstrdup(key);
    json_object_del(o, k);
    free(k);
}

void scim_values_merge_copy(json_t *el, const json_t *value)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)value, k, v)
        if (!json_is_null(v))
            scim_values_put(el, k, json_deep_copy(v));
}

void scim_values_remove_at(json_t *arr, const size_t *idx, size_t n)
{
    if (n <= 16) { /* a few: each removal moves the tail */
        for (size_t i = n; i-- > 0;)
            json_array_remove(arr, idx[i]);
        return;
    }
    json_t *kept = json_array();
    size_t j = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (j < n && idx[j] == i)
            j++;
        else
            json_array_append(kept, json_array_get(arr, i));
    }
    json_array_clear(arr);
    json_array_extend(arr, kept);
    json_decref(kept);
}

/* ---- primary ---------------------------------------------------------------------------------- */

int scim_values_is_true(const json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0);
}

int scim_values_primary_elsewhere(const json_t *arr, const json_t *keep)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *el = json_array_get(arr, i);
        if (el != keep && scim_values_is_true(scim_values_member(el, "primary", NULL)))
            return 1;
    }
    return 0;
}

void scim_values_clear_primary(json_t *arr, const json_t *keep)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *el = json_array_get(arr, i);
        if (el != keep && scim_values_is_true(scim_values_member(el, "primary", NULL)))
            scim_values_put(el, "primary", json_false());
    }
}

/* ---- sameness --------------------------------------------------------------------------------- */

/* What identifies a value: an object's "value" (NULL when it has none), a simple value itself. */
static const json_t *identity(const json_t *v)
{
    return json_is_object(v) ? scim_values_member(v, "value", NULL) : v;
}

static int same(int exact, const json_t *a, const json_t *b)
{
    const json_t *ia = identity(a), *ib = identity(b);
    if (!ia || !ib)
        return !ia && !ib && json_equal(a, b);
    if (json_is_string(ia) && json_is_string(ib))
        return (exact ? strcmp(json_string_value(ia), json_string_value(ib))
                      : strcasecmp(json_string_value(ia), json_string_value(ib))) == 0;
    if (json_is_number(ia) && json_is_number(ib))
        return json_number_value(ia) == json_number_value(ib);
    return json_equal(ia, ib);
}

/* The hash key of v: its identity when a string, lower-cased unless exact; NULL when the
 * identity is not a string. Caller frees. Two keys are equal exactly when same() says so. */
static char *identity_key(int exact, const json_t *v)
{
    const json_t *id = identity(v);
    if (!json_is_string(id))
        return NULL;
    char *k = xstrdup(json_string_value(id));
    for (char *c = k; !exact && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return k;
}

static void index_add(scim_values_set *s, json_t *v)
{
    char *k = identity_key(s->exact, v);
    if (k && !json_object_get(s->index, k))
        json_object_set_nocheck(s->index, k, v);
    free(k);
}

void scim_values_set_init(scim_values_set *s, int exact, const json_t *arr, size_t lookups)
{
    s->exact = exact;
    s->items = json_array();
    if (json_is_array(arr))
        json_array_extend(s->items, (json_t *)arr);
    s->index = NULL;
    if (lookups > 8 && json_array_size(s->items) > 8) {
        s->index = json_object();
        for (size_t i = 0; i < json_array_size(s->items); i++)
            index_add(s, json_array_get(s->items, i));
    }
}

json_t *scim_values_set_find(const scim_values_set *s, const json_t *v)
{
    char *k = s->index ? identity_key(s->exact, v) : NULL;
    if (k) {
        json_t *hit = json_object_get(s->index, k);
        free(k);
        return hit;
    }
    /* no hash, or v's identity is not a string: then neither is that of any value the same */
    for (size_t i = 0; i < json_array_size(s->items); i++)
        if (same(s->exact, json_array_get(s->items, i), v))
            return json_array_get(s->items, i);
    return NULL;
}

void scim_values_set_add(scim_values_set *s, json_t *v)
{
    json_array_append(s->items, v);
    if (s->index)
        index_add(s, v);
}

void scim_values_set_free(scim_values_set *s)
{
    json_decref(s->items);
    json_decref(s->index);
    s->items = s->index = NULL;
}

/* ---- value filters ---------------------------------------------------------------------------- */

/* 1 when f surely does not hold for el: an "sub eq string" condition (alone or in an "and")
 * whose sub-attribute is a string differing from it even in any case. Spares building a match
 * for most elements of a long list (a group's members[value eq "…"]); whatever it lets through
 * scim_filter_match decides. */
static int surely_not(const scim_filter *f, const json_t *el)
{
    if (f->kind == SF_AND)
        return surely_not(f->a, el) || surely_not(f->b, el);
    if (f->kind != SF_COMPARE || f->op != SF_EQ || !json_is_string(f->value) || strpbrk(f->attr, ".:"))
        return 0;
    const json_t *v = scim_values_member(el, f->attr, NULL);
    return json_is_string(v) && strcasecmp(json_string_value(v), json_string_value(f->value)) != 0;
}

void scim_values_matcher_init(scim_values_matcher *m, const char *attr, const scim_filter *filter,
                              scim_case_exact_fn case_exact)
{
    memset(m, 0, sizeof *m);
    m->node.kind = SF_VALUE_PATH;
    m->node.attr = (char *)attr;         /* read only by scim_filter_match */
    m->node.a = (scim_filter *)filter;
    m->case_exact = case_exact;
    m->slot = json_array();
    json_array_append_new(m->slot, json_null());
    m->wrap = json_object();
    json_object_set_nocheck(m->wrap, attr, m->slot);
}

int scim_values_matcher_match(scim_values_matcher *m, json_t *el)
{
    if (!json_is_object(el))
        return 0;
    if (!m->node.a)
        return 1;
    if (surely_not(m->node.a, el))
        return 0;
    json_array_set(m->slot, 0, el);
    return scim_filter_match(&m->node, m->wrap, NULL, m->case_exact);
}

void scim_values_matcher_free(scim_values_matcher *m)
{
    json_decref(m->wrap);
    json_decref(m->slot);
    m->wrap = m->slot = NULL;
}
