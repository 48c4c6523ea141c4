/* sqlite_migrations.h — the SQLite backend's ordered schema migrations (SQLite DDL: another
 * backend keeps its own list and brings its schema to the same rules, see store.h). */
#ifndef ROSTER_STORE_SQLITE_MIGRATIONS_H
#define ROSTER_STORE_SQLITE_MIGRATIONS_H

#include <sqlite3.h>
#include <stddef.h>

typedef struct migration {
    int version;
    const char *summary;
    const char *sql;
    /* Run inside the migration's transaction before sql (NULL: none): returns 0 when the data
     * can take the migration, else -1 with what stands in the way, and what to do, in err. */
    int (*check)(sqlite3 *db, char *err, size_t errlen);
    /* 1: sql rebuilds a table that others refer to (drop and rename), so it runs with foreign
     * keys off and commits only when every reference still holds. */
    int rebuilds;
} migration;

/* Returns the static array of migrations in version order; *n receives its length. */
const migration *migrations_all(size_t *n);

#endif
