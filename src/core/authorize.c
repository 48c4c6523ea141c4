/* authorize.c — the table of what each core action needs and core_allow (see authorize.h). */
#include "core/authorize.h"

#include <stdio.h>
#include <string.h>

#include "core/permissions.h"

/* clang-format off */
#define P(op, fns, perm) {op, fns, NEED_PERMISSION, perm}
#define A(op, fns) {op, fns, NEED_ACCOUNT, NULL}
#define I(op, fns) {op, fns, NEED_INSTANCE, NULL}
#define T(op, fns) {op, fns, NEED_BY_INPUT, NULL}
#define S(op, fns, perm) {op, fns, NEED_PERMISSION_OR_SELF, perm}
#define SCIM(op, fns, perm) {op, fns, NEED_SCIM_PERMISSION, perm}
/* clang-format on */

static const core_rule rules[CORE_ACTION__COUNT] = {
    [CORE_INSTANCES_CREATE] = A("CreateInstance", "instances_create"),
    [CORE_INSTANCES_RESOLVE] = I("DescribeInstance", "instances_resolve"),
    [CORE_INSTANCES_LIST] = I("ListInstances", "instances_list"),
    [CORE_INSTANCES_DELETE] = A("DeleteInstance", "instances_delete"),
    [CORE_DEFAULTS_CREATE] = A("CreateInstance", "defaults_create"),
    [CORE_KEYS_CREATE] = A("CreateAccessKey", "keys_create"),
    [CORE_KEYS_REVOKE] = A("RevokeAccessKey", "keys_revoke"),
    [CORE_SCIM_TOKENS_MANAGE] = A("ManageScimTokens", "scim_token_create scim_token_list scim_token_revoke"),
    [CORE_SCIM_SETTINGS] = A("ManageScimSettings", "scim_settings_instance scim_settings_get scim_settings_put scim_mappings_add "
                                                   "scim_mappings_list scim_mappings_remove"),
    [CORE_SCIM_GROUPS_CHANGE] =
        SCIM("ChangeScimGroups", "scim_groups_create scim_groups_replace scim_groups_delete", "Users.Edit"),
    [CORE_SCIM_GROUPS_READ] =
        P("ReadScimGroups", "scim_groups_each", "Users.View"),

    [CORE_USERS_CREATE] = P("CreateUser", "users_create users_create_tx users_create_basic scim_users_create", "Users.Create"),
    [CORE_USERS_DESCRIBE] = P("DescribeUser", "users_get", "Users.View"),
    [CORE_USERS_LIST] = P("ListUsers", "users_list scim_users_each scim_users_count", "Users.View"),
    [CORE_USERS_UPDATE] = P("UpdateUser", "users_update users_update_tx scim_users_replace", "Users.Edit"),
    [CORE_USERS_UPDATE_SECURITY_PROFILES] =
        P("UpdateUserSecurityProfiles", "users_update users_update_tx", "Users.EditPermission"),
    [CORE_USERS_DELETE] = P("DeleteUser", "users_delete users_delete_tx scim_users_delete", "Users.Delete"),
    [CORE_USERS_SEARCH] = P("SearchUsers", "user_search user_search_keys_get", "Users.View"),
    [CORE_USERS_CHANGE_OWN_PASSWORD] = I("ChangeOwnPassword", "users_update(own_password)"),
    [CORE_USERS_CONSOLE_LIST] = P("ListConsoleUsers", "user_list_get user_list_ids", "Users.View"),
    [CORE_IMPORT_CREATE] = P("ImportUsers", "import_upload_begin", "Users.Create"),
    [CORE_IMPORT_UPSERT] = P("ImportUsers", "import_upload_begin", "Users.Edit"),
    [CORE_BULK_EDIT] = P("BulkEditUsers", "bulk_submit_edit bulk_submit_user_edits", "Users.Edit"),
    [CORE_BULK_DELETE] = P("BulkDeleteUsers", "bulk_submit_delete", "Users.Delete"),
    [CORE_JOBS_CANCEL] = T("CancelJob", "jobs_cancel"),
    [CORE_JOBS_RETRY] = T("RetryJob", "jobs_retry"),
    [CORE_JOBS_VIEW] = P("DescribeJob", "jobs_get jobs_list jobs_banner jobs_items jobs_report_open jobs_template", "Users.View"),
    [CORE_USERS_EXPORT] = P("ExportUsers", "export_open", "Users.View"),
    [CORE_CATALOG_READ] = I("ReadNames", "catalog_load console_profiles_load console_role_profiles_get"),
    [CORE_USERS_FIND] = I("FindUser", "users_find"),
    [CORE_USERS_CONSOLE_DESCRIBE] = S("DescribeUser", "users_get_console", "Users.View"),
    [CORE_USERS_CONSOLE_HISTORY] = P("DescribeUserHistory", "users_history", "Users.View"),
    [CORE_ROLE_PROFILES_UPDATE] = P("UpdateRoleProfiles", "console_role_profiles_set", "SecurityProfiles.Edit"),
    [CORE_JOBS_DISMISS] = T("DismissJob", "jobs_dismiss"),

    [CORE_SECURITY_PROFILES_CREATE] = P("CreateSecurityProfile", "security_profiles_create", "SecurityProfiles.Create"),
    [CORE_SECURITY_PROFILES_UPDATE] = P("UpdateSecurityProfile", "security_profiles_update", "SecurityProfiles.Edit"),
    [CORE_SECURITY_PROFILES_DELETE] = P("DeleteSecurityProfile", "security_profiles_delete", "SecurityProfiles.Delete"),
    [CORE_SECURITY_PROFILES_LIST] =
        P("ListSecurityProfiles", "resources_list(RES_SECURITY_PROFILE)", "SecurityProfiles.View"),
    [CORE_SECURITY_PROFILES_DESCRIBE] =
        P("DescribeSecurityProfile", "resources_security_profile", "SecurityProfiles.View"),
    [CORE_SECURITY_PROFILES_PERMISSIONS] =
        P("ListSecurityProfilePermissions", "resources_security_profile_permissions", "SecurityProfiles.View"),
    [CORE_SECURITY_PROFILES_SEARCH] = P("SearchSecurityProfiles", "security_profiles_search", "SecurityProfiles.View"),

    [CORE_ROUTING_PROFILES_CREATE] = P("CreateRoutingProfile", "routing_profiles_create", "RoutingPolicies.Create"),
    [CORE_ROUTING_PROFILES_UPDATE_NAME] =
        P("UpdateRoutingProfileName", "routing_profiles_update_name", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_UPDATE_OUTBOUND_QUEUE] =
        P("UpdateRoutingProfileDefaultOutboundQueue", "routing_profiles_update_outbound_queue", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_UPDATE_CONCURRENCY] =
        P("UpdateRoutingProfileConcurrency", "routing_profiles_update_concurrency", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_UPDATE_QUEUES] =
        P("UpdateRoutingProfileQueues", "routing_profiles_update_queues", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_ASSOCIATE] =
        P("AssociateRoutingProfileQueues", "routing_profiles_associate", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_DISASSOCIATE] =
        P("DisassociateRoutingProfileQueues", "routing_profiles_disassociate", "RoutingPolicies.Edit"),
    [CORE_ROUTING_PROFILES_DELETE] = P("DeleteRoutingProfile", "routing_profiles_delete", "RoutingPolicies.Delete"),
    [CORE_ROUTING_PROFILES_LIST] =
        P("ListRoutingProfiles", "resources_list(RES_ROUTING_PROFILE)", "RoutingPolicies.View"),
    [CORE_ROUTING_PROFILES_DESCRIBE] =
        P("DescribeRoutingProfile", "resources_routing_profile routing_profile_by_name routing_profiles_default",
          "RoutingPolicies.View"),
    [CORE_ROUTING_PROFILES_LIST_QUEUES] =
        P("ListRoutingProfileQueues", "routing_profiles_list_queues", "RoutingPolicies.View"),
    [CORE_ROUTING_PROFILES_SEARCH] = P("SearchRoutingProfiles", "routing_profiles_search", "RoutingPolicies.View"),

    [CORE_QUEUES_CREATE] = P("CreateQueue", "queues_create", "Queues.Create"),
    [CORE_QUEUES_LIST] = P("ListQueues", "resources_list(RES_QUEUE)", "Queues.View"),
    [CORE_QUEUES_DESCRIBE] = P("DescribeQueue", "resources_queue", "Queues.View"),
    [CORE_HOURS_CREATE] = P("CreateHoursOfOperation", "queues_create_hours", "HoursOfOperation.Create"),
    [CORE_HOURS_LIST] = P("ListHoursOfOperations", "resources_list(RES_HOURS)", "HoursOfOperation.View"),
    [CORE_HOURS_DESCRIBE] = P("DescribeHoursOfOperation", "resources_hours", "HoursOfOperation.View"),

    [CORE_HIERARCHY_STRUCTURE_DESCRIBE] =
        P("DescribeUserHierarchyStructure", "hierarchy_structure_get", "AgentGrouping.View"),
    [CORE_HIERARCHY_STRUCTURE_UPDATE] =
        P("UpdateUserHierarchyStructure", "hierarchy_structure_update", "AgentGrouping.Edit"),
    [CORE_HIERARCHY_GROUPS_CREATE] = P("CreateUserHierarchyGroup", "hierarchy_group_create", "AgentGrouping.Create"),
    [CORE_HIERARCHY_GROUPS_DESCRIBE] =
        P("DescribeUserHierarchyGroup", "hierarchy_group_get hierarchy_group_describe hierarchy_group_by_path",
          "AgentGrouping.View"),
    [CORE_HIERARCHY_GROUPS_LIST] = P("ListUserHierarchyGroups", "hierarchy_group_list", "AgentGrouping.View"),
    [CORE_HIERARCHY_GROUPS_SEARCH] = P("SearchUserHierarchyGroups", "hierarchy_group_search", "AgentGrouping.View"),
    [CORE_HIERARCHY_GROUPS_RENAME] = P("UpdateUserHierarchyGroupName", "hierarchy_group_rename", "AgentGrouping.Edit"),
    [CORE_HIERARCHY_GROUPS_DELETE] = P("DeleteUserHierarchyGroup", "hierarchy_group_delete", "AgentGrouping.Delete"),

    [CORE_TAGS_ADD] = T("TagResource", "tags_add"),
    [CORE_TAGS_REMOVE] = T("UntagResource", "tags_remove"),
    [CORE_TAGS_LIST] = T("ListTagsForResource", "tags_list"),
};

const core_rule *core_rule_of(core_action a)
{
    if ((int)a < 0 || a >= CORE_ACTION__COUNT || !rules[a].operation)
        return NULL;
    return &rules[a];
}

/* "User NAME (key ID)" or "Key ID", naming who acts, into buf. */
static const char *describe(const principal *who, char *buf, size_t cap)
{
    if (who->username)
        snprintf(buf, cap, "User %s (key %s)", who->username, who->key_id[0] ? who->key_id : "?");
    else
        snprintf(buf, cap, "Key %s", who->key_id[0] ? who->key_id : "?");
    return buf;
}

/* Steps 1 and 2 of authorize.h. */
static int check_principal(const principal *who, const char *op, const char *instance_id, rerr *e)
{
    char name[160];
    switch (who->kind) {
    case PRINCIPAL_CLI:
    case PRINCIPAL_ACCOUNT_KEY: return 0;
    case PRINCIPAL_USER_KEY:
    case PRINCIPAL_CONSOLE_SESSION:
    case PRINCIPAL_SCIM_TOKEN:
    case PRINCIPAL_JOB: break;
    default: return rerr_set(e, ERR_ACCESS_DENIED, NULL, "%s needs an authenticated principal", op);
    }
    if (!who->instance_id[0])
        return rerr_set(e, ERR_ACCESS_DENIED, "InstanceId",
                        "%s is not authorized to perform %s: it is confined to no instance",
                        describe(who, name, sizeof name), op);
    if (instance_id && strcmp(instance_id, who->instance_id) != 0)
        return rerr_set(e, ERR_ACCESS_DENIED, "InstanceId",
                        "%s is not authorized to perform %s on instance %.300s: its access key belongs to another "
                        "instance (%s) and cannot reach this one",
                        describe(who, name, sizeof name), op, instance_id, who->instance_id);
    return 0;
}

int core_allow_op(core_ctx *cx, core_action a, const char *instance_id, const char *op_name, rerr *e)
{
    const core_rule *r = core_rule_of(a);
    if (!r)
        return rerr_set(e, ERR_INTERNAL, NULL, "internal error: action %d has no rule", (int)a);
    const principal *who = cx->who ? cx->who : principal_cli();
    const char *op = op_name ? op_name : r->operation;
    if (check_principal(who, op, instance_id, e))
        return -1;
    char name[160];
    switch (r->need) {
    case NEED_INSTANCE:
    case NEED_BY_INPUT: return 0;
    case NEED_ACCOUNT:
        if (principal_is_account(who))
            return 0;
        return rerr_set(e, ERR_ACCESS_DENIED, NULL,
                        "%s needs an account access key; key %s acts as user %s of one instance", op,
                        who->key_id[0] ? who->key_id : "?", who->username ? who->username : "?");
    case NEED_SCIM_PERMISSION:
        if (principal_is_account(who) || (who->kind == PRINCIPAL_SCIM_TOKEN && principal_has(who, r->permission)))
            return 0;
        return rerr_set(e, ERR_ACCESS_DENIED, NULL,
                        "%s is not authorized to perform %s: only the identity provider's SCIM token (with the "
                        "permission %s) or an account access key may",
                        describe(who, name, sizeof name), op, r->permission);
    case NEED_PERMISSION_OR_SELF:
        if (who->user_id[0]) /* core_allow_user decides with the user */
            return 0;
        /* fall through */
    case NEED_PERMISSION:
        if (principal_has(who, r->permission))
            return 0;
        return rerr_set(e, ERR_ACCESS_DENIED, NULL,
                        "%s is not authorized to perform %s: it needs the permission %s, which none of its "
                        "security profiles grants",
                        describe(who, name, sizeof name), op, r->permission);
    }
    return rerr_set(e, ERR_INTERNAL, NULL, "internal error: action %d has no need", (int)a);
}

int core_allow(core_ctx *cx, core_action a, const char *instance_id, rerr *e)
{
    return core_allow_op(cx, a, instance_id, NULL, e);
}

int core_allow_user(core_ctx *cx, core_action a, const char *instance_id, const char *user_id, rerr *e)
{
    const core_rule *r = core_rule_of(a);
    const principal *who = cx->who ? cx->who : principal_cli();
    if (r && r->need == NEED_PERMISSION_OR_SELF) {
        if (check_principal(who, r->operation, instance_id, e))
            return -1;
        if (principal_has(who, r->permission) || (who->user_id[0] && user_id && strcmp(who->user_id, user_id) == 0))
            return 0;
        char name[160];
        return rerr_set(e, ERR_ACCESS_DENIED, NULL,
                        "%s is not authorized to perform %s on another user: it needs the permission %s, which "
                        "none of its security profiles grants",
                        describe(who, name, sizeof name), r->operation, r->permission);
    }
    return core_allow(cx, a, instance_id, e);
}

int core_allow_permission(core_ctx *cx, core_action a, const char *perm, const char *why, const char *field, rerr *e)
{
    const core_rule *r = core_rule_of(a);
    const principal *who = cx->who ? cx->who : principal_cli();
    if (!r)
        return rerr_set(e, ERR_INTERNAL, NULL, "internal error: action %d has no rule", (int)a);
    if (principal_has(who, perm))
        return 0;
    if (perm && strcmp(perm, PERM_ACCOUNT) == 0)
        return rerr_set(e, ERR_ACCESS_DENIED, field,
                        "%s needs an account access key: %s; key %s acts as user %s of one instance", r->operation, why,
                        who->key_id[0] ? who->key_id : "?", who->username ? who->username : "?");
    char name[160];
    return rerr_set(e, ERR_ACCESS_DENIED, field, "%s is not authorized to perform %s: %s needs the permission %s",
                    describe(who, name, sizeof name), r->operation, why, perm ? perm : "?");
}
