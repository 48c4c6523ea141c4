/* scim_path.c — a PATCH operation's path split into URN, name, sub-attribute and value filter
 * (see scim_path.h). The text is cut at its brackets here; the names, and the filter inside
 * the brackets, are checked by the filter parser. */
#include "scim/scim_path.h"

#include <stdlib.h>
#include <string.h>

static int refuse(scim_path *out, buf *err, const char *what)
{
    scim_path_free(out);
    buf_printf(err, "invalid path: %s", what);
    return -1;
}

/* 1 when names (n bytes: the path without its bracketed filter) is an attribute path of the
 * filter grammar: "names pr" reads as one presence test of exactly those bytes. */
static int names_ok(const char *names, size_t n)
{
    if (n == 0 || memchr(names, ' ', n))
        return 0;
    buf text, err;
    buf_init(&text);
    buf_init(&err);
    buf_append(&text, names, n);
    buf_puts(&text, " pr");
    scim_filter *f;
    int ok = scim_filter_parse(text.data, text.len, &f, &err) == 0 && f->kind == SF_PRESENT &&
             strlen(f->attr) == n;
    scim_filter_free(f);
    buf_free(&text);
    buf_free(&err);
    return ok;
}

/* The filter of "name[filter]" (the first len bytes of text, ending at the ']'), whose name is
 * name_len bytes long, into out->filter. Returns 0, or -1 with the parser's message in err. */
static int value_filter(const char *text, size_t len, size_t name_len, scim_path *out, buf *err)
{
    buf why;
    buf_init(&why);
    scim_filter *f;
    if (scim_filter_parse(text, len, &f, &why)) {
        refuse(out, err, why.data);
        buf_free(&why);
        return -1;
    }
    buf_free(&why);
    if (f->kind != SF_VALUE_PATH || strlen(f->attr) != name_len) {
        scim_filter_free(f);
        return refuse(out, err, "a value filter is one attribute's name and a filter in brackets, "
                                "e.g. emails[type eq \"work\"]");
    }
    out->filter = f->a; /* the node's inner filter is all the path needs */
    f->a = NULL;
    scim_filter_free(f);
    return 0;
}

int scim_path_parse(const char *text, size_t len, scim_path *out, buf *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return refuse(out, err, "the path is empty");
    if (len > SCIM_PATH_MAX_LEN)
        return refuse(out, err, "a path is at most 1024 bytes long");
    if (memchr(text, '\0', len))
        return refuse(out, err, "a path must not hold a NUL byte");

    /* names: the path with its "[filter]" cut out; head: the part before the '[' */
    buf names;
    buf_init(&names);
    const char *lb = memchr(text, '[', len);
    size_t head = lb ? (size_t)(lb - text) : len;
    if (lb) {
        size_t rb = len;
        while (rb > head && text[rb - 1] != ']')
            rb--;
        if (rb == head) {
            buf_free(&names);
            return refuse(out, err, "a value filter has no closing ']'");
        }
        if (rb < len && text[rb] != '.') {
            buf_free(&names);
            return refuse(out, err, "only \".subAttribute\" may follow a value filter's ']'");
        }
        if (value_filter(text, rb, head, out, err)) {
            buf_free(&names);
            return -1;
        }
        buf_append(&names, text, head);
        buf_append(&names, text + rb, len - rb);
    } else {
        buf_append(&names, text, len);
    }
    if (!names_ok(names.data, names.len)) {
        buf_free(&names);
        return refuse(out, err, "an attribute is [schema URN \":\"] name [\".\" sub-attribute name], each name a "
                                "letter, then letters, digits, '-', '_' or '$'");
    }

    /* the URN is everything before the last ':'; the names after it are split at the dots */
    char *colon = strrchr(names.data, ':');
    char *name = colon ? colon + 1 : names.data;
    char *dot = strchr(name, '.');
    if (dot && strchr(dot + 1, '.')) {
        buf_free(&names);
        return refuse(out, err, "an attribute has at most one sub-attribute (name.sub)");
    }
    if (lb && dot && (size_t)(dot - names.data) < head) {
        buf_free(&names);
        return refuse(out, err, "a value filter applies to an attribute, not to a sub-attribute");
    }
    if (colon)
        out->urn = xstrndup(names.data, (size_t)(colon - names.data));
    out->attr = dot ? xstrndup(name, (size_t)(dot - name)) : xstrdup(name);
    out->sub = dot ? xstrdup(dot + 1) : NULL;
    buf_free(&names);
    return 0;
}

void scim_path_free(scim_path *p)
{
    free(p->urn);
    free(p->attr);
    free(p->sub);
    scim_filter_free(p->filter);
    memset(p, 0, sizeof *p);
}
