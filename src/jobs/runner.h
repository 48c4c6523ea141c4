/* runner.h — the worker threads of `roster serve` that run durable jobs.
 *
 * Jobs of one instance run one at a time in submission order; jobs of different instances run in
 * parallel (one worker per instance at a time, at most `workers` at once). A worker takes a job's
 * PENDING items in order in batches, each batch one write transaction that applies its items
 * and records their outcomes, so a server killed at any instant finishes the job after a restart
 * with every item applied exactly once. The runner also purges finished jobs past retention.
 */
#ifndef ROSTER_JOBS_RUNNER_H
#define ROSTER_JOBS_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "auth/keys.h"
#include "core/context.h"
#include "store/store.h"

typedef struct jobs_runner jobs_runner;

typedef struct jobs_config {
    size_t workers;          /* jobs run at once, of different instances (0: 4) */
    int64_t retention_ms;    /* finished jobs are purged this long after they finish (0: 30 days) */
    int64_t poll_ms;         /* how often idle workers look for work without a wake (0: 1000) */
} jobs_config;

/* Starts the workers; they run until jobs_runner_stop. Returns NULL with a message in err. */
jobs_runner *jobs_runner_start(store *st, const keyring *kr, const settings *cfg, const jobs_config *jc, char *err,
                               size_t errlen);
/* Tells the workers that a job was queued or cancelled (they also look every poll_ms). NULL is a no-op. */
void jobs_runner_wake(jobs_runner *r);
/* Stops the workers (a batch in progress commits or rolls back first) and frees r. NULL is a no-op. */
void jobs_runner_stop(jobs_runner *r);

#endif
