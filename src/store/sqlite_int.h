/* sqlite_int.h — private helpers shared by the SQLite backend files (sqlite_*.c). */
#ifndef ROSTER_STORE_SQLITE_INT_H
#define ROSTER_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>

#include "store/store.h"

/* One prepared statement, found by the address of its static SQL text. */
typedef struct stmt_slot {
    const char *sql;
    sqlite3_stmt *stmt;
} stmt_slot;

typedef struct commit_waiter commit_waiter;
typedef struct checkpointer checkpointer;

/* Registers sqlite_vfs.c's VFS (once, before any connection opens) and returns its name, or NULL
 * when it cannot be registered (SQLite's own VFS is then used). */
const char *sq_vfs_register(void);

/* WAL pages after which a checkpoint copies them back into the database (128 MiB). A page
 * changed by many commits between two checkpoints is copied once: at 8192 pages (32 MiB) the
 * checkpointer took half a core of a SCIM sync's two and both syncs ran 7-15 % slower
 * (bench/scim). */
enum { SQ_CHECKPOINT_PAGES = 32768 };

/* The database: its path, the pool of connections, and the writer (sqlite_writer.c). */
struct store {
    char *path;
    pthread_mutex_t lock;        /* guards idle and the pool's counts and limits */
    pthread_cond_t pool_free;    /* signalled when a connection is given back or a slot frees */
    store_conn *idle;
    size_t pool_open;            /* connections open (idle or taken), the writer not counted */
    size_t pool_waiting;         /* threads waiting in store_conn_get */
    size_t pool_max;             /* at most this many open */
    int pool_wait_ms;            /* how long store_conn_get waits for one */
    /* the writer: all below but waiting are guarded by write_lock */
    pthread_mutex_t write_lock;  /* held by the connection borrowing the writer handle */
    atomic_int waiting;          /* threads waiting for write_lock */
    store_conn *writer;          /* opened at the first write; only its handle is used */
    checkpointer *checkpointer;  /* started with the writer (sqlite_checkpoint.c) */
    int group_open;              /* the writer has a transaction open for a commit group */
    int group_size;              /* finished transactions whose changes are in the open group */
    commit_waiter *members;       /* those of them waiting for its commit */
    unsigned long groups_committed;       /* counts, for tests and diagnostics */
    unsigned long transactions_committed;
    pthread_mutex_t group_lock;  /* guards the members' done flags */
    pthread_cond_t group_done;   /* broadcast when a group's commit or rollback ended */
};

/* A connection. During a write transaction its handle (db and statement cache) is the
 * store's one writer handle, swapped in by store_begin and back out at commit or rollback
 * (see sqlite.c), so every statement of the transaction runs on the writer. */
struct store_conn {
    store *owner;
    sqlite3 *db;
    int in_tx;
    int borrowing;               /* holds the writer handle and the store's write lock */
    int in_item;                 /* a batch item's savepoint is open (sqlite_savepoint.c) */
    int in_member;               /* the write runs under SAVEPOINT member: it joined an open group */
    stmt_slot *cache;            /* open-addressing table, cap a power of two, at most half full */
    size_t n_cache;
    size_t cap_cache;
    struct store_conn *next_idle;
};

/* Opens a connection to s->path with roster's pragmas (create: the file may be created).
 * Returns NULL with a message in err on failure. Close with sq_conn_close. */
store_conn *sq_conn_open(store *s, int create, char *err, size_t errlen);
void sq_conn_close(store_conn *c);

/* Sets up and tears down the writer state of s (sqlite_writer.c). */
void sq_writer_init(store *s);
void sq_writer_destroy(store *s);

/* Starts the background checkpointer for the writer handle writer_db (sqlite_checkpoint.c).
 * Returns NULL (and SQLite's automatic checkpoint stays on) when it cannot start. */
checkpointer *sq_checkpointer_start(store *s, sqlite3 *writer_db);

/* Stops and frees k (NULL is ignored); the automatic checkpoint is back on writer_db. */
void sq_checkpointer_stop(checkpointer *k, sqlite3 *writer_db);

/* Appends the security profile ids of user_id, in id order, to *out (sqlite_users.c).
 * Returns a STORE_* value. */
int sq_user_profiles(store_conn *c, const char *user_id, strlist *out);

/* Returns the prepared statement for the static SQL text sql, reset and with bindings
 * cleared, or NULL (store_errmsg says why). The statement stays owned by the connection. */
sqlite3_stmt *sq_stmt(store_conn *c, const char *sql);

/* ---- running statements (sqlite_query.c) ------------------------------------------------------
 *
 * Every statement is static SQL text with ? parameters, bound from an array of typed arguments:
 *     return sq_exec(c, sql, SQ_ARGS(SQ_TEXT(id), SQ_INT(now_ms)));
 *     return sq_row(c, sql, read_thing, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(id)));
 * SQ_ARGS counts its arguments; SQ_NO_ARGS binds none. A reader gets the statement on a row and
 * the caller's out pointer. */

typedef enum sq_type { SQ_T_NULL, SQ_T_TEXT, SQ_T_TEXT_OPT, SQ_T_INT, SQ_T_BLOB } sq_type;
typedef struct sq_arg {
    sq_type type;
    const void *p;               /* text (NUL-terminated) or blob bytes */
    int64_t i;                   /* integer, or the blob's length */
} sq_arg;

/* Text; NULL binds SQL NULL. */
#define SQ_TEXT(s) ((sq_arg){SQ_T_TEXT, (const char *){s}, 0})
/* Text, where NULL and "" bind SQL NULL (the model's "unset" fixed-size strings). */
#define SQ_TEXT_OPT(s) ((sq_arg){SQ_T_TEXT_OPT, (const char *){s}, 0})
/* Any integer, bound as a 64-bit one. */
#define SQ_INT(v) ((sq_arg){SQ_T_INT, NULL, (int64_t)(v)})
/* The integer v when has is true, else SQL NULL. */
#define SQ_INT_IF(has, v) ((sq_arg){(has) ? SQ_T_INT : SQ_T_NULL, NULL, (int64_t)(v)})
#define SQ_BLOB(ptr, len) ((sq_arg){SQ_T_BLOB, (ptr), (int64_t)(len)})
#define SQ_ARGS(...) (sizeof((sq_arg[]){__VA_ARGS__}) / sizeof(sq_arg)), ((const sq_arg[]){__VA_ARGS__})
#define SQ_NO_ARGS 0, NULL

typedef void (*sq_reader)(sqlite3_stmt *st, void *out);

/* The cached statement for sql with args bound, or NULL (store_errmsg says why): for the few
 * queries that stop reading before their last row (they step it themselves, then reset it). */
sqlite3_stmt *sq_prepare(store_conn *c, const char *sql, size_t n, const sq_arg *args);

/* Runs sql, which returns no rows. Returns a STORE_* value. */
int sq_exec(store_conn *c, const char *sql, size_t n, const sq_arg *args);
/* The same, and STORE_NOTFOUND when it changed no row. */
int sq_exec_found(store_conn *c, const char *sql, size_t n, const sq_arg *args);
/* Runs the query sql and calls read(st, out) for each row. Returns a STORE_* value. */
int sq_rows(store_conn *c, const char *sql, sq_reader read, void *out, size_t n, const sq_arg *args);
/* Runs the query sql and calls read(st, out) for its first row only. Returns STORE_OK,
 * STORE_NOTFOUND when there is no row, or a failure. */
int sq_row(store_conn *c, const char *sql, sq_reader read, void *out, size_t n, const sq_arg *args);

/* Runs the query sql and writes the integer in the first column of its first row into *out
 * (0 when there is no row: for counts and max()). Returns a STORE_* value. */
int sq_int64(store_conn *c, const char *sql, int64_t *out, size_t n, const sq_arg *args);

/* Runs the query sql, of one text parameter key and the columns (count, an id): the holders of
 * something, and the first of them. Writes them into *count and id ("" for none). Returns a
 * STORE_* value. */
int sq_count_and_first(store_conn *c, const char *sql, const char *key, int64_t *count, char id[ID_LEN]);

/* Readers of column 0: appended to a strlist (out: strlist *); into an int64_t; copied into a
 * malloc'd string (out: char **; NULL for SQL NULL; the caller frees). */
void sq_read_strlist(sqlite3_stmt *st, void *out);
void sq_read_int64(sqlite3_stmt *st, void *out);
void sq_read_text(sqlite3_stmt *st, void *out);

/* Maps a SQLite result code to a STORE_* value (SQLITE_DONE/ROW/OK -> STORE_OK). */
int sq_status(store_conn *c, int rc);

/* Steps a statement that returns no rows (NULL: STORE_ERROR) and resets it; returns a STORE_*
 * value. For the few statements not run through sq_exec (transaction control). */
int sq_exec_stmt(store_conn *c, sqlite3_stmt *st);

/* An ASCII lower-case copy of s (NULL: ""), as the username and group-name indexes fold: only A-Z
 * change. Caller frees. */
char *sq_fold(const char *s);

/* Copies column i as a malloc'd string, or NULL for SQL NULL. Caller frees. */
char *sq_col_dup(sqlite3_stmt *st, int i);

/* Copies column i into a fixed array (truncating), "" for NULL. */
void sq_col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap);

/* The WHERE/ORDER/LIMIT tail of a keyset page over (name, id) within an instance; its parameters
 * are (instance, after_name, after_name, after_id, limit). */
#define KEYSET "instance_id = ? AND (name > ? OR (name = ? AND id > ?)) ORDER BY name, id LIMIT ?"

/* Runs a keyset page query sql whose parameters are (instance, after_name, after_name, after_id,
 * limit) and whose columns are (id, name, modified_ms[, kind]); appends to out. Returns a
 * STORE_* value. */
int sq_page_summaries(store_conn *c, const char *sql, const page_req *pr, summary_list *out);

/* Runs the query sql, growing *arr (elements of elem bytes, zeroed before read fills them) by
 * one per row. *arr is malloc'd (the caller frees it, after clearing the elements); *n counts
 * them. Returns a STORE_* value; on failure the rows read so far stay in *arr. */
int sq_collect(store_conn *c, const char *sql, void **arr, size_t *n, size_t elem,
               void (*read)(sqlite3_stmt *st, void *item), size_t n_args, const sq_arg *args);

#endif
