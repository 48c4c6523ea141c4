/* jsonio.c — typed access to JSON request members and response helpers. */
#include "api/jsonio.h"

#include <string.h>

#include "core/tags.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/num.h"

static json_t *member(json_t *obj, const char *field)
{
    json_t *v = obj ? json_object_get(obj, field) : NULL;
    return json_is_null(v) ? NULL : v;
}

static int missing(rerr *e, const char *field)
{
    return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s is required", field);
}

int jget_str(rerr *e, json_t *obj, const char *field, int required, const char **out)
{
    json_t *v = member(obj, field);
    *out = NULL;
    if (!v)
        return required ? missing(e, field) : 0;
    if (!json_is_string(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be a string", field);
    *out = json_string_value(v);
    return 0;
}

int jget_bool(rerr *e, json_t *obj, const char *field, int required, int *out, int *present)
{
    json_t *v = member(obj, field);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(e, field) : 0;
    if (!json_is_boolean(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be true or false", field);
    *out = json_is_true(v);
    return 0;
}

int jget_int(rerr *e, json_t *obj, const char *field, int required, int64_t *out, int *present)
{
    json_t *v = member(obj, field);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(e, field) : 0;
    if (!json_is_integer(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be a whole number", field);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int jget_map(rerr *e, json_t *obj, const char *field, kvlist *out, int *present)
{
    json_t *v = member(obj, field);
    *present = v != NULL;
    if (!v)
        return 0;
    if (!json_is_object(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be an object of string keys to string values",
                        field);
    /* Every map of the model is a set of tags (at most TAGS_MAX): a larger one is refused before
     * anything is copied. A JSON object's keys are distinct, so each entry is appended. */
    if (validate_max_entries(e, field, json_object_size(v), TAGS_MAX))
        return -1;
    const char *k;
    json_t *val;
    json_object_foreach(v, k, val) {
        if (!json_is_string(val))
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s: the value of '%.128s' must be a string", field,
                            k);
        kvlist_add(out, k, json_string_value(val));
    }
    return 0;
}

int jget_strlist(rerr *e, json_t *obj, const char *field, strlist *out, int *present)
{
    json_t *v = member(obj, field);
    *present = v != NULL;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be a list of strings", field);
    if (validate_max_entries(e, field, json_array_size(v), JSON_LIST_MAX))
        return -1;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item))
            return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be a list of strings (item %zu is not)", field,
                            i + 1);
        strlist_push(out, json_string_value(item));
    }
    return 0;
}

int jrefuse(rerr *e, json_t *obj, const char *field, const char *why)
{
    json_t *v = member(obj, field);
    if (!v || (json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0))
        return 0;
    return rerr_set(e, ERR_INVALID_REQUEST, field, "%s is not supported by roster: %s", field, why);
}

json_t *jstrlist(const strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

int qget_int(rerr *e, const request *r, const char *key, int64_t *out, int *present)
{
    const char *s = request_param(r, key);
    *present = s != NULL;
    if (!s)
        return 0;
    if (parse_int64(s, INT32_MIN, INT32_MAX, out) != 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, key, "%s must be a whole number (got '%.64s')", key, s);
    return 0;
}

json_t *jtime(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}

json_t *jmap(const kvlist *m)
{
    json_t *o = json_object();
    for (size_t i = 0; i < m->keys.n; i++)
        json_object_set_new(o, m->keys.items[i], json_string(m->values.items[i]));
    return o;
}

void jset_str(json_t *obj, const char *key, const char *s, int skip_empty)
{
    if (s && (!skip_empty || *s))
        json_object_set_new(obj, key, json_string(s));
}

char *jdump(const json_t *doc, size_t *len)
{
    /* 13 significant digits: ten for the seconds of this century, three for milliseconds. */
    char *s = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(13));
    if (!s)
        s = xstrdup("{}");
    *len = strlen(s);
    return s;
}

int jdepth(const json_t *v, int limit)
{
    if (limit < 0)
        return 1;
    int deepest = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c) {
            int d = jdepth(c, limit - 1);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) {
            int d = jdepth(c, limit - 1);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    return 0;
}
