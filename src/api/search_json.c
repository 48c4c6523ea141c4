/* search_json.c — SearchCriteria / SearchFilter JSON into core search trees. */
#include "api/search_json.h"

#include <string.h>

#include "util/buf.h"

static int bad(rerr *e, const char *member, const char *what)
{
    return rerr_set(e, ERR_INVALID_PARAMETER, member, "%s %s", member, what);
}

static int string_condition(rerr *e, json_t *sc, search_node *parent)
{
    if (!json_is_object(sc))
        return bad(e, "StringCondition", "must be an object");
    json_t *f = json_object_get(sc, "FieldName"), *v = json_object_get(sc, "Value"),
           *t = json_object_get(sc, "ComparisonType");
    if ((f && !json_is_string(f)) || (v && !json_is_string(v)) || (t && !json_is_string(t)))
        return bad(e, "StringCondition", "members FieldName, Value and ComparisonType must be strings");
    search_cmp cmp;
    const char *ts = t ? json_string_value(t) : NULL;
    if (!ts)
        return bad(e, "StringCondition.ComparisonType", "is required: STARTS_WITH, CONTAINS or EXACT");
    if (strcmp(ts, "EXACT") == 0)
        cmp = CMP_EXACT;
    else if (strcmp(ts, "STARTS_WITH") == 0)
        cmp = CMP_STARTS_WITH;
    else if (strcmp(ts, "CONTAINS") == 0)
        cmp = CMP_CONTAINS;
    else
        return rerr_set(e, ERR_INVALID_PARAMETER, "StringCondition.ComparisonType",
                        "StringCondition.ComparisonType has the invalid value '%.64s'; allowed: STARTS_WITH, "
                        "CONTAINS, EXACT", ts);
    search_node *n = search_add(parent, SEARCH_STRING);
    n->cmp = cmp;
    n->field = f ? xstrdup(json_string_value(f)) : NULL;
    n->value = v ? xstrdup(json_string_value(v)) : NULL;
    return 0;
}

static int hierarchy_condition(rerr *e, json_t *hc, search_node *parent)
{
    if (!json_is_object(hc))
        return bad(e, "HierarchyGroupCondition", "must be an object");
    json_t *v = json_object_get(hc, "Value"), *t = json_object_get(hc, "HierarchyGroupMatchType");
    if ((v && !json_is_string(v)) || (t && !json_is_string(t)))
        return bad(e, "HierarchyGroupCondition", "members Value and HierarchyGroupMatchType must be strings");
    const char *ts = t ? json_string_value(t) : "EXACT";
    if (strcmp(ts, "EXACT") != 0 && strcmp(ts, "WITH_CHILD_GROUPS") != 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, "HierarchyGroupCondition.HierarchyGroupMatchType",
                        "HierarchyGroupMatchType has the invalid value '%.64s'; allowed: EXACT, WITH_CHILD_GROUPS",
                        ts);
    search_node *n = search_add(parent, SEARCH_HIERARCHY);
    n->value = v ? xstrdup(json_string_value(v)) : NULL;
    n->with_children = strcmp(ts, "WITH_CHILD_GROUPS") == 0;
    return 0;
}

static int criteria_node(rerr *e, json_t *c, search_node *and_node, int depth);

/* A list of criteria combined under a new AND or OR node. */
static int criteria_list(rerr *e, json_t *list, const char *member, search_kind kind, search_node *parent,
                         int depth)
{
    if (!json_is_array(list))
        return bad(e, member, "must be a list of criteria");
    search_node *n = search_add(parent, kind);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        search_node *child = search_add(n, SEARCH_AND);
        if (criteria_node(e, item, child, depth + 1))
            return -1;
    }
    return 0;
}

static int criteria_node(rerr *e, json_t *c, search_node *and_node, int depth)
{
    if (depth > 16)
        return bad(e, "SearchCriteria", "nests too deeply");
    if (!json_is_object(c))
        return bad(e, "SearchCriteria", "must be an object");
    json_t *v;
    if ((v = json_object_get(c, "OrConditions")) && !json_is_null(v) &&
        criteria_list(e, v, "OrConditions", SEARCH_OR, and_node, depth))
        return -1;
    if ((v = json_object_get(c, "AndConditions")) && !json_is_null(v) &&
        criteria_list(e, v, "AndConditions", SEARCH_AND, and_node, depth))
        return -1;
    if ((v = json_object_get(c, "StringCondition")) && !json_is_null(v) && string_condition(e, v, and_node))
        return -1;
    if ((v = json_object_get(c, "HierarchyGroupCondition")) && !json_is_null(v) &&
        hierarchy_condition(e, v, and_node))
        return -1;
    if ((v = json_object_get(c, "ListCondition")) && !json_is_null(v))
        return rerr_set(e, ERR_INVALID_REQUEST, "ListCondition",
                        "ListCondition (agent proficiencies) is not supported by roster");
    return 0;
}

int search_json_criteria(rerr *e, json_t *criteria, search_node *root)
{
    if (!criteria || json_is_null(criteria))
        return 0;
    return criteria_node(e, criteria, root, 0);
}

static int tag_condition(rerr *e, json_t *tc, search_node *parent)
{
    if (!json_is_object(tc))
        return bad(e, "TagCondition", "must be an object");
    json_t *k = json_object_get(tc, "TagKey"), *v = json_object_get(tc, "TagValue");
    if ((k && !json_is_string(k)) || (v && !json_is_string(v)))
        return bad(e, "TagCondition", "members TagKey and TagValue must be strings");
    search_node *n = search_add(parent, SEARCH_TAG);
    n->key = k ? xstrdup(json_string_value(k)) : NULL;
    n->value = v ? xstrdup(json_string_value(v)) : NULL;
    return 0;
}

static int tag_and_list(rerr *e, json_t *list, const char *member, search_node *parent)
{
    if (!json_is_array(list))
        return bad(e, member, "must be a list of TagCondition");
    search_node *n = search_add(parent, SEARCH_AND);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (tag_condition(e, item, n))
            return -1;
    }
    return 0;
}

int search_json_tag_filter(rerr *e, json_t *filter, search_node *root)
{
    if (!filter || json_is_null(filter))
        return 0;
    if (!json_is_object(filter))
        return bad(e, "TagFilter", "must be an object");
    json_t *v;
    if ((v = json_object_get(filter, "OrConditions")) && !json_is_null(v)) {
        if (!json_is_array(v))
            return bad(e, "TagFilter.OrConditions", "must be a list of lists of TagCondition");
        search_node *or = search_add(root, SEARCH_OR);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (tag_and_list(e, item, "TagFilter.OrConditions", or))
                return -1;
        }
    }
    if ((v = json_object_get(filter, "AndConditions")) && !json_is_null(v) &&
        tag_and_list(e, v, "TagFilter.AndConditions", root))
        return -1;
    if ((v = json_object_get(filter, "TagCondition")) && !json_is_null(v) && tag_condition(e, v, root))
        return -1;
    return 0;
}

/* An AttributeAndCondition: its TagConditions — and, for users (hierarchy != 0), its
 * HierarchyGroupCondition — under one AND node (an empty one matches everything). */
static int attribute_and(rerr *e, json_t *cond, const char *member, search_node *parent, int hierarchy)
{
    if (!json_is_object(cond))
        return bad(e, member, hierarchy ? "must be an object with TagConditions and/or HierarchyGroupCondition"
                                        : "must be an object with TagConditions");
    search_node *n = search_add(parent, SEARCH_AND);
    json_t *v = json_object_get(cond, "TagConditions");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v))
            return bad(e, member, "TagConditions must be a list of TagCondition");
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (tag_condition(e, item, n))
                return -1;
        }
    }
    v = json_object_get(cond, "HierarchyGroupCondition");
    if (hierarchy && v && !json_is_null(v) && hierarchy_condition(e, v, n))
        return -1;
    return 0;
}

/* A ControlPlaneAttributeFilter (hierarchy 0) or ControlPlaneUserAttributeFilter (hierarchy 1):
 * every member given is ANDed under root; an empty OrConditions list is no condition. */
static int attribute_filter(rerr *e, json_t *filter, const char *member, search_node *root, int hierarchy)
{
    if (!filter || json_is_null(filter))
        return 0;
    if (!json_is_object(filter))
        return bad(e, member, "must be an object");
    json_t *v;
    if ((v = json_object_get(filter, "OrConditions")) && !json_is_null(v) && !json_is_array(v))
        return bad(e, member, "OrConditions must be a list of AttributeAndCondition");
    if (v && json_array_size(v) > 0) {
        search_node *or = search_add(root, SEARCH_OR);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (attribute_and(e, item, member, or, hierarchy))
                return -1;
        }
    }
    if ((v = json_object_get(filter, "AndCondition")) && !json_is_null(v) &&
        attribute_and(e, v, member, root, hierarchy))
        return -1;
    if ((v = json_object_get(filter, "TagCondition")) && !json_is_null(v) && tag_condition(e, v, root))
        return -1;
    if (hierarchy && (v = json_object_get(filter, "HierarchyGroupCondition")) && !json_is_null(v) &&
        hierarchy_condition(e, v, root))
        return -1;
    return 0;
}

int search_json_attribute_filter(rerr *e, json_t *filter, const char *member, search_node *root)
{
    return attribute_filter(e, filter, member, root, 0);
}

int search_json_user_attribute_filter(rerr *e, json_t *filter, const char *member, search_node *root)
{
    return attribute_filter(e, filter, member, root, 1);
}
