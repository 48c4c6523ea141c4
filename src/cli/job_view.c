/* job_view.c — fetching and showing a job of the running server (job_view.h). */
#include "cli/job_view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

int jv_fetch(const client *c, const char *inst, const char *job_id, json_t **job, int *interrupted)
{
    *job = NULL;
    buf path;
    buf_init(&path);
    buf_printf(&path, "/roster/v1/instances/%s/jobs/%s", inst, job_id);
    client_request rq = {.method = "GET", .path = path.data};
    json_t *doc;
    int rc = client_json(c, &rq, &doc, interrupted);
    buf_free(&path);
    if (rc != EXIT_OK)
        return rc;
    json_t *j = json_object_get(doc, "Job");
    if (!json_is_object(j)) {
        cli_error("the server's answer has no Job");
        json_decref(doc);
        return EXIT_FAIL;
    }
    *job = json_incref(j);
    json_decref(doc);
    return EXIT_OK;
}

static const char *str_member(const json_t *o, const char *name)
{
    const json_t *v = json_object_get(o, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *jv_state(const json_t *job)
{
    const char *s = str_member(job, "State");
    return s ? s : "";
}

int jv_finished(const json_t *job)
{
    const char *s = jv_state(job);
    return strcmp(s, "COMPLETED") == 0 || strcmp(s, "CANCELED") == 0 || strcmp(s, "FAILED") == 0;
}

int64_t jv_count(const json_t *job, const char *name)
{
    const json_t *v = json_object_get(json_object_get(job, "Counts"), name);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v) && isfinite(json_real_value(v)))
        return (int64_t)json_real_value(v);
    return 0;
}

void jv_print_counts(FILE *out, const json_t *job)
{
    const char *kind = str_member(job, "Kind");
    if (kind && strcmp(kind, "BULK_DELETE") == 0) {
        fprintf(out, "deleted %lld, failed %lld, canceled %lld\n", (long long)jv_count(job, "Deleted"),
                (long long)jv_count(job, "Failed"), (long long)jv_count(job, "Canceled"));
        return;
    }
    if (kind && strncmp(kind, "BULK_", 5) == 0) {
        fprintf(out, "updated %lld, unchanged %lld, deleted %lld, failed %lld, canceled %lld\n",
                (long long)jv_count(job, "Updated"), (long long)jv_count(job, "Unchanged"),
                (long long)jv_count(job, "Deleted"), (long long)jv_count(job, "Failed"),
                (long long)jv_count(job, "Canceled"));
        return;
    }
    int dry = json_is_true(json_object_get(job, "DryRun"));
    fprintf(out, "%s %lld, %s %lld, unchanged %lld, failed %lld, canceled %lld\n", dry ? "would create" : "created",
            (long long)jv_count(job, "Created"), dry ? "would update" : "updated", (long long)jv_count(job, "Updated"),
            (long long)jv_count(job, "Unchanged"), (long long)jv_count(job, "Failed"),
            (long long)jv_count(job, "Canceled"));
}

/* Prints "label  time" for an epoch-seconds member, nothing when it is absent. */
static void print_time(FILE *out, const char *label, const json_t *job, const char *name)
{
    const json_t *v = json_object_get(job, name);
    if (!json_is_number(v))
        return;
    double s = json_number_value(v);
    if (!isfinite(s) || s < 0 || s > 253402300799.0)
        return;
    time_t t = (time_t)s;
    struct tm tm;
    char txt[32];
    gmtime_r(&t, &tm);
    strftime(txt, sizeof txt, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(out, "%-11s%s\n", label, txt);
}

static void print_str(FILE *out, const char *label, const json_t *job, const char *name)
{
    const char *s = str_member(job, name);
    if (!s)
        return;
    buf b;
    buf_init(&b);
    client_put_one_line(&b, s, 2000);
    fprintf(out, "%-11s%s\n", label, b.data);
    buf_free(&b);
}

void jv_print_job(FILE *out, const json_t *job)
{
    print_str(out, "Job", job, "JobId");
    print_str(out, "Kind", job, "Kind");
    print_str(out, "State", job, "State");
    print_str(out, "Failure", job, "FailureReason");
    print_str(out, "File", job, "FileName");
    const char *mode = str_member(job, "Mode");
    if (mode) {
        int dry = json_is_true(json_object_get(job, "DryRun")), atomic = json_is_true(json_object_get(job, "Atomic"));
        fprintf(out, "%-11s%s%s%s\n", "Mode", mode, dry ? ", dry run" : "", atomic ? ", atomic" : "");
    }
    fprintf(out, "%-11s%lld total, %lld succeeded, %lld failed, %lld canceled, %lld pending\n", "Rows",
            (long long)jv_count(job, "Total"), (long long)jv_count(job, "Succeeded"), (long long)jv_count(job, "Failed"),
            (long long)jv_count(job, "Canceled"), (long long)jv_count(job, "Pending"));
    fprintf(out, "%-11s", "Outcome");
    jv_print_counts(out, job);
    const json_t *rate = json_object_get(job, "RowsPerSecond");
    if (json_is_number(rate) && isfinite(json_number_value(rate)))
        fprintf(out, "%-11s%.1f rows/s\n", "Rate", json_number_value(rate));
    print_time(out, "Submitted", job, "SubmittedTime");
    print_str(out, "By", job, "SubmittedBy");
    print_time(out, "Started", job, "StartedTime");
    print_time(out, "Finished", job, "FinishedTime");
    print_str(out, "Retry of", job, "RetryOf");
}

int jv_print_errors(const client *c, const char *inst, const json_t *job, size_t max, FILE *out)
{
    int64_t failed = jv_count(job, "Failed");
    const char *job_id = str_member(job, "JobId");
    if (failed <= 0 || !job_id || !client_path_ok(job_id))
        return EXIT_OK;
    buf path, q, line;
    buf_init(&path);
    buf_init(&q);
    buf_init(&line);
    char limit[24];
    snprintf(limit, sizeof limit, "%zu", max);
    buf_printf(&path, "/roster/v1/instances/%s/jobs/%s/items", inst, job_id);
    client_param p[] = {{"MaxResults", limit}, {"State", "FAILED"}};
    client_query_build(&q, p, 2);
    client_request rq = {.method = "GET", .path = path.data, .query = q.data};
    json_t *doc;
    int rc = client_json(c, &rq, &doc, NULL);
    if (rc == EXIT_OK) {
        size_t shown = 0, rows = 0, i, k;
        const char *kind = str_member(job, "Kind");
        int by_user = kind && strncmp(kind, "BULK_", 5) == 0; /* a batch's items are users */
        json_t *it, *err;
        json_array_foreach(json_object_get(doc, "Items"), i, it)
        {
            if (shown == max)
                break;
            rows++;
            const json_t *row = json_object_get(it, "Row");
            json_array_foreach(json_object_get(it, "Errors"), k, err)
            {
                if (shown == max)
                    break;
                buf_reset(&line);
                const char *login = str_member(it, "Username"), *uid = str_member(it, "UserId");
                if (!by_user || (!login && !uid)) {
                    buf_printf(&line, "  row %lld", json_is_integer(row) ? (long long)json_integer_value(row) : 0LL);
                } else {
                    buf_puts(&line, "  user ");
                    client_put_one_line(&line, login ? login : uid, 200);
                    if (login && uid) {
                        buf_puts(&line, " (");
                        client_put_one_line(&line, uid, 100);
                        buf_putc(&line, ')');
                    }
                }
                const char *col = str_member(err, "Column"), *val = str_member(err, "Value");
                const char *msg = str_member(err, "Message");
                if (col) {
                    buf_puts(&line, ", column \"");
                    client_put_one_line(&line, col, 200);
                    buf_putc(&line, '"');
                }
                if (val) {
                    buf_puts(&line, ", value \"");
                    client_put_one_line(&line, val, 200);
                    buf_putc(&line, '"');
                }
                buf_puts(&line, ": ");
                client_put_one_line(&line, msg ? msg : "(no message)", 1000);
                fprintf(out, "%s\n", line.data);
                shown++;
            }
        }
        if ((int64_t)rows < failed)
            fprintf(out, "  … and %lld more failed %s: roster jobs report %s -o FILE\n",
                    (long long)(failed - (int64_t)rows), by_user ? "users" : "rows", job_id);
        json_decref(doc);
    }
    buf_free(&path);
    buf_free(&q);
    buf_free(&line);
    return rc;
}

void jv_print_json(const json_t *v)
{
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
}
