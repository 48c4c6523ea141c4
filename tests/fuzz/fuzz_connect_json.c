/* fuzz_connect_json.c — the JSON readers of the Connect requests: the input is a request body
 * (parsed as src/api/dispatch.c does), and every reader of a body that does not touch the store
 * runs over it (api/connect_readers.h, the jsonio.h and core/json_members.h getters, the inline
 * reads of the handlers, the batch documents of jobs/bulk.h). Whatever a reader returns, what it
 * allocated is released and its error is well-formed. */
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "core/json_members.h"
#include "jobs/bulk.h"
#include "body.h"
#include "fuzz.h"

/* An error a reader returned: a code set and a terminated message. */
static void check_error(int rc, const rerr *e)
{
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc) {
        FUZZ_CHECK(e->code != ERR_NONE && e->code < ERR__COUNT);
        FUZZ_CHECK(memchr(e->message, 0, sizeof e->message) && memchr(e->field, 0, sizeof e->field));
    }
}

/* A fresh call around the document for the next reader. */
static void reset(api_call *c, json_t *doc)
{
    memset(c, 0, sizeof *c);
    c->in = doc;
}

static void users(api_call *c, json_t *doc)
{
    create_body b;
    reset(c, doc);
    check_error(read_create(c, &b), &c->err);
    create_body_clear(&b);

    /* UpdateUserIdentityInfo, UpdateUserPhoneConfig, UpdateUserConfig. */
    json_t *obj;
    user_identity_in id;
    user_phone_in ph;
    reset(c, doc);
    int rc = mj_obj(&c->err, doc, NULL, "IdentityInfo", 1, &obj) || read_identity(&c->err, obj, &id) ? -1 : 0;
    check_error(rc, &c->err);
    reset(c, doc);
    rc = mj_obj(&c->err, doc, NULL, "PhoneConfig", 1, &obj) || read_phone(&c->err, obj, &ph) ? -1 : 0;
    check_error(rc, &c->err);
    user_config_in cfg;
    user_channel_in *items[UCFG__COUNT];
    reset(c, doc);
    check_error(read_config(&c->err, doc, &cfg, items), &c->err);
    free_config(items);

    strlist ids = {0};
    int present;
    reset(c, doc);
    check_error(jget_strlist(&c->err, doc, "SecurityProfileIds", &ids, &present), &c->err);
    strlist_clear(&ids);
}

static void security(api_call *c, json_t *doc)
{
    for (int create = 0; create <= 1; create++) {
        change_body b;
        reset(c, doc);
        check_error(read_change(c, &b, create), &c->err);
        change_clear(&b);
    }
}

static void hierarchy(api_call *c, json_t *doc)
{
    const char *names[HIERARCHY_LEVELS] = {0};
    reset(c, doc);
    check_error(read_structure(c, names), &c->err);
    search_node root = {.kind = SEARCH_AND};
    reset(c, doc);
    check_error(read_search(c, &root), &c->err);
    search_clear(&root);
}

static void queues(api_call *c, json_t *doc)
{
    queue_create q = {0};
    reset(c, doc);
    check_error(parse_outbound_caller(c, &q), &c->err);
    hours_create h = {0};
    hours_slot_in *slots = NULL;
    reset(c, doc);
    check_error(parse_config(c, &h, &slots), &c->err);
    free(slots);
}

static void routing(api_call *c, json_t *doc)
{
    static const struct {
        const char *name;
        int kind;
    } lists[] = {
        {"QueueConfigs", LIST_CONFIGS},
        {"ManualAssignmentQueueConfigs", LIST_MANUAL_CONFIGS},
        {"QueueReferences", LIST_REFERENCES},
        {"ManualAssignmentQueueReferences", LIST_REFERENCES},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        rp_queue_set set;
        rp_queue_in *storage = NULL;
        reset(c, doc);
        int rc = parse_queue_list(c, lists[i].name, lists[i].kind, &set, &storage);
        check_error(rc, &c->err);
        FUZZ_CHECK(rc != 0 || !set.given || set.n == json_array_size(json_object_get(doc, lists[i].name)));
        free(storage);
    }
    rp_media_set media;
    rp_media_in *m = NULL;
    reset(c, doc);
    check_error(parse_media(c, &media, &m), &c->err);
    free(m);
    search_node root = {.kind = SEARCH_AND};
    reset(c, doc);
    check_error(search_tree(c, &root), &c->err);
    search_clear(&root);
}

static void user_search(api_call *c, json_t *doc)
{
    search_node root = {.kind = SEARCH_AND};
    int present;
    reset(c, doc);
    check_error(read_filter(c, &root, &present), &c->err);
    search_clear(&root);
}

/* The members handlers read inline with the jsonio.h getters: every getter on every name. */
static void getters(api_call *c, json_t *doc)
{
    static const char *const names[] = {"InstanceId", "Name", "Description", "NextToken", "MaxResults",
                                        "Username", "Tags", "tags", "InboundCallsEnabled",
                                        "IdentityManagementType", "MaxContacts", "RoutingProfileId"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *s;
        int b, present;
        int64_t v;
        kvlist map = {0};
        strlist list = {0};
        reset(c, doc);
        check_error(jget_str(&c->err, doc, names[i], 0, &s), &c->err);
        reset(c, doc);
        check_error(jget_bool(&c->err, doc, names[i], 0, &b, &present), &c->err);
        reset(c, doc);
        check_error(jget_int(&c->err, doc, names[i], 0, &v, &present), &c->err);
        reset(c, doc);
        check_error(jget_map(&c->err, doc, names[i], &map, &present), &c->err);
        kvlist_clear(&map);
        reset(c, doc);
        check_error(jget_strlist(&c->err, doc, names[i], &list, &present), &c->err);
        strlist_clear(&list);
        reset(c, doc);
        check_error(jrefuse(&c->err, doc, names[i], "fuzz"), &c->err);
    }
    size_t limit;
    reset(c, doc);
    int rc = api_search_limit(c, 500, &limit);
    check_error(rc, &c->err);
    FUZZ_CHECK(rc != 0 || (limit >= 1 && limit <= 500));
}

/* The roster API's batch documents (jobs/bulk.h): the body read as Changes, and as one entry of
 * Edits. */
static void batches(api_call *c, json_t *doc)
{
    bulk_changes ch;
    reset(c, doc);
    check_error(bulk_changes_read(&c->err, doc, &ch), &c->err);
    bulk_changes_clear(&ch);
    bulk_user_edit ed;
    reset(c, doc);
    check_error(bulk_user_edit_read(&c->err, doc, "Edits[0]", 1, &ed), &c->err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = fuzz_body(data, size);
    if (!doc)
        return 0;
    api_call c;
    users(&c, doc);
    security(&c, doc);
    hierarchy(&c, doc);
    queues(&c, doc);
    routing(&c, doc);
    user_search(&c, doc);
    getters(&c, doc);
    batches(&c, doc);
    json_decref(doc);
    return 0;
}
