/* connect_queues.c — the rest-json shapes of queues and hours of operation: create, describe,
 * list. The rules are core/queues.c's; this file only translates. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "core/json_members.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/queues.h"
#include "core/resources.h"
#include "util/buf.h"

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
    if (q.outbound_caller_id_name || q.outbound_caller_id_number_id || q.outbound_flow_id) {
        json_t *oc = json_object();
        jset_str(oc, "OutboundCallerIdName", q.outbound_caller_id_name, 0);
        jset_str(oc, "OutboundCallerIdNumberId", q.outbound_caller_id_number_id, 0);
        jset_str(oc, "OutboundFlowId", q.outbound_flow_id, 0);
        json_object_set_new(o, "OutboundCallerConfig", oc);
    }
    api_tags(c, o, "Tags", q.id);
    api_modified(c, o, q.modified_ms);
    c->out = json_pack("{s:o}", "Queue", o);
    free(arn);
    queue_clear(&q);
    return 0;
}

int parse_outbound_caller(api_call *c, queue_create *in)
{
    json_t *oc;
    const char *p = "OutboundCallerConfig";
    if (mj_obj(&c->err, c->in, NULL, p, 0, &oc))
        return -1;
    if (!oc)
        return 0;
    return mj_str(&c->err, oc, p, "OutboundCallerIdName", 0, &in->caller_id_name) ||
                   mj_str(&c->err, oc, p, "OutboundCallerIdNumberId", 0, &in->caller_id_number_id) ||
                   mj_str(&c->err, oc, p, "OutboundFlowId", 0, &in->outbound_flow_id)
               ? -1
               : 0;
}

static int create_queue(api_call *c)
{
    queue_create in = {0};
    kvlist tags = {0};
    int has_tags = 0, rc = -1;
    if (jget_str(&c->err, c->in, "Name", 1, &in.name) || jget_str(&c->err, c->in, "Description", 0, &in.description) ||
        jget_str(&c->err, c->in, "HoursOfOperationId", 1, &in.hours_id) ||
        jget_int(&c->err, c->in, "MaxContacts", 0, &in.max_contacts, &in.has_max_contacts) ||
        parse_outbound_caller(c, &in) || jget_map(&c->err, c->in, "Tags", &tags, &has_tags))
        goto done;
    in.has_quick_connects = mj_present(c->in, "QuickConnectIds");
    in.has_outbound_email = mj_present(c->in, "OutboundEmailConfig");
    in.has_email_addresses = mj_present(c->in, "EmailAddressesConfig");
    in.tags = has_tags ? &tags : NULL;
    char id[ID_LEN];
    if (queues_create(&c->cx, c->inst.id, &in, id, &c->err))
        goto done;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_QUEUE, id);
    c->out = json_pack("{s:s, s:s}", "QueueArn", arn, "QueueId", id);
    free(arn);
    rc = 0;
done:
    kvlist_clear(&tags);
    return rc;
}

/* Reads StartTime or EndTime (`edge`) of config entry at path into *h and *m. */
static int parse_time(rerr *e, json_t *item, const char *path, const char *edge, int64_t *h, int64_t *m)
{
    char sub[96];
    json_t *t;
    snprintf(sub, sizeof sub, "%s.%s", path, edge);
    return mj_obj(e, item, path, edge, 1, &t) || mj_int(e, t, sub, "Hours", 1, h) || mj_int(e, t, sub, "Minutes", 1, m)
               ? -1
               : 0;
}

static int parse_config_item(rerr *e, json_t *list, size_t i, hours_slot_in *s)
{
    char path[48];
    snprintf(path, sizeof path, "Config[%zu]", i);
    json_t *item;
    return mj_item_obj(e, list, "Config", i, &item) || mj_str(e, item, path, "Day", 1, &s->day) ||
                   parse_time(e, item, path, "StartTime", &s->start_h, &s->start_m) ||
                   parse_time(e, item, path, "EndTime", &s->end_h, &s->end_m)
               ? -1
               : 0;
}

/* Reads Config (required) into in; *storage (caller frees) holds the entries. */
int parse_config(api_call *c, hours_create *in, hours_slot_in **storage)
{
    json_t *list;
    *storage = NULL;
    if (mj_list(&c->err, c->in, NULL, "Config", 1, &list))
        return -1;
    size_t n = json_array_size(list);
    if (n > 100)
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "Config", "Config must have 0 to 100 entries (got %zu)", n);
    *storage = xcalloc(n + 1, sizeof **storage);
    for (size_t i = 0; i < n; i++)
        if (parse_config_item(&c->err, list, i, &(*storage)[i]))
            return -1;
    in->config = *storage;
    in->n_config = n;
    in->config_given = 1;
    return 0;
}

static int create_hours(api_call *c)
{
    hours_create in = {0};
    hours_slot_in *slots = NULL;
    kvlist tags = {0};
    int has_tags = 0, rc = -1;
    if (jget_str(&c->err, c->in, "Name", 1, &in.name) || jget_str(&c->err, c->in, "Description", 0, &in.description) ||
        jget_str(&c->err, c->in, "TimeZone", 1, &in.time_zone) || parse_config(c, &in, &slots) ||
        jget_map(&c->err, c->in, "Tags", &tags, &has_tags))
        goto done;
    in.has_parents = mj_present(c->in, "ParentHoursOfOperationConfigs");
    in.tags = has_tags ? &tags : NULL;
    char id[ID_LEN];
    if (queues_create_hours(&c->cx, c->inst.id, &in, id, &c->err))
        goto done;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_HOURS, id);
    c->out = json_pack("{s:s, s:s}", "HoursOfOperationId", id, "HoursOfOperationArn", arn);
    free(arn);
    rc = 0;
done:
    free(slots);
    kvlist_clear(&tags);
    return rc;
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
    {"CreateQueue", "PUT", "/queues/{InstanceId}", CORE_QUEUES_CREATE, 0, create_queue},
    {"CreateHoursOfOperation", "PUT", "/hours-of-operations/{InstanceId}", CORE_HOURS_CREATE, 0, create_hours},
    {"ListQueues", "GET", "/queues-summary/{InstanceId}", CORE_QUEUES_LIST, 0, list_queues},
    {"DescribeQueue", "GET", "/queues/{InstanceId}/{QueueId}", CORE_QUEUES_DESCRIBE, 0, describe_queue},
    {"ListHoursOfOperations", "GET", "/hours-of-operations-summary/{InstanceId}", CORE_HOURS_LIST, 0, list_hours},
    {"DescribeHoursOfOperation", "GET", "/hours-of-operations/{InstanceId}/{HoursOfOperationId}", CORE_HOURS_DESCRIBE,
     0, describe_hours},
};

const api_op *connect_queue_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
