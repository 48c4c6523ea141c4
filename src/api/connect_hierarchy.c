/* connect_hierarchy.c — the rest-json shapes of the agent hierarchy: its structure (levels
 * One..Five) and its groups. */
#include <stddef.h>

#include "api/api.h"

const api_op *connect_hierarchy_ops(size_t *n)
{
    *n = 0; /* the hierarchy operations are being written (issue 3) */
    return NULL;
}
