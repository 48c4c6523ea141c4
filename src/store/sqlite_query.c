/* sqlite_query.c — the SQLite backend's one way of running a statement: bind typed arguments
 * (sq_arg), step, read each row with a reader, reset, and map SQLite's result to a STORE_*
 * value. Every sqlite_*.c file runs its SQL through these (sqlite_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

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

/* Binds text (NULL binds SQL NULL) to parameter i (1-based); keep is SQLITE_STATIC or
 * SQLITE_TRANSIENT (see bind_args). */
static void bind_text(sqlite3_stmt *st, int i, const char *s, sqlite3_destructor_type keep)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, keep);
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
    if (cap == 0)
        return;
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
    if (n >= cap)
        n = cap - 1; /* cut as snprintf would, without its cost (a tenth of reading a user) */
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

/* Binds args[0..n) to st's parameters 1..n. keep is SQLITE_TRANSIENT (SQLite copies the text
 * and blobs: for statements the caller steps later) or SQLITE_STATIC (no copy: for a statement
 * stepped, reset and unbound before the call returns — a copy per argument was a tenth of the
 * work of an import's writes). */
static void bind_args(sqlite3_stmt *st, size_t n, const sq_arg *args, sqlite3_destructor_type keep)
{
    for (size_t i = 0; i < n; i++) {
        int at = (int)i + 1;
        const sq_arg *a = &args[i];
        switch (a->type) {
        case SQ_T_TEXT: bind_text(st, at, a->p, keep); break;
        case SQ_T_TEXT_OPT: bind_text(st, at, a->p && *(const char *)a->p ? a->p : NULL, keep); break;
        case SQ_T_INT: sqlite3_bind_int64(st, at, a->i); break;
        case SQ_T_BLOB: sqlite3_bind_blob(st, at, a->p, (int)a->i, keep); break;
        default: sqlite3_bind_null(st, at); break;
        }
    }
}

sqlite3_stmt *sq_prepare(store_conn *c, const char *sql, size_t n, const sq_arg *args)
{
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (st)
        bind_args(st, n, args, SQLITE_TRANSIENT);
    return st;
}

/* The cached statement for sql with args bound without a copy, or NULL: the caller steps it
 * and ends with done(), all before it returns, while args still hold. */
static sqlite3_stmt *bound(store_conn *c, const char *sql, size_t n, const sq_arg *args)
{
    sqlite3_stmt *st = sq_stmt(c, sql);
    if (st)
        bind_args(st, n, args, SQLITE_STATIC);
    return st;
}

/* Resets a statement of bound() and drops its bindings, which point at the caller's memory. */
static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int sq_exec(store_conn *c, const char *sql, size_t n, const sq_arg *args)
{
    sqlite3_stmt *st = bound(c, sql, n, args);
    if (!st)
        return STORE_ERROR;
    int out = sq_status(c, sqlite3_step(st));
    done(st);
    return out;
}

int sq_exec_found(store_conn *c, const char *sql, size_t n, const sq_arg *args)
{
    int rc = sq_exec(c, sql, n, args);
    return rc == STORE_OK && sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : rc;
}

int sq_rows(store_conn *c, const char *sql, sq_reader read, void *out, size_t n, const sq_arg *args)
{
    sqlite3_stmt *st = bound(c, sql, n, args);
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        read(st, out);
    done(st);
    return sq_status(c, rc);
}

int sq_row(store_conn *c, const char *sql, sq_reader read, void *out, size_t n, const sq_arg *args)
{
    sqlite3_stmt *st = bound(c, sql, n, args);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read(st, out);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_status(c, rc);
}

void sq_read_strlist(sqlite3_stmt *st, void *list)
{
    strlist_push(list, (const char *)sqlite3_column_text(st, 0));
}

void sq_read_int64(sqlite3_stmt *st, void *v)
{
    *(int64_t *)v = sqlite3_column_int64(st, 0);
}

void sq_read_text(sqlite3_stmt *st, void *s)
{
    *(char **)s = sq_col_dup(st, 0);
}

/* Appends one (id, name, modified_ms[, kind]) row to the summary_list out. */
static void read_summary(sqlite3_stmt *st, void *out)
{
    summary *s = summary_list_add(out);
    sq_col_copy(st, 0, s->id, sizeof s->id);
    s->name = sq_col_dup(st, 1);
    s->modified_ms = sqlite3_column_int64(st, 2);
    if (sqlite3_column_count(st) > 3)
        sq_col_copy(st, 3, s->kind, sizeof s->kind);
}

int sq_page_summaries(store_conn *c, const char *sql, const page_req *pr, summary_list *out)
{
    const char *after = pr->after_name ? pr->after_name : "";
    return sq_rows(c, sql, read_summary, out,
                   SQ_ARGS(SQ_TEXT(pr->instance_id), SQ_TEXT(after), SQ_TEXT(after),
                           SQ_TEXT(pr->after_id ? pr->after_id : ""), SQ_INT(pr->limit)));
}

/* What sq_collect's reader works on: the growing array and its element reader. */
typedef struct collector {
    void **arr;
    size_t *n;
    size_t cap;
    size_t elem;
    void (*read)(sqlite3_stmt *st, void *item);
} collector;

static void collect_one(sqlite3_stmt *st, void *arg)
{
    collector *k = arg;
    if (*k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        *k->arr = xrealloc(*k->arr, k->cap * k->elem);
    }
    void *item = (char *)*k->arr + *k->n * k->elem;
    memset(item, 0, k->elem);
    k->read(st, item);
    (*k->n)++;
}

int sq_collect(store_conn *c, const char *sql, void **arr, size_t *n, size_t elem,
               void (*read)(sqlite3_stmt *st, void *item), size_t n_args, const sq_arg *args)
{
    *arr = NULL;
    *n = 0;
    collector k = {arr, n, 0, elem, read};
    return sq_rows(c, sql, collect_one, &k, n_args, args);
}

int sq_int64(store_conn *c, const char *sql, int64_t *out, size_t n, const sq_arg *args)
{
    *out = 0;
    int rc = sq_row(c, sql, sq_read_int64, out, n, args);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* What sq_count_and_first reads into. */
typedef struct count_first {
    int64_t *count;
    char *id;
} count_first;

static void read_count_first(sqlite3_stmt *st, void *out)
{
    count_first *cf = out;
    *cf->count = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 1, cf->id, ID_LEN);
}

int sq_count_and_first(store_conn *c, const char *sql, const char *key, int64_t *count, char id[ID_LEN])
{
    *count = 0;
    id[0] = '\0';
    count_first cf = {count, id};
    int rc = sq_row(c, sql, read_count_first, &cf, SQ_ARGS(SQ_TEXT(key)));
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

char *sq_fold(const char *s)
{
    char *f = xstrdup(s ? s : "");
    for (char *p = f; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return f;
}
