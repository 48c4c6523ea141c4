/* store_users.h — users, their search, and the audit trail in the store (part of store.h; see
 * its contract). Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_USERS_H
#define ROSTER_STORE_STORE_USERS_H

/* ---- users (sqlite_users.c) ---------------------------------------------------------------- */

/* Inserts u with its security profiles and channel configs (and the user's AGENT queue, whose
 * id is the user's id). STORE_UNIQUE: the username, or one equal to it ignoring ASCII case, is
 * taken in that instance (store_user_lookalike names the holder); STORE_FOREIGN: a referenced
 * profile or group does not exist. */
int store_user_create(store_conn *c, const user_record *u);
/* Reads the whole user (profiles and channels included). STORE_NOTFOUND when absent. */
int store_user_get(store_conn *c, const char *instance_id, const char *id, user_record *out);
/* A user of the instance whose username equals username ignoring ASCII case (the look-alike
 * check), or STORE_NOTFOUND. */
int store_user_lookalike(store_conn *c, const char *instance_id, const char *username, user_ref *out);
/* What store_user_update rewrites besides the other columns (the caller read, changed and now
 * writes the user inside one write transaction, and knows what changed). */
enum {
    STORE_USER_NAME = 1,     /* the username (and its indexes: rewriting them unchanged cost as
                              * much as the rest of a bulk edit's update) */
    STORE_USER_CHILDREN = 2, /* the child rows: security profiles, channel settings */
};
/* Rewrites the columns of u->id from u, with what (STORE_USER_*) says. STORE_NOTFOUND when
 * absent; STORE_UNIQUE as for create. */
int store_user_update(store_conn *c, const user_record *u, unsigned what);
int store_user_delete(store_conn *c, const char *instance_id, const char *id);
/* The user's version (it grows with every change to what DescribeUser shows). */
int store_user_version(store_conn *c, const char *instance_id, const char *id, int64_t *version);
/* Counts a change the user record does not hold (its tags): version + 1, modified now. */
int store_user_touch(store_conn *c, const char *instance_id, const char *id, int64_t now_ms);
/* A page of users ordered by username then id, after (after_name, after_id); summary.name is
 * the username. */
int store_user_list(store_conn *c, const page_req *pr, summary_list *out);

/* The export's view of the users of an instance, in the order they were created, one row at a time from
 * one statement (run it inside a read transaction, store_begin(c, 0), so the whole export is one
 * snapshot). Strings point into the store's row and stay valid until the next call; NULL when
 * unset. */
typedef struct user_export_row {
    const char *id, *username, *first_name, *last_name, *email, *secondary_email, *mobile;
    const char *routing_profile_id, *hierarchy_group_id;
    const char *profile_ids;     /* the security profile ids joined by ',' (ids hold no ',') */
    const char *phone_type, *phone_number; /* the VOICE channel's */
    int has_auto_accept, auto_accept;
    int has_acw;
    int64_t acw_seconds;
    const char *tags_json;       /* a JSON array of [key, value] pairs, or NULL when none */
} user_export_row;
typedef struct user_export_cursor user_export_cursor;
/* Opens the cursor (NULL on failure); close it before the transaction ends. */
user_export_cursor *store_user_export_open(store_conn *c, const char *instance_id);
/* The next row into *out: STORE_OK, STORE_NOTFOUND at the end, or an error. */
int store_user_export_next(user_export_cursor *k, user_export_row *out);
void store_user_export_close(user_export_cursor *k);

/* ---- audit (sqlite_audit.c) ----------------------------------------------------------------- */

typedef struct audit_event {
    int64_t id;
    char instance_id[ID_LEN];
    int64_t at_ms;
    char key_id[24];
    char actor_user_id[ID_LEN];
    char *actor_name;            /* the actor's name when it is no user (a SCIM token's), else NULL */
    char *operation;             /* e.g. "CreateUser" */
    char *resource_id;
    char *before_json;           /* NULL for a create */
    char *after_json;            /* NULL for a delete */
} audit_event;
/* Frees e's strings and zeroes it; NULL is a no-op. */
void audit_event_clear(audit_event *e);

/* Appends e to the trail inside the caller's transaction (e->id is not read: the store numbers
 * events). An empty instance_id, key_id or actor_user_id is stored as NULL. Returns a STORE_*
 * value. */
int store_audit_insert(store_conn *c, const audit_event *e);

/* Which events the audit listings return: those matching every filter set, at or after since_ms,
 * after the keyset position (after_at_ms, after_id) — (0, 0) from the start. Order: oldest
 * first, by (at_ms, id) when instance_id or resource_id is set (their indexes give that order);
 * with neither, by id, the order the changes committed (there is no index on at_ms alone, and
 * sorting the whole trail would not scale), and after_at_ms is not used. */
typedef struct audit_filter {
    const char *instance_id;     /* NULL: every instance */
    const char *resource_id;     /* NULL: every resource */
    int64_t since_ms;            /* 0: from the first event */
    int64_t after_at_ms;
    int64_t after_id;
    size_t limit;                /* store_audit_each: 0 = all; store_audit_list (tests): 1 or more */
} audit_filter;

/* Calls fn for each event f selects, in order, streaming (one statement, no page re-reads). The
 * event belongs to the iteration (fn copies what it keeps); fn returns 0 to go on, non-zero to
 * stop. fn may run other store look-ups on c, but no audit listing. Returns a STORE_* value. */
int store_audit_each(store_conn *c, const audit_filter *f, int (*fn)(const audit_event *ev, void *ctx), void *ctx);

/* The events of user resource_id in instance_id, newest first (by at_ms, then id), strictly
 * before the keyset position (before_at_ms, before_id) — (INT64_MAX, INT64_MAX) from the newest —
 * at most limit, each given to fn as store_audit_each does. Returns a STORE_* value. */
int store_audit_user_recent(store_conn *c, const char *instance_id, const char *resource_id, int64_t before_at_ms,
                            int64_t before_id, size_t limit, int (*fn)(const audit_event *ev, void *ctx), void *ctx);

/* The username of user resource_id as the trail last recorded it in an event with id <= up_to_id
 * (the Username of a create, a rename or a delete): *out is malloc'd (caller frees).
 * STORE_NOTFOUND when no such event names one. */
int store_audit_username(store_conn *c, const char *resource_id, int64_t up_to_id, char **out);

/* The users that any recorded event names with username (Username before or after the change),
 * within instance_id (NULL: every instance): out's keys are user ids, its values their instance
 * ids (the caller clears out, also on failure). Finds deleted and renamed users too. Returns a
 * STORE_* value. */
int store_audit_users_named(store_conn *c, const char *instance_id, const char *username, kvlist *out);

#endif
