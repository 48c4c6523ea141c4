/* user_list.h — the console's user list: one page of an instance's users matching a console
 * filter, in the order of one column, with the exact number of matches; and the same filter
 * resolved to every matching user for a bulk selection (one function resolves both, so a bulk
 * edit of "every user that matches" changes exactly the users the list shows).
 *
 * Filter (every part optional, all must hold): Search — the username, first name or last name
 * contains the text ignoring ASCII case (1..100 characters); RoutingProfileId; SecurityProfileId
 * (any of the user's profiles); HierarchyGroupId — that group or one below it. An id the
 * instance does not have matches nobody.
 *
 * Order: a column ascending, then the username ignoring case (usernames are unique that way);
 * descending is exactly the reverse. Names compare ignoring ASCII case, unset first. A user's
 * Role is permissions_role() of the union of their profiles' permissions (the highest role of
 * any one profile); Role, RoutingProfile, SecurityProfiles (the first profile in name order),
 * AgentHierarchy (the group's path; no group first) and PhoneType (DESK_PHONE before
 * SOFT_PHONE; no voice channel counts as SOFT_PHONE) sort by name, names ignoring case.
 *
 * Run inside one read transaction (the API dispatcher does): the count and the page agree.
 */
#ifndef ROSTER_CORE_USER_LIST_H
#define ROSTER_CORE_USER_LIST_H

#include <stdint.h>

#include "core/catalog.h"
#include "core/context.h"
#include "core/error.h"
#include "store/store.h"

#define USER_LIST_SEARCH_MAX 100      /* characters of Search */
#define USER_LIST_LIMIT_MAX 100       /* users of one page */
#define USER_LIST_OFFSET_MAX 10000000 /* Offset */

typedef struct user_list_filter {
    const char *search;               /* NULL or "": none */
    const char *routing_profile_id;   /* NULL or "": any */
    const char *security_profile_id;  /* NULL or "": any */
    const char *hierarchy_group_id;   /* NULL or "": any; else that group and those below */
} user_list_filter;

/* Checks f's parts (Search 1..100 characters, ids as validate_id). Returns 0, or -1 with
 * ERR_INVALID_PARAMETER naming the part (e.g. "Search"). */
int user_list_filter_check(const user_list_filter *f, rerr *e);

typedef enum user_list_sort {
    USER_LIST_USERNAME,
    USER_LIST_FIRST_NAME,
    USER_LIST_LAST_NAME,
    USER_LIST_ROLE,
    USER_LIST_ROUTING_PROFILE,
    USER_LIST_SECURITY_PROFILES,
    USER_LIST_AGENT_HIERARCHY,
    USER_LIST_PHONE_TYPE,
    USER_LIST_SORT__COUNT
} user_list_sort;

/* The column names, as the wire spells them ("Username", "FirstName", …), NULL-terminated. */
extern const char *const user_list_sort_names[];

typedef struct user_list_req {
    user_list_filter filter;
    user_list_sort sort;
    int desc;
    int64_t offset;                   /* 0..USER_LIST_OFFSET_MAX */
    size_t limit;                     /* 1..USER_LIST_LIMIT_MAX */
} user_list_req;

/* One page. rows[i] is the i-th user (read with its security profiles), roles[i] its Role
 * (static strings), its security profile ids in name order; cat holds the instance's names for
 * showing the rows. */
typedef struct user_list_page {
    user_list_row *rows;
    const char **roles;
    size_t n;
    int64_t total;
    catalog cat;
} user_list_page;
void user_list_page_clear(user_list_page *p);

/* Checks the action (CORE_USERS_CONSOLE_LIST) and the request, and computes the page. Returns
 * 0, or -1 with *e set: ERR_ACCESS_DENIED, ERR_NOT_FOUND (the instance), ERR_INVALID_PARAMETER
 * (named), store errors. *out is the caller's to clear, also on error. */
int user_list_get(core_ctx *cx, const char *instance_id, const user_list_req *rq, user_list_page *out, rerr *e);

/* Every user matching f (checked here), as ids in id order (creation order: UUID v7), appended
 * to *ids; at most max of them, else ERR_INVALID_PARAMETER naming field. Checks
 * CORE_USERS_CONSOLE_LIST. Returns 0 or -1 with *e set. */
int user_list_ids(core_ctx *cx, const char *instance_id, const user_list_filter *f, size_t max, const char *field,
                  strlist *ids, rerr *e);

/* Tuning, for tests and benchmarks (not thread-safe: call before serving): a result of at most
 * sparse_max users may be read and sorted in memory (SIZE_MAX: always; 0: never). Default 2000. */
void user_list_tune(size_t sparse_max);

#endif
