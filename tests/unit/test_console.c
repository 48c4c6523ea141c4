/* test_console.c — the console's jobs banner in core (jobs.h): a job is dismissed by its
 * submitter only (the same user whatever key; the same account key; the command line) and only
 * once it has finished; the banner leaves out dismissed jobs and jobs finished 7 days ago or
 * more, and keeps unfinished ones. Jobs are written straight into the store: no runner runs
 * here, so a QUEUED job stays QUEUED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/jobs.h"
#include "util/buf.h"
#include "util/ids.h"
#include "support.h"

#define DAY_MS (24LL * 3600 * 1000)

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance in;
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    *state = f;
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->in, NULL))
        return -1;
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

/* A user key principal of the instance acting as user_id with key key_id. */
static void acting_user(principal *p, const char *key_id, const char *user_id, const char *instance_id)
{
    memset(p, 0, sizeof *p);
    p->kind = PRINCIPAL_USER_KEY;
    snprintf(p->key_id, sizeof p->key_id, "%s", key_id);
    snprintf(p->user_id, sizeof p->user_id, "%s", user_id);
    snprintf(p->instance_id, sizeof p->instance_id, "%s", instance_id);
    p->username = xstrdup("someone");
    strlist_push(&p->permissions, "Users.View");
}

/* Stores a BULK_EDIT job of the instance in state, submitted by user_id through key_id, finished
 * at finished_ms (0: not finished); its id into id. */
static void make_job(fixture *f, const char *state, const char *key_id, const char *user_id, int64_t finished_ms,
                     char id[ID_LEN])
{
    job_record j = {0};
    uuid_v7(j.id);
    memcpy(j.instance_id, f->in.id, ID_LEN);
    snprintf(j.kind, sizeof j.kind, "BULK_EDIT");
    snprintf(j.state, sizeof j.state, "%s", state);
    j.submitted_ms = finished_ms ? finished_ms - 1000 : now_ms();
    j.finished_ms = finished_ms;
    snprintf(j.submitter_kind, sizeof j.submitter_kind, "USER_KEY");
    snprintf(j.submitter_key_id, sizeof j.submitter_key_id, "%s", key_id);
    snprintf(j.submitter_user_id, sizeof j.submitter_user_id, "%s", user_id);
    assert_int_equal(store_job_insert(f->cx.conn, &j), STORE_OK);
    memcpy(id, j.id, ID_LEN);
}

/* 1 if the banner of the instance, as who, lists job id. */
static int on_banner(fixture *f, const principal *who, const char *id)
{
    core_ctx cx = f->cx;
    cx.who = who;
    cx.now_ms = now_ms();
    job_list l = {0};
    rerr e;
    if (jobs_banner(&cx, f->in.id, 100, &l, &e) != 0)
        fail_msg("jobs_banner: %s", e.message);
    int found = 0;
    for (size_t i = 0; i < l.n; i++)
        found |= strcmp(l.items[i].id, id) == 0;
    job_list_clear(&l);
    return found;
}

static int dismiss(fixture *f, const principal *who, const char *id, rerr *e)
{
    core_ctx cx = f->cx;
    cx.who = who;
    cx.now_ms = now_ms();
    job_record j = {0};
    int rc = jobs_dismiss(&cx, f->in.id, id, &j, e);
    if (rc == 0)
        assert_true(j.dismissed_ms > 0);
    job_clear(&j);
    return rc;
}

static void dismissed_by_its_submitter_once_finished(void **state)
{
    fixture *f = *state;
    principal ann, ann_other_key, bob;
    acting_user(&ann, "AKRSANN", "11111111-1111-4111-8111-111111111111", f->in.id);
    acting_user(&ann_other_key, "AKRSANN2", "11111111-1111-4111-8111-111111111111", f->in.id);
    acting_user(&bob, "AKRSBOB", "22222222-2222-4222-8222-222222222222", f->in.id);
    char queued[ID_LEN], done[ID_LEN];
    make_job(f, "QUEUED", "AKRSANN", ann.user_id, 0, queued);
    make_job(f, "COMPLETED", "AKRSANN", ann.user_id, now_ms() - 1000, done);
    rerr e;
    /* not before it has finished, even by its submitter */
    assert_int_equal(dismiss(f, &ann, queued, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
    assert_string_equal(e.field, "JobId");
    assert_true(on_banner(f, &ann, queued));
    /* nobody but the submitter */
    assert_int_equal(dismiss(f, &bob, done, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    assert_int_equal(dismiss(f, principal_cli(), done, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    assert_true(on_banner(f, &bob, done));
    /* the same user through another key may */
    assert_int_equal(dismiss(f, &ann_other_key, done, &e), 0);
    assert_false(on_banner(f, &ann, done));
    assert_int_equal(dismiss(f, &ann, done, &e), 0); /* again: still dismissed */
    principal_clear(&ann);
    principal_clear(&ann_other_key);
    principal_clear(&bob);
}

static void banner_keeps_seven_days(void **state)
{
    fixture *f = *state;
    char old[ID_LEN], recent[ID_LEN], running[ID_LEN];
    make_job(f, "COMPLETED", "", "", now_ms() - 7 * DAY_MS - 60000, old);
    make_job(f, "FAILED", "", "", now_ms() - 6 * DAY_MS, recent);
    make_job(f, "RUNNING", "", "", 0, running);
    assert_false(on_banner(f, principal_cli(), old));
    assert_true(on_banner(f, principal_cli(), recent));
    assert_true(on_banner(f, principal_cli(), running));
    /* the command line's own jobs are its to dismiss */
    job_record j = {0};
    uuid_v7(j.id);
    memcpy(j.instance_id, f->in.id, ID_LEN);
    snprintf(j.kind, sizeof j.kind, "BULK_DELETE");
    snprintf(j.state, sizeof j.state, "CANCELED");
    j.submitted_ms = now_ms() - 2000;
    j.finished_ms = now_ms() - 1000;
    snprintf(j.submitter_kind, sizeof j.submitter_kind, "CLI");
    assert_int_equal(store_job_insert(f->cx.conn, &j), STORE_OK);
    assert_true(jobs_can_dismiss(NULL, &j));
    rerr e;
    assert_int_equal(dismiss(f, principal_cli(), j.id, &e), 0);
    assert_false(on_banner(f, principal_cli(), j.id));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dismissed_by_its_submitter_once_finished, setup, teardown),
        cmocka_unit_test_setup_teardown(banner_keeps_seven_days, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
