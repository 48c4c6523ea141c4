/* write.c — core_write and core_write_batch (see write.h). */
#include "core/write.h"

#include "core/audit_sink.h"
#include "core/instances.h"
#include "core/memo.h"
#include "util/ids.h"

static int begin(core_ctx *cx, rerr *e)
{
    int rc = store_begin(cx->conn, 1);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "begin a transaction", e);
}

/* Commits; on failure makes sure the transaction is gone and maps the error. */
static int commit(core_ctx *cx, rerr *e)
{
    int rc = store_commit(cx->conn);
    if (rc == STORE_OK)
        return 0;
    store_rollback(cx->conn); /* a no-op when the failed commit already ended it */
    return core_store_error(cx, rc, "commit", e);
}

int core_write(core_ctx *cx, core_change_fn change, void *arg, rerr *e)
{
    if (begin(cx, e))
        return -1;
    if (change(cx, arg, e) != 0) {
        store_rollback(cx->conn);
        return -1;
    }
    return commit(cx, e);
}

/* Runs item i under its own savepoint (or, optimistic, without one) and reports its outcome.
 * Returns 1 when the item failed, 0 when it was kept, -1 with *e set when the batch must be
 * abandoned, -2 when an optimistic item failed after writing (run the batch again with
 * savepoints). */
static int run_item(core_ctx *cx, const core_batch *b, int optimistic, size_t i, rerr *e)
{
    int rc = optimistic ? STORE_OK : store_item_begin(cx->conn);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "begin a batch item", e);
    rerr ie;
    rerr_clear(&ie);
    int64_t before = optimistic ? store_changes(cx->conn) : 0;
    size_t events = cx->audit_defer ? audit_sink_mark(cx->audit_defer) : 0;
    int ok = b->item(cx, b->arg, i, &ie) == 0;
    if (optimistic && !ok && store_changes(cx->conn) != before)
        return -2;
    if (!optimistic && (rc = store_item_end(cx->conn, ok)) != STORE_OK)
        return core_store_error(cx, rc, ok ? "keep a batch item" : "undo a batch item", e);
    if (!ok && cx->audit_defer)
        audit_sink_truncate(cx->audit_defer, events);
    if (!ok) /* what the item found may have been its own, undone */
        core_memo_forget(cx->memo);
    if (b->outcome && b->outcome(cx, b->arg, i, ok, ok ? NULL : &ie, e) != 0)
        return -1;
    return !ok;
}

/* 1 when the transaction of b, begun at start (mono_ms) with n items taken, takes no more. */
static int batch_full(core_ctx *cx, const core_batch *b, size_t n, double start)
{
    size_t max_items = b->max_items ? b->max_items : CORE_BATCH_ITEMS;
    double max_ms = b->max_ms > 0 ? b->max_ms : CORE_BATCH_MS;
    if (n >= max_items)
        return 1;
    if (n >= b->count && !(b->more && b->more(b->arg, b->first + n)))
        return 1;
    if (n == 0)
        return 0;
    double age = mono_ms() - start;
    return age >= max_ms || (b->yield_ms > 0 && age >= b->yield_ms && store_writer_awaited(cx->conn));
}

/* The items, the end hook and the deferred audit events of one transaction of the batch, begun
 * by the caller; -1 or -2 as run_batch (the caller rolls back). */
static int batch_body(core_ctx *cx, const core_batch *b, int optimistic, size_t *taken, size_t *failed, rerr *e)
{
    size_t n_taken = 0, n_failed = 0;
    double start = mono_ms();
    while (!batch_full(cx, b, n_taken, start)) {
        int r = run_item(cx, b, optimistic, b->first + n_taken, e);
        if (r < 0)
            return r;
        n_failed += (size_t)r;
        n_taken++;
    }
    if (b->end && b->end(cx, b->arg, n_taken, e) != 0)
        return -1;
    int rc = cx->audit_defer ? audit_sink_flush(cx->audit_defer, cx->conn) : STORE_OK;
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record the audit events", e);
    *taken = n_taken;
    *failed = n_failed;
    return 0;
}

/* One transaction of the batch (see core_write_batch); -2: an optimistic item wrote and failed
 * (nothing kept). */
static int run_batch(core_ctx *cx, const core_batch *b, int optimistic, size_t *taken, size_t *failed, rerr *e)
{
    if (begin(cx, e))
        return -1;
    audit_sink *outer = cx->audit_defer;
    core_memo *outer_memo = cx->memo;
    cx->audit_defer = b->defer_audit ? audit_sink_new() : NULL;
    cx->memo = b->memo_refs ? core_memo_new() : NULL;
    int r = batch_body(cx, b, optimistic, taken, failed, e);
    audit_sink_free(cx->audit_defer);
    core_memo_free(cx->memo);
    cx->audit_defer = outer;
    cx->memo = outer_memo;
    if (r < 0) {
        store_rollback(cx->conn);
        return r;
    }
    return commit(cx, e) ? -1 : 0;
}

int core_write_batch(core_ctx *cx, const core_batch *b, size_t *taken, size_t *failed, rerr *e)
{
    size_t n_taken = 0, n_failed = 0;
    if (taken)
        *taken = 0;
    if (failed)
        *failed = 0;
    if (b->count == 0)
        return 0;
    int rc = run_batch(cx, b, b->optimistic, &n_taken, &n_failed, e);
    if (rc == -2)
        rc = run_batch(cx, b, 0, &n_taken, &n_failed, e);
    if (rc)
        return -1;
    if (taken)
        *taken = n_taken;
    if (failed)
        *failed = n_failed;
    return 0;
}
