/* sqlite_resources.c — hours of operation, queues and routing profiles in the SQLite backend
 * (routing profile writes besides the insert: sqlite_routing.c). */
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
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(h->id), SQ_TEXT(h->instance_id), SQ_TEXT(h->name), SQ_TEXT(h->description),
                             SQ_TEXT(h->time_zone), SQ_INT(h->modified_ms)));
    for (size_t i = 0; rc == STORE_OK && i < h->n_slots; i++) {
        const hours_slot *s = &h->slots[i];
        rc = sq_exec(c, slot_sql,
                     SQ_ARGS(SQ_TEXT(h->id), SQ_INT(i), SQ_TEXT(s->day), SQ_INT(s->start_h), SQ_INT(s->start_m),
                             SQ_INT(s->end_h), SQ_INT(s->end_m)));
    }
    return rc;
}

/* Appends a (day, start_h, start_m, end_h, end_m) row to the slots of the hours out. */
static void read_slot(sqlite3_stmt *st, void *out)
{
    hours *h = out;
    if ((h->n_slots & (h->n_slots - 1)) == 0) /* at a power of two: grow */
        h->slots = xrealloc(h->slots, (h->n_slots ? h->n_slots * 2 : 1) * sizeof *h->slots);
    hours_slot *s = &h->slots[h->n_slots++];
    sq_col_copy(st, 0, s->day, sizeof s->day);
    s->start_h = sqlite3_column_int(st, 1);
    s->start_m = sqlite3_column_int(st, 2);
    s->end_h = sqlite3_column_int(st, 3);
    s->end_m = sqlite3_column_int(st, 4);
}

/* Reads an (id, instance_id, name, description, time_zone, modified_ms) row into the hours out. */
static void read_hours(sqlite3_stmt *st, void *out)
{
    hours *h = out;
    memset(h, 0, sizeof *h);
    sq_col_copy(st, 0, h->id, sizeof h->id);
    sq_col_copy(st, 1, h->instance_id, sizeof h->instance_id);
    h->name = sq_col_dup(st, 2);
    h->description = sq_col_dup(st, 3);
    h->time_zone = sq_col_dup(st, 4);
    h->modified_ms = sqlite3_column_int64(st, 5);
}

int store_hours_get(store_conn *c, const char *instance_id, const char *id, hours *out)
{
    static const char sql[] = "SELECT id, instance_id, name, description, time_zone, modified_ms "
                              "FROM hours_of_operations WHERE instance_id = ? AND id = ?";
    static const char slots_sql[] = "SELECT day, start_h, start_m, end_h, end_m FROM hours_slots "
                                    "WHERE hours_id = ? ORDER BY seq";
    int rc = sq_row(c, sql, read_hours, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    return rc == STORE_OK ? sq_rows(c, slots_sql, read_slot, out, SQ_ARGS(SQ_TEXT(out->id))) : rc;
}

int store_hours_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM hours_of_operations WHERE " KEYSET;
    return sq_page_summaries(c, sql, pr, out);
}

/* ---- queues ----------------------------------------------------------------------------- */

int store_queue_insert(store_conn *c, const queue *q)
{
    static const char sql[] = "INSERT INTO queues(id, instance_id, name, description, hours_id, max_contacts, "
                              "status, queue_type, modified_ms, outbound_caller_id_name, "
                              "outbound_caller_id_number_id, outbound_flow_id) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT(q->id), SQ_TEXT(q->instance_id), SQ_TEXT(q->name), SQ_TEXT(q->description),
                           SQ_TEXT_OPT(q->hours_id), SQ_INT_IF(q->max_contacts >= 0, q->max_contacts),
                           SQ_TEXT(q->status[0] ? q->status : "ENABLED"), SQ_TEXT(q->queue_type),
                           SQ_INT(q->modified_ms), SQ_TEXT(q->outbound_caller_id_name),
                           SQ_TEXT(q->outbound_caller_id_number_id), SQ_TEXT(q->outbound_flow_id)));
}

/* Reads a queue row (the columns of store_queue_get) into the queue out. */
static void read_queue(sqlite3_stmt *st, void *out)
{
    queue *q = out;
    memset(q, 0, sizeof *q);
    sq_col_copy(st, 0, q->id, sizeof q->id);
    sq_col_copy(st, 1, q->instance_id, sizeof q->instance_id);
    q->name = sq_col_dup(st, 2);
    q->description = sq_col_dup(st, 3);
    sq_col_copy(st, 4, q->hours_id, sizeof q->hours_id);
    q->max_contacts = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
    sq_col_copy(st, 6, q->status, sizeof q->status);
    sq_col_copy(st, 7, q->queue_type, sizeof q->queue_type);
    q->modified_ms = sqlite3_column_int64(st, 8);
    q->outbound_caller_id_name = sq_col_dup(st, 9);
    q->outbound_caller_id_number_id = sq_col_dup(st, 10);
    q->outbound_flow_id = sq_col_dup(st, 11);
}

int store_queue_get(store_conn *c, const char *instance_id, const char *id, queue *out)
{
    static const char sql[] = "SELECT id, instance_id, name, description, hours_id, max_contacts, status, "
                              "queue_type, modified_ms, outbound_caller_id_name, outbound_caller_id_number_id, "
                              "outbound_flow_id FROM queues WHERE instance_id = ? AND id = ?";
    return sq_row(c, sql, read_queue, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
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
    return sq_page_summaries(c, types == 1 ? sql_std : types == 2 ? sql_agent : sql_all, pr, out);
}

/* ---- routing profiles --------------------------------------------------------------------- */

int store_routing_profile_insert(store_conn *c, const routing_profile *p)
{
    static const char sql[] = "INSERT INTO routing_profiles(id, instance_id, name, description, "
                              "default_outbound_queue_id, agent_availability_timer, is_default, modified_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    int rc = sq_exec(c, sql,
                     SQ_ARGS(SQ_TEXT(p->id), SQ_TEXT(p->instance_id), SQ_TEXT(p->name), SQ_TEXT(p->description),
                             SQ_TEXT(p->default_outbound_queue_id), SQ_TEXT_OPT(p->agent_availability_timer),
                             SQ_INT(p->is_default), SQ_INT(p->modified_ms)));
    if (rc == STORE_OK)
        rc = store_routing_profile_set_media(c, p->id, p->media, p->n_media);
    for (size_t i = 0; rc == STORE_OK && i < p->n_queues; i++)
        rc = store_routing_profile_queue_add(c, p->id, &p->queues[i]);
    return rc;
}

/* The profile a child row belongs to: the one profile being read (n 1), or the one of all[0..n)
 * (sorted by id) whose id is in column 0 of the row (n > 1, or reading every profile). */
typedef struct profiles {
    routing_profile *all;
    size_t n;
    int keyed;                   /* the rows' column 0 is the profile id; their data follows */
} profiles;

static int by_id(const void *key, const void *item)
{
    return strcmp(key, ((const routing_profile *)item)->id);
}

/* The profile of the row and the first column of its data, or NULL. */
static routing_profile *row_profile(sqlite3_stmt *st, const profiles *ps, int *col)
{
    *col = ps->keyed;
    if (!ps->keyed)
        return ps->all;
    const char *id = (const char *)sqlite3_column_text(st, 0);
    return id ? bsearch(id, ps->all, ps->n, sizeof *ps->all, by_id) : NULL;
}

/* Reads a (channel, concurrency, cross_channel) row into its profile's media. */
static void read_media(sqlite3_stmt *st, void *arg)
{
    int col;
    routing_profile *p = row_profile(st, arg, &col);
    if (!p || p->n_media >= 4)
        return;
    media_concurrency *m = &p->media[p->n_media++];
    sq_col_copy(st, col, m->channel, sizeof m->channel);
    m->concurrency = sqlite3_column_int(st, col + 1);
    sq_col_copy(st, col + 2, m->cross_channel, sizeof m->cross_channel);
}

/* Appends a (queue_id, channel, manual, priority, delay) row to its profile's queues. */
static void read_queue_config(sqlite3_stmt *st, void *arg)
{
    int col;
    routing_profile *p = row_profile(st, arg, &col);
    if (!p)
        return;
    /* Grow to the next power of two: n_queues doubles as the capacity marker. */
    if ((p->n_queues & (p->n_queues - 1)) == 0)
        p->queues = xrealloc(p->queues, (p->n_queues ? p->n_queues * 2 : 1) * sizeof *p->queues);
    routing_queue *q = &p->queues[p->n_queues++];
    memset(q, 0, sizeof *q);
    sq_col_copy(st, col, q->queue_id, sizeof q->queue_id);
    sq_col_copy(st, col + 1, q->channel, sizeof q->channel);
    q->manual = sqlite3_column_int(st, col + 2);
    q->priority = sqlite3_column_int(st, col + 3);
    q->delay = sqlite3_column_int(st, col + 4);
}

/* Reads a (count of users) row into its profile's n_users. */
static void read_user_count(sqlite3_stmt *st, void *arg)
{
    int col;
    routing_profile *p = row_profile(st, arg, &col);
    if (p)
        p->n_users = sqlite3_column_int64(st, col);
}

/* Reads the media, queue configs and user count of the one profile p. */
static int read_routing_children(store_conn *c, routing_profile *p)
{
    static const char media_sql[] = "SELECT channel, concurrency, cross_channel FROM routing_profile_media "
                                    "WHERE profile_id = ? ORDER BY channel";
    static const char queue_sql[] = "SELECT queue_id, channel, manual, priority, delay FROM routing_profile_queues "
                                    "WHERE profile_id = ? ORDER BY manual, queue_id, channel";
    static const char users_sql[] = "SELECT count(*) FROM users WHERE routing_profile_id = ?";
    profiles one = {p, 1, 0};
    int rc = sq_rows(c, media_sql, read_media, &one, SQ_ARGS(SQ_TEXT(p->id)));
    if (rc == STORE_OK)
        rc = sq_rows(c, queue_sql, read_queue_config, &one, SQ_ARGS(SQ_TEXT(p->id)));
    if (rc == STORE_OK)
        rc = sq_rows(c, users_sql, read_user_count, &one, SQ_ARGS(SQ_TEXT(p->id)));
    return rc;
}

#define ROUTING_COLS                                                                                   \
    "id, instance_id, name, description, default_outbound_queue_id, agent_availability_timer, is_default, " \
    "modified_ms"

/* Fills the routing_profile out's scalar columns from a row of ROUTING_COLS. */
static void read_routing(sqlite3_stmt *st, void *out)
{
    routing_profile *p = out;
    memset(p, 0, sizeof *p);
    sq_col_copy(st, 0, p->id, sizeof p->id);
    sq_col_copy(st, 1, p->instance_id, sizeof p->instance_id);
    p->name = sq_col_dup(st, 2);
    p->description = sq_col_dup(st, 3);
    sq_col_copy(st, 4, p->default_outbound_queue_id, sizeof p->default_outbound_queue_id);
    sq_col_copy(st, 5, p->agent_availability_timer, sizeof p->agent_availability_timer);
    p->is_default = sqlite3_column_int(st, 6);
    p->modified_ms = sqlite3_column_int64(st, 7);
}

int store_routing_profile_get(store_conn *c, const char *instance_id, const char *id, routing_profile *out)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? AND id = ?";
    int rc = sq_row(c, sql, read_routing, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
    return rc == STORE_OK ? read_routing_children(c, out) : rc;
}

int store_routing_profile_by_name(store_conn *c, const char *instance_id, const char *name, routing_profile *out)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? AND name = ?";
    int rc = sq_row(c, sql, read_routing, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(name)));
    return rc == STORE_OK ? read_routing_children(c, out) : rc;
}

/* Copies column 0 into the ID_LEN array out. */
static void read_id(sqlite3_stmt *st, void *out)
{
    sq_col_copy(st, 0, out, ID_LEN);
}

int store_routing_profile_default(store_conn *c, const char *instance_id, char id_out[ID_LEN])
{
    static const char sql[] = "SELECT id FROM routing_profiles WHERE instance_id = ? AND is_default = 1 "
                              "ORDER BY id LIMIT 1";
    return sq_row(c, sql, read_id, id_out, SQ_ARGS(SQ_TEXT(instance_id)));
}

/* ---- every profile of an instance at once (searches) ----------------------------------------- */

int store_routing_profile_all(store_conn *c, const char *instance_id, routing_profile **out, size_t *n)
{
    static const char sql[] = "SELECT " ROUTING_COLS " FROM routing_profiles WHERE instance_id = ? ORDER BY id";
    static const char media_sql[] = "SELECT m.profile_id, m.channel, m.concurrency, m.cross_channel "
                                    "FROM routing_profile_media m JOIN routing_profiles p ON p.id = m.profile_id "
                                    "WHERE p.instance_id = ? ORDER BY m.profile_id, m.channel";
    static const char queue_sql[] = "SELECT q.profile_id, q.queue_id, q.channel, q.manual, q.priority, q.delay "
                                    "FROM routing_profile_queues q JOIN routing_profiles p ON p.id = q.profile_id "
                                    "WHERE p.instance_id = ? ORDER BY q.profile_id, q.manual, q.queue_id, q.channel";
    static const char users_sql[] = "SELECT routing_profile_id, count(*) FROM users WHERE instance_id = ? "
                                    "GROUP BY routing_profile_id";
    int rc = sq_collect(c, sql, (void **)out, n, sizeof **out, read_routing, SQ_ARGS(SQ_TEXT(instance_id)));
    profiles all = {*out, *n, 1};
    if (rc == STORE_OK)
        rc = sq_rows(c, media_sql, read_media, &all, SQ_ARGS(SQ_TEXT(instance_id)));
    if (rc == STORE_OK)
        rc = sq_rows(c, queue_sql, read_queue_config, &all, SQ_ARGS(SQ_TEXT(instance_id)));
    if (rc == STORE_OK)
        rc = sq_rows(c, users_sql, read_user_count, &all, SQ_ARGS(SQ_TEXT(instance_id)));
    return rc;
}

int store_routing_profile_list(store_conn *c, const page_req *pr, summary_list *out)
{
    static const char sql[] = "SELECT id, name, modified_ms FROM routing_profiles WHERE " KEYSET;
    return sq_page_summaries(c, sql, pr, out);
}
