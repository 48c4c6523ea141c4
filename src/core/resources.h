/* resources.h — reading what users point at: security profiles, routing profiles, queues and
 * hours of operation. (Creating and editing them arrives with the resources issue.)
 *
 * Every function returns 0 on success or -1 with *e set (ERR_NOT_FOUND naming the missing
 * resource, ERR_INVALID_PARAMETER for a bad token, ERR_INTERNAL/ERR_UNAVAILABLE for the store).
 * Output records are the caller's to clear; *next is a malloc'd token or NULL.
 */
#ifndef ROSTER_CORE_RESOURCES_H
#define ROSTER_CORE_RESOURCES_H

#include "core/context.h"
#include "core/error.h"

typedef enum resource_kind {
    RES_SECURITY_PROFILE,
    RES_ROUTING_PROFILE,
    RES_QUEUE,
    RES_HOURS,
} resource_kind;

/* One page of summaries of a kind, ordered by (name, id). queue_types applies to RES_QUEUE
 * (bit 1 STANDARD, bit 2 AGENT, 0 both). */
int resources_list(core_ctx *cx, resource_kind kind, const char *instance_id, unsigned queue_types,
                   const char *token, size_t limit, summary_list *out, char **next, rerr *e);

int resources_security_profile(core_ctx *cx, const char *instance_id, const char *id, security_profile *out,
                               rerr *e);
int resources_security_profile_permissions(core_ctx *cx, const char *instance_id, const char *id,
                                           const char *token, size_t limit, strlist *out, char **next,
                                           int64_t *modified_ms, rerr *e);
int resources_routing_profile(core_ctx *cx, const char *instance_id, const char *id, routing_profile *out,
                              rerr *e);
int resources_queue(core_ctx *cx, const char *instance_id, const char *id, queue *out, rerr *e);
int resources_hours(core_ctx *cx, const char *instance_id, const char *id, hours *out, rerr *e);

#endif
