/* test_security.c — the security-profile rules in the core, on a real SQLite store: names,
 * the permission catalogue, Admin's protections, in-use deletion and the rule that a user key
 * grants only what it holds. Also tag rules by ARN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arn.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "core/security_profiles.h"
#include "core/tags.h"
#include "util/buf.h"
#include "util/ids.h"
#include "support.h"

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance in;
    instance_defaults defs;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->in, &f->defs))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->in);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

static void create_rules(void **state)
{
    fixture *f = *state;
    rerr e;
    char id[ID_LEN];
    strlist perms = {0};
    strlist_push(&perms, "Users.View");
    sp_change ch = {.name = "Viewers", .permissions = &perms, .description = "see users"};
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), 0);
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), -1);
    assert_int_equal(e.code, ERR_DUPLICATE);
    ch.name = "bad!name";
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    strlist_push(&perms, "Users.Teleport");
    ch.name = "Teleporters";
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_non_null(strstr(e.message, "Users.Teleport"));
    security_profile p;
    assert_int_equal(store_security_profile_by_name(f->cx.conn, f->in.id, "Teleporters", &p), STORE_NOTFOUND);
    strlist_clear(&perms);
}

static void admin_protected(void **state)
{
    fixture *f = *state;
    rerr e;
    strlist fewer = {0};
    strlist_push(&fewer, "Users.View");
    sp_change ch = {.permissions = &fewer};
    assert_int_equal(security_profiles_update(&f->cx, f->in.id, f->defs.admin_profile_id, &ch, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
    assert_int_equal(security_profiles_delete(&f->cx, f->in.id, f->defs.admin_profile_id, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    /* Other built-in profiles may change. */
    assert_int_equal(security_profiles_update(&f->cx, f->in.id, f->defs.agent_profile_id, &ch, &e), 0);
    strlist_clear(&fewer);
}

static void delete_in_use_names_a_user(void **state)
{
    fixture *f = *state;
    strlist ids = {0};
    strlist_push(&ids, f->defs.agent_profile_id);
    user_insert u = {.username = "agent7", .first_name = "A", .last_name = "B",
                     .routing_profile_id = f->defs.routing_profile_id, .security_profile_ids = &ids,
                     .now_ms = now_ms()};
    uuid_v4(u.id);
    snprintf(u.instance_id, sizeof u.instance_id, "%s", f->in.id);
    assert_int_equal(store_user_insert(f->cx.conn, &u), STORE_OK);
    rerr e;
    assert_int_equal(security_profiles_delete(&f->cx, f->in.id, f->defs.agent_profile_id, &e), -1);
    assert_int_equal(e.code, ERR_IN_USE);
    assert_string_equal(e.resource_type, "USER");
    assert_non_null(strstr(e.resource_id, u.id));
    security_profile p;
    assert_int_equal(store_security_profile_get(f->cx.conn, f->in.id, f->defs.agent_profile_id, &p), STORE_OK);
    security_profile_clear(&p);
    strlist_clear(&ids);
}

static void grant_only_what_you_hold(void **state)
{
    fixture *f = *state;
    principal who = {.kind = PRINCIPAL_USER_KEY, .username = xstrdup("lead")};
    snprintf(who.instance_id, sizeof who.instance_id, "%s", f->in.id);
    strlist_push(&who.permissions, "SecurityProfiles.Create");
    strlist_push(&who.permissions, "Users.View");
    strlist want = {0};
    strlist_push(&want, "Users.View");
    rerr e;
    assert_int_equal(security_profiles_check_grant(&who, &want, &e), 0);
    strlist_push(&want, "Users.EditPermission");
    assert_int_equal(security_profiles_check_grant(&who, &want, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    assert_non_null(strstr(e.message, "Users.EditPermission"));
    assert_int_equal(security_profiles_check_grant(NULL, &want, &e), 0); /* the operator */
    f->cx.who = &who;
    char id[ID_LEN];
    sp_change ch = {.name = "Escalated", .permissions = &want};
    assert_int_equal(security_profiles_create(&f->cx, f->in.id, &ch, id, &e), -1);
    f->cx.who = NULL;
    strlist_clear(&want);
    principal_clear(&who);
}

static void tags_by_arn(void **state)
{
    fixture *f = *state;
    rerr e;
    char *arn = arn_resource(&f->cfg, f->in.id, ARN_SECURITY_PROFILE, f->defs.agent_profile_id);
    kvlist t = {0};
    kvlist_set(&t, "team", "blue");
    assert_int_equal(tags_add(&f->cx, arn, &t, &e), 0);
    kvlist_clear(&t);
    assert_int_equal(tags_list(&f->cx, arn, &t, &e), 0);
    assert_int_equal(t.keys.n, 1);
    kvlist_clear(&t);
    for (int i = 0; i < 50; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        kvlist_set(&t, k, "v");
    }
    assert_int_equal(tags_add(&f->cx, arn, &t, &e), -1); /* 51 with "team" */
    assert_non_null(strstr(e.message, "50"));
    kvlist_clear(&t);
    free(arn);
    arn = arn_resource(&f->cfg, f->in.id, ARN_SECURITY_PROFILE, "00000000-0000-0000-0000-000000000000");
    assert_int_equal(tags_list(&f->cx, arn, &t, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    free(arn);
    assert_int_equal(tags_list(&f->cx, "arn:aws:connect:us-east-1:999999999999:instance/x", &t, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(tags_list(&f->cx, "nonsense", &t, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
}

static void externally_managed_user_tags_locked(void **state)
{
    fixture *f = *state;
    strlist ids = {0};
    strlist_push(&ids, f->defs.agent_profile_id);
    user_insert ins = {.username = "scim1", .first_name = "S", .last_name = "C",
                       .routing_profile_id = f->defs.routing_profile_id, .security_profile_ids = &ids,
                       .now_ms = now_ms()};
    uuid_v4(ins.id);
    snprintf(ins.instance_id, sizeof ins.instance_id, "%s", f->in.id);
    assert_int_equal(store_user_insert(f->cx.conn, &ins), STORE_OK);
    user_record u;
    assert_int_equal(store_user_get(f->cx.conn, f->in.id, ins.id, &u), STORE_OK);
    u.externally_managed = 1;
    assert_int_equal(store_user_update(f->cx.conn, &u, STORE_USER_NAME | STORE_USER_CHILDREN), STORE_OK);
    user_clear(&u);
    char *arn = arn_resource(&f->cfg, f->in.id, ARN_USER, ins.id);
    kvlist t = {0};
    kvlist_set(&t, "team", "blue");
    rerr e;
    assert_int_equal(tags_add(&f->cx, arn, &t, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
    kvlist_clear(&t);
    assert_int_equal(tags_list(&f->cx, arn, &t, &e), 0); /* reading stays allowed */
    kvlist_clear(&t);
    free(arn);
    strlist_clear(&ids);
}

/* The console's role of each built-in profile, and of a set holding only Users.View or nothing. */
static void role_of_permissions(void **state)
{
    (void)state;
    const char *want[][2] = {{"Admin", "Manager"}, {"CallCenterManager", "Manager"},
                             {"QualityAnalyst", "Supervisor"}, {"Agent", "Agent"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t n;
        const char *const *perms = permissions_builtin(want[i][0], &n);
        strlist l = {0};
        for (size_t j = 0; j < n; j++)
            strlist_push(&l, perms[j]);
        assert_string_equal(permissions_role(&l), want[i][1]);
        strlist_clear(&l);
    }
    strlist only = {0};
    strlist_push(&only, "Users.View");
    assert_string_equal(permissions_role(&only), "Supervisor");
    strlist_push(&only, "Users.Edit");
    assert_string_equal(permissions_role(&only), "Manager");
    strlist_clear(&only);
    assert_string_equal(permissions_role(NULL), "Agent");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {T(create_rules), T(admin_protected), T(delete_in_use_names_a_user),
                                       T(grant_only_what_you_hold), T(tags_by_arn),
                                       T(externally_managed_user_tags_locked),
                                       cmocka_unit_test(role_of_permissions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
