/* scim_call_patch.c — PATCH for the SCIM resource handlers (see scim_resources.h): the PATCH
 * engine (scim/scim_patch.h) run with the schema's mutability (scim/scim_schema.h). */
#include <stdio.h>

#include "api/scim_resources.h"
#include "scim/scim_patch.h"
#include "util/buf.h"

/* The attribute schema:path of the resource kind at ctx, or NULL when the schema has none. */
static const scim_attr *attr_of(const char *schema, const char *path, void *ctx)
{
    buf full;
    buf_init(&full);
    buf_printf(&full, "%s:%s", schema, path);
    const scim_attr *a = scim_attr_find(*(const scim_resource_kind *)ctx, full.data);
    buf_free(&full);
    return a;
}

/* The schema's mutability for PATCH: readOnly attributes (id, meta, groups, a member's display)
 * cannot change; immutable ones only be added; unknown attributes may (roster keeps them). */
static int check(const char *schema, const char *path, scim_patch_op op, void *ctx, scim_patch_error *err)
{
    const scim_attr *a = attr_of(schema, path, ctx);
    if (!a)
        return 0;
    if (a->mutability == SCIM_MUT_READ_ONLY || (a->mutability == SCIM_MUT_IMMUTABLE && op != SCIM_PATCH_ADD)) {
        err->status = 400;
        err->scim_type = "mutability";
        snprintf(err->detail, sizeof err->detail, "%s is %s: a PATCH cannot %s it", path,
                 scim_mutability_name(a->mutability), scim_patch_op_name(op));
        return -1;
    }
    return 0;
}

static int multi_valued(const char *schema, const char *path, void *ctx)
{
    const scim_attr *a = attr_of(schema, path, ctx);
    return a && a->multi_valued;
}

json_t *scim_call_patch(scim_call *c, scim_resource_kind kind, const json_t *current, const json_t *body,
                        scim_error *x)
{
    (void)c;
    static const char *const user_extensions[] = {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", NULL};
    scim_patch_rules rules = {.core_schemas = scim_core_schemas(kind),
                              .extensions = kind == SCIM_USER ? user_extensions : NULL,
                              .check = check,
                              .multi_valued = multi_valued,
                              .case_exact = kind == SCIM_USER ? scim_user_case_exact : scim_group_case_exact,
                              .ctx = &kind};
    scim_patch_error pe;
    json_t *out = scim_patch_apply(current, body, &rules, &pe);
    if (!out)
        scim_fail(x, pe.status ? pe.status : 400, pe.scim_type, "%s", pe.detail);
    return out;
}

