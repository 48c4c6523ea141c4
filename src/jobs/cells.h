/* cells.h — the values inside the template's cells: lists joined by '|' (security profiles, the
 * hierarchy path), tags "key|value||key|value", yes/no, soft/desk, ACW seconds, and the
 * spreadsheet-safety escape of exported cells. Pure functions of text: no store, no rules of
 * the users issue (lengths, allowed characters, resolution of names are core's).
 *
 * The escape inside lists and tags: '|' is written "\|" and '\' is written "\\". Reading, any
 * other backslash stays as it is ("a\b" is a\b), so a cell written by hand without escapes
 * means what it shows unless it holds "\|" or "\\".
 */
#ifndef ROSTER_JOBS_CELLS_H
#define ROSTER_JOBS_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

#define CELLS_MAX_PARTS 1000

/* Splits cell on unescaped '|' into out (appended; the caller clears), unescaping "\|" and
 * "\\". An empty cell has 0 parts; "a|" is "a" and "". Returns the count of parts, or -1 with a
 * message in err (more than CELLS_MAX_PARTS parts; nothing appended then). */
int cells_split(const char *cell, strlist *out, char *err, size_t errlen);

/* Tags "key|value||key|value": split as cells_split into key, value, "", key, value...; "key|"
 * is key -> "", "a|||b|c" is a -> "" and b -> "c". Appends to out with kvlist_add (the caller
 * clears). Returns the count of tags (0 for an empty cell), or -1 with err saying what is
 * allowed (nothing appended): a separator that is not empty, a key without its '|', an empty
 * key, a key given twice, too many parts. */
int cells_tags(const char *cell, kvlist *out, char *err, size_t errlen);

/* The writing side: each part's '\' and '|' escaped, joined by '|' (tags: key|value joined by
 * "||"). cells_split(cells_join(x)) == x for every list x except [""] (which joins to "", an
 * empty cell); cells_tags(cells_join_tags(t)) == t for every t with non-empty, distinct keys.
 * Returns a malloc'd string; the caller frees. */
char *cells_join(const strlist *parts);
char *cells_join_tags(const kvlist *tags);

/* "yes"/"no" (ASCII case-insensitive, spaces around ignored) -> 1/0; anything else -1. */
int cells_yes_no(const char *cell);

/* "soft"/"desk" or "SOFT_PHONE"/"DESK_PHONE" (ASCII case-insensitive, spaces around ignored) ->
 * "SOFT_PHONE"/"DESK_PHONE" (static); anything else NULL. */
const char *cells_phone_type(const char *cell);

/* ACW timeout in seconds: decimal digits only (no sign, no spaces), 0..2000000. Returns 0 with
 * *out set, or -1. */
#define CELLS_ACW_MAX 2000000
int cells_acw(const char *cell, int64_t *out);

/* Spreadsheet safety. Export: a cell beginning with = + - @ TAB CR or ' gets one leading '
 * (returns a malloc'd copy; the caller frees). Import: a cell beginning with ' followed by one
 * of = + - @ TAB CR ' loses that one ' (returns a pointer into cell, nothing to free).
 * cells_formula_unescape(cells_formula_escape(x)) equals x for every x. */
char *cells_formula_escape(const char *cell);
const char *cells_formula_unescape(const char *cell);

#endif
