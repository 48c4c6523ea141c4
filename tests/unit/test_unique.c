/* test_unique.c — usernames unique per instance ignoring ASCII case, held by the store itself
 * (migration 5's unique index users_fold) on a real SQLite file: look-alike inserts and renames
 * straight through the store (no core check before them) are refused with STORE_UNIQUE; creates
 * racing through core, from two threads on one store and on two stores over the same file (as two
 * processes would), end with exactly one user; and a store from before migration 5 that holds
 * look-alikes is refused with them named, until they are gone. White-box in the last test: it
 * makes such a store with SQLite's own API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instances.h"
#include "core/users.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance a, b;               /* two SAML instances: no passwords to hash */
    instance_defaults a_defs, b_defs;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->a, &f->a_defs) ||
        test_saml_instance(&f->cx, &f->b, &f->b_defs))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->a);
    instance_clear(&f->b);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

/* Fills *u (user_clear it) with a user of the instance named username, with its Agent profile. */
static void record(const instance *in, const instance_defaults *defs, const char *username, user_record *u)
{
    memset(u, 0, sizeof *u);
    uuid_v7(u->id);
    memcpy(u->instance_id, in->id, ID_LEN);
    u->username = xstrdup(username);
    u->first_name = xstrdup("Ada");
    u->last_name = xstrdup("Lovelace");
    memcpy(u->routing_profile_id, defs->routing_profile_id, ID_LEN);
    strlist_push(&u->security_profile_ids, defs->agent_profile_id);
    u->version = 1;
    u->created_ms = u->modified_ms = now_ms();
}

/* Inserts username straight through the store; returns the STORE_* value. */
static int insert(fixture *f, const instance *in, const instance_defaults *defs, const char *username)
{
    user_record u;
    record(in, defs, username, &u);
    int rc = store_user_create(f->cx.conn, &u);
    user_clear(&u);
    return rc;
}

static void store_refuses_lookalike_insert(void **state)
{
    fixture *f = *state;
    assert_int_equal(insert(f, &f->a, &f->a_defs, "Ann.Lee"), STORE_OK);
    assert_int_equal(insert(f, &f->a, &f->a_defs, "Ann.Lee"), STORE_UNIQUE);
    assert_int_equal(insert(f, &f->a, &f->a_defs, "ann.lee"), STORE_UNIQUE);
    assert_int_equal(insert(f, &f->a, &f->a_defs, "ANN.LEE"), STORE_UNIQUE);
    /* Only ASCII folds: a non-ASCII letter is another name. */
    assert_int_equal(insert(f, &f->a, &f->a_defs, "\xc3\xa5nn.lee"), STORE_OK);
    /* Another instance may have it. */
    assert_int_equal(insert(f, &f->b, &f->b_defs, "ann.lee"), STORE_OK);
    /* The look-up names the one holder. */
    user_ref r;
    assert_int_equal(store_user_lookalike(f->cx.conn, f->a.id, "aNN.LeE", &r), STORE_OK);
    assert_string_equal(r.username, "Ann.Lee");
    user_ref_clear(&r);
}

static void store_refuses_lookalike_rename(void **state)
{
    fixture *f = *state;
    assert_int_equal(insert(f, &f->a, &f->a_defs, "Bo.Chen"), STORE_OK);
    user_record u;
    record(&f->a, &f->a_defs, "other", &u);
    assert_int_equal(store_user_create(f->cx.conn, &u), STORE_OK);
    free(u.username);
    u.username = xstrdup("bo.CHEN");
    u.version = 2;
    assert_int_equal(store_user_update(f->cx.conn, &u, STORE_USER_NAME | STORE_USER_CHILDREN), STORE_UNIQUE);
    free(u.username);
    u.username = xstrdup("Other"); /* its own name in another case is fine */
    assert_int_equal(store_user_update(f->cx.conn, &u, STORE_USER_NAME | STORE_USER_CHILDREN), STORE_OK);
    user_clear(&u);
}

/* ---- racing creates through core ---------------------------------------------------------------- */

enum { ROUNDS = 12 };

typedef struct racer {
    fixture *f;
    store *st;                   /* the store this racer's connection comes from */
    const char *username;
    pthread_barrier_t *start;
    int rc;
    rerr e;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    core_ctx cx = {.conn = store_conn_get(r->st), .cfg = &r->f->cfg, .now_ms = now_ms()};
    strlist sps = {0};
    strlist_push(&sps, r->f->a_defs.agent_profile_id);
    user_new in = {.username = r->username,
                   .identity = {.first_name = "Race", .last_name = "Condition"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = r->f->a_defs.routing_profile_id};
    char id[ID_LEN];
    pthread_barrier_wait(r->start);
    r->rc = cx.conn ? users_create(&cx, r->f->a.id, &in, id, &r->e) : -2;
    strlist_clear(&sps);
    store_conn_put(cx.conn);
    return NULL;
}

/* Two creates of look-alike names at once, from stores s1 and s2: exactly one wins, the other
 * is a DuplicateResource naming the winner. */
static void race_once(fixture *f, store *s1, store *s2, const char *n1, const char *n2)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 2);
    racer r[2] = {{.f = f, .st = s1, .username = n1, .start = &start},
                  {.f = f, .st = s2, .username = n2, .start = &start}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    assert_int_equal((r[0].rc == 0) + (r[1].rc == 0), 1);
    racer *loser = r[0].rc == 0 ? &r[1] : &r[0], *winner = r[0].rc == 0 ? &r[0] : &r[1];
    assert_int_equal(loser->rc, -1);
    assert_int_equal(loser->e.code, ERR_DUPLICATE);
    assert_string_equal(loser->e.field, "Username");
    if (!strstr(loser->e.message, winner->username))
        fail_msg("'%s' does not name the winner '%s'", loser->e.message, winner->username);
    user_ref u;
    assert_int_equal(store_user_lookalike(f->cx.conn, f->a.id, n1, &u), STORE_OK);
    assert_string_equal(u.username, winner->username);
    user_ref_clear(&u);
}

static void racing_lookalike_creates_one_wins(void **state)
{
    fixture *f = *state;
    char err[256];
    store *other = store_open(f->ts.path, 0, err, sizeof err); /* as a second process would */
    assert_non_null(other);
    for (int i = 0; i < ROUNDS; i++) {
        char n1[32], n2[32];
        snprintf(n1, sizeof n1, "Racer.%d", i);
        snprintf(n2, sizeof n2, "racer.%d", i);
        race_once(f, f->ts.st, i % 2 ? other : f->ts.st, n1, n2);
    }
    store_close(other);
}

/* ---- a store from before the unique index ----------------------------------------------------- */

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

static void old_store_with_lookalikes_is_refused(void **state)
{
    fixture *f = *state;
    /* Back to version 4's non-unique index (and without the later migrations' tables); then two
     * look-alikes go in, as they could then. */
    int latest = store_schema_version(f->cx.conn);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->ts.path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    exec_sql(db, "DROP INDEX users_fold; CREATE INDEX users_fold ON users(instance_id, username_fold)");
    assert_int_equal(insert(f, &f->a, &f->a_defs, "Cy.Dee"), STORE_OK);
    assert_int_equal(insert(f, &f->a, &f->a_defs, "cy.dee"), STORE_OK);
    /* (The jobs' tables of migrations 7 and 8, migration 12's indexes, the console's tables of
     * 13, the names' trigram index of 14 the SCIM tokens of 15 and SCIM's tables of 16 dropped too, or they would be
     * made again.) */
    exec_sql(db, "DROP INDEX users_external_id; DROP INDEX routing_profiles_name; DROP INDEX security_profiles_name; DROP TABLE scim_user_grants; DROP TABLE scim_group_mappings; "
                 "DROP TABLE scim_group_members; DROP TABLE scim_groups; ALTER TABLE users DROP COLUMN scim_attributes; "
                 "DROP TABLE scim_settings_profiles; DROP TABLE scim_settings; "
                 "ALTER TABLE audit_events DROP COLUMN actor_name; "
                 "DROP TABLE scim_tokens; DROP TRIGGER user_name_trigrams_insert; DROP TRIGGER user_name_trigrams_delete; "
                 "DROP TRIGGER user_name_trigrams_update; DROP TABLE user_name_trigram_terms; "
                 "DROP TABLE user_name_trigrams; "
                 "DROP TABLE role_profiles; DROP TABLE role_profile_sets; "
                 "DROP TABLE job_logins; DROP TABLE job_items; DROP TABLE jobs; "
                 "DROP INDEX users_first_name; DROP INDEX users_last_name; DROP INDEX user_channel_phone; "
                 "DROP INDEX users_names; "
                 "DELETE FROM schema_migrations WHERE version >= 5");
    char err[1024];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    assert_null(again);
    if (!strstr(err, "'Cy.Dee'") || !strstr(err, "'cy.dee'") || !strstr(err, "differ only in case") ||
        !strstr(err, f->a.id))
        fail_msg("refusal does not name the look-alikes: %s", err);
    /* Nothing changed: still version 4, and once one of them is gone the store opens at 5. */
    exec_sql(db, "PRAGMA foreign_keys=ON; DELETE FROM users WHERE username = 'cy.dee'");
    sqlite3_close(db);
    assert_int_equal(store_schema_version(f->cx.conn), 4);
    again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest);
    store_conn_put(c);
    store_close(again);
    assert_int_equal(insert(f, &f->a, &f->a_defs, "CY.DEE"), STORE_UNIQUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_refuses_lookalike_insert, setup, teardown),
        cmocka_unit_test_setup_teardown(store_refuses_lookalike_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(racing_lookalike_creates_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(old_store_with_lookalikes_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
