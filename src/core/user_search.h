/* user_search.h — SearchUsers: an instance's users that match a criteria tree and a search
 * filter, in username order, one page at a time, with the exact number of matches.
 *
 * The language (core/search.h): AND/OR nodes over
 *   - StringCondition on Username, FirstName, LastName, RoutingProfileId, SecurityProfileId
 *     (any of the user's profiles) and resourceId (the user id; resourceID is accepted too),
 *     EXACT byte-exact, STARTS_WITH and CONTAINS ignoring ASCII case, a CONTAINS value 2..25
 *     characters;
 *   - HierarchyGroupCondition: the user's group is that group (EXACT) or that group or one
 *     below it (WITH_CHILD_GROUPS); a group the instance does not have matches nobody;
 *   - TagCondition: the user has the tag key (with exactly that value, when one is given).
 * The filter (TagFilter or UserAttributeFilter) holds at most 25 tag conditions and 20
 * hierarchy conditions. An empty AND matches every user, an empty OR none.
 *
 * Results are what one read of the store sees: run inside one read transaction (the API
 * dispatcher does) so that the count and every page agree with each other.
 */
#ifndef ROSTER_CORE_USER_SEARCH_H
#define ROSTER_CORE_USER_SEARCH_H

#include "core/context.h"
#include "core/error.h"
#include "core/authorize.h"
#include "core/search.h"
#include "store/store.h"

/* What SearchCriteria may hold for users. */
extern const search_rules user_search_rules;

typedef struct user_search_req {
    const search_node *criteria;  /* an AND root; NULL: no criteria */
    const search_node *filter;    /* an AND root of the SearchFilter's conditions; NULL: none */
    const char *token;            /* NextToken of the previous page; NULL: the first page */
    size_t limit;                 /* page size, >= 1 (the adapter enforces the wire's 1..500) */
} user_search_req;

/* One page of keys: ids[i] is the i-th user of the page. */
typedef struct user_search_keys {
    strlist ids;
    char *next;                   /* malloc'd token; NULL on the last page */
    int64_t total;                /* every match, not only this page */
} user_search_keys;
void user_search_keys_clear(user_search_keys *k);

/* Validates the request and computes the page. Returns 0, or -1 with *e set:
 * ERR_INVALID_PARAMETER (a condition, the filter's size, a token not issued by SearchUsers),
 * ERR_INTERNAL / ERR_UNAVAILABLE (the store). *out is the caller's to clear, also on error. */
int user_search_keys_get(core_ctx *cx, const char *instance_id, const user_search_req *rq, user_search_keys *out,
                         rerr *e);

/* A field only core callers put in a tree (the wire's rules do not list it, so no request can):
 * CONTAINS on the username, the first name or the last name, ignoring ASCII case, any length
 * (the console's search box, core/user_list.h). */
#define USER_SEARCH_ANY_NAME "AnyName"

/* The users matching the tree root, NOT validated (the caller builds or validates it), after
 * core_allow(action): sorted distinct handles into *out, or *all = 1 (out empty) when root
 * matches every user of the instance. Returns 0, or -1 with *e set (access, store). *out is the
 * caller's to clear with user_handles_clear, also on error. Run inside one read transaction:
 * handles are valid only there (store_user_search.h). */
int user_search_resolve(core_ctx *cx, core_action action, const char *instance_id, const search_node *root,
                        user_handles *out, int *all, rerr *e);

/* Tuning, for tests and benchmarks (not thread-safe: call before serving): inside an AND, once
 * the running result holds at most filter_max users the remaining conditions are checked user
 * by user; a result of at most sparse_max users may be sorted in memory (when that is cheaper
 * than walking the username index; SIZE_MAX: always), a larger one is paged by the walk.
 * Defaults: 1000 and 4000. */
void user_search_tune(size_t filter_max, size_t sparse_max);

/* One user of a page, as SearchUsers shows it. */
typedef struct user_search_hit {
    user_record user;
    kvlist tags;
} user_search_hit;

typedef struct user_search_result {
    user_search_hit *hits;        /* malloc'd, n of them */
    size_t n;
    char *next;                   /* malloc'd token; NULL on the last page */
    int64_t total;
} user_search_result;
void user_search_result_clear(user_search_result *r);

/* user_search_keys_get, then each user of the page read in full with its tags. Returns 0 or
 * -1 with *e set (as above); *out is the caller's to clear with user_search_result_clear,
 * also on error. */
int user_search(core_ctx *cx, const char *instance_id, const user_search_req *rq, user_search_result *out,
                rerr *e);

#endif
