/* test_bulk.c — batches (jobs/bulk.h): reading the Changes and user-edit documents, what one
 * user gets from a bulk edit (security profiles Set/Add/Remove, over ten, none left; a desk phone
 * and its number; tags added, overwritten and removed), the change in words, and submission: the
 * selection resolved once (duplicates collapsed, a stranger's or unknown id a 404, an empty match a
 * 400), references checked, nothing written on a refusal, a job QUEUED with its items otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/users.h"
#include "jobs/bulk.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

/* ---- documents ------------------------------------------------------------------------------------ */

/* Reads text as Changes; returns the result, *e set on failure. */
static int read_text(const char *text, bulk_changes *c, rerr *e)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    assert_non_null(doc);
    int rc = bulk_changes_read(e, doc, c);
    bulk_changes_clear(c);
    json_decref(doc);
    return rc;
}

static void refused(const char *text, const char *field, const char *words)
{
    bulk_changes c;
    rerr e;
    rerr_clear(&e);
    if (read_text(text, &c, &e) == 0)
        fail_msg("accepted: %s", text);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    if (field && strcmp(e.field, field) != 0)
        fail_msg("%s: field %s, expected %s (%s)", text, e.field, field, e.message);
    if (words && !strstr(e.message, words))
        fail_msg("%s: message %s lacks %s", text, e.message, words);
}

static void changes_refused(void **state)
{
    (void)state;
    refused("{}", "Changes", "at least one change");
    refused("[]", "Changes", "object");
    refused("{\"Colour\": 1}", "Changes.Colour", "Unknown");
    refused("{\"SecurityProfiles\": {\"Set\": [\"a\"], \"Add\": [\"b\"]}}", "Changes.SecurityProfiles", "not both");
    refused("{\"SecurityProfiles\": {\"Set\": []}}", "Changes.SecurityProfiles.Set", NULL);
    refused("{\"SecurityProfiles\": {}}", "Changes.SecurityProfiles", NULL);
    refused("{\"SecurityProfiles\": {\"Add\": [\"a\"], \"Remove\": [\"a\"]}}", "Changes.SecurityProfiles", "both");
    refused("{\"SecurityProfiles\": {\"Add\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}}",
            "Changes.SecurityProfiles.Add", NULL);
    refused("{\"AfterContactWorkTimeLimit\": 2000001}", NULL, NULL);
    refused("{\"AfterContactWorkTimeLimit\": -1}", NULL, NULL);
    refused("{\"AfterContactWorkTimeLimit\": \"5\"}", "Changes.AfterContactWorkTimeLimit", NULL);
    refused("{\"DeskPhoneNumber\": \"5550100\"}", NULL, NULL);
    refused("{\"DeskPhoneNumber\": \"\"}", "Changes.DeskPhoneNumber", "E.164");
    refused("{\"PhoneType\": \"PIGEON\"}", NULL, NULL);
    refused("{\"AutoAccept\": 1}", "Changes.AutoAccept", NULL);
    refused("{\"HierarchyGroupId\": 5}", "Changes.HierarchyGroupId", NULL);
    refused("{\"Tags\": {\"Add\": {\"aws:k\": \"v\"}}}", NULL, NULL);
    refused("{\"Tags\": {\"Add\": {\"k\": 1}}}", "Changes.Tags.Add", NULL);
    refused("{\"Tags\": {\"Add\": {\"k\": \"v\"}, \"Remove\": [\"k\"]}}", "Changes.Tags", "both");
    refused("{\"Tags\": {}}", "Changes.Tags", NULL);
    refused("{\"Tags\": {\"Drop\": []}}", "Changes.Tags.Drop", "Unknown");
}

static void changes_read(void **state)
{
    (void)state;
    json_error_t je;
    json_t *doc = json_loads("{\"RoutingProfileId\": \"rp\", \"SecurityProfiles\": {\"Add\": [\"a\", \"a\", \"b\"], "
                             "\"Remove\": [\"c\"]}, \"PhoneType\": \"DESK_PHONE\", \"AutoAccept\": false, "
                             "\"AfterContactWorkTimeLimit\": 0, \"HierarchyGroupId\": null, "
                             "\"Tags\": {\"Add\": {\"k\": \"v\"}, \"Remove\": [\"x\"]}}",
                             0, &je);
    bulk_changes c;
    rerr e;
    assert_int_equal(bulk_changes_read(&e, doc, &c), 0);
    assert_string_equal(c.routing_profile_id, "rp");
    assert_int_equal(c.sp_mode, BULK_SP_ADD_REMOVE);
    assert_int_equal(c.sp_add.n, 2); /* duplicates folded */
    assert_int_equal(c.sp_remove.n, 1);
    assert_true(c.has_phone);
    assert_true(c.phone.has_auto_accept);
    assert_false(c.phone.auto_accept);
    assert_true(c.phone.has_acw);
    assert_true(c.set_hierarchy);
    assert_null(c.hierarchy_group_id);
    assert_int_equal(c.tags_add.keys.n, 1);
    assert_int_equal(c.tags_remove.n, 1);
    buf b;
    buf_init(&b);
    json_t *names = json_pack("{s:s, s:{s:s}}", "RoutingProfile", "Sales RP", "SecurityProfiles", "a", "Agent");
    bulk_changes_describe(&c, names, &b);
    assert_string_equal(b.data, "routing profile \"Sales RP\"; security profiles +\"Agent\" +\"b\" -\"c\"; phone type "
                                "DESK_PHONE; auto-accept off; after-contact work 0 s; no hierarchy group; tag k=v; "
                                "untag x");
    buf_free(&b);
    json_decref(names);
    bulk_changes_clear(&c);
    json_decref(doc);
}

/* A user with the given profiles, a VOICE channel of type and number, and tags. */
static void a_user(user_record *u, const char *const *profiles, const char *type, const char *number)
{
    memset(u, 0, sizeof *u);
    for (size_t i = 0; profiles[i]; i++)
        strlist_push(&u->security_profile_ids, profiles[i]);
    u->n_channels = 1;
    snprintf(u->channels[0].channel, sizeof u->channels[0].channel, "VOICE");
    snprintf(u->channels[0].phone_type, sizeof u->channels[0].phone_type, "%s", type);
    snprintf(u->channels[0].phone_number, sizeof u->channels[0].phone_number, "%s", number);
}

static int compute(const char *text, const user_record *u, const kvlist *tags, bulk_user_change *out, rerr *e)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    bulk_changes c;
    assert_int_equal(bulk_changes_read(e, doc, &c), 0);
    int rc = bulk_change_compute(&c, u, tags, out, e);
    bulk_changes_clear(&c);
    json_decref(doc);
    return rc;
}

static void change_of_one_user(void **state)
{
    (void)state;
    static const char *const two[] = {"agent", "qa", NULL};
    user_record u;
    a_user(&u, two, "SOFT_PHONE", "");
    bulk_user_change out;
    rerr e;
    /* Add and Remove against the current set. */
    assert_int_equal(compute("{\"SecurityProfiles\": {\"Add\": [\"admin\", \"qa\"], \"Remove\": [\"agent\"]}}", &u,
                             NULL, &out, &e),
                     0);
    assert_true(out.set_profiles);
    assert_int_equal(out.profiles.n, 2);
    assert_string_equal(out.profiles.items[0], "qa");
    assert_string_equal(out.profiles.items[1], "admin");
    bulk_user_change_clear(&out);
    /* None left. */
    assert_int_equal(compute("{\"SecurityProfiles\": {\"Remove\": [\"agent\", \"qa\"]}}", &u, NULL, &out, &e), -1);
    assert_non_null(strstr(e.message, "no security profile"));
    bulk_user_change_clear(&out);
    /* Set replaces. */
    assert_int_equal(compute("{\"SecurityProfiles\": {\"Set\": [\"x\"]}}", &u, NULL, &out, &e), 0);
    assert_int_equal(out.profiles.n, 1);
    assert_string_equal(out.profiles.items[0], "x");
    bulk_user_change_clear(&out);
    /* Over ten. */
    assert_int_equal(compute("{\"SecurityProfiles\": {\"Add\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}}",
                             &u, NULL, &out, &e),
                     -1);
    assert_non_null(strstr(e.message, "11 security profiles"));
    bulk_user_change_clear(&out);
    /* A desk phone: the change's number, the user's, or none. */
    assert_int_equal(compute("{\"PhoneType\": \"DESK_PHONE\"}", &u, NULL, &out, &e), -1);
    assert_non_null(strstr(e.message, "desk number"));
    bulk_user_change_clear(&out);
    assert_int_equal(compute("{\"PhoneType\": \"DESK_PHONE\", \"DeskPhoneNumber\": \"+14155550100\"}", &u, NULL, &out, &e),
                     0);
    bulk_user_change_clear(&out);
    user_clear(&u);
    a_user(&u, two, "SOFT_PHONE", "+14155550199");
    assert_int_equal(compute("{\"PhoneType\": \"DESK_PHONE\"}", &u, NULL, &out, &e), 0);
    assert_true(out.has_phone);
    assert_false(out.set_profiles);
    bulk_user_change_clear(&out);
    /* Tags: kept, overwritten, removed, added. */
    kvlist tags = {0};
    kvlist_add(&tags, "keep", "1");
    kvlist_add(&tags, "over", "old");
    kvlist_add(&tags, "gone", "x");
    assert_int_equal(compute("{\"Tags\": {\"Add\": {\"over\": \"new\", \"add\": \"2\"}, \"Remove\": [\"gone\", \"absent\"]}}",
                             &u, &tags, &out, &e),
                     0);
    assert_true(out.set_tags);
    assert_int_equal(out.tags.keys.n, 3);
    assert_string_equal(out.tags.keys.items[0], "keep");
    for (size_t i = 0; i < out.tags.keys.n; i++) {
        if (strcmp(out.tags.keys.items[i], "over") == 0)
            assert_string_equal(out.tags.values.items[i], "new");
        assert_string_not_equal(out.tags.keys.items[i], "gone");
    }
    bulk_user_change_clear(&out);
    kvlist_clear(&tags);
    user_clear(&u);
}

static void user_edit_read(void **state)
{
    (void)state;
    json_error_t je;
    rerr e;
    bulk_user_edit ed;
    json_t *doc = json_loads("{\"UserId\": \"u1\", \"IdentityInfo\": {\"LastName\": \"N\"}, "
                             "\"PhoneConfig\": {\"AutoAccept\": true}}", 0, &je);
    assert_int_equal(bulk_user_edit_read(&e, doc, "Edits[0]", 1, &ed), 0);
    assert_string_equal(ed.user_id, "u1");
    assert_string_equal(ed.identity.last_name, "N");
    assert_true(ed.phone.has_auto_accept);
    /* Without an id where none is taken (the stored form): UserId is unknown. */
    assert_int_equal(bulk_user_edit_read(&e, doc, "Edit", 0, &ed), -1);
    assert_string_equal(e.field, "Edit.UserId");
    json_decref(doc);
    doc = json_loads("{\"UserId\": \"u1\"}", 0, &je);
    assert_int_equal(bulk_user_edit_read(&e, doc, "Edits[2]", 1, &ed), -1);
    assert_non_null(strstr(e.message, "IdentityInfo or PhoneConfig"));
    json_decref(doc);
    doc = json_loads("{\"UserId\": \"u1\", \"PhoneConfig\": {\"AfterContactWorkTimeLimit\": 2000001}}", 0, &je);
    assert_int_equal(bulk_user_edit_read(&e, doc, "Edits[0]", 1, &ed), -1);
    json_decref(doc);
}

/* ---- submission ------------------------------------------------------------------------------------ */

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance a, b;
    instance_defaults da, db;
    char u[3][ID_LEN];
    char stranger[ID_LEN];
} fixture;

static void make_user(fixture *f, const instance *in, const instance_defaults *d, const char *name, char id[ID_LEN])
{
    strlist sps = {0};
    strlist_push(&sps, d->agent_profile_id);
    user_new n = {.username = name,
                  .identity = {.first_name = "F", .last_name = "L"},
                  .security_profile_ids = &sps,
                  .routing_profile_id = d->routing_profile_id};
    rerr e;
    if (users_create(&f->cx, in->id, &n, id, &e))
        fail_msg("create %s: %s", name, e.message);
    strlist_clear(&sps);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_core_open(&f->ts, &f->cfg, &f->cx) || test_saml_instance(&f->cx, &f->a, &f->da) ||
        test_saml_instance(&f->cx, &f->b, &f->db))
        return -1;
    make_user(f, &f->a, &f->da, "ann", f->u[0]);
    make_user(f, &f->a, &f->da, "bob", f->u[1]);
    make_user(f, &f->a, &f->da, "cyd", f->u[2]);
    make_user(f, &f->b, &f->db, "zed", f->stranger);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->a);
    instance_clear(&f->b);
    int rc = test_core_close(&f->ts, &f->cx);
    free(f);
    return rc;
}

static size_t jobs_of(fixture *f)
{
    job_list l = {0};
    assert_int_equal(store_job_list(f->cx.conn, f->a.id, NULL, 0, 100, &l), STORE_OK);
    size_t n = l.n;
    job_list_clear(&l);
    return n;
}

static void submit_resolves_the_selection_once(void **state)
{
    fixture *f = *state;
    strlist ids = {0};
    strlist_push(&ids, f->u[2]);
    strlist_push(&ids, f->u[0]);
    strlist_push(&ids, f->u[2]); /* a duplicate: collapsed, the first place kept */
    bulk_selection sel = {.user_ids = &ids};
    json_t *changes = json_pack("{s:b}", "AutoAccept", 1);
    job_record j;
    rerr e;
    if (bulk_submit_edit(&f->cx, f->a.id, &sel, changes, &j, &e))
        fail_msg("submit: %s", e.message);
    assert_string_equal(j.kind, "BULK_EDIT");
    assert_string_equal(j.state, "QUEUED");
    assert_int_equal(j.counts.total, 2);
    assert_non_null(strstr(j.params_json, "\"Changes\""));
    job_item_list items = {0};
    assert_int_equal(store_job_items_page(f->cx.conn, j.id, NULL, -1, 10, &items), STORE_OK);
    assert_int_equal(items.n, 2);
    assert_string_equal(items.items[0].user_id, f->u[2]);
    assert_string_equal(items.items[0].username, "cyd");
    assert_int_equal(items.items[0].row, 1);
    assert_string_equal(items.items[1].user_id, f->u[0]);
    assert_int_equal(items.items[1].row, 2);
    job_item_list_clear(&items);
    job_clear(&j);

    /* The whole instance by an empty criteria tree; a delete of it. */
    search_node all = {.kind = SEARCH_AND};
    bulk_selection every = {.criteria = &all};
    assert_int_equal(bulk_submit_delete(&f->cx, f->a.id, &every, &j, &e), 0);
    assert_string_equal(j.kind, "BULK_DELETE");
    assert_int_equal(j.counts.total, 3);
    job_clear(&j);
    json_decref(changes);
    strlist_clear(&ids);
}

static void submit_refusals_write_nothing(void **state)
{
    fixture *f = *state;
    size_t before = jobs_of(f);
    job_record j;
    rerr e;
    strlist ids = {0};
    strlist_push(&ids, f->u[0]);
    strlist_push(&ids, f->stranger); /* a user of another instance */
    bulk_selection sel = {.user_ids = &ids};
    json_t *ok = json_pack("{s:b}", "AutoAccept", 1);
    assert_int_equal(bulk_submit_edit(&f->cx, f->a.id, &sel, ok, &j, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, f->stranger));
    strlist_clear(&ids);

    strlist_push(&ids, f->u[0]);
    json_t *bad[] = {json_pack("{s:s}", "RoutingProfileId", "nope"),
                     json_pack("{s:{s:[s]}}", "SecurityProfiles", "Add", "nope"),
                     json_pack("{s:s}", "HierarchyGroupId", "nope"),
                     json_pack("{s:s}", "RoutingProfileId", f->db.routing_profile_id), /* another instance's */
                     json_pack("{}")};
    err_code want[] = {ERR_NOT_FOUND, ERR_NOT_FOUND, ERR_NOT_FOUND, ERR_NOT_FOUND, ERR_INVALID_PARAMETER};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(bulk_submit_edit(&f->cx, f->a.id, &sel, bad[i], &j, &e), -1);
        assert_int_equal(e.code, want[i]);
        json_decref(bad[i]);
    }
    /* A selection matching nobody. */
    search_node none = {.kind = SEARCH_OR}; /* an empty OR matches no user */
    bulk_selection nobody = {.criteria = &none};
    assert_int_equal(bulk_submit_delete(&f->cx, f->a.id, &nobody, &j, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(e.message, "Selection matches no user");
    /* User edits: a user twice, an identity the rules refuse. */
    json_t *twice = json_pack("[{s:s, s:{s:s}}, {s:s, s:{s:s}}]", "UserId", f->u[0], "IdentityInfo", "LastName", "A",
                              "UserId", f->u[0], "IdentityInfo", "LastName", "B");
    assert_int_equal(bulk_submit_user_edits(&f->cx, f->a.id, twice, &j, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    json_t *blank = json_pack("[{s:s, s:{s:s}}]", "UserId", f->u[0], "IdentityInfo", "FirstName", " ");
    assert_int_equal(bulk_submit_user_edits(&f->cx, f->a.id, blank, &j, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    json_decref(twice);
    json_decref(blank);
    json_decref(ok);
    strlist_clear(&ids);
    assert_int_equal(jobs_of(f), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changes_refused),
        cmocka_unit_test(changes_read),
        cmocka_unit_test(change_of_one_user),
        cmocka_unit_test(user_edit_read),
        cmocka_unit_test_setup_teardown(submit_resolves_the_selection_once, setup, teardown),
        cmocka_unit_test_setup_teardown(submit_refusals_write_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
