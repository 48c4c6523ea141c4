/* defaults.h — the resources every new instance starts with, as Amazon Connect's do. */
#ifndef ROSTER_CORE_DEFAULTS_H
#define ROSTER_CORE_DEFAULTS_H

#include "core/context.h"
#include "core/error.h"
#include "core/instances.h"

/* Inside the caller's write transaction, creates "Basic Hours", "BasicQueue",
 * "Basic Routing Profile" and the security profiles Admin, Agent, CallCenterManager and
 * QualityAnalyst for instance_id. Returns 0 and fills *out, or -1 with *e set. */
int defaults_create(core_ctx *cx, const char *instance_id, instance_defaults *out, rerr *e);

#endif
