/* test_scim_filter.c — SCIM filter expressions (src/scim/scim_filter.c): what reads into which
 * tree (shown in the canonical printed form, which must read back to itself), keywords and
 * operators in any case, precedence (not, and, or), value paths, URIs, every kind of value, and
 * the errors with where and what, and the bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scim/scim_filter.h"
#include "scim/scim_match.h"

/* Parses text and asserts its canonical form is want, and that the form reads back to itself. */
static void reads_as(const char *text, const char *want)
{
    buf err, out, again;
    buf_init(&err);
    buf_init(&out);
    buf_init(&again);
    scim_filter *f;
    if (scim_filter_parse(text, strlen(text), &f, &err))
        fail_msg("'%s' refused: %s", text, err.data);
    scim_filter_print(f, &out);
    if (strcmp(out.data, want) != 0)
        fail_msg("'%s' read as '%s', not '%s'", text, out.data, want);
    scim_filter *g;
    assert_int_equal(scim_filter_parse(out.data, out.len, &g, &err), 0);
    scim_filter_print(g, &again);
    assert_string_equal(again.data, out.data);
    scim_filter_free(f);
    scim_filter_free(g);
    buf_free(&err);
    buf_free(&out);
    buf_free(&again);
}

/* Asserts text (len bytes) is refused with a message holding frag. */
static void refused_n(const char *text, size_t len, const char *frag)
{
    buf err;
    buf_init(&err);
    scim_filter *f = (scim_filter *)1;
    assert_int_equal(scim_filter_parse(text, len, &f, &err), -1);
    assert_null(f);
    if (!strstr(err.data, frag) || !strstr(err.data, "at byte"))
        fail_msg("'%.60s': message '%s' lacks '%s'", text, err.data, frag);
    buf_free(&err);
}

static void refused(const char *text, const char *frag)
{
    refused_n(text, strlen(text), frag);
}

static void comparisons_and_values(void **state)
{
    (void)state;
    reads_as("userName eq \"bjensen\"", "userName eq \"bjensen\"");
    reads_as("userName Eq \"Bjensen\"", "userName eq \"Bjensen\"");
    reads_as("name.familyName co \"O'Malley\"", "name.familyName co \"O'Malley\"");
    reads_as("userName sw \"J\"", "userName sw \"J\"");
    reads_as("title pr", "title pr");
    reads_as("title PR", "title pr");
    reads_as("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "meta.lastModified gt \"2011-05-13T04:42:34Z\"");
    reads_as("meta.version ge 3", "meta.version ge 3");
    reads_as("x lt -2.5e3", "x lt -2500.0");
    reads_as("active eq true", "active eq true");
    reads_as("active ne False", "active ne false");
    reads_as("manager eq null", "manager eq null");
    reads_as("displayName ew \"a\\\"b\\u00e9\"", "displayName ew \"a\\\"bé\"");
    reads_as("members.$ref eq \"x\"", "members.$ref eq \"x\"");
    reads_as("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Sales\"",
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Sales\"");
    reads_as("  userName  eq   \"x\"  ", "userName eq \"x\"");
    reads_as("userName eq \"and\"", "userName eq \"and\"");
    /* Unquoted words, as Microsoft's test collection sends them, are strings; numbers stay numbers. */
    reads_as("userName sw O", "userName sw \"O\"");
    reads_as("meta.Created gt 2015-10-10T14:38:21.8617979-07:00",
             "meta.Created gt \"2015-10-10T14:38:21.8617979-07:00\"");
    reads_as("name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)",
             "(name.FamilyName eq \"Employee\" and (emails.Value co \"example.com\" or emails.Value co \"example.org\"))");
    reads_as("emails[value eq a@b.c]", "emails[value eq \"a@b.c\"]");
    reads_as("x eq 12", "x eq 12");
    reads_as("x eq trueish", "x eq \"trueish\"");
    reads_as("a eq 1e", "a eq \"1e\"");
}

static void logic_and_grouping(void **state)
{
    (void)state;
    reads_as("a pr and b pr or c pr", "((a pr and b pr) or c pr)");
    reads_as("a pr or b pr and c pr", "(a pr or (b pr and c pr))");
    reads_as("a pr AND (b pr OR c pr)", "(a pr and (b pr or c pr))");
    reads_as("not (a pr) and b pr", "(not (a pr) and b pr)");
    reads_as("NOT(a eq 1)", "not (a eq 1)");
    reads_as("((a pr))", "a pr");
    reads_as("a pr and b pr and c pr", "((a pr and b pr) and c pr)");
    reads_as("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
             "(userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\"))");
    reads_as("emails[type eq \"work\" and value co \"@example.com\"]",
             "emails[(type eq \"work\" and value co \"@example.com\")]");
    reads_as("emails[type eq \"work\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
             "(emails[type eq \"work\"] or ims[(type eq \"xmpp\" and value co \"@foo.com\")])");
    reads_as("android pr and orange pr", "(android pr and orange pr)"); /* names starting like keywords */
}

static void errors_say_where_and_what(void **state)
{
    (void)state;
    refused("", "empty");
    refused("userName", "operator");
    refused("userName eq", "value");
    refused("userName eq bj\xff" "ensen", "UTF-8");
    refused("userName eq \"x", "closing");
    refused("userName xx \"x\"", "operator");
    refused("userName eq\"x\"", "space and a value");
    refused("userName eq \"x\" and", "space was expected after");
    refused("userName eq \"x\" and ", "attribute name");
    refused("userName eq \"x\" andy eq 1", "unexpected text");
    refused("(a pr", "')'");
    refused("a pr)", "unexpected text");
    refused("emails[type eq \"w\"", "']'");
    refused("not a pr", "'not' must be followed by '('");
    refused("1abc pr", "attribute name");
    refused("a..b pr", "attribute name");
    refused("a. pr", "attribute name");
    refused("urn:x: pr", "attribute name");
    refused("a eq {\"x\":1}", "unexpected text"); /* the word '{', then the rest */
    refused("a eq [1]", "unexpected text");
    refused("a eq \"\\u0000\"", "u0000");
    refused_n("a eq \"x\0\"", 8, "NUL");
}

static void bounds(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    for (int i = 0; i < 17; i++)
        buf_putc(&b, '(');
    buf_puts(&b, "a pr");
    for (int i = 0; i < 17; i++)
        buf_putc(&b, ')');
    refused(b.data, "16 deep");
    buf_reset(&b);
    for (int i = 0; i < 16; i++)
        buf_putc(&b, '(');
    buf_puts(&b, "a pr");
    for (int i = 0; i < 16; i++)
        buf_putc(&b, ')');
    reads_as(b.data, "a pr");
    buf_reset(&b);
    buf_puts(&b, "a pr");
    for (int i = 0; i < 127; i++)
        buf_puts(&b, " or a pr"); /* 128 leaves + 127 ors = 255 nodes */
    scim_filter *f;
    buf err;
    buf_init(&err);
    assert_int_equal(scim_filter_parse(b.data, b.len, &f, &err), 0);
    scim_filter_free(f);
    buf_puts(&b, " or a pr");
    refused(b.data, "too many");
    buf_reset(&b);
    buf_puts(&b, "a eq \"");
    for (int i = 0; i < SCIM_FILTER_MAX_LEN; i++)
        buf_putc(&b, 'x');
    buf_puts(&b, "\"");
    refused(b.data, "4096 bytes");
    buf_reset(&b);
    for (int i = 0; i < 513; i++)
        buf_putc(&b, 'a');
    buf_puts(&b, " pr");
    refused(b.data, "512");
    buf_free(&b);
    buf_free(&err);
}

/* ---- matching ------------------------------------------------------------------------------ */

static const char *const core_schemas[] = {"urn:ietf:params:scim:schemas:core:2.0:User", NULL};

/* As the User schema says: id and externalId are caseExact, the rest not. */
static int user_case_exact(const char *path)
{
    return strcmp(path, "id") == 0 || strcmp(path, "externalid") == 0;
}

static const char user_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"id\": \"2819c223\","
    " \"externalId\": \"Bjensen-X\", \"userName\": \"Bjensen@Example.com\","
    " \"name\": {\"givenName\": \"Barbara\", \"familyName\": \"Jensen\", \"middleName\": \"\"},"
    " \"active\": true, \"nickName\": null, \"title\": \"Tour Guide\", \"emails\": ["
    "  {\"value\": \"bjensen@example.com\", \"type\": \"work\", \"primary\": true},"
    "  {\"value\": \"babs@jensen.org\", \"type\": \"home\"}],"
    " \"phoneNumbers\": [], \"meta\": {\"lastModified\": \"2011-05-13T04:42:34Z\", \"version\": 3},"
    " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"department\": \"Tour Operations\"}}";

/* Asserts the filter text holds (want 1) or not (0) for the user above. */
static void holds(const char *text, int want)
{
    json_error_t je;
    json_t *user = json_loads(user_json, 0, &je);
    assert_non_null(user);
    buf err;
    buf_init(&err);
    scim_filter *f;
    if (scim_filter_parse(text, strlen(text), &f, &err))
        fail_msg("'%s' refused: %s", text, err.data);
    int got = scim_filter_match(f, user, core_schemas, user_case_exact);
    if (got != want)
        fail_msg("'%s' gave %d, not %d", text, got, want);
    scim_filter_free(f);
    buf_free(&err);
    json_decref(user);
}

static void matching_a_user(void **state)
{
    (void)state;
    holds("userName eq \"bjensen@example.com\"", 1);            /* caseExact false */
    holds("USERNAME EQ \"BJENSEN@EXAMPLE.COM\"", 1);            /* names and keywords in any case */
    holds("userName eq \"bjensen\"", 0);
    holds("externalId eq \"bjensen-x\"", 0);                    /* caseExact true */
    holds("externalId eq \"Bjensen-X\"", 1);
    holds("id eq \"2819c223\"", 1);
    holds("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bjen\"", 1);
    holds("name.familyName co \"ENS\"", 1);
    holds("name.givenName ew \"bara\"", 1);
    holds("name.givenName sw \"barbarab\"", 0);
    holds("title pr", 1);
    holds("nickName pr", 0);                                     /* null */
    holds("name.middleName pr", 0);                              /* "" */
    holds("phoneNumbers pr", 0);                                 /* [] */
    holds("x pr", 0);
    holds("nickName eq null", 1);
    holds("absent eq null", 1);
    holds("title eq null", 0);
    holds("active eq true", 1);
    holds("active ne true", 0);
    holds("active eq \"true\"", 0);                              /* a string is not a boolean */
    holds("title ne \"Tour Guide\"", 0);
    holds("title ne \"Boss\"", 1);
    holds("absent ne \"x\"", 1);
    holds("meta.lastModified gt \"2011-05-13T04:42:33Z\"", 1);
    holds("meta.lastModified lt \"2011-05-13T04:42:34Z\"", 0);
    holds("meta.lastModified le \"2011-05-13T04:42:34Z\"", 1);
    holds("meta.version ge 3", 1);
    holds("meta.version gt 3", 0);
    holds("meta.version eq 3.0", 1);
    holds("meta.version co 3", 0);
    holds("emails co \"jensen.org\"", 1);                        /* any value, its "value" */
    holds("emails.value ew \"@EXAMPLE.COM\"", 1);
    holds("emails.type eq \"home\"", 1);
    holds("emails[type eq \"work\" and value co \"@example.com\"]", 1);
    holds("emails[type eq \"home\" and value co \"@example.com\"]", 0); /* one element must hold both */
    holds("emails[primary eq true]", 1);
    holds("emails[not (type pr)]", 0);
    holds("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"tour operations\"", 1);
    holds("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr", 0);
    holds("urn:x:y:department pr", 0);                           /* an extension the user has not */
    holds("title pr and (userName co \"example\" or nickName pr)", 1);
    holds("not (title pr) or active eq false", 0);
    holds("not (title pr and active eq false)", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(comparisons_and_values),
        cmocka_unit_test(logic_and_grouping),
        cmocka_unit_test(errors_say_where_and_what),
        cmocka_unit_test(bounds),
        cmocka_unit_test(matching_a_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
