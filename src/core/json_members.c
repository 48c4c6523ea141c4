/* json_members.c — typed access to members of nested request objects, with paths in messages;
 * the user documents read by every layer (see json_members.h). */
#include "core/json_members.h"

#include <stdio.h>
#include <string.h>

/* The member's value (NULL when absent or null) and its path into f. */
static json_t *member(json_t *obj, const char *path, const char *member, char *f, size_t cap)
{
    if (path && *path)
        snprintf(f, cap, "%s.%s", path, member);
    else
        snprintf(f, cap, "%s", member);
    json_t *v = json_is_object(obj) ? json_object_get(obj, member) : NULL;
    return json_is_null(v) ? NULL : v;
}

static int wrong(rerr *e, const char *f, const char *what)
{
    return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s must be %s", f, what);
}

static int missing(rerr *e, const char *f)
{
    return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
}

int mj_str(rerr *e, json_t *obj, const char *path, const char *name, int required, const char **out)
{
    char f[128];
    json_t *v = member(obj, path, name, f, sizeof f);
    *out = NULL;
    if (!v)
        return required ? missing(e, f) : 0;
    if (!json_is_string(v))
        return wrong(e, f, "a string");
    *out = json_string_value(v);
    return 0;
}

int mj_int(rerr *e, json_t *obj, const char *path, const char *name, int required, int64_t *out)
{
    char f[128];
    json_t *v = member(obj, path, name, f, sizeof f);
    if (!v)
        return required ? missing(e, f) : 0;
    if (!json_is_integer(v))
        return wrong(e, f, "a whole number");
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int mj_obj(rerr *e, json_t *obj, const char *path, const char *name, int required, json_t **out)
{
    char f[128];
    json_t *v = member(obj, path, name, f, sizeof f);
    *out = NULL;
    if (!v)
        return required ? missing(e, f) : 0;
    if (!json_is_object(v))
        return wrong(e, f, "an object");
    *out = v;
    return 0;
}

int mj_list(rerr *e, json_t *obj, const char *path, const char *name, int required, json_t **out)
{
    char f[128];
    json_t *v = member(obj, path, name, f, sizeof f);
    *out = NULL;
    if (!v)
        return required ? missing(e, f) : 0;
    if (!json_is_array(v))
        return wrong(e, f, "a list");
    *out = v;
    return 0;
}

int mj_item_obj(rerr *e, json_t *list, const char *path, size_t i, json_t **out)
{
    *out = json_array_get(list, i);
    if (json_is_object(*out))
        return 0;
    char f[128];
    snprintf(f, sizeof f, "%s[%zu]", path, i);
    return wrong(e, f, "an object");
}

int mj_present(json_t *obj, const char *name)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, name) : NULL;
    return v && !json_is_null(v);
}

int mj_bool(rerr *e, json_t *obj, const char *path, const char *name, int required, int *has, int *out)
{
    char f[128];
    json_t *v = member(obj, path, name, f, sizeof f);
    *has = v != NULL;
    *out = 0;
    if (!v)
        return required ? missing(e, f) : 0;
    if (!json_is_boolean(v))
        return wrong(e, f, "true or false");
    *out = json_is_true(v);
    return 0;
}

int mj_only(rerr *e, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char f[160];
            snprintf(f, sizeof f, "%s%s%.64s", path && *path ? path : "", path && *path ? "." : "", key);
            return rerr_set(e, ERR_INVALID_PARAMETER, f, "Unknown member %s", f);
        }
    }
    return 0;
}

/* An integer member (has tells whether it was given). */
static int member_int(rerr *e, json_t *obj, const char *path, const char *name, int *has, int64_t *out)
{
    *has = mj_present(obj, name);
    *out = 0;
    return mj_int(e, obj, path, name, 0, out);
}

int read_identity(rerr *e, json_t *obj, user_identity_in *id)
{
    const char *p = "IdentityInfo";
    memset(id, 0, sizeof *id);
    return mj_str(e, obj, p, "FirstName", 0, &id->first_name) || mj_str(e, obj, p, "LastName", 0, &id->last_name) ||
                   mj_str(e, obj, p, "Email", 0, &id->email) ||
                   mj_str(e, obj, p, "SecondaryEmail", 0, &id->secondary_email) ||
                   mj_str(e, obj, p, "Mobile", 0, &id->mobile)
               ? -1
               : 0;
}

int read_phone(rerr *e, json_t *obj, user_phone_in *ph)
{
    const char *p = "PhoneConfig";
    memset(ph, 0, sizeof *ph);
    return mj_str(e, obj, p, "PhoneType", 0, &ph->phone_type) ||
                   mj_bool(e, obj, p, "AutoAccept", 0, &ph->has_auto_accept, &ph->auto_accept) ||
                   member_int(e, obj, p, "AfterContactWorkTimeLimit", &ph->has_acw, &ph->acw_seconds) ||
                   mj_str(e, obj, p, "DeskPhoneNumber", 0, &ph->desk_phone_number) ||
                   mj_bool(e, obj, p, "PersistentConnection", 0, &ph->has_persistent, &ph->persistent)
               ? -1
               : 0;
}
