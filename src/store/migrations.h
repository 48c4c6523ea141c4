/* migrations.h — the ordered list of schema migrations (SQL text shared by the backends). */
#ifndef ROSTER_STORE_MIGRATIONS_H
#define ROSTER_STORE_MIGRATIONS_H

#include <stddef.h>

typedef struct migration {
    int version;
    const char *summary;
    const char *sql;
} migration;

/* Returns the static array of migrations in version order; *n receives its length. */
const migration *migrations_all(size_t *n);

#endif
