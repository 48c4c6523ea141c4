/* json_members.h — reading members of nested request objects (list items, sub-structures) with
 * their full path in messages, e.g. "QueueConfigs[2].Priority must be a whole number"; and the
 * readers of the user documents that both the Connect API (UpdateUserIdentityInfo,
 * UpdateUserPhoneConfig, CreateUser) and the jobs (per-user edits) read, so that a document is
 * read by one parser whichever layer reads it. Below the api layer: no request, no store.
 *
 * path names the object holding the member ("" or NULL for the top level). The rules are
 * those of jsonio.h: null counts as absent, a wrong JSON type is ERR_INVALID_PARAMETER. Each
 * returns 0, or -1 with *e set. Strings and objects returned point into the document.
 */
#ifndef ROSTER_CORE_JSON_MEMBERS_H
#define ROSTER_CORE_JSON_MEMBERS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/user_rules.h"

int mj_str(rerr *e, json_t *obj, const char *path, const char *member, int required, const char **out);
int mj_int(rerr *e, json_t *obj, const char *path, const char *member, int required, int64_t *out);
/* A member that must be a JSON object; absent gives *out NULL. */
int mj_obj(rerr *e, json_t *obj, const char *path, const char *member, int required, json_t **out);
/* A member that must be a list; absent gives *out NULL. */
int mj_list(rerr *e, json_t *obj, const char *path, const char *member, int required, json_t **out);
/* Item i of list (named path) that must be an object. */
int mj_item_obj(rerr *e, json_t *list, const char *path, size_t i, json_t **out);

/* 1 if obj has member with a non-null value. */
int mj_present(json_t *obj, const char *member);
/* A boolean member; *has tells whether it was given (null counts as absent). */
int mj_bool(rerr *e, json_t *obj, const char *path, const char *member, int required, int *has, int *out);
/* Refuses a member of obj (named path in messages) that allowed (NULL-terminated) does not list. */
int mj_only(rerr *e, json_t *obj, const char *path, const char *const *allowed);

/* UserIdentityInfo (obj, may be NULL: nothing given) into *id, borrowing its strings. */
int read_identity(rerr *e, json_t *obj, user_identity_in *id);
/* The legacy UserPhoneConfig (obj) into *ph, borrowing its strings. */
int read_phone(rerr *e, json_t *obj, user_phone_in *ph);

#endif
