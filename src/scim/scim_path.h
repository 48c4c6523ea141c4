/* scim_path.h — the "path" of a SCIM PATCH operation (RFC 7644 §3.5.2) read into its parts:
 *
 *   path      = attrPath / valuePath ["." subName]
 *   attrPath  = [URI ":"] name ["." subName]
 *   valuePath = [URI ":"] name "[" valFilter "]"
 *
 * e.g. "userName", "name.givenName", "emails[type eq \"work\"].value",
 * "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value". Names follow the
 * filter grammar (scim_filter.h: a letter, then letters, digits, '-', '_', '$'; "$ref" after a
 * '.'), in any case; one sub-attribute at most, since SCIM nests complex attributes one level.
 * The names and the bracketed filter are read by scim_filter_parse (the names as the attribute
 * of a "pr" test), so paths and filters have one grammar. What the names mean is the caller's.
 * Bounds: SCIM_PATH_MAX_LEN bytes, and the filter's own (scim_filter.h).
 */
#ifndef ROSTER_SCIM_SCIM_PATH_H
#define ROSTER_SCIM_SCIM_PATH_H

#include <stddef.h>

#include "scim/scim_filter.h"
#include "util/buf.h"

#define SCIM_PATH_MAX_LEN 1024

/* Every member is malloc'd (or NULL) and freed by scim_path_free. */
typedef struct scim_path {
    char *urn;           /* the schema URN written before the name ("urn:…:2.0:User"), or NULL */
    char *attr;          /* the attribute's name as written ("emails") */
    char *sub;           /* the sub-attribute's name ("givenName", "value"), or NULL */
    scim_filter *filter; /* valuePath: the filter inside the brackets ("type eq \"work\""), or NULL */
} scim_path;

/* Reads text (len bytes) into *out. Returns 0, or -1 with *out all NULL and a message in err
 * saying what was wrong. Free *out with scim_path_free in both cases. */
int scim_path_parse(const char *text, size_t len, scim_path *out, buf *err);
/* Frees p's members and sets them NULL; p itself is the caller's. */
void scim_path_free(scim_path *p);

#endif
