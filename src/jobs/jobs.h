/* jobs.h — durable jobs as the doors see them: submitting a CSV import (streamed), reading jobs
 * and their items, cancel and retry, and the CSV documents (template, failure report, export).
 * The worker threads that run jobs are in runner.h.
 *
 * Every function checks its core action (core/authorize.h) with cx->who first: reading needs
 * Users.View (CORE_JOBS_VIEW, CORE_USERS_EXPORT); submitting, cancelling and retrying an
 * import needs Users.Create (CREATE mode) or Users.Edit (UPSERT), a batch (bulk.h) Users.Edit
 * (BULK_EDIT, USER_EDITS) or Users.Delete (BULK_DELETE). instance_ref is an instance id
 * or alias. Each returns 0, or -1 with *e set: ERR_ACCESS_DENIED, ERR_NOT_FOUND (instance,
 * job), ERR_INVALID_PARAMETER (an argument, named), ERR_INVALID_REQUEST (cancel of a finished
 * job; retry of a job with no failed item), ERR_UNAVAILABLE / ERR_INTERNAL (store).
 */
#ifndef ROSTER_JOBS_JOBS_H
#define ROSTER_JOBS_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "auth/keys.h"
#include "core/context.h"
#include "core/error.h"
#include "store/store.h"
#include "util/buf.h"

/* ---- reading, cancel, retry ------------------------------------------------------------------ */

/* The job (out is the caller's to clear). */
int jobs_get(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e);

/* A page of the instance's jobs, newest first; state NULL or one of QUEUED, RUNNING, COMPLETED,
 * CANCELED, FAILED; token NULL/"" for the first page; limit 1..100. *next is a malloc'd token or
 * NULL on the last page. */
int jobs_list(core_ctx *cx, const char *instance_ref, const char *state, const char *token, size_t limit,
              job_list *out, char **next, rerr *e);

/* A page of a job's items in row order; state NULL or PENDING, SUCCEEDED, FAILED, CANCELED;
 * limit 1..1000. Secrets are never read. */
int jobs_items(core_ctx *cx, const char *instance_ref, const char *job_id, const char *state, const char *token,
               size_t limit, job_item_list *out, char **next, rerr *e);

/* Asks the runner to stop the job: items not yet taken become CANCELED within a second.
 * ERR_INVALID_REQUEST when the job has finished. *out: the job after the request. */
int jobs_cancel(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e);

/* Makes a new QUEUED job of exactly the failed items of job_id (same kind, mode and options;
 * an import's rows as uploaded, their sealed passwords included). ERR_INVALID_REQUEST when the
 * job has not finished or has no failed item. *out: the new job. The caller wakes the runner. */
int jobs_retry(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e);

/* Turns the job's PENDING rows into CANCELED in bounded steps, a write transaction each (the
 * job's state is the caller's to set). Returns 0 or -1 with *e. */
int jobs_cancel_rows(core_ctx *cx, const char *job_id, rerr *e);
/* Ends a job (for the cancel and the runner): its pending rows CANCELED in bounded steps, then
 * in one transaction the job in state (COMPLETED, CANCELED, FAILED with reason) and finished now,
 * and the secrets no retry can use dropped. Returns 0 or -1 with *e. */
int jobs_end(core_ctx *cx, const char *job_id, const char *state, const char *reason, rerr *e);

/* ---- the console's banner -------------------------------------------------------------------- */

/* How long a finished job stays on the banner unless its submitter dismisses it: 7 days. */
#define JOBS_BANNER_KEEP_MS (7LL * 24 * 3600 * 1000)

/* The instance's jobs the banner shows, newest first, at most limit (1..100): not dismissed, and
 * unfinished or finished less than JOBS_BANNER_KEEP_MS before cx->now_ms (Users.View). */
int jobs_banner(core_ctx *cx, const char *instance_ref, size_t limit, job_list *out, rerr *e);

/* 1 if who (NULL: the command line) submitted j: the same user (whatever door or key they used),
 * else the same account key, or the command line. */
int jobs_can_dismiss(const principal *who, const job_record *j);

/* Takes a finished job off the banner (it stays in ListJobs): its submitter only
 * (ERR_ACCESS_DENIED for anyone else), ERR_INVALID_REQUEST before it has finished. *out: the job
 * after it (the caller clears it, also on failure). Dismissing twice keeps the first time. */
int jobs_dismiss(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e);

/* The pending count of a job (total minus the finished). */
int64_t jobs_pending(const job_record *j);
/* Rows a second over the job's run so far (0 before it starts). now_ms for a running job. */
double jobs_rate(const job_record *j, int64_t now_ms);

/* ---- CSV documents ----------------------------------------------------------------------------- */

/* A document produced piece by piece while it is sent: read() writes up to max bytes into out
 * and returns how many (> 0), 0 at the end, -1 on failure; free() releases it. It holds its own
 * store connection (taken from st), so it outlives the request's. */
typedef struct jobs_stream {
    long (*read)(void *cls, char *out, size_t max);
    void (*free)(void *cls);
    void *cls;
} jobs_stream;

/* The instance's CSV template into out (header row; with example, one row that imports cleanly
 * into a new instance), and a file name for it (malloc'd, caller frees) into *filename. */
int jobs_template(core_ctx *cx, const char *instance_ref, int example, buf *out, char **filename, rerr *e);

/* The failure report of a job: its failed rows as uploaded (password cells empty) plus the
 * columns row and error. The stream is the caller's to free. */
int jobs_report_open(core_ctx *cx, store *st, const char *instance_ref, const char *job_id, jobs_stream *out,
                     char **filename, rerr *e);

/* Which users an export writes; NULL members do not filter. */
typedef struct export_filter {
    const char *username_prefix;
    const char *routing_profile_id;
    const char *security_profile_id;
    const char *hierarchy_group_id; /* the group and every group below it */
} export_filter;

/* Every matching user of the instance in the template's format (the instance's full header,
 * passwords empty, cells escaped for spreadsheets). */
int export_open(core_ctx *cx, store *st, const char *instance_ref, const export_filter *f, jobs_stream *out,
                char **filename, rerr *e);

/* ---- submitting an import ---------------------------------------------------------------------- */

typedef struct import_request {
    const char *mode;      /* "CREATE" (NULL: CREATE) or "UPSERT" */
    int dry_run;
    int atomic;
    const char *file_name; /* NULL or the client's name for the file (at most 255 bytes) */
} import_request;

typedef struct import_limits {
    size_t max_rows;       /* rows past the header (0: IMPORT_MAX_ROWS) */
} import_limits;
#define IMPORT_MAX_ROWS 1000000

typedef struct import_upload import_upload;

/* Begins an import into instance_ref for cx->who (Users.Create or Users.Edit by mode, checked
 * here, so a refused client gets its 403 before the body is read). The upload holds its own store
 * connection from st and stores rows as they arrive in a job that stays RECEIVING (never listed
 * or run) until import_upload_finish. Passwords are sealed with kr. Returns NULL with *e set.
 * cx->conn is used only during this call. */
import_upload *import_upload_begin(core_ctx *cx, store *st, const keyring *kr, const char *instance_ref,
                                   const import_request *q, const import_limits *lim, rerr *e);

/* Takes the next n bytes of the file. Returns 0, or -1 once the upload cannot go on (too many
 * rows, the store failed): the error is kept for import_upload_finish and later bytes are
 * ignored. */
int import_upload_feed(import_upload *u, const char *data, size_t n);

/* Ends the file: the job becomes QUEUED, or FAILED with its reason (an unreadable file, an
 * unknown header or missing column) and is copied into *out (caller clears). Returns -1 with
 * *e set when the upload failed as a whole (then no job remains): ERR_INVALID_REQUEST (more rows
 * than allowed), ERR_UNAVAILABLE / ERR_INTERNAL. The caller then wakes the runner and frees u. */
int import_upload_finish(import_upload *u, job_record *out, rerr *e);

/* Frees u; a job not finished (the client went away, the body's signature did not match) is
 * deleted with its items. NULL is a no-op. */
void import_upload_free(import_upload *u);

#endif
