/* users.c — users: create, read, list, change, delete (see users.h for the rules and the
 * decisions taken where the reference is silent). */
#include "core/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/passwords.h"
#include "core/audit.h"
#include "core/authorize.h"
#include "core/write.h"
#include "core/instances.h"
#include "core/memo.h"
#include "core/paging.h"
#include "core/permissions.h"
#include "core/routing_profiles.h"
#include "core/security_profiles.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

#define TOKEN_KIND "users"

/* ---- records ------------------------------------------------------------------------------ */

/* Frees a string that may hold a secret, wiping it first. */
static void free_secret(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

/* Sets *dst from src: NULL leaves it, "" clears it, anything else replaces it. */
static void set_text(char **dst, const char *src)
{
    if (!src)
        return;
    free(*dst);
    *dst = *src ? xstrdup(src) : NULL;
}

/* The user's config of channel name, added (unset) when missing; NULL only for a fifth channel. */
static channel_config *channel_at(user_record *u, const char *name)
{
    channel_config *c = user_channel(u, name);
    if (c || u->n_channels >= USER_CHANNELS)
        return c;
    c = &u->channels[u->n_channels++];
    memset(c, 0, sizeof *c);
    snprintf(c->channel, sizeof c->channel, "%s", name);
    return c;
}

/* The settings of a new user (see users.h): one config per channel, built here rather than
 * through channel_at, so no path of it can meet a full channel table. */
static void default_channels(user_record *u)
{
    u->n_channels = 0;
    for (size_t i = 0; user_channel_names[i] && u->n_channels < USER_CHANNELS; i++) {
        channel_config *c = &u->channels[u->n_channels++];
        memset(c, 0, sizeof *c);
        snprintf(c->channel, sizeof c->channel, "%s", user_channel_names[i]);
        c->has_auto_accept = 1;
        c->has_acw = 1;
        if (strcmp(c->channel, "VOICE") == 0) {
            snprintf(c->phone_type, sizeof c->phone_type, "SOFT_PHONE");
            c->has_persistent = 1;
            snprintf(c->voice_enhancement, sizeof c->voice_enhancement, "NONE");
        }
    }
}

/* Applies the legacy PhoneConfig: VOICE's settings, and the ACW limit of every channel. */
static void apply_phone(user_record *u, const user_phone_in *p)
{
    channel_config *v = channel_at(u, "VOICE");
    if (!v) /* a record with four channels but no VOICE: nothing the store can hold */
        return;
    if (p->phone_type)
        snprintf(v->phone_type, sizeof v->phone_type, "%s", p->phone_type);
    if (p->desk_phone_number)
        snprintf(v->phone_number, sizeof v->phone_number, "%s", p->desk_phone_number);
    if (p->has_auto_accept) {
        v->has_auto_accept = 1;
        v->auto_accept = p->auto_accept != 0;
    }
    if (p->has_persistent) {
        v->has_persistent = 1;
        v->persistent = p->persistent != 0;
    }
    for (size_t i = 0; p->has_acw && user_channel_names[i]; i++) {
        channel_config *c = channel_at(u, user_channel_names[i]);
        if (!c)
            continue;
        c->has_acw = 1;
        c->acw_seconds = p->acw_seconds;
    }
}

/* Applies one entry of a per-channel list to its channel. */
static void apply_entry(channel_config *c, user_config_kind kind, const user_channel_in *in)
{
    switch (kind) {
    case UCFG_AUTO_ACCEPT:
        c->has_auto_accept = 1;
        c->auto_accept = in->auto_accept != 0;
        c->has_afc_auto_accept = in->has_afc_auto_accept;
        c->afc_auto_accept = in->has_afc_auto_accept && in->afc_auto_accept;
        break;
    case UCFG_ACW:
        if (in->has_acw) {
            c->has_acw = 1;
            c->acw_seconds = in->acw_seconds;
        }
        c->has_afc_acw = in->has_afc_acw;
        c->afc_acw_seconds = in->has_afc_acw ? in->afc_acw_seconds : 0;
        break;
    case UCFG_PHONE_NUMBER:
        snprintf(c->phone_type, sizeof c->phone_type, "%s", in->phone_type);
        snprintf(c->phone_number, sizeof c->phone_number, "%s", in->phone_number ? in->phone_number : "");
        break;
    case UCFG_PERSISTENT:
        c->has_persistent = 1;
        c->persistent = in->persistent != 0;
        break;
    default:
        snprintf(c->voice_enhancement, sizeof c->voice_enhancement, "%s", in->voice_enhancement);
        break;
    }
}

static void apply_config(user_record *u, const user_config_in *cfg)
{
    for (int k = 0; k < UCFG__COUNT; k++)
        for (size_t i = 0; i < cfg->n[k]; i++) {
            channel_config *c = channel_at(u, cfg->items[k][i].channel);
            if (c)
                apply_entry(c, (user_config_kind)k, &cfg->items[k][i]);
        }
}

static void apply_identity(user_record *u, const user_identity_in *id)
{
    set_text(&u->first_name, id->first_name);
    set_text(&u->last_name, id->last_name);
    set_text(&u->email, id->email);
    set_text(&u->secondary_email, id->secondary_email);
    set_text(&u->mobile, id->mobile);
}

/* ---- checks against the store and the principal -------------------------------------------- */

static int load_instance(core_ctx *cx, const char *instance_id, instance *out, rerr *e)
{
    if (core_memo_instance(cx->memo, instance_id, out))
        return 0;
    int rc = store_instance_get(cx->conn, instance_id, out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.100s", instance_id);
    if (rc == STORE_OK)
        core_memo_keep_instance(cx->memo, out);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the instance", e);
}

static int load_user(core_ctx *cx, const char *instance_id, const char *id, user_record *out, rerr *e)
{
    if (validate_id(e, "UserId", id, 256))
        return -1;
    int rc = store_user_get(cx->conn, instance_id, id, out);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "UserId", "User not found: %.256s", id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the user", e);
}

static int check_exists(core_ctx *cx, store_resource kind, const char *instance_id, const char *id,
                        const char *field, const char *noun, rerr *e);

/* Checks that each profile exists in the instance and that the principal may grant the union
 * of their permissions; appends the distinct ids to *out. */
static int check_profiles(core_ctx *cx, const char *instance_id, const strlist *ids, strlist *out, rerr *e)
{
    strlist perms = {0};
    int result = 0;
    if (principal_is_account(cx->who) || (cx->who && cx->who->kind == PRINCIPAL_SCIM_TOKEN)) {
        /* it may grant anything (users.h): existence is the whole check */
        for (size_t i = 0; result == 0 && i < ids->n; i++) {
            result = check_exists(cx, STORE_RES_SECURITY_PROFILE, instance_id, ids->items[i], "SecurityProfileIds",
                                  "Security profile", e);
            if (result == 0 && !strlist_contains(out, ids->items[i]))
                strlist_push(out, ids->items[i]);
        }
        return result;
    }
    for (size_t i = 0; result == 0 && i < ids->n; i++) {
        security_profile p;
        int rc = store_security_profile_get(cx->conn, instance_id, ids->items[i], &p);
        if (rc == STORE_NOTFOUND) {
            result = rerr_set(e, ERR_NOT_FOUND, "SecurityProfileIds", "Security profile not found: %.256s",
                              ids->items[i]);
            break;
        }
        if (rc != STORE_OK) {
            result = core_store_error(cx, rc, "read a security profile", e);
            break;
        }
        for (size_t j = 0; j < p.permissions.n; j++)
            if (!strlist_contains(&perms, p.permissions.items[j]))
                strlist_push(&perms, p.permissions.items[j]);
        if (!strlist_contains(out, p.id))
            strlist_push(out, p.id);
        security_profile_clear(&p);
    }
    if (result == 0)
        result = security_profiles_check_grant(cx->who, &perms, e);
    strlist_clear(&perms);
    return result;
}

static int check_exists(core_ctx *cx, store_resource kind, const char *instance_id, const char *id,
                        const char *field, const char *noun, rerr *e)
{
    if (validate_id(e, field, id, 256))
        return -1;
    if (core_memo_has(cx->memo, kind, instance_id, id))
        return 0;
    int rc = store_resource_exists(cx->conn, kind, instance_id, id);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, field, "%s not found: %.256s", noun, id);
    if (rc == STORE_OK)
        core_memo_add(cx->memo, kind, instance_id, id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "look up a reference", e);
}

static int check_routing(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    return check_exists(cx, STORE_RES_ROUTING_PROFILE, instance_id, id, "RoutingProfileId", "Routing profile", e);
}

static int check_group(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    return check_exists(cx, STORE_RES_HIERARCHY_GROUP, instance_id, id, "HierarchyGroupId", "Hierarchy group", e);
}

/* The username is free in the instance, also ignoring ASCII case. */
static int check_unique(core_ctx *cx, const char *instance_id, const char *username, rerr *e)
{
    user_ref r;
    int rc = store_user_lookalike(cx->conn, instance_id, username, &r);
    if (rc == STORE_NOTFOUND)
        return 0;
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "look up the username", e);
    if (strcmp(r.username, username) == 0)
        rerr_set(e, ERR_DUPLICATE, "Username", "A user named '%s' already exists in this instance (%s)", username,
                 r.id);
    else
        rerr_set(e, ERR_DUPLICATE, "Username",
                 "Username '%s' differs only in case from the existing user '%s' (%s); usernames are unique "
                 "ignoring case",
                 username, r.username, r.id);
    user_ref_clear(&r);
    return -1;
}

/* Maps a failed write of user records. A unique key refused by the store (a look-alike that
 * came between check_unique and the write, on a backend where that can happen) is named as
 * check_unique names it. */
static int write_error(core_ctx *cx, int rc, const char *instance_id, const char *username, rerr *e)
{
    if (rc == STORE_UNIQUE && username && check_unique(cx, instance_id, username, e))
        return -1;
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Username", "A user named '%s' already exists in this instance",
                        username ? username : "");
    if (rc == STORE_FOREIGN)
        return rerr_set(e, ERR_NOT_FOUND, NULL, "A profile or group the user refers to no longer exists");
    return core_store_error(cx, rc, "write the user", e);
}

static int same_text(const char *a, const char *b);

/* Records the change with records that carry no password hash (only whether it changed); the
 * tags (either may be NULL) when the change concerns them. */
static int audit(core_ctx *cx, const char *operation, const user_record *before, const kvlist *before_tags,
                 const user_record *after, const kvlist *after_tags, rerr *e)
{
    user_record b, a;
    if (before) {
        b = *before;
        b.password_hash = NULL;
    }
    if (after) {
        a = *after;
        a.password_hash = NULL;
    }
    audit_user ub = {&b, before_tags, 0},
               ua = {&a, after_tags, before && after && !same_text(before->password_hash, after->password_hash)};
    return audit_user_event(cx, operation, before ? &ub : NULL, after ? &ua : NULL, e);
}

/* ---- transactions -------------------------------------------------------------------------- */

/* What the changes below run inside core_write: the user (and its instance) and the input. */
struct write_args {
    const char *instance_id;
    const char *id;
    const user_new *in;
    const char *hash;
    char *id_out;
    const user_change *ch;
};

/* ---- create -------------------------------------------------------------------------------- */

/* The rules a new user's input must meet, without the store. */
static int check_new(const char *idm_type, const user_new *in, rerr *e)
{
    if (user_check_username(idm_type, in->username, e) ||
        user_check_new_password(idm_type, in->password, in->mode, e) ||
        user_check_identity(idm_type, &in->identity, in->mode, e) || user_check_channels(in->phone, &in->config, e) ||
        user_check_security_profile_ids(in->security_profile_ids, e))
        return -1;
    if (in->directory_user_id)
        return rerr_set(e, ERR_INVALID_PARAMETER, "DirectoryUserId",
                        "DirectoryUserId applies to EXISTING_DIRECTORY instances, which roster does not serve");
    if (!in->routing_profile_id)
        return rerr_set(e, ERR_INVALID_PARAMETER, "RoutingProfileId", "RoutingProfileId is required");
    return in->tags ? validate_tags(e, "Tags", in->tags) : 0;
}

/* Fills *u (zeroed) with the new user; profiles are the checked, distinct ids. */
static void build_user(core_ctx *cx, const char *instance_id, const user_new *in, const strlist *profiles,
                       const char *hash, user_record *u)
{
    memset(u, 0, sizeof *u);
    uuid_v7(u->id);
    snprintf(u->instance_id, sizeof u->instance_id, "%s", instance_id);
    u->username = xstrdup(in->username);
    apply_identity(u, &in->identity);
    u->password_hash = xstrdup(hash);
    u->password_temporary = hash && in->password_temporary;
    snprintf(u->routing_profile_id, sizeof u->routing_profile_id, "%s", in->routing_profile_id);
    if (in->hierarchy_group_id)
        snprintf(u->hierarchy_group_id, sizeof u->hierarchy_group_id, "%s", in->hierarchy_group_id);
    for (size_t i = 0; i < profiles->n; i++)
        strlist_push(&u->security_profile_ids, profiles->items[i]);
    default_channels(u);
    if (in->phone)
        apply_phone(u, in->phone);
    apply_config(u, &in->config);
    u->external_id = xstrdup(in->external_id);
    u->disabled = in->disabled != 0;
    u->scim_attributes = xstrdup(in->scim_attributes);
    u->externally_managed = cx->who && cx->who->kind == PRINCIPAL_SCIM_TOKEN;
    u->version = 1;
    u->created_ms = u->modified_ms = cx->now_ms;
}

/* The store checks of a new user: a free name, existing references, the grant rule. */
static int check_new_refs(core_ctx *cx, const char *instance_id, const user_new *in, strlist *profiles, rerr *e)
{
    return check_unique(cx, instance_id, in->username, e) ||
                   check_profiles(cx, instance_id, in->security_profile_ids, profiles, e) ||
                   check_routing(cx, instance_id, in->routing_profile_id, e) ||
                   (in->hierarchy_group_id && *in->hierarchy_group_id &&
                    check_group(cx, instance_id, in->hierarchy_group_id, e))
               ? -1
               : 0;
}

int users_create_tx(core_ctx *cx, const char *instance_id, const user_new *in, const char *password_hash,
                    char id_out[ID_LEN], rerr *e)
{
    instance inst;
    if (core_allow(cx, CORE_USERS_CREATE, instance_id, e) || load_instance(cx, instance_id, &inst, e))
        return -1;
    strlist profiles = {0};
    user_record u = {0};
    int result = -1, rc;
    if (check_new(inst.idm_type, in, e) || check_new_refs(cx, instance_id, in, &profiles, e))
        goto done;
    build_user(cx, instance_id, in, &profiles, password_hash, &u);
    if (user_check_channel_state(&u, e))
        goto done;
    if (in->dry_run) {
        id_out[0] = '\0';
        result = 0;
        goto done;
    }
    rc = store_user_create(cx->conn, &u);
    if (rc == STORE_OK && in->tags)
        rc = store_tags_set(cx->conn, instance_id, u.id, in->tags);
    if (rc != STORE_OK) {
        write_error(cx, rc, instance_id, in->username, e);
        goto done;
    }
    if (audit(cx, "CreateUser", NULL, NULL, &u, in->tags, e) == 0) {
        memcpy(id_out, u.id, ID_LEN);
        result = 0;
    }
done:
    instance_clear(&inst);
    strlist_clear(&profiles);
    user_clear(&u);
    return result;
}

static int create_change(core_ctx *cx, void *arg, rerr *e)
{
    struct write_args *a = arg;
    return users_create_tx(cx, a->instance_id, a->in, a->hash, a->id_out, e);
}

int users_create(core_ctx *cx, const char *instance_id, const user_new *in, char id_out[ID_LEN], rerr *e)
{
    instance inst;
    if (core_allow(cx, CORE_USERS_CREATE, instance_id, e) || load_instance(cx, instance_id, &inst, e))
        return -1;
    int bad = check_new(inst.idm_type, in, e); /* before the costly hash */
    instance_clear(&inst);
    if (bad)
        return -1;
    char *hash = NULL; /* a dry run stores nothing: no hash to make */
    if (in->password && !in->dry_run && !(hash = passwords_hash(in->password)))
        return rerr_set(e, ERR_INTERNAL, NULL, "cannot hash the password");
    struct write_args a = {.instance_id = instance_id, .in = in, .hash = hash, .id_out = id_out};
    int result = core_write(cx, create_change, &a, e);
    free_secret(hash);
    return result;
}

/* ---- update -------------------------------------------------------------------------------- */

/* The facets (USER_FACET_*) change ch touches. */
static unsigned change_facets(const user_change *ch)
{
    unsigned f = 0;
    if (ch->identity || ch->password || ch->set_disabled || ch->security_profile_ids || ch->username ||
        ch->set_external_id)
        f |= USER_FACET_IDENTITY;
    if (ch->phone || ch->config || ch->set_tags)
        f |= USER_FACET_SETTINGS;
    if (ch->routing_profile_id)
        f |= USER_FACET_ROUTING;
    if (ch->set_hierarchy)
        f |= USER_FACET_HIERARCHY;
    return f;
}

/* Refuses a change of facets (USER_FACET_ROUTING, _HIERARCHY) that the SCIM group mappings gave
 * user_id (scim_user_grants): those follow the groups, whoever may edit the rest. */
static int check_granted(core_ctx *cx, const char *user_id, unsigned facets, rerr *e)
{
    strlist g[STORE_SCIM_TARGETS] = {{0}};
    int rc = store_scim_grants_get(cx->conn, user_id, g);
    const char *what = (facets & USER_FACET_ROUTING) && g[STORE_SCIM_ROUTING_PROFILE].n     ? "routing profile"
                       : (facets & USER_FACET_HIERARCHY) && g[STORE_SCIM_HIERARCHY_GROUP].n ? "hierarchy group"
                                                                                          : NULL;
    for (int k = 0; k < STORE_SCIM_TARGETS; k++)
        strlist_clear(&g[k]);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read what the SCIM group mappings gave the user", e);
    if (what)
        return rerr_set(e, ERR_INVALID_REQUEST, "UserId",
                        "%s: its %s comes from its groups' SCIM mappings (roster scim-mapping list); change the "
                        "groups or the mappings instead",
                        USER_MANAGED_MESSAGE, what);
    return 0;
}

int users_check_managed(core_ctx *cx, const user_record *u, unsigned facets, rerr *e)
{
    if (!u->externally_managed || (cx->who && cx->who->kind == PRINCIPAL_SCIM_TOKEN))
        return 0; /* (core_allow has kept the token to its instance) */
    if (facets && !(facets & USER_FACET_IDENTITY)) {
        scim_settings_row s;
        int stored;
        int rc = store_scim_settings_get(cx->conn, u->instance_id, &s, &stored);
        strlist_clear(&s.security_profile_ids);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "read the instance's SCIM settings", e);
        if (s.admins_edit_settings)
            return facets & (USER_FACET_ROUTING | USER_FACET_HIERARCHY) ? check_granted(cx, u->id, facets, e) : 0;
    }
    return rerr_set(e, ERR_INVALID_REQUEST, "UserId", "%s", USER_MANAGED_MESSAGE);
}

/* The actions a change is: Users.Edit for any facet but the security profiles (and for a
 * change of nothing), Users.EditPermission for the security profiles. */
static int allow_change(core_ctx *cx, const char *instance_id, const user_change *ch, const char *id, rerr *e)
{
    int edits = ch->identity || ch->phone || ch->config || ch->routing_profile_id || ch->set_hierarchy ||
                ch->password || ch->set_tags || ch->set_disabled || ch->username || ch->set_external_id;
    if (ch->own_password) { /* a user's own password: nothing else, and only their own */
        const principal *who = cx->who ? cx->who : principal_cli();
        if (!ch->password || ch->identity || ch->phone || ch->config || ch->routing_profile_id || ch->set_hierarchy ||
            ch->set_tags || ch->set_disabled || ch->security_profile_ids || ch->username || ch->set_external_id)
            return rerr_set(e, ERR_INTERNAL, NULL, "internal error: a change of one's own password changes more");
        if (core_allow(cx, CORE_USERS_CHANGE_OWN_PASSWORD, instance_id, e))
            return -1;
        if (strcmp(who->user_id, id) != 0)
            return rerr_set(e, ERR_ACCESS_DENIED, "UserId", "ChangeOwnPassword changes only the signed-in user's password");
        return 0;
    }
    if ((edits || !ch->security_profile_ids) && core_allow(cx, CORE_USERS_UPDATE, instance_id, e))
        return -1;
    return ch->security_profile_ids ? core_allow(cx, CORE_USERS_UPDATE_SECURITY_PROFILES, instance_id, e) : 0;
}

/* The input rules of a change, without the store. */
static int check_change(const char *idm_type, const user_change *ch, rerr *e)
{
    if (ch->username && user_check_username(idm_type, ch->username, e))
        return -1;
    if (ch->set_external_id && ch->external_id && validate_length(e, "ExternalId", ch->external_id, 1, 1024))
        return -1;
    if (ch->identity && user_check_identity(idm_type, ch->identity, USER_CHECK_UPDATE, e))
        return -1;
    if ((ch->phone || ch->config) && user_check_channels(ch->phone, ch->config, e))
        return -1;
    if (ch->password && (user_check_new_password(idm_type, ch->password, USER_CHECK_CREATE, e) ||
                         (!ch->password_hash && rerr_set(e, ERR_INTERNAL, "Password", "the password is not hashed"))))
        return -1;
    if (ch->set_tags && ch->tags && ch->tags->keys.n && validate_tags(e, "Tags", ch->tags)) /* none: untags */
        return -1;
    return ch->security_profile_ids ? user_check_security_profile_ids(ch->security_profile_ids, e) : 0;
}

static int same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_channel(const channel_config *a, const channel_config *b)
{
    return a->has_auto_accept == b->has_auto_accept && a->auto_accept == b->auto_accept &&
           a->has_afc_auto_accept == b->has_afc_auto_accept && a->afc_auto_accept == b->afc_auto_accept &&
           a->has_acw == b->has_acw && a->acw_seconds == b->acw_seconds && a->has_afc_acw == b->has_afc_acw &&
           a->afc_acw_seconds == b->afc_acw_seconds && strcmp(a->phone_type, b->phone_type) == 0 &&
           strcmp(a->phone_number, b->phone_number) == 0 && a->has_persistent == b->has_persistent &&
           a->persistent == b->persistent && strcmp(a->voice_enhancement, b->voice_enhancement) == 0;
}

/* 1 when b says everything a says (a change that leaves a user as it was). */
/* 1 when the two users' child rows (security profiles, channel settings) are the same. */
static int same_children(user_record *a, user_record *b)
{
    if (!strlist_same_set(&a->security_profile_ids, &b->security_profile_ids) || a->n_channels != b->n_channels)
        return 0;
    for (size_t i = 0; i < a->n_channels; i++) {
        const channel_config *other = user_channel(b, a->channels[i].channel);
        if (!other || !same_channel(&a->channels[i], other))
            return 0;
    }
    return 1;
}

static int same_user(user_record *a, user_record *b)
{
    return same_text(a->username, b->username) && same_text(a->first_name, b->first_name) &&
           same_text(a->external_id, b->external_id) && a->externally_managed == b->externally_managed &&
           same_text(a->last_name, b->last_name) && same_text(a->email, b->email) &&
           same_text(a->secondary_email, b->secondary_email) && same_text(a->mobile, b->mobile) &&
           same_text(a->password_hash, b->password_hash) && strcmp(a->routing_profile_id, b->routing_profile_id) == 0 &&
           strcmp(a->hierarchy_group_id, b->hierarchy_group_id) == 0 && a->disabled == b->disabled &&
           a->password_temporary == b->password_temporary && same_children(a, b);
}

/* 1 when the two tag sets hold the same keys with the same values. */
static int same_tags(const kvlist *a, const kvlist *b)
{
    size_t na = a ? a->keys.n : 0, nb = b ? b->keys.n : 0;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        size_t j = 0;
        while (j < nb && strcmp(a->keys.items[i], b->keys.items[j]) != 0)
            j++;
        if (j == nb || strcmp(a->values.items[i], b->values.items[j]) != 0)
            return 0;
    }
    return 1;
}

/* Replaces the user's tags with want (NULL: none), given what it has. */
static int replace_tags(core_ctx *cx, const char *instance_id, const char *id, const kvlist *have, const kvlist *want)
{
    strlist gone = {0};
    for (size_t i = 0; i < have->keys.n; i++) {
        int kept = 0;
        for (size_t j = 0; want && !kept && j < want->keys.n; j++)
            kept = strcmp(have->keys.items[i], want->keys.items[j]) == 0;
        if (!kept)
            strlist_push(&gone, have->keys.items[i]);
    }
    int rc = gone.n ? store_tags_remove(cx->conn, id, &gone) : STORE_OK;
    strlist_clear(&gone);
    if (rc == STORE_OK && want && want->keys.n)
        rc = store_tags_set(cx->conn, instance_id, id, want);
    return rc;
}

/* Applies the facets of ch to u, checking references in the instance. */
static int apply_change(core_ctx *cx, const char *instance_id, const user_change *ch, user_record *u, rerr *e)
{
    if (ch->identity)
        apply_identity(u, ch->identity);
    if (ch->phone)
        apply_phone(u, ch->phone);
    if (ch->config)
        apply_config(u, ch->config);
    if ((ch->phone || ch->config) && user_check_channel_state(u, e))
        return -1;
    if (ch->routing_profile_id) {
        if (check_routing(cx, instance_id, ch->routing_profile_id, e))
            return -1;
        snprintf(u->routing_profile_id, sizeof u->routing_profile_id, "%s", ch->routing_profile_id);
    }
    if (ch->security_profile_ids) {
        strlist ids = {0};
        if (check_profiles(cx, instance_id, ch->security_profile_ids, &ids, e)) {
            strlist_clear(&ids);
            return -1;
        }
        strlist_clear(&u->security_profile_ids);
        u->security_profile_ids = ids;
    }
    if (ch->set_hierarchy) {
        const char *g = ch->hierarchy_group_id && *ch->hierarchy_group_id ? ch->hierarchy_group_id : NULL;
        if (g && check_group(cx, instance_id, g, e))
            return -1;
        snprintf(u->hierarchy_group_id, sizeof u->hierarchy_group_id, "%s", g ? g : "");
    }
    return 0;
}

int users_update_tx(core_ctx *cx, const char *instance_id, const char *id, const user_change *ch, rerr *e)
{
    instance inst;
    if (allow_change(cx, instance_id, ch, id, e) || load_instance(cx, instance_id, &inst, e))
        return -1;
    int bad = check_change(inst.idm_type, ch, e);
    instance_clear(&inst);
    user_record before, after;
    if (bad || load_user(cx, instance_id, id, &before, e))
        return -1;
    int result = -1, rc;
    kvlist tags_before = {0};
    user_copy(&after, &before, 1);
    if (ch->if_version > 0 && before.version != ch->if_version) {
        rerr_set(e, ERR_CONDITION_FAILED, "version",
                 "the user has changed: it is at version %lld, not %lld; read it again",
                 (long long)before.version, (long long)ch->if_version);
        goto done;
    }
    if ((!ch->by_mapping && users_check_managed(cx, &before, change_facets(ch), e)) ||
        apply_change(cx, instance_id, ch, &after, e))
        goto done;
    if (ch->username && !same_text(before.username, ch->username)) {
        if (strcasecmp(before.username, ch->username) != 0 && check_unique(cx, instance_id, ch->username, e))
            goto done;
        free(after.username);
        after.username = xstrdup(ch->username);
    }
    if (ch->set_external_id) {
        free(after.external_id);
        after.external_id = xstrdup(ch->external_id);
    }
    if (cx->who && cx->who->kind == PRINCIPAL_SCIM_TOKEN && !ch->by_mapping)
        after.externally_managed = 1;
    if (ch->password) {
        free_secret(after.password_hash);
        after.password_hash = xstrdup(ch->password_hash);
        after.password_temporary = ch->password_temporary != 0;
    }
    if (ch->set_disabled)
        after.disabled = ch->disabled != 0;
    if (ch->set_tags && (rc = store_tags_get(cx->conn, before.id, &tags_before)) != STORE_OK) {
        core_store_error(cx, rc, "read the tags", e);
        goto done;
    }
    if (ch->changed) {
        *ch->changed = !same_user(&before, &after) || (ch->set_tags && !same_tags(&tags_before, ch->tags));
        if (!*ch->changed) {
            result = 0;
            goto done;
        }
    }
    if (ch->dry_run) {
        result = 0;
        goto done;
    }
    after.version = before.version + 1;
    after.modified_ms = cx->now_ms;
    rc = store_user_update(cx->conn, &after,
                           (same_text(before.username, after.username) ? 0u : STORE_USER_NAME) |
                               (same_children(&before, &after) ? 0u : STORE_USER_CHILDREN));
    if (rc == STORE_OK && ch->set_tags)
        rc = replace_tags(cx, instance_id, before.id, &tags_before, ch->tags);
    if (rc != STORE_OK)
        write_error(cx, rc, instance_id, after.username, e);
    else if (ch->set_tags) {
        kvlist none = {0};
        result = audit(cx, ch->operation ? ch->operation : "UpdateUser", &before, &tags_before, &after,
                       ch->tags ? ch->tags : &none, e);
    } else
        result = audit(cx, ch->operation ? ch->operation : "UpdateUser", &before, NULL, &after, NULL, e);
done:
    kvlist_clear(&tags_before);
    user_clear(&before);
    user_clear(&after);
    return result;
}

static int update_change(core_ctx *cx, void *arg, rerr *e)
{
    struct write_args *a = arg;
    return users_update_tx(cx, a->instance_id, a->id, a->ch, e);
}

int users_update(core_ctx *cx, const char *instance_id, const char *id, const user_change *ch, rerr *e)
{
    if (allow_change(cx, instance_id, ch, id, e))
        return -1;
    struct write_args a = {.instance_id = instance_id, .id = id, .ch = ch};
    return core_write(cx, update_change, &a, e);
}

/* ---- delete -------------------------------------------------------------------------------- */

int users_delete_tx(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    user_record before;
    if (core_allow(cx, CORE_USERS_DELETE, instance_id, e) || load_user(cx, instance_id, id, &before, e))
        return -1;
    int result = users_check_managed(cx, &before, USER_FACET_IDENTITY, e);
    kvlist tags = {0};
    if (result == 0) {
        int rc = store_tags_get(cx->conn, before.id, &tags);
        if (rc == STORE_OK)
            rc = store_user_delete(cx->conn, instance_id, before.id);
        result = rc == STORE_OK ? audit(cx, "DeleteUser", &before, &tags, NULL, NULL, e)
                                : rc == STORE_NOTFOUND ? rerr_set(e, ERR_NOT_FOUND, "UserId", "User not found: %s", id)
                                                       : core_store_error(cx, rc, "delete the user", e);
    }
    kvlist_clear(&tags);
    user_clear(&before);
    return result;
}

static int delete_change(core_ctx *cx, void *arg, rerr *e)
{
    struct write_args *a = arg;
    return users_delete_tx(cx, a->instance_id, a->id, e);
}

int users_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e)
{
    if (core_allow(cx, CORE_USERS_DELETE, instance_id, e))
        return -1;
    struct write_args a = {.instance_id = instance_id, .id = id};
    return core_write(cx, delete_change, &a, e);
}

/* ---- read ---------------------------------------------------------------------------------- */

int users_get(core_ctx *cx, const char *instance_id, const char *id, user_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_USERS_DESCRIBE, instance_id, e) || load_user(cx, instance_id, id, out, e))
        return -1;
    free_secret(out->password_hash);
    out->password_hash = NULL;
    return 0;
}

int users_get_console(core_ctx *cx, const char *instance_id, const char *id, user_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow_user(cx, CORE_USERS_CONSOLE_DESCRIBE, instance_id, id, e) || load_user(cx, instance_id, id, out, e))
        return -1;
    free_secret(out->password_hash);
    out->password_hash = NULL;
    return 0;
}

int users_find(core_ctx *cx, const char *instance_id, const char *username, user_record *out, int *exact, rerr *e)
{
    memset(out, 0, sizeof *out);
    *exact = 0;
    if (core_allow(cx, CORE_USERS_FIND, instance_id, e))
        return -1;
    user_ref r;
    int rc = store_user_lookalike(cx->conn, instance_id, username, &r);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "Username", "User not found: %.100s", username);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "look up the username", e);
    *exact = strcmp(r.username, username) == 0;
    int result = load_user(cx, instance_id, r.id, out, e);
    user_ref_clear(&r);
    if (result == 0) {
        free_secret(out->password_hash);
        out->password_hash = NULL;
    }
    return result;
}

int users_list(core_ctx *cx, const char *instance_id, const char *token, size_t limit, summary_list *out,
               char **next, rerr *e)
{
    *next = NULL;
    char *key = NULL, *id = NULL;
    if (core_allow(cx, CORE_USERS_LIST, instance_id, e) ||
        page_token_decode(e, "nextToken", token, TOKEN_KIND, &key, &id))
        return -1;
    page_req pr = {.instance_id = instance_id, .after_name = key, .after_id = id, .limit = limit + 1};
    int rc = store_user_list(cx->conn, &pr, out);
    free(key);
    free(id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list users", e);
    if (out->n > limit) {
        free(out->items[limit].name);
        out->n = limit;
        const summary *last = &out->items[limit - 1];
        *next = page_token_encode(TOKEN_KIND, last->name ? last->name : "", last->id);
    }
    return 0;
}

/* ---- the command line ---------------------------------------------------------------------- */

/* Resolves profile names to ids (outside any transaction; users_create checks them again). */
static int resolve_profiles(core_ctx *cx, const char *instance_id, const strlist *names, strlist *ids, rerr *e)
{
    if (!names || names->n < 1 || names->n > USER_PROFILES_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfileIds",
                        "a user needs 1 to %d security profiles (got %zu)", USER_PROFILES_MAX, names ? names->n : 0);
    for (size_t i = 0; i < names->n; i++) {
        security_profile p;
        int rc = store_security_profile_by_name(cx->conn, instance_id, names->items[i], &p);
        if (rc == STORE_NOTFOUND)
            return rerr_set(e, ERR_NOT_FOUND, "SecurityProfileIds", "Security profile not found: %s",
                            names->items[i]);
        if (rc != STORE_OK)
            return core_store_error(cx, rc, "look up a security profile", e);
        strlist_push(ids, p.id);
        security_profile_clear(&p);
    }
    return 0;
}

int users_create_basic(core_ctx *cx, const char *instance_id, const user_basic *u, char id_out[ID_LEN], rerr *e)
{
    if (core_allow(cx, CORE_USERS_CREATE, instance_id, e))
        return -1;
    strlist ids = {0};
    char rp[ID_LEN];
    int result = resolve_profiles(cx, instance_id, u->security_profile_names, &ids, e);
    if (result == 0 && u->routing_profile_id)
        snprintf(rp, sizeof rp, "%s", u->routing_profile_id);
    else if (result == 0)
        result = routing_profiles_default(cx, instance_id, rp, e);
    if (result == 0) {
        user_new in = {.username = u->username,
                       .password = u->password,
                       .identity = {.first_name = u->first_name, .last_name = u->last_name, .email = u->email},
                       .security_profile_ids = &ids,
                       .routing_profile_id = rp,
                       .mode = USER_CHECK_CREATE_OPERATOR};
        result = users_create(cx, instance_id, &in, id_out, e);
    }
    strlist_clear(&ids);
    return result;
}
