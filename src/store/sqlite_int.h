/* sqlite_int.h — private helpers shared by the SQLite backend files (sqlite_*.c). */
#ifndef ROSTER_STORE_SQLITE_INT_H
#define ROSTER_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

/* One prepared statement, found by the address of its static SQL text. */
typedef struct stmt_slot {
    const char *sql;
    sqlite3_stmt *stmt;
} stmt_slot;

/* A connection. During a write transaction its handle (db and statement cache) is the
 * store's one writer handle, swapped in by store_begin and back out at commit or rollback
 * (see sqlite.c), so every statement of the transaction runs on the writer. */
struct store_conn {
    store *owner;
    sqlite3 *db;
    int in_tx;
    int borrowing;               /* holds the writer handle and the store's write lock */
    stmt_slot *cache;            /* open-addressing table, cap a power of two, at most half full */
    size_t n_cache;
    size_t cap_cache;
    struct store_conn *next_idle;
};

/* Returns the prepared statement for the static SQL text sql, reset and with bindings
 * cleared, or NULL (store_errmsg says why). The statement stays owned by the connection. */
sqlite3_stmt *sq_stmt(store_conn *c, const char *sql);

/* Maps a SQLite result code to a STORE_* value (SQLITE_DONE/ROW/OK -> STORE_OK). */
int sq_status(store_conn *c, int rc);

/* Steps a statement that returns no rows; returns a STORE_* value. */
int sq_exec_stmt(store_conn *c, sqlite3_stmt *st);

/* Binds text (NULL binds SQL NULL). Index is 1-based. */
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Copies column i as a malloc'd string, or NULL for SQL NULL. Caller frees. */
char *sq_col_dup(sqlite3_stmt *st, int i);

/* Copies column i into a fixed array (truncating), "" for NULL. */
void sq_col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap);

/* The WHERE/ORDER/LIMIT tail of a keyset page over (name, id) within an instance; its parameters
 * are (instance, after_name, after_name, after_id, limit). */
#define KEYSET "instance_id = ? AND (name > ? OR (name = ? AND id > ?)) ORDER BY name, id LIMIT ?"

/* Runs a keyset page query whose parameters are (instance, after_name, after_name, after_id,
 * limit) and whose columns are (id, name, modified_ms[, kind]); appends to out. Returns a
 * STORE_* value. */
int sq_page_summaries(store_conn *c, sqlite3_stmt *st, const page_req *pr, summary_list *out);

/* Steps st to the end, growing *arr (elements of elem bytes, zeroed before read fills them) by
 * one per row. *arr is malloc'd (the caller frees it, after clearing the elements); *n counts
 * them. Returns a STORE_* value; on failure the rows read so far stay in *arr. */
int sq_collect(store_conn *c, sqlite3_stmt *st, void **arr, size_t *n, size_t elem,
               void (*read)(sqlite3_stmt *st, void *item));

#endif
