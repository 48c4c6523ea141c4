/* test_csv_reader.c — the streaming CSV reader (jobs/csv_reader.h) and the writer
 * (jobs/csv_writer.h): BOM, CRLF/LF/CR, quoted line breaks, blank lines counted, spaces kept,
 * malformed quotes failing their own row only, wrong UTF-8 and NUL, the bounds (with memory
 * staying bounded), any chunking, the callback's stop, and records written reading back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "jobs/csv_reader.h"
#include "jobs/csv_writer.h"
#include "util/buf.h"

/* ---- a collector: every row rendered as "ROW:[f1][f2]!error\n" --------------------------------- */

typedef struct collect {
    buf out;
    int stop_at;  /* row number at which the callback stops, or -1 */
    int calls;
    int64_t max_row;
} collect;

static int on_row(void *cls, const csv_row *row)
{
    collect *c = cls;
    c->calls++;
    assert_true(row->n <= CSV_MAX_FIELDS);
    buf_printf(&c->out, "%lld:", (long long)row->row);
    for (size_t i = 0; i < row->n; i++) {
        assert_true(row->lens[i] <= CSV_MAX_CELL);
        assert_int_equal(row->fields[i][row->lens[i]], '\0');
        buf_putc(&c->out, '[');
        if (row->lens[i] > 40)
            buf_printf(&c->out, "<%zu bytes>", row->lens[i]);
        else
            buf_append(&c->out, row->fields[i], row->lens[i]);
        buf_putc(&c->out, ']');
    }
    if (row->error)
        buf_printf(&c->out, "!%s", row->error);
    buf_putc(&c->out, '\n');
    return c->stop_at >= 0 && row->row == c->stop_at ? -1 : 0;
}

/* Reads data[0..n) in chunks of `chunk` bytes (0: whole). Returns the rendering (caller frees). */
static char *read_chunked(const char *data, size_t n, size_t chunk)
{
    collect c = {.stop_at = -1};
    buf_init(&c.out);
    csv_reader *r = csv_reader_new(on_row, &c);
    assert_non_null(r);
    if (!chunk)
        chunk = n ? n : 1;
    for (size_t off = 0; off < n; off += chunk)
        assert_int_equal(csv_reader_feed(r, data + off, n - off < chunk ? n - off : chunk), 0);
    assert_int_equal(csv_reader_finish(r), 0);
    csv_reader_free(r);
    return buf_detach(&c.out);
}

/* Reads data split once at `at`. Returns the rendering (caller frees). */
static char *read_split(const char *data, size_t n, size_t at)
{
    collect c = {.stop_at = -1};
    buf_init(&c.out);
    csv_reader *r = csv_reader_new(on_row, &c);
    assert_int_equal(csv_reader_feed(r, data, at), 0);
    assert_int_equal(csv_reader_feed(r, data + at, n - at), 0);
    assert_int_equal(csv_reader_finish(r), 0);
    csv_reader_free(r);
    return buf_detach(&c.out);
}

#define READS(input, expected)                                                                      \
    do {                                                                                            \
        char *got_ = read_chunked((input), sizeof(input) - 1, 0);                                   \
        assert_string_equal(got_, (expected));                                                      \
        free(got_);                                                                                 \
    } while (0)

/* ---- the format --------------------------------------------------------------------------------- */

static void line_ends_and_blank_lines(void **state)
{
    (void)state;
    READS("a,b\r\nc,d\n", "0:[a][b]\n1:[c][d]\n");
    /* LF, CRLF, lone CR; blank lines are counted, not delivered. */
    READS("h\n\nx\r\n\r\ny\rz\n", "0:[h]\n2:[x]\n4:[y]\n5:[z]\n");
    READS("h\r\n\r\n\r\n\r\nx", "0:[h]\n4:[x]\n");
    READS("h\n\r\rx\n", "0:[h]\n3:[x]\n");
    /* Blank lines before the header do not count: the header is row 0. */
    READS("\n\r\nh\nx\n", "0:[h]\n1:[x]\n");
    /* The last record without a line end; a trailing comma is an empty field. */
    READS("h\nlast", "0:[h]\n1:[last]\n");
    READS("h\nlast,", "0:[h]\n1:[last][]\n");
    READS("", "");
    READS("\n\n", "");
    /* Spaces around unquoted fields are kept; a line of spaces or commas is a record. */
    READS(" a , b \n \n,,\n", "0:[ a ][ b ]\n1:[ ]\n2:[][][]\n");
}

static void bom(void **state)
{
    (void)state;
    READS("\xEF\xBB\xBF"
          "a,b\n1,2",
          "0:[a][b]\n1:[1][2]\n");
    READS("\xEF\xBB\xBF", "");
    /* Only one, only at the very start. */
    READS("\xEF\xBB\xBF\xEF\xBB\xBF"
          "a\n",
          "0:[\xEF\xBB\xBF"
          "a]\n");
    READS("a\n\xEF\xBB\xBF"
          "b\n",
          "0:[a]\n1:[\xEF\xBB\xBF"
          "b]\n");
    /* A start that is not a whole BOM is data. */
    READS("\xEF\xBBx\n", "0:[\xEF\xBBx]!invalid UTF-8 in field 1\n");
    READS("\xEF", "0:[\xEF]!invalid UTF-8 in field 1\n");
}

static void quoted_fields(void **state)
{
    (void)state;
    READS("h\n\"a,b\",\"c\"\"d\",\"e\r\nf\",\"\"\n", "0:[h]\n1:[a,b][c\"d][e\r\nf][]\n");
    /* A quoted line break does not count as a row. */
    READS("h\n\"1\n2\n3\"\nnext\n", "0:[h]\n1:[1\n2\n3]\n2:[next]\n");
    /* Spaces inside quotes are kept. */
    READS("\" a \",\" \"\n", "0:[ a ][ ]\n");
    READS("\"\"\n", "0:[]\n");
}

static void malformed_quotes_fail_their_row_only(void **state)
{
    (void)state;
    READS("h\nab\"c,d\nnext,1\n",
          "0:[h]\n1:[abc][d]!a quote inside unquoted field 1 (quote the whole field and write a quote as \"\")\n"
          "2:[next][1]\n");
    READS("h\n\"x\"y,z\nok,2\n", "0:[h]\n1:[x][z]!text after the closing quote of field 1\n2:[ok][2]\n");
    READS("h\n\"x\" ,z\nok,2\n", "0:[h]\n1:[x][z]!text after the closing quote of field 1\n2:[ok][2]\n");
    /* Quotes in the text after a closing quote do not open a quoted field. */
    READS("h\n\"a\"b\"c,d\nnext,1\n", "0:[h]\n1:[a][d]!text after the closing quote of field 1\n2:[next][1]\n");
    READS("h\n\"a\"\"\"b\"\"\r\"\"\nnext\n",
          "0:[h]\n1:[a\"]!text after the closing quote of field 1\n2:[]\n3:[next]\n");
    READS("h\na,\"x\"yy\nok\n", "0:[h]\n1:[a][x]!text after the closing quote of field 2\n2:[ok]\n");
    /* The first problem is the one reported. */
    READS("h\na\"b,\"c\"d\n", "0:[h]\n1:[ab][c]!a quote inside unquoted field 1 (quote the whole field and write a "
                              "quote as \"\")\n");
    /* An unterminated quoted field at the end. */
    READS("h\nok,\"abc\nxyz", "0:[h]\n1:[ok][abc\nxyz]!unterminated quoted field 2 at the end of the file\n");
    READS("h\n\"", "0:[h]\n1:[]!unterminated quoted field 1 at the end of the file\n");
    /* A closed quote at the end is fine. */
    READS("h\n\"abc\"", "0:[h]\n1:[abc]\n");
}

static void invalid_utf8_and_nul(void **state)
{
    (void)state;
    READS("h\nok,\xff\nnext\n", "0:[h]\n1:[ok][\xff]!invalid UTF-8 in field 2\n2:[next]\n");
    READS("h\n\xc3\xa9,\xed\xa0\x80\n", "0:[h]\n1:[\xc3\xa9][\xed\xa0\x80]!invalid UTF-8 in field 2\n");
    READS("h\n\xc0\xaf\n", "0:[h]\n1:[\xc0\xaf]!invalid UTF-8 in field 1\n");
    /* A character cut by a field end is invalid; a character cut by a chunk end is not. */
    READS("h\n\xe2\x82,\xac\n", "0:[h]\n1:[\xe2\x82][\xac]!invalid UTF-8 in field 1\n");
    static const char nul[] = "h\na,b\0c\nnext\n";
    static const char want[] = "0:[h]\n1:[a][b\0c]!a NUL byte in field 2\n2:[next]\n";
    char *got = read_chunked(nul, sizeof nul - 1, 0);
    assert_int_equal(memcmp(got, want, sizeof want), 0);
    free(got);
}

/* A tricky file: every kind of record end, quotes, a BOM, multi-byte characters, a malformed row.
 * Split at every byte boundary and fed a byte at a time, it reads the same as whole. */
static void any_chunking(void **state)
{
    (void)state;
    static const char tricky[] = "\xEF\xBB\xBF"
                                 "first name,\"last, name\",tags\r\n"
                                 "\r\n"
                                 "\"multi\r\nline\",\"q\"\"q\",k|v||k2|\r"
                                 "\xc3\xa9t\xc3\xa9,\xf0\x9f\x98\x80,\n"
                                 "\n"
                                 "bad\"quote,\"x\"y,\xff\r\n"
                                 " spaced , \"\" ,\"\"\"\"\r\n"
                                 "\"unterminated,\r\nstill";
    const size_t n = sizeof tricky - 1;
    char *whole = read_chunked(tricky, n, 0);
    assert_string_equal(whole, "0:[first name][last, name][tags]\n"
                               "2:[multi\r\nline][q\"q][k|v||k2|]\n"
                               "3:[\xc3\xa9t\xc3\xa9][\xf0\x9f\x98\x80][]\n"
                               "5:[badquote][x][\xff]!a quote inside unquoted field 1 (quote the whole field and "
                               "write a quote as \"\")\n"
                               "6:[ spaced ][  ][\"]!a quote inside unquoted field 2 (quote the whole field and "
                               "write a quote as \"\")\n"
                               "7:[unterminated,\r\nstill]!unterminated quoted field 1 at the end of the file\n");
    for (size_t at = 0; at <= n; at++) {
        char *got = read_split(tricky, n, at);
        assert_string_equal(got, whole);
        free(got);
    }
    char *bytes = read_chunked(tricky, n, 1);
    assert_string_equal(bytes, whole);
    free(bytes);
    free(whole);
}

/* ---- the bounds ----------------------------------------------------------------------------------- */

static void cell_bound(void **state)
{
    (void)state;
    buf in;
    buf_init(&in);
    /* Exactly CSV_MAX_CELL bytes is fine; one more is an error, the field cut. */
    buf_puts(&in, "h\n");
    for (size_t i = 0; i < CSV_MAX_CELL; i++)
        buf_putc(&in, 'x');
    buf_puts(&in, ",b\n\"");
    for (size_t i = 0; i < 200000; i++)
        buf_putc(&in, i % 1000 == 999 ? '\n' : 'y');
    buf_puts(&in, "\",b\nnext\n");
    for (size_t chunk = 0; chunk <= 7; chunk += 7) {
        char *got = read_chunked(in.data, in.len, chunk);
        assert_string_equal(got, "0:[h]\n1:[<65536 bytes>][b]\n2:[<65536 bytes>][b]!field 1 is longer than 65536 "
                                 "bytes\n3:[next]\n");
        free(got);
    }
    /* The cut falls on a character boundary. */
    buf_reset(&in);
    buf_putc(&in, 'a');
    for (size_t i = 0; i < CSV_MAX_CELL; i++)
        buf_puts(&in, "\xc3\xa9");
    char *got = read_chunked(in.data, in.len, 0);
    assert_string_equal(got, "0:[<65535 bytes>]!field 1 is longer than 65536 bytes\n");
    free(got);
    buf_free(&in);
}

static void field_count_bound(void **state)
{
    (void)state;
    buf in;
    buf_init(&in);
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        buf_puts(&in, i ? ",f" : "f");
    buf_puts(&in, "\n");
    for (int i = 0; i < CSV_MAX_FIELDS + 1; i++)
        buf_puts(&in, i ? ",g" : "g");
    buf_puts(&in, "\nnext\n");
    char *got = read_chunked(in.data, in.len, 0);
    buf want;
    buf_init(&want);
    buf_puts(&want, "0:");
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        buf_puts(&want, "[f]");
    buf_puts(&want, "\n1:");
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        buf_puts(&want, "[g]");
    buf_puts(&want, "!more than 64 fields\n2:[next]\n");
    assert_string_equal(got, want.data);
    free(got);
    buf_free(&want);
    buf_free(&in);
}

static void record_bound(void **state)
{
    (void)state;
    buf in;
    buf_init(&in);
    buf_puts(&in, "h\n");
    for (int f = 0; f < 20; f++) {
        if (f)
            buf_putc(&in, ',');
        for (int i = 0; i < 60000; i++)
            buf_putc(&in, 'z');
    }
    buf_puts(&in, "\nnext\n");
    char *got = read_chunked(in.data, in.len, 4096);
    buf want;
    buf_init(&want);
    buf_puts(&want, "0:[h]\n1:");
    for (int i = 0; i < 17; i++) /* 17 * 60000 <= 1 MiB < 18 * 60000 */
        buf_puts(&want, "[<60000 bytes>]");
    buf_puts(&want, "!the record is longer than 1048576 bytes (at field 18)\n2:[next]\n");
    assert_string_equal(got, want.data);
    free(got);
    buf_free(&want);
    buf_free(&in);
}

static int count_rows(void *cls, const csv_row *row)
{
    (void)row;
    ++*(int *)cls;
    return 0;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* 96 MiB of one quoted field (line breaks and doubled quotes in it) go through without the
 * reader's memory growing past a few MiB: the process's peak RSS grows by less than 16 MiB. */
static void memory_stays_bounded(void **state)
{
    (void)state;
    enum { CHUNK = 65536, CHUNKS = 96 * 16 };
    char *chunk = malloc(CHUNK);
    for (size_t i = 0; i < CHUNK; i++)
        chunk[i] = i % 100 == 0 ? '\n' : i % 100 == 50 || i % 100 == 51 ? '"' : 'q'; /* "" pairs */
    int rows = 0;
    csv_reader *r = csv_reader_new(count_rows, &rows);
    assert_int_equal(csv_reader_feed(r, "h\n\"", 3), 0);
    long before = max_rss_kib();
    for (int i = 0; i < CHUNKS; i++)
        assert_int_equal(csv_reader_feed(r, chunk, CHUNK), 0);
    long after = max_rss_kib();
    assert_int_equal(csv_reader_feed(r, "\"\nnext\n", 7), 0);
    assert_int_equal(csv_reader_finish(r), 0);
    csv_reader_free(r);
    free(chunk);
    assert_int_equal(rows, 3);
    assert_true(after - before < 16 * 1024);
}

/* ---- the callback's stop -------------------------------------------------------------------------- */

static void callback_stops(void **state)
{
    (void)state;
    collect c = {.stop_at = 1};
    buf_init(&c.out);
    csv_reader *r = csv_reader_new(on_row, &c);
    static const char in[] = "h\na\nb\nc\n";
    assert_int_equal(csv_reader_feed(r, in, sizeof in - 1), -1);
    assert_int_equal(csv_reader_feed(r, "d\n", 2), -1);
    assert_int_equal(csv_reader_finish(r), -1);
    csv_reader_free(r);
    assert_int_equal(c.calls, 2);
    assert_string_equal(c.out.data, "0:[h]\n1:[a]\n");
    buf_free(&c.out);
    csv_reader_free(NULL);
}

/* ---- the writer ----------------------------------------------------------------------------------- */

static void writer_quotes_where_needed(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    char *f1[] = {"a", "b c", "", "x,y", "q\"q", " lead", "trail ", "l\nf", "c\rr", "\xEF\xBB\xBF" "bom", "+1"};
    csv_write_record(&b, f1, NULL, sizeof f1 / sizeof f1[0]);
    assert_string_equal(b.data,
                        "a,b c,,\"x,y\",\"q\"\"q\",\" lead\",\"trail \",\"l\nf\",\"c\rr\",\"\xEF\xBB\xBF"
                        "bom\",+1\r\n");
    buf_reset(&b);
    char *one[] = {""};
    csv_write_record(&b, one, NULL, 1);
    assert_string_equal(b.data, "\"\"\r\n");
    buf_reset(&b);
    csv_write_record(&b, one, NULL, 0);
    assert_string_equal(b.data, "");
    size_t lens[] = {3, 0};
    char *nul[] = {"a\0b", NULL};
    csv_write_record(&b, nul, lens, 2);
    assert_int_equal(b.len, 6);
    assert_int_equal(memcmp(b.data, "a\0b,\r\n", 6), 0);
    buf_free(&b);
}

/* Every record written reads back as the same fields, the first record of a file included. */
static void written_records_read_back(void **state)
{
    (void)state;
    char *records[][4] = {
        {"", NULL},
        {"\xEF\xBB\xBF", "x", NULL},
        {"", "", NULL},
        {" ", "  two  ", NULL},
        {"\"", "\"\"", "\"a\"", NULL},
        {"\r", "\n", "\r\n", NULL},
        {"a,b", ",", "é|ü\\", NULL},
        {"'=1+2", "+33123", "-", NULL},
    };
    const size_t n_rec = sizeof records / sizeof records[0];
    buf file;
    buf_init(&file);
    buf want;
    buf_init(&want);
    for (size_t i = 0; i < n_rec; i++) {
        size_t n = 0;
        while (n < 4 && records[i][n])
            n++;
        csv_write_record(&file, records[i], NULL, n);
        buf_printf(&want, "%zu:", i);
        for (size_t k = 0; k < n; k++)
            buf_printf(&want, "[%s]", records[i][k]);
        buf_putc(&want, '\n');
    }
    char *got = read_chunked(file.data, file.len, 0);
    assert_string_equal(got, want.data);
    free(got);
    got = read_chunked(file.data, file.len, 1);
    assert_string_equal(got, want.data);
    free(got);
    buf_free(&file);
    buf_free(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_ends_and_blank_lines),
        cmocka_unit_test(bom),
        cmocka_unit_test(quoted_fields),
        cmocka_unit_test(malformed_quotes_fail_their_row_only),
        cmocka_unit_test(invalid_utf8_and_nul),
        cmocka_unit_test(any_chunking),
        cmocka_unit_test(cell_bound),
        cmocka_unit_test(field_count_bound),
        cmocka_unit_test(record_bound),
        cmocka_unit_test(memory_stays_bounded),
        cmocka_unit_test(callback_stops),
        cmocka_unit_test(writer_quotes_where_needed),
        cmocka_unit_test(written_records_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
