/* test_template.c — the template's columns per identity management type and header mapping
 * (jobs/template.h): Amazon's header families, shuffled and differently cased headers, the
 * aliases, the report's columns, every header error message, and the row checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/template.h"
#include "util/buf.h"

/* The headers of csv-template.md, verbatim. */
#define SAML_CURRENT                                                                                \
    "first name,last name,secondary email,mobile,user login,routing profile name,"                 \
    "security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type " \
    "(soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags"
#define MANAGED_OLD                                                                                 \
    "first name,last name,email address,password,user login,routing profile name,"                 \
    "security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft "     \
    "phone auto accept (yes/no),ACW timeout (seconds)"
#define SAML_OLD                                                                                    \
    "first name,last name,user login,routing profile name,security_profile_name_1|security_"       \
    "profile_name_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW "       \
    "timeout (seconds)"
#define MANAGED_DOCUMENTED                                                                          \
    "first name,last name,email address,secondary email address,mobile,password,user login,agent " \
    "hierarchy,routing profile name,security_profile_name_1|security_profile_name_2,user_"         \
    "hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept "      \
    "(yes/no),ACW timeout (seconds),tags"

/* A header split on ',' (no quoting in these tests). */
typedef struct header {
    char *copy;
    char *fields[CSV_MAX_FIELDS + 8];
    size_t n;
} header;

static void split(header *h, const char *text)
{
    h->copy = strdup(text);
    h->n = 0;
    char *p = h->copy;
    for (;;) {
        h->fields[h->n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
}

/* Returns 1 when s begins with prefix. */
static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Maps text; returns the result, err filled. */
static int map(const char *idm, const char *mode, const char *text, tpl_map *m, char *err)
{
    header h;
    split(&h, text);
    err[0] = '\0';
    int rc = tpl_map_header(idm, mode, h.fields, NULL, h.n, m, err, 512);
    free(h.copy);
    return rc;
}

/* The template header of idm_type joined by commas (malloc'd), and its column count in *n. */
static char *header_line(const char *idm_type, size_t *n)
{
    const tpl_col *cols;
    buf b;
    buf_init(&b);
    *n = tpl_columns(idm_type, &cols);
    for (size_t i = 0; i < *n; i++)
        buf_printf(&b, "%s%s", i ? "," : "", tpl_header_text(cols[i]));
    return buf_detach(&b);
}

static void columns_and_texts(void **state)
{
    (void)state;
    const tpl_col *cols;
    size_t n;
    char *line = header_line("SAML", &n);
    assert_int_equal(n, 13);
    assert_string_equal(line, SAML_CURRENT);
    free(line);
    line = header_line("CONNECT_MANAGED", &n);
    assert_int_equal(n, 15);
    assert_string_equal(line, "first name,last name,email address,secondary email,mobile,password,user login,"
                              "routing profile name,security_profile_name_1|security_profile_name_2,"
                              "user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,"
                              "soft phone auto accept (yes/no),ACW timeout (seconds),tags");
    free(line);
    assert_int_equal(tpl_columns("LDAP", &cols), 0);
    assert_null(cols);
    assert_string_equal(tpl_header_text(TPL_REPORT_ROW), "row");
    assert_string_equal(tpl_header_text(TPL_REPORT_ERROR), "error");
    assert_null(tpl_header_text(TPL__COUNT));
}

static void amazon_headers_map(void **state)
{
    (void)state;
    tpl_map m;
    char err[512];
    assert_int_equal(map("SAML", "CREATE", SAML_CURRENT, &m, err), 0);
    assert_int_equal(m.n_fields, 13);
    assert_int_equal(m.field_of_col[TPL_LOGIN], 4);
    assert_int_equal(m.col_of_field[7], TPL_HIERARCHY);
    assert_int_equal(m.field_of_col[TPL_EMAIL], -1);
    assert_int_equal(m.alias_field, -1);
    assert_int_equal(map("SAML", "CREATE", SAML_OLD, &m, err), 0);
    assert_int_equal(m.field_of_col[TPL_TAGS], -1);
    assert_int_equal(map("CONNECT_MANAGED", "CREATE", MANAGED_OLD, &m, err), 0);
    assert_int_equal(m.field_of_col[TPL_PASSWORD], 3);
    assert_int_equal(map("CONNECT_MANAGED", "CREATE", MANAGED_DOCUMENTED, &m, err), 0);
    assert_int_equal(m.field_of_col[TPL_SECONDARY_EMAIL], 3);
    assert_int_equal(m.field_of_col[TPL_HIERARCHY], 10);
    assert_int_equal(m.col_of_field[10], TPL_HIERARCHY);
    assert_int_equal(m.alias_field, 7);
    assert_int_equal(m.col_of_field[7], -1);
    /* The SAML current header is a valid UPSERT header of a SAML instance too. */
    assert_int_equal(map("SAML", "UPSERT", SAML_CURRENT, &m, err), 0);
}

static void order_case_spaces_aliases_report(void **state)
{
    (void)state;
    tpl_map m;
    char err[512];
    assert_int_equal(map("SAML", "CREATE",
                         " TAGS ,\tUser Login,security_profile_name_1|SECURITY_PROFILE_NAME_2,Last Name,first name,"
                         "Routing Profile Name  ,Agent Hierarchy,row,Error",
                         &m, err),
                     0);
    assert_int_equal(m.n_fields, 9);
    assert_int_equal(m.field_of_col[TPL_TAGS], 0);
    assert_int_equal(m.field_of_col[TPL_LOGIN], 1);
    assert_int_equal(m.field_of_col[TPL_FIRST_NAME], 4);
    assert_int_equal(m.field_of_col[TPL_HIERARCHY], 6);
    assert_int_equal(m.col_of_field[6], TPL_HIERARCHY);
    assert_int_equal(m.alias_field, -1);
    /* The report's columns: known, ignored. */
    assert_int_equal(m.col_of_field[7], -1);
    assert_int_equal(m.col_of_field[8], -1);
    assert_int_equal(m.field_of_col[TPL_REPORT_ROW], 7);
    assert_int_equal(m.field_of_col[TPL_REPORT_ERROR], 8);
    /* UPSERT needs only the login. */
    assert_int_equal(map("CONNECT_MANAGED", "UPSERT", "user login", &m, err), 0);
    assert_int_equal(map("SAML", "UPSERT", "mobile,USER LOGIN,secondary email address", &m, err), 0);
    assert_int_equal(m.field_of_col[TPL_SECONDARY_EMAIL], 2);
}

static void header_errors(void **state)
{
    (void)state;
    tpl_map m;
    char err[512];
    assert_int_equal(map("SAML", "CREATE", "first name,last name,foo,user login", &m, err), -1);
    assert_string_equal(err, "unknown column \"foo\" (column 3); the columns of a SAML instance are: first name, "
                             "last name, secondary email, mobile, user login, routing profile name, "
                             "security_profile_name_1|security_profile_name_2, user_hierarchy_1|user_hierarchy_2, "
                             "phone type (soft/desk), phone number, soft phone auto accept (yes/no), ACW timeout "
                             "(seconds), tags");
    assert_int_equal(map("CONNECT_MANAGED", "UPSERT", "user login,  Phone  ", &m, err), -1);
    assert_true(starts_with(err, "unknown column \"Phone\" (column 2); the columns of a CONNECT_MANAGED instance "
                                 "are: first name, last name, email address,"));
    assert_int_equal(map("SAML", "UPSERT", "user login,first name,First Name", &m, err), -1);
    assert_string_equal(err, "column \"first name\" is given twice (columns 2 and 3)");
    assert_int_equal(map("SAML", "UPSERT", "secondary email,user login,secondary email address", &m, err), -1);
    assert_string_equal(err, "column \"secondary email\" is given twice (columns 1 and 3)");
    assert_int_equal(map("SAML", "UPSERT", "agent hierarchy,user login,Agent Hierarchy", &m, err), -1);
    assert_string_equal(err, "column \"Agent Hierarchy\" is given twice (columns 1 and 3)");
    assert_int_equal(map("SAML", "UPSERT", "row,user login,row", &m, err), -1);
    assert_string_equal(err, "column \"row\" is given twice (columns 1 and 3)");
    assert_int_equal(map("SAML", "UPSERT", "user login,email address", &m, err), -1);
    assert_string_equal(err, "column \"email address\" (column 2) does not apply to a SAML instance: its users sign "
                             "in through the identity provider, which keeps their email address and password; "
                             "remove the column");
    assert_int_equal(map("SAML", "CREATE", "Password,user login", &m, err), -1);
    assert_string_equal(err, "column \"password\" (column 1) does not apply to a SAML instance: its users sign in "
                             "through the identity provider, which keeps their email address and password; remove "
                             "the column");
    assert_int_equal(map("SAML", "UPSERT", "user login,,mobile", &m, err), -1);
    assert_string_equal(err, "column 2 has no name in the header");
    assert_int_equal(map("SAML", "UPSERT", "first name", &m, err), -1);
    assert_string_equal(err, "missing required column for UPSERT on a SAML instance: \"user login\"");
    assert_int_equal(map("SAML", "CREATE", "first name,mobile,user login", &m, err), -1);
    assert_string_equal(err, "missing required columns for CREATE on a SAML instance: \"last name\", \"routing "
                             "profile name\", \"security_profile_name_1|security_profile_name_2\"");
    assert_int_equal(map("CONNECT_MANAGED", "CREATE", SAML_OLD, &m, err), -1);
    assert_string_equal(err, "missing required columns for CREATE on a CONNECT_MANAGED instance: \"email address\", "
                             "\"password\"");
    assert_int_equal(map("CONNECT_MANAGED", "CREATE", "email address,user login,first name,last name,routing "
                                                     "profile name,security_profile_name_1|security_profile_name_2",
                         &m, err),
                     -1);
    assert_string_equal(err, "missing required column for CREATE on a CONNECT_MANAGED instance: \"password\"");
    assert_int_equal(map("SAML", "DELETE", "user login", &m, err), -1);
    assert_string_equal(err, "unknown import mode (CREATE or UPSERT)");
    assert_int_equal(map("LDAP", "CREATE", "user login", &m, err), -1);
    assert_string_equal(err, "unknown identity management type");
    /* A long or broken name is quoted cut and repaired. */
    assert_int_equal(map("SAML", "UPSERT",
                         "user login,\xff"
                         "0123456789012345678901234567890123456789012345678901234567890123456789",
                         &m, err),
                     -1);
    assert_true(starts_with(err, "unknown column \"\xef\xbf\xbd"
                                 "01234567890123456789012345678901234567890123456789012345678...\" (column 2);"));
    /* More than 64 fields. */
    buf wide;
    buf_init(&wide);
    buf_puts(&wide, "user login");
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        buf_puts(&wide, ",row");
    assert_int_equal(map("SAML", "UPSERT", wide.data, &m, err), -1);
    buf_free(&wide);
    assert_string_equal(err, "the header has more than 64 columns");
}

static void rows_checked_against_the_header(void **state)
{
    (void)state;
    tpl_map m;
    char err[512];
    assert_int_equal(map("CONNECT_MANAGED", "UPSERT", "user login,agent hierarchy,user_hierarchy_1|user_hierarchy_2",
                         &m, err),
                     0);
    assert_int_equal(m.alias_field, 1);
    char *row[] = {"jane", "A|B", ""};
    size_t len;
    assert_int_equal(tpl_check_row(&m, row, NULL, 3, err, sizeof err), 0);
    assert_string_equal(tpl_cell(&m, TPL_HIERARCHY, row, NULL, &len), "A|B");
    assert_int_equal(len, 3);
    char *row2[] = {"jane", "", "C"};
    assert_int_equal(tpl_check_row(&m, row2, NULL, 3, err, sizeof err), 0);
    assert_string_equal(tpl_cell(&m, TPL_HIERARCHY, row2, NULL, NULL), "C");
    char *row3[] = {"jane", "A", "A"};
    assert_int_equal(tpl_check_row(&m, row3, NULL, 3, err, sizeof err), 0);
    char *row4[] = {"jane", "A", "B"};
    assert_int_equal(tpl_check_row(&m, row4, NULL, 3, err, sizeof err), -1);
    assert_string_equal(err, "\"agent hierarchy\" \"A\" and \"user_hierarchy_1|user_hierarchy_2\" \"B\" differ: fill "
                             "one of them");
    assert_int_equal(tpl_check_row(&m, row4, NULL, 2, err, sizeof err), -1);
    assert_string_equal(err, "the row has 2 fields; the header has 3");
    assert_int_equal(tpl_check_row(&m, row4, NULL, 1, err, sizeof err), -1);
    assert_string_equal(err, "the row has 1 field; the header has 3");
    assert_string_equal(tpl_cell(&m, TPL_LOGIN, row, NULL, NULL), "jane");
    assert_null(tpl_cell(&m, TPL_MOBILE, row, NULL, NULL));
    assert_null(tpl_cell(&m, TPL__COUNT, row, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_and_texts),
        cmocka_unit_test(amazon_headers_map),
        cmocka_unit_test(order_case_spaces_aliases_report),
        cmocka_unit_test(header_errors),
        cmocka_unit_test(rows_checked_against_the_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
