/* roster_console_users.c — the web console's page of one user (/roster/v1/instances/{InstanceId}/
 * console/users…): read (Users.View, or the user themselves), create (with a temporary password
 * by default, and a dry run for the form's review step), change any facet, set a temporary
 * password, disable, enable, delete, and the user's history (the audit trail's field-level diff).
 * Every rule is core's (core/users.h, core/console.h, core/user_history.h); the request bodies
 * are read by the Connect adapters' readers (connect_readers.h, core/json_members.h), so the
 * validation messages are the API's own. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/console_json.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "api/roster_wire.h"
#include "api/user_json.h"
#include "core/arn.h"
#include "core/catalog.h"
#include "core/console.h"
#include "core/json_members.h"
#include "core/user_history.h"
#include "core/users.h"
#include "crypto/passwords.h"

#define HISTORY_PAGE 50

/* ---- the user document ------------------------------------------------------------------------ */

/* [{"Id","Name"}…] of the user's profiles in name order (profiles are in name order already). */
static json_t *profiles_json(const console_profiles *l, const strlist *ids)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        if (strlist_contains(ids, l->items[i].id))
            json_array_append_new(a, console_id_name(l->items[i].id, l->items[i].name));
    return a;
}

/* The console's User document of u (new reference), or NULL with c->err set. */
static json_t *user_doc(api_call *c, user_record *u)
{
    catalog cat;
    console_profiles profiles;
    if (catalog_load(&c->cx, c->inst.id, &cat, &c->err) ||
        console_profiles_load(&c->cx, c->inst.id, &profiles, &c->err)) {
        catalog_clear(&cat);
        console_profiles_clear(&profiles);
        return NULL;
    }
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, u->id);
    json_t *o = json_object();
    json_object_set_new(o, "Id", json_string(u->id));
    json_object_set_new(o, "Arn", json_string(arn));
    free(arn);
    json_object_set_new(o, "Username", json_string(u->username));
    json_object_set_new(o, "IdentityInfo", user_identity_json(u));
    json_t *phone = user_phone_json(u, 1);
    json_object_del(phone, "PersistentConnection");
    json_object_set_new(o, "PhoneConfig", phone);
    json_object_set_new(o, "RoutingProfile",
                        console_id_name(u->routing_profile_id, catalog_routing_name(&cat, u->routing_profile_id)));
    json_object_set_new(o, "SecurityProfiles", profiles_json(&profiles, &u->security_profile_ids));
    json_object_set_new(o, "AgentHierarchy", console_group_json(&cat, u->hierarchy_group_id));
    json_object_set_new(o, "Tags", json_object());
    api_tags(c, o, "Tags", u->id);
    json_object_set_new(o, "Role", json_string(console_user_role(&profiles, &u->security_profile_ids)));
    json_object_set_new(o, "ExternallyManaged", json_boolean(u->externally_managed));
    if (u->externally_managed) { /* what the caller may still change of it (core decides, per facet) */
        static const struct {
            unsigned facet;
            const char *names[2];
        } facets[] = {{USER_FACET_SETTINGS, {"PhoneConfig", "Tags"}},
                      {USER_FACET_ROUTING, {"RoutingProfileId", NULL}},
                      {USER_FACET_HIERARCHY, {"HierarchyGroupId", NULL}}};
        json_t *editable = json_array();
        rerr refused;
        for (size_t i = 0; i < sizeof facets / sizeof facets[0]; i++)
            if (users_check_managed(&c->cx, u, facets[i].facet, &refused) == 0)
                for (size_t k = 0; k < 2 && facets[i].names[k]; k++)
                    json_array_append_new(editable, json_string(facets[i].names[k]));
        json_object_set_new(o, "ManagedEditable", editable);
    }
    json_object_set_new(o, "Disabled", json_boolean(u->disabled));
    json_object_set_new(o, "PasswordTemporary", json_boolean(u->password_temporary));
    json_object_set_new(o, "Version", json_integer(u->version));
    json_object_set_new(o, "CreatedTime", jtime(u->created_ms));
    json_object_set_new(o, "LastModifiedTime", jtime(u->modified_ms));
    catalog_clear(&cat);
    console_profiles_clear(&profiles);
    return o;
}

/* Answers {"User": …} for user id, read in one snapshot. Returns 0 or -1 with c->err set. */
static int answer_user(api_call *c, const char *id, int own_snapshot)
{
    if (own_snapshot && store_begin(c->cx.conn, 0) != STORE_OK)
        return rerr_set(&c->err, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    user_record u;
    json_t *doc = NULL;
    if (users_get_console(&c->cx, c->inst.id, id, &u, &c->err) == 0)
        doc = user_doc(c, &u);
    user_clear(&u);
    if (own_snapshot)
        store_rollback(c->cx.conn);
    if (!doc)
        return -1;
    c->out = json_object();
    json_object_set_new(c->out, "User", doc);
    return 0;
}

static int no_params(api_call *c)
{
    static const char *const params[] = {NULL};
    return roster_check_params(c->r, params, &c->err);
}

/* ---- operations ------------------------------------------------------------------------------- */

static int get_user(api_call *c)
{
    return no_params(c) || answer_user(c, c->labels[1], 0) ? -1 : 0;
}

static int create_user(api_call *c)
{
    static const char *const members[] = {"Username",   "Password",          "IdentityInfo", "PhoneConfig",
                                          "SecurityProfileIds", "RoutingProfileId", "HierarchyGroupId", "Tags",
                                          "PasswordTemporary", "DryRun", NULL};
    int temporary = 1, has_temporary = 0, dry_run = 0, has_dry = 0;
    if (no_params(c) || mj_only(&c->err, c->in, "", members) ||
        mj_bool(&c->err, c->in, "", "PasswordTemporary", 0, &has_temporary, &temporary) ||
        mj_bool(&c->err, c->in, "", "DryRun", 0, &has_dry, &dry_run))
        return -1;
    if (!has_temporary)
        temporary = 1;
    create_body b;
    char id[ID_LEN] = "";
    int rc = read_create(c, &b);
    if (rc == 0) {
        b.n.password_temporary = temporary;
        b.n.dry_run = dry_run;
        rc = users_create(&c->cx, c->inst.id, &b.n, id, &c->err);
    }
    create_body_clear(&b);
    if (rc)
        return -1;
    if (dry_run) {
        c->out = json_pack("{s:b}", "Valid", 1);
        return 0;
    }
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, id);
    c->out = json_pack("{s:s, s:s}", "UserId", id, "UserArn", arn);
    free(arn);
    return 0;
}

/* The members of a change body, read (borrowing from the document). */
typedef struct change_in {
    user_identity_in identity;
    user_phone_in phone;
    strlist profiles;
    kvlist tags;
} change_in;

static int update_user(api_call *c)
{
    static const char *const members[] = {"IdentityInfo",     "PhoneConfig",      "RoutingProfileId",
                                          "SecurityProfileIds", "HierarchyGroupId", "Tags", NULL};
    change_in in;
    memset(&in, 0, sizeof in);
    int changed = 0;
    user_change ch = {.operation = "UpdateUser", .changed = &changed}; /* a change of nothing writes nothing */
    json_t *identity = NULL, *phone = NULL;
    int has_profiles = 0, has_tags = 0;
    int rc = no_params(c) || mj_only(&c->err, c->in, "", members) ||
                     mj_obj(&c->err, c->in, NULL, "IdentityInfo", 0, &identity) ||
                     (identity && read_identity(&c->err, identity, &in.identity)) ||
                     mj_obj(&c->err, c->in, NULL, "PhoneConfig", 0, &phone) ||
                     (phone && read_phone(&c->err, phone, &in.phone)) ||
                     jget_str(&c->err, c->in, "RoutingProfileId", 0, &ch.routing_profile_id) ||
                     jget_strlist(&c->err, c->in, "SecurityProfileIds", &in.profiles, &has_profiles) ||
                     jget_str(&c->err, c->in, "HierarchyGroupId", 0, &ch.hierarchy_group_id) ||
                     jget_map(&c->err, c->in, "Tags", &in.tags, &has_tags)
                 ? -1
                 : 0;
    if (rc == 0) {
        ch.identity = identity ? &in.identity : NULL;
        ch.phone = phone ? &in.phone : NULL;
        ch.security_profile_ids = has_profiles ? &in.profiles : NULL;
        ch.set_hierarchy = mj_present(c->in, "HierarchyGroupId");
        ch.set_tags = has_tags;
        ch.tags = has_tags ? &in.tags : NULL;
        rc = users_update(&c->cx, c->inst.id, c->labels[1], &ch, &c->err);
    }
    strlist_clear(&in.profiles);
    kvlist_clear(&in.tags);
    return rc || answer_user(c, c->labels[1], 1) ? -1 : 0;
}

static int set_password(api_call *c)
{
    static const char *const members[] = {"Password", NULL};
    const char *password = NULL;
    if (no_params(c) || mj_only(&c->err, c->in, "", members) || jget_str(&c->err, c->in, "Password", 1, &password) ||
        user_check_password(password, &c->err)) /* the policy before the costly hash */
        return -1;
    char *hash = passwords_hash(password);
    if (!hash)
        return rerr_set(&c->err, ERR_INTERNAL, NULL, "cannot hash the password");
    user_change ch = {.operation = "ResetUserPassword", .password = password, .password_hash = hash,
                      .password_temporary = 1};
    int rc = users_update(&c->cx, c->inst.id, c->labels[1], &ch, &c->err);
    free(hash);
    return rc || answer_user(c, c->labels[1], 1) ? -1 : 0;
}

/* Disables (disabled 1) or enables the user. */
static int set_disabled(api_call *c, int disabled)
{
    static const char *const members[] = {NULL};
    if (no_params(c) || mj_only(&c->err, c->in, "", members))
        return -1;
    int changed = 0;
    user_change ch = {.operation = disabled ? "DisableUser" : "EnableUser",
                      .set_disabled = 1,
                      .disabled = disabled,
                      .changed = &changed}; /* disabling a disabled user records nothing */
    return users_update(&c->cx, c->inst.id, c->labels[1], &ch, &c->err) || answer_user(c, c->labels[1], 1) ? -1 : 0;
}

static int disable_user(api_call *c)
{
    return set_disabled(c, 1);
}

static int enable_user(api_call *c)
{
    return set_disabled(c, 0);
}

static int delete_user(api_call *c)
{
    if (no_params(c) || users_delete(&c->cx, c->inst.id, c->labels[1], &c->err))
        return -1;
    c->out = json_object();
    return 0;
}

static int user_history(api_call *c)
{
    static const char *const params[] = {"NextToken", NULL};
    if (roster_check_params(c->r, params, &c->err))
        return -1;
    history_page p;
    char *next = NULL;
    if (users_history(&c->cx, c->inst.id, c->labels[1], request_param(c->r, "NextToken"), HISTORY_PAGE, &p, &next,
                      &c->err)) {
        history_page_clear(&p);
        return -1;
    }
    json_t *events = json_array();
    for (size_t i = 0; i < p.n; i++) {
        const history_event *ev = &p.items[i];
        json_t *changes = json_array();
        for (size_t k = 0; k < ev->n_changes; k++) {
            json_t *ch = json_object();
            json_object_set_new(ch, "Field", json_string(ev->changes[k].field));
            json_object_set(ch, "Before", ev->changes[k].before);
            json_object_set(ch, "After", ev->changes[k].after);
            json_array_append_new(changes, ch);
        }
        json_t *o = json_object();
        json_object_set_new(o, "Time", jtime(ev->at_ms));
        json_object_set_new(o, "Operation", json_string(ev->operation));
        json_object_set_new(o, "Actor", json_string(ev->actor));
        json_object_set_new(o, "Changes", changes);
        json_array_append_new(events, o);
    }
    history_page_clear(&p);
    c->out = json_object();
    json_object_set_new(c->out, "Events", events);
    json_object_set_new(c->out, "NextToken", next ? json_string(next) : json_null());
    free(next);
    return 0;
}

#define USERS "/roster/v1/instances/{InstanceId}/console/users"

static const api_op ops[] = {
    {"CreateConsoleUser", "POST", USERS, CORE_USERS_CREATE, 0, create_user},
    {"DescribeConsoleUser", "GET", USERS "/{UserId}", CORE_USERS_CONSOLE_DESCRIBE, 0, get_user},
    /* Users.Edit; core also needs Users.EditPermission for SecurityProfileIds */
    {"UpdateConsoleUser", "POST", USERS "/{UserId}", CORE_USERS_UPDATE, 0, update_user},
    {"ResetConsoleUserPassword", "POST", USERS "/{UserId}/password", CORE_USERS_UPDATE, 0, set_password},
    {"DisableConsoleUser", "POST", USERS "/{UserId}/disable", CORE_USERS_UPDATE, 0, disable_user},
    {"EnableConsoleUser", "POST", USERS "/{UserId}/enable", CORE_USERS_UPDATE, 0, enable_user},
    {"DeleteConsoleUser", "DELETE", USERS "/{UserId}", CORE_USERS_DELETE, 0, delete_user},
    {"DescribeConsoleUserHistory", "GET", USERS "/{UserId}/history", CORE_USERS_CONSOLE_HISTORY, 0, user_history},
};

const api_op *roster_console_user_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
