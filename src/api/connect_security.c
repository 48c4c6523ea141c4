/* connect_security.c — the rest-json shapes of security profiles. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/paging.h"
#include "api/search_json.h"
#include "core/resources.h"
#include "core/security_profiles.h"

static int list_security_profiles(api_call *c)
{
    return api_list_kind(c, RES_SECURITY_PROFILE, 0, "SecurityProfileSummaryList");
}

/* The shape shared by DescribeSecurityProfile (full) and SearchSecurityProfiles (summary). */
static json_t *profile_json(api_call *c, const security_profile *p, int full)
{
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_SECURITY_PROFILE, p->id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Id", p->id, "OrganizationResourceId", c->inst.id, "Arn", arn,
                          "SecurityProfileName", p->name, "Description", p->description ? p->description : "");
    free(arn);
    api_tags(c, o, "Tags", p->id);
    if (!full)
        return o;
    json_object_set_new(o, "AllowedAccessControlTags", jmap(&p->allowed_tags));
    json_object_set_new(o, "TagRestrictedResources", jstrlist(&p->tag_restricted));
    json_object_set_new(o, "HierarchyRestrictedResources", jstrlist(&p->hierarchy_restricted));
    jset_str(o, "AllowedAccessControlHierarchyGroupId", p->allowed_group_id, 1);
    api_modified(c, o, p->modified_ms);
    return o;
}

static int describe_security_profile(api_call *c)
{
    security_profile p;
    if (resources_security_profile(&c->cx, c->inst.id, c->labels[1], &p, &c->err))
        return -1;
    c->out = json_pack("{s:o}", "SecurityProfile", profile_json(c, &p, 1));
    security_profile_clear(&p);
    return 0;
}

/* The body members of CreateSecurityProfile / UpdateSecurityProfile: struct change_body in
 * api/connect_readers.h. */

void change_clear(change_body *b)
{
    strlist_clear(&b->perms);
    strlist_clear(&b->tag_restricted);
    strlist_clear(&b->hierarchy_restricted);
    kvlist_clear(&b->allowed_tags);
    kvlist_clear(&b->tags);
}

int read_change(api_call *c, change_body *b, int create)
{
    int has_perms, has_tr, has_hr, has_at, has_tags = 0;
    memset(b, 0, sizeof *b);
    if ((create && jget_str(&c->err, c->in, "SecurityProfileName", 1, &b->ch.name)) ||
        jget_str(&c->err, c->in, "Description", 0, &b->ch.description) ||
        jget_strlist(&c->err, c->in, "Permissions", &b->perms, &has_perms) ||
        jget_strlist(&c->err, c->in, "TagRestrictedResources", &b->tag_restricted, &has_tr) ||
        jget_strlist(&c->err, c->in, "HierarchyRestrictedResources", &b->hierarchy_restricted, &has_hr) ||
        jget_map(&c->err, c->in, "AllowedAccessControlTags", &b->allowed_tags, &has_at) ||
        jget_str(&c->err, c->in, "AllowedAccessControlHierarchyGroupId", 0, &b->ch.allowed_group_id) ||
        (create && jget_map(&c->err, c->in, "Tags", &b->tags, &has_tags)) ||
        jrefuse(&c->err, c->in, "Applications", "roster has no third-party applications") ||
        jrefuse(&c->err, c->in, "AllowedFlowModules", "roster has no flow modules") ||
        jrefuse(&c->err, c->in, "GranularAccessControlConfiguration", "roster has no data tables"))
        return -1;
    b->ch.permissions = has_perms ? &b->perms : NULL;
    b->ch.tag_restricted = has_tr ? &b->tag_restricted : NULL;
    b->ch.hierarchy_restricted = has_hr ? &b->hierarchy_restricted : NULL;
    b->ch.allowed_tags = has_at ? &b->allowed_tags : NULL;
    b->ch.tags = has_tags ? &b->tags : NULL;
    return 0;
}

static int create_security_profile(api_call *c)
{
    change_body b;
    char id[ID_LEN];
    int rc = read_change(c, &b, 1) || security_profiles_create(&c->cx, c->inst.id, &b.ch, id, &c->err) ? -1 : 0;
    change_clear(&b);
    if (rc)
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_SECURITY_PROFILE, id);
    c->out = json_pack("{s:s, s:s}", "SecurityProfileId", id, "SecurityProfileArn", arn);
    free(arn);
    return 0;
}

static int update_security_profile(api_call *c)
{
    change_body b;
    int rc = read_change(c, &b, 0) || security_profiles_update(&c->cx, c->inst.id, c->labels[1], &b.ch, &c->err)
                 ? -1
                 : 0;
    change_clear(&b);
    return rc;
}

static int delete_security_profile(api_call *c)
{
    return security_profiles_delete(&c->cx, c->inst.id, c->labels[1], &c->err);
}

static int search_security_profiles(api_call *c)
{
    size_t limit;
    const char *token;
    search_node root = {.kind = SEARCH_AND};
    json_t *filter = json_object_get(c->in, "SearchFilter");
    if (api_search_limit(c, 100, &limit) || jget_str(&c->err, c->in, "NextToken", 0, &token) ||
        search_json_criteria(&c->err, json_object_get(c->in, "SearchCriteria"), &root) ||
        search_json_tag_filter(&c->err, json_is_object(filter) ? json_object_get(filter, "TagFilter") : NULL,
                               &root)) {
        search_clear(&root);
        return -1;
    }
    security_profile *found;
    size_t n;
    char *next;
    int64_t total;
    int rc = security_profiles_search(&c->cx, c->inst.id, &root, token, limit, &found, &n, &next, &total, &c->err);
    search_clear(&root);
    if (rc)
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, profile_json(c, &found[i], 0));
        security_profile_clear(&found[i]);
    }
    free(found);
    c->out = json_pack("{s:o, s:I}", "SecurityProfiles", arr, "ApproximateTotalCount", (json_int_t)total);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
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
    {"CreateSecurityProfile", "PUT", "/security-profiles/{InstanceId}", CORE_SECURITY_PROFILES_CREATE, 0,
     create_security_profile},
    {"UpdateSecurityProfile", "POST", "/security-profiles/{InstanceId}/{SecurityProfileId}",
     CORE_SECURITY_PROFILES_UPDATE, 0, update_security_profile},
    {"DeleteSecurityProfile", "DELETE", "/security-profiles/{InstanceId}/{SecurityProfileId}",
     CORE_SECURITY_PROFILES_DELETE, 0, delete_security_profile},
    {"SearchSecurityProfiles", "POST", "/search-security-profiles", CORE_SECURITY_PROFILES_SEARCH, OP_BODY_INSTANCE,
     search_security_profiles},
    {"ListSecurityProfiles", "GET", "/security-profiles-summary/{InstanceId}", CORE_SECURITY_PROFILES_LIST, 0,
     list_security_profiles},
    {"DescribeSecurityProfile", "GET", "/security-profiles/{InstanceId}/{SecurityProfileId}",
     CORE_SECURITY_PROFILES_DESCRIBE, 0, describe_security_profile},
    {"ListSecurityProfilePermissions", "GET", "/security-profiles-permissions/{InstanceId}/{SecurityProfileId}",
     CORE_SECURITY_PROFILES_PERMISSIONS, 0, list_security_profile_permissions},
};

const api_op *connect_security_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
