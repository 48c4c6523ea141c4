/* connect_resources.c — the rest-json shapes of security profiles, routing profiles, queues
 * and hours of operation (list and describe). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/resources.h"

/* Adds "Tags" to o when the resource has any. */
static void add_tags(api_call *c, json_t *o, const char *key, const char *resource_id)
{
    kvlist tags = {0};
    if (store_tags_get(c->cx.conn, resource_id, &tags) == STORE_OK && tags.keys.n)
        json_object_set_new(o, key, jmap(&tags));
    kvlist_clear(&tags);
}

static void add_modified(api_call *c, json_t *o, int64_t ms)
{
    json_object_set_new(o, "LastModifiedTime", jtime(ms));
    json_object_set_new(o, "LastModifiedRegion", json_string(c->cx.cfg->region));
}

static int page_limit(api_call *c, int64_t max, size_t *limit)
{
    int64_t v = 0;
    int present;
    return qget_int(&c->err, c->r, "maxResults", &v, &present) ||
                   page_size(&c->err, "maxResults", present, v, 1, max, max < 100 ? max : 100, limit)
               ? -1
               : 0;
}

static const char *arn_kind(resource_kind kind, const summary *s)
{
    switch (kind) {
    case RES_SECURITY_PROFILE: return ARN_SECURITY_PROFILE;
    case RES_ROUTING_PROFILE: return ARN_ROUTING_PROFILE;
    case RES_QUEUE: return strcmp(s->kind, "AGENT") == 0 ? ARN_AGENT_QUEUE : ARN_QUEUE;
    default: return ARN_HOURS;
    }
}

static int list_kind(api_call *c, resource_kind kind, unsigned queue_types, const char *result_key)
{
    size_t limit;
    if (page_limit(c, 1000, &limit))
        return -1;
    summary_list l = {0};
    char *next = NULL;
    if (resources_list(&c->cx, kind, c->inst.id, queue_types, request_param(c->r, "nextToken"), limit, &l, &next,
                       &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const summary *s = &l.items[i];
        char *arn = arn_resource(c->cx.cfg, c->inst.id, arn_kind(kind, s), s->id);
        json_t *o = json_pack("{s:s, s:s}", "Id", s->id, "Arn", arn);
        jset_str(o, "Name", s->name, 0);
        if (kind == RES_QUEUE)
            json_object_set_new(o, "QueueType", json_string(s->kind));
        add_modified(c, o, s->modified_ms);
        json_array_append_new(arr, o);
        free(arn);
    }
    summary_list_clear(&l);
    c->out = json_pack("{s:o}", result_key, arr);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

/* ---- security profiles ------------------------------------------------------------------- */

static int list_security_profiles(api_call *c)
{
    return list_kind(c, RES_SECURITY_PROFILE, 0, "SecurityProfileSummaryList");
}

static int describe_security_profile(api_call *c)
{
    security_profile p;
    if (resources_security_profile(&c->cx, c->inst.id, c->labels[1], &p, &c->err))
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_SECURITY_PROFILE, p.id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{}, s:[], s:[]}", "Id", p.id, "OrganizationResourceId",
                          c->inst.id, "Arn", arn, "SecurityProfileName", p.name, "Description",
                          p.description ? p.description : "", "AllowedAccessControlTags", "TagRestrictedResources",
                          "HierarchyRestrictedResources");
    add_tags(c, o, "Tags", p.id);
    add_modified(c, o, p.modified_ms);
    c->out = json_pack("{s:o}", "SecurityProfile", o);
    free(arn);
    security_profile_clear(&p);
    return 0;
}

static int list_security_profile_permissions(api_call *c)
{
    size_t limit;
    if (page_limit(c, 1000, &limit))
        return -1;
    strlist perms = {0};
    char *next = NULL;
    int64_t modified = 0;
    if (resources_security_profile_permissions(&c->cx, c->inst.id, c->labels[1], request_param(c->r, "nextToken"),
                                               limit, &perms, &next, &modified, &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < perms.n; i++)
        json_array_append_new(arr, json_string(perms.items[i]));
    strlist_clear(&perms);
    c->out = json_pack("{s:o}", "Permissions", arr);
    add_modified(c, c->out, modified);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

/* ---- routing profiles ----------------------------------------------------------------------- */

static int list_routing_profiles(api_call *c)
{
    return list_kind(c, RES_ROUTING_PROFILE, 0, "RoutingProfileSummaryList");
}

static json_t *media_json(const routing_profile *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->n_media; i++) {
        json_t *m = json_pack("{s:s, s:i}", "Channel", p->media[i].channel, "Concurrency", p->media[i].concurrency);
        const char *cross = p->media[i].cross_channel[0] ? p->media[i].cross_channel : "ROUTE_CURRENT_CHANNEL_ONLY";
        json_object_set_new(m, "CrossChannelBehavior", json_pack("{s:s}", "BehaviorType", cross));
        json_array_append_new(arr, m);
    }
    return arr;
}

static int describe_routing_profile(api_call *c)
{
    routing_profile p;
    if (resources_routing_profile(&c->cx, c->inst.id, c->labels[1], &p, &c->err))
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_ROUTING_PROFILE, p.id);
    json_t *queues = json_array(), *manual = json_array();
    for (size_t i = 0; i < p.n_queues; i++) {
        json_t *target = p.queues[i].manual ? manual : queues;
        size_t j, n = json_array_size(target);
        for (j = 0; j < n; j++)
            if (strcmp(json_string_value(json_array_get(target, j)), p.queues[i].queue_id) == 0)
                break;
        if (j == n)
            json_array_append_new(target, json_string(p.queues[i].queue_id));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:b}", "InstanceId", c->inst.id,
                          "Name", p.name, "RoutingProfileArn", arn, "RoutingProfileId", p.id, "Description",
                          p.description, "MediaConcurrencies", media_json(&p), "DefaultOutboundQueueId",
                          p.default_outbound_queue_id, "NumberOfAssociatedQueues",
                          (json_int_t)json_array_size(queues), "NumberOfAssociatedManualAssignmentQueues",
                          (json_int_t)json_array_size(manual), "NumberOfAssociatedUsers", (json_int_t)p.n_users,
                          "IsDefault", p.is_default);
    json_object_set_new(o, "AssociatedQueueIds", queues);
    json_object_set_new(o, "AssociatedManualAssignmentQueueIds", manual);
    jset_str(o, "AgentAvailabilityTimer", p.agent_availability_timer, 1);
    add_tags(c, o, "Tags", p.id);
    add_modified(c, o, p.modified_ms);
    c->out = json_pack("{s:o}", "RoutingProfile", o);
    free(arn);
    routing_profile_clear(&p);
    return 0;
}

/* ---- queues ----------------------------------------------------------------------------------- */

static int queue_types(api_call *c, unsigned *types)
{
    *types = 0;
    size_t count = 0;
    for (size_t i = 0; i < c->r->n_params; i++) {
        const qparam *q = &c->r->params[i];
        if (strcmp(q->key, "queueTypes") != 0)
            continue;
        if (++count > 2)
            return rerr_set(&c->err, ERR_INVALID_PARAMETER, "queueTypes", "queueTypes takes at most 2 values");
        if (strcmp(q->value, "STANDARD") == 0)
            *types |= 1;
        else if (strcmp(q->value, "AGENT") == 0)
            *types |= 2;
        else
            return rerr_set(&c->err, ERR_INVALID_PARAMETER, "queueTypes",
                            "queueTypes has the invalid value '%.64s'; allowed: STANDARD, AGENT", q->value);
    }
    if (*types == 3)
        *types = 0;
    return 0;
}

static int list_queues(api_call *c)
{
    unsigned types;
    if (queue_types(c, &types))
        return -1;
    return list_kind(c, RES_QUEUE, types, "QueueSummaryList");
}

static int describe_queue(api_call *c)
{
    queue q;
    if (resources_queue(&c->cx, c->inst.id, c->labels[1], &q, &c->err))
        return -1;
    int agent = strcmp(q.queue_type, "AGENT") == 0;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, agent ? ARN_AGENT_QUEUE : ARN_QUEUE, q.id);
    json_t *o = json_pack("{s:s, s:s, s:s}", "QueueArn", arn, "QueueId", q.id, "Status", q.status);
    jset_str(o, "Name", q.name, 0);
    jset_str(o, "Description", q.description, 0);
    jset_str(o, "HoursOfOperationId", q.hours_id, 1);
    if (q.max_contacts >= 0)
        json_object_set_new(o, "MaxContacts", json_integer(q.max_contacts));
    add_tags(c, o, "Tags", q.id);
    add_modified(c, o, q.modified_ms);
    c->out = json_pack("{s:o}", "Queue", o);
    free(arn);
    queue_clear(&q);
    return 0;
}

/* ---- hours of operation ----------------------------------------------------------------------- */

static int list_hours(api_call *c)
{
    return list_kind(c, RES_HOURS, 0, "HoursOfOperationSummaryList");
}

static int describe_hours(api_call *c)
{
    hours h;
    if (resources_hours(&c->cx, c->inst.id, c->labels[1], &h, &c->err))
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_HOURS, h.id);
    json_t *config = json_array();
    for (size_t i = 0; i < h.n_slots; i++) {
        const hours_slot *s = &h.slots[i];
        json_array_append_new(config, json_pack("{s:s, s:{s:i, s:i}, s:{s:i, s:i}}", "Day", s->day, "StartTime",
                                                "Hours", s->start_h, "Minutes", s->start_m, "EndTime", "Hours",
                                                s->end_h, "Minutes", s->end_m));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "HoursOfOperationId", h.id, "HoursOfOperationArn", arn,
                          "Name", h.name, "TimeZone", h.time_zone, "Config", config);
    jset_str(o, "Description", h.description, 0);
    add_tags(c, o, "Tags", h.id);
    add_modified(c, o, h.modified_ms);
    c->out = json_pack("{s:o}", "HoursOfOperation", o);
    free(arn);
    hours_clear(&h);
    return 0;
}

static const api_op ops[] = {
    {"ListSecurityProfiles", "GET", "/security-profiles-summary/{InstanceId}", "SecurityProfiles.View", 0,
     list_security_profiles},
    {"DescribeSecurityProfile", "GET", "/security-profiles/{InstanceId}/{SecurityProfileId}",
     "SecurityProfiles.View", 0, describe_security_profile},
    {"ListSecurityProfilePermissions", "GET", "/security-profiles-permissions/{InstanceId}/{SecurityProfileId}",
     "SecurityProfiles.View", 0, list_security_profile_permissions},
    {"ListRoutingProfiles", "GET", "/routing-profiles-summary/{InstanceId}", "RoutingPolicies.View", 0,
     list_routing_profiles},
    {"DescribeRoutingProfile", "GET", "/routing-profiles/{InstanceId}/{RoutingProfileId}", "RoutingPolicies.View",
     0, describe_routing_profile},
    {"ListQueues", "GET", "/queues-summary/{InstanceId}", "Queues.View", 0, list_queues},
    {"DescribeQueue", "GET", "/queues/{InstanceId}/{QueueId}", "Queues.View", 0, describe_queue},
    {"ListHoursOfOperations", "GET", "/hours-of-operations-summary/{InstanceId}", "HoursOfOperation.View", 0,
     list_hours},
    {"DescribeHoursOfOperation", "GET", "/hours-of-operations/{InstanceId}/{HoursOfOperationId}",
     "HoursOfOperation.View", 0, describe_hours},
};

const api_op *connect_resource_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
