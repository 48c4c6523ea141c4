/* hierarchy.h — the agent hierarchy of an instance: its structure (levels One..Five) and its
 * groups (a tree whose depth follows the structure). Every hierarchy rule lives here, for
 * every door: the Connect API, the CSV importer, bulk edit, SCIM and the console.
 *
 * Rules:
 * - The structure's levels are contiguous from level one: levels 1..k for some k in 0..5.
 *   Level names are 1..50 characters and distinct. Renaming a level keeps its Id; a level can
 *   be removed only while no group sits at it (ERR_IN_USE, HIERARCHY_LEVEL, the level's ARN).
 * - A group without a parent sits at level one; a child sits one level below its parent (same
 *   instance). The group's level must exist in the structure.
 * - Group names are 1..100 characters and unique (exact, byte-wise) within an instance.
 * - A group can be deleted only while it has no child group, no user and no security profile
 *   restricted to it (ERR_IN_USE, HIERARCHY_GROUP, the group's ARN).
 * - Tags follow validate_tags.
 *
 * Writing functions run in their own write transaction (call them outside a transaction);
 * reading functions run in the caller's (read) transaction, if any.
 * Every function returns 0 on success or -1 with *e set; output records are the caller's to
 * clear with their *_clear function, and *next tokens are malloc'd (caller frees).
 */
#ifndef ROSTER_CORE_HIERARCHY_H
#define ROSTER_CORE_HIERARCHY_H

#include "core/context.h"
#include "core/error.h"
#include "core/search.h"

/* The name of level n (1..5) as the wire spells it: "LevelOne" … "LevelFive". */
const char *hierarchy_level_member(int level);

/* The instance's structure. */
int hierarchy_structure_get(core_ctx *cx, const char *instance_id, hierarchy_structure *out, rerr *e);

/* Replaces the structure: names[i] (NULL: absent) is the name of level i + 1. Present levels
 * are created or renamed, absent ones removed. Errors: ERR_INVALID_PARAMETER (gaps, names),
 * ERR_IN_USE (a removed level has groups). */
int hierarchy_structure_update(core_ctx *cx, const char *instance_id, const char *const names[HIERARCHY_LEVELS],
                               rerr *e);

/* What a new group is made of. */
typedef struct hierarchy_group_new {
    const char *name;            /* required */
    const char *parent_id;       /* NULL: a level-one group */
    const kvlist *tags;          /* NULL: none */
} hierarchy_group_new;

/* Creates a group and writes its id into id_out. Errors: ERR_INVALID_PARAMETER (name, tags,
 * a level missing from the structure), ERR_NOT_FOUND (parent), ERR_DUPLICATE (name). */
int hierarchy_group_create(core_ctx *cx, const char *instance_id, const hierarchy_group_new *in,
                           char id_out[ID_LEN], rerr *e);

/* A group with what describing it needs: its level's Id, its path and its tags. */
typedef struct hierarchy_group_view {
    hierarchy_group group;
    char level_id[ID_LEN];                   /* the level's number, "1" … "5" (HierarchyGroup.LevelId);
                                              * "" if the structure lacks the level */
    hierarchy_group path[HIERARCHY_LEVELS];  /* path[0] at level one … path[n_path-1] the group */
    size_t n_path;
    kvlist tags;
} hierarchy_group_view;
void hierarchy_group_view_clear(hierarchy_group_view *v);

/* One group. ERR_NOT_FOUND when the instance has no group of that id. */
int hierarchy_group_get(core_ctx *cx, const char *instance_id, const char *id, hierarchy_group *out, rerr *e);
int hierarchy_group_describe(core_ctx *cx, const char *instance_id, const char *id, hierarchy_group_view *out,
                             rerr *e);

/* Resolves a path of group names from level one, separated by '|' ("Planet|Continent|Country"),
 * to the last group's id. field names the input for messages (a CSV column, "HierarchyPath").
 * Errors: ERR_INVALID_PARAMETER (empty or too deep), ERR_NOT_FOUND (a name that is not there
 * or not under the previous one). */
int hierarchy_group_by_path(core_ctx *cx, const char *instance_id, const char *field, const char *path,
                            char id_out[ID_LEN], rerr *e);

/* One page of summaries ordered by (name, id). token: NULL or "" for the first page. */
int hierarchy_group_list(core_ctx *cx, const char *instance_id, const char *token, size_t limit,
                         summary_list *out, char **next, rerr *e);

/* Searches groups with a criteria tree (AND root holding the SearchCriteria and the tag
 * filter). String fields: name, parentId, levelId, resourceID (or resourceId). Results are
 * ordered by (name, id); *total counts every match.
 * *out is malloc'd: clear each view and free the array. */
int hierarchy_group_search(core_ctx *cx, const char *instance_id, const search_node *root, const char *token,
                           size_t limit, hierarchy_group_view **out, size_t *n, char **next, int64_t *total,
                           rerr *e);

/* Renames a group. Errors: ERR_INVALID_PARAMETER, ERR_NOT_FOUND, ERR_DUPLICATE. */
int hierarchy_group_rename(core_ctx *cx, const char *instance_id, const char *id, const char *name, rerr *e);

/* Deletes a group. Errors: ERR_NOT_FOUND, ERR_IN_USE. */
int hierarchy_group_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e);

#endif
