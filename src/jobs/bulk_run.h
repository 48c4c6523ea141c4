/* bulk_run.h — running a batch's items: BULK_EDIT, BULK_DELETE and USER_EDITS jobs (the runner
 * calls it; see runner.h and bulk.h).
 *
 * Items are taken in seq order a page at a time and applied in batches (core_write_batch: one
 * write transaction of up to a page or a second, giving way to a waiting write after 50 ms),
 * each through the core functions only (users_get, users_update_tx, users_delete_tx: every rule,
 * permission and audit event of the Connect API), its outcome and the job's counters recorded in
 * the same transaction. A cancel and the runner's stop are honoured after each batch.
 *
 * An item fails with its reason in words (the Message of its one error; Column names the
 * member): the user or a profile or group of the change deleted before the change was applied,
 * the user managed by the identity provider, a security profile set left empty or over ten, a
 * desk phone without a number, AccessDenied naming the permission missing.
 */
#ifndef ROSTER_JOBS_BULK_RUN_H
#define ROSTER_JOBS_BULK_RUN_H

#include "jobs/import_run.h"

/* Runs job (QUEUED or RUNNING, of a bulk kind) until it is COMPLETED, CANCELED or FAILED, or the
 * runner stops. Returns 0, or -1 when the store failed (the job stays as it was: run it again
 * later). */
int bulk_run(const job_env *env, core_ctx *cx, job_record *job);

/* 1 for the kinds bulk_run runs. */
int bulk_kind(const char *kind);

#endif
