/* console.c — roles of profiles and users, and the role -> profiles mapping (see console.h). */
#include "core/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "core/security_profiles.h"
#include "core/validate.h"
#include "core/write.h"
#include "util/buf.h"

#define PERMISSIONS_MAX 10000 /* per profile: far above the catalogue */
#define ROLE_PROFILES_MAX 10  /* a user holds at most 10 profiles: a role pre-selects no more */

const char *const console_role_names[CONSOLE_ROLES] = {"Agent", "Supervisor", "Manager"};
const char *const console_role_default_profile[CONSOLE_ROLES] = {"Agent", "QualityAnalyst", "CallCenterManager"};

void console_profiles_clear(console_profiles *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        strlist_clear(&l->items[i].permissions);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int console_profiles_load(core_ctx *cx, const char *instance_id, console_profiles *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_CATALOG_READ, instance_id, e))
        return -1;
    security_profile *all = NULL;
    size_t n = 0;
    int rc = store_security_profile_all(cx->conn, instance_id, &all, &n);
    if (rc == STORE_OK && n > 0)
        out->items = xcalloc(n, sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        if (rc == STORE_OK) {
            console_profile *p = &out->items[out->n++];
            memcpy(p->id, all[i].id, ID_LEN);
            p->name = xstrdup(all[i].name ? all[i].name : "");
            rc = store_security_profile_permissions(cx->conn, all[i].id, "", PERMISSIONS_MAX, &p->permissions);
            p->role = permissions_role(&p->permissions);
        }
        security_profile_clear(&all[i]);
    }
    free(all);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the security profiles", e);
}

const console_profile *console_profile_find(const console_profiles *l, const char *id)
{
    for (size_t i = 0; id && i < l->n; i++)
        if (strcmp(l->items[i].id, id) == 0)
            return &l->items[i];
    return NULL;
}

const char *console_user_role(const console_profiles *l, const strlist *ids)
{
    strlist all = {0};
    for (size_t i = 0; ids && i < ids->n; i++) {
        const console_profile *p = console_profile_find(l, ids->items[i]);
        for (size_t k = 0; p && k < p->permissions.n; k++)
            strlist_push(&all, p->permissions.items[k]);
    }
    const char *role = permissions_role(&all);
    strlist_clear(&all);
    return role;
}

int console_role_profiles_get(core_ctx *cx, const char *instance_id, strlist out[CONSOLE_ROLES], rerr *e)
{
    if (core_allow(cx, CORE_CATALOG_READ, instance_id, e))
        return -1;
    for (int k = 0; k < CONSOLE_ROLES; k++) {
        int stored = 0;
        int rc = store_role_profiles_get(cx->conn, instance_id, console_role_names[k], &out[k], &stored);
        if (rc == STORE_OK && !stored) {
            security_profile p;
            memset(&p, 0, sizeof p);
            rc = store_security_profile_by_name(cx->conn, instance_id, console_role_default_profile[k], &p);
            if (rc == STORE_OK)
                strlist_push(&out[k], p.id);
            security_profile_clear(&p);
            if (rc == STORE_NOTFOUND) /* renamed or deleted: no default */
                rc = STORE_OK;
        }
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "read the roles' security profiles", e);
    }
    return 0;
}

typedef struct set_args {
    const char *instance_id;
    const strlist *const *in;
} set_args;

static int set_change(core_ctx *cx, void *arg, rerr *e)
{
    const set_args *a = arg;
    for (int k = 0; k < CONSOLE_ROLES; k++) {
        const strlist *ids = a->in[k];
        if (!ids)
            continue;
        char field[64];
        snprintf(field, sizeof field, "RoleProfiles.%s", console_role_names[k]);
        if (ids->n > ROLE_PROFILES_MAX)
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s holds at most %d security profiles (got %zu)", field,
                            ROLE_PROFILES_MAX, ids->n);
        for (size_t i = 0; i < ids->n; i++) {
            if (validate_id(e, field, ids->items[i], 256))
                return -1;
            int rc = store_resource_exists(cx->conn, STORE_RES_SECURITY_PROFILE, a->instance_id, ids->items[i]);
            if (rc == STORE_NOTFOUND)
                return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: security profile not found: %.256s", field,
                                ids->items[i]);
            if (rc != STORE_OK)
                return core_store_error(cx, rc, "read the security profiles", e);
        }
        int rc = store_role_profiles_set(cx->conn, a->instance_id, console_role_names[k], ids);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "store the roles' security profiles", e);
    }
    return 0;
}

int console_role_profiles_set(core_ctx *cx, const char *instance_id, const strlist *in[CONSOLE_ROLES], rerr *e)
{
    if (core_allow(cx, CORE_ROLE_PROFILES_UPDATE, instance_id, e))
        return -1;
    set_args a = {.instance_id = instance_id, .in = in};
    return core_write(cx, set_change, &a, e);
}
