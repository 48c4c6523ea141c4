/* fuzz_filter_expr.c — the bulk commands' filter language (src/cli/filter_expr.c): the parser
 * on any bytes, then the compiler with a fake resolver (that refuses some names), then what the
 * compiler produced read back by the server's own SearchUsers readers (src/api/search_json.c)
 * and validated under SearchUsers' rules: whatever the CLI would send, the server accepts.
 * The input is the filter text. Checks: an error always has a message and no tree; a tree's
 * shape (lists of two or more, conditions with what their kind needs, at most FX_MAX_CONDS);
 * a failed compile leaves both members NULL; a compiled SearchFilter stays within 25 tag and
 * 20 hierarchy conditions. */
#include <string.h>

#include "api/search_json.h"
#include "cli/filter_expr.h"
#include "core/search.h"
#include "core/user_search.h"
#include "fuzz.h"

/* Resolves every name to an id derived from it, except names starting with 'x' (a miss). */
static int resolve(void *cls, fx_ref ref, const char *name, char **id, buf *err)
{
    (void)cls;
    if (name[0] == 'x') {
        buf_printf(err, "no such name");
        return -1;
    }
    buf b;
    buf_init(&b);
    buf_printf(&b, "%d-%.40s", (int)ref, name);
    *id = buf_detach(&b);
    return 0;
}

static size_t check_tree(const fx_node *n, int depth)
{
    FUZZ_CHECK(depth <= FX_MAX_DEPTH + 2);
    if (n->kind == FX_COND) {
        FUZZ_CHECK(n->field <= FX_TAG);
        FUZZ_CHECK(n->op <= FX_HAS);
        FUZZ_CHECK(n->field == FX_TAG ? n->key && *n->key : !n->key);
        FUZZ_CHECK(n->op == FX_HAS ? n->field == FX_TAG && !n->value : n->value && *n->value);
        FUZZ_CHECK(n->n_kids == 0 && !n->kids);
        return 1;
    }
    FUZZ_CHECK(n->kind == FX_AND || n->kind == FX_OR);
    FUZZ_CHECK(n->n_kids >= 2 && n->kids);
    size_t conds = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        FUZZ_CHECK(n->kids[i].kind != n->kind); /* flattened */
        conds += check_tree(&n->kids[i], depth + 1);
    }
    return conds;
}

static void count_filter(const search_node *n, size_t *tags, size_t *groups)
{
    *tags += n->kind == SEARCH_TAG;
    *groups += n->kind == SEARCH_HIERARCHY;
    for (size_t i = 0; i < n->n_kids; i++)
        count_filter(&n->kids[i], tags, groups);
}

static const char *const no_fields[] = {NULL};
static const search_rules filter_rules = {.fields = no_fields, .hierarchy = 1, .tags = 1, .what = "SearchFilter"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf err;
    buf_init(&err);
    fx_node *root = fx_parse((const char *)data, size, &err);
    if (!root) {
        FUZZ_CHECK(err.len > 0 && err.data && strlen(err.data) == err.len);
        buf_free(&err);
        return 0;
    }
    FUZZ_CHECK(err.len == 0);
    FUZZ_CHECK(check_tree(root, 0) <= FX_MAX_CONDS);
    json_t *criteria = (json_t *)1, *filter = (json_t *)1;
    int rc = fx_compile(root, resolve, NULL, &criteria, &filter, &err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc) {
        FUZZ_CHECK(!criteria && !filter && err.len > 0);
    } else {
        FUZZ_CHECK(criteria || filter);
        search_node c = {.kind = SEARCH_AND}, f = {.kind = SEARCH_AND};
        rerr e = {0};
        FUZZ_CHECK(!criteria || search_json_criteria(&e, criteria, &c) == 0);
        FUZZ_CHECK(search_validate(&c, &user_search_rules, &e) == 0);
        if (filter) {
            json_t *uaf = json_object_get(filter, "UserAttributeFilter");
            FUZZ_CHECK(json_object_size(filter) == 1 && uaf);
            FUZZ_CHECK(search_json_user_attribute_filter(&e, uaf, "SearchFilter.UserAttributeFilter", &f) == 0);
            FUZZ_CHECK(search_validate(&f, &filter_rules, &e) == 0);
            size_t tags = 0, groups = 0;
            count_filter(&f, &tags, &groups);
            FUZZ_CHECK(tags >= 1 && tags <= 25 && groups <= 20);
        }
        search_clear(&c);
        search_clear(&f);
    }
    json_decref(criteria);
    json_decref(filter);
    fx_free(root);
    buf_free(&err);
    return 0;
}
