/* test_scim_patch.c — SCIM PATCH (RFC 7644 §3.5.2): paths read into their parts
 * (src/scim/scim_path.c), and requests applied to users and groups (src/scim/scim_patch.c):
 * the body's rules, add, replace and remove on every kind of target, value filters and the
 * elements they create, "primary", extensions, the permission asked of the caller, atomicity,
 * long lists, and the PATCH requests of Microsoft's Entra test collection and Okta's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scim/scim_patch.h"
#include "scim/scim_path.h"

/* ---- paths ---------------------------------------------------------------------------------- */

/* Reads text and asserts its parts: urn, attr, sub (NULL for none) and the filter's canonical
 * form (NULL for none). */
static void path_is(const char *text, const char *urn, const char *attr, const char *sub, const char *filter)
{
    scim_path p;
    buf err, f;
    buf_init(&err);
    buf_init(&f);
    if (scim_path_parse(text, strlen(text), &p, &err))
        fail_msg("'%s' refused: %s", text, err.data);
    if (p.filter)
        scim_filter_print(p.filter, &f);
    if ((urn ? !p.urn || strcmp(p.urn, urn) : p.urn != NULL) || strcmp(p.attr, attr) ||
        (sub ? !p.sub || strcmp(p.sub, sub) : p.sub != NULL) || (filter ? strcmp(f.data, filter) : p.filter != NULL))
        fail_msg("'%s' read as urn '%s' attr '%s' sub '%s' filter '%s'", text, p.urn ? p.urn : "-", p.attr,
                 p.sub ? p.sub : "-", p.filter ? f.data : "-");
    scim_path_free(&p);
    assert_null(p.attr);
    buf_free(&err);
    buf_free(&f);
}

static void path_refused_n(const char *text, size_t len, const char *frag)
{
    scim_path p;
    buf err;
    buf_init(&err);
    assert_int_equal(scim_path_parse(text, len, &p, &err), -1);
    assert_null(p.urn);
    assert_null(p.attr);
    assert_null(p.sub);
    assert_null(p.filter);
    if (!strstr(err.data, frag) || strncmp(err.data, "invalid path: ", 14) != 0)
        fail_msg("'%.60s': message '%s' lacks '%s'", text, err.data, frag);
    scim_path_free(&p);
    buf_free(&err);
}

static void path_refused(const char *text, const char *frag)
{
    path_refused_n(text, strlen(text), frag);
}

#define ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

static void paths(void **state)
{
    (void)state;
    path_is("userName", NULL, "userName", NULL, NULL);
    path_is("USERNAME", NULL, "USERNAME", NULL, NULL);
    path_is("name.givenName", NULL, "name", "givenName", NULL);
    path_is("members.$ref", NULL, "members", "$ref", NULL);
    path_is(ENTERPRISE ":department", ENTERPRISE, "department", NULL, NULL);
    path_is(ENTERPRISE ":manager.value", ENTERPRISE, "manager", "value", NULL);
    path_is("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "urn:ietf:params:scim:schemas:core:2.0:User",
            "name", "familyName", NULL);
    path_is("emails[type eq \"work\"]", NULL, "emails", NULL, "type eq \"work\"");
    path_is("emails[type eq \"work\"].value", NULL, "emails", "value", "type eq \"work\"");
    path_is("members[value eq \"2819c223-7f76-453a-919d-413861904646\"]", NULL, "members", NULL,
            "value eq \"2819c223-7f76-453a-919d-413861904646\"");
    path_is("addresses[type eq \"work\" and primary eq true].streetAddress", NULL, "addresses", "streetAddress",
            "(type eq \"work\" and primary eq true)");
    path_is("emails[value eq \"a]b\"].display", NULL, "emails", "display", "value eq \"a]b\""); /* ']' in a string */
    path_is("emails[ type EQ \"work\" ]", NULL, "emails", NULL, "type eq \"work\"");
    path_is("urn:x:ext:emails[type eq \"w\"].value", "urn:x:ext", "emails", "value", "type eq \"w\"");

    path_refused("", "empty");
    path_refused("name.givenName.x", "at most one sub-attribute");
    path_refused("name..x", "an attribute is");
    path_refused("name.", "an attribute is");
    path_refused("1abc", "an attribute is");
    path_refused("user name", "an attribute is");
    path_refused("userName ", "an attribute is");
    path_refused("userName pr", "an attribute is");
    path_refused("a pr or b", "an attribute is");
    path_refused("urn:x:y:", "an attribute is");
    path_refused("emails[", "no closing ']'");
    path_refused("emails[type eq \"work\"", "no closing ']'");
    path_refused("emails[type eq]", "invalid filter at byte");
    path_refused("emails[]", "invalid filter at byte");
    path_refused("emails[type eq \"w\"]x", "only \".subAttribute\"");
    path_refused("emails[type eq \"w\"].", "an attribute is");
    path_refused("emails[type eq \"w\"].a.b", "at most one sub-attribute");
    path_refused("name.x[type eq \"w\"]", "not to a sub-attribute");
    path_refused("emails [type eq \"w\"]", "an operator was expected");
    path_refused("emails[a pr] or x[b pr]", "a value filter is one attribute");
    path_refused("[a pr]", "invalid filter at byte");
    path_refused_n("user\0Name", 9, "NUL");
    char long_path[SCIM_PATH_MAX_LEN + 2];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    path_refused(long_path, "1024 bytes");
    long_path[SCIM_PATH_MAX_LEN] = '\0';
    path_refused(long_path, "an attribute is"); /* 1024 bytes: long enough, but names are at most 512 */
}

/* ---- applying: the rules the tests run with --------------------------------------------------- */

static const char *const user_core[] = {"urn:ietf:params:scim:schemas:core:2.0:User", NULL};
static const char *const group_core[] = {"urn:ietf:params:scim:schemas:core:2.0:Group", NULL};
static const char *const user_ext[] = {ENTERPRISE, NULL};

/* Every check asked, as "path op" ("ent:" before an enterprise path), for the tests to read. */
static json_t *asked;

/* As the User and Group schemas say: id, meta and groups are readOnly; "locked" refuses
 * without saying why (the default error); everything else may change. */
static int check(const char *schema, const char *path, scim_patch_op op, void *ctx, scim_patch_error *err)
{
    assert_ptr_equal(ctx, &asked);
    assert_true(schema == user_core[0] || schema == group_core[0] || schema == user_ext[0]);
    json_array_append_new(asked, json_sprintf("%s%s %s", schema == user_ext[0] ? "ent:" : "", path,
                                              scim_patch_op_name(op)));
    if (strcmp(path, "locked") == 0)
        return -1;
    if (strcmp(path, "id") == 0 || strcmp(path, "meta") == 0 || strncmp(path, "meta.", 5) == 0 ||
        strcmp(path, "groups") == 0) {
        err->status = 400;
        err->scim_type = "mutability";
        snprintf(err->detail, sizeof err->detail, "%s is readOnly", path);
        return -1;
    }
    return 0;
}

static int multi_valued(const char *schema, const char *path, void *ctx)
{
    (void)schema;
    (void)ctx;
    static const char *const multi[] = {"emails", "phonenumbers", "ims", "photos", "addresses", "groups",
                                        "entitlements", "roles", "x509certificates", "members", NULL};
    for (int i = 0; multi[i]; i++)
        if (strcmp(path, multi[i]) == 0)
            return 1;
    return 0;
}

/* id, externalId and a member's value (an id) are caseExact. */
static int case_exact(const char *path)
{
    return strcmp(path, "id") == 0 || strcmp(path, "externalid") == 0 || strcmp(path, "members.value") == 0;
}

static const scim_patch_rules user_rules = {user_core, user_ext, check, multi_valued, case_exact, &asked};
static const scim_patch_rules group_rules = {group_core, NULL, check, multi_valued, case_exact, &asked};
static const scim_patch_rules bare_rules = {user_core, NULL, NULL, NULL, NULL, NULL}; /* no hooks */

/* JSON written with ' for " (and \' for \"), parsed. */
static json_t *J(const char *text)
{
    char *t = xstrdup(text);
    for (char *c = t; *c; c++)
        if (*c == '\'')
            *c = '"';
    json_error_t je;
    json_t *v = json_loads(t, JSON_DECODE_ANY, &je);
    if (!v)
        fail_msg("bad test JSON (%s): %s", je.text, t);
    free(t);
    return v;
}

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* A PATCH body of the given operations (a JSON array, ' for "). */
static json_t *ops_body(const char *ops)
{
    json_t *b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp']}");
    json_object_set_new(b, "Operations", J(ops));
    return b;
}

/* Applies body to res under r; want NULL: must succeed (the result returned, the caller
 * decrefs), else must fail with status 400, scim type want and a detail holding frag. Either
 * way res must be left as it was. */
static json_t *apply(const scim_patch_rules *r, json_t *res, json_t *body, const char *want, const char *frag)
{
    char *before = dump(res);
    scim_patch_error err;
    json_array_clear(asked);
    json_t *got = scim_patch_apply(res, body, r, &err);
    char *after = dump(res);
    if (strcmp(before, after) != 0)
        fail_msg("the resource changed: %s", after);
    if (!want && !got)
        fail_msg("refused: %d %s: %s", err.status, err.scim_type ? err.scim_type : "-", err.detail);
    if (want && got)
        fail_msg("passed (want %s '%s'): %s", want, frag, dump(got));
    if (want && (err.status != 400 || !err.scim_type || strcmp(err.scim_type, want) || !strstr(err.detail, frag)))
        fail_msg("refused with %d %s '%s', not 400 %s '%s'", err.status, err.scim_type ? err.scim_type : "-",
                 err.detail, want, frag);
    free(before);
    free(after);
    return got;
}

/* Asserts ops (a JSON array of operations) turn res into want (' for ", all three). */
static void patched_by(const scim_patch_rules *r, const char *res, const char *ops, const char *want)
{
    json_t *resource = J(res), *body = ops_body(ops), *w = J(want);
    json_t *got = apply(r, resource, body, NULL, NULL);
    if (!json_equal(got, w)) {
        char *g = dump(got), *x = dump(w);
        fail_msg("%s\n  gave %s\n  want %s", ops, g, x);
    }
    json_decref(got);
    json_decref(resource);
    json_decref(body);
    json_decref(w);
}

static void refused_by(const scim_patch_rules *r, const char *res, const char *ops, const char *type,
                       const char *frag)
{
    json_t *resource = J(res), *body = ops_body(ops);
    apply(r, resource, body, type, frag);
    json_decref(resource);
    json_decref(body);
}

/* The user most tests start from, and the asked checks as one string. */
#define BJ                                                                                           \
    "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen',"   \
    " 'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true,"                       \
    " 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true},"                        \
    " {'value': 'babs@home.org', 'type': 'home'}], 'meta': {'resourceType': 'User'}}"
#define BJ_WITH(extra)                                                                               \
    "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen',"   \
    " 'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true,"                       \
    " 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true},"                        \
    " {'value': 'babs@home.org', 'type': 'home'}], 'meta': {'resourceType': 'User'}" extra "}"
#define patched(res, ops, want) patched_by(&user_rules, res, ops, want)
#define refused(res, ops, type, frag) refused_by(&user_rules, res, ops, type, frag)

static void asked_was(const char *want)
{
    json_t *w = J(want);
    if (!json_equal(asked, w)) {
        char *a = dump(asked);
        fail_msg("checks asked: %s\n  want %s", a, want);
    }
    json_decref(w);
}

static int setup(void **state)
{
    (void)state;
    asked = json_array();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(asked);
    return 0;
}

/* ---- the body --------------------------------------------------------------------------------- */

static void the_body(void **state)
{
    (void)state;
    json_t *res = J(BJ), *b;
    const char *rename = "[{'op': 'replace', 'path': 'userName', 'value': 'x'}]";
    b = J("{'Operations': [{'op': 'add', 'path': 'title', 'value': 'x'}]}");
    apply(&user_rules, res, b, "invalidSyntax", "PatchOp");
    json_decref(b);
    b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:Error'], 'Operations': []}");
    apply(&user_rules, res, b, "invalidSyntax", "\"schemas\" must hold");
    json_decref(b);
    b = J("{'schemas': 'urn:ietf:params:scim:api:messages:2.0:PatchOp', 'Operations': []}");
    apply(&user_rules, res, b, "invalidSyntax", "\"schemas\" must hold");
    json_decref(b);
    b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp']}");
    apply(&user_rules, res, b, "invalidSyntax", "\"Operations\" is an array of 1 to 1000");
    json_decref(b);
    b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': []}");
    apply(&user_rules, res, b, "invalidSyntax", "1 to 1000");
    json_decref(b);
    b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': {'op': 'add'}}");
    apply(&user_rules, res, b, "invalidSyntax", "1 to 1000");
    json_decref(b);
    b = J("['urn:ietf:params:scim:api:messages:2.0:PatchOp']");
    apply(&user_rules, res, b, "invalidSyntax", "the body is a JSON object");
    json_decref(b);
    /* the URN and the member names in any case; members other than op, path and value ignored */
    b = J("{'SCHEMAS': ['URN:IETF:params:scim:api:messages:2.0:patchop'], 'operations': [{'OP': 'Replace', "
          "'Path': 'userName', 'VALUE': 'x', 'name': 'anything'}], 'id': 'u1'}");
    json_decref(apply(&user_rules, res, b, NULL, NULL));
    json_decref(b);
    b = J("{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'OPERATIONS': [{'op': 'REMOVE', "
          "'path': 'userName'}]}");
    json_decref(apply(&user_rules, res, b, NULL, NULL));
    json_decref(b);
    json_decref(res);

    patched(BJ, rename, BJ_WITH(", 'userName': 'x'"));
    refused(BJ, "[{'op': 'copy', 'path': 'userName', 'value': 'x'}]", "invalidSyntax", "operation 1: \"op\" is");
    refused(BJ, "[{'path': 'userName', 'value': 'x'}]", "invalidSyntax", "\"op\" is \"add\", \"remove\" or");
    refused(BJ, "[{'op': ['add'], 'path': 'userName', 'value': 'x'}]", "invalidSyntax", "\"op\" is");
    refused(BJ, "[{'op': 'add', 'path': 'title', 'value': 'x'}, 'add']", "invalidSyntax",
            "operation 2: an operation is an object");
    refused(BJ, "[{'op': 'add', 'path': 3, 'value': 'x'}]", "invalidPath", "operation 1 (add): \"path\" is a string");
    refused(BJ, "[{'op': 'add', 'path': 'title'}]", "invalidValue", "add needs a \"value\"");
    refused(BJ, "[{'op': 'replace', 'path': 'title'}]", "invalidValue", "replace needs a \"value\"");
    refused(BJ, "[{'op': 'replace', 'value': 'x'}]", "invalidValue", "without a path, the value is an object");
    refused(BJ, "[{'op': 'add', 'path': null, 'value': ['x']}]", "invalidValue", "without a path");
    refused(BJ, "[{'op': 'remove'}]", "noTarget", "operation 1 (remove): remove needs a \"path\"");
    refused(BJ, "[{'op': 'remove', 'path': ''}]", "noTarget", "remove needs a \"path\"");
    refused(BJ, "[{'op': 'remove', 'path': 'name.'}]", "invalidPath", "invalid path: an attribute is");
    refused(BJ, "[{'op': 'add', 'path': 'emails[type eq]', 'value': 'x'}]", "invalidPath", "invalid filter at byte");
    refused(BJ, "[{'op': 'add', 'path': 'urn:x:y:title', 'value': 'x'}]", "invalidPath",
            "urn:x:y is not a schema of this resource");
    /* null and "" are no path */
    patched(BJ, "[{'op': 'replace', 'path': null, 'value': {'title': 'x'}}, {'op': 'add', 'path': '', 'value': "
                "{'nickName': 'Babs'}}]",
            BJ_WITH(", 'title': 'x', 'nickName': 'Babs'"));

    /* at most 1000 operations */
    buf ops;
    buf_init(&ops);
    buf_putc(&ops, '[');
    for (int i = 0; i < SCIM_PATCH_MAX_OPS; i++)
        buf_printf(&ops, "%s{'op': 'replace', 'path': 'title', 'value': 't%d'}", i ? ", " : "", i);
    buf_putc(&ops, ']');
    patched(BJ, ops.data, BJ_WITH(", 'title': 't999'"));
    ops.data[ops.len - 1] = ',';
    buf_puts(&ops, " {'op': 'remove', 'path': 'title'}]");
    refused(BJ, ops.data, "invalidSyntax", "1 to 1000 operations");
    buf_free(&ops);

    scim_patch_error err;
    b = ops_body("[{'op': 'remove', 'path': 'title'}]");
    json_t *not_object = J("[]");
    assert_null(scim_patch_apply(not_object, b, &user_rules, &err));
    assert_int_equal(err.status, 500);
    assert_null(err.scim_type);
    json_decref(not_object);
    json_decref(b);
}

/* ---- add -------------------------------------------------------------------------------------- */

static void add(void **state)
{
    (void)state;
    /* a single-valued attribute: added, or replaced */
    patched(BJ, "[{'op': 'add', 'path': 'title', 'value': 'Tour Guide'}]", BJ_WITH(", 'title': 'Tour Guide'"));
    patched(BJ, "[{'op': 'add', 'path': 'userName', 'value': 'babs'}]", BJ_WITH(", 'userName': 'babs'"));
    /* names in any case: the stored key keeps its case */
    patched(BJ, "[{'op': 'add', 'path': 'USERNAME', 'value': 'babs'}]", BJ_WITH(", 'userName': 'babs'"));
    /* a complex attribute: the sub-attributes given merged, the others kept */
    patched(BJ, "[{'op': 'add', 'path': 'name', 'value': {'middleName': 'Jane', 'GIVENNAME': 'Babs'}}]",
            BJ_WITH(", 'name': {'givenName': 'Babs', 'familyName': 'Jensen', 'middleName': 'Jane'}"));
    patched(BJ, "[{'op': 'add', 'path': 'name.honorificPrefix', 'value': 'Ms.'}]",
            BJ_WITH(", 'name': {'givenName': 'Barbara', 'familyName': 'Jensen', 'honorificPrefix': 'Ms.'}"));
    patched("{'id': 'u1'}", "[{'op': 'add', 'path': 'name.givenName', 'value': 'Ann'}]",
            "{'id': 'u1', 'name': {'givenName': 'Ann'}}");
    refused(BJ, "[{'op': 'add', 'path': 'userName.x', 'value': 'y'}]", "invalidPath",
            "userName holds a simple value: it has no sub-attribute x");
    /* a multi-valued attribute: values appended; one the same as a present one (its value in any
     * case) merged into it, not appended */
    patched(BJ,
            "[{'op': 'add', 'path': 'emails', 'value': [{'value': 'b@other.org', 'type': 'other'}, "
            "{'value': 'BABS@home.org', 'display': 'Babs'}]}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'home', 'display': 'Babs'}, "
                    "{'value': 'b@other.org', 'type': 'other'}]"));
    patched(BJ, "[{'op': 'add', 'path': 'emails', 'value': {'value': 'b@other.org'}}]", /* one value, not a list */
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'home'}, {'value': 'b@other.org'}]"));
    patched(BJ, "[{'op': 'add', 'path': 'emails', 'value': [{'value': 'bj@example.com', 'type': 'work'}]}]", BJ);
    patched(BJ, "[{'op': 'add', 'path': 'phoneNumbers', 'value': [{'value': '555-0100', 'type': 'work'}]}]",
            BJ_WITH(", 'phoneNumbers': [{'value': '555-0100', 'type': 'work'}]"));
    patched(BJ, "[{'op': 'add', 'path': 'roles', 'value': [null, {'value': 'agent'}, {'value': 'Agent'}]}]",
            BJ_WITH(", 'roles': [{'value': 'agent'}]"));
    /* the hook says which absent attributes are multi-valued; without it, a list makes one */
    patched(BJ, "[{'op': 'add', 'path': 'roles', 'value': {'value': 'agent'}}]",
            BJ_WITH(", 'roles': [{'value': 'agent'}]"));
    patched_by(&bare_rules, BJ, "[{'op': 'add', 'path': 'roles', 'value': {'value': 'agent'}}]",
               BJ_WITH(", 'roles': {'value': 'agent'}"));
    patched_by(&bare_rules, BJ, "[{'op': 'add', 'path': 'roles', 'value': [{'value': 'agent'}]}]",
               BJ_WITH(", 'roles': [{'value': 'agent'}]"));
    /* simple values of a multi-valued attribute, the same in any case */
    patched("{'tags': ['a', 'B']}", "[{'op': 'add', 'path': 'tags', 'value': ['b', 'c', 'C']}]",
            "{'tags': ['a', 'B', 'c']}");
    /* null adds nothing */
    patched(BJ, "[{'op': 'add', 'path': 'title', 'value': null}]", BJ);
    patched(BJ, "[{'op': 'add', 'path': 'emails', 'value': null}]", BJ);
}

static void add_without_path(void **state)
{
    (void)state;
    /* each member applied: plain names, dotted paths, URN-qualified paths, value paths, whole
     * extension objects (what Entra sends) */
    patched(BJ,
            "[{'op': 'add', 'value': {'title': 'Guide', 'name.givenName': 'Babs', "
            "'urn:ietf:params:scim:schemas:core:2.0:User:nickName': 'B', "
            "'" ENTERPRISE ":department': 'Tours', "
            "'" ENTERPRISE ":manager.value': 'm1', "
            "'emails[type eq \\'home\\'].display': 'Home', "
            "'phoneNumbers': [{'value': '555', 'type': 'work'}]}}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
            "'userName': 'bjensen', 'name': {'givenName': 'Babs', 'familyName': 'Jensen'}, 'active': true, "
            "'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
            "{'value': 'babs@home.org', 'type': 'home', 'display': 'Home'}], 'meta': {'resourceType': 'User'}, "
            "'title': 'Guide', 'nickName': 'B', 'phoneNumbers': [{'value': '555', 'type': 'work'}], "
            "'" ENTERPRISE "': {'department': 'Tours', 'manager': {'value': 'm1'}}}");
    patched(BJ_WITH(", '" ENTERPRISE "': {'department': 'Tours', 'costCenter': 'c1'}"),
            "[{'op': 'add', 'value': {'" ENTERPRISE "': {'department': 'Sales', 'manager': {'value': 'm2'}}}}]",
            BJ_WITH(", '" ENTERPRISE "': {'department': 'Sales', 'costCenter': 'c1', 'manager': {'value': 'm2'}}"));
    /* the extension's URN as the path works the same; its name in any case */
    patched(BJ, "[{'op': 'add', 'path': 'URN:ietf:params:scim:schemas:extension:enterprise:2.0:user', "
                "'value': {'employeeNumber': '7'}}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
            "'userName': 'bjensen', 'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true, "
            "'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
            "{'value': 'babs@home.org', 'type': 'home'}], 'meta': {'resourceType': 'User'}, "
            "'" ENTERPRISE "': {'employeeNumber': '7'}}");
    refused(BJ, "[{'op': 'add', 'value': {'" ENTERPRISE "': 'x'}}]", "invalidValue", "is an extension: its value is");
    refused(BJ, "[{'op': 'add', 'path': '" ENTERPRISE "', 'value': 'x'}]", "invalidValue",
            "with an extension as the path, the value is an object");
    refused(BJ, "[{'op': 'add', 'value': {'title': 'x', 'bad name': 'y'}}]", "invalidPath",
            "the value's member \"bad name\": invalid path");
    refused(BJ, "[{'op': 'add', 'value': {'urn:x:y:title': 'x'}}]", "invalidPath", "urn:x:y is not a schema");
    refused(BJ_WITH(", '" ENTERPRISE "': 'broken'"), "[{'op': 'add', 'value': {'" ENTERPRISE ":department': 'x'}}]",
            "invalidValue", "the resource's " ENTERPRISE " is not an object");
    /* an extension the rules do not allow is an unknown schema */
    refused_by(&group_rules, "{'id': 'g1'}", "[{'op': 'add', 'path': '" ENTERPRISE ":department', 'value': 'x'}]",
               "invalidPath", "is not a schema of this resource");
}

/* ---- replace ---------------------------------------------------------------------------------- */

static void replace(void **state)
{
    (void)state;
    patched(BJ, "[{'op': 'replace', 'path': 'userName', 'value': 'babs'}]", BJ_WITH(", 'userName': 'babs'"));
    patched(BJ, "[{'op': 'replace', 'path': 'title', 'value': 'Guide'}]", BJ_WITH(", 'title': 'Guide'")); /* absent: add */
    /* a multi-valued attribute: the whole list */
    patched(BJ, "[{'op': 'replace', 'path': 'emails', 'value': [{'value': 'new@example.com', 'type': 'work'}]}]",
            BJ_WITH(", 'emails': [{'value': 'new@example.com', 'type': 'work'}]"));
    patched(BJ, "[{'op': 'replace', 'path': 'emails', 'value': {'value': 'new@example.com'}}]",
            BJ_WITH(", 'emails': [{'value': 'new@example.com'}]"));
    /* a complex attribute: sub-attributes not given are kept (RFC 7644 §3.5.2.3) */
    patched(BJ, "[{'op': 'replace', 'path': 'name', 'value': {'familyName': 'Jensen-Smith'}}]",
            BJ_WITH(", 'name': {'givenName': 'Barbara', 'familyName': 'Jensen-Smith'}"));
    patched(BJ, "[{'op': 'replace', 'path': 'name.familyName', 'value': 'Smith'}]",
            BJ_WITH(", 'name': {'givenName': 'Barbara', 'familyName': 'Smith'}"));
    /* null, or an empty list, unassigns */
    patched(BJ, "[{'op': 'replace', 'path': 'emails', 'value': []}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen', "
            "'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true, "
            "'meta': {'resourceType': 'User'}}");
    patched(BJ, "[{'op': 'replace', 'path': 'name.givenName', 'value': null}, "
                "{'op': 'replace', 'path': 'name', 'value': {'familyName': null}}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen', "
            "'active': true, 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
            "{'value': 'babs@home.org', 'type': 'home'}], 'meta': {'resourceType': 'User'}}");
    /* values as given: Entra's "False" is the caller's to read as a boolean */
    patched(BJ, "[{'op': 'Replace', 'path': 'active', 'value': 'False'}]", BJ_WITH(", 'active': 'False'"));
    patched(BJ, "[{'op': 'replace', 'value': {'active': 'false'}}]", BJ_WITH(", 'active': 'false'"));
    /* a simple value replaced by an object and back */
    patched("{'x': 1}", "[{'op': 'replace', 'path': 'x', 'value': {'a': 1}}, {'op': 'replace', 'path': 'y', "
                        "'value': [1, 2]}]",
            "{'x': {'a': 1}, 'y': [1, 2]}");
}

/* ---- value filters ---------------------------------------------------------------------------- */

static void value_filters(void **state)
{
    (void)state;
    /* a sub-attribute of the matching elements */
    patched(BJ, "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].value', 'value': 'new@example.com'}]",
            BJ_WITH(", 'emails': [{'value': 'new@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'home'}]"));
    patched(BJ, "[{'op': 'add', 'path': 'Emails[TYPE eq \\'HOME\\'].Display', 'value': 'Home'}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'home', 'Display': 'Home'}]"));
    /* the matching elements merged with the value (an object) */
    patched(BJ, "[{'op': 'replace', 'path': 'emails[value ew \\'.org\\']', 'value': {'type': 'other', 'x': 1}}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'other', 'x': 1}]"));
    refused(BJ, "[{'op': 'replace', 'path': 'emails[type eq \\'work\\']', 'value': 'x'}]", "invalidValue",
            "the value is an object of the sub-attributes to set");
    /* every match */
    patched("{'emails': [{'value': 'a', 'type': 'work'}, {'value': 'b', 'type': 'work'}, {'value': 'c'}]}",
            "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].display', 'value': 'W'}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'display': 'W'}, {'value': 'b', 'type': 'work', "
            "'display': 'W'}, {'value': 'c'}]}");
    /* attr.sub of a multi-valued attribute: every element */
    patched("{'emails': [{'value': 'a'}, 'loose', {'value': 'b'}]}",
            "[{'op': 'replace', 'path': 'emails.type', 'value': 'work'}]",
            "{'emails': [{'value': 'a', 'type': 'work'}, 'loose', {'value': 'b', 'type': 'work'}]}");
    /* no element matches an "eq" filter: add and replace create one (what Entra expects) */
    patched("{'id': 'u1', 'emails': [{'value': 'h@home.org', 'type': 'home'}]}",
            "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].value', 'value': 'w@example.com'}]",
            "{'id': 'u1', 'emails': [{'value': 'h@home.org', 'type': 'home'}, {'type': 'work', "
            "'value': 'w@example.com'}]}");
    patched("{'id': 'u1'}", "[{'op': 'add', 'path': 'emails[type eq \\'work\\'].value', 'value': 'w@example.com'}]",
            "{'id': 'u1', 'emails': [{'type': 'work', 'value': 'w@example.com'}]}");
    patched("{'id': 'u1'}",
            "[{'op': 'add', 'path': 'addresses[type eq \\'work\\' and primary eq true]', "
            "'value': {'locality': 'Oslo', 'country': null}}]",
            "{'id': 'u1', 'addresses': [{'type': 'work', 'primary': true, 'locality': 'Oslo'}]}");
    patched("{'id': 'u1'}", "[{'op': 'add', 'path': 'emails.value', 'value': 'w@example.com'}]",
            "{'id': 'u1', 'emails': [{'value': 'w@example.com'}]}");
    patched("{'id': 'u1'}", "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].value', 'value': null}]",
            "{'id': 'u1'}");
    /* ... any other filter cannot say what the new element holds: noTarget */
    refused(BJ, "[{'op': 'replace', 'path': 'emails[type eq \\'other\\' or type eq \\'x\\'].value', 'value': 'v'}]",
            "noTarget", "no element of emails matches the filter");
    refused(BJ, "[{'op': 'add', 'path': 'emails[value co \\'@nowhere\\']', 'value': {'display': 'x'}}]",
            "noTarget", "no element of emails matches");
    refused(BJ, "[{'op': 'add', 'path': 'emails[type eq \\'a\\' and type eq \\'b\\'].value', 'value': 'v'}]",
            "noTarget", "no element of emails matches");
    refused(BJ, "[{'op': 'add', 'path': 'emails[name.x eq \\'a\\'].value', 'value': 'v'}]", "noTarget", "no element");
    refused(BJ, "[{'op': 'add', 'path': 'emails[display pr].value', 'value': 'v'}]", "noTarget", "no element");
    /* "eq null" holds for an absent sub-attribute: both emails */
    patched(BJ, "[{'op': 'add', 'path': 'emails[display eq null].display', 'value': 'v'}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true, 'display': 'v'}, "
                    "{'value': 'babs@home.org', 'type': 'home', 'display': 'v'}]"));
    /* a filter on an attribute that is no list */
    refused(BJ, "[{'op': 'replace', 'path': 'name[givenName eq \\'Barbara\\'].familyName', 'value': 'x'}]",
            "invalidPath", "name is not multi-valued");
    /* a caseExact sub-attribute: a value in another case is another value */
    patched_by(&group_rules, "{'members': [{'value': 'abc'}]}",
               "[{'op': 'replace', 'path': 'members[value eq \\'ABC\\'].display', 'value': 'x'}]",
               "{'members': [{'value': 'abc'}, {'value': 'ABC', 'display': 'x'}]}");
    patched_by(&group_rules, "{'members': [{'value': 'abc'}]}",
               "[{'op': 'replace', 'path': 'members[value eq \\'abc\\'].display', 'value': 'x'}]",
               "{'members': [{'value': 'abc', 'display': 'x'}]}");
}

/* ---- primary ---------------------------------------------------------------------------------- */

static void primary(void **state)
{
    (void)state;
    const char *three = "{'emails': [{'value': 'a', 'type': 'work', 'Primary': true}, {'value': 'b', 'type': 'home', "
                        "'primary': 'True'}, {'value': 'c', 'type': 'other'}]}";
    /* set on one element through a filter: the others' true becomes false */
    patched(three, "[{'op': 'replace', 'path': 'emails[type eq \\'other\\'].primary', 'value': true}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'Primary': false}, {'value': 'b', 'type': 'home', "
            "'primary': false}, {'value': 'c', 'type': 'other', 'primary': true}]}");
    /* an added value */
    patched(three, "[{'op': 'add', 'path': 'emails', 'value': [{'value': 'd', 'primary': true}]}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'Primary': false}, {'value': 'b', 'type': 'home', "
            "'primary': false}, {'value': 'c', 'type': 'other'}, {'value': 'd', 'primary': true}]}");
    /* an added value the same as a present one, merged */
    patched(three, "[{'op': 'add', 'path': 'emails', 'value': [{'value': 'C', 'primary': 'true'}]}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'Primary': false}, {'value': 'b', 'type': 'home', "
            "'primary': false}, {'value': 'c', 'type': 'other', 'primary': 'true'}]}");
    /* a merge through a filter; an element created by one */
    patched(three, "[{'op': 'add', 'path': 'emails[type eq \\'x\\']', 'value': {'value': 'e', 'primary': true}}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'Primary': false}, {'value': 'b', 'type': 'home', "
            "'primary': false}, {'value': 'c', 'type': 'other'}, {'type': 'x', 'value': 'e', 'primary': true}]}");
    /* a whole list replaced: the last of two primaries wins */
    patched(three, "[{'op': 'replace', 'path': 'emails', 'value': [{'value': 'a', 'primary': true}, "
                   "{'value': 'b', 'primary': true}]}]",
            "{'emails': [{'value': 'a', 'primary': false}, {'value': 'b', 'primary': true}]}");
    /* primary false, or set where no other is primary: nothing else changes */
    patched(three, "[{'op': 'replace', 'path': 'emails[type eq \\'other\\'].primary', 'value': false}]",
            "{'emails': [{'value': 'a', 'type': 'work', 'Primary': true}, {'value': 'b', 'type': 'home', "
            "'primary': 'True'}, {'value': 'c', 'type': 'other', 'primary': false}]}");
    patched(BJ, "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].primary', 'value': true}]", BJ);
    asked_was("[]");
}

/* ---- remove ----------------------------------------------------------------------------------- */

static void remove_(void **state)
{
    (void)state;
    patched(BJ_WITH(", 'title': 'Guide'"), "[{'op': 'remove', 'path': 'title'}]", BJ);
    patched(BJ_WITH(", 'title': 'Guide'"), "[{'op': 'remove', 'path': 'TITLE'}]", BJ);
    /* absent: nothing to do, and no error */
    patched(BJ, "[{'op': 'remove', 'path': 'title'}, {'op': 'remove', 'path': 'name.middleName'}, "
                "{'op': 'remove', 'path': '" ENTERPRISE ":department'}, {'op': 'remove', 'path': 'x[a eq 1]'}]",
            BJ);
    asked_was("[]");
    /* a sub-attribute; a complex attribute left empty goes */
    patched(BJ, "[{'op': 'remove', 'path': 'name.givenName'}]", BJ_WITH(", 'name': {'familyName': 'Jensen'}"));
    patched(BJ, "[{'op': 'remove', 'path': 'name.givenName'}, {'op': 'remove', 'path': 'name.familyName'}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen', "
            "'active': true, 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}, "
            "{'value': 'babs@home.org', 'type': 'home'}], 'meta': {'resourceType': 'User'}}");
    /* a whole multi-valued attribute */
    patched(BJ, "[{'op': 'remove', 'path': 'emails'}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen', "
            "'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true, "
            "'meta': {'resourceType': 'User'}}");
    /* through a filter: the matching elements; none left, the attribute goes */
    patched(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'work\\']'}]",
            BJ_WITH(", 'emails': [{'value': 'babs@home.org', 'type': 'home'}]"));
    patched(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'work\\' or type eq \\'home\\']'}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen', "
            "'name': {'givenName': 'Barbara', 'familyName': 'Jensen'}, 'active': true, "
            "'meta': {'resourceType': 'User'}}");
    /* a filter no element matches: nothing to do, and no error */
    patched(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'other\\']'}]", BJ);
    /* a sub-attribute of the matching elements */
    patched(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'work\\'].primary'}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work'}, "
                    "{'value': 'babs@home.org', 'type': 'home'}]"));
    patched(BJ, "[{'op': 'remove', 'path': 'emails.type'}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'primary': true}, {'value': 'babs@home.org'}]"));
    refused(BJ, "[{'op': 'remove', 'path': 'name[givenName eq \\'Barbara\\']'}]", "invalidPath",
            "name is not multi-valued");
    /* a value selects elements (Entra), the same as add's sameness; an absent one is no error */
    const char *group = "{'id': 'g1', 'members': [{'value': 'a', 'display': 'A'}, {'value': 'b'}, {'value': 'c'}]}";
    patched_by(&group_rules, group,
               "[{'op': 'remove', 'path': 'members', 'value': [{'value': 'a'}, {'value': 'c'}, {'value': 'zz'}]}]",
               "{'id': 'g1', 'members': [{'value': 'b'}]}");
    patched_by(&group_rules, group, "[{'op': 'remove', 'path': 'members', 'value': {'value': 'b'}}]",
               "{'id': 'g1', 'members': [{'value': 'a', 'display': 'A'}, {'value': 'c'}]}");
    patched_by(&group_rules, group, "[{'op': 'remove', 'path': 'members', 'value': ['a', 'B']}]", /* caseExact */
               "{'id': 'g1', 'members': [{'value': 'b'}, {'value': 'c'}]}");
    patched_by(&group_rules, group,
               "[{'op': 'remove', 'path': 'members', 'value': [{'value': 'a'}, {'value': 'b'}, {'value': 'c'}]}]",
               "{'id': 'g1'}");
    patched_by(&group_rules, group, "[{'op': 'remove', 'path': 'members', 'value': null}]", "{'id': 'g1'}");
    patched_by(&group_rules, group, "[{'op': 'remove', 'path': 'members', 'value': [{'display': 'A'}]}]", group);
    /* the value of a single-valued attribute is not looked at */
    patched(BJ_WITH(", 'title': 'Guide'"), "[{'op': 'remove', 'path': 'title', 'value': 'Other'}]", BJ);
}

/* ---- extensions ------------------------------------------------------------------------------- */

#define BJ_ENT(ent)                                                                                  \
    "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "     \
    "'userName': 'bjensen', '" ENTERPRISE "': " ent "}"
#define BJ_NO_ENT "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'bjensen'}"

static void extensions(void **state)
{
    (void)state;
    patched(BJ_NO_ENT, "[{'op': 'add', 'path': '" ENTERPRISE ":department', 'value': 'Tours'}]",
            BJ_ENT("{'department': 'Tours'}"));
    patched(BJ_NO_ENT, "[{'op': 'replace', 'path': '" ENTERPRISE ":manager.value', 'value': 'm1'}]",
            BJ_ENT("{'manager': {'value': 'm1'}}"));
    /* Entra sends the manager as a plain id: written as given, for the caller's mapping */
    patched(BJ_ENT("{'manager': {'value': 'm1'}}"),
            "[{'op': 'Add', 'path': '" ENTERPRISE ":manager', 'value': 'm2'}]", BJ_ENT("{'manager': 'm2'}"));
    patched(BJ_ENT("{'department': 'Tours', 'manager': {'value': 'm1'}}"),
            "[{'op': 'replace', 'path': '" ENTERPRISE ":DEPARTMENT', 'value': 'Sales'}]",
            BJ_ENT("{'department': 'Sales', 'manager': {'value': 'm1'}}"));
    /* emptied by an operation: the object and its schemas entry go */
    patched(BJ_ENT("{'department': 'Tours'}"), "[{'op': 'remove', 'path': '" ENTERPRISE ":department'}]",
            BJ_NO_ENT);
    patched(BJ_ENT("{'manager': {'value': 'm1'}}"), "[{'op': 'remove', 'path': '" ENTERPRISE ":manager.value'}]",
            BJ_NO_ENT);
    patched(BJ_ENT("{'department': 'Tours', 'costCenter': '4'}"), "[{'op': 'remove', 'path': '" ENTERPRISE "'}]",
            BJ_NO_ENT);
    patched(BJ_NO_ENT, "[{'op': 'replace', 'path': '" ENTERPRISE ":department', 'value': null}]", BJ_NO_ENT);
    patched(BJ_NO_ENT, "[{'op': 'remove', 'path': '" ENTERPRISE "'}]", BJ_NO_ENT);
    /* one that was empty before stays */
    patched(BJ_ENT("{}"), "[{'op': 'replace', 'path': 'userName', 'value': 'b'}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
            "'userName': 'b', '" ENTERPRISE "': {}}");
    /* a resource without "schemas" gets none */
    patched("{'id': 'u1'}", "[{'op': 'add', 'path': '" ENTERPRISE ":department', 'value': 'T'}]",
            "{'id': 'u1', '" ENTERPRISE "': {'department': 'T'}}");
    /* the core schema's URN: top-level */
    patched("{'id': 'u1'}", "[{'op': 'add', 'path': 'urn:ietf:params:scim:schemas:core:2.0:user:title', 'value': 'T'}]",
            "{'id': 'u1', 'title': 'T'}");
}

/* ---- permission ------------------------------------------------------------------------------- */

static void permission(void **state)
{
    (void)state;
    refused(BJ, "[{'op': 'replace', 'path': 'id', 'value': 'u2'}]", "mutability", "id is readOnly");
    refused(BJ, "[{'op': 'remove', 'path': 'id'}]", "mutability", "id is readOnly");
    refused(BJ, "[{'op': 'add', 'path': 'meta.lastModified', 'value': 'x'}]", "mutability", "meta is readOnly");
    refused(BJ, "[{'op': 'add', 'value': {'groups': [{'value': 'g1'}]}}]", "mutability", "groups is readOnly");
    /* a check that says no without why: 400 mutability and a default detail */
    refused(BJ, "[{'op': 'replace', 'path': 'title', 'value': 'x'}, {'op': 'add', 'path': 'locked', 'value': 1}]",
            "mutability", "operation 2 (add): locked may not be changed");
    /* the paths asked, once per operation: the attribute, then each sub-attribute written */
    patched(BJ, "[{'op': 'replace', 'path': 'emails[type eq \\'work\\'].value', 'value': 'n@example.com'}]",
            BJ_WITH(", 'emails': [{'value': 'n@example.com', 'type': 'work', 'primary': true}, "
                    "{'value': 'babs@home.org', 'type': 'home'}]"));
    asked_was("['emails replace', 'emails.value replace']");
    json_t *res = J("{'id': 'g1'}"),
           *b = ops_body("[{'op': 'add', 'path': 'members', 'value': [{'value': 'a', 'display': 'A'}, "
                         "{'value': 'b', 'display': 'B', '$ref': 'x'}]}]");
    json_t *got = apply(&group_rules, res, b, NULL, NULL);
    asked_was("['members add', 'members.value add', 'members.display add', 'members.$ref add']");
    json_decref(got);
    json_decref(res);
    json_decref(b);
    patched(BJ_NO_ENT, "[{'op': 'add', 'path': 'name', 'value': {'givenName': 'B'}}, "
                       "{'op': 'add', 'value': {'" ENTERPRISE "': {'manager': {'value': 'm'}}}}]",
            "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
            "'userName': 'bjensen', 'name': {'givenName': 'B'}, '" ENTERPRISE "': {'manager': {'value': 'm'}}}");
    asked_was("['name add', 'name.givenname add', 'ent:manager add', 'ent:manager.value add']");
    patched(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'home\\']'}, {'op': 'remove', 'path': 'name.givenName'}]",
            BJ_WITH(", 'emails': [{'value': 'bj@example.com', 'type': 'work', 'primary': true}], "
                    "'name': {'familyName': 'Jensen'}"));
    asked_was("['emails remove', 'name remove', 'name.givenname remove']");
    /* what changes nothing asks nothing: Okta renames a group with its id in the value */
    patched(BJ, "[{'op': 'replace', 'value': {'id': 'u1', 'userName': 'bjensen', 'meta': {'resourceType': 'User'}}}, "
                "{'op': 'add', 'path': 'name', 'value': {'givenName': 'Barbara'}}, "
                "{'op': 'add', 'path': 'emails', 'value': {'value': 'BJ@example.com'}}]",
            BJ);
    asked_was("[]");
    refused(BJ, "[{'op': 'replace', 'value': {'id': 'u2', 'userName': 'b'}}]", "mutability", "id is readOnly");
    /* the extension's attributes asked with its URN */
    patched(BJ_ENT("{'department': 'T', 'costCenter': '4'}"), "[{'op': 'remove', 'path': '" ENTERPRISE "'}]",
            BJ_NO_ENT);
    asked_was("['ent:department remove', 'ent:costcenter remove']");
    /* no check at all: everything may change */
    patched_by(&bare_rules, BJ, "[{'op': 'replace', 'path': 'id', 'value': 'u2'}]", BJ_WITH(", 'id': 'u2'"));
}

/* ---- atomic ----------------------------------------------------------------------------------- */

static void atomic(void **state)
{
    (void)state;
    /* a later operation fails: nothing of the earlier ones shows, the resource is untouched
     * (apply() asserts that) */
    refused(BJ, "[{'op': 'replace', 'path': 'userName', 'value': 'x'}, {'op': 'add', 'path': 'emails', 'value': "
                "[{'value': 'n'}]}, {'op': 'remove', 'path': 'name'}, {'op': 'replace', 'path': 'id', 'value': 'z'}]",
            "mutability", "id is readOnly");
    refused(BJ, "[{'op': 'remove', 'path': 'emails[type eq \\'work\\']'}, {'op': 'remove'}]", "noTarget",
            "operation 2 (remove)");
    /* the result shares nothing with the resource or the body */
    json_t *res = J(BJ), *b = ops_body("[{'op': 'add', 'path': 'x', 'value': {'a': [1]}}]");
    json_t *got = apply(&user_rules, res, b, NULL, NULL);
    assert_ptr_not_equal(json_object_get(got, "name"), json_object_get(res, "name"));
    json_t *x = json_object_get(got, "x");
    json_array_append_new(json_object_get(x, "a"), json_integer(2));
    json_t *again = apply(&user_rules, res, b, NULL, NULL);
    char *d = dump(json_object_get(again, "x"));
    assert_string_equal(d, "{\"a\":[1]}");
    free(d);
    json_decref(again);
    json_decref(got);
    json_decref(res);
    json_decref(b);
    /* operations in order: each sees the one before */
    patched(BJ, "[{'op': 'add', 'path': 'title', 'value': 'a'}, {'op': 'replace', 'path': 'title', 'value': 'b'}, "
                "{'op': 'remove', 'path': 'title'}, {'op': 'add', 'path': 'nickName', 'value': 'c'}]",
            BJ_WITH(", 'nickName': 'c'"));
}

/* ---- long lists ------------------------------------------------------------------------------- */

/* A group of n members m0..m(n-1). */
static json_t *big_group(int n)
{
    json_t *g = J("{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'displayName': 'All'}");
    json_t *m = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(m, json_pack("{s:o, s:s}", "value", json_sprintf("m%d", i), "display", "x"));
    json_object_set_new(g, "members", m);
    return g;
}

static void long_lists(void **state)
{
    (void)state;
    /* 1000 removals by filter from 20,000 members (Okta's one operation per member) */
    json_t *g = big_group(20000);
    buf ops;
    buf_init(&ops);
    buf_putc(&ops, '[');
    for (int i = 0; i < 1000; i++)
        buf_printf(&ops, "%s{'op': 'remove', 'path': 'members[value eq \\'m%d\\']'}", i ? ", " : "", i * 20);
    buf_putc(&ops, ']');
    json_t *b = ops_body(ops.data);
    json_t *got = apply(&group_rules, g, b, NULL, NULL);
    json_t *m = json_object_get(got, "members");
    assert_int_equal(json_array_size(m), 19000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "value")), "m1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 19), "value")), "m21");
    json_decref(got);
    json_decref(b);
    /* 5,000 added at once, half of them present: merged, the rest appended */
    buf_reset(&ops);
    buf_puts(&ops, "[{'op': 'add', 'path': 'members', 'value': [");
    for (int i = 0; i < 5000; i++)
        buf_printf(&ops, "%s{'value': 'm%d'}", i ? ", " : "", 17500 + i);
    buf_puts(&ops, "]}, {'op': 'remove', 'path': 'members', 'value': [");
    for (int i = 0; i < 100; i++)
        buf_printf(&ops, "%s{'value': 'm%d'}", i ? ", " : "", i);
    buf_puts(&ops, "]}]");
    b = ops_body(ops.data);
    got = apply(&group_rules, g, b, NULL, NULL);
    m = json_object_get(got, "members");
    assert_int_equal(json_array_size(m), 20000 + 2500 - 100);
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "value")), "m100");
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 22399), "value")), "m22499");
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 19899), "display")), "x");
    json_decref(got);
    json_decref(b);
    buf_free(&ops);
    json_decref(g);
}

/* ---- Microsoft Entra's test collection -------------------------------------------------------- */

/* Applies ops to *res under r and asserts the result is want, which becomes *res. */
static void step(const scim_patch_rules *r, json_t **res, const char *body, const char *want)
{
    json_t *b = J(body), *w = J(want);
    json_t *got = apply(r, *res, b, NULL, NULL);
    if (!json_equal(got, w)) {
        char *g = dump(got);
        fail_msg("%s\n  gave %s\n  want %s", body, g, want);
    }
    json_decref(*res);
    *res = got;
    json_decref(b);
    json_decref(w);
}

/* Every PATCH body of /work/shared/reference/scim/entra-scim-postman-collection.json, as sent
 * ({{id4}} as "id4"), on the resource its folder created before (with the id and meta a server
 * adds), in the collection's order. */
static void entra_collection(void **state)
{
    (void)state;
    /* "User tests / patch user1" on "Post User" */
    json_t *user1 = J("{'id': 'id1', 'userName': 'UserName123', 'active': true, 'displayName': 'BobIsAmazing', "
                      "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'externalId': 'e1', "
                      "'name': {'formatted': 'Ryan Leenay', 'familyName': 'Leenay', 'givenName': 'Ryan'}, "
                      "'emails': [{'Primary': true, 'type': 'work', 'value': 'testing@bob.com'}, "
                      "{'Primary': false, 'type': 'home', 'value': 'testinghome@bob.com'}], "
                      "'meta': {'resourceType': 'User'}}");
    step(&user_rules, &user1,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations': [{'op': 'replace', 'path': 'userName', 'value': 'ryan3'}]}",
         "{'id': 'id1', 'userName': 'ryan3', 'active': true, 'displayName': 'BobIsAmazing', "
         "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'externalId': 'e1', "
         "'name': {'formatted': 'Ryan Leenay', 'familyName': 'Leenay', 'givenName': 'Ryan'}, "
         "'emails': [{'Primary': true, 'type': 'work', 'value': 'testing@bob.com'}, "
         "{'Primary': false, 'type': 'home', 'value': 'testinghome@bob.com'}], 'meta': {'resourceType': 'User'}}");
    json_decref(user1);

    /* "Group tests": add user4 to the empty group 1, remove it by filter, add it again, remove
     * every member */
    json_t *group1 = J("{'id': 'g1', 'externalId': 'e2', 'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], "
                       "'displayName': 'Group1DisplayName', 'members': [], 'meta': {'resourceType': 'Group'}}");
    const char *add_user4 = "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
                            "'Operations': [{'name': 'addMember', 'op': 'add', 'path': 'members', "
                            "'value': [{'displayName': 'new User', 'value': 'id4'}]}]}";
    const char *with_user4 = "{'id': 'g1', 'externalId': 'e2', "
                             "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], "
                             "'displayName': 'Group1DisplayName', 'members': [{'displayName': 'new User', "
                             "'value': 'id4'}], 'meta': {'resourceType': 'Group'}}";
    const char *without = "{'id': 'g1', 'externalId': 'e2', 'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], "
                          "'displayName': 'Group1DisplayName', 'meta': {'resourceType': 'Group'}}";
    step(&group_rules, &group1, add_user4, with_user4);
    step(&group_rules, &group1,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations': [{'op': 'remove', 'path': 'members[value eq \\'id4\\']'}]}",
         without);
    step(&group_rules, &group1, add_user4, with_user4);
    step(&group_rules, &group1, add_user4, with_user4); /* twice: still one */
    step(&group_rules, &group1,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations': [{'op': 'remove', 'path': 'members'}]}",
         without);
    json_decref(group1);

    /* "User tests with garbage": "Replace" in that case, on Post user "OMalley" */
    json_t *omalley = J("{'id': 'o1', 'userName': 'OMalley', 'active': true, 'displayName': 'Kimberly Baker', "
                        "'emails': [{'type': 'work', 'primary': true, 'value': 'anna33@example.com'}], "
                        "'name': {'formatted': 'Daniel Mcgee', 'familyName': 'OMalley', 'givenName': 'Darl', "
                        "'honorificPrefix': null, 'honorificSuffix': null}, 'roles': [], "
                        "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User']}");
    step(&user_rules, &omalley,
         "{ 'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations':[{'op':'Replace', 'path':'userName', 'value':'newusername'}]}",
         "{'id': 'o1', 'userName': 'newusername', 'active': true, 'displayName': 'Kimberly Baker', "
         "'emails': [{'type': 'work', 'primary': true, 'value': 'anna33@example.com'}], "
         "'name': {'formatted': 'Daniel Mcgee', 'familyName': 'OMalley', 'givenName': 'Darl', "
         "'honorificPrefix': null, 'honorificSuffix': null}, 'roles': [], "
         "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User']}");
    step(&user_rules, &omalley,
         "{ 'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations':[{'op':'Replace', 'path':'active', 'value': false}]}",
         "{'id': 'o1', 'userName': 'newusername', 'active': false, 'displayName': 'Kimberly Baker', "
         "'emails': [{'type': 'work', 'primary': true, 'value': 'anna33@example.com'}], "
         "'name': {'formatted': 'Daniel Mcgee', 'familyName': 'OMalley', 'givenName': 'Darl', "
         "'honorificPrefix': null, 'honorificSuffix': null}, 'roles': [], "
         "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User']}");
    json_decref(omalley);

    /* "Group tests with garbage": a member given as a bare string, twice, to a group without
     * members (and the body's own "id", ignored). Applied as given: a list of two strings, for
     * the caller's mapping to take or refuse */
    json_t *garbage = J("{'id': 'g9', 'displayName': 'Group 1', 'externalId': '015489ea-9410-4306-b583-9f002b2446f7', "
                        "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group']}");
    step(&group_rules, &garbage,
         "{'id': 'g9', 'Operations': [{'op':'add', 'path': 'members', 'value': 'string id 1'}], "
         "'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp']}",
         "{'id': 'g9', 'displayName': 'Group 1', 'externalId': '015489ea-9410-4306-b583-9f002b2446f7', "
         "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'members': ['string id 1']}");
    step(&group_rules, &garbage,
         "{'id': 'g9', 'Operations': [{'op':'add', 'path': 'members', 'value': 'string id 2'}], "
         "'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp']}",
         "{'id': 'g9', 'displayName': 'Group 1', 'externalId': '015489ea-9410-4306-b583-9f002b2446f7', "
         "'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'members': ['string id 1', 'string id 2']}");
    json_decref(garbage);
}

/* What Entra sends besides (Microsoft's SCIM provisioning documentation): several operations
 * in one request, a value filter on an absent email, the enterprise extension's attributes by
 * URN, members removed by value. */
static void entra_requests(void **state)
{
    (void)state;
    json_t *u = J("{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User'], 'id': 'u1', 'userName': 'Test_User_1', "
                  "'active': true, 'emails': [{'primary': true, 'type': 'work', 'value': 'Test_User_1@example.com'}], "
                  "'name': {'givenName': 'Given', 'familyName': 'Family'}}");
    step(&user_rules, &u,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': ["
         "{'op': 'Replace', 'path': 'emails[type eq \\'work\\'].value', 'value': 'updatedEmail@example.com'}, "
         "{'op': 'Replace', 'path': 'name.familyName', 'value': 'updatedFamilyName'}, "
         "{'op': 'Add', 'path': 'phoneNumbers[type eq \\'mobile\\'].value', 'value': '+1 555 0100'}, "
         "{'op': 'Add', 'path': 'externalId', 'value': '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'}, "
         "{'op': 'Add', 'path': '" ENTERPRISE ":employeeNumber', 'value': '701'}, "
         "{'op': 'Add', 'path': '" ENTERPRISE ":manager', 'value': 'boss-id'}, "
         "{'op': 'Replace', 'path': 'active', 'value': 'False'}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
         "'userName': 'Test_User_1', 'active': 'False', "
         "'emails': [{'primary': true, 'type': 'work', 'value': 'updatedEmail@example.com'}], "
         "'name': {'givenName': 'Given', 'familyName': 'updatedFamilyName'}, "
         "'phoneNumbers': [{'type': 'mobile', 'value': '+1 555 0100'}], "
         "'externalId': '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', "
         "'" ENTERPRISE "': {'employeeNumber': '701', 'manager': 'boss-id'}}");
    /* the no-path form with paths as keys */
    step(&user_rules, &u,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [{'op': 'replace', "
         "'value': {'displayName': 'Test User', 'name.givenName': 'G2', '" ENTERPRISE ":department': 'D', "
         "'emails[type eq \\'work\\'].value': 'third@example.com', 'active': true}}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
         "'userName': 'Test_User_1', 'active': true, 'displayName': 'Test User', "
         "'emails': [{'primary': true, 'type': 'work', 'value': 'third@example.com'}], "
         "'name': {'givenName': 'G2', 'familyName': 'updatedFamilyName'}, "
         "'phoneNumbers': [{'type': 'mobile', 'value': '+1 555 0100'}], "
         "'externalId': '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', "
         "'" ENTERPRISE "': {'employeeNumber': '701', 'manager': 'boss-id', 'department': 'D'}}");
    /* removing the manager leaves the rest of the extension */
    step(&user_rules, &u,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [{'op': 'Remove', "
         "'path': '" ENTERPRISE ":manager'}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:User', '" ENTERPRISE "'], 'id': 'u1', "
         "'userName': 'Test_User_1', 'active': true, 'displayName': 'Test User', "
         "'emails': [{'primary': true, 'type': 'work', 'value': 'third@example.com'}], "
         "'name': {'givenName': 'G2', 'familyName': 'updatedFamilyName'}, "
         "'phoneNumbers': [{'type': 'mobile', 'value': '+1 555 0100'}], "
         "'externalId': '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', "
         "'" ENTERPRISE "': {'employeeNumber': '701', 'department': 'D'}}");
    json_decref(u);

    json_t *g = J("{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'displayName': 'Agents'}");
    step(&group_rules, &g,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': ["
         "{'op': 'Replace', 'path': 'displayName', 'value': 'Agents EU'}, "
         "{'op': 'Add', 'path': 'members', 'value': [{'value': 'a1'}, {'value': 'a2'}, {'value': 'a3'}]}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'displayName': 'Agents EU', "
         "'members': [{'value': 'a1'}, {'value': 'a2'}, {'value': 'a3'}]}");
    step(&group_rules, &g,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [{'op': 'Remove', "
         "'path': 'members', 'value': [{'value': 'a1'}, {'value': 'a3'}]}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'g1', 'displayName': 'Agents EU', "
         "'members': [{'value': 'a2'}]}");
    json_decref(g);
}

/* ---- Okta ------------------------------------------------------------------------------------- */

static void okta_requests(void **state)
{
    (void)state;
    /* deactivation */
    json_t *u = J(BJ);
    step(&user_rules, &u,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations': [{'op': 'replace', 'value': {'active': false}}]}",
         BJ_WITH(", 'active': false"));
    /* a profile update without path */
    step(&user_rules, &u,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [{'op': 'replace', "
         "'value': {'active': true, 'name': {'givenName': 'Babs'}, 'emails': [{'value': 'babs@example.com', "
         "'type': 'work', 'primary': true}]}}]}",
         BJ_WITH(", 'name': {'givenName': 'Babs', 'familyName': 'Jensen'}, "
                 "'emails': [{'value': 'babs@example.com', 'type': 'work', 'primary': true}]"));
    json_decref(u);
    /* a group: renamed with its id in the value, members added and removed one per operation */
    json_t *g = J("{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'abf4dd94', "
                  "'displayName': 'Test', 'members': [{'value': 'u1', 'display': 'a@example.com'}]}");
    step(&group_rules, &g,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], "
         "'Operations': [{'op': 'replace', 'value': {'id': 'abf4dd94', 'displayName': 'Test SCIMv2'}}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'abf4dd94', "
         "'displayName': 'Test SCIMv2', 'members': [{'value': 'u1', 'display': 'a@example.com'}]}");
    step(&group_rules, &g,
         "{'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': ["
         "{'op': 'add', 'path': 'members', 'value': [{'value': 'u2', 'display': 'b@example.com'}]}, "
         "{'op': 'remove', 'path': 'members[value eq \\'u1\\']'}, "
         "{'op': 'remove', 'path': 'members[value eq \\'u9\\']'}]}",
         "{'schemas': ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'id': 'abf4dd94', "
         "'displayName': 'Test SCIMv2', 'members': [{'value': 'u2', 'display': 'b@example.com'}]}");
    json_decref(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths),
        cmocka_unit_test_setup_teardown(the_body, setup, teardown),
        cmocka_unit_test_setup_teardown(add, setup, teardown),
        cmocka_unit_test_setup_teardown(add_without_path, setup, teardown),
        cmocka_unit_test_setup_teardown(replace, setup, teardown),
        cmocka_unit_test_setup_teardown(value_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(primary, setup, teardown),
        cmocka_unit_test_setup_teardown(remove_, setup, teardown),
        cmocka_unit_test_setup_teardown(extensions, setup, teardown),
        cmocka_unit_test_setup_teardown(permission, setup, teardown),
        cmocka_unit_test_setup_teardown(atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(long_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(entra_collection, setup, teardown),
        cmocka_unit_test_setup_teardown(entra_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(okta_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
