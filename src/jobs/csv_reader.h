/* csv_reader.h — a streaming RFC 4180 reader over libcsv: bytes in (any chunking), one callback
 * per record out, with bounded memory whatever the input.
 *
 * What it reads:
 * - One UTF-8 BOM at the very start is dropped. CRLF, LF and a lone CR end a record. Quoted
 *   fields may hold ',', '"' (written "") and line breaks. Spaces around unquoted fields are kept
 *   as they are (header matching and the user rules trim, not the reader).
 * - Blank lines (nothing between two line ends) are not delivered but are counted in row numbers.
 *   A line of spaces, or of commas only, is a record like any other. Blank lines before the
 *   header record are not counted: the header is always row 0.
 * - A malformed quote fails only its own record, never the rest of the file: a quote inside an
 *   unquoted field (ab"c) and text after a closing quote ("ab"c, also "ab" followed by a space)
 *   deliver the record with `error` set. The offending quote, or the text between the closing
 *   quote and the next ',' or line end (quotes in it included), is left out of the field, so the
 *   next record starts where it would in a well-formed file. (libcsv runs in strict mode; the
 *   reader steps over what strict mode stops at.) Only a quoted field that is never closed runs
 *   to the end of the input: it is delivered as one record, with `error` set.
 * - Bounds: a field over CSV_MAX_CELL bytes is delivered cut to CSV_MAX_CELL bytes; fields past
 *   the CSV_MAX_FIELDS-th, and fields that would take the record past CSV_MAX_RECORD bytes, are
 *   left out; a field holding a NUL byte or invalid UTF-8 is delivered as it is. In each case the
 *   record carries `error` (the first problem found, naming the field, counted from 1). The
 *   reader holds at most about CSV_MAX_RECORD + 2 * CSV_MAX_CELL bytes whatever the input.
 *
 * Ownership: the reader owns everything a csv_row points to; it is valid during the callback only.
 */
#ifndef ROSTER_JOBS_CSV_READER_H
#define ROSTER_JOBS_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#define CSV_MAX_CELL 65536            /* bytes in one field */
#define CSV_MAX_FIELDS 64             /* fields in one record */
#define CSV_MAX_RECORD (1024 * 1024)  /* bytes of all fields of one record */

typedef struct csv_row {
    int64_t row;        /* 0 = the header record; then 1, 2, ...: the ordinal of the record after the
                           header, blank lines counted */
    size_t n;           /* fields delivered (at most CSV_MAX_FIELDS) */
    char **fields;      /* NUL-terminated copies, valid during the callback only */
    size_t *lens;       /* their lengths in bytes */
    const char *error;  /* NULL, or why the record is unusable as a whole (kept by the reader until
                           the next callback): "invalid UTF-8 in field 4", "field 2 is longer than
                           65536 bytes", "more than 64 fields", "a NUL byte in field 2",
                           "unterminated quoted field 3 at the end of the file", ... */
} csv_row;

/* Called once per record: returns 0 to go on, -1 to stop the reader. */
typedef int (*csv_row_fn)(void *cls, const csv_row *row);

typedef struct csv_reader csv_reader;

/* A new reader calling fn(cls, row) for every record. Returns NULL on out of memory; the caller
 * frees with csv_reader_free. */
csv_reader *csv_reader_new(csv_row_fn fn, void *cls);

/* Reads the next n bytes of the input (any chunking works, one byte at a time included).
 * Returns 0, or -1 when the callback stopped the reader (now or before) or out of memory;
 * after -1 the reader only returns -1. */
int csv_reader_feed(csv_reader *r, const char *data, size_t n);

/* Ends the input: delivers the last record when it has no line end. Returns as feed does. */
int csv_reader_finish(csv_reader *r);

/* Releases the reader; NULL is allowed. */
void csv_reader_free(csv_reader *r);

#endif
