/* test_user_search.c — SearchUsers in the core (core/user_search.c) over a real SQLite file.
 *
 * The heart is a brute-force comparison: a few hundred generated users (names with mixed case
 * and non-ASCII letters, several routing and security profiles, a five-level group tree,
 * tags), hundreds of random criteria trees and filters (nested AND/OR, every leaf kind and
 * comparison), each answered page by page and compared with search_eval over the users held
 * in memory — under the default tuning and under tunings that force each evaluation path
 * (sets only, user-by-user checks, in-memory sort, index walk). Also: validation errors,
 * tokens, the filter's size limits, the UserAttributeFilter JSON, and whole pages read in full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/search_json.h"
#include "core/hierarchy.h"
#include "core/instances.h"
#include "core/routing_profiles.h"
#include "core/security_profiles.h"
#include "core/user_search.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

#define N_USERS 320
#define N_GROUPS 62   /* 2 + 4 + 8 + 16 + 32: two children under every group, five levels */

/* A user as the test knows it: the brute-force side of every comparison. */
typedef struct tuser {
    char id[ID_LEN];
    char *username, *first, *last;
    char routing[ID_LEN];
    strlist sps;
    char group[ID_LEN];
    kvlist tags;
} tuser;

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance in;
    instance_defaults defs;
    strlist routing_ids, security_ids;
    char groups[N_GROUPS][ID_LEN];
    char parents[N_GROUPS][ID_LEN];
    tuser users[N_USERS];
    unsigned rnd;
} fixture;

static unsigned rnd(fixture *f, unsigned n)
{
    f->rnd = f->rnd * 1103515245u + 12345u;
    return n ? (f->rnd >> 8) % n : 0;
}

/* ---- the data ------------------------------------------------------------------------------ */

static const char *const firsts[] = {"Ana",   "anabel", "ÉLODIE", "Zoë",   "Jürgen", "jo",  "JOHN",
                                     "Mary-Ann", "李小龙", "Ωmega", "Łukasz", "Björn", "bob", "BOBBY",
                                     "Renée", "an",     "Anna",   "o'Neil", "Per%cy_J", "Tom\\Lee"};
static const char *const lasts[] = {"Smith", "smithers", "MÜLLER", "Ng",    "de la Cruz", "O'Brien",
                                    "Ångström", "van Dijk", "SMITH", "Nguyễn", "Ali",      "ali-khan", "x_y%z"};
static const char *const stems[] = {"agent", "Agent", "AGENT", "sup", "Sup.lead", "mgr", "a_b", "x-y", "zed"};
static const char *const tag_keys[] = {"team", "site", "skill", "Team"};
static const char *const tag_values[] = {"blue", "red", "", "Blue", "paris"};

static void make_profiles(fixture *f)
{
    rerr e;
    strlist_push(&f->routing_ids, f->defs.routing_profile_id);
    routing_profile rp;
    assert_int_equal(store_routing_profile_get(f->cx.conn, f->in.id, f->defs.routing_profile_id, &rp), STORE_OK);
    rp_media_in voice = {.channel = "VOICE", .concurrency = 1};
    for (int i = 0; i < 3; i++) {
        char name[32], id[ID_LEN];
        snprintf(name, sizeof name, "Routing %d", i);
        rp_create rc = {.name = name, .description = "d", .default_outbound_queue_id = rp.default_outbound_queue_id,
                        .media = {.items = &voice, .n = 1, .given = 1}};
        assert_int_equal(routing_profiles_create(&f->cx, f->in.id, &rc, id, &e), 0);
        strlist_push(&f->routing_ids, id);
    }
    routing_profile_clear(&rp);
    security_profile *all;
    size_t n;
    assert_int_equal(store_security_profile_all(f->cx.conn, f->in.id, &all, &n), STORE_OK);
    for (size_t i = 0; i < n; i++) {
        strlist_push(&f->security_ids, all[i].id);
        security_profile_clear(&all[i]);
    }
    free(all);
    for (int i = 0; i < 2; i++) {
        char name[32], id[ID_LEN];
        snprintf(name, sizeof name, "Extra%d", i);
        sp_change ch = {.name = name};
        assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), 0);
        strlist_push(&f->security_ids, id);
    }
}

static void make_groups(fixture *f)
{
    rerr e;
    const char *names[HIERARCHY_LEVELS] = {"One", "Two", "Three", "Four", "Five"};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->in.id, names, &e), 0);
    for (int i = 0; i < N_GROUPS; i++) {
        /* Group i's children are 2i+2 and 2i+3: groups 0,1 at level one. */
        const char *parent = i < 2 ? NULL : f->groups[(i - 2) / 2];
        char name[32];
        snprintf(name, sizeof name, "g%d", i);
        hierarchy_group_new g = {.name = name, .parent_id = parent};
        assert_int_equal(hierarchy_group_create(&f->cx, f->in.id, &g, f->groups[i], &e), 0);
        snprintf(f->parents[i], ID_LEN, "%s", parent ? parent : "");
    }
}

static void make_user(fixture *f, int i)
{
    tuser *u = &f->users[i];
    char name[64];
    snprintf(name, sizeof name, "%s%d%s", stems[rnd(f, 9)], i, rnd(f, 4) == 0 ? "@example.com" : "");
    u->username = xstrdup(name);
    u->first = i % 97 == 5 ? NULL : xstrdup(firsts[rnd(f, 20)]);
    u->last = i % 89 == 7 ? NULL : xstrdup(lasts[rnd(f, 13)]);
    snprintf(u->routing, ID_LEN, "%s", f->routing_ids.items[rnd(f, (unsigned)f->routing_ids.n)]);
    for (unsigned k = 1 + rnd(f, 3); u->sps.n < k;) {
        const char *sp = f->security_ids.items[rnd(f, (unsigned)f->security_ids.n)];
        if (!strlist_contains(&u->sps, sp))
            strlist_push(&u->sps, sp);
    }
    user_insert ui = {.username = u->username, .first_name = u->first, .last_name = u->last,
                      .routing_profile_id = u->routing, .security_profile_ids = &u->sps, .now_ms = now_ms()};
    uuid_v4(ui.id);
    snprintf(ui.instance_id, ID_LEN, "%s", f->in.id);
    memcpy(u->id, ui.id, ID_LEN);
    assert_int_equal(store_user_insert(f->cx.conn, &ui), STORE_OK);
    if (rnd(f, 5)) {
        snprintf(u->group, ID_LEN, "%s", f->groups[rnd(f, N_GROUPS)]);
        assert_int_equal(store_group_assign_user(f->cx.conn, f->in.id, u->id, u->group, now_ms()), STORE_OK);
    }
    for (unsigned k = rnd(f, 4); k > 0; k--)
        kvlist_set(&u->tags, tag_keys[rnd(f, 4)], tag_values[rnd(f, 5)]);
    if (u->tags.keys.n)
        assert_int_equal(store_tags_set(f->cx.conn, f->in.id, u->id, &u->tags), STORE_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->in, &f->defs))
        return -1;
    f->rnd = 20261121;
    make_profiles(f);
    make_groups(f);
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    for (int i = 0; i < N_USERS; i++)
        make_user(f, i);
    assert_int_equal(store_commit(f->cx.conn), STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < N_USERS; i++) {
        tuser *u = &f->users[i];
        free(u->username);
        free(u->first);
        free(u->last);
        strlist_clear(&u->sps);
        kvlist_clear(&u->tags);
    }
    strlist_clear(&f->routing_ids);
    strlist_clear(&f->security_ids);
    instance_clear(&f->in);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    user_search_tune(1000, 4000);
    return rc;
}

/* ---- brute force ----------------------------------------------------------------------------- */

static const char *parent_of(const fixture *f, const char *g)
{
    for (int i = 0; i < N_GROUPS; i++)
        if (strcmp(f->groups[i], g) == 0)
            return f->parents[i];
    return "";
}

static int bf_leaf(const void *item, const search_node *n, void *cls)
{
    const tuser *u = item;
    const fixture *f = cls;
    if (n->kind == SEARCH_TAG)
        return search_tag_match(n, &u->tags);
    if (n->kind == SEARCH_HIERARCHY) {
        for (const char *g = u->group; *g; g = parent_of(f, g)) {
            if (strcmp(g, n->value) == 0)
                return 1;
            if (!n->with_children)
                return 0;
        }
        return 0;
    }
    const char *fl = n->field;
    if (strcmp(fl, "SecurityProfileId") == 0) {
        for (size_t i = 0; i < u->sps.n; i++)
            if (search_text(n->cmp, u->sps.items[i], n->value))
                return 1;
        return 0;
    }
    const char *hay = strcmp(fl, "Username") == 0 ? u->username
                      : strcmp(fl, "FirstName") == 0 ? u->first
                      : strcmp(fl, "LastName") == 0 ? u->last
                      : strcmp(fl, "RoutingProfileId") == 0 ? u->routing
                                                             : u->id;
    return search_text(n->cmp, hay, n->value);
}

static int cmp_user_ptr(const void *a, const void *b)
{
    return strcmp((*(const tuser *const *)a)->username, (*(const tuser *const *)b)->username);
}

/* The expected answer: matching users sorted by username. Returns the count; *out malloc'd. */
static size_t brute_force(fixture *f, const search_node *criteria, const search_node *filter, const tuser ***out)
{
    const tuser **v = calloc(N_USERS, sizeof *v);
    size_t n = 0;
    for (int i = 0; i < N_USERS; i++)
        if ((!criteria || search_eval(criteria, &f->users[i], bf_leaf, f)) &&
            (!filter || search_eval(filter, &f->users[i], bf_leaf, f)))
            v[n++] = &f->users[i];
    qsort(v, n, sizeof *v, cmp_user_ptr);
    *out = v;
    return n;
}

/* ---- random criteria ------------------------------------------------------------------------- */

/* A piece of s of 1..max characters (whole UTF-8 characters), from its start when prefix,
 * with ASCII letters' case flipped at random. Caller frees. */
static char *piece(fixture *f, const char *s, int prefix, size_t min, size_t max)
{
    size_t starts[512], n = 0;
    for (size_t i = 0; s[i] && n < 511; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            starts[n++] = i;
    starts[n] = strlen(s);
    if (n < min)
        return xstrdup("qq");
    size_t len = min + rnd(f, (unsigned)((n < max ? n : max) - min + 1));
    size_t from = prefix ? 0 : rnd(f, (unsigned)(n - len + 1));
    char *p = xstrndup(s + starts[from], starts[from + len] - starts[from]);
    for (char *c = p; *c; c++)
        if (((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) && rnd(f, 3) == 0)
            *c ^= 0x20;
    return p;
}

static const char *const leaf_fields[] = {"Username",         "FirstName",         "LastName",  "RoutingProfileId",
                                          "SecurityProfileId", "resourceId",        "resourceID"};

static const char *field_sample(fixture *f, const char *field)
{
    const tuser *u = &f->users[rnd(f, N_USERS)];
    if (strcmp(field, "Username") == 0)
        return u->username;
    if (strcmp(field, "FirstName") == 0)
        return u->first ? u->first : "xx";
    if (strcmp(field, "LastName") == 0)
        return u->last ? u->last : "xx";
    if (strcmp(field, "RoutingProfileId") == 0)
        return f->routing_ids.items[rnd(f, (unsigned)f->routing_ids.n)];
    if (strcmp(field, "SecurityProfileId") == 0)
        return f->security_ids.items[rnd(f, (unsigned)f->security_ids.n)];
    return u->id;
}

static void random_string_leaf(fixture *f, search_node *parent)
{
    search_node *n = search_add(parent, SEARCH_STRING);
    n->field = xstrdup(leaf_fields[rnd(f, 7)]);
    n->cmp = (search_cmp)rnd(f, 3);
    const char *s = field_sample(f, n->field);
    if (n->cmp == CMP_EXACT)
        n->value = rnd(f, 6) ? xstrdup(s) : piece(f, s, 1, 1, 64); /* sometimes a case-flipped prefix */
    else if (n->cmp == CMP_STARTS_WITH)
        n->value = piece(f, s, 1, 1, rnd(f, 2) ? 3 : 12);
    else
        n->value = piece(f, s, 0, 2, rnd(f, 2) ? 3 : 25);
}

static void random_leaf(fixture *f, search_node *parent, int filter)
{
    unsigned k = rnd(f, filter ? 2 : 6);
    if (k == 0) {
        search_node *n = search_add(parent, SEARCH_TAG);
        unsigned key = rnd(f, 5);
        n->key = xstrdup(key < 4 ? tag_keys[key] : "absent");
        if (rnd(f, 5) >= 2)
            n->value = xstrdup(tag_values[rnd(f, 5)]);
    } else if (k == 1) {
        search_node *n = search_add(parent, SEARCH_HIERARCHY);
        char unknown[ID_LEN];
        uuid_v4(unknown);
        n->value = xstrdup(rnd(f, 12) ? f->groups[rnd(f, N_GROUPS)] : unknown);
        n->with_children = (int)rnd(f, 2);
    } else {
        random_string_leaf(f, parent);
    }
}

static void random_tree(fixture *f, search_node *parent, int depth, int filter)
{
    if (depth >= (filter ? 2 : 3) || rnd(f, 5) < 2) {
        random_leaf(f, parent, filter);
        return;
    }
    search_node *n = search_add(parent, rnd(f, 2) ? SEARCH_AND : SEARCH_OR);
    unsigned kids = rnd(f, 12) == 0 ? 0 : 1 + rnd(f, 3);
    for (unsigned i = 0; i < kids; i++)
        random_tree(f, n, depth + 1, filter);
}

/* ---- comparing ------------------------------------------------------------------------------- */

/* Runs the search page by page (limit per page) and checks it against the brute force. */
static void check_search(fixture *f, const search_node *criteria, const search_node *filter, size_t limit)
{
    const tuser **want;
    size_t n_want = brute_force(f, criteria, filter, &want);
    size_t got = 0, pages = 0;
    char *token = NULL;
    assert_int_equal(store_begin(f->cx.conn, 0), STORE_OK);
    do {
        user_search_req rq = {.criteria = criteria, .filter = filter, .token = token, .limit = limit};
        user_search_keys k;
        rerr e;
        int rc = user_search_keys_get(&f->cx, f->in.id, &rq, &k, &e);
        if (rc) {
            store_rollback(f->cx.conn); /* so that the next test starts clean */
            fail_msg("search failed: %s", e.message);
        }
        assert_int_equal(k.total, (int64_t)n_want);
        assert_true(k.ids.n <= limit);
        for (size_t i = 0; i < k.ids.n; i++) {
            if (got >= n_want || strcmp(k.ids.items[i], want[got]->id) != 0) {
                store_rollback(f->cx.conn);
                fail_msg("result %zu: got %s, want %s (of %zu)", got, k.ids.items[i],
                         got < n_want ? want[got]->username : "nothing", n_want);
            }
            got++;
        }
        free(token);
        token = k.next;
        k.next = NULL;
        assert_true(token == NULL || k.ids.n == limit);
        user_search_keys_clear(&k);
        pages++;
    } while (token && pages < 1000);
    store_rollback(f->cx.conn);
    assert_int_equal(got, n_want);
    free(want);
}

static void random_round(fixture *f, int with_filter)
{
    search_node criteria = {.kind = SEARCH_AND}, filter = {.kind = SEARCH_AND};
    random_tree(f, &criteria, 0, 0);
    if (rnd(f, 2))
        random_tree(f, &criteria, 0, 0);
    if (with_filter)
        random_tree(f, &filter, 0, 1);
    size_t limits[] = {1, 7, 50, 100, 500};
    check_search(f, &criteria, with_filter ? &filter : NULL, limits[rnd(f, 5)]);
    search_clear(&criteria);
    search_clear(&filter);
}

static void brute_force_rounds(fixture *f, int rounds)
{
    for (int i = 0; i < rounds; i++)
        random_round(f, i % 3 == 0);
}

static void brute_force_default(void **state)
{
    brute_force_rounds(*state, 400);
}

static void brute_force_sets_and_walk(void **state)
{
    user_search_tune(0, 0); /* every leaf looked up as a set; every page walks the index */
    brute_force_rounds(*state, 300);
    user_search_tune(1000, 4000);
}

static void brute_force_filter_and_sort(void **state)
{
    user_search_tune(100000, SIZE_MAX); /* user-by-user checks after the first child; in-memory sort */
    brute_force_rounds(*state, 300);
    user_search_tune(1000, 4000);
}

static void brute_force_mixed(void **state)
{
    user_search_tune(40, 60); /* thresholds inside the data's range */
    brute_force_rounds(*state, 300);
    user_search_tune(1000, 4000);
}

/* Every leaf kind and comparison once, each checked — so none is left to chance. */
static void each_leaf_kind(void **state)
{
    fixture *f = *state;
    const tuser *u = &f->users[17];
    for (size_t fi = 0; fi < 7; fi++) {
        for (int cmp = 0; cmp < 3; cmp++) {
            search_node root = {.kind = SEARCH_AND};
            search_node *n = search_add(&root, SEARCH_STRING);
            n->field = xstrdup(leaf_fields[fi]);
            n->cmp = (search_cmp)cmp;
            n->value = xstrdup(cmp == CMP_CONTAINS ? "an" : cmp == CMP_STARTS_WITH ? "A" : field_sample(f, n->field));
            check_search(f, &root, NULL, 10);
            search_clear(&root);
        }
    }
    for (int wc = 0; wc < 2; wc++) {
        search_node root = {.kind = SEARCH_AND};
        search_node *n = search_add(&root, SEARCH_HIERARCHY);
        n->value = xstrdup(f->groups[wc]);
        n->with_children = wc;
        check_search(f, &root, NULL, 100);
        search_clear(&root);
    }
    search_node root = {.kind = SEARCH_OR};
    search_node *t = search_add(&root, SEARCH_TAG);
    t->key = xstrdup("team");
    t->value = xstrdup("");
    t = search_add(&root, SEARCH_TAG);
    t->key = xstrdup("site");
    check_search(f, &root, NULL, 3);
    search_clear(&root);
    /* LIKE wildcards in values are plain characters: "y_" is not "y-", "%c" not "Arc". */
    const char *const wild[] = {"y_", "%c", "\\L", "_", "%", "y%z"};
    for (size_t i = 0; i < sizeof wild / sizeof wild[0]; i++) {
        for (int cmp = 0; cmp < 3; cmp++) {
            if (cmp == CMP_CONTAINS && strlen(wild[i]) < 2)
                continue;
            for (int fl = 1; fl <= 2; fl++) {
                search_node w = {.kind = SEARCH_AND};
                search_node *n = search_add(&w, SEARCH_STRING);
                n->field = xstrdup(leaf_fields[fl]);
                n->cmp = (search_cmp)cmp;
                n->value = xstrdup(wild[i]);
                check_search(f, &w, NULL, 50);
                search_clear(&w);
            }
        }
    }
    search_node exact = {.kind = SEARCH_AND};
    search_node *s = search_add(&exact, SEARCH_STRING);
    s->field = xstrdup("Username");
    s->value = xstrdup(u->username);
    check_search(f, &exact, NULL, 1);
    search_clear(&exact);
}

/* Username conditions bound where the page walk reads: combinations of them, every tuning. */
static void username_ranges(void **state)
{
    fixture *f = *state;
    struct {
        search_kind kind;
        const char *a, *b, *c;
    } cases[] = {
        {SEARCH_OR, "ag", "SUP", "zed"},         {SEARCH_OR, "a", "A_b", "x-Y"},
        {SEARCH_AND, "a", "ag", "AGENT1"},        {SEARCH_OR, "agent1@EXAMPLE", "mgr2", "Sup.lead"},
        {SEARCH_AND, "agent", "AGENT", "aGeNt2"}, {SEARCH_OR, "m", "zed1", "sup.LEAD.x"},
    };
    size_t tunings[][2] = {{0, 0}, {1000, 4000}, {100000, SIZE_MAX}, {3, 5}};
    for (size_t t = 0; t < 4; t++) {
        user_search_tune(tunings[t][0], tunings[t][1]);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            search_node root = {.kind = SEARCH_AND};
            search_node *n = search_add(&root, cases[i].kind);
            const char *v[3] = {cases[i].a, cases[i].b, cases[i].c};
            for (int k = 0; k < 3; k++) {
                search_node *l = search_add(n, SEARCH_STRING);
                l->field = xstrdup("Username");
                l->cmp = k == 2 && i % 2 ? CMP_EXACT : CMP_STARTS_WITH;
                l->value = xstrdup(k == 2 && i % 2 ? f->users[i * 7].username : v[k]);
            }
            check_search(f, &root, NULL, 1 + i * 3);
            search_clear(&root);
        }
    }
    user_search_tune(1000, 4000);
}

static void everyone_and_nobody(void **state)
{
    fixture *f = *state;
    search_node all = {.kind = SEARCH_AND};
    check_search(f, &all, NULL, 33);
    check_search(f, NULL, NULL, 500);
    search_node none = {.kind = SEARCH_AND};
    search_add(&none, SEARCH_OR);
    check_search(f, &none, NULL, 10);
    search_clear(&none);
}

/* A second instance: its users never show in the first one's searches, and the other way
 * round; with two instances, scans go through the instance's index (the small one) or the
 * whole table (the large one). */
static size_t count_in(fixture *f, const char *instance_id, search_node *criteria)
{
    user_search_req rq = {.criteria = criteria, .limit = 500};
    user_search_keys k;
    rerr e;
    assert_int_equal(store_begin(f->cx.conn, 0), STORE_OK);
    if (user_search_keys_get(&f->cx, instance_id, &rq, &k, &e)) {
        store_rollback(f->cx.conn);
        fail_msg("search: %s", e.message);
    }
    store_rollback(f->cx.conn);
    size_t n = k.ids.n;
    assert_int_equal(k.total, (int64_t)n);
    user_search_keys_clear(&k);
    return n;
}

/* A second SAML instance beside the fixture's; the test deletes it. */
static void new_instance(fixture *f, instance *other, instance_defaults *defs)
{
    instance_create req = {.idm_type = "SAML", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    if (instances_create(&f->cx, &req, other, defs, &created, &e))
        fail_msg("create an instance: %s", e.message);
}

static void other_instance_apart(void **state)
{
    fixture *f = *state;
    instance other;
    instance_defaults defs;
    rerr e;
    new_instance(f, &other, &defs);
    strlist sps = {0};
    strlist_push(&sps, defs.agent_profile_id);
    for (int i = 0; i < 12; i++) {
        user_insert ui = {.username = f->users[i].username, .first_name = i < 4 ? "Anabel" : "Zed", .last_name = "Q",
                          .routing_profile_id = defs.routing_profile_id, .security_profile_ids = &sps,
                          .now_ms = now_ms()};
        uuid_v4(ui.id);
        snprintf(ui.instance_id, ID_LEN, "%s", other.id);
        assert_int_equal(store_user_insert(f->cx.conn, &ui), STORE_OK);
        kvlist t = {0};
        kvlist_set(&t, "team", "blue");
        assert_int_equal(store_tags_set(f->cx.conn, other.id, ui.id, &t), STORE_OK);
        kvlist_clear(&t);
    }
    strlist_clear(&sps);
    search_node all = {.kind = SEARCH_AND};
    assert_int_equal(count_in(f, other.id, &all), 12);
    search_node name = {.kind = SEARCH_AND};
    search_node *n = search_add(&name, SEARCH_STRING);
    n->field = xstrdup("FirstName");
    n->cmp = CMP_CONTAINS;
    n->value = xstrdup("NAB");
    assert_int_equal(count_in(f, other.id, &name), 4);
    n->cmp = CMP_EXACT;
    free(n->value);
    n->value = xstrdup("Zed");
    assert_int_equal(count_in(f, other.id, &name), 8);
    search_clear(&name);
    search_node user = {.kind = SEARCH_AND};
    n = search_add(&user, SEARCH_STRING);
    n->field = xstrdup("Username");
    n->value = xstrdup(f->users[3].username);
    assert_int_equal(count_in(f, other.id, &user), 1);
    assert_int_equal(count_in(f, f->in.id, &user), 1);
    search_clear(&user);
    /* The first instance's answers are unchanged (brute force over its users only). */
    brute_force_rounds(f, 100);
    assert_int_equal(instances_delete(&f->cx, other.id, &e), 0);
    instance_clear(&other);
}

/* How many users of the instance have value inside field (CONTAINS). */
static size_t count_contains(fixture *f, const char *instance_id, const char *field, const char *value)
{
    search_node t = {.kind = SEARCH_AND};
    search_node *n = search_add(&t, SEARCH_STRING);
    n->field = xstrdup(field);
    n->cmp = CMP_CONTAINS;
    n->value = xstrdup(value);
    size_t c;
    if (strcmp(field, USER_SEARCH_ANY_NAME) == 0) { /* the console's search box, not a SearchUsers field */
        user_handles h;
        int all;
        rerr e;
        assert_int_equal(store_begin(f->cx.conn, 0), STORE_OK);
        if (user_search_resolve(&f->cx, CORE_USERS_CONSOLE_LIST, instance_id, &t, &h, &all, &e))
            fail_msg("search: %s", e.message);
        store_rollback(f->cx.conn);
        assert_false(all);
        c = h.n;
        user_handles_clear(&h);
    } else {
        c = count_in(f, instance_id, &t);
    }
    search_clear(&t);
    return c;
}

/* The names' trigram index (migration 14) follows every write: a rename is found by its new
 * name and no longer by the old one, a deleted user is gone; 2 characters at a name's end, a
 * double quote, case and a one-character text (a scan) answer as the scans would. */
static void names_index_follows_writes(void **state)
{
    fixture *f = *state;
    instance other;
    instance_defaults defs;
    rerr e;
    new_instance(f, &other, &defs);
    strlist sps = {0};
    strlist_push(&sps, defs.agent_profile_id);
    static const char *const names[][3] = {{"p.tanner", "Peter", "Tanner"},
                                           {"o.obrien", "Ola", "O\"Brien"},
                                           {"j.ng", "Jo", "Ng"}};
    char ids[3][ID_LEN];
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    for (int i = 0; i < 3; i++) {
        user_insert ui = {.username = names[i][0], .first_name = names[i][1], .last_name = names[i][2],
                          .routing_profile_id = defs.routing_profile_id, .security_profile_ids = &sps,
                          .now_ms = now_ms()};
        uuid_v4(ui.id);
        memcpy(ids[i], ui.id, ID_LEN);
        snprintf(ui.instance_id, ID_LEN, "%s", other.id);
        assert_int_equal(store_user_insert(f->cx.conn, &ui), STORE_OK);
    }
    assert_int_equal(store_commit(f->cx.conn), STORE_OK);
    strlist_clear(&sps);
    const char *any = USER_SEARCH_ANY_NAME;
    assert_int_equal(count_contains(f, other.id, any, "ER"), 1);        /* Peter, Tanner: 2 at the end */
    assert_int_equal(count_contains(f, other.id, "LastName", "nG"), 1); /* a whole 2-character name */
    assert_int_equal(count_contains(f, other.id, any, "o\"b"), 1);
    assert_int_equal(count_contains(f, other.id, "LastName", "\"B"), 1);
    assert_int_equal(count_contains(f, other.id, "FirstName", "TANNER"), 0); /* one column, not any */
    assert_int_equal(count_contains(f, other.id, "Username", "TANNER"), 1);
    assert_int_equal(count_contains(f, other.id, any, "o"), 2); /* one character: a scan */
    assert_int_equal(count_contains(f, other.id, any, "\x01"), 0);

    /* A rename: found by the new names only. */
    user_record u;
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    assert_int_equal(store_user_get(f->cx.conn, other.id, ids[0], &u), STORE_OK);
    free(u.first_name);
    free(u.username);
    u.first_name = xstrdup("Xavier");
    u.username = xstrdup("x.tanner");
    assert_int_equal(store_user_update(f->cx.conn, &u, STORE_USER_NAME), STORE_OK);
    user_clear(&u);
    assert_int_equal(store_commit(f->cx.conn), STORE_OK);
    assert_int_equal(count_contains(f, other.id, any, "pete"), 0);
    assert_int_equal(count_contains(f, other.id, "Username", "p.t"), 0);
    assert_int_equal(count_contains(f, other.id, any, "xav"), 1);
    assert_int_equal(count_contains(f, other.id, "Username", "X.T"), 1);
    assert_int_equal(count_contains(f, other.id, any, "er"), 1); /* Xavier, Tanner */
    /* A delete: gone from every look-up. */
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    assert_int_equal(store_user_delete(f->cx.conn, other.id, ids[0]), STORE_OK);
    assert_int_equal(store_commit(f->cx.conn), STORE_OK);
    assert_int_equal(count_contains(f, other.id, any, "er"), 0);
    assert_int_equal(count_contains(f, other.id, any, "anne"), 0);
    assert_int_equal(count_contains(f, other.id, any, "ng"), 1);
    /* The first instance's answers are unchanged (brute force over its users only). */
    brute_force_rounds(f, 50);
    assert_int_equal(instances_delete(&f->cx, other.id, &e), 0);
    instance_clear(&other);
}

/* Sets of handles: normalize sorts (negative handles too, bytes that differ anywhere) and drops
 * repeats; filter keeps a ∩ b or a \ b; unite merges; has finds. Checked against qsort on
 * random lists. */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void handle_sets(void **state)
{
    fixture *f = *state;
    for (int round = 0; round < 200; round++) {
        user_handles a = {0}, b = {0};
        size_t na = rnd(f, 3000), nb = rnd(f, 300);
        int64_t span = round % 3 == 0 ? 50 : round % 3 == 1 ? 100000 : INT64_MAX / 4;
        for (size_t i = 0; i < na; i++)
            user_handles_push(&a, (int64_t)(((uint64_t)rnd(f, 1u << 30) << 31 | rnd(f, 1u << 30)) % (uint64_t)span) -
                                      (round % 5 == 0 ? span / 2 : 0));
        for (size_t i = 0; i < nb; i++)
            user_handles_push(&b, na && rnd(f, 2) ? a.v[rnd(f, (unsigned)na)] : (int64_t)rnd(f, 1000));
        int64_t *ref = xcalloc(na + 1, sizeof *ref);
        if (na)
            memcpy(ref, a.v, na * sizeof *ref);
        qsort(ref, na, sizeof *ref, cmp_i64);
        size_t nref = 0;
        for (size_t i = 0; i < na; i++)
            if (!nref || ref[nref - 1] != ref[i])
                ref[nref++] = ref[i];
        user_handles_normalize(&a);
        user_handles_normalize(&b);
        assert_int_equal(a.n, nref);
        if (nref)
            assert_memory_equal(a.v, ref, nref * sizeof *ref);
        user_handles_normalize(&a); /* already a set: unchanged */
        assert_int_equal(a.n, nref);
        for (int minus = 0; minus < 2; minus++) {
            user_handles c = {0};
            for (size_t i = 0; i < a.n; i++)
                user_handles_push(&c, a.v[i]);
            user_handles_filter(&c, &b, minus);
            size_t k = 0;
            for (size_t i = 0; i < a.n; i++)
                if (user_handles_has(&b, a.v[i]) != minus) {
                    assert_true(k < c.n);
                    assert_true(c.v[k++] == a.v[i]);
                }
            assert_int_equal(k, c.n);
            user_handles_clear(&c);
        }
        user_handles u = {0};
        for (size_t i = 0; i < a.n; i++)
            user_handles_push(&u, a.v[i]);
        user_handles_unite(&u, &b);
        for (size_t i = 1; i < u.n; i++)
            assert_true(u.v[i - 1] < u.v[i]);
        for (size_t i = 0; i < u.n; i++)
            assert_true(user_handles_has(&a, u.v[i]) || user_handles_has(&b, u.v[i]));
        for (size_t i = 0; i < b.n; i++)
            assert_true(user_handles_has(&u, b.v[i]));
        for (size_t i = 0; i < a.n; i++)
            assert_true(user_handles_has(&u, a.v[i]));
        free(ref);
        user_handles_clear(&a);
        user_handles_clear(&b);
        user_handles_clear(&u);
    }
}

/* ---- errors ---------------------------------------------------------------------------------- */

static int search_err(fixture *f, const search_node *criteria, const search_node *filter, const char *token,
                      rerr *e)
{
    user_search_req rq = {.criteria = criteria, .filter = filter, .token = token, .limit = 10};
    user_search_keys k;
    int rc = user_search_keys_get(&f->cx, f->in.id, &rq, &k, e);
    user_search_keys_clear(&k);
    return rc;
}

static void string_leaf_errors(void **state)
{
    fixture *f = *state;
    struct {
        const char *field;
        search_cmp cmp;
        const char *value;
    } bad[] = {{"Email", CMP_EXACT, "x"},          {"username", CMP_EXACT, "x"},
               {"FirstName", CMP_CONTAINS, "a"},   {"FirstName", CMP_CONTAINS, "abcdefghijklmnopqrstuvwxyz"},
               {"LastName", CMP_CONTAINS, "é"},    {"Username", CMP_EXACT, ""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        search_node root = {.kind = SEARCH_AND};
        search_node *n = search_add(&root, SEARCH_STRING);
        n->field = xstrdup(bad[i].field);
        n->cmp = bad[i].cmp;
        n->value = xstrdup(bad[i].value);
        rerr e;
        assert_int_equal(search_err(f, &root, NULL, NULL, &e), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        search_clear(&root);
    }
    /* 2 and 25 characters (not bytes) are fine. */
    search_node root = {.kind = SEARCH_AND};
    search_node *n = search_add(&root, SEARCH_STRING);
    n->field = xstrdup("FirstName");
    n->cmp = CMP_CONTAINS;
    n->value = xstrdup("éé");
    rerr e;
    assert_int_equal(search_err(f, &root, NULL, NULL, &e), 0);
    free(n->value);
    n->value = xstrdup("ééééééééééééééééééééééééé");
    assert_int_equal(search_err(f, &root, NULL, NULL, &e), 0);
    search_clear(&root);
}

static void token_errors(void **state)
{
    fixture *f = *state;
    rerr e;
    assert_int_equal(search_err(f, NULL, NULL, "garbage", &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(e.field, "NextToken");
    assert_int_equal(search_err(f, NULL, NULL, "", &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    char *long_token = calloc(2502, 1);
    memset(long_token, 'A', 2501);
    assert_int_equal(search_err(f, NULL, NULL, long_token, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    free(long_token);
    /* A token of another list is refused. */
    search_node sp_root = {.kind = SEARCH_AND};
    security_profile *found;
    size_t n;
    char *next;
    int64_t total;
    assert_int_equal(security_profiles_search(&f->cx, f->in.id, &sp_root, NULL, 1, &found, &n, &next, &total, &e), 0);
    for (size_t i = 0; i < n; i++)
        security_profile_clear(&found[i]);
    free(found);
    assert_non_null(next);
    assert_int_equal(search_err(f, NULL, NULL, next, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    free(next);
}

static void filter_limits(void **state)
{
    fixture *f = *state;
    search_node filter = {.kind = SEARCH_AND};
    search_node *or = search_add(&filter, SEARCH_OR);
    for (int i = 0; i < 25; i++) {
        search_node *t = search_add(or, SEARCH_TAG);
        t->key = xstrdup("team");
    }
    for (int i = 0; i < 20; i++) {
        search_node *h = search_add(or, SEARCH_HIERARCHY);
        h->value = xstrdup(f->groups[i]);
    }
    rerr e;
    assert_int_equal(search_err(f, NULL, &filter, NULL, &e), 0);
    search_add(or, SEARCH_TAG)->key = xstrdup("site");
    assert_int_equal(search_err(f, NULL, &filter, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(e.field, "SearchFilter");
    or->n_kids--;
    search_clear(&or->kids[or->n_kids]);
    search_add(or, SEARCH_HIERARCHY)->value = xstrdup(f->groups[30]);
    assert_int_equal(search_err(f, NULL, &filter, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    search_clear(&filter);
}

/* ---- the UserAttributeFilter JSON ------------------------------------------------------------ */

static void user_attribute_filter_json(void **state)
{
    fixture *f = *state;
    char text[1024];
    snprintf(text, sizeof text,
             "{\"OrConditions\": [{\"TagConditions\": [{\"TagKey\": \"team\", \"TagValue\": \"blue\"}]},"
             " {\"HierarchyGroupCondition\": {\"Value\": \"%s\", \"HierarchyGroupMatchType\": \"WITH_CHILD_GROUPS\"},"
             "  \"TagConditions\": [{\"TagKey\": \"site\"}]}],"
             " \"AndCondition\": {\"TagConditions\": []},"
             " \"HierarchyGroupCondition\": {\"Value\": \"%s\", \"HierarchyGroupMatchType\": \"WITH_CHILD_GROUPS\"}}",
             f->groups[2], f->groups[0]);
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    assert_non_null(doc);
    search_node filter = {.kind = SEARCH_AND};
    rerr e;
    assert_int_equal(search_json_user_attribute_filter(&e, doc, "SearchFilter.UserAttributeFilter", &filter), 0);
    json_decref(doc);
    assert_int_equal(filter.n_kids, 3);
    assert_int_equal(filter.kids[0].kind, SEARCH_OR);
    assert_int_equal(filter.kids[0].n_kids, 2);
    assert_int_equal(filter.kids[0].kids[1].n_kids, 2); /* the tag and the group, ANDed */
    assert_int_equal(filter.kids[1].kind, SEARCH_AND);
    assert_int_equal(filter.kids[2].kind, SEARCH_HIERARCHY);
    assert_true(filter.kids[2].with_children);
    check_search(f, NULL, &filter, 9);
    search_clear(&filter);
    const char *bad[] = {"[]", "{\"OrConditions\": {}}", "{\"AndCondition\": []}",
                         "{\"AndCondition\": {\"TagConditions\": {}}}",
                         "{\"HierarchyGroupCondition\": {\"Value\": \"x\", \"HierarchyGroupMatchType\": \"BELOW\"}}",
                         "{\"TagCondition\": {\"TagKey\": 5}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        doc = json_loads(bad[i], 0, &je);
        assert_non_null(doc);
        search_node root = {.kind = SEARCH_AND};
        assert_int_equal(search_json_user_attribute_filter(&e, doc, "SearchFilter.UserAttributeFilter", &root), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        search_clear(&root);
        json_decref(doc);
    }
}

/* ---- whole pages ----------------------------------------------------------------------------- */

static void pages_read_in_full(void **state)
{
    fixture *f = *state;
    search_node root = {.kind = SEARCH_AND};
    search_node *t = search_add(&root, SEARCH_TAG);
    t->key = xstrdup("team");
    const tuser **want;
    size_t n_want = brute_force(f, &root, NULL, &want);
    assert_true(n_want > 5);
    user_search_req rq = {.criteria = &root, .limit = 5};
    user_search_result res;
    rerr e;
    assert_int_equal(store_begin(f->cx.conn, 0), STORE_OK);
    assert_int_equal(user_search(&f->cx, f->in.id, &rq, &res, &e), 0);
    store_rollback(f->cx.conn);
    assert_int_equal(res.n, 5);
    assert_int_equal(res.total, (int64_t)n_want);
    assert_non_null(res.next);
    for (size_t i = 0; i < res.n; i++) {
        const user_record *u = &res.hits[i].user;
        assert_string_equal(u->id, want[i]->id);
        assert_string_equal(u->username, want[i]->username);
        assert_string_equal(u->routing_profile_id, want[i]->routing);
        assert_int_equal(u->security_profile_ids.n, want[i]->sps.n);
        assert_int_equal(res.hits[i].tags.keys.n, want[i]->tags.keys.n);
    }
    user_search_result_clear(&res);
    free(want);
    search_clear(&root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(brute_force_default),
        cmocka_unit_test(brute_force_sets_and_walk),
        cmocka_unit_test(brute_force_filter_and_sort),
        cmocka_unit_test(brute_force_mixed),
        cmocka_unit_test(each_leaf_kind),
        cmocka_unit_test(username_ranges),
        cmocka_unit_test(everyone_and_nobody),
        cmocka_unit_test(other_instance_apart),
        cmocka_unit_test(names_index_follows_writes),
        cmocka_unit_test(handle_sets),
        cmocka_unit_test(string_leaf_errors),
        cmocka_unit_test(token_errors),
        cmocka_unit_test(filter_limits),
        cmocka_unit_test(user_attribute_filter_json),
        cmocka_unit_test(pages_read_in_full),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
