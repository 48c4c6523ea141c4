/* test_user_list.c — the console's user list in the core (core/user_list.c) over a real SQLite
 * file: 400 generated users (names that tie ignoring case, unset names, several routing and
 * security profiles of every role, a group tree, desk phones), and for many filters, every
 * column both ways and several offsets and page sizes, the page computed by the in-memory sort
 * (user_list_tune(SIZE_MAX)) equals the page computed by the index walks and the grouped sets
 * (user_list_tune(0)); pages tile the whole result exactly; the bulk selection's ids are the
 * list's users; the role of several profiles is the highest one; bad requests are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hierarchy.h"
#include "core/instances.h"
#include "core/routing_profiles.h"
#include "core/security_profiles.h"
#include "core/user_list.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

#define N_USERS 400
#define N_GROUPS 6

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance in;
    instance_defaults defs;
    strlist routing_ids, security_ids;
    char groups[N_GROUPS][ID_LEN];
    char viewer[ID_LEN], editor[ID_LEN];
    char ids[N_USERS][ID_LEN];
    unsigned rnd;
} fixture;

static unsigned rnd(fixture *f, unsigned n)
{
    f->rnd = f->rnd * 1103515245u + 12345u;
    return n ? (f->rnd >> 8) % n : 0;
}

static const char *const firsts[] = {"Ann", "ann", "ANN", "bob", "Bob", "Zoë", "Élodie", "al", "Al_x", "", NULL};
static const char *const lasts[] = {"Smith", "smith", "Ng", "ng", "O'Brien", "van Dijk", "", NULL};

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

static void make_profiles(fixture *f)
{
    rerr e;
    strlist_push(&f->routing_ids, f->defs.routing_profile_id);
    routing_profile rp;
    assert_int_equal(store_routing_profile_get(f->cx.conn, f->in.id, f->defs.routing_profile_id, &rp), STORE_OK);
    rp_media_in voice = {.channel = "VOICE", .concurrency = 1};
    const char *names[] = {"alpha", "Beta", "beta"};
    for (int i = 0; i < 3; i++) {
        char id[ID_LEN];
        rp_create rc = {.name = names[i], .description = "d", .default_outbound_queue_id = rp.default_outbound_queue_id,
                        .media = {.items = &voice, .n = 1, .given = 1}};
        assert_int_equal(routing_profiles_create(&f->cx, f->in.id, &rc, id, &e), 0);
        strlist_push(&f->routing_ids, id);
    }
    routing_profile_clear(&rp);
    strlist view = {0}, edit = {0};
    strlist_push(&view, "Users.View");
    strlist_push(&edit, "Users.Edit");
    sp_change v = {.name = "viewer", .permissions = &view}, ed = {.name = "Editor", .permissions = &edit};
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &v, f->viewer, &e), 0);
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ed, f->editor, &e), 0);
    strlist_clear(&view);
    strlist_clear(&edit);
    security_profile *all;
    size_t n;
    assert_int_equal(store_security_profile_all(f->cx.conn, f->in.id, &all, &n), STORE_OK);
    for (size_t i = 0; i < n; i++) {
        strlist_push(&f->security_ids, all[i].id);
        security_profile_clear(&all[i]);
    }
    free(all);
}

static void make_groups(fixture *f)
{
    rerr e;
    const char *levels[HIERARCHY_LEVELS] = {"One", "Two", "Three", "Four", "Five"};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->in.id, levels, &e), 0);
    const char *names[N_GROUPS] = {"Europe", "americas", "Paris", "Lyon", "north", "Deep"};
    const int parent[N_GROUPS] = {-1, -1, 0, 0, 1, 2};
    for (int i = 0; i < N_GROUPS; i++) {
        hierarchy_group_new g = {.name = names[i], .parent_id = parent[i] < 0 ? NULL : f->groups[parent[i]]};
        assert_int_equal(hierarchy_group_create(&f->cx, f->in.id, &g, f->groups[i], &e), 0);
    }
}

static void make_user(fixture *f, int i, buf *desk)
{
    char name[64];
    snprintf(name, sizeof name, "%s%03d", i % 3 ? "user" : "User", i);
    strlist sps = {0};
    for (unsigned k = 1 + rnd(f, 3); sps.n < k;) {
        const char *sp = f->security_ids.items[rnd(f, (unsigned)f->security_ids.n)];
        if (!strlist_contains(&sps, sp))
            strlist_push(&sps, sp);
    }
    user_insert ui = {.username = name, .first_name = firsts[rnd(f, 11)], .last_name = lasts[rnd(f, 8)],
                      .routing_profile_id = f->routing_ids.items[rnd(f, (unsigned)f->routing_ids.n)],
                      .security_profile_ids = &sps, .now_ms = now_ms()};
    uuid_v4(ui.id);
    snprintf(ui.instance_id, ID_LEN, "%s", f->in.id);
    memcpy(f->ids[i], ui.id, ID_LEN);
    assert_int_equal(store_user_insert(f->cx.conn, &ui), STORE_OK);
    unsigned g = rnd(f, N_GROUPS + 2);
    if (g < N_GROUPS)
        assert_int_equal(store_group_assign_user(f->cx.conn, f->in.id, ui.id, f->groups[g], now_ms()), STORE_OK);
    if (rnd(f, 3) == 0)
        buf_printf(desk, "INSERT INTO user_channel_configs(user_id, channel, phone_type, phone_number) "
                         "VALUES ('%s', 'VOICE', 'DESK_PHONE', '+14155550100');",
                   ui.id);
    else if (rnd(f, 2) == 0)
        buf_printf(desk, "INSERT INTO user_channel_configs(user_id, channel, phone_type) "
                         "VALUES ('%s', 'VOICE', 'SOFT_PHONE');",
                   ui.id);
    strlist_clear(&sps);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->in, &f->defs))
        return -1;
    f->rnd = 20261206;
    make_profiles(f);
    make_groups(f);
    buf desk;
    buf_init(&desk);
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    for (int i = 0; i < N_USERS; i++)
        make_user(f, i, &desk);
    assert_int_equal(store_commit(f->cx.conn), STORE_OK);
    exec_sql(f->ts.path, desk.data); /* ids are generated UUIDs: nothing quoted comes from outside */
    buf_free(&desk);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    strlist_clear(&f->routing_ids);
    strlist_clear(&f->security_ids);
    instance_clear(&f->in);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    user_list_tune(2000);
    return rc;
}

/* The page's ids, joined, into out. */
static int64_t page_ids(fixture *f, const user_list_req *rq, buf *out)
{
    user_list_page pg;
    rerr e;
    if (user_list_get(&f->cx, f->in.id, rq, &pg, &e))
        fail_msg("user_list_get: %s", e.message);
    for (size_t i = 0; i < pg.n; i++)
        buf_printf(out, "%s,", pg.rows[i].id);
    int64_t total = pg.total;
    assert_true(pg.n <= rq->limit);
    user_list_page_clear(&pg);
    return total;
}

static user_list_filter filters(fixture *f, int k)
{
    switch (k) {
    case 0: return (user_list_filter){0};
    case 1: return (user_list_filter){.routing_profile_id = f->routing_ids.items[1]};
    case 2: return (user_list_filter){.security_profile_id = f->viewer};
    case 3: return (user_list_filter){.hierarchy_group_id = f->groups[0]};
    case 4: return (user_list_filter){.hierarchy_group_id = f->groups[2]};
    case 5: return (user_list_filter){.search = "ANN"};
    case 6: return (user_list_filter){.search = "1"};
    case 7: return (user_list_filter){.search = "_"};
    case 8: return (user_list_filter){.search = "user0", .routing_profile_id = f->routing_ids.items[0]};
    default: return (user_list_filter){.security_profile_id = f->editor, .hierarchy_group_id = f->groups[1]};
    }
}
#define N_FILTERS 10

/* The in-memory sort and the walks/groups give the same pages, for every filter, column,
 * direction, page size and offset. */
static void both_ways_agree(void **state)
{
    fixture *f = *state;
    static const int64_t offsets[] = {0, 13, 25, 100, 399, 400};
    for (int k = 1; k < N_FILTERS; k++) /* k = 0 (no filter) always walks: the e2e test models it */
        for (int s = 0; s < USER_LIST_SORT__COUNT; s++)
            for (int desc = 0; desc < 2; desc++)
                for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++)
                    for (size_t limit = 25; limit <= 100; limit += 75) {
                        user_list_req rq = {.filter = filters(f, k), .sort = (user_list_sort)s, .desc = desc,
                                            .offset = offsets[o], .limit = limit};
                        buf a, b;
                        buf_init(&a);
                        buf_init(&b);
                        user_list_tune(SIZE_MAX);
                        int64_t ta = page_ids(f, &rq, &a);
                        user_list_tune(0);
                        int64_t tb = page_ids(f, &rq, &b);
                        if (ta != tb || strcmp(a.data ? a.data : "", b.data ? b.data : "") != 0)
                            fail_msg("filter %d sort %s desc %d offset %lld limit %zu: %lld [%s] vs %lld [%s]", k,
                                     user_list_sort_names[s], desc, (long long)offsets[o], limit, (long long)ta,
                                     a.data ? a.data : "", (long long)tb, b.data ? b.data : "");
                        buf_free(&a);
                        buf_free(&b);
                    }
    user_list_tune(2000);
}

static int in_list(const strlist *l, const char *s)
{
    return strlist_contains(l, s);
}

/* Paging through a whole result gives each user once, Total of them, and the bulk selection of
 * the same filter is exactly those users, in id order. */
static void pages_tile_and_bulk_agrees(void **state)
{
    fixture *f = *state;
    for (int k = 0; k < N_FILTERS; k++)
        for (int s = 0; s < USER_LIST_SORT__COUNT; s += 3) {
            strlist seen = {0};
            int64_t total = -1;
            for (int64_t off = 0;; off += 25) {
                user_list_req rq = {.filter = filters(f, k), .sort = (user_list_sort)s, .desc = s & 1, .offset = off,
                                    .limit = 25};
                user_list_page pg;
                rerr e;
                if (user_list_get(&f->cx, f->in.id, &rq, &pg, &e))
                    fail_msg("%s", e.message);
                total = pg.total;
                for (size_t i = 0; i < pg.n; i++) {
                    assert_false(in_list(&seen, pg.rows[i].id));
                    strlist_push(&seen, pg.rows[i].id);
                }
                size_t n = pg.n;
                user_list_page_clear(&pg);
                if (n < 25)
                    break;
            }
            assert_int_equal((int64_t)seen.n, total);
            user_list_filter flt = filters(f, k);
            strlist ids = {0};
            rerr e;
            if (total == 0) {
                assert_int_equal(user_list_ids(&f->cx, f->in.id, &flt, 1000, "Selection", &ids, &e), 0);
                assert_int_equal(ids.n, 0);
            } else {
                assert_int_equal(user_list_ids(&f->cx, f->in.id, &flt, 1000, "Selection", &ids, &e), 0);
                assert_int_equal(ids.n, seen.n);
                for (size_t i = 0; i < ids.n; i++) {
                    assert_true(in_list(&seen, ids.items[i]));
                    if (i)
                        assert_true(strcmp(ids.items[i - 1], ids.items[i]) < 0);
                }
                if (ids.n > 1) {
                    strlist few = {0};
                    assert_int_equal(user_list_ids(&f->cx, f->in.id, &flt, ids.n - 1, "Selection", &few, &e), -1);
                    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
                    strlist_clear(&few);
                }
            }
            strlist_clear(&ids);
            strlist_clear(&seen);
        }
}

/* A user holding a Users.View profile and a Users.Edit profile is a Manager; only Users.View, a
 * Supervisor. */
static void role_is_the_highest(void **state)
{
    fixture *f = *state;
    strlist sps = {0};
    strlist_push(&sps, f->viewer);
    strlist_push(&sps, f->editor);
    user_insert ui = {.username = "zz-both", .routing_profile_id = f->defs.routing_profile_id,
                      .security_profile_ids = &sps, .now_ms = now_ms()};
    uuid_v4(ui.id);
    snprintf(ui.instance_id, ID_LEN, "%s", f->in.id);
    assert_int_equal(store_user_insert(f->cx.conn, &ui), STORE_OK);
    strlist_clear(&sps);
    strlist_push(&sps, f->viewer);
    user_insert vi = ui;
    vi.username = "zz-view";
    uuid_v4(vi.id);
    assert_int_equal(store_user_insert(f->cx.conn, &vi), STORE_OK);
    strlist_clear(&sps);
    user_list_req rq = {.filter = {.search = "zz-"}, .limit = 25};
    user_list_page pg;
    rerr e;
    assert_int_equal(user_list_get(&f->cx, f->in.id, &rq, &pg, &e), 0);
    assert_int_equal(pg.n, 2);
    assert_string_equal(pg.rows[0].username, "zz-both");
    assert_string_equal(pg.roles[0], "Manager");
    assert_string_equal(pg.rows[0].security_profile_ids.items[0], f->editor); /* "Editor" < "viewer" */
    assert_string_equal(pg.roles[1], "Supervisor");
    user_list_page_clear(&pg);
    const char *ids[] = {ui.id, vi.id};
    for (int i = 0; i < 2; i++)
        assert_int_equal(store_user_delete(f->cx.conn, f->in.id, ids[i]), STORE_OK);
}

static void bad_requests(void **state)
{
    fixture *f = *state;
    char long_search[102];
    memset(long_search, 'a', 101);
    long_search[101] = '\0';
    user_list_req cases[] = {
        {.filter = {.search = long_search}, .limit = 25},
        {.offset = -1, .limit = 25},
        {.offset = USER_LIST_OFFSET_MAX + 1, .limit = 25},
        {.limit = 0},
        {.limit = 101},
        {.sort = USER_LIST_SORT__COUNT, .limit = 25},
    };
    const char *fields[] = {"Search", "Offset", "Offset", "MaxResults", "MaxResults", "SortBy"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        user_list_page pg;
        rerr e;
        assert_int_equal(user_list_get(&f->cx, f->in.id, &cases[i], &pg, &e), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        assert_string_equal(e.field, fields[i]);
        user_list_page_clear(&pg);
    }
    /* 100 characters (not bytes) are allowed */
    char accents[201] = "";
    for (int i = 0; i < 100; i++)
        memcpy(accents + 2 * i, "\xc3\xa9", 2); /* é, two bytes each; the last byte stays NUL */
    user_list_req ok = {.filter = {.search = accents}, .limit = 25};
    user_list_page pg;
    rerr e;
    assert_int_equal(user_list_get(&f->cx, f->in.id, &ok, &pg, &e), 0);
    assert_int_equal(pg.total, 0);
    user_list_page_clear(&pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_ways_agree),
        cmocka_unit_test(pages_tile_and_bulk_agrees),
        cmocka_unit_test(role_is_the_highest),
        cmocka_unit_test(bad_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
