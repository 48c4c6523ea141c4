/* scim_group_json.c — a SCIM Group resource and back (see scim_group_json.h). */
#include "scim/scim_group_json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scim/scim_user_json.h"
#include "util/buf.h"

void scim_group_read_clear(scim_group_read *r)
{
    if (!r)
        return;
    scim_member_list_clear(&r->members);
    free(r->attributes);
    memset(r, 0, sizeof *r);
}

static int owned(const char *name)
{
    static const char *const names[] = {"schemas", "id", "meta", "displayName", "externalId", "members"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int scim_group_from_json(const json_t *doc, scim_group_read *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(doc))
        return rerr_set(e, ERR_INVALID_PARAMETER, NULL, "a Group must be a JSON object");
    json_t *name = scim_json_get(doc, "displayName"), *ext = scim_json_get(doc, "externalId");
    if (!json_is_string(name) || !*json_string_value(name))
        return rerr_set(e, ERR_INVALID_PARAMETER, "displayName", "displayName is required (a string)");
    if (ext && !json_is_null(ext) && !json_is_string(ext))
        return rerr_set(e, ERR_INVALID_PARAMETER, "externalId", "externalId must be a string");
    out->in.display_name = json_string_value(name);
    out->in.external_id = json_is_string(ext) ? json_string_value(ext) : NULL;
    json_t *members = scim_json_get(doc, "members");
    if (members && !json_is_null(members)) {
        if (!json_is_array(members))
            return rerr_set(e, ERR_INVALID_PARAMETER, "members", "members must be a list of {\"value\": a user id}");
        if (json_array_size(members) > SCIM_GROUP_MEMBERS_MAX)
            return rerr_set(e, ERR_INVALID_PARAMETER, "members", "at most %d members in one request",
                            SCIM_GROUP_MEMBERS_MAX);
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m) {
            json_t *v = scim_json_get(m, "value"), *d = scim_json_get(m, "display");
            if (!d)
                d = scim_json_get(m, "displayName");
            if (!json_is_object(m) || !json_is_string(v) || (d && !json_is_null(d) && !json_is_string(d))) {
                char field[48];
                snprintf(field, sizeof field, "members[%zu]", i);
                return rerr_set(e, ERR_INVALID_PARAMETER, field,
                                "members[%zu] must be an object with a string value (a user's id)", i);
            }
            scim_member_list_push(&out->members, json_string_value(v), json_is_string(d) ? json_string_value(d) : NULL);
        }
    }
    out->in.members = &out->members;
    json_t *k = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v)
        if (!owned(key) && !json_is_null(v))
            json_object_set_new(k, key, json_deep_copy(v));
    out->attributes = json_object_size(k) ? json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    out->in.attributes_json = out->attributes;
    json_decref(k);
    return 0;
}

json_t *scim_group_to_json(const scim_group *g, const scim_member_list *members, const char *base)
{
    json_t *o = g->attributes ? json_loads(g->attributes, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_t *r = json_object();
    json_object_set_new(r, "schemas", scim_resource_schemas(SCIM_GROUP_SCHEMA, o));
    json_object_set_new(r, "id", json_string(g->id));
    if (g->external_id)
        json_object_set_new(r, "externalId", json_string(g->external_id));
    json_object_set_new(r, "displayName", json_string(g->display_name));
    json_t *list = json_array();
    buf b;
    buf_init(&b);
    for (size_t i = 0; members && i < members->n; i++) {
        buf_reset(&b);
        buf_printf(&b, "%s/Users/%s", base, members->v[i].user_id);
        json_t *m = json_pack("{s:s, s:s, s:s}", "value", members->v[i].user_id, "type", "User", "$ref", b.data);
        if (members->v[i].display)
            json_object_set_new(m, "display", json_string(members->v[i].display));
        json_array_append_new(list, m);
    }
    json_object_set_new(r, "members", list);
    json_object_update_missing(r, o);
    json_decref(o);
    buf_reset(&b);
    buf_printf(&b, "%s/Groups/%s", base, g->id);
    json_object_set_new(r, "meta", scim_meta("Group", g->created_ms, g->modified_ms, g->version, b.data));
    buf_free(&b);
    return r;
}
