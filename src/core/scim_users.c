/* scim_users.c — SCIM provisioning of users (see scim_users.h). */
#include "core/scim_users.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/authorize.h"
#include "core/combine.h"
#include "core/instances.h"
#include "core/scim_settings.h"
#include "core/users.h"
#include "core/write.h"
#include "crypto/passwords.h"
#include "util/ids.h"

/* "{}" and NULL keep nothing. */
static const char *kept(const char *json)
{
    return json && strcmp(json, "{}") != 0 ? json : NULL;
}

static int check_attributes(const scim_user_input *in, rerr *e)
{
    if (in->attributes_json && strlen(in->attributes_json) > SCIM_ATTRIBUTES_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "attributes",
                        "the user's other SCIM attributes take over %d bytes", SCIM_ATTRIBUTES_MAX);
    return 0;
}

static int put_attributes(core_ctx *cx, const char *user_id, const char *json, rerr *e)
{
    int rc = store_scim_user_attributes_put(cx->conn, user_id, kept(json));
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "keep the user's SCIM attributes", e);
}

static void wipe(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

/* The contact details roster takes from SCIM: an address or number its rules refuse (and, on a
 * SAML instance, the primary email, which the identity provider holds) stays a SCIM attribute
 * only — kept and returned as sent — rather than failing the provisioning of the user. */
static user_identity_in contacts(const char *idm_type, const user_identity_in *in)
{
    user_identity_in out = *in;
    rerr ignored;
    if (strcmp(idm_type, "SAML") == 0 || (out.email && user_check_email("Email", out.email, &ignored)))
        out.email = NULL;
    if (out.secondary_email && user_check_email("SecondaryEmail", out.secondary_email, &ignored))
        out.secondary_email = NULL;
    if (out.mobile && user_check_phone("Mobile", out.mobile, &ignored))
        out.mobile = NULL;
    return out;
}

/* The identity management type of instance_id into idm (24 bytes). */
static int idm_of(core_ctx *cx, const char *instance_id, char idm[24], rerr *e)
{
    instance inst;
    int rc = store_instance_get(cx->conn, instance_id, &inst);
    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.100s", instance_id)
                                    : core_store_error(cx, rc, "read the instance", e);
    snprintf(idm, 24, "%s", inst.idm_type);
    instance_clear(&inst);
    return 0;
}

struct args {
    const char *instance_id;
    const char *id;
    const scim_user_input *in;
    const char *hash;
    int64_t if_version;
    const char *operation;
    char *id_out;
};

/* Inside the write transaction: on the writer's handle, whose page cache survives the commits
 * of a busy sync (a pooled reader's does not), the settings' look-ups cost little. */
static int create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    char rp[ID_LEN] = "", idm[24];
    strlist sps = {0};
    int delete_disables;
    int result = scim_settings_defaults(cx, a->instance_id, rp, &sps, &delete_disables, idm, e);
    if (result == 0) {
        user_new u = {.username = a->in->username,
                      .password = a->in->password,
                      .identity = contacts(idm, &a->in->identity),
                      .security_profile_ids = &sps,
                      .routing_profile_id = rp,
                      .mode = USER_CHECK_CREATE_OPERATOR,
                      .external_id = a->in->external_id,
                      .disabled = a->in->active == 0,
                      .scim_attributes = kept(a->in->attributes_json)};
        result = users_create_tx(cx, a->instance_id, &u, a->hash, a->id_out, e);
    }
    strlist_clear(&sps);
    return result ? -1 : 0;
}

int scim_users_create(core_ctx *cx, const char *instance_id, const scim_user_input *in, char id_out[ID_LEN], rerr *e)
{
    id_out[0] = '\0';
    if (core_allow(cx, CORE_USERS_CREATE, instance_id, e) || check_attributes(in, e))
        return -1;
    char *hash = NULL;
    if (in->password && !(hash = passwords_hash(in->password)))
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot hash the password");
    struct args a = {.instance_id = instance_id, .in = in, .hash = hash, .id_out = id_out};
    int result = core_write_combined(cx, create_change, &a, e);
    wipe(hash);
    return result;
}

static int replace_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    char idm[24];
    if (idm_of(cx, a->instance_id, idm, e))
        return -1;
    /* Left out: cleared, but for the names (required) and the email (CONNECT_MANAGED's cannot be
     * cleared; SAML's is the identity provider's, never set). */
    user_identity_in idn = contacts(idm, &a->in->identity);
    if (!idn.secondary_email)
        idn.secondary_email = "";
    if (!idn.mobile)
        idn.mobile = "";
    user_change ch = {.operation = a->operation,
                      .identity = &idn,
                      .username = a->in->username,
                      .set_external_id = 1,
                      .external_id = a->in->external_id,
                      .password = a->in->password,
                      .password_hash = a->hash,
                      .set_disabled = a->in->active >= 0,
                      .disabled = a->in->active == 0,
                      .if_version = a->if_version};
    return users_update_tx(cx, a->instance_id, a->id, &ch, e) || put_attributes(cx, a->id, a->in->attributes_json, e)
               ? -1
               : 0;
}

int scim_users_replace(core_ctx *cx, const char *instance_id, const char *id, const scim_user_input *in,
                       int64_t if_version, const char *operation, rerr *e)
{
    if (core_allow(cx, CORE_USERS_UPDATE, instance_id, e) || check_attributes(in, e))
        return -1;
    char *hash = NULL;
    if (in->password && !(hash = passwords_hash(in->password)))
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot hash the password");
    struct args a = {.instance_id = instance_id, .id = id, .in = in, .hash = hash, .if_version = if_version,
                     .operation = operation};
    int result = core_write(cx, replace_change, &a, e);
    wipe(hash);
    return result;
}

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    struct args *a = arg;
    scim_settings_row s;
    int stored, rc = store_scim_settings_get(cx->conn, a->instance_id, &s, &stored);
    strlist_clear(&s.security_profile_ids);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the SCIM settings", e);
    if (s.delete_disables) {
        user_change ch = {.operation = "ScimDeleteUser", .set_disabled = 1, .disabled = 1, .if_version = a->if_version};
        return users_update_tx(cx, a->instance_id, a->id, &ch, e);
    }
    if (a->if_version > 0) {
        int64_t v = 0;
        rc = store_user_version(cx->conn, a->instance_id, a->id, &v);
        if (rc == STORE_OK && v != a->if_version)
            return rerr_set(e, ERR_CONDITION_FAILED, "version",
                            "the user has changed: it is at version %lld, not %lld; read it again", (long long)v,
                            (long long)a->if_version);
    }
    return users_delete_tx(cx, a->instance_id, a->id, e);
}

int scim_users_delete(core_ctx *cx, const char *instance_id, const char *id, int64_t if_version, rerr *e)
{
    if (core_allow(cx, CORE_USERS_DELETE, instance_id, e))
        return -1;
    struct args a = {.instance_id = instance_id, .id = id, .if_version = if_version};
    return core_write(cx, delete_change, &a, e);
}

int scim_users_each(core_ctx *cx, const char *instance_id, store_scim_by by, const char *key, int64_t offset,
                    int64_t limit, store_scim_user_fn fn, void *ctx, rerr *e)
{
    if (core_allow(cx, CORE_USERS_LIST, instance_id, e))
        return -1;
    int rc = store_scim_users(cx->conn, instance_id, by, key ? key : "", offset, limit, fn, ctx);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the users", e);
}

int scim_users_count(core_ctx *cx, const char *instance_id, int64_t *n, rerr *e)
{
    *n = 0;
    if (core_allow(cx, CORE_USERS_LIST, instance_id, e))
        return -1;
    int rc = store_scim_user_count(cx->conn, instance_id, n);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "count the users", e);
}
