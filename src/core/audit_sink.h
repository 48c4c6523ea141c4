/* audit_sink.h — the audit events of one batch, written at its end. While a batch defers its
 * events (core_write_batch with defer_audit: cx->audit_defer), audit_user_event hands the sink
 * each event with a copy of its users instead of writing it; a thread of the sink turns them into
 * JSON text while the batch's items go on, and the batch writes every event, in the order
 * they came, inside its own transaction just before it commits — so a change and its event still
 * commit together. Turning users into JSON text was a quarter of an import's writing work; with
 * the sink it runs beside the writer rather than in its way.
 *
 * One sink serves one batch's transaction on one thread (the writer); its own thread only ever
 * touches what the writer handed over.
 */
#ifndef ROSTER_CORE_AUDIT_SINK_H
#define ROSTER_CORE_AUDIT_SINK_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

typedef struct audit_sink audit_sink;

/* The compact JSON text of o, members in insertion order (malloc'd; the caller frees); NULL when
 * o is NULL. Aborts when out of memory. The one way the trail's JSON becomes text. */
char *audit_json_text(const json_t *o);

/* A new, empty sink and its thread; without a thread (when none can be started) the flush does
 * the whole work. Never NULL (aborts when out of memory, as xmalloc does). The caller frees it
 * with audit_sink_free. */
audit_sink *audit_sink_new(void);

/* How an event's texts are made: make runs on the sink's thread (or in the flush) and writes
 * the malloc'd before and after texts (NULL: none), touching nothing but the job; drop frees the
 * job, on the writer's thread, once the sink's thread has stopped. */
typedef struct audit_texts_job audit_texts_job;
struct audit_texts_job {
    void (*make)(audit_texts_job *job, char **before, char **after);
    void (*drop)(audit_texts_job *job);
};

/* Queues an event. The sink takes ev's strings (ev is zeroed; its before_json and after_json
 * must be unset) and the job, which makes its texts. */
void audit_sink_push(audit_sink *s, audit_event *ev, audit_texts_job *job);

/* How many events are queued: a mark to go back to with audit_sink_truncate. */
size_t audit_sink_mark(audit_sink *s);

/* Drops the events queued after mark (those of an item whose writes were undone). */
void audit_sink_truncate(audit_sink *s, size_t mark);

/* Writes every queued event, in order, through c (inside the caller's transaction), and empties
 * the sink; its thread is stopped first. Returns STORE_OK or the store's failure (some events
 * may then be written: the caller rolls the transaction back). */
int audit_sink_flush(audit_sink *s, store_conn *c);

/* Stops the thread and frees the sink and whatever is still queued; NULL is a no-op. */
void audit_sink_free(audit_sink *s);

#endif
