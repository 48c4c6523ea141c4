/* tags.c — tagging resources by ARN. A user's tags are part of the user: changing them counts
 * in the user's version and is recorded in the audit trail. */
#include "core/tags.h"

#include <stdio.h>
#include <string.h>

#include "core/arn.h"
#include "core/audit.h"
#include "core/authorize.h"
#include "core/write.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "core/user_rules.h"
#include "core/users.h"
#include "core/validate.h"

/* What an ARN resource kind is in the store, and the permissions over its tags. */
static const struct {
    const char *arn_kind;        /* "" for the instance itself */
    store_resource kind;
    const char *noun;
    const char *view;
    const char *edit;
} kinds[] = {
    {"", STORE_RES_INSTANCE, "Instance", NULL, PERM_ACCOUNT},
    {ARN_USER, STORE_RES_USER, "User", "Users.View", "Users.Edit"},
    {ARN_ROUTING_PROFILE, STORE_RES_ROUTING_PROFILE, "Routing profile", "RoutingPolicies.View",
     "RoutingPolicies.Edit"},
    {ARN_SECURITY_PROFILE, STORE_RES_SECURITY_PROFILE, "Security profile", "SecurityProfiles.View",
     "SecurityProfiles.Edit"},
    {ARN_HIERARCHY_GROUP, STORE_RES_HIERARCHY_GROUP, "Hierarchy group", "AgentGrouping.View", "AgentGrouping.Edit"},
    {ARN_QUEUE, STORE_RES_QUEUE, "Queue", "Queues.View", "Queues.Edit"},
    {ARN_AGENT_QUEUE, STORE_RES_AGENT_QUEUE, "Agent queue", "Queues.View", "Queues.Edit"},
    {ARN_HOURS, STORE_RES_HOURS, "Hours of operation", "HoursOfOperation.View", "HoursOfOperation.Edit"},
};

typedef struct target {
    instance inst;
    char id[ID_LEN];             /* the resource id (the instance id for an instance) */
    size_t kind;                 /* index into kinds */
    int is_user;                 /* a user: the two members below are read by begin_change */
    user_record user;            /* as it was */
    kvlist tags;                 /* its tags as they were */
} target;

static void target_clear(target *t)
{
    instance_clear(&t->inst);
    if (t->is_user) {
        user_clear(&t->user);
        kvlist_clear(&t->tags);
        t->is_user = 0;
    }
}

/* Reads the form of arn: its instance id, the index of its kind in kinds, and the resource id
 * (the instance id for an instance). Touches no store. Returns 0 or -1 with *e set. */
static int parse_arn(core_ctx *cx, const char *arn, char iid[ID_LEN], size_t *kind_idx, char id[ID_LEN], rerr *e)
{
    char kind[32], rid[ID_LEN];
    if (validate_length(e, "resourceArn", arn, 1, 1024))
        return -1;
    if (strncmp(arn, "arn:", 4) != 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, "resourceArn",
                        "resourceArn '%.300s' is not an ARN (arn:aws:connect:REGION:ACCOUNT:instance/…)", arn);
    if (arn_parse(cx->cfg, arn, iid, kind, rid) != 0)
        return rerr_set(e, ERR_NOT_FOUND, "resourceArn",
                        "resourceArn '%.300s' names no resource of this roster (region %s, account %s, "
                        "instance/<id>[/<kind>/<id>])",
                        arn, cx->cfg->region, cx->cfg->account);
    for (*kind_idx = 0; *kind_idx < sizeof kinds / sizeof kinds[0]; (*kind_idx)++)
        if (strcmp(kinds[*kind_idx].arn_kind, kind) == 0)
            break;
    if (*kind_idx == sizeof kinds / sizeof kinds[0])
        return rerr_set(e, ERR_INVALID_PARAMETER, "resourceArn",
                        "resources of kind '%s' cannot be tagged in roster", kind);
    snprintf(id, ID_LEN, "%s", kind[0] ? rid : iid);
    return 0;
}

/* Resolves arn into t, checking that the principal may act on the ARN's instance for action a. */
static int parse_target(core_ctx *cx, core_action a, const char *arn, target *t, rerr *e)
{
    char iid[ID_LEN];
    memset(t, 0, sizeof *t);
    if (parse_arn(cx, arn, iid, &t->kind, t->id, e) || core_allow(cx, a, iid, e) ||
        instances_resolve(cx, iid, 0, &t->inst, e))
        return -1;
    int rc = store_resource_exists(cx->conn, kinds[t->kind].kind, t->inst.id, t->id);
    if (rc == STORE_OK)
        return 0;
    instance_clear(&t->inst);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "resourceArn", "%s not found: %.300s", kinds[t->kind].noun, arn);
    return core_store_error(cx, rc, "find the tagged resource", e);
}

/* The permission over the tags of kind kinds[kind], for action a. */
static int allowed(core_ctx *cx, core_action a, size_t kind, int edit, rerr *e)
{
    const char *perm = edit ? kinds[kind].edit : kinds[kind].view;
    char why[96];
    snprintf(why, sizeof why, "%s the tags of a%s %s", edit ? "changing" : "reading",
             perm && strcmp(perm, PERM_ACCOUNT) == 0 ? "n" : "", kinds[kind].noun);
    return core_allow_permission(cx, a, perm, why, "resourceArn", e);
}

int tags_allowed(core_ctx *cx, core_action a, const char *arn, rerr *e)
{
    char iid[ID_LEN], id[ID_LEN];
    size_t kind;
    if (a != CORE_TAGS_ADD && a != CORE_TAGS_REMOVE && a != CORE_TAGS_LIST)
        return rerr_set(e, ERR_INTERNAL, NULL, "tags_allowed: not a tag action");
    return core_allow(cx, a, NULL, e) || parse_arn(cx, arn, iid, &kind, id, e) || core_allow(cx, a, iid, e) ||
                   allowed(cx, a, kind, a != CORE_TAGS_LIST, e)
               ? -1
               : 0;
}

/* For a user: reads it and its tags into t (to audit the change) and checks that it may be
 * changed here — a user provisioned by an identity provider is read-only here as everywhere. */
static int load_user(core_ctx *cx, target *t, rerr *e)
{
    if (kinds[t->kind].kind != STORE_RES_USER)
        return 0;
    int rc = store_user_get(cx->conn, t->inst.id, t->id, &t->user);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the user", e);
    t->is_user = 1;
    rc = store_tags_get(cx->conn, t->id, &t->tags);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the tags", e);
    return users_check_managed(cx, &t->user, USER_FACET_SETTINGS, e);
}

/* For a user: counts the change in its version and records it in the audit trail. */
static int user_changed(core_ctx *cx, const target *t, const char *operation, rerr *e)
{
    if (!t->is_user)
        return 0;
    int rc = store_user_touch(cx->conn, t->inst.id, t->id, cx->now_ms);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "mark the user changed", e);
    user_record after;
    kvlist tags = {0};
    if ((rc = store_user_get(cx->conn, t->inst.id, t->id, &after)) != STORE_OK)
        return core_store_error(cx, rc, "read the user", e);
    int result = 0;
    if ((rc = store_tags_get(cx->conn, t->id, &tags)) != STORE_OK) {
        result = core_store_error(cx, rc, "read the tags", e);
    } else {
        audit_user b = {&t->user, &t->tags, 0}, a = {&after, &tags, 0};
        result = audit_user_event(cx, operation, &b, &a, e);
    }
    kvlist_clear(&tags);
    user_clear(&after);
    return result;
}

/* What a change of tags does to its resolved target. Returns 0 or -1 with *e set. */
typedef int (*tag_fn)(core_ctx *cx, const target *t, const void *arg, rerr *e);

struct change_args {
    core_action action;
    const char *arn;
    const char *operation;   /* for the audit trail */
    tag_fn fn;
    const void *arg;
};

/* Inside the write transaction: resolves and authorises the ARN, changes its tags and, for a
 * user, counts the change in its version and records it in the audit trail. */
static int tag_change(core_ctx *cx, void *arg, rerr *e)
{
    struct change_args *c = arg;
    target t;
    int rc = parse_target(cx, c->action, c->arn, &t, e) == 0 && allowed(cx, c->action, t.kind, 1, e) == 0 &&
                     load_user(cx, &t, e) == 0 && c->fn(cx, &t, c->arg, e) == 0 &&
                     user_changed(cx, &t, c->operation, e) == 0
                 ? 0
                 : -1;
    target_clear(&t);
    return rc;
}

static int add_tags(core_ctx *cx, const target *t, const void *arg, rerr *e)
{
    const kvlist *tags = arg;
    kvlist merged = {0};
    int rc = store_tags_get(cx->conn, t->id, &merged);
    for (size_t i = 0; rc == STORE_OK && i < tags->keys.n; i++)
        kvlist_set(&merged, tags->keys.items[i], tags->values.items[i]);
    int result = 0;
    if (rc != STORE_OK)
        result = core_store_error(cx, rc, "read the tags", e);
    else if (merged.keys.n > TAGS_MAX)
        result = rerr_set(e, ERR_INVALID_PARAMETER, "tags",
                          "a resource holds at most %d tags; this would make %zu", TAGS_MAX, merged.keys.n);
    else if ((rc = store_tags_set(cx->conn, t->inst.id, t->id, tags)) != STORE_OK)
        result = core_store_error(cx, rc, "write the tags", e);
    kvlist_clear(&merged);
    return result;
}

static int remove_tags(core_ctx *cx, const target *t, const void *arg, rerr *e)
{
    int rc = store_tags_remove(cx->conn, t->id, arg);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "remove the tags", e);
}

int tags_add(core_ctx *cx, const char *arn, const kvlist *tags, rerr *e)
{
    if (tags_allowed(cx, CORE_TAGS_ADD, arn, e) || validate_tags(e, "tags", tags))
        return -1;
    struct change_args c = {CORE_TAGS_ADD, arn, "TagResource", add_tags, tags};
    return core_write(cx, tag_change, &c, e);
}

int tags_remove(core_ctx *cx, const char *arn, const strlist *keys, rerr *e)
{
    if (tags_allowed(cx, CORE_TAGS_REMOVE, arn, e))
        return -1;
    if (keys->n < 1 || keys->n > TAGS_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, "tagKeys", "tagKeys must hold 1 to %d keys (got %zu)", TAGS_MAX,
                        keys->n);
    for (size_t i = 0; i < keys->n; i++)
        if (validate_tag_key(e, "tagKeys", keys->items[i]))
            return -1;
    struct change_args c = {CORE_TAGS_REMOVE, arn, "UntagResource", remove_tags, keys};
    return core_write(cx, tag_change, &c, e);
}

int tags_list(core_ctx *cx, const char *arn, kvlist *out, rerr *e)
{
    target t;
    memset(&t, 0, sizeof t);
    if (core_allow(cx, CORE_TAGS_LIST, NULL, e) || parse_target(cx, CORE_TAGS_LIST, arn, &t, e))
        return -1;
    int result = allowed(cx, CORE_TAGS_LIST, t.kind, 0, e);
    if (result == 0) {
        int rc = store_tags_get(cx->conn, t.id, out);
        if (rc != STORE_OK)
            result = core_store_error(cx, rc, "read the tags", e);
    }
    target_clear(&t);
    return result;
}
