/* hierarchy.c — the rules of the agent hierarchy: structure levels, groups, paths, search. */
#include "core/hierarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/write.h"
#include "core/arn.h"
#include "core/instances.h"
#include "core/paging.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

#define GROUP_NAME_MAX 100
#define LEVEL_NAME_MAX 50
#define LIST_TOKEN_KIND "hierarchy-groups"
#define SEARCH_TOKEN_KIND "hierarchy-groups-search"

static const char *const level_members[HIERARCHY_LEVELS] = {"LevelOne", "LevelTwo", "LevelThree", "LevelFour",
                                                            "LevelFive"};
static const char *const level_words[HIERARCHY_LEVELS] = {"one", "two", "three", "four", "five"};

const char *hierarchy_level_member(int level)
{
    return level >= 1 && level <= HIERARCHY_LEVELS ? level_members[level - 1] : "";
}

/* ---- records ------------------------------------------------------------------------------- */

void hierarchy_group_view_clear(hierarchy_group_view *v)
{
    if (!v)
        return;
    hierarchy_group_clear(&v->group);
    for (size_t i = 0; i < v->n_path; i++)
        hierarchy_group_clear(&v->path[i]);
    kvlist_clear(&v->tags);
    memset(v, 0, sizeof *v);
}

static void group_copy(hierarchy_group *dst, const hierarchy_group *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
}

/* ---- the structure ----------------------------------------------------------------------------- */

/* Reads the structure without the permission check (the entry points have done it). */
static int structure_read(core_ctx *cx, const char *instance_id, hierarchy_structure *out, rerr *e)
{
    int rc = store_hierarchy_levels_get(cx->conn, instance_id, out);
    if (rc != STORE_OK) {
        hierarchy_structure_clear(out);
        return core_store_error(cx, rc, "read the hierarchy structure", e);
    }
    return 0;
}

int hierarchy_structure_get(core_ctx *cx, const char *instance_id, hierarchy_structure *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_HIERARCHY_STRUCTURE_DESCRIBE, instance_id, e))
        return -1;
    return structure_read(cx, instance_id, out, e);
}

/* Levels 1..k present, k+1..5 absent; names valid and distinct. */
static int check_structure(const char *const names[HIERARCHY_LEVELS], rerr *e)
{
    for (int i = 1; i < HIERARCHY_LEVELS; i++) {
        if (names[i] && !names[i - 1])
            return rerr_set(e, ERR_INVALID_PARAMETER, "HierarchyStructure",
                            "HierarchyStructure: %s is given without %s; levels must be contiguous from LevelOne",
                            level_members[i], level_members[i - 1]);
    }
    char field[64];
    for (int i = 0; i < HIERARCHY_LEVELS && names[i]; i++) {
        snprintf(field, sizeof field, "HierarchyStructure.%s.Name", level_members[i]);
        if (validate_length(e, field, names[i], 1, LEVEL_NAME_MAX))
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return rerr_set(e, ERR_INVALID_PARAMETER, field,
                                "HierarchyStructure: %s and %s are both named '%.50s'; level names must differ",
                                level_members[j], level_members[i], names[i]);
    }
    return 0;
}

/* Refuses when a level that would be removed still has groups. */
static int check_removals(core_ctx *cx, const char *instance_id, const hierarchy_structure *cur,
                          const char *const names[HIERARCHY_LEVELS], rerr *e)
{
    for (int i = 0; i < HIERARCHY_LEVELS; i++) {
        if (!cur->levels[i].level || names[i])
            continue;
        int64_t n = 0;
        int rc = store_hierarchy_level_groups(cx->conn, instance_id, i + 1, &n);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "count the groups of a level", e);
        if (n > 0) {
            rerr_set(e, ERR_IN_USE, "HierarchyStructure",
                     "Hierarchy level %s ('%.50s') has %lld group%s and cannot be removed; delete them first",
                     level_members[i], cur->levels[i].name, (long long)n, n == 1 ? "" : "s");
            char num[4];
            snprintf(num, sizeof num, "%d", i + 1);
            char *arn = arn_resource(cx->cfg, instance_id, ARN_HIERARCHY_LEVEL, num);
            rerr_set_resource(e, "HIERARCHY_LEVEL", arn);
            free(arn);
            return -1;
        }
    }
    return 0;
}

static int apply_structure(core_ctx *cx, const char *instance_id, const hierarchy_structure *cur,
                           const char *const names[HIERARCHY_LEVELS], rerr *e)
{
    for (int i = HIERARCHY_LEVELS - 1; i >= 0; i--) {
        const hierarchy_level *old = &cur->levels[i];
        int rc = STORE_OK;
        if (old->level && !names[i]) {
            rc = store_hierarchy_level_delete(cx->conn, instance_id, i + 1);
        } else if (names[i] && (!old->level || strcmp(old->name, names[i]) != 0)) {
            hierarchy_level l = {.level = i + 1, .name = (char *)names[i], .modified_ms = cx->now_ms};
            uuid_v7(l.id);
            rc = store_hierarchy_level_put(cx->conn, instance_id, &l);
        }
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "write the hierarchy structure", e);
    }
    return 0;
}

struct structure_args {
    const char *instance_id;
    const char *const *names;
};

static int structure_change(core_ctx *cx, void *arg, rerr *e)
{
    struct structure_args *a = arg;
    hierarchy_structure cur;
    int failed = structure_read(cx, a->instance_id, &cur, e) || check_removals(cx, a->instance_id, &cur, a->names, e) ||
                 apply_structure(cx, a->instance_id, &cur, a->names, e);
    hierarchy_structure_clear(&cur);
    return failed ? -1 : 0;
}

int hierarchy_structure_update(core_ctx *cx, const char *instance_id, const char *const names[HIERARCHY_LEVELS],
                               rerr *e)
{
    if (core_allow(cx, CORE_HIERARCHY_STRUCTURE_UPDATE, instance_id, e))
        return -1;
    if (check_structure(names, e))
        return -1;
    struct structure_args a = {instance_id, names};
    return core_write(cx, structure_change, &a, e);
}

/* ---- single groups ------------------------------------------------------------------------------- */

static int group_read(core_ctx *cx, int rc, const char *field, const char *id, rerr *e)
{
    if (rc == STORE_OK)
        return 0;
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, field, "Hierarchy group not found: %.300s", id);
    return core_store_error(cx, rc, "read a hierarchy group", e);
}

/* Reads one group without the permission check (the entry points have done it). */
static int group_get(core_ctx *cx, const char *instance_id, const char *id, hierarchy_group *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (validate_id(e, "HierarchyGroupId", id, 256))
        return -1;
    return group_read(cx, store_group_get(cx->conn, instance_id, id, out), "HierarchyGroupId", id, e);
}

int hierarchy_group_get(core_ctx *cx, const char *instance_id, const char *id, hierarchy_group *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_DESCRIBE, instance_id, e))
        return -1;
    return group_get(cx, instance_id, id, out, e);
}

/* ERR_DUPLICATE when another group (not self_id) of the instance has name. */
static int check_name_free(core_ctx *cx, const char *instance_id, const char *name, const char *self_id, rerr *e)
{
    hierarchy_group other;
    int rc = store_group_by_name(cx->conn, instance_id, name, &other);
    if (rc == STORE_NOTFOUND)
        return 0;
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "look up a hierarchy group name", e);
    int taken = !self_id || strcmp(other.id, self_id) != 0;
    hierarchy_group_clear(&other);
    if (!taken)
        return 0;
    return rerr_set(e, ERR_DUPLICATE, "Name", "A hierarchy group named '%.100s' already exists in this instance",
                    name);
}

static int check_new_group(const hierarchy_group_new *in, rerr *e)
{
    if (validate_length(e, "Name", in->name, 1, GROUP_NAME_MAX))
        return -1;
    if (in->parent_id && validate_id(e, "ParentGroupId", in->parent_id, 256))
        return -1;
    return in->tags ? validate_tags(e, "Tags", in->tags) : 0;
}

/* Checks that a group at `level` (below parent, NULL at level one) has a level to sit at. */
static int check_level(core_ctx *cx, const char *instance_id, int level, const hierarchy_group *parent, rerr *e)
{
    if (level > HIERARCHY_LEVELS)
        return rerr_set(e, ERR_INVALID_PARAMETER, "ParentGroupId",
                        "Parent hierarchy group '%.100s' is at level five, the deepest level: no group can be "
                        "created below it", parent->name);
    hierarchy_structure s;
    if (structure_read(cx, instance_id, &s, e))
        return -1;
    int present = s.levels[level - 1].level != 0;
    hierarchy_structure_clear(&s);
    if (present)
        return 0;
    if (!parent)
        return rerr_set(e, ERR_INVALID_PARAMETER, "HierarchyStructure",
                        "The hierarchy structure has no LevelOne: add it with UpdateUserHierarchyStructure before "
                        "creating groups");
    return rerr_set(e, ERR_INVALID_PARAMETER, "ParentGroupId",
                    "A child of hierarchy group '%.100s' (level %s) would sit at level %s, but the hierarchy "
                    "structure has no %s; add it with UpdateUserHierarchyStructure first",
                    parent->name, level_words[level - 2], level_words[level - 1], level_members[level - 1]);
}

/* Sets g->level and g->parent_id from the parent (NULL: level one) and checks the level. */
static int place_group(core_ctx *cx, const char *instance_id, const char *parent_id, hierarchy_group *g, rerr *e)
{
    g->level = 1;
    if (!parent_id)
        return check_level(cx, instance_id, 1, NULL, e);
    hierarchy_group parent;
    int rc = store_group_get(cx->conn, instance_id, parent_id, &parent);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "ParentGroupId", "Parent hierarchy group not found: %.300s", parent_id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the parent hierarchy group", e);
    g->level = parent.level + 1;
    memcpy(g->parent_id, parent.id, ID_LEN);
    int failed = check_level(cx, instance_id, g->level, &parent, e);
    hierarchy_group_clear(&parent);
    return failed;
}

static int insert_group(core_ctx *cx, const hierarchy_group *g, const kvlist *tags, rerr *e)
{
    int rc = store_group_insert(cx->conn, g);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name",
                        "A hierarchy group named '%.100s' already exists in this instance", g->name);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create the hierarchy group", e);
    if (tags && (rc = store_tags_set(cx->conn, g->instance_id, g->id, tags)) != STORE_OK)
        return core_store_error(cx, rc, "tag the hierarchy group", e);
    return 0;
}

struct group_args {
    const char *instance_id;
    const hierarchy_group_new *in;
    hierarchy_group *g;
};

static int group_create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct group_args *a = arg;
    return place_group(cx, a->instance_id, a->in->parent_id, a->g, e) ||
                   check_name_free(cx, a->instance_id, a->in->name, NULL, e) ||
                   insert_group(cx, a->g, a->in->tags, e)
               ? -1
               : 0;
}

int hierarchy_group_create(core_ctx *cx, const char *instance_id, const hierarchy_group_new *in,
                           char id_out[ID_LEN], rerr *e)
{
    id_out[0] = '\0';
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_CREATE, instance_id, e))
        return -1;
    if (check_new_group(in, e))
        return -1;
    hierarchy_group g = {.name = (char *)in->name, .modified_ms = cx->now_ms};
    uuid_v7(g.id);
    snprintf(g.instance_id, sizeof g.instance_id, "%s", instance_id);
    struct group_args a = {instance_id, in, &g};
    if (core_write(cx, group_create_change, &a, e))
        return -1;
    memcpy(id_out, g.id, ID_LEN);
    return 0;
}

/* Fills v->path from the group up to level one, reading ancestors through get. */
typedef int (*group_lookup_fn)(void *cls, const char *id, hierarchy_group *out);

static int fill_path(hierarchy_group_view *v, group_lookup_fn get, void *cls)
{
    int level = v->group.level;
    if (level < 1 || level > HIERARCHY_LEVELS)
        return STORE_ERROR;
    v->n_path = (size_t)level;
    group_copy(&v->path[level - 1], &v->group);
    for (int i = level - 2; i >= 0; i--) {
        int rc = get(cls, v->path[i + 1].parent_id, &v->path[i]);
        if (rc != STORE_OK)
            return rc == STORE_NOTFOUND ? STORE_ERROR : rc; /* a broken chain is a store fault */
    }
    return STORE_OK;
}

typedef struct store_lookup {
    core_ctx *cx;
    const char *instance_id;
} store_lookup;

static int lookup_in_store(void *cls, const char *id, hierarchy_group *out)
{
    store_lookup *l = cls;
    return store_group_get(l->cx->conn, l->instance_id, id, out);
}

int hierarchy_group_describe(core_ctx *cx, const char *instance_id, const char *id, hierarchy_group_view *out,
                             rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_DESCRIBE, instance_id, e))
        return -1;
    if (group_get(cx, instance_id, id, &out->group, e))
        return -1;
    hierarchy_structure s;
    if (structure_read(cx, instance_id, &s, e)) {
        hierarchy_group_view_clear(out);
        return -1;
    }
    int level = out->group.level;
    if (level >= 1 && level <= HIERARCHY_LEVELS && s.levels[level - 1].level)
        snprintf(out->level_id, sizeof out->level_id, "%d", level);
    hierarchy_structure_clear(&s);
    store_lookup l = {cx, instance_id};
    int rc = fill_path(out, lookup_in_store, &l);
    if (rc == STORE_OK)
        rc = store_tags_get(cx->conn, out->group.id, &out->tags);
    if (rc != STORE_OK) {
        hierarchy_group_view_clear(out);
        return core_store_error(cx, rc, "read the hierarchy path", e);
    }
    return 0;
}

/* ---- paths of names ------------------------------------------------------------------------------- */

/* Looks up segment `name` at depth `level` under parent_id ("" at level one). */
static int path_step(core_ctx *cx, const char *instance_id, const char *field, const char *name, int level,
                     const char *parent_name, char id[ID_LEN], rerr *e)
{
    hierarchy_group g;
    int rc = store_group_by_name(cx->conn, instance_id, name, &g);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, field, "%s: there is no hierarchy group named '%.100s'", field, name);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "resolve a hierarchy path", e);
    int ok = g.level == level && strcmp(g.parent_id, id) == 0;
    if (ok)
        memcpy(id, g.id, ID_LEN);
    hierarchy_group_clear(&g);
    if (ok)
        return 0;
    if (level == 1)
        return rerr_set(e, ERR_NOT_FOUND, field, "%s: hierarchy group '%.100s' is not at level one", field, name);
    return rerr_set(e, ERR_NOT_FOUND, field, "%s: hierarchy group '%.100s' is not under '%.100s'", field, name,
                    parent_name);
}

/* Splits path on '|' into at most HIERARCHY_LEVELS non-empty names (pointers into copy). */
static int split_path(const char *field, const char *path, char *copy, char *names[HIERARCHY_LEVELS], int *n,
                      rerr *e)
{
    *n = 0;
    if (!*path)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: the hierarchy path is empty", field);
    for (char *p = copy; p;) {
        char *bar = strchr(p, '|');
        if (bar)
            *bar = '\0';
        if (*n == HIERARCHY_LEVELS)
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: a hierarchy path has at most %d names", field,
                            HIERARCHY_LEVELS);
        if (!*p)
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: name %d of the hierarchy path '%.300s' is empty",
                            field, *n + 1, path);
        names[(*n)++] = p;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

int hierarchy_group_by_path(core_ctx *cx, const char *instance_id, const char *field, const char *path,
                            char id_out[ID_LEN], rerr *e)
{
    id_out[0] = '\0';
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_DESCRIBE, instance_id, e))
        return -1;
    char *copy = xstrdup(path ? path : ""), *names[HIERARCHY_LEVELS];
    char id[ID_LEN] = "";
    int n, failed = split_path(field, path ? path : "", copy, names, &n, e);
    for (int i = 0; !failed && i < n; i++)
        failed = path_step(cx, instance_id, field, names[i], i + 1, i ? names[i - 1] : NULL, id, e);
    free(copy);
    if (failed)
        return -1;
    memcpy(id_out, id, ID_LEN);
    return 0;
}

/* ---- lists --------------------------------------------------------------------------------------- */

int hierarchy_group_list(core_ctx *cx, const char *instance_id, const char *token, size_t limit,
                         summary_list *out, char **next, rerr *e)
{
    *next = NULL;
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_LIST, instance_id, e))
        return -1;
    char *key = NULL, *id = NULL;
    if (page_token_decode(e, "nextToken", token, LIST_TOKEN_KIND, &key, &id))
        return -1;
    page_req pr = {.instance_id = instance_id, .after_name = key, .after_id = id, .limit = limit + 1};
    int rc = store_group_list(cx->conn, &pr, out);
    free(key);
    free(id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list hierarchy groups", e);
    if (out->n > limit) {
        free(out->items[limit].name);
        out->n = limit;
        const summary *last = &out->items[limit - 1];
        *next = page_token_encode(LIST_TOKEN_KIND, last->name ? last->name : "", last->id);
    }
    return 0;
}

/* ---- search ---------------------------------------------------------------------------------------- */

/* A group's id and its index in the (name, id) order, for lookups by id. */
typedef struct id_ref {
    const char *id;
    size_t index;
} id_ref;

/* Everything a search evaluates, loaded once (in the caller's read transaction). */
typedef struct search_set {
    hierarchy_structure levels;
    hierarchy_group *groups;     /* ordered by (name, id) */
    size_t n;
    id_ref *by_id;               /* ordered by id */
    kvlist *tags;                /* tags[i]: tags of groups[i] */
} search_set;

static void search_set_clear(search_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        hierarchy_group_clear(&s->groups[i]);
        if (s->tags)
            kvlist_clear(&s->tags[i]);
    }
    free(s->groups);
    free(s->tags);
    free(s->by_id);
    hierarchy_structure_clear(&s->levels);
    memset(s, 0, sizeof *s);
}

static int cmp_id_ref(const void *a, const void *b)
{
    return strcmp(((const id_ref *)a)->id, ((const id_ref *)b)->id);
}

/* Index of the group with id, or s->n. */
static size_t find_group(const search_set *s, const char *id)
{
    id_ref key = {id, 0};
    const id_ref *hit = s->n ? bsearch(&key, s->by_id, s->n, sizeof *s->by_id, cmp_id_ref) : NULL;
    return hit ? hit->index : s->n;
}

static void index_groups(search_set *s)
{
    s->by_id = xmalloc((s->n ? s->n : 1) * sizeof *s->by_id);
    for (size_t i = 0; i < s->n; i++)
        s->by_id[i] = (id_ref){s->groups[i].id, i};
    if (s->n)
        qsort(s->by_id, s->n, sizeof *s->by_id, cmp_id_ref);
}

static int load_tags(store_conn *c, const char *instance_id, search_set *s)
{
    strlist ids = {0}, keys = {0}, values = {0};
    int rc = store_group_all_tags(c, instance_id, &ids, &keys, &values);
    s->tags = xcalloc(s->n ? s->n : 1, sizeof *s->tags);
    for (size_t i = 0; rc == STORE_OK && i < ids.n; i++) {
        size_t g = find_group(s, ids.items[i]);
        if (g < s->n)
            kvlist_set(&s->tags[g], keys.items[i], values.items[i]);
    }
    strlist_clear(&ids);
    strlist_clear(&keys);
    strlist_clear(&values);
    return rc;
}

static int load_search_set(core_ctx *cx, const char *instance_id, search_set *s, rerr *e)
{
    memset(s, 0, sizeof *s);
    int rc = store_hierarchy_levels_get(cx->conn, instance_id, &s->levels);
    if (rc == STORE_OK)
        rc = store_group_all(cx->conn, instance_id, &s->groups, &s->n);
    if (rc == STORE_OK) {
        index_groups(s);
        rc = load_tags(cx->conn, instance_id, s);
    }
    if (rc != STORE_OK) {
        search_set_clear(s);
        return core_store_error(cx, rc, "read the hierarchy groups", e);
    }
    return 0;
}

static const char *level_id_of(const search_set *s, int level)
{
    return level >= 1 && level <= HIERARCHY_LEVELS ? s->levels.levels[level - 1].id : "";
}

typedef struct leaf_ctx {
    const search_set *set;
} leaf_ctx;

static int group_leaf(const void *item, const search_node *leaf, void *cls)
{
    const leaf_ctx *lc = cls;
    size_t i = *(const size_t *)item;
    const hierarchy_group *g = &lc->set->groups[i];
    if (leaf->kind == SEARCH_TAG)
        return search_tag_match(leaf, &lc->set->tags[i]);
    if (leaf->kind != SEARCH_STRING)
        return 0;
    const char *hay = NULL;
    if (strcmp(leaf->field, "name") == 0)
        hay = g->name;
    else if (strcmp(leaf->field, "parentId") == 0)
        hay = g->parent_id;
    else if (strcmp(leaf->field, "levelId") == 0) {
        /* The level as HierarchyGroup.LevelId shows it ("1" … "5"), or the level's own Id from
         * DescribeUserHierarchyStructure, which a client may hold instead. */
        char num[4];
        snprintf(num, sizeof num, "%d", g->level);
        const char *level_id = level_id_of(lc->set, g->level);
        return search_text(leaf->cmp, num, leaf->value) ||
               (leaf->cmp == CMP_EXACT && *level_id && strcmp(level_id, leaf->value) == 0);
    } else
        hay = g->id; /* resourceID / resourceId */
    return hay && *hay && search_text(leaf->cmp, hay, leaf->value);
}

static int lookup_in_set(void *cls, const char *id, hierarchy_group *out)
{
    const search_set *s = cls;
    size_t i = find_group(s, id);
    if (i == s->n)
        return STORE_NOTFOUND;
    group_copy(out, &s->groups[i]);
    return STORE_OK;
}

static int view_of(const search_set *s, size_t i, hierarchy_group_view *v)
{
    memset(v, 0, sizeof *v);
    group_copy(&v->group, &s->groups[i]);
    if (*level_id_of(s, v->group.level))
        snprintf(v->level_id, sizeof v->level_id, "%d", v->group.level);
    const kvlist *t = &s->tags[i];
    for (size_t k = 0; k < t->keys.n; k++)
        kvlist_set(&v->tags, t->keys.items[k], t->values.items[k]);
    return fill_path(v, lookup_in_set, (void *)s);
}

static const char *const search_fields[] = {"name", "parentId", "levelId", "resourceID", "resourceId", NULL};

/* Matches, pages and copies out the views of one page. */
static int run_search(core_ctx *cx, const search_set *s, const search_node *root, const char *token, size_t limit,
                      hierarchy_group_view **out, size_t *n, char **next, int64_t *total, rerr *e)
{
    size_t *hits = xmalloc((s->n ? s->n : 1) * sizeof *hits);
    const char **keys = xmalloc((s->n ? s->n : 1) * sizeof *keys), **ids = xmalloc((s->n ? s->n : 1) * sizeof *ids);
    size_t nh = 0;
    leaf_ctx lc = {s};
    for (size_t i = 0; i < s->n; i++) {
        if (search_eval(root, &i, group_leaf, &lc)) {
            hits[nh] = i;
            keys[nh] = s->groups[i].name;
            ids[nh++] = s->groups[i].id;
        }
    }
    search_page pg;
    int failed = search_paginate(e, SEARCH_TOKEN_KIND, token, limit, keys, ids, nh, &pg);
    if (!failed) {
        *total = (int64_t)nh;
        *next = pg.next;
        *out = xcalloc(pg.count ? pg.count : 1, sizeof **out);
        for (size_t k = 0; k < pg.count && !failed; k++, (*n)++)
            if (view_of(s, hits[pg.start + k], &(*out)[k]) != STORE_OK)
                failed = core_store_error(cx, STORE_ERROR, "build a hierarchy path", e);
    }
    free(hits);
    free(keys);
    free(ids);
    return failed ? -1 : 0;
}

int hierarchy_group_search(core_ctx *cx, const char *instance_id, const search_node *root, const char *token,
                           size_t limit, hierarchy_group_view **out, size_t *n, char **next, int64_t *total,
                           rerr *e)
{
    *out = NULL;
    *n = 0;
    *next = NULL;
    *total = 0;
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_SEARCH, instance_id, e))
        return -1;
    const search_rules rules = {.fields = search_fields, .tags = 1, .what = "SearchCriteria"};
    if (search_validate(root, &rules, e))
        return -1;
    search_set s;
    if (load_search_set(cx, instance_id, &s, e))
        return -1;
    int failed = run_search(cx, &s, root, token, limit, out, n, next, total, e);
    search_set_clear(&s);
    if (failed) {
        for (size_t i = 0; i < *n; i++)
            hierarchy_group_view_clear(&(*out)[i]);
        free(*out);
        free(*next);
        *out = NULL;
        *n = 0;
        *next = NULL;
    }
    return failed ? -1 : 0;
}

/* ---- rename and delete ---------------------------------------------------------------------------- */

static int rename_in_tx(core_ctx *cx, const char *instance_id, const char *id, const char *name, rerr *e)
{
    hierarchy_group g;
    if (group_get(cx, instance_id, id, &g, e))
        return -1;
    hierarchy_group_clear(&g);
    if (check_name_free(cx, instance_id, name, id, e))
        return -1;
    int rc = store_group_rename(cx->conn, instance_id, id, name, cx->now_ms);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name", "A hierarchy group named '%.100s' already exists in this instance",
                        name);
    return group_read(cx, rc, "HierarchyGroupId", id, e);
}

/* One group's id (and its new name) for a change of it. */
struct one_group {
    const char *instance_id;
    const char *id;
    const char *name;
};

static int rename_change(core_ctx *cx, void *arg, rerr *e)
{
    struct one_group *a = arg;
    return rename_in_tx(cx, a->instance_id, a->id, a->name, e);
}

int hierarchy_group_rename(core_ctx *cx, const char *instance_id, const char *id, const char *name, rerr *e)
{
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_RENAME, instance_id, e))
        return -1;
    if (validate_id(e, "HierarchyGroupId", id, 256) || validate_length(e, "Name", name, 1, GROUP_NAME_MAX))
        return -1;
    struct one_group a = {instance_id, id, name};
    return core_write(cx, rename_change, &a, e);
}

/* Fills *e with ERR_IN_USE for group g: "has n <noun>(s); <advice>". Returns -1. */
static int in_use(core_ctx *cx, const char *instance_id, const hierarchy_group *g, int64_t n, const char *noun,
                  const char *advice, rerr *e)
{
    rerr_set(e, ERR_IN_USE, "HierarchyGroupId", "Hierarchy group '%.100s' has %lld %s%s; %s", g->name,
             (long long)n, noun, n == 1 ? "" : "s", advice);
    char *arn = arn_resource(cx->cfg, instance_id, ARN_HIERARCHY_GROUP, g->id);
    rerr_set_resource(e, "HIERARCHY_GROUP", arn);
    free(arn);
    return -1;
}

static int check_unused(core_ctx *cx, const char *instance_id, const hierarchy_group *g, rerr *e)
{
    group_usage u;
    int rc = store_group_usage(cx->conn, g->id, &u);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "check the hierarchy group's use", e);
    if (u.children)
        return in_use(cx, instance_id, g, u.children, "child group", "delete the child groups first", e);
    if (u.users)
        return in_use(cx, instance_id, g, u.users, "user", "move the users to another group first", e);
    if (u.security_profiles)
        return in_use(cx, instance_id, g, u.security_profiles, "security profile",
                      "it is their access-control group; change the profiles first", e);
    return 0;
}

static int delete_in_tx(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    hierarchy_group g;
    if (group_get(cx, instance_id, id, &g, e))
        return -1;
    int failed = check_unused(cx, instance_id, &g, e);
    if (!failed) {
        int rc = store_group_delete(cx->conn, instance_id, id);
        if (rc == STORE_FOREIGN)
            failed = in_use(cx, instance_id, &g, 1, "remaining reference", "remove it first", e);
        else
            failed = group_read(cx, rc, "HierarchyGroupId", id, e);
    }
    hierarchy_group_clear(&g);
    return failed ? -1 : 0;
}

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    struct one_group *a = arg;
    return delete_in_tx(cx, a->instance_id, a->id, e);
}

int hierarchy_group_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    if (core_allow(cx, CORE_HIERARCHY_GROUPS_DELETE, instance_id, e))
        return -1;
    if (validate_id(e, "HierarchyGroupId", id, 256))
        return -1;
    struct one_group a = {instance_id, id, NULL};
    return core_write(cx, delete_change, &a, e);
}
