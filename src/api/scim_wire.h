/* scim_wire.h — what every SCIM resource handler shares: the call (request, core context, the
 * instance the token picked, the base URL), reading a request body and query parameters, and
 * answering in application/scim+json (resources with their ETag, list responses, errors in the
 * SCIM error schema of RFC 7644 §3.12). */
#ifndef ROSTER_API_SCIM_WIRE_H
#define ROSTER_API_SCIM_WIRE_H

#include <jansson.h>
#include <stdint.h>

#include "api/api.h"
#include "core/context.h"
#include "scim/scim_error.h"

#define SCIM_CONTENT_TYPE "application/scim+json"
#define SCIM_LIST_SCHEMA "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_SEARCH_SCHEMA "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
#define SCIM_PATCH_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"

typedef struct scim_call {
    request *r;
    core_ctx *cx;
    const char *instance_id;     /* the token's instance */
    char *base;                  /* "http://host/scim/v2", malloc'd */
} scim_call;

/* Answers with x (status, scimType, detail). */
void scim_send_error(request *r, const scim_error *x);
/* Answers status with the resource doc (reference taken): its meta.version, if any, as ETag, and
 * for 201 its meta.location as Location. */
void scim_send_resource(request *r, int status, json_t *doc);
/* Answers 200 with a ListResponse of resources (reference taken). */
void scim_send_list(request *r, json_t *resources, int64_t total, int64_t start_index);

/* The request body as a JSON object (Content-Type application/scim+json, application/json or
 * none). Returns 0 with *out (caller decrefs), or -1 with *x: 400 invalidSyntax for a body that
 * is not a JSON object, too deep, or of another type. */
int scim_read_body(const request *r, json_t **out, scim_error *x);

/* The query parameter name (its name in any case), decoded, or NULL. Static storage of r. */
const char *scim_param(const request *r, const char *name);

/* A copy of a filter or attribute list with '+' outside double-quoted strings read as a space
 * (form encoding, as clients send `userName+eq+"x"`). Caller frees. */
char *scim_plus_as_space(const char *s);

/* An integer query parameter: 0 with *out (absent: *out = dflt), or -1 with *x (400
 * invalidValue) when it is not a whole number. */
int scim_int_param(const request *r, const char *name, int64_t dflt, int64_t *out, scim_error *x);

/* The version an If-Match header asks for: 0 when there is none or it is "*", the version of a
 * W/"N" or "N" tag, -1 for any other tag (which matches no version). */
int64_t scim_if_match(const request *r);
/* The version of an entity tag W/"N" or "N" (N > 0), or -1 for any other text (or NULL). */
int64_t scim_etag_version(const char *tag);

/* The base URL of the SCIM door for r ("http://HOST/scim/v2"; HOST from the Host header when it
 * is a plain host[:port], else "localhost"). Caller frees. */
char *scim_base_url(const request *r);

#endif
