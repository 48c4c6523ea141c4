/* scim_user_json.h — a user as a SCIM User resource (RFC 7643 §4.1) and back.
 *
 * Mapping (attribute names read in any case):
 *   userName <-> username; name.givenName / name.familyName <-> first / last name;
 *   emails: the primary one (primary true, else the first) <-> email, the first other <-> secondary
 *   email; phoneNumbers: the one of type "mobile" <-> mobile; active <-> not disabled (true,
 *   false, or the strings "True"/"False" in any case, as Microsoft Entra sends them); externalId
 *   <-> external id; password -> the password (write-only, never returned).
 *   Required names left out: from displayName, its first word the given name and the rest the
 *   family name (a one-word displayName gives both); neither -> 400 naming name.givenName.
 * Everything else the provider sends (displayName, title, the enterprise extension, other name
 * parts, the whole emails and phoneNumbers lists with their types) is kept as given and returned
 * as given. The emails and phoneNumbers of a user the provider manages come back as it sent
 * them (core/scim_users.h: roster maps only the values its rules accept, and nobody else may
 * change them); for any other user they are made from roster's fields. id, meta, schemas and groups are the server's and are
 * not kept. Errors: rerr ERR_INVALID_PARAMETER with field the SCIM attribute path.
 */
#ifndef ROSTER_SCIM_SCIM_USER_JSON_H
#define ROSTER_SCIM_SCIM_USER_JSON_H

#include <jansson.h>

#include "core/error.h"
#include "core/scim_users.h"
#include "model/model.h"

#define SCIM_USER_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_ENTERPRISE_SCHEMA "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

/* A document read: in's strings point into the document or into the buffers here. */
typedef struct scim_user_read {
    scim_user_input in;
    char *given, *family;        /* from displayName */
    char *attributes;            /* the kept attributes as JSON text, NULL when none */
    json_t *kept;                /* the same as an object (owned) */
} scim_user_read;
void scim_user_read_clear(scim_user_read *r);

/* Reads doc (a SCIM User) into *out; doc must outlive out. Returns 0, or -1 with *e set. The
 * caller clears *out either way. */
int scim_user_from_json(const json_t *doc, scim_user_read *out, rerr *e);

/* The SCIM representation of u with its kept attributes (JSON text or NULL); base is the SCIM
 * base URL for meta.location ("http://host:port/scim/v2"). New reference; NULL only if out of
 * memory. */
json_t *scim_user_to_json(const user_record *u, const char *attributes, const char *base);
/* The same from the kept attributes as an object (or NULL); takes the reference to kept, whoever
 * the result goes to. */
json_t *scim_user_to_json_kept(const user_record *u, json_t *kept, const char *base);

/* The member of object o named name in any ASCII case (the exact name first), or NULL. */
json_t *scim_json_get(const json_t *o, const char *name);

/* 1 for true or a "true" string in any case, 0 for false / "false", -1 for anything else. */
int scim_json_boolean(const json_t *v);

/* A resource's schemas: core_schema, then each extension URN kept in the object kept (members
 * named "urn:…" holding an object). New reference. */
json_t *scim_resource_schemas(const char *core_schema, const json_t *kept);

/* meta for a resource: {resourceType, created, lastModified, version W/"<version>", location}.
 * New reference. */
json_t *scim_meta(const char *resource_type, int64_t created_ms, int64_t modified_ms, int64_t version,
                  const char *location);

#endif
