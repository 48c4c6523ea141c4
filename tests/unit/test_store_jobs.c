/* test_store_jobs.c — durable jobs in the SQLite store on a real file (store_jobs.h): jobs
 * inserted, read, listed (newest first, by state, in pages, never RECEIVING) and picked to run
 * (one per instance, oldest first); items inserted, taken while PENDING, paged without their
 * secrets, finished at most once, canceled (at once or in bounded steps), their secrets cleared
 * but for FAILED ones, a login repeated within a job (also in the copies a retry makes); the
 * bounded purge; the cascade when an instance is deleted. Secrets and counts the interface does
 * not show are read with SQLite's own API on the same file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

typedef struct fixture {
    test_store ts;
    store_conn *c;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_conn_put(f->c);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

static void make_instance(fixture *f, instance *in)
{
    memset(in, 0, sizeof *in);
    uuid_v4(in->id);
    snprintf(in->idm_type, sizeof in->idm_type, "%s", "SAML");
    snprintf(in->status, sizeof in->status, "%s", "ACTIVE");
    in->created_ms = now_ms();
    assert_int_equal(store_instance_insert(f->c, in, NULL), STORE_OK);
}

/* Inserts a job of instance_id in state, submitted at submitted_ms and finished at
 * finished_ms; its id and seq into *j (the caller clears it). */
static void make_job(fixture *f, const char *instance_id, const char *state, int64_t submitted_ms,
                     int64_t finished_ms, job_record *j)
{
    memset(j, 0, sizeof *j);
    uuid_v7(j->id);
    snprintf(j->instance_id, sizeof j->instance_id, "%s", instance_id);
    snprintf(j->kind, sizeof j->kind, "%s", "IMPORT");
    snprintf(j->state, sizeof j->state, "%s", state);
    snprintf(j->mode, sizeof j->mode, "%s", "CREATE");
    j->submitted_ms = submitted_ms;
    j->finished_ms = finished_ms;
    assert_int_equal(store_job_insert(f->c, j), STORE_OK);
    assert_true(j->seq > 0);
}

/* Inserts n items (seq 0..n-1, row seq + 1) into job_id in one transaction; item i names login
 * logins[i] (logins may be NULL) and carries the secret {i, i, i}. */
static void make_items(fixture *f, const char *job_id, int n, const char *const *logins)
{
    job_item_record *items = calloc((size_t)n, sizeof *items);
    unsigned char (*secrets)[3] = calloc((size_t)n, sizeof *secrets);
    for (int i = 0; i < n; i++) {
        snprintf(items[i].job_id, sizeof items[i].job_id, "%s", job_id);
        items[i].seq = i;
        items[i].row = i + 1;
        snprintf(items[i].state, sizeof items[i].state, "%s", "PENDING");
        items[i].login_key = logins ? (char *)logins[i] : NULL;
        items[i].username = logins ? (char *)logins[i] : NULL;
        items[i].data_json = (char *)"[\"a\",\"b\",\"\"]";
        memset(secrets[i], i, 3);
        items[i].secret = secrets[i];
        items[i].secret_len = 3;
    }
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_job_items_insert(f->c, items, (size_t)n), STORE_OK);
    assert_int_equal(store_commit(f->c), STORE_OK);
    free(secrets);
    free(items);
}

/* An integer the SQL sql (one optional text parameter p) reads from the store's file. */
static int64_t sql_int(fixture *f, const char *sql, const char *p)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(f->ts.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (p)
        sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The seqs of the items of job id that still hold a secret, as a bit set (items 0..62). */
static uint64_t secrets_held(fixture *f, const char *job_id)
{
    return (uint64_t)sql_int(f,
                             "SELECT coalesce(sum(1 << i.seq), 0) FROM job_items AS i JOIN jobs AS j "
                             "ON j.seq = i.job_seq WHERE j.id = ? AND i.secret IS NOT NULL",
                             job_id);
}

static void insert_get_roundtrip(void **state)
{
    fixture *f = *state;
    instance a, b;
    make_instance(f, &a);
    make_instance(f, &b);
    job_record j = {.dry_run = 1, .atomic = 1, .submitted_ms = 1000, .cancel_requested = 0};
    uuid_v7(j.id);
    memcpy(j.instance_id, a.id, ID_LEN);
    snprintf(j.kind, sizeof j.kind, "%s", "IMPORT");
    snprintf(j.state, sizeof j.state, "%s", "QUEUED");
    snprintf(j.mode, sizeof j.mode, "%s", "UPSERT");
    j.file_name = (char *)"users.csv";
    j.params_json = (char *)"{\"Header\":[\"user login\"]}";
    j.retry_of = (char *)"0192aaaa-0000-7000-8000-000000000000";
    j.counts = (job_counts){.total = 10, .succeeded = 1, .failed = 2, .canceled = 3, .created = 1};
    snprintf(j.submitter_kind, sizeof j.submitter_kind, "%s", "USER_KEY");
    snprintf(j.submitter_key_id, sizeof j.submitter_key_id, "%s", "AKRSTEST000000000001");
    uuid_v7(j.submitter_user_id);
    j.submitted_by = (char *)"admin";
    assert_int_equal(store_job_insert(f->c, &j), STORE_OK);
    assert_true(j.seq > 0);
    /* A second job with the same id is refused. */
    int64_t first_seq = j.seq;
    assert_int_equal(store_job_insert(f->c, &j), STORE_UNIQUE);

    job_record got;
    assert_int_equal(store_job_get(f->c, a.id, j.id, &got), STORE_OK);
    assert_string_equal(got.id, j.id);
    assert_int_equal(got.seq, first_seq);
    assert_string_equal(got.instance_id, a.id);
    assert_string_equal(got.kind, "IMPORT");
    assert_string_equal(got.state, "QUEUED");
    assert_null(got.failure_reason);
    assert_string_equal(got.mode, "UPSERT");
    assert_int_equal(got.dry_run, 1);
    assert_int_equal(got.atomic, 1);
    assert_string_equal(got.file_name, "users.csv");
    assert_string_equal(got.params_json, j.params_json);
    assert_string_equal(got.retry_of, j.retry_of);
    assert_int_equal(got.counts.total, 10);
    assert_int_equal(got.counts.failed, 2);
    assert_int_equal(got.counts.canceled, 3);
    assert_int_equal(got.counts.created, 1);
    assert_int_equal(got.submitted_ms, 1000);
    assert_int_equal(got.started_ms, 0);
    assert_int_equal(got.finished_ms, 0);
    assert_string_equal(got.submitter_kind, "USER_KEY");
    assert_string_equal(got.submitter_key_id, "AKRSTEST000000000001");
    assert_string_equal(got.submitter_user_id, j.submitter_user_id);
    assert_string_equal(got.submitted_by, "admin");
    job_clear(&got);
    /* Another instance does not see it; an unknown id is not found. */
    assert_int_equal(store_job_get(f->c, b.id, j.id, &got), STORE_NOTFOUND);
    assert_int_equal(store_job_get(f->c, a.id, "no-such-job", &got), STORE_NOTFOUND);
    /* A job of an instance that does not exist is refused. */
    job_record orphan;
    memset(&orphan, 0, sizeof orphan);
    uuid_v7(orphan.id);
    snprintf(orphan.instance_id, sizeof orphan.instance_id, "%s", "no-such-instance");
    snprintf(orphan.kind, sizeof orphan.kind, "%s", "IMPORT");
    snprintf(orphan.state, sizeof orphan.state, "%s", "QUEUED");
    assert_int_equal(store_job_insert(f->c, &orphan), STORE_FOREIGN);

    /* State, params, cancel and counts. */
    assert_int_equal(store_job_set_state(f->c, j.id, "RUNNING", NULL, 2000, 0), STORE_OK);
    assert_int_equal(store_job_set_params(f->c, j.id, "{}"), STORE_OK);
    assert_int_equal(store_job_request_cancel(f->c, j.id), STORE_OK);
    job_counts d = {.total = 1, .succeeded = 2, .failed = 3, .canceled = 4, .created = 5, .updated = 6,
                    .unchanged = 7, .deleted = 8};
    assert_int_equal(store_job_add_counts(f->c, j.id, &d), STORE_OK);
    assert_int_equal(store_job_set_state(f->c, j.id, "FAILED", "bad header", 0, 3000), STORE_OK);
    assert_int_equal(store_job_get(f->c, a.id, j.id, &got), STORE_OK);
    assert_string_equal(got.state, "FAILED");
    assert_string_equal(got.failure_reason, "bad header");
    assert_string_equal(got.params_json, "{}");
    assert_int_equal(got.started_ms, 2000);
    assert_int_equal(got.finished_ms, 3000);
    assert_int_equal(got.cancel_requested, 1);
    job_counts want = {11, 3, 5, 7, 6, 6, 7, 8};
    assert_memory_equal(&got.counts, &want, sizeof want);
    job_clear(&got);
    assert_int_equal(store_job_set_state(f->c, "no-such-job", "RUNNING", NULL, 0, 0), STORE_NOTFOUND);
    assert_int_equal(store_job_request_cancel(f->c, "no-such-job"), STORE_NOTFOUND);
    assert_int_equal(store_job_add_counts(f->c, "no-such-job", &d), STORE_NOTFOUND);
    /* A state outside the model is refused by the store. */
    assert_int_equal(store_job_set_state(f->c, j.id, "DONE", NULL, 0, 0), STORE_ERROR);
    instance_clear(&a);
    instance_clear(&b);
}

static void list_newest_first_filtered_paged(void **state)
{
    fixture *f = *state;
    instance a, b;
    make_instance(f, &a);
    make_instance(f, &b);
    const char *states[] = {"COMPLETED", "RECEIVING", "QUEUED", "FAILED", "COMPLETED", "RUNNING", "RECEIVING"};
    enum { N = sizeof states / sizeof states[0] };
    job_record jobs[N], other;
    for (int i = 0; i < N; i++) {
        make_job(f, a.id, states[i], 100 + i, 0, &jobs[i]);
        if (i == 2)
            make_job(f, b.id, "QUEUED", 1, 0, &other);
    }
    /* Every state but RECEIVING, newest first: 5, 4, 3, 2, 0. */
    job_list l = {0};
    assert_int_equal(store_job_list(f->c, a.id, NULL, 0, 100, &l), STORE_OK);
    int want_all[] = {5, 4, 3, 2, 0};
    assert_int_equal(l.n, 5);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.items[i].id, jobs[want_all[i]].id);
        assert_int_equal(l.items[i].seq, jobs[want_all[i]].seq);
    }
    job_list_clear(&l);
    /* Pages of two: 5, 4 | 3, 2 | 0. */
    int64_t before = 0;
    size_t seen = 0;
    for (int page = 0; page < 3; page++) {
        assert_int_equal(store_job_list(f->c, a.id, NULL, before, 2, &l), STORE_OK);
        assert_int_equal(l.n, page < 2 ? 2 : 1);
        for (size_t i = 0; i < l.n; i++)
            assert_string_equal(l.items[i].id, jobs[want_all[seen++]].id);
        before = l.items[l.n - 1].seq;
        job_list_clear(&l);
    }
    assert_int_equal(store_job_list(f->c, a.id, NULL, before, 2, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    job_list_clear(&l);
    /* By state: COMPLETED 4, 0; RECEIVING never. */
    assert_int_equal(store_job_list(f->c, a.id, "COMPLETED", 0, 100, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].id, jobs[4].id);
    assert_string_equal(l.items[1].id, jobs[0].id);
    job_list_clear(&l);
    assert_int_equal(store_job_list(f->c, a.id, "COMPLETED", jobs[4].seq, 100, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, jobs[0].id);
    job_list_clear(&l);
    assert_int_equal(store_job_list(f->c, a.id, "RECEIVING", 0, 100, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    job_list_clear(&l);
    /* The other instance's list holds its one job. */
    assert_int_equal(store_job_list(f->c, b.id, NULL, 0, 100, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, other.id);
    job_list_clear(&l);
    for (int i = 0; i < N; i++)
        job_clear(&jobs[i]);
    job_clear(&other);
    instance_clear(&a);
    instance_clear(&b);
}

static void runnable_one_per_instance_oldest_first(void **state)
{
    fixture *f = *state;
    instance a, b, c, d;
    make_instance(f, &a);
    make_instance(f, &b);
    make_instance(f, &c);
    make_instance(f, &d);
    job_record a1, b1, a2, a3, b2, c1, d1, d2;
    make_job(f, a.id, "COMPLETED", 1, 2, &a1);
    make_job(f, b.id, "RUNNING", 1, 0, &b1);
    make_job(f, a.id, "QUEUED", 1, 0, &a2);
    make_job(f, a.id, "RUNNING", 1, 0, &a3);
    make_job(f, b.id, "QUEUED", 1, 0, &b2);
    make_job(f, c.id, "FAILED", 1, 2, &c1);
    make_job(f, d.id, "RECEIVING", 1, 0, &d1);
    make_job(f, d.id, "CANCELED", 1, 2, &d2);
    job_list l = {0};
    assert_int_equal(store_job_runnable(f->c, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].id, b1.id);
    assert_string_equal(l.items[1].id, a2.id);
    job_list_clear(&l);
    /* b1 done: b2 is next for b, and a2 still comes first. */
    assert_int_equal(store_job_set_state(f->c, b1.id, "COMPLETED", NULL, 0, 5), STORE_OK);
    assert_int_equal(store_job_set_state(f->c, d1.id, "QUEUED", NULL, 0, 0), STORE_OK);
    assert_int_equal(store_job_runnable(f->c, &l), STORE_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0].id, a2.id);
    assert_string_equal(l.items[1].id, b2.id);
    assert_string_equal(l.items[2].id, d1.id);
    job_list_clear(&l);
    job_record *all[] = {&a1, &b1, &a2, &a3, &b2, &c1, &d1, &d2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        job_clear(all[i]);
    instance_clear(&a);
    instance_clear(&b);
    instance_clear(&c);
    instance_clear(&d);
}

static void items_pending_page_finish_once(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    job_record j, other;
    make_job(f, a.id, "RUNNING", 1, 0, &j);
    make_job(f, a.id, "QUEUED", 1, 0, &other);
    make_items(f, j.id, 10, NULL);
    make_items(f, other.id, 3, NULL);
    /* The same (job, seq) twice is refused; items of a job that does not exist too. */
    job_item_record dup = {.seq = 4, .row = 5};
    memcpy(dup.job_id, j.id, ID_LEN);
    assert_int_equal(store_job_items_insert(f->c, &dup, 1), STORE_UNIQUE);
    snprintf(dup.job_id, sizeof dup.job_id, "%s", "no-such-job");
    assert_int_equal(store_job_items_insert(f->c, &dup, 1), STORE_FOREIGN);

    /* Pending from the first, in seq order, with their secrets. */
    job_item_list l = {0};
    assert_int_equal(store_job_items_pending(f->c, j.id, -1, 4, &l), STORE_OK);
    assert_int_equal(l.n, 4);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.items[i].job_id, j.id);
        assert_int_equal(l.items[i].seq, (int64_t)i);
        assert_int_equal(l.items[i].row, (int64_t)i + 1);
        assert_string_equal(l.items[i].state, "PENDING");
        assert_string_equal(l.items[i].data_json, "[\"a\",\"b\",\"\"]");
        assert_int_equal(l.items[i].secret_len, 3);
        unsigned char want[3] = {(unsigned char)i, (unsigned char)i, (unsigned char)i};
        assert_memory_equal(l.items[i].secret, want, 3);
    }
    job_item_list_clear(&l);
    assert_int_equal(store_job_items_pending(f->c, j.id, 7, 100, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].seq, 8);
    job_item_list_clear(&l);

    /* Finish 0..5 in one transaction: 0..3 succeed (secret cleared), 4..5 fail (secret kept). */
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    for (int i = 0; i < 6; i++) {
        job_item_record it = {.seq = i, .username = (char *)"ann"};
        memcpy(it.job_id, j.id, ID_LEN);
        snprintf(it.state, sizeof it.state, "%s", i < 4 ? "SUCCEEDED" : "FAILED");
        if (i < 4) {
            snprintf(it.action, sizeof it.action, "%s", "CREATED");
            uuid_v7(it.user_id);
        } else {
            it.errors_json = (char *)"[{\"Column\":\"mobile\",\"Value\":\"1\",\"Message\":\"bad\"}]";
            unsigned char kept[3] = {(unsigned char)i, (unsigned char)i, (unsigned char)i};
            it.secret = kept;
            it.secret_len = 3;
            assert_int_equal(store_job_item_finish(f->c, &it), STORE_OK);
            continue;
        }
        assert_int_equal(store_job_item_finish(f->c, &it), STORE_OK);
    }
    assert_int_equal(store_commit(f->c), STORE_OK);
    assert_int_equal(secrets_held(f, j.id), 0x3f0); /* 4..9 */
    /* Finishing again is refused, whatever it says: the exactly-once guard. So is an item that
     * is not there, or of another job. */
    job_item_record again = {.seq = 2};
    memcpy(again.job_id, j.id, ID_LEN);
    snprintf(again.state, sizeof again.state, "%s", "FAILED");
    assert_int_equal(store_job_item_finish(f->c, &again), STORE_NOTFOUND);
    again.seq = 4;
    assert_int_equal(store_job_item_finish(f->c, &again), STORE_NOTFOUND);
    again.seq = 10;
    assert_int_equal(store_job_item_finish(f->c, &again), STORE_NOTFOUND);
    snprintf(again.job_id, sizeof again.job_id, "%s", "no-such-job");
    again.seq = 6;
    assert_int_equal(store_job_item_finish(f->c, &again), STORE_NOTFOUND);

    /* Pending now starts at 6. */
    assert_int_equal(store_job_items_pending(f->c, j.id, -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.items[0].seq, 6);
    job_item_list_clear(&l);

    /* Pages never carry a secret; by state, and from a seq. */
    assert_int_equal(store_job_items_page(f->c, j.id, NULL, -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 10);
    for (size_t i = 0; i < l.n; i++) {
        assert_null(l.items[i].secret);
        assert_int_equal(l.items[i].secret_len, 0);
        assert_string_equal(l.items[i].job_id, j.id);
    }
    assert_string_equal(l.items[1].action, "CREATED");
    assert_true(strlen(l.items[1].user_id) > 0);
    assert_string_equal(l.items[1].username, "ann");
    assert_null(l.items[1].errors_json);
    assert_string_equal(l.items[4].state, "FAILED");
    assert_string_equal(l.items[4].action, "");
    assert_string_equal(l.items[4].user_id, "");
    assert_non_null(strstr(l.items[4].errors_json, "mobile"));
    job_item_list_clear(&l);
    assert_int_equal(store_job_items_page(f->c, j.id, "FAILED", -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].seq, 4);
    assert_null(l.items[0].secret);
    job_item_list_clear(&l);
    assert_int_equal(store_job_items_page(f->c, j.id, "SUCCEEDED", 1, 2, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].seq, 2);
    assert_int_equal(l.items[1].seq, 3);
    job_item_list_clear(&l);
    assert_int_equal(store_job_items_page(f->c, "no-such-job", NULL, -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    job_item_list_clear(&l);

    /* Cancel the pending ones (6..9): counted, secrets dropped, the other job untouched. */
    int64_t n = -1;
    assert_int_equal(store_job_cancel_pending(f->c, j.id, &n), STORE_OK);
    assert_int_equal(n, 4);
    assert_int_equal(store_job_cancel_pending(f->c, j.id, &n), STORE_OK);
    assert_int_equal(n, 0);
    job_record got;
    assert_int_equal(store_job_get(f->c, a.id, j.id, &got), STORE_OK);
    assert_int_equal(got.counts.canceled, 4);
    job_clear(&got);
    assert_int_equal(secrets_held(f, j.id), 0x30); /* the failed 4 and 5 */
    assert_int_equal(store_job_items_page(f->c, j.id, "CANCELED", -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 4);
    job_item_list_clear(&l);
    again.seq = 7;
    memcpy(again.job_id, j.id, ID_LEN);
    assert_int_equal(store_job_item_finish(f->c, &again), STORE_NOTFOUND);
    assert_int_equal(store_job_items_pending(f->c, other.id, -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 3);
    job_item_list_clear(&l);
    assert_int_equal(store_job_cancel_pending(f->c, "no-such-job", &n), STORE_NOTFOUND);
    job_clear(&j);
    job_clear(&other);
    instance_clear(&a);
}

static void cancel_in_bounded_steps(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    job_record j;
    make_job(f, a.id, "RUNNING", 1, 0, &j);
    make_items(f, j.id, 7, NULL);
    job_item_record done = {.seq = 1};
    memcpy(done.job_id, j.id, ID_LEN);
    snprintf(done.state, sizeof done.state, "%s", "FAILED");
    assert_int_equal(store_job_item_finish(f->c, &done), STORE_OK);
    /* 6 pending in steps of 4: 0, 2, 3, 4, then 5, 6; the failed item 1 untouched. */
    int64_t n = -1;
    assert_int_equal(store_job_cancel_some(f->c, j.id, 4, &n), STORE_OK);
    assert_int_equal(n, 4);
    job_item_list l = {0};
    assert_int_equal(store_job_items_pending(f->c, j.id, -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].seq, 5);
    job_item_list_clear(&l);
    assert_int_equal(secrets_held(f, j.id), 0x60); /* the pending 5, 6 (item 1 failed without one) */
    assert_int_equal(store_job_cancel_some(f->c, j.id, 4, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_job_cancel_some(f->c, j.id, 4, &n), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_job_cancel_pending(f->c, j.id, &n), STORE_OK);
    assert_int_equal(n, 0);
    job_record got;
    assert_int_equal(store_job_get(f->c, a.id, j.id, &got), STORE_OK);
    assert_int_equal(got.counts.canceled, 6);
    job_clear(&got);
    assert_int_equal(store_job_items_page(f->c, j.id, "CANCELED", -1, 100, &l), STORE_OK);
    assert_int_equal(l.n, 6);
    job_item_list_clear(&l);
    assert_int_equal(store_job_cancel_some(f->c, j.id, 0, &n), STORE_ERROR);
    assert_int_equal(store_job_cancel_some(f->c, "no-such-job", 4, &n), STORE_NOTFOUND);
    job_clear(&j);
    instance_clear(&a);
}

static void clear_secrets_keeps_failed_only(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    job_record j, other;
    make_job(f, a.id, "RUNNING", 1, 0, &j);
    make_job(f, a.id, "QUEUED", 1, 0, &other);
    make_items(f, j.id, 6, NULL);
    make_items(f, other.id, 2, NULL);
    /* 0 SUCCEEDED and 1 FAILED, both with a secret written back; 2 CANCELED; 3..5 PENDING. */
    const char *outcome[] = {"SUCCEEDED", "FAILED", "CANCELED"};
    for (int i = 0; i < 3; i++) {
        unsigned char s[2] = {9, 9};
        job_item_record it = {.seq = i, .secret = s, .secret_len = 2};
        memcpy(it.job_id, j.id, ID_LEN);
        snprintf(it.state, sizeof it.state, "%s", outcome[i]);
        assert_int_equal(store_job_item_finish(f->c, &it), STORE_OK);
    }
    assert_int_equal(secrets_held(f, j.id), 0x3f);
    assert_int_equal(store_job_clear_secrets(f->c, j.id), STORE_OK);
    assert_int_equal(secrets_held(f, j.id), 0x2);
    assert_int_equal(secrets_held(f, other.id), 0x3);
    assert_int_equal(store_job_clear_secrets(f->c, "no-such-job"), STORE_NOTFOUND);
    job_clear(&j);
    job_clear(&other);
    instance_clear(&a);
}

/* Inserts one item of job_id with seq, row seq + 1 and login. */
static void add_item(fixture *f, const char *job_id, int64_t seq, const char *login)
{
    job_item_record it = {.seq = seq, .row = seq + 1, .login_key = (char *)login};
    snprintf(it.job_id, sizeof it.job_id, "%s", job_id);
    assert_int_equal(store_job_items_insert(f->c, &it, 1), STORE_OK);
}

static void login_first_within_a_job(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    job_record j, other;
    make_job(f, a.id, "RECEIVING", 1, 0, &j);
    make_job(f, a.id, "RECEIVING", 1, 0, &other);
    const char *logins[] = {"ann", "bob", NULL, "ann", "cy", "ann"};
    make_items(f, j.id, 6, logins);
    const char *other_logins[] = {"cy"};
    make_items(f, other.id, 1, other_logins);
    int64_t row = -1;
    /* Not while the upload arrives: the look-up is made as the job leaves RECEIVING. */
    assert_int_equal(store_job_login_first(f->c, j.id, "ann", 3, &row), STORE_ERROR);
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_job_set_state(f->c, j.id, "QUEUED", NULL, 0, 0), STORE_OK);
    assert_int_equal(store_commit(f->c), STORE_OK);
    assert_int_equal(store_job_login_first(f->c, j.id, "ann", 3, &row), STORE_OK);
    assert_int_equal(row, 1);
    assert_int_equal(store_job_login_first(f->c, j.id, "ann", 5, &row), STORE_OK);
    assert_int_equal(row, 1);
    assert_int_equal(store_job_login_first(f->c, j.id, "ann", 0, &row), STORE_NOTFOUND);
    assert_int_equal(store_job_login_first(f->c, j.id, "bob", 1, &row), STORE_NOTFOUND);
    assert_int_equal(store_job_login_first(f->c, j.id, "bob", 2, &row), STORE_OK);
    assert_int_equal(row, 2);
    /* cy is in the other job, not before seq 4 of this one. */
    assert_int_equal(store_job_login_first(f->c, j.id, "cy", 4, &row), STORE_NOTFOUND);
    assert_int_equal(store_job_login_first(f->c, j.id, "cy", 5, &row), STORE_OK);
    assert_int_equal(row, 5);
    assert_int_equal(store_job_login_first(f->c, j.id, "ANN", 6, &row), STORE_NOTFOUND);
    assert_int_equal(store_job_login_first(f->c, "no-such-job", "ann", 6, &row), STORE_NOTFOUND);
    /* A job that failed as its upload ended is never looked up; one that goes on, is. */
    assert_int_equal(store_job_set_state(f->c, other.id, "RUNNING", NULL, 1, 0), STORE_OK);
    assert_int_equal(store_job_login_first(f->c, other.id, "cy", 1, &row), STORE_OK);
    assert_int_equal(row, 1);

    /* Items added to a job past RECEIVING (in any order) are looked up at once. */
    job_record late;
    make_job(f, a.id, "QUEUED", 1, 0, &late);
    add_item(f, late.id, 5, "zed");
    assert_int_equal(store_job_login_first(f->c, late.id, "zed", 9, &row), STORE_OK);
    assert_int_equal(row, 6);
    add_item(f, late.id, 2, "zed");
    add_item(f, late.id, 7, "zed");
    add_item(f, late.id, 3, NULL);
    assert_int_equal(store_job_login_first(f->c, late.id, "zed", 9, &row), STORE_OK);
    assert_int_equal(row, 3);
    assert_int_equal(store_job_login_first(f->c, late.id, "zed", 2, &row), STORE_NOTFOUND);
    job_clear(&j);
    job_clear(&other);
    job_clear(&late);
    instance_clear(&a);
}

static void copy_failed_items_are_looked_up(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    job_record from, queued, receiving;
    make_job(f, a.id, "RECEIVING", 1, 0, &from);
    const char *logins[] = {"ann", "bob", "cy", "bob", "dee"};
    make_items(f, from.id, 5, logins);
    assert_int_equal(store_job_set_state(f->c, from.id, "RUNNING", NULL, 1, 0), STORE_OK);
    for (int i = 0; i < 5; i++) {
        unsigned char kept[2] = {7, 7};
        int failed = i != 0 && i != 2;
        job_item_record it = {.seq = i, .secret = failed ? kept : NULL, .secret_len = failed ? 2 : 0};
        memcpy(it.job_id, from.id, ID_LEN);
        snprintf(it.state, sizeof it.state, "%s", failed ? "FAILED" : "SUCCEEDED");
        assert_int_equal(store_job_item_finish(f->c, &it), STORE_OK);
    }
    /* bob (rows 2 and 4) and dee (row 5) failed: the copies are seq 0, 1, 2 with those rows. */
    make_job(f, a.id, "QUEUED", 2, 0, &queued);
    make_job(f, a.id, "RECEIVING", 2, 0, &receiving);
    int64_t n = 0, row = 0;
    assert_int_equal(store_job_items_copy_failed(f->c, from.id, queued.id, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_job_items_copy_failed(f->c, from.id, receiving.id, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_job_set_state(f->c, receiving.id, "QUEUED", NULL, 0, 0), STORE_OK);
    const char *to[] = {queued.id, receiving.id};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(store_job_login_first(f->c, to[k], "bob", 1, &row), STORE_OK);
        assert_int_equal(row, 2);
        assert_int_equal(store_job_login_first(f->c, to[k], "bob", 0, &row), STORE_NOTFOUND);
        assert_int_equal(store_job_login_first(f->c, to[k], "ann", 3, &row), STORE_NOTFOUND);
        job_item_list l = {0};
        assert_int_equal(store_job_items_pending(f->c, to[k], -1, 10, &l), STORE_OK);
        assert_int_equal(l.n, 3);
        assert_int_equal(l.items[2].seq, 2);
        assert_int_equal(l.items[2].row, 5);
        assert_int_equal(l.items[2].secret_len, 2);
        job_item_list_clear(&l);
    }
    job_clear(&from);
    job_clear(&queued);
    job_clear(&receiving);
    instance_clear(&a);
}

/* How many jobs and items the store holds. */
static int64_t count_jobs(fixture *f)
{
    return sql_int(f, "SELECT count(*) FROM jobs", NULL);
}

static int64_t count_items(fixture *f)
{
    return sql_int(f, "SELECT count(*) FROM job_items", NULL);
}

static void purge_bounded_and_selective(void **state)
{
    fixture *f = *state;
    instance a;
    make_instance(f, &a);
    enum { CUT_FINISHED = 200, CUT_RECEIVING = 100 };
    /* To go: finished before the cut (with 25 items, and with none), abandoned uploads. */
    job_record done_old, failed_old, receiving_old;
    make_job(f, a.id, "COMPLETED", 10, 100, &done_old);
    make_job(f, a.id, "FAILED", 10, 199, &failed_old);
    make_job(f, a.id, "RECEIVING", 99, 0, &receiving_old);
    make_items(f, done_old.id, 25, NULL);
    make_items(f, receiving_old.id, 7, NULL);
    /* To stay: finished at or after the cut, receiving since its cut, queued or running however
     * old. */
    job_record canceled_new, receiving_new, queued_old, running_old;
    make_job(f, a.id, "CANCELED", 10, 200, &canceled_new);
    make_job(f, a.id, "RECEIVING", 100, 0, &receiving_new);
    make_job(f, a.id, "QUEUED", 1, 0, &queued_old);
    make_job(f, a.id, "RUNNING", 1, 0, &running_old);
    make_items(f, canceled_new.id, 3, NULL);
    make_items(f, queued_old.id, 4, NULL);
    make_items(f, running_old.id, 5, NULL);
    assert_int_equal(count_items(f), 25 + 7 + 3 + 4 + 5);

    /* Ten items a call: 25 + 7 items take four calls, each deleting at most ten. */
    int64_t jobs = 0, items_before = count_items(f);
    int more = 1, calls = 0;
    while (more) {
        int64_t n = -1;
        assert_int_equal(store_begin(f->c, 1), STORE_OK);
        assert_int_equal(store_job_purge(f->c, CUT_FINISHED, CUT_RECEIVING, 10, &n, &more), STORE_OK);
        assert_int_equal(store_commit(f->c), STORE_OK);
        int64_t items_now = count_items(f);
        assert_true(items_before - items_now <= 10);
        items_before = items_now;
        jobs += n;
        assert_true(++calls <= 5);
    }
    assert_int_equal(calls, 4);
    assert_int_equal(jobs, 3);
    assert_int_equal(count_jobs(f), 4);
    assert_int_equal(count_items(f), 3 + 4 + 5);
    job_record got;
    job_record *gone[] = {&done_old, &failed_old, &receiving_old};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(store_job_get(f->c, a.id, gone[i]->id, &got), STORE_NOTFOUND);
    job_record *kept[] = {&canceled_new, &receiving_new, &queued_old, &running_old};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(store_job_get(f->c, a.id, kept[i]->id, &got), STORE_OK);
        job_clear(&got);
    }
    /* Nothing left to purge: nothing deleted, nothing more. */
    int64_t n = -1;
    assert_int_equal(store_job_purge(f->c, CUT_FINISHED, CUT_RECEIVING, 0, &n, &more), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(more, 0);
    /* A later cut takes the canceled job at the default limit, in one call. */
    assert_int_equal(store_job_purge(f->c, CUT_FINISHED + 1, CUT_RECEIVING, 0, &n, &more), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(more, 0);
    assert_int_equal(count_items(f), 4 + 5);
    /* store_job_delete takes a job with its items. */
    assert_int_equal(store_job_delete(f->c, running_old.id), STORE_OK);
    assert_int_equal(store_job_delete(f->c, running_old.id), STORE_NOTFOUND);
    assert_int_equal(count_items(f), 4);
    for (size_t i = 0; i < 3; i++)
        job_clear(gone[i]);
    for (size_t i = 0; i < 4; i++)
        job_clear(kept[i]);
    instance_clear(&a);
}

static void instance_delete_cascades(void **state)
{
    fixture *f = *state;
    instance a, b;
    make_instance(f, &a);
    make_instance(f, &b);
    job_record ja, jb;
    make_job(f, a.id, "RUNNING", 1, 0, &ja);
    make_job(f, b.id, "RUNNING", 1, 0, &jb);
    make_items(f, ja.id, 5, NULL);
    make_items(f, jb.id, 2, NULL);
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_instance_delete(f->c, a.id), STORE_OK);
    assert_int_equal(store_commit(f->c), STORE_OK);
    assert_int_equal(count_jobs(f), 1);
    assert_int_equal(count_items(f), 2);
    job_record got;
    assert_int_equal(store_job_get(f->c, a.id, ja.id, &got), STORE_NOTFOUND);
    assert_int_equal(store_job_get(f->c, b.id, jb.id, &got), STORE_OK);
    job_clear(&got);
    job_clear(&ja);
    job_clear(&jb);
    instance_clear(&a);
    instance_clear(&b);
}

static void clears_are_safe(void **state)
{
    (void)state;
    job_clear(NULL);
    job_list_clear(NULL);
    job_item_clear(NULL);
    job_item_list_clear(NULL);
    job_item_record it = {.secret_len = 4};
    it.secret = xmalloc(4);
    memcpy(it.secret, "pwd!", 4);
    it.username = xstrdup("ann");
    job_item_clear(&it);
    assert_null(it.secret);
    assert_int_equal(it.secret_len, 0);
    assert_null(it.username);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(insert_get_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(list_newest_first_filtered_paged, setup, teardown),
        cmocka_unit_test_setup_teardown(runnable_one_per_instance_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(items_pending_page_finish_once, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_in_bounded_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_secrets_keeps_failed_only, setup, teardown),
        cmocka_unit_test_setup_teardown(login_first_within_a_job, setup, teardown),
        cmocka_unit_test_setup_teardown(copy_failed_items_are_looked_up, setup, teardown),
        cmocka_unit_test_setup_teardown(purge_bounded_and_selective, setup, teardown),
        cmocka_unit_test_setup_teardown(instance_delete_cascades, setup, teardown),
        cmocka_unit_test(clears_are_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
