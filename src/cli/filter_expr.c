/* filter_expr.c — the filter language of the bulk commands (filter_expr.h): a recursive-descent
 * parser over the bytes of the text (bounded in length, depth and conditions), and the compiler
 * to SearchUsers' SearchCriteria and SearchFilter. */
#include "cli/filter_expr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

/* ---- parsing --------------------------------------------------------------------------------- */

typedef struct parser {
    const char *s;
    size_t len, pos;
    size_t conds;
    buf *err;
    int failed;
} parser;

static const struct {
    const char *name;
    fx_field field;
} FIELDS[] = {{"login", FX_LOGIN},
              {"first-name", FX_FIRST_NAME},
              {"last-name", FX_LAST_NAME},
              {"routing-profile", FX_ROUTING_PROFILE},
              {"security-profile", FX_SECURITY_PROFILE},
              {"hierarchy", FX_HIERARCHY}};

#define FIELD_LIST "login, first-name, last-name, routing-profile, security-profile, hierarchy or tag:KEY"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A byte that ends a bare word. */
static int is_stop(char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"' || c == '=' || c == '^' || c == '~';
}

static void skip_space(parser *p)
{
    while (p->pos < p->len && is_space(p->s[p->pos]))
        p->pos++;
}

/* What stands at the current position, for "found …" (at most 20 bytes, cut at a character). */
static void describe_here(parser *p, buf *out)
{
    if (p->pos >= p->len) {
        buf_puts(out, "the end");
        return;
    }
    size_t n = 0;
    if (is_stop(p->s[p->pos]) && !is_space(p->s[p->pos])) {
        n = p->s[p->pos] == '^' || p->s[p->pos] == '~' ? (p->pos + 1 < p->len && p->s[p->pos + 1] == '=' ? 2 : 1) : 1;
    } else {
        while (p->pos + n < p->len && !is_stop(p->s[p->pos + n]) && n < 20)
            n++;
    }
    buf_putc(out, '\'');
    buf_append(out, p->s + p->pos, utf8_cut(p->s + p->pos, n));
    buf_putc(out, '\'');
}

/* Records the first error: "at column N: MESSAGE, found X". Returns NULL (for the callers). */
static void *fail_at(parser *p, size_t at, const char *msg, int found)
{
    if (p->failed)
        return NULL;
    p->failed = 1;
    buf_printf(p->err, "at column %zu: %s", at + 1, msg);
    if (found) {
        buf_puts(p->err, ", found ");
        describe_here(p, p->err);
        if (p->pos < p->len && (p->s[p->pos] == '=' || p->s[p->pos] == '^' || p->s[p->pos] == '~'))
            buf_puts(p->err, " (a value holding '=', '^' or '~' is written in quotes: \"…\")");
    }
    return NULL;
}

/* Reads a bare word or a quoted string at the current position into *out (malloc'd). Returns 0,
 * or -1 after recording the error (what names the thing expected). */
static int read_text(parser *p, const char *what, char **out)
{
    *out = NULL;
    size_t start = p->pos;
    buf b;
    buf_init(&b);
    if (p->pos < p->len && p->s[p->pos] == '"') {
        p->pos++;
        for (;;) {
            if (p->pos >= p->len) {
                buf_free(&b);
                fail_at(p, start, "a quoted string has no closing '\"'", 0);
                return -1;
            }
            char c = p->s[p->pos++];
            if (c == '"')
                break;
            if (c == '\\') {
                if (p->pos >= p->len || (p->s[p->pos] != '"' && p->s[p->pos] != '\\')) {
                    buf_free(&b);
                    fail_at(p, p->pos - 1, "in a quoted string '\\' may only stand before '\"' or '\\'", 0);
                    return -1;
                }
                c = p->s[p->pos++];
            }
            buf_putc(&b, c);
        }
    } else {
        while (p->pos < p->len && !is_stop(p->s[p->pos]))
            buf_putc(&b, p->s[p->pos++]);
        if (b.len == 0) {
            buf_free(&b);
            buf msg;
            buf_init(&msg);
            buf_printf(&msg, "expected %s", what);
            fail_at(p, start, msg.data, 1);
            buf_free(&msg);
            return -1;
        }
    }
    if (b.len == 0) {
        buf_free(&b);
        buf msg;
        buf_init(&msg);
        buf_printf(&msg, "%s is empty", what);
        fail_at(p, start, msg.data, 0);
        buf_free(&msg);
        return -1;
    }
    *out = buf_detach(&b);
    return 0;
}

/* The number of characters of a valid UTF-8 string. */
static size_t char_count(const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len; n++) {
        size_t k = utf8_char_len((const unsigned char *)s + i, len - i, NULL);
        i += k ? k : 1;
    }
    return n;
}

/* Reads an operator: '=', '^=' or '~='. Returns 0 with *op, or -1 after recording the error. */
static int read_op(parser *p, fx_op *op)
{
    const char *s = p->s + p->pos;
    size_t left = p->len - p->pos;
    if (left >= 1 && s[0] == '=') {
        *op = FX_EQ;
        p->pos += 1;
    } else if (left >= 2 && s[0] == '^' && s[1] == '=') {
        *op = FX_PREFIX;
        p->pos += 2;
    } else if (left >= 2 && s[0] == '~' && s[1] == '=') {
        *op = FX_CONTAINS;
        p->pos += 2;
    } else {
        fail_at(p, p->pos, "expected an operator ('=', '^=' or '~=')", 1);
        return -1;
    }
    return 0;
}

static fx_node *parse_or(parser *p, int depth);

/* cond := FIELD OP VALUE | 'tag:' KEY ['=' VALUE] */
static fx_node *parse_cond(parser *p)
{
    size_t start = p->pos;
    if (++p->conds > FX_MAX_CONDS) {
        char msg[96];
        snprintf(msg, sizeof msg, "the filter has more than %d conditions", FX_MAX_CONDS);
        return fail_at(p, start, msg, 0);
    }
    fx_node *n = xcalloc(1, sizeof *n);
    n->kind = FX_COND;
    n->col = start + 1;
    if (p->len - p->pos >= 4 && strncasecmp(p->s + p->pos, "tag:", 4) == 0) {
        n->field = FX_TAG;
        p->pos += 4;
        if (read_text(p, "a tag key after 'tag:'", &n->key) != 0)
            goto bad;
        if (char_count(n->key) > 128) {
            fail_at(p, start + 4, "a tag key is at most 128 characters", 0);
            goto bad;
        }
        size_t at = p->pos;
        n->op = FX_HAS;
        if (p->pos < p->len && (p->s[p->pos] == '=' || p->s[p->pos] == '^' || p->s[p->pos] == '~')) {
            if (read_op(p, &n->op) != 0)
                goto bad;
            if (n->op != FX_EQ) {
                fail_at(p, at, "a tag takes '=' only (tag:KEY=VALUE, or tag:KEY for any value)", 0);
                goto bad;
            }
            if (read_text(p, "a tag value", &n->value) != 0)
                goto bad;
        }
        return n;
    }
    size_t w = 0;
    while (p->pos + w < p->len && !is_stop(p->s[p->pos + w]))
        w++;
    size_t i;
    for (i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
        if (strlen(FIELDS[i].name) == w && strncasecmp(FIELDS[i].name, p->s + p->pos, w) == 0)
            break;
    if (i == sizeof FIELDS / sizeof FIELDS[0]) {
        fail_at(p, start, "expected a field (" FIELD_LIST ") or '('", 1);
        goto bad;
    }
    n->field = FIELDS[i].field;
    p->pos += w;
    skip_space(p);
    size_t at = p->pos;
    if (read_op(p, &n->op) != 0)
        goto bad;
    if ((n->field == FX_ROUTING_PROFILE || n->field == FX_SECURITY_PROFILE) && n->op != FX_EQ) {
        fail_at(p, at, "routing-profile and security-profile take '=' with a name", 0);
        goto bad;
    }
    if (n->field == FX_HIERARCHY && n->op == FX_CONTAINS) {
        fail_at(p, at, "hierarchy takes '=' (that group) or '^=' (that group and those below it)", 0);
        goto bad;
    }
    skip_space(p);
    size_t vat = p->pos;
    if (read_text(p, "a value", &n->value) != 0)
        goto bad;
    size_t chars = char_count(n->value);
    if (n->op == FX_CONTAINS && (chars < 2 || chars > 25)) {
        fail_at(p, vat, "a '~=' value must be 2 to 25 characters long", 0);
        goto bad;
    }
    if (chars > 256) {
        fail_at(p, vat, "a value is at most 256 characters long", 0);
        goto bad;
    }
    return n;
bad:
    fx_free(n);
    return NULL;
}

/* unary := '(' expr ')' | cond */
static fx_node *parse_unary(parser *p, int depth)
{
    skip_space(p);
    if (p->pos < p->len && p->s[p->pos] == '(') {
        size_t open = p->pos;
        if (depth >= FX_MAX_DEPTH) {
            char msg[96];
            snprintf(msg, sizeof msg, "parentheses nest deeper than %d levels", FX_MAX_DEPTH);
            return fail_at(p, open, msg, 0);
        }
        p->pos++;
        fx_node *n = parse_or(p, depth + 1);
        if (!n)
            return NULL;
        skip_space(p);
        if (p->pos >= p->len || p->s[p->pos] != ')') {
            fx_free(n);
            char msg[96];
            snprintf(msg, sizeof msg, "expected 'and', 'or' or ')' to close the '(' of column %zu", open + 1);
            return fail_at(p, p->pos, msg, 1);
        }
        p->pos++;
        return n;
    }
    return parse_cond(p);
}

/* Reads the keyword kw (ignoring case) when it stands at the current position as a word. */
static int keyword(parser *p, const char *kw)
{
    skip_space(p);
    size_t n = strlen(kw);
    if (p->len - p->pos < n || strncasecmp(p->s + p->pos, kw, n) != 0)
        return 0;
    if (p->pos + n < p->len && !is_stop(p->s[p->pos + n]) )
        return 0;
    p->pos += n;
    return 1;
}

/* Appends child to the list node n (kind), flattening a child of the same kind. */
static void add_kid(fx_node *n, fx_node *child)
{
    if (child->kind == n->kind) {
        n->kids = xrealloc(n->kids, (n->n_kids + child->n_kids) * sizeof *n->kids);
        memcpy(n->kids + n->n_kids, child->kids, child->n_kids * sizeof *n->kids);
        n->n_kids += child->n_kids;
        free(child->kids);
    } else {
        n->kids = xrealloc(n->kids, (n->n_kids + 1) * sizeof *n->kids);
        n->kids[n->n_kids++] = *child;
    }
    free(child);
}

/* A list of operands joined by kw: one operand alone is returned as it is. */
static fx_node *parse_list(parser *p, int depth, fx_kind kind)
{
    size_t start = p->pos;
    fx_node *first = kind == FX_OR ? parse_list(p, depth, FX_AND) : parse_unary(p, depth);
    if (!first)
        return NULL;
    fx_node *list = NULL;
    while (keyword(p, kind == FX_OR ? "or" : "and")) {
        fx_node *next = kind == FX_OR ? parse_list(p, depth, FX_AND) : parse_unary(p, depth);
        if (!next) {
            fx_free(list ? list : first);
            return NULL;
        }
        if (!list) {
            list = xcalloc(1, sizeof *list);
            list->kind = kind;
            list->col = start + 1;
            add_kid(list, first);
        }
        add_kid(list, next);
    }
    return list ? list : first;
}

static fx_node *parse_or(parser *p, int depth)
{
    return parse_list(p, depth, FX_OR);
}

/* The greatest number of list nodes on a path from n down, and where the deepest begins. */
static size_t nesting(const fx_node *n, size_t *col)
{
    if (n->kind == FX_COND)
        return 0;
    size_t best = 0, best_col = n->col;
    for (size_t i = 0; i < n->n_kids; i++) {
        size_t c = 0, d = nesting(&n->kids[i], &c);
        if (d > best) {
            best = d;
            best_col = c;
        }
    }
    *col = best ? best_col : n->col;
    return best + 1;
}

fx_node *fx_parse(const char *text, size_t len, buf *err)
{
    parser p = {.s = text, .len = len, .err = err};
    if (len > FX_MAX_LEN) {
        buf_printf(err, "the filter is longer than %d bytes", FX_MAX_LEN);
        return NULL;
    }
    for (size_t i = 0; i < len;) {
        size_t k = text[i] ? utf8_char_len((const unsigned char *)text + i, len - i, NULL) : 0;
        if (!k) {
            buf_printf(err, "at column %zu: the filter is not valid UTF-8 text", i + 1);
            return NULL;
        }
        i += k;
    }
    fx_node *root = parse_or(&p, 0);
    if (root) {
        skip_space(&p);
        if (p.pos < p.len) {
            int close = p.s[p.pos] == ')';
            fail_at(&p, p.pos, close ? "a ')' closes no '('" : "expected 'and', 'or' or the end", !close);
            fx_free(root);
            return NULL;
        }
        size_t col = 0;
        if (nesting(root, &col) > FX_MAX_NESTING) {
            buf_printf(err, "at column %zu: 'and' and 'or' alternate more than %d levels deep (SearchUsers' limit)",
                       col, FX_MAX_NESTING);
            fx_free(root);
            return NULL;
        }
    }
    return root;
}

static void node_clear(fx_node *n)
{
    for (size_t i = 0; i < n->n_kids; i++)
        node_clear(&n->kids[i]);
    free(n->kids);
    free(n->key);
    free(n->value);
}

void fx_free(fx_node *n)
{
    if (!n)
        return;
    node_clear(n);
    free(n);
}

/* ---- compiling ------------------------------------------------------------------------------- */

#define FILTER_MAX_TAGS 25     /* SearchUsers' bounds of a UserAttributeFilter */
#define FILTER_MAX_GROUPS 20
#define DNF_MAX 45             /* alternatives of the tag part: each holds a condition */

typedef struct compiler {
    fx_resolve_fn resolve;
    void *cls;
    buf *err;
} compiler;

static int has_tag(const fx_node *n)
{
    if (n->kind == FX_COND)
        return n->field == FX_TAG;
    for (size_t i = 0; i < n->n_kids; i++)
        if (has_tag(&n->kids[i]))
            return 1;
    return 0;
}

/* Resolves the condition's name. Returns the id (malloc'd) or NULL with err set. */
static char *resolve(compiler *c, const fx_node *n, fx_ref ref)
{
    char *id = NULL;
    size_t before = c->err->len;
    if (c->resolve(c->cls, ref, n->value, &id, c->err) != 0 || !id) {
        free(id);
        if (c->err->len == before)
            buf_printf(c->err, "at column %zu: the name does not resolve", n->col);
        return NULL;
    }
    size_t len = strlen(id);
    for (size_t i = 0; i < len;) {
        size_t k = utf8_char_len((const unsigned char *)id + i, len - i, NULL);
        if (!k || len > 1024) {
            buf_printf(c->err, "at column %zu: the name resolved to an id that is not valid UTF-8 text", n->col);
            free(id);
            return NULL;
        }
        i += k;
    }
    return id;
}

static json_t *hierarchy_json(compiler *c, const fx_node *n)
{
    char *id = resolve(c, n, FX_REF_HIERARCHY);
    if (!id)
        return NULL;
    json_t *o = json_pack("{s:s, s:s}", "Value", id, "HierarchyGroupMatchType",
                          n->op == FX_PREFIX ? "WITH_CHILD_GROUPS" : "EXACT");
    free(id);
    return o;
}

/* The SearchCriteria of a subtree without tags. Returns a new object, or NULL with err set. */
static json_t *criteria_of(compiler *c, const fx_node *n)
{
    if (n->kind != FX_COND) {
        json_t *list = json_array();
        for (size_t i = 0; i < n->n_kids; i++) {
            json_t *k = criteria_of(c, &n->kids[i]);
            if (!k) {
                json_decref(list);
                return NULL;
            }
            json_array_append_new(list, k);
        }
        return json_pack("{s:o}", n->kind == FX_AND ? "AndConditions" : "OrConditions", list);
    }
    if (n->field == FX_HIERARCHY) {
        json_t *h = hierarchy_json(c, n);
        return h ? json_pack("{s:o}", "HierarchyGroupCondition", h) : NULL;
    }
    const char *field = NULL;
    char *id = NULL;
    switch (n->field) {
    case FX_LOGIN: field = "Username"; break;
    case FX_FIRST_NAME: field = "FirstName"; break;
    case FX_LAST_NAME: field = "LastName"; break;
    case FX_ROUTING_PROFILE:
        field = "RoutingProfileId";
        id = resolve(c, n, FX_REF_ROUTING_PROFILE);
        break;
    case FX_SECURITY_PROFILE:
        field = "SecurityProfileId";
        id = resolve(c, n, FX_REF_SECURITY_PROFILE);
        break;
    default: break;
    }
    if (!field || ((n->field == FX_ROUTING_PROFILE || n->field == FX_SECURITY_PROFILE) && !id))
        return NULL;
    const char *cmp = n->op == FX_PREFIX ? "STARTS_WITH" : n->op == FX_CONTAINS ? "CONTAINS" : "EXACT";
    json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "StringCondition", "FieldName", field, "Value", id ? id : n->value,
                          "ComparisonType", cmp);
    free(id);
    return o;
}

/* The tag part is built in disjunctive normal form: an array of alternatives, each an
 * AttributeAndCondition {TagConditions: [...], HierarchyGroupCondition?}. */

/* One alternative holding one condition. */
static json_t *alt_of_cond(compiler *c, const fx_node *n)
{
    if (n->field == FX_TAG) {
        json_t *t = json_pack("{s:s}", "TagKey", n->key);
        if (n->value)
            json_object_set_new(t, "TagValue", json_string(n->value));
        return json_pack("{s:[o]}", "TagConditions", t);
    }
    json_t *h = hierarchy_json(c, n);
    return h ? json_pack("{s:[], s:o}", "TagConditions", "HierarchyGroupCondition", h) : NULL;
}

/* The conjunction of two alternatives, or NULL with err set when both name a group. */
static json_t *alt_and(compiler *c, const json_t *a, const json_t *b, size_t col)
{
    if (json_object_get(a, "HierarchyGroupCondition") && json_object_get(b, "HierarchyGroupCondition")) {
        buf_printf(c->err,
                   "at column %zu: SearchUsers' filter cannot join two hierarchy conditions with a tag "
                   "condition by 'and'",
                   col);
        return NULL;
    }
    json_t *r = json_deep_copy(a);
    json_array_extend(json_object_get(r, "TagConditions"), json_object_get(b, "TagConditions"));
    json_t *h = json_object_get(b, "HierarchyGroupCondition");
    if (h)
        json_object_set(r, "HierarchyGroupCondition", h);
    return r;
}

/* The conjunction of two lists of alternatives (both consumed): every pair joined. Returns a
 * new array, or NULL with err set. */
static json_t *dnf_and(compiler *c, json_t *x, json_t *y, size_t col)
{
    json_t *prod = NULL;
    if (json_array_size(x) * json_array_size(y) > DNF_MAX) {
        buf_printf(c->err,
                   "at column %zu: the tag part of the filter is too complex for SearchUsers' filter (at most "
                   "%d tag and %d hierarchy conditions once expanded)",
                   col, FILTER_MAX_TAGS, FILTER_MAX_GROUPS);
        goto out;
    }
    prod = json_array();
    size_t i, j;
    json_t *a, *b;
    json_array_foreach(x, i, a)
    {
        json_array_foreach(y, j, b)
        {
            json_t *ab = alt_and(c, a, b, col);
            if (!ab) {
                json_decref(prod);
                prod = NULL;
                goto out;
            }
            json_array_append_new(prod, ab);
        }
    }
out:
    json_decref(x);
    json_decref(y);
    return prod;
}

/* The alternatives of a subtree made of tag and hierarchy conditions only (a new array), or NULL
 * with err set. */
static json_t *dnf_of(compiler *c, const fx_node *n)
{
    if (n->kind == FX_COND) {
        if (n->field != FX_TAG && n->field != FX_HIERARCHY) {
            buf_printf(c->err,
                       "at column %zu: a login, name or profile condition may be joined to a tag condition "
                       "only by an 'and' at the top of the filter (SearchUsers takes tags in a separate "
                       "filter)",
                       n->col);
            return NULL;
        }
        json_t *a = alt_of_cond(c, n);
        return a ? json_pack("[o]", a) : NULL;
    }
    json_t *acc = NULL;
    for (size_t i = 0; i < n->n_kids; i++) {
        json_t *k = dnf_of(c, &n->kids[i]);
        if (!k) {
            json_decref(acc);
            return NULL;
        }
        if (!acc) {
            acc = k;
            continue;
        }
        if (n->kind == FX_OR) {
            json_array_extend(acc, k);
            json_decref(k);
        } else if (!(acc = dnf_and(c, acc, k, n->col))) {
            return NULL;
        }
        if (json_array_size(acc) > DNF_MAX) {
            buf_printf(c->err, "at column %zu: the tag part of the filter is too complex for SearchUsers' filter",
                       n->col);
            json_decref(acc);
            return NULL;
        }
    }
    return acc;
}

/* The SearchFilter of the alternatives (consumed), or NULL with err set. */
static json_t *filter_of(compiler *c, json_t *alts)
{
    size_t tags = 0, groups = 0, i;
    json_t *a;
    json_array_foreach(alts, i, a)
    {
        tags += json_array_size(json_object_get(a, "TagConditions"));
        groups += json_object_get(a, "HierarchyGroupCondition") != NULL;
        if (json_array_size(json_object_get(a, "TagConditions")) == 0)
            json_object_del(a, "TagConditions");
    }
    if (tags > FILTER_MAX_TAGS || groups > FILTER_MAX_GROUPS) {
        buf_printf(c->err,
                   "the tag part of the filter expands to %zu tag and %zu hierarchy conditions; SearchUsers' "
                   "filter takes at most %d and %d",
                   tags, groups, FILTER_MAX_TAGS, FILTER_MAX_GROUPS);
        json_decref(alts);
        return NULL;
    }
    json_t *uaf = json_array_size(alts) == 1 ? json_pack("{s:O}", "AndCondition", json_array_get(alts, 0))
                                             : json_pack("{s:O}", "OrConditions", alts);
    json_decref(alts);
    return json_pack("{s:o}", "UserAttributeFilter", uaf);
}

int fx_compile(const fx_node *root, fx_resolve_fn resolve_fn, void *cls, json_t **criteria, json_t **filter, buf *err)
{
    *criteria = *filter = NULL;
    compiler c = {resolve_fn, cls, err};
    if (!has_tag(root)) {
        *criteria = criteria_of(&c, root);
        return *criteria ? 0 : -1;
    }
    /* The top-level conjuncts: those without a tag go to the criteria, the others to the filter. */
    const fx_node *conj = root->kind == FX_AND ? root->kids : root;
    size_t n = root->kind == FX_AND ? root->n_kids : 1;
    json_t *crit = json_array(), *alts = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!has_tag(&conj[i])) {
            json_t *k = criteria_of(&c, &conj[i]);
            if (!k)
                goto bad;
            json_array_append_new(crit, k);
            continue;
        }
        json_t *d = dnf_of(&c, &conj[i]);
        if (!d)
            goto bad;
        if (!alts) {
            alts = d;
            continue;
        }
        if (!(alts = dnf_and(&c, alts, d, conj[i].col)))
            goto bad;
    }
    *filter = filter_of(&c, alts);
    alts = NULL;
    if (!*filter)
        goto bad;
    if (json_array_size(crit) == 1)
        *criteria = json_incref(json_array_get(crit, 0));
    else if (json_array_size(crit) > 1)
        *criteria = json_pack("{s:O}", "AndConditions", crit);
    json_decref(crit);
    return 0;
bad:
    json_decref(crit);
    json_decref(alts);
    json_decref(*filter);
    *filter = NULL;
    return -1;
}
