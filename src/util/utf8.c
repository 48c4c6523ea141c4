/* utf8.c — strict UTF-8 decoding (RFC 3629) and the repairs built on it. */
#include "util/utf8.h"

#include <stdio.h>

size_t utf8_char_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        len = 1, v = c, min = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* a continuation byte, 0xc0/0xc1 (always overlong) or 0xf5.. */
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    if (cp)
        *cp = v;
    return len;
}

size_t utf8_cut(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    /* Step back over at most three continuation bytes to the lead byte of the last character. */
    size_t i = n, back = 0;
    while (i > 0 && back < 3 && (u[i - 1] & 0xc0) == 0x80)
        i--, back++;
    if (i == 0 || u[i - 1] < 0xc0)
        return n; /* ASCII last, or stray continuation bytes: nothing is cut in the middle */
    unsigned char lead = u[i - 1];
    size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    return back + 1 < want ? i - 1 : n;
}

void utf8_repair(buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char_len(u + i, n - i, NULL);
        if (len == 0 || u[i] == 0) {
            buf_puts(out, "\xef\xbf\xbd");
            i++;
        } else {
            buf_append(out, u + i, len);
            i += len;
        }
    }
}

void utf8_escape_log(buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = utf8_char_len(u + i, n - i, &cp);
        if (len == 0 || cp < 0x20 || cp == 0x7f || cp == '\\' || (cp >= 0x80 && cp <= 0x9f)) {
            if (len == 0)
                len = 1;
            for (size_t j = 0; j < len; j++)
                buf_printf(out, "\\x%02x", u[i + j]);
        } else {
            buf_append(out, u + i, len);
        }
        i += len;
    }
}
