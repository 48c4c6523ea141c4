/* test_roster_wire.c — the roster API's wire rules (api/roster_wire.h): the query parameters an
 * operation takes, true/false flags, page sizes, the Content-Disposition of CSV documents (no
 * byte of a file name can break the header), and the Job and Item documents' absent members. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/roster_wire.h"

static request *parse(const char *uri)
{
    request *r = xcalloc(1, sizeof *r);
    buf_init(&r->body);
    r->raw_uri = xstrdup(uri);
    assert_int_equal(request_parse_uri(r), 0);
    return r;
}

static const char *const list_params[] = {"State", "MaxResults", "NextToken", NULL};

static void unknown_and_repeated_params_refused(void **state)
{
    (void)state;
    rerr e;
    request *r = parse("/x?State=QUEUED&MaxResults=3");
    assert_int_equal(roster_check_params(r, list_params, &e), 0);
    request_free(r);

    r = parse("/x?State=QUEUED&Bogus=1&zap");
    assert_int_equal(roster_check_params(r, list_params, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_non_null(strstr(e.message, "Unknown query parameters 'Bogus', 'zap'"));
    assert_non_null(strstr(e.message, "takes State, MaxResults, NextToken"));
    request_free(r);

    r = parse("/x?State=QUEUED&State=FAILED");
    assert_int_equal(roster_check_params(r, list_params, &e), -1);
    assert_non_null(strstr(e.message, "State is given more than once"));
    request_free(r);

    static const char *const none[] = {NULL};
    r = parse("/x?a=1");
    assert_int_equal(roster_check_params(r, none, &e), -1);
    assert_non_null(strstr(e.message, "takes none"));
    request_free(r);
}

static void flags_are_true_or_false(void **state)
{
    (void)state;
    rerr e;
    int v = 7;
    request *r = parse("/x?A=true&B=false&C=True&D=1&E");
    assert_int_equal(roster_bool_param(r, "A", &v, &e), 0);
    assert_int_equal(v, 1);
    assert_int_equal(roster_bool_param(r, "B", &v, &e), 0);
    assert_int_equal(v, 0);
    assert_int_equal(roster_bool_param(r, "Z", &v, &e), 0); /* absent: false */
    assert_int_equal(v, 0);
    const char *bad[] = {"C", "D", "E"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(roster_bool_param(r, bad[i], &v, &e), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        assert_non_null(strstr(e.message, "must be true or false"));
    }
    request_free(r);
}

static void page_sizes_bounded(void **state)
{
    (void)state;
    rerr e;
    size_t n = 0;
    request *r = parse("/x");
    assert_int_equal(roster_max_results(r, 100, 50, &n, &e), 0);
    assert_int_equal(n, 50);
    request_free(r);
    const char *bad[] = {"/x?MaxResults=0", "/x?MaxResults=101", "/x?MaxResults=-1", "/x?MaxResults=1e2",
                         "/x?MaxResults=99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = parse(bad[i]);
        assert_int_equal(roster_max_results(r, 100, 50, &n, &e), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        request_free(r);
    }
    r = parse("/x?MaxResults=1000");
    assert_int_equal(roster_max_results(r, 1000, 100, &n, &e), 0);
    assert_int_equal(n, 1000);
    request_free(r);
}

static const char *header_value(const request *r, const char *name)
{
    for (size_t i = 0; i < r->n_resp_headers; i++)
        if (strcmp(r->resp_headers[i].name, name) == 0)
            return r->resp_headers[i].value;
    return NULL;
}

static void attachment_names_cannot_break_the_header(void **state)
{
    (void)state;
    request *r = xcalloc(1, sizeof *r);
    roster_respond_csv(r, "a\"b\\c;d%e\r\nSet-Cookie: x=1 \xc3\xa9.csv", "h\n", 2, NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->resp_type, "text/csv; charset=utf-8");
    const char *d = header_value(r, "Content-Disposition");
    assert_non_null(d);
    assert_string_equal(d, "attachment; filename=\"a_b_c_d_e__Set-Cookie: x=1 __.csv\"; "
                           "filename*=UTF-8''a%22b%5Cc%3Bd%25e%0D%0ASet-Cookie%3A%20x%3D1%20%C3%A9.csv");
    for (const char *p = d; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    request_free(r);

    r = xcalloc(1, sizeof *r);
    roster_respond_csv(r, NULL, "", 0, NULL);
    assert_string_equal(header_value(r, "Content-Disposition"),
                        "attachment; filename=\"roster.csv\"; filename*=UTF-8''roster.csv");
    request_free(r);
}

static void job_document_members(void **state)
{
    (void)state;
    job_record j;
    memset(&j, 0, sizeof j);
    snprintf(j.id, sizeof j.id, "job-1");
    snprintf(j.kind, sizeof j.kind, "IMPORT");
    snprintf(j.state, sizeof j.state, "QUEUED");
    snprintf(j.mode, sizeof j.mode, "UPSERT");
    j.dry_run = 1;
    j.counts.total = 10;
    j.counts.succeeded = 3;
    j.counts.failed = 2;
    j.counts.created = 1;
    j.submitted_ms = 1700000000123;
    char by[] = "admin";
    j.submitted_by = by;
    json_t *o = roster_job_json(&j, 1700000001000);
    assert_string_equal(json_string_value(json_object_get(o, "JobId")), "job-1");
    assert_string_equal(json_string_value(json_object_get(o, "Mode")), "UPSERT");
    assert_true(json_is_true(json_object_get(o, "DryRun")));
    assert_true(json_is_false(json_object_get(o, "Atomic")));
    assert_true(json_real_value(json_object_get(o, "SubmittedTime")) == 1700000000.123);
    json_t *c = json_object_get(o, "Counts");
    assert_int_equal(json_integer_value(json_object_get(c, "Pending")), 5);
    assert_int_equal(json_integer_value(json_object_get(c, "Created")), 1);
    assert_true(json_is_number(json_object_get(o, "RowsPerSecond")));
    const char *absent[] = {"FailureReason", "FileName", "StartedTime", "FinishedTime", "RetryOf"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        assert_null(json_object_get(o, absent[i]));
    json_decref(o);
}

static void item_document_members(void **state)
{
    (void)state;
    job_item_record it;
    memset(&it, 0, sizeof it);
    it.row = 4;
    snprintf(it.state, sizeof it.state, "PENDING");
    json_t *o = roster_item_json(&it);
    assert_int_equal(json_integer_value(json_object_get(o, "Row")), 4);
    assert_int_equal(json_object_size(o), 2); /* Row and State only */
    json_decref(o);

    char errors[] = "[{\"Column\":\"phone number\",\"Value\":\"123\",\"Message\":\"not E.164\"}]";
    char name[] = "ann";
    it.errors_json = errors;
    it.username = name;
    snprintf(it.state, sizeof it.state, "FAILED");
    o = roster_item_json(&it);
    assert_string_equal(json_string_value(json_object_get(o, "Username")), "ann");
    json_t *e = json_array_get(json_object_get(o, "Errors"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "Column")), "phone number");
    json_decref(o);
    char empty[] = "[]";
    it.errors_json = empty;
    o = roster_item_json(&it);
    assert_null(json_object_get(o, "Errors"));
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_and_repeated_params_refused),
        cmocka_unit_test(flags_are_true_or_false),
        cmocka_unit_test(page_sizes_bounded),
        cmocka_unit_test(attachment_names_cannot_break_the_header),
        cmocka_unit_test(job_document_members),
        cmocka_unit_test(item_document_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
