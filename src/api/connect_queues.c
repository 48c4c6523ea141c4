/* connect_queues.c — the rest-json shapes of queues and hours of operation. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/jsonio.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/resources.h"

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
    return api_list_kind(c, RES_QUEUE, types, "QueueSummaryList");
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
    api_tags(c, o, "Tags", q.id);
    api_modified(c, o, q.modified_ms);
    c->out = json_pack("{s:o}", "Queue", o);
    free(arn);
    queue_clear(&q);
    return 0;
}

static int list_hours(api_call *c)
{
    return api_list_kind(c, RES_HOURS, 0, "HoursOfOperationSummaryList");
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
    api_tags(c, o, "Tags", h.id);
    api_modified(c, o, h.modified_ms);
    c->out = json_pack("{s:o}", "HoursOfOperation", o);
    free(arn);
    hours_clear(&h);
    return 0;
}

static const api_op ops[] = {
    {"ListQueues", "GET", "/queues-summary/{InstanceId}", "Queues.View", 0, list_queues},
    {"DescribeQueue", "GET", "/queues/{InstanceId}/{QueueId}", "Queues.View", 0, describe_queue},
    {"ListHoursOfOperations", "GET", "/hours-of-operations-summary/{InstanceId}", "HoursOfOperation.View", 0,
     list_hours},
    {"DescribeHoursOfOperation", "GET", "/hours-of-operations/{InstanceId}/{HoursOfOperationId}",
     "HoursOfOperation.View", 0, describe_hours},
};

const api_op *connect_queue_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
