/* scim_groups.c — SCIM groups and their members (see scim_groups.h): create, replace, delete,
 * each one write transaction that also recomputes what the mappings give the users whose groups
 * changed (scim_grants.h); and the readings. The mappings themselves are scim_mappings.c's. */
#include "core/scim_groups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authorize.h"
#include "core/instances.h"
#include "core/scim_grants.h"
#include "core/scim_users.h"
#include "core/validate.h"
#include "core/write.h"
#include "util/buf.h"
#include "util/ids.h"

#define EXTERNAL_ID_MAX 1024 /* characters, as a user's */

/* ---- records ------------------------------------------------------------------------------------- */

void scim_member_list_clear(scim_member_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].display);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void scim_member_list_push(scim_member_list *l, const char *user_id, const char *display)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    scim_member *m = &l->v[l->n++];
    memset(m, 0, sizeof *m);
    if (user_id && strlen(user_id) < ID_LEN)
        memcpy(m->user_id, user_id, strlen(user_id) + 1);
    m->display = xstrdup(display);
}

void scim_group_clear(scim_group *g)
{
    if (!g)
        return;
    free(g->display_name);
    free(g->external_id);
    free(g->attributes);
    memset(g, 0, sizeof *g);
}

/* ---- checks ------------------------------------------------------------------------------------- */

/* The rules of the input that need no store. */
static int check_input(const scim_group_input *in, rerr *e)
{
    if (validate_text(e, "displayName", in->display_name, 1, SCIM_GROUP_NAME_MAX))
        return -1;
    if (in->external_id && validate_text(e, "externalId", in->external_id, 1, EXTERNAL_ID_MAX))
        return -1;
    if (in->attributes_json && strlen(in->attributes_json) > SCIM_ATTRIBUTES_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "attributes", "the group's other SCIM attributes take over %d bytes",
                        SCIM_ATTRIBUTES_MAX);
    return in->members ? validate_max_entries(e, "members", in->members->n, SCIM_GROUP_MEMBERS_MAX) : 0;
}

/* "{}" and NULL keep nothing. */
static const char *kept(const char *json)
{
    return json && strcmp(json, "{}") != 0 ? json : NULL;
}

/* Copies a store row into *g (zeroed first). */
static void group_from_row(scim_group *g, const scim_group_row *r)
{
    memset(g, 0, sizeof *g);
    snprintf(g->id, sizeof g->id, "%s", r->id ? r->id : "");
    snprintf(g->instance_id, sizeof g->instance_id, "%s", r->instance_id ? r->instance_id : "");
    g->display_name = xstrdup(r->display_name);
    g->external_id = xstrdup(r->external_id);
    g->attributes = xstrdup(r->attributes);
    g->version = r->version;
    g->created_ms = r->created_ms;
    g->modified_ms = r->modified_ms;
}

/* Groups collected from the store (the readings call their callbacks after the statement ends). */
typedef struct group_list {
    scim_group *v;
    size_t n, cap;
} group_list;

static int collect_group(void *ctx, const scim_group_row *r)
{
    group_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    group_from_row(&l->v[l->n++], r);
    return 0;
}

static void group_list_clear(group_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        scim_group_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* The group id of the instance into *out (the caller clears it). ERR_NOT_FOUND when none. */
static int load_group(core_ctx *cx, const char *instance_id, const char *id, scim_group *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (validate_id(e, "id", id, 256))
        return -1;
    group_list l = {0};
    int rc = store_scim_groups(cx->conn, instance_id, STORE_SCIM_BY_ID, id, 0, 1, collect_group, &l);
    if (rc == STORE_OK && l.n) {
        *out = l.v[0];
        l.n = 0;
    }
    group_list_clear(&l);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the group", e);
    return out->id[0] ? 0 : rerr_set(e, ERR_NOT_FOUND, "id", "Group not found: %.256s", id);
}

/* Refuses name when another group of the instance (not self, may be NULL) has it ignoring ASCII
 * case, naming that group. */
static int check_name_free(core_ctx *cx, const char *instance_id, const char *name, const char *self, rerr *e)
{
    group_list l = {0};
    int rc = store_scim_groups(cx->conn, instance_id, STORE_SCIM_BY_NAME, name, 0, 1, collect_group, &l);
    int result = 0;
    if (rc != STORE_OK)
        result = core_store_error(cx, rc, "look up the group's name", e);
    else if (l.n && !(self && strcmp(l.v[0].id, self) == 0))
        result = rerr_set(e, ERR_DUPLICATE, "displayName",
                          "a group named '%.256s' already exists in this instance (%s); group names are unique "
                          "ignoring case",
                          l.v[0].display_name, l.v[0].id);
    group_list_clear(&l);
    return result;
}

static int check_version(const scim_group *g, int64_t if_version, rerr *e)
{
    if (if_version > 0 && g->version != if_version)
        return rerr_set(e, ERR_CONDITION_FAILED, "version",
                        "the group has changed: it is at version %lld, not %lld; read it again", (long long)g->version,
                        (long long)if_version);
    return 0;
}

/* Maps a failed write of the group row. */
static int write_error(core_ctx *cx, int rc, const char *instance_id, const scim_group_input *in, rerr *e)
{
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "displayName", "a group named '%.256s' already exists in this instance",
                        in->display_name);
    if (rc == STORE_FOREIGN)
        return rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.100s", instance_id);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "id", "Group not found");
    return core_store_error(cx, rc, "write the group", e);
}

/* ---- members ------------------------------------------------------------------------------------- */

/* Adds the members of in to group_id in one pass: each must be a user of the instance (else
 * members[i].value is refused); one given twice is added once, the first display kept. The ids
 * added are appended to *added. */
static int add_members(core_ctx *cx, const char *instance_id, const char *group_id, const scim_member_list *in,
                       strlist *added, rerr *e)
{
    for (size_t i = 0; in && i < in->n; i++) {
        const scim_member *m = &in->v[i];
        int rc = m->user_id[0] ? store_resource_exists(cx->conn, STORE_RES_USER, instance_id, m->user_id)
                               : STORE_NOTFOUND;
        if (rc == STORE_OK)
            rc = store_scim_group_member_add(cx->conn, group_id, m->user_id, m->display);
        else if (rc == STORE_NOTFOUND) {
            char field[48];
            snprintf(field, sizeof field, "members[%zu].value", i);
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s is no user of this instance", field);
        }
        if (rc == STORE_OK)
            strlist_push(added, m->user_id);
        else if (rc != STORE_UNIQUE) /* a user given twice: the first stays */
            return core_store_error(cx, rc, "add a member to the group", e);
    }
    return 0;
}

static int push_member(void *ctx, const char *user_id, const char *display)
{
    (void)display;
    strlist_push(ctx, user_id);
    return 0;
}

/* The ids of group_id's members, in id order, appended to *out. */
static int member_ids(core_ctx *cx, const char *group_id, strlist *out, rerr *e)
{
    int rc = store_scim_group_members(cx->conn, group_id, push_member, out);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the group's members", e);
}

/* The ids only in a appended to *only_a, those only in b to *only_b (a and b sorted, each id
 * once; either out may be the other). */
static void split(const strlist *a, const strlist *b, strlist *only_a, strlist *only_b)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->items[i], b->items[j]);
        if (c < 0)
            strlist_push(only_a, a->items[i++]);
        else if (c > 0)
            strlist_push(only_b, b->items[j++]);
        else
            i++, j++;
    }
}

#define AUDIT_IDS_MAX 100 /* member ids listed in one audit document; past it, only the count */

/* A list of at most AUDIT_IDS_MAX of ids, then "… and N more" (new reference). */
static json_t *ids_json(const strlist *ids)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ids->n && i < AUDIT_IDS_MAX; i++)
        json_array_append_new(a, json_string(ids->items[i]));
    if (ids->n > AUDIT_IDS_MAX) {
        char more[48];
        snprintf(more, sizeof more, "... and %zu more", ids->n - AUDIT_IDS_MAX);
        json_array_append_new(a, json_string(more));
    }
    return a;
}

/* A group as the audit trail records it: its name, externalId and number of members, and (lists
 * not NULL) the members added and removed. New reference. */
static json_t *group_audit_doc(const char *name, const char *external_id, size_t members, const strlist *added,
                               const strlist *removed)
{
    json_t *o = json_pack("{s:s, s:I}", "DisplayName", name, "MemberCount", (json_int_t)members);
    if (external_id)
        json_object_set_new(o, "ExternalId", json_string(external_id));
    if (added && added->n)
        json_object_set_new(o, "MembersAdded", ids_json(added));
    if (removed && removed->n)
        json_object_set_new(o, "MembersRemoved", ids_json(removed));
    return o;
}

/* Records operation on group id of the instance with the two documents (either NULL; taken). */
static int audit_group(core_ctx *cx, const char *instance_id, const char *id, const char *operation, json_t *before,
                       json_t *after, rerr *e)
{
    int rc = audit_resource_event(cx, instance_id, id, operation, before, after, e);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ---- changes ------------------------------------------------------------------------------------- */

struct args {
    const char *instance_id;
    const char *id;
    const scim_group_input *in;
    int64_t if_version;
    char *id_out;
};

static int create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    if (check_name_free(cx, a->instance_id, a->in->display_name, NULL, e))
        return -1;
    char id[ID_LEN];
    uuid_v7(id);
    scim_group_row row = {.id = id,
                          .instance_id = a->instance_id,
                          .display_name = a->in->display_name,
                          .external_id = a->in->external_id,
                          .attributes = kept(a->in->attributes_json),
                          .version = 1,
                          .created_ms = cx->now_ms,
                          .modified_ms = cx->now_ms};
    int rc = store_scim_group_insert(cx->conn, &row);
    if (rc != STORE_OK)
        return write_error(cx, rc, a->instance_id, a->in, e);
    strlist added = {0};
    int result = add_members(cx, a->instance_id, id, a->in->members, &added, e) ||
                         scim_grants_apply(cx, a->instance_id, &added, e)
                     ? -1
                     : 0;
    if (result == 0) {
        scim_ids_sort_unique(&added);
        result = audit_group(cx, a->instance_id, id, "ScimCreateGroup", NULL,
                             group_audit_doc(a->in->display_name, a->in->external_id, added.n, &added, NULL), e);
    }
    strlist_clear(&added);
    if (result == 0)
        memcpy(a->id_out, id, ID_LEN);
    return result;
}

int scim_groups_create(core_ctx *cx, const char *instance_id, const scim_group_input *in, char id_out[ID_LEN],
                       rerr *e)
{
    id_out[0] = '\0';
    if (core_allow(cx, CORE_SCIM_GROUPS_CHANGE, instance_id, e) || check_input(in, e))
        return -1;
    struct args a = {.instance_id = instance_id, .in = in, .id_out = id_out};
    return core_write(cx, create_change, &a, e);
}

static int replace_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    scim_group g;
    if (load_group(cx, a->instance_id, a->id, &g, e))
        return -1;
    strlist before = {0}, after = {0}, affected = {0}, added = {0}, removed = {0};
    int renamed = strcmp(g.display_name, a->in->display_name) != 0;
    int result = check_version(&g, a->if_version, e) ||
                         (renamed && check_name_free(cx, a->instance_id, a->in->display_name, g.id, e)) ||
                         member_ids(cx, g.id, &before, e)
                     ? -1
                     : 0;
    scim_group_row row = {.id = g.id,
                          .instance_id = g.instance_id,
                          .display_name = a->in->display_name,
                          .external_id = a->in->external_id,
                          .attributes = kept(a->in->attributes_json),
                          .version = g.version + 1,
                          .modified_ms = cx->now_ms};
    int rc = result ? STORE_OK : store_scim_group_update(cx->conn, &row);
    if (rc == STORE_OK && result == 0)
        rc = store_scim_group_members_clear(cx->conn, g.id);
    if (rc != STORE_OK)
        result = write_error(cx, rc, a->instance_id, a->in, e);
    if (result == 0)
        result = add_members(cx, a->instance_id, g.id, a->in->members, &after, e);
    if (result == 0) {
        /* a new name may change which mappings apply (or their order): every member, old and new */
        scim_ids_sort_unique(&after);
        split(&before, &after, &removed, &added);
        if (renamed) {
            for (size_t i = 0; i < before.n; i++)
                strlist_push(&affected, before.items[i]);
            for (size_t i = 0; i < after.n; i++)
                strlist_push(&affected, after.items[i]);
        } else {
            split(&before, &after, &affected, &affected);
        }
        result = scim_grants_apply(cx, a->instance_id, &affected, e) ||
                         audit_group(cx, a->instance_id, g.id, "ScimReplaceGroup",
                                     group_audit_doc(g.display_name, g.external_id, before.n, NULL, NULL),
                                     group_audit_doc(a->in->display_name, a->in->external_id, after.n, &added,
                                                     &removed),
                                     e)
                     ? -1
                     : 0;
    }
    strlist_clear(&before);
    strlist_clear(&after);
    strlist_clear(&added);
    strlist_clear(&removed);
    strlist_clear(&affected);
    scim_group_clear(&g);
    return result;
}

int scim_groups_replace(core_ctx *cx, const char *instance_id, const char *id, const scim_group_input *in,
                        int64_t if_version, rerr *e)
{
    if (core_allow(cx, CORE_SCIM_GROUPS_CHANGE, instance_id, e) || check_input(in, e))
        return -1;
    struct args a = {.instance_id = instance_id, .id = id, .in = in, .if_version = if_version};
    return core_write(cx, replace_change, &a, e);
}

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    scim_group g;
    if (load_group(cx, a->instance_id, a->id, &g, e))
        return -1;
    strlist members = {0};
    int result = check_version(&g, a->if_version, e) || member_ids(cx, g.id, &members, e) ? -1 : 0;
    int rc = result ? STORE_OK : store_scim_group_delete(cx->conn, a->instance_id, g.id);
    if (rc != STORE_OK)
        result = rc == STORE_NOTFOUND ? rerr_set(e, ERR_NOT_FOUND, "id", "Group not found: %s", g.id)
                                      : core_store_error(cx, rc, "delete the group", e);
    if (result == 0)
        result = scim_grants_apply(cx, a->instance_id, &members, e) ||
                         audit_group(cx, a->instance_id, g.id, "ScimDeleteGroup",
                                     group_audit_doc(g.display_name, g.external_id, members.n, NULL, NULL), NULL, e)
                     ? -1
                     : 0;
    strlist_clear(&members);
    scim_group_clear(&g);
    return result;
}

int scim_groups_delete(core_ctx *cx, const char *instance_id, const char *id, int64_t if_version, rerr *e)
{
    if (core_allow(cx, CORE_SCIM_GROUPS_CHANGE, instance_id, e))
        return -1;
    struct args a = {.instance_id = instance_id, .id = id, .if_version = if_version};
    return core_write(cx, delete_change, &a, e);
}

/* ---- readings ------------------------------------------------------------------------------------- */

static int push_full_member(void *ctx, const char *user_id, const char *display)
{
    scim_member_list_push(ctx, user_id, display);
    return 0;
}

int scim_groups_each(core_ctx *cx, const char *instance_id, scim_groups_by by, const char *key, int64_t offset,
                     int64_t limit, int with_members, scim_group_fn fn, void *ctx, rerr *e)
{
    if (core_allow(cx, CORE_SCIM_GROUPS_READ, instance_id, e))
        return -1;
    store_scim_by sb = by == SCIM_GROUPS_BY_ID            ? STORE_SCIM_BY_ID
                       : by == SCIM_GROUPS_BY_NAME        ? STORE_SCIM_BY_NAME
                       : by == SCIM_GROUPS_BY_EXTERNAL_ID ? STORE_SCIM_BY_EXTERNAL_ID
                                                          : STORE_SCIM_ALL;
    group_list l = {0};
    int rc = store_scim_groups(cx->conn, instance_id, sb, key ? key : "", offset, limit, collect_group, &l);
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++) {
        scim_member_list members = {0};
        if (with_members)
            rc = store_scim_group_members(cx->conn, l.v[i].id, push_full_member, &members);
        int stop = rc == STORE_OK && fn(ctx, &l.v[i], with_members ? &members : NULL);
        scim_member_list_clear(&members);
        if (stop)
            break;
    }
    group_list_clear(&l);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the groups", e);
}
