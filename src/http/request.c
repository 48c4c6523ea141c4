/* request.c — the request record: URI splitting and decoding, lookups, the response. */
#include "http/request.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *request_header(const request *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *request_cookie(const request *r, const char *name)
{
    for (size_t i = 0; i < r->n_cookies; i++)
        if (strcmp(r->cookies[i].name, name) == 0)
            return r->cookies[i].value;
    return NULL;
}

size_t request_body_limit(const request *r)
{
    return (r->door ? r->door : http_door_for(NULL))->body_limit;
}

const char *request_param(const request *r, const char *key)
{
    for (size_t i = 0; i < r->n_params; i++)
        if (strcmp(r->params[i].key, key) == 0)
            return r->params[i].value;
    return NULL;
}

void request_respond_take(request *r, int status, const char *type, char *body, size_t len)
{
    free(r->resp_body);
    r->status = status;
    r->resp_type = type;
    r->resp_body = body;
    r->resp_len = body ? len : 0;
}

void request_respond(request *r, int status, const char *type, const char *body, size_t len)
{
    request_respond_take(r, status, type, body ? xstrndup(body, len) : NULL, len);
}

void request_respond_stream(request *r, int status, const char *type, request_stream_fn fn, void *cls,
                            void (*free_cls)(void *))
{
    request_respond_take(r, status, type, NULL, 0);
    if (r->resp_stream_free)
        r->resp_stream_free(r->resp_stream_cls);
    r->resp_stream = fn;
    r->resp_stream_cls = cls;
    r->resp_stream_free = free_cls;
}

void request_add_header(request *r, const char *name, const char *value)
{
    if (r->n_resp_headers == r->cap_resp_headers) {
        r->cap_resp_headers = r->cap_resp_headers ? 2 * r->cap_resp_headers : 4;
        r->resp_headers = xrealloc(r->resp_headers, r->cap_resp_headers * sizeof *r->resp_headers);
    }
    r->resp_headers[r->n_resp_headers].name = name;
    r->resp_headers[r->n_resp_headers].value = xstrdup(value);
    r->n_resp_headers++;
}

char *percent_decode(const char *s, size_t n)
{
    char *out = xstrndup(s, n);
    size_t len = MHD_http_unescape(out);
    out[len] = '\0';
    return out;
}

/* Decodes one piece; returns NULL when it decodes to text with an embedded NUL. */
static char *decode_piece(const char *s, size_t n)
{
    char *d = xstrndup(s, n);
    size_t len = MHD_http_unescape(d);
    d[len] = '\0';
    if (strlen(d) != len) {
        free(d);
        return NULL;
    }
    return d;
}

/* A decoded segment that names the current or the parent directory. */
static int is_dot_segment(const char *seg)
{
    return strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0;
}

static int split_path(request *r)
{
    const char *p = r->raw_path;
    if (*p != '/') {
        r->bad_uri = "The request target is not an absolute path";
        return -1;
    }
    p++;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (r->n_segments == REQUEST_MAX_SEGMENTS) {
            r->bad_uri = "The request path has more than 16 segments";
            return -1;
        }
        if (n == 0) {
            r->bad_uri = "The request path has an empty segment ('//')";
            return -1;
        }
        char *seg = decode_piece(p, n);
        if (!seg) {
            r->bad_uri = "The request path holds an encoded NUL";
            return -1;
        }
        r->segments[r->n_segments++] = seg;
        if (is_dot_segment(seg)) {
            r->bad_uri = "The request path has a '.' or '..' segment (also percent-encoded), which is not served";
            return -1;
        }
        if (!slash)
            break;
        p = slash + 1;
        if (!*p) { /* a trailing '/' gives a last empty segment, which must fit as any other */
            if (r->n_segments == REQUEST_MAX_SEGMENTS) {
                r->bad_uri = "The request path has more than 16 segments";
                return -1;
            }
            r->segments[r->n_segments++] = xstrdup("");
        }
    }
    return 0;
}

static int split_query(request *r)
{
    const char *p = r->raw_query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > 0) {
            if (r->n_params == REQUEST_MAX_PARAMS) {
                r->bad_uri = "The request has more than 64 query parameters";
                return -1;
            }
            const char *eq = memchr(p, '=', n);
            size_t klen = eq ? (size_t)(eq - p) : n;
            qparam *q = &r->params[r->n_params];
            q->key = decode_piece(p, klen);
            q->value = eq ? decode_piece(eq + 1, n - klen - 1) : xstrdup("");
            if (!q->key || !q->value) {
                free(q->key);
                free(q->value);
                r->bad_uri = "The query string holds an encoded NUL";
                return -1;
            }
            r->n_params++;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

int request_parse_uri(request *r)
{
    const char *q = strchr(r->raw_uri, '?');
    r->raw_path = q ? xstrndup(r->raw_uri, (size_t)(q - r->raw_uri)) : xstrdup(r->raw_uri);
    r->raw_query = q ? xstrdup(q + 1) : NULL;
    if (split_path(r) != 0 || split_query(r) != 0)
        return -1;
    return 0;
}

int request_refuse_too_large(request *r)
{
    if (!r->refuse_status)
        snprintf(r->refuse_text, sizeof r->refuse_text, "The request body is larger than the limit of %zu bytes",
                 request_body_limit(r));
    return request_refuse(r, 413, r->refuse_text);
}

int request_refuse(request *r, int status, const char *msg)
{
    if (!r->refuse_status) {
        r->refuse_status = status;
        r->refuse_msg = msg;
    }
    return -1;
}

void request_free(request *r)
{
    if (!r)
        return;
    free(r->raw_uri);
    free(r->raw_path);
    free(r->raw_query);
    for (size_t i = 0; i < r->n_segments; i++)
        free(r->segments[i]);
    for (size_t i = 0; i < r->n_params; i++) {
        free(r->params[i].key);
        free(r->params[i].value);
    }
    buf_free(&r->body);
    free(r->resp_body);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        free(r->resp_headers[i].value);
    free(r->resp_headers);
    if (r->body_sink_free)
        r->body_sink_free(r->body_sink_cls);
    if (r->resp_stream_free) /* never handed to the server */
        r->resp_stream_free(r->resp_stream_cls);
    free(r);
}
