/* doors.c — the table of doors and the one function that picks a request's door by its path. */
#include "http/doors.h"

#include <string.h>

/* Constant once the server runs; only the upload limit is set, at start-up. */
static http_door doors[] = {
    [DOOR_CONNECT] = {DOOR_CONNECT, "Amazon Connect API", DOOR_AUTH_SIGV4, REQUEST_BODY_LIMIT, 0},
    [DOOR_ROSTER] = {DOOR_ROSTER, "roster API", DOOR_AUTH_SIGV4_OR_SESSION, REQUEST_BODY_LIMIT, 0},
    [DOOR_ROSTER_UPLOAD] = {DOOR_ROSTER_UPLOAD, "roster API (uploads)", DOOR_AUTH_SIGV4_OR_SESSION, UPLOAD_BODY_LIMIT, 1},
    [DOOR_SCIM] = {DOOR_SCIM, "SCIM 2.0", DOOR_AUTH_BEARER, REQUEST_BODY_LIMIT, 0},
    [DOOR_CONSOLE] = {DOOR_CONSOLE, "console", DOOR_AUTH_SESSION, 64 * 1024, 0},
    [DOOR_HEALTH] = {DOOR_HEALTH, "health", DOOR_AUTH_NONE, 0, 0},
};

/* 1 when path is prefix itself or continues it with '/' (so "/scim/v2x" is not SCIM's). */
static int under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* 1 when path is exactly /roster/v1/instances/{one non-empty segment}/imports. */
static int import_path(const char *path)
{
    static const char head[] = "/roster/v1/instances/";
    if (strncmp(path, head, sizeof head - 1) != 0)
        return 0;
    const char *seg = path + sizeof head - 1;
    const char *slash = strchr(seg, '/');
    return slash && slash > seg && strcmp(slash, "/imports") == 0;
}

int http_doors_set_upload_limit(size_t bytes)
{
    if (bytes == 0 || bytes > UPLOAD_BODY_LIMIT_MAX)
        return -1;
    doors[DOOR_ROSTER_UPLOAD].body_limit = bytes;
    return 0;
}

const http_door *http_door_for(const char *raw_path)
{
    const char *p = raw_path ? raw_path : "";
    if (strcmp(p, "/healthz") == 0)
        return &doors[DOOR_HEALTH];
    if (import_path(p))
        return &doors[DOOR_ROSTER_UPLOAD];
    if (under(p, "/roster/v1"))
        return &doors[DOOR_ROSTER];
    if (under(p, "/scim/v2"))
        return &doors[DOOR_SCIM];
    if (strcmp(p, "/") == 0 || under(p, "/static"))
        return &doors[DOOR_CONSOLE];
    return &doors[DOOR_CONNECT];
}
