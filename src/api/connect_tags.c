/* connect_tags.c — TagResource, UntagResource and ListTagsForResource by ARN. */
#include <stddef.h>

#include "api/api.h"

const api_op *connect_tag_ops(size_t *n)
{
    *n = 0; /* the tag operations are being written (issue 3) */
    return NULL;
}
