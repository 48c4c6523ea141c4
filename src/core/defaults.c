/* defaults.c — the default resources of a new instance. */
#include "core/defaults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/permissions.h"
#include "util/buf.h"
#include "util/ids.h"

static const char *const days[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"};

static const struct {
    const char *name;
    const char *description;
} builtin_profiles[] = {
    {"Admin", "Grants every permission. Cannot be deleted or stripped of permissions."},
    {"Agent", "Agents: take contacts and place outbound calls."},
    {"CallCenterManager", "Managers: users, routing, hierarchy and queues."},
    {"QualityAnalyst", "Analysts: view users, routing, hierarchy and queues."},
};

static int create_hours(core_ctx *cx, const char *instance_id, char id_out[ID_LEN], rerr *e)
{
    hours h = {0};
    uuid_v7(h.id);
    memcpy(h.instance_id, instance_id, ID_LEN);
    h.name = "Basic Hours";
    h.description = "24 hours a day, 7 days a week";
    h.time_zone = "UTC";
    h.modified_ms = cx->now_ms;
    hours_slot slots[7];
    for (int i = 0; i < 7; i++) {
        memset(&slots[i], 0, sizeof slots[i]);
        snprintf(slots[i].day, sizeof slots[i].day, "%s", days[i]);
    }
    h.slots = slots;
    h.n_slots = 7;
    int rc = store_hours_insert(cx->conn, &h);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create default hours", e);
    memcpy(id_out, h.id, ID_LEN);
    return 0;
}

static int create_queue(core_ctx *cx, const char *instance_id, const char *hours_id, char id_out[ID_LEN],
                        rerr *e)
{
    queue q = {0};
    uuid_v7(q.id);
    memcpy(q.instance_id, instance_id, ID_LEN);
    q.name = "BasicQueue";
    q.description = "A simple, basic voice queue.";
    memcpy(q.hours_id, hours_id, ID_LEN);
    q.max_contacts = -1;
    snprintf(q.status, sizeof q.status, "%s", "ENABLED");
    snprintf(q.queue_type, sizeof q.queue_type, "%s", "STANDARD");
    q.modified_ms = cx->now_ms;
    int rc = store_queue_insert(cx->conn, &q);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create default queue", e);
    memcpy(id_out, q.id, ID_LEN);
    return 0;
}

static int create_routing_profile(core_ctx *cx, const char *instance_id, const char *queue_id,
                                  char id_out[ID_LEN], rerr *e)
{
    static const struct {
        const char *channel;
        int concurrency;
    } media[] = {{"CHAT", 2}, {"TASK", 10}, {"VOICE", 1}};
    routing_profile p = {0};
    uuid_v7(p.id);
    memcpy(p.instance_id, instance_id, ID_LEN);
    p.name = "Basic Routing Profile";
    p.description = "Default routing profile";
    memcpy(p.default_outbound_queue_id, queue_id, ID_LEN);
    snprintf(p.agent_availability_timer, sizeof p.agent_availability_timer, "%s", "TIME_SINCE_LAST_ACTIVITY");
    p.is_default = 1;
    p.modified_ms = cx->now_ms;
    routing_queue rq[3];
    memset(rq, 0, sizeof rq);
    for (size_t i = 0; i < 3; i++) {
        snprintf(p.media[i].channel, sizeof p.media[i].channel, "%s", media[i].channel);
        p.media[i].concurrency = media[i].concurrency;
        memcpy(rq[i].queue_id, queue_id, ID_LEN);
        snprintf(rq[i].channel, sizeof rq[i].channel, "%s", media[i].channel);
        rq[i].priority = 1;
        rq[i].delay = 0;
    }
    p.n_media = 3;
    p.queues = rq;
    p.n_queues = 3;
    int rc = store_routing_profile_insert(cx->conn, &p);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create default routing profile", e);
    memcpy(id_out, p.id, ID_LEN);
    return 0;
}

static int create_security_profiles(core_ctx *cx, const char *instance_id, instance_defaults *out, rerr *e)
{
    for (size_t i = 0; i < sizeof builtin_profiles / sizeof builtin_profiles[0]; i++) {
        security_profile p = {0};
        uuid_v7(p.id);
        memcpy(p.instance_id, instance_id, ID_LEN);
        p.name = (char *)builtin_profiles[i].name;
        p.description = (char *)builtin_profiles[i].description;
        p.builtin = 1;
        p.modified_ms = cx->now_ms;
        size_t n;
        const char *const *perms = permissions_builtin(p.name, &n);
        for (size_t j = 0; j < n; j++)
            strlist_push(&p.permissions, perms[j]);
        int rc = store_security_profile_insert(cx->conn, &p);
        strlist_clear(&p.permissions);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "create default security profiles", e);
        if (i == 0)
            memcpy(out->admin_profile_id, p.id, ID_LEN);
        if (i == 1)
            memcpy(out->agent_profile_id, p.id, ID_LEN);
    }
    return 0;
}

int defaults_create(core_ctx *cx, const char *instance_id, instance_defaults *out, rerr *e)
{
    char hours_id[ID_LEN], queue_id[ID_LEN];
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_DEFAULTS_CREATE, instance_id, e))
        return -1;
    if (create_hours(cx, instance_id, hours_id, e) || create_queue(cx, instance_id, hours_id, queue_id, e) ||
        create_routing_profile(cx, instance_id, queue_id, out->routing_profile_id, e) ||
        create_security_profiles(cx, instance_id, out, e))
        return -1;
    return 0;
}
