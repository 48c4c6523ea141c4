/* test_audit.c — the audit trail on a real SQLite file: create, update and delete events recorded
 * through audit_user_change (who, when, what, only the changed fields, never a password), the
 * listing filters and pages, finding a deleted user by name, rollback, the --since parser, and
 * the events of a batch that defers them (core/audit_sink.c through core_write_batch): written in
 * order, those of failed items dropped, the same texts as written at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/context.h"
#include "core/write.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"
#include "util/timespec.h"

#define HASH "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$SECRETHASHVALUE"

typedef struct fixture {
    test_store ts;
    store_conn *c;
    settings cfg;
    principal who;
    core_ctx cx;
    char instance_id[ID_LEN];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    test_settings(&f->cfg);
    uuid_v4(f->instance_id);
    f->cx.conn = f->c;
    f->cx.cfg = &f->cfg;
    f->cx.now_ms = 1700000000000;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_conn_put(f->c);
    principal_clear(&f->who);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

/* Acts as a user key (key id and its user) from now on. */
static void act_as_user_key(fixture *f, const char *key_id, const char *user_id)
{
    f->who.kind = PRINCIPAL_USER_KEY;
    snprintf(f->who.key_id, sizeof f->who.key_id, "%s", key_id);
    snprintf(f->who.user_id, sizeof f->who.user_id, "%s", user_id);
    snprintf(f->who.instance_id, sizeof f->who.instance_id, "%s", f->instance_id);
    f->cx.who = &f->who;
}

static void act_as_account_key(fixture *f, const char *key_id)
{
    memset(&f->who, 0, sizeof f->who);
    f->who.kind = PRINCIPAL_ACCOUNT_KEY;
    snprintf(f->who.key_id, sizeof f->who.key_id, "%s", key_id);
    f->cx.who = &f->who;
}

/* A user with every facet set, and a password hash that must never reach the trail. */
static void make_user(fixture *f, user_record *u, const char *username)
{
    memset(u, 0, sizeof *u);
    uuid_v4(u->id);
    memcpy(u->instance_id, f->instance_id, ID_LEN);
    u->username = xstrdup(username);
    u->first_name = xstrdup("Ann");
    u->last_name = xstrdup("Lee");
    u->email = xstrdup("ann@example.com");
    u->password_hash = xstrdup(HASH);
    snprintf(u->routing_profile_id, sizeof u->routing_profile_id, "11111111-1111-4111-8111-111111111111");
    strlist_push(&u->security_profile_ids, "22222222-2222-4222-8222-222222222222");
    channel_config *v = &u->channels[u->n_channels++];
    snprintf(v->channel, sizeof v->channel, "VOICE");
    snprintf(v->phone_type, sizeof v->phone_type, "SOFT_PHONE");
    v->has_auto_accept = 1;
    v->has_acw = 1;
    v->acw_seconds = 30;
    channel_config *ch = &u->channels[u->n_channels++];
    snprintf(ch->channel, sizeof ch->channel, "CHAT");
    ch->has_auto_accept = 1;
    ch->auto_accept = 0;
    u->version = 1;
}

/* Copies the fields an update test changes (strings duplicated). */
static void copy_user(const user_record *src, user_record *dst)
{
    *dst = *src;
    dst->username = xstrdup(src->username);
    dst->first_name = xstrdup(src->first_name);
    dst->last_name = xstrdup(src->last_name);
    dst->email = xstrdup(src->email);
    dst->password_hash = xstrdup(src->password_hash);
    memset(&dst->security_profile_ids, 0, sizeof dst->security_profile_ids);
    for (size_t i = 0; i < src->security_profile_ids.n; i++)
        strlist_push(&dst->security_profile_ids, src->security_profile_ids.items[i]);
}

static void record(fixture *f, const char *op, const user_record *before, const user_record *after)
{
    rerr e;
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(audit_user_change(&f->cx, op, before, after, &e), 0);
    assert_int_equal(store_commit(f->c), STORE_OK);
}

/* Every event of resource_id, oldest first. */
static void events_of(fixture *f, const char *resource_id, audit_event **evs, size_t *n)
{
    audit_filter flt = {.resource_id = resource_id, .limit = 1000};
    assert_int_equal(store_audit_list(f->c, &flt, evs, n), STORE_OK);
}

static void free_events(audit_event *evs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        audit_event_clear(&evs[i]);
    free(evs);
}

static void assert_json_equal(const char *text, const char *expected)
{
    json_t *a = json_loads(text, 0, NULL), *b = json_loads(expected, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    if (!json_equal(a, b))
        fail_msg("JSON differs:\n  got      %s\n  expected %s", text, expected);
    json_decref(a);
    json_decref(b);
}

static void assert_no_password(const audit_event *ev)
{
    const char *texts[] = {ev->before_json, ev->after_json};
    for (int i = 0; i < 2; i++) {
        if (!texts[i])
            continue;
        assert_null(strstr(texts[i], "argon2"));
        assert_null(strstr(texts[i], "SECRETHASHVALUE"));
        /* a password set is named by a marker, never by a value */
        const char *p = strstr(texts[i], "assword\"");
        if (p) {
            p += strlen("assword\"");
            p += strspn(p, ": ");
            assert_true(strncmp(p, "\"(earlier)\"", 11) == 0 || strncmp(p, "\"(changed)\"", 11) == 0);
            assert_null(strstr(p, "assword"));
        }
    }
}

static void create_records_whole_user_as_after(void **state)
{
    fixture *f = *state;
    act_as_user_key(f, "AKRSUSERKEY000000001", "33333333-3333-4333-8333-333333333333");
    user_record u;
    make_user(f, &u, "ann");
    record(f, "CreateUser", NULL, &u);
    audit_event *evs;
    size_t n;
    events_of(f, u.id, &evs, &n);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].operation, "CreateUser");
    assert_string_equal(evs[0].resource_id, u.id);
    assert_string_equal(evs[0].instance_id, f->instance_id);
    assert_string_equal(evs[0].key_id, "AKRSUSERKEY000000001");
    assert_string_equal(evs[0].actor_user_id, "33333333-3333-4333-8333-333333333333");
    assert_int_equal(evs[0].at_ms, 1700000000000);
    assert_true(evs[0].id > 0);
    assert_null(evs[0].before_json);
    assert_json_equal(evs[0].after_json,
                      "{\"Username\":\"ann\",\"IdentityInfo\":{\"FirstName\":\"Ann\",\"LastName\":\"Lee\","
                      "\"Email\":\"ann@example.com\"},\"Channels\":{\"VOICE\":{\"PhoneType\":\"SOFT_PHONE\","
                      "\"AutoAccept\":false,\"AfterContactWorkTimeLimit\":30},\"CHAT\":{\"AutoAccept\":false}},"
                      "\"RoutingProfileId\":\"11111111-1111-4111-8111-111111111111\","
                      "\"SecurityProfileIds\":[\"22222222-2222-4222-8222-222222222222\"],"
                      "\"ExternallyManaged\":false,\"Disabled\":false,\"Version\":1}");
    assert_no_password(&evs[0]);
    free_events(evs, n);
    user_clear(&u);
}

static void update_keeps_only_changed_fields(void **state)
{
    fixture *f = *state;
    act_as_account_key(f, "AKRSACCOUNTKEY000001");
    user_record before, after;
    make_user(f, &before, "ann");
    copy_user(&before, &after);
    free(after.first_name);
    after.first_name = xstrdup("Anna");
    free(after.password_hash); /* a new password: recorded as changed, its hash neither way */
    after.password_hash = xstrdup("$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$OTHERSECRETHASHVALUE");
    after.channels[1].auto_accept = 1;                                                         /* CHAT */
    snprintf(after.hierarchy_group_id, sizeof after.hierarchy_group_id, "44444444-4444-4444-8444-444444444444");
    free(after.email); /* removed */
    after.email = NULL;
    after.version = 2;
    f->cx.now_ms += 5000;
    record(f, "UpdateUserIdentityInfo", &before, &after);
    audit_event *evs;
    size_t n;
    events_of(f, before.id, &evs, &n);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].key_id, "AKRSACCOUNTKEY000001");
    assert_string_equal(evs[0].actor_user_id, ""); /* an account key acts as no user */
    assert_json_equal(evs[0].before_json,
                      "{\"IdentityInfo\":{\"FirstName\":\"Ann\",\"Email\":\"ann@example.com\"},"
                      "\"Channels\":{\"CHAT\":{\"AutoAccept\":false}},\"HierarchyGroupId\":null,\"Version\":1,"
                      "\"Password\":\"(earlier)\"}");
    assert_json_equal(evs[0].after_json,
                      "{\"IdentityInfo\":{\"FirstName\":\"Anna\",\"Email\":null},"
                      "\"Channels\":{\"CHAT\":{\"AutoAccept\":true}},"
                      "\"HierarchyGroupId\":\"44444444-4444-4444-8444-444444444444\",\"Version\":2,"
                      "\"Password\":\"(changed)\"}");
    assert_no_password(&evs[0]);
    assert_null(strstr(evs[0].after_json, "OTHERSECRET"));
    free_events(evs, n);
    user_clear(&before);
    user_clear(&after);
}

static void update_adds_and_removes_a_channel(void **state)
{
    fixture *f = *state;
    user_record before, after;
    make_user(f, &before, "bob");
    copy_user(&before, &after);
    after.n_channels = 1; /* CHAT gone */
    after.version = 2;
    record(f, "UpdateUserConfig", &before, &after);
    audit_event *evs;
    size_t n;
    events_of(f, before.id, &evs, &n);
    assert_int_equal(n, 1);
    assert_json_equal(evs[0].before_json, "{\"Channels\":{\"CHAT\":{\"AutoAccept\":false}},\"Version\":1}");
    assert_json_equal(evs[0].after_json, "{\"Channels\":{\"CHAT\":null},\"Version\":2}");
    free_events(evs, n);
    user_clear(&before);
    user_clear(&after);
}

static void delete_by_the_cli_records_before(void **state)
{
    fixture *f = *state;
    f->cx.who = NULL; /* the operator at the command line */
    user_record u;
    make_user(f, &u, "carl");
    record(f, "DeleteUser", &u, NULL);
    audit_event *evs;
    size_t n;
    events_of(f, u.id, &evs, &n);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].operation, "DeleteUser");
    assert_string_equal(evs[0].key_id, "cli");
    assert_string_equal(evs[0].actor_user_id, "");
    assert_null(evs[0].after_json);
    assert_non_null(strstr(evs[0].before_json, "\"Username\":\"carl\""));
    assert_no_password(&evs[0]);
    free_events(evs, n);
    user_clear(&u);
}

static void rollback_discards_the_event(void **state)
{
    fixture *f = *state;
    user_record u;
    make_user(f, &u, "dora");
    rerr e;
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(audit_user_change(&f->cx, "CreateUser", NULL, &u, &e), 0);
    assert_int_equal(store_rollback(f->c), STORE_OK);
    audit_event *evs;
    size_t n;
    events_of(f, u.id, &evs, &n);
    assert_int_equal(n, 0);
    free_events(evs, n);
    /* Neither record: refused. */
    assert_int_equal(audit_user_change(&f->cx, "CreateUser", NULL, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    user_clear(&u);
}

/* Create, two updates, delete of one user plus another user's create, at increasing times. */
static void seed_history(fixture *f, user_record *u, user_record *other)
{
    make_user(f, u, "erin");
    make_user(f, other, "finn");
    record(f, "CreateUser", NULL, u);
    f->cx.now_ms += 1000;
    record(f, "CreateUser", NULL, other);
    for (int i = 0; i < 2; i++) {
        user_record next;
        copy_user(u, &next);
        next.version = u->version + 1;
        f->cx.now_ms += 1000;
        record(f, "UpdateUserIdentityInfo", u, &next);
        user_clear(u);
        *u = next;
    }
    f->cx.now_ms += 1000;
    record(f, "DeleteUser", u, NULL);
}

static void listing_filters_order_and_pages(void **state)
{
    fixture *f = *state;
    user_record u, other;
    seed_history(f, &u, &other);
    audit_event *evs;
    size_t n;
    events_of(f, u.id, &evs, &n);
    assert_int_equal(n, 4);
    const char *ops[] = {"CreateUser", "UpdateUserIdentityInfo", "UpdateUserIdentityInfo", "DeleteUser"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(evs[i].operation, ops[i]);
        assert_true(i == 0 || evs[i].at_ms > evs[i - 1].at_ms);
    }
    int64_t t_update = evs[1].at_ms;
    free_events(evs, n);
    /* since: the create falls out. */
    audit_filter flt = {.resource_id = u.id, .since_ms = t_update, .limit = 100};
    assert_int_equal(store_audit_list(f->c, &flt, &evs, &n), STORE_OK);
    assert_int_equal(n, 3);
    free_events(evs, n);
    /* The instance filter and pages of two: 5 events in 3 pages, no repeat, no gap. */
    audit_filter page = {.instance_id = f->instance_id, .limit = 2};
    size_t total = 0;
    int64_t last_id = 0;
    for (int pages = 0; pages < 5; pages++) {
        assert_int_equal(store_audit_list(f->c, &page, &evs, &n), STORE_OK);
        for (size_t i = 0; i < n; i++) {
            assert_true(evs[i].id > last_id);
            last_id = evs[i].id;
        }
        total += n;
        if (n > 0) {
            page.after_at_ms = evs[n - 1].at_ms;
            page.after_id = evs[n - 1].id;
        }
        free_events(evs, n);
        if (n < page.limit)
            break;
    }
    assert_int_equal(total, 5);
    /* Another instance: nothing; no filter at all: everything. */
    audit_filter none = {.instance_id = "55555555-5555-4555-8555-555555555555", .limit = 10};
    assert_int_equal(store_audit_list(f->c, &none, &evs, &n), STORE_OK);
    assert_int_equal(n, 0);
    free_events(evs, n);
    audit_filter all = {.limit = 10};
    assert_int_equal(store_audit_list(f->c, &all, &evs, &n), STORE_OK);
    assert_int_equal(n, 5);
    free_events(evs, n);
    /* resource and instance together. */
    audit_filter both = {.instance_id = f->instance_id, .resource_id = other.id, .limit = 10};
    assert_int_equal(store_audit_list(f->c, &both, &evs, &n), STORE_OK);
    assert_int_equal(n, 1);
    free_events(evs, n);
    user_clear(&u);
    user_clear(&other);
}

static void deleted_user_found_by_name(void **state)
{
    fixture *f = *state;
    user_record u, other;
    seed_history(f, &u, &other);
    kvlist found = {0};
    assert_int_equal(store_audit_users_named(f->c, NULL, "erin", &found), STORE_OK);
    assert_int_equal(found.keys.n, 1);
    assert_string_equal(found.keys.items[0], u.id);
    assert_string_equal(found.values.items[0], f->instance_id);
    kvlist_clear(&found);
    assert_int_equal(store_audit_users_named(f->c, f->instance_id, "nobody", &found), STORE_OK);
    assert_int_equal(found.keys.n, 0);
    assert_int_equal(store_audit_users_named(f->c, "55555555-5555-4555-8555-555555555555", "erin", &found),
                     STORE_OK);
    assert_int_equal(found.keys.n, 0);
    kvlist_clear(&found);
    user_clear(&u);
    user_clear(&other);
}

static void username_as_of_each_event(void **state)
{
    fixture *f = *state;
    user_record u, renamed;
    make_user(f, &u, "gus");
    record(f, "CreateUser", NULL, &u);
    copy_user(&u, &renamed);
    free(renamed.username);
    renamed.username = xstrdup("gustav");
    renamed.version = 2;
    f->cx.now_ms += 1000;
    record(f, "UpdateUserIdentityInfo", &u, &renamed); /* renames */
    f->cx.now_ms += 1000;
    record(f, "DeleteUser", &renamed, NULL);
    audit_event *evs;
    size_t n;
    events_of(f, u.id, &evs, &n);
    assert_int_equal(n, 3);
    char *name;
    assert_int_equal(store_audit_username(f->c, u.id, evs[0].id, &name), STORE_OK);
    assert_string_equal(name, "gus");
    free(name);
    assert_int_equal(store_audit_username(f->c, u.id, evs[1].id, &name), STORE_OK);
    assert_string_equal(name, "gustav");
    free(name);
    assert_int_equal(store_audit_username(f->c, u.id, evs[0].id - 1, &name), STORE_NOTFOUND);
    assert_null(name);
    /* The old name still finds the user. */
    kvlist found = {0};
    assert_int_equal(store_audit_users_named(f->c, NULL, "gus", &found), STORE_OK);
    assert_int_equal(found.keys.n, 1);
    kvlist_clear(&found);
    free_events(evs, n);
    user_clear(&u);
    user_clear(&renamed);
}

/* store_audit_each streams every event (limit 0) and stops when asked. */
static int count_two(const audit_event *ev, void *ctx)
{
    (void)ev;
    return ++*(int *)ctx == 2;
}

static void each_streams_and_stops(void **state)
{
    fixture *f = *state;
    user_record u, other;
    seed_history(f, &u, &other);
    int seen = 0;
    audit_filter all = {0};
    assert_int_equal(store_audit_each(f->c, &all, count_two, &seen), STORE_OK);
    assert_int_equal(seen, 2);
    user_clear(&u);
    user_clear(&other);
}

static void since_parser(void **state)
{
    (void)state;
    int64_t now = 1700000000000, t;
    assert_int_equal(time_spec_parse("2026-11-21T13:00:00Z", now, &t), 0);
    assert_int_equal(t, 1795266000000);
    assert_int_equal(time_spec_parse("2026-11-21", now, &t), 0);
    assert_int_equal(t, 1795219200000);
    assert_int_equal(time_spec_parse("2026-11-21T13:00Z", now, &t), 0);
    assert_int_equal(t, 1795266000000);
    assert_int_equal(time_spec_parse("2026-11-21T13:00:00.250Z", now, &t), 0);
    assert_int_equal(t, 1795266000250);
    assert_int_equal(time_spec_parse("2026-11-21T15:00:00+02:00", now, &t), 0);
    assert_int_equal(t, 1795266000000);
    assert_int_equal(time_spec_parse("2024-02-29", now, &t), 0);
    assert_int_equal(time_spec_parse("15m", now, &t), 0);
    assert_int_equal(t, now - 15 * 60000);
    assert_int_equal(time_spec_parse("2h", now, &t), 0);
    assert_int_equal(t, now - 7200000);
    assert_int_equal(time_spec_parse("7d", now, &t), 0);
    assert_int_equal(t, now - 7 * 86400000LL);
    const char *bad[] = {"", "abc", "15", "15x", "m", "-5m", "5 m", "2026-02-30", "2025-02-29", "2026-13-01",
                         "2026-11-21T25:00:00Z", "2026-11-21T13:00:00", "2026-11-21 13:00:00Z", "2026-11-21T13Z",
                         "2026-1-21", "2026-11-21Z", "99999999999999d", "2026-11-21T13:00:00.Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (time_spec_parse(bad[i], now, &t) != -1)
            fail_msg("'%s' parsed", bad[i]);
    char s[32];
    time_format_ms(1795266000250, s, sizeof s);
    assert_string_equal(s, "2026-11-21T13:00:00.250Z");
}

/* ---- a batch that defers its events ---------------------------------------------------------- */

enum { DEFERRED = 200 }; /* more than a few of the sink's chunks */

typedef struct deferred_batch {
    fixture *f;
    user_record users[DEFERRED];
} deferred_batch;

/* Item i records the creation of user i and writes a setting; every third item (i % 3 == 1)
 * then fails, so its writes and its event must go. */
static int deferred_item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    deferred_batch *d = arg;
    if (audit_user_change(cx, "CreateUser", NULL, &d->users[i], e))
        return -1;
    char key[32];
    snprintf(key, sizeof key, "deferred-%zu", i);
    if (store_meta_set(cx->conn, key, "v") != STORE_OK)
        return rerr_set(e, ERR_INTERNAL, NULL, "set %s", key);
    return i % 3 == 1 ? rerr_set(e, ERR_INVALID_PARAMETER, NULL, "item %zu refused after writing", i) : 0;
}

static void deferred_events(fixture *f, int optimistic)
{
    deferred_batch *d = calloc(1, sizeof *d);
    d->f = f;
    for (size_t i = 0; i < DEFERRED; i++) {
        char name[32];
        snprintf(name, sizeof name, "batch-%zu", i);
        make_user(f, &d->users[i], name);
    }
    core_batch b = {.item = deferred_item, .arg = d, .first = 0, .count = DEFERRED, .max_items = DEFERRED,
                    .max_ms = 600000, .optimistic = optimistic, .defer_audit = 1};
    size_t taken, failed;
    rerr e;
    assert_int_equal(core_write_batch(&f->cx, &b, &taken, &failed, &e), 0);
    assert_int_equal(taken, DEFERRED);
    assert_int_equal(failed, DEFERRED / 3 + (DEFERRED % 3 > 1));
    assert_null(f->cx.audit_defer);
    /* The kept items' events, in the items' order; none of a failed one. */
    audit_filter flt = {.instance_id = f->instance_id, .limit = 10 * DEFERRED};
    audit_event *evs;
    size_t n;
    assert_int_equal(store_audit_list(f->c, &flt, &evs, &n), STORE_OK);
    size_t k = 0;
    for (size_t i = 0; i < DEFERRED; i++) {
        if (i % 3 == 1)
            continue;
        assert_true(k < n);
        assert_string_equal(evs[k].resource_id, d->users[i].id);
        assert_string_equal(evs[k].operation, "CreateUser");
        assert_null(evs[k].before_json);
        /* the same text as an event written at once, for the same user under another id */
        user_record twin;
        copy_user(&d->users[i], &twin);
        uuid_v4(twin.id);
        record(f, "CreateUser", NULL, &twin);
        audit_event *tw;
        size_t tn;
        events_of(f, twin.id, &tw, &tn);
        assert_int_equal(tn, 1);
        assert_string_equal(evs[k].after_json, tw[0].after_json);
        assert_null(strstr(evs[k].after_json, "SECRETHASHVALUE"));
        free_events(tw, tn);
        user_clear(&twin);
        k++;
    }
    assert_int_equal(k, n);
    free_events(evs, n);
    for (size_t i = 0; i < DEFERRED; i++)
        user_clear(&d->users[i]);
    free(d);
}

/* Each failed item undone under its own savepoint. */
static void deferred_events_with_savepoints(void **state)
{
    deferred_events(*state, 0);
}

/* The first failure after a write runs the batch again with savepoints: the first run's events
 * are dropped with it. */
static void deferred_events_optimistic(void **state)
{
    deferred_events(*state, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(create_records_whole_user_as_after), T(update_keeps_only_changed_fields),
        T(update_adds_and_removes_a_channel),  T(delete_by_the_cli_records_before),
        T(rollback_discards_the_event),        T(listing_filters_order_and_pages),
        T(deleted_user_found_by_name),         T(username_as_of_each_event),
        T(each_streams_and_stops),             cmocka_unit_test(since_parser),
        T(deferred_events_with_savepoints),    T(deferred_events_optimistic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
