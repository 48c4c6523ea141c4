/* test_http_server.c — the HTTP server with prepare and dispatch functions of the test's own, on
 * a loopback port: a streamed response (100,000 lines produced while they are sent, never whole
 * in memory), a streamed upload (chunks to a sink, never in r->body), several Set-Cookie headers,
 * cookies read by name, an answer at the headers, and refusals handed to the dispatcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/server.h"

#define LINES 100000

typedef struct counter {
    int next;
    int *freed;
} counter;

/* One line per call: the server asks again until 0. */
static long next_line(void *cls, char *out, size_t max)
{
    counter *c = cls;
    if (c->next == LINES)
        return 0;
    int n = snprintf(out, max, "user-%06d\n", c->next);
    if (n < 0 || (size_t)n >= max)
        return -1;
    c->next++;
    return n;
}

static int streams_freed;

static void free_counter(void *cls)
{
    counter *c = cls;
    (*c->freed)++;
    free(c);
}

typedef struct upload {
    size_t bytes;
    unsigned long sum;
} upload;

static int upload_sink(void *cls, const char *data, size_t n)
{
    upload *u = cls;
    u->bytes += n;
    for (size_t i = 0; i < n; i++)
        u->sum += (unsigned char)data[i];
    return 0;
}

static void prepare(void *cls, request *r)
{
    (void)cls;
    if (r->door->id == DOOR_ROSTER_UPLOAD) {
        r->body_sink = upload_sink;
        r->body_sink_cls = calloc(1, sizeof(upload));
        r->body_sink_free = free;
    } else if (r->door->id == DOOR_SCIM) {
        request_respond(r, 404, "text/plain", "early", 5);
    }
}

static void dispatch(void *cls, request *r)
{
    (void)cls;
    if (r->body_sink) {
        upload *u = r->body_sink_cls;
        char text[96];
        snprintf(text, sizeof text, "bytes=%zu sum=%lu kept=%zu", u->bytes, u->sum, r->body.len);
        request_respond(r, 200, "text/plain", text, strlen(text));
        return;
    }
    if (r->refuse_status) {
        request_respond(r, r->refuse_status, "text/plain", r->refuse_msg, strlen(r->refuse_msg));
        return;
    }
    if (strcmp(r->raw_uri, "/stream") == 0) {
        counter *c = calloc(1, sizeof *c);
        c->freed = &streams_freed;
        request_respond_stream(r, 200, "text/csv", next_line, c, free_counter);
        return;
    }
    if (strcmp(r->raw_uri, "/cookies") == 0) {
        const char *s = request_cookie(r, "session");
        request_add_header(r, "Set-Cookie", "a=1; HttpOnly");
        request_add_header(r, "Set-Cookie", "b=2; SameSite=Strict");
        request_add_header(r, "Set-Cookie", "c=3; Path=/");
        request_respond(r, 200, "text/plain", s ? s : "none", strlen(s ? s : "none"));
        return;
    }
    request_respond(r, 404, "text/plain", "no", 2);
}

/* Sends req (n bytes) to the server and reads until it closes (at most 10 s, 8 MiB). Caller frees. */
static char *exchange_n(int port, const char *req, size_t req_len, size_t *len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    for (size_t off = 0; off < req_len;) {
        ssize_t sent = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
        assert_true(sent > 0);
        off += (size_t)sent;
    }
    size_t cap = 8 * 1024 * 1024, n = 0;
    char *out = malloc(cap + 1);
    for (;;) {
        ssize_t got = recv(fd, out + n, cap - n, 0);
        if (got <= 0)
            break;
        n += (size_t)got;
        if (n == cap)
            break;
    }
    close(fd);
    out[n] = '\0';
    *len = n;
    return out;
}

static char *exchange(int port, const char *req, size_t *len)
{
    return exchange_n(port, req, strlen(req), len);
}

/* Occurrences of needle in hay (one pass: ASan's strstr measures the haystack on every call). */
static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (*p == needle[0] && strncmp(p, needle, len) == 0)
            n++;
    return n;
}

static void streamed_response(void **state)
{
    int port = *(int *)*state;
    size_t len;
    char *out = exchange(port, "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &len);
    assert_non_null(strstr(out, "HTTP/1.1 200"));
    assert_non_null(strstr(out, "Transfer-Encoding: chunked"));
    assert_non_null(strstr(out, "x-amzn-RequestId: "));
    assert_non_null(strstr(out, "user-000000\n"));
    assert_non_null(strstr(out, "user-099999\n"));
    assert_int_equal(count(out, "user-"), LINES);
    free(out);
    /* The producer is freed once the response is done. */
    for (int i = 0; i < 100 && streams_freed == 0; i++)
        usleep(10000);
    assert_int_equal(streams_freed, 1);
}

static void cookies_and_several_set_cookie(void **state)
{
    int port = *(int *)*state;
    size_t len;
    char *out = exchange(port,
                         "GET /cookies HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; session=s3cr3t\r\n"
                         "Connection: close\r\n\r\n",
                         &len);
    assert_non_null(strstr(out, "HTTP/1.1 200"));
    assert_int_equal(count(out, "Set-Cookie: "), 3);
    assert_non_null(strstr(out, "Set-Cookie: b=2; SameSite=Strict"));
    assert_non_null(strstr(out, "\r\n\r\ns3cr3t"));
    free(out);
}

static void refusal_goes_to_dispatch(void **state)
{
    int port = *(int *)*state;
    size_t len;
    char *out = exchange(port, "GET /x/../y HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                         &len);
    assert_non_null(strstr(out, "HTTP/1.1 400"));
    assert_non_null(strstr(out, "Content-Length headers that disagree"));
    free(out);
}

static char *upload_request(size_t size, int chunked, size_t *len)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "POST /roster/v1/instances/x/imports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    if (chunked)
        buf_puts(&b, "Transfer-Encoding: chunked\r\n\r\n");
    else
        buf_printf(&b, "Content-Length: %zu\r\n\r\n", size);
    for (size_t off = 0; off < size; off += 65536) {
        size_t n = size - off < 65536 ? size - off : 65536;
        if (chunked)
            buf_printf(&b, "%zx\r\n", n);
        for (size_t i = 0; i < n; i++)
            buf_putc(&b, (char)('a' + (off + i) % 26));
        if (chunked)
            buf_puts(&b, "\r\n");
    }
    if (chunked)
        buf_puts(&b, "0\r\n\r\n");
    *len = b.len;
    return buf_detach(&b);
}

static void streamed_upload(void **state)
{
    int port = *(int *)*state;
    size_t size = 3 * 1024 * 1024 + 7; /* over the Connect door's 1 MiB: the upload door takes it */
    unsigned long sum = 0;
    for (size_t i = 0; i < size; i++)
        sum += (unsigned long)('a' + i % 26);
    char expect[96];
    snprintf(expect, sizeof expect, "bytes=%zu sum=%lu kept=0", size, sum);
    for (int chunked = 0; chunked < 2; chunked++) {
        size_t n;
        char *req = upload_request(size, chunked, &n);
        size_t len;
        char *out = exchange_n(port, req, n, &len);
        assert_non_null(strstr(out, "HTTP/1.1 200"));
        assert_non_null(strstr(out, expect));
        free(out);
        free(req);
    }
}

static void answered_at_the_headers(void **state)
{
    int port = *(int *)*state;
    size_t len;
    char *out = exchange(port, "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &len);
    assert_non_null(strstr(out, "HTTP/1.1 404"));
    assert_non_null(strstr(out, "\r\n\r\nearly"));
    free(out);
}

static http_server *srv;
static int srv_port;

static int start(void **state)
{
    char err[256];
    srv = http_start("127.0.0.1:0", prepare, dispatch, NULL, err, sizeof err);
    if (!srv)
        return -1;
    srv_port = http_port(srv);
    *state = &srv_port;
    return 0;
}

static int stop(void **state)
{
    (void)state;
    http_stop(srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streamed_response),
        cmocka_unit_test(cookies_and_several_set_cookie),
        cmocka_unit_test(refusal_goes_to_dispatch),
        cmocka_unit_test(streamed_upload),
        cmocka_unit_test(answered_at_the_headers),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
