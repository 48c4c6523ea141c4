/* audit_sink.c — the audit events of one batch, their texts made beside the writer and written
 * at the batch's end (see audit_sink.h).
 *
 * The queue is an array under a mutex. The thread takes entries a chunk at a time (noting each
 * one's job and serial number), makes their texts without the lock, and puts the texts back only
 * if the entry at that index still has that serial: an entry dropped by audit_sink_truncate
 * meanwhile (and perhaps replaced by a newer one) gets nothing, and the texts are freed. A dropped
 * entry's job waits in a graveyard until the thread has stopped, since the thread may be reading
 * it. The thread is woken once per chunk rather than per event: a wake-up per event cost more
 * than the work it moved away. What the thread allocates to make a text it also frees (a tree
 * freed on another thread goes back to its maker's malloc arena, under that arena's lock, against
 * the writer's own allocations); only the texts cross over.
 */
#include "core/audit_sink.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define CHUNK 64 /* entries the thread is woken for, and takes at a time */

typedef struct entry {
    audit_event ev;
    audit_texts_job *job;
    uint64_t serial;
    int ready;        /* ev.before_json and ev.after_json hold the texts */
} entry;

struct audit_sink {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* the thread waits here for a chunk of entries or the close */
    entry *e;
    size_t n, cap;
    size_t next;          /* the first entry the thread has not taken */
    uint64_t serial;
    int closing;
    int waiting;          /* the thread waits on work */
    int has_thread;
    pthread_t thread;
    audit_texts_job **dropped; /* jobs of truncated entries, dropped once the thread stopped */
    size_t n_dropped, cap_dropped;
};

char *audit_json_text(const json_t *o)
{
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    if (!s)
        abort(); /* out of memory: fatal, as everywhere in roster */
    return s;
}

/* What the thread took of one entry. */
typedef struct taken {
    size_t i;
    uint64_t serial;
    audit_texts_job *job;
    char *text[2];
} taken;

static void *maker(void *arg)
{
    audit_sink *s = arg;
    taken *t = xmalloc(CHUNK * sizeof *t);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->closing && s->n - s->next < CHUNK) {
            s->waiting = 1;
            pthread_cond_wait(&s->work, &s->mu);
            s->waiting = 0;
        }
        if (s->next >= s->n)
            break; /* closing, and nothing left */
        size_t k = 0;
        for (; k < CHUNK && s->next < s->n; k++, s->next++)
            t[k] = (taken){.i = s->next, .serial = s->e[s->next].serial, .job = s->e[s->next].job};
        pthread_mutex_unlock(&s->mu);
        for (size_t j = 0; j < k; j++)
            t[j].job->make(t[j].job, &t[j].text[0], &t[j].text[1]);
        pthread_mutex_lock(&s->mu);
        for (size_t j = 0; j < k; j++) {
            entry *en = t[j].i < s->n ? &s->e[t[j].i] : NULL;
            if (en && en->serial == t[j].serial) {
                en->ev.before_json = t[j].text[0];
                en->ev.after_json = t[j].text[1];
                en->ready = 1;
            } else {
                free(t[j].text[0]);
                free(t[j].text[1]);
            }
        }
    }
    pthread_mutex_unlock(&s->mu);
    free(t);
    return NULL;
}

audit_sink *audit_sink_new(void)
{
    audit_sink *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work, NULL);
    s->has_thread = pthread_create(&s->thread, NULL, maker, s) == 0;
    return s;
}

void audit_sink_push(audit_sink *s, audit_event *ev, audit_texts_job *job)
{
    pthread_mutex_lock(&s->mu);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->e = xrealloc(s->e, s->cap * sizeof *s->e);
    }
    entry *en = &s->e[s->n++];
    memset(en, 0, sizeof *en);
    en->ev = *ev;
    memset(ev, 0, sizeof *ev);
    en->job = job;
    en->serial = ++s->serial;
    if (s->waiting && s->n - s->next >= CHUNK)
        pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
}

size_t audit_sink_mark(audit_sink *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void audit_sink_truncate(audit_sink *s, size_t mark)
{
    pthread_mutex_lock(&s->mu);
    while (s->n > mark) {
        entry *en = &s->e[--s->n];
        if (s->n_dropped == s->cap_dropped) {
            s->cap_dropped = s->cap_dropped ? 2 * s->cap_dropped : 16;
            s->dropped = xrealloc(s->dropped, s->cap_dropped * sizeof *s->dropped);
        }
        s->dropped[s->n_dropped++] = en->job;
        audit_event_clear(&en->ev);
    }
    if (s->next > s->n)
        s->next = s->n;
    pthread_mutex_unlock(&s->mu);
}

/* Stops the thread once it has taken every entry; after it, only the caller touches s, and the
 * dropped jobs are freed. */
static void stop(audit_sink *s)
{
    if (s->has_thread) {
        pthread_mutex_lock(&s->mu);
        s->closing = 1;
        pthread_cond_signal(&s->work);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
        s->has_thread = 0;
    }
    for (size_t i = 0; i < s->n_dropped; i++)
        s->dropped[i]->drop(s->dropped[i]);
    s->n_dropped = 0;
}

/* Empties the sink (its thread stopped): every entry's job and strings freed. */
static void empty(audit_sink *s)
{
    for (size_t i = 0; i < s->n; i++) {
        s->e[i].job->drop(s->e[i].job);
        audit_event_clear(&s->e[i].ev);
    }
    s->n = s->next = 0;
}

int audit_sink_flush(audit_sink *s, store_conn *c)
{
    stop(s);
    int rc = STORE_OK;
    for (size_t i = 0; i < s->n && rc == STORE_OK; i++) {
        entry *en = &s->e[i];
        if (!en->ready) { /* no thread: the texts are made here */
            en->job->make(en->job, &en->ev.before_json, &en->ev.after_json);
            en->ready = 1;
        }
        rc = store_audit_insert(c, &en->ev);
    }
    empty(s);
    return rc;
}

void audit_sink_free(audit_sink *s)
{
    if (!s)
        return;
    stop(s);
    empty(s);
    free(s->e);
    free(s->dropped);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
