/* server.h — the HTTP server (libmicrohttpd): accepts connections, gathers each request
 * with its raw URI, headers and body (limited to REQUEST_BODY_LIMIT), hands it to one
 * dispatch function, sends what that function put in the request, and writes one access-log
 * line per request. It knows nothing of AWS, JSON or the store. */
#ifndef ROSTER_HTTP_SERVER_H
#define ROSTER_HTTP_SERVER_H

#include <stddef.h>

#include "http/request.h"

/* Fills r's response. Called on a server thread once the whole request has arrived. */
typedef void (*http_dispatch_fn)(void *cls, request *r);

typedef struct http_server http_server;

/* Connections served at once (one thread each); more wait in the listen backlog. */
#define HTTP_MAX_CONNECTIONS 1024

/* Listens on listen ("HOST:PORT", "[V6]:PORT"; port 0 picks a free one), one thread per
 * connection. Returns NULL with a message in err on failure. */
http_server *http_start(const char *listen, http_dispatch_fn fn, void *cls, char *err, size_t errlen);
/* The port actually bound. */
int http_port(const http_server *s);
void http_stop(http_server *s);

#endif
