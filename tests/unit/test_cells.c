/* test_cells.c — values inside template cells (jobs/cells.h): lists split on unescaped '|',
 * tags with empty values and escapes, every tag error, joins inverse to splits, yes/no,
 * soft/desk, ACW seconds, and the spreadsheet-safety escape's round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/cells.h"
#include "util/buf.h"

/* Splits cell and renders the parts as "[a][b]" (or "ERR:message"). Caller frees. */
static char *split(const char *cell)
{
    strlist l = {0};
    char err[256] = "";
    int n = cells_split(cell, &l, err, sizeof err);
    buf b;
    buf_init(&b);
    if (n < 0) {
        assert_int_equal(l.n, 0);
        buf_printf(&b, "ERR:%s", err);
    } else {
        assert_int_equal((size_t)n, l.n);
        for (size_t i = 0; i < l.n; i++)
            buf_printf(&b, "[%s]", l.items[i]);
    }
    strlist_clear(&l);
    return buf_detach(&b);
}

/* Reads a tags cell and renders it as "a=b;c=d;" (or "ERR:message"). Caller frees. */
static char *tags(const char *cell)
{
    kvlist t = {0};
    char err[512] = "";
    int n = cells_tags(cell, &t, err, sizeof err);
    buf b;
    buf_init(&b);
    if (n < 0) {
        assert_int_equal(t.keys.n, 0);
        buf_printf(&b, "ERR:%s", err);
    } else {
        assert_int_equal((size_t)n, t.keys.n);
        for (size_t i = 0; i < t.keys.n; i++)
            buf_printf(&b, "%s=%s;", t.keys.items[i], t.values.items[i]);
    }
    kvlist_clear(&t);
    return buf_detach(&b);
}

#define SPLITS(cell, want)                                                                          \
    do {                                                                                            \
        char *got_ = split(cell);                                                                   \
        assert_string_equal(got_, want);                                                            \
        free(got_);                                                                                 \
    } while (0)
#define TAGS(cell, want)                                                                            \
    do {                                                                                            \
        char *got_ = tags(cell);                                                                    \
        assert_string_equal(got_, want);                                                            \
        free(got_);                                                                                 \
    } while (0)

static void lists_split(void **state)
{
    (void)state;
    SPLITS("", "");
    SPLITS("Admin", "[Admin]");
    SPLITS("Admin|Agent", "[Admin][Agent]");
    SPLITS("Planet|Continent|Country|State|City", "[Planet][Continent][Country][State][City]");
    SPLITS("a|", "[a][]");
    SPLITS("|", "[][]");
    SPLITS("a\\|b|c\\\\d", "[a|b][c\\d]");
    /* Any other backslash stays as it is, a trailing one too. */
    SPLITS("a\\b|\\n|z\\", "[a\\b][\\n][z\\]");
    SPLITS("\\\\|", "[\\][]");
    SPLITS(" spaced | kept ", "[ spaced ][ kept ]");
    /* At most 1000 parts. */
    buf b;
    buf_init(&b);
    for (int i = 0; i < CELLS_MAX_PARTS - 1; i++)
        buf_puts(&b, "x|");
    buf_puts(&b, "x\\|");
    strlist l = {0};
    char err[128];
    assert_int_equal(cells_split(b.data, &l, err, sizeof err), CELLS_MAX_PARTS);
    assert_string_equal(l.items[CELLS_MAX_PARTS - 1], "x|");
    strlist_clear(&l);
    buf_puts(&b, "|");
    SPLITS(b.data, "ERR:more than 1000 values separated by |");
    buf_free(&b);
}

static void tags_read(void **state)
{
    (void)state;
    TAGS("", "");
    TAGS("key1|value1||key2|value2", "key1=value1;key2=value2;");
    TAGS("key|", "key=;");
    TAGS("a|||b|c", "a=;b=c;");
    TAGS("a|||b|", "a=;b=;");
    TAGS("k\\|1|v\\|\\\\||k2|x\\y", "k|1=v|\\;k2=x\\y;");
    TAGS(" k | v ", " k = v ;");
}

#define FORM "; tags are written key|value, pairs separated by || (key| for an empty value)"

static void tag_errors(void **state)
{
    (void)state;
    TAGS("a", "ERR:tag key \"a\" has no | and value" FORM);
    TAGS("a|b||c", "ERR:tag key \"c\" has no | and value" FORM);
    TAGS("a|b|c", "ERR:\"c\" stands where || belongs" FORM);
    TAGS("a|b|c|d|e", "ERR:\"c\" stands where || belongs" FORM);
    TAGS("a|b|", "ERR:the cell ends with a | after the value of tag \"a\"" FORM);
    TAGS("a|b||", "ERR:the cell ends with || and no tag after it" FORM);
    TAGS("|v", "ERR:a tag with an empty key (value \"v\")" FORM);
    TAGS("a|1|||v", "ERR:a tag with an empty key (value \"v\")" FORM);
    TAGS("a|1||a|2", "ERR:tag key \"a\" is given twice" FORM);
    TAGS("a|1||b|2||a|", "ERR:tag key \"a\" is given twice" FORM);
}

static void joins_invert_splits(void **state)
{
    (void)state;
    const char *parts[] = {"Admin", "a|b", "c\\d", "\\|", "", " x ", "é"};
    strlist l = {0};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        strlist_push(&l, parts[i]);
    char *cell = cells_join(&l);
    assert_string_equal(cell, "Admin|a\\|b|c\\\\d|\\\\\\||| x |é");
    strlist back = {0};
    char err[128];
    assert_int_equal(cells_split(cell, &back, err, sizeof err), (int)l.n);
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(back.items[i], l.items[i]);
    free(cell);
    strlist_clear(&back);
    strlist_clear(&l);
    strlist none = {0};
    cell = cells_join(&none);
    assert_string_equal(cell, "");
    free(cell);

    kvlist t = {0};
    kvlist_add(&t, "key1", "value1");
    kvlist_add(&t, "empty", "");
    kvlist_add(&t, "pipe|key", "a|b\\c");
    kvlist_add(&t, "||", "|");
    cell = cells_join_tags(&t);
    assert_string_equal(cell, "key1|value1||empty|||pipe\\|key|a\\|b\\\\c||\\|\\||\\|");
    kvlist t2 = {0};
    assert_int_equal(cells_tags(cell, &t2, err, sizeof err), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(t2.keys.items[i], t.keys.items[i]);
        assert_string_equal(t2.values.items[i], t.values.items[i]);
    }
    free(cell);
    kvlist_clear(&t);
    kvlist_clear(&t2);
    cell = cells_join_tags(&t);
    assert_string_equal(cell, "");
    free(cell);
}

static void small_values(void **state)
{
    (void)state;
    assert_int_equal(cells_yes_no("yes"), 1);
    assert_int_equal(cells_yes_no(" YES\t"), 1);
    assert_int_equal(cells_yes_no("No"), 0);
    assert_int_equal(cells_yes_no(""), -1);
    assert_int_equal(cells_yes_no("y"), -1);
    assert_int_equal(cells_yes_no("yess"), -1);
    assert_int_equal(cells_yes_no("true"), -1);
    assert_int_equal(cells_yes_no(NULL), -1);

    assert_string_equal(cells_phone_type("soft"), "SOFT_PHONE");
    assert_string_equal(cells_phone_type(" Desk "), "DESK_PHONE");
    assert_string_equal(cells_phone_type("soft_phone"), "SOFT_PHONE");
    assert_string_equal(cells_phone_type("DESK_PHONE"), "DESK_PHONE");
    assert_null(cells_phone_type(""));
    assert_null(cells_phone_type("mobile"));
    assert_null(cells_phone_type("soft phone"));

    int64_t v = -1;
    assert_int_equal(cells_acw("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(cells_acw("2000000", &v), 0);
    assert_int_equal(v, 2000000);
    assert_int_equal(cells_acw("000000000000000000000000030", &v), 0);
    assert_int_equal(v, 30);
    const char *bad[] = {"", "2000001", "-1", "+1", " 1", "1 ", "1a", "1.5", "99999999999999999999999", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cells_acw(bad[i], &v), -1);
    assert_int_equal(cells_acw(NULL, &v), -1);
}

static void formula_escape_round_trip(void **state)
{
    (void)state;
    struct {
        const char *in, *escaped;
    } cases[] = {
        {"+15551234567", "'+15551234567"},
        {"=1+2", "'=1+2"},
        {"-x", "'-x"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"\rx", "'\rx"},
        {"'", "''"},
        {"'=x", "''=x"},
        {"'a", "''a"},
        {"a=b", "a=b"},
        {"", ""},
        {" =x", " =x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = cells_formula_escape(cases[i].in);
        assert_string_equal(e, cases[i].escaped);
        assert_string_equal(cells_formula_unescape(e), cases[i].in);
        free(e);
    }
    /* Import undoes only what export does. */
    assert_string_equal(cells_formula_unescape("'a"), "'a");
    assert_string_equal(cells_formula_unescape("'+1"), "+1");
    assert_string_equal(cells_formula_unescape("'"), "'");
    /* Every two-byte string round-trips. */
    for (int a = 1; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char s[3] = {(char)a, (char)b, 0};
            char *e = cells_formula_escape(s);
            assert_string_equal(cells_formula_unescape(e), s);
            free(e);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_split),
        cmocka_unit_test(tags_read),
        cmocka_unit_test(tag_errors),
        cmocka_unit_test(joins_invert_splits),
        cmocka_unit_test(small_values),
        cmocka_unit_test(formula_escape_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
