/* scim_project.c — the attributes / excludedAttributes projection of a SCIM resource (see
 * scim_project.h): the parameter read into a list of selections, then each member of the
 * resource kept, cut or dropped by the selections that name it and its returned
 * characteristic. */
#include "scim/scim_project.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scim/scim_filter.h"
#include "scim/scim_match.h"
#include "util/buf.h"
#include "util/utf8.h"

/* One name of the parameter. */
typedef struct sel {
    char *path;          /* as written, without a bracket and what follows it */
    scim_filter *filter; /* path[filter]: the SF_VALUE_PATH tree read from "path[filter]"; else NULL */
    char *after;         /* path[filter].sub: "sub"; else NULL */
} sel;

typedef enum mode { MODE_DEFAULT, MODE_INCLUDE, MODE_EXCLUDE } mode;

struct scim_projection {
    scim_resource_kind kind;
    mode mode;
    sel *sels; /* n of them */
    size_t n;
};

/* ---- reading the parameter ------------------------------------------------------------------ */

/* Appends s (n bytes) for a message: at most 64 bytes, never a split or invalid character. */
static void quote(buf *b, const char *s, size_t n)
{
    size_t cut = n > 64 ? utf8_cut(s, 64) : n;
    buf_putc(b, '\'');
    utf8_repair(b, s, cut);
    buf_puts(b, cut < n ? "…'" : "'");
}

/* Fills *e with "field: 'item': what" and returns -1. */
static int refuse(rerr *e, const char *field, const char *item, size_t n, const char *what)
{
    buf b;
    buf_init(&b);
    quote(&b, item, n);
    rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: %s: %s", field, b.data, what);
    buf_free(&b);
    return -1;
}

/* Where the item starting at i ends: the first ',' outside brackets and their strings, or len. */
static size_t item_end(const char *s, size_t i, size_t len)
{
    int depth = 0, in_str = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"' && depth > 0) {
            in_str = 1;
        } else if (c == '[') {
            depth++;
        } else if (c == ']' && depth > 0) {
            depth--;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return len;
}

/* The offset of the ']' that closes the '[' at s[open], or n when none does. */
static size_t bracket_close(const char *s, size_t open, size_t n)
{
    int depth = 0, in_str = 0;
    for (size_t i = open; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[') {
            depth++;
        } else if (c == ']' && --depth == 0) {
            return i;
        }
    }
    return n;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '$';
}

/* Whether s (n bytes) is name *("." name), with max_dots dots at most. */
static int is_dotted(const char *s, size_t n, size_t max_dots)
{
    size_t run = 0, dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (run == 0 || ++dots > max_dots)
                return 0;
            run = 0;
        } else if (name_char(s[i])) {
            run++;
        } else {
            return 0;
        }
    }
    return run > 0;
}

/* Whether s (n bytes) can be an attribute path: [URN ":"] name *("." name), the URN of
 * printable ASCII other than quotes, brackets, backslashes and commas. */
static int is_path(const char *s, size_t n)
{
    size_t attr = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':')
            attr = i + 1;
    if (attr == 1)
        return 0; /* an empty URN */
    for (size_t i = 0; i + 1 < attr; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || c == '"' || c == '[' || c == ']' || c == '\\' || c == ',')
            return 0;
    }
    return is_dotted(s + attr, n - attr, n); /* more than one dot names nothing, but is no error */
}

/* Reads one name (n > 0 bytes, trimmed) into a new selection of p. Returns 0, or -1 with *e. */
static int read_item(scim_projection *p, const char *field, const char *s, size_t n, rerr *e)
{
    const char *lb = memchr(s, '[', n);
    sel one = {0};
    if (!lb) {
        if (!is_path(s, n))
            return refuse(e, field, s, n, "not an attribute name");
        one.path = xstrndup(s, n);
    } else {
        size_t open = (size_t)(lb - s), close = bracket_close(s, open, n);
        if (close == n)
            return refuse(e, field, s, n, "a '[' is not closed");
        if (!is_path(s, open))
            return refuse(e, field, s, n, "no attribute name before '['");
        const char *tail = s + close + 1;
        size_t tail_n = n - close - 1;
        if (tail_n && (tail[0] != '.' || !is_dotted(tail + 1, tail_n - 1, 0)))
            return refuse(e, field, s, n, "after ']' only \".subAttribute\" may follow");
        buf err;
        buf_init(&err);
        if (scim_filter_parse(s, close + 1, &one.filter, &err) != 0) {
            int rc = refuse(e, field, s, n, err.data);
            buf_free(&err);
            return rc;
        }
        buf_free(&err);
        if (one.filter->kind != SF_VALUE_PATH) { /* cannot happen: the text ends at its ']' */
            scim_filter_free(one.filter);
            return refuse(e, field, s, n, "not a name with a filter");
        }
        one.path = xstrndup(s, open);
        one.after = tail_n ? xstrndup(tail + 1, tail_n - 1) : NULL;
    }
    p->sels[p->n++] = one;
    return 0;
}

/* Reads a whole parameter into p's selections. Returns 0, or -1 with *e. */
static int read_list(scim_projection *p, const char *field, const char *text, rerr *e)
{
    size_t len = strnlen(text, SCIM_PROJECT_MAX_LEN + 1);
    if (len > SCIM_PROJECT_MAX_LEN)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: at most %d bytes", field, SCIM_PROJECT_MAX_LEN);
    for (size_t i = 0; i <= len;) {
        size_t end = item_end(text, i, len), a = i, b = end;
        while (a < b && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
            b--;
        if (b > a) {
            if (p->n == SCIM_PROJECT_MAX_NAMES)
                return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: at most %d names", field,
                                SCIM_PROJECT_MAX_NAMES);
            if (read_item(p, field, text + a, b - a, e))
                return -1;
        }
        i = end + 1;
    }
    return 0;
}

scim_projection *scim_projection_new(scim_resource_kind kind, const char *attributes, const char *excluded, rerr *e)
{
    scim_projection *p = xcalloc(1, sizeof *p);
    p->kind = kind;
    p->sels = xcalloc(SCIM_PROJECT_MAX_NAMES, sizeof *p->sels);
    /* attributes wins; one without a name counts as not given, and excludedAttributes is read */
    if (attributes && read_list(p, "attributes", attributes, e))
        goto fail;
    if (p->n) {
        p->mode = MODE_INCLUDE;
        return p;
    }
    if (excluded && read_list(p, "excludedAttributes", excluded, e))
        goto fail;
    if (p->n)
        p->mode = MODE_EXCLUDE;
    return p;
fail:
    scim_projection_free(p);
    return NULL;
}

void scim_projection_free(scim_projection *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->sels[i].path);
        scim_filter_free(p->sels[i].filter);
        free(p->sels[i].after);
    }
    free(p->sels);
    free(p);
}

/* ---- applying it ---------------------------------------------------------------------------- */

/* What one selection asks of one member: all of it (no filter, no sub), one sub-attribute of
 * it or of each element, the elements satisfying a filter, or one sub-attribute of those. */
typedef struct hit {
    const scim_filter *filter; /* NULL: every element */
    const char *sub;           /* NULL: the whole element; else a name, sub_n bytes */
    size_t sub_n;
} hit;

typedef struct ctx {
    const scim_projection *p;
    const char *scope;  /* the extension object's key, or NULL for the resource's top level */
    int scope_all;      /* a selection names the scope itself (a bare URN) */
    const char *key;    /* the member being projected */
    hit *hits;          /* those of the member, n_hits of them */
    size_t n_hits;
} ctx;

static int same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

/* Where s points relative to scope (NULL: the top level): 2 the scope itself, 1 an attribute
 * path in it (*rest), 0 elsewhere. */
static int sel_place(const sel *s, const char *scope, const char *core, const char **rest)
{
    const char *urn = scope ? scope : core;
    size_t n = strlen(urn);
    if (strcasecmp(s->path, urn) == 0)
        return s->filter ? 0 : 2;
    if (strncasecmp(s->path, urn, n) == 0 && s->path[n] == ':' && !strchr(s->path + n + 1, ':')) {
        *rest = s->path + n + 1;
        return 1;
    }
    if (!scope && !strchr(s->path, ':')) {
        *rest = s->path;
        return 1;
    }
    return 0;
}

/* Fills c->hits with what the selections ask of member key in c->scope. */
static void collect_hits(ctx *c, const char *key)
{
    const scim_projection *p = c->p;
    const char *core = scim_core_schema(p->kind);
    c->key = key;
    c->n_hits = 0;
    size_t key_n = strlen(key);
    for (size_t i = 0; i < p->n; i++) {
        const sel *s = &p->sels[i];
        const char *rest;
        if (sel_place(s, c->scope, core, &rest) != 1)
            continue;
        const char *dot = strchr(rest, '.');
        size_t name_n = dot ? (size_t)(dot - rest) : strlen(rest);
        if (!same(rest, name_n, key, key_n))
            continue;
        hit h = {s->filter, NULL, 0};
        if (dot) {
            if (s->filter || strchr(dot + 1, '.'))
                continue; /* "a.b[f]" and "a.b.c" name nothing in SCIM's two levels */
            h.sub = dot + 1;
        } else if (s->after) {
            h.sub = s->after;
        }
        h.sub_n = h.sub ? strlen(h.sub) : 0;
        c->hits[c->n_hits++] = h;
    }
}

/* Whether element el of the member c->key satisfies f, matched as the resource would be:
 * inside {key: [el]}, or {scope: {key: [el]}} for an extension. */
static int element_matches(const ctx *c, const scim_filter *f, const json_t *el)
{
    if (!json_is_object(el))
        return 0;
    json_t *list = json_array();
    json_array_append(list, (json_t *)el);
    json_t *res = json_object();
    json_object_set_new(res, c->key, list);
    if (c->scope) {
        json_t *outer = json_object();
        json_object_set_new(outer, c->scope, res);
        res = outer;
    }
    scim_case_exact_fn fn = c->p->kind == SCIM_GROUP ? scim_group_case_exact : scim_user_case_exact;
    int m = scim_filter_match(f, res, scim_core_schemas(c->p->kind), fn);
    json_decref(res);
    return m;
}

/* Whether sub-attribute name is one of the subs marked in use. */
static int named(const ctx *c, const char *used, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->n_hits; i++)
        if (used[i] && c->hits[i].sub && same(c->hits[i].sub, c->hits[i].sub_n, name, n))
            return 1;
    return 0;
}

/* What the member's hits keep of one element (or of a single complex value): a new value, or
 * NULL for nothing. */
static json_t *project_element(const ctx *c, const json_t *el)
{
    int include = c->p->mode == MODE_INCLUDE, whole = 0, any_sub = 0;
    char used[SCIM_PROJECT_MAX_NAMES] = {0};
    for (size_t i = 0; i < c->n_hits; i++) {
        const hit *h = &c->hits[i];
        if (h->filter && !element_matches(c, h->filter, el))
            continue;
        if (!h->sub)
            whole = 1;
        else
            used[i] = any_sub = 1;
    }
    if (whole)
        return include ? json_deep_copy(el) : NULL;
    if (!json_is_object(el))
        return include ? NULL : json_deep_copy(el);
    if (!include && !any_sub)
        return json_deep_copy(el);
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)el, k, v)
        if (named(c, used, k) == include)
            json_object_set_new(out, k, json_deep_copy(v));
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* What the member's hits (none of them the whole member) keep of its value v, or NULL. */
static json_t *project_cut(const ctx *c, const json_t *v)
{
    if (!json_is_array(v))
        return project_element(c, v);
    json_t *out = json_array();
    size_t i;
    json_t *el;
    json_array_foreach((json_t *)v, i, el) {
        json_t *kept = project_element(c, el);
        if (kept)
            json_array_append_new(out, kept);
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The definition of member key of c->scope, or NULL when the schema has none. */
static const scim_attr *def_of(const ctx *c, const char *key)
{
    buf path;
    buf_init(&path);
    buf_printf(&path, "%s:%s", c->scope ? c->scope : scim_core_schema(c->p->kind), key);
    const scim_attr *a = scim_attr_find(c->p->kind, path.data);
    buf_free(&path);
    return a;
}

/* What the projection keeps of member key (value v) of c->scope: a new value, or NULL. */
static json_t *project_member(ctx *c, const char *key, const json_t *v)
{
    const scim_attr *def = def_of(c, key);
    scim_returned r = def ? def->returned : SCIM_RET_DEFAULT;
    if (r == SCIM_RET_NEVER)
        return NULL;
    if (r == SCIM_RET_ALWAYS)
        return json_deep_copy(v);
    collect_hits(c, key);
    int whole = c->scope_all;
    for (size_t i = 0; i < c->n_hits; i++)
        if (!c->hits[i].filter && !c->hits[i].sub)
            whole = 1;
    if (c->p->mode == MODE_INCLUDE) {
        if (whole)
            return json_deep_copy(v);
        return c->n_hits ? project_cut(c, v) : NULL;
    }
    if (r == SCIM_RET_REQUEST || whole)
        return NULL;
    return c->n_hits ? project_cut(c, v) : json_deep_copy(v);
}

/* Whether some selection names scope (NULL: the core schema) itself. */
static int names_scope(const scim_projection *p, const char *scope)
{
    const char *core = scim_core_schema(p->kind), *rest;
    for (size_t i = 0; i < p->n; i++)
        if (sel_place(&p->sels[i], scope, core, &rest) == 2)
            return 1;
    return 0;
}

/* What the projection keeps of the extension object at key (value v), or NULL. A key with ':'
 * whose value is not an object can only be named whole. */
static json_t *project_extension(ctx *c, const char *key, const json_t *v)
{
    int all = names_scope(c->p, key);
    int include = c->p->mode == MODE_INCLUDE;
    if (!json_is_object(v) || json_object_size(v) == 0) {
        if (include ? all : !all)
            return json_deep_copy(v);
        return NULL;
    }
    ctx inner = *c;
    inner.scope = key;
    inner.scope_all = all;
    json_t *out = json_object();
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) {
        json_t *kept = project_member(&inner, k, m);
        if (kept)
            json_object_set_new(out, k, kept);
    }
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The member of o named name in any case, or NULL. */
static json_t *member_ci(const json_t *o, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
        if (strcasecmp(k, name) == 0)
            return v;
    return NULL;
}

/* out's "schemas" without the URNs of the extension objects res had and out has not. */
static void fix_schemas(const json_t *res, json_t *out)
{
    json_t *list = json_object_get(out, "schemas");
    if (!json_is_array(list))
        return;
    json_t *kept = json_array();
    size_t i;
    json_t *urn;
    json_array_foreach(list, i, urn) {
        const char *s = json_string_value(urn);
        if (s && member_ci(res, s) && !member_ci(out, s))
            continue;
        json_array_append(kept, urn);
    }
    json_object_set_new(out, "schemas", kept);
}

json_t *scim_projection_apply(const scim_projection *p, const json_t *resource)
{
    json_t *out = json_object();
    if (!json_is_object(resource))
        return out;
    ctx c = {.p = p, .scope = NULL, .scope_all = names_scope(p, NULL)};
    c.hits = xcalloc(p->n + 1, sizeof *c.hits);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)resource, key, v) {
        json_t *kept = strchr(key, ':') ? project_extension(&c, key, v) : project_member(&c, key, v);
        if (kept)
            json_object_set_new(out, key, kept);
    }
    free(c.hits);
    fix_schemas(resource, out);
    return out;
}

json_t *scim_project(const json_t *resource, scim_resource_kind kind, const char *attributes, const char *excluded,
                     rerr *e)
{
    scim_projection *p = scim_projection_new(kind, attributes, excluded, e);
    if (!p)
        return NULL;
    json_t *out = scim_projection_apply(p, resource);
    scim_projection_free(p);
    return out;
}
