/* job_follow.h — following a job of the running server to its end, shared by `roster import`,
 * `roster bulk-edit` and `roster bulk-delete`: a progress bar on a terminal while it runs, then
 * the summary (state, counts, the first errors), the failure report with --report, and the exit
 * status (0 every item succeeded; 1 an item failed, the job failed or was canceled, or the
 * server could not be asked). Ctrl-C stops the waiting, not the job. */
#ifndef ROSTER_CLI_JOB_FOLLOW_H
#define ROSTER_CLI_JOB_FOLLOW_H

#include <jansson.h>

#include "cli/client.h"

typedef struct jf_opts {
    const char *what;            /* the job in messages: "import", "bulk edit", "bulk delete" */
    const char *unit;            /* what an item is called: "rows", "users" */
    const char *report;          /* --report PATH, or NULL */
} jf_opts;

/* Follows the job (the "Job" object of the submission's answer; *job is replaced by each later
 * state and stays the caller's to json_decref) of instance inst until it finishes, then prints
 * the summary and writes the report. The caller has installed client_catch_sigint. Returns an
 * exit status (EXIT_FAIL after printing, also when interrupted). */
int jf_follow(const client *c, const char *inst, json_t **job, const jf_opts *o);

#endif
