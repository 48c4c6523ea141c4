/* connect_hierarchy.c — the rest-json shapes of the agent hierarchy: its structure (levels
 * One..Five) and its groups. The rules are core/hierarchy.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "api/search_json.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/hierarchy.h"

/* ---- shapes ----------------------------------------------------------------------------------- */

/* HierarchyGroupSummary (new reference). */
static json_t *group_summary_json(api_call *c, const char *id, const char *name, int64_t modified_ms)
{
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_HIERARCHY_GROUP, id);
    json_t *o = json_pack("{s:s, s:s}", "Id", id, "Arn", arn);
    jset_str(o, "Name", name, 0);
    api_modified(c, o, modified_ms);
    free(arn);
    return o;
}

/* HierarchyGroup (new reference). */
static json_t *group_json(api_call *c, const hierarchy_group_view *v)
{
    json_t *o = group_summary_json(c, v->group.id, v->group.name, v->group.modified_ms);
    jset_str(o, "LevelId", v->level_id, 1);
    json_t *path = json_object();
    for (size_t i = 0; i < v->n_path; i++) {
        const hierarchy_group *g = &v->path[i];
        json_object_set_new(path, hierarchy_level_member((int)i + 1),
                            group_summary_json(c, g->id, g->name, g->modified_ms));
    }
    json_object_set_new(o, "HierarchyPath", path);
    if (v->tags.keys.n)
        json_object_set_new(o, "Tags", jmap(&v->tags));
    return o;
}

/* ---- the structure ------------------------------------------------------------------------------ */

static int describe_structure(api_call *c)
{
    hierarchy_structure s;
    if (hierarchy_structure_get(&c->cx, c->inst.id, &s, &c->err))
        return -1;
    json_t *levels = json_object();
    for (int i = 0; i < HIERARCHY_LEVELS; i++) {
        const hierarchy_level *l = &s.levels[i];
        if (!l->level)
            continue;
        char num[4];
        snprintf(num, sizeof num, "%d", l->level);
        char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_HIERARCHY_LEVEL, num);
        json_t *o = json_pack("{s:s, s:s, s:s}", "Id", l->id, "Arn", arn, "Name", l->name);
        api_modified(c, o, l->modified_ms);
        json_object_set_new(levels, hierarchy_level_member(l->level), o);
        free(arn);
    }
    hierarchy_structure_clear(&s);
    c->out = json_pack("{s:o}", "HierarchyStructure", levels);
    return 0;
}

/* Reads HierarchyStructure {LevelOne: {Name}, …} into names (NULL: level absent). */
int read_structure(api_call *c, const char *names[HIERARCHY_LEVELS])
{
    json_t *hs = json_object_get(c->in, "HierarchyStructure");
    if (!hs || json_is_null(hs))
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "HierarchyStructure", "HierarchyStructure is required");
    if (!json_is_object(hs))
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "HierarchyStructure",
                        "HierarchyStructure must be an object of LevelOne … LevelFive");
    const char *key;
    json_t *v;
    json_object_foreach(hs, key, v) {
        int level = 0;
        for (int i = 1; i <= HIERARCHY_LEVELS; i++)
            if (strcmp(key, hierarchy_level_member(i)) == 0)
                level = i;
        if (!level)
            return rerr_set(&c->err, ERR_INVALID_PARAMETER, "HierarchyStructure",
                            "HierarchyStructure has the unknown member '%.64s'; allowed: LevelOne, LevelTwo, "
                            "LevelThree, LevelFour, LevelFive",
                            key);
        if (json_is_null(v))
            continue;
        char field[64];
        snprintf(field, sizeof field, "HierarchyStructure.%s", key);
        if (!json_is_object(v))
            return rerr_set(&c->err, ERR_INVALID_PARAMETER, field, "%s must be an object with a Name", field);
        snprintf(field, sizeof field, "HierarchyStructure.%s.Name", key);
        json_t *name = json_object_get(v, "Name");
        if (!name || !json_is_string(name))
            return rerr_set(&c->err, ERR_INVALID_PARAMETER, field, "%s is required and must be a string", field);
        names[level - 1] = json_string_value(name);
    }
    return 0;
}

static int update_structure(api_call *c)
{
    const char *names[HIERARCHY_LEVELS] = {0};
    if (read_structure(c, names))
        return -1;
    return hierarchy_structure_update(&c->cx, c->inst.id, names, &c->err);
}

/* ---- groups ---------------------------------------------------------------------------------------- */

static int create_group(api_call *c)
{
    hierarchy_group_new in = {0};
    kvlist tags = {0};
    int has_tags = 0;
    char id[ID_LEN];
    if (jget_str(&c->err, c->in, "Name", 1, &in.name) ||
        jget_str(&c->err, c->in, "ParentGroupId", 0, &in.parent_id) ||
        jget_map(&c->err, c->in, "Tags", &tags, &has_tags)) {
        kvlist_clear(&tags);
        return -1;
    }
    in.tags = has_tags ? &tags : NULL;
    int rc = hierarchy_group_create(&c->cx, c->inst.id, &in, id, &c->err);
    kvlist_clear(&tags);
    if (rc)
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_HIERARCHY_GROUP, id);
    c->out = json_pack("{s:s, s:s}", "HierarchyGroupId", id, "HierarchyGroupArn", arn);
    free(arn);
    return 0;
}

static int describe_group(api_call *c)
{
    hierarchy_group_view v;
    if (hierarchy_group_describe(&c->cx, c->inst.id, c->labels[1], &v, &c->err))
        return -1;
    c->out = json_pack("{s:o}", "HierarchyGroup", group_json(c, &v));
    hierarchy_group_view_clear(&v);
    return 0;
}

static int list_groups(api_call *c)
{
    size_t limit;
    if (api_page_limit(c, 1000, &limit))
        return -1;
    summary_list l = {0};
    char *next = NULL;
    if (hierarchy_group_list(&c->cx, c->inst.id, request_param(c->r, "nextToken"), limit, &l, &next, &c->err)) {
        summary_list_clear(&l);
        return -1;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(arr, group_summary_json(c, l.items[i].id, l.items[i].name, l.items[i].modified_ms));
    summary_list_clear(&l);
    c->out = json_pack("{s:o}", "UserHierarchyGroupSummaryList", arr);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

static int rename_group(api_call *c)
{
    const char *name;
    if (jget_str(&c->err, c->in, "Name", 1, &name))
        return -1;
    return hierarchy_group_rename(&c->cx, c->inst.id, c->labels[1], name, &c->err);
}

static int delete_group(api_call *c)
{
    return hierarchy_group_delete(&c->cx, c->inst.id, c->labels[1], &c->err);
}

/* Builds the search tree of SearchCriteria and SearchFilter.AttributeFilter under root. */
int read_search(api_call *c, search_node *root)
{
    json_t *filter = json_object_get(c->in, "SearchFilter");
    if (filter && !json_is_null(filter) && !json_is_object(filter))
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "SearchFilter", "SearchFilter must be an object");
    json_t *attr = filter ? json_object_get(filter, "AttributeFilter") : NULL;
    return search_json_criteria(&c->err, json_object_get(c->in, "SearchCriteria"), root) ||
                   search_json_attribute_filter(&c->err, attr, "SearchFilter.AttributeFilter", root)
               ? -1
               : 0;
}

static int search_groups(api_call *c)
{
    size_t limit;
    const char *token;
    if (api_search_limit(c, 100, &limit) || jget_str(&c->err, c->in, "NextToken", 0, &token))
        return -1;
    search_node root = {.kind = SEARCH_AND};
    hierarchy_group_view *views = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total = 0;
    int rc = read_search(c, &root) ||
             hierarchy_group_search(&c->cx, c->inst.id, &root, token, limit, &views, &n, &next, &total, &c->err);
    search_clear(&root);
    if (rc)
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, group_json(c, &views[i]));
        hierarchy_group_view_clear(&views[i]);
    }
    free(views);
    c->out = json_pack("{s:o, s:I}", "UserHierarchyGroups", arr, "ApproximateTotalCount", (json_int_t)total);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

static const api_op ops[] = {
    {"DescribeUserHierarchyStructure", "GET", "/user-hierarchy-structure/{InstanceId}",
     CORE_HIERARCHY_STRUCTURE_DESCRIBE, 0, describe_structure},
    {"UpdateUserHierarchyStructure", "POST", "/user-hierarchy-structure/{InstanceId}", CORE_HIERARCHY_STRUCTURE_UPDATE,
     0, update_structure},
    {"CreateUserHierarchyGroup", "PUT", "/user-hierarchy-groups/{InstanceId}", CORE_HIERARCHY_GROUPS_CREATE, 0,
     create_group},
    {"DescribeUserHierarchyGroup", "GET", "/user-hierarchy-groups/{InstanceId}/{HierarchyGroupId}",
     CORE_HIERARCHY_GROUPS_DESCRIBE, 0, describe_group},
    {"ListUserHierarchyGroups", "GET", "/user-hierarchy-groups-summary/{InstanceId}", CORE_HIERARCHY_GROUPS_LIST, 0,
     list_groups},
    {"UpdateUserHierarchyGroupName", "POST", "/user-hierarchy-groups/{InstanceId}/{HierarchyGroupId}/name",
     CORE_HIERARCHY_GROUPS_RENAME, 0, rename_group},
    {"DeleteUserHierarchyGroup", "DELETE", "/user-hierarchy-groups/{InstanceId}/{HierarchyGroupId}",
     CORE_HIERARCHY_GROUPS_DELETE, 0, delete_group},
    {"SearchUserHierarchyGroups", "POST", "/search-user-hierarchy-groups", CORE_HIERARCHY_GROUPS_SEARCH,
     OP_BODY_INSTANCE, search_groups},
};

const api_op *connect_hierarchy_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
