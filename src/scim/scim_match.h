/* scim_match.h — whether a SCIM resource (its JSON representation) satisfies a filter
 * (scim_filter.h), as RFC 7644 §3.4.2.2 says:
 * - attribute names match in any case; "urn:…:Name:attr" looks attr up in the extension object
 *   "urn:…:Name" (or at the top level when that URN is the resource's core schema, one of
 *   core_schemas);
 * - a multi-valued attribute matches when one of its values does; "emails co x" compares each
 *   value's "value"; "emails[type eq "work"]" holds when one element satisfies the inner filter;
 * - strings compare ignoring case unless case_exact(path) says 1 (path is the attribute path
 *   folded to lower case without a URN, e.g. "emails.value"); gt/ge/lt/le compare strings by
 *   bytes (dateTimes in one format order that way) and numbers by value; booleans and null only
 *   with eq and ne ("eq null" holds for an absent attribute);
 * - "pr": present, not null, not "" and not an empty list.
 * Returns 1 or 0. */
#ifndef ROSTER_SCIM_SCIM_MATCH_H
#define ROSTER_SCIM_SCIM_MATCH_H

#include <jansson.h>

#include "scim/scim_filter.h"

typedef int (*scim_case_exact_fn)(const char *path);

int scim_filter_match(const scim_filter *f, const json_t *resource, const char *const *core_schemas,
                      scim_case_exact_fn case_exact);

#endif
