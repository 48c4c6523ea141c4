/* store.h — the backend-neutral store: everything roster keeps, behind one interface.
 *
 * Nothing above this header knows which database runs. Today the backend is SQLite
 * (sqlite_*.c); the PostgreSQL backend will implement the same functions.
 *
 * Model: a `store` is the database; a `store_conn` is one connection taken from its pool
 * for the duration of a request or command. Work that must be atomic runs between
 * store_begin and store_commit/store_rollback on one connection.
 *
 * Return values, for every function returning int:
 *   STORE_OK (0) success; STORE_NOTFOUND (1) no such row (a normal outcome);
 *   negative on failure: STORE_UNIQUE (a unique key is taken), STORE_FOREIGN (a reference
 *   is dangling or still in use), STORE_BUSY (lock timeout), STORE_ERROR (anything else;
 *   store_errmsg says what).
 * Records filled by the store are owned by the caller and released with their *_clear.
 *
 * Unique names. The store itself refuses (STORE_UNIQUE, on any connection, process or node) a
 * second row with the same key, whatever core checked before:
 *   instance alias                         ignoring ASCII case
 *   username, per instance                 ignoring ASCII case (and so also byte-exact)
 *   security profile, routing profile, hierarchy group, hours of operation and (STANDARD)
 *   queue names, per instance              byte-exact
 * A backend holds the ASCII-case rules with a unique index over a folded key: a stored column
 * folded with the ASCII rule (users.username_fold), or an index on lower(col) where lower folds
 * ASCII only (SQLite's lower(); PostgreSQL would index a column folded the same way).
 */
#ifndef ROSTER_STORE_STORE_H
#define ROSTER_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

enum {
    STORE_OK = 0,
    STORE_NOTFOUND = 1,
    STORE_ERROR = -1,
    STORE_UNIQUE = -2,
    STORE_FOREIGN = -3,
    STORE_BUSY = -4,
};

typedef struct store store;
typedef struct store_conn store_conn;

/* Opens (create != 0: creates) the database at path and brings its schema up to date.
 * Returns NULL on failure with a message in err (size errlen). Free with store_close. */
store *store_open(const char *path, int create, char *err, size_t errlen);
void store_close(store *s);

/* The pool holds at most max connections (STORE_POOL_MAX by default; the connection all writes
 * of the process share is not counted) and store_conn_get waits up to wait_ms
 * (STORE_POOL_WAIT_MS by default) for one when all are taken. max 0 or wait_ms < 0 keep the
 * current value. May be called at any time; connections already open above a lowered max stay
 * open, and a raised max wakes the waiters. */
enum { STORE_POOL_MAX = 64, STORE_POOL_WAIT_MS = 5000 };
void store_pool_limit(store *s, size_t max, int wait_ms);

/* Takes a connection from the pool, opening one when none is idle and the pool has room, else
 * waiting (see store_pool_limit) for one to be given back. Returns NULL when the wait ends
 * with none, or the database cannot be opened (a message on stderr): the caller answers "the
 * store is unavailable, try again" (ServiceUnavailable). A thread must not wait for a second
 * connection while it holds one. Give it back with store_conn_put (which rolls back an open
 * transaction). */
store_conn *store_conn_get(store *s);
void store_conn_put(store_conn *c);
/* Frees what c's page cache holds (outside a transaction): for a connection that read many pages
 * once and will not read them again, so the memory is not kept. */
void store_conn_release_memory(store_conn *c);
const char *store_errmsg(store_conn *c);
/* The store c belongs to. */
store *store_conn_owner(const store_conn *c);

int store_begin(store_conn *c, int write);
int store_commit(store_conn *c);
int store_rollback(store_conn *c);
/* 1 when another writer of this process waits for the store while c holds a write transaction
 * (a long transaction that can end early commits, so that the other write is not held up). */
int store_writer_awaited(store_conn *c);
int store_ping(store_conn *c);

/* Items of a batch inside one write transaction (sqlite_savepoint.c): store_item_begin marks
 * the start of an item; store_item_end(c, 1) keeps what the item wrote, store_item_end(c, 0)
 * undoes it and nothing else. Only between store_begin(c, 1) and its commit or rollback; items
 * do not nest. Each returns STORE_OK, or STORE_ERROR outside a write transaction, inside an open
 * item (begin) or outside one (end), or when the transaction is lost (then roll it back). */
int store_item_begin(store_conn *c);
/* How many rows c's handle has written since it opened (inside a write transaction: the
 * writer's), for telling whether a step wrote anything. */
int64_t store_changes(store_conn *c);
int store_item_end(store_conn *c, int keep);

/* Settings kept in the store (account id, region). *out is malloc'd; caller frees. */
int store_meta_get(store_conn *c, const char *key, char **out);
int store_meta_set(store_conn *c, const char *key, const char *value);

/* Instances. */
int store_instance_insert(store_conn *c, const instance *in, const char *client_token);
int store_instance_get(store_conn *c, const char *id, instance *out);
int store_instance_by_token(store_conn *c, const char *client_token, instance *out);
int store_instance_by_alias(store_conn *c, const char *alias, instance *out);
/* Instances with id > after (after "" for the first page), ordered by id; at most limit. */
int store_instance_list(store_conn *c, const char *after, size_t limit, instance **out, size_t *n);
int store_instance_delete(store_conn *c, const char *id);
int64_t store_instance_count(store_conn *c);

/* Tags on any resource of an instance, keyed by resource id. */
int store_tags_set(store_conn *c, const char *instance_id, const char *resource_id, const kvlist *tags);
int store_tags_get(store_conn *c, const char *resource_id, kvlist *out);

/* Keyset pages of summaries ordered by (name, id), after the pair given ("" for the first page). */
typedef struct page_req {
    const char *instance_id;
    const char *after_name;
    const char *after_id;
    size_t limit;
} page_req;

/* Security profiles. */
int store_security_profile_insert(store_conn *c, const security_profile *p);
int store_security_profile_get(store_conn *c, const char *instance_id, const char *id, security_profile *out);
int store_security_profile_by_name(store_conn *c, const char *instance_id, const char *name, security_profile *out);
int store_security_profile_list(store_conn *c, const page_req *pr, summary_list *out);
/* Permissions of one profile in byte order, those > after, at most limit. */
int store_security_profile_permissions(store_conn *c, const char *id, const char *after, size_t limit, strlist *out);

/* Hours of operation. */
int store_hours_insert(store_conn *c, const hours *h);
int store_hours_get(store_conn *c, const char *instance_id, const char *id, hours *out);
int store_hours_list(store_conn *c, const page_req *pr, summary_list *out);

/* Queues. types: bit 1 STANDARD, bit 2 AGENT (0: both). */
int store_queue_insert(store_conn *c, const queue *q);
int store_queue_get(store_conn *c, const char *instance_id, const char *id, queue *out);
int store_queue_list(store_conn *c, const page_req *pr, unsigned types, summary_list *out);

/* Routing profiles (media concurrencies and queue configs included). */
int store_routing_profile_insert(store_conn *c, const routing_profile *p);
int store_routing_profile_get(store_conn *c, const char *instance_id, const char *id, routing_profile *out);
int store_routing_profile_list(store_conn *c, const page_req *pr, summary_list *out);

/* Users as authentication needs them. */
int store_user_by_username(store_conn *c, const char *instance_id, const char *username, user_ref *out);
int store_user_get_ref(store_conn *c, const char *user_id, user_ref *out);
/* The union of the permissions of the user's security profiles. */
int store_user_permissions(store_conn *c, const char *user_id, strlist *out);

/* Access keys. */
int store_key_insert(store_conn *c, const access_key *k);
int store_key_get(store_conn *c, const char *id, access_key *out);
int store_key_list(store_conn *c, access_key **out, size_t *n);
int store_key_revoke(store_conn *c, const char *id, int64_t now_ms);

/* Each area's writes and searches, in headers of their own. */
#include "store/store_hierarchy.h"
#include "store/store_console.h"
#include "store/store_jobs.h"
#include "store/store_routing.h"
#include "store/store_security.h"
#include "store/store_scim.h"
#include "store/store_sessions.h"
#include "store/store_users.h"
#include "store/store_user_search.h"
#include "store/store_user_list.h"

#endif
