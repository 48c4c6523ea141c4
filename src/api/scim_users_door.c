/* scim_users_door.c — /scim/v2/Users: the User resource type's operations for
 * scim_resource_door.c, through core/scim_users.h, in scim/scim_user_json.h's shapes. */
#include "api/scim_resources.h"

#include <string.h>

#include "core/scim_users.h"
#include "scim/scim_user_json.h"
#include "scim/scim_user_query.h"

typedef struct one {
    const char *base;
    json_t *doc;
} one;

static int on_one(void *ctx, const user_record *u, const char *attributes)
{
    one *o = ctx;
    o->doc = scim_user_to_json(u, attributes, o->base);
    return 1;
}

static json_t *fetch(scim_call *c, const char *id, scim_error *x)
{
    one o = {c->base, NULL};
    rerr e;
    if (scim_users_each(c->cx, c->instance_id, STORE_SCIM_BY_ID, id, 0, -1, on_one, &o, &e)) {
        scim_fail_rerr(x, &e);
        return NULL;
    }
    if (!o.doc)
        scim_fail(x, 404, NULL, "User not found: %.100s", id);
    return o.doc;
}

/* The new user's representation is made from what was written (a created user is at version 1,
 * created now by this principal, so managed by the provider: its lists come back as sent),
 * without reading it back. */
static int create(scim_call *c, const json_t *doc, char id_out[ID_LEN], json_t **made, scim_error *x)
{
    scim_user_read in;
    rerr e;
    int rc = scim_user_from_json(doc, &in, &e) || scim_users_create(c->cx, c->instance_id, &in.in, id_out, &e);
    if (rc == 0) {
        user_record u = {.username = (char *)in.in.username,
                         .first_name = (char *)in.in.identity.first_name,
                         .last_name = (char *)in.in.identity.last_name,
                         .external_id = (char *)in.in.external_id,
                         .externally_managed = 1,
                         .disabled = in.in.active == 0,
                         .version = 1,
                         .created_ms = c->cx->now_ms,
                         .modified_ms = c->cx->now_ms};
        memcpy(u.id, id_out, ID_LEN);
        *made = scim_user_to_json_kept(&u, in.kept, c->base);
        in.kept = NULL;
    }
    scim_user_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static int replace(scim_call *c, const char *id, const json_t *doc, int64_t if_version, int patch, scim_error *x)
{
    scim_user_read in;
    rerr e;
    int rc = scim_user_from_json(doc, &in, &e) ||
             scim_users_replace(c->cx, c->instance_id, id, &in.in, if_version,
                                patch ? "ScimPatchUser" : "ScimReplaceUser", &e);
    scim_user_read_clear(&in);
    return rc ? scim_fail_rerr(x, &e) : 0;
}

static int remove_user(scim_call *c, const char *id, int64_t if_version, scim_error *x)
{
    rerr e;
    return scim_users_delete(c->cx, c->instance_id, id, if_version, &e) ? scim_fail_rerr(x, &e) : 0;
}

static int query(scim_call *c, const scim_query *q, json_t **page, int64_t *total, scim_error *x)
{
    return scim_user_query(c->cx, c->instance_id, q, c->base, page, total, x);
}

static const scim_kind_ops users = {SCIM_USER, fetch, create, replace, remove_user, query};

void scim_users_route(scim_call *c, const char *id, int search)
{
    scim_resource_route(c, &users, id, search);
}
