/* import_run.h — running an IMPORT job's items (the runner calls it; see runner.h).
 *
 * Items are taken in row order, a page at a time. For each page, outside any transaction, the
 * passwords are opened and hashed in parallel on every core; then the page is applied in batches
 * (core_write_batch: one write transaction per batch, each row under its own savepoint), each row's
 * outcome and the job's counters recorded in the same transaction. Between batches the job's
 * cancel request and the runner's stop are honoured.
 *
 * Atomic jobs: a first pass checks every pending row as a dry run would and records only the
 * failures; when any row fails the job is FAILED and the others are CANCELED; otherwise a second
 * pass applies every row in one transaction (passwords hashed before it opens) and abandons it
 * whole if a row fails there (a change that came between the passes), then checks again.
 */
#ifndef ROSTER_JOBS_IMPORT_RUN_H
#define ROSTER_JOBS_IMPORT_RUN_H

#include "auth/keys.h"
#include "core/context.h"
#include "store/store.h"

typedef struct job_env {
    store *st;                     /* the store, for a second connection that reads ahead (or NULL) */
    const keyring *kr;
    const settings *cfg;
    const volatile int *stopping;  /* set when the server stops: leave the job RUNNING, resume later */
} job_env;

/* The associated data of a job item's sealed password (the instance id: a retry copies it). */
#define JOB_SECRET_AD(instance_id) (instance_id)

/* Runs job (QUEUED or RUNNING) with cx (its principal is the submitter's, its connection the
 * worker's) until it is COMPLETED, CANCELED or FAILED, or the runner stops. Returns 0, or -1
 * when the store failed (the job stays as it was: run it again later). */
int import_run(const job_env *env, core_ctx *cx, job_record *job);

#endif
