/* test_writer.c — the SQLite backend's writer (src/store/sqlite_writer.c) on a real file:
 * group commit of concurrent write transactions, a member's rollback inside a group, a group
 * SQLite abandons, and that no store_commit returns before its changes are visible to a
 * separate connection. White-box: it reads the store's counters from store/sqlite_int.h. */
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

#include "store/sqlite_int.h"
#include "store/store.h"
#include "support.h"

enum { WRITERS = 8 };

typedef struct fixture {
    test_store ts; /* the store under test */
    store *other;  /* a second store on the same file: connections outside the writer */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    char err[256];
    f->other = store_open(f->ts.path, 0, err, sizeof err);
    if (!f->other)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->other);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

/* Whether key is in the meta table, read through a connection of f->other. */
static int visible(fixture *f, const char *key)
{
    store_conn *c = store_conn_get(f->other);
    char *v = NULL;
    int rc = store_meta_get(c, key, &v);
    free(v);
    store_conn_put(c);
    return rc == STORE_OK;
}

/* Waits (up to 10 s) until n threads wait for the write lock. */
static void await_waiting(store *s, int n)
{
    for (int i = 0; i < 10000 && atomic_load(&s->waiting) != n; i++)
        usleep(1000);
    assert_int_equal(atomic_load(&s->waiting), n);
}

typedef struct writer {
    fixture *f;
    int index;
    int roll_back;     /* roll back instead of committing */
    int abandon;       /* make SQLite abandon the whole transaction, then roll back */
    int begin_rc, write_rc, end_rc;
    int seen_at_return; /* the key was visible to another connection when store_commit returned */
} writer;

static void key_of(int index, char out[16])
{
    snprintf(out, 16, "w%d", index);
}

static void *write_one(void *arg)
{
    writer *w = arg;
    char key[16];
    key_of(w->index, key);
    store_conn *c = store_conn_get(w->f->ts.st);
    w->begin_rc = store_begin(c, 1);
    w->write_rc = store_meta_set(c, key, "v");
    if (w->abandon) {
        /* as SQLite does after an I/O error or a full disk: the transaction is gone */
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        w->end_rc = store_rollback(c);
    } else if (w->roll_back) {
        w->end_rc = store_rollback(c);
    } else {
        w->end_rc = store_commit(c);
        w->seen_at_return = visible(w->f, key);
    }
    store_conn_put(c);
    return NULL;
}

/* Starts writer 0 holding the write lock, then the others, which queue for it. Writer 0 is
 * released once all of them wait: it finds them waiting and leaves the group open. */
typedef struct held {
    writer *w;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int begun; /* writer 0 is inside its transaction */
    int go;    /* writer 0 may commit */
} held;

static void *write_first(void *arg)
{
    held *h = arg;
    writer *w = h->w;
    char key[16];
    key_of(w->index, key);
    store_conn *c = store_conn_get(w->f->ts.st);
    w->begin_rc = store_begin(c, 1);
    w->write_rc = store_meta_set(c, key, "v");
    pthread_mutex_lock(&h->lock);
    h->begun = 1;
    pthread_cond_broadcast(&h->cond);
    while (!h->go)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
    w->end_rc = store_commit(c);
    w->seen_at_return = visible(w->f, key);
    store_conn_put(c);
    return NULL;
}

static void run_group(fixture *f, writer *ws, int n)
{
    held h = {.w = &ws[0]};
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    pthread_t t[WRITERS];
    assert_int_equal(pthread_create(&t[0], NULL, write_first, &h), 0);
    pthread_mutex_lock(&h.lock);
    while (!h.begun)
        pthread_cond_wait(&h.cond, &h.lock);
    pthread_mutex_unlock(&h.lock);
    for (int i = 1; i < n; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, write_one, &ws[i]), 0);
        await_waiting(f->ts.st, i);
    }
    pthread_mutex_lock(&h.lock);
    h.go = 1;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_cond_destroy(&h.cond);
    pthread_mutex_destroy(&h.lock);
}

static void concurrent_writers_commit_as_one_group(void **state)
{
    fixture *f = *state;
    unsigned long groups = f->ts.st->groups_committed, transactions = f->ts.st->transactions_committed;
    writer ws[WRITERS];
    int committing = 0;
    for (int i = 0; i < WRITERS; i++) {
        ws[i] = (writer){.f = f, .index = i, .roll_back = i % 3 == 2};
        committing += !ws[i].roll_back;
    }
    run_group(f, ws, WRITERS);
    char key[16];
    for (int i = 0; i < WRITERS; i++) {
        key_of(i, key);
        assert_int_equal(ws[i].begin_rc, STORE_OK);
        assert_int_equal(ws[i].write_rc, STORE_OK);
        assert_int_equal(ws[i].end_rc, STORE_OK);
        /* a rolled-back member takes only its own change out of the group */
        assert_int_equal(visible(f, key), !ws[i].roll_back);
        if (!ws[i].roll_back)
            assert_true(ws[i].seen_at_return);
    }
    /* every committed transaction went into one commit */
    assert_int_equal(f->ts.st->groups_committed - groups, 1);
    assert_int_equal(f->ts.st->transactions_committed - transactions, committing);
    assert_int_equal(f->ts.st->group_open, 0);
}

static void abandoned_group_fails_every_member(void **state)
{
    fixture *f = *state;
    unsigned long groups = f->ts.st->groups_committed;
    writer ws[2] = {{.f = f, .index = 0}, {.f = f, .index = 1, .abandon = 1}};
    run_group(f, ws, 2);
    char key[16];
    for (int i = 0; i < 2; i++) {
        key_of(i, key);
        assert_false(visible(f, key));
        assert_false(ws[i].seen_at_return);
    }
    /* writer 0 had finished and waited in the group: its commit failed */
    assert_int_equal(ws[0].end_rc, STORE_ERROR);
    assert_int_equal(f->ts.st->groups_committed - groups, 0);
    assert_int_equal(f->ts.st->group_open, 0);
    /* and the writer works on */
    writer after = {.f = f, .index = 9};
    write_one(&after);
    assert_int_equal(after.end_rc, STORE_OK);
    assert_true(after.seen_at_return);
}

static void lone_writer_commits_at_once(void **state)
{
    fixture *f = *state;
    unsigned long groups = f->ts.st->groups_committed, transactions = f->ts.st->transactions_committed;
    writer w = {.f = f, .index = 0};
    write_one(&w);
    assert_int_equal(w.end_rc, STORE_OK);
    assert_true(w.seen_at_return);
    assert_int_equal(f->ts.st->groups_committed - groups, 1);
    assert_int_equal(f->ts.st->transactions_committed - transactions, 1);
    /* a write transaction cannot nest, and a connection's reads go back to its own handle */
    store_conn *c = store_conn_get(f->ts.st);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    sqlite3 *writer_db = c->db;
    assert_int_equal(store_begin(c, 1), STORE_ERROR);
    assert_int_equal(store_rollback(c), STORE_OK);
    assert_true(c->db != writer_db);
    assert_int_equal(store_begin(c, 0), STORE_OK);
    assert_true(c->db != writer_db);
    assert_int_equal(store_rollback(c), STORE_OK);
    store_conn_put(c);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(concurrent_writers_commit_as_one_group),
        T(abandoned_group_fails_every_member),
        T(lone_writer_commits_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
