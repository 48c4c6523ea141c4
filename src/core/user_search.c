/* user_search.c — SearchUsers over sets of users.
 *
 * Never the whole instance in memory: each leaf of the criteria tree is one indexed look-up in
 * the store that yields the matching users as handles (store_user_search.h); here the handles
 * are sorted into sets and combined — AND by intersection, OR by union (merges of sorted
 * arrays); "every user" is a flag, never a list.
 *
 * Order of work inside an AND: the children are taken cheapest first (an exact username or
 * id, then indexed prefixes, groups, tags, profiles and names containing 3 characters or more
 * (a trigram index), then nested trees, last the scans of names). Once the running
 * intersection is small, the remaining children are not looked up at all: each remaining
 * user is read (store_user_facts, ~7 µs in bench/console) and checked with search_eval. Small
 * is filter_max users (1000), or before a scan of the instance (~0.2 µs a row) a 32nd of the
 * rows.
 *
 * The page: a small result has its keys read (a random row read each, ~3 µs), sorted by
 * (username, id) and cut by search_paginate; a larger one (or "every user") walks the
 * instance's username index (~0.1 µs an entry) from the token on and keeps the first users
 * that are in the result, so its cost follows the page, not the result. Small means
 * n² · 32 <= (limit + 1) · rows — the walk passes about limit · rows / n entries — and at most
 * sparse_max. Username conditions also tell where in username order a result can lie (ranges:
 * a prefix's spellings in every case, an exact name), so the walk seeks to those ranges and
 * never crosses the users in between. Both ways give the same tokens (list "user-search").
 */
#include "core/user_search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/paging.h"
#include "util/buf.h"

#define FILTER_MAX_TAGS 25
#define FILTER_MAX_GROUPS 20
#define TOKEN_MAX 2500
#define TOKEN_KIND "user-search"
#define COST_SCAN 6               /* cost() of a leaf that scans the instance's rows */

static size_t filter_max = 1000, sparse_max = 4000; /* see user_search_tune */

static const char *const fields[] = {"Username",          "FirstName",  "LastName",  "RoutingProfileId",
                                     "SecurityProfileId", "resourceId", "resourceID", NULL};

const search_rules user_search_rules = {.fields = fields,
                                        .contains_min = 2,
                                        .contains_max = 25,
                                        .hierarchy = 1,
                                        .tags = 1,
                                        .what = "SearchCriteria"};

static const char *const no_fields[] = {NULL};
static const search_rules filter_rules = {.fields = no_fields, .hierarchy = 1, .tags = 1, .what = "SearchFilter"};

void user_search_tune(size_t filter, size_t sparse)
{
    filter_max = filter;
    sparse_max = sparse;
}

void user_search_keys_clear(user_search_keys *k)
{
    strlist_clear(&k->ids);
    free(k->next);
    memset(k, 0, sizeof *k);
}

void user_search_result_clear(user_search_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        user_clear(&r->hits[i].user);
        kvlist_clear(&r->hits[i].tags);
    }
    free(r->hits);
    free(r->next);
    memset(r, 0, sizeof *r);
}

/* ---- username ranges --------------------------------------------------------------------------- */

/* Where a set's members lie in username (byte) order, so that the page walk reads only there:
 * a sorted list of disjoint half-open ranges lo <= username < hi (hi NULL: no end), or, when
 * not bounded, anywhere. Username conditions bound a set; AND intersects the bounds, OR unites
 * them (unbounded if any side is). Strings are malloc'd. */
typedef struct urange {
    char *lo;
    char *hi;
} urange;

typedef struct uranges {
    urange *v;
    size_t n;
    int bounded;
} uranges;

#define PREFIX_VARIANTS_MAX 8 /* letters of a prefix spelled in every case: at most 2^8 ranges */

static void ranges_clear(uranges *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].lo);
        free(r->v[i].hi);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* Appends [lo, hi), taking both strings. */
static void ranges_push(uranges *r, char *lo, char *hi)
{
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = (urange){lo, hi};
    r->bounded = 1;
}

/* strcmp for range ends, NULL being past every string. */
static int cmp_end(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static int cmp_range(const void *a, const void *b)
{
    return strcmp(((const urange *)a)->lo, ((const urange *)b)->lo);
}

/* Sorts the ranges and merges those that overlap or touch. */
static void ranges_normalize(uranges *r)
{
    if (r->n < 2)
        return;
    qsort(r->v, r->n, sizeof *r->v, cmp_range);
    size_t k = 0;
    for (size_t i = 1; i < r->n; i++) {
        urange *cur = &r->v[k];
        if (cur->hi && strcmp(r->v[i].lo, cur->hi) > 0) {
            r->v[++k] = r->v[i];
            continue;
        }
        if (cmp_end(r->v[i].hi, cur->hi) > 0) {
            free(cur->hi);
            cur->hi = r->v[i].hi;
        } else {
            free(r->v[i].hi);
        }
        free(r->v[i].lo);
    }
    r->n = k + 1;
}

/* a = a ∩ b. */
static void ranges_intersect(uranges *a, const uranges *b)
{
    if (!b->bounded)
        return;
    uranges out = {.bounded = 1};
    for (size_t i = 0, j = 0; a->bounded && i < a->n && j < b->n;) {
        const urange *x = &a->v[i], *y = &b->v[j];
        const char *lo = strcmp(x->lo, y->lo) > 0 ? x->lo : y->lo;
        const char *hi = cmp_end(x->hi, y->hi) < 0 ? x->hi : y->hi;
        if (cmp_end(lo, hi) < 0)
            ranges_push(&out, xstrdup(lo), xstrdup(hi));
        if (cmp_end(x->hi, y->hi) < 0)
            i++;
        else
            j++;
    }
    if (!a->bounded)
        for (size_t j = 0; j < b->n; j++)
            ranges_push(&out, xstrdup(b->v[j].lo), xstrdup(b->v[j].hi));
    ranges_clear(a);
    *a = out;
}

/* a = a ∪ b; b is emptied. */
static void ranges_unite(uranges *a, uranges *b)
{
    if (!a->bounded || !b->bounded) {
        ranges_clear(a);
        ranges_clear(b);
        return;
    }
    for (size_t j = 0; j < b->n; j++)
        ranges_push(a, b->v[j].lo, b->v[j].hi);
    b->n = 0;
    ranges_clear(b);
    ranges_normalize(a);
}

/* The least string above every string that starts with p (NULL: none). Caller frees. */
static char *after_prefix(const char *p)
{
    char *u = xstrdup(p);
    for (size_t i = strlen(u); i > 0; i--) {
        if ((unsigned char)u[i - 1] < 0xff) {
            u[i - 1] = (char)((unsigned char)u[i - 1] + 1);
            u[i] = '\0';
            return u;
        }
    }
    free(u);
    return NULL;
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The ranges holding every username that starts with p ignoring ASCII case: one per spelling
 * of p's letters, or, past PREFIX_VARIANTS_MAX letters, one wide range. */
static void prefix_ranges(const char *p, uranges *out)
{
    size_t letters = 0, len = strlen(p);
    for (size_t i = 0; i < len; i++)
        letters += is_letter(p[i]);
    char *q = xstrdup(p);
    if (letters > PREFIX_VARIANTS_MAX) {
        for (size_t i = 0; i < len; i++)
            q[i] = is_letter(q[i]) ? (char)(q[i] & ~0x20) : q[i]; /* the least spelling */
        char *lower = xstrdup(p);
        for (size_t i = 0; i < len; i++)
            lower[i] = is_letter(lower[i]) ? (char)(lower[i] | 0x20) : lower[i]; /* the greatest */
        ranges_push(out, q, after_prefix(lower));
        free(lower);
        return;
    }
    for (unsigned mask = 0; mask < (1u << letters); mask++) {
        for (size_t i = 0, bit = 0; i < len; i++)
            if (is_letter(p[i]))
                q[i] = (mask >> bit++) & 1 ? (char)(p[i] & ~0x20) : (char)(p[i] | 0x20);
        ranges_push(out, xstrdup(q), after_prefix(q));
    }
    free(q);
    ranges_normalize(out);
}

/* The ranges of a leaf: Username EXACT and STARTS_WITH bound; nothing else does. */
static void leaf_ranges(const search_node *n, uranges *out)
{
    if (n->kind != SEARCH_STRING || strcmp(n->field, "Username") != 0 || n->cmp == CMP_CONTAINS)
        return;
    if (n->cmp == CMP_STARTS_WITH) {
        prefix_ranges(n->value, out);
        return;
    }
    buf next; /* the value and a byte 1: the least string above it */
    buf_init(&next);
    buf_printf(&next, "%s\x01", n->value);
    ranges_push(out, xstrdup(n->value), buf_detach(&next));
}

/* ---- sets ------------------------------------------------------------------------------------ */

/* A set of users: sorted distinct handles, or every user of the instance; with where its
 * members lie in username order. */
typedef struct uset {
    user_handles s;
    int all;
    uranges r;
} uset;

static void uset_clear(uset *u)
{
    user_handles_clear(&u->s);
    ranges_clear(&u->r);
    u->all = 0;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

/* The instance's groups as (id, parent) pairs sorted by id, for checking users one by one. */
typedef struct group_link {
    char id[ID_LEN];
    char parent[ID_LEN];
} group_link;

typedef struct evaluator {
    core_ctx *cx;
    const char *instance_id;
    int rc;                       /* the first store failure, STORE_OK until then */
    group_link *groups;           /* loaded on first need */
    size_t n_groups;
    int groups_loaded;
    int64_t rows;                 /* store_user_rows_estimate, -1 until needed */
} evaluator;

static int fail(evaluator *ev, int rc)
{
    if (ev->rc == STORE_OK)
        ev->rc = rc;
    return -1;
}

static int cmp_link(const void *a, const void *b)
{
    return strcmp(((const group_link *)a)->id, ((const group_link *)b)->id);
}

static int load_groups(evaluator *ev)
{
    if (ev->groups_loaded)
        return 0;
    hierarchy_group *all = NULL;
    size_t n = 0;
    int rc = store_group_all(ev->cx->conn, ev->instance_id, &all, &n);
    if (rc == STORE_OK) {
        ev->groups = xcalloc(n ? n : 1, sizeof *ev->groups);
        for (size_t i = 0; i < n; i++) {
            memcpy(ev->groups[i].id, all[i].id, ID_LEN);
            memcpy(ev->groups[i].parent, all[i].parent_id, ID_LEN);
        }
        ev->n_groups = n;
        qsort(ev->groups, n, sizeof *ev->groups, cmp_link);
        ev->groups_loaded = 1;
    }
    for (size_t i = 0; i < n; i++)
        hierarchy_group_clear(&all[i]);
    free(all);
    return rc == STORE_OK ? 0 : fail(ev, rc);
}

/* 1 if group (a group of the instance, "" for none) is target or, with_children, below it. */
static int group_within(const evaluator *ev, const char *group, const char *target, int with_children)
{
    for (int depth = 0; *group && depth < 16; depth++) {
        if (strcmp(group, target) == 0)
            return 1;
        if (!with_children || !ev->groups)
            return 0;
        group_link key;
        memcpy(key.id, group, ID_LEN);
        const group_link *g = bsearch(&key, ev->groups, ev->n_groups, sizeof *ev->groups, cmp_link);
        if (!g)
            return 0;
        group = g->parent;
    }
    return 0;
}

static int any_text(search_cmp cmp, const strlist *l, const char *value)
{
    for (size_t i = 0; i < l->n; i++)
        if (search_text(cmp, l->items[i], value))
            return 1;
    return 0;
}

/* search_leaf_fn deciding a leaf for one user's facts. */
static int fact_leaf(const void *item, const search_node *n, void *cls)
{
    const user_facts *f = item;
    const evaluator *ev = cls;
    if (n->kind == SEARCH_TAG)
        return search_tag_match(n, &f->tags);
    if (n->kind == SEARCH_HIERARCHY)
        return group_within(ev, f->hierarchy_group_id, n->value, n->with_children);
    if (strcmp(n->field, "Username") == 0)
        return search_text(n->cmp, f->username, n->value);
    if (strcmp(n->field, USER_SEARCH_ANY_NAME) == 0)
        return search_text(n->cmp, f->username, n->value) || search_text(n->cmp, f->first_name, n->value) ||
               search_text(n->cmp, f->last_name, n->value);
    if (strcmp(n->field, "FirstName") == 0)
        return search_text(n->cmp, f->first_name, n->value);
    if (strcmp(n->field, "LastName") == 0)
        return search_text(n->cmp, f->last_name, n->value);
    if (strcmp(n->field, "RoutingProfileId") == 0)
        return search_text(n->cmp, f->routing_profile_id, n->value);
    if (strcmp(n->field, "SecurityProfileId") == 0)
        return any_text(n->cmp, &f->security_profile_ids, n->value);
    return search_text(n->cmp, f->id, n->value); /* resourceId */
}

/* Which facts the subtree n looks at: bit 1 security profiles, 2 tags, 4 groups. */
static unsigned needs(const search_node *n)
{
    switch (n->kind) {
    case SEARCH_TAG: return 2;
    case SEARCH_HIERARCHY: return n->with_children ? 4 : 0;
    case SEARCH_STRING: return strcmp(n->field, "SecurityProfileId") == 0 ? 1 : 0;
    default: {
        unsigned u = 0;
        for (size_t i = 0; i < n->n_kids; i++)
            u |= needs(&n->kids[i]);
        return u;
    }
    }
}

/* Keeps the users of cur that match every node of rest[0..n), reading them one by one. */
static int filter_users(evaluator *ev, uset *cur, const search_node *const *rest, size_t n)
{
    unsigned need = 0;
    for (size_t i = 0; i < n; i++)
        need |= needs(rest[i]);
    if ((need & 4) && load_groups(ev))
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < cur->s.n; i++) {
        user_facts f;
        int rc = store_user_facts(ev->cx->conn, cur->s.v[i], need & 1, need & 2, &f);
        int keep = rc == STORE_OK;
        for (size_t j = 0; keep && j < n; j++)
            keep = search_eval(rest[j], &f, fact_leaf, ev);
        user_facts_clear(&f);
        if (rc < 0)
            return fail(ev, rc);
        if (keep)
            cur->s.v[k++] = cur->s.v[i];
    }
    cur->s.n = k;
    return 0;
}

static store_match store_match_of(search_cmp cmp)
{
    return cmp == CMP_EXACT ? STORE_MATCH_EXACT : cmp == CMP_STARTS_WITH ? STORE_MATCH_PREFIX : STORE_MATCH_CONTAINS;
}

/* RoutingProfileId / SecurityProfileId: the users of every profile of the instance whose id
 * matches (an EXACT value is the one candidate). */
static int profile_leaf(evaluator *ev, const search_node *n, int security, user_handles *out)
{
    strlist ids = {0};
    int rc = STORE_OK;
    if (n->cmp == CMP_EXACT)
        strlist_push(&ids, n->value);
    else
        rc = store_user_search_profile_ids(ev->cx->conn, ev->instance_id, security, &ids);
    for (size_t i = 0; rc == STORE_OK && i < ids.n; i++) {
        if (!search_text(n->cmp, ids.items[i], n->value))
            continue;
        rc = security ? store_user_with_security_profile(ev->cx->conn, ev->instance_id, ids.items[i], out)
                      : store_user_with_routing_profile(ev->cx->conn, ev->instance_id, ids.items[i], out);
    }
    strlist_clear(&ids);
    return rc;
}

static int string_leaf(evaluator *ev, const search_node *n, user_handles *out)
{
    store_conn *c = ev->cx->conn;
    store_match m = store_match_of(n->cmp);
    if (strcmp(n->field, "Username") == 0)
        return store_user_match_text(c, ev->instance_id, STORE_USER_USERNAME, m, n->value, out);
    if (strcmp(n->field, USER_SEARCH_ANY_NAME) == 0)
        return store_user_match_text(c, ev->instance_id, STORE_USER_ANY_NAME, STORE_MATCH_CONTAINS, n->value, out);
    if (strcmp(n->field, "FirstName") == 0)
        return store_user_match_text(c, ev->instance_id, STORE_USER_FIRST_NAME, m, n->value, out);
    if (strcmp(n->field, "LastName") == 0)
        return store_user_match_text(c, ev->instance_id, STORE_USER_LAST_NAME, m, n->value, out);
    if (strcmp(n->field, "RoutingProfileId") == 0)
        return profile_leaf(ev, n, 0, out);
    if (strcmp(n->field, "SecurityProfileId") == 0)
        return profile_leaf(ev, n, 1, out);
    return store_user_match_text(c, ev->instance_id, STORE_USER_ID, m, n->value, out);
}

/* The users matching one leaf, looked up in the store. */
static int leaf_set(evaluator *ev, const search_node *n, uset *out)
{
    int rc;
    if (n->kind == SEARCH_HIERARCHY)
        rc = store_user_in_group(ev->cx->conn, ev->instance_id, n->value, n->with_children, &out->s);
    else if (n->kind == SEARCH_TAG)
        rc = store_user_with_tag(ev->cx->conn, ev->instance_id, n->key, n->value, &out->s);
    else
        rc = string_leaf(ev, n, &out->s);
    if (rc != STORE_OK)
        return fail(ev, rc);
    user_handles_normalize(&out->s);
    leaf_ranges(n, &out->r);
    return 0;
}

/* 1 for the fields holding the user id (SearchUsers' resourceId, any spelling). */
static int id_field(const char *field)
{
    return strncmp(field, "resourceI", 9) == 0;
}

/* How much a subtree costs to look up, cheapest 0; used to order the children of an AND. */
static int cost(const search_node *n)
{
    switch (n->kind) {
    case SEARCH_TAG: return n->value ? 2 : 3;
    case SEARCH_HIERARCHY: return n->with_children ? 3 : 2;
    case SEARCH_STRING: {
        int id = strcmp(n->field, "Username") == 0 || id_field(n->field);
        int profile = strcmp(n->field, "RoutingProfileId") == 0 || strcmp(n->field, "SecurityProfileId") == 0;
        if (id && n->cmp != CMP_CONTAINS)
            return n->cmp == CMP_EXACT ? 0 : 1;
        if (profile)
            return n->cmp == CMP_EXACT ? 2 : 4;
        if (n->cmp == CMP_CONTAINS && !id_field(n->field) && store_user_contains_indexed(STORE_USER_ANY_NAME, n->value))
            return 2; /* the names' trigram index */
        return COST_SCAN;
    }
    case SEARCH_AND: {
        int c = n->n_kids ? COST_SCAN : COST_SCAN + 1; /* an empty AND narrows nothing: last */
        for (size_t i = 0; i < n->n_kids; i++) {
            int k = cost(&n->kids[i]);
            c = k < c ? k : c;
        }
        return n->n_kids ? c + 1 : c;
    }
    case SEARCH_OR: {
        int c = 0; /* an empty OR empties the AND at once: first */
        for (size_t i = 0; i < n->n_kids; i++) {
            int k = cost(&n->kids[i]);
            c = k > c ? k : c;
        }
        return n->n_kids ? c + 1 : 0;
    }
    }
    return COST_SCAN;
}

static int eval_set(evaluator *ev, const search_node *n, uset *out);

/* The children of an AND node, cheapest first (stable). *out is malloc'd; caller frees. */
static const search_node **by_cost(const search_node *n)
{
    const search_node **v = xcalloc(n->n_kids ? n->n_kids : 1, sizeof *v);
    int *c = xcalloc(n->n_kids ? n->n_kids : 1, sizeof *c);
    for (size_t i = 0; i < n->n_kids; i++) {
        size_t j = i;
        int k = cost(&n->kids[i]);
        for (; j > 0 && c[j - 1] > k; j--) {
            v[j] = v[j - 1];
            c[j] = c[j - 1];
        }
        v[j] = &n->kids[i];
        c[j] = k;
    }
    free(c);
    return v;
}

/* Up to how many users it pays to check one by one rather than look kid up: filter_max, or
 * for a scan of the instance (~0.2 µs a row) a 32nd of the rows (a check is ~7 µs). */
static int filter_limit(evaluator *ev, const search_node *kid, size_t *limit)
{
    *limit = filter_max;
    if (!filter_max || cost(kid) < COST_SCAN)
        return 0;
    if (ev->rows < 0) {
        int rc = store_user_rows_estimate(ev->cx->conn, &ev->rows);
        if (rc != STORE_OK)
            return fail(ev, rc);
    }
    if ((size_t)(ev->rows / 32) > *limit)
        *limit = (size_t)(ev->rows / 32);
    return 0;
}

static int eval_and(evaluator *ev, const search_node *n, uset *out)
{
    const search_node **kids = by_cost(n);
    out->all = 1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n->n_kids; i++) {
        size_t limit = 0;
        if (!out->all && out->s.n == 0)
            break;
        if (!out->all && filter_limit(ev, kids[i], &limit)) {
            rc = -1;
            break;
        }
        if (!out->all && out->s.n <= limit) {
            rc = filter_users(ev, out, kids + i, n->n_kids - i);
            break;
        }
        uset k = {0};
        rc = eval_set(ev, kids[i], &k);
        if (rc == 0 && out->all) {
            *out = k;
            continue;
        }
        if (rc == 0 && !k.all) {
            user_handles_filter(&out->s, &k.s, 0);
            ranges_intersect(&out->r, &k.r);
        }
        uset_clear(&k);
    }
    free(kids);
    return rc;
}

static int eval_or(evaluator *ev, const search_node *n, uset *out)
{
    for (size_t i = 0; i < n->n_kids; i++) {
        uset k = {0};
        if (eval_set(ev, &n->kids[i], &k)) {
            uset_clear(&k);
            return -1;
        }
        if (k.all || i == 0) {
            uset_clear(out);
            *out = k;
            if (k.all)
                return 0;
            continue;
        }
        user_handles_unite(&out->s, &k.s);
        ranges_unite(&out->r, &k.r);
        uset_clear(&k);
    }
    return 0;
}

/* The users matching subtree n: *out (zeroed by the caller) is filled; the caller clears it. */
static int eval_set(evaluator *ev, const search_node *n, uset *out)
{
    switch (n->kind) {
    case SEARCH_AND: return eval_and(ev, n, out);
    case SEARCH_OR: return eval_or(ev, n, out);
    default: return leaf_set(ev, n, out);
    }
}

/* ---- the page -------------------------------------------------------------------------------- */

static int cmp_key(const void *a, const void *b)
{
    const user_key *x = a, *y = b;
    int c = strcmp(x->username, y->username);
    return c ? c : strcmp(x->id, y->id);
}

/* A small result: every key read and sorted, the page cut by search_paginate. */
static int page_sparse(evaluator *ev, const uset *res, const user_search_req *rq, user_search_keys *out, rerr *e)
{
    user_key *keys;
    int rc = store_user_keys(ev->cx->conn, res->s.v, res->s.n, &keys);
    if (rc != STORE_OK) {
        user_keys_free(keys, res->s.n);
        return core_store_error(ev->cx, rc, "read users", e);
    }
    qsort(keys, res->s.n, sizeof *keys, cmp_key);
    const char **names = xcalloc(res->s.n + 1, sizeof *names), **ids = xcalloc(res->s.n + 1, sizeof *ids);
    for (size_t i = 0; i < res->s.n; i++) {
        names[i] = keys[i].username;
        ids[i] = keys[i].id;
    }
    search_page pg;
    int r = search_paginate(e, TOKEN_KIND, rq->token, rq->limit, names, ids, res->s.n, &pg);
    for (size_t i = 0; r == 0 && i < pg.count; i++)
        strlist_push(&out->ids, ids[pg.start + i]);
    if (r == 0)
        out->next = pg.next;
    free(names);
    free(ids);
    user_keys_free(keys, res->s.n);
    return r;
}

/* A large result, or every user: the username index walked from the token on, through the
 * result's username ranges when it has some. */
static int page_walk(evaluator *ev, const uset *res, const user_search_req *rq, user_search_keys *out, rerr *e)
{
    char *after_name = NULL, *after_id = NULL;
    if (page_token_decode(e, "NextToken", rq->token, TOKEN_KIND, &after_name, &after_id))
        return -1;
    urange everywhere = {"", NULL};
    const urange *ranges = res->r.bounded ? res->r.v : &everywhere;
    size_t n_ranges = res->r.bounded ? res->r.n : 1, want = rq->limit + 1, got = 0;
    user_key *keys = xcalloc(want, sizeof *keys);
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && got < want && i < n_ranges; i++) {
        const char *from = strcmp(ranges[i].lo, after_name) > 0 ? ranges[i].lo : after_name;
        if (cmp_end(from, ranges[i].hi) >= 0)
            continue;
        user_key *part = NULL;
        size_t n = 0;
        rc = store_user_page(ev->cx->conn, ev->instance_id, res->all ? NULL : &res->s, from, ranges[i].hi,
                             *after_name ? after_name : NULL, after_id, want - got, &part, &n);
        if (n)
            memcpy(keys + got, part, n * sizeof *part); /* moved: part's strings now belong to keys */
        free(part);
        got += n;
    }
    free(after_name);
    free(after_id);
    if (rc == STORE_OK) {
        size_t shown = got > rq->limit ? rq->limit : got;
        for (size_t i = 0; i < shown; i++)
            strlist_push(&out->ids, keys[i].id);
        if (got > rq->limit)
            out->next = page_token_encode(TOKEN_KIND, keys[shown - 1].username, keys[shown - 1].id);
    }
    user_keys_free(keys, got);
    return rc == STORE_OK ? 0 : core_store_error(ev->cx, rc, "read users", e);
}

static int page_of(evaluator *ev, const uset *res, const user_search_req *rq, user_search_keys *out, rerr *e)
{
    if (res->all) {
        int rc = store_user_count(ev->cx->conn, ev->instance_id, &out->total);
        if (rc != STORE_OK)
            return core_store_error(ev->cx, rc, "count users", e);
    } else {
        out->total = (int64_t)res->s.n;
    }
    int sparse = 0;
    if (!res->all && res->s.n <= sparse_max) {
        /* Sorting reads each result row at random (~3 µs); the walk reads index entries in
         * order (~0.1 µs) until the page is full: limit / density of them. */
        int64_t rows = 0;
        int rc = sparse_max == SIZE_MAX ? STORE_OK : store_user_rows_estimate(ev->cx->conn, &rows);
        if (rc != STORE_OK)
            return core_store_error(ev->cx, rc, "count users", e);
        double n = (double)res->s.n;
        sparse = sparse_max == SIZE_MAX || n * n * 32.0 <= (double)(rq->limit + 1) * (double)rows;
    }
    return sparse ? page_sparse(ev, res, rq, out, e) : page_walk(ev, res, rq, out, e);
}

/* ---- the request ----------------------------------------------------------------------------- */

static void count_filter(const search_node *n, size_t *tags, size_t *groups)
{
    *tags += n->kind == SEARCH_TAG;
    *groups += n->kind == SEARCH_HIERARCHY;
    for (size_t i = 0; i < n->n_kids; i++)
        count_filter(&n->kids[i], tags, groups);
}

static int check_request(const user_search_req *rq, rerr *e)
{
    if (rq->criteria && search_validate(rq->criteria, &user_search_rules, e))
        return -1;
    if (rq->filter) {
        if (search_validate(rq->filter, &filter_rules, e))
            return -1;
        size_t tags = 0, groups = 0;
        count_filter(rq->filter, &tags, &groups);
        if (tags > FILTER_MAX_TAGS || groups > FILTER_MAX_GROUPS)
            return rerr_set(e, ERR_INVALID_PARAMETER, "SearchFilter",
                            "SearchFilter holds %zu tag conditions and %zu hierarchy group conditions; at most "
                            "%d and %d are allowed",
                            tags, groups, FILTER_MAX_TAGS, FILTER_MAX_GROUPS);
    }
    if (rq->token && (!*rq->token || strlen(rq->token) > TOKEN_MAX))
        return rerr_set(e, ERR_INVALID_PARAMETER, "NextToken", "NextToken must be 1 to %d characters long",
                        TOKEN_MAX);
    if (rq->limit < 1)
        return rerr_set(e, ERR_INVALID_PARAMETER, "MaxResults", "MaxResults must be at least 1");
    return 0;
}

int user_search_keys_get(core_ctx *cx, const char *instance_id, const user_search_req *rq, user_search_keys *out,
                         rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_USERS_SEARCH, instance_id, e))
        return -1;
    if (check_request(rq, e))
        return -1;
    /* The criteria and the filter must both hold: one AND over the two (borrowed) roots. */
    search_node both[2], root = {.kind = SEARCH_AND, .kids = both};
    if (rq->criteria)
        both[root.n_kids++] = *rq->criteria;
    if (rq->filter)
        both[root.n_kids++] = *rq->filter;
    evaluator ev = {.cx = cx, .instance_id = instance_id, .rc = STORE_OK, .rows = -1};
    uset res = {0};
    int rc = eval_set(&ev, &root, &res);
    if (rc)
        rc = core_store_error(cx, ev.rc, "search users", e);
    else
        rc = page_of(&ev, &res, rq, out, e);
    uset_clear(&res);
    free(ev.groups);
    return rc;
}

int user_search_resolve(core_ctx *cx, core_action action, const char *instance_id, const search_node *root,
                        user_handles *out, int *all, rerr *e)
{
    memset(out, 0, sizeof *out);
    *all = 0;
    if (core_allow(cx, action, instance_id, e))
        return -1;
    evaluator ev = {.cx = cx, .instance_id = instance_id, .rc = STORE_OK, .rows = -1};
    uset res = {0};
    int rc = eval_set(&ev, root, &res);
    if (rc) {
        rc = core_store_error(cx, ev.rc, "search users", e);
    } else {
        *all = res.all;
        *out = res.s;
        memset(&res.s, 0, sizeof res.s);
    }
    uset_clear(&res);
    free(ev.groups);
    return rc;
}

int user_search(core_ctx *cx, const char *instance_id, const user_search_req *rq, user_search_result *out,
                rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_USERS_SEARCH, instance_id, e))
        return -1;
    user_search_keys keys;
    if (user_search_keys_get(cx, instance_id, rq, &keys, e)) {
        user_search_keys_clear(&keys);
        return -1;
    }
    out->hits = xcalloc(keys.ids.n ? keys.ids.n : 1, sizeof *out->hits);
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < keys.ids.n; i++) {
        user_search_hit *h = &out->hits[out->n++];
        rc = store_user_get(cx->conn, instance_id, keys.ids.items[i], &h->user);
        if (rc == STORE_OK)
            rc = store_tags_get(cx->conn, keys.ids.items[i], &h->tags);
    }
    out->next = keys.next;
    out->total = keys.total;
    keys.next = NULL;
    user_search_keys_clear(&keys);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read users", e);
}
