/* fuzz_csv.c — the CSV layer of the import: jobs/csv_reader.h over arbitrary bytes fed in
 * chunks, jobs/csv_writer.h, jobs/template.h on the header record and jobs/cells.h on every
 * cell. Invariants: rows numbered in increasing order within their bounds; every record
 * delivered without error, written and read again, gives the same fields; a split list joined
 * and split again, tags joined and read again, and a cell formula-escaped and unescaped give
 * what they started from; a header map is consistent both ways. Input: the first byte picks the
 * chunk size (0: the whole input at once), the rest is the file. */
#include <string.h>

#include "fuzz.h"
#include "jobs/cells.h"
#include "jobs/csv_reader.h"
#include "jobs/csv_writer.h"
#include "jobs/template.h"
#include "util/buf.h"

typedef struct state {
    int64_t last_row;
    int have_map;
    tpl_map map;
} state;

/* The one record read back from a written record. */
typedef struct reread {
    int rows;
    size_t n;
    buf bytes; /* each field's length (as text) and bytes */
} reread;

static int on_reread(void *cls, const csv_row *row)
{
    reread *rr = cls;
    rr->rows++;
    FUZZ_CHECK(row->error == NULL);
    rr->n = row->n;
    for (size_t i = 0; i < row->n; i++) {
        buf_printf(&rr->bytes, "%zu:", row->lens[i]);
        buf_append(&rr->bytes, row->fields[i], row->lens[i]);
    }
    return 0;
}

static void check_round_trip(const csv_row *row)
{
    buf out;
    buf_init(&out);
    csv_write_record(&out, row->fields, row->lens, row->n);
    reread rr = {0};
    buf_init(&rr.bytes);
    csv_reader *r = csv_reader_new(on_reread, &rr);
    FUZZ_CHECK(r);
    FUZZ_CHECK(csv_reader_feed(r, out.data, out.len) == 0);
    FUZZ_CHECK(csv_reader_finish(r) == 0);
    csv_reader_free(r);
    FUZZ_CHECK(rr.rows == 1);
    FUZZ_CHECK(rr.n == row->n);
    buf want;
    buf_init(&want);
    for (size_t i = 0; i < row->n; i++) {
        buf_printf(&want, "%zu:", row->lens[i]);
        buf_append(&want, row->fields[i], row->lens[i]);
    }
    FUZZ_CHECK(want.len == rr.bytes.len && memcmp(want.data, rr.bytes.data, want.len) == 0);
    buf_free(&want);
    buf_free(&rr.bytes);
    buf_free(&out);
}

static void check_cells(const char *cell)
{
    char err[256];
    strlist parts = {0};
    int n = cells_split(cell, &parts, err, sizeof err);
    FUZZ_CHECK(n == -1 || (size_t)n == parts.n);
    if (n > 0 && !(n == 1 && !*parts.items[0])) {
        char *joined = cells_join(&parts);
        strlist again = {0};
        FUZZ_CHECK(cells_split(joined, &again, err, sizeof err) == n);
        for (size_t i = 0; i < parts.n; i++)
            FUZZ_CHECK(strcmp(parts.items[i], again.items[i]) == 0);
        strlist_clear(&again);
        free(joined);
    }
    strlist_clear(&parts);

    kvlist tags = {0};
    err[0] = '\0';
    n = cells_tags(cell, &tags, err, sizeof err);
    FUZZ_CHECK(n == -1 ? err[0] != '\0' && tags.keys.n == 0 : (size_t)n == tags.keys.n);
    if (n > 0) {
        char *joined = cells_join_tags(&tags);
        kvlist again = {0};
        FUZZ_CHECK(cells_tags(joined, &again, err, sizeof err) == n);
        for (size_t i = 0; i < tags.keys.n; i++) {
            FUZZ_CHECK(*tags.keys.items[i]);
            FUZZ_CHECK(strcmp(tags.keys.items[i], again.keys.items[i]) == 0);
            FUZZ_CHECK(strcmp(tags.values.items[i], again.values.items[i]) == 0);
        }
        kvlist_clear(&again);
        free(joined);
    }
    kvlist_clear(&tags);

    char *escaped = cells_formula_escape(cell);
    FUZZ_CHECK(strcmp(cells_formula_unescape(escaped), cell) == 0);
    free(escaped);
    int yn = cells_yes_no(cell);
    FUZZ_CHECK(yn >= -1 && yn <= 1);
    (void)cells_phone_type(cell);
    int64_t acw;
    if (cells_acw(cell, &acw) == 0)
        FUZZ_CHECK(acw >= 0 && acw <= CELLS_ACW_MAX);
}

static void check_header(state *st, const csv_row *row)
{
    static const char *const idms[] = {"SAML", "CONNECT_MANAGED"};
    static const char *const modes[] = {"CREATE", "UPSERT"};
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < 2; k++) {
            tpl_map m;
            char err[1024];
            err[0] = '\0';
            int rc = tpl_map_header(idms[i], modes[k], row->fields, row->lens, row->n, &m, err, sizeof err);
            FUZZ_CHECK(rc == 0 || (rc == -1 && err[0] && memchr(err, '\0', sizeof err)));
            if (rc != 0)
                continue;
            FUZZ_CHECK(m.n_fields == row->n);
            for (size_t f = 0; f < m.n_fields; f++)
                if (m.col_of_field[f] >= 0)
                    FUZZ_CHECK(m.field_of_col[m.col_of_field[f]] == (int)f);
            for (int c = 0; c < TPL__COUNT; c++)
                if (m.field_of_col[c] >= 0 && c != TPL_REPORT_ROW && c != TPL_REPORT_ERROR)
                    FUZZ_CHECK(m.col_of_field[m.field_of_col[c]] == c);
            FUZZ_CHECK(m.field_of_col[TPL_LOGIN] >= 0);
            if (!st->have_map) {
                st->map = m;
                st->have_map = 1;
            }
        }
}

static int on_row(void *cls, const csv_row *row)
{
    state *st = cls;
    FUZZ_CHECK(row->row > st->last_row);
    FUZZ_CHECK(row->row == 0 || st->last_row >= 0);
    st->last_row = row->row;
    FUZZ_CHECK(row->n >= 1 && row->n <= CSV_MAX_FIELDS);
    size_t total = 0;
    for (size_t i = 0; i < row->n; i++) {
        FUZZ_CHECK(row->lens[i] <= CSV_MAX_CELL);
        FUZZ_CHECK(row->fields[i][row->lens[i]] == '\0');
        total += row->lens[i];
    }
    FUZZ_CHECK(total <= CSV_MAX_RECORD);
    if (row->error)
        return 0;
    check_round_trip(row);
    if (row->row == 0)
        check_header(st, row);
    else if (st->have_map) {
        char err[512];
        if (tpl_check_row(&st->map, row->fields, row->lens, row->n, err, sizeof err) == 0)
            for (int c = 0; c < TPL__COUNT; c++) {
                size_t len;
                const char *cell = tpl_cell(&st->map, (tpl_col)c, row->fields, row->lens, &len);
                FUZZ_CHECK(!cell || strlen(cell) == len);
            }
    }
    for (size_t i = 0; i < row->n; i++)
        check_cells(row->fields[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = data[0] % 17;
    data++;
    size--;
    if (chunk == 0)
        chunk = size ? size : 1;
    state st = {.last_row = -1};
    csv_reader *r = csv_reader_new(on_row, &st);
    FUZZ_CHECK(r);
    for (size_t off = 0; off < size; off += chunk)
        FUZZ_CHECK(csv_reader_feed(r, (const char *)data + off, size - off < chunk ? size - off : chunk) == 0);
    FUZZ_CHECK(csv_reader_finish(r) == 0);
    csv_reader_free(r);
    return 0;
}
