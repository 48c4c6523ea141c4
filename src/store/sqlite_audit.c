/* sqlite_audit.c — the audit trail (audit_events) in the SQLite backend: recording an event
 * inside the caller's transaction, listing events in time order, finding users by a username
 * the trail recorded. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_testing.h"
#include "util/buf.h"

#define AUDIT_COLS \
    "id, instance_id, at_ms, key_id, actor_user_id, operation, resource_id, before_json, after_json, actor_name"

/* The keyset tail of the filtered listings; its parameters are (lo, after_at, after_at, after_id,
 * limit), where lo = max(since, after_at) lets the index range start at the right place. A
 * negative limit is no limit. */
#define AUDIT_PAGE "at_ms >= ? AND (at_ms > ? OR (at_ms = ? AND id > ?)) ORDER BY at_ms, id LIMIT ?"

int store_audit_insert(store_conn *c, const audit_event *e)
{
    static const char sql[] = "INSERT INTO audit_events(instance_id, at_ms, key_id, actor_user_id, operation, "
                              "resource_id, before_json, after_json, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    return sq_exec(c, sql,
                   SQ_ARGS(SQ_TEXT_OPT(e->instance_id), SQ_INT(e->at_ms), SQ_TEXT_OPT(e->key_id),
                           SQ_TEXT_OPT(e->actor_user_id), SQ_TEXT(e->operation), SQ_TEXT(e->resource_id),
                           SQ_TEXT(e->before_json), SQ_TEXT(e->after_json), SQ_TEXT(e->actor_name)));
}

static void read_event(sqlite3_stmt *st, audit_event *e)
{
    e->id = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 1, e->instance_id, sizeof e->instance_id);
    e->at_ms = sqlite3_column_int64(st, 2);
    sq_col_copy(st, 3, e->key_id, sizeof e->key_id);
    sq_col_copy(st, 4, e->actor_user_id, sizeof e->actor_user_id);
    e->operation = sq_col_dup(st, 5);
    e->resource_id = sq_col_dup(st, 6);
    e->before_json = sq_col_dup(st, 7);
    e->after_json = sq_col_dup(st, 8);
    e->actor_name = sq_col_dup(st, 9);
}

/* The statement for the filters f sets, with every parameter bound; NULL on failure. */
static sqlite3_stmt *list_stmt(store_conn *c, const audit_filter *f, int64_t limit)
{
    static const char by_resource[] = "SELECT " AUDIT_COLS " FROM audit_events WHERE resource_id = ? "
                                      "AND (? IS NULL OR instance_id = ?) AND " AUDIT_PAGE;
    static const char by_instance[] = "SELECT " AUDIT_COLS " FROM audit_events WHERE instance_id = ? AND " AUDIT_PAGE;
    static const char all[] = "SELECT " AUDIT_COLS " FROM audit_events WHERE id > ? AND at_ms >= ? "
                              "ORDER BY id LIMIT ?";
    int64_t lo = f->since_ms > f->after_at_ms ? f->since_ms : f->after_at_ms;
#define PAGE_ARGS SQ_INT(lo), SQ_INT(f->after_at_ms), SQ_INT(f->after_at_ms), SQ_INT(f->after_id), SQ_INT(limit)
    if (f->resource_id)
        return sq_prepare(c, by_resource,
                          SQ_ARGS(SQ_TEXT(f->resource_id), SQ_TEXT(f->instance_id), SQ_TEXT(f->instance_id), PAGE_ARGS));
    if (f->instance_id)
        return sq_prepare(c, by_instance, SQ_ARGS(SQ_TEXT(f->instance_id), PAGE_ARGS));
#undef PAGE_ARGS
    return sq_prepare(c, all, SQ_ARGS(SQ_INT(f->after_id), SQ_INT(f->since_ms), SQ_INT(limit)));
}

/* Hands each event statement st (NULL: it could not be prepared) yields to fn until fn returns
 * non-zero; returns a STORE_* value. */
static int each_event(store_conn *c, sqlite3_stmt *st, int (*fn)(const audit_event *ev, void *ctx), void *ctx)
{
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        audit_event ev;
        memset(&ev, 0, sizeof ev);
        read_event(st, &ev);
        int stop = fn(&ev, ctx);
        audit_event_clear(&ev);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}

int store_audit_each(store_conn *c, const audit_filter *f, int (*fn)(const audit_event *ev, void *ctx), void *ctx)
{
    return each_event(c, list_stmt(c, f, f->limit ? (int64_t)f->limit : -1), fn, ctx);
}

int store_audit_user_recent(store_conn *c, const char *instance_id, const char *resource_id, int64_t before_at_ms,
                            int64_t before_id, size_t limit, int (*fn)(const audit_event *ev, void *ctx), void *ctx)
{
    static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_events WHERE resource_id = ? AND instance_id = ? "
                              "AND (at_ms < ? OR (at_ms = ? AND id < ?)) ORDER BY at_ms DESC, id DESC LIMIT ?";
    sqlite3_stmt *st = sq_prepare(c, sql,
                                  SQ_ARGS(SQ_TEXT(resource_id), SQ_TEXT(instance_id), SQ_INT(before_at_ms),
                                          SQ_INT(before_at_ms), SQ_INT(before_id), SQ_INT(limit)));
    return each_event(c, st, fn, ctx);
}

typedef struct collect_ctx {
    audit_event *arr;
    size_t n, cap;
} collect_ctx;

/* Moves a copy of ev into the array (the iteration clears its own). */
static int collect_one(const audit_event *ev, void *ctx)
{
    collect_ctx *cc = ctx;
    if (cc->n == cc->cap) {
        cc->cap = cc->cap ? cc->cap * 2 : 16;
        cc->arr = xrealloc(cc->arr, cc->cap * sizeof *cc->arr);
    }
    audit_event *e = &cc->arr[cc->n++];
    *e = *ev;
    e->operation = xstrdup(ev->operation);
    e->resource_id = xstrdup(ev->resource_id);
    e->before_json = xstrdup(ev->before_json);
    e->after_json = xstrdup(ev->after_json);
    e->actor_name = xstrdup(ev->actor_name);
    return 0;
}

int store_audit_list(store_conn *c, const audit_filter *f, audit_event **out, size_t *n)
{
    audit_filter page = *f;
    if (page.limit == 0)
        page.limit = 1;
    collect_ctx cc = {0};
    int rc = store_audit_each(c, &page, collect_one, &cc);
    *out = cc.arr;
    *n = cc.n;
    return rc;
}

int store_audit_username(store_conn *c, const char *resource_id, int64_t up_to_id, char **out)
{
    static const char sql[] = "SELECT name FROM (SELECT id, coalesce(json_extract(after_json, '$.Username'), "
                              "json_extract(before_json, '$.Username')) AS name FROM audit_events "
                              "WHERE resource_id = ? AND id <= ?) WHERE name IS NOT NULL ORDER BY id DESC LIMIT 1";
    *out = NULL;
    return sq_row(c, sql, sq_read_text, out, SQ_ARGS(SQ_TEXT(resource_id), SQ_INT(up_to_id)));
}

/* Adds a (user id, instance id) row to the kvlist out. */
static void read_user_named(sqlite3_stmt *st, void *out)
{
    const char *inst = (const char *)sqlite3_column_text(st, 1);
    kvlist_set(out, (const char *)sqlite3_column_text(st, 0), inst ? inst : "");
}

int store_audit_users_named(store_conn *c, const char *instance_id, const char *username, kvlist *out)
{
    static const char sql[] = "SELECT resource_id, instance_id FROM audit_events "
                              "WHERE (? IS NULL OR instance_id = ?) AND resource_id IS NOT NULL "
                              "AND (json_extract(after_json, '$.Username') = ? "
                              "OR json_extract(before_json, '$.Username') = ?) "
                              "GROUP BY resource_id ORDER BY min(id)";
    return sq_rows(c, sql, read_user_named, out,
                   SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(instance_id), SQ_TEXT(username), SQ_TEXT(username)));
}
