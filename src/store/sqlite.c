/* sqlite.c — the SQLite backend: opening the file, the connection pool, the statement
 * cache, transactions and migrations.
 *
 * Each connection runs in WAL mode with foreign keys on and a busy timeout, so readers
 * never block the writer. Statements are prepared once per connection and cached by the
 * address of their static SQL text.
 *
 * Writes in this process all go through one writer handle: store_begin(c, 1) takes the
 * store's write lock and swaps the writer's database handle and statement cache into c until
 * the transaction ends. In WAL mode a commit by one handle empties the page cache of every
 * other handle, so with writes spread over the pool each write transaction began by re-reading
 * its pages through the kernel; the one writer keeps its cache across its own commits. Writers
 * of this process queue on the lock (woken as it is released) rather than in SQLite's sleeping
 * busy handler; other processes still meet SQLite's lock and busy timeout.
 */
#include "store/sqlite_int.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/migrations.h"
#include "util/buf.h"

struct store {
    char *path;
    pthread_mutex_t lock;        /* guards idle */
    store_conn *idle;
    pthread_mutex_t write_lock;  /* held by the connection borrowing writer */
    store_conn *writer;          /* opened at the first write; only its handle is used */
};

/* WAL so readers never block the writer; NORMAL sync (durable at each checkpoint, safe in WAL);
 * 32 MiB of page cache per connection, so a store of hundreds of thousands of users is served
 * from memory rather than re-read through the kernel (memory-mapped reads were tried and cost
 * more: every connection remaps as the file grows under writes); a checkpoint (and its fsync)
 * every 8192 WAL pages (32 MiB) rather than SQLite's 1000, and the WAL file truncated back to
 * 64 MiB after checkpoints instead of growing without bound. */
static const char *const pragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-32768;"
    "PRAGMA wal_autocheckpoint=8192;"
    "PRAGMA journal_size_limit=67108864;";

static store_conn *conn_open(store *s, int create, char *err, size_t errlen)
{
    store_conn *c = xcalloc(1, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 10000);
        sqlite3_extended_result_codes(c->db, 1);
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
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

static void conn_close(store_conn *c)
{
    for (size_t i = 0; i < c->cap_cache; i++)
        if (c->cache[i].sql)
            sqlite3_finalize(c->cache[i].stmt);
    free(c->cache);
    sqlite3_close(c->db);
    free(c);
}

static int migrate(store_conn *c, char *err, size_t errlen)
{
    int rc = sqlite3_exec(c->db,
                          "CREATE TABLE IF NOT EXISTS schema_migrations("
                          "version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_ms INTEGER NOT NULL)",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        goto fail;
    size_t n;
    const migration *m = migrations_all(&n);
    int have = store_schema_version(c);
    if (have < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= have)
            continue;
        if (store_begin(c, 1) != STORE_OK)
            goto fail;
        rc = sqlite3_exec(c->db, m[i].sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_stmt *st = sq_stmt(c, "INSERT INTO schema_migrations(version, summary, applied_ms) "
                                          "VALUES (?, ?, ?)");
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            sqlite3_bind_int(st, 1, m[i].version);
            sq_bind_text(st, 2, m[i].summary);
            sqlite3_bind_int64(st, 3, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
            rc = sq_exec_stmt(c, st) == STORE_OK ? SQLITE_OK : SQLITE_ERROR;
        }
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "migration %d failed: %s", m[i].version, sqlite3_errmsg(c->db));
            store_rollback(c);
            return -1;
        }
        if (store_commit(c) != STORE_OK)
            goto fail;
    }
    return 0;
fail:
    snprintf(err, errlen, "migrations failed: %s", sqlite3_errmsg(c->db));
    return -1;
}

store *store_open(const char *path, int create, char *err, size_t errlen)
{
    store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    store_conn *c = conn_open(s, create, err, errlen);
    if (!c || migrate(c, err, errlen) != 0) {
        if (c)
            conn_close(c);
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
        conn_close(c);
    }
    if (s->writer)
        conn_close(s->writer);
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

store_conn *store_conn_get(store *s)
{
    pthread_mutex_lock(&s->lock);
    store_conn *c = s->idle;
    if (c)
        s->idle = c->next_idle;
    pthread_mutex_unlock(&s->lock);
    if (c) {
        c->next_idle = NULL;
        return c;
    }
    char err[256];
    c = conn_open(s, 0, err, sizeof err);
    if (!c)
        fprintf(stderr, "roster: %s\n", err);
    return c;
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

int sq_status(store_conn *c, int rc)
{
    (void)c;
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return STORE_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_BUSY;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return STORE_FOREIGN;
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return STORE_UNIQUE;
        return STORE_ERROR;
    default:
        return STORE_ERROR;
    }
}

int sq_exec_stmt(store_conn *c, sqlite3_stmt *st)
{
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    int out = sq_status(c, rc);
    sqlite3_reset(st);
    return out;
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

char *sq_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

void sq_col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
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
    pthread_mutex_lock(&s->write_lock);
    if (!s->writer) {
        char err[256];
        s->writer = conn_open(s, 0, err, sizeof err);
        if (!s->writer) {
            pthread_mutex_unlock(&s->write_lock);
            fprintf(stderr, "roster: %s\n", err);
            return STORE_ERROR;
        }
    }
    swap_handles(c, s->writer);
    c->borrowing = 1;
    return STORE_OK;
}

/* Gives the writer handle back and releases the write lock, if c holds them. */
static void return_writer(store_conn *c)
{
    if (!c->borrowing)
        return;
    store *s = c->owner;
    swap_handles(c, s->writer);
    c->borrowing = 0;
    pthread_mutex_unlock(&s->write_lock);
}

int store_begin(store_conn *c, int write)
{
    static const char begin_write[] = "BEGIN IMMEDIATE", begin_read[] = "BEGIN";
    if (write && !c->borrowing && borrow_writer(c) != STORE_OK)
        return STORE_ERROR;
    int rc = control(c, write ? begin_write : begin_read);
    if (rc == STORE_OK)
        c->in_tx = 1;
    else
        return_writer(c);
    return rc;
}

int store_commit(store_conn *c)
{
    static const char sql[] = "COMMIT";
    int rc = control(c, sql);
    if (rc != STORE_OK) {
        /* said here: after the rollback c no longer holds the handle that failed */
        fprintf(stderr, "roster: store: commit failed: %s\n", sqlite3_errmsg(c->db));
        store_rollback(c);
        return rc;
    }
    c->in_tx = 0;
    return_writer(c);
    return rc;
}

int store_rollback(store_conn *c)
{
    static const char sql[] = "ROLLBACK";
    c->in_tx = 0;
    int rc = sqlite3_get_autocommit(c->db) ? STORE_OK : control(c, sql);
    return_writer(c);
    return rc;
}

int store_ping(store_conn *c)
{
    static const char sql[] = "SELECT count(*) FROM schema_migrations";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(c, rc) ? sq_status(c, rc) : STORE_ERROR;
}

int store_schema_version(store_conn *c)
{
    static const char sql[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    int v = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return v;
}

int store_meta_get(store_conn *c, const char *key, char **out)
{
    static const char sql[] = "SELECT value FROM meta WHERE key = ?";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sq_col_dup(st, 0);
    int out_rc = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
    sqlite3_reset(st);
    return out_rc;
}

int store_meta_set(store_conn *c, const char *key, const char *value)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, key);
    sq_bind_text(st, 2, value);
    return sq_exec_stmt(c, st);
}

/* Runs a keyset page query whose parameters are (instance, after_name, after_name, after_id,
 * limit) and whose columns are (id, name, modified_ms[, kind]); appends to out. */
int sq_page_summaries(store_conn *c, sqlite3_stmt *st, const page_req *pr, summary_list *out)
{
    if (!st)
        return STORE_ERROR;
    sq_bind_text(st, 1, pr->instance_id);
    sq_bind_text(st, 2, pr->after_name ? pr->after_name : "");
    sq_bind_text(st, 3, pr->after_name ? pr->after_name : "");
    sq_bind_text(st, 4, pr->after_id ? pr->after_id : "");
    sqlite3_bind_int64(st, 5, (sqlite3_int64)pr->limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        summary *s = summary_list_add(out);
        sq_col_copy(st, 0, s->id, sizeof s->id);
        s->name = sq_col_dup(st, 1);
        s->modified_ms = sqlite3_column_int64(st, 2);
        if (sqlite3_column_count(st) > 3)
            sq_col_copy(st, 3, s->kind, sizeof s->kind);
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}


int sq_collect(store_conn *c, sqlite3_stmt *st, void **arr, size_t *n, size_t elem,
               void (*read)(sqlite3_stmt *st, void *item))
{
    *arr = NULL;
    *n = 0;
    if (!st)
        return STORE_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *arr = xrealloc(*arr, cap * elem);
        }
        void *item = (char *)*arr + *n * elem;
        memset(item, 0, elem);
        read(st, item);
        (*n)++;
    }
    sqlite3_reset(st);
    return sq_status(c, rc);
}
