/* scim_group_json.h — a SCIM Group resource (RFC 7643 §4.2) and back.
 *
 * displayName (required) <-> the group's name; externalId kept; members: each {value: a user id,
 * display (or "displayName", as Microsoft's tests send it): kept as the provider gave it}; a
 * member that is not an object with a string value is 400 invalidValue. Everything else the
 * provider sends is kept and returned as given. Members come back as {value, display (when
 * known), type "User", $ref}. Errors: rerr ERR_INVALID_PARAMETER with field the SCIM path.
 */
#ifndef ROSTER_SCIM_SCIM_GROUP_JSON_H
#define ROSTER_SCIM_SCIM_GROUP_JSON_H

#include <jansson.h>

#include "core/scim_groups.h"

#define SCIM_GROUP_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:Group"

typedef struct scim_group_read {
    scim_group_input in;
    scim_member_list members;
    char *attributes;
} scim_group_read;
void scim_group_read_clear(scim_group_read *r);

/* Reads doc into *out (doc must outlive it). Returns 0, or -1 with *e. The caller clears *out. */
int scim_group_from_json(const json_t *doc, scim_group_read *out, rerr *e);

/* The representation of g with its members (NULL: none known). New reference. */
json_t *scim_group_to_json(const scim_group *g, const scim_member_list *members, const char *base);

#endif
