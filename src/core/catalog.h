/* catalog.h — the names of an instance's security profiles, routing profiles and hierarchy
 * groups, loaded at once, for the doors that speak in names rather than ids: the CSV importer
 * (name -> id, with a "did you mean" on a miss) and the export (id -> name, a group's path).
 *
 * A catalog is a snapshot: load it inside the transaction that uses it (a job's batch), so what
 * it says holds for that transaction. Names resolve byte-exactly (case-sensitively), as the
 * template's reference says; a miss suggests the nearest existing name (util/nearest.h).
 */
#ifndef ROSTER_CORE_CATALOG_H
#define ROSTER_CORE_CATALOG_H

#include <stddef.h>

#include "core/context.h"
#include "core/error.h"

typedef struct catalog_entry {
    char id[ID_LEN];
    char *name;
    int level;                   /* groups: 1..5; else 0 */
    char parent_id[ID_LEN];      /* groups: "" at level one */
} catalog_entry;

typedef struct catalog_set {
    catalog_entry *by_name;      /* sorted by name (byte order) */
    size_t n;
    catalog_entry **by_id;       /* the same entries sorted by id */
} catalog_set;

typedef struct catalog {
    char instance_id[ID_LEN];
    char idm_type[24];
    catalog_set security, routing, groups;
} catalog;

/* Loads the catalog of instance_id (any principal of the instance: CORE_CATALOG_READ). Returns 0,
 * or -1 with *e set (ERR_ACCESS_DENIED, ERR_NOT_FOUND for the instance, store errors). The
 * caller clears *out (also after a failure). */
int catalog_load(core_ctx *cx, const char *instance_id, catalog *out, rerr *e);
void catalog_clear(catalog *c);

/* Name -> id. Return the id (catalog storage), or NULL with *e set to ERR_NOT_FOUND (field
 * named) saying what is missing and, when one is close, the nearest name:
 * `security profile "Agnet" is not found; did you mean "Agent"?`. */
const char *catalog_security_profile(const catalog *c, const char *name, const char *field, rerr *e);
const char *catalog_routing_profile(const catalog *c, const char *name, const char *field, rerr *e);
/* A path of group names from level one down (1..5 names) -> the last group's id. */
const char *catalog_group_path(const catalog *c, char *const *names, size_t n, const char *field, rerr *e);

/* Id -> name; NULL when the id is not in the catalog. */
const char *catalog_security_name(const catalog *c, const char *id);
const char *catalog_routing_name(const catalog *c, const char *id);
/* The names from level one down to group id, into names[0..4]; returns how many (0: unknown id). */
size_t catalog_group_names(const catalog *c, const char *id, const char *names[5]);
/* Group id's path as the console shows it, the names from level one down joined by " / ";
 * NULL for an unknown id (or NULL/""). Caller frees. */
#define CATALOG_PATH_SEPARATOR " / "
char *catalog_group_label(const catalog *c, const char *id);
/* 1 when group id is ancestor_id or lies below it. */
int catalog_group_within(const catalog *c, const char *id, const char *ancestor_id);

#endif
