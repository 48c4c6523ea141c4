/* test_http_server.c — the HTTP server with a dispatch function of the test's own, on a loopback
 * port: a streamed response (100,000 lines produced while they are sent, never whole in memory),
 * several Set-Cookie headers, cookies read by name, and refusals handed to the dispatcher. */
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

static void dispatch(void *cls, request *r)
{
    (void)cls;
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

/* Sends req to the server and reads until it closes (at most 10 s, 8 MiB). Caller frees. */
static char *exchange(int port, const char *req, size_t *len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
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

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
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

static http_server *srv;
static int srv_port;

static int start(void **state)
{
    char err[256];
    srv = http_start("127.0.0.1:0", dispatch, NULL, err, sizeof err);
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
    };
    return cmocka_run_group_tests(tests, start, stop);
}
