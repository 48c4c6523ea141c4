/* bulk_doc.c — the documents of batches: the Changes of a bulk edit, an entry of user edits, what
 * one user gets from a bulk edit, and a change in words (see bulk.h). One parser, used at
 * submission and again by the runner on the stored document. */
#include "jobs/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_members.h"
#include "core/validate.h"

#define P "Changes"
#define SPP P ".SecurityProfiles"
#define TGP P ".Tags"

/* A list of 0..max id strings at obj.member into *out (duplicates folded). */
static int read_ids(rerr *e, json_t *obj, const char *path, const char *member, size_t max, int *given, strlist *out)
{
    json_t *list;
    char f[96];
    snprintf(f, sizeof f, "%s.%s", path, member);
    if (mj_list(e, obj, path, member, 0, &list))
        return -1;
    *given = list != NULL;
    if (!list)
        return 0;
    if (validate_max_entries(e, f, json_array_size(list), max))
        return -1;
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *id = json_string_value(json_array_get(list, i));
        if (!id)
            return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s[%zu] must be a string", f, i);
        if (validate_id(e, f, id, 256))
            return -1;
        if (!strlist_contains(out, id))
            strlist_push(out, id);
    }
    return 0;
}

static int read_profiles(rerr *e, json_t *sp, bulk_changes *c)
{
    static const char *const members[] = {"Set", "Add", "Remove", NULL};
    const char *path = SPP;
    int has_set = 0, has_add = 0, has_remove = 0;
    if (mj_only(e, sp, path, members) || read_ids(e, sp, path, "Set", USER_PROFILES_MAX, &has_set, &c->sp_set) ||
        read_ids(e, sp, path, "Add", USER_PROFILES_MAX, &has_add, &c->sp_add) ||
        read_ids(e, sp, path, "Remove", USER_PROFILES_MAX, &has_remove, &c->sp_remove))
        return -1;
    if (has_set && (has_add || has_remove))
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s takes Set, or Add and Remove, not both", path);
    if (has_set) {
        c->sp_mode = BULK_SP_SET;
        return c->sp_set.n ? 0
                           : rerr_set(e, ERR_INVALID_PARAMETER, SPP ".Set",
                                      "%s.Set must name 1..%d security profiles", path, USER_PROFILES_MAX);
    }
    if (c->sp_add.n + c->sp_remove.n == 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must name a profile to Set, Add or Remove", path);
    for (size_t i = 0; i < c->sp_add.n; i++)
        if (strlist_contains(&c->sp_remove, c->sp_add.items[i]))
            return rerr_set(e, ERR_INVALID_PARAMETER, path, "Security profile %.256s is both added and removed",
                            c->sp_add.items[i]);
    c->sp_mode = BULK_SP_ADD_REMOVE;
    return 0;
}

static int read_tags(rerr *e, json_t *tags, bulk_changes *c)
{
    static const char *const members[] = {"Add", "Remove", NULL};
    const char *path = TGP;
    json_t *add, *remove;
    if (mj_only(e, tags, path, members) || mj_obj(e, tags, path, "Add", 0, &add) ||
        mj_list(e, tags, path, "Remove", 0, &remove) ||
        validate_max_entries(e, TGP ".Add", json_object_size(add), BULK_TAGS_MAX) ||
        validate_max_entries(e, TGP ".Remove", json_array_size(remove), BULK_TAGS_MAX))
        return -1;
    const char *key;
    json_t *v;
    json_object_foreach(add, key, v) {
        if (!json_is_string(v))
            return rerr_set(e, ERR_INVALID_PARAMETER, TGP ".Add", "%s.Add.%.128s must be a string", path, key);
        kvlist_add(&c->tags_add, key, json_string_value(v));
    }
    if (c->tags_add.keys.n && validate_tags(e, TGP ".Add", &c->tags_add))
        return -1;
    for (size_t i = 0; i < json_array_size(remove); i++) {
        const char *k = json_string_value(json_array_get(remove, i));
        if (!k)
            return rerr_set(e, ERR_INVALID_PARAMETER, TGP ".Remove", "%s.Remove[%zu] must be a string", path, i);
        if (validate_tag_key(e, TGP ".Remove", k))
            return -1;
        if (strlist_contains(&c->tags_add.keys, k))
            return rerr_set(e, ERR_INVALID_PARAMETER, path, "Tag %.128s is both added and removed", k);
        if (!strlist_contains(&c->tags_remove, k))
            strlist_push(&c->tags_remove, k);
    }
    if (c->tags_add.keys.n + c->tags_remove.n == 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must name a tag to Add or Remove", path);
    return 0;
}

int bulk_changes_read(rerr *e, json_t *doc, bulk_changes *c)
{
    static const char *const members[] = {"RoutingProfileId", "SecurityProfiles", "PhoneType", "DeskPhoneNumber",
                                          "AutoAccept", "AfterContactWorkTimeLimit", "HierarchyGroupId", "Tags",
                                          "Disabled", NULL};
    memset(c, 0, sizeof *c);
    if (!json_is_object(doc))
        return rerr_set(e, ERR_INVALID_PARAMETER, P, "Changes must be an object");
    json_t *sp, *tags;
    user_phone_in *ph = &c->phone;
    if (mj_only(e, doc, P, members) || mj_str(e, doc, P, "RoutingProfileId", 0, &c->routing_profile_id) ||
        (c->routing_profile_id && validate_id(e, P ".RoutingProfileId", c->routing_profile_id, 256)) ||
        mj_obj(e, doc, P, "SecurityProfiles", 0, &sp) || (sp && read_profiles(e, sp, c)) ||
        mj_str(e, doc, P, "PhoneType", 0, &ph->phone_type) ||
        mj_str(e, doc, P, "DeskPhoneNumber", 0, &ph->desk_phone_number) ||
        mj_bool(e, doc, P, "AutoAccept", 0, &ph->has_auto_accept, &ph->auto_accept) ||
        mj_int(e, doc, P, "AfterContactWorkTimeLimit", 0, &ph->acw_seconds) || mj_obj(e, doc, P, "Tags", 0, &tags) ||
        (tags && read_tags(e, tags, c)) || mj_bool(e, doc, P, "Disabled", 0, &c->set_disabled, &c->disabled))
        return -1;
    ph->has_acw = mj_present(doc, "AfterContactWorkTimeLimit");
    c->has_phone = ph->phone_type || ph->desk_phone_number || ph->has_auto_accept || ph->has_acw;
    if (ph->desk_phone_number && !*ph->desk_phone_number)
        return rerr_set(e, ERR_INVALID_PARAMETER, P ".DeskPhoneNumber",
                        "Changes.DeskPhoneNumber must be an E.164 number (+ and up to 15 digits)");
    if (c->has_phone && user_check_channels(ph, NULL, e))
        return -1;
    json_t *group = json_object_get(doc, "HierarchyGroupId");
    if (group) {
        if (!json_is_null(group) && !json_is_string(group))
            return rerr_set(e, ERR_INVALID_PARAMETER, P ".HierarchyGroupId",
                            "Changes.HierarchyGroupId must be a string, or null for none");
        c->set_hierarchy = 1;
        c->hierarchy_group_id = json_string_value(group);
        if (c->hierarchy_group_id && validate_id(e, P ".HierarchyGroupId", c->hierarchy_group_id, 256))
            return -1;
    }
    if (!c->routing_profile_id && c->sp_mode == BULK_SP_NONE && !c->has_phone && !c->set_hierarchy && !tags &&
        !c->set_disabled)
        return rerr_set(e, ERR_INVALID_PARAMETER, P, "Changes must name at least one change");
    return 0;
}

void bulk_changes_clear(bulk_changes *c)
{
    if (!c)
        return;
    strlist_clear(&c->sp_set);
    strlist_clear(&c->sp_add);
    strlist_clear(&c->sp_remove);
    kvlist_clear(&c->tags_add);
    strlist_clear(&c->tags_remove);
    memset(c, 0, sizeof *c);
}

/* ---- one user's change ------------------------------------------------------------------------------ */

static void profiles_of(const bulk_changes *c, const user_record *u, strlist *out)
{
    if (c->sp_mode == BULK_SP_SET) {
        for (size_t i = 0; i < c->sp_set.n; i++)
            strlist_push(out, c->sp_set.items[i]);
        return;
    }
    for (size_t i = 0; i < u->security_profile_ids.n; i++)
        if (!strlist_contains(&c->sp_remove, u->security_profile_ids.items[i]) &&
            !strlist_contains(out, u->security_profile_ids.items[i]))
            strlist_push(out, u->security_profile_ids.items[i]);
    for (size_t i = 0; i < c->sp_add.n; i++)
        if (!strlist_contains(out, c->sp_add.items[i]))
            strlist_push(out, c->sp_add.items[i]);
}

int bulk_change_compute(const bulk_changes *c, const user_record *u, const kvlist *tags, bulk_user_change *out,
                        rerr *e)
{
    memset(out, 0, sizeof *out);
    if (c->sp_mode != BULK_SP_NONE) {
        out->set_profiles = 1;
        profiles_of(c, u, &out->profiles);
        if (out->profiles.n == 0)
            return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfiles",
                            "the change would leave the user with no security profile");
        if (out->profiles.n > USER_PROFILES_MAX)
            return rerr_set(e, ERR_INVALID_PARAMETER, "SecurityProfiles",
                            "the change would leave the user with %zu security profiles; a user has at most %d",
                            out->profiles.n, USER_PROFILES_MAX);
    }
    if (c->has_phone) {
        out->has_phone = 1;
        out->phone = c->phone;
        channel_config *voice = user_channel((user_record *)u, "VOICE");
        const char *type = c->phone.phone_type ? c->phone.phone_type : voice ? voice->phone_type : "";
        const char *number = c->phone.desk_phone_number ? c->phone.desk_phone_number : voice ? voice->phone_number : "";
        if (strcmp(type, "DESK_PHONE") == 0 && !*number)
            return rerr_set(e, ERR_INVALID_PARAMETER, "DeskPhoneNumber",
                            "a desk phone needs a desk number: the change gives none and the user has none");
    }
    if (c->tags_add.keys.n + c->tags_remove.n > 0) {
        out->set_tags = 1;
        for (size_t i = 0; tags && i < tags->keys.n; i++) {
            const char *k = tags->keys.items[i];
            if (!strlist_contains(&c->tags_remove, k) && !strlist_contains(&c->tags_add.keys, k))
                kvlist_add(&out->tags, k, tags->values.items[i]);
        }
        for (size_t i = 0; i < c->tags_add.keys.n; i++)
            kvlist_add(&out->tags, c->tags_add.keys.items[i], c->tags_add.values.items[i]);
    }
    return 0;
}

void bulk_user_change_clear(bulk_user_change *u)
{
    if (!u)
        return;
    strlist_clear(&u->profiles);
    kvlist_clear(&u->tags);
    memset(u, 0, sizeof *u);
}

/* ---- in words --------------------------------------------------------------------------------------- */

static const char *name_of(json_t *names, const char *member, const char *id)
{
    json_t *v = json_object_get(names, member);
    if (json_is_object(v))
        v = json_object_get(v, id);
    return json_is_string(v) ? json_string_value(v) : id;
}

static void profile_words(buf *out, const char *sign, const strlist *ids, json_t *names)
{
    for (size_t i = 0; i < ids->n; i++)
        buf_printf(out, " %s\"%s\"", sign, name_of(names, "SecurityProfiles", ids->items[i]));
}

void bulk_changes_describe(const bulk_changes *c, json_t *names, buf *out)
{
    size_t start = out->len;
#define SEP() buf_puts(out, out->len > start ? "; " : "")
    if (c->routing_profile_id) {
        SEP();
        buf_printf(out, "routing profile \"%s\"", name_of(names, "RoutingProfile", c->routing_profile_id));
    }
    if (c->sp_mode != BULK_SP_NONE) {
        SEP();
        buf_puts(out, "security profiles");
        if (c->sp_mode == BULK_SP_SET)
            profile_words(out, "", &c->sp_set, names);
        profile_words(out, "+", &c->sp_add, names);
        profile_words(out, "-", &c->sp_remove, names);
    }
    if (c->phone.phone_type) {
        SEP();
        buf_printf(out, "phone type %s", c->phone.phone_type);
    }
    if (c->phone.desk_phone_number) {
        SEP();
        buf_printf(out, "desk phone %s", c->phone.desk_phone_number);
    }
    if (c->phone.has_auto_accept) {
        SEP();
        buf_printf(out, "auto-accept %s", c->phone.auto_accept ? "on" : "off");
    }
    if (c->phone.has_acw) {
        SEP();
        buf_printf(out, "after-contact work %lld s", (long long)c->phone.acw_seconds);
    }
    if (c->set_hierarchy) {
        SEP();
        if (c->hierarchy_group_id)
            buf_printf(out, "hierarchy group \"%s\"", name_of(names, "HierarchyGroup", c->hierarchy_group_id));
        else
            buf_puts(out, "no hierarchy group");
    }
    for (size_t i = 0; i < c->tags_add.keys.n; i++) {
        SEP();
        buf_printf(out, "tag %s=%s", c->tags_add.keys.items[i], c->tags_add.values.items[i]);
    }
    for (size_t i = 0; i < c->tags_remove.n; i++) {
        SEP();
        buf_printf(out, "untag %s", c->tags_remove.items[i]);
    }
    if (c->set_disabled) {
        SEP();
        buf_puts(out, c->disabled ? "disabled" : "enabled");
    }
#undef SEP
}

/* ---- user edits --------------------------------------------------------------------------------------- */

int bulk_user_edit_read(rerr *e, json_t *doc, const char *path, int with_id, bulk_user_edit *out)
{
    static const char *const with[] = {"UserId", "IdentityInfo", "PhoneConfig", NULL};
    static const char *const without[] = {"IdentityInfo", "PhoneConfig", NULL};
    static const char *const identity[] = {"FirstName", "LastName", "Email", "SecondaryEmail", "Mobile", NULL};
    static const char *const phone[] = {"PhoneType", "AutoAccept", "AfterContactWorkTimeLimit", "DeskPhoneNumber",
                                        "PersistentConnection", NULL};
    memset(out, 0, sizeof *out);
    char f[96];
    if (!json_is_object(doc))
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must be an object", path);
    if (mj_only(e, doc, path, with_id ? with : without) ||
        (with_id && mj_str(e, doc, path, "UserId", 1, &out->user_id)))
        return -1;
    snprintf(f, sizeof f, "%s.UserId", path);
    if (with_id && validate_id(e, f, out->user_id, 256))
        return -1;
    snprintf(f, sizeof f, "%s.IdentityInfo", path);
    if (mj_obj(e, doc, path, "IdentityInfo", 0, &out->identity_doc) ||
        (out->identity_doc && (mj_only(e, out->identity_doc, f, identity) ||
                               read_identity(e, out->identity_doc, &out->identity))))
        return -1;
    snprintf(f, sizeof f, "%s.PhoneConfig", path);
    if (mj_obj(e, doc, path, "PhoneConfig", 0, &out->phone_doc) ||
        (out->phone_doc && (mj_only(e, out->phone_doc, f, phone) || read_phone(e, out->phone_doc, &out->phone) ||
                            user_check_channels(&out->phone, NULL, e))))
        return -1;
    if (!out->identity_doc && !out->phone_doc)
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must hold IdentityInfo or PhoneConfig", path);
    return 0;
}
