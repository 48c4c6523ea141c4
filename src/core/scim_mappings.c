/* scim_mappings.c — the mappings of SCIM group names to a security profile, a routing profile or
 * a hierarchy group (see scim_groups.h): added, listed, removed by an account-wide principal
 * (CORE_SCIM_SETTINGS), each change recomputing the members of groups of that name in its write
 * transaction (scim_grants.h). Targets are named as people name them (catalog.h). */
#include "core/scim_groups.h"
#include "core/scim_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/authorize.h"
#include "core/catalog.h"
#include "core/instances.h"
#include "core/scim_grants.h"
#include "core/validate.h"
#include "core/write.h"
#include "util/buf.h"
#include "util/ids.h"

_Static_assert((int)SCIM_MAP_SECURITY_PROFILE == (int)STORE_SCIM_SECURITY_PROFILE &&
                   (int)SCIM_MAP_ROUTING_PROFILE == (int)STORE_SCIM_ROUTING_PROFILE &&
                   (int)SCIM_MAP_HIERARCHY_GROUP == (int)STORE_SCIM_HIERARCHY_GROUP,
               "scim_mapping_kind and store_scim_target name the same kinds in the same order");

static const char *const kind_names[] = {"SECURITY_PROFILE", "ROUTING_PROFILE", "HIERARCHY_GROUP", NULL};

const char *scim_mapping_kind_name(scim_mapping_kind k)
{
    return (int)k >= 0 && (int)k < STORE_SCIM_TARGETS ? kind_names[k] : "?";
}

int scim_mapping_kind_of(const char *name)
{
    for (int k = 0; name && kind_names[k]; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

void scim_mapping_clear(scim_mapping *m)
{
    if (!m)
        return;
    free(m->group_name);
    free(m->target_name);
    memset(m, 0, sizeof *m);
}


/* The hierarchy group named by path ("A / B / C") or by its id, from cat; NULL with *e set. */
static const char *group_target(const catalog *cat, const char *target, rerr *e)
{
    const char *names[5];
    if (catalog_group_names(cat, target, names) > 0)
        return target;
    char *copy = xstrdup(target), *parts[6];
    size_t n = 0;
    for (char *p = copy; n < 6;) {
        parts[n++] = p;
        char *sep = strstr(p, CATALOG_PATH_SEPARATOR);
        if (!sep)
            break;
        *sep = '\0';
        p = sep + strlen(CATALOG_PATH_SEPARATOR);
    }
    const char *id = catalog_group_path(cat, parts, n, "Target", e);
    free(copy);
    return id;
}

/* The id of the target of kind named target, into id; ERR_NOT_FOUND (field "Target") when the
 * instance has none of that name. */
static int resolve_target(core_ctx *cx, const char *instance_id, scim_mapping_kind kind, const char *target,
                          char id[ID_LEN], rerr *e)
{
    catalog cat;
    const char *hit = NULL;
    if (catalog_load(cx, instance_id, &cat, e) == 0) {
        switch (kind) {
        case SCIM_MAP_SECURITY_PROFILE: hit = catalog_security_profile(&cat, target, "Target", e); break;
        case SCIM_MAP_ROUTING_PROFILE: hit = catalog_routing_profile(&cat, target, "Target", e); break;
        case SCIM_MAP_HIERARCHY_GROUP: hit = group_target(&cat, target, e); break;
        }
    }
    if (hit)
        snprintf(id, ID_LEN, "%s", hit);
    catalog_clear(&cat);
    return hit ? 0 : -1;
}

static void rows_clear(scim_mapping_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        scim_mapping_row_clear(&rows[i]);
    free(rows);
}

/* Refuses a second mapping of the same group name (ignoring ASCII case) to the same target. */
static int check_new(core_ctx *cx, const scim_mapping_row *m, rerr *e)
{
    scim_mapping_row *rows = NULL;
    size_t n = 0;
    int rc = store_scim_mappings(cx->conn, m->instance_id, &rows, &n), result = 0;
    if (rc != STORE_OK)
        result = core_store_error(cx, rc, "read the SCIM group mappings", e);
    for (size_t i = 0; result == 0 && i < n; i++)
        if (rows[i].kind == m->kind && strcmp(rows[i].target_id, m->target_id) == 0 &&
            strcasecmp(rows[i].group_name, m->group_name) == 0)
            result = rerr_set(e, ERR_DUPLICATE, "GroupName", "group '%.256s' is already mapped to this %s (mapping %s)",
                              rows[i].group_name, kind_names[m->kind], rows[i].id);
    rows_clear(rows, n);
    return result;
}

/* Recomputes the members of the instance's groups named group_name. */
static int recompute_name(core_ctx *cx, const char *instance_id, const char *group_name, rerr *e)
{
    strlist users = {0};
    int rc = store_scim_name_members(cx->conn, instance_id, group_name, &users);
    int result = rc == STORE_OK ? scim_grants_apply(cx, instance_id, &users, e)
                                : core_store_error(cx, rc, "read the group's members", e);
    strlist_clear(&users);
    return result;
}

struct add_args {
    scim_mapping_row row;
    const char *target;
};

static int add_change(core_ctx *cx, void *arg, rerr *e)
{
    struct add_args *a = arg;
    if (resolve_target(cx, a->row.instance_id, (scim_mapping_kind)a->row.kind, a->target, a->row.target_id, e) ||
        check_new(cx, &a->row, e))
        return -1;
    int rc = store_scim_mapping_insert(cx->conn, &a->row);
    if (rc == STORE_FOREIGN)
        return rerr_set(e, ERR_NOT_FOUND, "Target", "the %s '%.256s' no longer exists", kind_names[a->row.kind],
                        a->target);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "write the SCIM group mapping", e);
    return recompute_name(cx, a->row.instance_id, a->row.group_name, e);
}

int scim_mappings_add(core_ctx *cx, const char *instance_ref, const char *group_name, scim_mapping_kind kind,
                      const char *target, int64_t precedence, char id_out[ID_LEN], rerr *e)
{
    id_out[0] = '\0';
    struct add_args a = {.target = target};
    if (scim_settings_instance(cx, instance_ref, a.row.instance_id, e) ||
        validate_text(e, "GroupName", group_name, 1, SCIM_GROUP_NAME_MAX))
        return -1;
    if ((int)kind < 0 || (int)kind >= STORE_SCIM_TARGETS)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Kind", "Kind must be SECURITY_PROFILE, ROUTING_PROFILE or "
                                                          "HIERARCHY_GROUP");
    if (validate_length(e, "Target", target, 1, 1024) ||
        validate_range(e, "Precedence", precedence, 0, SCIM_MAPPING_PRECEDENCE_MAX))
        return -1;
    uuid_v7(a.row.id);
    a.row.group_name = (char *)group_name; /* borrowed: the row is not cleared */
    a.row.kind = (store_scim_target)kind;
    a.row.precedence = precedence;
    a.row.created_ms = cx->now_ms;
    if (core_write(cx, add_change, &a, e))
        return -1;
    memcpy(id_out, a.row.id, ID_LEN);
    return 0;
}

int scim_mappings_list(core_ctx *cx, const char *instance_ref, scim_mapping **out, size_t *n, rerr *e)
{
    *out = NULL;
    *n = 0;
    char id[ID_LEN];
    if (scim_settings_instance(cx, instance_ref, id, e))
        return -1;
    scim_mapping_row *rows = NULL;
    size_t nr = 0;
    catalog cat;
    int rc = store_scim_mappings(cx->conn, id, &rows, &nr);
    if (rc != STORE_OK) {
        rows_clear(rows, nr);
        return core_store_error(cx, rc, "read the SCIM group mappings", e);
    }
    if (catalog_load(cx, id, &cat, e)) {
        catalog_clear(&cat);
        rows_clear(rows, nr);
        return -1;
    }
    scim_mapping *v = xmalloc((nr ? nr : 1) * sizeof *v);
    for (size_t i = 0; i < nr; i++) {
        scim_mapping *m = &v[i];
        memset(m, 0, sizeof *m);
        memcpy(m->id, rows[i].id, ID_LEN);
        memcpy(m->instance_id, rows[i].instance_id, ID_LEN);
        m->group_name = rows[i].group_name;
        rows[i].group_name = NULL;
        m->kind = (scim_mapping_kind)rows[i].kind;
        memcpy(m->target_id, rows[i].target_id, ID_LEN);
        m->target_name = m->kind == SCIM_MAP_SECURITY_PROFILE ? xstrdup(catalog_security_name(&cat, m->target_id))
                         : m->kind == SCIM_MAP_ROUTING_PROFILE ? xstrdup(catalog_routing_name(&cat, m->target_id))
                                                               : catalog_group_label(&cat, m->target_id);
        m->precedence = rows[i].precedence;
        m->created_ms = rows[i].created_ms;
    }
    catalog_clear(&cat);
    rows_clear(rows, nr);
    *out = v;
    *n = nr;
    return 0;
}

struct remove_args {
    const char *instance_id;
    const char *id;
};

static int remove_change(core_ctx *cx, void *arg, rerr *e)
{
    struct remove_args *a = arg;
    scim_mapping_row m;
    int rc = store_scim_mapping_get(cx->conn, a->instance_id, a->id, &m);
    if (rc == STORE_OK)
        rc = store_scim_mapping_delete(cx->conn, a->instance_id, a->id);
    int result;
    if (rc == STORE_OK)
        result = recompute_name(cx, a->instance_id, m.group_name, e);
    else if (rc == STORE_NOTFOUND)
        result = rerr_set(e, ERR_NOT_FOUND, "MappingId", "SCIM group mapping not found: %.256s", a->id);
    else
        result = core_store_error(cx, rc, "remove the SCIM group mapping", e);
    scim_mapping_row_clear(&m);
    return result;
}

int scim_mappings_remove(core_ctx *cx, const char *instance_ref, const char *id, rerr *e)
{
    char iid[ID_LEN];
    if (scim_settings_instance(cx, instance_ref, iid, e) || validate_id(e, "MappingId", id, 256))
        return -1;
    struct remove_args a = {iid, id};
    return core_write(cx, remove_change, &a, e);
}
