/* validate.h — field rules shared by every door (API, CSV, bulk edit, SCIM, console).
 *
 * Each check returns 0 when the value is acceptable, or fills *e with ERR_INVALID_PARAMETER
 * naming the field, what was wrong and what is allowed, and returns -1.
 */
#ifndef ROSTER_CORE_VALIDATE_H
#define ROSTER_CORE_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/model.h"

/* Number of Unicode code points in the UTF-8 string s (invalid bytes count one each). */
size_t utf8_count(const char *s);

int validate_length(rerr *e, const char *field, const char *s, size_t min, size_t max);
/* A name or other text shown to people: min..max characters of well-formed UTF-8 without control
 * characters (C0, DEL, C1). */
int validate_text(rerr *e, const char *field, const char *s, size_t min, size_t max);
/* allowed is NULL-terminated. */
int validate_enum(rerr *e, const char *field, const char *s, const char *const *allowed);
int validate_range(rerr *e, const char *field, int64_t v, int64_t min, int64_t max);

/* InstanceAlias: 1..45 of [A-Za-z0-9-], starting and ending with a letter or digit, not "d-…". */
int validate_instance_alias(rerr *e, const char *alias);

/* A list or map read from a request holds at most max entries: "<field> holds at most <max> entries
 * (got <n>)". The readers call it before copying anything, so an oversized body costs nothing. */
int validate_max_entries(rerr *e, const char *field, size_t n, size_t max);

/* Tag rules: 1..50 entries; key 1..128 of letters, digits, separators and _ . : / = + - @,
 * not starting with "aws:"; value 0..256. field names the map ("Tags", "tags"). */
int validate_tag_key(rerr *e, const char *field, const char *key);
int validate_tags(rerr *e, const char *field, const kvlist *tags);

/* A region name: [a-z]{2}(-[a-z]+){1,2}(-[0-9])? (e.g. us-east-1, us-gov-west-1). */
int validate_region(rerr *e, const char *region);

/* Resource identifiers in paths: 1..100 characters (InstanceId) or 1..256 (others). */
int validate_id(rerr *e, const char *field, const char *id, size_t max);

#endif
