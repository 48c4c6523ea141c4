/* api.h — the Amazon Connect door and the roster API door (/roster/v1): the operation tables and
 * the dispatcher that turns an HTTP request into a call of one operation handler.
 *
 * The dispatcher does, for every operation, in this order: route (method + path), authenticate
 * (SigV4), check the operation's core action (core_allow_op: the permission, before the body is
 * read), parse the JSON body, resolve the instance named by the path or body, then call the
 * handler; the core entry point the handler calls checks the action again with the instance. Handlers translate wire shapes to core calls and
 * back; they hold no business rules.
 */
#ifndef ROSTER_API_API_H
#define ROSTER_API_API_H

#include <jansson.h>

#include "auth/keys.h"
#include "auth/session_config.h"
#include "core/authorize.h"
#include "core/context.h"
#include "core/error.h"
#include "http/request.h"
#include "jobs/jobs.h"
#include "jobs/runner.h"
#include "store/store.h"

#define API_MAX_LABELS 4

struct api_env;

typedef struct api_call {
    request *r;
    const struct api_env *env;           /* the dispatcher's */
    core_ctx cx;
    principal who;
    json_t *in;                          /* the body object ({} when none) */
    instance inst;                       /* resolved when the operation names an instance */
    const char *labels[API_MAX_LABELS];  /* decoded path labels, in path order */
    json_t *out;                         /* response document; NULL: empty 200 */
    char *out_body;                      /* or an already serialised document (malloc'd), sent as is */
    size_t out_len;
    int status;                          /* of a document answer: 0 is 200 (202 for a job accepted) */
    int responded;                       /* the handler answered r itself (a CSV document, a stream) */
    rerr err;
} api_call;

/* A handler returns 0 with c->out set (or NULL), or -1 with c->err set. */
typedef int (*api_handler)(api_call *c);

enum {
    OP_BODY_INSTANCE = 1,   /* a Search* operation: InstanceId is a body member, and it only reads */
    OP_GREEDY_LABEL = 2,    /* the last label takes the rest of the path (an unencoded ARN) */
    OP_NO_INSTANCE = 4,     /* the {InstanceId} label is resolved by the handler itself */
    OP_OWN_TX = 8,         /* the entry points (src/jobs) run their own transactions: the handler
                             * runs outside the dispatcher's read transaction */
};

typedef struct api_op {
    const char *name;
    const char *method;
    const char *path;        /* e.g. "/instance/{InstanceId}" */
    core_action action;      /* what it needs: the core action of the entry point it calls */
    unsigned flags;
    api_handler fn;
} api_op;

/* What the dispatcher needs, shared read-only by every server thread. */
typedef struct api_env {
    store *st;
    const keyring *kr;
    const settings *cfg;
    jobs_runner *runner;                 /* woken when a job is queued or cancelled; may be NULL */
    import_limits import_lim;            /* rows per uploaded file */
    const session_config *sessions;      /* the console's sessions; NULL: the defaults */
} api_env;

/* The http_dispatch_fn of the server: cls is an api_env. */
void api_dispatch(void *cls, request *r);
/* The http_prepare_fn of the server: begins a CSV upload at its headers (roster_upload.h: the
 * client is authenticated and authorized before its body is read), and answers at their headers
 * the doors that have no adapter yet (SCIM). */
void api_prepare(void *cls, request *r);

/* Answers r with e as an AWS error: status (0: the code's own), X-Amzn-ErrorType and
 * {"Message": …}. */
void api_respond_error(request *r, const rerr *e, int status);

/* The operation tables of each adapter file (connect_<area>.c). */
const api_op *connect_instance_ops(size_t *n);
const api_op *connect_security_ops(size_t *n);
const api_op *connect_routing_ops(size_t *n);
const api_op *connect_queue_ops(size_t *n);
const api_op *connect_hierarchy_ops(size_t *n);
const api_op *connect_tag_ops(size_t *n);
const api_op *connect_user_ops(size_t *n);
const api_op *connect_user_search_ops(size_t *n);
/* … and of the roster API's (roster_<area>.c). */
const api_op *roster_job_ops(size_t *n);
const api_op *roster_document_ops(size_t *n);
const api_op *roster_bulk_ops(size_t *n);
const api_op *roster_console_list_ops(size_t *n);
const api_op *roster_console_catalog_ops(size_t *n);
const api_op *roster_console_user_ops(size_t *n);
const api_op *roster_scim_ops(size_t *n);

#endif
