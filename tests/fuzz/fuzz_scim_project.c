/* fuzz_scim_project.c — the attributes / excludedAttributes projection (src/scim/scim_project.c)
 * on any parameter text, applied to a User and a Group with every shape of member (extensions,
 * a custom one, multi-valued lists holding non-objects, a password). Input: the attributes text,
 * then, after a NUL byte, the excludedAttributes text (an empty attributes text is passed as
 * NULL). Checks: reading does not depend on the kind; a refusal is ERR_INVALID_PARAMETER in one
 * of the two fields with a message that is valid UTF-8; what comes out is an object cut from
 * the resource (every member, element and value in it is in the resource, in the same order),
 * holds id and schemas, never password, no schema URN the resource lacks; and it is the same
 * twice over and through scim_project. */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "scim/scim_project.h"
#include "util/utf8.h"

static const char user_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\","
    "  \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\", \"urn:custom:1.0:User\"],"
    " \"id\": \"2819c223\", \"externalId\": \"bjensen\", \"userName\": \"bjensen\", \"password\": \"secret\","
    " \"name\": {\"givenName\": \"Barbara\", \"familyName\": \"\"}, \"active\": true, \"nickName\": null,"
    " \"emails\": [{\"value\": \"emailName357\", \"type\": \"work\", \"Primary\": true},"
    "  {\"value\": \"b@example.org\", \"type\": \"home\"}, \"loose\", 3, [1], {}],"
    " \"phoneNumbers\": [], \"meta\": {\"resourceType\": \"User\", \"version\": \"W/\\\"3\\\"\"},"
    " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"department\": \"Sales\","
    "  \"manager\": {\"value\": \"m1\", \"displayName\": \"Boss\"}},"
    " \"urn:custom:1.0:User\": {\"badge\": 7, \"tags\": [\"a\", {\"k\": \"v\"}]}, \"urn:odd\": \"x\","
    " \"x-garbage\": {\"a\": [1, 2]}}";

static const char group_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"], \"id\": \"g1\", \"displayName\": \"Guides\","
    " \"members\": [{\"value\": \"2819c223\", \"display\": \"Babs\", \"type\": \"User\"}, {\"value\": \"x\"}],"
    " \"meta\": {\"resourceType\": \"Group\"}}";

/* Whether a is cut from b: objects' members all in b and cut from b's; lists' elements cut
 * from b's elements, in order; anything else equal. */
static int cut_from(const json_t *a, const json_t *b)
{
    if (json_is_object(a)) {
        if (!json_is_object(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v)
            if (!cut_from(v, json_object_get(b, k)))
                return 0;
        return 1;
    }
    if (json_is_array(a)) {
        if (!json_is_array(b))
            return 0;
        size_t j = 0, i;
        json_t *v;
        json_array_foreach((json_t *)a, i, v) {
            while (j < json_array_size(b) && !cut_from(v, json_array_get(b, j)))
                j++;
            if (j++ >= json_array_size(b))
                return 0;
        }
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static int valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, l; i < n; i += l)
        if (!(l = utf8_char_len((const unsigned char *)s + i, n - i, NULL)))
            return 0;
    return 1;
}

static void check(const json_t *res, scim_resource_kind kind, scim_projection *p, const char *attrs,
                  const char *excl)
{
    json_t *out = scim_projection_apply(p, res);
    FUZZ_CHECK(json_is_object(out));
    FUZZ_CHECK(cut_from(out, res));
    FUZZ_CHECK(json_equal(json_object_get(out, "id"), json_object_get(res, "id")));
    json_t *schemas = json_object_get(out, "schemas");
    FUZZ_CHECK(json_is_array(schemas) && cut_from(schemas, json_object_get(res, "schemas")));
    const char *k;
    json_t *v;
    json_object_foreach(out, k, v)
        FUZZ_CHECK(strcasecmp(k, "password") != 0);
    json_t *again = scim_projection_apply(p, res);
    FUZZ_CHECK(json_equal(out, again));
    rerr e;
    json_t *once = scim_project(res, kind, attrs, excl, &e);
    FUZZ_CHECK(once && json_equal(out, once));
    char *text = json_dumps(out, JSON_COMPACT);
    FUZZ_CHECK(text != NULL);
    free(text);
    json_decref(once);
    json_decref(again);
    json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *user, *group;
    if (!user) {
        FUZZ_CHECK((user = json_loads(user_json, 0, NULL)) != NULL);
        FUZZ_CHECK((group = json_loads(group_json, 0, NULL)) != NULL);
    }
    char *in = xmalloc(size + 2);
    memcpy(in, data, size);
    in[size] = in[size + 1] = '\0';
    size_t first = strlen(in);
    const char *attrs = first ? in : NULL;
    const char *excl = first < size ? in + first + 1 : NULL;

    rerr eu, eg;
    scim_projection *pu = scim_projection_new(SCIM_USER, attrs, excl, &eu);
    scim_projection *pg = scim_projection_new(SCIM_GROUP, attrs, excl, &eg);
    FUZZ_CHECK(!pu == !pg);
    if (!pu) {
        FUZZ_CHECK(eu.code == ERR_INVALID_PARAMETER);
        FUZZ_CHECK(strcmp(eu.field, "attributes") == 0 || strcmp(eu.field, "excludedAttributes") == 0);
        FUZZ_CHECK(eu.message[0] && valid_utf8(eu.message));
        FUZZ_CHECK(strcmp(eu.message, eg.message) == 0);
    } else {
        check(user, SCIM_USER, pu, attrs, excl);
        check(group, SCIM_GROUP, pg, attrs, excl);
    }
    scim_projection_free(pu);
    scim_projection_free(pg);
    free(in);
    return 0;
}
