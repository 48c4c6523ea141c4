/* test_routing.c — the rules of routing profiles, queues and hours of operation
 * (core/routing_profiles.c, core/queues.c) over a real SQLite file: create and its refusals,
 * the updates, queue association with the quota and all-or-nothing requests, the delete
 * refusals (users holding the profile, the default profile), queue listing pages, search,
 * look-ups by name, time zones, hours slots, and concurrent writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arn.h"
#include "core/context.h"
#include "core/instances.h"
#include "core/queues.h"
#include "core/routing_profiles.h"
#include "store/store.h"
#include "support.h"
#include "util/buf.h"
#include "util/ids.h"

#define N_QUEUES 14

typedef struct fixture {
    test_store ts;
    store_conn *c;
    settings cfg;
    core_ctx cx;
    instance inst;
    instance_defaults defs;
    char queues[N_QUEUES][ID_LEN];
    char hours_id[ID_LEN];
} fixture;

static const rp_media_in voice_chat[] = {{"VOICE", 1, NULL}, {"CHAT", 2, "ROUTE_ANY_CHANNEL"}};

static void make_queue(fixture *f, const char *name, const char *type, char id_out[ID_LEN])
{
    queue q = {0};
    uuid_v4(q.id);
    memcpy(q.instance_id, f->inst.id, ID_LEN);
    q.name = (char *)name;
    memcpy(q.hours_id, f->hours_id, ID_LEN);
    q.max_contacts = -1;
    snprintf(q.queue_type, sizeof q.queue_type, "%s", type);
    q.modified_ms = now_ms();
    assert_int_equal(store_queue_insert(f->c, &q), STORE_OK);
    memcpy(id_out, q.id, ID_LEN);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    test_settings(&f->cfg);
    f->cx = (core_ctx){.conn = f->c, .cfg = &f->cfg, .who = NULL, .now_ms = now_ms()};
    instance_create ic = {.idm_type = "CONNECT_MANAGED", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    if (instances_create(&f->cx, &ic, &f->inst, &f->defs, &created, &e) != 0)
        return -1;
    hours_create hc = {.name = "Unit Hours", .time_zone = "UTC", .config_given = 1};
    if (queues_create_hours(&f->cx, f->inst.id, &hc, f->hours_id, &e) != 0)
        return -1;
    for (int i = 0; i < N_QUEUES; i++) {
        char name[32];
        snprintf(name, sizeof name, "uq-%02d", i);
        make_queue(f, name, "STANDARD", f->queues[i]);
    }
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

/* A create request with VOICE+CHAT media and n queue configs over the fixture's queues. */
static rp_create base_create(fixture *f, const char *name, rp_queue_in *configs, size_t n)
{
    rp_create in = {.name = name,
                    .description = "unit profile",
                    .default_outbound_queue_id = f->queues[0],
                    .media = {voice_chat, 2, 1},
                    .queues = {configs, n, n > 0}};
    return in;
}

static void create_ok(fixture *f, const char *name, char id[ID_LEN])
{
    rp_create in = base_create(f, name, NULL, 0);
    rerr e;
    int rc = routing_profiles_create(&f->cx, f->inst.id, &in, id, &e);
    if (rc)
        fail_msg("create %s: %s", name, e.message);
}

static int64_t count_configs(fixture *f, const char *id)
{
    routing_profile p;
    assert_int_equal(store_routing_profile_get(f->c, f->inst.id, id, &p), STORE_OK);
    int64_t n = (int64_t)p.n_queues;
    routing_profile_clear(&p);
    return n;
}

static void insert_user(fixture *f, const char *username, const char *profile_id, char id_out[ID_LEN])
{
    strlist sps = {0};
    strlist_push(&sps, f->defs.agent_profile_id);
    user_insert u = {.username = username, .first_name = "U", .last_name = "Ser", .routing_profile_id = profile_id,
                     .security_profile_ids = &sps, .now_ms = now_ms()};
    uuid_v4(u.id);
    memcpy(u.instance_id, f->inst.id, ID_LEN);
    assert_int_equal(store_user_insert(f->c, &u), STORE_OK);
    strlist_clear(&sps);
    memcpy(id_out, u.id, ID_LEN);
}

/* ---- create ------------------------------------------------------------------------------------ */

static void create_and_read_back(void **state)
{
    fixture *f = *state;
    rp_queue_in configs[] = {{f->queues[1], "VOICE", 5, 30}, {f->queues[1], "CHAT", 1, 0}};
    rp_queue_in manual[] = {{f->queues[2], "TASK", 0, 0}};
    kvlist tags = {0};
    kvlist_set(&tags, "team", "unit");
    rp_create in = base_create(f, "Unit Sales", configs, 2);
    in.manual = (rp_queue_set){manual, 1, 1};
    in.tags = &tags;
    in.agent_availability_timer = "TIME_SINCE_LAST_INBOUND";
    char id[ID_LEN];
    rerr e;
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, &in, id, &e), 0);
    kvlist_clear(&tags);
    routing_profile p;
    assert_int_equal(store_routing_profile_get(f->c, f->inst.id, id, &p), STORE_OK);
    assert_string_equal(p.name, "Unit Sales");
    assert_string_equal(p.description, "unit profile");
    assert_string_equal(p.default_outbound_queue_id, f->queues[0]);
    assert_string_equal(p.agent_availability_timer, "TIME_SINCE_LAST_INBOUND");
    assert_false(p.is_default);
    assert_int_equal(p.n_media, 2);
    assert_int_equal(p.n_queues, 3);
    int manual_seen = 0;
    for (size_t i = 0; i < p.n_queues; i++)
        manual_seen += p.queues[i].manual && strcmp(p.queues[i].queue_id, f->queues[2]) == 0;
    assert_int_equal(manual_seen, 1);
    routing_profile_clear(&p);
    kvlist got = {0};
    assert_int_equal(store_tags_get(f->c, id, &got), STORE_OK);
    assert_int_equal(got.keys.n, 1);
    kvlist_clear(&got);
    /* By name, and the default profile. */
    assert_int_equal(routing_profile_by_name(&f->cx, f->inst.id, "Unit Sales", &p, &e), 0);
    assert_string_equal(p.id, id);
    routing_profile_clear(&p);
    assert_int_equal(routing_profile_by_name(&f->cx, f->inst.id, "unit sales", &p, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    char def[ID_LEN];
    assert_int_equal(routing_profiles_default(&f->cx, f->inst.id, def, &e), 0);
    assert_string_equal(def, f->defs.routing_profile_id);
}

static void expect_create_error(fixture *f, rp_create *in, err_code code, const char *part)
{
    char id[ID_LEN];
    rerr e;
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, in, id, &e), -1);
    assert_int_equal(e.code, code);
    if (part && !strstr(e.message, part))
        fail_msg("'%s' not in '%s'", part, e.message);
}

static void create_refusals(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    create_ok(f, "Taken", id);
    rp_create in = base_create(f, "Taken", NULL, 0);
    expect_create_error(f, &in, ERR_DUPLICATE, "Taken");
    in.name = "";
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "Name");
    in.name = "Fresh";
    in.description = NULL;
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "Description");
    in = base_create(f, "Fresh", NULL, 0);
    rp_media_in voice2[] = {{"VOICE", 2, NULL}};
    in.media = (rp_media_set){voice2, 1, 1};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "VOICE");
    rp_media_in chat11[] = {{"CHAT", 11, NULL}};
    in.media = (rp_media_set){chat11, 1, 1};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "CHAT");
    rp_media_in twice[] = {{"TASK", 1, NULL}, {"TASK", 2, NULL}};
    in.media = (rp_media_set){twice, 2, 1};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "twice");
    in.media = (rp_media_set){NULL, 0, 0};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "MediaConcurrencies is required");
    /* Queue configs: 11 in one request, bounds, unknown and agent queues. */
    rp_queue_in eleven[11];
    for (int i = 0; i < 11; i++)
        eleven[i] = (rp_queue_in){f->queues[i], "VOICE", 1, 0};
    in = base_create(f, "Fresh", eleven, 11);
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "1 to 10");
    rp_queue_in one[] = {{f->queues[1], "VOICE", 0, 0}};
    in = base_create(f, "Fresh", one, 1);
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "Priority");
    one[0].priority = 100;
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "Priority");
    one[0] = (rp_queue_in){f->queues[1], "VOICE", 99, 10000};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "Delay");
    char nope[ID_LEN];
    uuid_v4(nope);
    one[0] = (rp_queue_in){nope, "VOICE", 1, 0};
    expect_create_error(f, &in, ERR_NOT_FOUND, nope);
    char agent_queue[ID_LEN];
    make_queue(f, NULL, "AGENT", agent_queue);
    one[0] = (rp_queue_in){agent_queue, "VOICE", 1, 0};
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "agent queue");
    in = base_create(f, "Fresh", NULL, 0);
    in.default_outbound_queue_id = nope;
    expect_create_error(f, &in, ERR_NOT_FOUND, "DefaultOutboundQueueId");
    in.default_outbound_queue_id = agent_queue;
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "agent queue");
    in = base_create(f, "Fresh", NULL, 0);
    in.agent_availability_timer = "NEVER";
    expect_create_error(f, &in, ERR_INVALID_PARAMETER, "AgentAvailabilityTimer");
    /* Nothing of the refused creates is left. */
    routing_profile p;
    assert_int_equal(store_routing_profile_by_name(f->c, f->inst.id, "Fresh", &p), STORE_NOTFOUND);
}

/* ---- updates ----------------------------------------------------------------------------------- */

static void updates(void **state)
{
    fixture *f = *state;
    char a[ID_LEN], b[ID_LEN];
    create_ok(f, "Alpha", a);
    create_ok(f, "Beta", b);
    rerr e;
    assert_int_equal(routing_profiles_update_name(&f->cx, f->inst.id, a, "Beta", NULL, &e), -1);
    assert_int_equal(e.code, ERR_DUPLICATE);
    assert_int_equal(routing_profiles_update_name(&f->cx, f->inst.id, a, NULL, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_int_equal(routing_profiles_update_name(&f->cx, f->inst.id, a, NULL, "new description", &e), 0);
    assert_int_equal(routing_profiles_update_name(&f->cx, f->inst.id, a, "Gamma", NULL, &e), 0);
    routing_profile p;
    assert_int_equal(store_routing_profile_get(f->c, f->inst.id, a, &p), STORE_OK);
    assert_string_equal(p.name, "Gamma");
    assert_string_equal(p.description, "new description");
    routing_profile_clear(&p);
    assert_int_equal(routing_profiles_update_outbound_queue(&f->cx, f->inst.id, a, f->queues[3], &e), 0);
    assert_int_equal(routing_profiles_update_outbound_queue(&f->cx, f->inst.id, a, f->hours_id, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    rp_media_in task[] = {{"TASK", 9, NULL}};
    rp_media_set ms = {task, 1, 1};
    assert_int_equal(routing_profiles_update_concurrency(&f->cx, f->inst.id, a, &ms, &e), 0);
    assert_int_equal(store_routing_profile_get(f->c, f->inst.id, a, &p), STORE_OK);
    assert_string_equal(p.default_outbound_queue_id, f->queues[3]);
    assert_int_equal(p.n_media, 1);
    assert_string_equal(p.media[0].channel, "TASK");
    assert_int_equal(p.media[0].concurrency, 9);
    routing_profile_clear(&p);
    char nope[ID_LEN];
    uuid_v4(nope);
    assert_int_equal(routing_profiles_update_concurrency(&f->cx, f->inst.id, nope, &ms, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void associate_update_disassociate(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    create_ok(f, "Assoc", id);
    rerr e;
    rp_queue_in two[] = {{f->queues[1], "VOICE", 1, 0}, {f->queues[2], "CHAT", 2, 5}};
    rp_queue_set set = {two, 2, 1}, none = {0};
    assert_int_equal(routing_profiles_associate(&f->cx, f->inst.id, id, &set, &none, &e), 0);
    /* Duplicate association: the whole request is refused, the new config with it. */
    rp_queue_in dup[] = {{f->queues[3], "VOICE", 1, 0}, {f->queues[1], "VOICE", 9, 9}};
    rp_queue_set dset = {dup, 2, 1};
    assert_int_equal(routing_profiles_associate(&f->cx, f->inst.id, id, &dset, &none, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_non_null(strstr(e.message, "already associated"));
    assert_int_equal(count_configs(f, id), 2);
    /* Update: priority/delay of an associated pair; an unassociated pair is refused. */
    rp_queue_in upd[] = {{f->queues[2], "CHAT", 42, 420}};
    rp_queue_set uset = {upd, 1, 1};
    assert_int_equal(routing_profiles_update_queues(&f->cx, f->inst.id, id, &uset, &e), 0);
    upd[0].channel = "TASK";
    assert_int_equal(routing_profiles_update_queues(&f->cx, f->inst.id, id, &uset, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_non_null(strstr(e.message, "not associated"));
    /* The listing shows the update. */
    rp_queue_page page;
    assert_int_equal(routing_profiles_list_queues(&f->cx, f->inst.id, id, NULL, 100, &page, &e), 0);
    assert_int_equal(page.n, 2);
    assert_string_equal(page.items[1].queue_name, "uq-02");
    assert_int_equal(page.items[1].q.priority, 42);
    assert_int_equal(page.items[1].q.delay, 420);
    rp_queue_page_clear(&page);
    /* Disassociate: all or nothing. */
    rp_queue_in refs[] = {{f->queues[1], "VOICE", 0, 0}, {f->queues[1], "CHAT", 0, 0}};
    rp_queue_set rset = {refs, 2, 1};
    assert_int_equal(routing_profiles_disassociate(&f->cx, f->inst.id, id, &rset, &none, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_int_equal(count_configs(f, id), 2);
    rset.n = 1;
    assert_int_equal(routing_profiles_disassociate(&f->cx, f->inst.id, id, &rset, &none, &e), 0);
    assert_int_equal(count_configs(f, id), 1);
    assert_int_equal(routing_profiles_disassociate(&f->cx, f->inst.id, id, &none, &none, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
}

static void queue_quota(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    create_ok(f, "Quota", id);
    static const char *const ch[] = {"VOICE", "CHAT", "TASK", "EMAIL"};
    rp_queue_in batch[10];
    rp_queue_set none = {0};
    rerr e;
    for (int k = 0; k < 5; k++) {
        for (int i = 0; i < 10; i++) {
            int n = k * 10 + i;
            batch[i] = (rp_queue_in){f->queues[n / 4], ch[n % 4], 1, 0};
        }
        rp_queue_set set = {batch, 10, 1};
        assert_int_equal(routing_profiles_associate(&f->cx, f->inst.id, id, &set, &none, &e), 0);
    }
    assert_int_equal(count_configs(f, id), RP_MAX_QUEUE_CONFIGS);
    rp_queue_in extra[] = {{f->queues[13], "VOICE", 0, 0}};
    rp_queue_set manual = {extra, 1, 1};
    assert_int_equal(routing_profiles_associate(&f->cx, f->inst.id, id, &none, &manual, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_non_null(strstr(e.message, "quota"));
    assert_int_equal(count_configs(f, id), RP_MAX_QUEUE_CONFIGS);
}

/* ---- delete ------------------------------------------------------------------------------------ */

static void delete_refusals(void **state)
{
    fixture *f = *state;
    rerr e;
    assert_int_equal(routing_profiles_delete(&f->cx, f->inst.id, f->defs.routing_profile_id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
    assert_non_null(strstr(e.message, "default"));
    char held[ID_LEN], u1[ID_LEN], u2[ID_LEN];
    create_ok(f, "Held", held);
    insert_user(f, "holder-one", held, u1);
    assert_int_equal(routing_profiles_delete(&f->cx, f->inst.id, held, &e), -1);
    assert_int_equal(e.code, ERR_IN_USE);
    assert_string_equal(e.resource_type, "USER");
    char *arn = arn_resource(&f->cfg, f->inst.id, ARN_USER, u1);
    assert_string_equal(e.resource_id, arn);
    free(arn);
    assert_non_null(strstr(e.message, "held by 1 user;"));
    insert_user(f, "holder-two", held, u2);
    assert_int_equal(routing_profiles_delete(&f->cx, f->inst.id, held, &e), -1);
    assert_int_equal(e.code, ERR_IN_USE);
    assert_non_null(strstr(e.message, "held by 2 users"));
    /* The foreign key is the second guard under the rule. */
    assert_int_equal(store_begin(f->c, 1), STORE_OK);
    assert_int_equal(store_routing_profile_delete(f->c, f->inst.id, held), STORE_FOREIGN);
    store_rollback(f->c);
    /* An unused profile goes, with its tags; then it is not found. */
    kvlist tags = {0};
    kvlist_set(&tags, "k", "v");
    rp_queue_in one[] = {{f->queues[1], "VOICE", 1, 0}};
    rp_create in = base_create(f, "Unused", one, 1);
    in.tags = &tags;
    char unused[ID_LEN];
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, &in, unused, &e), 0);
    kvlist_clear(&tags);
    assert_int_equal(routing_profiles_delete(&f->cx, f->inst.id, unused, &e), 0);
    kvlist got = {0};
    assert_int_equal(store_tags_get(f->c, unused, &got), STORE_OK);
    assert_int_equal(got.keys.n, 0);
    assert_int_equal(routing_profiles_delete(&f->cx, f->inst.id, unused, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

/* ---- list queues and search -------------------------------------------------------------------- */

static void list_queue_pages(void **state)
{
    fixture *f = *state;
    rp_queue_in configs[7];
    for (int i = 0; i < 7; i++)
        configs[i] = (rp_queue_in){f->queues[6 - i], i % 2 ? "CHAT" : "VOICE", i + 1, i};
    rp_create in = base_create(f, "Paged", configs, 7);
    char id[ID_LEN];
    rerr e;
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, &in, id, &e), 0);
    char *token = NULL;
    int seen = 0;
    char last[16] = "";
    for (int pages = 0; pages < 10; pages++) {
        rp_queue_page page;
        assert_int_equal(routing_profiles_list_queues(&f->cx, f->inst.id, id, token, 3, &page, &e), 0);
        free(token);
        token = page.next ? strdup(page.next) : NULL;
        for (size_t i = 0; i < page.n; i++) {
            assert_true(strcmp(page.items[i].queue_name, last) > 0);
            snprintf(last, sizeof last, "%s", page.items[i].queue_name);
            seen++;
        }
        rp_queue_page_clear(&page);
        if (!token)
            break;
    }
    assert_int_equal(seen, 7);
    rp_queue_page page;
    assert_int_equal(routing_profiles_list_queues(&f->cx, f->inst.id, id, "bogus", 3, &page, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
}

static search_node *add_string(search_node *parent, const char *field, search_cmp cmp, const char *value)
{
    search_node *n = search_add(parent, SEARCH_STRING);
    n->field = strdup(field);
    n->cmp = cmp;
    n->value = strdup(value);
    return n;
}

static void search_profiles(void **state)
{
    fixture *f = *state;
    char east[ID_LEN], west[ID_LEN], billing[ID_LEN];
    rp_queue_in q1[] = {{f->queues[1], "VOICE", 1, 0}};
    rp_create in = base_create(f, "Sales East", q1, 1);
    kvlist tags = {0};
    kvlist_set(&tags, "team", "sales");
    in.tags = &tags;
    rerr e;
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, &in, east, &e), 0);
    in.name = "Sales West";
    in.queues = (rp_queue_set){0};
    assert_int_equal(routing_profiles_create(&f->cx, f->inst.id, &in, west, &e), 0);
    kvlist_clear(&tags);
    create_ok(f, "Billing", billing);
    /* name STARTS_WITH "sales" (case-insensitive) OR associatedQueueIds = queues[1]: both Sales. */
    search_node root = {.kind = SEARCH_AND};
    search_node *or = search_add(&root, SEARCH_OR);
    add_string(or, "name", CMP_STARTS_WITH, "sales");
    add_string(or, "associatedQueueIds", CMP_EXACT, f->queues[1]);
    rp_search_page page;
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, NULL, 1, &page, &e), 0);
    assert_int_equal(page.total, 2);
    assert_int_equal(page.n, 1);
    assert_string_equal(page.items[0].name, "Sales East");
    assert_non_null(page.next);
    char *token = strdup(page.next);
    rp_search_page_clear(&page);
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, token, 1, &page, &e), 0);
    free(token);
    assert_int_equal(page.n, 1);
    assert_string_equal(page.items[0].name, "Sales West");
    assert_int_equal(page.tags[0].keys.n, 1);
    assert_null(page.next);
    rp_search_page_clear(&page);
    /* AND a tag condition and a queue: only East. */
    search_node *tag = search_add(&root, SEARCH_TAG);
    tag->key = strdup("team");
    tag->value = strdup("sales");
    add_string(&root, "associatedQueueIds", CMP_EXACT, f->queues[1]);
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, NULL, 10, &page, &e), 0);
    assert_int_equal(page.total, 1);
    assert_string_equal(page.items[0].id, east);
    rp_search_page_clear(&page);
    search_clear(&root);
    /* resourceID, resourceId; an unknown field is refused. */
    root = (search_node){.kind = SEARCH_AND};
    add_string(&root, "resourceId", CMP_EXACT, billing);
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, NULL, 10, &page, &e), 0);
    assert_int_equal(page.total, 1);
    assert_string_equal(page.items[0].name, "Billing");
    rp_search_page_clear(&page);
    add_string(&root, "Username", CMP_EXACT, "x");
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, NULL, 10, &page, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    search_clear(&root);
    /* Everything: the default profile too. */
    root = (search_node){.kind = SEARCH_AND};
    assert_int_equal(routing_profiles_search(&f->cx, f->inst.id, &root, NULL, 500, &page, &e), 0);
    assert_int_equal(page.total, 4);
    assert_int_equal(page.n, 4);
    rp_search_page_clear(&page);
}

/* ---- queues and hours -------------------------------------------------------------------------- */

static void queue_create_rules(void **state)
{
    fixture *f = *state;
    queue_create in = {.name = "Callers",
                       .hours_id = f->hours_id,
                       .caller_id_name = "ACME",
                       .caller_id_number_id = "pn-1",
                       .outbound_flow_id = "",
                       .max_contacts = 7,
                       .has_max_contacts = 1};
    char id[ID_LEN];
    rerr e;
    assert_int_equal(queues_create(&f->cx, f->inst.id, &in, id, &e), 0);
    queue q;
    assert_int_equal(store_queue_get(f->c, f->inst.id, id, &q), STORE_OK);
    assert_string_equal(q.outbound_caller_id_name, "ACME");
    assert_string_equal(q.outbound_caller_id_number_id, "pn-1");
    assert_string_equal(q.outbound_flow_id, "");
    assert_int_equal(q.max_contacts, 7);
    assert_string_equal(q.queue_type, "STANDARD");
    queue_clear(&q);
    assert_int_equal(queues_create(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_DUPLICATE);
    in.name = "Other";
    in.hours_id = f->queues[0];
    assert_int_equal(queues_create(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    in.hours_id = f->hours_id;
    in.has_quick_connects = 1;
    assert_int_equal(queues_create(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
    in.has_quick_connects = 0;
    in.max_contacts = -1;
    assert_int_equal(queues_create(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
}

static void hours_rules(void **state)
{
    fixture *f = *state;
    hours_slot_in slots[] = {{"MONDAY", 9, 0, 12, 0}, {"MONDAY", 12, 0, 0, 0}, {"SUNDAY", 0, 0, 0, 0}};
    hours_create in = {.name = "Shifts", .time_zone = "Europe/Paris", .config = slots, .n_config = 3,
                       .config_given = 1};
    char id[ID_LEN];
    rerr e;
    assert_int_equal(queues_create_hours(&f->cx, f->inst.id, &in, id, &e), 0);
    hours h;
    assert_int_equal(store_hours_get(f->c, f->inst.id, id, &h), STORE_OK);
    assert_int_equal(h.n_slots, 3);
    assert_string_equal(h.time_zone, "Europe/Paris");
    hours_clear(&h);
    assert_int_equal(queues_create_hours(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_DUPLICATE);
    in.name = "Other";
    const struct {
        hours_slot_in slot;
        const char *part;
    } bad[] = {{{"MONDAY", 9, 0, 24, 0}, "EndTime.Hours"}, {{"MONDAY", 9, 60, 10, 0}, "StartTime.Minutes"},
               {{"MONDAY", 10, 0, 9, 0}, "after"},        {{"MONDAY", 10, 0, 10, 0}, "after"},
               {{"Monday", 9, 0, 10, 0}, "Day"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in.config = &bad[i].slot;
        in.n_config = 1;
        assert_int_equal(queues_create_hours(&f->cx, f->inst.id, &in, id, &e), -1);
        assert_int_equal(e.code, ERR_INVALID_PARAMETER);
        if (!strstr(e.message, bad[i].part))
            fail_msg("'%s' not in '%s'", bad[i].part, e.message);
    }
    hours_slot_in overlap[] = {{"FRIDAY", 20, 0, 0, 0}, {"FRIDAY", 23, 0, 23, 30}};
    in.config = overlap;
    in.n_config = 2;
    assert_int_equal(queues_create_hours(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_non_null(strstr(e.message, "overlap"));
    in.n_config = 0;
    in.has_parents = 1;
    assert_int_equal(queues_create_hours(&f->cx, f->inst.id, &in, id, &e), -1);
    assert_int_equal(e.code, ERR_INVALID_REQUEST);
}

static void write_file(const char *path, const char *content)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(content, fp);
    fclose(fp);
}

static void time_zones(void **state)
{
    fixture *f = *state;
    rerr e;
    /* A zoneinfo directory of our own: only TZif files are zones. */
    char dir[128], sub[160], file[200];
    snprintf(dir, sizeof dir, "%s/zi", f->ts.dir);
    snprintf(sub, sizeof sub, "%s/Area", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(file, sizeof file, "%s/City", sub);
    write_file(file, "TZif2 and more");
    snprintf(file, sizeof file, "%s/zone.tab", dir);
    write_file(file, "# not a zone");
    snprintf(file, sizeof file, "%s/Notes", dir);
    write_file(file, "plain text");
    assert_int_equal(queues_check_time_zone(&e, dir, "Area/City"), 0);
    const char *const bad[] = {"Area", "Area/Town", "Notes", "zone.tab", "../zi/Area/City", "/Area/City",
                               "Area//City", "Area/City/", "Area/./City", "Area/City ", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (queues_check_time_zone(&e, dir, bad[i]) != -1)
            fail_msg("'%s' accepted", bad[i]);
        assert_string_equal(e.field, "TimeZone");
    }
    /* Without a zoneinfo directory: the shape decides. */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none", f->ts.dir);
    const char *const shaped[] = {"UTC", "GMT", "Europe/Paris", "America/Argentina/Buenos_Aires", "Mars/Base"};
    for (size_t i = 0; i < sizeof shaped / sizeof shaped[0]; i++)
        assert_int_equal(queues_check_time_zone(&e, missing, shaped[i]), 0);
    const char *const unshaped[] = {"utc", "Paris", "europe/paris", "A/B/C/D", "Europe/Paris;rm"};
    for (size_t i = 0; i < sizeof unshaped / sizeof unshaped[0]; i++)
        if (queues_check_time_zone(&e, missing, unshaped[i]) != -1)
            fail_msg("'%s' accepted without zoneinfo", unshaped[i]);
}

/* ---- concurrent writers ------------------------------------------------------------------------ */

typedef struct racer {
    fixture *f;
    const char *profile_id;
    int first_queue;
    int rc;
    err_code code;
} racer;

static void *associate_five(void *arg)
{
    racer *r = arg;
    store_conn *c = store_conn_get(r->f->ts.st);
    core_ctx cx = {.conn = c, .cfg = &r->f->cfg, .now_ms = now_ms()};
    rp_queue_in five[5];
    for (int i = 0; i < 5; i++)
        five[i] = (rp_queue_in){r->f->queues[r->first_queue + i], "EMAIL", 1, 0};
    rp_queue_set set = {five, 5, 1}, none = {0};
    rerr e = {0};
    r->rc = routing_profiles_associate(&cx, r->f->inst.id, r->profile_id, &set, &none, &e);
    r->code = e.code;
    store_conn_put(c);
    return NULL;
}

static void *create_same_name(void *arg)
{
    racer *r = arg;
    store_conn *c = store_conn_get(r->f->ts.st);
    core_ctx cx = {.conn = c, .cfg = &r->f->cfg, .now_ms = now_ms()};
    rp_create in = base_create(r->f, "Raced Name", NULL, 0);
    char id[ID_LEN];
    rerr e = {0};
    r->rc = routing_profiles_create(&cx, r->f->inst.id, &in, id, &e);
    r->code = e.code;
    store_conn_put(c);
    return NULL;
}

static void concurrent_writers(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    create_ok(f, "Race", id);
    /* Fill to 45 configs (VOICE, CHAT, TASK on 14 queues = 42, plus 3 EMAIL). */
    static const char *const ch[] = {"VOICE", "CHAT", "TASK"};
    rp_queue_set none = {0};
    rerr e;
    for (int k = 0; k < 45; k += 9) {
        rp_queue_in batch[9];
        for (int i = 0; i < 9; i++) {
            int n = k + i;
            batch[i] = n < 42 ? (rp_queue_in){f->queues[n / 3], ch[n % 3], 1, 0}
                              : (rp_queue_in){f->queues[n - 42], "EMAIL", 1, 0};
        }
        rp_queue_set set = {batch, 9, 1};
        assert_int_equal(routing_profiles_associate(&f->cx, f->inst.id, id, &set, &none, &e), 0);
    }
    assert_int_equal(count_configs(f, id), 45);
    /* Two writers each add 5 EMAIL configs: only one fits under the quota of 50. */
    racer r[2] = {{f, id, 3, 0, 0}, {f, id, 8, 0, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, associate_five, &r[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal((r[0].rc == 0) + (r[1].rc == 0), 1);
    assert_int_equal(r[0].rc ? r[0].code : r[1].code, ERR_INVALID_PARAMETER);
    assert_int_equal(count_configs(f, id), 50);
    /* Four writers create the same name: exactly one wins. */
    racer c[4];
    pthread_t ct[4];
    for (int i = 0; i < 4; i++) {
        c[i] = (racer){f, NULL, 0, 0, 0};
        pthread_create(&ct[i], NULL, create_same_name, &c[i]);
    }
    int wins = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(ct[i], NULL);
        wins += c[i].rc == 0;
        if (c[i].rc)
            assert_int_equal(c[i].code, ERR_DUPLICATE);
    }
    assert_int_equal(wins, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(create_and_read_back), T(create_refusals), T(updates), T(associate_update_disassociate),
        T(queue_quota), T(delete_refusals), T(list_queue_pages), T(search_profiles), T(queue_create_rules),
        T(hours_rules), T(time_zones), T(concurrent_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
