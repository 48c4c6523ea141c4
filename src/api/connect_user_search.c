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
#include "api/jsonio.h"
#include "api/search_json.h"
#include "core/arn.h"
#include "core/user_rules.h"
#include "core/user_search.h"
#include "core/users.h"

/* ---- the request -------------------------------------------------------------------------- */

/* Reads SearchFilter into filter (an AND root). */
static int read_filter(api_call *c, search_node *filter, int *present)
{
    json_t *f = json_object_get(c->in, "SearchFilter");
    *present = 0;
    if (!f || json_is_null(f))
        return 0;
    if (!json_is_object(f))
        return rerr_set(&c->err, ERR_INVALID_PARAMETER, "SearchFilter", "SearchFilter must be an object");
    json_t *tag = json_object_get(f, "TagFilter"), *attr = json_object_get(f, "UserAttributeFilter");
    int has_tag = tag && !json_is_null(tag), has_attr = attr && !json_is_null(attr);
    if (has_tag && has_attr)
        return rerr_set(&c->err, ERR_ACCESS_DENIED, "SearchFilter",
                        "SearchFilter may hold TagFilter or UserAttributeFilter, not both");
    *present = has_tag || has_attr;
    if (has_tag)
        return search_json_tag_filter(&c->err, tag, filter);
    return search_json_user_attribute_filter(&c->err, attr, "SearchFilter.UserAttributeFilter", filter);
}

/* ---- the answer --------------------------------------------------------------------------- */

static json_t *acw_ms(int64_t seconds)
{
    return json_pack("{s:I}", "AfterContactWorkTimeLimit", (json_int_t)(seconds * 1000));
}

/* The legacy PhoneConfig: the VOICE channel's view, as DescribeUser shows it but with the
 * after-contact-work limit in milliseconds. */
static json_t *phone_config(user_record *u)
{
    const channel_config *v = user_channel(u, "VOICE");
    channel_config none = {0};
    if (!v)
        v = &none;
    json_t *o = json_pack("{s:s, s:b, s:I, s:s}", "PhoneType", v->phone_type[0] ? v->phone_type : "SOFT_PHONE",
                          "AutoAccept", v->auto_accept, "AfterContactWorkTimeLimit",
                          (json_int_t)(v->acw_seconds * 1000), "DeskPhoneNumber", v->phone_number);
    if (v->has_persistent)
        json_object_set_new(o, "PersistentConnection", json_boolean(v->persistent));
    return o;
}

/* Appends channel ch's entry to each per-channel list it has a setting for. */
static void channel_lists(const channel_config *ch, json_t *const lists[5])
{
    if (ch->has_auto_accept) {
        json_t *o = json_pack("{s:s, s:b}", "Channel", ch->channel, "AutoAccept", ch->auto_accept);
        if (ch->has_afc_auto_accept)
            json_object_set_new(o, "AgentFirstCallbackAutoAccept", json_boolean(ch->afc_auto_accept));
        json_array_append_new(lists[0], o);
    }
    if (ch->has_acw) {
        json_t *o = json_pack("{s:s, s:o}", "Channel", ch->channel, "AfterContactWorkConfig", acw_ms(ch->acw_seconds));
        if (ch->has_afc_acw)
            json_object_set_new(o, "AgentFirstCallbackAfterContactWorkConfig", acw_ms(ch->afc_acw_seconds));
        json_array_append_new(lists[1], o);
    }
    if (ch->phone_type[0]) {
        json_t *o = json_pack("{s:s, s:s}", "Channel", ch->channel, "PhoneType", ch->phone_type);
        jset_str(o, "PhoneNumber", ch->phone_number, 1);
        json_array_append_new(lists[2], o);
    }
    if (ch->has_persistent)
        json_array_append_new(lists[3], json_pack("{s:s, s:b}", "Channel", ch->channel, "PersistentConnection",
                                                  ch->persistent));
    if (ch->voice_enhancement[0])
        json_array_append_new(lists[4], json_pack("{s:s, s:s}", "Channel", ch->channel, "VoiceEnhancementMode",
                                                  ch->voice_enhancement));
}

/* Sets the five per-channel lists on o, channels in canonical order (as DescribeUser does). */
static void set_channel_lists(json_t *o, user_record *u)
{
    static const char *const names[5] = {"AutoAcceptConfigs", "AfterContactWorkConfigs", "PhoneNumberConfigs",
                                         "PersistentConnectionConfigs", "VoiceEnhancementConfigs"};
    json_t *lists[5];
    for (size_t i = 0; i < 5; i++)
        lists[i] = json_array();
    for (size_t i = 0; user_channel_names[i]; i++) {
        const channel_config *ch = user_channel(u, user_channel_names[i]);
        if (ch)
            channel_lists(ch, lists);
    }
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(o, names[i], lists[i]);
}

static json_t *summary_json(api_call *c, user_search_hit *h)
{
    user_record *u = &h->user;
    char *arn = arn_resource(c->cx.cfg, c->inst.id, ARN_USER, u->id);
    json_t *identity = json_object();
    jset_str(identity, "FirstName", u->first_name, 0);
    jset_str(identity, "LastName", u->last_name, 0);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "Id", u->id, "Arn", arn, "Username",
                          u->username ? u->username : "", "IdentityInfo", identity, "PhoneConfig", phone_config(u),
                          "RoutingProfileId", u->routing_profile_id, "SecurityProfileIds",
                          jstrlist(&u->security_profile_ids), "Tags", jmap(&h->tags));
    free(arn);
    jset_str(o, "DirectoryUserId", u->directory_user_id, 1);
    jset_str(o, "HierarchyGroupId", u->hierarchy_group_id, 1);
    set_channel_lists(o, u);
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
    {"SearchUsers", "POST", "/search-users", USERS_PERM_VIEW, OP_BODY_INSTANCE, search_users},
};

const api_op *connect_user_search_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
