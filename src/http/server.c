/* server.c — libmicrohttpd glue.
 *
 * The raw request URI comes from MHD's URI-log callback, before MHD decodes anything, because
 * SigV4 signs the path as received and labels must be split on '/' before decoding. The same
 * callback allocates the per-request record that every later callback receives.
 *
 * Bounds on what one client may hold: MHD limits connections per address; a watchdog thread
 * closes (shutdown(2)) connections whose headers or body do not arrive by their deadline (MHD's
 * own timeout is only idle time, which a trickle of bytes defeats). Bodies are counted as they
 * arrive, chunked or not; one past the limit is answered with 413 at once, then the connection
 * lingers: what the client still sends is read and thrown away (HTTP_DRAIN_LIMIT,
 * HTTP_DRAIN_SECONDS) before the socket is closed, so that the client can read the answer.
 *
 * Every answer, refusals included, goes through the dispatch function, so that every error has
 * roster's shape and a request id. What libmicrohttpd 0.9.75 still answers itself, before any
 * callback, is listed in README.md (HTTP limits).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "util/ids.h"
#include "util/log.h"
#include "util/num.h"

/* One open connection as the watchdog sees it. */
typedef struct conn_watch {
    struct http_server *s;
    int fd;
    double deadline;              /* monotonic ms; 0: none (idle, or roster is answering) */
    int linger;                   /* answered before the body was read: drain before closing */
    struct conn_watch *prev, *next;
} conn_watch;

struct http_server {
    struct MHD_Daemon *d;
    http_prepare_fn prepare; /* may be NULL */
    http_dispatch_fn fn;
    void *cls;
    http_limits lim;
    int port;
    atomic_int running;   /* set once MHD_start_daemon has returned a daemon */
    char start_err[256];  /* libmicrohttpd's last message while starting */
    pthread_mutex_t mu;   /* guards watched and stopping */
    pthread_cond_t wake;
    conn_watch *watched;
    int stopping;
    int have_watchdog;
    pthread_t watchdog;
};

/* ---- limits --------------------------------------------------------------------------------- */

static int env_unsigned(const char *name, unsigned lo, unsigned hi, unsigned *out, char *err, size_t errlen)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    int64_t n;
    if (parse_int64(v, lo, hi, &n) != 0) {
        snprintf(err, errlen, "%s must be a whole number from %u to %u, not '%.40s'", name, lo, hi, v);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

int http_limits_from_env(http_limits *l, char *err, size_t errlen)
{
    *l = (http_limits){.per_ip = 128, .header_timeout_s = 10, .body_timeout_s = 60, .idle_timeout_s = 120};
    if (env_unsigned("ROSTER_HTTP_PER_IP_LIMIT", 0, HTTP_MAX_CONNECTIONS, &l->per_ip, err, errlen) ||
        env_unsigned("ROSTER_HTTP_HEADER_TIMEOUT", 1, 3600, &l->header_timeout_s, err, errlen) ||
        env_unsigned("ROSTER_HTTP_BODY_TIMEOUT", 1, 3600, &l->body_timeout_s, err, errlen) ||
        env_unsigned("ROSTER_HTTP_IDLE_TIMEOUT", 1, 3600, &l->idle_timeout_s, err, errlen))
        return -1;
    return 0;
}

/* ---- the watchdog --------------------------------------------------------------------------- */

static conn_watch *watch_of(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Sets con's deadline to seconds from now (0: none). only_if_none: leave a running deadline. */
static void watch_set(struct MHD_Connection *con, unsigned seconds, int only_if_none)
{
    conn_watch *w = watch_of(con);
    if (!w)
        return;
    pthread_mutex_lock(&w->s->mu);
    if (!only_if_none || w->deadline == 0)
        w->deadline = seconds ? mono_ms() + 1000.0 * seconds : 0;
    pthread_mutex_unlock(&w->s->mu);
}

/* Reads and throws away what the client still sends after an early answer (MHD has sent it and
 * is about to close the socket): at most HTTP_DRAIN_LIMIT bytes, HTTP_DRAIN_SECONDS, or until
 * the client closes. Then the close that follows resets nothing the client still needs. */
static void linger_drain(int fd)
{
    shutdown(fd, SHUT_WR);
    double until = mono_ms() + 1000.0 * HTTP_DRAIN_SECONDS;
    size_t total = 0;
    char junk[16384];
    while (total < HTTP_DRAIN_LIMIT) {
        double left = until - mono_ms();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)left + 1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            break;
        ssize_t n = recv(fd, junk, sizeof junk, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            break;
        total += (size_t)n;
    }
}

/* MHD calls this when a connection opens (on the accepting thread) and after it is closed for
 * good, before its socket is released: the watch leaves the list while its fd is still open. */
static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci)
            return;
        conn_watch *w = xcalloc(1, sizeof *w);
        w->s = s;
        w->fd = ci->connect_fd;
        w->deadline = mono_ms() + 1000.0 * s->lim.header_timeout_s;
        pthread_mutex_lock(&s->mu);
        w->next = s->watched;
        if (w->next)
            w->next->prev = w;
        s->watched = w;
        pthread_mutex_unlock(&s->mu);
        *socket_context = w;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_watch *w = *socket_context;
        pthread_mutex_lock(&s->mu);
        if (w->prev)
            w->prev->next = w->next;
        else
            s->watched = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&s->mu);
        if (w->linger)
            linger_drain(w->fd);
        free(w);
        *socket_context = NULL;
    }
}

/* Every quarter second, shuts down the sockets of connections past their deadline; the
 * connection's own thread then sees the end of the stream and closes it. */
static void *watchdog_main(void *arg)
{
    http_server *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->wake, &s->mu, &until);
        double now = mono_ms();
        unsigned closed = 0;
        for (conn_watch *w = s->watched; w; w = w->next) {
            if (w->deadline != 0 && now > w->deadline) {
                shutdown(w->fd, SHUT_RDWR);
                w->deadline = 0;
                closed++;
            }
        }
        if (closed)
            log_info("http: closed %u connection(s) whose request headers or body did not arrive in time", closed);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- requests ------------------------------------------------------------------------------- */

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
    http_server *s = cls;
    /* A later request on a kept-alive connection: its headers get their own deadline. */
    watch_set(con, s->lim.header_timeout_s, 1);
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
    value = value ? value : "";
    r->n_header_fields++;
    r->header_bytes += strlen(key) + strlen(value);
    if (r->n_headers < REQUEST_MAX_HEADERS) {
        r->headers[r->n_headers].name = key;
        r->headers[r->n_headers].value = value;
        r->n_headers++;
    }
    return MHD_YES;
}

static enum MHD_Result collect_cookie(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    request *r = cls;
    if (r->n_cookies < REQUEST_MAX_COOKIES) {
        r->cookies[r->n_cookies].name = key;
        r->cookies[r->n_cookies].value = value ? value : "";
        r->n_cookies++;
    }
    return MHD_YES;
}

/* A streamed body, as MHD asks for it; lives in the MHD response, so that it outlives r. */
typedef struct stream_ctx {
    request_stream_fn fn;
    void *cls;
    void (*free_cls)(void *);
    int ended, failed;
} stream_ctx;

#define STREAM_BLOCK (64 * 1024)

/* Fills one chunk of up to max bytes (64 KiB as asked of MHD) with as many calls of the producer
 * as leave it at least REQUEST_STREAM_MIN bytes each (the first call takes what MHD offers); the
 * end or a failure after some bytes is reported on the next call. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    stream_ctx *sc = cls;
    size_t filled = 0;
    while (!sc->ended && !sc->failed && (filled == 0 || max - filled >= REQUEST_STREAM_MIN)) {
        long n = sc->fn(sc->cls, out + filled, max - filled);
        if (n < 0)
            sc->failed = 1;
        else if (n == 0)
            sc->ended = 1;
        else
            filled += (size_t)n > max - filled ? max - filled : (size_t)n;
    }
    if (filled)
        return (ssize_t)filled;
    return sc->failed ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *cls)
{
    stream_ctx *sc = cls;
    if (sc->free_cls)
        sc->free_cls(sc->cls);
    free(sc);
}

/* The MHD response for r's body: a copy of it, or r's stream (which it takes from r). */
static struct MHD_Response *make_response(request *r)
{
    if (!r->resp_stream)
        return MHD_create_response_from_buffer(r->resp_len, r->resp_body ? r->resp_body : (void *)"",
                                               MHD_RESPMEM_MUST_COPY);
    stream_ctx *sc = xmalloc(sizeof *sc);
    *sc = (stream_ctx){r->resp_stream, r->resp_stream_cls, r->resp_stream_free, 0, 0};
    r->resp_stream = NULL;
    r->resp_stream_free = NULL;
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, sc,
                                                                  stream_free);
    if (!resp)
        stream_free(sc);
    return resp;
}

static void add_security_headers(request *r);

static enum MHD_Result send_response(struct MHD_Connection *con, request *r)
{
    add_security_headers(r);
    struct MHD_Response *resp = make_response(r);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "x-amzn-RequestId", r->id);
    if (r->resp_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        MHD_add_response_header(resp, r->resp_headers[i].name, r->resp_headers[i].value);
    if (r->must_close) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
        conn_watch *w = watch_of(con);
        if (w)
            w->linger = 1; /* read only by this connection's thread */
    }
    r->queued = 1;
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* libmicrohttpd 0.9.75 refuses a response queued while a body is arriving (MHD_queue_response
 * answers MHD_NO until the body has ended), and a chunked body may never end. So this one answer,
 * a refusal of the body, is written to the socket here, before MHD has sent anything for the
 * request; MHD is then told to close the connection, which lingers (linger_drain) so that the
 * client reads it. The same header fields as send_response; nothing from the client is echoed
 * but the request id roster made. Waits at most one second for the socket to take it. */
static void write_answer_mid_body(struct MHD_Connection *con, request *r)
{
    conn_watch *w = watch_of(con);
    if (!w)
        return;
    w->linger = 1;
    add_security_headers(r);
    const char *reason = MHD_get_reason_phrase_for((unsigned)r->status);
    buf out;
    buf_init(&out);
    buf_printf(&out, "HTTP/1.1 %d %s\r\nConnection: close\r\nx-amzn-RequestId: %s\r\n", r->status,
               reason ? reason : "", r->id);
    if (r->resp_type)
        buf_printf(&out, "Content-Type: %s\r\n", r->resp_type);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        buf_printf(&out, "%s: %s\r\n", r->resp_headers[i].name, r->resp_headers[i].value);
    buf_printf(&out, "Content-Length: %zu\r\n\r\n", r->resp_len);
    buf_append(&out, r->resp_body ? r->resp_body : "", r->resp_len);
    double until = mono_ms() + 1000.0;
    for (size_t off = 0; off < out.len && mono_ms() < until;) {
        ssize_t n = send(w->fd, out.data + off, out.len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = {.fd = w->fd, .events = POLLOUT};
            poll(&p, 1, 100);
        } else {
            break;
        }
    }
    buf_free(&out);
}

/* Has the dispatcher fill r's response (a refusal or the operation's answer) and queues it. */
static enum MHD_Result answer(http_server *s, struct MHD_Connection *con, request *r)
{
    watch_set(con, 0, 0); /* roster is answering: no deadline while it works */
    s->fn(s->cls, r);
    if (!r->status)
        request_respond(r, 500, NULL, NULL, 0);
    return send_response(con, r);
}

/* The number of header fields named name, and the first one's value in *first. */
static size_t count_header(const request *r, const char *name, const char **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->headers[i].name, name) == 0) {
            if (!n)
                *first = r->headers[i].value;
            n++;
        }
    }
    return n;
}

/* Refuses what a proxy in front of roster could read differently from roster (request
 * smuggling), what is over the size limits of the request line and headers, and a declared
 * body over the limit. Returns 0, or -1 with r refused. */
static int check_framing(request *r, const char *version)
{
    if (strlen(r->raw_uri) > REQUEST_URI_LIMIT)
        return request_refuse(r, 414, "The request target is longer than 8192 bytes");
    if (r->n_header_fields > REQUEST_MAX_HEADERS)
        return request_refuse(r, 431, "The request has more than 64 header fields");
    if (r->header_bytes > REQUEST_HEADER_BYTES)
        return request_refuse(r, 431, "The request's header fields are larger than 16384 bytes");
    const char *host, *cl, *te;
    size_t n_host = count_header(r, "host", &host);
    size_t n_cl = count_header(r, "content-length", &cl);
    size_t n_te = count_header(r, "transfer-encoding", &te);
    if (n_host > 1)
        return request_refuse(r, 400, "The request has more than one Host header");
    if (n_host == 0 && strncmp(version, "HTTP/1.", 7) == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
        return request_refuse(r, 400, "An HTTP/1.1 request needs a Host header");
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, "content-length") == 0 && strcmp(r->headers[i].value, cl) != 0)
            return request_refuse(r, 400, "The request has Content-Length headers that disagree");
    if (n_te && n_cl)
        return request_refuse(r, 400, "The request has both Transfer-Encoding and Content-Length");
    if (n_te > 1 || (n_te && strcasecmp(te, "chunked") != 0))
        return request_refuse(r, 400, "The only Transfer-Encoding served is one 'chunked'");
    int64_t declared;
    if (cl && parse_int64(cl, 0, INT64_MAX, &declared) != 0)
        return request_refuse(r, 400, "The Content-Length header is not a number");
    if (cl && (uint64_t)declared > request_body_limit(r))
        return request_refuse_too_large(r);
    return 0;
}

/* Writes the connection's peer address (no port) into out, "" when unknown. */
static void peer_address(struct MHD_Connection *con, char *out, size_t cap)
{
    out[0] = '\0';
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

/* The security headers of every answer (README, "Security headers"): nosniff everywhere; the
 * console's pages and files also a strict Content-Security-Policy, no framing and no referrer
 * to other sites; the roster API's answers (sessions, user data) are never cached. */
static void add_security_headers(request *r)
{
    request_add_header(r, "X-Content-Type-Options", "nosniff");
    http_door_id door = r->door ? r->door->id : DOOR_CONNECT;
    if (door == DOOR_CONSOLE) {
        request_add_header(r, "Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'");
        request_add_header(r, "Referrer-Policy", "same-origin");
        request_add_header(r, "X-Frame-Options", "DENY");
    } else if (door == DOOR_ROSTER || door == DOOR_ROSTER_UPLOAD) {
        request_add_header(r, "Cache-Control", "no-store");
        request_add_header(r, "Referrer-Policy", "same-origin");
    }
}

/* First call for a request: the headers are in. Records method and headers; answers at once a
 * request refused for its framing or a body too large to drain; else the body comes next. */
static enum MHD_Result begin(http_server *s, struct MHD_Connection *con, request *r, const char *method,
                             const char *version)
{
    r->started = 1;
    watch_set(con, s->lim.body_timeout_s, 0);
    snprintf(r->method, sizeof r->method, "%s", method);
    peer_address(con, r->peer, sizeof r->peer);
    MHD_get_connection_values(con, MHD_HEADER_KIND, collect_header, r);
    MHD_get_connection_values(con, MHD_COOKIE_KIND, collect_cookie, r);
    const char *q = strchr(r->raw_uri, '?');
    char *path = q ? xstrndup(r->raw_uri, (size_t)(q - r->raw_uri)) : NULL;
    r->door = http_door_for(path ? path : r->raw_uri);
    free(path);
    if (check_framing(r, version) != 0) {
        r->must_close = 1; /* the body (if any) is not read: nothing after it can be trusted */
        return answer(s, con, r);
    }
    if (s->prepare) {
        s->prepare(s->cls, r);
        if (r->status) { /* answered at its headers: the body (if any) is not read */
            watch_set(con, 0, 0);
            r->must_close = request_header(r, "content-length") || request_header(r, "transfer-encoding");
            return send_response(con, r);
        }
    }
    return MHD_YES;
}

/* A piece of body: kept while within the limit; the first byte past it has the request
 * answered with 413 at once (the connection then lingers, see linger_drain). */
static enum MHD_Result body_piece(http_server *s, struct MHD_Connection *con, request *r, const char *data,
                                  size_t n)
{
    r->body_received += n;
    if (r->body_received <= request_body_limit(r)) {
        if (!r->door->streamed)
            buf_append(&r->body, data, n);
        else if (r->body_sink && !r->body_sink_failed && r->body_sink(r->body_sink_cls, data, n) != 0)
            r->body_sink_failed = 1;
        /* A streamed body (an upload of up to hundreds of MiB, stored as it arrives) may take longer
         * than the body timeout in all; it must only never stall that long. */
        if (r->door->streamed)
            watch_set(con, s->lim.body_timeout_s, 0);
        return MHD_YES;
    }
    buf_free(&r->body);
    buf_init(&r->body);
    request_refuse_too_large(r);
    r->must_close = 1;
    watch_set(con, 0, 0);
    s->fn(s->cls, r);
    write_answer_mid_body(con, r);
    return MHD_NO; /* MHD closes the connection; it lingers first (linger_drain) */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)url;
    http_server *s = cls;
    request *r = *con_cls;
    if (!r->started)
        return begin(s, con, r, method, version);
    if (r->queued) { /* answered early: discard what still arrives */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return body_piece(s, con, r, upload_data, n);
    }
    return answer(s, con, r);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    request *r = *con_cls;
    watch_set(con, 0, 0); /* between requests only MHD's idle timeout applies */
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

http_server *http_start(const char *listen, http_prepare_fn prepare, http_dispatch_fn fn, void *cls, char *err,
                        size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    http_limits lim;
    if (http_limits_from_env(&lim, err, errlen) != 0 || parse_listen(listen, &ss, err, errlen) != 0)
        return NULL;
    http_server *s = xcalloc(1, sizeof *s);
    s->prepare = prepare;
    s->fn = fn;
    s->cls = cls;
    s->lim = lim;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, NULL);
    /* One thread per connection: the kernel spreads connections over the cores evenly, and a
     * slow request (a password hash, a busy store) holds up only its own connection. The
     * connection's memory (64 KiB) holds more than the request line and header limits that
     * roster checks itself (REQUEST_URI_LIMIT, REQUEST_HEADER_BYTES), so that those are
     * answered in roster's shape and MHD's own 414/431 only meet far larger requests. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                            (size_t)(64 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, lim.idle_timeout_s,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim.per_ip, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                            (unsigned)1024, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s, MHD_OPTION_END);
    if (!s->d) {
        if (s->start_err[0])
            snprintf(err, errlen, "cannot listen on %s: %s", listen, s->start_err);
        else
            snprintf(err, errlen, "cannot listen on %s (address in use or not permitted?)", listen);
        http_stop(s);
        return NULL;
    }
    atomic_store(&s->running, 1);
    if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
        snprintf(err, errlen, "cannot start the connection watchdog thread");
        http_stop(s);
        return NULL;
    }
    s->have_watchdog = 1;
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
    if (s->have_watchdog) {
        pthread_mutex_lock(&s->mu);
        s->stopping = 1;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->watchdog, NULL);
    }
    if (s->d)
        MHD_stop_daemon(s->d);
    /* MHD reports every closed connection; free any watch it did not (there should be none). */
    while (s->watched) {
        conn_watch *w = s->watched;
        s->watched = w->next;
        free(w);
    }
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
