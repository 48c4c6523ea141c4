/* template.c — the template's columns per identity management type, and header matching
 * (template.h). */
#include "jobs/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/utf8.h"

/* The canonical header texts, by tpl_col. */
static const char *const TEXTS[TPL__COUNT] = {
    [TPL_FIRST_NAME] = "first name",
    [TPL_LAST_NAME] = "last name",
    [TPL_EMAIL] = "email address",
    [TPL_SECONDARY_EMAIL] = "secondary email",
    [TPL_MOBILE] = "mobile",
    [TPL_PASSWORD] = "password",
    [TPL_LOGIN] = "user login",
    [TPL_ROUTING_PROFILE] = "routing profile name",
    [TPL_SECURITY_PROFILES] = "security_profile_name_1|security_profile_name_2",
    [TPL_HIERARCHY] = "user_hierarchy_1|user_hierarchy_2",
    [TPL_PHONE_TYPE] = "phone type (soft/desk)",
    [TPL_PHONE_NUMBER] = "phone number",
    [TPL_AUTO_ACCEPT] = "soft phone auto accept (yes/no)",
    [TPL_ACW] = "ACW timeout (seconds)",
    [TPL_TAGS] = "tags",
    [TPL_REPORT_ROW] = "row",
    [TPL_REPORT_ERROR] = "error",
};

/* The other names a column goes by (Amazon's documented CONNECT_MANAGED list). */
#define HIERARCHY_ALIAS "agent hierarchy"
static const struct {
    const char *name;
    tpl_col col;
} ALIASES[] = {
    {HIERARCHY_ALIAS, TPL_HIERARCHY},
    {"secondary email address", TPL_SECONDARY_EMAIL},
};

static const tpl_col SAML_COLS[] = {
    TPL_FIRST_NAME,  TPL_LAST_NAME,   TPL_SECONDARY_EMAIL, TPL_MOBILE,          TPL_LOGIN,
    TPL_ROUTING_PROFILE, TPL_SECURITY_PROFILES, TPL_HIERARCHY, TPL_PHONE_TYPE, TPL_PHONE_NUMBER,
    TPL_AUTO_ACCEPT, TPL_ACW,         TPL_TAGS,
};
static const tpl_col MANAGED_COLS[] = {
    TPL_FIRST_NAME,  TPL_LAST_NAME,   TPL_EMAIL,  TPL_SECONDARY_EMAIL, TPL_MOBILE,
    TPL_PASSWORD,    TPL_LOGIN,       TPL_ROUTING_PROFILE, TPL_SECURITY_PROFILES, TPL_HIERARCHY,
    TPL_PHONE_TYPE,  TPL_PHONE_NUMBER, TPL_AUTO_ACCEPT, TPL_ACW, TPL_TAGS,
};
static const tpl_col CREATE_REQUIRED[] = {TPL_FIRST_NAME, TPL_LAST_NAME, TPL_LOGIN, TPL_ROUTING_PROFILE,
                                          TPL_SECURITY_PROFILES};
static const tpl_col MANAGED_REQUIRED[] = {TPL_EMAIL, TPL_PASSWORD};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
/* The longest header text quoted in a message. */
#define QUOTE_MAX 60

size_t tpl_columns(const char *idm_type, const tpl_col **out)
{
    if (idm_type && strcmp(idm_type, "SAML") == 0) {
        *out = SAML_COLS;
        return N_OF(SAML_COLS);
    }
    if (idm_type && strcmp(idm_type, "CONNECT_MANAGED") == 0) {
        *out = MANAGED_COLS;
        return N_OF(MANAGED_COLS);
    }
    *out = NULL;
    return 0;
}

const char *tpl_header_text(tpl_col c)
{
    return (int)c >= 0 && c < TPL__COUNT ? TEXTS[c] : NULL;
}

/* Returns 1 when s[0..len) equals name, ASCII case-insensitively. */
static int same_name(const char *s, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/* The column named s[0..len) (spaces and tabs around it already trimmed), or -1; *alias set when
 * the name is an alias. */
static int column_named(const char *s, size_t len, int *alias)
{
    *alias = 0;
    if (memchr(s, '\0', len))
        return -1;
    for (int c = 0; c < TPL__COUNT; c++)
        if (same_name(s, len, TEXTS[c]))
            return c;
    for (size_t i = 0; i < N_OF(ALIASES); i++)
        if (same_name(s, len, ALIASES[i].name)) {
            *alias = 1;
            return (int)ALIASES[i].col;
        }
    return -1;
}

/* Appends s[0..len) quoted for a message: cut to QUOTE_MAX bytes, invalid UTF-8 repaired. */
static void put_quoted(buf *b, const char *s, size_t len)
{
    size_t cut = len > QUOTE_MAX ? utf8_cut(s, QUOTE_MAX) : len;
    buf_putc(b, '"');
    utf8_repair(b, s, cut);
    buf_puts(b, cut < len ? "...\"" : "\"");
}

/* Copies the message in b into err and releases b. Returns -1. */
static int fail(buf *b, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", b->data);
    buf_free(b);
    return -1;
}

int tpl_map_header(const char *idm_type, const char *mode, char *const *fields, const size_t *lens, size_t n,
                   tpl_map *out, char *err, size_t errlen)
{
    buf msg;
    buf_init(&msg);
    const tpl_col *cols;
    size_t n_cols = tpl_columns(idm_type, &cols);
    int saml = n_cols == N_OF(SAML_COLS) && cols == SAML_COLS;
    int create = mode && strcmp(mode, "CREATE") == 0;
    if (!n_cols) {
        buf_puts(&msg, "unknown identity management type");
        return fail(&msg, err, errlen);
    }
    if (!create && !(mode && strcmp(mode, "UPSERT") == 0)) {
        buf_puts(&msg, "unknown import mode (CREATE or UPSERT)");
        return fail(&msg, err, errlen);
    }
    if (n > CSV_MAX_FIELDS) {
        buf_printf(&msg, "the header has more than %d columns", CSV_MAX_FIELDS);
        return fail(&msg, err, errlen);
    }
    memset(out, 0, sizeof *out);
    out->n_fields = n;
    out->alias_field = -1;
    for (size_t i = 0; i < CSV_MAX_FIELDS; i++)
        out->col_of_field[i] = -1;
    for (size_t c = 0; c < TPL__COUNT; c++)
        out->field_of_col[c] = -1;
    int hier_alias_at = -1, hier_name_at = -1;

    for (size_t i = 0; i < n; i++) {
        const char *s = fields[i] ? fields[i] : "";
        size_t len = !fields[i] ? 0 : lens ? lens[i] : strlen(s);
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!len) {
            buf_printf(&msg, "column %zu has no name in the header", i + 1);
            return fail(&msg, err, errlen);
        }
        int alias, c = column_named(s, len, &alias);
        if (c < 0) {
            buf_puts(&msg, "unknown column ");
            put_quoted(&msg, s, len);
            buf_printf(&msg, " (column %zu); the columns of a %s instance are: ", i + 1, idm_type);
            for (size_t k = 0; k < n_cols; k++)
                buf_printf(&msg, "%s%s", k ? ", " : "", TEXTS[cols[k]]);
            return fail(&msg, err, errlen);
        }
        if (saml && (c == TPL_EMAIL || c == TPL_PASSWORD)) {
            buf_printf(&msg,
                       "column \"%s\" (column %zu) does not apply to a SAML instance: its users sign in through "
                       "the identity provider, which keeps their email address and password; remove the column",
                       TEXTS[c], i + 1);
            return fail(&msg, err, errlen);
        }
        if (c == TPL_HIERARCHY) {
            int *at = alias ? &hier_alias_at : &hier_name_at;
            if (*at >= 0) {
                buf_puts(&msg, "column ");
                put_quoted(&msg, s, len);
                buf_printf(&msg, " is given twice (columns %d and %zu)", *at + 1, i + 1);
                return fail(&msg, err, errlen);
            }
            *at = (int)i;
            continue;
        }
        if (out->field_of_col[c] >= 0) {
            buf_printf(&msg, "column \"%s\" is given twice (columns %d and %zu)", TEXTS[c], out->field_of_col[c] + 1,
                       i + 1);
            return fail(&msg, err, errlen);
        }
        out->field_of_col[c] = (int)i;
        if (c != TPL_REPORT_ROW && c != TPL_REPORT_ERROR)
            out->col_of_field[i] = c;
    }
    /* The hierarchy by either name; with both, the template's name is the column. */
    int hier = hier_name_at >= 0 ? hier_name_at : hier_alias_at;
    if (hier >= 0) {
        out->field_of_col[TPL_HIERARCHY] = hier;
        out->col_of_field[hier] = TPL_HIERARCHY;
        if (hier_name_at >= 0 && hier_alias_at >= 0)
            out->alias_field = hier_alias_at;
    }

    const tpl_col *req[2] = {CREATE_REQUIRED, MANAGED_REQUIRED};
    size_t n_req[2] = {N_OF(CREATE_REQUIRED), saml ? 0 : N_OF(MANAGED_REQUIRED)};
    static const tpl_col UPSERT_REQUIRED[] = {TPL_LOGIN};
    if (!create) {
        req[0] = UPSERT_REQUIRED;
        n_req[0] = N_OF(UPSERT_REQUIRED);
        n_req[1] = 0;
    }
    size_t missing = 0;
    buf names;
    buf_init(&names);
    for (size_t g = 0; g < 2; g++)
        for (size_t k = 0; k < n_req[g]; k++)
            if (out->field_of_col[req[g][k]] < 0)
                buf_printf(&names, "%s\"%s\"", missing++ ? ", " : "", TEXTS[req[g][k]]);
    if (missing)
        buf_printf(&msg, "missing required column%s for %s on a %s instance: %s", missing > 1 ? "s" : "",
                   create ? "CREATE" : "UPSERT", idm_type, names.data);
    buf_free(&names);
    if (missing)
        return fail(&msg, err, errlen);
    buf_free(&msg);
    return 0;
}

/* The length of field i. */
static size_t field_len(char *const *fields, const size_t *lens, size_t i)
{
    return !fields[i] ? 0 : lens ? lens[i] : strlen(fields[i]);
}

int tpl_check_row(const tpl_map *m, char *const *fields, const size_t *lens, size_t n, char *err, size_t errlen)
{
    if (n != m->n_fields) {
        if (err && errlen)
            snprintf(err, errlen, "the row has %zu field%s; the header has %zu", n, n == 1 ? "" : "s", m->n_fields);
        return -1;
    }
    if (m->alias_field >= 0) {
        size_t a = (size_t)m->alias_field, h = (size_t)m->field_of_col[TPL_HIERARCHY];
        size_t alen = field_len(fields, lens, a), hlen = field_len(fields, lens, h);
        if (alen && hlen && (alen != hlen || memcmp(fields[a], fields[h], alen) != 0)) {
            buf msg;
            buf_init(&msg);
            buf_puts(&msg, "\"" HIERARCHY_ALIAS "\" ");
            put_quoted(&msg, fields[a], alen);
            buf_printf(&msg, " and \"%s\" ", TEXTS[TPL_HIERARCHY]);
            put_quoted(&msg, fields[h], hlen);
            buf_puts(&msg, " differ: fill one of them");
            return fail(&msg, err, errlen);
        }
    }
    return 0;
}

const char *tpl_cell(const tpl_map *m, tpl_col c, char *const *fields, const size_t *lens, size_t *len)
{
    if ((int)c < 0 || c >= TPL__COUNT || m->field_of_col[c] < 0 || (size_t)m->field_of_col[c] >= m->n_fields)
        return NULL;
    size_t i = (size_t)m->field_of_col[c];
    if (c == TPL_HIERARCHY && m->alias_field >= 0 && field_len(fields, lens, i) == 0)
        i = (size_t)m->alias_field;
    if (len)
        *len = field_len(fields, lens, i);
    return fields[i] ? fields[i] : "";
}
