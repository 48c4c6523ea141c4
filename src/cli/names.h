/* names.h — names the bulk commands take, resolved to ids through the running server's Amazon
 * Connect API: routing and security profile names (ListRoutingProfiles, ListSecurityProfiles;
 * exact and case-sensitive, a miss suggests the nearest name), hierarchy paths written as in
 * the CSV template, "Sales|West" (ListUserHierarchyGroups, then DescribeUserHierarchyGroup of
 * the groups so named), user logins (SearchUsers, Username EXACT), and the number of users a
 * selection matches (SearchUsers' ApproximateTotalCount). Each list is fetched once. */
#ifndef ROSTER_CLI_NAMES_H
#define ROSTER_CLI_NAMES_H

#include <jansson.h>
#include <stdint.h>

#include "cli/client.h"
#include "cli/filter_expr.h"

typedef struct names {
    const client *c;
    const char *inst;            /* borrowed */
    json_t *lists[3];            /* summary lists by fx_ref, fetched on first use */
    int server_failed;           /* a request failed (client_json printed why) */
} names;

void names_init(names *n, const client *c, const char *inst);
void names_clear(names *n);

/* An fx_resolve_fn (cls: a names): the id of a routing profile, security profile or hierarchy
 * path. Returns 0 with *id malloc'd, or -1 with why appended to err. */
int names_resolve(void *cls, fx_ref ref, const char *name, char **id, buf *err);

/* The ids of the users with these logins (n of them; duplicates once), in the order given: a
 * new array in *ids. Returns 0, or -1 with err naming the logins that do not exist (nothing in
 * *ids). */
int names_users(names *n, char *const *logins, size_t count, json_t **ids, buf *err);

/* The number of users matching criteria and filter (either may be NULL). Returns 0, or -1 with
 * why in err. */
int names_count(names *n, const json_t *criteria, const json_t *filter, int64_t *total, buf *err);

#endif
