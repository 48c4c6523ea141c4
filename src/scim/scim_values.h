/* scim_values.h — the members and values of a SCIM resource's JSON as PATCH (scim_patch.c)
 * reads and writes them:
 * - members by name in any case, a stored name keeping its case when written again;
 * - the sameness of two values of a multi-valued attribute: their "value" sub-attributes when
 *   objects (or the values themselves when simple) are equal — strings in any case unless the
 *   attribute's "value" is caseExact, numbers by value; two objects without "value" when equal
 *   as JSON; found through a hash of the values when a search repeats often;
 * - "primary": one element at most has it true (RFC 7643 §2.4);
 * - the elements of a multi-valued attribute that a value filter matches (scim_match.h).
 * Nothing here fails: buf.h's allocations abort on failure, and jansson's are not checked, as
 * elsewhere in roster.
 */
#ifndef ROSTER_SCIM_SCIM_VALUES_H
#define ROSTER_SCIM_SCIM_VALUES_H

#include <jansson.h>

#include "scim/scim_filter.h"
#include "scim/scim_match.h"

/* "attr" or "attr.sub" in lower case, the path form scim_patch_rules and scim_match ask
 * about. Caller frees. */
char *scim_values_path(const char *attr, const char *sub);

/* The member of o named name in any case (the first such), its stored name in *key when key is
 * not NULL; or NULL (also when o is not an object). Borrowed. */
json_t *scim_values_member(const json_t *o, const char *name, const char **key);
/* Sets o's member name (in any case; the stored name kept) to v, which it steals. */
void scim_values_put(json_t *o, const char *name, json_t *v);
/* Removes o's member name (in any case), if any. */
void scim_values_drop(json_t *o, const char *name);
/* Sets in el a copy of each member of value (an object) that is not null. */
void scim_values_merge_copy(json_t *el, const json_t *value);

/* Removes from arr the elements at the n indexes idx (ascending, within arr). */
void scim_values_remove_at(json_t *arr, const size_t *idx, size_t n);

/* 1 when v is true or the string "true" in any case (Entra's). */
int scim_values_is_true(const json_t *v);
/* 1 when an element of arr other than keep has a true "primary". */
int scim_values_primary_elsewhere(const json_t *arr, const json_t *keep);
/* Sets false every true "primary" of the elements of arr other than keep. */
void scim_values_clear_primary(json_t *arr, const json_t *keep);

/* A set of values searched by sameness. Its members are references it holds. */
typedef struct scim_values_set {
    int exact;      /* string values compared exactly */
    json_t *items;  /* every value, in order */
    json_t *index;  /* identity -> value, for values whose identity is a string; NULL: none */
} scim_values_set;

/* Starts s with the values of arr (an array, or NULL), compared as exact says; the hash is
 * built when both the set and the number of searches to come (lookups) pass 8. */
void scim_values_set_init(scim_values_set *s, int exact, const json_t *arr, size_t lookups);
/* The first value of s the same as v, or NULL. Borrowed. */
json_t *scim_values_set_find(const scim_values_set *s, const json_t *v);
/* Adds v (a reference is taken). */
void scim_values_set_add(scim_values_set *s, json_t *v);
void scim_values_set_free(scim_values_set *s);

/* Which elements of attribute attr a value filter matches, as scim_filter_match would test the
 * resource {attr: [element]} with "attr[filter]" (so case_exact is asked about "attr.sub"). */
typedef struct scim_values_matcher {
    scim_filter node;            /* attr[filter] */
    json_t *wrap, *slot;         /* {attr: slot}, slot = [the element] */
    scim_case_exact_fn case_exact;
} scim_values_matcher;

/* Prepares m for attr and filter (NULL: every object element matches); both must outlive m. */
void scim_values_matcher_init(scim_values_matcher *m, const char *attr, const scim_filter *filter,
                              scim_case_exact_fn case_exact);
/* 1 when el is an object the filter matches, else 0. */
int scim_values_matcher_match(scim_values_matcher *m, json_t *el);
void scim_values_matcher_free(scim_values_matcher *m);

#endif
