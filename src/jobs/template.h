/* template.h — the columns of the user CSV template of an instance, and reading a header record
 * into a map from fields to columns (and back). Pure: no store. The idm_type is an instance's
 * identity management type, "SAML" or "CONNECT_MANAGED"; mode is "CREATE" or "UPSERT".
 */
#ifndef ROSTER_JOBS_TEMPLATE_H
#define ROSTER_JOBS_TEMPLATE_H

#include <stddef.h>

#include "jobs/csv_reader.h"

typedef enum tpl_col {
    TPL_FIRST_NAME,
    TPL_LAST_NAME,
    TPL_EMAIL,
    TPL_SECONDARY_EMAIL,
    TPL_MOBILE,
    TPL_PASSWORD,
    TPL_LOGIN,
    TPL_ROUTING_PROFILE,
    TPL_SECURITY_PROFILES,
    TPL_HIERARCHY,
    TPL_PHONE_TYPE,
    TPL_PHONE_NUMBER,
    TPL_AUTO_ACCEPT,
    TPL_ACW,
    TPL_TAGS,
    TPL_REPORT_ROW,   /* the failure report's "row" column: read and ignored */
    TPL_REPORT_ERROR, /* the failure report's "error" column: read and ignored */
    TPL__COUNT
} tpl_col;

/* The instance's template columns in order, into *out (static): SAML the 13 of the current
 * template (first name, last name, secondary email, mobile, user login, routing profile name,
 * security profiles, hierarchy, phone type, phone number, auto accept, ACW, tags); CONNECT_MANAGED
 * the 15 of first name, last name, email address, secondary email, mobile, password, user login,
 * then the same as SAML from routing profile name on. Returns the count, or 0 with *out NULL
 * for an unknown idm_type. */
size_t tpl_columns(const char *idm_type, const tpl_col **out);

/* The canonical header text of a column ("user login", "row", "error"), static; NULL for a value
 * out of range. */
const char *tpl_header_text(tpl_col c);

typedef struct tpl_map {
    size_t n_fields;                  /* fields in the header */
    int col_of_field[CSV_MAX_FIELDS]; /* the TPL_* of each header field, or -1: the report's "row"
                                         and "error" columns, and "agent hierarchy" when it is the
                                         second name of the hierarchy column (alias_field) */
    int field_of_col[TPL__COUNT];     /* the field index of each column, or -1 when absent;
                                         TPL_REPORT_ROW/ERROR too (so a report of a report can
                                         leave them out) */
    int alias_field;                  /* the header holds both "user_hierarchy_1|user_hierarchy_2"
                                         and "agent hierarchy" (the documented list has both): the
                                         field index of "agent hierarchy", else -1; tpl_check_row
                                         requires the two cells to agree or one to be empty, and
                                         tpl_cell gives the one that is not */
} tpl_map;

/* Maps a header record for an instance of idm_type in mode: names matched ASCII
 * case-insensitively with spaces and tabs around them ignored; "agent hierarchy" is the
 * hierarchy column and "secondary email address" the secondary email; the report's "row" and
 * "error" are accepted and ignored; every header of Amazon's templates (current, old 11-column,
 * the documented CONNECT_MANAGED list) maps. Returns 0, or -1 with a message in err naming the
 * problem (the first found): more than CSV_MAX_FIELDS fields, an unknown column (with the list
 * of the instance's columns), an empty column name, a column given twice, a column that does not
 * apply to the instance (email address or password on SAML), missing required columns (all of
 * them named). Required for CREATE: first name, last name, user login, routing profile name,
 * security profiles, and on CONNECT_MANAGED email address and password; for UPSERT user login.
 * An unknown idm_type or mode is -1 too. */
int tpl_map_header(const char *idm_type, const char *mode, char *const *fields, const size_t *lens, size_t n,
                   tpl_map *out, char *err, size_t errlen);

/* Checks a data record against the mapped header: the same number of fields, and (alias_field)
 * the two hierarchy cells equal or one of them empty. lens may be NULL (C strings). Returns 0,
 * or -1 with a message in err ("the row has 12 fields; the header has 13"). */
int tpl_check_row(const tpl_map *m, char *const *fields, const size_t *lens, size_t n, char *err, size_t errlen);

/* The cell of column c in a record that passed tpl_check_row: a pointer to the field (its
 * length in *len when len is not NULL; lens may be NULL), or NULL when the header has no such
 * column. For the hierarchy with alias_field set, the one of the two cells that is not empty. */
const char *tpl_cell(const tpl_map *m, tpl_col c, char *const *fields, const size_t *lens, size_t *len);

#endif
