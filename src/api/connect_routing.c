/* connect_routing.c — the rest-json shapes of routing profiles: create, describe, list,
 * search, the five updates, associate/disassociate queues, list queues, delete. The rules are
 * core/routing_profiles.c's; this file only translates. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "core/json_members.h"
#include "api/search_json.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/resources.h"
#include "core/routing_profiles.h"
#include "util/buf.h"

/* ---- reading request shapes ------------------------------------------------------------------ */

/* LIST_CONFIGS, LIST_MANUAL_CONFIGS, LIST_REFERENCES: api/connect_readers.h. */

/* Reads {QueueId, Channel} of ref (a RoutingProfileQueueReference at path) into q. */
static int parse_reference(rerr *e, json_t *ref, const char *path, rp_queue_in *q)
{
    return mj_str(e, ref, path, "QueueId", 1, &q->queue_id) || mj_str(e, ref, path, "Channel", 1, &q->channel);
}

/* Reads item i of list `name` (of the given kind) into q. */
static int parse_queue_item(rerr *e, json_t *item, const char *name, size_t i, int kind, rp_queue_in *q)
{
    char path[96], ref_path[128];
    snprintf(path, sizeof path, "%s[%zu]", name, i);
    if (kind == LIST_REFERENCES)
        return parse_reference(e, item, path, q);
    json_t *ref;
    snprintf(ref_path, sizeof ref_path, "%s.QueueReference", path);
    if (mj_obj(e, item, path, "QueueReference", 1, &ref) || parse_reference(e, ref, ref_path, q))
        return -1;
    if (kind == LIST_MANUAL_CONFIGS)
        return 0;
    return mj_int(e, item, path, "Priority", 1, &q->priority) || mj_int(e, item, path, "Delay", 1, &q->delay) ? -1
                                                                                                             : 0;
}

/* Reads list member `name` of the body into *set; *storage (caller frees) holds the items. */
int parse_queue_list(api_call *c, const char *name, int kind, rp_queue_set *set, rp_queue_in **storage)
{
    json_t *list;
    memset(set, 0, sizeof *set);
    *storage = NULL;
    if (mj_list(&c->err, c->in, NULL, name, 0, &list))
        return -1;
    if (!list)
        return 0;
    size_t n = json_array_size(list);
    *storage = xcalloc(n + 1, sizeof **storage);
    for (size_t i = 0; i < n; i++) {
        json_t *item;
        if (mj_item_obj(&c->err, list, name, i, &item) ||
            parse_queue_item(&c->err, item, name, i, kind, &(*storage)[i]))
            return -1;
    }
    set->items = *storage;
    set->n = n;
    set->given = 1;
    return 0;
}

static int parse_media_item(rerr *e, json_t *item, size_t i, rp_media_in *m)
{
    char path[64], cross_path[96];
    snprintf(path, sizeof path, "MediaConcurrencies[%zu]", i);
    snprintf(cross_path, sizeof cross_path, "%s.CrossChannelBehavior", path);
    json_t *cross;
    if (mj_str(e, item, path, "Channel", 1, &m->channel) || mj_int(e, item, path, "Concurrency", 1, &m->concurrency) ||
        mj_obj(e, item, path, "CrossChannelBehavior", 0, &cross))
        return -1;
    return cross ? mj_str(e, cross, cross_path, "BehaviorType", 1, &m->cross_channel) : 0;
}

/* Reads MediaConcurrencies (required) into *set; *storage (caller frees) holds the items. */
int parse_media(api_call *c, rp_media_set *set, rp_media_in **storage)
{
    json_t *list;
    memset(set, 0, sizeof *set);
    *storage = NULL;
    if (mj_list(&c->err, c->in, NULL, "MediaConcurrencies", 1, &list))
        return -1;
    size_t n = json_array_size(list);
    *storage = xcalloc(n + 1, sizeof **storage);
    for (size_t i = 0; i < n; i++) {
        json_t *item;
        if (mj_item_obj(&c->err, list, "MediaConcurrencies", i, &item) ||
            parse_media_item(&c->err, item, i, &(*storage)[i]))
            return -1;
    }
    set->items = *storage;
    set->n = n;
    set->given = 1;
    return 0;
}

/* ---- writing response shapes ----------------------------------------------------------------- */

/* MediaConcurrencies; with_cross adds CrossChannelBehavior (left out of search results). */
static json_t *media_json(const routing_profile *p, int with_cross)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->n_media; i++) {
        json_t *m = json_pack("{s:s, s:i}", "Channel", p->media[i].channel, "Concurrency", p->media[i].concurrency);
        const char *cross = p->media[i].cross_channel[0] ? p->media[i].cross_channel : "ROUTE_CURRENT_CHANNEL_ONLY";
        if (with_cross)
            json_object_set_new(m, "CrossChannelBehavior", json_pack("{s:s}", "BehaviorType", cross));
        json_array_append_new(arr, m);
    }
    return arr;
}

/* Appends queue_id to the string array target unless it is there already. */
static void add_unique(json_t *target, const char *queue_id)
{
    size_t i;
    json_t *v;
    json_array_foreach(target, i, v) {
        if (strcmp(json_string_value(v), queue_id) == 0)
            return;
    }
    json_array_append_new(target, json_string(queue_id));
}

/* The RoutingProfile shape. full: DescribeRoutingProfile (with LastModifiedTime/Region,
 * CrossChannelBehavior and AgentAvailabilityTimer); else SearchRoutingProfiles' subset.
 * tags NULL: read them from the store. */
static json_t *profile_json(api_call *c, const routing_profile *p, const kvlist *tags, int full)
{
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_ROUTING_PROFILE, p->id);
    json_t *queues = json_array(), *manual = json_array();
    for (size_t i = 0; i < p->n_queues; i++)
        add_unique(p->queues[i].manual ? manual : queues, p->queues[i].queue_id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:b}", "InstanceId", c->inst.id,
                          "Name", p->name, "RoutingProfileArn", arn, "RoutingProfileId", p->id, "Description",
                          p->description, "MediaConcurrencies", media_json(p, full), "DefaultOutboundQueueId",
                          p->default_outbound_queue_id, "NumberOfAssociatedQueues",
                          (json_int_t)json_array_size(queues), "NumberOfAssociatedManualAssignmentQueues",
                          (json_int_t)json_array_size(manual), "NumberOfAssociatedUsers", (json_int_t)p->n_users,
                          "IsDefault", p->is_default);
    json_object_set_new(o, "AssociatedQueueIds", queues);
    json_object_set_new(o, "AssociatedManualAssignmentQueueIds", manual);
    if (tags && tags->keys.n)
        json_object_set_new(o, "Tags", jmap(tags));
    else if (!tags)
        api_tags(c, o, "Tags", p->id);
    if (full) {
        jset_str(o, "AgentAvailabilityTimer", p->agent_availability_timer, 1);
        api_modified(c, o, p->modified_ms);
    }
    free(arn);
    return o;
}

/* ---- operations ------------------------------------------------------------------------------ */

static int list_routing_profiles(api_call *c)
{
    return api_list_kind(c, RES_ROUTING_PROFILE, 0, "RoutingProfileSummaryList");
}

static int describe_routing_profile(api_call *c)
{
    routing_profile p;
    if (resources_routing_profile(&c->cx, c->inst.id, c->labels[1], &p, &c->err))
        return -1;
    c->out = json_pack("{s:o}", "RoutingProfile", profile_json(c, &p, NULL, 1));
    routing_profile_clear(&p);
    return 0;
}

static int create_routing_profile(api_call *c)
{
    rp_create in = {0};
    rp_media_in *media = NULL;
    rp_queue_in *queues = NULL, *manual = NULL;
    kvlist tags = {0};
    int has_tags = 0, rc = -1;
    if (jget_str(&c->err, c->in, "Name", 1, &in.name) || jget_str(&c->err, c->in, "Description", 1, &in.description) ||
        jget_str(&c->err, c->in, "DefaultOutboundQueueId", 1, &in.default_outbound_queue_id) ||
        jget_str(&c->err, c->in, "AgentAvailabilityTimer", 0, &in.agent_availability_timer) ||
        parse_media(c, &in.media, &media) || parse_queue_list(c, "QueueConfigs", LIST_CONFIGS, &in.queues, &queues) ||
        parse_queue_list(c, "ManualAssignmentQueueConfigs", LIST_MANUAL_CONFIGS, &in.manual, &manual) ||
        jget_map(&c->err, c->in, "Tags", &tags, &has_tags))
        goto done;
    in.tags = has_tags ? &tags : NULL;
    char id[ID_LEN];
    if (routing_profiles_create(&c->cx, c->inst.id, &in, id, &c->err))
        goto done;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_ROUTING_PROFILE, id);
    c->out = json_pack("{s:s, s:s}", "RoutingProfileArn", arn, "RoutingProfileId", id);
    free(arn);
    rc = 0;
done:
    free(media);
    free(queues);
    free(manual);
    kvlist_clear(&tags);
    return rc;
}

static int update_name(api_call *c)
{
    const char *name, *description;
    if (jget_str(&c->err, c->in, "Name", 0, &name) || jget_str(&c->err, c->in, "Description", 0, &description))
        return -1;
    return routing_profiles_update_name(&c->cx, c->inst.id, c->labels[1], name, description, &c->err);
}

static int update_outbound_queue(api_call *c)
{
    const char *queue_id;
    if (jget_str(&c->err, c->in, "DefaultOutboundQueueId", 1, &queue_id))
        return -1;
    return routing_profiles_update_outbound_queue(&c->cx, c->inst.id, c->labels[1], queue_id, &c->err);
}

static int update_concurrency(api_call *c)
{
    rp_media_set set;
    rp_media_in *media;
    int rc = parse_media(c, &set, &media);
    if (rc == 0)
        rc = routing_profiles_update_concurrency(&c->cx, c->inst.id, c->labels[1], &set, &c->err);
    free(media);
    return rc;
}

static int update_queues(api_call *c)
{
    rp_queue_set set;
    rp_queue_in *items;
    int rc = parse_queue_list(c, "QueueConfigs", LIST_CONFIGS, &set, &items);
    if (rc == 0)
        rc = routing_profiles_update_queues(&c->cx, c->inst.id, c->labels[1], &set, &c->err);
    free(items);
    return rc;
}

static int associate_queues(api_call *c)
{
    rp_queue_set std, manual;
    rp_queue_in *a = NULL, *b = NULL;
    int rc = parse_queue_list(c, "QueueConfigs", LIST_CONFIGS, &std, &a);
    if (rc == 0)
        rc = parse_queue_list(c, "ManualAssignmentQueueConfigs", LIST_MANUAL_CONFIGS, &manual, &b);
    if (rc == 0)
        rc = routing_profiles_associate(&c->cx, c->inst.id, c->labels[1], &std, &manual, &c->err);
    free(a);
    free(b);
    return rc;
}

static int disassociate_queues(api_call *c)
{
    rp_queue_set std, manual;
    rp_queue_in *a = NULL, *b = NULL;
    int rc = parse_queue_list(c, "QueueReferences", LIST_REFERENCES, &std, &a);
    if (rc == 0)
        rc = parse_queue_list(c, "ManualAssignmentQueueReferences", LIST_REFERENCES, &manual, &b);
    if (rc == 0)
        rc = routing_profiles_disassociate(&c->cx, c->inst.id, c->labels[1], &std, &manual, &c->err);
    free(a);
    free(b);
    return rc;
}

static int delete_routing_profile(api_call *c)
{
    return routing_profiles_delete(&c->cx, c->inst.id, c->labels[1], &c->err);
}

static int list_routing_profile_queues(api_call *c)
{
    size_t limit;
    if (api_page_limit(c, 100, &limit))
        return -1;
    rp_queue_page page;
    if (routing_profiles_list_queues(&c->cx, c->inst.id, c->labels[1], request_param(c->r, "nextToken"), limit,
                                     &page, &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < page.n; i++) {
        const rp_queue_row *r = &page.items[i];
        char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_QUEUE, r->q.queue_id);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s}", "QueueId", r->q.queue_id, "QueueArn",
                                             arn, "QueueName", r->queue_name, "Priority", r->q.priority, "Delay",
                                             r->q.delay, "Channel", r->q.channel));
        free(arn);
    }
    c->out = json_pack("{s:o}", "RoutingProfileQueueConfigSummaryList", arr);
    if (page.next)
        json_object_set_new(c->out, "NextToken", json_string(page.next));
    api_modified(c, c->out, page.modified_ms);
    rp_queue_page_clear(&page);
    return 0;
}

/* Builds the search tree of SearchCriteria and SearchFilter.TagFilter under root. */
int search_tree(api_call *c, search_node *root)
{
    json_t *filter, *tag_filter = NULL;
    if (mj_obj(&c->err, c->in, NULL, "SearchFilter", 0, &filter) ||
        (filter && mj_obj(&c->err, filter, "SearchFilter", "TagFilter", 0, &tag_filter)))
        return -1;
    json_t *criteria = json_object_get(c->in, "SearchCriteria");
    return search_json_criteria(&c->err, criteria, root) || search_json_tag_filter(&c->err, tag_filter, root) ? -1
                                                                                                              : 0;
}

static int search_routing_profiles(api_call *c)
{
    size_t limit;
    const char *token;
    if (api_search_limit(c, 500, &limit) || jget_str(&c->err, c->in, "NextToken", 0, &token))
        return -1;
    search_node root = {.kind = SEARCH_AND};
    rp_search_page page;
    int rc = search_tree(c, &root);
    if (rc == 0)
        rc = routing_profiles_search(&c->cx, c->inst.id, &root, token, limit, &page, &c->err);
    search_clear(&root);
    if (rc)
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(arr, profile_json(c, &page.items[i], &page.tags[i], 0));
    c->out = json_pack("{s:o, s:I}", "RoutingProfiles", arr, "ApproximateTotalCount", (json_int_t)page.total);
    if (page.next)
        json_object_set_new(c->out, "NextToken", json_string(page.next));
    rp_search_page_clear(&page);
    return 0;
}

#define RP_PATH "/routing-profiles/{InstanceId}/{RoutingProfileId}"

static const api_op ops[] = {
    {"ListRoutingProfiles", "GET", "/routing-profiles-summary/{InstanceId}", CORE_ROUTING_PROFILES_LIST, 0,
     list_routing_profiles},
    {"DescribeRoutingProfile", "GET", RP_PATH, CORE_ROUTING_PROFILES_DESCRIBE, 0, describe_routing_profile},
    {"CreateRoutingProfile", "PUT", "/routing-profiles/{InstanceId}", CORE_ROUTING_PROFILES_CREATE, 0,
     create_routing_profile},
    {"SearchRoutingProfiles", "POST", "/search-routing-profiles", CORE_ROUTING_PROFILES_SEARCH, OP_BODY_INSTANCE,
     search_routing_profiles},
    {"UpdateRoutingProfileName", "POST", RP_PATH "/name", CORE_ROUTING_PROFILES_UPDATE_NAME, 0, update_name},
    {"UpdateRoutingProfileDefaultOutboundQueue", "POST", RP_PATH "/default-outbound-queue",
     CORE_ROUTING_PROFILES_UPDATE_OUTBOUND_QUEUE, 0, update_outbound_queue},
    {"UpdateRoutingProfileConcurrency", "POST", RP_PATH "/concurrency", CORE_ROUTING_PROFILES_UPDATE_CONCURRENCY, 0,
     update_concurrency},
    {"UpdateRoutingProfileQueues", "POST", RP_PATH "/queues", CORE_ROUTING_PROFILES_UPDATE_QUEUES, 0, update_queues},
    {"AssociateRoutingProfileQueues", "POST", RP_PATH "/associate-queues", CORE_ROUTING_PROFILES_ASSOCIATE, 0,
     associate_queues},
    {"DisassociateRoutingProfileQueues", "POST", RP_PATH "/disassociate-queues", CORE_ROUTING_PROFILES_DISASSOCIATE, 0,
     disassociate_queues},
    {"ListRoutingProfileQueues", "GET", RP_PATH "/queues", CORE_ROUTING_PROFILES_LIST_QUEUES, 0,
     list_routing_profile_queues},
    {"DeleteRoutingProfile", "DELETE", RP_PATH, CORE_ROUTING_PROFILES_DELETE, 0, delete_routing_profile},
};

const api_op *connect_routing_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
