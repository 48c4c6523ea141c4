/* import_run.c — an IMPORT job's items, page by page and batch by batch (see import_run.h). */
#include "jobs/import_run.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__ /* defined by the libc headers above */
#include <malloc.h>
#endif

#include "core/catalog.h"
#include "core/instances.h"
#include "core/write.h"
#include "crypto/passwords.h"
#include "jobs/import_row.h"
#include "jobs/jobs.h"
#include "jobs/template.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/ids.h"

#define PAGE_ROWS 2000         /* rows read at a time (with passwords: see run_rows) */
#define ATOMIC_TRIES 3         /* second passes abandoned by a race before the job gives up */
/* A batch's transaction: up to a page of rows or a second. Each commit writes every page its
 * rows touched, and rows touch the pages of the username indexes at random, so longer batches
 * write less (a 100,000-row import wrote 1.13 GB with pages and batches of 2,000 rows, 0.83 GB
 * with 5,000), but a batch's rows and deferred audit events are held in memory: with 5,000 the
 * peak RSS of a 1,000,000-row import rose from 109 MB to 140 MB, for 3-5 % more speed. A batch
 * gives way after JOB_BATCH_YIELD_MS as soon as another write waits (an API call, a cancel,
 * another instance's job), so no write waits for a whole batch. The job checks for a cancel
 * after each batch. */
#define JOB_BATCH_ITEMS PAGE_ROWS
#define JOB_BATCH_MS 1000.0
#define JOB_BATCH_YIELD_MS 50.0

/* The job as every row sees it: the header, its columns, the mode. */
typedef struct run {
    const job_env *env;
    core_ctx *cx;
    job_record *job;
    json_t *header_json;
    char **header;
    size_t n_header;
    tpl_map map;
    import_job ij;
    int managed;
} run;

/* One row of a page: its cells, its password (opened) and that password's hash. */
typedef struct page_row {
    job_item_record *it;
    json_t *cells_json;
    char **cells;
    size_t n;
    char *password;
    char *hash;
    import_outcome out;
} page_row;

typedef struct page {
    job_item_list items;
    page_row *rows;
    size_t n;
} page;

static void free_secret(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static void page_clear(page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        page_row *r = &p->rows[i];
        free(r->cells);
        json_decref(r->cells_json);
        free_secret(r->password);
        free_secret(r->hash);
        import_outcome_clear(&r->out);
    }
    free(p->rows);
    job_item_list_clear(&p->items);
    memset(p, 0, sizeof *p);
}

/* The cells of an item: pointers into its parsed JSON array. */
static void row_cells(page_row *r)
{
    json_error_t je;
    r->cells_json = r->it->data_json ? json_loads(r->it->data_json, 0, &je) : NULL;
    size_t n = json_is_array(r->cells_json) ? json_array_size(r->cells_json) : 0;
    r->cells = xmalloc((n ? n : 1) * sizeof *r->cells);
    r->n = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(r->cells_json, i));
        r->cells[r->n++] = (char *)(s ? s : "");
    }
}

/* ---- passwords: opened, then hashed in parallel outside the transaction ----------------------- */

typedef struct hash_work {
    page_row *rows;
    size_t n;
    atomic_size_t next;
} hash_work;

static void *hash_worker(void *arg)
{
    hash_work *w = arg;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;)
        if (w->rows[i].password)
            w->rows[i].hash = passwords_hash(w->rows[i].password);
    return NULL;
}

static size_t cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (size_t)n;
}

/* Hashes the passwords of rows[0..n) on every core. Returns 0, or -1 when one could not be hashed. */
static int hash_rows(page_row *rows, size_t n)
{
    size_t need = 0;
    for (size_t i = 0; i < n; i++)
        need += rows[i].password != NULL;
    if (need == 0)
        return 0;
    hash_work w = {.rows = rows, .n = n};
    atomic_init(&w.next, 0);
    size_t k = cores() < need ? cores() : need;
    pthread_t t[64];
    size_t started = 0;
    for (size_t i = 1; i < k; i++)
        if (pthread_create(&t[started], NULL, hash_worker, &w) == 0)
            started++;
    hash_worker(&w);
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    for (size_t i = 0; i < n; i++)
        if (rows[i].password && !rows[i].hash)
            return -1;
    return 0;
}

/* Reads up to limit pending items after after_seq into *p through conn (opened passwords;
 * hashed unless the run checks only). Returns 0 (p->n 0: none left), or -1 with *e set. */
static int page_load_on(run *R, store_conn *conn, int64_t after_seq, size_t limit, int hash, page *p, rerr *e)
{
    memset(p, 0, sizeof *p);
    int rc = store_job_items_pending(conn, R->job->id, after_seq, limit, &p->items);
    if (rc != STORE_OK) {
        core_ctx on = *R->cx;
        on.conn = conn;
        return core_store_error(&on, rc, "read the job's rows", e);
    }
    p->n = p->items.n;
    p->rows = xmalloc((p->n ? p->n : 1) * sizeof *p->rows);
    for (size_t i = 0; i < p->n; i++) {
        page_row *r = &p->rows[i];
        memset(r, 0, sizeof *r);
        r->it = &p->items.items[i];
        import_outcome_init(&r->out);
        row_cells(r);
        if (r->it->secret)
            r->password = keyring_open(R->env->kr, JOB_SECRET_AD(R->job->instance_id), r->it->secret, r->it->secret_len);
    }
    if (hash && hash_rows(p->rows, p->n))
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot hash a password (out of memory?)");
    return 0;
}

/* page_load_on through the job's own connection. */
static int page_load(run *R, int64_t after_seq, size_t limit, int hash, page *p, rerr *e)
{
    return page_load_on(R, R->cx->conn, after_seq, limit, hash, p, e);
}

/* ---- reading ahead: the next page loads (and hashes) on a thread of its own, through a
 * connection of its own, while the writer applies the current one. The pending items after the
 * current page are touched by no one but this job's writer, so what the reader sees of them is
 * what the writer would have read once done with the current page. Loading and parsing a page
 * was a tenth of an import's work. ------------------------------------------------------------- */

typedef struct ahead {
    run *R;
    int64_t after;
    size_t limit;
    int hash;
    page p;
    int rc;          /* page_load_on's result; -1 also when no connection was free */
    rerr e;
    pthread_t thread;
    int started;
} ahead;

static void *ahead_main(void *arg)
{
    ahead *a = arg;
    store_conn *c = store_conn_get(a->R->env->st);
    if (!c) {
        a->rc = -1;
        memset(&a->p, 0, sizeof a->p);
        return NULL;
    }
    a->rc = page_load_on(a->R, c, a->after, a->limit, a->hash, &a->p, &a->e);
    /* These pages are read once: a pooled connection would otherwise keep up to its whole cache
     * of them (32 MiB) for the rest of the server's life. */
    store_conn_release_memory(c);
    store_conn_put(c);
    return NULL;
}

/* Starts reading the page after after_seq (nothing when the run has no store to read ahead with
 * or no thread can be started: ahead_take then loads it). */
static void ahead_start(ahead *a, run *R, int64_t after_seq, size_t limit, int hash)
{
    *a = (ahead){.R = R, .after = after_seq, .limit = limit, .hash = hash};
    rerr_clear(&a->e);
    a->started = R->env->st && pthread_create(&a->thread, NULL, ahead_main, a) == 0;
}

/* Waits for the read-ahead and drops what it read. */
static void ahead_drop(ahead *a)
{
    if (a->started)
        pthread_join(a->thread, NULL);
    a->started = 0;
    page_clear(&a->p);
}

/* The page read ahead into *p (0), or loaded now when reading ahead failed; -1 with *e set. */
static int ahead_take(ahead *a, page *p, rerr *e)
{
    if (a->started) {
        pthread_join(a->thread, NULL);
        a->started = 0;
        if (a->rc == 0) {
            *p = a->p;
            memset(&a->p, 0, sizeof a->p);
            return 0;
        }
        page_clear(&a->p);
    }
    return page_load(a->R, a->after, a->limit, a->hash, p, e);
}

/* ---- batches ----------------------------------------------------------------------------------- */

typedef struct batch_arg {
    run *R;
    page *p;
    int dry_run;                /* check only */
    int record_success;         /* record the rows that pass (not in an atomic job's first pass) */
    int abandon_on_failure;     /* an atomic job's second pass: a failing row undoes the batch */
    catalog cat;
    int cat_loaded;
    job_counts delta;
    size_t failed;
    size_t first;               /* the index the batch's transaction starts at */
} batch_arg;

static int batch_item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    batch_arg *b = arg;
    page_row *r = &b->p->rows[i];
    if (i == b->first) { /* a (re)start of the transaction: nothing of an earlier run counts */
        memset(&b->delta, 0, sizeof b->delta);
        b->failed = 0;
    }
    json_array_clear(r->out.errors);
    r->out.action[0] = '\0';
    r->out.user_id[0] = '\0';
    if (r->it->errors_json) { /* the reader's own verdict (wrong UTF-8, a cell too long…) */
        json_error_t je;
        json_t *errs = json_loads(r->it->errors_json, 0, &je);
        if (json_is_array(errs))
            json_array_extend(r->out.errors, errs);
        json_decref(errs);
        if (json_array_size(r->out.errors) == 0)
            import_error_add(r->out.errors, "", "", "the row could not be read");
        return -1;
    }
    if (!b->cat_loaded) {
        if (catalog_load(cx, b->R->job->instance_id, &b->cat, e)) {
            catalog_clear(&b->cat);
            import_error_add(r->out.errors, "", "", e->message);
            return -1;
        }
        b->cat_loaded = 1;
    }
    import_job ij = b->R->ij;
    ij.dry_run = b->dry_run;
    const char *password = r->password;
    if (!password && r->it->secret) {
        import_error_add(r->out.errors, "", "", "the row's password cannot be opened with this server's key file");
        return -1;
    }
    int rc = import_row_apply(cx, &ij, &b->cat, r->it->seq, r->cells, r->n, password, b->dry_run ? NULL : r->hash,
                              &r->out);
    (void)e;
    return rc;
}

static int batch_outcome(core_ctx *cx, void *arg, size_t i, int ok, const rerr *item_err, rerr *e)
{
    (void)item_err;
    batch_arg *b = arg;
    page_row *r = &b->p->rows[i];
    if (!ok && b->abandon_on_failure) {
        b->failed++;
        return rerr_set(e, ERR_CONDITION_FAILED, NULL, "row %lld no longer applies", (long long)r->it->row);
    }
    if (ok && !b->record_success)
        return 0;
    job_item_record fin = *r->it;
    snprintf(fin.state, sizeof fin.state, "%s", ok ? "SUCCEEDED" : "FAILED");
    snprintf(fin.action, sizeof fin.action, "%s", ok ? r->out.action : "");
    snprintf(fin.user_id, sizeof fin.user_id, "%s", r->out.user_id);
    fin.errors_json = ok ? NULL : json_dumps(r->out.errors, JSON_COMPACT);
    if (ok) { /* a row applied no longer needs its password; a failed one keeps it for a retry */
        fin.secret = NULL;
        fin.secret_len = 0;
    }
    int rc = store_job_item_finish(cx->conn, &fin);
    free(fin.errors_json);
    if (rc == STORE_NOTFOUND)
        return 0; /* finished already (never twice) */
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record a row's outcome", e);
    if (!ok) {
        b->delta.failed++;
        b->failed++;
        return 0;
    }
    b->delta.succeeded++;
    if (strcmp(r->out.action, "CREATED") == 0)
        b->delta.created++;
    else if (strcmp(r->out.action, "UPDATED") == 0)
        b->delta.updated++;
    else
        b->delta.unchanged++;
    return 0;
}

static int batch_end(core_ctx *cx, void *arg, size_t taken, rerr *e)
{
    (void)taken;
    batch_arg *b = arg;
    job_counts zero = {0};
    if (memcmp(&b->delta, &zero, sizeof zero) == 0)
        return 0;
    int rc = store_job_add_counts(cx->conn, b->R->job->id, &b->delta);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "count the job's rows", e);
}

/* 1 when the job was asked to stop (reads the flag from the store). */
static int cancel_requested(run *R)
{
    job_record now;
    int asked = store_job_get(R->cx->conn, R->job->instance_id, R->job->id, &now) == STORE_OK && now.cancel_requested;
    job_clear(&now);
    return asked;
}

/* Runs rows [first, p->n) of the page in batches; *done gets how many were taken. The catalog is
 * loaded afresh in each batch's transaction. Stops early (*done < p->n - first) when the runner
 * stops or, but for an atomic job's one transaction, the job was asked to cancel. Returns 0, or
 * -1 with *e (nothing of the failed batch kept). */
static int run_batches(run *R, page *p, size_t first, int dry_run, int record_success, int abandon, size_t max_items,
                       size_t *done, size_t *failed, rerr *e)
{
    *done = 0;
    *failed = 0;
    while (first + *done < p->n) {
        batch_arg b = {.R = R,
                       .p = p,
                       .dry_run = dry_run,
                       .record_success = record_success,
                       .abandon_on_failure = abandon,
                       .first = first + *done};
        core_batch cb = {.item = batch_item,
                         .outcome = batch_outcome,
                         .end = batch_end,
                         .arg = &b,
                         .first = first + *done,
                         .count = p->n - first - *done,
                         .max_items = max_items ? max_items : JOB_BATCH_ITEMS,
                         .max_ms = abandon ? 1e12 : JOB_BATCH_MS,
                         .yield_ms = abandon ? 0 : JOB_BATCH_YIELD_MS,
                         .optimistic = 1,
                         .memo_refs = 1, /* rows create and change users only */
                         /* an atomic job's one transaction would hold every row's event in
                          * memory: it writes them as it goes */
                         .defer_audit = !abandon};
        size_t taken = 0;
        R->cx->now_ms = now_ms();
        int rc = core_write_batch(R->cx, &cb, &taken, NULL, e);
        catalog_clear(&b.cat);
        if (rc) {
            *failed += b.failed;
            return -1;
        }
        *done += taken;
        *failed += b.failed;
        if (!abandon && (*R->env->stopping || cancel_requested(R)))
            break;
    }
    return 0;
}

/* ---- the job ------------------------------------------------------------------------------------ */

struct job_running {
    const char *job_id;
    int64_t started_ms;
};

static int mark_running(core_ctx *cx, void *arg, rerr *e)
{
    struct job_running *j = arg;
    int rc = store_job_set_state(cx->conn, j->job_id, "RUNNING", NULL, j->started_ms, 0);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "record the job's start", e);
}

/* The job ends in state (see jobs_end). */
static int end(run *R, const char *state, const char *reason, rerr *e)
{
    if (jobs_end(R->cx, R->job->id, state, reason, e))
        return -1;
    snprintf(R->job->state, sizeof R->job->state, "%s", state);
    return 0;
}

/* Every pending row, page by page, batch by batch. Returns 0 when the job finished, was
 * canceled or the runner stops; -1 with *e on a store failure. */
static int run_rows(run *R, rerr *e)
{
    int hash = R->managed && !R->job->dry_run;
    size_t limit = hash ? 8 * cores() : PAGE_ROWS; /* a page of hashes stays well under a second */
    page p;
    if (page_load(R, -1, limit, hash, &p, e)) {
        page_clear(&p);
        return -1;
    }
    for (;;) {
        if (*R->env->stopping || cancel_requested(R)) {
            page_clear(&p);
            return *R->env->stopping ? 0 : end(R, "CANCELED", NULL, e);
        }
        if (p.n == 0) {
            page_clear(&p);
            return end(R, "COMPLETED", NULL, e);
        }
        ahead next;
        ahead_start(&next, R, p.rows[p.n - 1].it->seq, limit, hash);
        size_t done = 0, failed = 0;
        int rc = run_batches(R, &p, 0, R->job->dry_run, 1, 0, 0, &done, &failed, e);
        int whole = done == p.n;
        page_clear(&p);
        if (rc || !whole) { /* the store failed, the runner stops or the job was canceled */
            ahead_drop(&next);
            if (rc)
                return -1;
            return *R->env->stopping ? 0 : end(R, "CANCELED", NULL, e);
        }
        if (ahead_take(&next, &p, e)) {
            page_clear(&p);
            return -1;
        }
    }
}

/* An atomic job: check every row, then apply all in one transaction. */
static int run_atomic(run *R, rerr *e)
{
    for (int attempt = 0; attempt < ATOMIC_TRIES; attempt++) {
        /* First pass: a dry run that records failures only. */
        int64_t after = -1;
        for (;;) {
            if (*R->env->stopping)
                return 0;
            if (cancel_requested(R))
                return end(R, "CANCELED", NULL, e);
            page p;
            if (page_load(R, after, PAGE_ROWS, 0, &p, e)) {
                page_clear(&p);
                return -1;
            }
            size_t n = p.n, done = 0, failed = 0;
            int rc = n ? run_batches(R, &p, 0, 1, 0, 0, 0, &done, &failed, e) : 0;
            if (done > 0)
                after = p.rows[done - 1].it->seq;
            page_clear(&p);
            if (rc)
                return -1;
            if (n == 0)
                break;
        }
        job_record now;
        if (store_job_get(R->cx->conn, R->job->instance_id, R->job->id, &now) != STORE_OK)
            return rerr_set(e, ERR_INTERNAL, NULL, "cannot read the job");
        int64_t failed_rows = now.counts.failed, total = now.counts.total;
        job_clear(&now);
        if (failed_rows > 0) {
            char reason[200];
            snprintf(reason, sizeof reason,
                     "%lld of %lld rows are invalid; with Atomic=true no row is applied (the valid rows are CANCELED)",
                     (long long)failed_rows, (long long)total);
            return end(R, "FAILED", reason, e);
        }
        if (R->job->dry_run) /* an atomic dry run: the check was the run */
            break;
        /* Second pass: every row in one transaction (passwords hashed first, outside it). */
        page all;
        if (page_load(R, -1, (size_t)total + 1, R->managed, &all, e)) {
            page_clear(&all);
            return -1;
        }
        size_t done = 0, failed = 0;
        int rc = run_batches(R, &all, 0, 0, 1, 1, all.n ? all.n : 1, &done, &failed, e);
        page_clear(&all);
        if (rc == 0)
            break;
        if (failed == 0)
            return -1; /* the store failed: try the job again later */
        /* a row no longer applies: check again, which records it */
    }
    if (strcmp(R->job->state, "RUNNING") != 0)
        return 0;
    /* A dry run or the applied rows: the pending ones (an atomic dry run's valid rows) succeed. */
    return run_rows(R, e);
}

int import_run(const job_env *env, core_ctx *cx, job_record *job)
{
    rerr e;
    rerr_clear(&e);
    run R = {.env = env, .cx = cx, .job = job};
    instance inst;
    if (store_instance_get(cx->conn, job->instance_id, &inst) != STORE_OK)
        return -1;
    R.managed = strcmp(inst.idm_type, "CONNECT_MANAGED") == 0;
    char idm[24];
    snprintf(idm, sizeof idm, "%s", inst.idm_type);
    instance_clear(&inst);

    struct job_running start = {job->id, now_ms()};
    if (strcmp(job->state, "QUEUED") == 0) {
        if (core_write(cx, mark_running, &start, &e))
            return -1;
        snprintf(job->state, sizeof job->state, "RUNNING");
    }
    json_error_t je;
    json_t *params = job->params_json ? json_loads(job->params_json, 0, &je) : NULL;
    json_t *header = json_object_get(params, "Header");
    size_t n = json_is_array(header) ? json_array_size(header) : 0;
    R.header = xmalloc((n ? n : 1) * sizeof *R.header);
    size_t *lens = xmalloc((n ? n : 1) * sizeof *lens);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(header, i));
        R.header[i] = (char *)(s ? s : "");
        lens[i] = strlen(R.header[i]);
    }
    R.n_header = n;
    char err[512];
    int result = 0;
    if (n == 0 || tpl_map_header(idm, job->mode, R.header, lens, n, &R.map, err, sizeof err)) {
        result = end(&R, "FAILED", n == 0 ? "the job has no header row" : err, &e);
    } else {
        R.ij = (import_job){.job_id = job->id,
                            .instance_id = job->instance_id,
                            .idm_type = idm,
                            .upsert = strcmp(job->mode, "UPSERT") == 0,
                            .dry_run = job->dry_run,
                            .map = &R.map,
                            .header = R.header,
                            .n_header = n};
        int64_t logins = 0;
        R.ij.logins_distinct = store_job_logins_count(R.cx->conn, job->id, &logins) == STORE_OK &&
                               logins == job->counts.total;
        result = job->atomic ? run_atomic(&R, &e) : run_rows(&R, &e);
    }
    if (result)
        fprintf(stderr, "roster: job %s: %s\n", job->id, e.message);
#ifdef __GLIBC__
    /* Each hashing thread's malloc arena keeps the 19 MiB of its last argon2id hash for the next
     * one (crypto/passwords.c); once the job is over, that memory goes back to the system. */
    if (R.managed && !job->dry_run)
        malloc_trim(0);
#endif
    free(lens);
    free(R.header);
    json_decref(params);
    return result;
}
