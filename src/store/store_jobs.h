/* store_jobs.h — durable jobs in the store: a job row plus one item per input row (part of
 * store.h; see its contract). Include store/store.h, never this file alone.
 *
 * A job belongs to one instance. Its items are numbered by seq (0, 1, …, in input order) and
 * carry the row number they report. Workers take PENDING items in seq order and finish each one
 * (store_job_item_finish) inside the same write transaction that applied it, together with the
 * job's counters (store_job_add_counts): a crash at any instant leaves every item either
 * applied and finished, or untouched and PENDING. Item states: PENDING, SUCCEEDED, FAILED,
 * CANCELED. Job states: RECEIVING (an upload still arriving: never listed, never run), QUEUED,
 * RUNNING, COMPLETED, CANCELED, FAILED.
 *
 * Deleting an instance deletes its jobs and their items (ON DELETE CASCADE).
 */
#ifndef ROSTER_STORE_STORE_JOBS_H
#define ROSTER_STORE_STORE_JOBS_H

#define JOB_STATE_LEN 12
#define JOB_KIND_LEN 16

/* What a job has done so far; pending = total - succeeded - failed - canceled. created,
 * updated, unchanged and deleted break succeeded down (an item counts in one of them). */
typedef struct job_counts {
    int64_t total, succeeded, failed, canceled;
    int64_t created, updated, unchanged, deleted;
} job_counts;

typedef struct job_record {
    char id[ID_LEN];             /* a UUID v7 */
    int64_t seq;                 /* submission order in the store; set by store_job_insert */
    char instance_id[ID_LEN];
    char kind[JOB_KIND_LEN];     /* "IMPORT", "BULK_EDIT", "BULK_DELETE", "USER_EDITS" */
    char state[JOB_STATE_LEN];
    char *failure_reason;        /* NULL unless FAILED */
    char mode[12];               /* IMPORT: "CREATE" or "UPSERT"; else "" */
    int dry_run;
    int atomic;
    char *file_name;             /* as the client named it, or NULL */
    char *params_json;           /* kind-specific JSON object (IMPORT: the header as uploaded), or NULL */
    char *retry_of;              /* the job whose failed items this one retries, or NULL */
    job_counts counts;
    int64_t submitted_ms, started_ms, finished_ms; /* 0: not yet */
    int cancel_requested;
    /* who submitted it; the job acts for them (PRINCIPAL_JOB) */
    char submitter_kind[16];     /* "CLI", "ACCOUNT_KEY", "USER_KEY", "CONSOLE_SESSION", … */
    char submitter_key_id[24];   /* the access key id, or "" */
    char submitter_user_id[ID_LEN]; /* the user it acted as, or "" */
    char *submitted_by;          /* for people: the username, else the key id, or "cli" */
    int64_t dismissed_ms;        /* when its submitter dismissed it from the console's banner; 0: not */
} job_record;

/* Frees j's strings and zeroes it; NULL is a no-op. */
void job_clear(job_record *j);

typedef struct job_list {
    job_record *items;
    size_t n;
} job_list;
/* Clears every job, frees the array and zeroes l; NULL is a no-op. */
void job_list_clear(job_list *l);

typedef struct job_item_record {
    char job_id[ID_LEN];
    int64_t job_seq;             /* the job's seq, set on items read from the store; 0: unknown */
    int64_t seq;                 /* 0.. in input order; items are taken in this order */
    int64_t row;                 /* the row number it reports (IMPORT: 1 = the first record after the header) */
    char state[JOB_STATE_LEN];   /* PENDING, SUCCEEDED, FAILED, CANCELED */
    char action[12];             /* "", CREATED, UPDATED, UNCHANGED, DELETED */
    char user_id[ID_LEN];        /* the user it touched, or "" */
    char *username;              /* the login it names, or NULL */
    char *login_key;             /* the login folded (ASCII case), for duplicates in one job; or NULL */
    char *data_json;             /* kind-specific (IMPORT: the row's cells as uploaded, a JSON array of
                                  * strings, the password cell ""), or NULL */
    unsigned char *secret;       /* a sealed secret (IMPORT: the row's password), or NULL */
    size_t secret_len;
    char *errors_json;           /* JSON array of {"Column","Value","Message"}, or NULL */
} job_item_record;

/* Frees its strings (the secret wiped first) and zeroes it; NULL is a no-op. */
void job_item_clear(job_item_record *it);

typedef struct job_item_list {
    job_item_record *items;
    size_t n;
} job_item_list;
/* Clears every item (secrets wiped), frees the array and zeroes l; NULL is a no-op. */
void job_item_list_clear(job_item_list *l);

/* Inserts j (its counts as given, usually zero) and writes the seq it got into j->seq. */
int store_job_insert(store_conn *c, job_record *j);
/* The job id of instance_id, whatever its state (STORE_NOTFOUND when absent or in another
 * instance). */
int store_job_get(store_conn *c, const char *instance_id, const char *id, job_record *out);
/* Jobs of an instance, newest first (by seq), not RECEIVING ones; state NULL: any state, else
 * only that one; before_seq 0: from the newest, else only seq < before_seq; at most limit. */
int store_job_list(store_conn *c, const char *instance_id, const char *state, int64_t before_seq, size_t limit,
                   job_list *out);
/* The console banner's jobs of an instance, newest first (by seq), at most limit: not RECEIVING,
 * not dismissed, and unfinished or finished at or after finished_since_ms. */
int store_job_banner(store_conn *c, const char *instance_id, int64_t finished_since_ms, size_t limit, job_list *out);
/* Marks job id dismissed at at_ms (a job already dismissed keeps its first time). */
int store_job_dismiss(store_conn *c, const char *id, int64_t at_ms);
/* Sets the state, and failure_reason (NULL keeps it), started_ms / finished_ms (0 keeps them).
 * A job going from RECEIVING to QUEUED or RUNNING gets the look-up of store_job_login_first
 * built here, from all its items at once (about a second per 1,000,000 items). */
int store_job_set_state(store_conn *c, const char *id, const char *state, const char *failure_reason,
                        int64_t started_ms, int64_t finished_ms);
/* Sets params_json (the header is known only once the upload has begun). */
int store_job_set_params(store_conn *c, const char *id, const char *params_json);
/* Marks the job's cancel request. STORE_NOTFOUND when there is no such job. */
int store_job_request_cancel(store_conn *c, const char *id);
/* Adds d to the job's counters (every member, total included). */
int store_job_add_counts(store_conn *c, const char *id, const job_counts *d);
/* The jobs a worker may run: for each instance, its oldest (by seq) job that is QUEUED or
 * RUNNING, at most one per instance, oldest first. */
int store_job_runnable(store_conn *c, job_list *out);
/* Deletes a job and its items (an upload that never completed) in one statement: its cost
 * grows with the items (about a second per 500,000); STORE_NOTFOUND when there is no such job. */
int store_job_delete(store_conn *c, const char *id);
/* The jobs purge deletes: those of any instance that finished (COMPLETED, CANCELED, FAILED)
 * before finished_before_ms, with their items; and RECEIVING jobs submitted before
 * receiving_before_ms (abandoned uploads, e.g. of a server killed mid-upload). One call deletes
 * at most limit rows of items and their logins (0: STORE_PURGE_LIMIT), oldest job first, and
 * each such job once none of them remain, so that it holds the writer briefly; a job being
 * purged may be seen with part of its items meanwhile. Writes how many jobs it deleted into *n and whether it stopped
 * at the limit (call it again, in a transaction of its own) into *more (either may be NULL). */
enum { STORE_PURGE_LIMIT = 5000 };
int store_job_purge(store_conn *c, int64_t finished_before_ms, int64_t receiving_before_ms, size_t limit,
                    int64_t *n, int *more);

/* Inserts items (their job_id, seq, row, state ("" is PENDING), …). Does not touch the
 * counters. STORE_FOREIGN when the job does not exist, STORE_UNIQUE when a (job, seq) is taken. */
int store_job_items_insert(store_conn *c, const job_item_record *items, size_t n);
/* Up to limit PENDING items of job_id with seq > after_seq (-1: from the first), in seq order,
 * secret included (none when there is no such job). */
int store_job_items_pending(store_conn *c, const char *job_id, int64_t after_seq, size_t limit,
                            job_item_list *out);
/* Items of job_id in seq order with seq > after_seq, at most limit; state NULL: any, else only
 * that state (none when there is no such job). The secret is not read (secret NULL). */
int store_job_items_page(store_conn *c, const char *job_id, const char *state, int64_t after_seq, size_t limit,
                         job_item_list *out);
/* Records an item's outcome: state, action, user_id, username, errors_json and secret (NULL
 * clears it) of (it->job_seq, or when 0 it->job_id, it->seq), only when that item is still PENDING — the guard that
 * makes an item finish at most once: STORE_NOTFOUND when it is not (already finished or
 * canceled). */
int store_job_item_finish(store_conn *c, const job_item_record *it);
/* Turns every PENDING item of the job into CANCELED (clearing its secret: it will never be
 * used) and adds them to its canceled count; writes how many into *n (may be NULL).
 * STORE_NOTFOUND when there is no such job. Its cost grows with the items it cancels (measured:
 * 900,000 in one transaction held the writer for many seconds): for a large job, first cancel
 * in bounded steps with store_job_cancel_some. */
int store_job_cancel_pending(store_conn *c, const char *job_id, int64_t *n);
/* The same for at most limit (> 0) of the job's PENDING items, lowest seq first: call it in
 * write transactions of their own until it cancels fewer than limit (*n < limit), then end the
 * job (store_job_cancel_pending finds none left, or those the runner left since). */
int store_job_cancel_some(store_conn *c, const char *job_id, size_t limit, int64_t *n);
/* Clears the secret of every item of the job that is not FAILED (a finished job keeps only the
 * secrets that a retry may use). */
int store_job_clear_secrets(store_conn *c, const char *job_id);
/* The row of the first item (smallest seq; rows follow seq) of job_id whose login_key equals
 * login_key and whose seq is below before_seq (STORE_NOTFOUND when there is none, or no such
 * job): a login repeated within one file. One look-up, however often the login repeats. Only
 * for a job past RECEIVING (its look-up is built as it leaves RECEIVING): STORE_ERROR for a
 * RECEIVING one. */
int store_job_login_first(store_conn *c, const char *job_id, const char *login_key, int64_t before_seq,
                          int64_t *row_out);
/* How many distinct logins the items of job_id name, into *n (0 for a RECEIVING job or none).
 * As many as the job has items: no item repeats the login of another. */
int store_job_logins_count(store_conn *c, const char *job_id, int64_t *n);
/* Copies the FAILED items of from_job into to_job as PENDING items (same rows, cells, logins
 * and sealed secrets, and for a batch its user id; no outcome), numbered from 0 in their order; writes how many into *n (may
 * be NULL). Does not touch the counters. (A retry.) */
int store_job_items_copy_failed(store_conn *c, const char *from_job, const char *to_job, int64_t *n);

#endif
