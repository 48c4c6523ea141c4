/* store_testing.h — store functions only the tests call: setting up rows without core's rules,
 * reading what the server has no use for, and looking inside the pool. Not part of the interface
 * a backend must offer the server; the SQLite backend implements them (a second backend need
 * not, beyond what its own tests use). Include after store/store.h. */
#ifndef ROSTER_STORE_STORE_TESTING_H
#define ROSTER_STORE_STORE_TESTING_H

#include "store/store.h"

/* The schema version the store is at (the highest migration applied), or -1 on failure. */
int store_schema_version(store_conn *c);

/* A user row with what authentication and the search tests need, inserted without core's
 * checks (no look-alike check: the store's unique keys still hold). */
typedef struct user_insert {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    const char *username;
    const char *first_name;
    const char *last_name;
    const char *email;           /* NULL when none */
    const char *password_hash;   /* NULL when none */
    const char *routing_profile_id;
    const strlist *security_profile_ids;
    int64_t now_ms;
} user_insert;
int store_user_insert(store_conn *c, const user_insert *u);

/* The whole user called username (byte-exact) in the instance. STORE_NOTFOUND when absent. */
int store_user_by_name(store_conn *c, const char *instance_id, const char *username, user_record *out);

/* Puts user_id of the instance in group_id (NULL: in no group). STORE_NOTFOUND when the
 * instance has no such user; STORE_FOREIGN when no group has that id. */
int store_group_assign_user(store_conn *c, const char *instance_id, const char *user_id, const char *group_id,
                            int64_t now_ms);

/* A page of events (see audit_filter). *out is malloc'd (NULL when n is 0): the caller clears
 * each event and frees the array, also on failure (rows read so far stay). Returns a STORE_*
 * value. */
int store_audit_list(store_conn *c, const audit_filter *f, audit_event **out, size_t *n);

/* How many connections the pool has open (idle or taken; the writer not counted), and how many
 * threads wait in store_conn_get for one. */
void store_pool_counts(store *s, size_t *open, size_t *waiting);

#endif
