/* connect_tags.c — TagResource, UntagResource and ListTagsForResource by ARN. The ARN label
 * arrives percent-encoded as one segment; an unencoded ARN (from curl and the like) is taken
 * whole from the rest of the path. */
#include <stddef.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/authorize.h"
#include "core/tags.h"

static int tag_resource(api_call *c)
{
    kvlist tags = {0};
    int present;
    int rc = jget_map(&c->err, c->in, "tags", &tags, &present);
    if (rc == 0 && !present)
        rc = rerr_set(&c->err, ERR_INVALID_PARAMETER, "tags", "tags is required");
    if (rc == 0)
        rc = tags_add(&c->cx, c->labels[0], &tags, &c->err);
    kvlist_clear(&tags);
    return rc;
}

static int untag_resource(api_call *c)
{
    strlist keys = {0};
    for (size_t i = 0; i < c->r->n_params; i++)
        if (strcmp(c->r->params[i].key, "tagKeys") == 0)
            strlist_push(&keys, c->r->params[i].value);
    int rc = tags_remove(&c->cx, c->labels[0], &keys, &c->err);
    strlist_clear(&keys);
    return rc;
}

static int list_tags(api_call *c)
{
    kvlist tags = {0};
    if (tags_list(&c->cx, c->labels[0], &tags, &c->err)) {
        kvlist_clear(&tags);
        return -1;
    }
    c->out = json_pack("{s:o}", "tags", jmap(&tags));
    kvlist_clear(&tags);
    return 0;
}

/* Permissions depend on the kind of resource the ARN names; the core checks them. */
static const api_op ops[] = {
    {"TagResource", "POST", "/tags/{resourceArn}", CORE_TAGS_ADD, OP_GREEDY_LABEL, tag_resource},
    {"UntagResource", "DELETE", "/tags/{resourceArn}", CORE_TAGS_REMOVE, OP_GREEDY_LABEL, untag_resource},
    {"ListTagsForResource", "GET", "/tags/{resourceArn}", CORE_TAGS_LIST, OP_GREEDY_LABEL, list_tags},
};

const api_op *connect_tag_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
