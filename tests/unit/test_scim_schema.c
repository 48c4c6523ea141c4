/* test_scim_schema.c — the SCIM attribute table (src/scim/scim_schema.c): look-ups in any case
 * and with URNs, the schema each attribute belongs to, the caseExact callbacks, the RFC 7643
 * characteristics of the attributes that matter, and the discovery documents: every attribute
 * of /Schemas carries every characteristic and is the table's, the ServiceProviderConfig and
 * ResourceTypes say what roster does, meta.location is built from the base. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scim/scim_schema.h"

#define ENT SCIM_SCHEMA_ENTERPRISE_USER
#define BASE "http://127.0.0.1:8080/scim/v2"

static void finds_in_any_case_and_with_urns(void **state)
{
    (void)state;
    const scim_attr *a = scim_attr_find(SCIM_USER, "NAME.GIVENNAME");
    assert_non_null(a);
    assert_string_equal(a->name, "givenName");
    assert_ptr_equal(scim_attr_find(SCIM_USER, "name.givenName"), a);
    assert_ptr_equal(scim_attr_find(SCIM_USER, SCIM_SCHEMA_USER ":name.givenName"), a);
    assert_ptr_equal(scim_attr_find(SCIM_USER, "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:NAME.GIVENNAME"), a);
    assert_string_equal(scim_attr_schema(SCIM_USER, a), SCIM_SCHEMA_USER);

    a = scim_attr_find(SCIM_USER, ENT ":department");
    assert_non_null(a);
    assert_string_equal(a->name, "department");
    assert_string_equal(scim_attr_schema(SCIM_USER, a), ENT);
    assert_ptr_equal(scim_attr_find(SCIM_USER, "department"), a); /* no URN: the extension too */
    assert_null(scim_attr_find(SCIM_USER, SCIM_SCHEMA_USER ":department")); /* not in the core */

    a = scim_attr_find(SCIM_USER, ENT ":manager.displayName");
    assert_non_null(a);
    assert_int_equal(a->mutability, SCIM_MUT_READ_ONLY);
    assert_string_equal(scim_attr_schema(SCIM_USER, a), ENT);
    /* displayName alone is the core one, not the manager's */
    assert_string_equal(scim_attr_schema(SCIM_USER, scim_attr_find(SCIM_USER, "displayname")), SCIM_SCHEMA_USER);

    a = scim_attr_find(SCIM_USER, "id");
    assert_non_null(a);
    assert_ptr_equal(scim_attr_find(SCIM_GROUP, "ID"), a); /* common to both kinds */
    assert_string_equal(scim_attr_schema(SCIM_USER, a), SCIM_SCHEMA_USER);
    assert_string_equal(scim_attr_schema(SCIM_GROUP, a), SCIM_SCHEMA_GROUP);
    assert_ptr_equal(scim_attr_find(SCIM_USER, SCIM_SCHEMA_USER ":id"), a);
    assert_non_null(scim_attr_find(SCIM_GROUP, "meta.lastModified"));
    assert_non_null(scim_attr_find(SCIM_USER, "groups.$ref"));
    assert_non_null(scim_attr_find(SCIM_GROUP, SCIM_SCHEMA_GROUP ":members.value"));

    assert_null(scim_attr_find(SCIM_USER, NULL));
    assert_null(scim_attr_find(SCIM_USER, ""));
    assert_null(scim_attr_find(SCIM_USER, "nosuch"));
    assert_null(scim_attr_find(SCIM_USER, "name.nosuch"));
    assert_null(scim_attr_find(SCIM_USER, "name.givenName.x"));
    assert_null(scim_attr_find(SCIM_USER, "name."));
    assert_null(scim_attr_find(SCIM_USER, "emails.$ref"));
    assert_null(scim_attr_find(SCIM_USER, "urn:x:y:userName"));
    assert_null(scim_attr_find(SCIM_USER, ENT));                   /* a schema, not an attribute */
    assert_null(scim_attr_find(SCIM_GROUP, "userName"));           /* another kind's */
    assert_null(scim_attr_find(SCIM_GROUP, ENT ":department"));
    assert_null(scim_attr_find(SCIM_USER, SCIM_SCHEMA_GROUP ":members"));
    assert_null(scim_attr_schema(SCIM_GROUP, scim_attr_find(SCIM_USER, "userName")));
    assert_null(scim_attr_schema(SCIM_USER, NULL));
    assert_string_equal(scim_core_schema(SCIM_GROUP), SCIM_SCHEMA_GROUP);
    assert_string_equal(scim_core_schemas(SCIM_USER)[0], SCIM_SCHEMA_USER);
    assert_null(scim_core_schemas(SCIM_USER)[1]);
}

static void characteristics_per_rfc(void **state)
{
    (void)state;
    const scim_attr *a = scim_attr_find(SCIM_USER, "userName");
    assert_true(a->required && !a->case_exact && a->uniqueness == SCIM_UNIQ_SERVER);
    assert_int_equal(a->returned, SCIM_RET_DEFAULT);
    a = scim_attr_find(SCIM_USER, "password");
    assert_int_equal(a->mutability, SCIM_MUT_WRITE_ONLY);
    assert_int_equal(a->returned, SCIM_RET_NEVER);
    a = scim_attr_find(SCIM_USER, "id");
    assert_true(a->case_exact && a->returned == SCIM_RET_ALWAYS && a->mutability == SCIM_MUT_READ_ONLY);
    assert_int_equal(scim_attr_find(SCIM_USER, "schemas")->returned, SCIM_RET_ALWAYS);
    a = scim_attr_find(SCIM_USER, "externalId");
    assert_true(a->case_exact && a->mutability == SCIM_MUT_READ_WRITE && a->returned == SCIM_RET_DEFAULT);
    a = scim_attr_find(SCIM_USER, "meta");
    assert_true(a->type == SCIM_TYPE_COMPLEX && a->mutability == SCIM_MUT_READ_ONLY && a->returned == SCIM_RET_DEFAULT);
    assert_int_equal(scim_attr_find(SCIM_USER, "meta.created")->type, SCIM_TYPE_DATETIME);
    assert_int_equal(scim_attr_find(SCIM_USER, "active")->type, SCIM_TYPE_BOOLEAN);
    assert_int_equal(scim_attr_find(SCIM_USER, "profileUrl")->type, SCIM_TYPE_REFERENCE);
    a = scim_attr_find(SCIM_USER, "emails");
    assert_true(a->multi_valued && a->type == SCIM_TYPE_COMPLEX && a->n_subs == 4);
    assert_string_equal(scim_attr_find(SCIM_USER, "emails.type")->canonical_values[0], "work");
    assert_int_equal(scim_attr_find(SCIM_USER, "emails.primary")->type, SCIM_TYPE_BOOLEAN);
    assert_int_equal(scim_attr_find(SCIM_USER, "groups")->mutability, SCIM_MUT_READ_ONLY);
    assert_int_equal(scim_attr_find(SCIM_USER, "x509Certificates.value")->type, SCIM_TYPE_BINARY);
    assert_int_equal(scim_attr_find(SCIM_USER, "photos.value")->type, SCIM_TYPE_REFERENCE);
    assert_true(scim_attr_find(SCIM_GROUP, "displayName")->required);
    a = scim_attr_find(SCIM_GROUP, "members");
    assert_true(a->multi_valued && a->type == SCIM_TYPE_COMPLEX);
    assert_int_equal(scim_attr_find(SCIM_GROUP, "members.value")->mutability, SCIM_MUT_IMMUTABLE);
    assert_int_equal(scim_attr_find(SCIM_GROUP, "members.$ref")->mutability, SCIM_MUT_IMMUTABLE);
    assert_int_equal(scim_attr_find(SCIM_GROUP, "members.type")->mutability, SCIM_MUT_IMMUTABLE);
    assert_int_equal(scim_attr_find(SCIM_GROUP, "members.display")->mutability, SCIM_MUT_READ_WRITE);
    /* every attribute of RFC 7643 §4.1 */
    static const char *const user_names[] = {
        "userName", "name.formatted", "name.familyName", "name.givenName", "name.middleName",
        "name.honorificPrefix", "name.honorificSuffix", "displayName", "nickName", "profileUrl", "title",
        "userType", "preferredLanguage", "locale", "timezone", "active", "password", "emails.value",
        "emails.display", "phoneNumbers.type", "ims.value", "photos.primary", "addresses.streetAddress",
        "addresses.locality", "addresses.region", "addresses.postalCode", "addresses.country",
        "addresses.formatted", "groups.display", "groups.type", "entitlements.value", "roles.value",
        "x509Certificates.display", ENT ":employeeNumber", ENT ":costCenter", ENT ":organization",
        ENT ":division", ENT ":manager.value", ENT ":manager.$ref"};
    for (size_t i = 0; i < sizeof user_names / sizeof *user_names; i++)
        if (!scim_attr_find(SCIM_USER, user_names[i]))
            fail_msg("%s is not in the table", user_names[i]);
}

static void case_exact_callbacks(void **state)
{
    (void)state;
    assert_int_equal(scim_user_case_exact("id"), 1);
    assert_int_equal(scim_user_case_exact("externalid"), 1);
    assert_int_equal(scim_user_case_exact("meta.version"), 1);
    assert_int_equal(scim_user_case_exact("meta.location"), 1);
    assert_int_equal(scim_user_case_exact("x509certificates.value"), 1);
    assert_int_equal(scim_user_case_exact("username"), 0);
    assert_int_equal(scim_user_case_exact("emails.value"), 0);
    assert_int_equal(scim_user_case_exact("emails"), 0);
    assert_int_equal(scim_user_case_exact("manager.value"), 0);
    assert_int_equal(scim_user_case_exact("nosuch"), 0);
    assert_int_equal(scim_user_case_exact(""), 0);
    assert_int_equal(scim_group_case_exact("id"), 1);
    assert_int_equal(scim_group_case_exact("externalid"), 1);
    assert_int_equal(scim_group_case_exact("displayname"), 0);
    assert_int_equal(scim_group_case_exact("members.value"), 0);
    assert_int_equal(scim_group_case_exact("username"), 0);
}

/* ---- the documents ------------------------------------------------------------------------- */

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *str_member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("no string %s in %s", key, json_dumps(o, JSON_COMPACT));
    return s;
}

/* Asserts a (an attribute of the document, depth 0, or a sub-attribute, depth 1) carries every
 * characteristic with a valid value, and that it is the table's definition at path. */
static void check_attr_doc(const json_t *a, scim_resource_kind kind, const char *prefix, int depth)
{
    static const char *const types[] = {"string", "boolean", "decimal", "integer", "dateTime",
                                        "reference", "complex", "binary", NULL};
    static const char *const muts[] = {"readOnly", "readWrite", "immutable", "writeOnly", NULL};
    static const char *const rets[] = {"always", "never", "default", "request", NULL};
    static const char *const uniqs[] = {"none", "server", "global", NULL};
    const char *name = str_member(a, "name");
    const char *type = str_member(a, "type");
    assert_true(one_of(type, types));
    assert_true(json_is_boolean(json_object_get(a, "multiValued")));
    assert_true(json_is_boolean(json_object_get(a, "required")));
    assert_true(json_is_boolean(json_object_get(a, "caseExact")));
    assert_true(strlen(str_member(a, "description")) > 0);
    assert_true(one_of(str_member(a, "mutability"), muts));
    assert_true(one_of(str_member(a, "returned"), rets));
    assert_true(one_of(str_member(a, "uniqueness"), uniqs));
    json_t *subs = json_object_get(a, "subAttributes");
    if (strcmp(type, "complex") == 0) {
        assert_int_equal(depth, 0); /* SCIM nests one level only */
        assert_true(json_array_size(subs) > 0);
    } else {
        assert_null(subs);
    }
    json_t *refs = json_object_get(a, "referenceTypes");
    assert_true(strcmp(type, "reference") == 0 ? json_array_size(refs) > 0 : refs == NULL);
    json_t *canon = json_object_get(a, "canonicalValues");
    assert_true(canon == NULL || json_array_size(canon) > 0);

    char path[256];
    snprintf(path, sizeof path, "%s%s", prefix, name);
    const scim_attr *def = scim_attr_find(kind, path);
    if (!def)
        fail_msg("%s is in the document, not in the table", path);
    assert_string_equal(scim_type_name(def->type), type);
    assert_int_equal(def->multi_valued, json_is_true(json_object_get(a, "multiValued")));
    assert_int_equal(def->required, json_is_true(json_object_get(a, "required")));
    assert_int_equal(def->case_exact, json_is_true(json_object_get(a, "caseExact")));
    assert_string_equal(scim_mutability_name(def->mutability), str_member(a, "mutability"));
    assert_string_equal(scim_returned_name(def->returned), str_member(a, "returned"));
    assert_string_equal(scim_uniqueness_name(def->uniqueness), str_member(a, "uniqueness"));
    size_t i;
    json_t *s;
    char sub_prefix[300];
    snprintf(sub_prefix, sizeof sub_prefix, "%s.", path);
    json_array_foreach(subs, i, s)
        check_attr_doc(s, kind, sub_prefix, depth + 1);
}

static void schemas_document(void **state)
{
    (void)state;
    json_t *list = scim_schemas(BASE "/");
    assert_non_null(list);
    assert_string_equal(json_string_value(json_array_get(json_object_get(list, "schemas"), 0)),
                        SCIM_MESSAGE_LIST_RESPONSE);
    assert_int_equal(json_integer_value(json_object_get(list, "totalResults")), 3);
    assert_int_equal(json_integer_value(json_object_get(list, "itemsPerPage")), 3);
    assert_int_equal(json_integer_value(json_object_get(list, "startIndex")), 1);
    json_t *res = json_object_get(list, "Resources");
    assert_int_equal(json_array_size(res), 3);
    static const char *const urns[] = {SCIM_SCHEMA_USER, ENT, SCIM_SCHEMA_GROUP};
    static const size_t counts[] = {21, 6, 2}; /* §4.1, §4.3, §4.2 */
    for (size_t k = 0; k < 3; k++) {
        json_t *doc = json_array_get(res, k);
        assert_string_equal(str_member(doc, "id"), urns[k]);
        assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "schemas"), 0)),
                            SCIM_SCHEMA_SCHEMA);
        assert_true(strlen(str_member(doc, "name")) > 0);
        json_t *meta = json_object_get(doc, "meta");
        assert_string_equal(str_member(meta, "resourceType"), "Schema");
        char loc[256];
        snprintf(loc, sizeof loc, BASE "/Schemas/%s", urns[k]);
        assert_string_equal(str_member(meta, "location"), loc);
        json_t *attrs = json_object_get(doc, "attributes");
        assert_int_equal(json_array_size(attrs), counts[k]);
        scim_resource_kind kind = k == 2 ? SCIM_GROUP : SCIM_USER;
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%s:", urns[k]);
        size_t i;
        json_t *a;
        json_array_foreach(attrs, i, a) {
            check_attr_doc(a, kind, prefix, 0);
            assert_false(strcmp(str_member(a, "name"), "id") == 0); /* common attributes not listed */
        }
        /* the one document alone is the same, its URN in any case */
        char upper[128];
        snprintf(upper, sizeof upper, "%s", urns[k]);
        for (char *p = upper; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        json_t *one = scim_schema_doc(BASE, upper);
        assert_non_null(one);
        assert_true(json_equal(one, doc));
        json_decref(one);
    }
    json_t *user = json_array_get(res, 0);
    char *text = json_dumps(user, JSON_COMPACT);
    assert_non_null(strstr(text, "\"name\":\"password\",\"type\":\"string\",\"multiValued\":false"));
    assert_non_null(strstr(text, "\"mutability\":\"writeOnly\",\"returned\":\"never\""));
    free(text);
    json_decref(list);
    assert_null(scim_schema_doc(BASE, "urn:ietf:params:scim:schemas:core:2.0:Nope"));
    assert_null(scim_schema_doc(BASE, NULL));
    json_t *odd = scim_schema_doc("http://h/\xff//", SCIM_SCHEMA_GROUP); /* a base that is not UTF-8 */
    assert_string_equal(str_member(json_object_get(odd, "meta"), "location"),
                        "http://h/\xef\xbf\xbd/Schemas/" SCIM_SCHEMA_GROUP);
    json_decref(odd);
}

static void service_provider_config(void **state)
{
    (void)state;
    json_t *c = scim_service_provider_config(BASE);
    assert_non_null(c);
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "schemas"), 0)),
                        SCIM_SCHEMA_SERVICE_PROVIDER_CONFIG);
    assert_true(json_is_true(json_object_get(json_object_get(c, "patch"), "supported")));
    json_t *bulk = json_object_get(c, "bulk");
    assert_true(json_is_false(json_object_get(bulk, "supported")));
    assert_int_equal(json_integer_value(json_object_get(bulk, "maxOperations")), 0);
    assert_int_equal(json_integer_value(json_object_get(bulk, "maxPayloadSize")), 0);
    json_t *filter = json_object_get(c, "filter");
    assert_true(json_is_true(json_object_get(filter, "supported")));
    assert_int_equal(json_integer_value(json_object_get(filter, "maxResults")), SCIM_MAX_RESULTS);
    assert_int_equal(SCIM_MAX_RESULTS, 1000);
    assert_true(json_is_true(json_object_get(json_object_get(c, "changePassword"), "supported")));
    assert_true(json_is_true(json_object_get(json_object_get(c, "sort"), "supported")));
    assert_true(json_is_true(json_object_get(json_object_get(c, "etag"), "supported")));
    json_t *schemes = json_object_get(c, "authenticationSchemes");
    assert_int_equal(json_array_size(schemes), 1);
    json_t *s = json_array_get(schemes, 0);
    assert_string_equal(str_member(s, "type"), "oauthbearertoken");
    assert_string_equal(str_member(s, "name"), "OAuth Bearer Token");
    assert_non_null(strstr(str_member(s, "description"), "roster scim-token create"));
    assert_true(json_is_true(json_object_get(s, "primary")));
    json_t *meta = json_object_get(c, "meta");
    assert_string_equal(str_member(meta, "resourceType"), "ServiceProviderConfig");
    assert_string_equal(str_member(meta, "location"), BASE "/ServiceProviderConfig");
    json_decref(c);
}

static void resource_types(void **state)
{
    (void)state;
    json_t *list = scim_resource_types(BASE);
    assert_int_equal(json_integer_value(json_object_get(list, "totalResults")), 2);
    assert_int_equal(json_integer_value(json_object_get(list, "startIndex")), 1);
    json_t *res = json_object_get(list, "Resources");
    assert_int_equal(json_array_size(res), 2);
    json_t *user = json_array_get(res, 0), *group = json_array_get(res, 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(user, "schemas"), 0)),
                        SCIM_SCHEMA_RESOURCE_TYPE);
    assert_string_equal(str_member(user, "id"), "User");
    assert_string_equal(str_member(user, "name"), "User");
    assert_string_equal(str_member(user, "endpoint"), "/Users");
    assert_string_equal(str_member(user, "schema"), SCIM_SCHEMA_USER);
    json_t *ext = json_object_get(user, "schemaExtensions");
    assert_int_equal(json_array_size(ext), 1);
    assert_string_equal(str_member(json_array_get(ext, 0), "schema"), ENT);
    assert_true(json_is_false(json_object_get(json_array_get(ext, 0), "required")));
    assert_string_equal(str_member(json_object_get(user, "meta"), "location"), BASE "/ResourceTypes/User");
    assert_string_equal(str_member(json_object_get(user, "meta"), "resourceType"), "ResourceType");
    assert_string_equal(str_member(group, "endpoint"), "/Groups");
    assert_string_equal(str_member(group, "schema"), SCIM_SCHEMA_GROUP);
    assert_null(json_object_get(group, "schemaExtensions"));
    json_t *one = scim_resource_type_doc(BASE, "group");
    assert_true(json_equal(one, group));
    json_decref(one);
    assert_null(scim_resource_type_doc(BASE, "Users"));
    assert_null(scim_resource_type_doc(BASE, NULL));
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_in_any_case_and_with_urns),
        cmocka_unit_test(characteristics_per_rfc),
        cmocka_unit_test(case_exact_callbacks),
        cmocka_unit_test(schemas_document),
        cmocka_unit_test(service_provider_config),
        cmocka_unit_test(resource_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
