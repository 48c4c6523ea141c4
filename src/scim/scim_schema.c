/* scim_schema.c — the SCIM attribute table, its look-ups and the discovery documents written
 * from it (see scim_schema.h). */
#include "scim/scim_schema.h"

#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/utf8.h"

#define SUBS(a) .type = SCIM_TYPE_COMPLEX, .subs = (a), .n_subs = sizeof(a) / sizeof((a)[0])
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const ref_external[] = {"external", NULL};
static const char *const ref_uri[] = {"uri", NULL};
static const char *const ref_user[] = {"User", NULL};
static const char *const ref_user_group[] = {"User", "Group", NULL};

/* ---- common attributes (RFC 7643 §3.1) ------------------------------------------------------ */

static const scim_attr meta_subs[] = {
    {.name = "resourceType", .case_exact = true, .mutability = SCIM_MUT_READ_ONLY,
     .description = "The kind of resource: \"User\" or \"Group\"."},
    {.name = "created", .type = SCIM_TYPE_DATETIME, .mutability = SCIM_MUT_READ_ONLY,
     .description = "When roster created the resource."},
    {.name = "lastModified", .type = SCIM_TYPE_DATETIME, .mutability = SCIM_MUT_READ_ONLY,
     .description = "When the resource last changed; its creation time if it never did."},
    {.name = "location", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_uri, .case_exact = true,
     .mutability = SCIM_MUT_READ_ONLY, .description = "The URI of the resource, as in Content-Location."},
    {.name = "version", .case_exact = true, .mutability = SCIM_MUT_READ_ONLY,
     .description = "The resource's version, the same as its ETag."},
};

static const scim_attr common_attrs[] = {
    {.name = "id", .case_exact = true, .mutability = SCIM_MUT_READ_ONLY, .returned = SCIM_RET_ALWAYS,
     .uniqueness = SCIM_UNIQ_SERVER, .description = "roster's identifier of the resource; assigned by roster."},
    {.name = "externalId", .case_exact = true,
     .description = "The identity provider's own identifier of the resource."},
    {.name = "meta", SUBS(meta_subs), .mutability = SCIM_MUT_READ_ONLY,
     .description = "What roster records about the resource; ignored in requests."},
    {.name = "schemas", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_uri, .multi_valued = true,
     .mutability = SCIM_MUT_READ_ONLY, .returned = SCIM_RET_ALWAYS,
     .description = "The URNs of the schemas the representation holds; roster writes it."},
};

/* ---- User (RFC 7643 §4.1) ------------------------------------------------------------------- */

static const scim_attr name_subs[] = {
    {.name = "formatted", .description = "The whole name as it is displayed."},
    {.name = "familyName", .description = "The family (last) name."},
    {.name = "givenName", .description = "The given (first) name."},
    {.name = "middleName", .description = "The middle name or names."},
    {.name = "honorificPrefix", .description = "A title before the name, such as \"Ms.\"."},
    {.name = "honorificSuffix", .description = "A suffix after the name, such as \"III\"."},
};

static const char *const email_types[] = {"work", "home", "other", NULL};
static const char *const phone_types[] = {"work", "home", "mobile", "fax", "pager", "other", NULL};
static const char *const im_types[] = {"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo", NULL};
static const char *const photo_types[] = {"photo", "thumbnail", NULL};
static const char *const address_types[] = {"work", "home", "other", NULL};
static const char *const group_membership_types[] = {"direct", "indirect", NULL};

/* The display, type and primary sub-attributes every multi-valued complex attribute has. */
#define DISPLAY {.name = "display", .description = "A label for the value, for display only."}
#define TYPE(canon) {.name = "type", .canonical_values = (canon), .description = "What the value is for."}
#define PRIMARY                                                                                     \
    {.name = "primary", .type = SCIM_TYPE_BOOLEAN,                                                  \
     .description = "Whether this is the preferred value; at most one is."}

static const scim_attr email_subs[] = {
    {.name = "value", .description = "An email address."}, DISPLAY, TYPE(email_types), PRIMARY,
};
static const scim_attr phone_subs[] = {
    {.name = "value", .description = "A telephone number."}, DISPLAY, TYPE(phone_types), PRIMARY,
};
static const scim_attr im_subs[] = {
    {.name = "value", .description = "An instant-messaging address."}, DISPLAY, TYPE(im_types), PRIMARY,
};
static const scim_attr photo_subs[] = {
    {.name = "value", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_external,
     .description = "The URL of an image of the user."},
    DISPLAY, TYPE(photo_types), PRIMARY,
};
static const scim_attr address_subs[] = {
    {.name = "formatted", .description = "The whole address as it is printed on a label."},
    {.name = "streetAddress", .description = "The street, house number and so on."},
    {.name = "locality", .description = "The city or locality."},
    {.name = "region", .description = "The state or region."},
    {.name = "postalCode", .description = "The postal code."},
    {.name = "country", .description = "The country, as an ISO 3166-1 alpha-2 code."},
    TYPE(address_types),
    PRIMARY,
};
static const scim_attr user_group_subs[] = {
    {.name = "value", .mutability = SCIM_MUT_READ_ONLY, .description = "The id of a group the user is in."},
    {.name = "$ref", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_user_group,
     .mutability = SCIM_MUT_READ_ONLY, .description = "The URI of that group."},
    {.name = "display", .mutability = SCIM_MUT_READ_ONLY, .description = "The group's display name."},
    {.name = "type", .canonical_values = group_membership_types, .mutability = SCIM_MUT_READ_ONLY,
     .description = "Whether the user is in the group itself or through a nested group."},
};
static const scim_attr entitlement_subs[] = {
    {.name = "value", .description = "An entitlement."}, DISPLAY, TYPE(NULL), PRIMARY,
};
static const scim_attr role_subs[] = {
    {.name = "value", .description = "A role."}, DISPLAY, TYPE(NULL), PRIMARY,
};
static const scim_attr certificate_subs[] = {
    {.name = "value", .type = SCIM_TYPE_BINARY, .case_exact = true,
     .description = "A DER-encoded X.509 certificate, in base64."},
    DISPLAY, TYPE(NULL), PRIMARY,
};

static const scim_attr user_attrs[] = {
    {.name = "userName", .required = true, .uniqueness = SCIM_UNIQ_SERVER,
     .description = "The name the user signs in with; unique within the instance, in any case."},
    {.name = "name", SUBS(name_subs), .description = "The parts of the user's name."},
    {.name = "displayName", .description = "The name to show for the user."},
    {.name = "nickName", .description = "What the user likes to be called."},
    {.name = "profileUrl", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_external,
     .description = "The URL of the user's online profile."},
    {.name = "title", .description = "The user's job title."},
    {.name = "userType", .description = "How the user relates to the organisation, e.g. \"Employee\"."},
    {.name = "preferredLanguage", .description = "The language the user prefers, e.g. \"en-US\"."},
    {.name = "locale", .description = "The locale for dates, numbers and currency, e.g. \"en-US\"."},
    {.name = "timezone", .description = "The user's time zone, e.g. \"Europe/Paris\"."},
    {.name = "active", .type = SCIM_TYPE_BOOLEAN, .description = "Whether the user may work."},
    {.name = "password", .mutability = SCIM_MUT_WRITE_ONLY, .returned = SCIM_RET_NEVER,
     .description = "The user's password (CONNECT_MANAGED instances); written, never returned."},
    {.name = "emails", SUBS(email_subs), .multi_valued = true, .description = "The user's email addresses."},
    {.name = "phoneNumbers", SUBS(phone_subs), .multi_valued = true, .description = "The user's telephone numbers."},
    {.name = "ims", SUBS(im_subs), .multi_valued = true, .description = "The user's instant-messaging addresses."},
    {.name = "photos", SUBS(photo_subs), .multi_valued = true, .description = "Images of the user."},
    {.name = "addresses", SUBS(address_subs), .multi_valued = true, .description = "The user's postal addresses."},
    {.name = "groups", SUBS(user_group_subs), .multi_valued = true, .mutability = SCIM_MUT_READ_ONLY,
     .description = "The groups the user is in; changed through the groups' members."},
    {.name = "entitlements", SUBS(entitlement_subs), .multi_valued = true,
     .description = "What the user is entitled to."},
    {.name = "roles", SUBS(role_subs), .multi_valued = true, .description = "The user's roles."},
    {.name = "x509Certificates", SUBS(certificate_subs), .multi_valued = true,
     .description = "The user's certificates."},
};

/* ---- enterprise User extension (RFC 7643 §4.3) ---------------------------------------------- */

static const scim_attr manager_subs[] = {
    {.name = "value", .description = "The id of the user's manager."},
    {.name = "$ref", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_user,
     .description = "The URI of the manager's User resource."},
    {.name = "displayName", .mutability = SCIM_MUT_READ_ONLY, .description = "The manager's display name."},
};

static const scim_attr enterprise_attrs[] = {
    {.name = "employeeNumber", .description = "The user's number in the organisation."},
    {.name = "costCenter", .description = "The cost center the user belongs to."},
    {.name = "organization", .description = "The user's organisation."},
    {.name = "division", .description = "The user's division."},
    {.name = "department", .description = "The user's department."},
    {.name = "manager", SUBS(manager_subs), .description = "The user's manager."},
};

/* ---- Group (RFC 7643 §4.2) ------------------------------------------------------------------ */

static const char *const member_types[] = {"User", "Group", NULL};

static const scim_attr member_subs[] = {
    {.name = "value", .mutability = SCIM_MUT_IMMUTABLE, .description = "The id of a member."},
    {.name = "$ref", .type = SCIM_TYPE_REFERENCE, .reference_types = ref_user_group,
     .mutability = SCIM_MUT_IMMUTABLE, .description = "The URI of the member."},
    {.name = "type", .canonical_values = member_types, .mutability = SCIM_MUT_IMMUTABLE,
     .description = "Whether the member is a User or a Group."},
    {.name = "display", .description = "The member's display name, as the identity provider gave it."},
};

static const scim_attr group_attrs[] = {
    {.name = "displayName", .required = true, .description = "The group's name."},
    {.name = "members", SUBS(member_subs), .multi_valued = true, .description = "The group's members."},
};

/* ---- schemas and kinds ---------------------------------------------------------------------- */

typedef struct schema_def {
    const char *urn;
    const char *name;
    const char *description;
    const scim_attr *attrs;
    size_t n_attrs;
} schema_def;

static const schema_def user_schema = {SCIM_SCHEMA_USER, "User", "User Account",
                                       user_attrs, COUNT(user_attrs)};
static const schema_def enterprise_schema = {SCIM_SCHEMA_ENTERPRISE_USER, "EnterpriseUser",
                                             "What an organisation records about a user.", enterprise_attrs,
                                             COUNT(enterprise_attrs)};
static const schema_def group_schema = {SCIM_SCHEMA_GROUP, "Group", "A set of users.", group_attrs,
                                        COUNT(group_attrs)};

/* Every schema, in the order /Schemas lists them. */
static const schema_def *const all_schemas[] = {&user_schema, &enterprise_schema, &group_schema};

static const schema_def *const user_extensions[] = {&enterprise_schema, NULL};
static const schema_def *const no_extensions[] = {NULL};

static const char *const user_core[] = {SCIM_SCHEMA_USER, NULL};
static const char *const group_core[] = {SCIM_SCHEMA_GROUP, NULL};

typedef struct kind_def {
    const char *name;     /* the ResourceType's id and name */
    const char *endpoint;
    const char *description;
    const schema_def *core;
    const schema_def *const *extensions;
    const char *const *core_list;
} kind_def;

static const kind_def kinds[] = {
    [SCIM_USER] = {"User", "/Users", "The users of the instance.", &user_schema, user_extensions, user_core},
    [SCIM_GROUP] = {"Group", "/Groups", "Groups of users of the instance.", &group_schema, no_extensions,
                    group_core},
};

static const kind_def *kind_of(scim_resource_kind kind)
{
    return &kinds[kind == SCIM_GROUP ? SCIM_GROUP : SCIM_USER];
}

/* ---- look-ups ------------------------------------------------------------------------------- */

/* The attribute of attrs named name (n bytes, any case), or NULL. */
static const scim_attr *in_list(const scim_attr *attrs, size_t count, const char *name, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(attrs[i].name) == n && strncasecmp(attrs[i].name, name, n) == 0)
            return &attrs[i];
    return NULL;
}

/* The schema of kind (core or extension) whose URN is urn (n bytes, any case), or NULL. */
static const schema_def *schema_of(const kind_def *k, const char *urn, size_t n)
{
    if (strlen(k->core->urn) == n && strncasecmp(k->core->urn, urn, n) == 0)
        return k->core;
    for (const schema_def *const *e = k->extensions; *e; e++)
        if (strlen((*e)->urn) == n && strncasecmp((*e)->urn, urn, n) == 0)
            return *e;
    return NULL;
}

const scim_attr *scim_attr_find(scim_resource_kind kind, const char *path)
{
    if (!path)
        return NULL;
    const kind_def *k = kind_of(kind);
    const schema_def *only = NULL;
    const char *colon = strrchr(path, ':');
    if (colon) {
        only = schema_of(k, path, (size_t)(colon - path));
        if (!only)
            return NULL;
        path = colon + 1;
    }
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    const scim_attr *a = NULL;
    if (!only || only == k->core)
        a = in_list(common_attrs, COUNT(common_attrs), path, n);
    if (!a && (!only || only == k->core))
        a = in_list(k->core->attrs, k->core->n_attrs, path, n);
    for (const schema_def *const *e = k->extensions; !a && *e; e++)
        if (!only || only == *e)
            a = in_list((*e)->attrs, (*e)->n_attrs, path, n);
    if (!a || !dot)
        return a;
    const char *sub = dot + 1;
    if (strchr(sub, '.'))
        return NULL;
    return in_list(a->subs, a->n_subs, sub, strlen(sub));
}

/* Whether a is one of attrs or one of their sub-attributes. */
static int holds(const scim_attr *attrs, size_t count, const scim_attr *a)
{
    for (size_t i = 0; i < count; i++)
        if (a == &attrs[i] || (attrs[i].n_subs && holds(attrs[i].subs, attrs[i].n_subs, a)))
            return 1;
    return 0;
}

const char *scim_attr_schema(scim_resource_kind kind, const scim_attr *a)
{
    const kind_def *k = kind_of(kind);
    if (!a)
        return NULL;
    if (holds(common_attrs, COUNT(common_attrs), a) || holds(k->core->attrs, k->core->n_attrs, a))
        return k->core->urn;
    for (const schema_def *const *e = k->extensions; *e; e++)
        if (holds((*e)->attrs, (*e)->n_attrs, a))
            return (*e)->urn;
    return NULL;
}

const char *scim_core_schema(scim_resource_kind kind)
{
    return kind_of(kind)->core->urn;
}

const char *const *scim_core_schemas(scim_resource_kind kind)
{
    return kind_of(kind)->core_list;
}

int scim_user_case_exact(const char *path)
{
    const scim_attr *a = scim_attr_find(SCIM_USER, path);
    return a && a->case_exact;
}

int scim_group_case_exact(const char *path)
{
    const scim_attr *a = scim_attr_find(SCIM_GROUP, path);
    return a && a->case_exact;
}

const char *scim_type_name(scim_type t)
{
    static const char *const names[] = {"string", "boolean", "decimal", "integer",
                                        "dateTime", "reference", "complex", "binary"};
    return (size_t)t < COUNT(names) ? names[t] : "string";
}

const char *scim_mutability_name(scim_mutability m)
{
    static const char *const names[] = {"readWrite", "readOnly", "immutable", "writeOnly"};
    return (size_t)m < COUNT(names) ? names[m] : "readWrite";
}

const char *scim_returned_name(scim_returned r)
{
    static const char *const names[] = {"default", "always", "never", "request"};
    return (size_t)r < COUNT(names) ? names[r] : "default";
}

const char *scim_uniqueness_name(scim_uniqueness u)
{
    static const char *const names[] = {"none", "server", "global"};
    return (size_t)u < COUNT(names) ? names[u] : "none";
}

/* ---- discovery documents -------------------------------------------------------------------- */

/* {"resourceType": type, "location": base + path + tail}. base loses its trailing slashes and
 * any byte of it that is not UTF-8 becomes U+FFFD, so that the document can always be made. */
static json_t *meta_of(const char *base, const char *type, const char *path, const char *tail)
{
    buf loc;
    buf_init(&loc);
    size_t n = base ? strlen(base) : 0;
    while (n > 0 && base[n - 1] == '/')
        n--;
    utf8_repair(&loc, base ? base : "", n);
    buf_puts(&loc, path);
    buf_puts(&loc, tail ? tail : "");
    json_t *meta = json_pack("{s:s, s:s}", "resourceType", type, "location", loc.data);
    buf_free(&loc);
    return meta;
}

/* A NULL-terminated list of strings as a JSON array. */
static json_t *string_list(const char *const *list)
{
    json_t *a = json_array();
    for (; list && *list; list++)
        json_array_append_new(a, json_string(*list));
    return a;
}

/* One attribute with every characteristic (RFC 7643 §7): canonicalValues when it has some,
 * referenceTypes for references, subAttributes for complex ones. */
static json_t *attr_doc(const scim_attr *a)
{
    json_t *o = json_pack("{s:s, s:s, s:b, s:s, s:b, s:b, s:s, s:s, s:s}", "name", a->name, "type",
                          scim_type_name(a->type), "multiValued", a->multi_valued, "description", a->description,
                          "required", a->required, "caseExact", a->case_exact, "mutability",
                          scim_mutability_name(a->mutability), "returned", scim_returned_name(a->returned),
                          "uniqueness", scim_uniqueness_name(a->uniqueness));
    if (a->canonical_values)
        json_object_set_new(o, "canonicalValues", string_list(a->canonical_values));
    if (a->type == SCIM_TYPE_REFERENCE)
        json_object_set_new(o, "referenceTypes", string_list(a->reference_types));
    if (a->type == SCIM_TYPE_COMPLEX) {
        json_t *subs = json_array();
        for (size_t i = 0; i < a->n_subs; i++)
            json_array_append_new(subs, attr_doc(&a->subs[i]));
        json_object_set_new(o, "subAttributes", subs);
    }
    return o;
}

static json_t *schema_doc(const char *base, const schema_def *s)
{
    json_t *attrs = json_array();
    for (size_t i = 0; i < s->n_attrs; i++)
        json_array_append_new(attrs, attr_doc(&s->attrs[i]));
    return json_pack("{s:[s], s:s, s:s, s:s, s:o, s:o}", "schemas", SCIM_SCHEMA_SCHEMA, "id", s->urn, "name",
                     s->name, "description", s->description, "attributes", attrs, "meta",
                     meta_of(base, "Schema", "/Schemas/", s->urn));
}

static json_t *list_response(json_t *resources)
{
    size_t n = json_array_size(resources);
    return json_pack("{s:[s], s:I, s:I, s:i, s:o}", "schemas", SCIM_MESSAGE_LIST_RESPONSE, "totalResults",
                     (json_int_t)n, "itemsPerPage", (json_int_t)n, "startIndex", 1, "Resources", resources);
}

json_t *scim_service_provider_config(const char *base)
{
    return json_pack(
        "{s:[s], s:{s:b}, s:{s:b, s:i, s:i}, s:{s:b, s:i}, s:{s:b}, s:{s:b}, s:{s:b}, s:[{s:s, s:s, s:s, s:s, s:b}],"
        " s:o}",
        "schemas", SCIM_SCHEMA_SERVICE_PROVIDER_CONFIG,
        "patch", "supported", 1,
        "bulk", "supported", 0, "maxOperations", 0, "maxPayloadSize", 0,
        "filter", "supported", 1, "maxResults", SCIM_MAX_RESULTS,
        "changePassword", "supported", 1,
        "sort", "supported", 1,
        "etag", "supported", 1,
        "authenticationSchemes", "type", "oauthbearertoken", "name", "OAuth Bearer Token", "description",
        "A bearer token of one instance, made with `roster scim-token create`, sent as"
        " \"Authorization: Bearer <token>\".",
        "specUri", "https://www.rfc-editor.org/info/rfc6750", "primary", 1,
        "meta", meta_of(base, "ServiceProviderConfig", "/ServiceProviderConfig", NULL));
}

json_t *scim_schemas(const char *base)
{
    json_t *list = json_array();
    for (size_t i = 0; i < COUNT(all_schemas); i++)
        json_array_append_new(list, schema_doc(base, all_schemas[i]));
    return list_response(list);
}

json_t *scim_schema_doc(const char *base, const char *urn)
{
    for (size_t i = 0; urn && i < COUNT(all_schemas); i++)
        if (strcasecmp(all_schemas[i]->urn, urn) == 0)
            return schema_doc(base, all_schemas[i]);
    return NULL;
}

/* A ResourceType; schemaExtensions only when the kind has some. */
static json_t *resource_type_doc(const char *base, const kind_def *k)
{
    json_t *doc = json_pack("{s:[s], s:s, s:s, s:s, s:s, s:s, s:o}", "schemas", SCIM_SCHEMA_RESOURCE_TYPE, "id",
                            k->name, "name", k->name, "endpoint", k->endpoint, "description", k->description,
                            "schema", k->core->urn, "meta", meta_of(base, "ResourceType", "/ResourceTypes/", k->name));
    if (k->extensions[0]) {
        json_t *ext = json_array();
        for (const schema_def *const *e = k->extensions; *e; e++)
            json_array_append_new(ext, json_pack("{s:s, s:b}", "schema", (*e)->urn, "required", 0));
        json_object_set_new(doc, "schemaExtensions", ext);
    }
    return doc;
}

json_t *scim_resource_types(const char *base)
{
    json_t *list = json_array();
    for (size_t i = 0; i < COUNT(kinds); i++)
        json_array_append_new(list, resource_type_doc(base, &kinds[i]));
    return list_response(list);
}

json_t *scim_resource_type_doc(const char *base, const char *name)
{
    for (size_t i = 0; name && i < COUNT(kinds); i++)
        if (strcasecmp(kinds[i].name, name) == 0)
            return resource_type_doc(base, &kinds[i]);
    return NULL;
}
