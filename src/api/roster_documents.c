/* roster_documents.c — the roster API's CSV documents: the template of an instance, the failure
 * report of a job and the export of users, answered as text/csv attachments (the report and the
 * export streamed while they are produced, never whole in memory). The documents themselves are
 * src/jobs' (jobs.h). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/roster_wire.h"

static int template_csv(api_call *c)
{
    static const char *const params[] = {"example", NULL};
    int example;
    if (roster_check_params(c->r, params, &c->err) || roster_bool_param(c->r, "example", &example, &c->err))
        return -1;
    buf out;
    buf_init(&out);
    char *filename = NULL;
    int rc = jobs_template(&c->cx, c->labels[0], example, &out, &filename, &c->err);
    if (rc == 0) {
        roster_respond_csv(c->r, filename, out.data, out.len, NULL);
        c->responded = 1;
    }
    buf_free(&out);
    free(filename);
    return rc;
}

static int report_csv(api_call *c)
{
    static const char *const params[] = {NULL};
    if (roster_check_params(c->r, params, &c->err))
        return -1;
    jobs_stream s;
    char *filename = NULL;
    if (jobs_report_open(&c->cx, c->env->st, c->labels[0], c->labels[1], &s, &filename, &c->err))
        return -1;
    roster_respond_csv(c->r, filename, NULL, 0, &s);
    c->responded = 1;
    free(filename);
    return 0;
}

static int export_csv(api_call *c)
{
    static const char *const params[] = {"Username", "RoutingProfileId", "SecurityProfileId", "HierarchyGroupId",
                                         NULL};
    if (roster_check_params(c->r, params, &c->err))
        return -1;
    export_filter f = {.username_prefix = request_param(c->r, "Username"),
                       .routing_profile_id = request_param(c->r, "RoutingProfileId"),
                       .security_profile_id = request_param(c->r, "SecurityProfileId"),
                       .hierarchy_group_id = request_param(c->r, "HierarchyGroupId")};
    jobs_stream s;
    char *filename = NULL;
    if (export_open(&c->cx, c->env->st, c->labels[0], &f, &s, &filename, &c->err))
        return -1;
    roster_respond_csv(c->r, filename, NULL, 0, &s);
    c->responded = 1;
    free(filename);
    return 0;
}

#define INSTANCE "/roster/v1/instances/{InstanceId}"
#define OWN (OP_NO_INSTANCE | OP_OWN_TX)

static const api_op ops[] = {
    {"GetUserTemplate", "GET", INSTANCE "/users/template", CORE_JOBS_VIEW, OWN, template_csv},
    {"GetJobReport", "GET", INSTANCE "/jobs/{JobId}/report", CORE_JOBS_VIEW, OWN, report_csv},
    {"ExportUsers", "GET", INSTANCE "/users/export", CORE_USERS_EXPORT, OWN, export_csv},
};

const api_op *roster_document_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
