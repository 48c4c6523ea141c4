/* test_scim_groups.c — SCIM groups and their mappings (core/scim_groups.h) on a real SQLite store:
 * groups created, replaced and deleted by the instance's SCIM token (members checked and folded,
 * names unique ignoring case, If-Match); what the mappings give the members — security profiles
 * added and taken back (the SCIM defaults when none is left), the routing profile of the lowest
 * precedence (ties by group name in byte order, so a rename by case changes it), the hierarchy
 * group, each audited as ScimGroupMapping; mappings added later and removed; renamed groups; a
 * member deleted; and the managed lock on group-derived settings for admins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hierarchy.h"
#include "core/queues.h"
#include "core/routing_profiles.h"
#include "core/scim_groups.h"
#include "core/scim_settings.h"
#include "core/scim_users.h"
#include "core/users.h"
#include "util/buf.h"
#include "util/ids.h"
#include "support.h"

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;                 /* who: the command line, or &scim */
    instance inst;
    instance_defaults defs;
    principal scim;              /* the instance's SCIM token */
    char sales_rp[ID_LEN], support_rp[ID_LEN];
    char emea[ID_LEN], paris[ID_LEN];
    char alice[ID_LEN], bob[ID_LEN], carol[ID_LEN];
} fixture;

/* ---- helpers ----------------------------------------------------------------------------------- */

static void expect_err(int rc, const rerr *e, err_code code, const char *field, const char *part)
{
    assert_int_equal(rc, -1);
    if (e->code != code)
        fail_msg("expected code %d, got %d: %s", code, e->code, e->message);
    if (field)
        assert_string_equal(e->field, field);
    if (part && !strstr(e->message, part))
        fail_msg("message '%s' lacks '%s'", e->message, part);
}

#define OK(call)                                                                                                       \
    do {                                                                                                               \
        rerr e_;                                                                                                       \
        if ((call) != 0)                                                                                               \
            fail_msg("%s: %s", #call, e_.message);                                                                     \
    } while (0)
#define E (&e_)

static void as_scim(fixture *f)
{
    f->cx.who = &f->scim;
}

static void as_cli(fixture *f)
{
    f->cx.who = NULL;
}

/* A SCIM-provisioned (externally managed) user named username into id. */
static void provision(fixture *f, const char *username, char id[ID_LEN])
{
    as_scim(f);
    scim_user_input in = {.username = username, .identity = {.first_name = "Pat", .last_name = username}, .active = -1};
    OK(scim_users_create(&f->cx, f->inst.id, &in, id, E));
    as_cli(f);
}

/* A member list of the n user ids given. */
static void members_of(scim_member_list *l, size_t n, const char *const *ids)
{
    for (size_t i = 0; i < n; i++)
        scim_member_list_push(l, ids[i], NULL);
}

/* Creates group name with the n members ids, as the SCIM token; its id into id. */
static void make_group(fixture *f, const char *name, size_t n, const char *const *ids, char id[ID_LEN])
{
    scim_member_list l = {0};
    members_of(&l, n, ids);
    scim_group_input in = {.display_name = name, .members = &l};
    as_scim(f);
    OK(scim_groups_create(&f->cx, f->inst.id, &in, id, E));
    as_cli(f);
    scim_member_list_clear(&l);
}

/* Replaces group id's name and members, as the SCIM token. */
static void set_group(fixture *f, const char *id, const char *name, size_t n, const char *const *ids)
{
    scim_member_list l = {0};
    members_of(&l, n, ids);
    scim_group_input in = {.display_name = name, .members = &l};
    as_scim(f);
    OK(scim_groups_replace(&f->cx, f->inst.id, id, &in, 0, E));
    as_cli(f);
    scim_member_list_clear(&l);
}

static void map(fixture *f, const char *group, scim_mapping_kind kind, const char *target, int64_t precedence,
                char id[ID_LEN])
{
    char ignored[ID_LEN];
    OK(scim_mappings_add(&f->cx, f->inst.id, group, kind, target, precedence, id ? id : ignored, E));
}

static void get_user(fixture *f, const char *id, user_record *u)
{
    assert_int_equal(store_user_get(f->cx.conn, f->inst.id, id, u), STORE_OK);
}

static const char *sp_id(fixture *f, const char *name)
{
    static char ids[8][ID_LEN];
    static int next;
    security_profile p;
    assert_int_equal(store_security_profile_by_name(f->cx.conn, f->inst.id, name, &p), STORE_OK);
    char *slot = ids[next++ % 8];
    memcpy(slot, p.id, ID_LEN);
    security_profile_clear(&p);
    return slot;
}

/* Asserts that user id holds exactly the security profiles named (NULL-terminated). */
static void expect_profiles(fixture *f, const char *id, const char *const *names)
{
    user_record u;
    get_user(f, id, &u);
    size_t n = 0;
    for (; names[n]; n++)
        if (!strlist_contains(&u.security_profile_ids, sp_id(f, names[n])))
            fail_msg("user %s lacks profile %s", u.username, names[n]);
    if (u.security_profile_ids.n != n)
        fail_msg("user %s has %zu profiles, expected %zu", u.username, u.security_profile_ids.n, n);
    user_clear(&u);
}

static void expect_routing(fixture *f, const char *id, const char *rp)
{
    user_record u;
    get_user(f, id, &u);
    assert_string_equal(u.routing_profile_id, rp);
    user_clear(&u);
}

static void expect_hierarchy(fixture *f, const char *id, const char *group)
{
    user_record u;
    get_user(f, id, &u);
    assert_string_equal(u.hierarchy_group_id, group);
    user_clear(&u);
}

static size_t audit_count(fixture *f, const char *user_id, const char *operation)
{
    audit_filter af = {.resource_id = user_id, .limit = 1000};
    audit_event *ev;
    size_t n, hits = 0;
    assert_int_equal(store_audit_list(f->cx.conn, &af, &ev, &n), STORE_OK);
    for (size_t i = 0; i < n; i++) {
        hits += strcmp(ev[i].operation, operation) == 0;
        audit_event_clear(&ev[i]);
    }
    free(ev);
    return hits;
}


/* What scim_groups_each hands: the last group and its members (user ids joined by ','). */
typedef struct seen {
    int n;
    char id[ID_LEN];
    char name[300];
    char external_id[64];
    int64_t version;
    char members[512];
    char displays[256];
} seen;

static int see(void *ctx, const scim_group *g, const scim_member_list *members)
{
    seen *s = ctx;
    s->n++;
    memcpy(s->id, g->id, ID_LEN);
    snprintf(s->name, sizeof s->name, "%s", g->display_name);
    snprintf(s->external_id, sizeof s->external_id, "%s", g->external_id ? g->external_id : "");
    s->version = g->version;
    s->members[0] = s->displays[0] = '\0';
    for (size_t i = 0; members && i < members->n; i++) {
        size_t used = strlen(s->members), dused = strlen(s->displays);
        snprintf(s->members + used, sizeof s->members - used, "%s%s", i ? "," : "", members->v[i].user_id);
        snprintf(s->displays + dused, sizeof s->displays - dused, "%s%s", i ? "," : "",
                 members->v[i].display ? members->v[i].display : "-");
    }
    return 0;
}

static seen find(fixture *f, scim_groups_by by, const char *key)
{
    seen s = {0};
    OK(scim_groups_each(&f->cx, f->inst.id, by, key, 0, -1, 1, see, &s, E));
    return s;
}

/* The number of the instance's groups. */
static int group_count(fixture *f)
{
    return find(f, SCIM_GROUPS_ALL, NULL).n;
}

typedef struct in_groups {
    const char *user_id;
    int n;
    char last_id[ID_LEN];
} in_groups;

static int count_member(void *ctx, const scim_group *g, const scim_member_list *members)
{
    in_groups *w = ctx;
    for (size_t i = 0; i < members->n; i++)
        if (strcmp(members->v[i].user_id, w->user_id) == 0) {
            w->n++;
            memcpy(w->last_id, g->id, ID_LEN);
        }
    return 0;
}

/* The groups user_id is a member of: how many, and the last one's id. */
static in_groups groups_of(fixture *f, const char *user_id)
{
    in_groups w = {.user_id = user_id};
    OK(scim_groups_each(&f->cx, f->inst.id, SCIM_GROUPS_ALL, NULL, 0, -1, 1, count_member, &w, E));
    return w;
}

/* ---- fixture ------------------------------------------------------------------------------------ */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->inst, &f->defs))
        return -1;
    rerr e;
    char hours_id[ID_LEN], queue_id[ID_LEN];
    hours_create hc = {.name = "Unit Hours", .time_zone = "UTC", .config_given = 1};
    queue_create qc = {.name = "Unit Queue", .hours_id = hours_id};
    static const rp_media_in voice[] = {{"VOICE", 1, NULL}};
    rp_create rc = {
        .name = "Sales RP", .description = "d", .default_outbound_queue_id = queue_id, .media = {voice, 1, 1}};
    const char *const levels[HIERARCHY_LEVELS] = {"Region", "Site"};
    hierarchy_group_new emea = {.name = "EMEA"};
    if (queues_create_hours(&f->cx, f->inst.id, &hc, hours_id, &e) ||
        queues_create(&f->cx, f->inst.id, &qc, queue_id, &e) ||
        routing_profiles_create(&f->cx, f->inst.id, &rc, f->sales_rp, &e) ||
        (rc.name = "Support RP", routing_profiles_create(&f->cx, f->inst.id, &rc, f->support_rp, &e)) ||
        hierarchy_structure_update(&f->cx, f->inst.id, levels, &e) ||
        hierarchy_group_create(&f->cx, f->inst.id, &emea, f->emea, &e)) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    hierarchy_group_new paris = {.name = "Paris", .parent_id = f->emea};
    if (hierarchy_group_create(&f->cx, f->inst.id, &paris, f->paris, &e)) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    f->scim.kind = PRINCIPAL_SCIM_TOKEN;
    snprintf(f->scim.key_id, sizeof f->scim.key_id, "scim");
    snprintf(f->scim.instance_id, sizeof f->scim.instance_id, "%s", f->inst.id);
    f->scim.username = xstrdup("okta");
    static const char *const perms[] = {"Users.Create", "Users.View", "Users.Edit", "Users.EditPermission",
                                        "Users.Delete"};
    for (size_t i = 0; i < sizeof perms / sizeof *perms; i++)
        strlist_push(&f->scim.permissions, perms[i]);
    provision(f, "alice", f->alice);
    provision(f, "bob", f->bob);
    provision(f, "carol", f->carol);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->inst);
    principal_clear(&f->scim);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

/* ---- groups -------------------------------------------------------------------------------------- */

static void create_replace_delete(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    scim_member_list l = {0};
    scim_member_list_push(&l, f->bob, "Bob B.");
    scim_member_list_push(&l, f->alice, NULL);
    scim_member_list_push(&l, f->bob, "Bob again"); /* folded: the first stays */
    scim_group_input in = {.display_name = "Sales", .external_id = "okta-1", .attributes_json = "{\"x\":1}",
                           .members = &l};
    as_scim(f);
    OK(scim_groups_create(&f->cx, f->inst.id, &in, id, E));
    scim_member_list_clear(&l);
    assert_int_equal(group_count(f), 1);
    seen s = find(f, SCIM_GROUPS_BY_ID, id);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name, "Sales");
    assert_string_equal(s.external_id, "okta-1");
    assert_int_equal(s.version, 1);
    int alice_first = strcmp(f->alice, f->bob) < 0; /* members come in user id order */
    char want[128];
    snprintf(want, sizeof want, "%s,%s", alice_first ? f->alice : f->bob, alice_first ? f->bob : f->alice);
    assert_string_equal(s.members, want);
    assert_string_equal(s.displays, alice_first ? "-,Bob B." : "Bob B.,-");
    assert_int_equal(find(f, SCIM_GROUPS_BY_NAME, "SALES").n, 1);
    assert_int_equal(find(f, SCIM_GROUPS_BY_EXTERNAL_ID, "okta-1").n, 1);
    assert_int_equal(find(f, SCIM_GROUPS_BY_EXTERNAL_ID, "OKTA-1").n, 0);
    assert_int_equal(find(f, SCIM_GROUPS_BY_ID, "no-such-group").n, 0);
    in_groups of = groups_of(f, f->alice);
    assert_int_equal(of.n, 1);
    assert_string_equal(of.last_id, id);

    /* Replace: the name, externalId and members change; the version rises. */
    scim_member_list_push(&l, f->carol, "Carol");
    in = (scim_group_input){.display_name = "Sales Team", .members = &l};
    OK(scim_groups_replace(&f->cx, f->inst.id, id, &in, 1, E));
    scim_member_list_clear(&l);
    s = find(f, SCIM_GROUPS_BY_NAME, "sales team");
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name, "Sales Team");
    assert_string_equal(s.external_id, "");
    assert_int_equal(s.version, 2);
    assert_string_equal(s.members, f->carol);
    assert_int_equal(groups_of(f, f->alice).n, 0);

    /* Listing: by name ignoring case, then id; offset and limit. */
    char second[ID_LEN];
    in = (scim_group_input){.display_name = "alpha"};
    OK(scim_groups_create(&f->cx, f->inst.id, &in, second, E));
    s = (seen){0};
    OK(scim_groups_each(&f->cx, f->inst.id, SCIM_GROUPS_ALL, NULL, 0, 1, 0, see, &s, E));
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name, "alpha");
    s = (seen){0};
    OK(scim_groups_each(&f->cx, f->inst.id, SCIM_GROUPS_ALL, NULL, 1, 10, 0, see, &s, E));
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name, "Sales Team");

    /* Delete, and again. */
    rerr e;
    OK(scim_groups_delete(&f->cx, f->inst.id, id, 0, E));
    assert_int_equal(group_count(f), 1);
    expect_err(scim_groups_delete(&f->cx, f->inst.id, id, 0, &e), &e, ERR_NOT_FOUND, "id", NULL);
    expect_err(scim_groups_replace(&f->cx, f->inst.id, id, &in, 0, &e), &e, ERR_NOT_FOUND, "id", NULL);
    as_cli(f);
}

static void refusals_write_nothing(void **state)
{
    fixture *f = *state;
    char id[ID_LEN], other[ID_LEN], tmp[ID_LEN];
    make_group(f, "Sales", 1, (const char *const[]){f->alice}, id);
    make_group(f, "Support", 0, NULL, other);
    rerr e;
    as_scim(f);
    /* names: unique ignoring ASCII case, 1..256 characters, no control characters */
    scim_group_input in = {.display_name = "SALES"};
    expect_err(scim_groups_create(&f->cx, f->inst.id, &in, tmp, &e), &e, ERR_DUPLICATE, "displayName", "Sales");
    expect_err(scim_groups_replace(&f->cx, f->inst.id, other, &in, 0, &e), &e, ERR_DUPLICATE, "displayName", NULL);
    const char *bad[] = {"", "tab\there", "bell\x07", "c1\xc2\x85", "bad\xff utf8"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        in.display_name = bad[i];
        expect_err(scim_groups_create(&f->cx, f->inst.id, &in, tmp, &e), &e, ERR_INVALID_PARAMETER, "displayName",
                   NULL);
    }
    char name[SCIM_GROUP_NAME_MAX * 2 + 2];
    memset(name, 0, sizeof name);
    for (int i = 0; i < SCIM_GROUP_NAME_MAX; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2); /* 256 characters, 512 bytes: fine */
    in.display_name = name;
    char long_id[ID_LEN];
    OK(scim_groups_create(&f->cx, f->inst.id, &in, long_id, E));
    name[2 * SCIM_GROUP_NAME_MAX] = 'x';
    expect_err(scim_groups_create(&f->cx, f->inst.id, &in, tmp, &e), &e, ERR_INVALID_PARAMETER, "displayName", "256");

    /* members: users of the instance, the first bad one named by its index */
    scim_member_list l = {0};
    scim_member_list_push(&l, f->bob, NULL);
    scim_member_list_push(&l, "00000000-0000-0000-0000-000000000000", NULL);
    in = (scim_group_input){.display_name = "Fresh", .members = &l};
    expect_err(scim_groups_create(&f->cx, f->inst.id, &in, tmp, &e), &e, ERR_INVALID_PARAMETER, "members[1].value",
               NULL);
    scim_member_list_clear(&l);
    char too_long[80];
    snprintf(too_long, sizeof too_long, "%sxyz", f->alice); /* never cut to alice's id */
    scim_member_list_push(&l, too_long, NULL);
    expect_err(scim_groups_replace(&f->cx, f->inst.id, id, &in, 0, &e), &e, ERR_INVALID_PARAMETER,
               "members[0].value", NULL);
    scim_member_list_clear(&l);
    assert_int_equal(group_count(f), 3);
    seen s = find(f, SCIM_GROUPS_BY_ID, id);
    assert_string_equal(s.members, f->alice);

    /* If-Match: another version is refused and changes nothing */
    in = (scim_group_input){.display_name = "Sales 2"};
    expect_err(scim_groups_replace(&f->cx, f->inst.id, id, &in, 7, &e), &e, ERR_CONDITION_FAILED, "version", "not 7");
    expect_err(scim_groups_delete(&f->cx, f->inst.id, id, 2, &e), &e, ERR_CONDITION_FAILED, "version", NULL);
    s = find(f, SCIM_GROUPS_BY_ID, id);
    assert_string_equal(s.name, "Sales");
    assert_int_equal(s.version, 1);
    OK(scim_groups_replace(&f->cx, f->inst.id, id, &in, 1, E));
    OK(scim_groups_delete(&f->cx, f->inst.id, id, 2, E));

    /* Who: a user key holding every Users permission is not the identity provider. */
    principal admin = {.kind = PRINCIPAL_USER_KEY, .key_id = "AKRSADMIN", .username = xstrdup("admin")};
    snprintf(admin.instance_id, sizeof admin.instance_id, "%s", f->inst.id);
    strlist_push(&admin.permissions, "Users.Edit");
    strlist_push(&admin.permissions, "Users.View");
    f->cx.who = &admin;
    in = (scim_group_input){.display_name = "By Admin"};
    expect_err(scim_groups_create(&f->cx, f->inst.id, &in, tmp, &e), &e, ERR_ACCESS_DENIED, NULL, "SCIM token");
    assert_int_equal(group_count(f), 2); /* reading: Users.View */
    principal_clear(&admin);
    as_cli(f);
}

/* ---- what the mappings give ------------------------------------------------------------------------ */

static void security_profiles_follow_membership(void **state)
{
    fixture *f = *state;
    map(f, "supervisors", SCIM_MAP_SECURITY_PROFILE, "CallCenterManager", 100, NULL); /* before the group exists */
    char id[ID_LEN];
    make_group(f, "Supervisors", 2, (const char *const[]){f->alice, f->bob}, id);
    expect_profiles(f, f->alice, (const char *const[]){"Agent", "CallCenterManager", NULL});
    expect_profiles(f, f->bob, (const char *const[]){"Agent", "CallCenterManager", NULL});
    expect_profiles(f, f->carol, (const char *const[]){"Agent", NULL});
    assert_int_equal(audit_count(f, f->alice, "ScimGroupMapping"), 1);
    assert_int_equal(audit_count(f, f->carol, "ScimGroupMapping"), 0);
    /* alice leaves; bob stays (and is not touched again) */
    set_group(f, id, "Supervisors", 1, (const char *const[]){f->bob});
    expect_profiles(f, f->alice, (const char *const[]){"Agent", NULL});
    expect_profiles(f, f->bob, (const char *const[]){"Agent", "CallCenterManager", NULL});
    assert_int_equal(audit_count(f, f->alice, "ScimGroupMapping"), 2);
    assert_int_equal(audit_count(f, f->bob, "ScimGroupMapping"), 1);
    user_record u;
    get_user(f, f->alice, &u);
    assert_true(u.externally_managed);
    user_clear(&u);

    /* Profiles only the mappings gave: leaving every group leaves none, so the SCIM defaults
     * (now QualityAnalyst) are given. */
    char agents[ID_LEN], admins[ID_LEN];
    map(f, "Agents", SCIM_MAP_SECURITY_PROFILE, "Agent", 100, NULL);
    map(f, "Admins", SCIM_MAP_SECURITY_PROFILE, "Admin", 100, NULL);
    make_group(f, "Agents", 1, (const char *const[]){f->carol}, agents);
    make_group(f, "Admins", 1, (const char *const[]){f->carol}, admins);
    expect_profiles(f, f->carol, (const char *const[]){"Agent", "Admin", NULL});
    strlist qa = {0};
    strlist_push(&qa, "QualityAnalyst");
    scim_settings_in si = {.security_profiles = &qa, .admins_edit_settings = -1, .delete_disables = -1};
    OK(scim_settings_put(&f->cx, f->inst.id, &si, E));
    strlist_clear(&qa);
    as_scim(f);
    OK(scim_groups_delete(&f->cx, f->inst.id, admins, 0, E));
    as_cli(f);
    expect_profiles(f, f->carol, (const char *const[]){"Agent", NULL});
    as_scim(f);
    OK(scim_groups_delete(&f->cx, f->inst.id, agents, 0, E));
    as_cli(f);
    expect_profiles(f, f->carol, (const char *const[]){"QualityAnalyst", NULL});
}

static void routing_profile_by_precedence(void **state)
{
    fixture *f = *state;
    char sales[ID_LEN], support[ID_LEN], m_support[ID_LEN];
    map(f, "Sales", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 20, NULL);
    map(f, "Support", SCIM_MAP_ROUTING_PROFILE, "Support RP", 10, m_support);
    make_group(f, "Sales", 1, (const char *const[]){f->alice}, sales);
    expect_routing(f, f->alice, f->sales_rp);
    make_group(f, "Support", 1, (const char *const[]){f->alice}, support);
    expect_routing(f, f->alice, f->support_rp); /* 10 beats 20 */
    OK(scim_mappings_remove(&f->cx, f->inst.id, m_support, E));
    expect_routing(f, f->alice, f->sales_rp);
    /* A tie: the group whose display name comes first in byte order ("B-team" < "a-team"). */
    map(f, "support", SCIM_MAP_ROUTING_PROFILE, "Support RP", 20, NULL);
    set_group(f, support, "B-team", 1, (const char *const[]){f->alice});
    set_group(f, sales, "a-team", 1, (const char *const[]){f->alice});
    map(f, "A-TEAM", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 5, NULL);
    map(f, "b-team", SCIM_MAP_ROUTING_PROFILE, "Support RP", 5, NULL);
    expect_routing(f, f->alice, f->support_rp);
    set_group(f, support, "b-team", 1, (const char *const[]){f->alice}); /* a rename by case only */
    expect_routing(f, f->alice, f->sales_rp);
    /* Leaving the last group: the SCIM settings' default routing profile. */
    set_group(f, sales, "a-team", 0, NULL);
    expect_routing(f, f->alice, f->support_rp);
    set_group(f, support, "b-team", 0, NULL);
    expect_routing(f, f->alice, f->defs.routing_profile_id);
    strlist none[STORE_SCIM_TARGETS] = {{0}};
    assert_int_equal(store_scim_grants_get(f->cx.conn, f->alice, none), STORE_OK);
    for (int k = 0; k < STORE_SCIM_TARGETS; k++)
        assert_int_equal(none[k].n, 0);
}

static void hierarchy_group_by_path_or_id(void **state)
{
    fixture *f = *state;
    rerr e;
    char m[ID_LEN];
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "Paris", SCIM_MAP_HIERARCHY_GROUP, "EMEA / Lyon", 1, m, &e), &e,
               ERR_NOT_FOUND, "Target", "Lyon");
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "Paris", SCIM_MAP_SECURITY_PROFILE, "Agnet", 1, m, &e), &e,
               ERR_NOT_FOUND, "Target", "did you mean \"Agent\"");
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "Paris", SCIM_MAP_ROUTING_PROFILE, "Nope", 1, m, &e), &e,
               ERR_NOT_FOUND, "Target", "Nope");
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "Paris", SCIM_MAP_ROUTING_PROFILE, "Sales RP", -1, m, &e), &e,
               ERR_INVALID_PARAMETER, "Precedence", NULL);
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 1, m, &e), &e,
               ERR_INVALID_PARAMETER, "GroupName", NULL);
    map(f, "Paris Agents", SCIM_MAP_HIERARCHY_GROUP, "EMEA / Paris", 50, NULL);
    map(f, "Europe", SCIM_MAP_HIERARCHY_GROUP, f->emea, 60, NULL);
    expect_err(scim_mappings_add(&f->cx, f->inst.id, "PARIS AGENTS", SCIM_MAP_HIERARCHY_GROUP, f->paris, 1, m, &e),
               &e, ERR_DUPLICATE, "GroupName", NULL);
    char paris[ID_LEN], europe[ID_LEN];
    make_group(f, "Europe", 1, (const char *const[]){f->alice}, europe);
    expect_hierarchy(f, f->alice, f->emea);
    make_group(f, "Paris Agents", 1, (const char *const[]){f->alice}, paris);
    expect_hierarchy(f, f->alice, f->paris);
    as_scim(f);
    OK(scim_groups_delete(&f->cx, f->inst.id, paris, 0, E));
    OK(scim_groups_delete(&f->cx, f->inst.id, europe, 0, E));
    as_cli(f);
    expect_hierarchy(f, f->alice, "");

    scim_mapping *v = NULL;
    size_t n = 0;
    expect_err(scim_mappings_list(&f->cx, "no-such-alias", &v, &n, &e), &e, ERR_NOT_FOUND, "InstanceId", NULL);
    OK(scim_mappings_list(&f->cx, f->inst.id, &v, &n, E));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].group_name, "Europe"); /* by name ignoring case */
    assert_string_equal(v[0].target_name, "EMEA");
    assert_string_equal(v[1].target_name, "EMEA / Paris");
    assert_int_equal(v[1].kind, SCIM_MAP_HIERARCHY_GROUP);
    assert_int_equal(v[1].precedence, 50);
    for (size_t i = 0; i < n; i++)
        scim_mapping_clear(&v[i]);
    free(v);
    assert_string_equal(scim_mapping_kind_name(SCIM_MAP_ROUTING_PROFILE), "ROUTING_PROFILE");
    assert_int_equal(scim_mapping_kind_of("HIERARCHY_GROUP"), SCIM_MAP_HIERARCHY_GROUP);
    assert_int_equal(scim_mapping_kind_of("hierarchy_group"), -1);
}

static void mapping_added_later_and_removed(void **state)
{
    fixture *f = *state;
    char id[ID_LEN], m[ID_LEN];
    make_group(f, "Night Shift", 2, (const char *const[]){f->alice, f->bob}, id);
    expect_profiles(f, f->alice, (const char *const[]){"Agent", NULL});
    map(f, "NIGHT SHIFT", SCIM_MAP_SECURITY_PROFILE, "QualityAnalyst", 100, m);
    expect_profiles(f, f->alice, (const char *const[]){"Agent", "QualityAnalyst", NULL});
    expect_profiles(f, f->bob, (const char *const[]){"Agent", "QualityAnalyst", NULL});
    OK(scim_mappings_remove(&f->cx, f->inst.id, m, E));
    expect_profiles(f, f->alice, (const char *const[]){"Agent", NULL});
    expect_profiles(f, f->bob, (const char *const[]){"Agent", NULL});
    assert_int_equal(audit_count(f, f->bob, "ScimGroupMapping"), 2);
    rerr e;
    expect_err(scim_mappings_remove(&f->cx, f->inst.id, m, &e), &e, ERR_NOT_FOUND, "MappingId", NULL);
}

static void renamed_group(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    map(f, "Sales", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 1, NULL);
    make_group(f, "Sales", 1, (const char *const[]){f->alice}, id);
    expect_routing(f, f->alice, f->sales_rp);
    set_group(f, id, "Marketing", 1, (const char *const[]){f->alice});
    expect_routing(f, f->alice, f->defs.routing_profile_id);
    set_group(f, id, "SALES", 1, (const char *const[]){f->alice});
    expect_routing(f, f->alice, f->sales_rp);
}

static void member_deleted(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    map(f, "Sales", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 1, NULL);
    make_group(f, "Sales", 2, (const char *const[]){f->alice, f->bob}, id);
    as_scim(f);
    OK(scim_users_delete(&f->cx, f->inst.id, f->alice, 0, E));
    as_cli(f);
    seen s = find(f, SCIM_GROUPS_BY_ID, id);
    assert_string_equal(s.members, f->bob);
    assert_int_equal(s.version, 1);
    set_group(f, id, "Sales", 0, NULL); /* alice, gone, is not looked for */
    expect_routing(f, f->bob, f->defs.routing_profile_id);
    rerr e;
    scim_member_list l = {0};
    scim_member_list_push(&l, f->alice, NULL);
    scim_group_input in = {.display_name = "Sales", .members = &l};
    as_scim(f);
    expect_err(scim_groups_replace(&f->cx, f->inst.id, id, &in, 0, &e), &e, ERR_INVALID_PARAMETER, "members[0].value",
               NULL);
    as_cli(f);
    scim_member_list_clear(&l);
}

/* ---- the managed lock ------------------------------------------------------------------------------ */

static void admins_cannot_change_group_settings(void **state)
{
    fixture *f = *state;
    char id[ID_LEN], m[ID_LEN];
    map(f, "Sales", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 1, m);
    map(f, "Sales", SCIM_MAP_HIERARCHY_GROUP, "EMEA", 1, NULL);
    make_group(f, "Sales", 2, (const char *const[]){f->alice, f->bob}, id);
    scim_settings_in si = {.admins_edit_settings = 1, .delete_disables = -1};
    OK(scim_settings_put(&f->cx, f->inst.id, &si, E));
    rerr e;
    user_change ch = {.operation = "UpdateUserRoutingProfile", .routing_profile_id = f->support_rp};
    expect_err(users_update(&f->cx, f->inst.id, f->alice, &ch, &e), &e, ERR_INVALID_REQUEST, "UserId",
               USER_MANAGED_MESSAGE ": its routing profile");
    ch = (user_change){.operation = "UpdateUserHierarchy", .set_hierarchy = 1, .hierarchy_group_id = f->paris};
    expect_err(users_update(&f->cx, f->inst.id, f->alice, &ch, &e), &e, ERR_INVALID_REQUEST, "UserId",
               "hierarchy group");
    expect_routing(f, f->alice, f->sales_rp);
    expect_hierarchy(f, f->alice, f->emea);
    /* its phone settings are the admins' to change; so is carol's routing profile (no group) */
    user_phone_in ph = {.has_acw = 1, .acw_seconds = 30};
    ch = (user_change){.operation = "UpdateUserPhoneConfig", .phone = &ph};
    OK(users_update(&f->cx, f->inst.id, f->alice, &ch, E));
    ch = (user_change){.operation = "UpdateUserRoutingProfile", .routing_profile_id = f->support_rp};
    OK(users_update(&f->cx, f->inst.id, f->carol, &ch, E));
    /* without the mapping, the routing profile is the admins' again */
    OK(scim_mappings_remove(&f->cx, f->inst.id, m, E));
    expect_routing(f, f->alice, f->defs.routing_profile_id);
    OK(users_update(&f->cx, f->inst.id, f->alice, &ch, E));
    expect_routing(f, f->alice, f->support_rp);
    /* and a group change now leaves the admin's choice alone: the mapping's grant is gone */
    set_group(f, id, "Sales", 1, (const char *const[]){f->bob});
    expect_routing(f, f->alice, f->support_rp);
    expect_hierarchy(f, f->alice, "");
}

static void unmanaged_member_stays_unmanaged(void **state)
{
    fixture *f = *state;
    strlist names = {0};
    strlist_push(&names, "Agent");
    user_basic ub = {.username = "dan", .first_name = "Dan", .last_name = "Local", .security_profile_names = &names};
    char dan[ID_LEN], id[ID_LEN];
    OK(users_create_basic(&f->cx, f->inst.id, &ub, dan, E));
    strlist_clear(&names);
    map(f, "Sales", SCIM_MAP_ROUTING_PROFILE, "Sales RP", 1, NULL);
    make_group(f, "Sales", 1, (const char *const[]){dan}, id);
    expect_routing(f, dan, f->sales_rp);
    user_record u;
    get_user(f, dan, &u);
    assert_false(u.externally_managed);
    user_clear(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_replace_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(security_profiles_follow_membership, setup, teardown),
        cmocka_unit_test_setup_teardown(routing_profile_by_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(hierarchy_group_by_path_or_id, setup, teardown),
        cmocka_unit_test_setup_teardown(mapping_added_later_and_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(renamed_group, setup, teardown),
        cmocka_unit_test_setup_teardown(member_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(admins_cannot_change_group_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(unmanaged_member_stays_unmanaged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
