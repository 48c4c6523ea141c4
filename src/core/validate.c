/* validate.c — the field rules every door calls. Unicode classes for tag keys use glibc's
 * wide-character tables under a private C.UTF-8 locale object, never the global locale. */
#include "core/validate.h"

#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "util/utf8.h"

size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n++;
    return n;
}

int validate_length(rerr *e, const char *field, const char *s, size_t min, size_t max)
{
    size_t n = s ? utf8_count(s) : 0;
    if (n < min || n > max) {
        if (min == max)
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be exactly %zu characters long (got %zu)",
                            field, min, n);
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be %zu to %zu characters long (got %zu)", field,
                        min, max, n);
    }
    return 0;
}

int validate_text(rerr *e, const char *field, const char *s, size_t min, size_t max)
{
    if (validate_length(e, field, s, min, max))
        return -1;
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_char_len((const unsigned char *)s + i, len - i, &cp);
        if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be UTF-8 text without control characters",
                            field);
        i += k;
    }
    return 0;
}

int validate_enum(rerr *e, const char *field, const char *s, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (s && strcmp(s, allowed[i]) == 0)
            return 0;
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; allowed[i] && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s has the invalid value '%.100s'; allowed: %s", field,
                    s ? s : "", list);
}

int validate_range(rerr *e, const char *field, int64_t v, int64_t min, int64_t max)
{
    if (v < min || v > max)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be between %lld and %lld (got %lld)", field,
                        (long long)min, (long long)max, (long long)v);
    return 0;
}

int validate_instance_alias(rerr *e, const char *alias)
{
    const char *f = "InstanceAlias";
    if (validate_length(e, f, alias, 1, 45))
        return -1;
    size_t n = strlen(alias);
    int ok = isalnum((unsigned char)alias[0]) && isalnum((unsigned char)alias[n - 1]) &&
             strncmp(alias, "d-", 2) != 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)alias[i]) || alias[i] == '-';
    if (!ok)
        return rerr_set(e, ERR_INVALID_PARAMETER, f,
                        "InstanceAlias '%s' is not valid: use letters, digits and hyphens, starting and "
                        "ending with a letter or digit, and not starting with 'd-'", alias);
    return 0;
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Decodes one UTF-8 sequence at *p, advancing it; returns the code point or -1. */
static long utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    long cp;
    int extra;
    if (s[0] < 0x80) {
        cp = s[0];
        extra = 0;
    } else if ((s[0] & 0xe0) == 0xc0) {
        cp = s[0] & 0x1f;
        extra = 1;
    } else if ((s[0] & 0xf0) == 0xe0) {
        cp = s[0] & 0x0f;
        extra = 2;
    } else if ((s[0] & 0xf8) == 0xf0) {
        cp = s[0] & 0x07;
        extra = 3;
    } else {
        return -1;
    }
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *p = s + extra + 1;
    return cp;
}

/* \p{Z}: space separators and the line/paragraph separators. */
static int is_separator(long cp)
{
    return cp == 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

static int tag_char_ok(long cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) || strchr(" _.:/=+-@", (int)cp) != NULL;
    if (is_separator(cp))
        return 1;
    pthread_once(&utf8_once, utf8_init);
    if (utf8_locale == (locale_t)0)
        return 1; /* no Unicode tables on this system: accept rather than refuse every non-ASCII key */
    return iswalnum_l((wint_t)cp, utf8_locale) != 0;
}

int validate_tag_key(rerr *e, const char *field, const char *key)
{
    if (validate_length(e, field, key, 1, 128))
        return -1;
    if (strncmp(key, "aws:", 4) == 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, field,
                        "tag key '%.128s' is not allowed: keys starting with 'aws:' are reserved", key);
    const unsigned char *p = (const unsigned char *)key;
    while (*p) {
        long cp = utf8_next(&p);
        if (cp < 0 || !tag_char_ok(cp))
            return rerr_set(e, ERR_INVALID_PARAMETER, field,
                            "tag key '%.128s' has a character that is not allowed: use letters, digits, "
                            "spaces and _ . : / = + - @", key);
    }
    return 0;
}

int validate_max_entries(rerr *e, const char *field, size_t n, size_t max)
{
    if (n <= max)
        return 0;
    return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s holds at most %zu entries (got %zu)", field, max, n);
}

int validate_tags(rerr *e, const char *field, const kvlist *tags)
{
    if (tags->keys.n < 1 || tags->keys.n > 50)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must have 1 to 50 entries (got %zu)", field,
                        tags->keys.n);
    for (size_t i = 0; i < tags->keys.n; i++) {
        if (validate_tag_key(e, field, tags->keys.items[i]))
            return -1;
        if (utf8_count(tags->values.items[i]) > 256)
            return rerr_set(e, ERR_INVALID_PARAMETER, field,
                            "the value of tag '%.128s' must be at most 256 characters long", tags->keys.items[i]);
    }
    return 0;
}

int validate_id(rerr *e, const char *field, const char *id, size_t max)
{
    return validate_length(e, field, id, 1, max);
}

/* Consumes [a-z]+ at *p; returns the number of letters taken. */
static size_t lower_run(const char **p)
{
    size_t n = 0;
    while (**p >= 'a' && **p <= 'z') {
        (*p)++;
        n++;
    }
    return n;
}

int validate_region(rerr *e, const char *region)
{
    const char *p = region ? region : "";
    int ok = lower_run(&p) == 2;
    int words = 0;
    while (ok && *p == '-' && p[1] >= 'a' && p[1] <= 'z') {
        p++;
        lower_run(&p);
        words++;
    }
    ok = ok && words >= 1 && words <= 2;
    if (ok && *p == '-' && p[1] >= '0' && p[1] <= '9')
        p += 2;
    if (!ok || *p)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Region", "'%.64s' is not a region name such as us-east-1",
                        region ? region : "");
    return 0;
}
