/* roster_scim.c — an instance's SCIM administration on the roster API: its SCIM settings
 * (GET/PUT …/scim/settings) and its group mappings (GET/POST …/scim/mappings, DELETE
 * …/scim/mappings/{MappingId}), the instance named by its id or alias (resolved by core). An
 * account-wide principal only (CORE_SCIM_SETTINGS); the rules are core's (core/scim_settings.h,
 * core/scim_groups.h).
 *
 * Settings: {"RoutingProfile": name or null (unset: the profile named "Basic Routing Profile"),
 * "SecurityProfiles": [names] ([]: unset, the profile named "Agent"), "AdminsEditSettings": bool,
 * "DeleteDisables": bool}; a PUT changes the members it gives ("" and [] go back to the defaults)
 * and answers the settings. A mapping: {"MappingId", "GroupName", "Kind" (SECURITY_PROFILE |
 * ROUTING_PROFILE | HIERARCHY_GROUP), "TargetId", "Target" (a profile's name, a group's path),
 * "Precedence", "CreatedTime"}; a POST takes GroupName, Kind, Target and Precedence (default 100)
 * and answers {"Mapping": …}; a DELETE answers an empty 200. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "api/roster_wire.h"
#include "core/json_members.h"
#include "core/scim_groups.h"
#include "core/scim_settings.h"
#include "core/validate.h"

/* ---- settings ------------------------------------------------------------------------------------ */

/* c->out = the instance's settings; -1 with c->err. */
static int answer_settings(api_call *c)
{
    scim_settings s;
    if (scim_settings_get(&c->cx, c->labels[0], &s, &c->err)) {
        scim_settings_clear(&s);
        return -1;
    }
    c->out = json_object();
    json_object_set_new(c->out, "RoutingProfile",
                        s.routing_profile_name ? json_string(s.routing_profile_name) : json_null());
    json_object_set_new(c->out, "SecurityProfiles", jstrlist(&s.security_profile_names));
    json_object_set_new(c->out, "AdminsEditSettings", json_boolean(s.admins_edit_settings));
    json_object_set_new(c->out, "DeleteDisables", json_boolean(s.delete_disables));
    scim_settings_clear(&s);
    return 0;
}

static int get_settings(api_call *c)
{
    static const char *const params[] = {NULL};
    return roster_check_params(c->r, params, &c->err) ? -1 : answer_settings(c);
}

static int put_settings(api_call *c)
{
    static const char *const params[] = {NULL};
    static const char *const members[] = {"RoutingProfile", "SecurityProfiles", "AdminsEditSettings",
                                          "DeleteDisables", NULL};
    scim_settings_in in = {.admins_edit_settings = -1, .delete_disables = -1};
    strlist sps = {0};
    int has_sps = 0, admins = 0, has_admins = 0, disables = 0, has_disables = 0;
    int rc = roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, "", members) ||
                     jget_str(&c->err, c->in, "RoutingProfile", 0, &in.routing_profile) ||
                     jget_strlist(&c->err, c->in, "SecurityProfiles", &sps, &has_sps) ||
                     jget_bool(&c->err, c->in, "AdminsEditSettings", 0, &admins, &has_admins) ||
                     jget_bool(&c->err, c->in, "DeleteDisables", 0, &disables, &has_disables)
                 ? -1
                 : 0;
    if (has_sps)
        in.security_profiles = &sps;
    if (has_admins)
        in.admins_edit_settings = admins != 0;
    if (has_disables)
        in.delete_disables = disables != 0;
    if (rc == 0)
        rc = scim_settings_put(&c->cx, c->labels[0], &in, &c->err);
    strlist_clear(&sps);
    if (rc)
        return -1;
    store_begin(c->cx.conn, 0); /* the answer reads in one snapshot */
    rc = answer_settings(c);
    store_rollback(c->cx.conn);
    return rc;
}

/* ---- mappings ------------------------------------------------------------------------------------ */

static json_t *mapping_json(const scim_mapping *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "MappingId", json_string(m->id));
    json_object_set_new(o, "GroupName", json_string(m->group_name));
    json_object_set_new(o, "Kind", json_string(scim_mapping_kind_name(m->kind)));
    json_object_set_new(o, "TargetId", json_string(m->target_id));
    json_object_set_new(o, "Target", m->target_name ? json_string(m->target_name) : json_null());
    json_object_set_new(o, "Precedence", json_integer(m->precedence));
    json_object_set_new(o, "CreatedTime", jtime(m->created_ms));
    return o;
}

/* The instance's mappings as a JSON array, or (only not NULL) the one of that id as an object;
 * NULL with c->err. */
static json_t *mappings_json(api_call *c, const char *only)
{
    scim_mapping *v = NULL;
    size_t n = 0;
    if (scim_mappings_list(&c->cx, c->labels[0], &v, &n, &c->err))
        return NULL;
    json_t *out = only ? NULL : json_array();
    for (size_t i = 0; i < n; i++) {
        if (!only)
            json_array_append_new(out, mapping_json(&v[i]));
        else if (!out && strcmp(v[i].id, only) == 0)
            out = mapping_json(&v[i]);
        scim_mapping_clear(&v[i]);
    }
    free(v);
    if (!out)
        rerr_set(&c->err, ERR_NOT_FOUND, "MappingId", "SCIM group mapping not found: %s", only);
    return out;
}

static int list_mappings(api_call *c)
{
    static const char *const params[] = {NULL};
    json_t *list = roster_check_params(c->r, params, &c->err) ? NULL : mappings_json(c, NULL);
    if (!list)
        return -1;
    c->out = json_object();
    json_object_set_new(c->out, "Mappings", list);
    return 0;
}

static int create_mapping(api_call *c)
{
    static const char *const params[] = {NULL};
    static const char *const members[] = {"GroupName", "Kind", "Target", "Precedence", NULL};
    static const char *const kinds[] = {"SECURITY_PROFILE", "ROUTING_PROFILE", "HIERARCHY_GROUP", NULL};
    const char *group = NULL, *kind = NULL, *target = NULL;
    int64_t precedence = SCIM_MAPPING_PRECEDENCE_DEFAULT;
    int has_precedence = 0;
    if (roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, "", members) ||
        jget_str(&c->err, c->in, "GroupName", 1, &group) || jget_str(&c->err, c->in, "Kind", 1, &kind) ||
        jget_str(&c->err, c->in, "Target", 1, &target) ||
        jget_int(&c->err, c->in, "Precedence", 0, &precedence, &has_precedence) ||
        validate_enum(&c->err, "Kind", kind, kinds))
        return -1;
    char id[ID_LEN];
    scim_mapping_kind k = (scim_mapping_kind)scim_mapping_kind_of(kind);
    if (scim_mappings_add(&c->cx, c->labels[0], group, k, target, precedence, id, &c->err))
        return -1;
    store_begin(c->cx.conn, 0);
    json_t *m = mappings_json(c, id);
    store_rollback(c->cx.conn);
    if (!m)
        return -1;
    c->out = json_object();
    json_object_set_new(c->out, "Mapping", m);
    return 0;
}

static int delete_mapping(api_call *c)
{
    static const char *const params[] = {NULL};
    if (roster_check_params(c->r, params, &c->err))
        return -1;
    return scim_mappings_remove(&c->cx, c->labels[0], c->labels[1], &c->err);
}

#define SCIM "/roster/v1/instances/{InstanceId}/scim"

static const api_op ops[] = {
    {"DescribeScimSettings", "GET", SCIM "/settings", CORE_SCIM_SETTINGS, OP_NO_INSTANCE, get_settings},
    {"UpdateScimSettings", "PUT", SCIM "/settings", CORE_SCIM_SETTINGS, OP_NO_INSTANCE, put_settings},
    {"ListScimMappings", "GET", SCIM "/mappings", CORE_SCIM_SETTINGS, OP_NO_INSTANCE, list_mappings},
    {"CreateScimMapping", "POST", SCIM "/mappings", CORE_SCIM_SETTINGS, OP_NO_INSTANCE, create_mapping},
    {"DeleteScimMapping", "DELETE", SCIM "/mappings/{MappingId}", CORE_SCIM_SETTINGS, OP_NO_INSTANCE, delete_mapping},
};

const api_op *roster_scim_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
