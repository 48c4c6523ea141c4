/* test_pool.c — the store's connection pool on a real SQLite file: it opens at most its limit
 * of connections, however many threads ask; a thread that finds them all taken waits and gets
 * one as soon as one is given back; the wait is bounded, ending in NULL (which the server
 * answers as ServiceUnavailable); and a NULL given back is ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "support.h"

typedef struct fixture {
    test_store ts;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Waits (up to 10 s) until n threads wait in store_conn_get. */
static void await_waiters(store *s, size_t n)
{
    size_t open, waiting = 0;
    for (int i = 0; i < 2000; i++) {
        store_pool_counts(s, &open, &waiting);
        if (waiting >= n)
            return;
        pause_ms(5);
    }
    fail_msg("%zu thread(s) wait for a connection, expected %zu", waiting, n);
}

enum { THREADS = 12, CAP = 3, ROUNDS = 40 };

/* The connections the workers hold at once, now and at the most. */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static int held, held_most;

static void count_held(int d)
{
    pthread_mutex_lock(&held_lock);
    held += d;
    if (held > held_most)
        held_most = held;
    pthread_mutex_unlock(&held_lock);
}

typedef struct worker {
    store *s;
    int failures;                /* gets that returned NULL, or a connection that did not answer */
} worker;

/* Takes a connection, uses it and holds it a moment (so that the threads overlap), gives it
 * back; ROUNDS times. */
static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        store_conn *c = store_conn_get(w->s);
        if (!c || store_ping(c) != STORE_OK)
            w->failures++;
        if (c) {
            count_held(1);
            pause_ms(1);
            count_held(-1);
        }
        store_conn_put(c);
    }
    return NULL;
}

static void many_threads_share_at_most_the_cap(void **state)
{
    fixture *f = *state;
    store_pool_limit(f->ts.st, CAP, 10000);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.s = f->ts.st};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    size_t open, waiting;
    store_pool_counts(f->ts.st, &open, &waiting);
    assert_true(open <= CAP);
    assert_int_equal(waiting, 0);
    assert_true(held_most <= CAP);
    assert_true(held_most >= 1);
}

typedef struct taker {
    store *s;
    store_conn *got;
} taker;

static void *take(void *arg)
{
    taker *t = arg;
    t->got = store_conn_get(t->s);
    return NULL;
}

static void waiter_gets_the_connection_given_back(void **state)
{
    fixture *f = *state;
    store_pool_limit(f->ts.st, 2, 10000);
    store_conn *a = store_conn_get(f->ts.st), *b = store_conn_get(f->ts.st);
    assert_non_null(a);
    assert_non_null(b);
    taker t = {.s = f->ts.st};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, take, &t), 0);
    await_waiters(f->ts.st, 1);
    store_conn_put(a);
    pthread_join(th, NULL);
    assert_ptr_equal(t.got, a); /* the one given back, not a third */
    size_t open, waiting;
    store_pool_counts(f->ts.st, &open, &waiting);
    assert_int_equal(open, 2);
    store_conn_put(t.got);
    store_conn_put(b);
}

static void wait_is_bounded(void **state)
{
    fixture *f = *state;
    store_pool_limit(f->ts.st, 1, 50);
    store_conn *a = store_conn_get(f->ts.st);
    assert_non_null(a);
    assert_null(store_conn_get(f->ts.st)); /* all taken and none given back within the wait */
    store_conn_put(NULL);                  /* ignored */
    size_t open, waiting;
    store_pool_counts(f->ts.st, &open, &waiting);
    assert_int_equal(open, 1);
    assert_int_equal(waiting, 0);
    store_conn_put(a);
    store_conn *again = store_conn_get(f->ts.st);
    assert_ptr_equal(again, a);
    store_conn_put(again);
}

static void raising_the_cap_wakes_a_waiter(void **state)
{
    fixture *f = *state;
    store_pool_limit(f->ts.st, 1, 10000);
    store_conn *a = store_conn_get(f->ts.st);
    assert_non_null(a);
    taker t = {.s = f->ts.st};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, take, &t), 0);
    await_waiters(f->ts.st, 1);
    store_pool_limit(f->ts.st, 2, -1);
    pthread_join(th, NULL);
    assert_non_null(t.got);
    assert_ptr_not_equal(t.got, a);
    store_conn_put(t.got);
    store_conn_put(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(many_threads_share_at_most_the_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(waiter_gets_the_connection_given_back, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(raising_the_cap_wakes_a_waiter, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
