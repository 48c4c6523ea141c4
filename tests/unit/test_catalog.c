/* test_catalog.c — the names of an instance both ways (core/catalog.h) on a real store, and the
 * "did you mean" distance (util/nearest.h): hits are byte-exact, a miss names what is missing and
 * suggests only a name close enough, group paths must follow the levels, and ids map back to
 * names and paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/hierarchy.h"
#include "core/security_profiles.h"
#include "util/nearest.h"
#include "support.h"

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance inst;
    instance_defaults defs;
    char planet[ID_LEN], europe[ID_LEN], asia[ID_LEN], bar[ID_LEN];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->inst, &f->defs))
        return -1;
    rerr e;
    const char *const levels[HIERARCHY_LEVELS] = {"World", "Continent", "Country"};
    if (hierarchy_structure_update(&f->cx, f->inst.id, levels, &e))
        return -1;
    hierarchy_group_new planet = {.name = "Planet"};
    if (hierarchy_group_create(&f->cx, f->inst.id, &planet, f->planet, &e))
        return -1;
    hierarchy_group_new europe = {.name = "Europe", .parent_id = f->planet};
    hierarchy_group_new asia = {.name = "Asia", .parent_id = f->planet};
    if (hierarchy_group_create(&f->cx, f->inst.id, &europe, f->europe, &e) ||
        hierarchy_group_create(&f->cx, f->inst.id, &asia, f->asia, &e))
        return -1;
    hierarchy_group_new bar = {.name = "Sales|West", .parent_id = f->europe}; /* a '|' in a name */
    return hierarchy_group_create(&f->cx, f->inst.id, &bar, f->bar, &e);
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->inst);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

static void nearest_suggests_only_close_names(void **state)
{
    (void)state;
    const char *names[] = {"Admin", "Agent", "CallCenterManager", "QualityAnalyst"};
    assert_string_equal(nearest_name("Agnet", names, 4), "Agent");
    assert_string_equal(nearest_name("agent", names, 4), "Agent");     /* case counts half */
    assert_string_equal(nearest_name("Callcentermanagr", names, 4), "CallCenterManager");
    assert_null(nearest_name("Supervisor", names, 4));
    assert_null(nearest_name("", names, 4));
    assert_null(nearest_name("Agent", names, 0));
    char longer[300];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_null(nearest_name(longer, names, 4)); /* too long to compare: no hint, no overflow */
}

static void names_resolve_exactly_with_hints(void **state)
{
    fixture *f = *state;
    catalog c;
    rerr e;
    assert_int_equal(catalog_load(&f->cx, f->inst.id, &c, &e), 0);
    const char *id = catalog_security_profile(&c, "Agent", "f", &e);
    assert_non_null(id);
    assert_string_equal(id, f->defs.agent_profile_id);
    assert_null(catalog_security_profile(&c, "Agnet", "f", &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_string_equal(e.message, "security profile \"Agnet\" is not found; did you mean \"Agent\"?");
    assert_null(catalog_security_profile(&c, "agent", "f", &e)); /* case-sensitive */
    assert_null(catalog_security_profile(&c, "Nothing Like It", "f", &e));
    assert_string_equal(e.message, "security profile \"Nothing Like It\" is not found");
    assert_non_null(catalog_routing_profile(&c, "Basic Routing Profile", "f", &e));
    assert_null(catalog_routing_profile(&c, "Basic Routing Profil", "f", &e));
    assert_string_equal(e.message,
                        "routing profile \"Basic Routing Profil\" is not found; did you mean \"Basic Routing Profile\"?");
    assert_string_equal(catalog_security_name(&c, f->defs.agent_profile_id), "Agent");
    assert_null(catalog_security_name(&c, "no-such-id"));
    catalog_clear(&c);
}

static void group_paths_follow_the_levels(void **state)
{
    fixture *f = *state;
    catalog c;
    rerr e;
    assert_int_equal(catalog_load(&f->cx, f->inst.id, &c, &e), 0);
    char *path[] = {"Planet", "Europe", "Sales|West"};
    const char *id = catalog_group_path(&c, path, 3, "f", &e);
    assert_non_null(id);
    assert_string_equal(id, f->bar);
    char *wrong_parent[] = {"Planet", "Asia", "Sales|West"};
    assert_null(catalog_group_path(&c, wrong_parent, 3, "f", &e));
    assert_string_equal(e.message, "hierarchy group \"Sales|West\" is not found under \"Asia\"");
    char *not_top[] = {"Europe"};
    assert_null(catalog_group_path(&c, not_top, 1, "f", &e));
    assert_string_equal(e.message, "hierarchy group \"Europe\" is not found at level one"); /* Planet is too far */
    char *typo[] = {"Planet", "Eurpoe"};
    assert_null(catalog_group_path(&c, typo, 2, "f", &e));
    assert_string_equal(e.message, "hierarchy group \"Eurpoe\" is not found under \"Planet\"; did you mean \"Europe\"?");
    assert_null(catalog_group_path(&c, path, 0, "f", &e));
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);

    const char *names[5];
    assert_int_equal(catalog_group_names(&c, f->bar, names), 3);
    assert_string_equal(names[0], "Planet");
    assert_string_equal(names[2], "Sales|West");
    assert_int_equal(catalog_group_names(&c, "no-such-group", names), 0);
    assert_true(catalog_group_within(&c, f->bar, f->planet));
    assert_true(catalog_group_within(&c, f->bar, f->bar));
    assert_false(catalog_group_within(&c, f->bar, f->asia));
    assert_false(catalog_group_within(&c, f->planet, f->europe));
    catalog_clear(&c);
}

static void another_instance_is_refused(void **state)
{
    fixture *f = *state;
    principal p = {.kind = PRINCIPAL_USER_KEY, .key_id = "AKRSTEST", .instance_id = "other-instance"};
    core_ctx cx = f->cx;
    cx.who = &p;
    catalog c;
    rerr e;
    assert_int_equal(catalog_load(&cx, f->inst.id, &c, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
    catalog_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nearest_suggests_only_close_names),
        cmocka_unit_test_setup_teardown(names_resolve_exactly_with_hints, setup, teardown),
        cmocka_unit_test_setup_teardown(group_paths_follow_the_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(another_instance_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
