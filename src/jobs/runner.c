/* runner.c — the worker threads that run durable jobs, one job per instance at a time, and the
 * purge of old jobs (see runner.h). */
#include "jobs/runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/bulk_run.h"
#include "jobs/import_run.h"
#include "jobs/jobs.h"
#include "util/buf.h"
#include "util/ids.h"

#define DEFAULT_WORKERS 4
#define MAX_WORKERS 64
#define DAY_MS (24LL * 3600 * 1000)
#define PURGE_EVERY_MS (3600LL * 1000)
#define RECEIVING_MAX_MS DAY_MS /* an upload not finished in a day was abandoned (a server killed mid-upload) */

typedef struct jobs_runner jobs_runner;
typedef struct worker_arg {
    jobs_runner *r;
    size_t index;
} worker_arg;

struct jobs_runner {
    store *st;
    const keyring *kr;
    const settings *cfg;
    jobs_config jc;
    pthread_t threads[MAX_WORKERS];
    size_t n_threads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    volatile int stopping;
    unsigned long wakes;
    char claimed[MAX_WORKERS][ID_LEN]; /* the instance each worker runs a job of, or "" */
    int64_t last_purge_ms;
    worker_arg args[MAX_WORKERS];
};


/* The principal the job acts as: the submitter's. An account key or the command line keep their
 * reach (every instance); a user is confined to its instance with its permissions as they are now
 * (a user deleted since has none). */
static void job_principal(store_conn *c, const job_record *j, principal *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->key_id, sizeof out->key_id, "%s", j->submitter_key_id[0] ? j->submitter_key_id : "cli");
    if (strcmp(j->submitter_kind, "CLI") == 0 || strcmp(j->submitter_kind, "ACCOUNT_KEY") == 0 ||
        !j->submitter_user_id[0]) {
        out->kind = strcmp(j->submitter_kind, "CLI") == 0 ? PRINCIPAL_CLI : PRINCIPAL_ACCOUNT_KEY;
        return;
    }
    out->kind = PRINCIPAL_JOB;
    snprintf(out->instance_id, sizeof out->instance_id, "%s", j->instance_id);
    snprintf(out->user_id, sizeof out->user_id, "%s", j->submitter_user_id);
    user_ref u;
    if (store_user_get_ref(c, j->submitter_user_id, &u) == STORE_OK) {
        out->username = u.username;
        u.username = NULL;
        user_ref_clear(&u);
        store_user_permissions(c, j->submitter_user_id, &out->permissions);
    } else {
        out->username = xstrdup(j->submitted_by ? j->submitted_by : "?");
    }
}

/* Runs one job to its end (or until the runner stops). */
static void run_job(jobs_runner *r, store_conn *c, job_record *j)
{
    principal who;
    job_principal(c, j, &who);
    core_ctx cx = {.conn = c, .cfg = r->cfg, .who = &who, .now_ms = now_ms()};
    job_env env = {.st = r->st, .kr = r->kr, .cfg = r->cfg, .stopping = &r->stopping};
    int rc = 0;
    if (strcmp(j->kind, "IMPORT") == 0) {
        rc = import_run(&env, &cx, j);
    } else if (bulk_kind(j->kind)) {
        rc = bulk_run(&env, &cx, j);
    } else {
        char reason[96];
        snprintf(reason, sizeof reason, "this server does not run jobs of kind %.20s", j->kind);
        rerr e;
        rc = jobs_end(&cx, j->id, "FAILED", reason, &e);
    }
    principal_clear(&who);
    if (rc) { /* the store failed: wait a little before the job is tried again */
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Picks the oldest runnable job of an instance no other worker runs, and claims that instance.
 * Returns 1 with *out filled, 0 when there is none. Called with r->mu held. */
static int pick(jobs_runner *r, store_conn *c, size_t me, job_record *out)
{
    job_list l = {0};
    int found = 0;
    if (store_job_runnable(c, &l) == STORE_OK) {
        for (size_t i = 0; !found && i < l.n; i++) {
            int taken = 0;
            for (size_t w = 0; !taken && w < r->n_threads; w++)
                taken = w != me && strcmp(r->claimed[w], l.items[i].instance_id) == 0;
            if (taken)
                continue;
            *out = l.items[i];
            memset(&l.items[i], 0, sizeof l.items[i]);
            snprintf(r->claimed[me], ID_LEN, "%s", out->instance_id);
            found = 1;
        }
    }
    job_list_clear(&l);
    return found;
}

/* Deletes finished jobs past retention and abandoned uploads, a while apart. */
static void purge(jobs_runner *r, store_conn *c)
{
    int64_t now = now_ms();
    if (r->last_purge_ms && now - r->last_purge_ms < PURGE_EVERY_MS)
        return;
    r->last_purge_ms = now;
    int64_t n = 0;
    for (int more = 1; more && !r->stopping;) {
        int64_t k = 0;
        more = 0;
        if (store_begin(c, 1) == STORE_OK &&
            store_job_purge(c, now - r->jc.retention_ms, now - RECEIVING_MAX_MS, 0, &k, &more) == STORE_OK &&
            store_commit(c) == STORE_OK) {
            n += k;
        } else {
            store_rollback(c);
            more = 0;
        }
    }
    if (n > 0)
        fprintf(stderr, "roster: purged %lld finished jobs older than %lld days\n", (long long)n,
                (long long)(r->jc.retention_ms / DAY_MS));
}

static void *worker(void *arg)
{
    worker_arg *a = arg;
    jobs_runner *r = a->r;
    while (!r->stopping) {
        store_conn *c = store_conn_get(r->st);
        job_record j;
        int got = 0;
        unsigned long seen;
        if (c && a->index == 0)
            purge(r, c);
        pthread_mutex_lock(&r->mu);
        seen = r->wakes;
        if (c)
            got = pick(r, c, a->index, &j);
        pthread_mutex_unlock(&r->mu);
        if (got) {
            run_job(r, c, &j);
            job_clear(&j);
            pthread_mutex_lock(&r->mu);
            r->claimed[a->index][0] = '\0';
            r->wakes++; /* the instance's next job may be waiting for this one */
            pthread_cond_broadcast(&r->cv);
            pthread_mutex_unlock(&r->mu);
            store_conn_put(c);
            continue;
        }
        store_conn_put(c);
        pthread_mutex_lock(&r->mu);
        if (!r->stopping && r->wakes == seen) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + (r->jc.poll_ms % 1000) * 1000000LL;
            ts.tv_sec += r->jc.poll_ms / 1000 + ns / 1000000000LL;
            ts.tv_nsec = ns % 1000000000LL;
            pthread_cond_timedwait(&r->cv, &r->mu, &ts);
        }
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

jobs_runner *jobs_runner_start(store *st, const keyring *kr, const settings *cfg, const jobs_config *jc, char *err,
                               size_t errlen)
{
    jobs_runner *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->st = st;
    r->kr = kr;
    r->cfg = cfg;
    r->jc = jc ? *jc : (jobs_config){0};
    if (r->jc.workers == 0)
        r->jc.workers = DEFAULT_WORKERS;
    if (r->jc.workers > MAX_WORKERS)
        r->jc.workers = MAX_WORKERS;
    if (r->jc.retention_ms <= 0)
        r->jc.retention_ms = 30 * DAY_MS;
    if (r->jc.poll_ms <= 0)
        r->jc.poll_ms = 1000;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    for (size_t i = 0; i < r->jc.workers; i++) {
        r->args[i] = (worker_arg){.r = r, .index = i};
        int rc = pthread_create(&r->threads[r->n_threads], NULL, worker, &r->args[i]);
        if (rc != 0) {
            snprintf(err, errlen, "cannot start a job worker: %s", strerror(rc));
            jobs_runner_stop(r);
            return NULL;
        }
        r->n_threads++;
    }
    return r;
}

void jobs_runner_wake(jobs_runner *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->wakes++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void jobs_runner_stop(jobs_runner *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    for (size_t i = 0; i < r->n_threads; i++)
        pthread_join(r->threads[i], NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
