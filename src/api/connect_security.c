/* connect_security.c — the rest-json shapes of security profiles. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/jsonio.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/resources.h"

static int list_security_profiles(api_call *c)
{
    return api_list_kind(c, RES_SECURITY_PROFILE, 0, "SecurityProfileSummaryList");
}

static int describe_security_profile(api_call *c)
{
    security_profile p;
    if (resources_security_profile(&c->cx, c->inst.id, c->labels[1], &p, &c->err))
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_SECURITY_PROFILE, p.id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{}, s:[], s:[]}", "Id", p.id, "OrganizationResourceId",
                          c->inst.id, "Arn", arn, "SecurityProfileName", p.name, "Description",
                          p.description ? p.description : "", "AllowedAccessControlTags", "TagRestrictedResources",
                          "HierarchyRestrictedResources");
    api_tags(c, o, "Tags", p.id);
    api_modified(c, o, p.modified_ms);
    c->out = json_pack("{s:o}", "SecurityProfile", o);
    free(arn);
    security_profile_clear(&p);
    return 0;
}

static int list_security_profile_permissions(api_call *c)
{
    size_t limit;
    if (api_page_limit(c, 1000, &limit))
        return -1;
    strlist perms = {0};
    char *next = NULL;
    int64_t modified = 0;
    if (resources_security_profile_permissions(&c->cx, c->inst.id, c->labels[1], request_param(c->r, "nextToken"),
                                               limit, &perms, &next, &modified, &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < perms.n; i++)
        json_array_append_new(arr, json_string(perms.items[i]));
    strlist_clear(&perms);
    c->out = json_pack("{s:o}", "Permissions", arr);
    api_modified(c, c->out, modified);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

static const api_op ops[] = {
    {"ListSecurityProfiles", "GET", "/security-profiles-summary/{InstanceId}", "SecurityProfiles.View", 0,
     list_security_profiles},
    {"DescribeSecurityProfile", "GET", "/security-profiles/{InstanceId}/{SecurityProfileId}",
     "SecurityProfiles.View", 0, describe_security_profile},
    {"ListSecurityProfilePermissions", "GET", "/security-profiles-permissions/{InstanceId}/{SecurityProfileId}",
     "SecurityProfiles.View", 0, list_security_profile_permissions},
};

const api_op *connect_security_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
