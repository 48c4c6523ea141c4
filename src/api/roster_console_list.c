/* roster_console_list.c — the console's user list:
 * GET /roster/v1/instances/{InstanceId}/console/users?Search=&RoutingProfileId=&SecurityProfileId=
 *     &HierarchyGroupId=&SortBy=&SortOrder=&Offset=&MaxResults=
 * → {"Users": [Row…], "Total": N, "Offset": k}. This file reads the query and writes the rows;
 * core/user_list.c has the rules (filter, order, page). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/console_json.h"
#include "api/roster_wire.h"
#include "core/user_list.h"
#include "util/num.h"

static int bad(api_call *c, const char *field, const char *msg)
{
    return rerr_set(&c->err, ERR_INVALID_PARAMETER, field, "%s", msg);
}

/* Reads the query into *rq (strings borrowed from the request). */
static int read_query(api_call *c, user_list_req *rq)
{
    static const char *const params[] = {"Search",    "RoutingProfileId", "SecurityProfileId", "HierarchyGroupId",
                                         "SortBy",    "SortOrder",        "Offset",            "MaxResults",
                                         NULL};
    request *r = c->r;
    memset(rq, 0, sizeof *rq);
    if (roster_check_params(r, params, &c->err))
        return -1;
    rq->filter.search = request_param(r, "Search");
    rq->filter.routing_profile_id = request_param(r, "RoutingProfileId");
    rq->filter.security_profile_id = request_param(r, "SecurityProfileId");
    rq->filter.hierarchy_group_id = request_param(r, "HierarchyGroupId");
    const char *sort = request_param(r, "SortBy"), *order = request_param(r, "SortOrder");
    const char *offset = request_param(r, "Offset"), *max = request_param(r, "MaxResults");
    rq->sort = USER_LIST_USERNAME;
    if (sort && *sort) {
        size_t i = 0;
        while (user_list_sort_names[i] && strcmp(user_list_sort_names[i], sort) != 0)
            i++;
        if (!user_list_sort_names[i])
            return bad(c, "SortBy",
                       "SortBy must be one of Username, FirstName, LastName, Role, RoutingProfile, "
                       "SecurityProfiles, AgentHierarchy, PhoneType");
        rq->sort = (user_list_sort)i;
    }
    if (order && *order && strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0)
        return bad(c, "SortOrder", "SortOrder must be ASC or DESC");
    rq->desc = order && strcmp(order, "DESC") == 0;
    rq->offset = 0;
    if (offset && *offset && parse_int64(offset, 0, USER_LIST_OFFSET_MAX, &rq->offset))
        return bad(c, "Offset", "Offset must be a whole number from 0 to 10000000");
    int64_t limit = 25;
    if (max && *max && (parse_int64(max, 1, 100, &limit) || (limit != 25 && limit != 50 && limit != 100)))
        return bad(c, "MaxResults", "MaxResults must be 25, 50 or 100");
    rq->limit = (size_t)limit;
    return 0;
}

static json_t *row_json(const catalog *cat, const user_list_row *u, const char *role)
{
    json_t *o = json_object();
    json_object_set_new(o, "Id", json_string(u->id));
    json_object_set_new(o, "Username", json_string(u->username ? u->username : ""));
    json_object_set_new(o, "FirstName", json_string(u->first_name ? u->first_name : ""));
    json_object_set_new(o, "LastName", json_string(u->last_name ? u->last_name : ""));
    json_object_set_new(o, "Role", json_string(role));
    json_object_set_new(o, "RoutingProfile",
                        console_id_name(u->routing_profile_id, catalog_routing_name(cat, u->routing_profile_id)));
    json_t *sps = json_array();
    for (size_t i = 0; i < u->security_profile_ids.n; i++) {
        const char *id = u->security_profile_ids.items[i];
        json_array_append_new(sps, console_id_name(id, catalog_security_name(cat, id)));
    }
    json_object_set_new(o, "SecurityProfiles", sps);
    json_object_set_new(o, "AgentHierarchy", console_group_json(cat, u->hierarchy_group_id));
    json_object_set_new(o, "PhoneType",
                        json_string(strcmp(u->phone_type, "DESK_PHONE") == 0 ? "DESK_PHONE" : "SOFT_PHONE"));
    json_object_set_new(o, "ExternallyManaged", json_boolean(u->externally_managed));
    json_object_set_new(o, "Disabled", json_boolean(u->disabled));
    return o;
}

static int list_users(api_call *c)
{
    user_list_req rq;
    user_list_page pg;
    memset(&pg, 0, sizeof pg);
    if (read_query(c, &rq))
        return -1;
    if (user_list_get(&c->cx, c->inst.id, &rq, &pg, &c->err)) {
        user_list_page_clear(&pg);
        return -1;
    }
    json_t *users = json_array();
    for (size_t i = 0; i < pg.n; i++)
        json_array_append_new(users, row_json(&pg.cat, &pg.rows[i], pg.roles[i]));
    c->out = json_pack("{s:o, s:I, s:I}", "Users", users, "Total", (json_int_t)pg.total, "Offset",
                       (json_int_t)rq.offset);
    user_list_page_clear(&pg);
    return 0;
}

static const api_op ops[] = {
    {"ListConsoleUsers", "GET", "/roster/v1/instances/{InstanceId}/console/users", CORE_USERS_CONSOLE_LIST, 0,
     list_users},
};

const api_op *roster_console_list_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
