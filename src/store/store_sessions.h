/* store_sessions.h — console sessions and the sign-in lock-out in the store (part of store.h;
 * see its contract). Include store/store.h, never this file alone.
 *
 * A session is keyed by the SHA-256 of its cookie value (SESSION_HASH_LEN bytes): the store never
 * sees the cookie itself. A session ends with its user and its instance (ON DELETE CASCADE).
 * Failed sign-ins are counted per instance and username folded to ASCII lowercase (the fold is
 * the store's, as for usernames), whether or not a user has that name.
 */
#ifndef ROSTER_STORE_STORE_SESSIONS_H
#define ROSTER_STORE_STORE_SESSIONS_H

#define SESSION_HASH_LEN 32
#define SESSION_CSRF_LEN 44          /* 43 base64url characters and the NUL */

typedef struct console_session {
    unsigned char token_hash[SESSION_HASH_LEN];
    char instance_id[ID_LEN];
    char user_id[ID_LEN];
    char csrf_token[SESSION_CSRF_LEN];
    int64_t created_ms;
    int64_t last_seen_ms;
    int64_t expires_ms;          /* absolute end */
    /* read with the session (store_session_get), from its user; not written */
    char *username;              /* malloc'd */
    int user_disabled;
    int password_temporary;
} console_session;
/* Frees s's strings; NULL is a no-op. */
void console_session_clear(console_session *s);

/* Inserts s (its user columns are not read). */
int store_session_insert(store_conn *c, const console_session *s);
/* The session with this hash, with its user's name, disabled and password_temporary flags.
 * STORE_NOTFOUND when there is none (also when its user is gone). *out is the caller's to clear. */
int store_session_get(store_conn *c, const unsigned char hash[SESSION_HASH_LEN], console_session *out);
/* Sets the session's last_seen_ms. STORE_NOTFOUND when it is gone. */
int store_session_touch(store_conn *c, const unsigned char hash[SESSION_HASH_LEN], int64_t last_seen_ms);
/* Deletes one session (STORE_NOTFOUND when it was not there). */
int store_session_delete(store_conn *c, const unsigned char hash[SESSION_HASH_LEN]);
/* Deletes every session of user_id but keep (NULL: all of them). */
int store_sessions_delete_user(store_conn *c, const char *user_id, const unsigned char *keep);
/* Deletes the sessions whose absolute end or idle end (last seen before idle_before_ms) passed. */
int store_sessions_purge(store_conn *c, int64_t now_ms, int64_t idle_before_ms);

/* Deletes the failure counts of names neither locked nor failed since before_ms (bounds the table
 * a stream of made-up names would grow). */
int store_signin_failures_purge(store_conn *c, int64_t before_ms, int64_t now_ms);

/* Whether user_id is disabled (*disabled 0 or 1). STORE_NOTFOUND when there is no such user. */
int store_user_disabled(store_conn *c, const char *user_id, int *disabled);

/* The failed sign-ins in a row of username in instance_id and the end of its lock (0: none);
 * both 0 when none is recorded. */
int store_signin_failures_get(store_conn *c, const char *instance_id, const char *username, int64_t *failures,
                              int64_t *locked_until_ms);
/* Records them (now_ms: the time of the last failure). */
int store_signin_failures_set(store_conn *c, const char *instance_id, const char *username, int64_t failures,
                              int64_t locked_until_ms, int64_t now_ms);
/* Forgets them (a successful sign-in). */
int store_signin_failures_clear(store_conn *c, const char *instance_id, const char *username);

#endif
