/* test_sessions.c — the console's sessions below the door: the store's sessions and failure
 * counts (hash keyed, ended with their user, names folded), the per-address slow-down, the
 * settings from the environment, and the core rules with the clock in the test's hands (lock-out
 * and its end, idle and absolute ends, the sliding idle, a disabled user, the own password). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "auth/throttle.h"
#include "core/permissions.h"
#include "core/users.h"
#include "support.h"

#define PW "Passw0rdUnit1"
#define MINUTE ((int64_t)60000)

typedef struct fx {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance inst;
    instance_defaults defs;
    char user_id[ID_LEN];
    session_config sc;
} fx;

static int setup(void **state)
{
    setenv("ROSTER_ARGON2_T", "1", 1);
    setenv("ROSTER_ARGON2_M_MIB", "1", 1);
    fx *f = calloc(1, sizeof *f);
    *state = f;
    if (test_core_open(&f->ts, &f->cfg, &f->cx))
        return -1;
    instance_create req = {.idm_type = "CONNECT_MANAGED", .alias = "unit", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    if (instances_create(&f->cx, &req, &f->inst, &f->defs, &created, &e))
        return -1;
    strlist names = {0};
    strlist_push(&names, "Admin");
    user_basic u = {.username = "Alice", .first_name = "A", .last_name = "L", .password = PW,
                    .security_profile_names = &names};
    int rc = users_create_basic(&f->cx, f->inst.id, &u, f->user_id, &e);
    strlist_clear(&names);
    if (rc)
        fprintf(stderr, "users_create_basic: %s\n", e.message);
    session_config_defaults(&f->sc);
    f->sc.address.threshold = 0;
    throttle_reset();
    return rc;
}

static int teardown(void **state)
{
    fx *f = *state;
    instance_clear(&f->inst);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

/* ---- the store ----------------------------------------------------------------------------- */

static void store_sessions_by_hash_end_with_their_user(void **state)
{
    fx *f = *state;
    store_conn *c = f->cx.conn;
    console_session s = {0};
    memset(s.token_hash, 7, sizeof s.token_hash);
    memcpy(s.instance_id, f->inst.id, ID_LEN);
    memcpy(s.user_id, f->user_id, ID_LEN);
    snprintf(s.csrf_token, sizeof s.csrf_token, "csrf");
    s.created_ms = s.last_seen_ms = 1000;
    s.expires_ms = 5000;
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_session_insert(c, &s), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    console_session got;
    assert_int_equal(store_session_get(c, s.token_hash, &got), STORE_OK);
    assert_string_equal(got.username, "Alice");
    assert_string_equal(got.csrf_token, "csrf");
    assert_int_equal(got.expires_ms, 5000);
    assert_int_equal(got.user_disabled, 0);
    console_session_clear(&got);
    unsigned char other[SESSION_HASH_LEN];
    memset(other, 8, sizeof other);
    assert_int_equal(store_session_get(c, other, &got), STORE_NOTFOUND);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_session_touch(c, s.token_hash, 2000), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_session_get(c, s.token_hash, &got), STORE_OK);
    assert_int_equal(got.last_seen_ms, 2000);
    console_session_clear(&got);
    /* Deleting the user deletes its sessions. */
    rerr e;
    assert_int_equal(users_delete(&f->cx, f->inst.id, f->user_id, &e), 0);
    assert_int_equal(store_session_get(c, s.token_hash, &got), STORE_NOTFOUND);
}

static void store_failures_fold_ascii_case(void **state)
{
    fx *f = *state;
    store_conn *c = f->cx.conn;
    int64_t n, until;
    assert_int_equal(store_signin_failures_get(c, f->inst.id, "Bob", &n, &until), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_signin_failures_set(c, f->inst.id, "Bob", 3, 99, 10), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_signin_failures_get(c, f->inst.id, "bOB", &n, &until), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(until, 99);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_signin_failures_purge(c, 5, 100), STORE_OK); /* failed at 10: kept */
    assert_int_equal(store_signin_failures_purge(c, 50, 50), STORE_OK); /* locked until 99: kept */
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_signin_failures_get(c, f->inst.id, "bob", &n, &until), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_signin_failures_clear(c, f->inst.id, "BOB"), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_signin_failures_get(c, f->inst.id, "bob", &n, &until), STORE_OK);
    assert_int_equal(n, 0);
}

/* ---- the slow-down and the settings ---------------------------------------------------------- */

static void throttle_waits_after_the_threshold_and_doubles(void **state)
{
    (void)state;
    throttle_reset();
    throttle_config tc = {.threshold = 2, .window_ms = 10 * MINUTE};
    int64_t t = 1000000;
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t), 0);
    throttle_failure(&tc, "10.0.0.1", t);
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t), 0);
    throttle_failure(&tc, "10.0.0.1", t);
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t), 1000);
    assert_int_equal(throttle_wait(&tc, "10.0.0.2", t), 0); /* another address */
    throttle_failure(&tc, "10.0.0.1", t + 1000);
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t + 1000), 2000);
    for (int i = 0; i < 10; i++)
        throttle_failure(&tc, "10.0.0.1", t + 2000);
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t + 2000), THROTTLE_MAX_WAIT_MS);
    /* A new window starts afresh. */
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t + 11 * MINUTE), 0);
    /* Bounded memory: more addresses than slots evict the oldest, never grow. */
    char a[32];
    for (int i = 0; i < THROTTLE_SLOTS + 10; i++) {
        snprintf(a, sizeof a, "10.1.%d.%d", i / 256, i % 256);
        throttle_failure(&tc, a, t + 3000 + i);
        throttle_failure(&tc, a, t + 3000 + i);
    }
    assert_int_equal(throttle_wait(&tc, "10.0.0.1", t + 3000 + THROTTLE_SLOTS + 10), 0);
    assert_true(throttle_wait(&tc, a, t + 3000 + THROTTLE_SLOTS + 10) > 0);
    throttle_reset();
}

static void settings_from_the_environment(void **state)
{
    (void)state;
    session_config c;
    char err[256];
    setenv("ROSTER_SESSION_IDLE_MINUTES", "10", 1);
    setenv("ROSTER_SIGNIN_LOCK_SECONDS", "3", 1);
    setenv("ROSTER_AUTH_PROXY_HEADER", "X-WEBAUTH-USER", 1);
    setenv("ROSTER_AUTH_PROXY_ADDRESSES", "127.0.0.1, ::1", 1);
    assert_int_equal(session_config_from_env(&c, err, sizeof err), 0);
    assert_int_equal(c.idle_ms, 10 * MINUTE);
    assert_int_equal(c.lock_ms, 3000);
    assert_int_equal(c.max_failures, 5);
    assert_int_equal(c.max_ms, 12 * 60 * MINUTE);
    assert_true(session_config_is_proxy(&c, "127.0.0.1"));
    assert_true(session_config_is_proxy(&c, "0:0::1"));
    assert_false(session_config_is_proxy(&c, "127.0.0.2"));
    setenv("ROSTER_SIGNIN_MAX_FAILURES", "0", 1);
    assert_int_equal(session_config_from_env(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "ROSTER_SIGNIN_MAX_FAILURES"));
    unsetenv("ROSTER_SIGNIN_MAX_FAILURES");
    setenv("ROSTER_AUTH_PROXY_ADDRESSES", "proxy.example", 1);
    assert_int_equal(session_config_from_env(&c, err, sizeof err), -1);
    unsetenv("ROSTER_AUTH_PROXY_ADDRESSES");
    assert_int_equal(session_config_from_env(&c, err, sizeof err), -1); /* a header without addresses */
    unsetenv("ROSTER_AUTH_PROXY_HEADER");
    unsetenv("ROSTER_SESSION_IDLE_MINUTES");
    unsetenv("ROSTER_SIGNIN_LOCK_SECONDS");
    assert_int_equal(session_config_from_env(&c, err, sizeof err), 0);
    assert_int_equal(c.proxy_header[0], '\0');
}

/* ---- the core rules -------------------------------------------------------------------------- */

static int sign_in(fx *f, const char *user, const char *pw, session_info *si, rerr *e)
{
    int rc = session_sign_in(&f->cx, &f->sc, "UNIT", user, pw, "10.9.9.9", si, e);
    return rc;
}

static void lock_out_then_its_end(void **state)
{
    fx *f = *state;
    session_info si;
    rerr e;
    int64_t t0 = f->cx.now_ms;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sign_in(f, "alice", "Wrong1pass", &si, &e), -1);
        assert_int_equal(e.code, ERR_UNAUTHORIZED);
        assert_string_equal(e.message, SESSION_MSG_WRONG);
    }
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), -1);
    assert_int_equal(e.code, ERR_TOO_MANY_REQUESTS);
    assert_string_equal(e.message, "Too many failed sign-ins for this username: try again in 15 minutes");
    f->cx.now_ms = t0 + 15 * MINUTE + 1;
    assert_int_equal(sign_in(f, "ALICE", PW, &si, &e), 0);
    assert_string_equal(si.s.username, "Alice");
    assert_int_equal(strlen(si.token), SESSION_TOKEN_LEN);
    session_info_clear(&si);
    /* Unknown names lock the same way. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sign_in(f, "nobody", "Wrong1pass", &si, &e), -1);
        assert_int_equal(e.code, ERR_UNAUTHORIZED);
    }
    assert_int_equal(sign_in(f, "nobody", PW, &si, &e), -1);
    assert_int_equal(e.code, ERR_TOO_MANY_REQUESTS);
    /* The same refusal for an unknown instance. */
    assert_int_equal(session_sign_in(&f->cx, &f->sc, "nope", "alice", PW, NULL, &si, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_string_equal(e.message, SESSION_MSG_WRONG);
}

static void lookup_idle_sliding_and_absolute(void **state)
{
    fx *f = *state;
    session_info si, got;
    principal who;
    rerr e;
    int64_t t0 = f->cx.now_ms;
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, &who, &e), 0);
    assert_int_equal(who.kind, PRINCIPAL_CONSOLE_SESSION);
    assert_string_equal(who.user_id, f->user_id);
    assert_string_equal(who.instance_id, f->inst.id);
    assert_true(principal_has(&who, "Users.Edit"));
    assert_string_equal(got.s.csrf_token, si.s.csrf_token);
    session_info_clear(&got);
    principal_clear(&who);
    /* Used every 20 minutes: alive for 12 hours, then ended. */
    int64_t t;
    for (t = t0 + 20 * MINUTE; t < t0 + 12 * 60 * MINUTE; t += 20 * MINUTE) {
        f->cx.now_ms = t;
        assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), 0);
        session_info_clear(&got);
    }
    f->cx.now_ms = t0 + 12 * 60 * MINUTE;
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_string_equal(e.message, SESSION_MSG_SIGNED_OUT);
    session_info_clear(&si);
    /* Idle for 30 minutes: ended. */
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    f->cx.now_ms += 30 * MINUTE;
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    session_info_clear(&si);
    /* Signed out: ended; a token of another form is not looked up. */
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    assert_int_equal(session_end(&f->cx, si.token, &e), 0);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), -1);
    assert_int_equal(session_lookup(&f->cx, &f->sc, "short", &got, NULL, &e), -1);
    assert_int_equal(session_lookup(&f->cx, &f->sc, NULL, &got, NULL, &e), -1);
    session_info_clear(&si);
}

static void a_disabled_user_is_refused_and_their_sessions_stop(void **state)
{
    fx *f = *state;
    session_info si, got;
    rerr e;
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    user_change ch = {.operation = "DisableUser", .set_disabled = 1, .disabled = 1};
    assert_int_equal(users_update(&f->cx, f->inst.id, f->user_id, &ch, &e), 0);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    session_info_clear(&si);
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_string_equal(e.message, SESSION_MSG_WRONG);
}

static void own_password_needs_the_current_one_and_the_policy(void **state)
{
    fx *f = *state;
    session_info si, got;
    principal who;
    rerr e;
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    session_info other;
    assert_int_equal(sign_in(f, "alice", PW, &other, &e), 0);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, &who, &e), 0);
    /* Acting with no permission at all: changing one's own password needs none. */
    strlist_clear(&who.permissions);
    f->cx.who = &who;
    assert_int_equal(session_change_password(&f->cx, &f->sc, &got.s, "Wrong1pass", "Better1pass", NULL, &e), -1);
    assert_string_equal(e.field, "CurrentPassword");
    assert_int_equal(session_change_password(&f->cx, &f->sc, &got.s, PW, "weak", NULL, &e), -1);
    assert_string_equal(e.field, "NewPassword");
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_int_equal(session_change_password(&f->cx, &f->sc, &got.s, PW, "Better1pass", NULL, &e), 0);
    /* Someone else's password: refused even so. */
    user_change ch = {.operation = "ChangeOwnPassword", .password = "Other1pass", .password_hash = "x",
                      .own_password = 1};
    char other_id[ID_LEN];
    memcpy(other_id, who.user_id, ID_LEN);
    who.user_id[0] = 'f';
    who.user_id[1] = '\0';
    assert_int_equal(users_update(&f->cx, f->inst.id, other_id, &ch, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    f->cx.who = principal_cli();
    principal_clear(&who);
    session_info_clear(&got);
    /* The other session ended; this one lives on; the new password signs in. */
    assert_int_equal(session_lookup(&f->cx, &f->sc, other.token, &got, NULL, &e), -1);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, NULL, &e), 0);
    session_info_clear(&got);
    session_info_clear(&other);
    session_info_clear(&si);
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), -1);
    assert_int_equal(sign_in(f, "alice", "Better1pass", &si, &e), 0);
    session_info_clear(&si);
}

static void guessing_the_current_password_locks_the_username(void **state)
{
    fx *f = *state;
    session_info si, got;
    principal who;
    rerr e;
    f->sc.max_failures = 2;
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), 0);
    assert_int_equal(session_lookup(&f->cx, &f->sc, si.token, &got, &who, &e), 0);
    f->cx.who = &who;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(session_change_password(&f->cx, &f->sc, &got.s, "Wrong1pass", "Better1pass", NULL, &e), -1);
        assert_string_equal(e.field, "CurrentPassword");
    }
    assert_int_equal(session_change_password(&f->cx, &f->sc, &got.s, PW, "Better1pass", NULL, &e), -1);
    assert_int_equal(e.code, ERR_TOO_MANY_REQUESTS);
    f->cx.who = principal_cli();
    principal_clear(&who);
    session_info_clear(&got);
    session_info_clear(&si);
    assert_int_equal(sign_in(f, "alice", PW, &si, &e), -1);
    assert_int_equal(e.code, ERR_TOO_MANY_REQUESTS);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_sessions_by_hash_end_with_their_user, setup, teardown),
        cmocka_unit_test_setup_teardown(store_failures_fold_ascii_case, setup, teardown),
        cmocka_unit_test(throttle_waits_after_the_threshold_and_doubles),
        cmocka_unit_test(settings_from_the_environment),
        cmocka_unit_test_setup_teardown(lock_out_then_its_end, setup, teardown),
        cmocka_unit_test_setup_teardown(lookup_idle_sliding_and_absolute, setup, teardown),
        cmocka_unit_test_setup_teardown(a_disabled_user_is_refused_and_their_sessions_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(own_password_needs_the_current_one_and_the_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(guessing_the_current_password_locks_the_username, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
