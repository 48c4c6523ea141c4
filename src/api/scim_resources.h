/* scim_resources.h — the SCIM door's resource handlers and what they share beyond the wire
 * (scim_wire.h): the attributes / excludedAttributes of a read, a PATCH applied with the
 * resource type's mutability rules, the list and search parameters. The door (scim_door.c)
 * authenticates, routes and calls these. */
#ifndef ROSTER_API_SCIM_RESOURCES_H
#define ROSTER_API_SCIM_RESOURCES_H

#include "api/scim_wire.h"
#include "scim/scim_schema.h"
#include "scim/scim_user_query.h"

/* What a resource type does, for scim_resource_route. Each returns 0, or -1 with *x. */
typedef struct scim_kind_ops {
    scim_resource_kind kind;
    /* The representation of id (new reference), or NULL with *x (404 when there is none). */
    json_t *(*fetch)(scim_call *c, const char *id, scim_error *x);
    /* Creates doc's resource: its id, and (*made, when the kind can tell without reading it back)
     * its representation, a new reference; NULL: the door reads it. */
    int (*create)(scim_call *c, const json_t *doc, char id_out[ID_LEN], json_t **made, scim_error *x);
    /* Replaces id with doc, a PUT's body or (patch 1) a PATCH's result; if_version as core's. */
    int (*replace)(scim_call *c, const char *id, const json_t *doc, int64_t if_version, int patch, scim_error *x);
    int (*remove)(scim_call *c, const char *id, int64_t if_version, scim_error *x);
    /* One page of what q selects (*page a new array) and the number of all matches. */
    int (*query)(scim_call *c, const scim_query *q, json_t **page, int64_t *total, scim_error *x);
} scim_kind_ops;

/* Answers a request of the resource type: its collection (id NULL), one resource, or .search
 * (search 1). */
void scim_resource_route(scim_call *c, const scim_kind_ops *ops, const char *id, int search);

/* /Users (id NULL), /Users/{id}, /Users/.search (search 1). */
void scim_users_route(scim_call *c, const char *id, int search);
/* /Groups, /Groups/{id}, /Groups/.search. */
void scim_groups_route(scim_call *c, const char *id, int search);

/* One page of the instance's groups as q asks (the whole RFC 7644 §3.4.2 list: filter, sortBy,
 * startIndex/count): *page (new array) and *total, or -1 with *x. */
int scim_group_query(scim_call *c, const scim_query *q, json_t **page, int64_t *total, scim_error *x);

/* POST /.search at the root (RFC 7644 §3.4.3): users, then groups. */
void scim_root_search(scim_call *c);

/* Cuts *doc (replaced, reference kept by the call) down to the attributes / excludedAttributes
 * given, or, when both are NULL, the request's query parameters. Returns 0, or -1 with *x
 * (400 invalidValue) and *doc untouched. */
int scim_call_shape(scim_call *c, scim_resource_kind kind, json_t **doc, const char *attributes,
                    const char *excluded, scim_error *x);
/* The same for each resource of the array list (changed in place). */
int scim_call_shape_list(scim_call *c, scim_resource_kind kind, json_t *list, const char *attributes,
                         const char *excluded, scim_error *x);

/* current with the PATCH request body applied (RFC 7644 §3.5.2) under kind's mutability: a new
 * reference, or NULL with *x. */
json_t *scim_call_patch(scim_call *c, scim_resource_kind kind, const json_t *current, const json_t *body,
                        scim_error *x);

/* A list's parameters from the query string (filter, sortBy, sortOrder, startIndex, count).
 * *q is the caller's to clear (also after a failure). */
int scim_read_query(scim_call *c, scim_query *q, scim_error *x);
/* A POST …/.search body (RFC 7644 §3.4.3): the query, and its attributes and excludedAttributes
 * lists joined by commas into *attributes / *excluded (malloc'd, NULL when absent; the caller
 * frees them and clears *q, also after a failure). */
int scim_read_search(scim_call *c, scim_query *q, char **attributes, char **excluded, scim_error *x);

/* 405 naming the methods allowed. */
void scim_call_method_not_allowed(scim_call *c, const char *allowed);

#endif
