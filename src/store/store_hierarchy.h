/* store_hierarchy.h — the agent hierarchy in the store (part of store.h; see its contract):
 * the structure (levels one..five of an instance, each with a stable UUID) and the groups
 * (a tree: a level-one group has no parent, any other sits one level below its parent).
 * The store keeps rows; the rules (contiguous levels, names, "in use") live in core/hierarchy.c.
 * The *_clear functions of these records are backend-neutral, in store_records.c.
 * Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_HIERARCHY_H
#define ROSTER_STORE_STORE_HIERARCHY_H

#define HIERARCHY_LEVELS 5

/* One level of the structure. level 0 marks an unset slot. */
typedef struct hierarchy_level {
    int level;                   /* 1..5; 0: not set */
    char id[ID_LEN];
    char *name;                  /* owned */
    int64_t modified_ms;
} hierarchy_level;

/* The structure of an instance: levels[i] describes level i + 1. */
typedef struct hierarchy_structure {
    hierarchy_level levels[HIERARCHY_LEVELS];
} hierarchy_structure;
void hierarchy_structure_clear(hierarchy_structure *s);

typedef struct hierarchy_group {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *name;                  /* owned */
    int level;                   /* 1..5 */
    char parent_id[ID_LEN];      /* "" at level one */
    int64_t modified_ms;
} hierarchy_group;
void hierarchy_group_clear(hierarchy_group *g);

/* ---- the structure ---- */

/* Fills *out (zeroed first) with the instance's levels; unset levels keep level 0. */
int store_hierarchy_levels_get(store_conn *c, const char *instance_id, hierarchy_structure *out);
/* Sets level l->level of the instance: inserts it with l->id, or renames an existing level
 * (its id is kept, l->id is ignored then). */
int store_hierarchy_level_put(store_conn *c, const char *instance_id, const hierarchy_level *l);
int store_hierarchy_level_delete(store_conn *c, const char *instance_id, int level);
/* Number of groups of the instance at level. */
int store_hierarchy_level_groups(store_conn *c, const char *instance_id, int level, int64_t *n);

/* ---- the groups ---- */

int store_group_insert(store_conn *c, const hierarchy_group *g);
/* STORE_NOTFOUND when the instance has no such group. */
int store_group_get(store_conn *c, const char *instance_id, const char *id, hierarchy_group *out);
int store_group_by_name(store_conn *c, const char *instance_id, const char *name, hierarchy_group *out);
/* Renames; STORE_NOTFOUND when no such group, STORE_UNIQUE when the name is taken. */
int store_group_rename(store_conn *c, const char *instance_id, const char *id, const char *name, int64_t now_ms);
/* Deletes the group and its tags. STORE_FOREIGN while anything still refers to it. */
int store_group_delete(store_conn *c, const char *instance_id, const char *id);
/* What refers to a group: child groups, users, security profiles (access control). */
typedef struct group_usage {
    int64_t children;
    int64_t users;
    int64_t security_profiles;
} group_usage;
int store_group_usage(store_conn *c, const char *id, group_usage *out);
/* A keyset page of groups ordered by (name, id); summaries carry id, name, modified_ms. */
int store_group_list(store_conn *c, const page_req *pr, summary_list *out);
/* Every group of the instance ordered by (name, id). *out is malloc'd: the caller clears each
 * item and frees the array. */
int store_group_all(store_conn *c, const char *instance_id, hierarchy_group **out, size_t *n);
/* The tags of every group of the instance, ordered by (group id, key), as three parallel
 * lists: tag i is keys->items[i] = values->items[i] on group ids->items[i]. */
int store_group_all_tags(store_conn *c, const char *instance_id, strlist *ids, strlist *keys, strlist *values);

#endif
