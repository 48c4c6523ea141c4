/* sqlite_checkpoint.c — the background checkpointer of the SQLite backend.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past its threshold,
 * so the writer copying 128 MiB back into the database and fsyncing it held the write lock the
 * whole time and every other writer waited. Instead the writer handle's WAL hook wakes a
 * thread with a connection of its own that runs PASSIVE checkpoints (they never block readers
 * or the writer). Should the WAL still grow past BACKSTOP_PAGES — the checkpointer cannot keep
 * up — the committing writer checkpoints itself, which slows writers down rather than letting
 * the WAL grow without bound.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

/* WAL pages after which the committing writer checkpoints itself (512 MiB). */
enum { BACKSTOP_PAGES = 4 * SQ_CHECKPOINT_PAGES };

struct checkpointer {
    store_conn *conn;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int wanted; /* guarded by lock */
    int stop;   /* guarded by lock */
};

static void *run(void *arg)
{
    checkpointer *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->lock);
        while (!k->wanted && !k->stop)
            pthread_cond_wait(&k->wake, &k->lock);
        int stop = k->stop;
        k->wanted = 0;
        pthread_mutex_unlock(&k->lock);
        if (stop)
            return NULL;
        int rc = sqlite3_wal_checkpoint_v2(k->conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            fprintf(stderr, "roster: store: checkpoint failed: %s\n", sqlite3_errmsg(k->conn->db));
    }
}

/* SQLite's WAL hook on the writer handle, called after each commit with the WAL's size. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    checkpointer *k = arg;
    if (pages >= BACKSTOP_PAGES) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    } else if (pages >= SQ_CHECKPOINT_PAGES) {
        pthread_mutex_lock(&k->lock);
        k->wanted = 1;
        pthread_cond_signal(&k->wake);
        pthread_mutex_unlock(&k->lock);
    }
    return SQLITE_OK;
}

checkpointer *sq_checkpointer_start(store *s, sqlite3 *writer_db)
{
    char err[256];
    store_conn *conn = sq_conn_open(s, 0, err, sizeof err);
    if (!conn) {
        fprintf(stderr, "roster: %s; the writer checkpoints as it commits\n", err);
        return NULL;
    }
    checkpointer *k = xcalloc(1, sizeof *k);
    k->conn = conn;
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->wake, NULL);
    if (pthread_create(&k->thread, NULL, run, k) != 0) {
        fprintf(stderr, "roster: cannot start the checkpointer; the writer checkpoints as it commits\n");
        pthread_cond_destroy(&k->wake);
        pthread_mutex_destroy(&k->lock);
        sq_conn_close(conn);
        free(k);
        return NULL;
    }
    sqlite3_wal_hook(writer_db, on_commit, k); /* replaces the automatic checkpoint */
    return k;
}

void sq_checkpointer_stop(checkpointer *k, sqlite3 *writer_db)
{
    if (!k)
        return;
    sqlite3_wal_autocheckpoint(writer_db, SQ_CHECKPOINT_PAGES); /* gives the hook back to SQLite */
    pthread_mutex_lock(&k->lock);
    k->stop = 1;
    pthread_cond_signal(&k->wake);
    pthread_mutex_unlock(&k->lock);
    pthread_join(k->thread, NULL);
    pthread_cond_destroy(&k->wake);
    pthread_mutex_destroy(&k->lock);
    sq_conn_close(k->conn);
    free(k);
}
