/* memo.h — what the items of one write transaction found to exist, so that later items of the
 * same transaction do not look it up again: the instance, and routing profiles, security
 * profiles and hierarchy groups by id. A batch opts in (core_batch.memo_refs) only when its items
 * never delete any of these: while the transaction holds the write lock nothing else can. */
#ifndef ROSTER_CORE_MEMO_H
#define ROSTER_CORE_MEMO_H

#include "model/model.h"
#include "store/store.h"
#include "store/store_security.h"

typedef struct core_memo core_memo;

/* A new, empty memo (never NULL: aborts when out of memory, as every allocation here). Free it
 * with core_memo_free (NULL is fine). */
core_memo *core_memo_new(void);
void core_memo_free(core_memo *m);
/* Forgets everything: after an item's writes were undone, what it found may be gone. */
void core_memo_forget(core_memo *m);

/* 1 when kind id of instance_id was found to exist in this transaction (m may be NULL: 0). */
int core_memo_has(const core_memo *m, store_resource kind, const char *instance_id, const char *id);
/* Records that kind id of instance_id exists (m may be NULL: nothing). */
void core_memo_add(core_memo *m, store_resource kind, const char *instance_id, const char *id);

/* Copies the instance id found in this transaction into *out (a fresh copy: the caller clears
 * it) and returns 1; 0 when there is none (m may be NULL). */
int core_memo_instance(const core_memo *m, const char *id, instance *out);
/* Keeps a copy of *in (m may be NULL: nothing). */
void core_memo_keep_instance(core_memo *m, const instance *in);

#endif
