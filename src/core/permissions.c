/* permissions.c — the permission catalogue (listed in README.md) and built-in profiles. */
#include "core/permissions.h"

#include <string.h>

static const char *const catalogue[] = {
    "AgentGrouping.Create",
    "AgentGrouping.Delete",
    "AgentGrouping.Edit",
    "AgentGrouping.View",
    "BasicAgentAccess",
    "HoursOfOperation.Create",
    "HoursOfOperation.Delete",
    "HoursOfOperation.Edit",
    "HoursOfOperation.View",
    "OutboundCallAccess",
    "Queues.Create",
    "Queues.Delete",
    "Queues.Edit",
    "Queues.View",
    "RoutingPolicies.Create",
    "RoutingPolicies.Delete",
    "RoutingPolicies.Edit",
    "RoutingPolicies.View",
    "SecurityProfiles.Create",
    "SecurityProfiles.Delete",
    "SecurityProfiles.Edit",
    "SecurityProfiles.View",
    "Users.Create",
    "Users.Delete",
    "Users.Edit",
    "Users.EditPermission",
    "Users.View",
};

static const char *const agent[] = {"BasicAgentAccess", "OutboundCallAccess"};

static const char *const manager[] = {
    "AgentGrouping.Create", "AgentGrouping.Delete", "AgentGrouping.Edit", "AgentGrouping.View",
    "BasicAgentAccess", "HoursOfOperation.View", "OutboundCallAccess", "Queues.View",
    "RoutingPolicies.Create", "RoutingPolicies.Delete", "RoutingPolicies.Edit", "RoutingPolicies.View",
    "SecurityProfiles.View", "Users.Create", "Users.Delete", "Users.Edit", "Users.View",
};

static const char *const analyst[] = {
    "AgentGrouping.View", "BasicAgentAccess", "HoursOfOperation.View", "Queues.View",
    "RoutingPolicies.View", "Users.View",
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

const char *const *permissions_catalogue(size_t *n)
{
    *n = COUNT(catalogue);
    return catalogue;
}

int permission_is_known(const char *perm)
{
    for (size_t i = 0; i < COUNT(catalogue); i++)
        if (strcmp(catalogue[i], perm) == 0)
            return 1;
    return 0;
}

const char *const *permissions_builtin(const char *profile_name, size_t *n)
{
    if (strcmp(profile_name, "Admin") == 0) {
        *n = COUNT(catalogue);
        return catalogue;
    }
    if (strcmp(profile_name, "Agent") == 0) {
        *n = COUNT(agent);
        return agent;
    }
    if (strcmp(profile_name, "CallCenterManager") == 0) {
        *n = COUNT(manager);
        return manager;
    }
    if (strcmp(profile_name, "QualityAnalyst") == 0) {
        *n = COUNT(analyst);
        return analyst;
    }
    *n = 0;
    return NULL;
}

int principal_has(const principal *who, const char *perm)
{
    if (principal_is_account(who))
        return 1;
    if (who->kind == PRINCIPAL_NONE)
        return 0;
    if (!perm || strcmp(perm, PERM_ACCOUNT) == 0)
        return perm == NULL;
    return strlist_contains(&who->permissions, perm);
}

const char *permissions_role(const strlist *perms)
{
    if (perms && (strlist_contains(perms, "Users.Create") || strlist_contains(perms, "Users.Edit")))
        return "Manager";
    if (perms && strlist_contains(perms, "Users.View"))
        return "Supervisor";
    return "Agent";
}
