/* doors.h — roster's doors: which part of the URL space a request belongs to, how that part
 * authenticates and how large a body it takes. The server looks the door up as soon as the
 * headers are in, so that a body is measured against its own door's limit while it arrives (and
 * a streamed door's body goes to its handler in chunks); the dispatcher hands each door to its
 * adapter, and answers a door that has none yet before its body is read. Table in doors.c; see DESIGN.md, "Doors and principals". */
#ifndef ROSTER_HTTP_DOORS_H
#define ROSTER_HTTP_DOORS_H

#include <stddef.h>

/* The body limit of the JSON doors (the Connect API, /roster/v1, SCIM). */
#define REQUEST_BODY_LIMIT (1024 * 1024)

typedef enum http_door_id {
    DOOR_CONNECT,        /* the Amazon Connect API: every path no other door claims */
    DOOR_ROSTER,         /* /roster/v1/… */
    DOOR_ROSTER_UPLOAD,  /* /roster/v1/instances/{InstanceId}/imports: CSV uploads, streamed */
    DOOR_SCIM,           /* /scim/v2/… */
    DOOR_CONSOLE,        /* /, /static/… */
    DOOR_HEALTH,         /* /healthz */
} http_door_id;

typedef enum http_door_auth {
    DOOR_AUTH_NONE,
    DOOR_AUTH_SIGV4,             /* an access key */
    DOOR_AUTH_SIGV4_OR_SESSION,  /* an access key, or a console session cookie + CSRF token */
    DOOR_AUTH_BEARER,            /* a SCIM token of one instance */
    DOOR_AUTH_SESSION,           /* a console session cookie */
} http_door_auth;

typedef struct http_door {
    http_door_id id;
    const char *name;       /* for messages: "Amazon Connect API", "SCIM 2.0", … */
    http_door_auth auth;
    size_t body_limit;      /* bytes; a body past it is refused with 413 as it arrives */
    int streamed;           /* the body goes to a sink in chunks (request.h), never whole in memory */
} http_door;

/* The door of a raw path (before '?'; NULL or "" is the Connect door's). Never NULL; static. */
const http_door *http_door_for(const char *raw_path);

/* The default body limit of the upload door, and the range http_doors_set_upload_limit takes
 * (ROSTER_UPLOAD_MAX_BYTES). */
#define UPLOAD_BODY_LIMIT ((size_t)256 * 1024 * 1024)
#define UPLOAD_BODY_LIMIT_MAX ((size_t)64 * 1024 * 1024 * 1024)

/* Sets the upload door's body limit (1..UPLOAD_BODY_LIMIT_MAX bytes). Call before the server
 * starts: the door table is read without a lock. Returns 0, or -1 for a value out of range. */
int http_doors_set_upload_limit(size_t bytes);

#endif
