/* test_request.c — URI splitting and percent-decoding of path segments and query parameters,
 * the refusals of paths that could be verified and routed differently, the doors and their
 * limits, cookies, and responses with any number of headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/request.h"

static request *parse(const char *uri, int *rc)
{
    request *r = xcalloc(1, sizeof *r);
    buf_init(&r->body);
    r->raw_uri = xstrdup(uri);
    *rc = request_parse_uri(r);
    return r;
}

static void segments_decoded_after_split(void **state)
{
    (void)state;
    int rc;
    /* The capture describe-user-odd-chars-in-ids.http: ids "a b/c" and "ü:x". */
    request *r = parse("/users/a%20b%2Fc/%C3%BC%3Ax", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 3);
    assert_string_equal(r->segments[0], "users");
    assert_string_equal(r->segments[1], "a b/c");
    assert_string_equal(r->segments[2], "\xc3\xbc:x");
    assert_string_equal(r->raw_path, "/users/a%20b%2Fc/%C3%BC%3Ax");
    assert_null(r->raw_query);
    request_free(r);
}

static void encoded_arn_is_one_segment(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/tags/arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Ainstance%2Fabc%2Fagent%2Fdef", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 2);
    assert_string_equal(r->segments[1], "arn:aws:connect:us-east-1:123456789012:instance/abc/agent/def");
    request_free(r);
}

static void query_any_order_and_repeated_keys(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/users-summary/x?nextToken=tok%2Fwith%2Bspecial%3Dchars%3D%3D&maxResults=10"
                       "&tagKeys=a&tagKeys=b&flag",
                       &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(r->raw_query, "nextToken=tok%2Fwith%2Bspecial%3Dchars%3D%3D&maxResults=10&tagKeys=a&tagKeys=b&flag");
    assert_int_equal(r->n_params, 5);
    assert_string_equal(request_param(r, "maxResults"), "10");
    assert_string_equal(request_param(r, "nextToken"), "tok/with+special=chars==");
    assert_string_equal(r->params[2].key, "tagKeys");
    assert_string_equal(r->params[2].value, "a");
    assert_string_equal(r->params[3].value, "b");
    assert_string_equal(request_param(r, "flag"), "");
    assert_null(request_param(r, "missing"));
    request_free(r);
}

static void plus_stays_literal(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/x?v=a+b%2Bc", &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(request_param(r, "v"), "a+b+c");
    request_free(r);
}

static void embedded_nul_refused(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/instance/abc%00def", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(r->bad_uri);
    request_free(r);
    r = parse("/instance?x=%00", &rc);
    assert_int_equal(rc, -1);
    request_free(r);
}

static void too_many_segments_refused(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", &rc);
    assert_int_equal(rc, -1);
    request_free(r);
}

static void root_and_trailing_slash(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 0);
    request_free(r);
    r = parse("/instance/", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 2);
    assert_string_equal(r->segments[1], "");
    request_free(r);
}

static void headers_case_insensitive(void **state)
{
    (void)state;
    request r;
    memset(&r, 0, sizeof r);
    r.headers[0].name = "Content-Type";
    r.headers[0].value = "application/json";
    r.n_headers = 1;
    assert_string_equal(request_header(&r, "content-type"), "application/json");
    assert_null(request_header(&r, "x-amz-date"));
}

static void dot_and_empty_segments_refused(void **state)
{
    (void)state;
    const char *bad[] = {"/users/../instance", "/instance/..", "/instance/.", "/./instance", "/instance/%2e%2e",
                         "/instance/%2E", "/a/%2e%2E/b", "/instance//x", "//instance", "instance", "*",
                         "http://host/instance"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc;
        request *r = parse(bad[i], &rc);
        assert_int_equal(rc, -1);
        assert_non_null(r->bad_uri);
        request_free(r);
    }
    /* Dots inside a segment are ordinary text. */
    int rc;
    request *r = parse("/instance/a.b/..c/.d", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 4);
    request_free(r);
}

static void sixteen_segments_and_trailing_slash_refused(void **state)
{
    (void)state;
    int rc;
    request *r = parse("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/", &rc);
    assert_int_equal(rc, -1);
    request_free(r);
    r = parse("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(r->n_segments, 16);
    request_free(r);
}

static void doors_by_path(void **state)
{
    (void)state;
    assert_int_equal(http_door_for("/instance")->id, DOOR_CONNECT);
    assert_int_equal(http_door_for(NULL)->id, DOOR_CONNECT);
    assert_int_equal(http_door_for("/healthz")->id, DOOR_HEALTH);
    assert_int_equal(http_door_for("/healthz/x")->id, DOOR_CONNECT);
    assert_int_equal(http_door_for("/")->id, DOOR_CONSOLE);
    assert_int_equal(http_door_for("/static/app.js")->id, DOOR_CONSOLE);
    assert_int_equal(http_door_for("/staticx")->id, DOOR_CONNECT);
    assert_int_equal(http_door_for("/roster/v1/users")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v1")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v10")->id, DOOR_CONNECT);
    assert_int_equal(http_door_for("/roster/v1/instances/abc/imports")->id, DOOR_ROSTER_UPLOAD);
    assert_int_equal(http_door_for("/roster/v1/instances//imports")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v1/instances/abc/imports/x")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v1/instances/a/b/imports")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v1/instances/abc/jobs")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/roster/v1/uploads/abc")->id, DOOR_ROSTER);
    assert_int_equal(http_door_for("/scim/v2/Users")->id, DOOR_SCIM);
    assert_int_equal(http_door_for("/scim/v2x")->id, DOOR_CONNECT);
    /* Each door its own authentication and limit. */
    assert_int_equal(http_door_for("/instance")->auth, DOOR_AUTH_SIGV4);
    assert_int_equal(http_door_for("/instance")->body_limit, 1024 * 1024);
    assert_int_equal(http_door_for("/scim/v2/Users")->auth, DOOR_AUTH_BEARER);
    assert_int_equal(http_door_for("/roster/v1/instances/x/imports")->body_limit, 256 * 1024 * 1024);
    assert_true(http_door_for("/roster/v1/instances/x/imports")->streamed);
    assert_false(http_door_for("/roster/v1/instances/x/jobs")->streamed);
    assert_int_equal(http_door_for("/roster/v1/instances/x/jobs")->body_limit, 1024 * 1024);
    assert_int_equal(http_door_for("/healthz")->body_limit, 0);
}

static void upload_limit_is_settable(void **state)
{
    (void)state;
    assert_int_equal(http_doors_set_upload_limit(0), -1);
    assert_int_equal(http_doors_set_upload_limit(UPLOAD_BODY_LIMIT_MAX + 1), -1);
    assert_int_equal(http_door_for("/roster/v1/instances/x/imports")->body_limit, UPLOAD_BODY_LIMIT);
    assert_int_equal(http_doors_set_upload_limit(1000), 0);
    assert_int_equal(http_door_for("/roster/v1/instances/x/imports")->body_limit, 1000);
    assert_int_equal(http_door_for("/roster/v1/instances/x/jobs")->body_limit, REQUEST_BODY_LIMIT);
    assert_int_equal(http_doors_set_upload_limit(UPLOAD_BODY_LIMIT), 0);
}

static void body_limit_and_too_large_message(void **state)
{
    (void)state;
    request *r = xcalloc(1, sizeof *r);
    assert_int_equal(request_body_limit(r), 1024 * 1024); /* no door yet: Connect's */
    r->door = http_door_for("/scim/v2/Users");
    assert_int_equal(request_refuse_too_large(r), -1);
    assert_int_equal(r->refuse_status, 413);
    assert_string_equal(r->refuse_msg, "The request body is larger than the limit of 1048576 bytes");
    /* The first refusal stays. */
    request_refuse(r, 400, "other");
    assert_int_equal(r->refuse_status, 413);
    request_free(r);
}

static void cookies_by_name(void **state)
{
    (void)state;
    request r;
    memset(&r, 0, sizeof r);
    r.cookies[0].name = "session";
    r.cookies[0].value = "abc";
    r.cookies[1].name = "csrf";
    r.cookies[1].value = "";
    r.n_cookies = 2;
    assert_string_equal(request_cookie(&r, "session"), "abc");
    assert_string_equal(request_cookie(&r, "csrf"), "");
    assert_null(request_cookie(&r, "Session")); /* cookie names are case-sensitive */
}

static void any_number_of_response_headers(void **state)
{
    (void)state;
    request *r = xcalloc(1, sizeof *r);
    char v[32];
    for (int i = 0; i < 40; i++) {
        snprintf(v, sizeof v, "c%d=v; HttpOnly", i);
        request_add_header(r, "Set-Cookie", v);
    }
    assert_int_equal(r->n_resp_headers, 40);
    assert_string_equal(r->resp_headers[0].value, "c0=v; HttpOnly");
    assert_string_equal(r->resp_headers[39].value, "c39=v; HttpOnly");
    request_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segments_decoded_after_split),
        cmocka_unit_test(encoded_arn_is_one_segment),
        cmocka_unit_test(query_any_order_and_repeated_keys),
        cmocka_unit_test(plus_stays_literal),
        cmocka_unit_test(embedded_nul_refused),
        cmocka_unit_test(too_many_segments_refused),
        cmocka_unit_test(root_and_trailing_slash),
        cmocka_unit_test(headers_case_insensitive),
        cmocka_unit_test(dot_and_empty_segments_refused),
        cmocka_unit_test(sixteen_segments_and_trailing_slash_refused),
        cmocka_unit_test(doors_by_path),
        cmocka_unit_test(upload_limit_is_settable),
        cmocka_unit_test(body_limit_and_too_large_message),
        cmocka_unit_test(cookies_by_name),
        cmocka_unit_test(any_number_of_response_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
