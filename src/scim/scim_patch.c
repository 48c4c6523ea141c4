/* scim_patch.c — PATCH operations applied to a copy of a resource (see scim_patch.h).
 *
 * One operation at a time: read it (op, path, value), resolve the path to a target (which
 * object holds the attribute, its name, the value filter and sub-attribute), then write or
 * remove there. Every change first asks rules->check about the paths it touches (ask()), so
 * an operation that changes nothing asks nothing. The values of multi-valued attributes
 * (sameness, "primary") are scim_values.c's.
 */
#include "scim/scim_patch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scim/scim_path.h"
#include "scim/scim_values.h"
#include "util/buf.h"

typedef struct patcher {
    const scim_patch_rules *rules;
    json_t *res;           /* the copy being patched */
    scim_patch_error *err;
    char label[40];        /* "operation 3 (add)", for messages */
    scim_patch_op op;
    json_t *asked;         /* "schema\npath" keys check allowed in this operation */
} patcher;

typedef struct target {
    const char *schema;        /* the attribute's schema URN, a string of rules */
    int ext;                   /* 1: a member of the extension object keyed by schema */
    const char *attr;          /* the name as written */
    const char *sub;           /* a sub-attribute's name, or NULL */
    const scim_filter *filter; /* a value filter (the inside of the brackets), or NULL */
} target;

static const char *const op_names[] = {"add", "remove", "replace"};

const char *scim_patch_op_name(scim_patch_op op)
{
    return (unsigned)op < 3 ? op_names[op] : "?";
}

/* Fills *p->err with 400 and type, the detail prefixed by the operation. Returns -1. */
static int fail(patcher *p, const char *type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(patcher *p, const char *type, const char *fmt, ...)
{
    scim_patch_error *e = p->err;
    e->status = 400;
    e->scim_type = type;
    size_t k = 0;
    if (p->label[0])
        k = (size_t)snprintf(e->detail, sizeof e->detail, "%s: ", p->label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail + k, sizeof e->detail - k, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *core_schema(const patcher *p)
{
    const char *const *c = p->rules->core_schemas;
    return c && c[0] ? c[0] : "";
}

/* The index of the extension named name (any case) in rules, or -1. */
static int extension_index(const patcher *p, const char *name)
{
    const char *const *x = p->rules->extensions;
    for (int i = 0; x && x[i]; i++)
        if (strcasecmp(x[i], name) == 0)
            return i;
    return -1;
}

/* ---- asking rules->check ---------------------------------------------------------------------- */

/* Asks whether t's attribute (sub NULL) or its sub-attribute sub may change, once per operation
 * and path. Returns 0, or -1 with *p->err filled. */
static int ask(patcher *p, const target *t, const char *sub)
{
    const scim_patch_rules *r = p->rules;
    if (!r->check)
        return 0;
    char *path = scim_values_path(t->attr, sub);
    buf key;
    buf_init(&key);
    buf_printf(&key, "%s\n%s", t->schema, path);
    int rc = 0;
    if (!json_object_get(p->asked, key.data)) {
        scim_patch_error *e = p->err;
        memset(e, 0, sizeof *e);
        if (r->check(t->schema, path, p->op, r->ctx, e)) {
            if (e->status == 0) {
                e->status = 400;
                if (!e->scim_type)
                    e->scim_type = "mutability";
            }
            if (!e->detail[0])
                snprintf(e->detail, sizeof e->detail, "%s: %s may not be changed", p->label, path);
            rc = -1;
        } else {
            json_object_set_new(p->asked, key.data, json_true());
        }
    }
    buf_free(&key);
    free(path);
    return rc;
}

/* Asks about t's attribute and its sub-attribute sub (when not NULL). Returns 0 or -1. */
static int ask2(patcher *p, const target *t, const char *sub)
{
    return ask(p, t, NULL) || (sub && ask(p, t, sub)) ? -1 : 0;
}

/* Asks about t's attribute and every member of value when it is an object, or of each object
 * in it when it is an array (the sub-attributes written with it). Returns 0 or -1. */
static int ask_value(patcher *p, const target *t, const json_t *value)
{
    if (ask(p, t, NULL))
        return -1;
    size_t n = json_is_array(value) ? json_array_size(value) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_is_array(value) ? json_array_get(value, i) : value;
        const char *k;
        json_t *x;
        if (json_is_object(v))
            json_object_foreach((json_t *)v, k, x)
                if (ask(p, t, k))
                    return -1;
    }
    return 0;
}

/* ---- where a target lives --------------------------------------------------------------------- */

/* Adds (add 1) or removes (add 0) urn in the resource's "schemas", when it is an array. */
static void schemas_entry(patcher *p, const char *urn, int add)
{
    json_t *s = scim_values_member(p->res, "schemas", NULL);
    if (!json_is_array(s))
        return;
    for (size_t i = 0; i < json_array_size(s); i++) {
        const json_t *e = json_array_get(s, i);
        if (json_is_string(e) && strcasecmp(json_string_value(e), urn) == 0) {
            if (!add)
                json_array_remove(s, i);
            return;
        }
    }
    if (add)
        json_array_append_new(s, json_string(urn));
}

/* The object holding t's attribute into *out: the resource, or t's extension object, which is
 * created when create (else *out is NULL when it is absent). Returns 0, or -1 when the
 * resource's member for the extension is not an object. */
static int scope_of(patcher *p, const target *t, int create, json_t **out)
{
    *out = p->res;
    if (!t->ext)
        return 0;
    json_t *o = scim_values_member(p->res, t->schema, NULL);
    *out = json_is_object(o) ? o : NULL;
    if (*out || !create)
        return 0;
    if (o && !json_is_null(o))
        return fail(p, "invalidValue", "the resource's %s is not an object", t->schema);
    *out = json_object();
    scim_values_put(p->res, t->schema, *out);
    schemas_entry(p, t->schema, 1);
    return 0;
}

/* The target a parsed path names; a name without URN is in schema (ext: an extension's).
 * Returns 0, or -1 when the URN is no schema of the resource's. */
static int resolve(patcher *p, const scim_path *sp, const char *schema, int ext, target *t)
{
    *t = (target){schema, ext, sp->attr, sp->sub, sp->filter};
    if (!sp->urn)
        return 0;
    for (const char *const *c = p->rules->core_schemas; c && *c; c++)
        if (strcasecmp(*c, sp->urn) == 0) {
            t->schema = *c;
            t->ext = 0;
            return 0;
        }
    int i = extension_index(p, sp->urn);
    if (i < 0)
        return fail(p, "invalidPath", "%.200s is not a schema of this resource", sp->urn);
    t->schema = p->rules->extensions[i];
    t->ext = 1;
    return 0;
}

/* ---- add and replace -------------------------------------------------------------------------- */

/* 1 when v is absent, null, or (for a list) empty: unassigned (RFC 7643 §2.5). */
static int unassigned(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0);
}

/* 1 when writing v where old is changes nothing. */
static int unchanged(const json_t *old, const json_t *v)
{
    return unassigned(old) ? unassigned(v) : old && json_equal(old, v);
}

/* Sets member name of o (a member of t's attribute: sub-attribute or element member) to a copy
 * of v, or removes it when v is null, asking about t's attribute and name first. Returns 0 or
 * -1. */
static int write_member(patcher *p, const target *t, json_t *o, const char *name, const json_t *v)
{
    if (unchanged(scim_values_member(o, name, NULL), v))
        return 0;
    if (ask2(p, t, name))
        return -1;
    if (json_is_null(v))
        scim_values_drop(o, name);
    else
        scim_values_put(o, name, json_deep_copy(v));
    return 0;
}

/* Merges the members of value (an object) into o, which is t's attribute or one of its
 * elements, except the member named skip (any case; NULL: none). Returns 0 or -1. */
static int merge(patcher *p, const target *t, json_t *o, const json_t *value, const char *skip)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)value, k, v)
        if (!(skip && strcasecmp(k, skip) == 0) && write_member(p, t, o, k, v))
            return -1;
    return 0;
}

/* Removes the member name of scope when it holds an empty object (a complex attribute whose
 * sub-attributes are all unassigned). */
static void drop_if_empty(json_t *scope, const char *name)
{
    json_t *v = scim_values_member(scope, name, NULL);
    if (json_is_object(v) && json_object_size(v) == 0)
        scim_values_drop(scope, name);
}

/* 1 when a write of value (to sub, or merged when sub is NULL) makes an element primary. */
static int sets_primary(const char *sub, const json_t *value)
{
    if (sub)
        return strcasecmp(sub, "primary") == 0 && scim_values_is_true(value);
    return json_is_object(value) && scim_values_is_true(scim_values_member(value, "primary", NULL));
}

/* Clears "primary" on the elements of arr other than keep, asking first. Returns 0 or -1. */
static int one_primary(patcher *p, const target *t, json_t *arr, const json_t *keep)
{
    if (!keep || !scim_values_primary_elsewhere(arr, keep))
        return 0;
    if (ask2(p, t, "primary"))
        return -1;
    scim_values_clear_primary(arr, keep);
    return 0;
}

/* The case rule for the sameness of t's values (scim_values.h). */
static int values_exact(const patcher *p, const target *t)
{
    if (!p->rules->case_exact)
        return 0;
    char *path = scim_values_path(t->attr, "value");
    int exact = p->rules->case_exact(path);
    free(path);
    return exact;
}

/* add to a multi-valued attribute (cur: its array, or NULL): appends each value of value not
 * the same as one present, merges the others into theirs. Returns 0 or -1. */
static int add_values(patcher *p, const target *t, json_t *scope, json_t *cur, const json_t *value)
{
    size_t n = json_is_array(value) ? json_array_size(value) : 1;
    scim_values_set set;
    scim_values_set_init(&set, values_exact(p, t), cur, n);
    json_t *arr = cur;
    const json_t *keep = NULL;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *v = json_is_array(value) ? json_array_get(value, i) : value;
        if (json_is_null(v))
            continue;
        json_t *el = scim_values_set_find(&set, v);
        if (el) {
            if (json_is_object(el) && json_is_object(v))
                rc = merge(p, t, el, v, "value"); /* the same value: as stored */
        } else if ((rc = ask_value(p, t, v)) == 0) {
            if (!arr) {
                arr = json_array();
                scim_values_put(scope, t->attr, arr);
            }
            el = json_deep_copy(v);
            json_array_append_new(arr, el);
            scim_values_set_add(&set, el);
        }
        if (rc == 0 && sets_primary(NULL, v))
            keep = el;
    }
    scim_values_set_free(&set);
    return rc ? -1 : one_primary(p, t, arr, keep);
}

/* replace of a whole multi-valued attribute: the list becomes value's values (a non-array value
 * is one value; nulls are skipped). Returns 0 or -1. */
static int replace_values(patcher *p, const target *t, json_t *scope, json_t *cur, const json_t *value)
{
    json_t *arr = json_array();
    size_t n = json_is_array(value) ? json_array_size(value) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_is_array(value) ? json_array_get(value, i) : value;
        if (!json_is_null(v))
            json_array_append_new(arr, json_deep_copy(v));
    }
    if (unchanged(cur, arr)) {
        json_decref(arr);
        return 0;
    }
    if (ask_value(p, t, arr)) {
        json_decref(arr);
        return -1;
    }
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        scim_values_drop(scope, t->attr);
        return 0;
    }
    scim_values_put(scope, t->attr, arr);
    const json_t *keep = NULL;
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (sets_primary(NULL, json_array_get(arr, i)))
            keep = json_array_get(arr, i);
    return one_primary(p, t, arr, keep);
}

/* The element an add or replace creates when t's filter matches none: the filter's
 * "sub eq value" conditions as members ({} for no filter), or NULL when the filter is not
 * made of those alone (or contradicts itself). Caller decrefs. */
static json_t *element_from(const scim_filter *f)
{
    if (!f)
        return json_object();
    if (f->kind == SF_COMPARE && f->op == SF_EQ && !strpbrk(f->attr, ".:") && !json_is_null(f->value)) {
        json_t *o = json_object();
        json_object_set_new(o, f->attr, json_deep_copy(f->value));
        return o;
    }
    if (f->kind != SF_AND)
        return NULL;
    json_t *a = element_from(f->a), *b = element_from(f->b);
    const char *k;
    json_t *v;
    if (a && b)
        json_object_foreach(b, k, v) {
            json_t *old = scim_values_member(a, k, NULL);
            if (old && !json_equal(old, v)) {
                json_decref(a);
                a = NULL;
                break;
            }
            if (!old)
                json_object_set(a, k, v);
        }
    json_decref(b);
    return a;
}

/* Writes value into one element: sets its sub-attribute t->sub, or merges value (an object). */
static int write_element(patcher *p, const target *t, json_t *el, const json_t *value)
{
    return t->sub ? write_member(p, t, el, t->sub, value) : merge(p, t, el, value, NULL);
}

/* add or replace through a value filter, or to "attr.sub" of a multi-valued attribute (cur: its
 * array, or NULL): writes each matching element, or creates one (see element_from). Returns 0
 * or -1. */
static int write_elements(patcher *p, const target *t, json_t *scope, json_t *cur, const json_t *value)
{
    if (cur && !json_is_array(cur))
        return fail(p, "invalidPath", "%s is not multi-valued: a value filter needs a list", t->attr);
    if (!t->sub && !json_is_object(value))
        return fail(p, "invalidValue", "through a value filter without a sub-attribute, the value is an object "
                                       "of the sub-attributes to set");
    scim_values_matcher m;
    scim_values_matcher_init(&m, t->attr, t->filter, p->rules->case_exact);
    const json_t *keep = NULL;
    int matched = 0, rc = 0;
    for (size_t i = 0; i < json_array_size(cur) && rc == 0; i++) {
        json_t *el = json_array_get(cur, i);
        if (!scim_values_matcher_match(&m, el))
            continue;
        matched = 1;
        rc = write_element(p, t, el, value);
        if (sets_primary(t->sub, value))
            keep = el;
    }
    scim_values_matcher_free(&m);
    if (rc)
        return -1;
    if (!matched && !(t->sub && json_is_null(value))) {
        json_t *el = element_from(t->filter);
        if (!el)
            return fail(p, "noTarget", "no element of %s matches the filter, and the filter does not say what a new "
                                       "one would hold (only \"eq\" conditions joined by \"and\" do)", t->attr);
        if (t->sub)
            scim_values_put(el, t->sub, json_deep_copy(value));
        else
            scim_values_merge_copy(el, value);
        if (ask_value(p, t, el)) {
            json_decref(el);
            return -1;
        }
        if (!cur) {
            cur = json_array();
            scim_values_put(scope, t->attr, cur);
        }
        json_array_append_new(cur, el);
        if (sets_primary(t->sub, value))
            keep = el;
    }
    return one_primary(p, t, cur, keep);
}

/* add or replace at t (the value given). Returns 0 or -1. */
static int write_target(patcher *p, const target *t, const json_t *value)
{
    json_t *scope;
    if (scope_of(p, t, 1, &scope))
        return -1;
    json_t *cur = scim_values_member(scope, t->attr, NULL);
    if (json_is_null(cur))
        cur = NULL;
    int multi = json_is_array(cur);
    if (!cur && p->rules->multi_valued) {
        char *path = scim_values_path(t->attr, NULL);
        multi = p->rules->multi_valued(t->schema, path, p->rules->ctx);
        free(path);
    } else if (!cur) {
        multi = !t->sub && json_is_array(value);
    }
    if (t->filter || (t->sub && multi))
        return write_elements(p, t, scope, cur, value);
    if (t->sub) {
        if (cur && !json_is_object(cur))
            return fail(p, "invalidPath", "%s holds a simple value: it has no sub-attribute %s", t->attr, t->sub);
        if (unchanged(scim_values_member(cur, t->sub, NULL), value))
            return 0;
        if (!cur) {
            cur = json_object();
            scim_values_put(scope, t->attr, cur);
        }
        if (write_member(p, t, cur, t->sub, value))
            return -1;
        drop_if_empty(scope, t->attr);
        return 0;
    }
    if (multi)
        return p->op == SCIM_PATCH_ADD ? add_values(p, t, scope, cur, value) : replace_values(p, t, scope, cur, value);
    if (json_is_object(cur) && json_is_object(value)) {
        if (merge(p, t, cur, value, NULL))
            return -1;
        drop_if_empty(scope, t->attr);
        return 0;
    }
    if (unchanged(cur, value))
        return 0;
    if (ask_value(p, t, value))
        return -1;
    if (json_is_null(value))
        scim_values_drop(scope, t->attr);
    else
        scim_values_put(scope, t->attr, json_deep_copy(value));
    return 0;
}

/* ---- remove ----------------------------------------------------------------------------------- */

/* Removes from t's attribute the elements of cur at the indexes in picks (ascending size_t's),
 * the attribute itself when none is left, asking first. Returns 0 or -1. */
static int remove_picked(patcher *p, const target *t, json_t *scope, json_t *cur, const buf *picks)
{
    size_t n = picks->len / sizeof(size_t);
    if (n == 0)
        return 0;
    if (ask(p, t, NULL))
        return -1;
    if (n == json_array_size(cur))
        scim_values_drop(scope, t->attr);
    else
        scim_values_remove_at(cur, (const size_t *)(const void *)picks->data, n);
    return 0;
}

/* remove through a value filter, or of "attr.sub" on a multi-valued attribute (cur: a non-empty
 * value): deletes each matching element, or its sub-attribute. Returns 0 or -1. */
static int remove_elements(patcher *p, const target *t, json_t *scope, json_t *cur)
{
    if (!json_is_array(cur))
        return fail(p, "invalidPath", "%s is not multi-valued: a value filter needs a list", t->attr);
    scim_values_matcher m;
    scim_values_matcher_init(&m, t->attr, t->filter, p->rules->case_exact);
    buf picks;
    buf_init(&picks);
    int rc = 0;
    for (size_t i = 0; i < json_array_size(cur) && rc == 0; i++) {
        json_t *el = json_array_get(cur, i);
        if (!scim_values_matcher_match(&m, el))
            continue;
        if (!t->sub)
            buf_append(&picks, &i, sizeof i);
        else if (scim_values_member(el, t->sub, NULL) && (rc = ask2(p, t, t->sub)) == 0)
            scim_values_drop(el, t->sub);
    }
    scim_values_matcher_free(&m);
    if (rc == 0)
        rc = remove_picked(p, t, scope, cur, &picks);
    buf_free(&picks);
    return rc;
}

/* remove of a multi-valued attribute's elements the same as value's values (Entra's members
 * removal). Returns 0 or -1. */
static int remove_values(patcher *p, const target *t, json_t *scope, json_t *cur, const json_t *value)
{
    scim_values_set set;
    json_t *wrapped = json_is_array(value) ? NULL : json_pack("[O]", value);
    scim_values_set_init(&set, values_exact(p, t), wrapped ? wrapped : value, json_array_size(cur));
    buf picks;
    buf_init(&picks);
    for (size_t i = 0; i < json_array_size(cur); i++)
        if (scim_values_set_find(&set, json_array_get(cur, i)))
            buf_append(&picks, &i, sizeof i);
    scim_values_set_free(&set);
    json_decref(wrapped);
    int rc = remove_picked(p, t, scope, cur, &picks);
    buf_free(&picks);
    return rc;
}

/* remove at t (value: the operation's value, or NULL). Returns 0 or -1. */
static int remove_target(patcher *p, const target *t, const json_t *value)
{
    json_t *scope;
    if (scope_of(p, t, 0, &scope))
        return -1;
    json_t *cur = scope ? scim_values_member(scope, t->attr, NULL) : NULL;
    if (unassigned(cur))
        return 0;
    if (t->filter || (t->sub && json_is_array(cur)))
        return remove_elements(p, t, scope, cur);
    if (t->sub) {
        if (!scim_values_member(cur, t->sub, NULL))
            return 0;
        if (ask2(p, t, t->sub))
            return -1;
        scim_values_drop(cur, t->sub);
        drop_if_empty(scope, t->attr);
        return 0;
    }
    if (value && !json_is_null(value) && json_is_array(cur))
        return remove_values(p, t, scope, cur, value);
    if (ask(p, t, NULL))
        return -1;
    scim_values_drop(scope, t->attr);
    return 0;
}

/* ---- operations ------------------------------------------------------------------------------- */

/* add or replace without a path (or with an extension's URN as the path): each member of value
 * (an object) as an operation of its own; names without URN are schema's (ext: an extension's).
 * Returns 0 or -1. */
static int write_members(patcher *p, const char *schema, int ext, const json_t *value)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)value, k, v) {
        int x = ext ? -1 : extension_index(p, k);
        if (x >= 0) {
            if (!json_is_object(v))
                return fail(p, "invalidValue", "the value's member %s is an extension: its value is an object",
                            p->rules->extensions[x]);
            if (write_members(p, p->rules->extensions[x], 1, v))
                return -1;
            continue;
        }
        scim_path sp;
        buf why;
        buf_init(&why);
        target t;
        int rc = scim_path_parse(k, strlen(k), &sp, &why);
        if (rc)
            fail(p, "invalidPath", "the value's member \"%.100s\": %s", k, why.data);
        else
            rc = resolve(p, &sp, schema, ext, &t) || write_target(p, &t, v) ? -1 : 0;
        scim_path_free(&sp);
        buf_free(&why);
        if (rc)
            return -1;
    }
    return 0;
}

/* remove with an extension's URN as the path: the whole extension object. Returns 0 or -1. */
static int remove_extension(patcher *p, const char *urn)
{
    json_t *o = scim_values_member(p->res, urn, NULL);
    if (!o)
        return 0;
    const char *k;
    json_t *v;
    if (json_is_object(o))
        json_object_foreach(o, k, v) {
            target t = {urn, 1, k, NULL, NULL};
            if (ask(p, &t, NULL))
                return -1;
        }
    scim_values_drop(p->res, urn);
    schemas_entry(p, urn, 0);
    return 0;
}

/* The operation's op (any case) into *op. Returns 0, or -1 when it is none of the three. */
static int read_op(const json_t *v, scim_patch_op *op)
{
    for (int i = 0; i < 3 && json_is_string(v); i++)
        if (strcasecmp(json_string_value(v), op_names[i]) == 0) {
            *op = (scim_patch_op)i;
            return 0;
        }
    return -1;
}

static int apply_op(patcher *p, const json_t *o, size_t n)
{
    snprintf(p->label, sizeof p->label, "operation %zu", n);
    if (!json_is_object(o))
        return fail(p, "invalidSyntax", "an operation is an object with \"op\", \"path\" and \"value\"");
    const json_t *opv = scim_values_member(o, "op", NULL), *path = scim_values_member(o, "path", NULL),
                 *value = scim_values_member(o, "value", NULL);
    if (read_op(opv, &p->op))
        return fail(p, "invalidSyntax", "\"op\" is \"add\", \"remove\" or \"replace\"");
    snprintf(p->label, sizeof p->label, "operation %zu (%s)", n, op_names[p->op]);
    if (path && !json_is_null(path) && !json_is_string(path))
        return fail(p, "invalidPath", "\"path\" is a string");
    const char *text = json_is_string(path) && json_string_length(path) > 0 ? json_string_value(path) : NULL;
    if (p->op != SCIM_PATCH_REMOVE && !value)
        return fail(p, "invalidValue", "%s needs a \"value\"", op_names[p->op]);
    int x = text ? extension_index(p, text) : -1;
    if (!text || x >= 0) {
        if (p->op == SCIM_PATCH_REMOVE)
            return x >= 0 ? remove_extension(p, p->rules->extensions[x])
                          : fail(p, "noTarget", "remove needs a \"path\"");
        if (!json_is_object(value))
            return fail(p, "invalidValue", "%s, the value is an object of attributes",
                        x >= 0 ? "with an extension as the path" : "without a path");
        return write_members(p, x >= 0 ? p->rules->extensions[x] : core_schema(p), x >= 0, value);
    }
    scim_path sp;
    buf why;
    buf_init(&why);
    target t;
    int rc = scim_path_parse(text, json_string_length(path), &sp, &why);
    if (rc)
        fail(p, "invalidPath", "%s", why.data);
    else if ((rc = resolve(p, &sp, core_schema(p), 0, &t)) == 0)
        rc = p->op == SCIM_PATCH_REMOVE ? remove_target(p, &t, value) : write_target(p, &t, value);
    scim_path_free(&sp);
    buf_free(&why);
    return rc;
}

/* ---- the request ------------------------------------------------------------------------------ */

/* Records in sizes[i] how many members extension i's object has (-1: none). */
static void extension_sizes(const patcher *p, long *sizes)
{
    const char *const *x = p->rules->extensions;
    for (int i = 0; x && x[i]; i++) {
        json_t *o = scim_values_member(p->res, x[i], NULL);
        sizes[i] = json_is_object(o) ? (long)json_object_size(o) : -1;
    }
}

/* Removes the extension objects an operation left empty that were not empty before it, and
 * their "schemas" entries. */
static void drop_emptied_extensions(patcher *p, const long *before)
{
    const char *const *x = p->rules->extensions;
    for (int i = 0; x && x[i]; i++) {
        json_t *o = scim_values_member(p->res, x[i], NULL);
        if (json_is_object(o) && json_object_size(o) == 0 && before[i] != 0) {
            scim_values_drop(p->res, x[i]);
            schemas_entry(p, x[i], 0);
        }
    }
}

/* 1 when the body's "schemas" is an array holding the PatchOp URN. */
static int patch_op_schema(const json_t *body)
{
    const json_t *s = scim_values_member(body, "schemas", NULL);
    for (size_t i = 0; i < json_array_size(s); i++) {
        const json_t *e = json_array_get(s, i);
        if (json_is_string(e) && strcasecmp(json_string_value(e), SCIM_PATCH_OP_URN) == 0)
            return 1;
    }
    return 0;
}

json_t *scim_patch_apply(const json_t *resource, const json_t *body, const scim_patch_rules *rules,
                         scim_patch_error *err)
{
    memset(err, 0, sizeof *err);
    patcher p = {.rules = rules, .err = err};
    if (!json_is_object(resource)) {
        err->status = 500;
        snprintf(err->detail, sizeof err->detail, "the resource to patch is not a JSON object");
        return NULL;
    }
    if (!json_is_object(body)) {
        fail(&p, "invalidSyntax", "the body is a JSON object");
        return NULL;
    }
    if (!patch_op_schema(body)) {
        fail(&p, "invalidSyntax", "the body's \"schemas\" must hold \"%s\"", SCIM_PATCH_OP_URN);
        return NULL;
    }
    const json_t *ops = scim_values_member(body, "Operations", NULL);
    if (!json_is_array(ops) || json_array_size(ops) == 0 || json_array_size(ops) > SCIM_PATCH_MAX_OPS) {
        fail(&p, "invalidSyntax", "the body's \"Operations\" is an array of 1 to %d operations", SCIM_PATCH_MAX_OPS);
        return NULL;
    }
    size_t nx = 0;
    while (rules->extensions && rules->extensions[nx])
        nx++;
    long *sizes = xcalloc(nx + 1, sizeof *sizes);
    p.res = json_deep_copy(resource);
    p.asked = json_object();
    int rc = 0;
    for (size_t i = 0; i < json_array_size(ops) && rc == 0; i++) {
        json_object_clear(p.asked);
        extension_sizes(&p, sizes);
        if ((rc = apply_op(&p, json_array_get(ops, i), i + 1)) == 0)
            drop_emptied_extensions(&p, sizes);
    }
    free(sizes);
    json_decref(p.asked);
    if (rc) {
        json_decref(p.res);
        return NULL;
    }
    return p.res;
}
