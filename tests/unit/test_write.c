/* test_write.c — core's one way to write (core/write.c) over a real SQLite file: a change
 * committed or rolled back as a whole, also when the commit itself fails; batches whose failing
 * items leave nothing behind while the others are kept; the bounds that cut a long batch into
 * several transactions; and an API write from another thread that gets through while a long
 * batch runs. White-box where a commit must fail: it turns on SQLite's deferred foreign keys on
 * the writer's handle (store/sqlite_int.h), so a dangling reference fails at COMMIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/write.h"
#include "store/sqlite_int.h"
#include "store/store.h"
#include "util/ids.h"
#include "support.h"

typedef struct fixture {
    test_store ts;
    store_conn *c;
    settings cfg;
    core_ctx cx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx))
        return -1;
    f->c = f->cx.conn;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

/* 1 if the setting key is in the store (as committed, or as this connection's open transaction
 * sees it). */
static int has(store_conn *c, const char *key)
{
    char *v = NULL;
    int rc = store_meta_get(c, key, &v);
    free(v);
    assert_true(rc == STORE_OK || rc == STORE_NOTFOUND);
    return rc == STORE_OK;
}

static int set(core_ctx *cx, const char *key, rerr *e)
{
    int rc = store_meta_set(cx->conn, key, "v");
    return rc == STORE_OK ? 0 : rerr_set(e, ERR_INTERNAL, NULL, "set %s: %d", key, rc);
}

/* ---- core_write --------------------------------------------------------------------------------- */

static int change_ok(core_ctx *cx, void *arg, rerr *e)
{
    (void)arg;
    return set(cx, "one", e) || set(cx, "two", e) ? -1 : 0;
}

static int change_fails_half_way(core_ctx *cx, void *arg, rerr *e)
{
    (void)arg;
    if (set(cx, "half", e))
        return -1;
    return rerr_set(e, ERR_INVALID_PARAMETER, "Name", "refused after writing");
}

/* Writes a setting, then a tag of an instance that does not exist, with foreign keys checked
 * only at COMMIT: the change succeeds, its commit fails. */
static int change_commit_fails(core_ctx *cx, void *arg, rerr *e)
{
    (void)arg;
    if (set(cx, "doomed", e))
        return -1;
    assert_int_equal(sqlite3_exec(cx->conn->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    kvlist tags = {0};
    kvlist_set(&tags, "k", "v");
    int rc = store_tags_set(cx->conn, "no-such-instance", "no-such-resource", &tags);
    kvlist_clear(&tags);
    return rc == STORE_OK ? 0 : rerr_set(e, ERR_INTERNAL, NULL, "the dangling tag was refused at once: %d", rc);
}

static void write_commits_or_rolls_back(void **state)
{
    fixture *f = *state;
    rerr e;
    assert_int_equal(core_write(&f->cx, change_ok, NULL, &e), 0);
    assert_true(has(f->c, "one") && has(f->c, "two"));
    assert_int_equal(core_write(&f->cx, change_fails_half_way, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER); /* the change's own error */
    assert_false(has(f->c, "half"));
    /* The connection is usable again: no transaction was left open. */
    assert_int_equal(core_write(&f->cx, change_ok, NULL, &e), 0);
}

static void write_whose_commit_fails_keeps_nothing(void **state)
{
    fixture *f = *state;
    rerr e;
    rerr_clear(&e);
    assert_int_equal(core_write(&f->cx, change_commit_fails, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_false(has(f->c, "doomed"));
    kvlist tags = {0};
    assert_int_equal(store_tags_get(f->c, "no-such-resource", &tags), STORE_OK);
    assert_int_equal(tags.keys.n, 0);
    kvlist_clear(&tags);
    assert_int_equal(core_write(&f->cx, change_ok, NULL, &e), 0);
    assert_true(has(f->c, "one"));
}

/* ---- batches ------------------------------------------------------------------------------------- */

enum { ITEMS = 10 };

typedef struct items {
    int outcome[ITEMS]; /* 0 not told, 1 kept, 2 failed */
    unsigned sleep_us;  /* each item sleeps this long first */
    int doom;           /* item index whose write makes the commit fail, or -1 */
} items;

/* Odd items write two settings, then fail; even items write two settings. */
static int item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    items *it = arg;
    if (it->sleep_us)
        usleep(it->sleep_us);
    char a[32], b[32];
    snprintf(a, sizeof a, "item-%zu", i);
    snprintf(b, sizeof b, "half-%zu", i);
    if (set(cx, a, e) || set(cx, b, e))
        return -1;
    if (it->doom == (int)i && change_commit_fails(cx, NULL, e))
        return -1;
    if (i % 2)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Row", "item %zu refused after writing", i);
    return 0;
}

static int outcome(core_ctx *cx, void *arg, size_t i, int ok, const rerr *item_err, rerr *e)
{
    (void)cx;
    (void)e;
    items *it = arg;
    assert_true(i < ITEMS);
    assert_int_equal(ok, i % 2 == 0);
    if (!ok)
        assert_non_null(strstr(item_err->message, "refused after writing"));
    it->outcome[i] = ok ? 1 : 2;
    return 0;
}

static void failed_items_leave_nothing_behind(void **state)
{
    fixture *f = *state;
    items it = {.doom = -1};
    core_batch b = {.item = item, .outcome = outcome, .arg = &it, .first = 0, .count = ITEMS, .max_ms = 60000};
    size_t taken, failed;
    rerr e;
    assert_int_equal(core_write_batch(&f->cx, &b, &taken, &failed, &e), 0);
    assert_int_equal(taken, ITEMS);
    assert_int_equal(failed, ITEMS / 2);
    for (size_t i = 0; i < ITEMS; i++) {
        char a[32], h[32];
        snprintf(a, sizeof a, "item-%zu", i);
        snprintf(h, sizeof h, "half-%zu", i);
        assert_int_equal(it.outcome[i], i % 2 ? 2 : 1);
        assert_int_equal(has(f->c, a), i % 2 == 0);
        assert_int_equal(has(f->c, h), i % 2 == 0);
    }
}

static void batch_whose_commit_fails_keeps_nothing(void **state)
{
    fixture *f = *state;
    items it = {.doom = 4}; /* an even item: kept, so its dangling tag reaches the COMMIT */
    core_batch b = {.item = item, .outcome = outcome, .arg = &it, .first = 0, .count = ITEMS, .max_ms = 60000};
    size_t taken = 99, failed = 99;
    rerr e;
    assert_int_equal(core_write_batch(&f->cx, &b, &taken, &failed, &e), -1);
    assert_int_equal(taken, 0);
    assert_int_equal(failed, 0);
    for (size_t i = 0; i < ITEMS; i++) {
        char a[32];
        snprintf(a, sizeof a, "item-%zu", i);
        assert_false(has(f->c, a));
    }
    assert_false(has(f->c, "doomed"));
}

/* Runs batches from item start until all count items are taken; returns how many transactions. */
static size_t run_from(fixture *f, core_batch *b, size_t start, size_t count)
{
    size_t transactions = 0;
    for (size_t first = start; first < count; transactions++) {
        size_t taken;
        rerr e;
        b->first = first;
        b->count = count - first;
        if (core_write_batch(&f->cx, b, &taken, NULL, &e) != 0)
            fail_msg("batch from %zu: %s", first, e.message);
        assert_true(taken >= 1);
        first += taken;
    }
    return transactions;
}

static void item_bound_cuts_batches(void **state)
{
    fixture *f = *state;
    items it = {.doom = -1};
    core_batch b = {.item = item, .arg = &it, .max_items = 4, .max_ms = 60000};
    assert_int_equal(run_from(f, &b, 0, ITEMS), 3); /* 4 + 4 + 2 */
    assert_true(has(f->c, "item-8") && !has(f->c, "item-9"));
}

static void time_bound_cuts_batches(void **state)
{
    fixture *f = *state;
    /* Each item takes at least 10 ms; a transaction stops taking items at 25 ms, so it holds at
     * most three (after 0, 10 and 20 ms) and at least one. */
    items it = {.doom = -1, .sleep_us = 10000};
    core_batch b = {.item = item, .arg = &it, .first = 0, .count = ITEMS, .max_ms = 25};
    size_t taken;
    rerr e;
    assert_int_equal(core_write_batch(&f->cx, &b, &taken, NULL, &e), 0);
    assert_true(taken >= 1 && taken <= 3);
    assert_true(run_from(f, &b, taken, ITEMS) >= (ITEMS - taken + 2) / 3);
    for (size_t i = 0; i < ITEMS; i += 2) {
        char a[32];
        snprintf(a, sizeof a, "item-%zu", i);
        assert_true(has(f->c, a));
    }
}

/* ---- an API write while a long batch runs ------------------------------------------------------ */

enum { LONG_BATCH_ITEMS = 5000 };

typedef struct race {
    fixture *f;
    atomic_int batch_started;
    int api_rc;
    rerr api_err;
    int saw_api; /* an item of the batch saw the API write committed */
} race;

static int api_change(core_ctx *cx, void *arg, rerr *e)
{
    (void)arg;
    return set(cx, "api", e);
}

static void *api_writer(void *arg)
{
    race *r = arg;
    for (int i = 0; i < 10000 && !atomic_load(&r->batch_started); i++)
        usleep(1000);
    store_conn *c = store_conn_get(r->f->ts.st);
    core_ctx cx = {.conn = c, .cfg = &r->f->cfg, .who = principal_cli(), .now_ms = now_ms()};
    r->api_rc = core_write(&cx, api_change, NULL, &r->api_err);
    store_conn_put(c);
    return NULL;
}

static int long_item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    race *r = arg;
    atomic_store(&r->batch_started, 1);
    usleep(1000);
    if (has(cx->conn, "api"))
        r->saw_api = 1;
    char k[32];
    snprintf(k, sizeof k, "long-%zu", i);
    return set(cx, k, e);
}

static void api_write_gets_through_a_long_batch(void **state)
{
    fixture *f = *state;
    race r = {.f = f};
    atomic_init(&r.batch_started, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, api_writer, &r), 0);
    /* The batch goes on until one of its items sees the API write (or it runs out of items):
     * were the writer held for the whole run, no item could ever see it. */
    core_batch b = {.item = long_item, .arg = &r, .max_items = LONG_BATCH_ITEMS, .max_ms = 20};
    size_t first = 0, transactions = 0;
    while (!r.saw_api && first < LONG_BATCH_ITEMS) {
        size_t taken;
        rerr e;
        b.first = first;
        b.count = LONG_BATCH_ITEMS - first;
        if (core_write_batch(&f->cx, &b, &taken, NULL, &e) != 0)
            fail_msg("batch: %s", e.message);
        first += taken;
        transactions++;
    }
    pthread_join(t, NULL);
    assert_int_equal(r.api_rc, 0);
    assert_true(r.saw_api);
    assert_true(first < LONG_BATCH_ITEMS);
    assert_true(transactions >= 2);
    assert_true(has(f->c, "api") && has(f->c, "long-0"));
}

/* A batch allowed a minute gives way, once yield_ms old, to a write that waits: its first
 * transaction ends before its items do, and the write that waited is then committed. Without
 * yield_ms the same batch would take every item in one transaction. */
static void long_batch_gives_way_to_a_waiting_write(void **state)
{
    fixture *f = *state;
    race r = {.f = f};
    atomic_init(&r.batch_started, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, api_writer, &r), 0);
    core_batch b = {.item = long_item,
                    .arg = &r,
                    .count = LONG_BATCH_ITEMS,
                    .max_items = LONG_BATCH_ITEMS,
                    .max_ms = 60000,
                    .yield_ms = 5};
    size_t taken = 0;
    rerr e;
    if (core_write_batch(&f->cx, &b, &taken, NULL, &e) != 0)
        fail_msg("batch: %s", e.message);
    pthread_join(t, NULL);
    assert_int_equal(r.api_rc, 0);
    assert_true(taken >= 1);
    assert_true(taken < LONG_BATCH_ITEMS);
    assert_true(has(f->c, "api") && has(f->c, "long-0"));
}

/* ---- savepoints outside a batch ------------------------------------------------------------------ */

static void items_need_a_write_transaction(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_item_begin(f->c), STORE_ERROR);
    assert_int_equal(store_item_end(f->c, 1), STORE_ERROR);
    assert_int_equal(store_begin(f->c, 0), STORE_OK);
    assert_int_equal(store_item_begin(f->c), STORE_ERROR); /* a read transaction */
    store_rollback(f->c);
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_item_begin(f->c), STORE_OK);
    assert_int_equal(store_item_begin(f->c), STORE_ERROR); /* items do not nest */
    assert_int_equal(store_meta_set(f->c, "kept", "v"), STORE_OK);
    assert_int_equal(store_item_end(f->c, 1), STORE_OK);
    assert_int_equal(store_item_end(f->c, 1), STORE_ERROR); /* none open */
    assert_int_equal(store_item_begin(f->c), STORE_OK);
    assert_int_equal(store_meta_set(f->c, "dropped", "v"), STORE_OK);
    assert_int_equal(store_item_end(f->c, 0), STORE_OK);
    assert_int_equal(store_item_begin(f->c), STORE_OK); /* left open: the commit takes it along */
    assert_int_equal(store_meta_set(f->c, "open", "v"), STORE_OK);
    assert_int_equal(store_commit(f->c), STORE_OK);
    assert_true(has(f->c, "kept") && has(f->c, "open"));
    assert_false(has(f->c, "dropped"));
    assert_int_equal(store_item_begin(f->c), STORE_ERROR); /* the commit ended the item too */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_commits_or_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(write_whose_commit_fails_keeps_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_items_leave_nothing_behind, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_whose_commit_fails_keeps_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(item_bound_cuts_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(time_bound_cuts_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(api_write_gets_through_a_long_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(long_batch_gives_way_to_a_waiting_write, setup, teardown),
        cmocka_unit_test_setup_teardown(items_need_a_write_transaction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
