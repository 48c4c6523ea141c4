/* test_client.c — the CLI client's pieces that need no server: the SigV4-ready query string
 * (sorted, escaped as the canonical query), path arguments, settings from the environment, one-line
 * server text, and -o FILE written beside the file and renamed only on success. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"

static void query_is_sorted_and_escaped(void **state)
{
    (void)state;
    buf q;
    buf_init(&q);
    client_param p[] = {{"Mode", "UPSERT"}, {"FileName", "my users, v2 (é)+&=.csv"}, {"Atomic", "false"},
                        {"NextToken", NULL}, {"DryRun", "true"}};
    client_query_build(&q, p, 5);
    assert_string_equal(q.data, "Atomic=false&DryRun=true&FileName=my%20users%2C%20v2%20%28%C3%A9%29%2B%26%3D.csv"
                                "&Mode=UPSERT");
    buf_reset(&q);
    client_param none[] = {{"example", NULL}};
    client_query_build(&q, none, 1);
    assert_string_equal(q.data, "");
    client_param tilde[] = {{"Username", "a~b-c_d.e/f"}};
    client_query_build(&q, tilde, 1);
    assert_string_equal(q.data, "Username=a~b-c_d.e%2Ff");
    buf_free(&q);
}

static void path_arguments(void **state)
{
    (void)state;
    assert_true(client_path_ok("default"));
    assert_true(client_path_ok("01a2499d-b988-7c4a-b0c6-5b1b6bc007bb"));
    assert_false(client_path_ok(""));
    assert_false(client_path_ok(NULL));
    assert_false(client_path_ok(".."));
    assert_false(client_path_ok("a/b"));
    assert_false(client_path_ok("a?b"));
    assert_false(client_path_ok("a%2Fb"));
    char longer[102];
    memset(longer, 'a', 101);
    longer[101] = '\0';
    assert_false(client_path_ok(longer));
    longer[100] = '\0';
    assert_true(client_path_ok(longer));
}

static void settings_from_environment(void **state)
{
    (void)state;
    client c;
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    unsetenv("AWS_ACCESS_KEY_ID");
    setenv("AWS_SECRET_ACCESS_KEY", "s3cret", 1);
    assert_int_equal(client_open(&c, NULL), EXIT_FAIL);
    client_close(&c);

    setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
    assert_int_equal(client_open(&c, NULL), EXIT_OK);
    assert_string_equal(c.endpoint, CLIENT_DEFAULT_ENDPOINT);
    assert_string_equal(c.sigv4, "aws:amz:us-east-1:connect");
    assert_string_equal(c.userpwd, "AKID:s3cret");
    client_close(&c);

    setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9999//", 1);
    assert_int_equal(client_open(&c, NULL), EXIT_OK);
    assert_string_equal(c.endpoint, "http://127.0.0.1:9999");
    assert_string_equal(c.sigv4, "aws:amz:eu-west-1:connect");
    client_close(&c);

    setenv("AWS_REGION", "ap-south-1", 1);   /* AWS_REGION wins, as in the aws CLI */
    assert_int_equal(client_open(&c, "https://roster.example"), EXIT_OK);
    assert_string_equal(c.endpoint, "https://roster.example");
    assert_string_equal(c.sigv4, "aws:amz:ap-south-1:connect");
    client_close(&c);

    assert_int_equal(client_open(&c, "ftp://x"), EXIT_USAGE);
    client_close(&c);
    setenv("AWS_REGION", "us-east-1:evil", 1);
    assert_int_equal(client_open(&c, NULL), EXIT_FAIL);
    client_close(&c);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_SESSION_TOKEN", "token", 1);
    assert_int_equal(client_open(&c, NULL), EXIT_FAIL);
    client_close(&c);
    unsetenv("AWS_SESSION_TOKEN");
}

static void server_text_on_one_line(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    client_put_one_line(&b, "two\nlines\x1b[31m", 100);
    assert_string_equal(b.data, "two lines [31m");
    buf_reset(&b);
    client_put_one_line(&b, "ab\xc3\xa9", 3); /* never half a character */
    assert_string_equal(b.data, "ab");
    buf_free(&b);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 4096);
    size_t n = fread(s, 1, 4095, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void output_replaces_only_on_success(void **state)
{
    (void)state;
    char dir[] = "/tmp/roster-test-client-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);

    client_output o;
    assert_int_equal(client_output_open(&o, path), 0);
    fputs("half of a new\n", o.f);
    assert_int_equal(client_output_finish(&o, 0), 0);   /* failed download: the old file stays */
    char *s = slurp(path);
    assert_string_equal(s, "old\n");
    free(s);

    assert_int_equal(client_output_open(&o, path), 0);
    fputs("new\n", o.f);
    assert_int_equal(client_output_finish(&o, 1), 0);
    s = slurp(path);
    assert_string_equal(s, "new\n");
    free(s);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);                     /* no temporary file left behind */

    snprintf(path, sizeof path, "%s/no/such/dir.csv", dir);
    assert_int_equal(client_output_open(&o, path), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_is_sorted_and_escaped),
        cmocka_unit_test(path_arguments),
        cmocka_unit_test(settings_from_environment),
        cmocka_unit_test(server_text_on_one_line),
        cmocka_unit_test(output_replaces_only_on_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
