/* csv_reader.c — the streaming CSV reader of csv_reader.h: libcsv in strict mode does the
 * parsing; this file drops the BOM, counts rows (blank lines included), copies each record's
 * fields under the bounds, checks UTF-8 and NUL bytes, and keeps one malformed record from
 * spoiling the rest of the file.
 *
 * Bounded memory: libcsv keeps the field being read in one buffer that it grows through its
 * realloc hook. The hook refuses to grow it past PARSER_CAP; libcsv then stops with CSV_ENOMEM
 * with its state saved, and the reader cuts the field back to CSV_MAX_CELL + 1 bytes (keeping
 * the last byte, which may be the closing quote libcsv drops when the field ends) and goes on.
 * That cut writes entry_pos, a member of the public struct csv_parser: libcsv 3.0.3 re-reads it
 * on every csv_parse call, and the field is reported as too long, so what is cut is never used.
 */
#include "jobs/csv_reader.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

/* libcsv's field buffer: never more than this (a field past CSV_MAX_CELL is cut back). */
#define PARSER_CAP (CSV_MAX_CELL + 8192)
#define PARSER_BLOCK 4096
/* Input handed to libcsv per call, so that a callback's stop takes effect soon. */
#define PARSE_CHUNK 16384

struct csv_reader {
    struct csv_parser p;
    csv_row_fn fn;
    void *cls;
    int failed;            /* the callback stopped the reader, or out of memory */
    int bom_done;          /* past the place a BOM may be */
    size_t bom_pos;        /* BOM bytes seen so far (held back until known) */
    int header_done;       /* the header record was delivered */
    int64_t next_row;      /* the number of the next record after the header */
    int prev_cr;           /* the last thing seen was a record ended by CR (so an LF is its CRLF) */
    int skip_to_end;       /* after text after a closing quote: input dropped up to the field's end */
    /* The record being read. */
    buf rec;               /* the fields' bytes, each followed by a NUL */
    size_t seen;           /* fields seen (also those left out) */
    size_t n;              /* fields kept */
    size_t bytes;          /* their bytes, without the NULs */
    int full;              /* CSV_MAX_RECORD reached: later fields left out */
    size_t offs[CSV_MAX_FIELDS];
    size_t lens[CSV_MAX_FIELDS];
    char *ptrs[CSV_MAX_FIELDS];
    char err[160];         /* the record's first problem, "" when none */
};

static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};

/* libcsv's space test: nothing is a space, so no spaces are trimmed. */
static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* libcsv's realloc hook: refuses to grow its field buffer past PARSER_CAP. */
static void *capped_realloc(void *p, size_t n)
{
    return n > PARSER_CAP ? NULL : realloc(p, n);
}

/* Records the first problem of the current record (later ones are dropped). */
static void set_error(csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(csv_reader *r, const char *fmt, ...)
{
    if (r->err[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

/* Returns 1 when s[0..n) is well-formed UTF-8. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_char_len(s + i, n - i, NULL);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

static void reset_record(csv_reader *r)
{
    buf_reset(&r->rec);
    r->seen = r->n = r->bytes = 0;
    r->full = 0;
    r->err[0] = '\0';
}

/* libcsv's field callback: keeps a copy of the field within the bounds. */
static void on_field(void *s, size_t len, void *data)
{
    csv_reader *r = data;
    r->prev_cr = 0;
    size_t k = ++r->seen;
    if (r->failed)
        return;
    if (k > CSV_MAX_FIELDS) {
        set_error(r, "more than %d fields", CSV_MAX_FIELDS);
        return;
    }
    if (r->full)
        return;
    const char *f = s ? s : "";
    size_t keep = s ? len : 0;
    if (keep > CSV_MAX_CELL) {
        set_error(r, "field %zu is longer than %d bytes", k, CSV_MAX_CELL);
        keep = utf8_cut(f, CSV_MAX_CELL);
    }
    if (r->bytes + keep > CSV_MAX_RECORD) {
        set_error(r, "the record is longer than %d bytes (at field %zu)", CSV_MAX_RECORD, k);
        r->full = 1;
        return;
    }
    if (memchr(f, '\0', keep))
        set_error(r, "a NUL byte in field %zu", k);
    else if (!utf8_ok((const unsigned char *)f, keep))
        set_error(r, "invalid UTF-8 in field %zu", k);
    r->offs[r->n] = r->rec.len;
    r->lens[r->n] = keep;
    buf_append(&r->rec, f, keep);
    buf_putc(&r->rec, '\0');
    r->n++;
    r->bytes += keep;
}

/* libcsv's record callback (CSV_REPALL_NL: also called for every line end outside a record). */
static void on_record(int c, void *data)
{
    csv_reader *r = data;
    if (r->seen == 0) { /* a line end with no record: the LF of a CRLF, or a blank line */
        if (c == '\n' && r->prev_cr) {
            r->prev_cr = 0;
            return;
        }
        r->prev_cr = c == '\r';
        if (r->header_done)
            r->next_row++;
        return;
    }
    r->prev_cr = c == '\r';
    if (!r->failed) {
        for (size_t i = 0; i < r->n; i++)
            r->ptrs[i] = r->rec.data + r->offs[i];
        csv_row row = {
            .row = r->header_done ? r->next_row++ : 0,
            .n = r->n,
            .fields = r->ptrs,
            .lens = r->lens,
            .error = r->err[0] ? r->err : NULL,
        };
        if (!r->header_done) {
            r->header_done = 1;
            r->next_row = 1;
        }
        if (r->fn(r->cls, &row) != 0)
            r->failed = 1;
    }
    reset_record(r);
}

csv_reader *csv_reader_new(csv_row_fn fn, void *cls)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_space_func(&r->p, never_space);
    csv_set_realloc_func(&r->p, capped_realloc);
    csv_set_free_func(&r->p, free);
    csv_set_blk_size(&r->p, PARSER_BLOCK);
    r->fn = fn;
    r->cls = cls;
    buf_init(&r->rec);
    return r;
}

/* Runs libcsv over data[0..n), stepping over what strict mode stops at and cutting fields that
 * reach the buffer cap. Returns 0, or -1 when stopped or out of memory. */
static int parse(csv_reader *r, const char *data, size_t n)
{
    size_t off = 0;
    while (off < n && !r->failed) {
        if (r->skip_to_end) {
            /* Up to the next ',' or line end, which libcsv (still after the closing quote) takes
             * as the field's end: quotes in what is dropped cannot turn the rest of the file into
             * one quoted field. */
            while (off < n && data[off] != ',' && data[off] != '\r' && data[off] != '\n')
                off++;
            if (off == n)
                break;
            r->skip_to_end = 0;
        }
        size_t chunk = n - off < PARSE_CHUNK ? n - off : PARSE_CHUNK;
        size_t got = csv_parse(&r->p, data + off, chunk, on_field, on_record, r);
        off += got;
        if (got == chunk)
            continue;
        int status = csv_error(&r->p);
        if (status == CSV_EPARSE) {
            /* Strict mode stopped at data[off], its state saved: a quote inside an unquoted
             * field (left out), or text after a closing quote (left out up to the field's end). */
            if (data[off] == '"') {
                set_error(r, "a quote inside unquoted field %zu (quote the whole field and write a quote as \"\")",
                          r->seen + 1);
            } else {
                set_error(r, "text after the closing quote of field %zu", r->seen + 1);
                r->skip_to_end = 1;
            }
            off++;
        } else if (status == CSV_ENOMEM && csv_get_buffer_size(&r->p) >= PARSER_CAP &&
                   r->p.entry_pos > CSV_MAX_CELL + 1) {
            /* The field reached the cap: keep CSV_MAX_CELL bytes and the last one. */
            r->p.entry_buf[CSV_MAX_CELL] = r->p.entry_buf[r->p.entry_pos - 1];
            r->p.entry_pos = CSV_MAX_CELL + 1;
        } else {
            r->failed = 1;
        }
    }
    return r->failed ? -1 : 0;
}

int csv_reader_feed(csv_reader *r, const char *data, size_t n)
{
    if (r->failed)
        return -1;
    size_t i = 0;
    while (!r->bom_done && i < n) {
        if ((unsigned char)data[i] == BOM[r->bom_pos]) {
            i++;
            if (++r->bom_pos == sizeof BOM)
                r->bom_done = 1;
        } else {
            r->bom_done = 1;
            if (r->bom_pos && parse(r, (const char *)BOM, r->bom_pos) != 0)
                return -1;
        }
    }
    return parse(r, data + i, n - i);
}

int csv_reader_finish(csv_reader *r)
{
    if (r->failed)
        return -1;
    if (!r->bom_done) {
        r->bom_done = 1;
        if (r->bom_pos && parse(r, (const char *)BOM, r->bom_pos) != 0)
            return -1;
    }
    if (csv_fini(&r->p, on_field, on_record, r) != 0) {
        /* CSV_STRICT_FINI: the input ended inside a quoted field. Deliver it, marked. */
        set_error(r, "unterminated quoted field %zu at the end of the file", r->seen + 1);
        csv_set_opts(&r->p, CSV_STRICT | CSV_REPALL_NL);
        csv_fini(&r->p, on_field, on_record, r);
        csv_set_opts(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    }
    return r->failed ? -1 : 0;
}

void csv_reader_free(csv_reader *r)
{
    if (!r)
        return;
    csv_free(&r->p);
    buf_free(&r->rec);
    free(r);
}
