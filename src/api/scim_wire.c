/* scim_wire.c — the SCIM door's shared wire handling (see scim_wire.h). */
#include "api/scim_wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/jsonio.h"
#include "util/buf.h"
#include "util/num.h"

#define SCIM_ERROR_SCHEMA "urn:ietf:params:scim:api:messages:2.0:Error"

static void send_json(request *r, int status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    request_respond_take(r, status, SCIM_CONTENT_TYPE, text, text ? strlen(text) : 0);
}

void scim_send_error(request *r, const scim_error *x)
{
    char status[8];
    snprintf(status, sizeof status, "%d", x->status);
    json_t *o = json_pack("{s:[s], s:s, s:s}", "schemas", SCIM_ERROR_SCHEMA, "status", status, "detail", x->detail);
    if (x->scim_type && *x->scim_type)
        json_object_set_new(o, "scimType", json_string(x->scim_type));
    if (x->status == 401)
        request_add_header(r, "WWW-Authenticate", "Bearer realm=\"roster SCIM\"");
    send_json(r, x->status, o);
}

void scim_send_resource(request *r, int status, json_t *doc)
{
    json_t *meta = json_object_get(doc, "meta");
    const char *version = json_string_value(json_object_get(meta, "version"));
    const char *location = json_string_value(json_object_get(meta, "location"));
    if (version)
        request_add_header(r, "ETag", version);
    if (status == 201 && location)
        request_add_header(r, "Location", location);
    send_json(r, status, doc);
}

void scim_send_list(request *r, json_t *resources, int64_t total, int64_t start_index)
{
    json_t *o = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_LIST_SCHEMA, "totalResults", (json_int_t)total,
                          "itemsPerPage", (json_int_t)json_array_size(resources), "startIndex",
                          (json_int_t)(start_index < 1 ? 1 : start_index), "Resources", resources);
    send_json(r, 200, o);
}

int scim_read_body(const request *r, json_t **out, scim_error *x)
{
    *out = NULL;
    const char *type = request_header(r, "Content-Type");
    if (type) {
        size_t n = strcspn(type, "; \t");
        if (!((n == strlen(SCIM_CONTENT_TYPE) && strncasecmp(type, SCIM_CONTENT_TYPE, n) == 0) ||
              (n == strlen("application/json") && strncasecmp(type, "application/json", n) == 0)))
            return scim_fail(x, 400, "invalidSyntax",
                             "the body must be application/scim+json or application/json (got %.100s)", type);
    }
    json_error_t je;
    json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
    if (!doc)
        return scim_fail(x, 400, "invalidSyntax", "the body is not JSON: %s at line %d, column %d", je.text, je.line,
                         je.column);
    if (!json_is_object(doc) || jdepth(doc, JSON_DEPTH_LIMIT) > JSON_DEPTH_LIMIT) {
        json_decref(doc);
        return scim_fail(x, 400, "invalidSyntax", "the body must be a JSON object nested at most %d deep",
                         JSON_DEPTH_LIMIT);
    }
    *out = doc;
    return 0;
}

const char *scim_param(const request *r, const char *name)
{
    const char *v = request_param(r, name);
    for (size_t i = 0; !v && i < r->n_params; i++)
        if (strcasecmp(r->params[i].key, name) == 0)
            v = r->params[i].value;
    return v;
}

char *scim_plus_as_space(const char *s)
{
    char *out = xstrdup(s);
    int quoted = 0;
    for (char *p = out; *p; p++) {
        if (quoted && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == '+')
            *p = ' ';
    }
    return out;
}

int scim_int_param(const request *r, const char *name, int64_t dflt, int64_t *out, scim_error *x)
{
    const char *v = scim_param(r, name);
    *out = dflt;
    if (!v)
        return 0;
    if (parse_int64(v, INT64_MIN, INT64_MAX, out) != 0)
        return scim_fail(x, 400, "invalidValue", "%s must be a whole number (got '%.40s')", name, v);
    return 0;
}

int64_t scim_if_match(const request *r)
{
    const char *h = request_header(r, "If-Match");
    if (!h)
        return 0;
    while (*h == ' ')
        h++;
    return strcmp(h, "*") == 0 ? 0 : scim_etag_version(h);
}

int64_t scim_etag_version(const char *h)
{
    if (!h)
        return -1;
    if (strncmp(h, "W/", 2) == 0)
        h += 2;
    if (*h != '"')
        return -1;
    const char *end = strchr(h + 1, '"');
    if (!end || end - h - 1 > 19)
        return -1;
    char digits[24];
    snprintf(digits, sizeof digits, "%.*s", (int)(end - h - 1), h + 1);
    int64_t v;
    return parse_int64(digits, 1, INT64_MAX, &v) == 0 ? v : -1;
}

char *scim_base_url(const request *r)
{
    const char *host = request_header(r, "Host");
    int ok = host && *host && strlen(host) <= 255;
    for (const char *p = host; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr(".-:[]", *p);
    const char *proto = request_header(r, "X-Forwarded-Proto");
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s://%s/scim/v2", proto && strcmp(proto, "https") == 0 ? "https" : "http", ok ? host : "localhost");
    return buf_detach(&b);
}
