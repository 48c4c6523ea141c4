/* sqlite_writer.c — transactions in the SQLite backend: the one writer handle and group commit.
 *
 * Read transactions run on the connection's own handle. Every write transaction of this process
 * runs on one writer handle: store_begin(c, 1) takes the store's write lock and swaps the
 * writer's database handle and statement cache into c until the transaction ends. In WAL mode a
 * commit by one handle empties the page cache of every other handle, so with writes spread over
 * the pool each write began by re-reading its pages through the kernel; the one writer keeps
 * its cache across its own commits. Writers of this process queue on the lock (woken as it is
 * released) rather than sleeping in SQLite's busy handler; other processes still meet SQLite's
 * file lock and busy timeout.
 *
 * Group commit. A commit writes every page the transaction changed to the WAL, and most of a
 * small write's pages are the last pages of tables and indexes that the next write changes
 * again. So when other writers are already waiting for the lock, a finished write transaction
 * does not commit: it leaves the SQLite transaction open, hands the lock on and waits. The
 * next writer works inside the same SQLite transaction under a savepoint of its own, `member`.
 * The writer that opens a group needs none (its rollback is the transaction's: nobody else is
 * in it yet), and must not have one: a savepoint open across a long write makes SQLite keep
 * every page it changes in the statement journal, which with temp_store=MEMORY is a list that
 * each statement's end walks from its start, so a batch of 2,000 user updates spent most of its
 * time there (perf: 56 % of a bulk edit's writer, in sqlite3PagerSavepoint). The writer that finds nobody waiting (or fills the group, GROUP_MAX) commits for
 * all and wakes the others with the outcome; nobody's store_commit returns before the changes
 * are committed, so a caller answers only for durable, visible work. A writer that rolls back
 * undoes its own savepoint only. If SQLite abandons the whole transaction (an I/O error, a full
 * disk) every member of the group is told its commit failed; nothing of the group is written.
 * Members of a group see the earlier members' changes, as they would had each committed.
 *
 * Checkpoints of the writer's WAL run in the background (sqlite_checkpoint.c).
 */
#include <stdio.h>

#include "store/sqlite_int.h"

/* The most transactions committed together; bounds the wait of the group's first member. */
enum { GROUP_MAX = 32 };

/* A writer whose changes wait in the open group for its commit (on the writer's stack). */
struct commit_waiter {
    commit_waiter *next;
    int done; /* guarded by group_lock */
    int rc;   /* the group's outcome, set with done */
};

void sq_writer_init(store *s)
{
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->group_lock, NULL);
    pthread_cond_init(&s->group_done, NULL);
    atomic_init(&s->waiting, 0);
}

void sq_writer_destroy(store *s)
{
    if (s->writer) {
        sq_checkpointer_stop(s->checkpointer, s->writer->db);
        sq_conn_close(s->writer);
    }
    pthread_cond_destroy(&s->group_done);
    pthread_mutex_destroy(&s->group_lock);
    pthread_mutex_destroy(&s->write_lock);
}

/* Runs one of the transaction-control statements through the statement cache. */
static int control(store_conn *c, const char *sql)
{
    return sq_exec_stmt(c, sq_stmt(c, sql));
}

/* Exchanges the database handles and statement caches of a and b. */
static void swap_handles(store_conn *a, store_conn *b)
{
    store_conn t = *a;
    a->db = b->db;
    a->cache = b->cache;
    a->n_cache = b->n_cache;
    a->cap_cache = b->cap_cache;
    b->db = t.db;
    b->cache = t.cache;
    b->n_cache = t.n_cache;
    b->cap_cache = t.cap_cache;
}

/* Takes the write lock and the writer handle into c (opening the writer at the first write).
 * Returns STORE_OK, or STORE_ERROR with nothing taken when the writer cannot be opened. */
static int borrow_writer(store_conn *c)
{
    store *s = c->owner;
    atomic_fetch_add(&s->waiting, 1);
    pthread_mutex_lock(&s->write_lock);
    atomic_fetch_sub(&s->waiting, 1);
    if (!s->writer) {
        char err[256];
        s->writer = sq_conn_open(s, 0, err, sizeof err);
        if (!s->writer) {
            pthread_mutex_unlock(&s->write_lock);
            fprintf(stderr, "roster: %s\n", err);
            return STORE_ERROR;
        }
        s->checkpointer = sq_checkpointer_start(s, s->writer->db);
    }
    swap_handles(c, s->writer);
    c->borrowing = 1;
    return STORE_OK;
}

/* Gives the writer handle back and releases the write lock. */
static void return_writer(store_conn *c)
{
    store *s = c->owner;
    swap_handles(c, s->writer);
    c->borrowing = 0;
    pthread_mutex_unlock(&s->write_lock);
}

/* Ends the open group (c holds the writer): commits it, or finds that SQLite abandoned it, and
 * tells every waiting member the outcome. Returns that outcome as a STORE_* value. */
static int end_group(store_conn *c)
{
    store *s = c->owner;
    int rc = STORE_ERROR;
    if (sqlite3_get_autocommit(c->db)) {
        fprintf(stderr, "roster: store: a group of %d write transaction(s) was abandoned: %s\n", s->group_size,
                sqlite3_errmsg(c->db));
    } else {
        static const char commit[] = "COMMIT", rollback[] = "ROLLBACK";
        rc = control(c, commit);
        if (rc == STORE_OK && s->group_size > 0) {
            s->groups_committed++;
            s->transactions_committed += (unsigned long)s->group_size;
        }
        if (rc != STORE_OK) {
            fprintf(stderr, "roster: store: commit failed: %s\n", sqlite3_errmsg(c->db));
            if (!sqlite3_get_autocommit(c->db))
                control(c, rollback);
        }
    }
    pthread_mutex_lock(&s->group_lock);
    for (commit_waiter *m = s->members; m; m = m->next) {
        m->rc = rc;
        m->done = 1;
    }
    pthread_cond_broadcast(&s->group_done);
    pthread_mutex_unlock(&s->group_lock);
    s->members = NULL;
    s->group_size = 0;
    s->group_open = 0;
    return rc;
}

/* The end of c's part in the group (member: c's changes are in it): leaves the group open for a
 * waiting writer (and, for a member, waits for its commit), or ends it. Returns the group's
 * outcome for a member, for_self otherwise. Releases the writer. */
static int leave_group(store_conn *c, int member, int for_self)
{
    store *s = c->owner;
    if (member)
        s->group_size++;
    if (!sqlite3_get_autocommit(c->db) && atomic_load(&s->waiting) > 0 && s->group_size < GROUP_MAX) {
        if (!member) {
            return_writer(c);
            return for_self;
        }
        commit_waiter me = {.next = s->members};
        s->members = &me;
        return_writer(c);
        pthread_mutex_lock(&s->group_lock);
        while (!me.done)
            pthread_cond_wait(&s->group_done, &s->group_lock);
        pthread_mutex_unlock(&s->group_lock);
        return me.rc;
    }
    int rc = end_group(c);
    return_writer(c);
    return member ? rc : for_self;
}

int store_writer_awaited(store_conn *c)
{
    return c->borrowing && atomic_load(&c->owner->waiting) > 0;
}

int store_begin(store_conn *c, int write)
{
    static const char begin_read[] = "BEGIN", begin_write[] = "BEGIN IMMEDIATE", savepoint[] = "SAVEPOINT member";
    if (c->in_tx)
        return STORE_ERROR; /* no nesting */
    if (!write) {
        int rc = control(c, begin_read);
        c->in_tx = rc == STORE_OK;
        return rc;
    }
    if (borrow_writer(c) != STORE_OK)
        return STORE_ERROR;
    store *s = c->owner;
    int rc = STORE_OK;
    c->in_member = s->group_open;
    if (!s->group_open) {
        rc = control(c, begin_write);
        s->group_open = rc == STORE_OK;
    } else {
        rc = control(c, savepoint);
    }
    if (rc != STORE_OK) {
        if (s->group_open)
            leave_group(c, 0, rc);
        else
            return_writer(c);
        return rc;
    }
    c->in_tx = 1;
    return STORE_OK;
}

int store_commit(store_conn *c)
{
    static const char release[] = "RELEASE member", release_item[] = "RELEASE item", commit[] = "COMMIT";
    if (!c->in_tx)
        return STORE_ERROR;
    int item_open = c->in_item;
    c->in_item = 0; /* RELEASE member releases an open item's savepoint with it */
    if (!c->borrowing) { /* a read transaction */
        int rc = control(c, commit);
        if (rc != STORE_OK)
            store_rollback(c);
        c->in_tx = 0;
        return rc;
    }
    int rc = c->in_member ? control(c, release) : item_open ? control(c, release_item) : STORE_OK;
    if (rc != STORE_OK) {
        store_rollback(c);
        return rc;
    }
    c->in_tx = 0;
    return leave_group(c, 1, STORE_OK);
}

int store_rollback(store_conn *c)
{
    static const char rollback[] = "ROLLBACK", rollback_to[] = "ROLLBACK TO member", release[] = "RELEASE member";
    if (!c->in_tx)
        return STORE_OK;
    c->in_tx = 0;
    c->in_item = 0;
    if (!c->borrowing)
        return sqlite3_get_autocommit(c->db) ? STORE_OK : control(c, rollback);
    if (!c->in_member) { /* it opened the group and is alone in it: its rollback is the transaction's */
        store *s = c->owner;
        if (!sqlite3_get_autocommit(c->db))
            control(c, rollback);
        s->group_open = 0;
        return_writer(c);
        return STORE_OK;
    }
    /* Undo c's own changes; the group's earlier members keep theirs. A savepoint that cannot be
     * undone takes the whole transaction with it (end_group then tells the members). */
    if (!sqlite3_get_autocommit(c->db) &&
        (control(c, rollback_to) != STORE_OK || control(c, release) != STORE_OK))
        control(c, rollback);
    leave_group(c, 0, STORE_OK);
    return STORE_OK;
}
