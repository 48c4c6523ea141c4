/* audit_sink.c — the audit events of one batch, turned into text beside the writer and written
 * at the batch's end (see audit_sink.h).
 *
 * The queue is an array under a mutex. The thread takes entries a chunk at a time (noting each
 * one's serial number), makes their texts without the lock, and puts a text back only if the
 * entry at that index still has that serial: an entry dropped by audit_sink_truncate meanwhile
 * (and perhaps replaced by a newer one) gets nothing, and the text is freed. Woken once per
 * chunk rather than per event: a wake-up per event cost more than the texts it moved away.
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
    json_t *tree[2];  /* before, after: to dump (NULL: none) */
    json_t *held[2];  /* released with the trees */
    uint64_t serial;
    int ready;        /* ev.before_json and ev.after_json hold the text */
} entry;

/* Trees of entries dropped by audit_sink_truncate: the thread may still be reading them, so
 * they are released only once it has stopped. */
typedef struct graveyard {
    json_t **t;
    size_t n, cap;
} graveyard;

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
    graveyard dropped;
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

/* Releases the trees of an entry. */
static void release(entry *en)
{
    for (int k = 0; k < 2; k++) {
        json_decref(en->tree[k]);
        json_decref(en->held[k]);
        en->tree[k] = en->held[k] = NULL;
    }
}

/* What the thread took of one entry. */
typedef struct taken {
    size_t i;
    uint64_t serial;
    const json_t *tree[2];
    char *text[2];
} taken;

/* The thread: takes the entries pushed since it last looked (once CHUNK have come, or the sink
 * closes), makes their texts without the lock (reading the trees, which only the writer
 * releases, and only after the thread has stopped), and hands the texts back. It allocates
 * nothing the writer must free but the texts: a tree freed on the thread would be freed into the
 * writer's malloc arena, under its lock, against the writer's own allocations. */
static void *dumper(void *arg)
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
        for (; k < CHUNK && s->next < s->n; k++, s->next++) {
            entry *en = &s->e[s->next];
            t[k] = (taken){.i = s->next, .serial = en->serial, .tree = {en->tree[0], en->tree[1]}};
        }
        pthread_mutex_unlock(&s->mu);
        for (size_t j = 0; j < k; j++)
            for (int m = 0; m < 2; m++)
                t[j].text[m] = audit_json_text(t[j].tree[m]);
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
    s->has_thread = pthread_create(&s->thread, NULL, dumper, s) == 0;
    return s;
}

void audit_sink_push(audit_sink *s, audit_event *ev, json_t *before, json_t *after, json_t *held_before,
                     json_t *held_after)
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
    en->tree[0] = before;
    en->tree[1] = after;
    en->held[0] = held_before;
    en->held[1] = held_after;
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
        for (int k = 0; k < 2; k++) {
            json_t *tr[2] = {en->tree[k], en->held[k]};
            for (int m = 0; m < 2; m++) {
                if (!tr[m])
                    continue;
                if (s->dropped.n == s->dropped.cap) {
                    s->dropped.cap = s->dropped.cap ? 2 * s->dropped.cap : 16;
                    s->dropped.t = xrealloc(s->dropped.t, s->dropped.cap * sizeof *s->dropped.t);
                }
                s->dropped.t[s->dropped.n++] = tr[m];
            }
        }
        audit_event_clear(&en->ev);
    }
    if (s->next > s->n)
        s->next = s->n;
    pthread_mutex_unlock(&s->mu);
}

/* Stops the thread once it has taken every entry; after it, only the caller touches s, and the
 * dropped trees are released. */
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
    for (size_t i = 0; i < s->dropped.n; i++)
        json_decref(s->dropped.t[i]);
    s->dropped.n = 0;
}

/* Empties the sink (its thread stopped): every entry's trees and strings released. */
static void empty(audit_sink *s)
{
    for (size_t i = 0; i < s->n; i++) {
        release(&s->e[i]);
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
            en->ev.before_json = audit_json_text(en->tree[0]);
            en->ev.after_json = audit_json_text(en->tree[1]);
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
    free(s->dropped.t);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
