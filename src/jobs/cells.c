/* cells.c — lists, tags and small values inside template cells (cells.h). */
#include "jobs/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/num.h"
#include "util/utf8.h"

/* What a tags cell may hold, said after each of its errors. */
#define TAGS_FORM "tags are written key|value, pairs separated by || (key| for an empty value)"
/* The longest piece of a cell quoted in a message. */
#define QUOTE_MAX 60

/* A quoted copy of s for a message, cut to QUOTE_MAX bytes on a character boundary, invalid
 * UTF-8 repaired. Returns a malloc'd string; the caller frees. */
static char *quoted(const char *s)
{
    buf q;
    buf_init(&q);
    size_t len = strlen(s);
    size_t cut = len > QUOTE_MAX ? utf8_cut(s, QUOTE_MAX) : len;
    buf_putc(&q, '"');
    utf8_repair(&q, s, cut);
    buf_puts(&q, cut < len ? "...\"" : "\"");
    return buf_detach(&q);
}

/* Sets err to what is wrong with a tags cell: problem (with %s standing for s quoted), then the
 * form tags take. */
static void tags_error(char *err, size_t errlen, const char *problem, const char *s)
    __attribute__((format(printf, 3, 0)));
static void tags_error(char *err, size_t errlen, const char *problem, const char *s)
{
    if (!err || !errlen)
        return;
    char *q = quoted(s);
    buf b;
    buf_init(&b);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    buf_printf(&b, problem, q);
#pragma GCC diagnostic pop
    snprintf(err, errlen, "%s; %s", b.data, TAGS_FORM);
    free(q);
    buf_free(&b);
}

int cells_split(const char *cell, strlist *out, char *err, size_t errlen)
{
    if (!cell || !*cell)
        return 0;
    size_t parts = 1;
    for (const char *p = cell; *p; p++) {
        if (*p == '\\' && (p[1] == '|' || p[1] == '\\'))
            p++;
        else if (*p == '|' && ++parts > CELLS_MAX_PARTS) {
            if (err && errlen)
                snprintf(err, errlen, "more than %d values separated by |", CELLS_MAX_PARTS);
            return -1;
        }
    }
    buf part;
    buf_init(&part);
    for (const char *p = cell;; p++) {
        if (*p == '\\' && (p[1] == '|' || p[1] == '\\')) {
            buf_putc(&part, p[1]);
            p++;
        } else if (*p == '|' || !*p) {
            strlist_push(out, part.data);
            buf_reset(&part);
            if (!*p)
                break;
        } else {
            buf_putc(&part, *p);
        }
    }
    buf_free(&part);
    return (int)parts;
}

int cells_tags(const char *cell, kvlist *out, char *err, size_t errlen)
{
    strlist parts = {0};
    int n = cells_split(cell, &parts, err, errlen);
    if (n <= 0) {
        strlist_clear(&parts);
        return n;
    }
    const size_t p = (size_t)n;
    char **s = parts.items;
    int rc = 0;
    for (size_t i = 0; i < p && rc == 0; i += 3) {
        if (i + 1 >= p) {
            if (!*s[i])
                tags_error(err, errlen, "the cell ends with || and no tag after it%.0s", "");
            else
                tags_error(err, errlen, "tag key %s has no | and value", s[i]);
            rc = -1;
        } else if (!*s[i]) {
            tags_error(err, errlen, "a tag with an empty key (value %s)", s[i + 1]);
            rc = -1;
        } else if (i + 2 < p && *s[i + 2]) {
            tags_error(err, errlen, "%s stands where || belongs", s[i + 2]);
            rc = -1;
        } else if (i + 2 < p && i + 3 >= p) {
            tags_error(err, errlen, "the cell ends with a | after the value of tag %s", s[i]);
            rc = -1;
        } else {
            for (size_t j = 0; j < i; j += 3)
                if (strcmp(s[j], s[i]) == 0) {
                    tags_error(err, errlen, "tag key %s is given twice", s[i]);
                    rc = -1;
                    break;
                }
        }
    }
    if (rc == 0)
        for (size_t i = 0; i + 1 < p; i += 3)
            kvlist_add(out, s[i], s[i + 1]);
    strlist_clear(&parts);
    return rc == 0 ? (int)((p + 1) / 3) : -1;
}

/* Appends s with its '\' and '|' escaped. */
static void put_escaped(buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '|')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

char *cells_join(const strlist *parts)
{
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < parts->n; i++) {
        if (i)
            buf_putc(&b, '|');
        put_escaped(&b, parts->items[i]);
    }
    return buf_detach(&b);
}

char *cells_join_tags(const kvlist *tags)
{
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < tags->keys.n; i++) {
        if (i)
            buf_puts(&b, "||");
        put_escaped(&b, tags->keys.items[i]);
        buf_putc(&b, '|');
        put_escaped(&b, i < tags->values.n ? tags->values.items[i] : "");
    }
    return buf_detach(&b);
}

/* Returns 1 when cell, spaces and tabs around it ignored, is word (ASCII case-insensitive). */
static int is_word(const char *cell, const char *word)
{
    if (!cell)
        return 0;
    while (*cell == ' ' || *cell == '\t')
        cell++;
    size_t len = strlen(cell);
    while (len && (cell[len - 1] == ' ' || cell[len - 1] == '\t'))
        len--;
    return len == strlen(word) && strncasecmp(cell, word, len) == 0;
}

int cells_yes_no(const char *cell)
{
    if (is_word(cell, "yes"))
        return 1;
    if (is_word(cell, "no"))
        return 0;
    return -1;
}

const char *cells_phone_type(const char *cell)
{
    if (is_word(cell, "soft") || is_word(cell, "SOFT_PHONE"))
        return "SOFT_PHONE";
    if (is_word(cell, "desk") || is_word(cell, "DESK_PHONE"))
        return "DESK_PHONE";
    return NULL;
}

int cells_acw(const char *cell, int64_t *out)
{
    if (!cell || !*cell)
        return -1;
    while (cell[0] == '0' && cell[1])
        cell++; /* leading zeros */
    size_t len = strlen(cell);
    if (len > 18) /* past any int64: out of range, and strtoll need not see it */
        return -1;
    for (size_t i = 0; i < len; i++)
        if (cell[i] < '0' || cell[i] > '9')
            return -1;
    return parse_int64(cell, 0, CELLS_ACW_MAX, out);
}

/* Returns 1 when a spreadsheet could take a cell beginning with c for a formula (or c is the
 * escape itself). */
static int formula_lead(char c)
{
    return c && strchr("=+-@\t\r'", c) != NULL;
}

char *cells_formula_escape(const char *cell)
{
    if (!cell)
        cell = "";
    if (!formula_lead(cell[0]))
        return xstrdup(cell);
    size_t len = strlen(cell);
    char *out = xmalloc(len + 2);
    out[0] = '\'';
    memcpy(out + 1, cell, len + 1);
    return out;
}

const char *cells_formula_unescape(const char *cell)
{
    if (cell && cell[0] == '\'' && formula_lead(cell[1]))
        return cell + 1;
    return cell;
}
