/* routing_profiles.c — the rules of routing profiles (see routing_profiles.h): validation of
 * what a request gives, the checks against the store inside one write transaction, and the
 * in-memory search and queue listing. */
#include "core/routing_profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/write.h"
#include "core/arn.h"
#include "core/instances.h"
#include "core/paging.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

static const char *const channels[] = {"VOICE", "CHAT", "TASK", "EMAIL", NULL};
static const char *const behaviors[] = {"ROUTE_CURRENT_CHANNEL_ONLY", "ROUTE_ANY_CHANNEL", NULL};
static const char *const timers[] = {"TIME_SINCE_LAST_ACTIVITY", "TIME_SINCE_LAST_INBOUND", NULL};

/* ---- validation of what a request gives (no store access) ---------------------------------- */

static int check_name(rerr *e, const char *name)
{
    return validate_length(e, "Name", name, 1, 127);
}

static int check_description(rerr *e, const char *description)
{
    return validate_length(e, "Description", description, 1, 250);
}

/* Validates one MediaConcurrency and converts it into *out. */
static int check_media_item(rerr *e, size_t i, const rp_media_in *m, media_concurrency *out)
{
    char f[128];
    snprintf(f, sizeof f, "MediaConcurrencies[%zu].Channel", i);
    if (validate_enum(e, f, m->channel, channels))
        return -1;
    snprintf(f, sizeof f, "MediaConcurrencies[%zu].Concurrency", i);
    int voice = strcmp(m->channel, "VOICE") == 0;
    if (voice && m->concurrency != 1)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s: VOICE concurrency must be exactly 1 (got %lld)", f,
                        (long long)m->concurrency);
    if (m->concurrency < 1 || m->concurrency > 10)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s: %s concurrency must be between 1 and 10 (got %lld)", f,
                        m->channel, (long long)m->concurrency);
    snprintf(f, sizeof f, "MediaConcurrencies[%zu].CrossChannelBehavior.BehaviorType", i);
    if (m->cross_channel && validate_enum(e, f, m->cross_channel, behaviors))
        return -1;
    memset(out, 0, sizeof *out);
    snprintf(out->channel, sizeof out->channel, "%s", m->channel);
    out->concurrency = (int)m->concurrency;
    snprintf(out->cross_channel, sizeof out->cross_channel, "%s", m->cross_channel ? m->cross_channel : "");
    return 0;
}

/* Validates MediaConcurrencies (required, 1..4 entries, each channel once) into out[4]. */
static int check_media(rerr *e, const rp_media_set *set, media_concurrency out[4], size_t *n)
{
    const char *f = "MediaConcurrencies";
    if (!set->given)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
    if (set->n < 1 || set->n > 4)
        return rerr_set(e, ERR_INVALID_PARAMETER, f,
                        "%s must have 1 to 4 entries, one per channel (VOICE, CHAT, TASK, EMAIL); got %zu", f,
                        set->n);
    for (size_t i = 0; i < set->n; i++) {
        if (check_media_item(e, i, &set->items[i], &out[i]))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(out[j].channel, out[i].channel) == 0)
                return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s names channel %s twice (entries %zu and %zu)", f,
                                out[i].channel, j, i);
    }
    *n = set->n;
    return 0;
}

/* What a list of queue entries holds. */
enum {
    QS_CONFIG = 1,   /* configs: {QueueReference: {QueueId, Channel}, …}; else bare references */
    QS_PRIORITY = 2, /* with Priority and Delay (standard queue configs) */
    QS_MANUAL = 4,   /* the manual-assignment list */
    STD_CONFIGS = QS_CONFIG | QS_PRIORITY,
    MANUAL_CONFIGS = QS_CONFIG | QS_MANUAL,
};

/* Validates one (queue, channel) entry i of list `list` as flags say. */
static int check_queue_item(rerr *e, const char *list, size_t i, const rp_queue_in *q, unsigned flags,
                            routing_queue *out)
{
    char f[96];
    const char *ref = flags & QS_CONFIG ? ".QueueReference" : "";
    snprintf(f, sizeof f, "%s[%zu]%s.QueueId", list, i, ref);
    if (validate_id(e, f, q->queue_id, 256))
        return -1;
    snprintf(f, sizeof f, "%s[%zu]%s.Channel", list, i, ref);
    if (validate_enum(e, f, q->channel, channels))
        return -1;
    memset(out, 0, sizeof *out);
    snprintf(out->queue_id, sizeof out->queue_id, "%s", q->queue_id);
    snprintf(out->channel, sizeof out->channel, "%s", q->channel);
    out->manual = (flags & QS_MANUAL) != 0;
    if (!(flags & QS_PRIORITY))
        return 0;
    snprintf(f, sizeof f, "%s[%zu].Priority", list, i);
    if (validate_range(e, f, q->priority, 1, 99))
        return -1;
    snprintf(f, sizeof f, "%s[%zu].Delay", list, i);
    if (validate_range(e, f, q->delay, 0, 9999))
        return -1;
    out->priority = (int)q->priority;
    out->delay = (int)q->delay;
    return 0;
}

/* Validates a list of queue configs or references into a malloc'd array *out (caller frees;
 * NULL when the list is absent or, for max 0, empty). max 0: any count (references);
 * otherwise 1..max entries. Refuses a (queue, channel) given twice. */
static int check_queue_set(rerr *e, const char *list, const rp_queue_set *set, unsigned flags, size_t max,
                           routing_queue **out)
{
    *out = NULL;
    if (!set->given || (!max && set->n == 0))
        return 0;
    if (set->n < 1 || (max && set->n > max)) {
        if (max)
            return rerr_set(e, ERR_INVALID_PARAMETER, list, "%s must have 1 to %zu entries (got %zu)", list, max,
                            set->n);
        return rerr_set(e, ERR_INVALID_PARAMETER, list, "%s must have at least 1 entry", list);
    }
    *out = xcalloc(set->n, sizeof **out);
    for (size_t i = 0; i < set->n; i++) {
        if (check_queue_item(e, list, i, &set->items[i], flags, &(*out)[i]))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp((*out)[j].queue_id, (*out)[i].queue_id) == 0 &&
                strcmp((*out)[j].channel, (*out)[i].channel) == 0)
                return rerr_set(e, ERR_INVALID_PARAMETER, list,
                                "%s names queue %s on channel %s twice (entries %zu and %zu)", list,
                                (*out)[i].queue_id, (*out)[i].channel, j, i);
    }
    return 0;
}

/* ---- checks against the store -------------------------------------------------------------- */

/* Succeeds when queue_id is a STANDARD queue of the instance. field names where it came from. */
static int check_queue(core_ctx *cx, const char *instance_id, const char *queue_id, const char *field, rerr *e)
{
    queue q;
    int rc = store_queue_get(cx->conn, instance_id, queue_id, &q);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, field, "Queue not found: %.300s (%s)", queue_id, field);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read a queue", e);
    int agent = strcmp(q.queue_type, "STANDARD") != 0;
    queue_clear(&q);
    if (agent)
        return rerr_set(e, ERR_INVALID_PARAMETER, field,
                        "%s: queue %.300s is an agent queue; routing profiles take STANDARD queues only", field,
                        queue_id);
    return 0;
}

static int check_queues_exist(core_ctx *cx, const char *instance_id, const char *list, const routing_queue *q,
                              size_t n, rerr *e)
{
    for (size_t i = 0; i < n; i++) {
        char f[96];
        snprintf(f, sizeof f, "%s[%zu].QueueReference.QueueId", list, i);
        if (check_queue(cx, instance_id, q[i].queue_id, f, e))
            return -1;
    }
    return 0;
}

static int read_profile(core_ctx *cx, const char *instance_id, const char *id, routing_profile *out, rerr *e)
{
    if (validate_id(e, "RoutingProfileId", id, 256))
        return -1;
    int rc = store_routing_profile_get(cx->conn, instance_id, id, out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "RoutingProfileId", "Routing profile not found: %.300s", id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the routing profile", e);
    return 0;
}

/* Writes p's scalar columns back, mapping a name clash to ERR_DUPLICATE. */
static int write_profile(core_ctx *cx, routing_profile *p, rerr *e)
{
    p->modified_ms = cx->now_ms;
    int rc = store_routing_profile_update(cx->conn, p);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name", "a routing profile named '%s' already exists in this instance",
                        p->name);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "update the routing profile", e);
    return 0;
}

/* ---- create ---------------------------------------------------------------------------------- */

static int check_create(const rp_create *in, media_concurrency media[4], size_t *n_media, routing_queue **queues,
                        routing_queue **manual, rerr *e)
{
    if (check_name(e, in->name) || check_description(e, in->description) ||
        validate_id(e, "DefaultOutboundQueueId", in->default_outbound_queue_id, 256) ||
        check_media(e, &in->media, media, n_media) ||
        check_queue_set(e, "QueueConfigs", &in->queues, STD_CONFIGS, RP_MAX_CONFIGS_PER_REQUEST, queues) ||
        check_queue_set(e, "ManualAssignmentQueueConfigs", &in->manual, MANUAL_CONFIGS, RP_MAX_CONFIGS_PER_REQUEST,
                        manual))
        return -1;
    if (in->agent_availability_timer &&
        validate_enum(e, "AgentAvailabilityTimer", in->agent_availability_timer, timers))
        return -1;
    if (in->tags && validate_tags(e, "Tags", in->tags))
        return -1;
    return 0;
}

/* Inside the transaction: the referenced queues, then the insert and the tags. */
static int insert_profile(core_ctx *cx, const rp_create *in, routing_profile *p, rerr *e)
{
    size_t n_std = in->queues.given ? in->queues.n : 0;
    if (check_queue(cx, p->instance_id, p->default_outbound_queue_id, "DefaultOutboundQueueId", e) ||
        check_queues_exist(cx, p->instance_id, "QueueConfigs", p->queues, n_std, e) ||
        check_queues_exist(cx, p->instance_id, "ManualAssignmentQueueConfigs", p->queues + n_std,
                           p->n_queues - n_std, e))
        return -1;
    int rc = store_routing_profile_insert(cx->conn, p);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name", "a routing profile named '%s' already exists in this instance",
                        p->name);
    if (rc == STORE_OK && in->tags)
        rc = store_tags_set(cx->conn, p->instance_id, p->id, in->tags);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create the routing profile", e);
    return 0;
}

struct create_args {
    const rp_create *in;
    routing_profile *p;
};

static int create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct create_args *a = arg;
    return insert_profile(cx, a->in, a->p, e);
}

int routing_profiles_create(core_ctx *cx, const char *instance_id, const rp_create *in, char id_out[ID_LEN],
                            rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_CREATE, instance_id, e))
        return -1;
    routing_profile p = {0};
    routing_queue *std = NULL, *manual = NULL;
    if (check_create(in, p.media, &p.n_media, &std, &manual, e)) {
        free(std);
        free(manual);
        return -1;
    }
    size_t n_std = std ? in->queues.n : 0, n_manual = manual ? in->manual.n : 0;
    p.queues = xcalloc(n_std + n_manual + 1, sizeof *p.queues);
    if (n_std)
        memcpy(p.queues, std, n_std * sizeof *std);
    if (n_manual)
        memcpy(p.queues + n_std, manual, n_manual * sizeof *manual);
    p.n_queues = n_std + n_manual;
    free(std);
    free(manual);
    uuid_v7(p.id);
    snprintf(p.instance_id, sizeof p.instance_id, "%s", instance_id);
    p.name = (char *)in->name;
    p.description = (char *)in->description;
    snprintf(p.default_outbound_queue_id, sizeof p.default_outbound_queue_id, "%s", in->default_outbound_queue_id);
    snprintf(p.agent_availability_timer, sizeof p.agent_availability_timer, "%s",
             in->agent_availability_timer ? in->agent_availability_timer : "TIME_SINCE_LAST_ACTIVITY");
    p.modified_ms = cx->now_ms;
    struct create_args a = {in, &p};
    int rc = core_write(cx, create_change, &a, e);
    if (rc == 0)
        memcpy(id_out, p.id, ID_LEN);
    free(p.queues);
    return rc;
}

/* ---- edits of an existing profile ------------------------------------------------------------- */

typedef int (*edit_fn)(core_ctx *cx, routing_profile *p, const void *arg, rerr *e);

/* An edit of one profile: which, and how. */
struct edit_args {
    const char *instance_id;
    const char *id;
    edit_fn fn;
    const void *arg;
};

static int edit_change(core_ctx *cx, void *arg, rerr *e)
{
    struct edit_args *a = arg;
    routing_profile p;
    int rc = read_profile(cx, a->instance_id, a->id, &p, e);
    if (rc == 0) {
        rc = a->fn(cx, &p, a->arg, e);
        if (rc == 0)
            rc = write_profile(cx, &p, e);
        routing_profile_clear(&p);
    }
    return rc;
}

/* In one write transaction: reads the profile, lets fn check and change it, stamps and writes
 * its scalar columns back. */
static int edit(core_ctx *cx, const char *instance_id, const char *id, edit_fn fn, const void *arg, rerr *e)
{
    if (validate_id(e, "RoutingProfileId", id, 256))
        return -1;
    struct edit_args a = {instance_id, id, fn, arg};
    return core_write(cx, edit_change, &a, e);
}

typedef struct name_arg {
    const char *name;
    const char *description;
} name_arg;

static int apply_name(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    (void)cx;
    (void)e;
    const name_arg *a = arg;
    if (a->name) {
        free(p->name);
        p->name = xstrdup(a->name);
    }
    if (a->description) {
        free(p->description);
        p->description = xstrdup(a->description);
    }
    return 0;
}

int routing_profiles_update_name(core_ctx *cx, const char *instance_id, const char *id, const char *name,
                                 const char *description, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_UPDATE_NAME, instance_id, e))
        return -1;
    if (!name && !description)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Name", "give Name, Description or both");
    if ((name && check_name(e, name)) || (description && check_description(e, description)))
        return -1;
    name_arg a = {name, description};
    return edit(cx, instance_id, id, apply_name, &a, e);
}

static int apply_outbound_queue(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    const char *queue_id = arg;
    if (check_queue(cx, p->instance_id, queue_id, "DefaultOutboundQueueId", e))
        return -1;
    snprintf(p->default_outbound_queue_id, sizeof p->default_outbound_queue_id, "%s", queue_id);
    return 0;
}

int routing_profiles_update_outbound_queue(core_ctx *cx, const char *instance_id, const char *id,
                                           const char *queue_id, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_UPDATE_OUTBOUND_QUEUE, instance_id, e))
        return -1;
    if (validate_id(e, "DefaultOutboundQueueId", queue_id, 256))
        return -1;
    return edit(cx, instance_id, id, apply_outbound_queue, queue_id, e);
}

typedef struct media_arg {
    media_concurrency m[4];
    size_t n;
} media_arg;

static int apply_media(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    const media_arg *a = arg;
    int rc = store_routing_profile_set_media(cx->conn, p->id, a->m, a->n);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "set the media concurrencies", e);
}

int routing_profiles_update_concurrency(core_ctx *cx, const char *instance_id, const char *id,
                                        const rp_media_set *media, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_UPDATE_CONCURRENCY, instance_id, e))
        return -1;
    media_arg a;
    if (check_media(e, media, a.m, &a.n))
        return -1;
    return edit(cx, instance_id, id, apply_media, &a, e);
}

/* Index of (queue, channel) in p's configs of the kind manual, or -1. */
static long find_config(const routing_profile *p, const routing_queue *q, int manual)
{
    for (size_t i = 0; i < p->n_queues; i++)
        if (p->queues[i].manual == manual && strcmp(p->queues[i].queue_id, q->queue_id) == 0 &&
            strcmp(p->queues[i].channel, q->channel) == 0)
            return (long)i;
    return -1;
}

/* The error for a (queue, channel) the profile does not have: the queue itself may be unknown. */
static int not_associated(core_ctx *cx, const routing_profile *p, const routing_queue *q, const char *list,
                          size_t i, rerr *e)
{
    char f[96];
    snprintf(f, sizeof f, "%s[%zu]", list, i);
    if (check_queue(cx, p->instance_id, q->queue_id, f, e))
        return -1;
    return rerr_set(e, ERR_INVALID_PARAMETER, f,
                    "%s: queue %s is not associated with routing profile %s on channel %s%s", f, q->queue_id, p->id,
                    q->channel, q->manual ? " as a manual-assignment queue" : "");
}

typedef struct queues_arg {
    const char *list;            /* the request member, for messages */
    routing_queue *q;
    size_t n;
    const char *list2;           /* a second list (manual-assignment), or NULL */
    routing_queue *q2;
    size_t n2;
} queues_arg;

static int apply_queue_updates(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    const queues_arg *a = arg;
    for (size_t i = 0; i < a->n; i++) {
        if (find_config(p, &a->q[i], 0) < 0)
            return not_associated(cx, p, &a->q[i], a->list, i, e);
        int rc = store_routing_profile_queue_set(cx->conn, p->id, &a->q[i]);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "update a queue config", e);
    }
    return 0;
}

int routing_profiles_update_queues(core_ctx *cx, const char *instance_id, const char *id,
                                   const rp_queue_set *queues, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_UPDATE_QUEUES, instance_id, e))
        return -1;
    queues_arg a = {.list = "QueueConfigs"};
    if (!queues->given)
        return rerr_set(e, ERR_INVALID_PARAMETER, "QueueConfigs", "QueueConfigs is required");
    int rc = check_queue_set(e, "QueueConfigs", queues, STD_CONFIGS, RP_MAX_CONFIGS_PER_REQUEST, &a.q);
    a.n = queues->n;
    if (rc == 0)
        rc = edit(cx, instance_id, id, apply_queue_updates, &a, e);
    free(a.q);
    return rc;
}

static int add_configs(core_ctx *cx, routing_profile *p, const char *list, const routing_queue *q, size_t n,
                       rerr *e)
{
    for (size_t i = 0; i < n; i++) {
        char f[96];
        snprintf(f, sizeof f, "%s[%zu].QueueReference.QueueId", list, i);
        if (check_queue(cx, p->instance_id, q[i].queue_id, f, e))
            return -1;
        int rc = store_routing_profile_queue_add(cx->conn, p->id, &q[i]);
        if (rc == STORE_UNIQUE)
            return rerr_set(e, ERR_INVALID_PARAMETER, f,
                            "%s: queue %s is already associated with routing profile %s on channel %s%s; use "
                            "UpdateRoutingProfileQueues to change its priority or delay",
                            list, q[i].queue_id, p->id, q[i].channel,
                            q[i].manual ? " as a manual-assignment queue" : "");
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "associate a queue", e);
    }
    return 0;
}

static int apply_associate(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    const queues_arg *a = arg;
    if (p->n_queues + a->n + a->n2 > RP_MAX_QUEUE_CONFIGS)
        return rerr_set(e, ERR_INVALID_PARAMETER, a->n ? a->list : a->list2,
                        "quota exceeded: a routing profile holds at most %d queue configs (quota 'Queues per "
                        "routing profile'); routing profile %s has %zu and the request adds %zu",
                        RP_MAX_QUEUE_CONFIGS, p->id, p->n_queues, a->n + a->n2);
    return add_configs(cx, p, a->list, a->q, a->n, e) || add_configs(cx, p, a->list2, a->q2, a->n2, e) ? -1 : 0;
}

int routing_profiles_associate(core_ctx *cx, const char *instance_id, const char *id, const rp_queue_set *queues,
                               const rp_queue_set *manual, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_ASSOCIATE, instance_id, e))
        return -1;
    queues_arg a = {.list = "QueueConfigs", .list2 = "ManualAssignmentQueueConfigs"};
    int rc = -1;
    if (!queues->given && !manual->given)
        rerr_set(e, ERR_INVALID_PARAMETER, "QueueConfigs", "give QueueConfigs, ManualAssignmentQueueConfigs or both");
    else if (check_queue_set(e, a.list, queues, STD_CONFIGS, RP_MAX_CONFIGS_PER_REQUEST, &a.q) == 0 &&
             check_queue_set(e, a.list2, manual, MANUAL_CONFIGS, RP_MAX_CONFIGS_PER_REQUEST, &a.q2) == 0) {
        a.n = a.q ? queues->n : 0;
        a.n2 = a.q2 ? manual->n : 0;
        rc = edit(cx, instance_id, id, apply_associate, &a, e);
    }
    free(a.q);
    free(a.q2);
    return rc;
}

static int remove_configs(core_ctx *cx, routing_profile *p, const char *list, const routing_queue *q, size_t n,
                          rerr *e)
{
    for (size_t i = 0; i < n; i++) {
        int rc = store_routing_profile_queue_remove(cx->conn, p->id, q[i].queue_id, q[i].channel, q[i].manual);
        if (rc == STORE_NOTFOUND)
            return not_associated(cx, p, &q[i], list, i, e);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "disassociate a queue", e);
    }
    return 0;
}

static int apply_disassociate(core_ctx *cx, routing_profile *p, const void *arg, rerr *e)
{
    const queues_arg *a = arg;
    return remove_configs(cx, p, a->list, a->q, a->n, e) || remove_configs(cx, p, a->list2, a->q2, a->n2, e) ? -1
                                                                                                             : 0;
}

int routing_profiles_disassociate(core_ctx *cx, const char *instance_id, const char *id,
                                  const rp_queue_set *queues, const rp_queue_set *manual, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_DISASSOCIATE, instance_id, e))
        return -1;
    queues_arg a = {.list = "QueueReferences", .list2 = "ManualAssignmentQueueReferences"};
    int rc = -1;
    if (check_queue_set(e, a.list, queues, 0, 0, &a.q) == 0 &&
        check_queue_set(e, a.list2, manual, QS_MANUAL, 0, &a.q2) == 0) {
        a.n = a.q ? queues->n : 0;
        a.n2 = a.q2 ? manual->n : 0;
        if (a.n + a.n2 == 0)
            rerr_set(e, ERR_INVALID_PARAMETER, "QueueReferences",
                     "give at least one entry in QueueReferences or ManualAssignmentQueueReferences");
        else
            rc = edit(cx, instance_id, id, apply_disassociate, &a, e);
    }
    free(a.q);
    free(a.q2);
    return rc;
}

/* ---- delete ---------------------------------------------------------------------------------- */

static int check_deletable(core_ctx *cx, const routing_profile *p, rerr *e)
{
    if (p->is_default)
        return rerr_set(e, ERR_INVALID_REQUEST, "RoutingProfileId",
                        "routing profile %s ('%s') is the instance's default routing profile and cannot be deleted",
                        p->id, p->name);
    int64_t users;
    char holder[ID_LEN];
    int rc = store_routing_profile_users(cx->conn, p->id, &users, holder);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "count the users of the routing profile", e);
    if (users == 0)
        return 0;
    rerr_set(e, ERR_IN_USE, "RoutingProfileId",
             "routing profile %s ('%s') is held by %lld user%s; move %s to another routing profile first", p->id,
             p->name, (long long)users, users == 1 ? "" : "s", users == 1 ? "that user" : "them");
    char *arn = arn_resource(cx->cfg, p->instance_id, ARN_USER, holder);
    rerr_set_resource(e, "USER", arn);
    free(arn);
    return -1;
}

static int delete_change(core_ctx *cx, void *arg, rerr *e);

int routing_profiles_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_DELETE, instance_id, e))
        return -1;
    if (validate_id(e, "RoutingProfileId", id, 256))
        return -1;
    struct edit_args a = {instance_id, id, NULL, NULL};
    return core_write(cx, delete_change, &a, e);
}

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    struct edit_args *a = arg;
    const char *instance_id = a->instance_id;
    routing_profile p;
    int rc = read_profile(cx, instance_id, a->id, &p, e);
    if (rc == 0) {
        rc = check_deletable(cx, &p, e);
        int src = rc == 0 ? store_routing_profile_delete(cx->conn, instance_id, p.id) : STORE_OK;
        if (src == STORE_FOREIGN)
            rc = rerr_set(e, ERR_IN_USE, "RoutingProfileId", "routing profile %s is held by users", p.id);
        else if (src != STORE_OK)
            rc = core_store_error(cx, src, "delete the routing profile", e);
        routing_profile_clear(&p);
    }
    return rc;
}

/* ---- list queues ----------------------------------------------------------------------------- */

void rp_queue_page_clear(rp_queue_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].queue_name);
    free(p->items);
    free(p->next);
    memset(p, 0, sizeof *p);
}

/* The keyset position of a row: key is the queue name, id "<queue id>/<channel>". */
static char *row_id(const rp_queue_row *r)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s/%s", r->q.queue_id, r->q.channel);
    return buf_detach(&b);
}

static int row_cmp(const void *a, const void *b)
{
    const rp_queue_row *x = a, *y = b;
    int c = strcmp(x->queue_name, y->queue_name);
    if (c == 0)
        c = strcmp(x->q.queue_id, y->q.queue_id);
    return c ? c : strcmp(x->q.channel, y->q.channel);
}

/* Fills out->items with every standard config of p and its queue's name, sorted. */
static int queue_rows(core_ctx *cx, const routing_profile *p, rp_queue_page *out, rerr *e)
{
    out->items = xcalloc(p->n_queues + 1, sizeof *out->items);
    for (size_t i = 0; i < p->n_queues; i++) {
        if (p->queues[i].manual)
            continue;
        queue q;
        int rc = store_queue_get(cx->conn, p->instance_id, p->queues[i].queue_id, &q);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "read a queue of the routing profile", e);
        rp_queue_row *r = &out->items[out->n++];
        r->q = p->queues[i];
        r->queue_name = xstrdup(q.name ? q.name : "");
        queue_clear(&q);
    }
    qsort(out->items, out->n, sizeof *out->items, row_cmp);
    return 0;
}

/* Keeps the page of limit rows after token in out->items and sets out->next. */
static int keep_page(rp_queue_page *out, const char *token, size_t limit, rerr *e)
{
    static const char kind[] = "routing-profile-queues";
    char *key = NULL, *after = NULL;
    if (page_token_decode(e, "nextToken", token, kind, &key, &after))
        return -1;
    size_t start = 0;
    while (token && *token && start < out->n) {
        char *id = row_id(&out->items[start]);
        int c = strcmp(out->items[start].queue_name, key);
        int past = c > 0 || (c == 0 && strcmp(id, after) > 0);
        free(id);
        if (past)
            break;
        start++;
    }
    free(key);
    free(after);
    size_t count = out->n - start < limit ? out->n - start : limit;
    for (size_t i = 0; i < start; i++)
        free(out->items[i].queue_name);
    for (size_t i = start + count; i < out->n; i++)
        free(out->items[i].queue_name);
    memmove(out->items, out->items + start, count * sizeof *out->items);
    int more = start + count < out->n;
    out->n = count;
    if (more) {
        char *id = row_id(&out->items[count - 1]);
        out->next = page_token_encode(kind, out->items[count - 1].queue_name, id);
        free(id);
    }
    return 0;
}

int routing_profiles_list_queues(core_ctx *cx, const char *instance_id, const char *id, const char *token,
                                 size_t limit, rp_queue_page *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_ROUTING_PROFILES_LIST_QUEUES, instance_id, e))
        return -1;
    routing_profile p;
    if (read_profile(cx, instance_id, id, &p, e))
        return -1;
    out->modified_ms = p.modified_ms;
    int rc = queue_rows(cx, &p, out, e);
    routing_profile_clear(&p);
    if (rc == 0)
        rc = keep_page(out, token, limit ? limit : 1, e);
    if (rc)
        rp_queue_page_clear(out);
    return rc;
}

/* ---- search ---------------------------------------------------------------------------------- */

static const char *const search_fields[] = {"associatedQueueIds", "name", "description", "resourceID", "resourceId",
                                            NULL};

static const search_rules rules = {
    .fields = search_fields, .contains_min = 0, .contains_max = 0, .hierarchy = 0, .tags = 1,
    .what = "SearchRoutingProfiles"};

typedef struct rp_item {
    routing_profile *p;
    kvlist tags;
} rp_item;

static int leaf_match(const void *item, const search_node *n, void *cls)
{
    (void)cls;
    const rp_item *it = item;
    const routing_profile *p = it->p;
    if (n->kind == SEARCH_TAG)
        return search_tag_match(n, &it->tags);
    if (n->kind != SEARCH_STRING)
        return 0;
    if (strcmp(n->field, "name") == 0)
        return search_text(n->cmp, p->name, n->value);
    if (strcmp(n->field, "description") == 0)
        return search_text(n->cmp, p->description, n->value);
    if (strcmp(n->field, "associatedQueueIds") == 0) {
        for (size_t i = 0; i < p->n_queues; i++)
            if (!p->queues[i].manual && search_text(n->cmp, p->queues[i].queue_id, n->value))
                return 1;
        return 0;
    }
    return search_text(n->cmp, p->id, n->value); /* resourceID / resourceId */
}

static int uses_tags(const search_node *n)
{
    if (n->kind == SEARCH_TAG)
        return 1;
    for (size_t i = 0; i < n->n_kids; i++)
        if (uses_tags(&n->kids[i]))
            return 1;
    return 0;
}

static int item_cmp(const void *a, const void *b)
{
    const rp_item *x = a, *y = b;
    int c = strcmp(x->p->name, y->p->name);
    return c ? c : strcmp(x->p->id, y->p->id);
}

void rp_search_page_clear(rp_search_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        routing_profile_clear(&p->items[i]);
        kvlist_clear(&p->tags[i]);
    }
    free(p->items);
    free(p->tags);
    free(p->next);
    memset(p, 0, sizeof *p);
}

/* Keeps the matching items (moving them to the front of items); returns how many. */
static size_t filter_items(core_ctx *cx, const search_node *root, rp_item *items, size_t n, int with_tags)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (with_tags)
            store_tags_get(cx->conn, items[i].p->id, &items[i].tags);
        if (search_eval(root, &items[i], leaf_match, NULL)) {
            rp_item t = items[kept];
            items[kept++] = items[i];
            items[i] = t;
        }
    }
    return kept;
}

/* Moves the page [start, start + count) of the sorted matches into out. */
static void take_page(core_ctx *cx, rp_item *items, size_t start, size_t count, rp_search_page *out)
{
    out->items = xcalloc(count + 1, sizeof *out->items);
    out->tags = xcalloc(count + 1, sizeof *out->tags);
    for (size_t i = 0; i < count; i++) {
        rp_item *it = &items[start + i];
        out->items[i] = *it->p;
        memset(it->p, 0, sizeof *it->p);
        if (!it->tags.keys.n)
            store_tags_get(cx->conn, out->items[i].id, &it->tags);
        out->tags[i] = it->tags;
        memset(&it->tags, 0, sizeof it->tags);
    }
    out->n = count;
}

static int search_matches(core_ctx *cx, const search_node *root, routing_profile *all, size_t n,
                          const char *token, size_t limit, rp_search_page *out, rerr *e)
{
    rp_item *items = xcalloc(n + 1, sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i].p = &all[i];
    size_t kept = filter_items(cx, root, items, n, uses_tags(root));
    qsort(items, kept, sizeof *items, item_cmp);
    const char **keys = xcalloc(kept + 1, sizeof *keys), **ids = xcalloc(kept + 1, sizeof *ids);
    for (size_t i = 0; i < kept; i++) {
        keys[i] = items[i].p->name;
        ids[i] = items[i].p->id;
    }
    search_page pg;
    int rc = search_paginate(e, "search-routing-profiles", token, limit, keys, ids, kept, &pg);
    if (rc == 0) {
        take_page(cx, items, pg.start, pg.count, out);
        out->total = (int64_t)kept;
        out->next = pg.next;
    }
    for (size_t i = 0; i < n; i++)
        kvlist_clear(&items[i].tags);
    free(keys);
    free(ids);
    free(items);
    return rc;
}

int routing_profiles_search(core_ctx *cx, const char *instance_id, const search_node *root, const char *token,
                            size_t limit, rp_search_page *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_ROUTING_PROFILES_SEARCH, instance_id, e))
        return -1;
    if (search_validate(root, &rules, e))
        return -1;
    routing_profile *all = NULL;
    size_t n = 0;
    int rc = store_routing_profile_all(cx->conn, instance_id, &all, &n);
    int result = rc == STORE_OK ? search_matches(cx, root, all, n, token, limit ? limit : 1, out, e)
                                : core_store_error(cx, rc, "read the routing profiles", e);
    for (size_t i = 0; i < n; i++)
        routing_profile_clear(&all[i]);
    free(all);
    return result;
}

/* ---- look-ups -------------------------------------------------------------------------------- */

int routing_profile_by_name(core_ctx *cx, const char *instance_id, const char *name, routing_profile *out,
                            rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_ROUTING_PROFILES_DESCRIBE, instance_id, e))
        return -1;
    if (!name || !*name)
        return rerr_set(e, ERR_INVALID_PARAMETER, "RoutingProfile", "a routing profile name is required");
    int rc = store_routing_profile_by_name(cx->conn, instance_id, name, out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "RoutingProfile", "Routing profile not found: '%.300s'", name);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "look up a routing profile", e);
    return 0;
}

int routing_profiles_default(core_ctx *cx, const char *instance_id, char id_out[ID_LEN], rerr *e)
{
    if (core_allow(cx, CORE_ROUTING_PROFILES_DESCRIBE, instance_id, e))
        return -1;
    int rc = store_routing_profile_default(cx->conn, instance_id, id_out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "RoutingProfileId", "the instance has no default routing profile");
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "find the default routing profile", e);
    return 0;
}
