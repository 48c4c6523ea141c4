/* server.h — the HTTP server (libmicrohttpd): accepts connections, gathers each request
 * with its raw URI, headers and body (limited by the request's door, doors.h), hands it to one
 * dispatch function, sends what that function put in the request, and writes one access-log
 * line per request. It knows nothing of AWS, JSON or the store. */
#ifndef ROSTER_HTTP_SERVER_H
#define ROSTER_HTTP_SERVER_H

#include <stddef.h>

#include "http/request.h"

/* Fills r's response. Called on a server thread once the whole request has arrived (or at once
 * for a request the server refused: r->refuse_status). */
typedef void (*http_dispatch_fn)(void *cls, request *r);

/* Called once the headers are in and pass the server's checks, before any body: may answer at
 * once (set r's response: the body is then not read), or set r->body_sink for a streamed door.
 * A streamed door without a sink has its body discarded, never buffered. */
typedef void (*http_prepare_fn)(void *cls, request *r);

typedef struct http_server http_server;

/* Connections served at once (one thread each); more wait in the listen backlog. */
#define HTTP_MAX_CONNECTIONS 1024

/* A request answered before its body was read (413, a framing error) has its connection closed
 * after the answer; until then roster reads and throws away what the client still sends, at
 * most HTTP_DRAIN_LIMIT bytes for at most HTTP_DRAIN_SECONDS, so that a client that writes its
 * whole body before reading (Node.js, the AWS SDK for JavaScript) reads the answer instead of
 * failing its write on a reset connection (and retrying). */
#define HTTP_DRAIN_LIMIT (16 * 1024 * 1024)
#define HTTP_DRAIN_SECONDS 10

/* What bounds one client. Every value comes from the environment when set (whole numbers):
 *   ROSTER_HTTP_PER_IP_LIMIT    connections one client address may hold (default 128; 0: no
 *                               limit — for a reverse proxy on the same host, whose connections
 *                               all come from one address and which must then bound clients)
 *   ROSTER_HTTP_HEADER_TIMEOUT  seconds from a connection's start (or a later request's request
 *                               line) to the end of its headers (default 10)
 *   ROSTER_HTTP_BODY_TIMEOUT    seconds from the end of the headers to the end of the body
 *                               (default 60)
 *   ROSTER_HTTP_IDLE_TIMEOUT    seconds a connection may stay silent (default 120)
 * A request past a deadline has its connection closed. */
typedef struct http_limits {
    unsigned per_ip;
    unsigned header_timeout_s;
    unsigned body_timeout_s;
    unsigned idle_timeout_s;
} http_limits;

/* Fills *l from the defaults and the environment. Returns 0, or -1 with a message in err when a
 * variable is set to something that is not a whole number in range. */
int http_limits_from_env(http_limits *l, char *err, size_t errlen);

/* Listens on listen ("HOST:PORT", "[V6]:PORT"; port 0 picks a free one), one thread per
 * connection, with the limits of http_limits_from_env. Returns NULL with a message in err on
 * failure. */
http_server *http_start(const char *listen, http_prepare_fn prepare, http_dispatch_fn fn, void *cls, char *err,
                        size_t errlen);
/* The port actually bound. */
int http_port(const http_server *s);
void http_stop(http_server *s);

#endif
