/* search.c — validating and evaluating search-criteria trees. */
#include "core/search.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"
#include "core/paging.h"
#include "core/validate.h"
#include "util/buf.h"

#define SEARCH_MAX_DEPTH 8
#define SEARCH_MAX_NODES 200

search_node *search_add(search_node *parent, search_kind kind)
{
    parent->kids = xrealloc(parent->kids, (parent->n_kids + 1) * sizeof *parent->kids);
    search_node *n = &parent->kids[parent->n_kids++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

void search_clear(search_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        search_clear(&n->kids[i]);
    free(n->kids);
    free(n->field);
    free(n->value);
    free(n->key);
    memset(n, 0, sizeof *n);
}

static int field_allowed(const search_rules *r, const char *field)
{
    for (size_t i = 0; r->fields && r->fields[i]; i++)
        if (strcmp(r->fields[i], field) == 0)
            return 1;
    return 0;
}

static int check_string(const search_node *n, const search_rules *r, rerr *e)
{
    const char *w = r->what;
    if (!n->field || !field_allowed(r, n->field)) {
        buf list;
        buf_init(&list);
        for (size_t i = 0; r->fields && r->fields[i]; i++)
            buf_printf(&list, "%s%s", i ? ", " : "", r->fields[i]);
        rerr_set(e, ERR_INVALID_PARAMETER, "StringCondition.FieldName",
                 "%s: StringCondition.FieldName '%.64s' cannot be searched; allowed: %s", w,
                 n->field ? n->field : "", list.data);
        buf_free(&list);
        return -1;
    }
    if (!n->value)
        return rerr_set(e, ERR_INVALID_PARAMETER, "StringCondition.Value", "%s: StringCondition on %s needs a Value",
                        w, n->field);
    size_t len = utf8_count(n->value);
    if (n->cmp == CMP_CONTAINS && r->contains_max && (len < r->contains_min || len > r->contains_max))
        return rerr_set(e, ERR_INVALID_PARAMETER, "StringCondition.Value",
                        "%s: a CONTAINS value must be %zu to %zu characters long (got %zu)", w, r->contains_min,
                        r->contains_max, len);
    if (len == 0 || len > 256)
        return rerr_set(e, ERR_INVALID_PARAMETER, "StringCondition.Value",
                        "%s: a StringCondition Value must be 1 to 256 characters long", w);
    return 0;
}

static int check_node(const search_node *n, const search_rules *r, int depth, size_t *count, rerr *e)
{
    if (depth > SEARCH_MAX_DEPTH || ++*count > SEARCH_MAX_NODES)
        return rerr_set(e, ERR_INVALID_PARAMETER, r->what,
                        "%s nests deeper than %d levels or has more than %d conditions", r->what, SEARCH_MAX_DEPTH,
                        SEARCH_MAX_NODES);
    switch (n->kind) {
    case SEARCH_AND:
    case SEARCH_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (check_node(&n->kids[i], r, depth + 1, count, e))
                return -1;
        return 0;
    case SEARCH_STRING:
        return check_string(n, r, e);
    case SEARCH_HIERARCHY:
        if (!r->hierarchy)
            return rerr_set(e, ERR_INVALID_PARAMETER, "HierarchyGroupCondition",
                            "%s: HierarchyGroupCondition is not supported here", r->what);
        if (!n->value || !*n->value)
            return rerr_set(e, ERR_INVALID_PARAMETER, "HierarchyGroupCondition.Value",
                            "%s: HierarchyGroupCondition needs a Value (a hierarchy group id)", r->what);
        return 0;
    case SEARCH_TAG:
        if (!r->tags)
            return rerr_set(e, ERR_INVALID_PARAMETER, "TagCondition", "%s: tag conditions are not supported here",
                            r->what);
        if (!n->key || !*n->key)
            return rerr_set(e, ERR_INVALID_PARAMETER, "TagCondition.TagKey", "%s: a TagCondition needs a TagKey",
                            r->what);
        return 0;
    }
    return rerr_set(e, ERR_INVALID_PARAMETER, r->what, "%s: unknown condition", r->what);
}

int search_validate(const search_node *root, const search_rules *rules, rerr *e)
{
    size_t count = 0;
    return check_node(root, rules, 0, &count, e);
}

int search_eval(const search_node *n, const void *item, search_leaf_fn leaf, void *cls)
{
    switch (n->kind) {
    case SEARCH_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (!search_eval(&n->kids[i], item, leaf, cls))
                return 0;
        return 1;
    case SEARCH_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (search_eval(&n->kids[i], item, leaf, cls))
                return 1;
        return 0;
    default:
        return leaf(item, n, cls) ? 1 : 0;
    }
}

int search_text(search_cmp cmp, const char *hay, const char *needle)
{
    if (!hay || !needle)
        return 0;
    switch (cmp) {
    case CMP_EXACT:
        return strcmp(hay, needle) == 0;
    case CMP_STARTS_WITH:
        return strncasecmp(hay, needle, strlen(needle)) == 0;
    case CMP_CONTAINS:
        return strcasestr(hay, needle) != NULL;
    }
    return 0;
}

int search_tag_match(const search_node *leaf, const struct kvlist *tags)
{
    for (size_t i = 0; i < tags->keys.n; i++)
        if (strcmp(tags->keys.items[i], leaf->key) == 0)
            return !leaf->value || strcmp(tags->values.items[i], leaf->value) == 0;
    return 0;
}

int search_paginate(rerr *e, const char *kind, const char *token, size_t limit, const char *const *keys,
                    const char *const *ids, size_t n, search_page *out)
{
    memset(out, 0, sizeof *out);
    char *after_key = NULL, *after_id = NULL;
    if (page_token_decode(e, "NextToken", token, kind, &after_key, &after_id))
        return -1;
    size_t i = 0;
    if (token && *token) {
        while (i < n) {
            int c = strcmp(keys[i], after_key);
            if (c > 0 || (c == 0 && strcmp(ids[i], after_id) > 0))
                break;
            i++;
        }
    }
    free(after_key);
    free(after_id);
    out->start = i;
    out->count = n - i < limit ? n - i : limit;
    if (i + out->count < n)
        out->next = page_token_encode(kind, keys[i + out->count - 1], ids[i + out->count - 1]);
    return 0;
}
