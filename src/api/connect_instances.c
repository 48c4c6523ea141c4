/* connect_instances.c — CreateInstance, DescribeInstance, ListInstances, DeleteInstance:
 * the rest-json shapes of instances. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/instances.h"
#include "core/paging.h"

static json_t *instance_json(api_call *c, const instance *in, int full)
{
    char *arn = arn_instance(c->cx.cfg, in->id);
    json_t *o = json_object();
    json_object_set_new(o, "Id", json_string(in->id));
    json_object_set_new(o, "Arn", json_string(arn));
    json_object_set_new(o, "IdentityManagementType", json_string(in->idm_type));
    jset_str(o, "InstanceAlias", in->alias, 1);
    json_object_set_new(o, "CreatedTime", jtime(in->created_ms));
    json_object_set_new(o, "InstanceStatus", json_string(in->status));
    json_object_set_new(o, "InboundCallsEnabled", json_boolean(in->inbound_calls));
    json_object_set_new(o, "OutboundCallsEnabled", json_boolean(in->outbound_calls));
    if (full) {
        kvlist tags = {0};
        if (store_tags_get(c->cx.conn, in->id, &tags) == STORE_OK && tags.keys.n)
            json_object_set_new(o, "Tags", jmap(&tags));
        kvlist_clear(&tags);
    }
    free(arn);
    return o;
}

static int create_instance(api_call *c)
{
    instance_create in = {0};
    kvlist tags = {0};
    int has_tags = 0;
    int rc = -1;
    if (jget_str(&c->err, c->in, "IdentityManagementType", 1, &in.idm_type) ||
        jget_bool(&c->err, c->in, "InboundCallsEnabled", 1, &in.inbound_calls, NULL) ||
        jget_bool(&c->err, c->in, "OutboundCallsEnabled", 1, &in.outbound_calls, NULL) ||
        jget_str(&c->err, c->in, "InstanceAlias", 0, &in.alias) ||
        jget_str(&c->err, c->in, "DirectoryId", 0, &in.directory_id) ||
        jget_str(&c->err, c->in, "ClientToken", 0, &in.client_token) ||
        jget_map(&c->err, c->in, "Tags", &tags, &has_tags))
        goto done;
    in.tags = has_tags ? &tags : NULL;
    instance out;
    int created;
    if (instances_create(&c->cx, &in, &out, NULL, &created, &c->err))
        goto done;
    char *arn = arn_instance(c->cx.cfg, out.id);
    c->out = json_pack("{s:s, s:s}", "Id", out.id, "Arn", arn);
    free(arn);
    instance_clear(&out);
    rc = 0;
done:
    kvlist_clear(&tags);
    return rc;
}

static int describe_instance(api_call *c)
{
    c->out = json_pack("{s:o}", "Instance", instance_json(c, &c->inst, 1));
    return 0;
}

static int list_instances(api_call *c)
{
    int64_t max = 0;
    int has_max;
    size_t limit;
    if (qget_int(&c->err, c->r, "maxResults", &max, &has_max) ||
        page_size(&c->err, "maxResults", has_max, max, 1, 10, 10, &limit))
        return -1;
    instance *list;
    size_t n;
    char *next;
    if (instances_list(&c->cx, request_param(c->r, "nextToken"), limit, &list, &n, &next, &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, instance_json(c, &list[i], 0));
        instance_clear(&list[i]);
    }
    free(list);
    c->out = json_pack("{s:o}", "InstanceSummaryList", arr);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

static int delete_instance(api_call *c)
{
    const char *token = request_param(c->r, "clientToken");
    if (token && strlen(token) > 500)
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "clientToken", "clientToken must be at most 500 characters");
    return instances_delete(&c->cx, c->labels[0], &c->err);
}

static const api_op ops[] = {
    {"CreateInstance", "PUT", "/instance", CORE_INSTANCES_CREATE, 0, create_instance},
    {"ListInstances", "GET", "/instance", CORE_INSTANCES_LIST, 0, list_instances},
    {"DescribeInstance", "GET", "/instance/{InstanceId}", CORE_INSTANCES_RESOLVE, 0, describe_instance},
    {"DeleteInstance", "DELETE", "/instance/{InstanceId}", CORE_INSTANCES_DELETE, OP_NO_INSTANCE, delete_instance},
};

const api_op *connect_instance_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
