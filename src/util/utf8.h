/* utf8.h — UTF-8 for text that came from outside: how long a valid character is, where a cut
 * must fall so that no character is split, a repaired copy for JSON, an escaped copy for logs.
 * A leaf: depends on buf only. */
#ifndef ROSTER_UTIL_UTF8_H
#define ROSTER_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The length (1..4) of the well-formed UTF-8 character at s (n bytes available), with its code
 * point in *cp (may be NULL); 0 when the bytes there are not one (stray continuation byte,
 * overlong form, surrogate, past U+10FFFF, or cut short by n). */
size_t utf8_char_len(const unsigned char *s, size_t n, uint32_t *cp);

/* The largest length <= n that does not end inside a character: drops a trailing lead byte
 * and its continuation bytes when the character they start is incomplete. Other invalid bytes
 * are left alone (utf8_repair handles them). */
size_t utf8_cut(const char *s, size_t n);

/* Appends s (n bytes) to out with every byte that is not part of a well-formed character
 * replaced by U+FFFD, so the result is valid UTF-8 (and holds no NUL: a NUL becomes U+FFFD). */
void utf8_repair(buf *out, const char *s, size_t n);

/* Appends s (n bytes) to out for a one-line log record: control bytes (below 0x20, DEL), the C1
 * controls U+0080..U+009F, '\\' and bytes that are not well-formed UTF-8 become "\xNN" per byte;
 * everything else is copied. */
void utf8_escape_log(buf *out, const char *s, size_t n);

#endif
