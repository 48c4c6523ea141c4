/* sqlite_savepoint.c — the items of a batch inside one write transaction (store_item_begin,
 * store_item_end in store.h).
 *
 * A write transaction runs in the SQLite transaction of the writer's group commit, under a
 * savepoint `member` when it joined a group others had opened (sqlite_writer.c). Each item of a
 * batch opens a savepoint `item` nested in it; keeping the item releases `item`, dropping it
 * rolls back to `item` (undoing the item's writes only) and releases it. The transaction's commit or rollback then applies to the kept
 * items as to any other write. If SQLite has abandoned the transaction (an I/O error, a full
 * disk) the savepoint is gone with it: the call fails and the caller rolls back.
 */
#include "store/sqlite_int.h"

static int control(store_conn *c, const char *sql)
{
    return sq_exec_stmt(c, sq_stmt(c, sql));
}

/* Whether c is inside a write transaction that SQLite still holds open. */
static int writing(store_conn *c)
{
    return c->in_tx && c->borrowing && !sqlite3_get_autocommit(c->db);
}

int store_item_begin(store_conn *c)
{
    static const char savepoint[] = "SAVEPOINT item";
    if (!writing(c) || c->in_item)
        return STORE_ERROR;
    int rc = control(c, savepoint);
    c->in_item = rc == STORE_OK;
    return rc;
}

int store_item_end(store_conn *c, int keep)
{
    static const char release[] = "RELEASE item", rollback_to[] = "ROLLBACK TO item";
    if (!c->in_item)
        return STORE_ERROR;
    c->in_item = 0;
    if (!writing(c))
        return STORE_ERROR;
    if (!keep && control(c, rollback_to) != STORE_OK)
        return STORE_ERROR;
    return control(c, release);
}

int64_t store_changes(store_conn *c)
{
    return c && c->db ? (int64_t)sqlite3_total_changes64(c->db) : 0;
}
