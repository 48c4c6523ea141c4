/* session.c — the console's sign-in and sessions (see session.h). */
#include "auth/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/instances.h"
#include "core/user_rules.h"
#include "core/users.h"
#include "core/write.h"
#include "crypto/passwords.h"
#include "util/buf.h"

/* Bounds on what a sign-in reads before it is refused as wrong (a password longer than the
 * policy's can never be right, and must not make argon2 work on a megabyte). */
#define ALIAS_MAX 64
#define USERNAME_MAX 128
#define PASSWORD_MAX 256
#define TOUCH_EVERY_MS 60000
#define PURGE_EVERY_MS 60000

void session_info_clear(session_info *si)
{
    if (!si)
        return;
    console_session_clear(&si->s);
    sodium_memzero(si->token, sizeof si->token);
}

int64_t session_wait_seconds(int64_t ms)
{
    return ms <= 0 ? 0 : (ms + 999) / 1000;
}

/* ---- tokens ---------------------------------------------------------------------------------- */

/* 32 random bytes as 43 base64url characters into out. */
static void random_token(char out[SESSION_TOKEN_LEN + 1])
{
    unsigned char r[32];
    randombytes_buf(r, sizeof r);
    sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(r, sizeof r);
}

/* 1 when token has the form of a cookie value roster makes. */
static int token_well_formed(const char *token)
{
    if (!token || strlen(token) != SESSION_TOKEN_LEN)
        return 0;
    for (const char *p = token; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_'))
            return 0;
    return 1;
}

static void token_hash(const char *token, unsigned char out[SESSION_HASH_LEN])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/* ---- the dummy hash ----------------------------------------------------------------------------- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy;

static void dummy_make(void)
{
    char pw[21];
    passwords_generate(pw);
    dummy = passwords_hash(pw);
    sodium_memzero(pw, sizeof pw);
}

/* A hash of a random password of the store's cost, verified in place of a user's that does not
 * exist, so that every refusal takes the same time. */
static const char *dummy_hash(void)
{
    pthread_once(&dummy_once, dummy_make);
    return dummy;
}

/* ---- reading ------------------------------------------------------------------------------------ */

/* What a sign-in reads before it verifies the password. */
typedef struct attempt {
    instance inst;
    int have_inst;
    user_record user;
    int have_user;
    int locked;
} attempt;

static void attempt_clear(attempt *a)
{
    if (a->have_inst)
        instance_clear(&a->inst);
    if (a->have_user)
        user_clear(&a->user);
    memset(a, 0, sizeof *a);
}

/* Reads the instance (by alias, or the only one when alias is NULL or ""), the user named
 * username and (check_lock) the name's lock, in one read transaction. Returns 0 (what is missing
 * is left unset), or -1 with *e set for a store failure. */
static int read_attempt(core_ctx *cx, const session_config *cfg, const char *alias, const char *username,
                        int check_lock, attempt *a, rerr *e)
{
    memset(a, 0, sizeof *a);
    if (store_begin(cx->conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc;
    if (alias && *alias) {
        rc = store_instance_by_alias(cx->conn, alias, &a->inst);
    } else {
        instance *list = NULL;
        size_t n = 0;
        rc = store_instance_list(cx->conn, "", 2, &list, &n);
        if (rc == STORE_OK && n == 1) {
            a->inst = list[0];
            list[0] = (instance){0};
        } else if (rc == STORE_OK) {
            rc = STORE_NOTFOUND;
        }
        for (size_t i = 0; i < n; i++)
            instance_clear(&list[i]);
        free(list);
    }
    a->have_inst = rc == STORE_OK;
    if (rc == STORE_OK) {
        user_ref ref;
        rc = store_user_lookalike(cx->conn, a->inst.id, username, &ref);
        if (rc == STORE_OK) {
            rc = store_user_get(cx->conn, a->inst.id, ref.id, &a->user);
            a->have_user = rc == STORE_OK;
            user_ref_clear(&ref);
        }
    }
    if (rc >= STORE_OK && a->have_inst && check_lock) {
        int64_t failures, until;
        rc = store_signin_failures_get(cx->conn, a->inst.id, username, &failures, &until);
        a->locked = rc == STORE_OK && until > cx->now_ms;
        (void)cfg;
    }
    store_rollback(cx->conn);
    if (rc < STORE_OK) {
        attempt_clear(a);
        return core_store_error(cx, rc, "read the sign-in", e);
    }
    return 0;
}

/* ---- writing ------------------------------------------------------------------------------------ */

static atomic_llong last_purge_ms;

/* Deletes ended sessions and forgotten failure counts, at most once a minute (in the caller's
 * write transaction). Returns a STORE_* value. */
static int purge(core_ctx *cx, const session_config *cfg)
{
    long long last = atomic_load(&last_purge_ms);
    if (cx->now_ms - last < PURGE_EVERY_MS ||
        !atomic_compare_exchange_strong(&last_purge_ms, &last, (long long)cx->now_ms))
        return STORE_OK;
    int rc = store_sessions_purge(cx->conn, cx->now_ms, cx->now_ms - cfg->idle_ms);
    if (rc == STORE_OK)
        rc = store_signin_failures_purge(cx->conn, cx->now_ms - cfg->lock_ms, cx->now_ms);
    return rc;
}

/* A sign-in's outcome, written in one transaction. */
typedef struct outcome {
    const session_config *cfg;
    const attempt *a;
    const char *username;        /* as typed */
    const char *address;
    const char *reason;          /* a failure's; NULL: success */
    session_info *out;           /* success: filled */
    int locked_now;              /* failure: this one locked the name */
} outcome;

static int write_success(core_ctx *cx, void *arg, rerr *e)
{
    outcome *o = arg;
    session_info *si = o->out;
    const user_record *u = &o->a->user;
    random_token(si->token);
    token_hash(si->token, si->s.token_hash);
    memcpy(si->s.instance_id, u->instance_id, ID_LEN);
    memcpy(si->s.user_id, u->id, ID_LEN);
    random_token(si->s.csrf_token);
    si->s.created_ms = si->s.last_seen_ms = cx->now_ms;
    si->s.expires_ms = cx->now_ms + o->cfg->max_ms;
    free(si->s.username);
    si->s.username = xstrdup(u->username);
    si->s.password_temporary = u->password_temporary;
    int rc = store_session_insert(cx->conn, &si->s);
    if (rc == STORE_OK)
        rc = store_signin_failures_clear(cx->conn, u->instance_id, o->username);
    if (rc == STORE_OK)
        rc = purge(cx, o->cfg);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record the session", e);
    return audit_signin_event(cx, "SignIn", u->instance_id, u->id, u->username, o->address, o->reason, e);
}

static int write_failure(core_ctx *cx, void *arg, rerr *e)
{
    outcome *o = arg;
    const attempt *a = o->a;
    int64_t failures, until;
    int rc = store_signin_failures_get(cx->conn, a->inst.id, o->username, &failures, &until);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the failed sign-ins", e);
    if (until != 0 && until <= cx->now_ms) /* a lock that ended starts the count again */
        failures = 0;
    failures++;
    until = 0;
    if (failures >= o->cfg->max_failures) {
        until = cx->now_ms + o->cfg->lock_ms;
        o->locked_now = 1;
    }
    rc = store_signin_failures_set(cx->conn, a->inst.id, o->username, failures, until, cx->now_ms);
    if (rc == STORE_OK)
        rc = purge(cx, o->cfg);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record the failed sign-in", e);
    const char *uid = a->have_user ? a->user.id : NULL;
    const char *name = a->have_user ? a->user.username : o->username;
    if (audit_signin_event(cx, "SignInFailed", a->inst.id, uid, name, o->address, o->reason, e))
        return -1;
    if (o->locked_now && audit_signin_event(cx, "SignInLocked", a->inst.id, uid, name, o->address, NULL, e))
        return -1;
    return 0;
}

/* The lock's message: the configured time, in minutes when whole. */
static int locked_error(const session_config *cfg, rerr *e)
{
    if (cfg->lock_ms % 60000 == 0)
        return rerr_set(e, ERR_TOO_MANY_REQUESTS, NULL,
                        "Too many failed sign-ins for this username: try again in %lld minutes",
                        (long long)(cfg->lock_ms / 60000));
    return rerr_set(e, ERR_TOO_MANY_REQUESTS, NULL, "Too many failed sign-ins for this username: try again in %lld seconds",
                    (long long)session_wait_seconds(cfg->lock_ms));
}

/* ---- sign-in ------------------------------------------------------------------------------------- */

int session_sign_in(core_ctx *cx, const session_config *cfg, const char *alias, const char *username,
                    const char *password, const char *address, session_info *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    int64_t wait = throttle_wait(&cfg->address, address, cx->now_ms);
    if (wait > 0)
        return rerr_set(e, ERR_TOO_MANY_REQUESTS, NULL,
                        "Too many failed sign-ins from your address: try again in %lld seconds",
                        (long long)session_wait_seconds(wait));
    if (!alias || !username || !password || !*alias || !*username || strlen(alias) > ALIAS_MAX ||
        strlen(username) > USERNAME_MAX || strlen(password) > PASSWORD_MAX) {
        throttle_failure(&cfg->address, address, cx->now_ms);
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_WRONG);
    }
    attempt a;
    if (read_attempt(cx, cfg, alias, username, 1, &a, e))
        return -1;
    if (a.have_inst && strcmp(a.inst.idm_type, "SAML") == 0) {
        attempt_clear(&a);
        return rerr_set(e, ERR_INVALID_REQUEST, NULL, "This instance signs in through your identity provider");
    }
    if (a.locked) {
        attempt_clear(&a);
        return locked_error(cfg, e);
    }
    const char *hash = a.have_user && a.user.password_hash ? a.user.password_hash : dummy_hash();
    int right = passwords_verify(hash, password);
    const char *reason = NULL;
    if (!a.have_user)
        reason = "unknown username";
    else if (!a.user.password_hash)
        reason = "the user has no password";
    else if (!right)
        reason = "wrong password";
    else if (a.user.disabled)
        reason = "the user is disabled";
    int rc = 0;
    if (!a.have_inst) {
        rc = -1;
        rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_WRONG);
    } else {
        outcome o = {.cfg = cfg, .a = &a, .username = username, .address = address, .reason = reason, .out = out};
        rc = core_write(cx, reason ? write_failure : write_success, &o, e);
        if (rc == 0 && reason) {
            rc = -1;
            rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_WRONG);
        }
    }
    if (reason)
        throttle_failure(&cfg->address, address, cx->now_ms);
    if (rc)
        session_info_clear(out);
    attempt_clear(&a);
    return rc;
}

int session_sign_in_proxy(core_ctx *cx, const session_config *cfg, const char *alias, const char *username,
                          const char *address, session_info *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (!username || !*username || strlen(username) > USERNAME_MAX)
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, "The auth proxy named no user of this instance");
    attempt a;
    if (read_attempt(cx, cfg, alias, username, 0, &a, e))
        return -1;
    int rc = -1;
    if (!a.have_inst)
        rerr_set(e, ERR_UNAUTHORIZED, NULL, "The auth proxy's instance (ROSTER_AUTH_PROXY_INSTANCE) does not exist");
    else if (strcmp(a.inst.idm_type, "SAML") != 0)
        rerr_set(e, ERR_INVALID_REQUEST, NULL, "The auth proxy signs in users of SAML instances only");
    else if (!a.have_user || a.user.disabled)
        rerr_set(e, ERR_UNAUTHORIZED, NULL, "The auth proxy named no user of this instance, or a disabled one");
    else {
        outcome o = {.cfg = cfg, .a = &a, .username = username, .address = address, .reason = "auth proxy", .out = out};
        rc = core_write(cx, write_success, &o, e);
    }
    if (rc)
        session_info_clear(out);
    attempt_clear(&a);
    return rc;
}

/* ---- sessions ------------------------------------------------------------------------------------ */

static int touch_change(core_ctx *cx, void *arg, rerr *e)
{
    const console_session *s = arg;
    int rc = store_session_touch(cx->conn, s->token_hash, cx->now_ms);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? 0 : core_store_error(cx, rc, "record the session's use", e);
}

int session_lookup(core_ctx *cx, const session_config *cfg, const char *token, session_info *out, principal *who,
                   rerr *e)
{
    memset(out, 0, sizeof *out);
    if (who)
        memset(who, 0, sizeof *who);
    if (!token_well_formed(token))
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_SIGNED_OUT);
    unsigned char hash[SESSION_HASH_LEN];
    token_hash(token, hash);
    if (store_begin(cx->conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc = store_session_get(cx->conn, hash, &out->s);
    int live = rc == STORE_OK && !out->s.user_disabled && cx->now_ms < out->s.expires_ms &&
               cx->now_ms - out->s.last_seen_ms < cfg->idle_ms;
    if (live && who) {
        who->kind = PRINCIPAL_CONSOLE_SESSION;
        snprintf(who->key_id, sizeof who->key_id, "console");
        memcpy(who->instance_id, out->s.instance_id, ID_LEN);
        memcpy(who->user_id, out->s.user_id, ID_LEN);
        who->username = xstrdup(out->s.username);
        rc = store_user_permissions(cx->conn, out->s.user_id, &who->permissions);
    }
    store_rollback(cx->conn);
    if (rc < STORE_OK) {
        session_info_clear(out);
        if (who)
            principal_clear(who);
        return core_store_error(cx, rc, "read the session", e);
    }
    if (!live) {
        session_info_clear(out);
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_SIGNED_OUT);
    }
    int64_t every = cfg->idle_ms / 4 < TOUCH_EVERY_MS ? cfg->idle_ms / 4 : TOUCH_EVERY_MS;
    if (cx->now_ms - out->s.last_seen_ms >= every) {
        rerr ignored; /* a busy store only delays the next touch */
        if (core_write(cx, touch_change, &out->s, &ignored) == 0)
            out->s.last_seen_ms = cx->now_ms;
    }
    return 0;
}

static int end_change(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_session_delete(cx->conn, arg);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? 0 : core_store_error(cx, rc, "end the session", e);
}

int session_end(core_ctx *cx, const char *token, rerr *e)
{
    if (!token_well_formed(token))
        return 0;
    unsigned char hash[SESSION_HASH_LEN];
    token_hash(token, hash);
    return core_write(cx, end_change, hash, e);
}

static int end_others_change(core_ctx *cx, void *arg, rerr *e)
{
    const console_session *s = arg;
    int rc = store_sessions_delete_user(cx->conn, s->user_id, s->token_hash);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "end the user's other sessions", e);
}

int session_change_password(core_ctx *cx, const session_config *cfg, const console_session *s, const char *current,
                            const char *next, const char *address, rerr *e)
{
    if (!current || strlen(current) > PASSWORD_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "CurrentPassword", "The current password is not right");
    attempt a = {0};
    if (store_begin(cx->conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc = store_instance_get(cx->conn, s->instance_id, &a.inst);
    a.have_inst = rc == STORE_OK;
    if (rc == STORE_OK) {
        rc = store_user_get(cx->conn, s->instance_id, s->user_id, &a.user);
        a.have_user = rc == STORE_OK;
    }
    int64_t failures = 0, until = 0;
    if (rc == STORE_OK)
        rc = store_signin_failures_get(cx->conn, s->instance_id, a.user.username, &failures, &until);
    store_rollback(cx->conn);
    if (rc != STORE_OK) {
        attempt_clear(&a);
        return rc == STORE_NOTFOUND ? rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_SIGNED_OUT)
                                    : core_store_error(cx, rc, "read the user", e);
    }
    if (until > cx->now_ms) { /* guessing the current password counts as failed sign-ins */
        attempt_clear(&a);
        return locked_error(cfg, e);
    }
    int right = passwords_verify(a.user.password_hash ? a.user.password_hash : dummy_hash(), current) &&
                a.user.password_hash;
    if (!right) {
        session_info none = {0};
        outcome o = {.cfg = cfg, .a = &a, .username = a.user.username, .address = address,
                     .reason = "wrong current password (password change)", .out = &none};
        rc = core_write(cx, write_failure, &o, e);
        throttle_failure(&cfg->address, address, cx->now_ms);
        attempt_clear(&a);
        return rc ? -1 : rerr_set(e, ERR_INVALID_PARAMETER, "CurrentPassword", "The current password is not right");
    }
    attempt_clear(&a);
    if (!next || user_check_password(next, e)) {
        if (!next)
            rerr_set(e, ERR_INVALID_PARAMETER, NULL, "NewPassword is required");
        snprintf(e->field, sizeof e->field, "NewPassword");
        return -1;
    }
    char *hash = passwords_hash(next);
    if (!hash)
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot hash the password");
    user_change ch = {.operation = "ChangePassword", .password = next, .password_hash = hash, .own_password = 1};
    rc = users_update(cx, s->instance_id, s->user_id, &ch, e);
    sodium_memzero(hash, strlen(hash));
    free(hash);
    if (rc == 0)
        rc = core_write(cx, end_others_change, (void *)s, e);
    return rc;
}
