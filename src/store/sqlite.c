/* sqlite.c — the SQLite backend: opening the file, the connection pool, the statement
 * cache, transactions and migrations.
 *
 * Each connection runs in WAL mode with foreign keys on and a busy timeout, so readers
 * never block the writer. Statements are prepared once per connection and cached by the
 * address of their static SQL text.
 * Transactions, and the one writer handle all writes go through, are in sqlite_writer.c.
 */
#include "store/sqlite_int.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_migrations.h"
#include "store/store_testing.h"
#include "util/buf.h"

/* WAL so readers never block the writer; NORMAL sync (durable at each checkpoint, safe in WAL);
 * 32 MiB of page cache per connection, so a store of hundreds of thousands of users is served
 * from memory rather than re-read through the kernel (memory-mapped reads were tried and cost
 * more: every connection remaps as the file grows under writes); and the WAL file truncated
 * back to 128 MiB after checkpoints instead of growing without bound. A checkpoint (and its
 * fsync) comes every SQ_CHECKPOINT_PAGES WAL pages rather than SQLite's 1000 — run by the
 * background checkpointer for the writer handle (sqlite_checkpoint.c). */
static const char *const pragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-32768;"
    "PRAGMA journal_size_limit=134217728;";

static const char *vfs_name; /* sqlite_vfs.c's, or NULL: SQLite's own */

/* Once per process, before SQLite's first use: no memory statistics (roster never reads them),
 * which spares a process-wide mutex on every allocation SQLite makes — a lock taken and released
 * some hundred times per user an import writes (ignored when SQLite is already initialised);
 * and the VFS that gathers a commit's WAL writes (sqlite_vfs.c), which every connection uses. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    vfs_name = sq_vfs_register();
}

store_conn *sq_conn_open(store *s, int create, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    store_conn *c = xcalloc(1, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(s->path, &c->db, flags, vfs_name);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 10000);
        sqlite3_extended_result_codes(c->db, 1);
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_wal_autocheckpoint(c->db, SQ_CHECKPOINT_PAGES);
    }
    if (rc != SQLITE_OK) {
        if (err)
            snprintf(err, errlen, "cannot open store %s: %s", s->path,
                     c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    c->owner = s;
    return c;
}

void sq_conn_close(store_conn *c)
{
    for (size_t i = 0; i < c->cap_cache; i++)
        if (c->cache[i].sql)
            sqlite3_finalize(c->cache[i].stmt);
    free(c->cache);
    sqlite3_close(c->db);
    free(c);
}

/* Runs sql on c's own handle; returns SQLite's result code. */
static int exec_sql(store_conn *c, const char *sql)
{
    return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

/* Whether a row of the store refers to one that does not exist (PRAGMA foreign_key_check):
 * returns 0 when none does, else 1 with the first such reference, or the failure, in err. */
static int dangling_references(store_conn *c, int version, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, "PRAGMA foreign_key_check", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(err, errlen, "migration %d refused: a row of %s (rowid %lld) refers to a row of %s that does not "
                 "exist", version, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                 (const char *)sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        snprintf(err, errlen, "migration %d failed: %s", version, sqlite3_errmsg(c->db));
    sqlite3_finalize(st);
    return rc != SQLITE_DONE;
}

/* Applies m in one IMMEDIATE transaction on c's own handle (at store_open, before this process
 * uses the store otherwise; another process may be migrating too, so the version is read again
 * inside the transaction). A migration that rebuilds tables runs with foreign keys off (dropping
 * the old table would otherwise delete the rows that refer to it) and commits only when every
 * reference still holds. Returns 0, or -1 with a message in err. */
static int apply(store_conn *c, const migration *m, char *err, size_t errlen)
{
    static const char record[] = "INSERT INTO schema_migrations(version, summary, applied_ms) VALUES (?, ?, ?)";
    if (m->rebuilds && exec_sql(c, "PRAGMA foreign_keys=OFF") != SQLITE_OK) {
        snprintf(err, errlen, "migration %d failed: %s", m->version, sqlite3_errmsg(c->db));
        return -1;
    }
    int failed = exec_sql(c, "BEGIN IMMEDIATE") != SQLITE_OK;
    int have = failed ? -1 : store_schema_version(c);
    failed = failed || have < 0;
    if (!failed && have < m->version) {
        if (m->check && m->check(c->db, err, errlen) != 0)
            failed = 2; /* err says why */
        else if (exec_sql(c, m->sql) != SQLITE_OK)
            failed = 1;
        else if (m->rebuilds && dangling_references(c, m->version, err, errlen))
            failed = 2;
    }
    if (!failed && have < m->version) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        failed = sq_exec(c, record, SQ_ARGS(SQ_INT(m->version), SQ_TEXT(m->summary), SQ_INT(now_ms))) != STORE_OK;
    }
    if (!failed)
        failed = exec_sql(c, "COMMIT") != SQLITE_OK;
    if (failed == 1)
        snprintf(err, errlen, "migration %d failed: %s", m->version, sqlite3_errmsg(c->db));
    if (failed && !sqlite3_get_autocommit(c->db))
        exec_sql(c, "ROLLBACK");
    if (m->rebuilds)
        exec_sql(c, "PRAGMA foreign_keys=ON");
    return failed ? -1 : 0;
}

static int migrate(store_conn *c, char *err, size_t errlen)
{
    int rc = exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations("
                         "version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_ms INTEGER NOT NULL)");
    int have = rc == SQLITE_OK ? store_schema_version(c) : -1;
    if (have < 0) {
        snprintf(err, errlen, "migrations failed: %s", sqlite3_errmsg(c->db));
        return -1;
    }
    size_t n;
    const migration *m = migrations_all(&n);
    for (size_t i = 0; i < n; i++)
        if (m[i].version > have && apply(c, &m[i], err, errlen) != 0)
            return -1;
    return 0;
}

store *store_open(const char *path, int create, char *err, size_t errlen)
{
    store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->pool_free, &ca);
    pthread_condattr_destroy(&ca);
    s->pool_max = STORE_POOL_MAX;
    s->pool_wait_ms = STORE_POOL_WAIT_MS;
    s->pool_open = 1; /* the migrating connection, given back below */
    sq_writer_init(s);
    store_conn *c = sq_conn_open(s, create, err, errlen);
    if (!c || migrate(c, err, errlen) != 0) {
        if (c)
            sq_conn_close(c);
        store_close(s);
        return NULL;
    }
    store_conn_put(c);
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    while (s->idle) {
        store_conn *c = s->idle;
        s->idle = c->next_idle;
        sq_conn_close(c);
    }
    sq_writer_destroy(s);
    pthread_cond_destroy(&s->pool_free);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

void store_pool_limit(store *s, size_t max, int wait_ms)
{
    pthread_mutex_lock(&s->lock);
    if (max > 0)
        s->pool_max = max;
    if (wait_ms >= 0)
        s->pool_wait_ms = wait_ms;
    pthread_cond_broadcast(&s->pool_free);
    pthread_mutex_unlock(&s->lock);
}

void store_pool_counts(store *s, size_t *open, size_t *waiting)
{
    pthread_mutex_lock(&s->lock);
    *open = s->pool_open;
    *waiting = s->pool_waiting;
    pthread_mutex_unlock(&s->lock);
}

/* The time wait_ms from now on CLOCK_MONOTONIC (the clock of pool_free). */
static struct timespec deadline_after(int wait_ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += wait_ms / 1000;
    t.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

store *store_conn_owner(const store_conn *c)
{
    return c->owner;
}

store_conn *store_conn_get(store *s)
{
    pthread_mutex_lock(&s->lock);
    struct timespec until = deadline_after(s->pool_wait_ms);
    int timed_out = 0;
    while (!s->idle && s->pool_open >= s->pool_max && !timed_out) {
        s->pool_waiting++;
        timed_out = pthread_cond_timedwait(&s->pool_free, &s->lock, &until) != 0;
        s->pool_waiting--;
    }
    store_conn *c = s->idle;
    int slot = 0;
    if (c) {
        s->idle = c->next_idle;
    } else if (s->pool_open < s->pool_max) {
        s->pool_open++; /* the slot of the connection opened below */
        slot = 1;
    }
    size_t open = s->pool_open;
    int waited = s->pool_wait_ms;
    pthread_mutex_unlock(&s->lock);
    if (c) {
        c->next_idle = NULL;
        return c;
    }
    if (!slot) {
        fprintf(stderr, "roster: store: all %zu connections stayed in use for %d ms\n", open, waited);
        return NULL;
    }
    char err[256];
    c = sq_conn_open(s, 0, err, sizeof err);
    if (!c) {
        fprintf(stderr, "roster: %s\n", err);
        pthread_mutex_lock(&s->lock);
        s->pool_open--;
        pthread_cond_signal(&s->pool_free);
        pthread_mutex_unlock(&s->lock);
    }
    return c;
}

void store_conn_release_memory(store_conn *c)
{
    if (c && !c->in_tx)
        sqlite3_db_release_memory(c->db);
}

void store_conn_put(store_conn *c)
{
    if (!c)
        return;
    if (c->in_tx)
        store_rollback(c);
    store *s = c->owner;
    pthread_mutex_lock(&s->lock);
    c->next_idle = s->idle;
    s->idle = c;
    pthread_cond_signal(&s->pool_free);
    pthread_mutex_unlock(&s->lock);
}

const char *store_errmsg(store_conn *c)
{
    return c && c->db ? sqlite3_errmsg(c->db) : "no connection";
}

static size_t slot_of(const stmt_slot *table, size_t cap, const char *sql)
{
    size_t i = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15ull & (cap - 1);
    while (table[i].sql && table[i].sql != sql)
        i = (i + 1) & (cap - 1);
    return i;
}

/* Doubles the statement table (abort on OOM, as every allocation in roster). */
static void cache_grow(store_conn *c)
{
    size_t cap = c->cap_cache ? c->cap_cache * 2 : 256;
    stmt_slot *table = xcalloc(cap, sizeof *table);
    for (size_t i = 0; i < c->cap_cache; i++)
        if (c->cache[i].sql)
            table[slot_of(table, cap, c->cache[i].sql)] = c->cache[i];
    free(c->cache);
    c->cache = table;
    c->cap_cache = cap;
}

sqlite3_stmt *sq_stmt(store_conn *c, const char *sql)
{
    if (c->cap_cache) {
        stmt_slot *slot = &c->cache[slot_of(c->cache, c->cap_cache, sql)];
        if (slot->sql) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "roster: store: prepare failed: %s\n", sqlite3_errmsg(c->db));
        return NULL;
    }
    if (2 * (c->n_cache + 1) > c->cap_cache)
        cache_grow(c);
    stmt_slot *slot = &c->cache[slot_of(c->cache, c->cap_cache, sql)];
    slot->sql = sql;
    slot->stmt = st;
    c->n_cache++;
    return st;
}

int store_ping(store_conn *c)
{
    static const char sql[] = "SELECT count(*) FROM schema_migrations";
    int64_t n;
    int rc = sq_row(c, sql, sq_read_int64, &n, SQ_NO_ARGS);
    return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
}

int store_schema_version(store_conn *c)
{
    static const char sql[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
    int64_t v = -1;
    return sq_row(c, sql, sq_read_int64, &v, SQ_NO_ARGS) == STORE_OK ? (int)v : -1;
}

int store_meta_get(store_conn *c, const char *key, char **out)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = ?";
    return sq_row(c, sql, sq_read_text, out, SQ_ARGS(SQ_TEXT(key)));
}

int store_meta_set(store_conn *c, const char *key, const char *value)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(key), SQ_TEXT(value)));
}
