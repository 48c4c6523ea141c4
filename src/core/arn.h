/* arn.h — Amazon Resource Names of roster's resources (reference §3). */
#ifndef ROSTER_CORE_ARN_H
#define ROSTER_CORE_ARN_H

#include "core/context.h"

/* Resource kinds as they appear in ARNs under an instance. */
#define ARN_USER "agent"
#define ARN_ROUTING_PROFILE "routing-profile"
#define ARN_SECURITY_PROFILE "security-profile"
#define ARN_HIERARCHY_GROUP "agent-group"
#define ARN_HIERARCHY_LEVEL "agent-group-level"
#define ARN_QUEUE "queue"
#define ARN_AGENT_QUEUE "queue/agent"
#define ARN_HOURS "operating-hours"

/* Each returns a malloc'd string; caller frees. */
char *arn_instance(const settings *cfg, const char *instance_id);
char *arn_resource(const settings *cfg, const char *instance_id, const char *kind, const char *id);

/* Parses an ARN of this deployment. On success returns 0 and fills instance_id and, for a
 * resource under an instance, kind ("" for the instance itself) and id. Returns -1 if s is
 * not an ARN of this partition/region/account, or of a known shape. */
int arn_parse(const settings *cfg, const char *s, char instance_id[ID_LEN], char kind[32], char id[ID_LEN]);

#endif
