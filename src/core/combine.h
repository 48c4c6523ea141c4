/* combine.h — concurrent small writes combined into one transaction.
 *
 * An identity provider's initial sync sends thousands of creates at once over many connections.
 * Each on its own would be one write transaction: its own turn at the store's one writer, its
 * own savepoint in the commit group (write.h, sqlite_writer.c). core_write_combined queues the
 * change instead; the first caller that finds no round running takes every queued change of its
 * store, and those that come while it runs (up to COMBINE_MAX), as one batch (core_write_batch:
 * optimistic, with the memo of what exists and the audit events deferred), each with its own
 * context — its own principal and clock, so authorization and the audit trail are each caller's —
 * then commits once and tells every caller its outcome. The others wait; when a round ends, the
 * first still queued runs the next. No change waits for company: a round starts as soon as none
 * is running, so a lone change costs what core_write does.
 */
#ifndef ROSTER_CORE_COMBINE_H
#define ROSTER_CORE_COMBINE_H

#include "core/write.h"

/* The most changes one round takes. */
enum { COMBINE_MAX = 64 };

/* As core_write(cx, change, arg, e): returns 0 once the change is committed; -1 with *e set by
 * the change (nothing of it is kept; the round's other changes are) or with ERR_UNAVAILABLE /
 * ERR_INTERNAL when the round's transaction could not begin or commit (nothing of that
 * transaction is kept). The change may run on another thread, with a copy of *cx whose conn is
 * that thread's; cx, arg and what they point to must stay valid until it returns, which they do
 * because the caller waits. A change given here must never delete an instance, a profile or a
 * hierarchy group (the round's memo trusts what an earlier change found), and must not rely on
 * running first in its transaction. Not inside a transaction on cx->conn. */
int core_write_combined(core_ctx *cx, core_change_fn change, void *arg, rerr *e);

/* How many callers are inside core_write_combined now (queued, or in a round): for tests. */
size_t core_combine_callers(void);

#endif
