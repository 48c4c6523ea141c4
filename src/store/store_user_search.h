/* store_user_search.h — the look-ups behind SearchUsers (part of store.h; see its contract).
 * Include store/store.h, never this file alone.
 *
 * A search is answered by sets of users. In a set a user is a *handle*: the user row's seq, a
 * column every backend declares (a positive 64-bit integer, unique, assigned at insert: SQLite
 * `seq INTEGER PRIMARY KEY`, PostgreSQL an identity column), meaningful only to these functions
 * and only inside the transaction that produced it (run a whole search in one read transaction;
 * a deleted user's seq may be given again). Each leaf
 * look-up below appends the handles of the users matching one condition to a user_handles
 * list, in no particular order and possibly repeated; core/user_search.c sorts them into sets,
 * intersects and unites them, and finally asks for the page in username order.
 * The clear/free functions of these records are backend-neutral and live in store_records.c.
 */
#ifndef ROSTER_STORE_STORE_USER_SEARCH_H
#define ROSTER_STORE_STORE_USER_SEARCH_H

/* A growable list of user handles; v is malloc'd. user_handles_clear releases it. */
typedef struct user_handles {
    int64_t *v;
    size_t n;
    size_t cap;
} user_handles;
void user_handles_clear(user_handles *h);
void user_handles_push(user_handles *h, int64_t v);
/* Sets of handles are sorted lists without repeats. user_handles_normalize makes h one;
 * user_handles_has tells whether set s holds h; user_handles_filter keeps in set a what set b
 * holds (minus = 0: a ∩ b) or does not hold (minus = 1: a \ b); user_handles_unite makes set a
 * a ∪ b. */
void user_handles_normalize(user_handles *h);
int user_handles_has(const user_handles *s, int64_t h);
void user_handles_filter(user_handles *a, const user_handles *b, int minus);
void user_handles_unite(user_handles *a, const user_handles *b);

/* The text fields a string condition can look at, and how it compares: EXACT byte-exact,
 * PREFIX and CONTAINS ignoring ASCII case (the rules of core/search.h search_text). */
typedef enum store_user_field {
    STORE_USER_USERNAME,
    STORE_USER_FIRST_NAME,
    STORE_USER_LAST_NAME,
    STORE_USER_ID,                /* the user id (ids are lowercase UUIDs) */
    STORE_USER_ANY_NAME,          /* username, first name or last name (CONTAINS only): the
                                   * console's search box */
} store_user_field;

typedef enum store_match { STORE_MATCH_EXACT, STORE_MATCH_PREFIX, STORE_MATCH_CONTAINS } store_match;

/* ---- leaves: each appends matching handles to *out and returns a STORE_* value ---------- */

/* 1 when a CONTAINS look-up of value in a name (username, first, last or any name) is answered
 * from the names' trigram index (value has STORE_TRIGRAM_MIN characters or more and no control
 * character), 0 when it scans the instance's users. */
#define STORE_TRIGRAM_MIN 2
int store_user_contains_indexed(store_user_field field, const char *value);

/* Users of the instance whose field matches value (non-empty). */
int store_user_match_text(store_conn *c, const char *instance_id, store_user_field field, store_match m,
                          const char *value, user_handles *out);
/* Users whose routing profile is profile_id, when that profile belongs to the instance. */
int store_user_with_routing_profile(store_conn *c, const char *instance_id, const char *profile_id,
                                    user_handles *out);
/* Users holding security profile profile_id, when that profile belongs to the instance. */
int store_user_with_security_profile(store_conn *c, const char *instance_id, const char *profile_id,
                                     user_handles *out);
/* Users in group group_id of the instance or, with_children, in it or any group below it. */
int store_user_in_group(store_conn *c, const char *instance_id, const char *group_id, int with_children,
                        user_handles *out);
/* Users of the instance carrying tag key (with exactly value, unless value is NULL). */
int store_user_with_tag(store_conn *c, const char *instance_id, const char *key, const char *value,
                        user_handles *out);

/* The ids of the instance's routing profiles (security == 0) or security profiles (1),
 * appended to out. */
int store_user_search_profile_ids(store_conn *c, const char *instance_id, int security, strlist *out);

/* Number of users of the instance (costs a walk of its index). */
int store_user_count(store_conn *c, const char *instance_id, int64_t *n);
/* A cheap upper estimate of the number of users of every instance together, for choosing how
 * to page a result. */
int store_user_rows_estimate(store_conn *c, int64_t *n);

/* ---- candidates checked one by one ------------------------------------------------------- */

/* What a condition can look at for one user. Strings are malloc'd (NULL when unset). */
typedef struct user_facts {
    char id[ID_LEN];
    char *username;
    char *first_name;
    char *last_name;
    char routing_profile_id[ID_LEN];
    char hierarchy_group_id[ID_LEN]; /* "" outside the hierarchy */
    strlist security_profile_ids;    /* filled only when asked for */
    kvlist tags;                     /* filled only when asked for */
} user_facts;
void user_facts_clear(user_facts *f);

/* Reads handle h's facts into *out (zeroed first); profiles/tags: also read those lists.
 * STORE_NOTFOUND when no user has that handle. */
int store_user_facts(store_conn *c, int64_t h, int profiles, int tags, user_facts *out);

/* ---- the page ----------------------------------------------------------------------------- */

/* A user's sort key: its username and id. */
typedef struct user_key {
    int64_t h;
    char *username;                  /* malloc'd */
    char id[ID_LEN];
} user_key;
/* Clears keys[0..n) and frees the array. free(NULL)-safe. */
void user_keys_free(user_key *keys, size_t n);

/* The keys of the n handles h[0..n), in the same order (*out malloc'd: user_keys_free).
 * STORE_NOTFOUND when a handle names no user. */
int store_user_keys(store_conn *c, const int64_t *h, size_t n, user_key **out);

/* Walks the instance's users in username order over [from, to) (to NULL: to the last) and
 * returns (*out malloc'd: user_keys_free, *n of them) the first limit ones that are in within
 * (sorted, distinct; NULL: every user) — leaving out the user named skip_username (NULL: none)
 * when its id is not greater than skip_id, which is how a page resumes after a token. */
int store_user_page(store_conn *c, const char *instance_id, const user_handles *within, const char *from,
                    const char *to, const char *skip_username, const char *skip_id, size_t limit, user_key **out,
                    size_t *n);

#endif
