/* scim_filter.c — SCIM filter expressions read into a tree (see scim_filter.h). A recursive
 * descent over the text; string and number literals are cut out here and decoded by jansson. */
#include "scim/scim_filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[] = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"};

const char *scim_filter_op_name(scim_filter_op op)
{
    return (unsigned)op < sizeof op_names / sizeof op_names[0] ? op_names[op] : "?";
}

typedef struct parser {
    const char *s;
    size_t len, at;
    int nodes;
    buf *err;
    int failed;
} parser;

static int fail(parser *p, const char *what)
{
    if (!p->failed)
        buf_printf(p->err, "invalid filter at byte %zu: %s", p->at, what);
    p->failed = 1;
    return -1;
}

static void skip_spaces(parser *p)
{
    while (p->at < p->len && p->s[p->at] == ' ')
        p->at++;
}

/* 1 when the word w (any case) starts at the position and is not followed by a name character. */
static int at_word(const parser *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->at < n || strncasecmp(p->s + p->at, w, n) != 0)
        return 0;
    if (p->at + n == p->len)
        return 1;
    unsigned char c = (unsigned char)p->s[p->at + n];
    return !(isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '$');
}

static scim_filter *node(parser *p, scim_filter_kind kind)
{
    if (++p->nodes > SCIM_FILTER_MAX_NODES) {
        fail(p, "too many conditions (at most 256 parts)");
        return NULL;
    }
    scim_filter *f = xcalloc(1, sizeof *f);
    f->kind = kind;
    return f;
}

static int name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '$';
}

/* attrPath: a run of name characters, ':' and '.', starting with a letter, each part after a
 * '.' a name (or "$ref"-like: a '$' and name characters); the URI part (up to the last ':') as
 * it is. Returns the path malloc'd, or NULL. */
static char *attr_path(parser *p)
{
    size_t start = p->at;
    while (p->at < p->len && (name_char((unsigned char)p->s[p->at]) || p->s[p->at] == ':' || p->s[p->at] == '.'))
        p->at++;
    size_t n = p->at - start;
    const char *a = p->s + start;
    if (n == 0 || !isalpha((unsigned char)a[0])) {
        p->at = start;
        fail(p, "an attribute name was expected");
        return NULL;
    }
    if (n > 512) {
        p->at = start;
        fail(p, "an attribute name is at most 512 characters long");
        return NULL;
    }
    /* after the URI, names separated by single dots, each starting with a letter */
    size_t colon = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] == ':')
            colon = i + 1;
    int bad = colon == n;
    for (size_t i = colon; i < n && !bad; i++) {
        if (a[i] == ':')
            bad = 1;
        else if (i == colon ? !isalpha((unsigned char)a[i])
                            : a[i - 1] == '.' && !isalpha((unsigned char)a[i]) && a[i] != '$') /* $ref */
            bad = 1;
    }
    if (bad || a[n - 1] == '.') {
        p->at = start;
        fail(p, "an attribute name is a letter and letters, digits, '-', '_' or '$', sub-attributes after a '.'");
        return NULL;
    }
    return xstrndup(a, n);
}

/* compValue: true, false, null, a JSON number or a JSON string; or, as a leniency for clients
 * that leave strings unquoted (Microsoft's SCIM test collection: `userName sw O`,
 * `meta.created gt 2015-10-10T14:38:21.86-07:00`), a bare word — up to a space, ')' or ']', no
 * '"' in it — that is not a JSON number, read as that string. */
static json_t *comp_value(parser *p)
{
    if (at_word(p, "true") || at_word(p, "false") || at_word(p, "null")) {
        json_t *v = at_word(p, "true") ? json_true() : at_word(p, "false") ? json_false() : json_null();
        p->at += at_word(p, "false") ? 5 : 4;
        return v;
    }
    size_t start = p->at;
    if (p->at < p->len && p->s[p->at] == '"') {
        p->at++;
        while (p->at < p->len && p->s[p->at] != '"')
            p->at += p->s[p->at] == '\\' && p->at + 1 < p->len ? 2 : 1;
        if (p->at >= p->len) {
            p->at = start;
            fail(p, "a string value has no closing '\"'");
            return NULL;
        }
        p->at++;
    } else {
        while (p->at < p->len && (unsigned char)p->s[p->at] > ' ' && p->s[p->at] != 0x7f && !strchr(")]\"", p->s[p->at]))
            p->at++;
    }
    if (p->at == start) {
        fail(p, "a value was expected: a \"string\", a number, true, false or null");
        return NULL;
    }
    if (p->s[start] != '"') {
        json_error_t je;
        json_t *num = json_loadb(p->s + start, p->at - start, JSON_DECODE_ANY, &je);
        if (json_is_number(num))
            return num;
        json_decref(num);
        json_t *word = json_stringn(p->s + start, p->at - start); /* NULL unless UTF-8 */
        if (!word) {
            p->at = start;
            fail(p, "an unquoted value must be UTF-8 text");
        }
        return word;
    }
    json_error_t je;
    json_t *v = json_loadb(p->s + start, p->at - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!v || json_is_object(v) || json_is_array(v)) {
        json_decref(v);
        p->at = start;
        fail(p, "a value must be a JSON string (with its escapes), a number, true, false or null");
        return NULL;
    }
    if (json_is_string(v) && strlen(json_string_value(v)) != json_string_length(v)) {
        json_decref(v);
        p->at = start;
        fail(p, "a string value must not hold \\u0000");
        return NULL;
    }
    return v;
}

static scim_filter *parse_or(parser *p, int depth);

/* "(" filter ")" after the position of the "(", or NULL. */
static scim_filter *group(parser *p, int depth, char close)
{
    p->at++; /* the opening bracket */
    scim_filter *f = parse_or(p, depth + 1);
    if (!f)
        return NULL;
    skip_spaces(p);
    if (p->at >= p->len || p->s[p->at] != close) {
        scim_filter_free(f);
        fail(p, close == ')' ? "')' was expected" : "']' was expected");
        return NULL;
    }
    p->at++;
    return f;
}

static scim_filter *parse_unary(parser *p, int depth)
{
    if (depth > SCIM_FILTER_MAX_DEPTH) {
        fail(p, "filters nest at most 16 deep");
        return NULL;
    }
    skip_spaces(p);
    if (at_word(p, "not")) {
        p->at += 3;
        skip_spaces(p);
        if (p->at >= p->len || p->s[p->at] != '(') {
            fail(p, "'not' must be followed by '('");
            return NULL;
        }
        scim_filter *n = node(p, SF_NOT);
        if (!n)
            return NULL;
        if (!(n->a = group(p, depth, ')'))) {
            scim_filter_free(n);
            return NULL;
        }
        return n;
    }
    if (p->at < p->len && p->s[p->at] == '(')
        return group(p, depth, ')');
    char *attr = attr_path(p);
    if (!attr)
        return NULL;
    if (p->at < p->len && p->s[p->at] == '[') {
        scim_filter *n = node(p, SF_VALUE_PATH);
        if (!n) {
            free(attr);
            return NULL;
        }
        n->attr = attr;
        if (!(n->a = group(p, depth, ']'))) {
            scim_filter_free(n);
            return NULL;
        }
        return n;
    }
    size_t before = p->at;
    skip_spaces(p);
    if (p->at == before) {
        free(attr);
        fail(p, "a space and an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) were expected");
        return NULL;
    }
    if (at_word(p, "pr")) {
        p->at += 2;
        scim_filter *n = node(p, SF_PRESENT);
        if (n)
            n->attr = attr;
        else
            free(attr);
        return n;
    }
    int op = -1;
    for (int i = 0; i < (int)(sizeof op_names / sizeof op_names[0]); i++)
        if (at_word(p, op_names[i]))
            op = i;
    if (op < 0) {
        free(attr);
        fail(p, "an operator was expected: eq, ne, co, sw, ew, gt, ge, lt, le or pr");
        return NULL;
    }
    p->at += 2;
    before = p->at;
    skip_spaces(p);
    if (p->at == before) {
        free(attr);
        fail(p, "a space and a value were expected after the operator");
        return NULL;
    }
    json_t *v = comp_value(p);
    if (!v) {
        free(attr);
        return NULL;
    }
    scim_filter *n = node(p, SF_COMPARE);
    if (!n) {
        free(attr);
        json_decref(v);
        return NULL;
    }
    n->attr = attr;
    n->op = (scim_filter_op)op;
    n->value = v;
    return n;
}

/* One level of and (kind SF_AND) or or (SF_OR): sub *(word sub). */
static scim_filter *parse_list(parser *p, int depth, scim_filter_kind kind)
{
    const char *word = kind == SF_AND ? "and" : "or";
    scim_filter *left = kind == SF_AND ? parse_unary(p, depth) : parse_list(p, depth, SF_AND);
    while (left) {
        size_t save = p->at;
        skip_spaces(p);
        if (p->at == save || !at_word(p, word)) {
            p->at = save;
            return left;
        }
        p->at += strlen(word);
        size_t after = p->at;
        skip_spaces(p);
        if (p->at == after) {
            scim_filter_free(left);
            fail(p, "a space was expected after 'and' / 'or'");
            return NULL;
        }
        scim_filter *right = kind == SF_AND ? parse_unary(p, depth) : parse_list(p, depth, SF_AND);
        scim_filter *n = right ? node(p, kind) : NULL;
        if (!n) {
            scim_filter_free(left);
            scim_filter_free(right);
            return NULL;
        }
        n->a = left;
        n->b = right;
        left = n;
    }
    return NULL;
}

static scim_filter *parse_or(parser *p, int depth)
{
    return parse_list(p, depth, SF_OR);
}

int scim_filter_parse(const char *text, size_t len, scim_filter **out, buf *err)
{
    *out = NULL;
    parser p = {.s = text, .len = len, .err = err};
    if (len == 0)
        return fail(&p, "the filter is empty");
    if (len > SCIM_FILTER_MAX_LEN)
        return fail(&p, "a filter is at most 4096 bytes long");
    if (memchr(text, '\0', len))
        return fail(&p, "a filter must not hold a NUL byte");
    scim_filter *f = parse_or(&p, 0);
    if (!f)
        return -1;
    skip_spaces(&p);
    if (p.at != p.len) {
        scim_filter_free(f);
        return fail(&p, "unexpected text after a complete filter (a missing 'and' / 'or', or an extra ')')");
    }
    *out = f;
    return 0;
}

void scim_filter_free(scim_filter *f)
{
    if (!f)
        return;
    scim_filter_free(f->a);
    scim_filter_free(f->b);
    free(f->attr);
    json_decref(f->value);
    free(f);
}

void scim_filter_print(const scim_filter *f, buf *out)
{
    switch (f->kind) {
    case SF_AND:
    case SF_OR:
        buf_putc(out, '(');
        scim_filter_print(f->a, out);
        buf_puts(out, f->kind == SF_AND ? " and " : " or ");
        scim_filter_print(f->b, out);
        buf_putc(out, ')');
        return;
    case SF_NOT:
        buf_puts(out, "not (");
        scim_filter_print(f->a, out);
        buf_putc(out, ')');
        return;
    case SF_PRESENT: buf_printf(out, "%s pr", f->attr); return;
    case SF_VALUE_PATH:
        buf_printf(out, "%s[", f->attr);
        scim_filter_print(f->a, out);
        buf_putc(out, ']');
        return;
    case SF_COMPARE: {
        char *v = json_dumps(f->value, JSON_COMPACT | JSON_ENCODE_ANY);
        buf_printf(out, "%s %s %s", f->attr, scim_filter_op_name(f->op), v ? v : "null");
        free(v);
        return;
    }
    }
}
