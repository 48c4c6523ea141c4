/* request.h — one HTTP request as roster's handlers see it, and the response they build.
 *
 * The server fills the wire part (method, raw path and query as received, decoded path
 * segments and query parameters, headers, body); the dispatcher fills the rest. Everything
 * hangs off the request and is freed in one place (request_free) when the response is done.
 */
#ifndef ROSTER_HTTP_REQUEST_H
#define ROSTER_HTTP_REQUEST_H

#include <stddef.h>

#include "crypto/sigv4.h"
#include "http/doors.h"
#include "util/buf.h"

#define REQUEST_MAX_SEGMENTS 16
#define REQUEST_MAX_PARAMS 64
#define REQUEST_MAX_HEADERS 64          /* more header fields: 431 */
#define REQUEST_HEADER_BYTES (16 * 1024) /* names and values together; more: 431 */
#define REQUEST_URI_LIMIT (8 * 1024)    /* the request target; longer: 414 */
#define REQUEST_MAX_COOKIES 32          /* more are ignored */

typedef struct qparam {
    char *key;                   /* decoded */
    char *value;                 /* decoded; "" when the item had no '=' */
} qparam;

/* A streamed response body: called again and again for the next bytes, at most max into out
 * (max is at least REQUEST_STREAM_MIN unless libmicrohttpd offers less; the server fills each
 * chunk it sends with as many calls as fit); returns how many (> 0), 0 at the end, -1 on
 * failure (the connection is then cut short). */
#define REQUEST_STREAM_MIN 4096
typedef long (*request_stream_fn)(void *cls, char *out, size_t max);

/* Where a streamed door's body goes, piece by piece, as it arrives: returns 0, or -1 to stop
 * (what follows is discarded; the dispatcher still answers once the body has ended). */
typedef int (*request_body_sink_fn)(void *cls, const char *data, size_t n);

typedef struct request {
    char id[37];                 /* request id, a UUID, sent back as x-amzn-RequestId */
    char method[16];
    char *raw_uri;               /* exactly as on the request line */
    char *raw_path;              /* raw_uri before '?' */
    char *raw_query;             /* raw_uri after '?', or NULL */
    char *segments[REQUEST_MAX_SEGMENTS]; /* the path split on '/', each percent-decoded */
    size_t n_segments;
    const char *bad_uri;         /* why the URI cannot be served (static text), or NULL */
    qparam params[REQUEST_MAX_PARAMS];
    size_t n_params;
    sigv4_header headers[REQUEST_MAX_HEADERS]; /* point into the server's own storage */
    size_t n_headers;
    sigv4_header cookies[REQUEST_MAX_COOKIES]; /* name/value, parsed by libmicrohttpd; the same */
    size_t n_cookies;
    const http_door *door;       /* set by the server once the headers are in; NULL: Connect's */
    char peer[48];               /* the client's address (the TCP peer), as inet_ntop writes it, or "" */
    size_t n_header_fields;      /* every header field, also those past REQUEST_MAX_HEADERS */
    size_t header_bytes;         /* their names and values */
    buf body;                    /* the body, except for a streamed door (always empty there) */
    request_body_sink_fn body_sink; /* a streamed door's body goes here (set by the prepare step) */
    void *body_sink_cls;
    void (*body_sink_free)(void *cls); /* run by request_free (may be NULL) */
    int body_sink_failed;        /* the sink returned -1 */
    size_t body_received;        /* bytes of body that arrived, kept or discarded */
    /* Set by the server when it refuses the request before dispatch (framing, sizes); the
     * dispatcher then answers this error instead of routing. */
    int refuse_status;           /* 0, or 400, 413, 414, 431 */
    const char *refuse_msg;      /* static text, or refuse_text */
    char refuse_text[96];
    int must_close;              /* the body was not read to its end: close after answering */
    int started;
    int queued;                  /* a response has been handed to the server */
    double t0;                   /* monotonic ms at arrival */

    /* response */
    int status;
    char *resp_body;             /* malloc'd, or NULL for an empty body */
    size_t resp_len;
    const char *resp_type;       /* Content-Type, static */
    request_stream_fn resp_stream; /* or a body produced while it is sent (chunked), never whole */
    void *resp_stream_cls;
    void (*resp_stream_free)(void *cls); /* called once the response is done (may be NULL) */
    struct request_header_out {
        const char *name;        /* static */
        char *value;             /* malloc'd */
    } *resp_headers;             /* malloc'd; any number (several Set-Cookie) */
    size_t n_resp_headers, cap_resp_headers;
    char log_key[24];            /* the access key id for the access log, or "" */
} request;

/* The value of the first header named name (case-insensitive), or NULL. */
const char *request_header(const request *r, const char *name);

/* The first value of query parameter key, or NULL. */
const char *request_param(const request *r, const char *key);

/* Sets the response: status, body (copied; NULL for none) and content type. */
void request_respond(request *r, int status, const char *type, const char *body, size_t len);
/* Takes ownership of body (malloc'd). */
void request_respond_take(request *r, int status, const char *type, char *body, size_t len);
/* Sets a streamed response: status, content type, and fn called for the body as it is sent;
 * free_cls(cls) runs when the response is done or abandoned. Replaces any body set before. */
void request_respond_stream(request *r, int status, const char *type, request_stream_fn fn, void *cls,
                            void (*free_cls)(void *));

/* Adds a response header (name static, value copied); a name may repeat (Set-Cookie). */
void request_add_header(request *r, const char *name, const char *value);

/* The value of cookie name, or NULL. */
const char *request_cookie(const request *r, const char *name);

/* The limit of r's door (Connect's when the server has not set one). */
size_t request_body_limit(const request *r);

/* Marks r refused with status (400, 413, 414, 431) and msg (static); the first refusal stays.
 * Returns -1, so that callers write `return request_refuse(…);`. */
int request_refuse(request *r, int status, const char *msg);
/* request_refuse with 413 and a message naming r's body limit. Returns -1. */
int request_refuse_too_large(request *r);

/* Splits raw_uri into raw_path/raw_query, decodes segments and parameters. Returns 0, or -1
 * when the URI is not usable, with the reason in bad_uri: not an absolute path, an empty
 * segment ("//") before the last, a dot segment ("." or "..", also percent-encoded: SigV4
 * verifies the path with dot segments resolved, so routing it raw would route another path
 * than the one verified), an encoded NUL, too many segments or parameters. */
int request_parse_uri(request *r);

/* Percent-decodes s (n bytes) into a malloc'd string; '+' stays '+'. Caller frees. */
char *percent_decode(const char *s, size_t n);

void request_free(request *r);

#endif
