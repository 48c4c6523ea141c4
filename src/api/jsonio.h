/* jsonio.h — reading request members and writing response members for the rest-json doors.
 *
 * Getters follow the AWS client rules: a member that is null counts as absent; a member of
 * the wrong JSON type is an ERR_INVALID_PARAMETER naming it. Each returns 0 or -1 with *e set.
 * Strings returned point into the JSON document and live as long as it does.
 */
#ifndef ROSTER_API_JSONIO_H
#define ROSTER_API_JSONIO_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "model/model.h"
#include "http/request.h"

int jget_str(rerr *e, json_t *obj, const char *field, int required, const char **out);
int jget_bool(rerr *e, json_t *obj, const char *field, int required, int *out, int *present);
int jget_int(rerr *e, json_t *obj, const char *field, int required, int64_t *out, int *present);
/* The longest list a request may hold: the model's longest (a security profile's Permissions);
 * each list's own rule (SecurityProfileIds 1..10, …) is core's. */
#define JSON_LIST_MAX 500

/* A map of string to string (tags): at most TAGS_MAX entries, refused before anything is read.
 * *present tells whether the member was given. */
int jget_map(rerr *e, json_t *obj, const char *field, kvlist *out, int *present);

/* A list of strings, at most JSON_LIST_MAX. *present tells whether the member was given. */
int jget_strlist(rerr *e, json_t *obj, const char *field, strlist *out, int *present);

/* Refuses member field when present (a feature roster does not serve): ERR_INVALID_REQUEST. */
int jrefuse(rerr *e, json_t *obj, const char *field, const char *why);

/* A JSON array of the strings in l (new reference). */
json_t *jstrlist(const strlist *l);

/* A query parameter as a whole number; absent leaves *present 0. */
int qget_int(rerr *e, const request *r, const char *key, int64_t *out, int *present);

/* Timestamps: epoch seconds as a JSON number with millisecond precision. New reference. */
json_t *jtime(int64_t ms);
/* A JSON object of a kvlist (new reference). */
json_t *jmap(const kvlist *m);
/* Sets key to a string when s is non-NULL (and non-empty if skip_empty). */
void jset_str(json_t *obj, const char *key, const char *s, int skip_empty);

/* Serialises a response document (compact, timestamps exact to the millisecond). Caller frees. */
char *jdump(const json_t *doc, size_t *len);

/* The deepest nesting of arrays/objects a request body may have (the dispatcher refuses more). */
#define JSON_DEPTH_LIMIT 32

/* Depth of nested arrays/objects in v (a scalar is 0). */
int jdepth(const json_t *v, int limit);

#endif
