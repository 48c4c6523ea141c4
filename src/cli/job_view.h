/* job_view.h — reading and showing a job of the running server, shared by `roster import` and
 * `roster jobs`: fetch a job, its state and counts, the human lines of a job, the first failed
 * rows with their errors. A job is the JSON object of the server's {"Job": …} (roster/v1). */
#ifndef ROSTER_CLI_JOB_VIEW_H
#define ROSTER_CLI_JOB_VIEW_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/client.h"

/* GET /roster/v1/instances/{inst}/jobs/{job_id}: *job is the "Job" object (caller json_decref's).
 * Returns EXIT_OK or EXIT_FAIL after printing; *interrupted as client_json's. */
int jv_fetch(const client *c, const char *inst, const char *job_id, json_t **job, int *interrupted);

/* The job's State ("" when absent; points into job). */
const char *jv_state(const json_t *job);
/* 1 when the state is COMPLETED, CANCELED or FAILED. */
int jv_finished(const json_t *job);
/* Counts.name as an integer (0 when absent). */
int64_t jv_count(const json_t *job, const char *name);

/* "created 8, updated 0, unchanged 0, failed 2, canceled 0" (a dry run: "would create 8, …");
 * a bulk edit "updated 8, unchanged 0, deleted 0, failed 2, canceled 0"; a bulk delete
 * "deleted 8, failed 2, canceled 0". */
void jv_print_counts(FILE *out, const json_t *job);
/* Every member of the job on its own labelled line (for `roster jobs show`). */
void jv_print_job(FILE *out, const json_t *job);
/* The first max failed rows (GET …/items?State=FAILED), one line per error: row (a batch's
 * item: user login and id), column, value, message; then "… and N more" when the job has more. Returns EXIT_OK or EXIT_FAIL after printing. */
int jv_print_errors(const client *c, const char *inst, const json_t *job, size_t max, FILE *out);

/* Writes the JSON value to stdout, indented by two spaces, and a newline. */
void jv_print_json(const json_t *v);

#endif
