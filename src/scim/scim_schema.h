/* scim_schema.h — what roster's SCIM resources are made of: one static table of attribute
 * definitions (RFC 7643 §2.2 characteristics) for the User (§4.1), enterprise User extension
 * (§4.3) and Group (§4.2) schemas and the common attributes (§3.1), the look-ups the SCIM
 * routes, the matcher (scim_match.h) and the projection (scim_project.h) make in it, and the
 * discovery documents (RFC 7644 §4; RFC 7643 §5–§7) generated from it.
 *
 * The table is the one source of truth: /Schemas is written from it, never by hand.
 * Decisions:
 * - The common attributes id, externalId and meta (and schemas, returned "always") belong to
 *   both resource kinds and are found by scim_attr_find, but are not listed in the Schema
 *   documents, as RFC 7643 §8.7.1 does (§3.1 allows either).
 * - id and schemas are "required": false in the table: required constrains what a client
 *   sends, and a client never sends id (the server assigns it) or needs to be told of schemas.
 * - Group displayName is required (§4.2's text; §8.7.1's listing says false); Group members
 *   carry the RFC's value, $ref and type (immutable) and a display (readWrite: the label the
 *   provider gave, kept; Okta sends it when it adds members).
 * - Pure: no store, no HTTP; nothing here allocates but the documents the caller decrefs.
 */
#ifndef ROSTER_SCIM_SCIM_SCHEMA_H
#define ROSTER_SCIM_SCIM_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SCIM_SCHEMA_USER "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_SCHEMA_ENTERPRISE_USER "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCIM_SCHEMA_GROUP "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_SCHEMA_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:Schema"
#define SCIM_SCHEMA_RESOURCE_TYPE "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
#define SCIM_SCHEMA_SERVICE_PROVIDER_CONFIG "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
#define SCIM_MESSAGE_LIST_RESPONSE "urn:ietf:params:scim:api:messages:2.0:ListResponse"

/* The page size cap the routes enforce (count is lowered to it), announced as filter.maxResults. */
#define SCIM_MAX_RESULTS 1000

typedef enum scim_resource_kind { SCIM_USER, SCIM_GROUP } scim_resource_kind;

/* Each enum's first value is the RFC's default, so that the table only spells out the rest. */
typedef enum scim_type {
    SCIM_TYPE_STRING,
    SCIM_TYPE_BOOLEAN,
    SCIM_TYPE_DECIMAL,
    SCIM_TYPE_INTEGER,
    SCIM_TYPE_DATETIME,
    SCIM_TYPE_REFERENCE,
    SCIM_TYPE_COMPLEX,
    SCIM_TYPE_BINARY,
} scim_type;

typedef enum scim_mutability {
    SCIM_MUT_READ_WRITE,
    SCIM_MUT_READ_ONLY,
    SCIM_MUT_IMMUTABLE,
    SCIM_MUT_WRITE_ONLY,
} scim_mutability;

typedef enum scim_returned {
    SCIM_RET_DEFAULT, /* unless excluded, or unless "attributes" names others */
    SCIM_RET_ALWAYS,  /* whatever the request says */
    SCIM_RET_NEVER,   /* password */
    SCIM_RET_REQUEST, /* only when "attributes" names it */
} scim_returned;

typedef enum scim_uniqueness { SCIM_UNIQ_NONE, SCIM_UNIQ_SERVER, SCIM_UNIQ_GLOBAL } scim_uniqueness;

/* One attribute or sub-attribute. Static, never freed. */
typedef struct scim_attr {
    const char *name;
    scim_type type;
    bool multi_valued;
    bool required;
    bool case_exact;
    scim_mutability mutability;
    scim_returned returned;
    scim_uniqueness uniqueness;
    const char *description;
    const char *const *canonical_values; /* NULL-terminated, or NULL: none */
    const char *const *reference_types;  /* NULL-terminated; SCIM_TYPE_REFERENCE only */
    const struct scim_attr *subs;        /* SCIM_TYPE_COMPLEX: n_subs sub-attributes */
    size_t n_subs;
} scim_attr;

/* The definition at path for kind, or NULL when there is none. path is "attr", "attr.sub", or
 * either prefixed by a schema URN of kind and ':' ("urn:…:core:2.0:User:name.givenName",
 * "urn:…:extension:enterprise:2.0:User:manager.value"); names and URNs in any case. Without a
 * URN the common attributes are searched, then the core schema, then kind's extensions. */
const scim_attr *scim_attr_find(scim_resource_kind kind, const char *path);

/* The URN of the schema a (a pointer from this table) belongs to for kind: the core schema for
 * the common attributes, or NULL when a is not one of kind's. Static. */
const char *scim_attr_schema(scim_resource_kind kind, const scim_attr *a);

/* The core schema URN of kind, and the NULL-terminated list of it that scim_filter_match takes
 * as core_schemas. Static. */
const char *scim_core_schema(scim_resource_kind kind);
const char *const *scim_core_schemas(scim_resource_kind kind);

/* caseExact of the attribute at path (scim_case_exact_fn in scim_match.h: the path in lower
 * case without a URN, e.g. "emails.value"): 1 or 0; 0 when unknown. */
int scim_user_case_exact(const char *path);
int scim_group_case_exact(const char *path);

/* The characteristics' names as RFC 7643 spells them ("dateTime", "readOnly"…). Static. */
const char *scim_type_name(scim_type t);
const char *scim_mutability_name(scim_mutability m);
const char *scim_returned_name(scim_returned r);
const char *scim_uniqueness_name(scim_uniqueness u);

/* The discovery documents. base is the SCIM root as the client reaches it
 * ("http://127.0.0.1:8080/scim/v2"; trailing slashes are dropped, bytes that are not UTF-8
 * become U+FFFD) and makes meta.location.
 * Each returns a new object the caller decrefs; the *_doc ones return NULL for an unknown
 * URN or name (compared in any case). */
json_t *scim_service_provider_config(const char *base);
json_t *scim_schemas(const char *base);                              /* a ListResponse of 3 */
json_t *scim_schema_doc(const char *base, const char *urn);
json_t *scim_resource_types(const char *base);                       /* a ListResponse of 2 */
json_t *scim_resource_type_doc(const char *base, const char *name);  /* "User" or "Group" */

#endif
