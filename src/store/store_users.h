/* store_users.h — users, their search, and the audit trail in the store (part of store.h; see
 * its contract). Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_USERS_H
#define ROSTER_STORE_STORE_USERS_H

/* ---- users (sqlite_users.c) ---------------------------------------------------------------- */

/* Inserts u with its security profiles and channel configs (and the user's AGENT queue, whose
 * id is the user's id). STORE_UNIQUE: the username is taken in that instance; STORE_FOREIGN: a
 * referenced profile or group does not exist. */
int store_user_create(store_conn *c, const user_record *u);
/* Reads the whole user (profiles and channels included). STORE_NOTFOUND when absent. */
int store_user_get(store_conn *c, const char *instance_id, const char *id, user_record *out);
int store_user_by_name(store_conn *c, const char *instance_id, const char *username, user_record *out);
/* Rewrites every column and child row of u->id from u (the caller read, changed and now writes
 * it inside one write transaction). STORE_NOTFOUND when absent. */
int store_user_update(store_conn *c, const user_record *u);
int store_user_delete(store_conn *c, const char *instance_id, const char *id);
/* A page of users ordered by username then id, after (after_name, after_id); summary.name is
 * the username. */
int store_user_list(store_conn *c, const page_req *pr, summary_list *out);

/* ---- audit (sqlite_audit.c) ----------------------------------------------------------------- */

typedef struct audit_event {
    int64_t id;
    char instance_id[ID_LEN];
    int64_t at_ms;
    char key_id[24];
    char actor_user_id[ID_LEN];
    char *operation;             /* e.g. "CreateUser" */
    char *resource_id;
    char *before_json;           /* NULL for a create */
    char *after_json;            /* NULL for a delete */
} audit_event;
void audit_event_clear(audit_event *e);

int store_audit_insert(store_conn *c, const audit_event *e);

#endif
