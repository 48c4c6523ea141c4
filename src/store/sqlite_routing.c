/* sqlite_routing.c — writing routing profiles (names, default outbound queue, media
 * concurrencies, queue configs, deletion) in the SQLite backend. Reads live in
 * sqlite_resources.c. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* Steps a write and reports STORE_NOTFOUND when it touched no row. */
static int exec_changed(store_conn *c, sqlite3_stmt *st)
{
    int rc = sq_exec_stmt(c, st);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}

int store_routing_profile_update(store_conn *c, const routing_profile *p)
{
    static const char sql[] = "UPDATE routing_profiles SET name = ?, description = ?, "
                              "default_outbound_queue_id = ?, agent_availability_timer = ?, modified_ms = ? "
                              "WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->name);
    sq_bind_text(st, 2, p->description);
    sq_bind_text(st, 3, p->default_outbound_queue_id);
    sq_bind_text(st, 4, p->agent_availability_timer[0] ? p->agent_availability_timer : NULL);
    sqlite3_bind_int64(st, 5, p->modified_ms);
    sq_bind_text(st, 6, p->instance_id);
    sq_bind_text(st, 7, p->id);
    return exec_changed(c, st);
}

int store_routing_profile_set_media(store_conn *c, const char *profile_id, const media_concurrency *m, size_t n)
{
    static const char del_sql[] = "DELETE FROM routing_profile_media WHERE profile_id = ?";
    static const char ins_sql[] = "INSERT INTO routing_profile_media(profile_id, channel, concurrency, "
                                  "cross_channel) VALUES (?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, del_sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, profile_id);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (!(st = sq_stmt(c, ins_sql)))
            return STORE_ERROR;
        sq_bind_text(st, 1, profile_id);
        sq_bind_text(st, 2, m[i].channel);
        sqlite3_bind_int(st, 3, m[i].concurrency);
        sq_bind_text(st, 4, m[i].cross_channel[0] ? m[i].cross_channel : NULL);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

int store_routing_profile_queue_add(store_conn *c, const char *profile_id, const routing_queue *q)
{
    static const char sql[] = "INSERT INTO routing_profile_queues(profile_id, queue_id, channel, manual, "
                              "priority, delay) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, profile_id);
    sq_bind_text(st, 2, q->queue_id);
    sq_bind_text(st, 3, q->channel);
    sqlite3_bind_int(st, 4, q->manual ? 1 : 0);
    if (!q->manual) {
        sqlite3_bind_int(st, 5, q->priority);
        sqlite3_bind_int(st, 6, q->delay);
    }
    return sq_exec_stmt(c, st);
}

int store_routing_profile_queue_set(store_conn *c, const char *profile_id, const routing_queue *q)
{
    static const char sql[] = "UPDATE routing_profile_queues SET priority = ?, delay = ? "
                              "WHERE profile_id = ? AND queue_id = ? AND channel = ? AND manual = 0";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, q->priority);
    sqlite3_bind_int(st, 2, q->delay);
    sq_bind_text(st, 3, profile_id);
    sq_bind_text(st, 4, q->queue_id);
    sq_bind_text(st, 5, q->channel);
    return exec_changed(c, st);
}

int store_routing_profile_queue_remove(store_conn *c, const char *profile_id, const char *queue_id,
                                       const char *channel, int manual)
{
    static const char sql[] = "DELETE FROM routing_profile_queues "
                              "WHERE profile_id = ? AND queue_id = ? AND channel = ? AND manual = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, profile_id);
    sq_bind_text(st, 2, queue_id);
    sq_bind_text(st, 3, channel);
    sqlite3_bind_int(st, 4, manual ? 1 : 0);
    return exec_changed(c, st);
}

int store_routing_profile_users(store_conn *c, const char *profile_id, int64_t *count, char user_id[ID_LEN])
{
    static const char sql[] = "SELECT count(*), min(id) FROM users WHERE routing_profile_id = ?";
    *count = 0;
    user_id[0] = '\0';
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, profile_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int64(st, 0);
        sq_col_copy(st, 1, user_id, ID_LEN);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_routing_profile_delete(store_conn *c, const char *instance_id, const char *id)
{
    static const char tags_sql[] = "DELETE FROM tags WHERE instance_id = ? AND resource_id = ?";
    static const char sql[] = "DELETE FROM routing_profiles WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, tags_sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sq_exec_stmt(c, st);
    if (rc != STORE_OK)
        return rc;
    if (!(st = sq_stmt(c, sql)))
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return exec_changed(c, st);
}
