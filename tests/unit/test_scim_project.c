/* test_scim_project.c — the attributes / excludedAttributes projection (src/scim/scim_project.c):
 * what each kind of name keeps or removes of a User and a Group (sub-attributes, multi-valued
 * elements, extensions, URN paths, bracket filters as Microsoft's Entra tests send them), the
 * returned characteristic (id and schemas always, password never, meta only when named),
 * "schemas" following the extensions, attributes winning over excludedAttributes, unknown
 * names ignored, and the refusals with their bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scim/scim_project.h"
#include "util/buf.h"

#define CORE "urn:ietf:params:scim:schemas:core:2.0:User"
#define ENT "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

static const char user_json[] =
    "{\"schemas\": [\"" CORE "\", \"" ENT "\"], \"id\": \"2819c223\", \"externalId\": \"bjensen\","
    " \"userName\": \"bjensen\", \"password\": \"t1meMa$heen\","
    " \"name\": {\"givenName\": \"Barbara\", \"familyName\": \"Jensen\"},"
    " \"active\": true,"
    " \"emails\": [{\"value\": \"emailName357\", \"type\": \"work\", \"Primary\": true},"
    "              {\"value\": \"testinghome@bob.com\", \"type\": \"home\", \"Primary\": false}],"
    " \"meta\": {\"resourceType\": \"User\", \"version\": \"W/\\\"3\\\"\"},"
    " \"x-garbage\": 7,"
    " \"" ENT "\": {\"department\": \"Tour Operations\", \"manager\": {\"value\": \"26118915\", \"displayName\": \"John\"}}}";

static const char group_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"], \"id\": \"g1\", \"displayName\": \"Guides\","
    " \"members\": [{\"value\": \"2819c223\", \"display\": \"Babs\", \"type\": \"User\"}, {\"value\": \"902c246b\"}],"
    " \"meta\": {\"resourceType\": \"Group\"}}";

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("bad test JSON: %s: %s", je.text, text);
    return j;
}

/* A copy of text with every ' turned into ". Caller frees. */
static char *dq(const char *text)
{
    char *t = strdup(text);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    return t;
}

/* Asserts that projecting the resource gives want (both JSON text, with ' for "). */
static void gives(const char *resource, scim_resource_kind kind, const char *attrs, const char *excl,
                  const char *want)
{
    char *w = dq(want), *r = dq(resource);
    json_t *res = load(r), *expect = load(w);
    char *before = json_dumps(res, JSON_SORT_KEYS);
    rerr e;
    json_t *got = scim_project(res, kind, attrs, excl, &e);
    if (!got)
        fail_msg("attributes=%s excludedAttributes=%s refused: %s", attrs, excl, e.message);
    if (!json_equal(got, expect)) {
        char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT), *x = json_dumps(expect, JSON_SORT_KEYS | JSON_COMPACT);
        fail_msg("attributes=%s excludedAttributes=%s\n gave %s\n want %s", attrs, excl, g, x);
    }
    char *after = json_dumps(res, JSON_SORT_KEYS);
    assert_string_equal(before, after); /* the resource is not changed */
    free(before);
    free(after);
    json_decref(got);
    json_decref(expect);
    json_decref(res);
    free(w);
    free(r);
}

#define U(attrs, want) gives(user_json, SCIM_USER, attrs, NULL, want)
#define UX(excl, want) gives(user_json, SCIM_USER, NULL, excl, want)
#define ALWAYS_CORE "'schemas': ['" CORE "'], 'id': '2819c223'"
#define ALWAYS_BOTH "'schemas': ['" CORE "', '" ENT "'], 'id': '2819c223'"
#define EMAIL_WORK "{'value': 'emailName357', 'type': 'work', 'Primary': true}"
#define EMAIL_HOME "{'value': 'testinghome@bob.com', 'type': 'home', 'Primary': false}"
#define NAME "'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}"
#define META "'meta': {'resourceType': 'User', 'version': 'W/\\'3\\''}"
#define EXT "'" ENT "': {'department': 'Tour Operations', 'manager': {'value': '26118915', 'displayName': 'John'}}"
/* everything but password */
#define ALL_BUT_PASSWORD ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true," \
    " 'emails': [" EMAIL_WORK ", " EMAIL_HOME "], " META ", 'x-garbage': 7, " EXT

static void default_and_attributes(void **state)
{
    (void)state;
    gives(user_json, SCIM_USER, NULL, NULL, "{" ALL_BUT_PASSWORD "}");
    /* Entra's GET /Users?attributes=userName,emails: id and schemas always, meta only when named */
    U("userName,emails", "{" ALWAYS_CORE ", 'userName': 'bjensen', 'emails': [" EMAIL_WORK ", " EMAIL_HOME "]}");
    U(" userName ,\temails ", "{" ALWAYS_CORE ", 'userName': 'bjensen', 'emails': [" EMAIL_WORK ", " EMAIL_HOME "]}");
    U("USERNAME", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    U(CORE ":userName", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    U("userName,,", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    U("meta", "{" ALWAYS_CORE ", " META "}");
    U("meta.VERSION", "{" ALWAYS_CORE ", 'meta': {'version': 'W/\\'3\\''}}");
    U("id", "{" ALWAYS_CORE "}");
    U("password", "{" ALWAYS_CORE "}");                 /* never, even when named */
    U("password,userName", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    U("nosuch", "{" ALWAYS_CORE "}");                   /* unknown names are ignored */
    U("nosuch,active", "{" ALWAYS_CORE ", 'active': true}");
    U("urn:x:y:active", "{" ALWAYS_CORE "}");           /* a URN the user has not */
    U("department", "{" ALWAYS_CORE "}");               /* an extension's name needs its URN */
    U("x-garbage", "{" ALWAYS_CORE ", 'x-garbage': 7}"); /* kept though the schema lacks it */
    U(CORE, "{" ALWAYS_CORE ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true,"
            " 'emails': [" EMAIL_WORK ", " EMAIL_HOME "], " META ", 'x-garbage': 7}");
    /* "" and names-less lists are as if not given */
    gives(user_json, SCIM_USER, "", NULL, "{" ALL_BUT_PASSWORD "}");
    gives(user_json, SCIM_USER, " , ,", NULL, "{" ALL_BUT_PASSWORD "}");
}

static void sub_attributes(void **state)
{
    (void)state;
    U("name.givenName", "{" ALWAYS_CORE ", 'name': {'givenName': 'Barbara'}}");
    U("NAME.GIVENNAME", "{" ALWAYS_CORE ", 'name': {'givenName': 'Barbara'}}");
    U(CORE ":name.givenName", "{" ALWAYS_CORE ", 'name': {'givenName': 'Barbara'}}");
    U("name.givenName,name.familyName", "{" ALWAYS_CORE ", " NAME "}");
    U("name.givenName,name", "{" ALWAYS_CORE ", " NAME "}");
    U("name.nosuch", "{" ALWAYS_CORE "}");              /* an object left empty is dropped */
    U("name.givenName.x", "{" ALWAYS_CORE "}");
    /* over a multi-valued attribute: each element keeps only the named sub-attributes */
    U("emails.value", "{" ALWAYS_CORE ", 'emails': [{'value': 'emailName357'}, {'value': 'testinghome@bob.com'}]}");
    U("emails.value,emails.primary", "{" ALWAYS_CORE ", 'emails': [{'value': 'emailName357', 'Primary': true},"
                                     " {'value': 'testinghome@bob.com', 'Primary': false}]}");
    U("userName.x", "{" ALWAYS_CORE "}");               /* a simple value has no sub-attributes */
    UX("name.givenName", "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen',"
                         " 'name': {'familyName': 'Jensen'}, 'active': true, 'emails': [" EMAIL_WORK ", " EMAIL_HOME "],"
                         " " META ", 'x-garbage': 7, " EXT "}");
    UX("emails.type,emails.PRIMARY,meta.version",
       "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true,"
       " 'emails': [{'value': 'emailName357'}, {'value': 'testinghome@bob.com'}], 'meta': {'resourceType': 'User'},"
       " 'x-garbage': 7, " EXT "}");
    /* the Group's members */
    gives(group_json, SCIM_GROUP, "members.value", NULL,
          "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1',"
          " 'members': [{'value': '2819c223'}, {'value': '902c246b'}]}");
    gives(group_json, SCIM_GROUP, "members.display", NULL,
          "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'members': [{'display': 'Babs'}]}");
}

static void extensions_and_schemas(void **state)
{
    (void)state;
    U(ENT ":department", "{" ALWAYS_BOTH ", '" ENT "': {'department': 'Tour Operations'}}");
    U("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT",
      "{" ALWAYS_BOTH ", '" ENT "': {'department': 'Tour Operations'}}");
    U(ENT ":manager", "{" ALWAYS_BOTH ", '" ENT "': {'manager': {'value': '26118915', 'displayName': 'John'}}}");
    U(ENT ":manager.value", "{" ALWAYS_BOTH ", '" ENT "': {'manager': {'value': '26118915'}}}");
    U(ENT, "{" ALWAYS_BOTH ", " EXT "}");
    U(ENT ":nosuch", "{" ALWAYS_CORE "}");             /* nothing left of it: its URN goes too */
    U(ENT ":manager.nosuch", "{" ALWAYS_CORE "}");
    U(ENT ":department,userName", "{" ALWAYS_BOTH ", 'userName': 'bjensen', '" ENT "': {'department': 'Tour Operations'}}");
    UX(ENT, "{" ALWAYS_CORE ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true,"
            " 'emails': [" EMAIL_WORK ", " EMAIL_HOME "], " META ", 'x-garbage': 7}");
    UX(ENT ":department," ENT ":manager", "{" ALWAYS_CORE ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME
                                          ", 'active': true, 'emails': [" EMAIL_WORK ", " EMAIL_HOME "], " META
                                          ", 'x-garbage': 7}");
    UX(ENT ":manager.displayName", "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME
                                   ", 'active': true, 'emails': [" EMAIL_WORK ", " EMAIL_HOME "], " META
                                   ", 'x-garbage': 7, '" ENT "': {'department': 'Tour Operations',"
                                   " 'manager': {'value': '26118915'}}}");
    /* a URN in schemas without its object stays */
    gives("{'schemas': ['" CORE "', '" ENT "'], 'id': 'a', 'userName': 'u'}", SCIM_USER, "userName", NULL,
          "{'schemas': ['" CORE "', '" ENT "'], 'id': 'a', 'userName': 'u'}");
}

static void bracket_filters(void **state)
{
    (void)state;
    /* Entra's GET /Users?attributes=emails[type eq "work"] and [value eq "emailName357"] */
    U("emails[type eq \"work\"]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK "]}");
    U("emails[value eq \"emailName357\"]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK "]}");
    U("emails[type eq \"WORK\"]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK "]}"); /* caseExact false */
    U("EMAILS[TYPE EQ \"work\" and primary eq true]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK "]}");
    U("emails[type eq \"work\"].value", "{" ALWAYS_CORE ", 'emails': [{'value': 'emailName357'}]}");
    U("emails[type eq \"nope\"]", "{" ALWAYS_CORE "}");
    U("emails[type eq \"work\"],emails.value",
      "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK ", {'value': 'testinghome@bob.com'}]}");
    U("emails[type eq \"home\"],emails[type eq \"work\"]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_WORK ", " EMAIL_HOME "]}");
    U("emails[value eq \"a,b\"],userName", "{" ALWAYS_CORE ", 'userName': 'bjensen'}"); /* a comma in the string */
    U(CORE ":emails[type eq \"home\"]", "{" ALWAYS_CORE ", 'emails': [" EMAIL_HOME "]}");
    /* a single complex value is kept when it satisfies the filter */
    U(ENT ":manager[value eq \"26118915\"]", "{" ALWAYS_BOTH ", '" ENT "': {'manager': {'value': '26118915', 'displayName': 'John'}}}");
    U(ENT ":manager[value eq \"x\"]", "{" ALWAYS_CORE "}");
    U("name[givenName sw \"bar\"].familyName", "{" ALWAYS_CORE ", 'name': {'familyName': 'Jensen'}}");
    U("userName[value pr]", "{" ALWAYS_CORE "}");     /* a simple value satisfies no filter */
    UX("emails[type eq \"work\"]", "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME
                                   ", 'active': true, 'emails': [" EMAIL_HOME "], " META ", 'x-garbage': 7, " EXT "}");
    UX("emails[type eq \"work\"].value,emails[type eq \"home\"]",
       "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true,"
       " 'emails': [{'type': 'work', 'Primary': true}], " META ", 'x-garbage': 7, " EXT "}");
    UX("emails[type pr]", "{" ALWAYS_BOTH ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME
                          ", 'active': true, " META ", 'x-garbage': 7, " EXT "}"); /* no element left */
}

static void excluded_and_precedence(void **state)
{
    (void)state;
    /* Entra's GET /Groups/{id}?excludedAttributes=members */
    gives(group_json, SCIM_GROUP, NULL, "members",
          "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'displayName': 'Guides',"
          " 'meta': {'resourceType': 'Group'}}");
    gives(group_json, SCIM_GROUP, NULL, "MEMBERS,displayname,meta,id,schemas",
          "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1'}"); /* always stays */
    UX("id,schemas,emails,x-garbage,active,meta,externalId," ENT ",name,userName", "{" ALWAYS_CORE "}");
    UX("nosuch,password", "{" ALL_BUT_PASSWORD "}");
    UX(" , ", "{" ALL_BUT_PASSWORD "}");
    UX(CORE, "{" ALWAYS_BOTH ", " EXT "}");
    /* both: attributes wins, and excludedAttributes is not even read */
    gives(user_json, SCIM_USER, "userName", "userName", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    gives(user_json, SCIM_USER, "userName", "bad name", "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    /* ... unless attributes holds no name */
    gives(user_json, SCIM_USER, " ", ENT ",emails,meta,x-garbage",
          "{" ALWAYS_CORE ", 'externalId': 'bjensen', 'userName': 'bjensen', " NAME ", 'active': true}");
}

static void one_projection_many_resources(void **state)
{
    (void)state;
    rerr e;
    scim_projection *p = scim_projection_new(SCIM_USER, "emails[type eq \"work\"].value", NULL, &e);
    assert_non_null(p);
    json_t *a = load(user_json);
    json_t *b = load("{\"id\": \"b\", \"emails\": [{\"value\": \"x@y\", \"type\": \"Work\"}, \"loose\", 3]}");
    json_t *pa = scim_projection_apply(p, a), *pb = scim_projection_apply(p, b);
    json_t *wa = load("{\"schemas\": [\"" CORE "\"], \"id\": \"2819c223\", \"emails\": [{\"value\": \"emailName357\"}]}");
    json_t *wb = load("{\"id\": \"b\", \"emails\": [{\"value\": \"x@y\"}]}");
    assert_true(json_equal(pa, wa));
    assert_true(json_equal(pb, wb));
    json_t *arr = json_array(), *pc = scim_projection_apply(p, arr); /* not an object */
    assert_true(json_is_object(pc) && json_object_size(pc) == 0);
    json_t *pn = scim_projection_apply(p, NULL);
    assert_true(json_is_object(pn) && json_object_size(pn) == 0);
    for (json_t **j = (json_t *[]){a, b, pa, pb, wa, wb, arr, pc, pn}, **end = j + 9; j < end; j++)
        json_decref(*j);
    scim_projection_free(p);
    scim_projection_free(NULL);
}

/* Asserts the parameter is refused, in field, with a message holding frag. */
static void refused(const char *attrs, const char *excl, const char *field, const char *frag)
{
    json_t *res = load(user_json);
    rerr e;
    json_t *got = scim_project(res, SCIM_USER, attrs, excl, &e);
    if (got)
        fail_msg("attributes=%.60s excludedAttributes=%.60s accepted", attrs, excl);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(err_scim_type(e.code), "invalidValue");
    assert_int_equal(err_http_status(e.code), 400);
    assert_string_equal(e.field, field);
    if (!strstr(e.message, frag))
        fail_msg("message '%s' lacks '%s'", e.message, frag);
    assert_non_null(strstr(e.message, field));
    assert_null(scim_projection_new(SCIM_USER, attrs, excl, NULL)); /* e may be NULL */
    json_decref(res);
}

static void errors(void **state)
{
    (void)state;
    refused("user name", NULL, "attributes", "'user name': not an attribute name");
    refused(NULL, "\"userName\"", "excludedAttributes", "not an attribute name");
    refused("userName,na\xc3\xa9me", NULL, "attributes", "not an attribute name");
    refused(":userName", NULL, "attributes", "not an attribute name");
    refused("urn:x:", NULL, "attributes", "not an attribute name");
    refused("name..givenName", NULL, "attributes", "not an attribute name");
    refused("name.", NULL, "attributes", "not an attribute name");
    refused("emails]", NULL, "attributes", "not an attribute name");
    refused("emails[type eq \"work\"", NULL, "attributes", "'[' is not closed");
    refused("emails[type eq \"w]\"", NULL, "attributes", "'[' is not closed");
    refused("[type eq \"work\"]", NULL, "attributes", "no attribute name before '['");
    refused("emails[type eq]", NULL, "attributes", "invalid filter at byte");
    refused("emails[type+eq+\"work\"]", NULL, "attributes", "invalid filter"); /* '+' is the route's to decode */
    refused("emails[type eq \"work\"]x", NULL, "attributes", "after ']'");
    refused("emails[type eq \"work\"].value.x", NULL, "attributes", "after ']'");
    refused("emails[type eq \"work\"][value pr]", NULL, "attributes", "after ']'");
    /* bounds: 4096 bytes and 100 names */
    char *big = malloc(SCIM_PROJECT_MAX_LEN + 2);
    memset(big, 'a', SCIM_PROJECT_MAX_LEN + 1);
    big[SCIM_PROJECT_MAX_LEN + 1] = '\0';
    refused(big, NULL, "attributes", "at most 4096 bytes");
    refused(NULL, big, "excludedAttributes", "at most 4096 bytes");
    big[SCIM_PROJECT_MAX_LEN] = '\0';
    gives(user_json, SCIM_USER, big, NULL, "{" ALWAYS_CORE "}"); /* 4096 bytes: one unknown name */
    buf b;
    buf_init(&b);
    for (int i = 0; i < SCIM_PROJECT_MAX_NAMES; i++)
        buf_puts(&b, i ? ",userName" : "userName");
    gives(user_json, SCIM_USER, b.data, NULL, "{" ALWAYS_CORE ", 'userName': 'bjensen'}");
    buf_puts(&b, ",id");
    refused(b.data, NULL, "attributes", "at most 100 names");
    buf_free(&b);
    free(big);
    /* a long bad name is quoted short, and a bad byte never reaches the message */
    char *junk = malloc(300);
    memset(junk, ' ', 299);
    junk[0] = 'a';
    junk[10] = '\xff';
    junk[298] = 'z';
    junk[299] = '\0';
    rerr e;
    assert_null(scim_projection_new(SCIM_USER, junk, NULL, &e));
    assert_true(strlen(e.message) < 120);
    assert_null(strchr(e.message, '\xff'));
    free(junk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_and_attributes),
        cmocka_unit_test(sub_attributes),
        cmocka_unit_test(extensions_and_schemas),
        cmocka_unit_test(bracket_filters),
        cmocka_unit_test(excluded_and_precedence),
        cmocka_unit_test(one_projection_many_resources),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
