/* instances.c — creating, resolving, listing and deleting instances. */
#include "core/instances.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arn.h"
#include "core/authorize.h"
#include "core/write.h"
#include "core/defaults.h"
#include "core/paging.h"
#include "core/permissions.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"
#include "util/log.h"

int core_store_error(core_ctx *cx, int rc, const char *what, rerr *e)
{
    if (rc == STORE_BUSY)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "the store is busy; retry (%s)", what);
    log_error("store: %s failed (%d): %s", what, rc, store_errmsg(cx->conn));
    return rerr_set(e, ERR_INTERNAL, NULL, "internal error while trying to %s", what);
}

static int check_create(const instance_create *in, rerr *e)
{
    static const char *const types[] = {"SAML", "CONNECT_MANAGED", "EXISTING_DIRECTORY", NULL};
    if (validate_enum(e, "IdentityManagementType", in->idm_type, types))
        return -1;
    if (strcmp(in->idm_type, "EXISTING_DIRECTORY") == 0)
        return rerr_set(e, ERR_INVALID_REQUEST, "IdentityManagementType",
                        "IdentityManagementType EXISTING_DIRECTORY is not supported by roster: there is no "
                        "directory service to join; use CONNECT_MANAGED or SAML");
    if (in->directory_id)
        return rerr_set(e, ERR_INVALID_REQUEST, "DirectoryId",
                        "DirectoryId is only valid with IdentityManagementType EXISTING_DIRECTORY");
    if (in->alias && validate_instance_alias(e, in->alias))
        return -1;
    if (in->client_token && validate_length(e, "ClientToken", in->client_token, 0, 500))
        return -1;
    if (in->tags && validate_tags(e, "Tags", in->tags))
        return -1;
    return 0;
}

static int insert_new(core_ctx *cx, const instance_create *in, instance *out, instance_defaults *defs, rerr *e)
{
    instance_defaults scratch;
    uuid_v7(out->id);
    out->alias = xstrdup(in->alias);
    snprintf(out->idm_type, sizeof out->idm_type, "%s", in->idm_type);
    out->inbound_calls = in->inbound_calls;
    out->outbound_calls = in->outbound_calls;
    snprintf(out->status, sizeof out->status, "%s", "ACTIVE");
    out->created_ms = cx->now_ms;
    int rc = store_instance_insert(cx->conn, out, in->client_token);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "InstanceAlias", "InstanceAlias '%s' is already used by another instance",
                        in->alias ? in->alias : "");
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create the instance", e);
    if (in->tags && (rc = store_tags_set(cx->conn, out->id, out->id, in->tags)) != STORE_OK)
        return core_store_error(cx, rc, "tag the instance", e);
    return defaults_create(cx, out->id, defs ? defs : &scratch, e);
}

struct create_args {
    const instance_create *in;
    instance *out;
    instance_defaults *defaults;
    int *created;
};

/* Inside the write transaction: the instance an earlier create with the same client token made
 * (nothing written), or a new one with its defaults. */
static int create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct create_args *a = arg;
    if (a->in->client_token && *a->in->client_token) {
        int rc = store_instance_by_token(cx->conn, a->in->client_token, a->out);
        if (rc == STORE_OK)
            return 0;
        if (rc != STORE_NOTFOUND)
            return core_store_error(cx, rc, "look up the client token", e);
    }
    if (insert_new(cx, a->in, a->out, a->defaults, e))
        return -1;
    *a->created = 1;
    return 0;
}

int instances_create(core_ctx *cx, const instance_create *in, instance *out, instance_defaults *defaults,
                     int *created, rerr *e)
{
    memset(out, 0, sizeof *out);
    *created = 0;
    if (core_allow(cx, CORE_INSTANCES_CREATE, NULL, e) || check_create(in, e))
        return -1;
    struct create_args a = {in, out, defaults, created};
    if (core_write(cx, create_change, &a, e)) {
        instance_clear(out);
        *created = 0;
        return -1;
    }
    return 0;
}

int instances_resolve(core_ctx *cx, const char *ref, int allow_alias, instance *out, rerr *e)
{
    return instances_resolve_for(cx, CORE_INSTANCES_RESOLVE, ref, allow_alias, out, e);
}

int instances_resolve_for(core_ctx *cx, core_action a, const char *ref, int allow_alias, instance *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, a, NULL, e) || validate_id(e, "InstanceId", ref, 256))
        return -1;
    char iid[ID_LEN], kind[32], rid[ID_LEN];
    const char *id = ref;
    if (strncmp(ref, "arn:", 4) == 0) {
        if (arn_parse(cx->cfg, ref, iid, kind, rid) != 0 || kind[0])
            return rerr_set(e, ERR_INVALID_PARAMETER, "InstanceId",
                            "InstanceId '%.300s' is not an instance ARN of this deployment", ref);
        id = iid;
    }
    int rc = store_instance_get(cx->conn, id, out);
    if (rc == STORE_NOTFOUND && allow_alias)
        rc = store_instance_by_alias(cx->conn, ref, out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.300s", ref);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the instance", e);
    if (core_allow(cx, a, out->id, e)) {
        instance_clear(out);
        return -1;
    }
    return 0;
}

int instances_list(core_ctx *cx, const char *token, size_t limit, instance **out, size_t *n, char **next,
                   rerr *e)
{
    *out = NULL;
    *n = 0;
    *next = NULL;
    char *key = NULL, *id = NULL;
    if (core_allow(cx, CORE_INSTANCES_LIST, NULL, e) ||
        page_token_decode(e, "nextToken", token, "instances", &key, &id))
        return -1;
    int rc;
    if (!principal_is_account(cx->who)) {
        /* A user key sees its own instance only. */
        instance *one = xcalloc(1, sizeof *one);
        rc = strcmp(cx->who->instance_id, id) > 0 ? store_instance_get(cx->conn, cx->who->instance_id, one)
                                                   : STORE_NOTFOUND;
        *out = one;
        *n = rc == STORE_OK;
        rc = rc == STORE_NOTFOUND ? STORE_OK : rc;
    } else {
        rc = store_instance_list(cx->conn, id, limit + 1, out, n);
        if (rc == STORE_OK && *n > limit) {
            instance_clear(&(*out)[limit]);
            *n = limit;
            *next = page_token_encode("instances", "", (*out)[limit - 1].id);
        }
    }
    free(key);
    free(id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list instances", e);
    return 0;
}

struct delete_args {
    const char *ref;
};

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    const struct delete_args *a = arg;
    instance in;
    if (instances_resolve(cx, a->ref, 0, &in, e))
        return -1;
    int rc = store_instance_delete(cx->conn, in.id);
    instance_clear(&in);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "delete the instance", e);
}

int instances_delete(core_ctx *cx, const char *ref, rerr *e)
{
    if (core_allow(cx, CORE_INSTANCES_DELETE, NULL, e))
        return -1;
    struct delete_args a = {ref};
    return core_write(cx, delete_change, &a, e);
}
