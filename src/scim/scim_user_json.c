/* scim_user_json.c — a user as a SCIM User resource and back (see scim_user_json.h). */
#include "scim/scim_user_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/timespec.h"

json_t *scim_json_get(const json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    if (v || !json_is_object(o))
        return v;
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)o, k, x)
        if (strcasecmp(k, name) == 0)
            return x;
    return NULL;
}

int scim_json_boolean(const json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_string(v))
        return strcasecmp(json_string_value(v), "true") == 0 ? 1 : strcasecmp(json_string_value(v), "false") == 0 ? 0 : -1;
    return -1;
}

json_t *scim_meta(const char *resource_type, int64_t created_ms, int64_t modified_ms, int64_t version,
                  const char *location)
{
    char created[32], modified[32], etag[32];
    time_format_ms(created_ms, created, sizeof created);
    time_format_ms(modified_ms, modified, sizeof modified);
    snprintf(etag, sizeof etag, "W/\"%lld\"", (long long)version);
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "resourceType", resource_type, "created", created, "lastModified",
                     modified, "version", etag, "location", location);
}

json_t *scim_resource_schemas(const char *core_schema, const json_t *kept)
{
    json_t *schemas = json_pack("[s]", core_schema);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)kept, k, v)
        if (strncasecmp(k, "urn:", 4) == 0 && json_is_object(v))
            json_array_append_new(schemas, json_string(k));
    return schemas;
}

void scim_user_read_clear(scim_user_read *r)
{
    if (!r)
        return;
    free(r->given);
    free(r->family);
    free(r->attributes);
    json_decref(r->kept);
    memset(r, 0, sizeof *r);
}

/* A string member, NULL when absent or null; -1 (with *e) when it is something else. */
static int string_of(const json_t *o, const char *name, const char *path, const char **out, rerr *e)
{
    json_t *v = scim_json_get(o, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must be a string", path);
    *out = json_string_value(v);
    return 0;
}

/* The "value" of each element of the multi-valued attribute list: checks the shape. */
static int check_list(const json_t *list, const char *path, rerr *e)
{
    if (!json_is_array(list))
        return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s must be a list of objects with a string value", path);
    size_t i;
    json_t *el;
    json_array_foreach(list, i, el) {
        json_t *v = scim_json_get(el, "value");
        if (!json_is_object(el) || (v && !json_is_string(v) && !json_is_null(v)))
            return rerr_set(e, ERR_INVALID_PARAMETER, path, "%s[%zu] must be an object with a string value", path, i);
    }
    return 0;
}

static const char *value_of(const json_t *el)
{
    json_t *v = scim_json_get(el, "value");
    return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/* The primary email (primary true, else the first with a value) and the first other one. */
static void pick_emails(const json_t *list, const char **primary, const char **other)
{
    size_t i, first = (size_t)-1, chosen = (size_t)-1;
    json_t *el;
    *primary = *other = NULL;
    json_array_foreach(list, i, el) {
        if (!value_of(el))
            continue;
        if (first == (size_t)-1)
            first = i;
        if (chosen == (size_t)-1 && scim_json_boolean(scim_json_get(el, "primary")) == 1)
            chosen = i;
    }
    if (chosen == (size_t)-1)
        chosen = first;
    if (chosen == (size_t)-1)
        return;
    *primary = value_of(json_array_get(list, chosen));
    json_array_foreach(list, i, el)
        if (i != chosen && value_of(el)) {
            *other = value_of(el);
            return;
        }
}

/* The value of the first element whose type is type (any case), or NULL. */
static const char *typed_value(const json_t *list, const char *type)
{
    size_t i;
    json_t *el;
    json_array_foreach(list, i, el) {
        json_t *t = scim_json_get(el, "type");
        if (json_is_string(t) && strcasecmp(json_string_value(t), type) == 0 && value_of(el))
            return value_of(el);
    }
    return NULL;
}

/* The names from displayName when the provider left them out. */
static int names_from_display(const json_t *doc, scim_user_read *out, rerr *e)
{
    const char *display;
    if (string_of(doc, "displayName", "displayName", &display, e))
        return -1;
    while (display && *display == ' ')
        display++;
    if (!display || !*display)
        return rerr_set(e, ERR_INVALID_PARAMETER, out->in.identity.first_name ? "name.familyName" : "name.givenName",
                        "%s is required (or a displayName to take it from)",
                        out->in.identity.first_name ? "name.familyName" : "name.givenName");
    const char *space = strchr(display, ' ');
    size_t first_len = space ? (size_t)(space - display) : strlen(display);
    const char *rest = space ? space : display;
    while (*rest == ' ')
        rest++;
    size_t rest_len = strlen(rest);
    while (rest_len && rest[rest_len - 1] == ' ')
        rest_len--;
    if (!out->in.identity.first_name) {
        out->given = strndup(display, first_len);
        out->in.identity.first_name = out->given;
    }
    if (!out->in.identity.last_name) {
        out->family = rest_len ? strndup(rest, rest_len) : strndup(display, first_len);
        out->in.identity.last_name = out->family;
    }
    return 0;
}

/* 1 when name is one of the members roster maps or owns (not kept). */
static int not_kept(const char *name)
{
    static const char *const owned[] = {"schemas", "id", "meta", "userName", "externalId", "active", "password",
                                        "groups"};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (strcasecmp(name, owned[i]) == 0)
            return 1;
    return 0;
}

/* The kept attributes of doc (a new object, empty when nothing is kept). */
static json_t *kept_of(const json_t *doc)
{
    json_t *k = json_object();
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)doc, name, v) {
        if (not_kept(name) || json_is_null(v))
            continue;
        if (strcasecmp(name, "name") == 0 && json_is_object(v)) { /* all but the two mapped parts */
            json_t *rest = json_deep_copy(v);
            const char *sub;
            json_t *x;
            void *tmp;
            json_object_foreach_safe(rest, tmp, sub, x)
                if (strcasecmp(sub, "givenName") == 0 || strcasecmp(sub, "familyName") == 0)
                    json_object_del(rest, sub);
            if (json_object_size(rest))
                json_object_set_new(k, "name", rest);
            else
                json_decref(rest);
            continue;
        }
        json_object_set_new(k, name, json_deep_copy(v));
    }
    return k;
}

int scim_user_from_json(const json_t *doc, scim_user_read *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    out->in.active = -1;
    if (!json_is_object(doc))
        return rerr_set(e, ERR_INVALID_PARAMETER, NULL, "a User must be a JSON object");
    user_identity_in *idn = &out->in.identity;
    if (string_of(doc, "userName", "userName", &out->in.username, e) ||
        string_of(doc, "externalId", "externalId", &out->in.external_id, e) ||
        string_of(doc, "password", "password", &out->in.password, e))
        return -1;
    if (!out->in.username || !*out->in.username)
        return rerr_set(e, ERR_INVALID_PARAMETER, "userName", "userName is required");
    json_t *name = scim_json_get(doc, "name");
    if (name && !json_is_null(name)) {
        if (!json_is_object(name))
            return rerr_set(e, ERR_INVALID_PARAMETER, "name", "name must be an object");
        if (string_of(name, "givenName", "name.givenName", &idn->first_name, e) ||
            string_of(name, "familyName", "name.familyName", &idn->last_name, e))
            return -1;
    }
    if (idn->first_name && !*idn->first_name)
        idn->first_name = NULL;
    if (idn->last_name && !*idn->last_name)
        idn->last_name = NULL;
    if ((!idn->first_name || !idn->last_name) && names_from_display(doc, out, e))
        return -1;
    json_t *emails = scim_json_get(doc, "emails");
    if (emails && !json_is_null(emails)) {
        if (check_list(emails, "emails", e))
            return -1;
        pick_emails(emails, &idn->email, &idn->secondary_email);
    }
    json_t *phones = scim_json_get(doc, "phoneNumbers");
    if (phones && !json_is_null(phones)) {
        if (check_list(phones, "phoneNumbers", e))
            return -1;
        idn->mobile = typed_value(phones, "mobile");
    }
    json_t *active = scim_json_get(doc, "active");
    if (active && !json_is_null(active) && (out->in.active = scim_json_boolean(active)) < 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, "active", "active must be true or false (or \"True\"/\"False\")");
    out->kept = kept_of(doc);
    out->attributes = json_object_size(out->kept) ? json_dumps(out->kept, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    out->in.attributes_json = out->attributes;
    return 0;
}

/* The emails list: the kept one for a user the provider manages, else one made from roster's
 * email and secondary email. New reference or NULL (none). */
static json_t *emails_of(const user_record *u, json_t *kept)
{
    if (json_is_array(kept) && u->externally_managed)
        return json_incref(kept);
    json_t *l = json_array();
    if (u->email && *u->email)
        json_array_append_new(l, json_pack("{s:s, s:s, s:b}", "value", u->email, "type", "work", "primary", 1));
    if (u->secondary_email && *u->secondary_email)
        json_array_append_new(l, json_pack("{s:s, s:s}", "value", u->secondary_email, "type", "other"));
    if (!json_array_size(l)) {
        json_decref(l);
        return NULL;
    }
    return l;
}

/* The phoneNumbers list: the kept one for a user the provider manages, else the kept numbers
 * but the mobile one, and roster's mobile number. */
static json_t *phones_of(const user_record *u, json_t *kept)
{
    if (json_is_array(kept) && u->externally_managed)
        return json_incref(kept);
    json_t *l = json_array();
    size_t i;
    json_t *el;
    json_array_foreach(kept, i, el) { /* the other numbers stay */
        json_t *t = scim_json_get(el, "type");
        if (!(json_is_string(t) && strcasecmp(json_string_value(t), "mobile") == 0))
            json_array_append(l, el);
    }
    if (u->mobile && *u->mobile)
        json_array_append_new(l, json_pack("{s:s, s:s}", "value", u->mobile, "type", "mobile"));
    if (!json_array_size(l)) {
        json_decref(l);
        return NULL;
    }
    return l;
}

/* Removes the member named name in any case from o; returns it (new reference) or NULL. */
static json_t *take(json_t *o, const char *name)
{
    json_t *v = scim_json_get(o, name);
    if (!v)
        return NULL;
    json_incref(v);
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(o, tmp, k, x)
        if (x == v) {
            json_object_del(o, k);
            break;
        }
    return v;
}

json_t *scim_user_to_json(const user_record *u, const char *attributes, const char *base)
{
    return scim_user_to_json_kept(u, attributes ? json_loads(attributes, 0, NULL) : NULL, base);
}

json_t *scim_user_to_json_kept(const user_record *u, json_t *o, const char *base)
{
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_t *r = json_object();
    json_object_set_new(r, "schemas", scim_resource_schemas(SCIM_USER_SCHEMA, o));
    json_object_set_new(r, "id", json_string(u->id));
    if (u->external_id)
        json_object_set_new(r, "externalId", json_string(u->external_id));
    json_object_set_new(r, "userName", json_string(u->username));
    json_t *name = take(o, "name");
    if (!json_is_object(name)) {
        json_decref(name);
        name = json_object();
    }
    if (u->first_name)
        json_object_set_new(name, "givenName", json_string(u->first_name));
    if (u->last_name)
        json_object_set_new(name, "familyName", json_string(u->last_name));
    json_object_set_new(r, "name", name);
    json_object_set_new(r, "active", json_boolean(!u->disabled));
    json_t *kept_emails = take(o, "emails"), *kept_phones = take(o, "phoneNumbers");
    json_t *emails = emails_of(u, kept_emails), *phones = phones_of(u, kept_phones);
    json_decref(kept_emails);
    json_decref(kept_phones);
    if (emails)
        json_object_set_new(r, "emails", emails);
    if (phones)
        json_object_set_new(r, "phoneNumbers", phones);
    json_object_update_missing(r, o);
    json_decref(o);
    buf loc;
    buf_init(&loc);
    buf_printf(&loc, "%s/Users/%s", base, u->id);
    json_object_set_new(r, "meta", scim_meta("User", u->created_ms, u->modified_ms, u->version, loc.data));
    buf_free(&loc);
    return r;
}
