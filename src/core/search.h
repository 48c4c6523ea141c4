/* search.h — the search-criteria language of the Search* operations, as a tree the core can
 * validate and evaluate: AND / OR nodes over string, hierarchy-group and tag conditions.
 *
 * The wire adapter builds the tree; search_validate checks it against what a resource kind
 * allows; search_eval decides whether one item matches, asking the kind's callback for the
 * leaves. Text comparisons: EXACT is byte-exact; STARTS_WITH and CONTAINS ignore ASCII case.
 */
#ifndef ROSTER_CORE_SEARCH_H
#define ROSTER_CORE_SEARCH_H

#include <stddef.h>

#include "core/error.h"

typedef enum search_kind {
    SEARCH_AND,
    SEARCH_OR,
    SEARCH_STRING,      /* field cmp value */
    SEARCH_HIERARCHY,   /* in group value (with_children: or below it) */
    SEARCH_TAG,         /* tag key (= value, when value is non-NULL) */
} search_kind;

typedef enum search_cmp { CMP_EXACT, CMP_STARTS_WITH, CMP_CONTAINS } search_cmp;

typedef struct search_node {
    search_kind kind;
    char *field;                 /* SEARCH_STRING; owned */
    search_cmp cmp;              /* SEARCH_STRING */
    char *value;                 /* STRING value, HIERARCHY group id, TAG value (may be NULL); owned */
    char *key;                   /* SEARCH_TAG key; owned */
    int with_children;           /* SEARCH_HIERARCHY */
    struct search_node *kids;    /* AND / OR children; owned array */
    size_t n_kids;
} search_node;

/* Appends a zeroed child to an AND/OR node and returns it. */
search_node *search_add(search_node *parent, search_kind kind);
/* Frees what n owns (not n itself). Safe on a zeroed node. */
void search_clear(search_node *n);

/* What a resource kind accepts. fields is NULL-terminated; contains_min/max bound CONTAINS
 * values (0/0: no bound). */
typedef struct search_rules {
    const char *const *fields;
    size_t contains_min, contains_max;
    int hierarchy;               /* HierarchyGroupCondition allowed */
    int tags;                    /* tag conditions allowed */
    const char *what;            /* "SearchCriteria" for messages */
} search_rules;

/* Checks every leaf against rules and the depth against a limit. Returns 0, or -1 with
 * ERR_INVALID_PARAMETER naming the criteria path. */
int search_validate(const search_node *root, const search_rules *rules, rerr *e);

/* Decides a leaf for one item: returns 1 match, 0 no match. */
typedef int (*search_leaf_fn)(const void *item, const search_node *leaf, void *cls);

/* 1 if item matches root (an empty AND matches everything, an empty OR nothing). */
int search_eval(const search_node *root, const void *item, search_leaf_fn leaf, void *cls);

/* Compares text under cmp. */
int search_text(search_cmp cmp, const char *haystack, const char *needle);

/* 1 if tags (a kvlist) satisfy a SEARCH_TAG leaf: the key is present and, when the leaf has a
 * value, holds exactly that value. */
struct kvlist;
int search_tag_match(const search_node *leaf, const struct kvlist *tags);

/* One page of search results. Items are (key, id) pairs sorted by key then id; the token
 * (of list `kind`) names the last pair already returned. */
typedef struct search_page {
    size_t start;                /* index of the first item of the page */
    size_t count;                /* items in the page */
    char *next;                  /* malloc'd token, NULL on the last page */
} search_page;

/* Computes the page of limit items after token among n sorted items. keys[i]/ids[i] describe
 * item i. Returns 0, or -1 with ERR_INVALID_PARAMETER for a token this list did not issue. */
int search_paginate(rerr *e, const char *kind, const char *token, size_t limit, const char *const *keys,
                    const char *const *ids, size_t n, search_page *out);

#endif
