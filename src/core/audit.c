/* audit.c — the audit trail of user changes (see audit.h).
 *
 * A user is serialised field by field into a JSON object with the Amazon Connect member names:
 *   Username, IdentityInfo{FirstName, LastName, Email, SecondaryEmail, Mobile}, DirectoryUserId,
 *   Channels{VOICE|CHAT|TASK|EMAIL: {PhoneType, AutoAccept, AfterContactWorkTimeLimit,
 *   DeskPhoneNumber, PersistentConnection, AgentFirstCallbackAutoAccept,
 *   AgentFirstCallbackAfterContactWorkTimeLimit, VoiceEnhancementMode}} (Channels.VOICE is the
 *   legacy PhoneConfig), RoutingProfileId, SecurityProfileIds, HierarchyGroupId,
 *   ExternallyManaged, ExternalId, Disabled, PasswordTemporary (when true), Version, and
 *   Tags{key: value} when the change concerns them (a create or delete with tags, TagResource,
 *   UntagResource).
 * Unset members are left out. The password and its hash are never written: an update that sets
 * a password records "Password": "(earlier)" before and "(changed)" after.
 *
 * A create stores the whole user as "after", a delete as "before". An update stores only what
 * changed: a recursive difference in which both objects hold the same keys at every level and
 * a member present on one side only is null on the other.
 *
 * Inside a batch that defers its events (cx->audit_defer) the event goes to the batch's sink
 * with a copy of its users, whose thread makes the texts; it is written when the batch ends
 * (audit_sink.h).
 */
#include "core/audit.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_sink.h"
#include "core/instances.h"
#include "core/user_rules.h"
#include "util/buf.h"

/* Adds key = s when s is set and not empty. */
static void put_str(json_t *o, const char *key, const char *s)
{
    if (s && *s)
        json_object_set_new(o, key, json_string(s));
}

static json_t *identity_json(const user_record *u)
{
    json_t *o = json_object();
    put_str(o, "FirstName", u->first_name);
    put_str(o, "LastName", u->last_name);
    put_str(o, "Email", u->email);
    put_str(o, "SecondaryEmail", u->secondary_email);
    put_str(o, "Mobile", u->mobile);
    return o;
}

static json_t *channel_json(const channel_config *c)
{
    json_t *o = json_object();
    put_str(o, "PhoneType", c->phone_type);
    if (c->has_auto_accept)
        json_object_set_new(o, "AutoAccept", json_boolean(c->auto_accept));
    if (c->has_acw)
        json_object_set_new(o, "AfterContactWorkTimeLimit", json_integer(c->acw_seconds));
    put_str(o, "DeskPhoneNumber", c->phone_number);
    if (c->has_persistent)
        json_object_set_new(o, "PersistentConnection", json_boolean(c->persistent));
    if (c->has_afc_auto_accept)
        json_object_set_new(o, "AgentFirstCallbackAutoAccept", json_boolean(c->afc_auto_accept));
    if (c->has_afc_acw)
        json_object_set_new(o, "AgentFirstCallbackAfterContactWorkTimeLimit", json_integer(c->afc_acw_seconds));
    put_str(o, "VoiceEnhancementMode", c->voice_enhancement);
    return o;
}

/* The channels in their canonical order (VOICE, CHAT, TASK, EMAIL), whatever u's order. */
static json_t *channels_json(const user_record *u)
{
    json_t *o = json_object();
    for (size_t k = 0; user_channel_names[k]; k++)
        for (size_t i = 0; i < u->n_channels && i < USER_CHANNELS; i++)
            if (strcmp(u->channels[i].channel, user_channel_names[k]) == 0)
                json_object_set_new(o, u->channels[i].channel, channel_json(&u->channels[i]));
    return o;
}

static json_t *ids_json(const strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

/* The whole user as a JSON object (never the password hash), with its tags when given. Caller
 * decrefs. */
static json_t *user_json(const user_record *u, const kvlist *tags)
{
    json_t *o = json_object();
    put_str(o, "Username", u->username);
    json_object_set_new(o, "IdentityInfo", identity_json(u));
    put_str(o, "DirectoryUserId", u->directory_user_id);
    json_object_set_new(o, "Channels", channels_json(u));
    put_str(o, "RoutingProfileId", u->routing_profile_id);
    json_object_set_new(o, "SecurityProfileIds", ids_json(&u->security_profile_ids));
    put_str(o, "HierarchyGroupId", u->hierarchy_group_id);
    json_object_set_new(o, "ExternallyManaged", json_boolean(u->externally_managed));
    put_str(o, "ExternalId", u->external_id);
    json_object_set_new(o, "Disabled", json_boolean(u->disabled));
    if (u->password_temporary)
        json_object_set_new(o, "PasswordTemporary", json_true());
    json_object_set_new(o, "Version", json_integer(u->version));
    if (tags && tags->keys.n > 0) {
        json_t *t = json_object();
        for (size_t i = 0; i < tags->keys.n; i++)
            json_object_set_new(t, tags->keys.items[i], json_string(tags->values.items[i]));
        json_object_set_new(o, "Tags", t);
    }
    return o;
}

static void diff_objects(json_t *b, json_t *a, json_t *out_b, json_t *out_a);

/* Records key in out_b/out_a when its values in b and a (either may be NULL: absent) differ;
 * two objects are compared member by member. */
static void diff_member(const char *key, json_t *vb, json_t *va, json_t *out_b, json_t *out_a)
{
    if (vb && va && json_is_object(vb) && json_is_object(va)) {
        json_t *sb = json_object(), *sa = json_object();
        diff_objects(vb, va, sb, sa);
        if (json_object_size(sb) > 0) {
            json_object_set_new(out_b, key, sb);
            json_object_set_new(out_a, key, sa);
        } else {
            json_decref(sb);
            json_decref(sa);
        }
        return;
    }
    if (vb && va && json_equal(vb, va))
        return;
    json_object_set(out_b, key, vb ? vb : json_null());
    json_object_set(out_a, key, va ? va : json_null());
}

/* Fills out_b and out_a with the members of b and a that differ, in b's order then a's. */
static void diff_objects(json_t *b, json_t *a, json_t *out_b, json_t *out_a)
{
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        diff_member(key, v, json_object_get(a, key), out_b, out_a);
    }
    json_object_foreach(a, key, v) {
        if (!json_object_get(b, key))
            diff_member(key, NULL, v, out_b, out_a);
    }
}

/* 1 when an update sets a password. */
static int password_changed(const audit_user *before, const audit_user *after)
{
    return before && after && after->password_set;
}

/* Writes the before and after texts of an event between two users (either may be NULL; both:
 * only what differs, and a password set shows as "Password": "(changed)", never a secret) into
 * *before_text and *after_text (malloc'd; NULL: none). */
static void event_texts(const audit_user *before, const audit_user *after, int password_set, char **before_text,
                        char **after_text)
{
    json_t *b = before ? user_json(before->user, before->tags) : NULL;
    json_t *a = after ? user_json(after->user, after->tags) : NULL;
    if (b && a) {
        json_t *db = json_object(), *da = json_object();
        diff_objects(b, a, db, da);
        if (password_set) {
            json_object_set_new(db, "Password", json_string("(earlier)"));
            json_object_set_new(da, "Password", json_string("(changed)"));
        }
        *before_text = audit_json_text(db);
        *after_text = audit_json_text(da);
        json_decref(db);
        json_decref(da);
    } else {
        *before_text = audit_json_text(b);
        *after_text = audit_json_text(a);
    }
    json_decref(b);
    json_decref(a);
}

/* An event's users copied for a batch's sink, whose thread makes the texts from the copies. */
typedef struct deferred_texts {
    audit_texts_job job; /* first: the sink hands back &job */
    int has[2];          /* before, after */
    user_record user[2];
    kvlist tags[2];
    int has_tags[2];
    int password_set;
} deferred_texts;

static void deferred_make(audit_texts_job *job, char **before, char **after)
{
    deferred_texts *d = (deferred_texts *)job;
    audit_user u[2];
    for (int k = 0; k < 2; k++)
        u[k] = (audit_user){&d->user[k], d->has_tags[k] ? &d->tags[k] : NULL, 0};
    event_texts(d->has[0] ? &u[0] : NULL, d->has[1] ? &u[1] : NULL, d->password_set, before, after);
}

static void deferred_drop(audit_texts_job *job)
{
    deferred_texts *d = (deferred_texts *)job;
    for (int k = 0; k < 2; k++) {
        user_clear(&d->user[k]);
        kvlist_clear(&d->tags[k]);
    }
    free(d);
}

static audit_texts_job *deferred(const audit_user *before, const audit_user *after)
{
    deferred_texts *d = xcalloc(1, sizeof *d);
    d->job = (audit_texts_job){deferred_make, deferred_drop};
    d->password_set = password_changed(before, after);
    const audit_user *u[2] = {before, after};
    for (int k = 0; k < 2; k++) {
        if (!u[k])
            continue;
        d->has[k] = 1;
        user_copy(&d->user[k], u[k]->user, 0);
        if (u[k]->tags) {
            d->has_tags[k] = 1;
            for (size_t i = 0; i < u[k]->tags->keys.n; i++)
                kvlist_add(&d->tags[k], u[k]->tags->keys.items[i], u[k]->tags->values.items[i]);
        }
    }
    return &d->job;
}

/* Zeroes *ev and fills who acts (the key, the user it acts as, or a SCIM token's name), when and
 * in which instance. */
static void actor_of(core_ctx *cx, const char *instance_id, audit_event *ev)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->instance_id, sizeof ev->instance_id, "%s", instance_id);
    ev->at_ms = cx->now_ms;
    if (!cx->who) {
        memcpy(ev->key_id, "cli", sizeof "cli");
        return;
    }
    memcpy(ev->key_id, cx->who->key_id, sizeof ev->key_id);
    ev->key_id[sizeof ev->key_id - 1] = '\0';
    if (cx->who->user_id[0])
        snprintf(ev->actor_user_id, sizeof ev->actor_user_id, "%s", cx->who->user_id);
    else if (cx->who->kind == PRINCIPAL_SCIM_TOKEN)
        ev->actor_name = xstrdup(cx->who->username);
}

int audit_resource_event(core_ctx *cx, const char *instance_id, const char *resource_id, const char *operation,
                         const json_t *before, const json_t *after, rerr *e)
{
    audit_event ev;
    actor_of(cx, instance_id, &ev);
    ev.operation = xstrdup(operation);
    ev.resource_id = xstrdup(resource_id);
    ev.before_json = before ? audit_json_text(before) : NULL;
    ev.after_json = after ? audit_json_text(after) : NULL;
    int rc = store_audit_insert(cx->conn, &ev);
    audit_event_clear(&ev);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "record the audit event", e);
}

int audit_is_group_event(const char *operation)
{
    return operation && (strcmp(operation, "ScimCreateGroup") == 0 || strcmp(operation, "ScimReplaceGroup") == 0 ||
                         strcmp(operation, "ScimDeleteGroup") == 0);
}

int audit_user_event(core_ctx *cx, const char *operation, const audit_user *before, const audit_user *after,
                     rerr *e)
{
    const user_record *u = after && after->user ? after->user : before ? before->user : NULL;
    if (!u || (before && !before->user) || (after && !after->user) || !operation || !*operation)
        return rerr_set(e, ERR_INTERNAL, NULL, "an audit event needs an operation and a user");
    audit_event ev;
    actor_of(cx, u->instance_id, &ev);
    ev.operation = xstrdup(operation);
    ev.resource_id = xstrdup(u->id);
    if (cx->audit_defer) { /* a batch's: written with the batch's other events before it commits */
        audit_sink_push(cx->audit_defer, &ev, deferred(before, after));
        return 0;
    }
    event_texts(before, after, password_changed(before, after), &ev.before_json, &ev.after_json);
    int rc = store_audit_insert(cx->conn, &ev);
    audit_event_clear(&ev);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record the audit event", e);
    return 0;
}

/* 1 when two password hashes (either may be NULL) are the same. */
static int same_hash(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int audit_user_change(core_ctx *cx, const char *operation, const user_record *before, const user_record *after,
                      rerr *e)
{
    audit_user b = {before, NULL, 0},
               a = {after, NULL, before && after && !same_hash(before->password_hash, after->password_hash)};
    return audit_user_event(cx, operation, before ? &b : NULL, after ? &a : NULL, e);
}

/* The id of the name folded to ASCII lowercase within instance_id, for the events of a name no
 * user has: the first 16 bytes of their BLAKE2b hash, written as a UUID (version nibble 8). */
static void name_id(const char *instance_id, const char *username, char out[ID_LEN])
{
    crypto_generichash_state st;
    unsigned char h[16];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)instance_id, strlen(instance_id) + 1);
    for (const char *p = username; *p; p++) {
        unsigned char ch = (unsigned char)tolower((unsigned char)*p);
        crypto_generichash_update(&st, &ch, 1);
    }
    crypto_generichash_final(&st, h, sizeof h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, ID_LEN, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2],
             h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

int audit_signin_event(core_ctx *cx, const char *operation, const char *instance_id, const char *user_id,
                       const char *username, const char *address, const char *reason, rerr *e)
{
    audit_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.instance_id, sizeof ev.instance_id, "%s", instance_id);
    ev.at_ms = cx->now_ms;
    if (user_id && strcmp(operation, "SignIn") == 0) {
        snprintf(ev.key_id, sizeof ev.key_id, "console");
        snprintf(ev.actor_user_id, sizeof ev.actor_user_id, "%s", user_id);
    }
    char id[ID_LEN];
    if (user_id)
        snprintf(id, sizeof id, "%s", user_id);
    else
        name_id(instance_id, username, id);
    json_t *after = json_object();
    json_object_set_new(after, "Username", json_string(username));
    if (address && *address)
        json_object_set_new(after, "Address", json_string(address));
    if (reason && *reason)
        json_object_set_new(after, "Reason", json_string(reason));
    ev.operation = xstrdup(operation);
    ev.resource_id = xstrdup(id);
    ev.after_json = audit_json_text(after);
    json_decref(after);
    int rc = store_audit_insert(cx->conn, &ev);
    audit_event_clear(&ev);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record the sign-in event", e);
    return 0;
}

/* Sets path to "prefix.key" (or "key" at the top). */
static void put_path(buf *path, const char *prefix, const char *key)
{
    buf_reset(path);
    if (*prefix)
        buf_printf(path, "%s.", prefix);
    buf_puts(path, key);
}

/* The leaves under prefix of an update's before/after objects (which hold the same keys), or of
 * one side (b NULL: a create; a NULL: a delete). */
static void diff_walk(const char *prefix, json_t *b, json_t *a, audit_leaf_fn fn, void *ctx)
{
    json_t *obj = b && json_is_object(b) ? b : a;
    int both = b && a;
    if (json_is_object(obj) && (!both || (json_is_object(a) && json_is_object(b)))) {
        buf path;
        buf_init(&path);
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v) {
            put_path(&path, prefix, key);
            diff_walk(path.data, both ? json_object_get(b, key) : (b ? v : NULL),
                      both ? json_object_get(a, key) : (a ? v : NULL), fn, ctx);
        }
        if (both) {
            json_object_foreach(a, key, v) {
                if (json_object_get(b, key))
                    continue;
                put_path(&path, prefix, key);
                diff_walk(path.data, NULL, v, fn, ctx);
            }
        }
        buf_free(&path);
        return;
    }
    fn(prefix, b, a, ctx);
}

void audit_diff(json_t *before, json_t *after, audit_leaf_fn fn, void *ctx)
{
    diff_walk("", before, after, fn, ctx);
}

char *audit_user_name(store_conn *c, const char *user_id, int64_t up_to_id)
{
    char *name = NULL;
    if (store_audit_username(c, user_id, up_to_id, &name) == STORE_OK)
        return name;
    free(name);
    user_ref u;
    if (store_user_get_ref(c, user_id, &u) != STORE_OK)
        return NULL;
    name = u.username;
    u.username = NULL;
    user_ref_clear(&u);
    return name;
}
