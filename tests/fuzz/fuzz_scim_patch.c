/* fuzz_scim_patch.c — SCIM PATCH requests (src/scim/scim_patch.c, with scim_path.c and
 * scim_values.c) applied to a resource. The input's first line is the resource (a JSON object;
 * when it is not one, a fixed user), the rest the request body, both read as the SCIM door reads
 * a body (tests/fuzz/body.h). Applied under a user's rules (readOnly id, meta and groups; the
 * enterprise extension; multi-valued and caseExact attributes) and under no rules at all.
 * Checks: the resource is left as it was; the same request gives the same answer twice; a
 * refusal has a status, a SCIM error type and a detail; a result is an object sharing no list or
 * object with the resource, in which id, meta and groups are as they were, and every member
 * that differs from the resource (at the top level, or in the extension's object) was asked
 * about. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "body.h"
#include "fuzz.h"
#include "scim/scim_patch.h"

#define ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

static const char user_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\", \"" ENTERPRISE "\"], \"id\": \"2819c223\","
    " \"userName\": \"bjensen\", \"name\": {\"givenName\": \"Barbara\", \"familyName\": \"Jensen\"},"
    " \"active\": true, \"emails\": [{\"value\": \"b@example.com\", \"type\": \"work\", \"primary\": true},"
    " {\"value\": \"babs@home.org\", \"type\": \"home\"}, \"loose\"], \"groups\": [{\"value\": \"g1\"}],"
    " \"meta\": {\"resourceType\": \"User\"}, \"" ENTERPRISE "\": {\"department\": \"Tours\","
    " \"manager\": {\"value\": \"m1\"}}}";
static const char *const core[] = {"urn:ietf:params:scim:schemas:core:2.0:User", NULL};
static const char *const exts[] = {ENTERPRISE, NULL};

/* Records "schema\npath" of every check asked into ctx (a JSON object); refuses id, meta and
 * groups, and (without a reason, for the default) "locked". */
static int check(const char *schema, const char *path, scim_patch_op op, void *ctx, scim_patch_error *err)
{
    FUZZ_CHECK(schema == core[0] || schema == exts[0]);
    FUZZ_CHECK(op == SCIM_PATCH_ADD || op == SCIM_PATCH_REMOVE || op == SCIM_PATCH_REPLACE);
    for (const char *c = path; *c; c++)
        FUZZ_CHECK(!isupper((unsigned char)*c));
    char key[2048];
    snprintf(key, sizeof key, "%s\n%s", schema, path);
    json_object_set_new((json_t *)ctx, key, json_true());
    if (strcmp(path, "locked") == 0)
        return -1;
    if (strcmp(path, "id") == 0 || strcmp(path, "meta") == 0 || strncmp(path, "meta.", 5) == 0 ||
        strcmp(path, "groups") == 0 || strncmp(path, "groups.", 7) == 0) {
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
    return strcmp(path, "emails") == 0 || strcmp(path, "members") == 0 || strcmp(path, "roles") == 0 ||
           strcmp(path, "groups") == 0 || strcmp(path, "phonenumbers") == 0;
}

static int case_exact(const char *path)
{
    return strcmp(path, "id") == 0 || strcmp(path, "externalid") == 0 || strcmp(path, "members.value") == 0;
}

/* 1 when the check was asked about schema's member name (in lower case). */
static int was_asked(const json_t *asked, const char *schema, const char *name)
{
    char key[2048];
    int n = snprintf(key, sizeof key, "%s\n%s", schema, name);
    for (int i = (int)strlen(schema) + 1; i < n && i < (int)sizeof key; i++)
        key[i] = (char)tolower((unsigned char)key[i]);
    return json_object_get(asked, key) != NULL;
}

/* 1 when o's member k (exactly that key) differs from p's. */
static int differs(const json_t *o, const json_t *p, const char *k)
{
    const json_t *a = json_object_get(o, k), *b = json_object_get(p, k);
    return !a || !b || !json_equal(a, b);
}

/* Every member of before and after (both objects) that differs was asked about, as schema's. */
static void changes_asked(const json_t *before, const json_t *after, const json_t *asked, const char *schema)
{
    const json_t *sides[2] = {before, after};
    for (int s = 0; s < 2; s++) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)sides[s], k, v) {
            if (!differs(before, after, k))
                continue;
            if (schema == core[0] && strcasecmp(k, "schemas") == 0)
                continue; /* the extension's entry, kept by scim_patch itself */
            if (schema == core[0] && strcasecmp(k, exts[0]) == 0) {
                /* an object appears (where there was none or null), goes, or changes: its
                 * members were asked about */
                const json_t *a = json_object_get(before, k), *b = json_object_get(after, k);
                FUZZ_CHECK(!a || json_is_null(a) || json_is_object(a));
                FUZZ_CHECK(!b || json_is_object(b));
                json_t *empty = json_object();
                changes_asked(json_is_object(a) ? a : empty, b ? b : empty, asked, exts[0]);
                json_decref(empty);
                continue;
            }
            FUZZ_CHECK(was_asked(asked, schema, k));
        }
    }
}

static void check_refusal(const scim_patch_error *err)
{
    FUZZ_CHECK(memchr(err->detail, '\0', sizeof err->detail) != NULL && err->detail[0]);
    FUZZ_CHECK(err->status == 400 && err->scim_type);
    static const char *const types[] = {"invalidSyntax", "invalidPath", "invalidValue", "noTarget", "mutability"};
    int known = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        known |= strcmp(err->scim_type, types[i]) == 0;
    FUZZ_CHECK(known);
}

/* Applies body to res under r twice: the same answer, the resource untouched. Returns the
 * result (the caller decrefs) or NULL. */
static json_t *apply_twice(const json_t *res, const json_t *body, const scim_patch_rules *r, scim_patch_error *err)
{
    json_t *copy = json_deep_copy(res);
    json_t *asked = r->ctx;
    json_object_clear(asked);
    json_t *out = scim_patch_apply(res, body, r, err);
    FUZZ_CHECK(json_equal(copy, res));
    json_t *asked_first = json_deep_copy(asked);
    json_object_clear(asked);
    scim_patch_error err2;
    json_t *again = scim_patch_apply(res, body, r, &err2);
    FUZZ_CHECK(!out == !again && json_equal(asked, asked_first));
    json_decref(asked_first);
    if (out) {
        FUZZ_CHECK(json_is_object(out) && json_equal(out, again));
    } else {
        FUZZ_CHECK(err->status == err2.status && strcmp(err->detail, err2.detail) == 0);
        FUZZ_CHECK((err->scim_type == NULL) == (err2.scim_type == NULL));
    }
    json_decref(again);
    json_decref(copy);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *user, *asked, *ignored;
    if (!user) {
        FUZZ_CHECK((user = json_loads(user_json, 0, NULL)) != NULL);
        asked = json_object();
        ignored = json_object();
    }
    const uint8_t *nl = memchr(data, '\n', size);
    json_t *res = nl ? fuzz_body(data, (size_t)(nl - data)) : NULL;
    const uint8_t *rest = nl ? nl + 1 : data;
    json_t *body = fuzz_body(rest, size - (size_t)(rest - data));
    if (!body) {
        json_decref(res);
        return 0;
    }
    if (!res)
        res = json_incref(user);

    scim_patch_rules rules = {core, exts, check, multi_valued, case_exact, asked};
    scim_patch_error err;
    json_t *out = apply_twice(res, body, &rules, &err);
    if (!out) {
        check_refusal(&err);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(out, k, v) {
            if (strcasecmp(k, "id") == 0 || strcasecmp(k, "meta") == 0 || strcasecmp(k, "groups") == 0)
                FUZZ_CHECK(!differs(res, out, k));
            FUZZ_CHECK(!(json_is_object(v) || json_is_array(v)) || v != json_object_get(res, k));
        }
        json_object_foreach(res, k, v)
            if (strcasecmp(k, "id") == 0 || strcasecmp(k, "meta") == 0 || strcasecmp(k, "groups") == 0)
                FUZZ_CHECK(!differs(res, out, k));
        changes_asked(res, out, asked, core[0]);
        json_decref(out);
    }

    scim_patch_rules bare = {core, NULL, NULL, NULL, NULL, ignored};
    out = apply_twice(res, body, &bare, &err);
    if (!out)
        check_refusal(&err);
    json_decref(out);
    json_decref(body);
    json_decref(res);
    return 0;
}
