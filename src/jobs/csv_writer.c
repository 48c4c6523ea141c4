/* csv_writer.c — one CSV record into a buffer, quoted where csv_reader would otherwise read
 * something else back. */
#include "jobs/csv_writer.h"

#include <string.h>

/* Returns 1 when the field must be quoted to read back as itself. */
static int needs_quotes(const char *f, size_t len, size_t n_fields)
{
    if (len == 0)
        return n_fields == 1;
    if (f[0] == ' ' || f[len - 1] == ' ')
        return 1;
    if (len >= 3 && memcmp(f, "\xEF\xBB\xBF", 3) == 0)
        return 1;
    for (size_t i = 0; i < len; i++)
        if (f[i] == ',' || f[i] == '"' || f[i] == '\r' || f[i] == '\n')
            return 1;
    return 0;
}

void csv_write_record(buf *b, char *const *fields, const size_t *lens, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *f = fields[i] ? fields[i] : "";
        size_t len = !fields[i] ? 0 : lens ? lens[i] : strlen(f);
        if (i)
            buf_putc(b, ',');
        if (!needs_quotes(f, len, n)) {
            buf_append(b, f, len);
            continue;
        }
        buf_putc(b, '"');
        const char *p = f, *end = f + len;
        while (p < end) {
            const char *q = memchr(p, '"', (size_t)(end - p));
            if (!q) {
                buf_append(b, p, (size_t)(end - p));
                break;
            }
            buf_append(b, p, (size_t)(q - p) + 1);
            buf_putc(b, '"');
            p = q + 1;
        }
        buf_putc(b, '"');
    }
    buf_append(b, "\r\n", 2);
}
