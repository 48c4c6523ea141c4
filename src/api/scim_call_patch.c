/* scim_call_patch.c — PATCH for the SCIM resource handlers (see scim_resources.h). Not served
 * yet: the PATCH engine is being built (issue 12). */
#include "api/scim_resources.h"

json_t *scim_call_patch(scim_call *c, scim_resource_kind kind, const json_t *current, const json_t *body,
                        scim_error *x)
{
    (void)c, (void)kind, (void)current, (void)body;
    scim_fail(x, 501, NULL, "PATCH is not served yet");
    return NULL;
}
