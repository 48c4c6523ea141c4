/* test_migrations.c — the SQLite backend's migrations on a real file: migration 6, which rebuilds
 * the users table to declare the search handle (seq), keeps every user with its handle and
 * everything that refers to users (security profiles, channel settings, access keys), and leaves
 * foreign keys on; and a rebuild that would leave a reference pointing nowhere is refused.
 * Migration 7 (durable jobs) on a store at version 6 keeps the users and gives working job
 * tables that cascade; migration 8 on a store at version 7 fills the logins of its jobs. The tests turn a store back into an older version by dropping what the
 * later migrations made and forgetting them (SQLite's own API), then open it again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instances.h"
#include "store/sqlite_migrations.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

enum { USERS = 5 };

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance in;
    instance_defaults defs;
    char ids[USERS][ID_LEN];
    int64_t handles[USERS];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->in, &f->defs))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->in);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

/* The handle of the user called username, through the search look-up. */
static int64_t handle_of(store_conn *c, const char *instance_id, const char *username)
{
    user_handles h = {0};
    assert_int_equal(store_user_match_text(c, instance_id, STORE_USER_USERNAME, STORE_MATCH_EXACT, username, &h),
                     STORE_OK);
    assert_int_equal(h.n, 1);
    int64_t v = h.v[0];
    user_handles_clear(&h);
    return v;
}

/* USERS users with two security profiles each, the first with a user key; a gap in the handles
 * (user 1 deleted and made again) so that they are not simply 1..n. */
static void make_users(fixture *f)
{
    strlist sps = {0};
    strlist_push(&sps, f->defs.agent_profile_id);
    strlist_push(&sps, f->defs.admin_profile_id);
    for (int i = 0; i < USERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "user%d", i);
        user_insert u = {.username = name, .first_name = "F", .last_name = "L",
                         .routing_profile_id = f->defs.routing_profile_id, .security_profile_ids = &sps,
                         .now_ms = now_ms()};
        uuid_v7(u.id);
        memcpy(u.instance_id, f->in.id, ID_LEN);
        assert_int_equal(store_user_insert(f->cx.conn, &u), STORE_OK);
        memcpy(f->ids[i], u.id, ID_LEN);
        if (i == 1) {
            assert_int_equal(store_user_delete(f->cx.conn, f->in.id, u.id), STORE_OK);
            uuid_v7(u.id);
            assert_int_equal(store_user_insert(f->cx.conn, &u), STORE_OK);
            memcpy(f->ids[i], u.id, ID_LEN);
        }
    }
    strlist_clear(&sps);
    access_key k = {.kind = KEY_USER, .created_ms = 1};
    snprintf(k.id, sizeof k.id, "%s", "AKRSMIGRATIONTEST000");
    memcpy(k.instance_id, f->in.id, ID_LEN);
    memcpy(k.user_id, f->ids[0], ID_LEN);
    unsigned char sealed[] = {7, 7, 7};
    k.sealed = sealed;
    k.sealed_len = sizeof sealed;
    assert_int_equal(store_key_insert(f->cx.conn, &k), STORE_OK);
    for (int i = 0; i < USERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "user%d", i);
        f->handles[i] = handle_of(f->cx.conn, f->in.id, name);
    }
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

/* What turns the store back into one at version 7 (migration 8 undone and forgotten), 6
 * (migration 7's tables dropped too) and 5 (6 forgotten). */
/* Version 8's job_items: the state checked with IN, the index by state over every item. */
/* Migration 16 undone and forgotten (SCIM settings, attributes, groups; the trail's actor name). */
#define BACK_TO_15                                                                                      \
    "DROP INDEX users_external_id; DROP INDEX routing_profiles_name; DROP INDEX security_profiles_name; DROP TABLE scim_user_grants; DROP TABLE scim_group_mappings; "       \
    "DROP TABLE scim_group_members; DROP TABLE scim_groups; ALTER TABLE users DROP COLUMN scim_attributes; "          \
    "DROP TABLE scim_settings_profiles; DROP TABLE scim_settings; "                                     \
    "ALTER TABLE audit_events DROP COLUMN actor_name; DELETE FROM schema_migrations WHERE version >= 16; "
/* Migration 15 undone and forgotten (SCIM tokens). */
#define BACK_TO_14 BACK_TO_15 "DROP TABLE scim_tokens; DELETE FROM schema_migrations WHERE version >= 15; "
/* Migration 14 undone and forgotten (the names' trigram index, its vocabulary and triggers). */
#define BACK_TO_13                                                                                      \
    BACK_TO_14 "DROP TRIGGER user_name_trigrams_insert; DROP TRIGGER user_name_trigrams_delete; "                  \
    "DROP TRIGGER user_name_trigrams_update; DROP TABLE user_name_trigram_terms; "                      \
    "DROP TABLE user_name_trigrams; DELETE FROM schema_migrations WHERE version >= 14; "
/* Migration 13 undone and forgotten (the console's role mapping, jobs dismissed from the banner). */
#define BACK_TO_12                                                                                      \
    BACK_TO_13 "DROP TABLE role_profiles; DROP TABLE role_profile_sets; ALTER TABLE jobs DROP COLUMN dismissed_ms; " \
    "DELETE FROM schema_migrations WHERE version >= 13; "
/* Migration 12 undone; 11 (sessions) is forgotten too: it creates its tables only if missing. */
#define BACK_TO_11                                                                                                 \
    BACK_TO_12 "DROP INDEX users_first_name; DROP INDEX users_last_name; DROP INDEX user_channel_phone; "         \
    "DROP INDEX users_names; "                                                                                     \
    "DELETE FROM schema_migrations WHERE version >= 11; "
#define BACK_TO_9                                                                                                  \
    BACK_TO_11 "ALTER TABLE users DROP COLUMN password_temporary; DELETE FROM schema_migrations WHERE version >= 10; "
#define BACK_TO_8                                                                                          \
    BACK_TO_9 "CREATE TABLE job_items_v8(job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE, "          \
    "seq INTEGER NOT NULL, row INTEGER NOT NULL, "                                                         \
    "state TEXT NOT NULL CHECK (state IN ('PENDING','SUCCEEDED','FAILED','CANCELED')), action TEXT, "      \
    "user_id TEXT, username TEXT, login_key TEXT, data_json TEXT, secret BLOB, errors_json TEXT, "         \
    "PRIMARY KEY(job_seq, seq)) WITHOUT ROWID; "                                                           \
    "INSERT INTO job_items_v8 SELECT job_seq, seq, row, state, action, user_id, username, login_key, "     \
    "data_json, secret, errors_json FROM job_items; "                                                      \
    "DROP TABLE job_items; ALTER TABLE job_items_v8 RENAME TO job_items; "                                 \
    "CREATE INDEX job_items_state ON job_items(job_seq, state, seq); "                                     \
    "CREATE INDEX job_items_secret ON job_items(job_seq, seq) WHERE secret IS NOT NULL; "                  \
    "DELETE FROM schema_migrations WHERE version >= 9; "
#define BACK_TO_7                                                                                         \
    BACK_TO_8 "DROP TABLE job_logins; DROP INDEX job_items_secret; "                                      \
    "CREATE INDEX job_items_login ON job_items(job_seq, login_key, seq) WHERE login_key IS NOT NULL; " \
    "DELETE FROM schema_migrations WHERE version >= 8; "
#define BACK_TO_6 BACK_TO_7 "DROP TABLE job_items; DROP TABLE jobs; DELETE FROM schema_migrations WHERE version >= 7; "
#define BACK_TO_5 BACK_TO_6 "DELETE FROM schema_migrations WHERE version >= 6; "

/* The latest schema version. */
static int latest_version(void)
{
    size_t n;
    const migration *m = migrations_all(&n);
    return m[n - 1].version;
}

static void rebuild_keeps_users_handles_and_references(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_5);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    for (int i = 0; i < USERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "user%d", i);
        assert_int_equal(handle_of(c, f->in.id, name), f->handles[i]);
        user_record u;
        assert_int_equal(store_user_get(c, f->in.id, f->ids[i], &u), STORE_OK);
        assert_int_equal(u.security_profile_ids.n, 2);
        assert_int_equal(u.n_channels, 0);
        user_clear(&u);
        user_facts facts;
        assert_int_equal(store_user_facts(c, f->handles[i], 1, 0, &facts), STORE_OK);
        assert_string_equal(facts.id, f->ids[i]);
        assert_int_equal(facts.security_profile_ids.n, 2);
        user_facts_clear(&facts);
    }
    access_key k;
    assert_int_equal(store_key_get(c, "AKRSMIGRATIONTEST000", &k), STORE_OK);
    assert_string_equal(k.user_id, f->ids[0]);
    access_key_clear(&k);
    /* Foreign keys are on again: a dangling reference is refused, a delete cascades. */
    strlist sps = {0};
    strlist_push(&sps, "no-such-profile");
    user_insert bad = {.username = "bad", .first_name = "F", .last_name = "L",
                       .routing_profile_id = f->defs.routing_profile_id, .security_profile_ids = &sps,
                       .now_ms = now_ms()};
    uuid_v7(bad.id);
    memcpy(bad.instance_id, f->in.id, ID_LEN);
    assert_int_equal(store_user_insert(c, &bad), STORE_FOREIGN);
    strlist_clear(&sps);
    assert_int_equal(store_user_delete(c, f->in.id, f->ids[0]), STORE_OK);
    assert_int_equal(store_key_get(c, "AKRSMIGRATIONTEST000", &k), STORE_NOTFOUND);
    /* A new user gets a handle of its own. */
    user_insert fresh = {.username = "fresh", .first_name = "F", .last_name = "L",
                         .routing_profile_id = f->defs.routing_profile_id, .now_ms = now_ms()};
    uuid_v7(fresh.id);
    memcpy(fresh.instance_id, f->in.id, ID_LEN);
    assert_int_equal(store_user_insert(c, &fresh), STORE_OK);
    int64_t h = handle_of(c, f->in.id, "fresh");
    for (int i = 1; i < USERS; i++)
        assert_true(h != f->handles[i]);
    store_conn_put(c);
    store_close(again);
}

static void rebuild_refuses_dangling_references(void **state)
{
    fixture *f = *state;
    make_users(f);
    /* A security profile row of a user that is not there (written with foreign keys off). */
    exec_sql(f->ts.path, "INSERT INTO user_security_profiles(user_id, profile_id) "
                         "SELECT 'no-such-user', id FROM security_profiles LIMIT 1; " BACK_TO_5);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    assert_null(again);
    if (!strstr(err, "migration 6 refused") || !strstr(err, "user_security_profiles"))
        fail_msg("unexpected: %s", err);
    assert_int_equal(store_schema_version(f->cx.conn), 5); /* nothing of it was kept */
    assert_int_equal(handle_of(f->cx.conn, f->in.id, "user3"), f->handles[3]);
}

static void jobs_migration_on_a_v6_store(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_6);
    assert_int_equal(store_schema_version(f->cx.conn), 6);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    assert_int_equal(handle_of(c, f->in.id, "user3"), f->handles[3]);
    /* The new tables take a job and its items; deleting the instance deletes them. */
    job_record j = {.kind = "IMPORT", .state = "QUEUED", .submitted_ms = 1};
    uuid_v7(j.id);
    memcpy(j.instance_id, f->in.id, ID_LEN);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_job_insert(c, &j), STORE_OK);
    job_item_record it = {.seq = 0, .row = 1};
    memcpy(it.job_id, j.id, ID_LEN);
    assert_int_equal(store_job_items_insert(c, &it, 1), STORE_OK);
    assert_int_equal(store_instance_delete(c, f->in.id), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    job_item_list items = {0};
    assert_int_equal(store_job_items_page(c, j.id, NULL, -1, 10, &items), STORE_OK);
    assert_int_equal(items.n, 0);
    job_record got;
    assert_int_equal(store_job_get(c, f->in.id, j.id, &got), STORE_NOTFOUND);
    store_conn_put(c);
    store_close(again);
}

/* Inserts a job of the fixture's instance in state with items of the logins given (NULL: none),
 * seq 0.., row seq + 1; its id into id. */
static void job_with_logins(store_conn *c, fixture *f, const char *state, const char *const *logins, size_t n,
                            char id[ID_LEN])
{
    job_record j = {.kind = "IMPORT", .submitted_ms = 1};
    snprintf(j.state, sizeof j.state, "%s", state);
    uuid_v7(j.id);
    memcpy(j.instance_id, f->in.id, ID_LEN);
    assert_int_equal(store_job_insert(c, &j), STORE_OK);
    for (size_t i = 0; i < n; i++) {
        job_item_record it = {.seq = (int64_t)i, .row = (int64_t)i + 1, .login_key = (char *)logins[i]};
        memcpy(it.job_id, j.id, ID_LEN);
        assert_int_equal(store_job_items_insert(c, &it, 1), STORE_OK);
    }
    memcpy(id, j.id, ID_LEN);
}

/* Migration 8 on a store at version 7 with jobs: the logins of jobs past RECEIVING are looked up
 * as before (their table filled from the items), a RECEIVING job's once it is queued. */
static void job_logins_migration_on_a_v7_store(void **state)
{
    fixture *f = *state;
    exec_sql(f->ts.path, BACK_TO_7);
    assert_int_equal(store_schema_version(f->cx.conn), 7);
    /* Two jobs with their items, as version 7 has them (items of a RECEIVING job touch no table
     * of version 8); then one is queued as version 7 queued it. */
    static const char *const logins[] = {"ann", "bob", "ann", NULL, "bob"};
    char queued[ID_LEN], receiving[ID_LEN];
    job_with_logins(f->cx.conn, f, "RECEIVING", logins, 5, queued);
    job_with_logins(f->cx.conn, f, "RECEIVING", logins, 5, receiving);
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE jobs SET state = 'QUEUED' WHERE id = '%s'", queued);
    exec_sql(f->ts.path, sql);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    int64_t row = 0;
    assert_int_equal(store_job_login_first(c, queued, "ann", 2, &row), STORE_OK);
    assert_int_equal(row, 1);
    assert_int_equal(store_job_login_first(c, queued, "bob", 4, &row), STORE_OK);
    assert_int_equal(row, 2);
    assert_int_equal(store_job_login_first(c, queued, "bob", 1, &row), STORE_NOTFOUND);
    assert_int_equal(store_job_login_first(c, receiving, "ann", 2, &row), STORE_ERROR);
    int64_t distinct = -1; /* five items, one without a login: two logins */
    assert_int_equal(store_job_logins_count(c, queued, &distinct), STORE_OK);
    assert_int_equal(distinct, 2);
    assert_int_equal(store_job_logins_count(c, receiving, &distinct), STORE_OK);
    assert_int_equal(distinct, 0);
    assert_int_equal(store_job_set_state(c, receiving, "QUEUED", NULL, 0, 0), STORE_OK);
    assert_int_equal(store_job_login_first(c, receiving, "ann", 2, &row), STORE_OK);
    assert_int_equal(row, 1);
    store_conn_put(c);
    store_close(again);
}

/* Migration 10 on a store at version 9: existing users keep everything and their passwords are
 * not temporary; the new column takes only 0 or 1 and is read back. */
static void password_temporary_migration_on_a_v9_store(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_9);
    assert_int_equal(store_schema_version(f->cx.conn), 9);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    user_record u;
    assert_int_equal(store_user_get(c, f->in.id, f->ids[2], &u), STORE_OK);
    assert_string_equal(u.username, "user2");
    assert_int_equal(u.password_temporary, 0);
    u.password_temporary = 1;
    assert_int_equal(store_user_update(c, &u, 0), STORE_OK);
    user_clear(&u);
    assert_int_equal(store_user_get(c, f->in.id, f->ids[2], &u), STORE_OK);
    assert_int_equal(u.password_temporary, 1);
    user_clear(&u);
    store_conn_put(c);
    store_close(again);
    exec_sql(f->ts.path, "SELECT 1"); /* the file is still a readable store */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->ts.path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE users SET password_temporary = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Migration 12 on a store without it: the list's indexes are made, and the list's name order
 * walks them (INDEXED BY fails without them). */
static void user_list_indexes_migration(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_11);
    assert_int_equal(store_schema_version(f->cx.conn), 10);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    int64_t n = 0;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->ts.path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                            "('users_first_name', 'users_last_name', 'user_channel_phone', 'users_names')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(n, 4);
    store_conn_put(c);
    store_close(again);
}

/* Migration 13 on a store without it: the mapping tables come back empty (every role takes the
 * defaults), a deleted profile leaves a stored mapping, and jobs are not dismissed. */
static void console_migration_on_an_older_store(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_12);
    assert_true(store_schema_version(f->cx.conn) < 13);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    strlist ids = {0};
    int stored = 1;
    assert_int_equal(store_role_profiles_get(c, f->in.id, "Agent", &ids, &stored), STORE_OK);
    assert_int_equal(stored, 0);
    security_profile p;
    assert_int_equal(store_security_profile_by_name(c, f->in.id, "QualityAnalyst", &p), STORE_OK);
    strlist one = {0};
    strlist_push(&one, p.id);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_role_profiles_set(c, f->in.id, "Supervisor", &one), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_role_profiles_get(c, f->in.id, "Supervisor", &ids, &stored), STORE_OK);
    assert_int_equal(stored, 1);
    assert_int_equal((int)ids.n, 1);
    strlist_clear(&ids);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_security_profile_delete(c, f->in.id, p.id), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(store_role_profiles_get(c, f->in.id, "Supervisor", &ids, &stored), STORE_OK);
    assert_int_equal(stored, 1); /* still the admin's choice: now an empty list */
    assert_int_equal((int)ids.n, 0);
    security_profile_clear(&p);
    strlist_clear(&one);
    strlist_clear(&ids);
    store_conn_put(c);
    store_close(again);
}

/* An integer answer of sql on the store's file. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Migration 14 on a store without it: every user already there is in the names' trigram index
 * (found by a text inside their username, and by 2 characters through the vocabulary), and the
 * triggers keep it in step from then on. */
static void name_trigrams_migration_on_an_older_store(void **state)
{
    fixture *f = *state;
    make_users(f);
    exec_sql(f->ts.path, BACK_TO_13);
    assert_int_equal(store_schema_version(f->cx.conn), 13);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    assert_int_equal(sql_int(f->ts.path, "SELECT count(*) FROM user_name_trigrams WHERE user_name_trigrams MATCH "
                                         "'username : \"user\"'"),
                     USERS);
    assert_int_equal(sql_int(f->ts.path, "SELECT count(*) FROM user_name_trigram_terms WHERE term >= 'er' AND "
                                         "term < 'es'"),
                     USERS); /* user0 … user4: "er0" … "er4" */
    assert_int_equal(sql_int(f->ts.path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                                         "name LIKE 'user_name_trigrams_%'"),
                     3);
    assert_int_equal(store_user_delete(c, f->in.id, f->ids[0]), STORE_OK);
    assert_int_equal(sql_int(f->ts.path, "SELECT count(*) FROM user_name_trigrams WHERE user_name_trigrams MATCH "
                                         "'username : \"user\"'"),
                     USERS - 1);
    store_conn_put(c);
    store_close(again);
}

/* The seqs of the items of job_id in state (NULL: any), after after_seq, at most limit, as a
 * string "0,2,…" in out. */
static void item_seqs(store_conn *c, const char *job_id, const char *state, int64_t after_seq, size_t limit,
                      char *out, size_t cap)
{
    job_item_list items = {0};
    assert_int_equal(store_job_items_page(c, job_id, state, after_seq, limit, &items), STORE_OK);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < items.n && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%lld", i ? "," : "", (long long)items.items[i].seq);
    job_item_list_clear(&items);
}

/* Migration 9 on a store at version 8: the rebuilt items keep their contents and their state
 * check; items in every state are found by state as before (SUCCEEDED ones, left out of the
 * new index, too), the pending ones are taken, a finished item is not finished again, the
 * failed ones are retried and the rest canceled. */
static void unsettled_index_migration_on_a_v8_store(void **state)
{
    fixture *f = *state;
    exec_sql(f->ts.path, BACK_TO_8);
    assert_int_equal(store_schema_version(f->cx.conn), 8);
    char job[ID_LEN];
    static const char *const logins[] = {"a", "b", "c", "d", "e", "f", "g"};
    job_with_logins(f->cx.conn, f, "RUNNING", logins, 7, job);
    /* at version 8: items 0, 2, 5 SUCCEEDED, 1 and 4 FAILED, 3 and 6 PENDING */
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE job_items SET state = CASE WHEN seq IN (0, 2, 5) THEN 'SUCCEEDED' WHEN seq IN (1, 4) THEN "
             "'FAILED' ELSE 'PENDING' END WHERE job_seq = (SELECT seq FROM jobs WHERE id = '%s')",
             job);
    exec_sql(f->ts.path, sql);
    char err[512];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    store_conn *c = store_conn_get(again);
    assert_int_equal(store_schema_version(c), latest_version());
    char seqs[128];
    item_seqs(c, job, "SUCCEEDED", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "0,2,5");
    item_seqs(c, job, "SUCCEEDED", 0, 1, seqs, sizeof seqs);
    assert_string_equal(seqs, "2");
    item_seqs(c, job, "FAILED", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "1,4");
    item_seqs(c, job, "PENDING", 3, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "6");
    item_seqs(c, job, NULL, 4, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "5,6");
    job_item_list pending = {0};
    assert_int_equal(store_job_items_pending(c, job, -1, 10, &pending), STORE_OK);
    assert_int_equal(pending.n, 2);
    assert_int_equal(pending.items[0].seq, 3);
    assert_int_equal(pending.items[0].row, 4);
    assert_string_equal(pending.items[0].login_key, "d"); /* the rebuilt table kept the items */
    assert_true(pending.items[0].job_seq > 0);
    /* the state is still checked */
    job_item_record bogus = {.seq = 7, .row = 8, .state = "BOGUS"};
    memcpy(bogus.job_id, job, ID_LEN);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_not_equal(store_job_items_insert(c, &bogus, 1), STORE_OK);
    assert_int_equal(store_rollback(c), STORE_OK);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    /* item 3 succeeds, then finishing it again (or a succeeded item) finds nothing pending */
    job_item_record done = pending.items[0];
    snprintf(done.state, sizeof done.state, "SUCCEEDED");
    assert_int_equal(store_job_item_finish(c, &done), STORE_OK);
    assert_int_equal(store_job_item_finish(c, &done), STORE_NOTFOUND);
    /* by job id alone (no seq) as well */
    job_item_record by_id = pending.items[1];
    by_id.job_seq = 0;
    snprintf(by_id.state, sizeof by_id.state, "FAILED");
    assert_int_equal(store_job_item_finish(c, &by_id), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    job_item_list_clear(&pending);
    item_seqs(c, job, "SUCCEEDED", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "0,2,3,5");
    item_seqs(c, job, "FAILED", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "1,4,6");
    /* the failed items are copied, renumbered, to a new job, whose pending items are canceled */
    job_record retry = {.kind = "IMPORT", .state = "QUEUED", .submitted_ms = 2};
    uuid_v7(retry.id);
    memcpy(retry.instance_id, f->in.id, ID_LEN);
    int64_t n = 0;
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_job_insert(c, &retry), STORE_OK);
    assert_int_equal(store_job_items_copy_failed(c, job, retry.id, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_commit(c), STORE_OK);
    item_seqs(c, retry.id, "PENDING", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "0,1,2");
    assert_int_equal(store_begin(c, 1), STORE_OK);
    assert_int_equal(store_job_cancel_pending(c, retry.id, &n), STORE_OK);
    assert_int_equal(store_commit(c), STORE_OK);
    assert_int_equal(n, 3);
    item_seqs(c, retry.id, "CANCELED", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "0,1,2");
    item_seqs(c, retry.id, "PENDING", -1, 10, seqs, sizeof seqs);
    assert_string_equal(seqs, "");
    store_conn_put(c);
    store_close(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(rebuild_keeps_users_handles_and_references, setup, teardown),
        cmocka_unit_test_setup_teardown(rebuild_refuses_dangling_references, setup, teardown),
        cmocka_unit_test_setup_teardown(jobs_migration_on_a_v6_store, setup, teardown),
        cmocka_unit_test_setup_teardown(job_logins_migration_on_a_v7_store, setup, teardown),
        cmocka_unit_test_setup_teardown(unsettled_index_migration_on_a_v8_store, setup, teardown),
        cmocka_unit_test_setup_teardown(password_temporary_migration_on_a_v9_store, setup, teardown),
        cmocka_unit_test_setup_teardown(user_list_indexes_migration, setup, teardown),
        cmocka_unit_test_setup_teardown(console_migration_on_an_older_store, setup, teardown),
        cmocka_unit_test_setup_teardown(name_trigrams_migration_on_an_older_store, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
