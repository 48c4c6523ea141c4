/* fuzz_search.c — the search-criteria reader (src/api/search_json.c) for SearchUsers and the
 * other Search* operations, into core/search.h trees, then the core's validation and
 * evaluation of the tree read. The input is a request body (parsed as src/api/dispatch.c
 * does); each reader runs on its member of the body (SearchCriteria, SearchFilter.TagFilter,
 * .AttributeFilter, .UserAttributeFilter) and, so that short inputs reach deep shapes, on the
 * whole body as well. */
#include <string.h>

#include "api/search_json.h"
#include "body.h"
#include "core/search.h"
#include "core/security_profiles.h"
#include "core/user_search.h"
#include "fuzz.h"
#include "model/model.h"

/* Rules allowing every leaf kind, so that validation walks any tree the reader builds. */
static const char *const any_fields[] = {"Username", "Name", "FirstName", "LastName", "Description", NULL};
static const search_rules open_rules = {.fields = any_fields, .hierarchy = 1, .tags = 1, .what = "SearchCriteria"};

/* A leaf decided against one fixed item: its text fields, its group and its tags. */
static int leaf(const void *item, const search_node *n, void *cls)
{
    (void)cls;
    const kvlist *tags = item;
    switch (n->kind) {
    case SEARCH_STRING:
        return search_text(n->cmp, "jdoe Jane Doe", n->value);
    case SEARCH_HIERARCHY:
        return n->value && strcmp(n->value, "9b0c2f3a-0000-0000-0000-000000000003") == 0;
    case SEARCH_TAG:
        return search_tag_match(n, (const struct kvlist *)tags);
    default:
        FUZZ_CHECK(!"an AND/OR node reached the leaf callback");
        return 0;
    }
}

/* Checks the shape of a tree the reader built (a leaf's missing field, value or key is
 * search_validate's to refuse, not the reader's). */
static void check_tree(const search_node *n, int depth)
{
    FUZZ_CHECK(depth <= 2 * JSON_DEPTH_LIMIT);
    switch (n->kind) {
    case SEARCH_AND:
    case SEARCH_OR:
        FUZZ_CHECK(n->n_kids == 0 || n->kids);
        for (size_t i = 0; i < n->n_kids; i++)
            check_tree(&n->kids[i], depth + 1);
        break;
    case SEARCH_STRING:
        FUZZ_CHECK(n->cmp == CMP_EXACT || n->cmp == CMP_STARTS_WITH || n->cmp == CMP_CONTAINS);
        break;
    case SEARCH_TAG:
    case SEARCH_HIERARCHY:
        break;
    default:
        FUZZ_CHECK(!"unknown node kind");
    }
}

/* Validates a tree the reader accepted and, when some rules accept it, evaluates it against a
 * fixed item; the match itself is not checked. */
static void use_tree(int rc, const rerr *e, const search_node *root)
{
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc) {
        FUZZ_CHECK(e->code == ERR_INVALID_PARAMETER || e->code == ERR_ACCESS_DENIED);
        return;
    }
    check_tree(root, 0);
    const search_rules *rules[] = {&user_search_rules, &security_profile_search_rules, &open_rules};
    int valid = 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        rerr ve = {0};
        int v = search_validate(root, rules[i], &ve);
        FUZZ_CHECK(v == 0 || (v == -1 && ve.code == ERR_INVALID_PARAMETER));
        valid |= v == 0;
    }
    if (!valid) /* the core evaluates only trees that passed validation */
        return;
    kvlist tags = {0};
    kvlist_set(&tags, "team", "blue");
    kvlist_set(&tags, "env", "dev");
    int m = search_eval(root, &tags, leaf, NULL);
    FUZZ_CHECK(m == 0 || m == 1);
    kvlist_clear(&tags);
}

typedef int (*filter_reader)(rerr *e, json_t *filter, const char *member, search_node *root);

static void criteria(json_t *c)
{
    search_node root = {.kind = SEARCH_AND};
    rerr e = {0};
    use_tree(search_json_criteria(&e, c, &root), &e, &root);
    search_clear(&root);
}

static void tag_filter(json_t *f)
{
    search_node root = {.kind = SEARCH_AND};
    rerr e = {0};
    use_tree(search_json_tag_filter(&e, f, &root), &e, &root);
    search_clear(&root);
}

static void named_filter(filter_reader fn, json_t *f, const char *member)
{
    search_node root = {.kind = SEARCH_AND};
    rerr e = {0};
    use_tree(fn(&e, f, member, &root), &e, &root);
    search_clear(&root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = fuzz_body(data, size);
    if (!doc)
        return 0;
    json_t *filter = json_object_get(doc, "SearchFilter");
    json_t *f = json_is_object(filter) ? filter : NULL;
    criteria(json_object_get(doc, "SearchCriteria"));
    tag_filter(f ? json_object_get(f, "TagFilter") : NULL);
    named_filter(search_json_attribute_filter, f ? json_object_get(f, "AttributeFilter") : NULL,
                 "SearchFilter.AttributeFilter");
    named_filter(search_json_user_attribute_filter, f ? json_object_get(f, "UserAttributeFilter") : NULL,
                 "SearchFilter.UserAttributeFilter");
    /* The whole body as each shape. */
    criteria(doc);
    tag_filter(doc);
    named_filter(search_json_attribute_filter, doc, "AttributeFilter");
    named_filter(search_json_user_attribute_filter, doc, "UserAttributeFilter");
    json_decref(doc);
    return 0;
}
