/* roster_jobs.c — the roster API's jobs: list (and the console's banner), describe, items,
 * cancel, retry and dismiss
 * (/roster/v1/instances/{InstanceId}/jobs…). Wire shapes in roster_wire.c; the rules are
 * src/jobs' (jobs.h), which also resolves {InstanceId} (an id or an alias). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "api/roster_wire.h"

#define JOBS_PAGE_MAX 100
#define JOBS_PAGE_DEFAULT 50
#define ITEMS_PAGE_MAX 1000
#define ITEMS_PAGE_DEFAULT 100

/* Answers {"Job": j} with status (0: 200). */
static void job_answer(api_call *c, const job_record *j, int status)
{
    c->out_body = roster_job_doc_as(j, c->cx.now_ms, c->cx.who, &c->out_len);
    c->status = status;
}

/* The console's banner (ListJobs with Banner=true): its jobs, no paging. */
static int list_banner(api_call *c, size_t limit)
{
    if (request_param(c->r, "State") || request_param(c->r, "NextToken"))
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "Banner", "Banner=true takes no State or NextToken");
    job_list l = {0};
    if (jobs_banner(&c->cx, c->labels[0], limit, &l, &c->err)) {
        job_list_clear(&l);
        return -1;
    }
    json_t *jobs = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(jobs, roster_job_json_as(&l.items[i], c->cx.now_ms, c->cx.who));
    c->out = json_object();
    json_object_set_new(c->out, "Jobs", jobs);
    job_list_clear(&l);
    return 0;
}

static int list_jobs(api_call *c)
{
    static const char *const params[] = {"State", "MaxResults", "NextToken", "Banner", NULL};
    size_t limit;
    int banner;
    if (roster_check_params(c->r, params, &c->err) ||
        roster_max_results(c->r, JOBS_PAGE_MAX, JOBS_PAGE_DEFAULT, &limit, &c->err) ||
        roster_bool_param(c->r, "Banner", &banner, &c->err))
        return -1;
    if (banner)
        return list_banner(c, limit);
    job_list l = {0};
    char *next = NULL;
    if (jobs_list(&c->cx, c->labels[0], request_param(c->r, "State"), request_param(c->r, "NextToken"), limit, &l,
                  &next, &c->err)) {
        job_list_clear(&l); /* the caller's to clear, also on failure */
        free(next);
        return -1;
    }
    json_t *jobs = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(jobs, roster_job_json_as(&l.items[i], c->cx.now_ms, c->cx.who));
    c->out = json_object();
    json_object_set_new(c->out, "Jobs", jobs);
    jset_str(c->out, "NextToken", next, 1);
    free(next);
    job_list_clear(&l);
    return 0;
}

static int describe_job(api_call *c)
{
    static const char *const params[] = {NULL};
    job_record j = {0};
    int rc = roster_check_params(c->r, params, &c->err) || jobs_get(&c->cx, c->labels[0], c->labels[1], &j, &c->err)
                 ? -1
                 : 0;
    if (rc == 0)
        job_answer(c, &j, 0);
    job_clear(&j); /* the caller's to clear, also on failure (a cancel of a finished job fills it) */
    return rc;
}

static int list_items(api_call *c)
{
    static const char *const params[] = {"State", "MaxResults", "NextToken", NULL};
    size_t limit;
    if (roster_check_params(c->r, params, &c->err) ||
        roster_max_results(c->r, ITEMS_PAGE_MAX, ITEMS_PAGE_DEFAULT, &limit, &c->err))
        return -1;
    job_item_list l = {0};
    char *next = NULL;
    job_record j = {0};
    if (jobs_items(&c->cx, c->labels[0], c->labels[1], request_param(c->r, "State"),
                   request_param(c->r, "NextToken"), limit, &l, &next, &c->err) ||
        (l.n > 0 && jobs_get(&c->cx, c->labels[0], c->labels[1], &j, &c->err))) {
        job_item_list_clear(&l); /* the caller's to clear, also on failure */
        job_clear(&j);
        free(next);
        return -1;
    }
    int import = strcmp(j.kind, "IMPORT") == 0; /* its items carry their cells */
    job_clear(&j);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        json_t *o = roster_item_json(&l.items[i]);
        if (import)
            roster_item_cells(o, &l.items[i]);
        json_array_append_new(items, o);
    }
    c->out = json_object();
    json_object_set_new(c->out, "Items", items);
    jset_str(c->out, "NextToken", next, 1);
    free(next);
    job_item_list_clear(&l);
    return 0;
}

/* A change of one job by fn (jobs_cancel, jobs_retry, jobs_dismiss): no query parameters; the
 * runner woken when wake; the job answered with status (0: 200). */
static int change_job(api_call *c, int (*fn)(core_ctx *, const char *, const char *, job_record *, rerr *),
                      int wake, int status)
{
    static const char *const params[] = {NULL};
    job_record j = {0};
    int rc = roster_check_params(c->r, params, &c->err) || fn(&c->cx, c->labels[0], c->labels[1], &j, &c->err)
                 ? -1
                 : 0;
    if (rc == 0) {
        if (wake)
            jobs_runner_wake(c->env->runner);
        job_answer(c, &j, status);
    }
    job_clear(&j); /* the caller's to clear, also on failure (a cancel of a finished job fills it) */
    return rc;
}

static int cancel_job(api_call *c)
{
    return change_job(c, jobs_cancel, 1, 0);
}

static int retry_job(api_call *c)
{
    return change_job(c, jobs_retry, 1, 202);
}

static int dismiss_job(api_call *c)
{
    return change_job(c, jobs_dismiss, 0, 0);
}

#define JOBS "/roster/v1/instances/{InstanceId}/jobs"
#define OWN (OP_NO_INSTANCE | OP_OWN_TX)

static const api_op ops[] = {
    {"ListJobs", "GET", JOBS, CORE_JOBS_VIEW, OWN, list_jobs},
    {"DescribeJob", "GET", JOBS "/{JobId}", CORE_JOBS_VIEW, OWN, describe_job},
    {"ListJobItems", "GET", JOBS "/{JobId}/items", CORE_JOBS_VIEW, OWN, list_items},
    /* cancel and retry need Users.Create or Users.Edit by the job's mode: jobs.h checks it */
    {"CancelJob", "POST", JOBS "/{JobId}/cancel", CORE_JOBS_CANCEL, OWN, cancel_job},
    {"RetryJob", "POST", JOBS "/{JobId}/retry", CORE_JOBS_RETRY, OWN, retry_job},
    /* the console's banner: the submitter only, a finished job only (jobs.h) */
    {"DismissJob", "POST", JOBS "/{JobId}/dismiss", CORE_JOBS_DISMISS, OWN, dismiss_job},
};

const api_op *roster_job_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
