/* tags.h — tags on any resource, addressed by ARN: TagResource, UntagResource,
 * ListTagsForResource. The ARN names the instance and the kind of resource; the principal
 * needs that kind's Edit permission to change tags and its View permission to read them
 * (an instance's own tags: an account key to change them). A resource holds at most 50 tags.
 * Every function returns 0 or -1 with *e set. */
#ifndef ROSTER_CORE_TAGS_H
#define ROSTER_CORE_TAGS_H

#include "core/authorize.h"
#include "core/context.h"
#include "core/error.h"

#define TAGS_MAX 50

/* Checks, without the store, that the principal may take action a (CORE_TAGS_ADD, _REMOVE,
 * _LIST) on what arn names: the ARN's form, its instance boundary and the permission its kind of
 * resource needs. The functions below check it first; a door calls it before reading a body.
 * Returns 0 or -1 with *e set (ERR_ACCESS_DENIED, or the ARN's error). */
int tags_allowed(core_ctx *cx, core_action a, const char *arn, rerr *e);

/* Adds or replaces tags (1..50 entries) on the resource. Runs its own write transaction. */
int tags_add(core_ctx *cx, const char *arn, const kvlist *tags, rerr *e);
/* Removes the keys (1..50) from the resource; keys it does not have are ignored. */
int tags_remove(core_ctx *cx, const char *arn, const strlist *keys, rerr *e);
/* Fills *out (caller clears) with the resource's tags in key order. Runs in the caller's read. */
int tags_list(core_ctx *cx, const char *arn, kvlist *out, rerr *e);

#endif
