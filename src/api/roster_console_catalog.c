/* roster_console_catalog.c — the web console's catalog of an instance (GET …/console: its names,
 * the password policy, the roles of its security profiles and the role -> profiles mapping the
 * add-user form pre-selects) and the change of that mapping (PUT …/console/role-profiles).
 * Rules in core (core/console.h, core/catalog.h, core/user_rules.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/console_json.h"
#include "api/jsonio.h"
#include "api/roster_wire.h"
#include "core/catalog.h"
#include "core/console.h"
#include "core/json_members.h"
#include "core/user_rules.h"

/* {"Agent": [ids], "Supervisor": […], "Manager": […]} of the instance (new reference), or NULL
 * with c->err set. */
static json_t *role_profiles_json(api_call *c)
{
    strlist m[CONSOLE_ROLES] = {{0}};
    json_t *o = NULL;
    if (console_role_profiles_get(&c->cx, c->inst.id, m, &c->err) == 0) {
        o = json_object();
        for (int k = 0; k < CONSOLE_ROLES; k++)
            json_object_set_new(o, console_role_names[k], jstrlist(&m[k]));
    }
    for (int k = 0; k < CONSOLE_ROLES; k++)
        strlist_clear(&m[k]);
    return o;
}

/* [{"Id","Name"}…] of a catalog set, in name order. */
static json_t *names_json(const catalog_set *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(a, console_id_name(s->by_name[i].id, s->by_name[i].name));
    return a;
}

/* [{"Id","Name","Path","ParentId"}…] of the groups, in name order; Path joins the names from level
 * one down with " / ". */
static json_t *groups_json(const catalog *cat)
{
    json_t *a = json_array();
    for (size_t i = 0; i < cat->groups.n; i++) {
        const catalog_entry *g = &cat->groups.by_name[i];
        char *path = catalog_group_label(cat, g->id);
        json_t *o = console_id_name(g->id, g->name);
        json_object_set_new(o, "Path", json_string(path ? path : g->name));
        json_object_set_new(o, "ParentId", g->parent_id[0] ? json_string(g->parent_id) : json_null());
        free(path);
        json_array_append_new(a, o);
    }
    return a;
}

static int get_console(api_call *c)
{
    static const char *const params[] = {NULL};
    if (roster_check_params(c->r, params, &c->err))
        return -1;
    catalog cat;
    console_profiles profiles;
    json_t *roles = NULL;
    int rc = catalog_load(&c->cx, c->inst.id, &cat, &c->err) ||
                     console_profiles_load(&c->cx, c->inst.id, &profiles, &c->err) ||
                     (roles = role_profiles_json(c)) == NULL
                 ? -1
                 : 0;
    if (rc == 0) {
        json_t *inst = json_object();
        json_object_set_new(inst, "Id", json_string(c->inst.id));
        json_object_set_new(inst, "Alias", c->inst.alias ? json_string(c->inst.alias) : json_null());
        json_object_set_new(inst, "IdentityManagementType", json_string(c->inst.idm_type));
        json_t *sps = json_array();
        for (size_t i = 0; i < profiles.n; i++) {
            json_t *o = console_id_name(profiles.items[i].id, profiles.items[i].name);
            json_object_set_new(o, "Role", json_string(profiles.items[i].role));
            json_array_append_new(sps, o);
        }
        c->out = json_object();
        json_object_set_new(c->out, "Instance", inst);
        json_object_set_new(c->out, "PasswordPolicy", strcmp(c->inst.idm_type, USER_IDM_CONNECT_MANAGED) == 0
                                                           ? json_string(user_password_policy())
                                                           : json_null());
        json_object_set_new(c->out, "RoutingProfiles", names_json(&cat.routing));
        json_object_set_new(c->out, "SecurityProfiles", sps);
        json_object_set_new(c->out, "HierarchyGroups", groups_json(&cat));
        json_object_set_new(c->out, "RoleProfiles", roles);
    }
    catalog_clear(&cat);
    console_profiles_clear(&profiles);
    return rc;
}

static int put_role_profiles(api_call *c)
{
    static const char *const params[] = {NULL};
    static const char *const members[] = {"RoleProfiles", NULL};
    static const char *const roles[] = {"Agent", "Supervisor", "Manager", NULL}; /* console_role_names */
    json_t *m = NULL;
    if (roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, "", members) ||
        mj_obj(&c->err, c->in, "", "RoleProfiles", 1, &m) ||
        mj_only(&c->err, m, "RoleProfiles", roles))
        return -1;
    strlist lists[CONSOLE_ROLES] = {{0}};
    const strlist *in[CONSOLE_ROLES] = {NULL};
    int rc = 0;
    for (int k = 0; rc == 0 && k < CONSOLE_ROLES; k++) {
        int present = 0;
        rc = jget_strlist(&c->err, m, console_role_names[k], &lists[k], &present);
        if (rc == 0 && present)
            in[k] = &lists[k];
        if (rc && strchr(c->err.field, '.') == NULL) { /* name the member within RoleProfiles */
            char field[sizeof c->err.field];
            snprintf(field, sizeof field, "RoleProfiles.%s", console_role_names[k]);
            snprintf(c->err.field, sizeof c->err.field, "%s", field);
        }
    }
    if (rc == 0)
        rc = console_role_profiles_set(&c->cx, c->inst.id, in, &c->err);
    for (int k = 0; k < CONSOLE_ROLES; k++)
        strlist_clear(&lists[k]);
    if (rc)
        return -1;
    store_begin(c->cx.conn, 0); /* the answer reads in one snapshot */
    json_t *mapping = role_profiles_json(c);
    store_rollback(c->cx.conn);
    if (!mapping)
        return -1;
    c->out = json_object();
    json_object_set_new(c->out, "RoleProfiles", mapping);
    return 0;
}

#define CONSOLE "/roster/v1/instances/{InstanceId}/console"

static const api_op ops[] = {
    {"DescribeConsole", "GET", CONSOLE, CORE_CATALOG_READ, 0, get_console},
    {"UpdateRoleProfiles", "PUT", CONSOLE "/role-profiles", CORE_ROLE_PROFILES_UPDATE, 0, put_role_profiles},
};

const api_op *roster_console_catalog_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
