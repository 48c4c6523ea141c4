/* connect_routing.c — the rest-json shapes of routing profiles. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/jsonio.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/resources.h"

static int list_routing_profiles(api_call *c)
{
    return api_list_kind(c, RES_ROUTING_PROFILE, 0, "RoutingProfileSummaryList");
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
    api_tags(c, o, "Tags", p.id);
    api_modified(c, o, p.modified_ms);
    c->out = json_pack("{s:o}", "RoutingProfile", o);
    free(arn);
    routing_profile_clear(&p);
    return 0;
}

static const api_op ops[] = {
    {"ListRoutingProfiles", "GET", "/routing-profiles-summary/{InstanceId}", "RoutingPolicies.View", 0,
     list_routing_profiles},
    {"DescribeRoutingProfile", "GET", "/routing-profiles/{InstanceId}/{RoutingProfileId}", "RoutingPolicies.View",
     0, describe_routing_profile},
};

const api_op *connect_routing_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
