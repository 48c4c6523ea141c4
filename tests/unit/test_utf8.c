/* test_utf8.c — UTF-8 decoding, cuts on character boundaries, repair for JSON, escaping for
 * logs, and rerr_set's truncation of long messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <jansson.h>

#include "core/error.h"
#include "util/utf8.h"

static int valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char_len((const unsigned char *)s + i, n - i, NULL);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

static void decodes_strictly(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(utf8_char_len((const unsigned char *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_char_len((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(utf8_char_len((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1f600);
    const char *bad[] = {"\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "\xf5\x80\x80\x80", "\xff", "\xc3", "\xe2\x82", "\xc3\x41"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(utf8_char_len((const unsigned char *)bad[i], strlen(bad[i]), NULL), 0);
    /* Cut short by n. */
    assert_int_equal(utf8_char_len((const unsigned char *)"\xc3\xa9", 1, NULL), 0);
}

static void cut_never_splits_a_character(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"; /* a é € 😀 */
    size_t n = strlen(s);
    size_t expect[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10};
    for (size_t i = 0; i <= n; i++)
        assert_int_equal(utf8_cut(s, i), expect[i]);
    /* Stray continuation bytes are not the cut's business. */
    assert_int_equal(utf8_cut("a\x80", 2), 2);
}

static void repair_replaces_invalid_bytes(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    utf8_repair(&b, "a\xff\xfe\xc3\xa9z\xc3", 7);
    assert_string_equal(b.data, "a\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9z\xef\xbf\xbd");
    assert_true(valid(b.data, b.len));
    json_t *j = json_stringn(b.data, b.len);
    assert_non_null(j); /* jansson accepts it */
    json_decref(j);
    buf_free(&b);
}

static void log_escape_leaves_no_control_byte(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    const char in[] = "GET /x\x1b[31m\r\nforged\x7f\\\xc2\x9b\xff\xc3\xa9";
    utf8_escape_log(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "GET /x\\x1b[31m\\x0d\\x0aforged\\x7f\\x5c\\xc2\\x9b\\xff\xc3\xa9");
    for (size_t i = 0; i < b.len; i++)
        assert_true((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f);
    buf_free(&b);
}

static void rerr_message_cut_on_a_character_boundary(void **state)
{
    (void)state;
    char text[3000];
    for (size_t pad = 0; pad < 4; pad++) {
        size_t n = 0;
        for (size_t i = 0; i < pad; i++)
            text[n++] = 'x';
        while (n + 4 < sizeof text) {
            memcpy(text + n, "\xe2\x82\xac", 3); /* € */
            n += 3;
        }
        text[n] = '\0';
        rerr e;
        rerr_set(&e, ERR_INVALID_PARAMETER, "F", "value %s", text);
        size_t len = strlen(e.message);
        assert_true(len > sizeof e.message - 4);
        assert_true(valid(e.message, len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_strictly),
        cmocka_unit_test(cut_never_splits_a_character),
        cmocka_unit_test(repair_replaces_invalid_bytes),
        cmocka_unit_test(log_escape_leaves_no_control_byte),
        cmocka_unit_test(rerr_message_cut_on_a_character_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
