/* connect_users.c — the rest-json shapes of users: CreateUser, DescribeUser, ListUsers, the six
 * updates and DeleteUser. The rules are core/users.c's and core/user_rules.c's; this file only
 * translates between the wire and those calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "api/user_cache.h"
#include "api/user_json.h"
#include "core/json_members.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/users.h"
#include "util/buf.h"

/* ---- reading request shapes ------------------------------------------------------------------ */

/* An integer member (has tells whether it was given). */
static int member_int(rerr *e, json_t *obj, const char *path, const char *member, int *has, int64_t *out)
{
    *has = mj_present(obj, member);
    *out = 0;
    return mj_int(e, obj, path, member, 0, out);
}

/* An AfterContactWorkConfig object member of item: its AfterContactWorkTimeLimit. */
static int read_acw(rerr *e, json_t *item, const char *path, const char *member, int required, int *has,
                    int64_t *out)
{
    char sub[160];
    json_t *o;
    snprintf(sub, sizeof sub, "%s.%s", path, member);
    *has = 0;
    if (mj_obj(e, item, path, member, required, &o))
        return -1;
    return o ? member_int(e, o, sub, "AfterContactWorkTimeLimit", has, out) : 0;
}

/* Reads one entry (at path) of the per-channel list of kind. */
static int read_entry(rerr *e, json_t *item, const char *path, user_config_kind kind, user_channel_in *c)
{
    if (mj_str(e, item, path, "Channel", 1, &c->channel))
        return -1;
    switch (kind) {
    case UCFG_AUTO_ACCEPT:
        return mj_bool(e, item, path, "AutoAccept", 1, &c->has_auto_accept, &c->auto_accept) ||
               mj_bool(e, item, path, "AgentFirstCallbackAutoAccept", 0, &c->has_afc_auto_accept,
                           &c->afc_auto_accept);
    case UCFG_ACW:
        return read_acw(e, item, path, "AfterContactWorkConfig", 1, &c->has_acw, &c->acw_seconds) ||
               read_acw(e, item, path, "AgentFirstCallbackAfterContactWorkConfig", 0, &c->has_afc_acw,
                        &c->afc_acw_seconds);
    case UCFG_PHONE_NUMBER:
        return mj_str(e, item, path, "PhoneType", 1, &c->phone_type) ||
               mj_str(e, item, path, "PhoneNumber", 0, &c->phone_number);
    case UCFG_PERSISTENT:
        return mj_bool(e, item, path, "PersistentConnection", 1, &c->has_persistent, &c->persistent);
    default:
        return mj_str(e, item, path, "VoiceEnhancementMode", 1, &c->voice_enhancement);
    }
}

/* The per-channel lists of the body. items[k] (malloc'd; the caller frees each) holds items. */
int read_config(rerr *e, json_t *body, user_config_in *cfg, user_channel_in *items[UCFG__COUNT])
{
    memset(cfg, 0, sizeof *cfg);
    for (int k = 0; k < UCFG__COUNT; k++)
        items[k] = NULL;
    for (int k = 0; k < UCFG__COUNT; k++) {
        const char *name = user_config_list_name((user_config_kind)k);
        json_t *list;
        if (mj_list(e, body, NULL, name, 0, &list))
            return -1;
        size_t n = json_array_size(list);
        items[k] = xcalloc(n + 1, sizeof *items[k]);
        cfg->items[k] = items[k];
        cfg->n[k] = n;
        for (size_t i = 0; i < n; i++) {
            char path[64];
            json_t *item;
            snprintf(path, sizeof path, "%s[%zu]", name, i);
            if (mj_item_obj(e, list, name, i, &item) || read_entry(e, item, path, (user_config_kind)k, &items[k][i]))
                return -1;
        }
    }
    return 0;
}

void free_config(user_channel_in *items[UCFG__COUNT])
{
    for (int k = 0; k < UCFG__COUNT; k++)
        free(items[k]);
}

/* ---- writing response shapes ----------------------------------------------------------------- */

/* The User shape of DescribeUser. */
static json_t *user_json(api_call *c, user_record *u)
{
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, u->id);
    json_t *o = json_pack("{s:s, s:s, s:s}", "Id", u->id, "Arn", arn, "Username", u->username);
    free(arn);
    json_object_set_new(o, "IdentityInfo", user_identity_json(u));
    json_object_set_new(o, "PhoneConfig", user_phone_json(u, 1));
    jset_str(o, "DirectoryUserId", u->directory_user_id, 1);
    json_object_set_new(o, "SecurityProfileIds", jstrlist(&u->security_profile_ids));
    json_object_set_new(o, "RoutingProfileId", json_string(u->routing_profile_id));
    jset_str(o, "HierarchyGroupId", u->hierarchy_group_id, 1);
    json_object_set_new(o, "Tags", json_object());
    api_tags(c, o, "Tags", u->id);
    user_config_json(o, u, 1);
    api_modified(c, o, u->modified_ms);
    return o;
}

/* ---- operations ------------------------------------------------------------------------------ */

/* The body of CreateUser: struct create_body in api/connect_readers.h. */

void create_body_clear(create_body *b)
{
    strlist_clear(&b->profiles);
    kvlist_clear(&b->tags);
    free_config(b->items);
}

int read_create(api_call *c, create_body *b)
{
    rerr *e = &c->err;
    json_t *identity, *phone;
    int has_profiles, has_tags;
    memset(b, 0, sizeof *b);
    b->n.mode = USER_CHECK_CREATE;
    if (jget_str(e, c->in, "Username", 1, &b->n.username) || jget_str(e, c->in, "Password", 0, &b->n.password) ||
        mj_obj(e, c->in, NULL, "IdentityInfo", 0, &identity) || read_identity(e, identity, &b->n.identity) ||
        mj_obj(e, c->in, NULL, "PhoneConfig", 0, &phone) || (phone && read_phone(e, phone, &b->phone)) ||
        jget_str(e, c->in, "DirectoryUserId", 0, &b->n.directory_user_id) ||
        jget_strlist(e, c->in, "SecurityProfileIds", &b->profiles, &has_profiles) ||
        jget_str(e, c->in, "RoutingProfileId", 1, &b->n.routing_profile_id) ||
        jget_str(e, c->in, "HierarchyGroupId", 0, &b->n.hierarchy_group_id) ||
        read_config(e, c->in, &b->n.config, b->items) || jget_map(e, c->in, "Tags", &b->tags, &has_tags))
        return -1;
    if (!has_profiles)
        return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfileIds", "SecurityProfileIds is required");
    b->n.phone = phone ? &b->phone : NULL;
    b->n.security_profile_ids = &b->profiles;
    b->n.tags = has_tags ? &b->tags : NULL;
    return 0;
}

static int create_user(api_call *c)
{
    create_body b;
    char id[ID_LEN];
    int rc = read_create(c, &b) || users_create(&c->cx, c->inst.id, &b.n, id, &c->err) ? -1 : 0;
    create_body_clear(&b);
    if (rc)
        return -1;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, id);
    c->out = json_pack("{s:s, s:s}", "UserId", id, "UserArn", arn);
    free(arn);
    return 0;
}

static int describe_user(api_call *c)
{
    int64_t version = 0;
    int known = store_user_version(c->cx.conn, c->inst.id, c->labels[1], &version) == STORE_OK;
    if (known && (c->out_body = user_cache_get(c->inst.id, c->labels[1], version, &c->out_len)))
        return 0;
    user_record u;
    if (users_get(&c->cx, c->inst.id, c->labels[1], &u, &c->err))
        return -1;
    json_t *doc = json_pack("{s:o}", "User", user_json(c, &u));
    c->out_body = jdump(doc, &c->out_len);
    json_decref(doc);
    /* Cache only what matches the version read above, in this same read transaction. */
    if (known && u.version == version)
        user_cache_put(c->inst.id, u.id, version, c->out_body, c->out_len);
    user_clear(&u);
    return 0;
}

static int list_users(api_call *c)
{
    size_t limit;
    summary_list l = {0};
    char *next = NULL;
    if (api_page_limit(c, 1000, &limit) ||
        users_list(&c->cx, c->inst.id, request_param(c->r, "nextToken"), limit, &l, &next, &c->err))
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
        char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, l.items[i].id);
        json_t *o = json_pack("{s:s, s:s, s:s}", "Id", l.items[i].id, "Arn", arn, "Username", l.items[i].name);
        api_modified(c, o, l.items[i].modified_ms);
        json_array_append_new(arr, o);
        free(arn);
    }
    summary_list_clear(&l);
    c->out = json_pack("{s:o}", "UserSummaryList", arr);
    if (next)
        json_object_set_new(c->out, "NextToken", json_string(next));
    free(next);
    return 0;
}

static int update(api_call *c, const user_change *ch)
{
    return users_update(&c->cx, c->inst.id, c->labels[1], ch, &c->err);
}

static int update_identity(api_call *c)
{
    json_t *obj;
    user_identity_in id;
    if (mj_obj(&c->err, c->in, NULL, "IdentityInfo", 1, &obj) || read_identity(&c->err, obj, &id))
        return -1;
    user_change ch = {.operation = "UpdateUserIdentityInfo", .identity = &id};
    return update(c, &ch);
}

static int update_phone(api_call *c)
{
    json_t *obj;
    user_phone_in ph;
    if (mj_obj(&c->err, c->in, NULL, "PhoneConfig", 1, &obj) || read_phone(&c->err, obj, &ph))
        return -1;
    user_change ch = {.operation = "UpdateUserPhoneConfig", .phone = &ph};
    return update(c, &ch);
}

static int update_config(api_call *c)
{
    user_config_in cfg;
    user_channel_in *items[UCFG__COUNT];
    user_change ch = {.operation = "UpdateUserConfig", .config = &cfg};
    int rc = read_config(&c->err, c->in, &cfg, items) || update(c, &ch) ? -1 : 0;
    free_config(items);
    return rc;
}

static int update_routing_profile(api_call *c)
{
    user_change ch = {.operation = "UpdateUserRoutingProfile"};
    if (jget_str(&c->err, c->in, "RoutingProfileId", 1, &ch.routing_profile_id))
        return -1;
    return update(c, &ch);
}

static int update_security_profiles(api_call *c)
{
    strlist ids = {0};
    int present;
    user_change ch = {.operation = "UpdateUserSecurityProfiles", .security_profile_ids = &ids};
    int rc = jget_strlist(&c->err, c->in, "SecurityProfileIds", &ids, &present);
    if (rc == 0 && !present)
        rc = rerr_set(&c->err, ERR_INVALID_PARAMETER, "SecurityProfileIds", "SecurityProfileIds is required");
    if (rc == 0)
        rc = update(c, &ch);
    strlist_clear(&ids);
    return rc;
}

static int update_hierarchy(api_call *c)
{
    user_change ch = {.operation = "UpdateUserHierarchy", .set_hierarchy = 1};
    if (jget_str(&c->err, c->in, "HierarchyGroupId", 0, &ch.hierarchy_group_id))
        return -1;
    return update(c, &ch);
}

static int delete_user(api_call *c)
{
    return users_delete(&c->cx, c->inst.id, c->labels[1], &c->err);
}

static const api_op ops[] = {
    {"CreateUser", "PUT", "/users/{InstanceId}", CORE_USERS_CREATE, 0, create_user},
    {"DescribeUser", "GET", "/users/{InstanceId}/{UserId}", CORE_USERS_DESCRIBE, 0, describe_user},
    {"ListUsers", "GET", "/users-summary/{InstanceId}", CORE_USERS_LIST, 0, list_users},
    {"DeleteUser", "DELETE", "/users/{InstanceId}/{UserId}", CORE_USERS_DELETE, 0, delete_user},
    {"UpdateUserIdentityInfo", "POST", "/users/{InstanceId}/{UserId}/identity-info", CORE_USERS_UPDATE, 0,
     update_identity},
    {"UpdateUserPhoneConfig", "POST", "/users/{InstanceId}/{UserId}/phone-config", CORE_USERS_UPDATE, 0, update_phone},
    {"UpdateUserConfig", "POST", "/users/{InstanceId}/{UserId}/config", CORE_USERS_UPDATE, 0, update_config},
    {"UpdateUserRoutingProfile", "POST", "/users/{InstanceId}/{UserId}/routing-profile", CORE_USERS_UPDATE, 0,
     update_routing_profile},
    {"UpdateUserSecurityProfiles", "POST", "/users/{InstanceId}/{UserId}/security-profiles",
     CORE_USERS_UPDATE_SECURITY_PROFILES, 0, update_security_profiles},
    {"UpdateUserHierarchy", "POST", "/users/{InstanceId}/{UserId}/hierarchy", CORE_USERS_UPDATE, 0, update_hierarchy},
};

const api_op *connect_user_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
