/* dispatch.c — routing, authentication, body parsing, permission and instance checks for
 * every operation of the Amazon Connect and roster API doors, and the one place errors become
 * AWS error responses. */
#include "api/api.h"
#include "api/scim_door.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/jsonio.h"
#include "api/roster_session.h"
#include "api/roster_upload.h"
#include "api/session_door.h"
#include "auth/authenticate.h"
#include "core/instances.h"
#include "core/tags.h"
#include "http/assets.h"
#include "util/ids.h"
#include "util/log.h"
#include "util/utf8.h"


static const char content_json[] = "application/json";

/* Sends e as an AWS error: status (the code's, or status when not 0), X-Amzn-ErrorType and
 * {"Message": …}; on the roster API's doors also "Field" when e names one (the console shows the
 * message beside that field; the Connect door keeps the captured shape of the real service). The message may quote the request, so bytes that are not UTF-8 become U+FFFD:
 * jansson takes only valid UTF-8, and an error must never lose its Message. */
static void respond_error_status(request *r, const rerr *e, int status)
{
    buf msg;
    buf_init(&msg);
    utf8_repair(&msg, e->message, strlen(e->message));
    if (msg.len == 0)
        buf_puts(&msg, err_aws_name(e->code));
    json_t *doc = json_object();
    json_object_set_new(doc, "Message", json_stringn(msg.data, msg.len));
    buf_free(&msg);
    if (e->resource_type[0])
        json_object_set_new(doc, "ResourceType", json_string(e->resource_type));
    if (e->resource_id[0])
        json_object_set_new(doc, "ResourceId", json_string(e->resource_id));
    const http_door *door = r->door ? r->door : http_door_for(NULL);
    if (e->field[0] && (door->id == DOOR_ROSTER || door->id == DOOR_ROSTER_UPLOAD)) {
        buf_init(&msg); /* a field may quote a member's name, cut to fit */
        utf8_repair(&msg, e->field, strlen(e->field));
        json_object_set_new(doc, "Field", json_stringn(msg.data, msg.len));
        buf_free(&msg);
    }
    size_t len;
    char *body = jdump(doc, &len);
    json_decref(doc);
    request_respond_take(r, status ? status : err_http_status(e->code), content_json, body, len);
    request_add_header(r, "X-Amzn-ErrorType", err_aws_name(e->code));
    if (err_http_status(e->code) >= 500)
        log_error("request %s failed: %s: %s", r->id, err_aws_name(e->code), e->message);
}

static void respond_error(request *r, const rerr *e)
{
    respond_error_status(r, e, 0);
}

void api_respond_error(request *r, const rerr *e, int status)
{
    respond_error_status(r, e, status);
}

/* Answers a request the server refused before dispatch (framing, sizes): 413 is
 * RequestEntityTooLargeException, every other status an InvalidRequestException. */
static void respond_refusal(request *r)
{
    rerr e;
    rerr_set(&e, r->refuse_status == 413 ? ERR_TOO_LARGE : ERR_INVALID_REQUEST, NULL, "%s", r->refuse_msg);
    respond_error_status(r, &e, r->refuse_status);
}

/* ---- routing ------------------------------------------------------------------------------ */

/* Matches r's segments against op's path; on success fills labels and returns 1. */
static int match(const api_op *op, request *r, const char **labels, size_t *n_labels, char **greedy)
{
    if (strcmp(op->method, r->method) != 0)
        return 0;
    const char *p = op->path + 1;
    size_t seg = 0;
    *n_labels = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        int last = slash == NULL;
        if (seg >= r->n_segments)
            return 0;
        if (p[0] == '{') {
            if (last && (op->flags & OP_GREEDY_LABEL) && seg + 1 < r->n_segments) {
                buf b;
                buf_init(&b);
                for (size_t i = seg; i < r->n_segments; i++)
                    buf_printf(&b, "%s%s", i > seg ? "/" : "", r->segments[i]);
                *greedy = buf_detach(&b);
                labels[(*n_labels)++] = *greedy;
                return 1;
            }
            if (r->segments[seg][0] == '\0' || *n_labels >= API_MAX_LABELS)
                return 0;
            labels[(*n_labels)++] = r->segments[seg];
        } else if (strlen(r->segments[seg]) != n || strncmp(r->segments[seg], p, n) != 0) {
            return 0;
        }
        seg++;
        if (last)
            break;
        p = slash + 1;
    }
    return seg == r->n_segments;
}

/* The operation of r among its door's tables (the Connect API's or the roster API's), or NULL. */
static const api_op *route(request *r, const http_door *door, const char **labels, size_t *n_labels, char **greedy)
{
    const api_op *(*const connect[])(size_t *) = {connect_instance_ops, connect_security_ops, connect_routing_ops,
                                                   connect_queue_ops,    connect_hierarchy_ops, connect_tag_ops,
                                                   connect_user_ops,     connect_user_search_ops, NULL};
    const api_op *(*const roster[])(size_t *) = {roster_job_ops,           roster_document_ops,
                                                  roster_bulk_ops,          roster_console_list_ops,
                                                  roster_console_catalog_ops, roster_console_user_ops,
                                                  roster_scim_ops,          NULL};
    const api_op *(*const *tables)(size_t *) = NULL;
    if (door->id == DOOR_CONNECT)
        tables = connect;
    else if (door->id == DOOR_ROSTER)
        tables = roster;
    for (size_t t = 0; tables && tables[t]; t++) {
        size_t n;
        const api_op *ops = tables[t](&n);
        for (size_t i = 0; i < n; i++) {
            if (match(&ops[i], r, labels, n_labels, greedy))
                return &ops[i];
        }
    }
    return NULL;
}

/* ---- the pipeline --------------------------------------------------------------------------- */

static int parse_body(api_call *c)
{
    request *r = c->r;
    if (r->body.len == 0) {
        c->in = json_object();
        return 0;
    }
    json_error_t jerr;
    c->in = json_loadb(r->body.data, r->body.len, 0, &jerr);
    if (!c->in)
        return rerr_set(&c->err, ERR_SERIALIZATION, NULL,
                        "The request body is not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                        jerr.column);
    if (!json_is_object(c->in))
        return rerr_set(&c->err, ERR_SERIALIZATION, NULL, "The request body must be a JSON object");
    if (jdepth(c->in, JSON_DEPTH_LIMIT) > JSON_DEPTH_LIMIT)
        return rerr_set(&c->err, ERR_SERIALIZATION, NULL, "The request body nests deeper than %d levels",
                        JSON_DEPTH_LIMIT);
    return 0;
}

/* The operation's core action, checked before the body is read (the instance is checked by the
 * core entry point): a caller that may not send a body never has it parsed. */
/* Refuses a principal that may not call op before its body is parsed. Tag operations need the
 * permission of the kind of resource their ARN (a path label) names. */
static int check_permission(api_call *c, const api_op *op)
{
    if (op->action == CORE_TAGS_ADD || op->action == CORE_TAGS_REMOVE || op->action == CORE_TAGS_LIST)
        return tags_allowed(&c->cx, op->action, c->labels[0], &c->err);
    return core_allow_op(&c->cx, op->action, NULL, op->name, &c->err);
}

static int resolve_instance(api_call *c, const api_op *op)
{
    const char *ref = NULL;
    if (op->flags & OP_BODY_INSTANCE) {
        if (jget_str(&c->err, c->in, "InstanceId", 1, &ref))
            return -1;
    } else if (!(op->flags & OP_NO_INSTANCE) && strstr(op->path, "{InstanceId}")) {
        ref = c->labels[0];
    }
    if (!ref)
        return 0;
    return instances_resolve(&c->cx, ref, 0, &c->inst, &c->err);
}

static int run(api_call *c, const api_env *env, const api_op *op)
{
    request *r = c->r;
    sigv4_request sr = {.method = r->method,
                        .raw_path = r->raw_path,
                        .raw_query = r->raw_query,
                        .headers = r->headers,
                        .n_headers = r->n_headers,
                        .body = (const unsigned char *)r->body.data,
                        .body_len = r->body.len};
    /* A read operation runs in one read transaction: one consistent snapshot, and one
     * transaction start instead of one per statement. A writing operation reads its
     * credentials in a short read transaction and opens its own write transaction in the core. */
    int reading = (strcmp(op->method, "GET") == 0 || (op->flags & OP_BODY_INSTANCE)) && !(op->flags & OP_OWN_TX);
    /* The roster door also takes a console session (its cookie, when there is no signature). */
    int by_session = r->door && r->door->auth == DOOR_AUTH_SIGV4_OR_SESSION && session_door_wants(env, r);
    if (by_session && session_door_authenticate(env, &c->cx, r, &c->who, &c->err))
        return -1;
    if (store_begin(c->cx.conn, 0) != STORE_OK)
        return rerr_set(&c->err, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc = by_session ? 0 : authenticate_sigv4(&c->cx, env->kr, &sr, time(NULL), &c->who, &c->err);
    if (!by_session)
        memcpy(r->log_key, c->who.key_id, sizeof r->log_key);
    if (!reading || rc)
        store_rollback(c->cx.conn);
    if (rc)
        return -1;
    c->cx.who = &c->who;
    if (check_permission(c, op) || parse_body(c) || resolve_instance(c, op))
        rc = -1;
    else
        rc = op->fn(c);
    if (reading)
        store_rollback(c->cx.conn);
    return rc;
}

/* Sends out, or ready when the handler serialised the document itself (taking ready), with
 * status (0: 200). */
static void respond_ok(request *r, int status, json_t *out, char *ready, size_t ready_len)
{
    status = status ? status : 200;
    if (ready) {
        request_respond_take(r, status, content_json, ready, ready_len);
        return;
    }
    if (!out) {
        request_respond(r, status, content_json, NULL, 0);
        return;
    }
    size_t len;
    char *body = jdump(out, &len);
    request_respond_take(r, status, content_json, body, len);
}

static void healthz(const api_env *env, request *r)
{
    store_conn *conn = store_conn_get(env->st);
    int ok = conn && store_ping(conn) == STORE_OK;
    store_conn_put(conn);
    const char *body = ok ? "{\"status\":\"ok\"}" : "{\"status\":\"store unavailable\"}";
    request_respond(r, ok ? 200 : 503, content_json, body, strlen(body));
}

/* The console's embedded files: "/" is index.html. Returns 1 when one answered r. */
static int console_file(request *r)
{
    const http_asset *a = http_asset_find(r->n_segments == 0 ? "/index.html" : r->raw_path);
    if (!a)
        return 0;
    request_respond(r, 200, a->type, (const char *)a->data, a->len);
    return 1;
}

void api_prepare(void *cls, request *r)
{
    const http_door *door = r->door ? r->door : http_door_for(NULL);
    if (door->id == DOOR_ROSTER_UPLOAD) {
        roster_upload_prepare(cls, r);
        return;
    }
}

void api_dispatch(void *cls, request *r)
{
    const api_env *env = cls;
    api_call c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.env = env;
    if (r->refuse_status) {
        respond_refusal(r);
        return;
    }
    const http_door *door = r->door ? r->door : http_door_for(NULL);
    if (door->id == DOOR_ROSTER_UPLOAD) { /* begun at its headers (api_prepare) */
        roster_upload_finish(env, r);
        return;
    }
    if (request_parse_uri(r) != 0) {
        rerr_set(&c.err, ERR_INVALID_REQUEST, NULL, "%s", r->bad_uri);
        respond_error(r, &c.err);
        return;
    }
    if (door->id == DOOR_SCIM) {
        scim_door_dispatch(env, r);
        return;
    }
    if (door->id == DOOR_HEALTH && strcmp(r->method, "GET") == 0) {
        healthz(env, r);
        return;
    }
    if (door->id == DOOR_CONSOLE && strcmp(r->method, "GET") == 0 && console_file(r))
        return;
    if (door->id == DOOR_ROSTER && roster_session_route(env, r))
        return;
    char *greedy = NULL;
    size_t n_labels = 0;
    const api_op *op = route(r, door, c.labels, &n_labels, &greedy);
    if (!op) {
        rerr_set(&c.err, ERR_UNKNOWN_OPERATION, NULL, "No operation is served at %s %s", r->method, r->raw_path);
        respond_error(r, &c.err);
        return;
    }
    c.cx.conn = store_conn_get(env->st);
    c.cx.cfg = env->cfg;
    c.cx.now_ms = now_ms();
    if (!c.cx.conn)
        rerr_set(&c.err, ERR_UNAVAILABLE, NULL, "The store is not available");
    if (c.cx.conn && run(&c, env, op) == 0) {
        if (!c.responded)
            respond_ok(r, c.status, c.out, c.out_body, c.out_len);
        c.out_body = NULL; /* the response took it */
    } else {
        respond_error(r, &c.err);
    }
    store_conn_put(c.cx.conn);
    json_decref(c.in);
    json_decref(c.out);
    free(c.out_body);
    instance_clear(&c.inst);
    principal_clear(&c.who);
    free(greedy);
}
