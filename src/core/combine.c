/* combine.c — core_write_combined (see combine.h).
 *
 * One queue and at most one running round for the process (a server has one store; a round
 * takes only its own store's changes, so a change of another store waits for a round of its
 * own). Each caller sleeps on its own condition: the round that ran its change wakes it, and
 * the end of a round wakes the first change still queued, whose caller runs the next round.
 */
#include "core/combine.h"

#include <pthread.h>

enum { QUEUED, TAKEN, DONE };

typedef struct combined combined;
struct combined {
    combined *next;
    store *st;
    core_ctx *cx;
    core_change_fn change;
    void *arg;
    int state;           /* guarded by lock */
    pthread_cond_t wake; /* signalled when done, or when its caller may run the next round */
    int ok;              /* the change was kept (final once its round ends) */
    rerr err;            /* when not ok */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static combined *head, **tail = &head; /* the queue, in the order the changes came */
static int running;                    /* a round is running */
static size_t callers;                 /* inside core_write_combined */

/* The changes one round has taken, those it takes while it runs appended. */
typedef struct round {
    store *st;
    combined *items[COMBINE_MAX];
    size_t n;
} round;

/* Takes queued changes of r's store, in the order they came, until r holds COMBINE_MAX (under
 * lock). */
static void take(round *r)
{
    for (combined **p = &head; *p && r->n < COMBINE_MAX;) {
        combined *c = *p;
        if (c->st != r->st) {
            p = &c->next;
            continue;
        }
        *p = c->next;
        if (tail == &c->next)
            tail = p;
        c->state = TAKEN;
        r->items[r->n++] = c;
    }
}

/* The batch's more: whether change next is in the round, taking those queued since. */
static int more(void *arg, size_t next)
{
    round *r = arg;
    if (next < r->n)
        return 1;
    pthread_mutex_lock(&lock);
    take(r);
    pthread_mutex_unlock(&lock);
    return next < r->n;
}

/* A change of the round, run with its caller's context (principal, clock) on the writer's
 * connection, with the batch's memo and audit sink. */
static int run_one(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    combined *c = ((round *)arg)->items[i];
    core_ctx mine = *c->cx;
    mine.conn = cx->conn;
    mine.audit_defer = cx->audit_defer;
    mine.memo = cx->memo;
    return c->change(&mine, c->arg, e);
}

/* Records a change's outcome (told again when an optimistic transaction is run over). */
static int outcome(core_ctx *cx, void *arg, size_t i, int ok, const rerr *item_err, rerr *e)
{
    (void)cx;
    (void)e;
    combined *c = ((round *)arg)->items[i];
    c->ok = ok;
    if (!ok)
        c->err = *item_err;
    return 0;
}

/* Runs the round's changes, and those it takes while it runs, in as few transactions as the
 * batch limits allow (core_write_batch); each change's ok and err are final when it returns. */
static void run_round(core_ctx *cx, round *r)
{
    core_batch b = {.item = run_one,
                    .outcome = outcome,
                    .more = more,
                    .arg = r,
                    .first = 0,
                    .count = r->n,
                    .max_items = COMBINE_MAX,
                    .optimistic = 1,
                    .memo_refs = 1,
                    .defer_audit = 1};
    while (b.first < r->n) {
        size_t taken = 0;
        rerr e;
        if (core_write_batch(cx, &b, &taken, NULL, &e) != 0) { /* nothing of that transaction kept */
            for (size_t i = b.first; i < r->n; i++) {
                r->items[i]->ok = 0;
                r->items[i]->err = e;
            }
            return;
        }
        b.first += taken;
        b.count = r->n - b.first;
    }
}

int core_write_combined(core_ctx *cx, core_change_fn change, void *arg, rerr *e)
{
    combined me = {.st = store_conn_owner(cx->conn), .cx = cx, .change = change, .arg = arg, .state = QUEUED};
    pthread_cond_init(&me.wake, NULL);
    pthread_mutex_lock(&lock);
    callers++;
    *tail = &me;
    tail = &me.next;
    while (me.state != DONE) {
        if (running || me.state != QUEUED) {
            pthread_cond_wait(&me.wake, &lock);
            continue;
        }
        round r = {.st = me.st};
        take(&r); /* me too, unless COMBINE_MAX came before it (then a later round) */
        running = 1;
        pthread_mutex_unlock(&lock);
        run_round(cx, &r);
        pthread_mutex_lock(&lock);
        running = 0;
        if (head) /* the first still queued runs the next round */
            pthread_cond_signal(&head->wake);
        for (size_t i = 0; i < r.n; i++) {
            r.items[i]->state = DONE;
            pthread_cond_signal(&r.items[i]->wake);
        }
    }
    callers--;
    pthread_mutex_unlock(&lock);
    pthread_cond_destroy(&me.wake);
    if (me.ok)
        return 0;
    if (e)
        *e = me.err;
    return -1;
}

size_t core_combine_callers(void)
{
    pthread_mutex_lock(&lock);
    size_t n = callers;
    pthread_mutex_unlock(&lock);
    return n;
}
