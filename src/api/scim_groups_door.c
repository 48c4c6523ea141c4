/* scim_groups_door.c — /scim/v2/Groups. Not served yet: groups are being built (issue 12). */
#include "api/scim_resources.h"

void scim_groups_route(scim_call *c, const char *id, int search)
{
    (void)id, (void)search;
    scim_error x;
    scim_fail(&x, 501, NULL, "Groups are not served yet");
    scim_send_error(c->r, &x);
}
