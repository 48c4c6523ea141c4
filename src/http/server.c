/* server.c — libmicrohttpd glue.
 *
 * The raw request URI comes from MHD's URI-log callback, before MHD decodes anything, because
 * SigV4 signs the path as received and labels must be split on '/' before decoding. The same
 * callback allocates the per-request record that every later callback receives.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/ids.h"
#include "util/log.h"
#include "util/num.h"

struct http_server {
    struct MHD_Daemon *d;
    http_dispatch_fn fn;
    void *cls;
    int port;
    atomic_int running;   /* set once MHD_start_daemon has returned a daemon */
    char start_err[256];  /* libmicrohttpd's last message while starting */
};

/* libmicrohttpd's own messages. While the daemon starts they are kept for http_start's error
 * (so a failed start prints one line); afterwards each becomes one timestamped log record. */
static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    http_server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    if (atomic_load(&s->running))
        log_error("http: %s", msg);
    else
        snprintf(s->start_err, sizeof s->start_err, "%.255s", msg);
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    request *r = xcalloc(1, sizeof *r);
    r->t0 = mono_ms();
    r->raw_uri = xstrdup(uri);
    buf_init(&r->body);
    uuid_v4(r->id);
    return r;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    request *r = cls;
    if (r->n_headers < REQUEST_MAX_HEADERS) {
        r->headers[r->n_headers].name = key;
        r->headers[r->n_headers].value = value ? value : "";
        r->n_headers++;
    }
    return MHD_YES;
}

static enum MHD_Result send_response(struct MHD_Connection *con, request *r)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->resp_len, r->resp_body ? r->resp_body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "x-amzn-RequestId", r->id);
    if (r->resp_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        MHD_add_response_header(resp, r->resp_headers[i].name, r->resp_headers[i].value);
    if (r->body_too_large)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    r->queued = 1;
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void too_large(request *r)
{
    static const char body[] = "{\"Message\":\"The request body is larger than the limit of 1048576 bytes\"}";
    r->body_too_large = 1;
    request_respond(r, 413, "application/json", body, sizeof body - 1);
    request_add_header(r, "X-Amzn-ErrorType", "RequestEntityTooLargeException");
}

/* First call for a request: record method and headers; refuse a declared oversize body at once. */
static enum MHD_Result begin(struct MHD_Connection *con, request *r, const char *method)
{
    r->started = 1;
    snprintf(r->method, sizeof r->method, "%s", method);
    MHD_get_connection_values(con, MHD_HEADER_KIND, collect_header, r);
    const char *cl = request_header(r, "content-length");
    int64_t n;
    if (cl && parse_int64(cl, 0, INT64_MAX, &n) == 0 && n > REQUEST_BODY_LIMIT) {
        too_large(r);
        return send_response(con, r);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)url;
    (void)version;
    http_server *s = cls;
    request *r = *con_cls;
    if (!r->started)
        return begin(con, r, method);
    if (r->queued) { /* refused early (413): drain and discard what still arrives */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->body_too_large && r->body.len + *upload_data_size > REQUEST_BODY_LIMIT)
            too_large(r);
        if (!r->body_too_large)
            buf_append(&r->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!r->body_too_large)
        s->fn(s->cls, r);
    if (!r->status)
        request_respond(r, 500, NULL, NULL, 0);
    return send_response(con, r);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    request *r = *con_cls;
    if (!r)
        return;
    if (r->started)
        log_info("access %s %s %s %d %.1fms %s%s", r->id, r->method, r->raw_path ? r->raw_path : r->raw_uri,
                 r->status, mono_ms() - r->t0, r->log_key[0] ? r->log_key : "-",
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    request_free(r);
    *con_cls = NULL;
}

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address. Returns 0 or -1. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen)
{
    const char *colon = strrchr(listen, ':');
    int64_t port;
    if (!colon || parse_int64(colon + 1, 0, 65535, &port) != 0) {
        snprintf(err, errlen, "listen address '%s' is not HOST:PORT", listen);
        return -1;
    }
    char host[256];
    size_t hlen = (size_t)(colon - listen);
    if (hlen >= 2 && listen[0] == '[' && listen[hlen - 1] == ']') {
        listen++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof host) {
        snprintf(err, errlen, "listen address '%s' has no host", listen);
        return -1;
    }
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", (int)port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "cannot resolve listen host '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

http_server *http_start(const char *listen, http_dispatch_fn fn, void *cls, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (parse_listen(listen, &ss, err, errlen) != 0)
        return NULL;
    http_server *s = xcalloc(1, sizeof *s);
    s->fn = fn;
    s->cls = cls;
    /* One thread per connection: the kernel spreads connections over the cores evenly, and a
     * slow request (a password hash, a busy store) holds up only its own connection. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, s, MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
                            (unsigned)HTTP_MAX_CONNECTIONS, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s, MHD_OPTION_END);
    if (!s->d) {
        if (s->start_err[0])
            snprintf(err, errlen, "cannot listen on %s: %s", listen, s->start_err);
        else
            snprintf(err, errlen, "cannot listen on %s (address in use or not permitted?)", listen);
        free(s);
        return NULL;
    }
    atomic_store(&s->running, 1);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

int http_port(const http_server *s)
{
    return s->port;
}

void http_stop(http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
