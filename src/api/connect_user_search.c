/* connect_user_search.c — SearchUsers: the criteria language over an instance's users. */
#include <stddef.h>

#include "api/api.h"

const api_op *connect_user_search_ops(size_t *n)
{
    *n = 0; /* SearchUsers is being written (issue 4) */
    return NULL;
}
