/* common.c — helpers shared by the Amazon Connect operation handlers. */
#include "api/common.h"

#include <stdlib.h>
#include <string.h>

#include "api/jsonio.h"
#include "core/arn.h"
#include "core/paging.h"

void api_tags(api_call *c, json_t *o, const char *key, const char *resource_id)
{
    kvlist tags = {0};
    if (store_tags_get(c->cx.conn, resource_id, &tags) == STORE_OK && tags.keys.n)
        json_object_set_new(o, key, jmap(&tags));
    kvlist_clear(&tags);
}

void api_modified(api_call *c, json_t *o, int64_t ms)
{
    json_object_set_new(o, "LastModifiedTime", jtime(ms));
    json_object_set_new(o, "LastModifiedRegion", json_string(c->cx.cfg->region));
}

int api_page_limit(api_call *c, int64_t max, size_t *limit)
{
    int64_t v = 0;
    int present;
    return qget_int(&c->err, c->r, "maxResults", &v, &present) ||
                   page_size(&c->err, "maxResults", present, v, 1, max, max < 100 ? max : 100, limit)
               ? -1
               : 0;
}

int api_search_limit(api_call *c, int64_t max, size_t *limit)
{
    int64_t v = 0;
    int present;
    return jget_int(&c->err, c->in, "MaxResults", 0, &v, &present) ||
                   page_size(&c->err, "MaxResults", present, v, 1, max, max < 100 ? max : 100, limit)
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

int api_list_kind(api_call *c, resource_kind kind, unsigned queue_types, const char *result_key)
{
    size_t limit;
    if (api_page_limit(c, 1000, &limit))
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
        api_modified(c, o, s->modified_ms);
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
