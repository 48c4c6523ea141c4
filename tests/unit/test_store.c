/* test_store.c — the SQLite store on a real file: migrations, instances, resources, tags,
 * keys, uniqueness, references and transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/context.h"
#include "core/defaults.h"
#include "store/sqlite_migrations.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

typedef struct fixture {
    test_store ts;
    store_conn *c;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_conn_put(f->c);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

static void make_instance(fixture *f, const char *alias, instance *in)
{
    memset(in, 0, sizeof *in);
    uuid_v4(in->id);
    in->alias = alias ? xstrdup(alias) : NULL;
    snprintf(in->idm_type, sizeof in->idm_type, "%s", "SAML");
    snprintf(in->status, sizeof in->status, "%s", "ACTIVE");
    in->created_ms = now_ms();
    assert_int_equal(store_instance_insert(f->c, in, NULL), STORE_OK);
}

static void migrations_recorded_and_idempotent(void **state)
{
    fixture *f = *state;
    size_t n;
    const migration *m = migrations_all(&n);
    assert_true(n >= 1);
    assert_int_equal(store_schema_version(f->c), m[n - 1].version);
    /* Opening again applies nothing new and keeps the version. */
    char err[256];
    store *again = store_open(f->ts.path, 0, err, sizeof err);
    assert_non_null(again);
    store_conn *c2 = store_conn_get(again);
    assert_int_equal(store_schema_version(c2), m[n - 1].version);
    store_conn_put(c2);
    store_close(again);
}

static void missing_file_not_created_without_flag(void **state)
{
    fixture *f = *state;
    char path[160], err[256];
    snprintf(path, sizeof path, "%s/none.db", f->ts.dir);
    assert_null(store_open(path, 0, err, sizeof err));
    assert_true(strstr(err, "cannot open store") != NULL);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void instance_roundtrip_and_unique_alias(void **state)
{
    fixture *f = *state;
    instance a, b, got;
    make_instance(f, "alpha", &a);
    assert_int_equal(store_instance_get(f->c, a.id, &got), STORE_OK);
    assert_string_equal(got.alias, "alpha");
    assert_string_equal(got.idm_type, "SAML");
    instance_clear(&got);
    assert_int_equal(store_instance_by_alias(f->c, "ALPHA", &got), STORE_OK); /* aliases compare case-insensitively */
    instance_clear(&got);
    memset(&b, 0, sizeof b);
    uuid_v4(b.id);
    b.alias = xstrdup("Alpha");
    snprintf(b.idm_type, sizeof b.idm_type, "%s", "SAML");
    snprintf(b.status, sizeof b.status, "%s", "ACTIVE");
    assert_int_equal(store_instance_insert(f->c, &b, NULL), STORE_UNIQUE);
    assert_int_equal(store_instance_get(f->c, "no-such-id", &got), STORE_NOTFOUND);
    instance_clear(&a);
    instance_clear(&b);
}

static void instance_list_keyset(void **state)
{
    fixture *f = *state;
    instance in;
    for (int i = 0; i < 7; i++) {
        make_instance(f, NULL, &in);
        instance_clear(&in);
    }
    char after[ID_LEN] = "";
    size_t total = 0;
    for (;;) {
        instance *page;
        size_t n;
        assert_int_equal(store_instance_list(f->c, after, 3, &page, &n), STORE_OK);
        for (size_t i = 0; i < n; i++) {
            assert_true(strcmp(page[i].id, after) > 0);
            snprintf(after, sizeof after, "%s", page[i].id);
            instance_clear(&page[i]);
        }
        free(page);
        total += n;
        if (n < 3)
            break;
    }
    assert_int_equal(total, 7);
    assert_int_equal(store_instance_count(f->c), 7);
}

static void defaults_and_cascading_delete(void **state)
{
    fixture *f = *state;
    instance in;
    make_instance(f, "withdefaults", &in);
    settings cfg = {.region = "us-east-1", .account = "123456789012"};
    core_ctx cx = {.conn = f->c, .cfg = &cfg, .now_ms = now_ms()};
    instance_defaults d;
    rerr e;
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(defaults_create(&cx, in.id, &d, &e), 0);
    assert_int_equal(store_commit(f->c), STORE_OK);

    security_profile p;
    assert_int_equal(store_security_profile_get(f->c, in.id, d.admin_profile_id, &p), STORE_OK);
    assert_string_equal(p.name, "Admin");
    assert_true(p.builtin);
    assert_true(strlist_contains(&p.permissions, "Users.Create"));
    security_profile_clear(&p);

    /* Permissions page in byte order. */
    strlist perms = {0};
    assert_int_equal(store_security_profile_permissions(f->c, d.admin_profile_id, "", 2, &perms), STORE_OK);
    assert_int_equal(perms.n, 2);
    assert_true(strcmp(perms.items[0], perms.items[1]) < 0);
    strlist_clear(&perms);

    routing_profile rp;
    assert_int_equal(store_routing_profile_get(f->c, in.id, d.routing_profile_id, &rp), STORE_OK);
    assert_string_equal(rp.name, "Basic Routing Profile");
    assert_true(rp.is_default);
    assert_int_equal(rp.n_media, 3);
    assert_int_equal(rp.n_queues, 3);
    routing_profile_clear(&rp);

    /* A profile name is unique within its instance. */
    security_profile dup = {0};
    uuid_v4(dup.id);
    snprintf(dup.instance_id, sizeof dup.instance_id, "%s", in.id);
    dup.name = "Agent";
    assert_int_equal(store_security_profile_insert(f->c, &dup), STORE_UNIQUE);

    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_instance_delete(f->c, in.id), STORE_OK);
    assert_int_equal(store_commit(f->c), STORE_OK);
    assert_int_equal(store_security_profile_get(f->c, in.id, d.admin_profile_id, &p), STORE_NOTFOUND);
    assert_int_equal(store_routing_profile_get(f->c, in.id, d.routing_profile_id, &rp), STORE_NOTFOUND);
    assert_int_equal(store_instance_delete(f->c, in.id), STORE_NOTFOUND);
    instance_clear(&in);
}

static void dangling_reference_refused(void **state)
{
    fixture *f = *state;
    instance in;
    make_instance(f, NULL, &in);
    queue q = {0};
    uuid_v4(q.id);
    snprintf(q.instance_id, sizeof q.instance_id, "%s", in.id);
    q.name = "Q";
    snprintf(q.hours_id, sizeof q.hours_id, "%s", "00000000-0000-0000-0000-000000000000"); /* no such hours */
    snprintf(q.queue_type, sizeof q.queue_type, "%s", "STANDARD");
    q.max_contacts = -1;
    assert_int_equal(store_queue_insert(f->c, &q), STORE_FOREIGN);
    instance_clear(&in);
}

static void rollback_leaves_nothing(void **state)
{
    fixture *f = *state;
    instance in;
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    make_instance(f, "ghost", &in);
    assert_int_equal(store_rollback(f->c), STORE_OK);
    instance got;
    assert_int_equal(store_instance_get(f->c, in.id, &got), STORE_NOTFOUND);
    instance_clear(&in);
}

static void tags_upsert_in_key_order(void **state)
{
    fixture *f = *state;
    instance in;
    make_instance(f, NULL, &in);
    kvlist t = {0};
    kvlist_set(&t, "team", "blue");
    kvlist_set(&t, "env", "dev");
    assert_int_equal(store_tags_set(f->c, in.id, in.id, &t), STORE_OK);
    kvlist_clear(&t);
    kvlist_set(&t, "team", "red");
    assert_int_equal(store_tags_set(f->c, in.id, in.id, &t), STORE_OK);
    kvlist_clear(&t);
    assert_int_equal(store_tags_get(f->c, in.id, &t), STORE_OK);
    assert_int_equal(t.keys.n, 2);
    assert_string_equal(t.keys.items[0], "env");
    assert_string_equal(t.values.items[1], "red");
    kvlist_clear(&t);
    instance_clear(&in);
}

static void keys_store_and_revoke(void **state)
{
    fixture *f = *state;
    access_key k = {0};
    snprintf(k.id, sizeof k.id, "%s", "AKRSTESTTESTTESTTEST");
    k.kind = KEY_ACCOUNT;
    unsigned char sealed[] = {1, 2, 3, 0, 5};
    k.sealed = sealed;
    k.sealed_len = sizeof sealed;
    k.created_ms = 1;
    assert_int_equal(store_key_insert(f->c, &k), STORE_OK);
    access_key got;
    assert_int_equal(store_key_get(f->c, k.id, &got), STORE_OK);
    assert_int_equal(got.sealed_len, sizeof sealed);
    assert_memory_equal(got.sealed, sealed, sizeof sealed);
    assert_int_equal(got.revoked_ms, 0);
    access_key_clear(&got);
    assert_int_equal(store_key_revoke(f->c, k.id, 99), STORE_OK);
    assert_int_equal(store_key_revoke(f->c, k.id, 100), STORE_NOTFOUND); /* already revoked */
    assert_int_equal(store_key_get(f->c, k.id, &got), STORE_OK);
    assert_int_equal(got.revoked_ms, 99);
    access_key_clear(&got);
}

static void meta_settings(void **state)
{
    fixture *f = *state;
    settings s1, s2;
    char err[256];
    assert_int_equal(settings_load(f->c, 0, NULL, &s1, err, sizeof err), -1);
    assert_int_equal(settings_load(f->c, 1, "eu-west-1", &s1, err, sizeof err), 0);
    assert_string_equal(s1.region, "eu-west-1");
    assert_int_equal(strlen(s1.account), 12);
    assert_int_equal(settings_load(f->c, 0, NULL, &s2, err, sizeof err), 0);
    assert_string_equal(s2.account, s1.account);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(migrations_recorded_and_idempotent), T(missing_file_not_created_without_flag),
        T(instance_roundtrip_and_unique_alias), T(instance_list_keyset), T(defaults_and_cascading_delete),
        T(dangling_reference_refused), T(rollback_leaves_nothing), T(tags_upsert_in_key_order),
        T(keys_store_and_revoke), T(meta_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
