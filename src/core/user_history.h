/* user_history.h — one user's audit events for the console's History, newest first, each with
 * who acted and the fields it changed (the trail's field-level diff, audit_diff: the same one
 * `roster audit` prints). The trail holds no password, so no event shows one. */
#ifndef ROSTER_CORE_USER_HISTORY_H
#define ROSTER_CORE_USER_HISTORY_H

#include <jansson.h>

#include "core/context.h"
#include "core/error.h"

typedef struct history_change {
    char *field;    /* dotted path, e.g. "IdentityInfo.Email" */
    json_t *before; /* owned references; JSON null: unset on that side */
    json_t *after;
} history_change;

typedef struct history_event {
    int64_t at_ms;
    char *operation;
    char *actor;    /* the acting user's name, else the access key id, else "cli" */
    history_change *changes;
    size_t n_changes;
} history_event;

typedef struct history_page {
    history_event *items;
    size_t n;
} history_page;
void history_page_clear(history_page *p);

/* A page of the events of user id of instance_id (a live user of it), newest first, at most limit,
 * after token (NULL or "": the newest). Needs Users.View (CORE_USERS_CONSOLE_HISTORY). *next is
 * a malloc'd token or NULL on the last page. Returns 0, or -1 with *e set (ERR_NOT_FOUND for the
 * user, ERR_INVALID_PARAMETER for a token, store errors); the caller clears *out either way. */
int users_history(core_ctx *cx, const char *instance_id, const char *id, const char *token, size_t limit,
                  history_page *out, char **next, rerr *e);

#endif
