/* user_list.c — the console's user list (see user_list.h).
 *
 * The filter is a search tree (an AND of the parts; the Search text a CONTAINS on any of the
 * three names) resolved by the search's machinery (user_search_resolve): a sorted set of user
 * handles, or "every user". Then the page, one of three ways:
 *   - sparse: a small result (at most sparse_max users, and for the username and name orders
 *     only when that is cheaper than a walk: n² · 32 <= (offset + limit + 1) · rows, as
 *     SearchUsers decides) has each user read and is sorted in memory;
 *   - walk: Username, FirstName and LastName walk an index in that order (store
 *     store_user_list_walk) and keep the users of the result, so a first page costs the page;
 *   - groups: the other columns take few distinct values (a role, a profile, a group, a phone
 *     type): each value's users are looked up as a set (the search's leaves), in the column's
 *     order, lazily where the order allows; whole groups are skipped by their counts, and inside
 *     the group that holds the page the users are taken in username order (a walk of the
 *     username index, or sorted in memory when few).
 * No round trip per row for names: the catalog (every profile and group name) is read once per
 * request, each profile's role once.
 */
#include "core/user_list.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/permissions.h"
#include "core/user_search.h"
#include "core/validate.h"
#include "core/instances.h"
#include "util/buf.h"

static size_t sparse_max = 2000; /* see user_list_tune */
#define SPARSE_ALWAYS 300        /* grouped orders: a result this small is always sorted in memory */

const char *const user_list_sort_names[] = {"Username",         "FirstName",      "LastName",  "Role",
                                            "RoutingProfile",   "SecurityProfiles", "AgentHierarchy",
                                            "PhoneType",        NULL};

/* Roles in the order the Role column sorts (by name), and their rank as a role (higher wins). */
static const char *const role_names[] = {"Agent", "Manager", "Supervisor"};
static const int role_level[] = {0, 2, 1};

void user_list_tune(size_t s)
{
    sparse_max = s;
}

static int given(const char *s)
{
    return s && *s;
}

int user_list_filter_check(const user_list_filter *f, rerr *e)
{
    if (given(f->search) && utf8_count(f->search) > USER_LIST_SEARCH_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Search", "Search must be 1 to %d characters long",
                        USER_LIST_SEARCH_MAX);
    if (given(f->routing_profile_id) && validate_id(e, "RoutingProfileId", f->routing_profile_id, 256))
        return -1;
    if (given(f->security_profile_id) && validate_id(e, "SecurityProfileId", f->security_profile_id, 256))
        return -1;
    if (given(f->hierarchy_group_id) && validate_id(e, "HierarchyGroupId", f->hierarchy_group_id, 256))
        return -1;
    return 0;
}

void user_list_page_clear(user_list_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        user_list_row_clear(&p->rows[i]);
    free(p->rows);
    free(p->roles);
    catalog_clear(&p->cat);
    memset(p, 0, sizeof *p);
}

/* ---- comparisons ------------------------------------------------------------------------------ */

static int fold(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* SQLite's NOCASE order: ASCII letters folded, bytes otherwise; NULL before every string. */
static int cmp_nocase(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    for (;; a++, b++) {
        int x = fold((unsigned char)*a), y = fold((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}

/* ---- the filter --------------------------------------------------------------------------------- */

static void add_string(search_node *root, const char *field, search_cmp cmp, const char *value)
{
    search_node *n = search_add(root, SEARCH_STRING);
    n->field = xstrdup(field);
    n->cmp = cmp;
    n->value = xstrdup(value);
}

/* The users matching f: sorted handles into *out, or *all. */
static int resolve(core_ctx *cx, const char *instance_id, const user_list_filter *f, user_handles *out, int *all,
                   rerr *e)
{
    search_node root = {.kind = SEARCH_AND};
    if (given(f->routing_profile_id))
        add_string(&root, "RoutingProfileId", CMP_EXACT, f->routing_profile_id);
    if (given(f->security_profile_id))
        add_string(&root, "SecurityProfileId", CMP_EXACT, f->security_profile_id);
    if (given(f->hierarchy_group_id)) {
        search_node *n = search_add(&root, SEARCH_HIERARCHY);
        n->value = xstrdup(f->hierarchy_group_id);
        n->with_children = 1;
    }
    if (given(f->search))
        add_string(&root, USER_SEARCH_ANY_NAME, CMP_CONTAINS, f->search);
    int rc = user_search_resolve(cx, CORE_USERS_CONSOLE_LIST, instance_id, &root, out, all, e);
    search_clear(&root);
    return rc;
}

/* ---- names in order ---------------------------------------------------------------------------- */

/* A profile or group with its place in the column's order. */
typedef struct ranked {
    char id[ID_LEN];
    char *label;                  /* name, or a group's path */
    int rank;
    int role;                     /* security profiles: index into role_names */
} ranked;

typedef struct rank_set {
    ranked *by_rank;              /* n, in column order */
    ranked *by_id;                /* the same, sorted by id */
    size_t n;
} rank_set;

static int cmp_label(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int c = cmp_nocase(x->label, y->label);
    if (!c)
        c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->id, y->id);
}

static int cmp_rid(const void *a, const void *b)
{
    return strcmp(((const ranked *)a)->id, ((const ranked *)b)->id);
}

static void rank_clear(rank_set *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->by_rank[i].label);
    free(r->by_rank);
    free(r->by_id);
    memset(r, 0, sizeof *r);
}

/* Ranks the entries of s (groups: by their path). */
static void rank_build(const catalog *cat, const catalog_set *s, int groups, rank_set *out)
{
    out->n = s->n;
    out->by_rank = xcalloc(s->n ? s->n : 1, sizeof *out->by_rank);
    for (size_t i = 0; i < s->n; i++) {
        ranked *r = &out->by_rank[i];
        memcpy(r->id, s->by_name[i].id, ID_LEN);
        if (groups) {
            r->label = catalog_group_label(cat, r->id);
            if (!r->label)
                r->label = xstrdup("");
        } else {
            r->label = xstrdup(s->by_name[i].name);
        }
    }
    qsort(out->by_rank, out->n, sizeof *out->by_rank, cmp_label);
    for (size_t i = 0; i < out->n; i++)
        out->by_rank[i].rank = (int)i;
    out->by_id = xmalloc((out->n ? out->n : 1) * sizeof *out->by_id);
    memcpy(out->by_id, out->by_rank, out->n * sizeof *out->by_id); /* labels shared, freed once */
    qsort(out->by_id, out->n, sizeof *out->by_id, cmp_rid);
}

static const ranked *rank_of(const rank_set *r, const char *id)
{
    ranked key;
    snprintf(key.id, sizeof key.id, "%s", id);
    return bsearch(&key, r->by_id, r->n, sizeof *r->by_id, cmp_rid);
}

/* ---- the request's state ------------------------------------------------------------------------- */

typedef struct lister {
    core_ctx *cx;
    const char *instance_id;
    const user_list_req *rq;
    catalog *cat;
    rank_set routing, security, groups;
    user_handles f;               /* the result, unless all */
    int all;
    int64_t total;
    int64_t rows;                 /* store_user_rows_estimate */
    int rc;                       /* the first store failure */
} lister;

static int fail(lister *L, int rc)
{
    if (L->rc == STORE_OK)
        L->rc = rc;
    return -1;
}

/* Each security profile's role (permissions_role of its permissions), into L->security. */
static int load_roles(lister *L)
{
    strlist profiles = {0}, perms = {0};
    int rc = store_security_permissions_all(L->cx->conn, L->instance_id, &profiles, &perms);
    for (size_t i = 0; rc == STORE_OK && i < profiles.n;) {
        strlist mine = {0};
        size_t j = i;
        for (; j < profiles.n && strcmp(profiles.items[j], profiles.items[i]) == 0; j++)
            strlist_push(&mine, perms.items[j]);
        const char *role = permissions_role(&mine);
        ranked *r = (ranked *)rank_of(&L->security, profiles.items[i]);
        for (int k = 0; r && k < 3; k++)
            if (strcmp(role, role_names[k]) == 0)
                r->role = k;
        strlist_clear(&mine);
        i = j;
    }
    /* by_rank is a copy: mirror the roles there */
    for (size_t i = 0; i < L->security.n; i++) {
        const ranked *r = rank_of(&L->security, L->security.by_rank[i].id);
        L->security.by_rank[i].role = r ? r->role : 0;
    }
    strlist_clear(&profiles);
    strlist_clear(&perms);
    return rc == STORE_OK ? 0 : fail(L, rc);
}

/* The role (index into role_names) of a user holding profiles ids: the highest of theirs. */
static int role_of(const lister *L, const strlist *ids)
{
    int best = 0;
    for (size_t i = 0; i < ids->n; i++) {
        const ranked *r = rank_of(&L->security, ids->items[i]);
        if (r && role_level[r->role] > role_level[best])
            best = r->role;
    }
    return best;
}

/* ---- sparse: every user read and sorted ------------------------------------------------------------ */

typedef struct skey {
    int64_t h;
    int rank;
    char *text;                   /* a name, or NULL */
    char *fold;                   /* username_fold */
} skey;

static int cmp_skey(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    int c = cmp_nocase(x->text, y->text);
    return c ? c : strcmp(x->fold ? x->fold : "", y->fold ? y->fold : "");
}

/* The sort key of row r under sort s. Takes r's strings it keeps. */
static void key_of(const lister *L, user_list_sort s, user_list_row *r, skey *k)
{
    memset(k, 0, sizeof *k);
    k->h = r->h;
    k->fold = r->username_fold;
    r->username_fold = NULL;
    switch (s) {
    case USER_LIST_FIRST_NAME:
        k->text = r->first_name;
        r->first_name = NULL;
        break;
    case USER_LIST_LAST_NAME:
        k->text = r->last_name;
        r->last_name = NULL;
        break;
    case USER_LIST_ROLE: k->rank = role_of(L, &r->security_profile_ids); break;
    case USER_LIST_ROUTING_PROFILE: {
        const ranked *p = rank_of(&L->routing, r->routing_profile_id);
        k->rank = p ? p->rank : -1;
        break;
    }
    case USER_LIST_SECURITY_PROFILES: {
        k->rank = INT32_MAX;
        for (size_t i = 0; i < r->security_profile_ids.n; i++) {
            const ranked *p = rank_of(&L->security, r->security_profile_ids.items[i]);
            if (p && p->rank < k->rank)
                k->rank = p->rank;
        }
        break;
    }
    case USER_LIST_AGENT_HIERARCHY: {
        const ranked *g = r->hierarchy_group_id[0] ? rank_of(&L->groups, r->hierarchy_group_id) : NULL;
        k->rank = g ? g->rank : -1;
        break;
    }
    case USER_LIST_PHONE_TYPE: k->rank = strcmp(r->phone_type, "DESK_PHONE") == 0 ? 0 : 1; break;
    default: break;
    }
}

/* Sorts the n handles h by column s (desc: reversed) and appends those from skip on,
 * at most want of them, to out. */
static int sort_cut(lister *L, user_list_sort s, const int64_t *h, size_t n, int64_t skip, size_t want,
                    user_handles *out)
{
    int profiles = s == USER_LIST_ROLE || s == USER_LIST_SECURITY_PROFILES;
    skey *keys = xcalloc(n ? n : 1, sizeof *keys);
    int rc = STORE_OK;
    size_t got = 0;
    if (s == USER_LIST_USERNAME) { /* the login alone: one short read each */
        user_key *uk = NULL;
        rc = store_user_keys(L->cx->conn, h, n, &uk);
        for (size_t i = 0; rc == STORE_OK && i < n; i++) {
            keys[got].h = uk[i].h;
            keys[got].fold = uk[i].username;
            uk[i].username = NULL;
            for (char *c = keys[got].fold; c && *c; c++)
                *c = (char)fold((unsigned char)*c);
            got++;
        }
        user_keys_free(uk, n);
        n = 0;
    }
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        user_list_row r;
        rc = store_user_list_row(L->cx->conn, h[i], profiles, &r);
        if (rc == STORE_OK)
            key_of(L, s, &r, &keys[got++]);
        user_list_row_clear(&r);
    }
    if (rc == STORE_OK) {
        qsort(keys, got, sizeof *keys, cmp_skey);
        for (size_t i = (size_t)skip; i < got && want; i++, want--)
            user_handles_push(out, keys[L->rq->desc ? got - 1 - i : i].h);
    }
    for (size_t i = 0; i < got; i++) {
        free(keys[i].text);
        free(keys[i].fold);
    }
    free(keys);
    return rc == STORE_OK ? 0 : fail(L, rc);
}

/* Whether n users are better read and sorted than found by walking an index in order. */
static int few(const lister *L, size_t n, int64_t skip, size_t want)
{
    if (sparse_max == SIZE_MAX)
        return 1;
    double d = (double)n;
    return n <= sparse_max && d * d * 32.0 <= (double)(skip + (int64_t)want + 1) * (double)L->rows;
}

/* ---- walks -------------------------------------------------------------------------------------- */

/* Who a walk keeps: members of in (NULL: every user), not members of out (NULL: none). */
typedef struct walker {
    const user_handles *in, *out;
    int64_t skip;
    size_t want;
    user_handles *page;
} walker;

static int visit(int64_t h, void *cls)
{
    walker *w = cls;
    if ((w->in && !user_handles_has(w->in, h)) || (w->out && user_handles_has(w->out, h)))
        return 0;
    if (w->skip > 0) {
        w->skip--;
        return 0;
    }
    user_handles_push(w->page, h);
    return --w->want == 0;
}

static int walk(lister *L, store_list_order o, const user_handles *in, const user_handles *out, int64_t skip,
                size_t want, user_handles *page)
{
    if (!want)
        return 0;
    walker w = {in, out, skip, want, page};
    int rc = store_user_list_walk(L->cx->conn, L->instance_id, o, L->rq->desc, visit, &w);
    return rc == STORE_OK ? 0 : fail(L, rc);
}

/* ---- groups ------------------------------------------------------------------------------------- */

typedef struct ugroup {
    user_handles s;               /* the group's users (before the filter), sorted */
    int rest;                     /* the users in no other group */
    int ready;
} ugroup;

typedef struct grouping {
    ugroup *g;
    size_t n;
    user_handles seen;            /* security profiles: users of the groups computed so far */
    size_t sp_done;               /* security profiles: groups computed, in order */
} grouping;

/* The users of profile or group id (one leaf look-up of the search), sorted. */
static int users_of(lister *L, user_list_sort s, const char *id, user_handles *out)
{
    store_conn *c = L->cx->conn;
    int rc = s == USER_LIST_ROUTING_PROFILE      ? store_user_with_routing_profile(c, L->instance_id, id, out)
             : s == USER_LIST_AGENT_HIERARCHY    ? store_user_in_group(c, L->instance_id, id, 0, out)
                                                 : store_user_with_security_profile(c, L->instance_id, id, out);
    user_handles_normalize(out);
    return rc == STORE_OK ? 0 : fail(L, rc);
}

/* The users holding any profile of role k. */
static int role_users(lister *L, int k, user_handles *out)
{
    for (size_t i = 0; i < L->security.n; i++) {
        if (L->security.by_rank[i].role != k)
            continue;
        int rc = store_user_with_security_profile(L->cx->conn, L->instance_id, L->security.by_rank[i].id, out);
        if (rc != STORE_OK)
            return fail(L, rc);
    }
    user_handles_normalize(out);
    return 0;
}

/* The groups of the sort, in ascending order, none computed yet. */
static void groups_init(lister *L, grouping *G)
{
    memset(G, 0, sizeof *G);
    switch (L->rq->sort) {
    case USER_LIST_ROLE: G->n = 3; break;
    case USER_LIST_PHONE_TYPE: G->n = 2; break;
    case USER_LIST_ROUTING_PROFILE: G->n = L->routing.n; break;
    case USER_LIST_SECURITY_PROFILES: G->n = L->security.n; break;
    case USER_LIST_AGENT_HIERARCHY: G->n = L->groups.n + 1; break;
    default: break;
    }
    G->g = xcalloc(G->n ? G->n : 1, sizeof *G->g);
    if (L->rq->sort == USER_LIST_ROLE)
        G->g[0].rest = 1; /* Agent */
    if (L->rq->sort == USER_LIST_PHONE_TYPE)
        G->g[1].rest = 1; /* SOFT_PHONE */
    if (L->rq->sort == USER_LIST_AGENT_HIERARCHY)
        G->g[0].rest = 1; /* no group */
}

static void groups_clear(grouping *G)
{
    for (size_t i = 0; i < G->n; i++)
        user_handles_clear(&G->g[i].s);
    free(G->g);
    user_handles_clear(&G->seen);
}

static int group_fill(lister *L, grouping *G, size_t i);

/* Union of every group but the rest groups. */
static int others_union(lister *L, grouping *G, user_handles *out)
{
    for (size_t i = 0; i < G->n; i++) {
        if (G->g[i].rest)
            continue;
        if (group_fill(L, G, i))
            return -1;
        for (size_t j = 0; j < G->g[i].s.n; j++)
            user_handles_push(out, G->g[i].s.v[j]);
    }
    user_handles_normalize(out);
    return 0;
}

/* Computes group i's users (a rest group: the users of every other group, to leave out). */
static int group_fill(lister *L, grouping *G, size_t i)
{
    ugroup *g = &G->g[i];
    if (g->ready)
        return 0;
    user_list_sort s = L->rq->sort;
    int rc = 0;
    if (g->rest) {
        g->ready = 1; /* before others_union, which skips rest groups */
        return others_union(L, G, &g->s);
    }
    switch (s) {
    case USER_LIST_ROLE:
        if (i == 1) {
            rc = role_users(L, 1, &g->s);
        } else {
            rc = role_users(L, 2, &g->s) || group_fill(L, G, 1) ? -1 : 0;
            if (rc == 0)
                user_handles_filter(&g->s, &G->g[1].s, 1); /* a Manager profile outranks */
        }
        break;
    case USER_LIST_PHONE_TYPE: {
        int src = store_user_with_desk_phone(L->cx->conn, L->instance_id, &g->s);
        user_handles_normalize(&g->s);
        rc = src == STORE_OK ? 0 : fail(L, src);
        break;
    }
    case USER_LIST_ROUTING_PROFILE: rc = users_of(L, s, L->routing.by_rank[i].id, &g->s); break;
    case USER_LIST_AGENT_HIERARCHY: rc = users_of(L, s, L->groups.by_rank[i - 1].id, &g->s); break;
    case USER_LIST_SECURITY_PROFILES:
        /* a user belongs to the group of their first profile: the earlier groups' users leave */
        while (rc == 0 && G->sp_done <= i) {
            ugroup *h = &G->g[G->sp_done];
            rc = users_of(L, s, L->security.by_rank[G->sp_done].id, &h->s);
            if (rc == 0) {
                user_handles mine = {0};
                for (size_t j = 0; j < h->s.n; j++)
                    user_handles_push(&mine, h->s.v[j]);
                user_handles_filter(&h->s, &G->seen, 1);
                for (size_t j = 0; j < mine.n; j++)
                    user_handles_push(&G->seen, mine.v[j]);
                user_handles_normalize(&G->seen);
                user_handles_clear(&mine);
                h->ready = 1;
            }
            G->sp_done++;
        }
        break;
    default: break;
    }
    g->ready = rc == 0;
    return rc;
}

/* Number of members of a (sorted) that are also in b (sorted). */
static size_t count_common(const user_handles *a, const user_handles *b)
{
    size_t n = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            n++;
            i++;
            j++;
        }
    }
    return n;
}

/* Takes from one group: its users in the result, in username order. */
static int group_take(lister *L, ugroup *g, int64_t skip, size_t want, user_handles *page)
{
    const user_handles *f = L->all ? NULL : &L->f;
    if (g->rest) /* the result's users outside every other group: walked */
        return walk(L, STORE_LIST_USERNAME, f, &g->s, skip, want, page);
    user_handles mine = {0};
    for (size_t i = 0; i < g->s.n; i++)
        if (!f || user_handles_has(f, g->s.v[i]))
            user_handles_push(&mine, g->s.v[i]);
    int rc;
    if (few(L, mine.n, skip, want) || mine.n <= 256) {
        /* sorted by username alone: the group's column value is the same for all of them */
        rc = sort_cut(L, USER_LIST_USERNAME, mine.v, mine.n, skip, want, page);
    } else {
        rc = walk(L, STORE_LIST_USERNAME, &mine, NULL, skip, want, page);
    }
    user_handles_clear(&mine);
    return rc;
}

/* The first page's fast way: the first group (in the page's direction) is usually dense (the
 * Agents, the soft phones, the first routing profile), so walking the username index and
 * reading each user of the result to see whether they are in that group finds a page after a
 * few dozen reads, where computing the group's set reads all its members. Gives up (returns 0
 * with *done 0, page untouched) after PROBE_BUDGET reads, or when the group holds fewer users
 * than the page wants (the walk ends). Not tried for a result under 1/PROBE_SPARSE of the
 * users: the walk would pass that many entries for each member it reads. */
#define PROBE_BUDGET 400
#define PROBE_SPARSE 16

typedef struct prober {
    lister *L;
    int profiles, rank;
    size_t want, budget;
    user_handles got;
    int rc;
} prober;

static int probe(int64_t h, void *cls)
{
    prober *p = cls;
    lister *L = p->L;
    if (!L->all && !user_handles_has(&L->f, h))
        return 0;
    if (p->budget-- == 0)
        return 1;
    user_list_row r;
    skey k;
    p->rc = store_user_list_row(L->cx->conn, h, p->profiles, &r);
    if (p->rc == STORE_NOTFOUND) {
        p->rc = STORE_OK;
        return 0;
    }
    if (p->rc != STORE_OK) {
        user_list_row_clear(&r);
        return 1;
    }
    key_of(L, L->rq->sort, &r, &k);
    user_list_row_clear(&r);
    free(k.text);
    free(k.fold);
    if (k.rank == p->rank)
        user_handles_push(&p->got, h);
    return p->got.n == p->want;
}

static int first_page_by_probes(lister *L, size_t n_groups, user_handles *page, int *done)
{
    user_list_sort s = L->rq->sort;
    *done = 0;
    if (!n_groups || (!L->all && (int64_t)L->f.n * PROBE_SPARSE < L->rows))
        return 0;
    size_t first = L->rq->desc ? n_groups - 1 : 0;
    prober p = {.L = L, .profiles = s == USER_LIST_ROLE || s == USER_LIST_SECURITY_PROFILES,
                .rank = s == USER_LIST_AGENT_HIERARCHY ? (int)first - 1 : (int)first, .want = L->rq->limit,
                .budget = PROBE_BUDGET, .rc = STORE_OK};
    int rc = store_user_list_walk(L->cx->conn, L->instance_id, STORE_LIST_USERNAME, L->rq->desc, probe, &p);
    if (rc == STORE_OK)
        rc = p.rc;
    if (rc == STORE_OK && p.got.n == p.want) {
        for (size_t i = 0; i < p.got.n; i++)
            user_handles_push(page, p.got.v[i]);
        *done = 1;
    }
    user_handles_clear(&p.got);
    return rc == STORE_OK ? 0 : fail(L, rc);
}

static int page_groups(lister *L, user_handles *page)
{
    grouping G;
    groups_init(L, &G);
    int done = 0;
    if (L->rq->offset == 0 && first_page_by_probes(L, G.n, page, &done)) {
        groups_clear(&G);
        return -1;
    }
    if (done) {
        groups_clear(&G);
        return 0;
    }
    int64_t skip = L->rq->offset;
    size_t want = L->rq->limit;
    int rc = 0;
    for (size_t k = 0; rc == 0 && want && k < G.n; k++) {
        size_t i = L->rq->desc ? G.n - 1 - k : k;
        rc = group_fill(L, &G, i);
        if (rc)
            break;
        ugroup *g = &G.g[i];
        int64_t count;
        if (g->rest)
            count = L->all ? L->total - (int64_t)g->s.n : L->total - (int64_t)count_common(&L->f, &g->s);
        else
            count = L->all ? (int64_t)g->s.n : (int64_t)count_common(&g->s, &L->f);
        if (skip >= count) {
            skip -= count;
            continue;
        }
        size_t before = page->n;
        rc = group_take(L, g, skip, want, page);
        want -= page->n - before;
        skip = 0;
    }
    groups_clear(&G);
    return rc;
}

/* ---- the page ----------------------------------------------------------------------------------- */

/* Sorts a row's profile ids into the column's name order (the first is what the column sorts by). */
static void profiles_in_order(const lister *L, strlist *ids)
{
    for (size_t i = 1; i < ids->n; i++) {
        char *x = ids->items[i];
        const ranked *rx = rank_of(&L->security, x);
        size_t j = i;
        for (; j > 0; j--) {
            const ranked *ry = rank_of(&L->security, ids->items[j - 1]);
            int after = ry && (!rx || ry->rank > rx->rank);
            if (!after)
                break;
            ids->items[j] = ids->items[j - 1];
        }
        ids->items[j] = x;
    }
}

static store_list_order order_of(user_list_sort s)
{
    return s == USER_LIST_FIRST_NAME ? STORE_LIST_FIRST_NAME
           : s == USER_LIST_LAST_NAME ? STORE_LIST_LAST_NAME
                                      : STORE_LIST_USERNAME;
}

static int page_handles(lister *L, user_handles *page)
{
    const user_list_req *rq = L->rq;
    int named = rq->sort == USER_LIST_USERNAME || rq->sort == USER_LIST_FIRST_NAME || rq->sort == USER_LIST_LAST_NAME;
    if (!L->all && (L->f.n == 0 || rq->offset >= L->total))
        return 0;
    if (!L->all && (named ? few(L, L->f.n, rq->offset, rq->limit)
                          : L->f.n <= sparse_max &&
                                (rq->offset > 0 || L->f.n <= SPARSE_ALWAYS || sparse_max == SIZE_MAX)))
        return sort_cut(L, rq->sort, L->f.v, L->f.n, rq->offset, rq->limit, page);
    if (named)
        return walk(L, order_of(rq->sort), L->all ? NULL : &L->f, NULL, rq->offset, rq->limit, page);
    return page_groups(L, page);
}

static int check_request(const user_list_req *rq, rerr *e)
{
    if (user_list_filter_check(&rq->filter, e))
        return -1;
    if ((int)rq->sort < 0 || rq->sort >= USER_LIST_SORT__COUNT)
        return rerr_set(e, ERR_INVALID_PARAMETER, "SortBy", "SortBy is not a column");
    if (rq->offset < 0 || rq->offset > USER_LIST_OFFSET_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Offset", "Offset must be 0 to %d", USER_LIST_OFFSET_MAX);
    if (rq->limit < 1 || rq->limit > USER_LIST_LIMIT_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "MaxResults", "MaxResults must be 1 to %d", USER_LIST_LIMIT_MAX);
    return 0;
}

int user_list_get(core_ctx *cx, const char *instance_id, const user_list_req *rq, user_list_page *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_USERS_CONSOLE_LIST, instance_id, e) || check_request(rq, e) ||
        catalog_load(cx, instance_id, &out->cat, e))
        return -1;
    lister L = {.cx = cx, .instance_id = instance_id, .rq = rq, .cat = &out->cat, .rc = STORE_OK};
    rank_build(&out->cat, &out->cat.routing, 0, &L.routing);
    rank_build(&out->cat, &out->cat.security, 0, &L.security);
    rank_build(&out->cat, &out->cat.groups, 1, &L.groups);
    user_handles page = {0};
    int rc = load_roles(&L) ? core_store_error(cx, L.rc, "read the security profiles", e) : 0;
    if (rc == 0)
        rc = resolve(cx, instance_id, &rq->filter, &L.f, &L.all, e);
    int src = STORE_OK;
    if (rc == 0 && L.all)
        src = store_user_count(cx->conn, instance_id, &L.total);
    else if (rc == 0)
        L.total = (int64_t)L.f.n;
    if (rc == 0 && src == STORE_OK)
        src = store_user_rows_estimate(cx->conn, &L.rows);
    if (rc == 0 && src != STORE_OK)
        rc = core_store_error(cx, src, "count users", e);
    if (rc == 0 && page_handles(&L, &page))
        rc = core_store_error(cx, L.rc, "list users", e);
    out->total = L.total;
    if (rc == 0) {
        out->rows = xcalloc(page.n ? page.n : 1, sizeof *out->rows);
        out->roles = xcalloc(page.n ? page.n : 1, sizeof *out->roles);
    }
    for (size_t i = 0; rc == 0 && i < page.n; i++) {
        src = store_user_list_row(cx->conn, page.v[i], 1, &out->rows[out->n]);
        if (src == STORE_OK) {
            out->roles[out->n] = role_names[role_of(&L, &out->rows[out->n].security_profile_ids)];
            profiles_in_order(&L, &out->rows[out->n].security_profile_ids);
            out->n++;
        } else {
            user_list_row_clear(&out->rows[out->n]);
            rc = core_store_error(cx, src, "read users", e);
        }
    }
    user_handles_clear(&page);
    user_handles_clear(&L.f);
    rank_clear(&L.routing);
    rank_clear(&L.security);
    rank_clear(&L.groups);
    return rc;
}

/* ---- bulk selections --------------------------------------------------------------------------- */

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int user_list_ids(core_ctx *cx, const char *instance_id, const user_list_filter *f, size_t max, const char *field,
                  strlist *ids, rerr *e)
{
    if (core_allow(cx, CORE_USERS_CONSOLE_LIST, instance_id, e) || user_list_filter_check(f, e))
        return -1;
    user_handles h = {0};
    int all = 0;
    int rc = resolve(cx, instance_id, f, &h, &all, e);
    int src = STORE_OK;
    if (rc == 0 && all)
        src = store_user_all(cx->conn, instance_id, &h);
    if (rc == 0 && src == STORE_OK && h.n > max)
        rc = rerr_set(e, ERR_INVALID_PARAMETER, field, "%s matches %zu users; a batch takes at most %zu", field, h.n,
                      max);
    size_t from = ids->n;
    if (rc == 0 && src == STORE_OK)
        src = store_user_ids_of(cx->conn, h.v, h.n, ids);
    if (rc == 0 && src != STORE_OK)
        rc = core_store_error(cx, src, "read users", e);
    if (rc == 0 && ids->n - from > 1)
        qsort(ids->items + from, ids->n - from, sizeof *ids->items, by_text);
    user_handles_clear(&h);
    return rc;
}
