/* scim_user_query.h — GET /Users and POST /Users/.search: which users a filter selects, in which
 * order, and the page asked for (RFC 7644 §3.4.2).
 *
 * - filter: the full grammar (scim_filter.h) matched against each user's SCIM representation
 *   (scim_match.h). A filter that is `userName eq "…"` (any case of the attribute, ASCII case of
 *   the value ignored, as userName is not caseExact), `externalId eq "…"` or `id eq "…"`, or an
 *   `and` with one of these on either side, reads only the users with that value through an
 *   index; any other filter reads every user of the instance once.
 * - sortBy: any attribute path of the representation (a multi-valued one sorts by its primary
 *   value, else its first); strings compare ignoring ASCII case, then by id; users without the
 *   attribute come last in ascending order. Without sortBy: by userName ignoring case.
 * - startIndex (1-based; below 1 counts as 1) and count (0: only totalResults; negative counts as
 *   0; at most SCIM_PAGE_MAX, the default).
 * Returns 0 with *resources (a new JSON array of representations) and *total (every match), or -1
 * with *x set (400 invalidFilter for a filter that does not parse).
 */
#ifndef ROSTER_SCIM_SCIM_USER_QUERY_H
#define ROSTER_SCIM_SCIM_USER_QUERY_H

#include <jansson.h>
#include <stdint.h>

#include "core/context.h"
#include "scim/scim_error.h"

#define SCIM_PAGE_MAX 1000

typedef struct scim_query {
    char *filter;                /* NULL: every user; owned */
    char *sort_by;               /* NULL: userName; owned */
    int descending;
    int64_t start_index;
    int64_t count;
} scim_query;

void scim_query_clear(scim_query *q);

int scim_user_query(core_ctx *cx, const char *instance_id, const scim_query *q, const char *base, json_t **resources,
                    int64_t *total, scim_error *x);

/* The caseExact of a User attribute path (lower case, no URN: "emails.value"), for scim_match. */
int scim_user_path_case_exact(const char *path);

/* The value that sorts a representation by path (any case; "urn:…:attr" looked up in its
 * extension): a string or number member, the primary (else first) element's "value" of a list;
 * NULL when there is none. Borrowed from doc. */
const json_t *scim_sort_value(const json_t *doc, const char *path);

/* The order of two sort values (either may be NULL: after any value): numbers by value, strings
 * ignoring ASCII case, booleans false first, values of different kinds by kind. <0, 0, >0. */
int scim_sort_compare(const json_t *a, const json_t *b);

#endif
