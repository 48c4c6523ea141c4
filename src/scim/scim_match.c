/* scim_match.c — a SCIM filter tested against a resource's JSON (see scim_match.h). */
#include "scim/scim_match.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

typedef struct matcher {
    const char *const *core;
    scim_case_exact_fn case_exact;
    const char *prefix; /* inside a value path: "emails." (lower case), else "" */
} matcher;

/* The member of object o named name (n bytes) in any case, or NULL. */
static json_t *member(const json_t *o, const char *name, size_t n)
{
    const char *key;
    json_t *v;
    if (!json_is_object(o))
        return NULL;
    json_object_foreach((json_t *)o, key, v)
        if (strlen(key) == n && strncasecmp(key, name, n) == 0)
            return v;
    return NULL;
}

/* Where attr's dotted path starts: the resource, or the extension object its URN names (NULL:
 * none); *rest is the path after the URN. */
static const json_t *scope_of(const matcher *m, const json_t *res, const char *attr, const char **rest)
{
    const char *colon = strrchr(attr, ':');
    if (!colon) {
        *rest = attr;
        return res;
    }
    *rest = colon + 1;
    size_t n = (size_t)(colon - attr);
    for (const char *const *c = m->core; c && *c; c++)
        if (strlen(*c) == n && strncasecmp(*c, attr, n) == 0)
            return res;
    return member(res, attr, n);
}

/* Appends to out every value at the dotted path under v, lists flattened. */
static void values_at(const json_t *v, const char *path, json_t *out)
{
    if (!v)
        return;
    if (json_is_array(v)) {
        size_t i;
        json_t *el;
        json_array_foreach((json_t *)v, i, el)
            values_at(el, path, out);
        return;
    }
    if (!*path) {
        json_array_append((json_t *)out, (json_t *)v);
        return;
    }
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    values_at(member(v, path, n), dot ? dot + 1 : "", out);
}

/* The lower-case path the case rule is asked about ("emails.value"). Caller frees. */
static char *case_path(const matcher *m, const char *rest, int value_member)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, m->prefix);
    buf_puts(&b, rest);
    if (value_member)
        buf_puts(&b, ".value");
    for (char *p = b.data; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return buf_detach(&b);
}

/* One value against the literal under op (never SF_NE: the caller negates SF_EQ). */
static int compare(const matcher *m, const char *rest, const json_t *cand, scim_filter_op op, const json_t *lit)
{
    int value_member = 0;
    if (json_is_object(cand)) { /* a complex value without a sub-attribute: its "value" */
        cand = member(cand, "value", 5);
        value_member = 1;
        if (!cand)
            return 0;
    }
    if (json_is_null(lit))
        return op == SF_EQ && json_is_null(cand);
    if (json_is_boolean(lit))
        return op == SF_EQ && json_is_boolean(cand) && json_boolean_value(cand) == json_boolean_value(lit);
    if (json_is_number(lit)) {
        if (!json_is_number(cand))
            return 0;
        double a = json_number_value(cand), b = json_number_value(lit);
        switch (op) {
        case SF_EQ: return a == b;
        case SF_GT: return a > b;
        case SF_GE: return a >= b;
        case SF_LT: return a < b;
        case SF_LE: return a <= b;
        default: return 0;
        }
    }
    if (!json_is_string(cand) || !json_is_string(lit))
        return 0;
    char *path = case_path(m, rest, value_member);
    int exact = m->case_exact && m->case_exact(path);
    free(path);
    const char *a = json_string_value(cand), *b = json_string_value(lit);
    size_t la = strlen(a), lb = strlen(b);
    int c = exact ? strcmp(a, b) : strcasecmp(a, b);
    switch (op) {
    case SF_EQ: return c == 0;
    case SF_CO: return (exact ? strstr(a, b) : strcasestr(a, b)) != NULL;
    case SF_SW: return la >= lb && (exact ? strncmp(a, b, lb) : strncasecmp(a, b, lb)) == 0;
    case SF_EW: return la >= lb && (exact ? strcmp(a + la - lb, b) : strcasecmp(a + la - lb, b)) == 0;
    case SF_GT: return c > 0;
    case SF_GE: return c >= 0;
    case SF_LT: return c < 0;
    case SF_LE: return c <= 0;
    default: return 0;
    }
}

static int match(const matcher *m, const scim_filter *f, const json_t *res);

/* attr op value, attr pr, attr[filter]: over every value at attr. */
static int match_attr(const matcher *m, const scim_filter *f, const json_t *res)
{
    const char *rest;
    const json_t *scope = scope_of(m, res, f->attr, &rest);
    json_t *vals = json_array();
    values_at(scope, rest, vals);
    int hit = 0;
    size_t i;
    json_t *v;
    if (f->kind == SF_PRESENT) {
        json_array_foreach(vals, i, v)
            if (!json_is_null(v) && !(json_is_string(v) && json_string_length(v) == 0))
                hit = 1;
    } else if (f->kind == SF_VALUE_PATH) {
        buf prefix;
        buf_init(&prefix);
        buf_puts(&prefix, m->prefix);
        buf_puts(&prefix, rest);
        buf_putc(&prefix, '.');
        for (char *p = prefix.data; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        matcher inner = {NULL, m->case_exact, prefix.data};
        json_array_foreach(vals, i, v)
            if (json_is_object(v) && match(&inner, f->a, v))
                hit = 1;
        buf_free(&prefix);
    } else {
        scim_filter_op op = f->op == SF_NE ? SF_EQ : f->op;
        if (json_array_size(vals) == 0)
            hit = op == SF_EQ && json_is_null(f->value); /* absent is null */
        json_array_foreach(vals, i, v)
            if (compare(m, rest, v, op, f->value))
                hit = 1;
        if (f->op == SF_NE)
            hit = !hit;
    }
    json_decref(vals);
    return hit;
}

static int match(const matcher *m, const scim_filter *f, const json_t *res)
{
    switch (f->kind) {
    case SF_AND: return match(m, f->a, res) && match(m, f->b, res);
    case SF_OR: return match(m, f->a, res) || match(m, f->b, res);
    case SF_NOT: return !match(m, f->a, res);
    default: return match_attr(m, f, res);
    }
}

int scim_filter_match(const scim_filter *f, const json_t *resource, const char *const *core_schemas,
                      scim_case_exact_fn case_exact)
{
    matcher m = {core_schemas, case_exact, ""};
    return match(&m, f, resource);
}
