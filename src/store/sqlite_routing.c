/* sqlite_routing.c — writing routing profiles (names, default outbound queue, media
 * concurrencies, queue configs, deletion) in the SQLite backend. Reads live in
 * sqlite_resources.c. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

int store_routing_profile_update(store_conn *c, const routing_profile *p)
{
    static const char sql[] = "UPDATE routing_profiles SET name = ?, description = ?, "
                              "default_outbound_queue_id = ?, agent_availability_timer = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    return sq_exec_found(c, sql,
                         SQ_ARGS(SQ_TEXT(p->name), SQ_TEXT(p->description), SQ_TEXT(p->default_outbound_queue_id),
                                 SQ_TEXT_OPT(p->agent_availability_timer), SQ_INT(p->modified_ms),
                                 SQ_TEXT(p->instance_id), SQ_TEXT(p->id)));
}

int store_routing_profile_set_media(store_conn *c, const char *profile_id, const media_concurrency *m, size_t n)
{
    static const char del_sql[] = "DELETE FROM routing_profile_media WHERE profile_id = ?";
    static const char ins_sql[] = "INSERT INTO routing_profile_media(profile_id, channel, concurrency, "
                                  "cross_channel) VALUES (?, ?, ?, ?)";
    int rc = sq_exec(c, del_sql, SQ_ARGS(SQ_TEXT(profile_id)));
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = sq_exec(c, ins_sql,
                     SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(m[i].channel), SQ_INT(m[i].concurrency),
                             SQ_TEXT_OPT(m[i].cross_channel)));
    return rc;
}

int store_routing_profile_queue_add(store_conn *c, const char *profile_id, const routing_queue *q)
{
    static const char sql[] = "INSERT INTO routing_profile_queues(profile_id, queue_id, channel, manual, "
                              "priority, delay) VALUES (?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(q->queue_id), SQ_TEXT(q->channel), SQ_INT(q->manual ? 1 : 0),
                           SQ_INT_IF(!q->manual, q->priority), SQ_INT_IF(!q->manual, q->delay)));
}

int store_routing_profile_queue_set(store_conn *c, const char *profile_id, const routing_queue *q)
{
    static const char sql[] = "UPDATE routing_profile_queues SET priority = ?, delay = ? "
                              "WHERE profile_id = ? AND queue_id = ? AND channel = ? AND manual = 0";
    return sq_exec_found(c, sql,
                         SQ_ARGS(SQ_INT(q->priority), SQ_INT(q->delay), SQ_TEXT(profile_id), SQ_TEXT(q->queue_id),
                                 SQ_TEXT(q->channel)));
}

int store_routing_profile_queue_remove(store_conn *c, const char *profile_id, const char *queue_id,
                                       const char *channel, int manual)
{
    static const char sql[] = "DELETE FROM routing_profile_queues "
                              "WHERE profile_id = ? AND queue_id = ? AND channel = ? AND manual = ?";
    return sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(queue_id), SQ_TEXT(channel),
                                         SQ_INT(manual ? 1 : 0)));
}

int store_routing_profile_users(store_conn *c, const char *profile_id, int64_t *count, char user_id[ID_LEN])
{
    static const char sql[] = "SELECT count(*), min(id) FROM users WHERE routing_profile_id = ?";
    return sq_count_and_first(c, sql, profile_id, count, user_id);
}

int store_routing_profile_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char tags_sql[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    static const char sql[] = "DELETE FROM routing_profiles WHERE instance_id = ? AND id = ?";
    int rc = sq_exec(c, tags_sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    return rc == STORE_OK ? sq_exec_found(c, sql, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id))) : rc;
}
