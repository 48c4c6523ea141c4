/* csv_writer.h — writing CSV records (RFC 4180, CRLF) that csv_reader.h reads back unchanged. */
#ifndef ROSTER_JOBS_CSV_WRITER_H
#define ROSTER_JOBS_CSV_WRITER_H

#include <stddef.h>

#include "util/buf.h"

/* Appends one record to b: the n fields joined by ',' and ended by CRLF. A field is quoted
 * (its quotes doubled) when it holds ',', '"', CR or LF, begins or ends with a space, begins
 * with a UTF-8 BOM (so the first record of a file keeps it), or is the record's only field and
 * empty (so the record is not a blank line). lens may be NULL: then each field is a C string;
 * a NULL field is written as an empty one.
 * n == 0 appends nothing (no record of no fields can be read back). Cannot fail (buf aborts on
 * out of memory). Fields are written as given: spreadsheet safety is cells_formula_escape's. */
void csv_write_record(buf *b, char *const *fields, const size_t *lens, size_t n);

#endif
