/* test_combine.c — concurrent writes combined into one transaction (core/combine.c) over real
 * SQLite files: a lone change commits or leaves nothing, as core_write; sixteen concurrent
 * changes, half of which fail after writing, each get their own outcome and run with their own
 * context, and commit in a few transactions rather than sixteen; changes of two stores never
 * mix; a round whose commit fails tells every change in it. White-box where it counts the
 * store's transactions (store/sqlite_int.h) and makes a commit fail (deferred foreign keys on the
 * writer's handle). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/combine.h"
#include "store/sqlite_int.h"
#include "store/store.h"
#include "support.h"

enum { THREADS = 16 };

/* The value of setting key as a separate connection of s sees it, or NULL (caller frees). */
static char *committed(store *s, const char *key)
{
    store_conn *c = store_conn_get(s);
    assert_non_null(c);
    char *v = NULL;
    int rc = store_meta_get(c, key, &v);
    store_conn_put(c);
    assert_true(rc == STORE_OK || rc == STORE_NOTFOUND);
    return rc == STORE_OK ? v : NULL;
}

typedef struct job {
    test_store *ts;
    int index;
    int fail;       /* write, then fail */
    int doom;       /* write a dangling reference checked only at COMMIT: the commit fails */
    int rc;
    rerr e;
} job;

/* Writes key-<index> = the context's clock, and half-<index>; then fails if the job says so. */
static int change(core_ctx *cx, void *arg, rerr *e)
{
    job *j = arg;
    char key[32], half[32], value[32];
    snprintf(key, sizeof key, "key-%d", j->index);
    snprintf(half, sizeof half, "half-%d", j->index);
    snprintf(value, sizeof value, "%lld", (long long)cx->now_ms);
    if (store_meta_set(cx->conn, half, "v") != STORE_OK || store_meta_set(cx->conn, key, value) != STORE_OK)
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot write");
    if (j->doom) {
        assert_int_equal(sqlite3_exec(cx->conn->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
        kvlist tags = {0};
        kvlist_set(&tags, "k", "v");
        int rc = store_tags_set(cx->conn, "no-such-instance", "no-such-resource", &tags);
        kvlist_clear(&tags);
        if (rc != STORE_OK)
            return rerr_set(e, ERR_INTERNAL, NULL, "the dangling tag was refused at once");
    }
    if (j->fail)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Row", "change %d refused after writing", j->index);
    return 0;
}

/* A caller of its own: its own connection and context (clock 1000 + index). */
static void *run_job(void *arg)
{
    job *j = arg;
    settings cfg;
    test_settings(&cfg);
    core_ctx cx = {.conn = store_conn_get(j->ts->st), .cfg = &cfg, .now_ms = 1000 + j->index};
    assert_non_null(cx.conn);
    rerr_clear(&j->e);
    j->rc = core_write_combined(&cx, change, j, &j->e);
    store_conn_put(cx.conn);
    return NULL;
}

static void check_kept(store *s, int index, int kept)
{
    char key[32], half[32], want[32];
    snprintf(key, sizeof key, "key-%d", index);
    snprintf(half, sizeof half, "half-%d", index);
    snprintf(want, sizeof want, "%d", 1000 + index);
    char *v = committed(s, key), *h = committed(s, half);
    if (kept) {
        assert_non_null(v);
        assert_string_equal(v, want); /* written with its own caller's clock */
        assert_non_null(h);
    } else {
        assert_null(v);
        assert_null(h);
    }
    free(v);
    free(h);
}

static void lone_change_commits_or_leaves_nothing(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    job ok = {.ts = &ts, .index = 1}, bad = {.ts = &ts, .index = 2, .fail = 1};
    run_job(&ok);
    run_job(&bad);
    assert_int_equal(ok.rc, 0);
    assert_int_equal(bad.rc, -1);
    assert_int_equal(bad.e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(bad.e.message, "change 2 refused after writing");
    check_kept(ts.st, 1, 1);
    check_kept(ts.st, 2, 0);
    assert_int_equal(test_store_remove(&ts), 0);
}

/* Sixteen callers while another connection holds the write lock: the first round's leader waits
 * for the lock while the others queue; once it is released every change gets its own outcome,
 * and they commit in a few transactions, not sixteen. */
static void concurrent_changes_share_transactions(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    store_conn *holder = store_conn_get(ts.st);
    assert_int_equal(store_begin(holder, 1), STORE_OK);
    assert_int_equal(store_meta_set(holder, "held", "v"), STORE_OK);
    unsigned long before = ts.st->transactions_committed;

    job jobs[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){.ts = &ts, .index = i, .fail = i % 2};
        assert_int_equal(pthread_create(&t[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < 10000 && core_combine_callers() < THREADS; i++)
        usleep(1000);
    assert_int_equal(core_combine_callers(), THREADS); /* all queued; one round waits for the lock */
    assert_int_equal(store_commit(holder), STORE_OK);
    store_conn_put(holder);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);

    for (int i = 0; i < THREADS; i++) {
        if (i % 2) {
            assert_int_equal(jobs[i].rc, -1);
            char want[64];
            snprintf(want, sizeof want, "change %d refused after writing", i);
            assert_string_equal(jobs[i].e.message, want); /* its own error, nobody else's */
        } else {
            assert_int_equal(jobs[i].rc, 0);
        }
        check_kept(ts.st, i, i % 2 == 0);
    }
    unsigned long transactions = ts.st->transactions_committed - before;
    assert_true(transactions >= 2); /* the holder's and at least one round */
    assert_true(transactions <= 3); /* the round waiting for the lock took all the others with it */
    char *held = committed(ts.st, "held");
    assert_non_null(held);
    free(held);
    assert_int_equal(test_store_remove(&ts), 0);
}

/* Callers of two stores at once: each change lands in its own store only. */
static void stores_never_mix(void **state)
{
    (void)state;
    test_store a, b;
    assert_non_null(test_store_open(&a));
    assert_non_null(test_store_open(&b));
    job jobs[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){.ts = i % 2 ? &b : &a, .index = i};
        assert_int_equal(pthread_create(&t[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(jobs[i].rc, 0);
        check_kept(i % 2 ? b.st : a.st, i, 1);
        check_kept(i % 2 ? a.st : b.st, i, 0);
    }
    assert_int_equal(test_store_remove(&a), 0);
    assert_int_equal(test_store_remove(&b), 0);
}

/* A change whose round cannot commit: the caller is told, nothing of it is kept, and the next
 * change commits. */
static void failed_commit_is_told(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    job doomed = {.ts = &ts, .index = 3, .doom = 1}, next = {.ts = &ts, .index = 4};
    run_job(&doomed);
    assert_int_equal(doomed.rc, -1);
    assert_int_equal(doomed.e.code, ERR_INTERNAL);
    check_kept(ts.st, 3, 0);
    run_job(&next);
    assert_int_equal(next.rc, 0);
    check_kept(ts.st, 4, 1);
    assert_int_equal(test_store_remove(&ts), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lone_change_commits_or_leaves_nothing),
        cmocka_unit_test(concurrent_changes_share_transactions),
        cmocka_unit_test(stores_never_mix),
        cmocka_unit_test(failed_commit_is_told),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
