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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
