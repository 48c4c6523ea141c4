/* sqlite_jobs.c — durable jobs in the SQLite backend (store_jobs.h): the job rows (jobs) and
 * their items (job_items, keyed by the job's seq and the item's seq; migration 7). Writes run
 * in the caller's transaction, like every sqlite_*.c file; statements are cached per
 * connection by sqlite_query.c.
 *
 * The first row of each login of a job is kept in job_logins (migration 8), written in one
 * sorted insert as the job leaves RECEIVING (store_job_set_state), or item by item for items
 * added to a job past RECEIVING: an index over the items' logins took its entries in random
 * order while an upload arrived, and made the upload 3.5 times slower.
 *
 * The item queries that filter by state or secret name their index (INDEXED BY): without
 * statistics SQLite prefers the primary key's range on seq, which gives the order for free but
 * walks every item of the job (a page of FAILED items of a 1,000,000-item job would read them
 * all). INDEXED BY also makes a missing index an error at prepare rather than a slow query.
 * The index by state, job_items_unsettled (migration 9), holds no SUCCEEDED item; the queries
 * through it repeat its term UNSETTLED, without which SQLite will not use it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* The WHERE term of the partial index job_items_unsettled. */
#define UNSETTLED "state <> 'SUCCEEDED'"
#include "util/buf.h"

/* The largest sealed secret an item may carry (a sealed password is well under 1 KiB). */
enum { SECRET_MAX = 65536 };

/* ---- jobs ------------------------------------------------------------------------------------ */

#define JOB_COLS                                                                                            \
    "id, seq, instance_id, kind, state, failure_reason, mode, dry_run, atomic, file_name, params_json, "   \
    "retry_of, n_total, n_succeeded, n_failed, n_canceled, n_created, n_updated, n_unchanged, n_deleted, " \
    "submitted_ms, started_ms, finished_ms, cancel_requested, submitter_kind, submitter_key_id, "          \
    "submitter_user_id, submitted_by, dismissed_ms"

/* States of jobs that have finished, for SQL. */
#define FINISHED "('COMPLETED','CANCELED','FAILED')"

/* Reads a JOB_COLS row into the zeroed job_record out. */
static void read_job(sqlite3_stmt *st, void *out)
{
    job_record *j = out;
    sq_col_copy(st, 0, j->id, sizeof j->id);
    j->seq = sqlite3_column_int64(st, 1);
    sq_col_copy(st, 2, j->instance_id, sizeof j->instance_id);
    sq_col_copy(st, 3, j->kind, sizeof j->kind);
    sq_col_copy(st, 4, j->state, sizeof j->state);
    j->failure_reason = sq_col_dup(st, 5);
    sq_col_copy(st, 6, j->mode, sizeof j->mode);
    j->dry_run = sqlite3_column_int(st, 7);
    j->atomic = sqlite3_column_int(st, 8);
    j->file_name = sq_col_dup(st, 9);
    j->params_json = sq_col_dup(st, 10);
    j->retry_of = sq_col_dup(st, 11);
    int64_t *counts[] = {&j->counts.total,   &j->counts.succeeded, &j->counts.failed,    &j->counts.canceled,
                         &j->counts.created, &j->counts.updated,   &j->counts.unchanged, &j->counts.deleted};
    for (int i = 0; i < 8; i++)
        *counts[i] = sqlite3_column_int64(st, 12 + i);
    j->submitted_ms = sqlite3_column_int64(st, 20);
    j->started_ms = sqlite3_column_int64(st, 21);
    j->finished_ms = sqlite3_column_int64(st, 22);
    j->cancel_requested = sqlite3_column_int(st, 23);
    sq_col_copy(st, 24, j->submitter_kind, sizeof j->submitter_kind);
    sq_col_copy(st, 25, j->submitter_key_id, sizeof j->submitter_key_id);
    sq_col_copy(st, 26, j->submitter_user_id, sizeof j->submitter_user_id);
    j->submitted_by = sq_col_dup(st, 27);
    j->dismissed_ms = sqlite3_column_int64(st, 28);
}

int store_job_insert(store_conn *c, job_record *j)
{
    static const char sql[] =
        "INSERT INTO jobs(id, instance_id, kind, state, failure_reason, mode, dry_run, atomic, file_name, "
        "params_json, retry_of, n_total, n_succeeded, n_failed, n_canceled, n_created, n_updated, n_unchanged, "
        "n_deleted, submitted_ms, started_ms, finished_ms, cancel_requested, submitter_kind, submitter_key_id, "
        "submitter_user_id, submitted_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    const job_counts *k = &j->counts;
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(j->id), SQ_TEXT(j->instance_id), SQ_TEXT(j->kind), SQ_TEXT(j->state),
                             SQ_TEXT(j->failure_reason), SQ_TEXT(j->mode), SQ_INT(j->dry_run != 0),
                             SQ_INT(j->atomic != 0), SQ_TEXT(j->file_name), SQ_TEXT(j->params_json),
                             SQ_TEXT_OPT(j->retry_of), SQ_INT(k->total), SQ_INT(k->succeeded), SQ_INT(k->failed),
                             SQ_INT(k->canceled), SQ_INT(k->created), SQ_INT(k->updated), SQ_INT(k->unchanged),
                             SQ_INT(k->deleted), SQ_INT(j->submitted_ms), SQ_INT(j->started_ms),
                             SQ_INT(j->finished_ms), SQ_INT(j->cancel_requested != 0), SQ_TEXT(j->submitter_kind),
                             SQ_TEXT(j->submitter_key_id), SQ_TEXT(j->submitter_user_id),
                             SQ_TEXT(j->submitted_by)));
    if (rc == STORE_OK)
        j->seq = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int store_job_get(store_conn *c, const char *instance_id, const char *id, job_record *out)
{
    static const char sql[] = "SELECT " JOB_COLS " FROM jobs WHERE id = ? AND instance_id = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_job, out, SQ_ARGS(SQ_TEXT(id), SQ_TEXT(instance_id)));
}

/* The limit a caller's size_t becomes in SQL (LIMIT takes a 64-bit integer). */
static int64_t sql_limit(size_t limit)
{
    return limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit;
}

int store_job_list(store_conn *c, const char *instance_id, const char *state, int64_t before_seq, size_t limit,
                   job_list *out)
{
    static const char any[] = "SELECT " JOB_COLS " FROM jobs WHERE instance_id = ? AND seq < ? "
                              "AND state <> 'RECEIVING' ORDER BY seq DESC LIMIT ?";
    static const char one[] = "SELECT " JOB_COLS " FROM jobs WHERE instance_id = ? AND seq < ? "
                              "AND state = ? AND state <> 'RECEIVING' ORDER BY seq DESC LIMIT ?";
    int64_t before = before_seq > 0 ? before_seq : INT64_MAX;
    void **arr = (void **)&out->items;
    if (!state)
        return sq_collect(c, any, arr, &out->n, sizeof *out->items, read_job,
                          SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(before), SQ_INT(sql_limit(limit))));
    return sq_collect(c, one, arr, &out->n, sizeof *out->items, read_job,
                      SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(before), SQ_TEXT(state), SQ_INT(sql_limit(limit))));
}

/* A job's key and state, as the item functions need them. */
typedef struct job_key {
    int64_t seq;
    char state[JOB_STATE_LEN];
} job_key;

static void read_key(sqlite3_stmt *st, void *out)
{
    job_key *k = out;
    k->seq = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 1, k->state, sizeof k->state);
}

/* The seq (the key of its items) and state of job id: STORE_OK, STORE_NOTFOUND, or a failure. */
static int find_job(store_conn *c, const char *id, job_key *out)
{
    static const char sql[] = "SELECT seq, state FROM jobs WHERE id = ?";
    memset(out, 0, sizeof *out);
    return sq_row(c, sql, read_key, out, SQ_ARGS(SQ_TEXT(id)));
}

/* The seq of job id: STORE_OK, STORE_NOTFOUND, or a failure. */
static int job_seq(store_conn *c, const char *id, int64_t *out)
{
    job_key k;
    int rc = find_job(c, id, &k);
    *out = k.seq;
    return rc;
}

/* Writes the first row of each login of the job jseq into job_logins, in one insert sorted by
 * login (the items are all there: the job is leaving RECEIVING). */
static int index_logins(store_conn *c, int64_t jseq)
{
    static const char sql[] = "INSERT OR IGNORE INTO job_logins(job_seq, login_key, seq, row) "
                              "SELECT job_seq, login_key, min(seq), row FROM job_items "
                              "WHERE job_seq = ? AND login_key IS NOT NULL GROUP BY login_key ORDER BY login_key";
    return sq_exec(c, sql, SQ_ARGS(SQ_INT(jseq)));
}

int store_job_set_state(store_conn *c, const char *id, const char *state, const char *failure_reason,
                        int64_t started_ms, int64_t finished_ms)
{
    static const char sql[] = "UPDATE jobs SET state = ?, failure_reason = coalesce(?, failure_reason), "
                              "started_ms = coalesce(nullif(?, 0), started_ms), "
                              "finished_ms = coalesce(nullif(?, 0), finished_ms) WHERE id = ?";
    job_key k;
    int rc = find_job(c, id, &k);
    if (rc != STORE_OK)
        return rc;
    rc = sq_exec_found(c, sql,
                       SQ_ARGS(SQ_TEXT(state), SQ_TEXT(failure_reason), SQ_INT(started_ms), SQ_INT(finished_ms),
                               SQ_TEXT(id)));
    /* A job that will run gets its logins' look-up as it leaves RECEIVING. */
    if (rc == STORE_OK && strcmp(k.state, "RECEIVING") == 0 && state &&
        (strcmp(state, "QUEUED") == 0 || strcmp(state, "RUNNING") == 0))
        rc = index_logins(c, k.seq);
    return rc;
}

int store_job_set_params(store_conn *c, const char *id, const char *params_json)
{
    static const char sql[] = "UPDATE jobs SET params_json = ? WHERE id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(params_json), SQ_TEXT(id)));
}

int store_job_request_cancel(store_conn *c, const char *id)
{
    static const char sql[] = "UPDATE jobs SET cancel_requested = 1 WHERE id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(id)));
}

int store_job_add_counts(store_conn *c, const char *id, const job_counts *d)
{
    static const char sql[] = "UPDATE jobs SET n_total = n_total + ?, n_succeeded = n_succeeded + ?, "
                              "n_failed = n_failed + ?, n_canceled = n_canceled + ?, n_created = n_created + ?, "
                              "n_updated = n_updated + ?, n_unchanged = n_unchanged + ?, "
                              "n_deleted = n_deleted + ? WHERE id = ?";
    return sq_exec_found(c, sql,
                         SQ_ARGS(SQ_INT(d->total), SQ_INT(d->succeeded), SQ_INT(d->failed), SQ_INT(d->canceled),
                                 SQ_INT(d->created), SQ_INT(d->updated), SQ_INT(d->unchanged), SQ_INT(d->deleted),
                                 SQ_TEXT(id)));
}

int store_job_runnable(store_conn *c, job_list *out)
{
    /* For each instance with a QUEUED or RUNNING job, the first of them (jobs_state serves both
     * the outer scan and the inner minimum). */
    static const char sql[] = "SELECT " JOB_COLS " FROM jobs AS j WHERE state IN ('QUEUED','RUNNING') "
                              "AND seq = (SELECT min(seq) FROM jobs WHERE state IN ('QUEUED','RUNNING') "
                              "AND instance_id = j.instance_id) ORDER BY seq";
    return sq_collect(c, sql, (void **)&out->items, &out->n, sizeof *out->items, read_job, SQ_NO_ARGS);
}

int store_job_banner(store_conn *c, const char *instance_id, int64_t finished_since_ms, size_t limit, job_list *out)
{
    static const char sql[] = "SELECT " JOB_COLS " FROM jobs WHERE instance_id = ? AND state <> 'RECEIVING' "
                              "AND dismissed_ms = 0 AND (finished_ms = 0 OR finished_ms >= ?) "
                              "ORDER BY seq DESC LIMIT ?";
    return sq_collect(c, sql, (void **)&out->items, &out->n, sizeof *out->items, read_job,
                      SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(finished_since_ms), SQ_INT(sql_limit(limit))));
}

int store_job_dismiss(store_conn *c, const char *id, int64_t at_ms)
{
    static const char sql[] = "UPDATE jobs SET dismissed_ms = ? WHERE id = ? AND dismissed_ms = 0";
    return sq_exec(c, sql, SQ_ARGS(SQ_INT(at_ms), SQ_TEXT(id)));
}

int store_job_delete(store_conn *c, const char *id)
{
    static const char sql[] = "DELETE FROM jobs WHERE id = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(id)));
}

/* A growing array of seqs (the jobs a purge deletes). */
typedef struct seqs {
    int64_t *v;
    size_t n, cap;
} seqs;

/* Appends column 0 of a row to the seqs out. */
static void read_seq(sqlite3_stmt *st, void *out)
{
    seqs *s = out;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = sqlite3_column_int64(st, 0);
}

int store_job_purge(store_conn *c, int64_t finished_before_ms, int64_t receiving_before_ms, size_t limit,
                    int64_t *n, int *more)
{
    /* At most PURGE_JOBS jobs a call: each deleted job costs at least one statement. */
    enum { PURGE_JOBS = 1000 };
    static const char candidates[] = "SELECT seq FROM jobs WHERE (state IN " FINISHED " AND finished_ms < ?) "
                                     "OR (state = 'RECEIVING' AND submitted_ms < ?) ORDER BY seq LIMIT ?";
    static const char del_logins[] = "DELETE FROM job_logins WHERE job_seq = ?1 AND login_key IN "
                                     "(SELECT login_key FROM job_logins WHERE job_seq = ?1 LIMIT ?2)";
    static const char del_items[] = "DELETE FROM job_items WHERE job_seq = ?1 AND seq IN "
                                    "(SELECT seq FROM job_items WHERE job_seq = ?1 ORDER BY seq LIMIT ?2)";
    static const char *const chunks[] = {del_logins, del_items};
    static const char del_job[] = "DELETE FROM jobs WHERE seq = ?";
    if (n)
        *n = 0;
    if (more)
        *more = 0;
    int64_t budget = limit ? sql_limit(limit) : STORE_PURGE_LIMIT;
    seqs jobs = {0};
    int rc = sq_rows(c, candidates, read_seq, &jobs,
                     SQ_ARGS(SQ_INT(finished_before_ms), SQ_INT(receiving_before_ms), SQ_INT(PURGE_JOBS + 1)));
    int stopped = jobs.n > PURGE_JOBS;
    for (size_t i = 0; rc == STORE_OK && i < jobs.n && i < PURGE_JOBS; i++) {
        /* Its logins, then its items, then the job, each within what the budget leaves. */
        for (size_t k = 0; rc == STORE_OK && k < 2 && budget > 0; k++) {
            rc = sq_exec(c, chunks[k], SQ_ARGS(SQ_INT(jobs.v[i]), SQ_INT(budget)));
            if (rc == STORE_OK)
                budget -= sqlite3_changes64(c->db);
        }
        if (rc != STORE_OK || budget <= 0) {
            stopped = 1; /* the job may have rows left: the next call goes on with it */
            break;
        }
        rc = sq_exec(c, del_job, SQ_ARGS(SQ_INT(jobs.v[i])));
        if (rc == STORE_OK && n)
            (*n)++;
    }
    free(jobs.v);
    if (rc == STORE_OK && more)
        *more = stopped;
    return rc;
}

/* ---- items ----------------------------------------------------------------------------------- */

/* A secret as a parameter: its bytes, or SQL NULL. */
static sq_arg secret_arg(const job_item_record *it)
{
    if (!it->secret)
        return (sq_arg){SQ_T_NULL, NULL, 0};
    return SQ_BLOB(it->secret, it->secret_len);
}

int store_job_items_insert(store_conn *c, const job_item_record *items, size_t n)
{
    static const char sql[] = "INSERT INTO job_items(job_seq, seq, row, state, action, user_id, username, "
                              "login_key, data_json, secret, errors_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /* The first row of a login, for an item added to a job past RECEIVING. */
    static const char login[] = "INSERT INTO job_logins(job_seq, login_key, seq, row) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT(job_seq, login_key) DO UPDATE SET seq = excluded.seq, "
                                "row = excluded.row WHERE excluded.seq < seq";
    job_key k = {0};
    const char *job = NULL; /* the job whose key k is */
    for (size_t i = 0; i < n; i++) {
        const job_item_record *it = &items[i];
        if (!job || strcmp(job, it->job_id) != 0) {
            int rc = find_job(c, it->job_id, &k);
            if (rc != STORE_OK)
                return rc == STORE_NOTFOUND ? STORE_FOREIGN : rc;
            job = it->job_id;
        }
        if (it->secret_len > SECRET_MAX)
            return STORE_ERROR;
        int rc = sq_exec(c, sql,
                         SQ_ARGS(SQ_INT(k.seq), SQ_INT(it->seq), SQ_INT(it->row),
                                 SQ_TEXT(it->state[0] ? it->state : "PENDING"), SQ_TEXT_OPT(it->action),
                                 SQ_TEXT_OPT(it->user_id), SQ_TEXT(it->username), SQ_TEXT(it->login_key),
                                 SQ_TEXT(it->data_json), secret_arg(it), SQ_TEXT(it->errors_json)));
        if (rc == STORE_OK && it->login_key && strcmp(k.state, "RECEIVING") != 0)
            rc = sq_exec(c, login, SQ_ARGS(SQ_INT(k.seq), SQ_TEXT(it->login_key), SQ_INT(it->seq), SQ_INT(it->row)));
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

#define ITEM_COLS "seq, row, state, action, user_id, username, login_key, data_json, errors_json"

/* Reads an ITEM_COLS row (and the secret, when there is a tenth column) into the zeroed
 * job_item_record out; job_id is the caller's to fill. */
static void read_item(sqlite3_stmt *st, void *out)
{
    job_item_record *it = out;
    it->seq = sqlite3_column_int64(st, 0);
    it->row = sqlite3_column_int64(st, 1);
    sq_col_copy(st, 2, it->state, sizeof it->state);
    sq_col_copy(st, 3, it->action, sizeof it->action);
    sq_col_copy(st, 4, it->user_id, sizeof it->user_id);
    it->username = sq_col_dup(st, 5);
    it->login_key = sq_col_dup(st, 6);
    it->data_json = sq_col_dup(st, 7);
    it->errors_json = sq_col_dup(st, 8);
    if (sqlite3_column_count(st) > 9 && sqlite3_column_type(st, 9) != SQLITE_NULL) {
        const void *b = sqlite3_column_blob(st, 9);
        size_t len = (size_t)sqlite3_column_bytes(st, 9);
        it->secret = xmalloc(len ? len : 1);
        if (len)
            memcpy(it->secret, b, len);
        it->secret_len = len;
    }
}

/* Sets the job's id and seq in every item of out (the rows do not carry the id). */
static void name_items(job_item_list *out, const char *job_id, int64_t jseq)
{
    for (size_t i = 0; i < out->n; i++) {
        snprintf(out->items[i].job_id, sizeof out->items[i].job_id, "%s", job_id);
        out->items[i].job_seq = jseq;
    }
}

int store_job_items_pending(store_conn *c, const char *job_id, int64_t after_seq, size_t limit,
                            job_item_list *out)
{
    /* INDEXED BY: the (job_seq, seq) primary key would walk every finished item first. */
    static const char sql[] = "SELECT " ITEM_COLS ", secret FROM job_items INDEXED BY job_items_unsettled "
                              "WHERE job_seq = ? AND state = 'PENDING' AND " UNSETTLED " AND seq > ? "
                              "ORDER BY seq LIMIT ?";
    out->items = NULL;
    out->n = 0;
    int64_t jseq;
    int rc = job_seq(c, job_id, &jseq);
    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? STORE_OK : rc;
    rc = sq_collect(c, sql, (void **)&out->items, &out->n, sizeof *out->items, read_item,
                    SQ_ARGS(SQ_INT(jseq), SQ_INT(after_seq), SQ_INT(sql_limit(limit))));
    name_items(out, job_id, jseq);
    return rc;
}

int store_job_items_page(store_conn *c, const char *job_id, const char *state, int64_t after_seq, size_t limit,
                         job_item_list *out)
{
    static const char any[] = "SELECT " ITEM_COLS " FROM job_items WHERE job_seq = ? AND seq > ? "
                              "ORDER BY seq LIMIT ?";
    static const char one[] = "SELECT " ITEM_COLS " FROM job_items INDEXED BY job_items_unsettled "
                              "WHERE job_seq = ? AND state = ? AND " UNSETTLED " AND seq > ? ORDER BY seq LIMIT ?";
    /* SUCCEEDED items are not in that index: the primary key walks the job's items from
     * after_seq, nearly all of them SUCCEEDED when there are many */
    static const char succeeded[] = "SELECT " ITEM_COLS " FROM job_items WHERE job_seq = ? AND state = ? "
                                    "AND seq > ? ORDER BY seq LIMIT ?";
    out->items = NULL;
    out->n = 0;
    int64_t jseq;
    int rc = job_seq(c, job_id, &jseq);
    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? STORE_OK : rc;
    void **arr = (void **)&out->items;
    if (state)
        rc = sq_collect(c, strcmp(state, "SUCCEEDED") == 0 ? succeeded : one, arr, &out->n, sizeof *out->items,
                        read_item,
                        SQ_ARGS(SQ_INT(jseq), SQ_TEXT(state), SQ_INT(after_seq), SQ_INT(sql_limit(limit))));
    else
        rc = sq_collect(c, any, arr, &out->n, sizeof *out->items, read_item,
                        SQ_ARGS(SQ_INT(jseq), SQ_INT(after_seq), SQ_INT(sql_limit(limit))));
    name_items(out, job_id, jseq);
    return rc;
}

int store_job_item_finish(store_conn *c, const job_item_record *it)
{
    static const char sql[] = "UPDATE job_items SET state = ?, action = ?, user_id = ?, username = ?, "
                              "errors_json = ?, secret = ? WHERE job_seq = ? AND seq = ? AND state = 'PENDING'";
    if (it->secret_len > SECRET_MAX)
        return STORE_ERROR;
    int64_t jseq = it->job_seq;
    int rc = jseq > 0 ? STORE_OK : job_seq(c, it->job_id, &jseq);
    if (rc != STORE_OK)
        return rc;
    return sq_exec_found(c, sql,
                         SQ_ARGS(SQ_TEXT(it->state), SQ_TEXT_OPT(it->action), SQ_TEXT_OPT(it->user_id),
                                 SQ_TEXT(it->username), SQ_TEXT(it->errors_json), secret_arg(it), SQ_INT(jseq),
                                 SQ_INT(it->seq)));
}

/* Cancels the PENDING items of job_id, at most limit of them (0: all), and counts them in the
 * job's canceled count; how many into *n (may be NULL). */
static int cancel_pending(store_conn *c, const char *job_id, size_t limit, int64_t *n)
{
    static const char all[] = "UPDATE job_items INDEXED BY job_items_unsettled SET state = 'CANCELED', secret = NULL "
                              "WHERE job_seq = ? AND state = 'PENDING' AND " UNSETTLED;
    static const char some[] = "UPDATE job_items SET state = 'CANCELED', secret = NULL "
                               "WHERE job_seq = ?1 AND state = 'PENDING' AND seq IN (SELECT seq FROM job_items "
                               "INDEXED BY job_items_unsettled WHERE job_seq = ?1 AND state = 'PENDING' AND " UNSETTLED " "
                               "ORDER BY seq LIMIT ?2)";
    static const char count[] = "UPDATE jobs SET n_canceled = n_canceled + ? WHERE seq = ?";
    if (n)
        *n = 0;
    int64_t jseq;
    int rc = job_seq(c, job_id, &jseq);
    if (rc != STORE_OK)
        return rc;
    if (limit)
        rc = sq_exec(c, some, SQ_ARGS(SQ_INT(jseq), SQ_INT(sql_limit(limit))));
    else
        rc = sq_exec(c, all, SQ_ARGS(SQ_INT(jseq)));
    if (rc != STORE_OK)
        return rc;
    int64_t canceled = sqlite3_changes64(c->db);
    if (n)
        *n = canceled;
    return canceled ? sq_exec(c, count, SQ_ARGS(SQ_INT(canceled), SQ_INT(jseq))) : STORE_OK;
}

int store_job_cancel_pending(store_conn *c, const char *job_id, int64_t *n)
{
    return cancel_pending(c, job_id, 0, n);
}

int store_job_cancel_some(store_conn *c, const char *job_id, size_t limit, int64_t *n)
{
    if (n)
        *n = 0;
    return limit ? cancel_pending(c, job_id, limit, n) : STORE_ERROR;
}

int store_job_clear_secrets(store_conn *c, const char *job_id)
{
    static const char sql[] = "UPDATE job_items INDEXED BY job_items_secret SET secret = NULL "
                              "WHERE job_seq = ? AND secret IS NOT NULL AND state <> 'FAILED'";
    int64_t jseq;
    int rc = job_seq(c, job_id, &jseq);
    return rc == STORE_OK ? sq_exec(c, sql, SQ_ARGS(SQ_INT(jseq))) : rc;
}

int store_job_logins_count(store_conn *c, const char *job_id, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM job_logins WHERE job_seq = ?";
    *n = 0;
    int64_t jseq;
    int rc = job_seq(c, job_id, &jseq);
    return rc == STORE_OK ? sq_row(c, sql, sq_read_int64, n, SQ_ARGS(SQ_INT(jseq))) : rc;
}

int store_job_login_first(store_conn *c, const char *job_id, const char *login_key, int64_t before_seq,
                          int64_t *row_out)
{
    /* The job's state, and the first row of the login when it comes before before_seq (the
     * first item with it is the answer, or none is). */
    static const char sql[] = "SELECT j.state, l.row FROM jobs AS j LEFT JOIN job_logins AS l "
                              "ON l.job_seq = j.seq AND l.login_key = ? AND l.seq < ? WHERE j.id = ?";
    *row_out = 0;
    sqlite3_stmt *st = sq_prepare(c, sql, SQ_ARGS(SQ_TEXT(login_key), SQ_INT(before_seq), SQ_TEXT(job_id)));
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st), out;
    if (rc == SQLITE_ROW) {
        const unsigned char *state = sqlite3_column_text(st, 0);
        if (state && strcmp((const char *)state, "RECEIVING") == 0)
            out = STORE_ERROR; /* its logins are looked up once it has all its items */
        else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            out = STORE_NOTFOUND;
        else {
            *row_out = sqlite3_column_int64(st, 1);
            out = STORE_OK;
        }
    } else
        out = rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    sqlite3_reset(st);
    return out;
}

int store_job_items_copy_failed(store_conn *c, const char *from_job, const char *to_job, int64_t *n)
{
    /* The failed items in their order, renumbered from 0: seq of the copy = how many failed
     * items come before it (the (job_seq, state, seq) index answers that count). */
    static const char sql[] =
        "INSERT INTO job_items(job_seq, seq, row, state, action, user_id, username, login_key, data_json, "
        "secret, errors_json) "
        "SELECT ?, (SELECT count(*) FROM job_items b INDEXED BY job_items_unsettled WHERE b.job_seq = a.job_seq "
        "AND b.state = 'FAILED' AND b." UNSETTLED " AND b.seq < a.seq), a.row, 'PENDING', NULL, "
        /* an import's row finds its user again; a batch's item names its user */
        "CASE WHEN (SELECT kind FROM jobs WHERE seq = a.job_seq) = 'IMPORT' THEN NULL ELSE a.user_id END, a.username, "
        "a.login_key, a.data_json, a.secret, NULL "
        "FROM job_items a INDEXED BY job_items_unsettled WHERE a.job_seq = ? AND a.state = 'FAILED' AND a." UNSETTLED " "
        "ORDER BY a.seq";
    static const char count_sql[] = "SELECT count(*) FROM job_items WHERE job_seq = ?";
    int64_t from_seq = 0;
    job_key to;
    if (n)
        *n = 0;
    int rc = job_seq(c, from_job, &from_seq);
    if (rc == STORE_OK)
        rc = find_job(c, to_job, &to);
    if (rc == STORE_OK)
        rc = sq_exec(c, sql, SQ_ARGS(SQ_INT(to.seq), SQ_INT(from_seq)));
    /* A job past RECEIVING gets its logins looked up now (else as it leaves RECEIVING). */
    if (rc == STORE_OK && strcmp(to.state, "RECEIVING") != 0)
        rc = index_logins(c, to.seq);
    if (rc == STORE_OK && n)
        rc = sq_row(c, count_sql, sq_read_int64, n, SQ_ARGS(SQ_INT(to.seq)));
    return rc;
}
