/* member_json.c — typed access to members of nested request objects, with paths in messages. */
#include "api/member_json.h"

#include <stdio.h>

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
