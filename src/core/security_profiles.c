/* security_profiles.c — the rules of security profiles. */
#include "core/security_profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/write.h"
#include "core/arn.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

static int check_name(const char *name, rerr *e)
{
    if (validate_length(e, "SecurityProfileName", name, 1, 127))
        return -1;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == ' ' ||
                 ch == '_' || ch == '@' || ch == '-';
        if (!ok)
            return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfileName",
                            "SecurityProfileName '%.127s' may hold only letters, digits, spaces and _ @ -", name);
    }
    return 0;
}

static int check_permissions(const strlist *perms, rerr *e)
{
    if (perms->n > 500)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Permissions", "Permissions holds at most 500 entries (got %zu)",
                        perms->n);
    for (size_t i = 0; i < perms->n; i++) {
        if (validate_length(e, "Permissions", perms->items[i], 1, 128))
            return -1;
        if (!permission_is_known(perms->items[i]))
            return rerr_set(e, ERR_INVALID_PARAMETER, "Permissions",
                            "Unknown permission '%.128s': roster's catalogue is listed in its README "
                            "(e.g. Users.View, Users.Edit, SecurityProfiles.View, BasicAgentAccess)",
                            perms->items[i]);
    }
    return 0;
}

static int check_items(const strlist *l, const char *field, size_t max_items, rerr *e)
{
    if (l->n > max_items)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s holds at most %zu entries (got %zu)", field, max_items,
                        l->n);
    for (size_t i = 0; i < l->n; i++)
        if (validate_length(e, field, l->items[i], 1, 128))
            return -1;
    return 0;
}

static int check_change(const sp_change *in, rerr *e)
{
    if (in->description && validate_length(e, "Description", in->description, 0, 250))
        return -1;
    if (in->permissions && check_permissions(in->permissions, e))
        return -1;
    if (in->allowed_tags) {
        if (in->allowed_tags->keys.n > 4)
            return rerr_set(e, ERR_INVALID_PARAMETER, "AllowedAccessControlTags",
                            "AllowedAccessControlTags holds at most 4 entries (got %zu)", in->allowed_tags->keys.n);
        for (size_t i = 0; i < in->allowed_tags->keys.n; i++)
            if (validate_length(e, "AllowedAccessControlTags", in->allowed_tags->keys.items[i], 1, 128) ||
                validate_length(e, "AllowedAccessControlTags", in->allowed_tags->values.items[i], 0, 256))
                return -1;
    }
    if (in->tag_restricted && check_items(in->tag_restricted, "TagRestrictedResources", 10, e))
        return -1;
    if (in->hierarchy_restricted && check_items(in->hierarchy_restricted, "HierarchyRestrictedResources", 100, e))
        return -1;
    if (in->allowed_group_id && *in->allowed_group_id &&
        validate_id(e, "AllowedAccessControlHierarchyGroupId", in->allowed_group_id, 256))
        return -1;
    return 0;
}

int security_profiles_check_grant(const principal *who, const strlist *permissions, rerr *e)
{
    for (size_t i = 0; permissions && i < permissions->n; i++)
        if (!principal_has(who, permissions->items[i]))
            return rerr_set(e, ERR_ACCESS_DENIED, "Permissions",
                            "User %s cannot grant the permission %s: none of its own security profiles holds it",
                            who && who->username ? who->username : "?", permissions->items[i]);
    return 0;
}

/* Copies the members of in that are set onto p (deep copies). */
static void apply(security_profile *p, const sp_change *in)
{
    if (in->description) {
        free(p->description);
        p->description = xstrdup(in->description);
    }
    if (in->permissions) {
        strlist_clear(&p->permissions);
        for (size_t i = 0; i < in->permissions->n; i++)
            if (!strlist_contains(&p->permissions, in->permissions->items[i]))
                strlist_push(&p->permissions, in->permissions->items[i]);
    }
    if (in->allowed_tags) {
        kvlist_clear(&p->allowed_tags);
        for (size_t i = 0; i < in->allowed_tags->keys.n; i++)
            kvlist_set(&p->allowed_tags, in->allowed_tags->keys.items[i], in->allowed_tags->values.items[i]);
    }
    const strlist *lists[] = {in->tag_restricted, in->hierarchy_restricted};
    strlist *targets[] = {&p->tag_restricted, &p->hierarchy_restricted};
    for (size_t l = 0; l < 2; l++) {
        if (!lists[l])
            continue;
        strlist_clear(targets[l]);
        for (size_t i = 0; i < lists[l]->n; i++)
            if (!strlist_contains(targets[l], lists[l]->items[i]))
                strlist_push(targets[l], lists[l]->items[i]);
    }
    if (in->allowed_group_id)
        snprintf(p->allowed_group_id, sizeof p->allowed_group_id, "%s", in->allowed_group_id);
}

/* Maps the outcome of a profile write; rc is a STORE_* value. */
static int write_result(core_ctx *cx, int rc, const sp_change *in, const char *name, rerr *e)
{
    if (rc == STORE_OK)
        return 0;
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "SecurityProfileName",
                        "A security profile named '%s' already exists in this instance", name);
    if (rc == STORE_FOREIGN)
        return rerr_set(e, ERR_NOT_FOUND, "AllowedAccessControlHierarchyGroupId", "Hierarchy group not found: %.256s",
                        in->allowed_group_id ? in->allowed_group_id : "");
    return core_store_error(cx, rc, "write the security profile", e);
}

struct create_args {
    const char *instance_id;
    const sp_change *in;
    char *id_out;
};

static int do_create(core_ctx *cx, void *arg, rerr *e)
{
    struct create_args *a = arg;
    security_profile p = {0};
    uuid_v7(p.id);
    snprintf(p.instance_id, sizeof p.instance_id, "%s", a->instance_id);
    p.name = xstrdup(a->in->name);
    p.modified_ms = cx->now_ms;
    apply(&p, a->in);
    int rc = store_security_profile_insert(cx->conn, &p);
    if (rc == STORE_OK && a->in->tags)
        rc = store_tags_set(cx->conn, a->instance_id, p.id, a->in->tags);
    int result = write_result(cx, rc, a->in, p.name, e);
    if (result == 0)
        memcpy(a->id_out, p.id, ID_LEN);
    security_profile_clear(&p);
    return result;
}

int security_profiles_create(core_ctx *cx, const char *instance_id, const sp_change *in, char id_out[ID_LEN],
                             rerr *e)
{
    if (core_allow(cx, CORE_SECURITY_PROFILES_CREATE, instance_id, e))
        return -1;
    if (check_name(in->name, e) || check_change(in, e) || (in->tags && validate_tags(e, "Tags", in->tags)) ||
        security_profiles_check_grant(cx->who, in->permissions, e))
        return -1;
    struct create_args a = {instance_id, in, id_out};
    return core_write(cx, do_create, &a, e);
}

struct update_args {
    const char *instance_id;
    const char *id;
    const sp_change *in;
};

/* Reads profile id of the instance into *p (the caller clears it). Returns 0, or -1 with *e set:
 * ERR_NOT_FOUND, or the store's error. */
static int read_profile(core_ctx *cx, const char *instance_id, const char *id, security_profile *p, rerr *e)
{
    int rc = store_security_profile_get(cx->conn, instance_id, id, p);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "SecurityProfileId", "Security profile not found: %.256s", id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the security profile", e);
}

static int do_update(core_ctx *cx, void *arg, rerr *e)
{
    struct update_args *a = arg;
    security_profile p;
    if (read_profile(cx, a->instance_id, a->id, &p, e))
        return -1;
    int result = -1;
    if (p.builtin && strcmp(p.name, SECURITY_PROFILE_ADMIN) == 0 && a->in->permissions) {
        size_t n;
        const char *const *all = permissions_catalogue(&n);
        for (size_t i = 0; i < n; i++)
            if (!strlist_contains(a->in->permissions, all[i])) {
                rerr_set(e, ERR_INVALID_REQUEST, "Permissions",
                         "The Admin security profile always holds every permission; it cannot lose %s", all[i]);
                goto done;
            }
    }
    apply(&p, a->in);
    p.modified_ms = cx->now_ms;
    result = write_result(cx, store_security_profile_update(cx->conn, &p), a->in, p.name, e);
done:
    security_profile_clear(&p);
    return result;
}

int security_profiles_update(core_ctx *cx, const char *instance_id, const char *id, const sp_change *in,
                             rerr *e)
{
    if (core_allow(cx, CORE_SECURITY_PROFILES_UPDATE, instance_id, e))
        return -1;
    if (validate_id(e, "SecurityProfileId", id, 256) || check_change(in, e) ||
        security_profiles_check_grant(cx->who, in->permissions, e))
        return -1;
    struct update_args a = {instance_id, id, in};
    return core_write(cx, do_update, &a, e);
}

static int do_delete(core_ctx *cx, void *arg, rerr *e)
{
    struct update_args *a = arg;
    security_profile p;
    if (read_profile(cx, a->instance_id, a->id, &p, e))
        return -1;
    int admin = p.builtin && strcmp(p.name, SECURITY_PROFILE_ADMIN) == 0;
    security_profile_clear(&p);
    if (admin)
        return rerr_set(e, ERR_ACCESS_DENIED, "SecurityProfileId", "The Admin security profile cannot be deleted");
    int64_t holders = 0;
    char user_id[ID_LEN] = "";
    int rc;
    if ((rc = store_security_profile_holders(cx->conn, a->id, &holders, user_id)) != STORE_OK)
        return core_store_error(cx, rc, "count the profile's users", e);
    if (holders > 0) {
        char *arn = arn_resource(cx->cfg, a->instance_id, ARN_USER, user_id);
        rerr_set(e, ERR_IN_USE, "SecurityProfileId",
                 "Security profile %s is held by %lld user(s); give them other profiles first", a->id,
                 (long long)holders);
        rerr_set_resource(e, "USER", arn);
        free(arn);
        return -1;
    }
    rc = store_security_profile_delete(cx->conn, a->instance_id, a->id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "delete the security profile", e);
}

int security_profiles_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    if (core_allow(cx, CORE_SECURITY_PROFILES_DELETE, instance_id, e))
        return -1;
    if (validate_id(e, "SecurityProfileId", id, 256))
        return -1;
    struct update_args a = {instance_id, id, NULL};
    return core_write(cx, do_delete, &a, e);
}

/* ---- search ------------------------------------------------------------------------------- */

static const char *const search_fields[] = {"name", "description", "resourceID", "resourceId", NULL};

const search_rules security_profile_search_rules = {
    .fields = search_fields, .contains_min = 2, .contains_max = 25, .tags = 1, .what = "SearchCriteria"};

typedef struct candidate {
    security_profile *p;
    kvlist tags;
} candidate;

static int leaf(const void *item, const search_node *n, void *cls)
{
    (void)cls;
    const candidate *c = item;
    if (n->kind == SEARCH_TAG)
        return search_tag_match(n, &c->tags);
    if (n->kind != SEARCH_STRING)
        return 0;
    if (strcmp(n->field, "name") == 0)
        return search_text(n->cmp, c->p->name, n->value);
    if (strcmp(n->field, "description") == 0)
        return search_text(n->cmp, c->p->description, n->value);
    return search_text(n->cmp, c->p->id, n->value); /* resourceID */
}

int security_profiles_search(core_ctx *cx, const char *instance_id, const search_node *criteria,
                             const char *token, size_t limit, security_profile **out, size_t *n, char **next,
                             int64_t *total, rerr *e)
{
    *out = NULL;
    *n = 0;
    *next = NULL;
    *total = 0;
    if (core_allow(cx, CORE_SECURITY_PROFILES_SEARCH, instance_id, e))
        return -1;
    if (search_validate(criteria, &security_profile_search_rules, e))
        return -1;
    security_profile *all;
    size_t count;
    int rc = store_security_profile_all(cx->conn, instance_id, &all, &count);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read security profiles", e);
    const char **keys = xcalloc(count, sizeof *keys), **ids = xcalloc(count, sizeof *ids);
    size_t *hit = xcalloc(count, sizeof *hit), hits = 0;
    for (size_t i = 0; i < count; i++) {
        candidate cand = {.p = &all[i]};
        if (rc == STORE_OK)
            rc = store_tags_get(cx->conn, all[i].id, &cand.tags);
        if (rc == STORE_OK && search_eval(criteria, &cand, leaf, NULL)) {
            keys[hits] = all[i].name;
            ids[hits] = all[i].id;
            hit[hits++] = i;
        }
        kvlist_clear(&cand.tags);
    }
    search_page pg = {0};
    int result = rc != STORE_OK ? core_store_error(cx, rc, "read tags", e)
                                : search_paginate(e, "security-profile-search", token, limit, keys, ids, hits, &pg);
    if (result == 0) {
        *out = xcalloc(pg.count ? pg.count : 1, sizeof **out);
        for (size_t i = 0; i < pg.count; i++) {
            (*out)[i] = all[hit[pg.start + i]];
            memset(&all[hit[pg.start + i]], 0, sizeof all[0]); /* moved */
        }
        *n = pg.count;
        *next = pg.next;
        *total = (int64_t)hits;
    }
    for (size_t i = 0; i < count; i++)
        security_profile_clear(&all[i]);
    free(all);
    free(keys);
    free(ids);
    free(hit);
    return result;
}
