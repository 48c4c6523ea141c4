/* test_search.c — the search-criteria tree: validation against a kind's rules, and evaluation
 * of nested AND/OR over string, hierarchy and tag leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#include "core/search.h"
#include "util/buf.h"

typedef struct item {
    const char *name;
    const char *group;
    const char *tag_key;
} item;

static int leaf(const void *p, const search_node *n, void *cls)
{
    (void)cls;
    const item *it = p;
    switch (n->kind) {
    case SEARCH_STRING: return search_text(n->cmp, it->name, n->value);
    case SEARCH_HIERARCHY: return strcmp(it->group, n->value) == 0;
    case SEARCH_TAG: return it->tag_key && strcmp(it->tag_key, n->key) == 0;
    default: return 0;
    }
}

static search_node *str(search_node *parent, const char *field, search_cmp cmp, const char *value)
{
    search_node *n = search_add(parent, SEARCH_STRING);
    n->field = xstrdup(field);
    n->cmp = cmp;
    n->value = xstrdup(value);
    return n;
}

static const char *const fields[] = {"name", "description", NULL};
static const search_rules rules = {.fields = fields, .contains_min = 2, .contains_max = 25, .what = "SearchCriteria"};

static void text_comparisons(void **state)
{
    (void)state;
    assert_true(search_text(CMP_EXACT, "Agent", "Agent"));
    assert_false(search_text(CMP_EXACT, "Agent", "agent"));
    assert_true(search_text(CMP_STARTS_WITH, "Agent", "ag"));
    assert_false(search_text(CMP_STARTS_WITH, "Agent", "nt"));
    assert_true(search_text(CMP_CONTAINS, "CallCenterManager", "center"));
    assert_false(search_text(CMP_CONTAINS, "Agent", "xyz"));
    assert_false(search_text(CMP_CONTAINS, NULL, "x"));
}

static void nested_and_or(void **state)
{
    (void)state;
    /* (name STARTS_WITH "sup" OR group = g2) AND NOT-tagged-check via tag k */
    search_node root = {.kind = SEARCH_AND};
    search_node *or = search_add(&root, SEARCH_OR);
    str(or, "name", CMP_STARTS_WITH, "sup");
    search_node *h = search_add(or, SEARCH_HIERARCHY);
    h->value = xstrdup("g2");
    search_node *t = search_add(&root, SEARCH_TAG);
    t->key = xstrdup("k");
    search_rules r = rules;
    r.hierarchy = r.tags = 1;
    rerr e;
    assert_int_equal(search_validate(&root, &r, &e), 0);
    item a = {"Supervisor", "g1", "k"}, b = {"agent", "g2", "k"}, c = {"agent", "g1", "k"}, d = {"super", "g1", NULL};
    assert_true(search_eval(&root, &a, leaf, NULL));
    assert_true(search_eval(&root, &b, leaf, NULL));
    assert_false(search_eval(&root, &c, leaf, NULL));
    assert_false(search_eval(&root, &d, leaf, NULL));
    search_clear(&root);
    search_node empty_and = {.kind = SEARCH_AND}, empty_or = {.kind = SEARCH_OR};
    assert_true(search_eval(&empty_and, &a, leaf, NULL));
    assert_false(search_eval(&empty_or, &a, leaf, NULL));
}

static void validation_errors(void **state)
{
    (void)state;
    rerr e;
    search_node root = {.kind = SEARCH_OR};
    str(&root, "color", CMP_EXACT, "x");
    assert_int_equal(search_validate(&root, &rules, &e), -1);
    assert_true(strstr(e.message, "allowed: name, description") != NULL);
    search_clear(&root);

    root.kind = SEARCH_AND;
    str(&root, "name", CMP_CONTAINS, "a"); /* too short for CONTAINS */
    assert_int_equal(search_validate(&root, &rules, &e), -1);
    assert_true(strstr(e.message, "2 to 25") != NULL);
    search_clear(&root);

    root.kind = SEARCH_AND;
    str(&root, "name", CMP_STARTS_WITH, "a"); /* one character is fine for STARTS_WITH */
    assert_int_equal(search_validate(&root, &rules, &e), 0);
    search_node *h = search_add(&root, SEARCH_HIERARCHY);
    h->value = xstrdup("g");
    assert_int_equal(search_validate(&root, &rules, &e), -1); /* hierarchy not allowed by these rules */
    search_clear(&root);

    /* Depth beyond the limit. */
    root.kind = SEARCH_AND;
    search_node *n = &root;
    for (int i = 0; i < 12; i++)
        n = search_add(n, SEARCH_AND);
    assert_int_equal(search_validate(&root, &rules, &e), -1);
    assert_true(strstr(e.message, "deeper") != NULL);
    search_clear(&root);
}

static void paginate_walks_without_gaps(void **state)
{
    (void)state;
    const char *keys[] = {"a", "a", "b", "c", "c", "d", "e"};
    const char *ids[] = {"1", "2", "1", "1", "2", "1", "1"};
    size_t n = 7, seen = 0;
    char *token = NULL;
    rerr e;
    for (int pages = 0; pages < 10; pages++) {
        search_page pg;
        assert_int_equal(search_paginate(&e, "x", token, 3, keys, ids, n, &pg), 0);
        assert_int_equal(pg.start, seen);
        seen += pg.count;
        if (token && pg.next)
            assert_string_not_equal(token, pg.next); /* a token never repeats */
        free(token);
        token = pg.next;
        if (!token)
            break;
        assert_true(strlen(token) > 0);
    }
    assert_int_equal(seen, n);
    search_page pg;
    assert_int_equal(search_paginate(&e, "other", "eyJhIjoxfQ", 3, keys, ids, n, &pg), -1);
    assert_int_equal(search_paginate(&e, "x", NULL, 10, keys, ids, 0, &pg), 0);
    assert_int_equal(pg.count, 0);
    assert_null(pg.next);
}

static void tag_leaf(void **state)
{
    (void)state;
    kvlist tags = {0};
    kvlist_set(&tags, "team", "blue");
    search_node leaf = {.kind = SEARCH_TAG, .key = "team"};
    assert_true(search_tag_match(&leaf, &tags));
    leaf.value = "blue";
    assert_true(search_tag_match(&leaf, &tags));
    leaf.value = "red";
    assert_false(search_tag_match(&leaf, &tags));
    leaf.key = "env";
    leaf.value = NULL;
    assert_false(search_tag_match(&leaf, &tags));
    kvlist_clear(&tags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_comparisons),
        cmocka_unit_test(nested_and_or),
        cmocka_unit_test(validation_errors),
        cmocka_unit_test(paginate_walks_without_gaps),
        cmocka_unit_test(tag_leaf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
