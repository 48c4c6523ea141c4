/* resources.c — reading security profiles, routing profiles, queues and hours. */
#include "core/resources.h"

#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/paging.h"
#include "core/validate.h"
#include "util/buf.h"

static const struct {
    const char *token_kind;
    const char *noun;            /* for messages */
    const char *field;           /* the id's field name */
    core_action list;            /* listing them */
    core_action describe;        /* reading one */
} kinds[] = {
    [RES_SECURITY_PROFILE] = {"security-profiles", "Security profile", "SecurityProfileId",
                              CORE_SECURITY_PROFILES_LIST, CORE_SECURITY_PROFILES_DESCRIBE},
    [RES_ROUTING_PROFILE] = {"routing-profiles", "Routing profile", "RoutingProfileId", CORE_ROUTING_PROFILES_LIST,
                             CORE_ROUTING_PROFILES_DESCRIBE},
    [RES_QUEUE] = {"queues", "Queue", "QueueId", CORE_QUEUES_LIST, CORE_QUEUES_DESCRIBE},
    [RES_HOURS] = {"hours", "Hours of operation", "HoursOfOperationId", CORE_HOURS_LIST, CORE_HOURS_DESCRIBE},
};

int resources_list(core_ctx *cx, resource_kind kind, const char *instance_id, unsigned queue_types,
                   const char *token, size_t limit, summary_list *out, char **next, rerr *e)
{
    *next = NULL;
    char *key = NULL, *id = NULL;
    if (core_allow(cx, kinds[kind].list, instance_id, e) ||
        page_token_decode(e, "nextToken", token, kinds[kind].token_kind, &key, &id))
        return -1;
    page_req pr = {.instance_id = instance_id, .after_name = key, .after_id = id, .limit = limit + 1};
    int rc;
    switch (kind) {
    case RES_SECURITY_PROFILE: rc = store_security_profile_list(cx->conn, &pr, out); break;
    case RES_ROUTING_PROFILE: rc = store_routing_profile_list(cx->conn, &pr, out); break;
    case RES_QUEUE: rc = store_queue_list(cx->conn, &pr, queue_types, out); break;
    default: rc = store_hours_list(cx->conn, &pr, out); break;
    }
    free(key);
    free(id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list resources", e);
    if (out->n > limit) {
        free(out->items[limit].name);
        out->n = limit;
        const summary *last = &out->items[limit - 1];
        *next = page_token_encode(kinds[kind].token_kind, last->name ? last->name : "", last->id);
    }
    return 0;
}

/* Maps a store outcome for a single read to 0 / not found / store error. */
static int read_result(core_ctx *cx, int rc, resource_kind kind, const char *id, rerr *e)
{
    if (rc == STORE_OK)
        return 0;
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, kinds[kind].field, "%s not found: %.300s", kinds[kind].noun, id);
    return core_store_error(cx, rc, "read a resource", e);
}

/* The permission and the instance to read one resource of kind, and its id's form. */
static int check_id(core_ctx *cx, const char *instance_id, resource_kind kind, const char *id, rerr *e)
{
    if (core_allow(cx, kinds[kind].describe, instance_id, e))
        return -1;
    return validate_id(e, kinds[kind].field, id, 256);
}

int resources_security_profile(core_ctx *cx, const char *instance_id, const char *id, security_profile *out,
                               rerr *e)
{
    if (check_id(cx, instance_id, RES_SECURITY_PROFILE, id, e))
        return -1;
    return read_result(cx, store_security_profile_get(cx->conn, instance_id, id, out), RES_SECURITY_PROFILE, id,
                       e);
}

int resources_security_profile_permissions(core_ctx *cx, const char *instance_id, const char *id,
                                           const char *token, size_t limit, strlist *out, char **next,
                                           int64_t *modified_ms, rerr *e)
{
    *next = NULL;
    security_profile p;
    if (core_allow(cx, CORE_SECURITY_PROFILES_PERMISSIONS, instance_id, e) ||
        resources_security_profile(cx, instance_id, id, &p, e))
        return -1;
    *modified_ms = p.modified_ms;
    security_profile_clear(&p);
    char *key = NULL, *after = NULL;
    if (page_token_decode(e, "nextToken", token, "permissions", &key, &after))
        return -1;
    int rc = store_security_profile_permissions(cx->conn, id, after, limit + 1, out);
    free(key);
    free(after);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list permissions", e);
    if (out->n > limit) {
        free(out->items[limit]);
        out->n = limit;
        *next = page_token_encode("permissions", "", out->items[limit - 1]);
    }
    return 0;
}

int resources_routing_profile(core_ctx *cx, const char *instance_id, const char *id, routing_profile *out,
                              rerr *e)
{
    if (check_id(cx, instance_id, RES_ROUTING_PROFILE, id, e))
        return -1;
    return read_result(cx, store_routing_profile_get(cx->conn, instance_id, id, out), RES_ROUTING_PROFILE, id, e);
}

int resources_queue(core_ctx *cx, const char *instance_id, const char *id, queue *out, rerr *e)
{
    if (check_id(cx, instance_id, RES_QUEUE, id, e))
        return -1;
    return read_result(cx, store_queue_get(cx->conn, instance_id, id, out), RES_QUEUE, id, e);
}

int resources_hours(core_ctx *cx, const char *instance_id, const char *id, hours *out, rerr *e)
{
    if (check_id(cx, instance_id, RES_HOURS, id, e))
        return -1;
    return read_result(cx, store_hours_get(cx->conn, instance_id, id, out), RES_HOURS, id, e);
}
