/* doors.c — the table of doors and the one function that picks a request's door by its path. */
#include "http/doors.h"

#include <string.h>

#define MIB ((size_t)1024 * 1024)

static const http_door doors[] = {
    [DOOR_CONNECT] = {DOOR_CONNECT, "Amazon Connect API", DOOR_AUTH_SIGV4, REQUEST_BODY_LIMIT, 0},
    [DOOR_ROSTER] = {DOOR_ROSTER, "roster API", DOOR_AUTH_SIGV4_OR_SESSION, REQUEST_BODY_LIMIT, 0},
    [DOOR_ROSTER_UPLOAD] = {DOOR_ROSTER_UPLOAD, "roster API (uploads)", DOOR_AUTH_SIGV4_OR_SESSION, 256 * MIB, 1},
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

const http_door *http_door_for(const char *raw_path)
{
    const char *p = raw_path ? raw_path : "";
    if (strcmp(p, "/healthz") == 0)
        return &doors[DOOR_HEALTH];
    if (under(p, "/roster/v1/uploads"))
        return &doors[DOOR_ROSTER_UPLOAD];
    if (under(p, "/roster/v1"))
        return &doors[DOOR_ROSTER];
    if (under(p, "/scim/v2"))
        return &doors[DOOR_SCIM];
    if (strcmp(p, "/") == 0 || under(p, "/static"))
        return &doors[DOOR_CONSOLE];
    return &doors[DOOR_CONNECT];
}
