/* users.c — creating users (bootstrap subset; see users.h). */
#include "core/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/passwords.h"
#include "core/instances.h"
#include "core/routing_profiles.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

static int resolve_profiles(core_ctx *cx, const char *instance_id, const strlist *names, strlist *ids, rerr *e)
{
    if (!names || names->n < 1 || names->n > 10)
        return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfileIds",
                        "a user needs 1 to 10 security profiles (got %zu)", names ? names->n : 0);
    for (size_t i = 0; i < names->n; i++) {
        security_profile p;
        int rc = store_security_profile_by_name(cx->conn, instance_id, names->items[i], &p);
        if (rc == STORE_NOTFOUND)
            return rerr_set(e, ERR_NOT_FOUND, "SecurityProfileIds", "Security profile not found: %s",
                            names->items[i]);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "look up a security profile", e);
        if (!strlist_contains(ids, p.id))
            strlist_push(ids, p.id);
        security_profile_clear(&p);
    }
    return 0;
}

int users_create_basic(core_ctx *cx, const char *instance_id, const user_basic *u, char id_out[ID_LEN], rerr *e)
{
    if (validate_length(e, "Username", u->username, 1, 64) ||
        validate_length(e, "IdentityInfo.FirstName", u->first_name, 1, 255) ||
        validate_length(e, "IdentityInfo.LastName", u->last_name, 1, 300))
        return -1;
    strlist ids = {0};
    char *hash = NULL;
    char rp[ID_LEN];
    int result = -1;
    int rc = store_begin(cx->conn, 1);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "begin a transaction", e);
    if (resolve_profiles(cx, instance_id, u->security_profile_names, &ids, e))
        goto done;
    if (u->routing_profile_id)
        snprintf(rp, sizeof rp, "%s", u->routing_profile_id);
    else if (routing_profiles_default(cx, instance_id, rp, e))
        goto done;
    if (u->password && !(hash = passwords_hash(u->password))) {
        rerr_set(e, ERR_INTERNAL, NULL, "cannot hash the password");
        goto done;
    }
    user_insert ins = {.instance_id = "",
                       .username = u->username,
                       .first_name = u->first_name,
                       .last_name = u->last_name,
                       .email = u->email,
                       .password_hash = hash,
                       .routing_profile_id = rp,
                       .security_profile_ids = &ids,
                       .now_ms = cx->now_ms};
    uuid_v4(ins.id);
    snprintf(ins.instance_id, sizeof ins.instance_id, "%s", instance_id);
    rc = store_user_insert(cx->conn, &ins);
    if (rc == STORE_UNIQUE) {
        rerr_set(e, ERR_DUPLICATE, "Username", "a user named '%s' already exists in this instance", u->username);
        goto done;
    }
    if (rc != STORE_OK || (rc = store_commit(cx->conn)) != STORE_OK) {
        core_store_error(cx, rc, "create the user", e);
        goto done;
    }
    memcpy(id_out, ins.id, ID_LEN);
    result = 0;
done:
    if (result != 0)
        store_rollback(cx->conn);
    strlist_clear(&ids);
    free(hash);
    return result;
}
