/* test_filter_expr.c — the bulk commands' filter language (src/cli/filter_expr.c): what parses
 * into which tree, the errors (column and what was expected) and the bounds, the compiled
 * SearchCriteria / SearchFilter with names resolved by a fake resolver, the shapes SearchUsers
 * cannot express, and the nearest-name suggestion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/filter_expr.h"
#include "util/nearest.h"

/* Parses text; on success returns the tree, else NULL with the error in err (caller frees). */
static fx_node *parse(const char *text, buf *err)
{
    buf_init(err);
    return fx_parse(text, strlen(text), err);
}

/* Asserts that text fails to parse with a message holding each fragment. */
static void parse_fails(const char *text, const char *frag1, const char *frag2)
{
    buf err;
    fx_node *n = parse(text, &err);
    if (n)
        fail_msg("'%s' parsed", text);
    assert_non_null(err.data);
    if (frag1 && !strstr(err.data, frag1))
        fail_msg("'%s': error '%s' lacks '%s'", text, err.data, frag1);
    if (frag2 && !strstr(err.data, frag2))
        fail_msg("'%s': error '%s' lacks '%s'", text, err.data, frag2);
    buf_free(&err);
}

/* A fake resolver: names listed below resolve to "rp-…", "sp-…", "hg-…"; "missing" does not. */
static int fake_resolve(void *cls, fx_ref ref, const char *name, char **id, buf *err)
{
    int *calls = cls;
    if (calls)
        (*calls)++;
    if (strcmp(name, "missing") == 0) {
        buf_printf(err, "no such name '%s'", name);
        return -1;
    }
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s-%s", ref == FX_REF_ROUTING_PROFILE ? "rp" : ref == FX_REF_SECURITY_PROFILE ? "sp" : "hg", name);
    *id = buf_detach(&b);
    return 0;
}

/* Compiles text; returns 0/-1 and the two members as compact JSON text ("null" when absent). */
static int compile(const char *text, char **crit, char **filt, buf *err)
{
    fx_node *n = parse(text, err);
    if (!n)
        fail_msg("'%s' does not parse: %s", text, err->data);
    json_t *c, *f;
    int rc = fx_compile(n, fake_resolve, NULL, &c, &f, err);
    *crit = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : strdup("null");
    *filt = f ? json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS) : strdup("null");
    json_decref(c);
    json_decref(f);
    fx_free(n);
    return rc;
}

static void compiles_to(const char *text, const char *want_crit, const char *want_filt)
{
    buf err;
    char *c, *f;
    int rc = compile(text, &c, &f, &err);
    if (rc != 0)
        fail_msg("'%s' does not compile: %s", text, err.data);
    if (strcmp(c, want_crit) != 0)
        fail_msg("'%s': criteria\n  %s\nwanted\n  %s", text, c, want_crit);
    if (strcmp(f, want_filt) != 0)
        fail_msg("'%s': filter\n  %s\nwanted\n  %s", text, f, want_filt);
    free(c);
    free(f);
    buf_free(&err);
}

static void compile_fails(const char *text, const char *frag)
{
    buf err;
    char *c, *f;
    int rc = compile(text, &c, &f, &err);
    if (rc == 0)
        fail_msg("'%s' compiled", text);
    assert_string_equal(c, "null");
    assert_string_equal(f, "null");
    if (!err.data || !strstr(err.data, frag))
        fail_msg("'%s': error '%s' lacks '%s'", text, err.data ? err.data : "", frag);
    free(c);
    free(f);
    buf_free(&err);
}

static void parses_precedence_and_flattens(void **state)
{
    (void)state;
    buf err;
    fx_node *n = parse("login=a or first-name^=B and last-name~=cd", &err);
    assert_non_null(n);
    assert_int_equal(n->kind, FX_OR);
    assert_int_equal(n->n_kids, 2);
    assert_int_equal(n->kids[0].kind, FX_COND);
    assert_int_equal(n->kids[0].field, FX_LOGIN);
    assert_string_equal(n->kids[0].value, "a");
    assert_int_equal(n->kids[1].kind, FX_AND);
    assert_int_equal(n->kids[1].kids[0].op, FX_PREFIX);
    assert_int_equal(n->kids[1].kids[1].op, FX_CONTAINS);
    assert_int_equal(n->kids[1].kids[1].col, 30);
    fx_free(n);
    buf_free(&err);

    /* redundant parentheses and the same operator nested are flattened */
    n = parse("((login=a) or (login=b or (login=c)))", &err);
    assert_non_null(n);
    assert_int_equal(n->kind, FX_OR);
    assert_int_equal(n->n_kids, 3);
    fx_free(n);
    buf_free(&err);

    /* keywords ignore case; quotes and escapes; tags with and without a value */
    n = parse("LOGIN=\"a \\\"b\\\\\" AND tag:\"cost center\"=\"x y\" And tag:team", &err);
    assert_non_null(n);
    assert_int_equal(n->kind, FX_AND);
    assert_int_equal(n->n_kids, 3);
    assert_string_equal(n->kids[0].value, "a \"b\\");
    assert_int_equal(n->kids[1].field, FX_TAG);
    assert_string_equal(n->kids[1].key, "cost center");
    assert_string_equal(n->kids[1].value, "x y");
    assert_int_equal(n->kids[2].op, FX_HAS);
    assert_string_equal(n->kids[2].key, "team");
    assert_null(n->kids[2].value);
    fx_free(n);
    buf_free(&err);

    /* a hierarchy path and a word that starts like a keyword */
    n = parse("hierarchy^=Sales|West or login=order", &err);
    assert_non_null(n);
    assert_int_equal(n->kids[0].field, FX_HIERARCHY);
    assert_string_equal(n->kids[0].value, "Sales|West");
    assert_string_equal(n->kids[1].value, "order");
    fx_free(n);
    buf_free(&err);
}

static void errors_name_the_column_and_the_expectation(void **state)
{
    (void)state;
    parse_fails("", "at column 1", "expected a field");
    parse_fails("   ", "at column 4", "found the end");
    parse_fails("nickname=x", "at column 1", "found 'nickname'");
    parse_fails("login", "at column 6", "expected an operator");
    parse_fails("login <= x", "at column 7", "expected an operator");
    parse_fails("login=", "at column 7", "expected a value");
    parse_fails("login=\"\"", "at column 7", "is empty");
    parse_fails("login=\"abc", "at column 7", "no closing");
    parse_fails("login=\"a\\nb\"", "at column 9", "'\\'");
    parse_fails("login=a b", "at column 9", "expected 'and', 'or' or the end");
    parse_fails("login=a=b", "found '='", "quotes");
    parse_fails("login=a and", "at column 12", "found the end");
    parse_fails("(login=a", "to close the '(' of column 1", NULL);
    parse_fails("login=a)", "closes no '('", NULL);
    parse_fails("login~=a", "2 to 25 characters", NULL);
    parse_fails("login~=abcdefghijklmnopqrstuvwxyz", "2 to 25 characters", NULL);
    parse_fails("routing-profile^=Basic", "take '='", NULL);
    parse_fails("security-profile~=Ag", "take '='", NULL);
    parse_fails("hierarchy~=Sales", "hierarchy takes", NULL);
    parse_fails("tag:~=x", "expected a tag key", NULL);
    parse_fails("tag:k~=v", "a tag takes '=' only", NULL);
    parse_fails("tag:k=", "expected a tag value", NULL);
    parse_fails("login=\xff", "not valid UTF-8", NULL);
    /* a NUL inside the text */
    buf err;
    buf_init(&err);
    assert_null(fx_parse("login=a\0b", 9, &err));
    assert_non_null(strstr(err.data, "column 8"));
    buf_free(&err);
    /* 'é' counts as one character for '~=' */
    buf_init(&err);
    fx_node *n = fx_parse("first-name~=\xc3\xa9t", 15, &err);
    assert_non_null(n);
    fx_free(n);
    buf_free(&err);
}

static void bounds(void **state)
{
    (void)state;
    buf b, err;
    /* length */
    buf_init(&b);
    buf_puts(&b, "login=");
    while (b.len <= FX_MAX_LEN)
        buf_putc(&b, 'a');
    buf_init(&err);
    assert_null(fx_parse(b.data, b.len, &err));
    assert_non_null(strstr(err.data, "longer than"));
    buf_free(&err);
    buf_free(&b);
    /* conditions */
    buf_init(&b);
    for (int i = 0; i <= FX_MAX_CONDS; i++)
        buf_printf(&b, "%slogin=u%d", i ? " or " : "", i);
    buf_init(&err);
    assert_null(fx_parse(b.data, b.len, &err));
    assert_non_null(strstr(err.data, "more than 64 conditions"));
    buf_free(&err);
    buf_free(&b);
    /* exactly the limit parses */
    buf_init(&b);
    for (int i = 0; i < FX_MAX_CONDS; i++)
        buf_printf(&b, "%slogin=u%d", i ? " or " : "", i);
    buf_init(&err);
    fx_node *n = fx_parse(b.data, b.len, &err);
    assert_non_null(n);
    assert_int_equal(n->n_kids, FX_MAX_CONDS);
    fx_free(n);
    buf_free(&err);
    buf_free(&b);
    /* parentheses depth: deep redundant parentheses are refused before the stack grows */
    buf_init(&b);
    for (int i = 0; i < 10000; i++)
        buf_putc(&b, '(');
    buf_init(&err);
    assert_null(fx_parse(b.data, FX_MAX_LEN, &err));
    assert_non_null(strstr(err.data, "nest deeper"));
    buf_free(&err);
    buf_free(&b);
    /* alternation of and / or beyond what SearchUsers nests */
    parse_fails("login=a or (login=b and (login=c or (login=d and login=e)))", "alternate more than 3", NULL);
    buf_init(&err);
    n = fx_parse("login=a or (login=b and (login=c or login=d))", 45, &err);
    assert_non_null(n);
    fx_free(n);
    buf_free(&err);
}

static void compiles_criteria(void **state)
{
    (void)state;
    compiles_to("login=jdoe",
                "{\"StringCondition\":{\"ComparisonType\":\"EXACT\",\"FieldName\":\"Username\",\"Value\":\"jdoe\"}}",
                "null");
    compiles_to("first-name^=An and last-name~=ee",
                "{\"AndConditions\":[{\"StringCondition\":{\"ComparisonType\":\"STARTS_WITH\",\"FieldName\":"
                "\"FirstName\",\"Value\":\"An\"}},{\"StringCondition\":{\"ComparisonType\":\"CONTAINS\","
                "\"FieldName\":\"LastName\",\"Value\":\"ee\"}}]}",
                "null");
    compiles_to("routing-profile=\"Basic Routing Profile\" or security-profile=Agent",
                "{\"OrConditions\":[{\"StringCondition\":{\"ComparisonType\":\"EXACT\",\"FieldName\":"
                "\"RoutingProfileId\",\"Value\":\"rp-Basic Routing Profile\"}},{\"StringCondition\":{"
                "\"ComparisonType\":\"EXACT\",\"FieldName\":\"SecurityProfileId\",\"Value\":\"sp-Agent\"}}]}",
                "null");
    compiles_to("hierarchy=Sales|West or hierarchy^=Support",
                "{\"OrConditions\":[{\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":\"EXACT\","
                "\"Value\":\"hg-Sales|West\"}},{\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":"
                "\"WITH_CHILD_GROUPS\",\"Value\":\"hg-Support\"}}]}",
                "null");
}

static void compiles_tags_into_the_filter(void **state)
{
    (void)state;
    /* tags alone: no criteria */
    compiles_to("tag:team=blue", "null",
                "{\"UserAttributeFilter\":{\"AndCondition\":{\"TagConditions\":[{\"TagKey\":\"team\",\"TagValue\":"
                "\"blue\"}]}}}");
    /* a top-level and splits the two */
    compiles_to("login^=a and tag:team and tag:env=dev",
                "{\"StringCondition\":{\"ComparisonType\":\"STARTS_WITH\",\"FieldName\":\"Username\",\"Value\":"
                "\"a\"}}",
                "{\"UserAttributeFilter\":{\"AndCondition\":{\"TagConditions\":[{\"TagKey\":\"team\"},{\"TagKey\":"
                "\"env\",\"TagValue\":\"dev\"}]}}}");
    /* or of tags: alternatives */
    compiles_to("tag:a=1 or tag:b=2", "null",
                "{\"UserAttributeFilter\":{\"OrConditions\":[{\"TagConditions\":[{\"TagKey\":\"a\",\"TagValue\":"
                "\"1\"}]},{\"TagConditions\":[{\"TagKey\":\"b\",\"TagValue\":\"2\"}]}]}}");
    /* a hierarchy beside tags: distributed */
    compiles_to("(tag:a or tag:b) and hierarchy=S and login=x",
                "{\"AndConditions\":[{\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":\"EXACT\",\"Value\":"
                "\"hg-S\"}},{\"StringCondition\":{\"ComparisonType\":\"EXACT\",\"FieldName\":\"Username\","
                "\"Value\":\"x\"}}]}",
                "{\"UserAttributeFilter\":{\"OrConditions\":[{\"TagConditions\":[{\"TagKey\":\"a\"}]},{"
                "\"TagConditions\":[{\"TagKey\":\"b\"}]}]}}");
    compiles_to("tag:a or hierarchy^=S", "null",
                "{\"UserAttributeFilter\":{\"OrConditions\":[{\"TagConditions\":[{\"TagKey\":\"a\"}]},{"
                "\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":\"WITH_CHILD_GROUPS\",\"Value\":"
                "\"hg-S\"}}]}}");
    compiles_to("(tag:a or tag:b) and (tag:c or hierarchy=H)", "null",
                "{\"UserAttributeFilter\":{\"OrConditions\":[{\"TagConditions\":[{\"TagKey\":\"a\"},{\"TagKey\":"
                "\"c\"}]},{\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":\"EXACT\",\"Value\":\"hg-H\"},"
                "\"TagConditions\":[{\"TagKey\":\"a\"}]},{\"TagConditions\":[{\"TagKey\":\"b\"},{\"TagKey\":\"c\"}]},"
                "{\"HierarchyGroupCondition\":{\"HierarchyGroupMatchType\":\"EXACT\",\"Value\":\"hg-H\"},"
                "\"TagConditions\":[{\"TagKey\":\"b\"}]}]}}");
}

static void refuses_what_searchusers_cannot_express(void **state)
{
    (void)state;
    compile_fails("tag:a or login=x", "only by an 'and' at the top");
    compile_fails("login=x and (tag:a or first-name=y)", "column 23");
    compile_fails("tag:a and (hierarchy=X or tag:c) and (tag:b or hierarchy=Y)", "two hierarchy conditions");
    /* 26 tags once expanded */
    buf b;
    buf_init(&b);
    for (int i = 0; i < 26; i++)
        buf_printf(&b, "%stag:k%d", i ? " and " : "", i);
    compile_fails(b.data, "at most 25 and 20");
    buf_free(&b);
    /* a product that grows past the bound */
    compile_fails("(tag:a or tag:b or tag:c or tag:d or tag:e or tag:f or tag:g) and "
                  "(tag:h or tag:i or tag:j or tag:k or tag:l or tag:m or tag:n)",
                  "too complex");
    /* a name that does not resolve: the resolver's message, nothing compiled */
    compile_fails("login=a and routing-profile=missing", "no such name 'missing'");
    compile_fails("tag:a and hierarchy=missing", "no such name 'missing'");
}

static void names_resolved_once_each_condition(void **state)
{
    (void)state;
    buf err;
    fx_node *n = parse("routing-profile=A or routing-profile=B or security-profile=C", &err);
    assert_non_null(n);
    int calls = 0;
    json_t *c, *f;
    assert_int_equal(fx_compile(n, fake_resolve, &calls, &c, &f, &err), 0);
    assert_int_equal(calls, 3);
    assert_null(f);
    json_decref(c);
    fx_free(n);
    buf_free(&err);
}

static void suggestions_use_the_servers_rule(void **state)
{
    (void)state;
    const char *names[] = {"Admin", "Agent", "CallCenterManager", "QualityAnalyst"};
    assert_string_equal(nearest_name("Agnet", names, 4), "Agent");
    assert_string_equal(nearest_name("agent", names, 4), "Agent");
    assert_string_equal(nearest_name("Callcentermanager", names, 4), "CallCenterManager");
    assert_string_equal(nearest_name("QualityAnalist", names, 4), "QualityAnalyst");
    assert_null(nearest_name("Quality", names, 4)); /* too far: seven letters missing */
    assert_null(nearest_name("Zzzzzzzzzzzzzzzzzzzzzzzzzz", names, 4));
    assert_null(nearest_name("Agent", names, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_precedence_and_flattens),
        cmocka_unit_test(errors_name_the_column_and_the_expectation),
        cmocka_unit_test(bounds),
        cmocka_unit_test(compiles_criteria),
        cmocka_unit_test(compiles_tags_into_the_filter),
        cmocka_unit_test(refuses_what_searchusers_cannot_express),
        cmocka_unit_test(names_resolved_once_each_condition),
        cmocka_unit_test(suggestions_use_the_servers_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
