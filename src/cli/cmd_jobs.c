/* cmd_jobs.c — `roster jobs list|show|cancel|retry|report`: the jobs of an instance on the running
 * server (roster/v1 …/jobs), as a table or labelled lines, or the server's JSON with --json. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/job_view.h"

#define LIST_PAGES_MAX 1000 /* pages of 100 jobs followed by `jobs list` */

static void jobs_usage(FILE *out)
{
    fputs("usage: roster jobs list [--state STATE] [--json]\n"
          "       roster jobs show JOB [--json]\n"
          "       roster jobs cancel JOB [--json]\n"
          "       roster jobs retry JOB [--json]\n"
          "       roster jobs report JOB [-o FILE]\n"
          "  each also takes [--instance ID|ALIAS] [--endpoint-url URL]\n\n"
          "The jobs (CSV imports) of an instance on the running server.\n"
          "  list    every job, newest first (--state QUEUED, RUNNING, COMPLETED, CANCELED or FAILED)\n"
          "  show    one job: state, counts, times, and its first failed rows\n"
          "  cancel  stop the job: rows not yet processed are canceled, processed rows stay applied\n"
          "  retry   a new job of exactly the failed rows of JOB, as uploaded\n"
          "  report  the failure report: the failed rows as uploaded (passwords empty) plus the\n"
          "          columns row and error, as CSV; fix the cells and import it again\n\n"
          "  --instance      the instance; may be left out when the server has exactly one\n"
          "  --json          the server's JSON (list: every page's jobs in one {\"Jobs\": […]})\n"
          "  -o, --output    write the report to FILE (replaced only once it all arrived), not stdout\n"
          "  --endpoint-url  the server (else $AWS_ENDPOINT_URL, else " CLIENT_DEFAULT_ENDPOINT ")\n\n"
          "Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, region from AWS_REGION or\n"
          "AWS_DEFAULT_REGION. Exit status: 0 success, 1 failure, 2 usage error.\n",
          out);
}

static const char *const states[] = {"QUEUED", "RUNNING", "COMPLETED", "CANCELED", "FAILED"};

/* The state named by s (any case) as the server spells it, or NULL. */
static const char *known_state(const char *s)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcasecmp(s, states[i]) == 0)
            return states[i];
    return NULL;
}

static void cell(buf *line, const json_t *job, const char *name, int width, size_t max)
{
    const json_t *v = json_object_get(job, name);
    buf b;
    buf_init(&b);
    client_put_one_line(&b, json_is_string(v) ? json_string_value(v) : "-", max);
    buf_printf(line, "%-*s  ", width, b.data);
    buf_free(&b);
}

static void print_row(const json_t *job)
{
    buf line;
    buf_init(&line);
    cell(&line, job, "JobId", 36, 100);
    cell(&line, job, "State", 9, 20);
    const json_t *mode = json_object_get(job, "Mode");
    char m[40];
    snprintf(m, sizeof m, "%s%s", json_is_string(mode) ? json_string_value(mode) : "-",
             json_is_true(json_object_get(job, "DryRun")) ? " (dry)" : "");
    buf_printf(&line, "%-12.40s  %8lld  %7lld  ", m, (long long)jv_count(job, "Total"),
               (long long)jv_count(job, "Failed"));
    const json_t *t = json_object_get(job, "SubmittedTime");
    char when[32] = "-";
    if (json_is_number(t) && json_number_value(t) >= 0 && json_number_value(t) < 253402300799.0) {
        time_t tt = (time_t)json_number_value(t);
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    buf_printf(&line, "%-20s  ", when);
    cell(&line, job, "FileName", 0, 255);
    while (line.len > 0 && line.data[line.len - 1] == ' ')
        line.data[--line.len] = '\0';
    puts(line.data);
    buf_free(&line);
}

static int jobs_list(const client *c, const char *inst, const char *state, int as_json)
{
    json_t *all = json_array();
    char *token = NULL;
    int rc = EXIT_OK;
    buf path;
    buf_init(&path);
    buf_printf(&path, "/roster/v1/instances/%s/jobs", inst);
    for (int page = 0; page < LIST_PAGES_MAX; page++) {
        buf q;
        buf_init(&q);
        client_param p[] = {{"MaxResults", "100"}, {"NextToken", token}, {"State", state}};
        client_query_build(&q, p, 3);
        client_request rq = {.method = "GET", .path = path.data, .query = q.data};
        json_t *doc;
        rc = client_json(c, &rq, &doc, NULL);
        buf_free(&q);
        free(token);
        token = NULL;
        if (rc != EXIT_OK)
            break;
        json_array_extend(all, json_is_array(json_object_get(doc, "Jobs")) ? json_object_get(doc, "Jobs") : NULL);
        const json_t *next = json_object_get(doc, "NextToken");
        if (json_is_string(next) && *json_string_value(next))
            token = xstrdup(json_string_value(next));
        json_decref(doc);
        if (!token)
            break;
    }
    free(token);
    buf_free(&path);
    if (rc == EXIT_OK) {
        if (as_json) {
            json_t *doc = json_pack("{s:O}", "Jobs", all);
            jv_print_json(doc);
            json_decref(doc);
        } else {
            printf("%-36s  %-9s  %-12s  %8s  %7s  %-20s  %s\n", "JOB_ID", "STATE", "MODE", "ROWS", "FAILED",
                   "SUBMITTED", "FILE");
            size_t i;
            json_t *job;
            json_array_foreach(all, i, job)
                print_row(job);
        }
    }
    json_decref(all);
    return rc;
}

/* POST …/jobs/{job}/{verb} (cancel, retry): *job is the answer's Job. Returns an exit status. */
static int jobs_post(const client *c, const char *inst, const char *job_id, const char *verb, json_t **doc)
{
    buf path;
    buf_init(&path);
    buf_printf(&path, "/roster/v1/instances/%s/jobs/%s/%s", inst, job_id, verb);
    client_request rq = {.method = "POST", .path = path.data};
    int rc = client_json(c, &rq, doc, NULL);
    buf_free(&path);
    if (rc == EXIT_OK && !json_is_object(json_object_get(*doc, "Job"))) {
        cli_error("the server's answer has no Job");
        json_decref(*doc);
        *doc = NULL;
        rc = EXIT_FAIL;
    }
    return rc;
}

static int jobs_show(const client *c, const char *inst, const char *job_id, int as_json)
{
    json_t *job;
    int rc = jv_fetch(c, inst, job_id, &job, NULL);
    if (rc != EXIT_OK)
        return rc;
    if (as_json) {
        json_t *doc = json_pack("{s:O}", "Job", job);
        jv_print_json(doc);
        json_decref(doc);
    } else {
        jv_print_job(stdout, job);
        if (jv_count(job, "Failed") > 0) {
            puts("First errors:");
            rc = jv_print_errors(c, inst, job, 10, stdout);
        }
    }
    json_decref(job);
    return rc;
}

static int jobs_cancel_retry(const client *c, const char *inst, const char *job_id, const char *verb, int as_json)
{
    json_t *doc;
    int rc = jobs_post(c, inst, job_id, verb, &doc);
    if (rc != EXIT_OK)
        return rc;
    const json_t *job = json_object_get(doc, "Job");
    if (as_json) {
        jv_print_json(doc);
    } else if (strcmp(verb, "cancel") == 0) {
        printf("Cancel requested: rows not yet processed become CANCELED, processed rows stay applied.\n");
        jv_print_job(stdout, job);
    } else {
        const json_t *id = json_object_get(job, "JobId");
        buf b;
        buf_init(&b);
        client_put_one_line(&b, json_is_string(id) ? json_string_value(id) : "?", 100);
        printf("Job %s retries the failed rows of job %s (%lld rows, %s); follow it with 'roster jobs show %s'.\n",
               b.data, job_id, (long long)jv_count(job, "Total"), jv_state(job), b.data);
        buf_free(&b);
    }
    json_decref(doc);
    return rc;
}

int cmd_jobs(int argc, char **argv)
{
    static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
                                         {"state", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"endpoint-url", required_argument, NULL, 'e'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *inst = NULL, *outp = NULL, *endpoint = NULL, *state = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'i': inst = optarg; break;
        case 's':
            state = known_state(optarg);
            if (!state) {
                cli_error("--state '%.40s' is not one of QUEUED, RUNNING, COMPLETED, CANCELED, FAILED", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j': as_json = 1; break;
        case 'o': outp = optarg; break;
        case 'e': endpoint = optarg; break;
        case 'h': jobs_usage(stdout); return EXIT_OK;
        default: jobs_usage(stderr); return EXIT_USAGE;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    const char *job_id = optind + 1 < argc ? argv[optind + 1] : NULL;
    int nargs = argc - optind;
    int list = verb && strcmp(verb, "list") == 0 && nargs == 1;
    int one = verb && nargs == 2 &&
              (strcmp(verb, "show") == 0 || strcmp(verb, "cancel") == 0 || strcmp(verb, "retry") == 0 ||
               strcmp(verb, "report") == 0);
    if (!list && !one) {
        jobs_usage(stderr);
        return EXIT_USAGE;
    }
    int report = one && strcmp(verb, "report") == 0;
    if (state && !list) {
        cli_error("--state goes with 'jobs list' only");
        return EXIT_USAGE;
    }
    if (outp && !report) {
        cli_error("-o goes with 'jobs report' only");
        return EXIT_USAGE;
    }
    if (as_json && report) {
        cli_error("the report is CSV: --json does not go with 'jobs report'");
        return EXIT_USAGE;
    }
    if (one && !client_path_ok(job_id)) {
        cli_error("'%.100s' is not a job id", job_id);
        return EXIT_USAGE;
    }
    client cl;
    int rc = client_open(&cl, endpoint);
    char *id = NULL;
    if (rc == EXIT_OK)
        rc = client_instance(&cl, inst, &id);
    if (rc == EXIT_OK) {
        if (list) {
            rc = jobs_list(&cl, id, state, as_json);
        } else if (strcmp(verb, "show") == 0) {
            rc = jobs_show(&cl, id, job_id, as_json);
        } else if (report) {
            buf path;
            buf_init(&path);
            buf_printf(&path, "/roster/v1/instances/%s/jobs/%s/report", id, job_id);
            rc = client_download(&cl, path.data, NULL, outp);
            buf_free(&path);
        } else {
            rc = jobs_cancel_retry(&cl, id, job_id, verb, as_json);
        }
    }
    free(id);
    client_close(&cl);
    return rc;
}
