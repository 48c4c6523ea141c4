/* sqlite_resources.c — hours of operation, queues and routing profiles in the SQLite backend. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"


/* ---- hours of operation ---------------------------------------------------------------- */

int store_hours_insert(store_conn *c, const hours *h)
{
    static const char sql[] = "INSERT INTO hours_of_operations(id, instance_id, name, description, time_zone, "
                              "modified_ms) VALUES (?, ?, ?, ?, ?, ?)";
    static const char slot_sql[] = "INSERT INTO hours_slots(hours_id, seq, day, start_h, start_m, end_h, end_m) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, h->id);
    sq_bind_text(st, 2, h->instance_id);
    sq_bind_text(st, 3, h->name);
    sq_bind_text(st, 4, h->description);
    sq_bind_text(st, 5, h->time_zone);
    sqlite3_bind_int64(st, 6, h->modified_ms);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < h->n_slots; i++) {
        const hours_slot *s = &h->slots[i];
        st = sq_stmt(c, slot_sql);
        if (!st)
            return STORE_ERROR;
        sq_bind_text(st, 1, h->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sq_bind_text(st, 3, s->day);
        sqlite3_bind_int(st, 4, s->start_h);
        sqlite3_bind_int(st, 5, s->start_m);
        sqlite3_bind_int(st, 6, s->end_h);
        sqlite3_bind_int(st, 7, s->end_m);
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

static int read_slots(store_conn *c, hours *h)
{
    static const char sql[] = "SELECT day, start_h, start_m, end_h, end_m FROM hours_slots "
                              "WHERE hours_id = ? ORDER BY seq";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, h->id);
    int rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (h->n_slots == cap) {
            cap = cap ? cap * 2 : 8;
            h->slots = xrealloc(h->slots, cap * sizeof *h->slots);
        }
        hours_slot *s = &h->slots[h->n_slots++];
        sq_col_copy(st, 0, s->day, sizeof s->day);
        s->start_h = sqlite3_column_int(st, 1);
        s->start_m = sqlite3_column_int(st, 2);
        s->end_h = sqlite3_column_int(st, 3);
        s->end_m = sqlite3_column_int(st, 4);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_hours_get(store_conn *c, const char *instance_id, const char *id, hours *out)
{
    static const char sql[] = "SELECT id, instance_id, name, description, time_zone, modified_ms "
                              "FROM hours_of_operations WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
    out->name = sq_col_dup(st, 2);
    out->description = sq_col_dup(st, 3);
    out->time_zone = sq_col_dup(st, 4);
    out->modified_ms = sqlite3_column_int64(st, 5);
    sqlite3_reset(st);
    return read_slots(c, out);
}

int store_hours_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM hours_of_operations WHERE " KEYSET;
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}

/* ---- queues ----------------------------------------------------------------------------- */

int store_queue_insert(store_conn *c, const queue *q)
{
    static const char sql[] = "INSERT INTO queues(id, instance_id, name, description, hours_id, max_contacts, "
                              "status, queue_type, modified_ms, outbound_caller_id_name, "
                              "outbound_caller_id_number_id, outbound_flow_id) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, q->id);
    sq_bind_text(st, 2, q->instance_id);
    sq_bind_text(st, 3, q->name);
    sq_bind_text(st, 4, q->description);
    sq_bind_text(st, 5, q->hours_id[0] ? q->hours_id : NULL);
    if (q->max_contacts >= 0)
        sqlite3_bind_int64(st, 6, q->max_contacts);
    sq_bind_text(st, 7, q->status[0] ? q->status : "ENABLED");
    sq_bind_text(st, 8, q->queue_type);
    sqlite3_bind_int64(st, 9, q->modified_ms);
    sq_bind_text(st, 10, q->outbound_caller_id_name);
    sq_bind_text(st, 11, q->outbound_caller_id_number_id);
    sq_bind_text(st, 12, q->outbound_flow_id);
    return sq_exec_stmt(c, st);
}

int store_queue_get(store_conn *c, const char *instance_id, const char *id, queue *out)
{
    static const char sql[] = "SELECT id, instance_id, name, description, hours_id, max_contacts, status, "
                              "queue_type, modified_ms, outbound_caller_id_name, outbound_caller_id_number_id, "
                              "outbound_flow_id FROM queues WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
    out->name = sq_col_dup(st, 2);
    out->description = sq_col_dup(st, 3);
    sq_col_copy(st, 4, out->hours_id, sizeof out->hours_id);
    out->max_contacts = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
    sq_col_copy(st, 6, out->status, sizeof out->status);
    sq_col_copy(st, 7, out->queue_type, sizeof out->queue_type);
    out->modified_ms = sqlite3_column_int64(st, 8);
    out->outbound_caller_id_name = sq_col_dup(st, 9);
    out->outbound_caller_id_number_id = sq_col_dup(st, 10);
    out->outbound_flow_id = sq_col_dup(st, 11);
    sqlite3_reset(st);
    return STORE_OK;
}

int store_queue_list(store_conn *c, const page_req *pr, unsigned types, summary_list *out)
{
    /* Agent queues have no name; they sort first by an empty name, then by id. */
    static const char sql_all[] = "SELECT id, name, modified_ms, queue_type FROM queues WHERE "
                                  "instance_id = ? AND (coalesce(name, '') > ? OR (coalesce(name, '') = ? "
                                  "AND id > ?)) ORDER BY coalesce(name, ''), id LIMIT ?";
    static const char sql_std[] = "SELECT id, name, modified_ms, queue_type FROM queues WHERE "
                                  "queue_type = 'STANDARD' AND " KEYSET;
    static const char sql_agent[] = "SELECT id, name, modified_ms, queue_type FROM queues WHERE "
                                    "queue_type = 'AGENT' AND instance_id = ? AND ('' > ? OR ('' = ? "
                                    "AND id > ?)) ORDER BY id LIMIT ?";
    const char *sql = types == 1 ? sql_std : types == 2 ? sql_agent : sql_all;
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}

/* ---- routing profiles --------------------------------------------------------------------- */

int store_routing_profile_insert(store_conn *c, const routing_profile *p)
{
    static const char sql[] = "INSERT INTO routing_profiles(id, instance_id, name, description, "
                              "default_outbound_queue_id, agent_availability_timer, is_default, modified_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static const char media_sql[] = "INSERT INTO routing_profile_media(profile_id, channel, concurrency, "
                                    "cross_channel) VALUES (?, ?, ?, ?)";
    static const char queue_sql[] = "INSERT INTO routing_profile_queues(profile_id, queue_id, channel, manual, "
                                    "priority, delay) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    sq_bind_text(st, 2, p->instance_id);
    sq_bind_text(st, 3, p->name);
    sq_bind_text(st, 4, p->description);
    sq_bind_text(st, 5, p->default_outbound_queue_id);
    sq_bind_text(st, 6, p->agent_availability_timer[0] ? p->agent_availability_timer : NULL);
    sqlite3_bind_int(st, 7, p->is_default);
    sqlite3_bind_int64(st, 8, p->modified_ms);
    int rc = sq_exec_stmt(c, st);
    for (size_t i = 0; rc == STORE_OK && i < p->n_media; i++) {
        if (!(st = sq_stmt(c, media_sql)))
            return STORE_ERROR;
        sq_bind_text(st, 1, p->id);
        sq_bind_text(st, 2, p->media[i].channel);
        sqlite3_bind_int(st, 3, p->media[i].concurrency);
        sq_bind_text(st, 4, p->media[i].cross_channel[0] ? p->media[i].cross_channel : NULL);
        rc = sq_exec_stmt(c, st);
    }
    for (size_t i = 0; rc == STORE_OK && i < p->n_queues; i++) {
        const routing_queue *q = &p->queues[i];
        if (!(st = sq_stmt(c, queue_sql)))
            return STORE_ERROR;
        sq_bind_text(st, 1, p->id);
        sq_bind_text(st, 2, q->queue_id);
        sq_bind_text(st, 3, q->channel);
        sqlite3_bind_int(st, 4, q->manual);
        if (!q->manual) {
            sqlite3_bind_int(st, 5, q->priority);
            sqlite3_bind_int(st, 6, q->delay);
        }
        rc = sq_exec_stmt(c, st);
    }
    return rc;
}

static int read_routing_children(store_conn *c, routing_profile *p)
{
    static const char media_sql[] = "SELECT channel, concurrency, cross_channel FROM routing_profile_media "
                                    "WHERE profile_id = ? ORDER BY channel";
    static const char queue_sql[] = "SELECT queue_id, channel, manual, priority, delay FROM routing_profile_queues "
                                    "WHERE profile_id = ? ORDER BY manual, queue_id, channel";
    static const char users_sql[] = "SELECT count(*) FROM users WHERE routing_profile_id = ?";
    sqlite3_stmt *st = sq_stmt(c, media_sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->n_media < 4) {
        media_concurrency *m = &p->media[p->n_media++];
        sq_col_copy(st, 0, m->channel, sizeof m->channel);
        m->concurrency = sqlite3_column_int(st, 1);
        sq_col_copy(st, 2, m->cross_channel, sizeof m->cross_channel);
    }
    sqlite3_reset(st);
    if (!(st = sq_stmt(c, queue_sql)))
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->n_queues == cap) {
            cap = cap ? cap * 2 : 8;
            p->queues = xrealloc(p->queues, cap * sizeof *p->queues);
        }
        routing_queue *q = &p->queues[p->n_queues++];
        sq_col_copy(st, 0, q->queue_id, sizeof q->queue_id);
        sq_col_copy(st, 1, q->channel, sizeof q->channel);
        q->manual = sqlite3_column_int(st, 2);
        q->priority = sqlite3_column_int(st, 3);
        q->delay = sqlite3_column_int(st, 4);
    }
    sqlite3_reset(st);
    if (!(st = sq_stmt(c, users_sql)))
        return STORE_ERROR;
    sq_bind_text(st, 1, p->id);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        p->n_users = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return sq_status(c, rc);
}

#define ROUTING_COLS                                                                                   \
    "id, instance_id, name, description, default_outbound_queue_id, agent_availability_timer, is_default, " \
    "modified_ms"

/* Fills out's scalar columns from a row of ROUTING_COLS. */
static void routing_columns(sqlite3_stmt *st, routing_profile *out)
{
    memset(out, 0, sizeof *out);
    sq_col_copy(st, 0, out->id, sizeof out->id);
    sq_col_copy(st, 1, out->instance_id, sizeof out->instance_id);
    out->name = sq_col_dup(st, 2);
    out->description = sq_col_dup(st, 3);
    sq_col_copy(st, 4, out->default_outbound_queue_id, sizeof out->default_outbound_queue_id);
    sq_col_copy(st, 5, out->agent_availability_timer, sizeof out->agent_availability_timer);
    out->is_default = sqlite3_column_int(st, 6);
    out->modified_ms = sqlite3_column_int64(st, 7);
}

/* Steps a query of ROUTING_COLS expected to give at most one row, then reads the children. */
static int read_one_routing(store_conn *c, sqlite3_stmt *st, routing_profile *out)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    }
    routing_columns(st, out);
    sqlite3_reset(st);
    return read_routing_children(c, out);
}

int store_routing_profile_get(store_conn *c, const char *instance_id, const char *id, routing_profile *out)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? AND id = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, id);
    return read_one_routing(c, st, out);
}

int store_routing_profile_by_name(store_conn *c, const char *instance_id, const char *name, routing_profile *out)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? AND name = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    sq_bind_text(st, 2, name);
    return read_one_routing(c, st, out);
}

int store_routing_profile_default(store_conn *c, const char *instance_id, char id_out[ID_LEN])
{
    static const char sql[] = "SELECT id FROM routing_profiles WHERE instance_id = ? AND is_default = 1 "
                              "ORDER BY id LIMIT 1";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_col_copy(st, 0, id_out, ID_LEN);
    int out = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    sqlite3_reset(st);
    return out;
}

/* ---- every profile of an instance at once (searches) ----------------------------------------- */

static int by_id(const void *key, const void *item)
{
    return strcmp(key, ((const routing_profile *)item)->id);
}

static routing_profile *find_profile(routing_profile *all, size_t n, const char *id)
{
    return id ? bsearch(id, all, n, sizeof *all, by_id) : NULL;
}

static int all_media(store_conn *c, const char *instance_id, routing_profile *all, size_t n)
{
    static const char sql[] = "SELECT m.profile_id, m.channel, m.concurrency, m.cross_channel "
                              "FROM routing_profile_media m JOIN routing_profiles p ON p.id = m.profile_id "
                              "WHERE p.instance_id = ? ORDER BY m.profile_id, m.channel";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        routing_profile *p = find_profile(all, n, (const char *)sqlite3_column_text(st, 0));
        if (!p || p->n_media >= 4)
            continue;
        media_concurrency *m = &p->media[p->n_media++];
        sq_col_copy(st, 1, m->channel, sizeof m->channel);
        m->concurrency = sqlite3_column_int(st, 2);
        sq_col_copy(st, 3, m->cross_channel, sizeof m->cross_channel);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

static void push_queue(routing_profile *p, sqlite3_stmt *st, int first_col)
{
    /* Grow to the next power of two: n_queues doubles as the capacity marker. */
    if ((p->n_queues & (p->n_queues - 1)) == 0)
        p->queues = xrealloc(p->queues, (p->n_queues ? p->n_queues * 2 : 1) * sizeof *p->queues);
    routing_queue *q = &p->queues[p->n_queues++];
    memset(q, 0, sizeof *q);
    sq_col_copy(st, first_col, q->queue_id, sizeof q->queue_id);
    sq_col_copy(st, first_col + 1, q->channel, sizeof q->channel);
    q->manual = sqlite3_column_int(st, first_col + 2);
    q->priority = sqlite3_column_int(st, first_col + 3);
    q->delay = sqlite3_column_int(st, first_col + 4);
}

static int all_queues(store_conn *c, const char *instance_id, routing_profile *all, size_t n)
{
    static const char sql[] = "SELECT q.profile_id, q.queue_id, q.channel, q.manual, q.priority, q.delay "
                              "FROM routing_profile_queues q JOIN routing_profiles p ON p.id = q.profile_id "
                              "WHERE p.instance_id = ? ORDER BY q.profile_id, q.manual, q.queue_id, q.channel";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        routing_profile *p = find_profile(all, n, (const char *)sqlite3_column_text(st, 0));
        if (p)
            push_queue(p, st, 1);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

static int all_user_counts(store_conn *c, const char *instance_id, routing_profile *all, size_t n)
{
    static const char sql[] = "SELECT routing_profile_id, count(*) FROM users WHERE instance_id = ? "
                              "GROUP BY routing_profile_id";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, instance_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        routing_profile *p = find_profile(all, n, (const char *)sqlite3_column_text(st, 0));
        if (p)
            p->n_users = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

static void routing_item(sqlite3_stmt *st, void *item)
{
    routing_columns(st, item);
}

int store_routing_profile_all(store_conn *c, const char *instance_id, routing_profile **out, size_t *n)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? ORDER BY id";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (st)
        sq_bind_text(st, 1, instance_id);
    int rc = sq_collect(c, st, (void **)out, n, sizeof **out, routing_item);
    if (rc == STORE_OK)
        rc = all_media(c, instance_id, *out, *n);
    if (rc == STORE_OK)
        rc = all_queues(c, instance_id, *out, *n);
    if (rc == STORE_OK)
        rc = all_user_counts(c, instance_id, *out, *n);
    return rc;
}

int store_routing_profile_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM routing_profiles WHERE " KEYSET;
    return sq_page_summaries(c, sq_stmt(c, sql), pr, out);
}
