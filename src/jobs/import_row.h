/* import_row.h — one row of a CSV import, checked and applied through core's user functions
 * (users_create_tx, users_update_tx): every rule of CreateUser and the Update* calls, the
 * permissions of the principal, the audit event — one rule, one place. What is the reader's own:
 * turning the template's cells into those calls (names to ids through the catalog, the cell
 * formats of cells.h) and reporting every error of a row, each with its column and value.
 *
 * Decisions where the issue is silent:
 * - Cells are taken as uploaded after undoing the export's spreadsheet escape
 *   (cells_formula_unescape); surrounding spaces are the value's own (the user rules judge them),
 *   except in the enumerated cells (soft/desk, yes/no, ACW), which ignore them.
 * - An empty phone type cell is a soft phone; an empty auto-accept cell is "no"; an empty ACW
 *   cell is 0 (no limit). The ACW column is the legacy PhoneConfig value: it sets every channel,
 *   as UpdateUserPhoneConfig does — except that in UPSERT an ACW equal to the user's VOICE value
 *   leaves the channels alone, so a user whose channels differ keeps them (and an export imports
 *   back UNCHANGED).
 * - UPSERT: a non-empty password cell sets the password (the row is UPDATED even when it is the
 *   same password: comparing would cost a hash).
 */
#ifndef ROSTER_JOBS_IMPORT_ROW_H
#define ROSTER_JOBS_IMPORT_ROW_H

#include <jansson.h>

#include "core/catalog.h"
#include "core/context.h"
#include "jobs/template.h"

/* What every row of one import shares. */
typedef struct import_job {
    const char *job_id;
    const char *instance_id;
    const char *idm_type;        /* the instance's */
    int upsert;                  /* mode UPSERT (else CREATE) */
    int dry_run;                 /* check everything, write nothing */
    int logins_distinct;         /* no row repeats the login of another (the job has as many distinct
                                  * logins as rows): no row looks for its login earlier in the file */
    const tpl_map *map;          /* the header's columns */
    char *const *header;         /* the header's cells as uploaded (for Column) */
    size_t n_header;
} import_job;

/* A row's outcome. */
typedef struct import_outcome {
    char action[12];             /* CREATED, UPDATED, UNCHANGED (what a dry run would do); "" on failure */
    char user_id[ID_LEN];        /* the user touched (a dry-run create: ""), or "" */
    json_t *errors;              /* array of {"Column","Value","Message"}; owned; empty on success */
} import_outcome;

void import_outcome_init(import_outcome *o);
void import_outcome_clear(import_outcome *o);

/* Whether a row needs its password hashed: the cell of the password column, or NULL when the
 * column is absent or the cell empty. cells[i] belong to the caller. */
const char *import_row_password(const import_job *j, char *const *cells, size_t n);

/* Checks and applies one row inside the caller's write transaction (an item of a batch): cells
 * as uploaded (n of them; the password cell may be blanked: password is its value, NULL when
 * none, password_hash its argon2id hash, NULL in a dry run); seq and the job's items are used to
 * find the same login earlier in the file. cat is the instance's catalog loaded in this
 * transaction. Returns 0 with out->action set, or -1 with out->errors holding every error of the
 * row (the caller undoes what the row wrote). */
int import_row_apply(core_ctx *cx, const import_job *j, const catalog *cat, int64_t seq, char *const *cells, size_t n,
                     const char *password, const char *password_hash, import_outcome *out);

/* Appends an error {"Column","Value","Message"} to errors (Column/Value NULL: ""). */
void import_error_add(json_t *errors, const char *column, const char *value, const char *message);

/* The login of a row folded for duplicate detection (ASCII lower case), malloc'd; NULL when the
 * row has no login cell. */
char *import_login_key(const char *login);

#endif
