/* buf.h — a growable byte buffer (always NUL-terminated), the one way roster builds strings.
 *
 * Invariants: between buf_init and buf_free/buf_detach, b->data is never NULL and
 * b->data[b->len] == '\0'.
 * Allocation failure aborts the process (roster treats OOM as fatal), so the
 * append functions cannot fail and return nothing.
 * Ownership: the buffer owns data; buf_free releases it; buf_detach hands it to the caller.
 */
#ifndef ROSTER_UTIL_BUF_H
#define ROSTER_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);                 /* len = 0, keeps the storage */
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Returns the data (caller frees with free()) and leaves b released: buf_init it before reuse. */
char *buf_detach(buf *b);

/* Duplicate helpers that abort on OOM; xstrdup(NULL) returns NULL. Caller frees. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
