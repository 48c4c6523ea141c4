/* job_follow.c — following a job to its end: progress bar, summary, report (job_follow.h). */
#include "cli/job_follow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/job_view.h"

#define POLL_INTERVAL_NS 500000000L
#define FIRST_ERRORS 10

/* ---- the progress bar ----------------------------------------------------------------------------- */

typedef struct progress {
    int on;          /* stderr is a terminal */
    size_t width;    /* of the last line drawn, to blank it */
    const char *unit;
} progress;

static void progress_line(progress *pg, const char *text)
{
    size_t n = strlen(text);
    fprintf(stderr, "\r%s", text);
    for (size_t i = n; i < pg->width; i++)
        fputc(' ', stderr);
    fflush(stderr);
    pg->width = n;
}

static void progress_draw(progress *pg, const json_t *job)
{
    if (!pg->on)
        return;
    char line[160];
    const char *state = jv_state(job);
    if (strcmp(state, "QUEUED") == 0) {
        snprintf(line, sizeof line, "queued: waiting to start (an instance runs its jobs one at a time)");
        progress_line(pg, line);
        return;
    }
    int64_t total = jv_count(job, "Total"), pending = jv_count(job, "Pending");
    int64_t done = total - pending;
    if (done < 0 || done > total)
        done = 0;
    const json_t *r = json_object_get(job, "RowsPerSecond");
    double rate = json_is_number(r) && isfinite(json_number_value(r)) && json_number_value(r) > 0
                      ? json_number_value(r) : 0;
    enum { BAR = 30 };
    char bar[BAR + 1];
    size_t fill = total > 0 ? (size_t)((double)done / (double)total * BAR) : 0;
    for (size_t i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
    char eta[32] = "ETA --";
    if (rate > 0 && pending >= 0) {
        double s = (double)pending / rate;
        if (s < 360000)
            snprintf(eta, sizeof eta, "ETA %d:%02d:%02d", (int)(s / 3600), (int)fmod(s / 60, 60), (int)fmod(s, 60));
    }
    snprintf(line, sizeof line, "[%s] %lld/%lld %s  %.0f %s/s  %s", bar, (long long)done, (long long)total,
             pg->unit, rate, pg->unit, eta);
    progress_line(pg, line);
}

static void progress_clear(progress *pg)
{
    if (pg->on && pg->width) {
        progress_line(pg, "");
        fputc('\r', stderr);
        fflush(stderr);
        pg->width = 0;
    }
}

/* Polls the job every POLL_INTERVAL_NS until it finishes. *job is replaced by each new state.
 * Returns EXIT_OK when finished, EXIT_FAIL after printing, or -1 when interrupted. */
static int wait_job(const client *c, const char *inst, json_t **job, const char *unit)
{
    progress pg = {isatty(STDERR_FILENO), 0, unit};
    char job_id[128];
    snprintf(job_id, sizeof job_id, "%s", json_string_value(json_object_get(*job, "JobId")));
    int rc = EXIT_OK;
    while (!jv_finished(*job)) {
        progress_draw(&pg, *job);
        struct timespec ts = {0, POLL_INTERVAL_NS};
        nanosleep(&ts, NULL);
        if (client_interrupted) {
            rc = -1;
            break;
        }
        json_t *next;
        int interrupted;
        rc = jv_fetch(c, inst, job_id, &next, &interrupted);
        if (interrupted) {
            rc = -1;
            break;
        }
        if (rc != EXIT_OK)
            break;
        json_decref(*job);
        *job = next;
    }
    progress_clear(&pg);
    if (rc == -1)
        cli_error("stopped waiting; job %s goes on on the server: follow it with 'roster jobs show %s' "
                  "(or stop it with 'roster jobs cancel %s')", job_id, job_id, job_id);
    return rc;
}

/* The summary on stdout, the report, and the exit status of a finished job. */
static int finish(const client *c, const jf_opts *o, const char *inst, const json_t *job)
{
    const char *job_id = json_string_value(json_object_get(job, "JobId"));
    const char *state = jv_state(job);
    int64_t total = jv_count(job, "Total"), failed = jv_count(job, "Failed"), canceled = jv_count(job, "Canceled");
    const json_t *r = json_object_get(job, "RowsPerSecond");
    printf("Job %s %s%s: %lld %s", job_id, state, json_is_true(json_object_get(job, "DryRun")) ? " (dry run)" : "",
           (long long)total, o->unit);
    if (json_is_number(r) && isfinite(json_number_value(r)) && json_number_value(r) > 0)
        printf(", %.0f %s/s", json_number_value(r), o->unit);
    putchar('\n');
    jv_print_counts(stdout, job);
    int rc = EXIT_OK;
    if (failed > 0) {
        puts("First errors:");
        rc = jv_print_errors(c, inst, job, FIRST_ERRORS, stdout);
    }
    fflush(stdout);
    if (o->report && rc == EXIT_OK) {
        buf path;
        buf_init(&path);
        buf_printf(&path, "/roster/v1/instances/%s/jobs/%s/report", inst, job_id);
        rc = client_download(c, path.data, NULL, o->report);
        buf_free(&path);
    }
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(state, "FAILED") == 0) {
        const json_t *why = json_object_get(job, "FailureReason");
        buf b;
        buf_init(&b);
        client_put_one_line(&b, json_is_string(why) ? json_string_value(why) : "no reason given", 2000);
        cli_error("the %s failed: %s", o->what, b.data);
        buf_free(&b);
        return EXIT_FAIL;
    }
    if (strcmp(state, "CANCELED") == 0) {
        cli_error("the %s was canceled: %lld of %lld %s were not processed", o->what, (long long)canceled,
                  (long long)total, o->unit);
        return EXIT_FAIL;
    }
    if (failed > 0) {
        cli_error("%lld of %lld %s failed%s", (long long)failed, (long long)total, o->unit,
                  o->report ? "" : " (--report PATH writes them with their errors)");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}


int jf_follow(const client *c, const char *inst, json_t **job, const jf_opts *o)
{
    int rc = wait_job(c, inst, job, o->unit);
    if (rc == EXIT_OK)
        return finish(c, o, inst, *job);
    return rc == -1 ? EXIT_FAIL : rc;
}
