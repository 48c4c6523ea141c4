/* fuzz_scim_filter.c — SCIM filter expressions (src/scim/scim_filter.c) on any bytes, and what
 * reads matched (src/scim/scim_match.c) against a user with every kind of value. Checks: a
 * refusal has a message and no tree; a tree stays within the bounds (nodes, nesting of groups)
 * and has what each kind needs; its canonical form reads back to a tree printed the same; a
 * match answers 0 or 1, and "not (f)" the opposite. */
#include <string.h>

#include "fuzz.h"
#include "scim/scim_filter.h"
#include "scim/scim_match.h"

static size_t check_tree(const scim_filter *f)
{
    switch (f->kind) {
    case SF_AND:
    case SF_OR:
        FUZZ_CHECK(f->a && f->b && !f->attr && !f->value);
        return 1 + check_tree(f->a) + check_tree(f->b);
    case SF_NOT:
        FUZZ_CHECK(f->a && !f->b && !f->attr && !f->value);
        return 1 + check_tree(f->a);
    case SF_VALUE_PATH:
        FUZZ_CHECK(f->a && !f->b && f->attr && *f->attr && !f->value);
        return 1 + check_tree(f->a);
    case SF_PRESENT:
        FUZZ_CHECK(!f->a && !f->b && f->attr && *f->attr && !f->value);
        return 1;
    case SF_COMPARE:
        FUZZ_CHECK(!f->a && !f->b && f->attr && *f->attr && f->value);
        FUZZ_CHECK(!json_is_object(f->value) && !json_is_array(f->value));
        FUZZ_CHECK(f->op <= SF_LE);
        return 1;
    }
    FUZZ_CHECK(0);
    return 0;
}

static const char user_json[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"id\": \"2819c223\", \"userName\": \"bjensen\","
    " \"name\": {\"givenName\": \"Barbara\", \"familyName\": \"\"}, \"active\": true, \"nickName\": null,"
    " \"emails\": [{\"value\": \"b@example.com\", \"type\": \"work\", \"primary\": true}, \"loose\", 3, [1]],"
    " \"meta\": {\"version\": 3, \"lastModified\": \"2011-05-13T04:42:34Z\"}, \"groups\": [],"
    " \"urn:x:ext:1.0:User\": {\"department\": \"Sales\", \"manager\": {\"value\": \"m1\"}}}";
static const char *const core_schemas[] = {"urn:ietf:params:scim:schemas:core:2.0:User", NULL};

static int case_exact(const char *path)
{
    return strcmp(path, "id") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *user;
    if (!user)
        FUZZ_CHECK((user = json_loads(user_json, 0, NULL)) != NULL);
    buf err, out, again;
    buf_init(&err);
    buf_init(&out);
    buf_init(&again);
    scim_filter *f = (scim_filter *)1;
    if (scim_filter_parse((const char *)data, size, &f, &err)) {
        FUZZ_CHECK(!f && err.len > 0 && strlen(err.data) == err.len);
    } else {
        FUZZ_CHECK(f && err.len == 0);
        FUZZ_CHECK(check_tree(f) <= SCIM_FILTER_MAX_NODES);
        int m = scim_filter_match(f, user, core_schemas, case_exact);
        FUZZ_CHECK(m == 0 || m == 1);
        scim_filter neg = {.kind = SF_NOT, .a = f};
        FUZZ_CHECK(scim_filter_match(&neg, user, core_schemas, case_exact) == !m);
        scim_filter_print(f, &out);
        scim_filter *g = NULL;
        /* the printed form may pass the length bound (added parentheses); read it back unbounded
         * only when it fits */
        if (out.len <= SCIM_FILTER_MAX_LEN) {
            int rc = scim_filter_parse(out.data, out.len, &g, &err);
            if (rc == 0) {
                scim_filter_print(g, &again);
                FUZZ_CHECK(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
            } else {
                /* only the nesting bound may refuse it: every and/or is parenthesised */
                FUZZ_CHECK(strstr(err.data, "16 deep") != NULL);
            }
        }
        scim_filter_free(g);
        scim_filter_free(f);
    }
    buf_free(&err);
    buf_free(&out);
    buf_free(&again);
    return 0;
}
