/* write.h — the one way core writes: a change runs inside one write transaction that commits
 * when the change succeeds and rolls back otherwise (also when the commit itself fails), with
 * store failures mapped to rerr in one place. And batches: many items in one write transaction,
 * each item under its own savepoint, bounded in items and time so one batch never holds the
 * writer for long.
 */
#ifndef ROSTER_CORE_WRITE_H
#define ROSTER_CORE_WRITE_H

#include <stddef.h>

#include "core/context.h"
#include "core/error.h"

/* A change: runs inside the write transaction; returns 0, or -1 with *e set. */
typedef int (*core_change_fn)(core_ctx *cx, void *arg, rerr *e);

/* Opens a write transaction on cx->conn, runs change(cx, arg, e), commits on 0 and rolls back
 * otherwise. Returns 0 when the change is committed; -1 with *e set by the change, or with
 * ERR_UNAVAILABLE (store busy) / ERR_INTERNAL when the transaction cannot begin or commit
 * (then nothing of the change is kept). Not inside another transaction on cx->conn. */
int core_write(core_ctx *cx, core_change_fn change, void *arg, rerr *e);

/* One item of a batch: runs inside the batch's write transaction; returns 0, or -1 with *e set
 * (what it wrote is then undone, the batch goes on). */
typedef int (*core_item_fn)(core_ctx *cx, void *arg, size_t index, rerr *e);

/* Told each item's outcome inside the batch's transaction (so it may record the outcome in the
 * store with the item, atomically): ok 1, or ok 0 with the item's error. Returns 0, or -1 with
 * *e set to abandon the whole batch (nothing of it is kept). May be NULL. */
typedef int (*core_outcome_fn)(core_ctx *cx, void *arg, size_t index, int ok, const rerr *item_err, rerr *e);

/* Called once inside the batch's transaction after its last item, before the commit, with the
 * number of items taken: returns 0, or -1 with *e set to abandon the whole batch. May be NULL. */
typedef int (*core_batch_end_fn)(core_ctx *cx, void *arg, size_t taken, rerr *e);

typedef struct core_batch {
    core_item_fn item;
    core_outcome_fn outcome; /* may be NULL */
    core_batch_end_fn end;   /* may be NULL */
    void *arg;
    size_t first, count; /* items first .. first + count - 1 */
    int (*more)(void *arg, size_t next); /* may be NULL; called when the items run out: 1 when
                          * item next has come since (the batch takes it and asks again), 0 when
                          * not; so a batch fed while it runs takes what came in its transaction */
    size_t max_items;    /* take at most this many in one transaction (0: CORE_BATCH_ITEMS) */
    double max_ms;       /* stop taking items once the transaction is this old (0: CORE_BATCH_MS) */
    double yield_ms;     /* > 0: once the transaction is this old, also stop as soon as another
                          * writer waits for the store, so a long batch does not hold it up */
    int optimistic;      /* run the items without their savepoints (a savepoint costs about as much
                          * as a small item): an item that fails having written nothing needs no
                          * undo; one that fails after writing makes the whole transaction roll back
                          * and run again from b->first with a savepoint per item. So item and
                          * outcome may be called twice for the same index: an arg keeping state
                          * across calls resets it when item(b->first) is called. */
    int memo_refs;       /* the items never delete an instance, a profile or a group, so what one
                          * finds to exist the next need not look up again (core/memo.h) */
    int defer_audit;     /* the items' audit events are made into text beside the writer and
                          * written together before the commit (core/audit_sink.h); an item
                          * that fails loses its events with its writes */
} core_batch;

#define CORE_BATCH_ITEMS 500
#define CORE_BATCH_MS 50.0

/* Runs items of b in one write transaction, each under its own savepoint: an item that fails
 * leaves nothing behind and the others are kept. Takes at least one item, then stops when
 * max_items are taken or max_ms have passed since the transaction began (or, with yield_ms,
 * another writer waits after yield_ms), and commits. Writes the
 * number of items taken (kept or failed; the caller goes on from first + *taken) into *taken and
 * the number that failed into *failed (either may be NULL). Returns 0 when the batch is
 * committed; -1 with *e set when it could not begin or commit or an outcome abandoned it: then
 * nothing of it is kept and *taken is 0. */
int core_write_batch(core_ctx *cx, const core_batch *b, size_t *taken, size_t *failed, rerr *e);

#endif
