/* scim_settings.c — an instance's SCIM settings (see scim_settings.h). */
#include "core/scim_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/write.h"

void scim_settings_clear(scim_settings *s)
{
    if (!s)
        return;
    free(s->routing_profile_name);
    strlist_clear(&s->security_profile_ids);
    strlist_clear(&s->security_profile_names);
    memset(s, 0, sizeof *s);
}

int scim_settings_instance(core_ctx *cx, const char *instance_ref, char id[ID_LEN], rerr *e)
{
    instance in;
    if (instances_resolve_for(cx, CORE_SCIM_SETTINGS, instance_ref, 1, &in, e))
        return -1;
    memcpy(id, in.id, ID_LEN);
    instance_clear(&in);
    return 0;
}

/* Reads the stored settings of instance_id with their profiles' names into *out. */
static int read_settings(core_ctx *cx, const char *instance_id, scim_settings *out, rerr *e)
{
    scim_settings_row row;
    int stored;
    int rc = store_scim_settings_get(cx->conn, instance_id, &row, &stored);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the SCIM settings", e);
    memcpy(out->instance_id, instance_id, ID_LEN);
    memcpy(out->routing_profile_id, row.routing_profile_id, ID_LEN);
    out->security_profile_ids = row.security_profile_ids;
    out->admins_edit_settings = row.admins_edit_settings;
    out->delete_disables = row.delete_disables;
    if (out->routing_profile_id[0]) {
        routing_profile p = {0};
        if ((rc = store_routing_profile_get(cx->conn, instance_id, out->routing_profile_id, &p)) != STORE_OK)
            return core_store_error(cx, rc, "read the SCIM settings' routing profile", e);
        out->routing_profile_name = p.name ? strdup(p.name) : NULL;
        routing_profile_clear(&p);
    }
    for (size_t i = 0; i < out->security_profile_ids.n; i++) {
        security_profile p = {0};
        if ((rc = store_security_profile_get(cx->conn, instance_id, out->security_profile_ids.items[i], &p)) != STORE_OK)
            return core_store_error(cx, rc, "read the SCIM settings' security profiles", e);
        strlist_push(&out->security_profile_names, p.name);
        security_profile_clear(&p);
    }
    return 0;
}

int scim_settings_get(core_ctx *cx, const char *instance_ref, scim_settings *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char id[ID_LEN];
    return scim_settings_instance(cx, instance_ref, id, e) || read_settings(cx, id, out, e) ? -1 : 0;
}

struct put_args {
    const char *instance_id;
    const scim_settings_in *in;
};

static int put_change(core_ctx *cx, void *arg, rerr *e)
{
    struct put_args *a = arg;
    const scim_settings_in *in = a->in;
    scim_settings_row row;
    int stored, rc = store_scim_settings_get(cx->conn, a->instance_id, &row, &stored);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the SCIM settings", e);
    int result = 0;
    if (in->routing_profile && !*in->routing_profile)
        row.routing_profile_id[0] = '\0';
    else if (in->routing_profile) {
        routing_profile p = {0};
        rc = store_routing_profile_by_name(cx->conn, a->instance_id, in->routing_profile, &p);
        if (rc == STORE_OK)
            memcpy(row.routing_profile_id, p.id, ID_LEN);
        routing_profile_clear(&p);
        if (rc == STORE_NOTFOUND)
            result = rerr_set(e, ERR_NOT_FOUND, "RoutingProfile", "the instance has no routing profile named '%.256s'",
                              in->routing_profile);
        else if (rc != STORE_OK)
            result = core_store_error(cx, rc, "look up the routing profile", e);
    }
    if (result == 0 && in->security_profiles) {
        strlist_clear(&row.security_profile_ids);
        if (in->security_profiles->n > 10)
            result = rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfiles",
                              "at most 10 security profiles (got %zu)", in->security_profiles->n);
        for (size_t i = 0; result == 0 && i < in->security_profiles->n; i++) {
            security_profile p = {0};
            const char *name = in->security_profiles->items[i];
            rc = store_security_profile_by_name(cx->conn, a->instance_id, name, &p);
            if (rc == STORE_OK && !strlist_contains(&row.security_profile_ids, p.id))
                strlist_push(&row.security_profile_ids, p.id);
            security_profile_clear(&p);
            if (rc == STORE_NOTFOUND)
                result = rerr_set(e, ERR_NOT_FOUND, "SecurityProfiles",
                                  "the instance has no security profile named '%.256s'", name);
            else if (rc != STORE_OK)
                result = core_store_error(cx, rc, "look up the security profile", e);
        }
    }
    if (in->admins_edit_settings >= 0)
        row.admins_edit_settings = in->admins_edit_settings != 0;
    if (in->delete_disables >= 0)
        row.delete_disables = in->delete_disables != 0;
    if (result == 0 && (rc = store_scim_settings_put(cx->conn, a->instance_id, &row)) != STORE_OK)
        result = core_store_error(cx, rc, "write the SCIM settings", e);
    strlist_clear(&row.security_profile_ids);
    return result;
}

int scim_settings_put(core_ctx *cx, const char *instance_ref, const scim_settings_in *in, rerr *e)
{
    char id[ID_LEN];
    if (scim_settings_instance(cx, instance_ref, id, e))
        return -1;
    struct put_args a = {id, in};
    return core_write(cx, put_change, &a, e);
}

int scim_settings_defaults(core_ctx *cx, const char *instance_id, char rp[ID_LEN], strlist *sps, int *delete_disables,
                           char idm_type[24], rerr *e)
{
    scim_create_defaults d;
    int rc = store_scim_create_defaults(cx->conn, instance_id, SCIM_DEFAULT_ROUTING_PROFILE,
                                        SCIM_DEFAULT_SECURITY_PROFILE, &d);
    int result = 0;
    if (rc == STORE_NOTFOUND)
        result = rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.100s", instance_id);
    else if (rc != STORE_OK)
        result = core_store_error(cx, rc, "read the SCIM settings", e);
    else if (!d.routing_profile_id[0])
        result = rerr_set(e, ERR_INVALID_REQUEST, "RoutingProfile",
                          "the instance has no routing profile named '" SCIM_DEFAULT_ROUTING_PROFILE
                          "' for provisioned users: choose one with `roster scim-settings set --routing-profile NAME`");
    else if (!d.security_profile_ids.n)
        result = rerr_set(e, ERR_INVALID_REQUEST, "SecurityProfiles",
                          "the instance has no security profile named '" SCIM_DEFAULT_SECURITY_PROFILE
                          "' for provisioned users: choose some with `roster scim-settings set --security-profile "
                          "NAME`");
    if (result == 0) {
        memcpy(rp, d.routing_profile_id, ID_LEN);
        for (size_t i = 0; i < d.security_profile_ids.n; i++)
            strlist_push(sps, d.security_profile_ids.items[i]);
        *delete_disables = d.delete_disables;
        if (idm_type)
            snprintf(idm_type, 24, "%s", d.idm_type);
    }
    strlist_clear(&d.security_profile_ids);
    return result;
}
