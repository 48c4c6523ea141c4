/* test_request.c — URI splitting and percent-decoding of path segments and query parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
