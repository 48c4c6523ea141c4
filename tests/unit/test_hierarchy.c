/* test_hierarchy.c — the agent hierarchy rules (core/hierarchy.c) over a real SQLite file:
 * structure levels, group creation and placement, paths, listing, search, rename, delete
 * refusals (children, users), path-of-names resolution and concurrent writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/search_json.h"
#include "core/context.h"
#include "core/hierarchy.h"
#include "core/instances.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

typedef struct fixture {
    test_store ts;
    store_conn *c;
    settings cfg;
    core_ctx cx;
    instance inst;
    instance_defaults defs;
} fixture;

static void new_instance(fixture *f, instance *out, instance_defaults *defs)
{
    instance_create ic = {.idm_type = "CONNECT_MANAGED", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    assert_int_equal(instances_create(&f->cx, &ic, out, defs, &created, &e), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    test_settings(&f->cfg);
    f->cx = (core_ctx){.conn = f->c, .cfg = &f->cfg, .who = NULL, .now_ms = now_ms()};
    new_instance(f, &f->inst, &f->defs);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->inst);
    store_conn_put(f->c);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

/* Sets the structure to the first n of Planet, Continent, Country, Region, City. */
static void levels(fixture *f, int n)
{
    static const char *const all[] = {"Planet", "Continent", "Country", "Region", "City"};
    const char *names[HIERARCHY_LEVELS] = {0};
    for (int i = 0; i < n; i++)
        names[i] = all[i];
    rerr e;
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, names, &e), 0);
}

static void group(fixture *f, const char *name, const char *parent, char id[ID_LEN])
{
    hierarchy_group_new in = {.name = name, .parent_id = parent};
    rerr e;
    int rc = hierarchy_group_create(&f->cx, f->inst.id, &in, id, &e);
    if (rc)
        fail_msg("create %s: %s", name, e.message);
}

static void expect_err(int rc, const rerr *e, err_code code, const char *part)
{
    assert_int_equal(rc, -1);
    assert_int_equal(e->code, code);
    if (part && !strstr(e->message, part))
        fail_msg("message '%s' lacks '%s'", e->message, part);
}

/* ---- the structure ---------------------------------------------------------------------------- */

static void structure_set_rename_keeps_ids(void **state)
{
    fixture *f = *state;
    hierarchy_structure s;
    rerr e;
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    for (int i = 0; i < HIERARCHY_LEVELS; i++)
        assert_int_equal(s.levels[i].level, 0);
    hierarchy_structure_clear(&s);

    levels(f, 2);
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    assert_int_equal(s.levels[0].level, 1);
    assert_string_equal(s.levels[1].name, "Continent");
    assert_true(uuid_is_valid(s.levels[1].id));
    assert_int_equal(s.levels[2].level, 0);
    char id1[ID_LEN], id2[ID_LEN];
    memcpy(id1, s.levels[0].id, ID_LEN);
    memcpy(id2, s.levels[1].id, ID_LEN);
    hierarchy_structure_clear(&s);

    const char *renamed[HIERARCHY_LEVELS] = {"Planet", "Landmass", "Country"};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, renamed, &e), 0);
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    assert_string_equal(s.levels[0].id, id1);
    assert_string_equal(s.levels[1].id, id2);
    assert_string_equal(s.levels[1].name, "Landmass");
    assert_int_equal(s.levels[2].level, 3);
    hierarchy_structure_clear(&s);

    /* Removing unused levels is allowed, down to none. */
    const char *none[HIERARCHY_LEVELS] = {0};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, none, &e), 0);
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    assert_int_equal(s.levels[0].level, 0);
    hierarchy_structure_clear(&s);
}

static void structure_rules(void **state)
{
    fixture *f = *state;
    rerr e;
    const char *gap[HIERARCHY_LEVELS] = {"One", NULL, "Three"};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, gap, &e), &e, ERR_INVALID_PARAMETER,
               "LevelThree is given without LevelTwo");
    const char *no_one[HIERARCHY_LEVELS] = {NULL, "Two"};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, no_one, &e), &e, ERR_INVALID_PARAMETER, "LevelOne");
    const char *empty[HIERARCHY_LEVELS] = {""};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, empty, &e), &e, ERR_INVALID_PARAMETER, NULL);
    assert_string_equal(e.field, "HierarchyStructure.LevelOne.Name");
    const char *same[HIERARCHY_LEVELS] = {"Team", "Team"};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, same, &e), &e, ERR_INVALID_PARAMETER, "must differ");
    char long_name[60];
    memset(long_name, 'x', 51);
    long_name[51] = '\0';
    const char *too_long[HIERARCHY_LEVELS] = {long_name};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, too_long, &e), &e, ERR_INVALID_PARAMETER, "1 to 50");
    /* 50 characters of two bytes each are 50 characters. */
    buf b;
    buf_init(&b);
    for (int i = 0; i < 50; i++)
        buf_puts(&b, "é");
    const char *wide[HIERARCHY_LEVELS] = {b.data};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, wide, &e), 0);
    buf_free(&b);
}

static void structure_level_in_use(void **state)
{
    fixture *f = *state;
    levels(f, 3);
    char a[ID_LEN], b[ID_LEN];
    group(f, "Earth", NULL, a);
    group(f, "Europe", a, b);
    rerr e;
    const char *one[HIERARCHY_LEVELS] = {"Planet"};
    expect_err(hierarchy_structure_update(&f->cx, f->inst.id, one, &e), &e, ERR_IN_USE, "LevelTwo");
    assert_string_equal(e.resource_type, "HIERARCHY_LEVEL");
    char want[256];
    snprintf(want, sizeof want, "arn:aws:connect:us-east-1:123456789012:instance/%s/agent-group-level/2",
             f->inst.id);
    assert_string_equal(e.resource_id, want);
    /* Nothing changed: level three is still there. */
    hierarchy_structure s;
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    assert_int_equal(s.levels[2].level, 3);
    hierarchy_structure_clear(&s);
    /* Level three is unused and may go. */
    const char *two[HIERARCHY_LEVELS] = {"Planet", "Continent"};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, two, &e), 0);
    assert_int_equal(hierarchy_group_delete(&f->cx, f->inst.id, b, &e), 0);
    assert_int_equal(hierarchy_structure_update(&f->cx, f->inst.id, one, &e), 0);
}

/* ---- groups ----------------------------------------------------------------------------------- */

static void create_rules(void **state)
{
    fixture *f = *state;
    rerr e;
    char id[ID_LEN];
    hierarchy_group_new in = {.name = "Earth"};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &in, id, &e), &e, ERR_INVALID_PARAMETER,
               "no LevelOne");
    levels(f, 1);
    char earth[ID_LEN];
    group(f, "Earth", NULL, earth);
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &in, id, &e), &e, ERR_DUPLICATE, "Earth");
    /* A child would need level two. */
    hierarchy_group_new child = {.name = "Europe", .parent_id = earth};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &child, id, &e), &e, ERR_INVALID_PARAMETER,
               "no LevelTwo");
    assert_string_equal(e.field, "ParentGroupId");
    hierarchy_group_new orphan = {.name = "Mars", .parent_id = "00000000-0000-4000-8000-000000000000"};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &orphan, id, &e), &e, ERR_NOT_FOUND, "Parent");
    hierarchy_group_new empty = {.name = ""};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &empty, id, &e), &e, ERR_INVALID_PARAMETER, "Name");
    char name[120];
    memset(name, 'n', 101);
    name[101] = '\0';
    hierarchy_group_new long_name = {.name = name};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &long_name, id, &e), &e, ERR_INVALID_PARAMETER,
               "1 to 100");
    name[100] = '\0';
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &long_name, id, &e), 0);
    /* Tags follow the tag rules and are kept. */
    kvlist tags = {0};
    kvlist_set(&tags, "aws:x", "1");
    hierarchy_group_new tagged = {.name = "Venus", .tags = &tags};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &tagged, id, &e), &e, ERR_INVALID_PARAMETER, "aws:");
    kvlist_clear(&tags);
    kvlist_set(&tags, "team", "blue");
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &tagged, id, &e), 0);
    kvlist_clear(&tags);
    hierarchy_group_view v;
    assert_int_equal(hierarchy_group_describe(&f->cx, f->inst.id, id, &v, &e), 0);
    assert_int_equal(v.tags.keys.n, 1);
    assert_string_equal(v.tags.values.items[0], "blue");
    hierarchy_group_view_clear(&v);
}

static void parent_in_other_instance(void **state)
{
    fixture *f = *state;
    instance other;
    new_instance(f, &other, NULL);
    levels(f, 2);
    const char *names[HIERARCHY_LEVELS] = {"A", "B"};
    rerr e;
    assert_int_equal(hierarchy_structure_update(&f->cx, other.id, names, &e), 0);
    char there[ID_LEN], id[ID_LEN];
    hierarchy_group_new root = {.name = "Root"};
    assert_int_equal(hierarchy_group_create(&f->cx, other.id, &root, there, &e), 0);
    hierarchy_group_new child = {.name = "Child", .parent_id = there};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &child, id, &e), &e, ERR_NOT_FOUND, "Parent");
    /* The same name is fine in another instance. */
    group(f, "Root", NULL, id);
    hierarchy_group g;
    expect_err(hierarchy_group_get(&f->cx, f->inst.id, there, &g, &e), &e, ERR_NOT_FOUND, NULL);
    /* Deleting the other instance takes its hierarchy with it. */
    assert_int_equal(instances_delete(&f->cx, other.id, &e), 0);
    instance_clear(&other);
}

static void describe_five_level_path(void **state)
{
    fixture *f = *state;
    levels(f, 5);
    char ids[5][ID_LEN];
    const char *names[] = {"Earth", "Europe", "France", "Brittany", "Rennes"};
    for (int i = 0; i < 5; i++)
        group(f, names[i], i ? ids[i - 1] : NULL, ids[i]);
    rerr e;
    char id[ID_LEN];
    hierarchy_group_new deeper = {.name = "Street", .parent_id = ids[4]};
    expect_err(hierarchy_group_create(&f->cx, f->inst.id, &deeper, id, &e), &e, ERR_INVALID_PARAMETER,
               "deepest");
    hierarchy_group_view v;
    assert_int_equal(hierarchy_group_describe(&f->cx, f->inst.id, ids[4], &v, &e), 0);
    assert_int_equal(v.group.level, 5);
    assert_int_equal(v.n_path, 5);
    for (int i = 0; i < 5; i++) {
        assert_string_equal(v.path[i].id, ids[i]);
        assert_string_equal(v.path[i].name, names[i]);
    }
    hierarchy_structure s;
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    assert_string_equal(v.level_id, "5"); /* HierarchyGroup.LevelId: the level's number */
    hierarchy_structure_clear(&s);
    hierarchy_group_view_clear(&v);
    assert_int_equal(hierarchy_group_describe(&f->cx, f->inst.id, ids[0], &v, &e), 0);
    assert_int_equal(v.n_path, 1);
    assert_string_equal(v.path[0].id, ids[0]);
    hierarchy_group_view_clear(&v);
    expect_err(hierarchy_group_describe(&f->cx, f->inst.id, "nope", &v, &e), &e, ERR_NOT_FOUND, "nope");
}

static void rename_rules(void **state)
{
    fixture *f = *state;
    levels(f, 1);
    char a[ID_LEN], b[ID_LEN];
    group(f, "Alpha", NULL, a);
    group(f, "Beta", NULL, b);
    rerr e;
    expect_err(hierarchy_group_rename(&f->cx, f->inst.id, a, "Beta", &e), &e, ERR_DUPLICATE, "Beta");
    assert_int_equal(hierarchy_group_rename(&f->cx, f->inst.id, a, "Alpha", &e), 0); /* its own name */
    f->cx.now_ms += 5000;
    assert_int_equal(hierarchy_group_rename(&f->cx, f->inst.id, a, "Gamma", &e), 0);
    hierarchy_group g;
    assert_int_equal(hierarchy_group_get(&f->cx, f->inst.id, a, &g, &e), 0);
    assert_string_equal(g.name, "Gamma");
    assert_int_equal(g.modified_ms, f->cx.now_ms);
    hierarchy_group_clear(&g);
    expect_err(hierarchy_group_rename(&f->cx, f->inst.id, "nope", "Delta", &e), &e, ERR_NOT_FOUND, NULL);
    expect_err(hierarchy_group_rename(&f->cx, f->inst.id, a, "", &e), &e, ERR_INVALID_PARAMETER, NULL);
    /* The old name is free again. */
    char c[ID_LEN];
    group(f, "Alpha", NULL, c);
}

static void delete_refused_while_used(void **state)
{
    fixture *f = *state;
    levels(f, 2);
    char parent[ID_LEN], child[ID_LEN];
    kvlist tags = {0};
    kvlist_set(&tags, "k", "v");
    hierarchy_group_new in = {.name = "Parent", .tags = &tags};
    rerr e;
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &in, parent, &e), 0);
    kvlist_clear(&tags);
    group(f, "Child", parent, child);
    char arn[256];
    snprintf(arn, sizeof arn, "arn:aws:connect:us-east-1:123456789012:instance/%s/agent-group/%s", f->inst.id,
             parent);
    expect_err(hierarchy_group_delete(&f->cx, f->inst.id, parent, &e), &e, ERR_IN_USE, "1 child group");
    assert_string_equal(e.resource_type, "HIERARCHY_GROUP");
    assert_string_equal(e.resource_id, arn);

    /* A user in the child group keeps it. */
    char uid[ID_LEN];
    uuid_v4(uid);
    strlist profiles = {0};
    strlist_push(&profiles, f->defs.agent_profile_id);
    user_insert u = {.username = "agent1", .first_name = "A", .last_name = "B",
                     .routing_profile_id = f->defs.routing_profile_id, .security_profile_ids = &profiles,
                     .now_ms = now_ms()};
    memcpy(u.id, uid, ID_LEN);
    memcpy(u.instance_id, f->inst.id, ID_LEN);
    assert_int_equal(store_user_insert(f->c, &u), STORE_OK);
    strlist_clear(&profiles);
    assert_int_equal(store_group_assign_user(f->c, f->inst.id, uid, child, now_ms()), STORE_OK);
    expect_err(hierarchy_group_delete(&f->cx, f->inst.id, child, &e), &e, ERR_IN_USE, "1 user");
    assert_string_equal(e.resource_type, "HIERARCHY_GROUP");
    /* A group that does not exist cannot be assigned; an unknown user is not found. */
    assert_int_equal(store_group_assign_user(f->c, f->inst.id, uid, "no-such-group", now_ms()), STORE_FOREIGN);
    assert_int_equal(store_group_assign_user(f->c, f->inst.id, "no-such-user", child, now_ms()), STORE_NOTFOUND);

    assert_int_equal(store_group_assign_user(f->c, f->inst.id, uid, NULL, now_ms()), STORE_OK);
    assert_int_equal(hierarchy_group_delete(&f->cx, f->inst.id, child, &e), 0);
    assert_int_equal(hierarchy_group_delete(&f->cx, f->inst.id, parent, &e), 0);
    /* Its tags went with it. */
    kvlist left = {0};
    assert_int_equal(store_tags_get(f->c, parent, &left), STORE_OK);
    assert_int_equal(left.keys.n, 0);
    expect_err(hierarchy_group_delete(&f->cx, f->inst.id, parent, &e), &e, ERR_NOT_FOUND, NULL);
}

static void list_pages_in_name_order(void **state)
{
    fixture *f = *state;
    levels(f, 1);
    char id[ID_LEN], name[16];
    for (int i = 24; i >= 0; i--) {
        snprintf(name, sizeof name, "g%02d", i);
        group(f, name, NULL, id);
    }
    rerr e;
    char *token = NULL;
    int seen = 0;
    do {
        summary_list l = {0};
        char *next = NULL;
        assert_int_equal(hierarchy_group_list(&f->cx, f->inst.id, token, 7, &l, &next, &e), 0);
        for (size_t i = 0; i < l.n; i++, seen++) {
            snprintf(name, sizeof name, "g%02d", seen);
            assert_string_equal(l.items[i].name, name);
        }
        if (next)
            assert_int_equal(l.n, 7);
        summary_list_clear(&l);
        free(token);
        token = next;
    } while (token);
    assert_int_equal(seen, 25);
    summary_list l = {0};
    char *next = NULL;
    expect_err(hierarchy_group_list(&f->cx, f->inst.id, "garbage", 7, &l, &next, &e), &e, ERR_INVALID_PARAMETER,
               "token");
    /* Exactly one full page: no token to an empty page. */
    assert_int_equal(hierarchy_group_list(&f->cx, f->inst.id, NULL, 25, &l, &next, &e), 0);
    assert_null(next);
    summary_list_clear(&l);
}

/* ---- search ------------------------------------------------------------------------------------- */

static search_node *leaf(search_node *parent, const char *field, search_cmp cmp, const char *value)
{
    search_node *n = search_add(parent, SEARCH_STRING);
    n->field = xstrdup(field);
    n->cmp = cmp;
    n->value = xstrdup(value);
    return n;
}

static void tag_leaf(search_node *parent, const char *key, const char *value)
{
    search_node *n = search_add(parent, SEARCH_TAG);
    n->key = xstrdup(key);
    n->value = value ? xstrdup(value) : NULL;
}

/* Runs a search and returns the names found, joined with ','; *total receives the count. */
static char *search_names(fixture *f, const search_node *root, size_t limit, int64_t *total)
{
    buf b;
    buf_init(&b);
    char *token = NULL;
    rerr e;
    do {
        hierarchy_group_view *v;
        size_t n;
        char *next;
        int rc = hierarchy_group_search(&f->cx, f->inst.id, root, token, limit, &v, &n, &next, total, &e);
        if (rc)
            fail_msg("search: %s", e.message);
        for (size_t i = 0; i < n; i++) {
            buf_printf(&b, "%s%s", b.len ? "," : "", v[i].group.name);
            assert_int_equal(v[i].n_path, (size_t)v[i].group.level);
            hierarchy_group_view_clear(&v[i]);
        }
        free(v);
        free(token);
        token = next;
    } while (token);
    return buf_detach(&b);
}

static void search_fields_and_tags(void **state)
{
    fixture *f = *state;
    levels(f, 2);
    char earth[ID_LEN], mars[ID_LEN], europe[ID_LEN], asia[ID_LEN], olympus[ID_LEN];
    kvlist tags = {0};
    kvlist_set(&tags, "color", "blue");
    hierarchy_group_new in = {.name = "Earth", .tags = &tags};
    rerr e;
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &in, earth, &e), 0);
    kvlist_clear(&tags);
    kvlist_set(&tags, "color", "red");
    in = (hierarchy_group_new){.name = "Mars", .tags = &tags};
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &in, mars, &e), 0);
    kvlist_clear(&tags);
    group(f, "Europe", earth, europe);
    group(f, "Asia", earth, asia);
    group(f, "Olympus Mons", mars, olympus);

    int64_t total;
    search_node root = {.kind = SEARCH_AND};
    char *got = search_names(f, &root, 2, &total);
    assert_string_equal(got, "Asia,Earth,Europe,Mars,Olympus Mons");
    assert_int_equal(total, 5);
    free(got);

    leaf(&root, "parentId", CMP_EXACT, earth);
    got = search_names(f, &root, 1, &total);
    assert_string_equal(got, "Asia,Europe");
    assert_int_equal(total, 2);
    free(got);
    search_clear(&root);

    /* name STARTS_WITH ignores case; OR of resourceID and levelId. */
    root = (search_node){.kind = SEARCH_AND};
    leaf(&root, "name", CMP_STARTS_WITH, "e");
    got = search_names(f, &root, 100, &total);
    assert_string_equal(got, "Earth,Europe");
    free(got);
    search_clear(&root);

    hierarchy_structure s;
    assert_int_equal(hierarchy_structure_get(&f->cx, f->inst.id, &s, &e), 0);
    root = (search_node){.kind = SEARCH_AND};
    search_node *or = search_add(&root, SEARCH_OR);
    leaf(search_add(or, SEARCH_AND), "levelId", CMP_EXACT, s.levels[0].id);
    leaf(search_add(or, SEARCH_AND), "resourceId", CMP_EXACT, olympus);
    hierarchy_structure_clear(&s);
    got = search_names(f, &root, 100, &total);
    assert_string_equal(got, "Earth,Mars,Olympus Mons");
    free(got);
    search_clear(&root);

    /* Tags: key only, key and value, and a tag together with a name condition. */
    root = (search_node){.kind = SEARCH_AND};
    tag_leaf(&root, "color", NULL);
    got = search_names(f, &root, 100, &total);
    assert_string_equal(got, "Earth,Mars");
    free(got);
    tag_leaf(&root, "color", "red");
    got = search_names(f, &root, 100, &total);
    assert_string_equal(got, "Mars");
    free(got);
    leaf(&root, "resourceID", CMP_EXACT, earth);
    got = search_names(f, &root, 100, &total);
    assert_string_equal(got, "");
    assert_int_equal(total, 0);
    free(got);
    search_clear(&root);

    /* An unknown field and a token of another list are refused. */
    root = (search_node){.kind = SEARCH_AND};
    leaf(&root, "Username", CMP_EXACT, "x");
    hierarchy_group_view *v;
    size_t n;
    char *next;
    expect_err(hierarchy_group_search(&f->cx, f->inst.id, &root, NULL, 10, &v, &n, &next, &total, &e), &e,
               ERR_INVALID_PARAMETER, "levelId");
    search_clear(&root);
    root = (search_node){.kind = SEARCH_AND};
    summary_list l = {0};
    assert_int_equal(hierarchy_group_list(&f->cx, f->inst.id, NULL, 1, &l, &next, &e), 0);
    summary_list_clear(&l);
    char *list_token = next;
    expect_err(hierarchy_group_search(&f->cx, f->inst.id, &root, list_token, 10, &v, &n, &next, &total, &e), &e,
               ERR_INVALID_PARAMETER, "token");
    assert_null(next);
    free(list_token);
}

/* Parses a ControlPlaneAttributeFilter given as JSON text under a fresh AND root. */
static int attribute_filter(const char *text, search_node *root, rerr *e)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    *root = (search_node){.kind = SEARCH_AND};
    int rc = search_json_attribute_filter(e, j, "SearchFilter.AttributeFilter", root);
    json_decref(j);
    return rc;
}

static void attribute_filter_json(void **state)
{
    fixture *f = *state;
    levels(f, 1);
    char id[ID_LEN];
    kvlist tags = {0};
    kvlist_set(&tags, "a", "1");
    kvlist_set(&tags, "b", "2");
    hierarchy_group_new in = {.name = "Both", .tags = &tags};
    rerr e;
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &in, id, &e), 0);
    kvlist_clear(&tags);
    kvlist_set(&tags, "a", "1");
    in = (hierarchy_group_new){.name = "OnlyA", .tags = &tags};
    assert_int_equal(hierarchy_group_create(&f->cx, f->inst.id, &in, id, &e), 0);
    kvlist_clear(&tags);
    group(f, "None", NULL, id);

    static const struct {
        const char *json;
        const char *want;
    } cases[] = {
        {"{}", "Both,None,OnlyA"},
        {"{\"TagCondition\": {\"TagKey\": \"b\"}}", "Both"},
        {"{\"AndCondition\": {\"TagConditions\": [{\"TagKey\": \"a\", \"TagValue\": \"1\"}, "
         "{\"TagKey\": \"b\"}]}}", "Both"},
        {"{\"OrConditions\": [{\"TagConditions\": [{\"TagKey\": \"b\", \"TagValue\": \"9\"}]}, "
         "{\"TagConditions\": [{\"TagKey\": \"a\"}]}]}", "Both,OnlyA"},
        {"{\"OrConditions\": [], \"TagCondition\": {\"TagKey\": \"a\", \"TagValue\": \"1\"}}", "Both,OnlyA"},
        {"{\"OrConditions\": [{\"TagConditions\": [{\"TagKey\": \"a\"}]}], "
         "\"AndCondition\": {\"TagConditions\": [{\"TagKey\": \"b\"}]}}", "Both"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        search_node root;
        assert_int_equal(attribute_filter(cases[i].json, &root, &e), 0);
        int64_t total;
        char *got = search_names(f, &root, 100, &total);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("filter %s: got '%s', want '%s'", cases[i].json, got, cases[i].want);
        free(got);
        search_clear(&root);
    }
    static const char *const bad[] = {
        "[]", "{\"OrConditions\": {}}", "{\"OrConditions\": [1]}", "{\"AndCondition\": []}",
        "{\"AndCondition\": {\"TagConditions\": {}}}", "{\"TagCondition\": {\"TagKey\": 1}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        search_node root;
        expect_err(attribute_filter(bad[i], &root, &e), &e, ERR_INVALID_PARAMETER, NULL);
        search_clear(&root);
    }
}

/* ---- paths of names ----------------------------------------------------------------------------- */

static void group_by_path(void **state)
{
    fixture *f = *state;
    levels(f, 3);
    char earth[ID_LEN], europe[ID_LEN], france[ID_LEN], mars[ID_LEN], id[ID_LEN];
    group(f, "Earth", NULL, earth);
    group(f, "Europe", earth, europe);
    group(f, "France", europe, france);
    group(f, "Mars", NULL, mars);
    rerr e;
    assert_int_equal(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Earth|Europe|France", id, &e),
                     0);
    assert_string_equal(id, france);
    assert_int_equal(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Mars", id, &e), 0);
    assert_string_equal(id, mars);
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Mars|Europe", id, &e), &e,
               ERR_NOT_FOUND, "'Europe' is not under 'Mars'");
    assert_string_equal(e.field, "UserHierarchy");
    assert_string_equal(id, "");
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Europe", id, &e), &e, ERR_NOT_FOUND,
               "not at level one");
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Earth|Atlantis", id, &e), &e,
               ERR_NOT_FOUND, "Atlantis");
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "Earth||France", id, &e), &e,
               ERR_INVALID_PARAMETER, "empty");
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "", id, &e), &e, ERR_INVALID_PARAMETER,
               "empty");
    expect_err(hierarchy_group_by_path(&f->cx, f->inst.id, "UserHierarchy", "a|b|c|d|e|f", id, &e), &e,
               ERR_INVALID_PARAMETER, "at most 5");
}

/* ---- concurrent writers ------------------------------------------------------------------------- */

typedef struct racer {
    fixture *f;
    const char *name;
    const char *parent;
    int ok;
    err_code code;
} racer;

static void *race_create(void *arg)
{
    racer *r = arg;
    store_conn *c = store_conn_get(r->f->ts.st);
    core_ctx cx = {.conn = c, .cfg = &r->f->cfg, .now_ms = now_ms()};
    hierarchy_group_new in = {.name = r->name, .parent_id = r->parent};
    char id[ID_LEN];
    rerr e = {0};
    r->ok = hierarchy_group_create(&cx, r->f->inst.id, &in, id, &e) == 0;
    r->code = e.code;
    store_conn_put(c);
    return NULL;
}

static void *race_delete(void *arg)
{
    racer *r = arg;
    store_conn *c = store_conn_get(r->f->ts.st);
    core_ctx cx = {.conn = c, .cfg = &r->f->cfg, .now_ms = now_ms()};
    rerr e = {0};
    r->ok = hierarchy_group_delete(&cx, r->f->inst.id, r->parent, &e) == 0;
    r->code = e.code;
    store_conn_put(c);
    return NULL;
}

static void concurrent_writers(void **state)
{
    fixture *f = *state;
    levels(f, 2);
    /* Eight creates of one name: exactly one wins, the others are duplicates. */
    enum { N = 8 };
    pthread_t t[N];
    racer r[N];
    for (int i = 0; i < N; i++) {
        r[i] = (racer){.f = f, .name = "Same"};
        assert_int_equal(pthread_create(&t[i], NULL, race_create, &r[i]), 0);
    }
    int wins = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        wins += r[i].ok;
        if (!r[i].ok)
            assert_int_equal(r[i].code, ERR_DUPLICATE);
    }
    assert_int_equal(wins, 1);

    /* Children created while their parent is deleted: either the delete is refused, or every
     * create after it fails; no child is ever left without its parent. */
    char parent[ID_LEN];
    group(f, "Parent", NULL, parent);
    char names[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "child%d", i);
        r[i] = (racer){.f = f, .name = names[i], .parent = parent};
        assert_int_equal(pthread_create(&t[i], NULL, i == N / 2 ? race_delete : race_create, &r[i]), 0);
    }
    int children = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        if (i != N / 2)
            children += r[i].ok;
    }
    hierarchy_group g;
    rerr e;
    int parent_left = hierarchy_group_get(&f->cx, f->inst.id, parent, &g, &e) == 0;
    hierarchy_group_clear(&g);
    if (r[N / 2].ok) {
        assert_false(parent_left);
        assert_int_equal(children, 0);
    } else {
        assert_true(parent_left);
        assert_int_equal(r[N / 2].code, ERR_IN_USE);
        assert_true(children > 0);
    }
    int64_t at_two = 0;
    assert_int_equal(store_hierarchy_level_groups(f->c, f->inst.id, 2, &at_two), STORE_OK);
    assert_int_equal(at_two, children);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(structure_set_rename_keeps_ids), T(structure_rules), T(structure_level_in_use),
        T(create_rules), T(parent_in_other_instance), T(describe_five_level_path),
        T(rename_rules), T(delete_refused_while_used), T(list_pages_in_name_order),
        T(search_fields_and_tags), T(attribute_filter_json), T(group_by_path), T(concurrent_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
