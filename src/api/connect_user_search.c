/* connect_user_search.c — SearchUsers: the criteria language over an instance's users.
 *
 * POST /search-users with InstanceId in the body (the dispatcher resolves it and runs the
 * handler inside one read transaction). The body's SearchCriteria and SearchFilter become two
 * search trees for core/user_search.c; a SearchFilter naming both TagFilter and
 * UserAttributeFilter is refused with AccessDeniedException, as the service does.
 * The answer is {Users: [UserSearchSummary], NextToken, ApproximateTotalCount}; unlike every
 * other operation, AfterContactWorkTimeLimit is reported in milliseconds here (the service's
 * quirk, reference §1.15).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/connect_readers.h"
#include "api/jsonio.h"
#include "api/user_json.h"
#include "api/search_json.h"
#include "core/authorize.h"
#include "core/arn.h"
#include "core/user_rules.h"
#include "core/user_search.h"
#include "core/users.h"

/* ---- the request -------------------------------------------------------------------------- */

int read_filter_json(rerr *e, json_t *f, search_node *filter, int *present)
{
    *present = 0;
    if (!f || json_is_null(f))
        return 0;
    if (!json_is_object(f))
        return rerr_set(e, ERR_INVALID_PARAMETER, "SearchFilter", "SearchFilter must be an object");
    json_t *tag = json_object_get(f, "TagFilter"), *attr = json_object_get(f, "UserAttributeFilter");
    int has_tag = tag && !json_is_null(tag), has_attr = attr && !json_is_null(attr);
    if (has_tag && has_attr)
        return rerr_set(e, ERR_ACCESS_DENIED, "SearchFilter",
                        "SearchFilter may hold TagFilter or UserAttributeFilter, not both");
    *present = has_tag || has_attr;
    if (has_tag)
        return search_json_tag_filter(e, tag, filter);
    return search_json_user_attribute_filter(e, attr, "SearchFilter.UserAttributeFilter", filter);
}

/* Reads SearchFilter into filter (an AND root). */
int read_filter(api_call *c, search_node *filter, int *present)
{
    return read_filter_json(&c->err, json_object_get(c->in, "SearchFilter"), filter, present);
}

/* ---- the answer --------------------------------------------------------------------------- */

static json_t *summary_json(api_call *c, user_search_hit *h)
{
    user_record *u = &h->user;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, u->id);
    json_t *identity = json_object();
    jset_str(identity, "FirstName", u->first_name, 0);
    jset_str(identity, "LastName", u->last_name, 0);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "Id", u->id, "Arn", arn, "Username",
                          u->username ? u->username : "", "IdentityInfo", identity, "PhoneConfig", user_phone_json(u, 1000),
                          "RoutingProfileId", u->routing_profile_id, "SecurityProfileIds",
                          jstrlist(&u->security_profile_ids), "Tags", jmap(&h->tags));
    free(arn);
    jset_str(o, "DirectoryUserId", u->directory_user_id, 1);
    jset_str(o, "HierarchyGroupId", u->hierarchy_group_id, 1);
    user_config_json(o, u, 1000);
    return o;
}

static int search_users(api_call *c)
{
    size_t limit = 0;
    const char *token = NULL;
    int has_filter = 0;
    search_node criteria = {.kind = SEARCH_AND}, filter = {.kind = SEARCH_AND};
    int rc = api_search_limit(c, 500, &limit) || jget_str(&c->err, c->in, "NextToken", 0, &token) ||
                     search_json_criteria(&c->err, json_object_get(c->in, "SearchCriteria"), &criteria) ||
                     read_filter(c, &filter, &has_filter)
                 ? -1
                 : 0;
    user_search_result res = {0};
    if (rc == 0) {
        user_search_req rq = {.criteria = &criteria, .filter = has_filter ? &filter : NULL, .token = token,
                              .limit = limit};
        rc = user_search(&c->cx, c->inst.id, &rq, &res, &c->err);
    }
    search_clear(&criteria);
    search_clear(&filter);
    if (rc == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < res.n; i++)
            json_array_append_new(arr, summary_json(c, &res.hits[i]));
        c->out = json_pack("{s:o, s:I}", "Users", arr, "ApproximateTotalCount", (json_int_t)res.total);
        if (res.next)
            json_object_set_new(c->out, "NextToken", json_string(res.next));
    }
    user_search_result_clear(&res);
    return rc;
}

static const api_op ops[] = {
    {"SearchUsers", "POST", "/search-users", CORE_USERS_SEARCH, OP_BODY_INSTANCE, search_users},
};

const api_op *connect_user_search_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
