/* search_json.h — reading the Search* operations' SearchCriteria and SearchFilter members into
 * a core search tree (core/search.h). Shapes: a criteria object holds any of OrConditions and
 * AndConditions (lists of criteria), StringCondition and, for users, HierarchyGroupCondition;
 * every member present must hold (they are ANDed). A ControlPlaneTagFilter holds OrConditions
 * (a list of AND-lists of TagCondition), AndConditions (a list of TagCondition) or a TagCondition.
 */
#ifndef ROSTER_API_SEARCH_JSON_H
#define ROSTER_API_SEARCH_JSON_H

#include <jansson.h>

#include "core/error.h"
#include "core/search.h"

/* Adds the criteria object (NULL or absent: nothing) under root, an AND node. Returns 0, or -1
 * with ERR_INVALID_PARAMETER naming the member that is malformed. */
int search_json_criteria(rerr *e, json_t *criteria, search_node *root);

/* Adds a ControlPlaneTagFilter object (NULL: nothing) under root, an AND node. */
int search_json_tag_filter(rerr *e, json_t *filter, search_node *root);

/* Adds a ControlPlaneAttributeFilter object (NULL: nothing) under root, an AND node: OrConditions
 * (a list of {TagConditions: [TagCondition]}, any of which must hold), AndCondition
 * ({TagConditions: [...]}, all must hold) and TagCondition; the members present are ANDed.
 * member names the filter in messages (e.g. "SearchFilter.AttributeFilter"). Returns 0, or -1
 * with ERR_INVALID_PARAMETER naming the member that is malformed; nodes belong to root. */
int search_json_attribute_filter(rerr *e, json_t *filter, const char *member, search_node *root);

/* Adds a ControlPlaneUserAttributeFilter object (NULL: nothing) under root, an AND node:
 * OrConditions (a list of AttributeAndCondition {TagConditions: [TagCondition],
 * HierarchyGroupCondition}, any of which must hold; an empty list is no condition),
 * AndCondition (one AttributeAndCondition), TagCondition and HierarchyGroupCondition; the
 * members present are ANDed. member names the filter in messages. Returns 0, or -1 with
 * ERR_INVALID_PARAMETER naming the member that is malformed; nodes belong to root. */
int search_json_user_attribute_filter(rerr *e, json_t *filter, const char *member, search_node *root);

#endif
