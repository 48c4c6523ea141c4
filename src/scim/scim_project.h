/* scim_project.h — a SCIM resource cut down to what the request's "attributes" or
 * "excludedAttributes" parameter asks for (RFC 7644 §3.4.2.5, §3.9), with the returned
 * characteristic of each attribute (scim_schema.h) applied.
 *
 * The parameter: attribute names separated by commas (spaces and tabs around a name ignored;
 * empty items skipped), each in any case, as
 *   attr | attr.sub | URN ":" attr[.sub] | URN (a whole extension object, or every core
 *   attribute when it is the kind's core URN) | [URN ":"] attr "[" filter "]" [ "." sub ]
 * A name without a URN is a core (or common) attribute: an extension's need their URN. At most
 * SCIM_PROJECT_MAX_LEN bytes and SCIM_PROJECT_MAX_NAMES names. A value with no name at all
 * ("", " , ") counts as not given.
 *
 * What comes out (decisions):
 * - Neither parameter: every attribute but those returned "never" or "request".
 * - attributes: only the named ones, plus those returned "always" (id, schemas). meta is
 *   returned "default" (RFC 7643 §3.1: all of meta's sub-attributes are "default"), so it comes
 *   only when named; so does userName, which §4.1 does not make "always".
 * - excludedAttributes: everything as with neither, less the named ones; an "always" one stays
 *   (RFC 7644 §3.9). Both given: the RFC says they are mutually exclusive; attributes wins and
 *   excludedAttributes is ignored, not even read (unless attributes holds no name).
 * - "returned": "never" (password) never comes out, even when named. Returned-ness is the
 *   attributes' (top level and extension); the table has no sub-attribute that is not "default".
 * - attr.sub keeps (or removes) only that sub-attribute: of the object, or of each element of
 *   a multi-valued attribute. An element, object or list left empty by the cut is dropped.
 * - attr[filter] — not standard attribute notation, but what Microsoft's Entra SCIM tests send
 *   (GET /Users?attributes=emails[type eq "work"]) — selects the elements of attr that satisfy
 *   the filter, as a PATCH path's valuePath does (RFC 7644 §3.5.2): attributes keeps only them
 *   (a single complex value is kept when it satisfies it), excludedAttributes removes them;
 *   attr[filter].sub narrows what is kept or removed of them to sub. The collection asserts
 *   only that the matching address is in the answer, which keeping the whole attribute would
 *   also pass, but a client writing the bracket wants the work emails, not all of them. The
 *   filter is matched as scim_match.h says, with the kind's caseExact rules.
 * - Names that are not in the resource (unknown or merely absent) select nothing and are
 *   ignored, as the RFC asks. Names are matched against the resource's own keys in any case,
 *   so attributes the schema does not list but the resource holds can be chosen too.
 * - "schemas" loses the URN of an extension whose object the projection removed; the rest of
 *   the list stays as it was.
 * - Errors (ERR_INVALID_PARAMETER, so scimType "invalidValue" and 400, field "attributes" or
 *   "excludedAttributes"): over the bounds, a name with characters an attribute path cannot
 *   hold (spaces inside, quotes, non-ASCII; note that '+' is not decoded to a space here, the
 *   route must do it), a bracket not closed or whose filter does not read (scim_filter.h; the
 *   parse error is in the message), text after the bracket other than ".sub". invalidValue
 *   rather than invalidFilter: the fault is in the attributes parameter, not the filter one.
 *
 * The parameter is read once (scim_projection_new) and applied to each resource of a list.
 */
#ifndef ROSTER_SCIM_SCIM_PROJECT_H
#define ROSTER_SCIM_SCIM_PROJECT_H

#include <jansson.h>

#include "core/error.h"
#include "scim/scim_schema.h"

#define SCIM_PROJECT_MAX_LEN 4096
#define SCIM_PROJECT_MAX_NAMES 100

typedef struct scim_projection scim_projection;

/* Reads the parameters (either may be NULL: not given) for resources of kind. Returns the
 * projection (free it with scim_projection_free), or NULL with *e (may be NULL) filled as
 * above. */
scim_projection *scim_projection_new(scim_resource_kind kind, const char *attributes, const char *excluded,
                                     rerr *e);
void scim_projection_free(scim_projection *p);

/* A new object (the caller decrefs) holding what p keeps of resource, which is not changed;
 * an empty object when resource is not an object. Never NULL. */
json_t *scim_projection_apply(const scim_projection *p, const json_t *resource);

/* scim_projection_new, _apply and _free in one: a new object the caller decrefs, or NULL with
 * *e filled when a parameter is refused. */
json_t *scim_project(const json_t *resource, scim_resource_kind kind, const char *attributes, const char *excluded,
                     rerr *e);

#endif
