/* roster_bulk.c — the roster API's batches: bulk edit, bulk delete and per-user edits
 * (POST /roster/v1/instances/{InstanceId}/bulk-edits, /bulk-deletes, /user-edits), each answered
 * 202 {"Job": …}. Watching, items, report, cancel and retry are the jobs endpoints
 * (roster_jobs.c). This file reads the wire shapes — the Selection (UserIds, or SearchCriteria
 * and SearchFilter as SearchUsers takes them) — and hands the Changes and Edits documents to
 * src/jobs (bulk.h), whose one parser reads them; the rules are there.
 *
 * Bounds: the body is at most the door's 1 MiB (so UserIds holds some 25,000 ids; a larger
 * selection is a filter), Edits at most BULK_MAX_EDITS entries, a selection at most
 * BULK_MAX_USERS users. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/connect_readers.h"
#include "api/roster_wire.h"
#include "api/search_json.h"
#include "core/json_members.h"
#include "core/validate.h"
#include "jobs/bulk.h"

/* The selection of the request read from its Selection member; the trees and ids are the
 * caller's to clear with selection_clear. */
typedef struct selection {
    strlist ids;
    search_node criteria, filter;
    int has_filter;
    user_list_filter list;        /* Filter's strings borrow from the body */
    bulk_selection sel;
} selection;

static void selection_clear(selection *s)
{
    strlist_clear(&s->ids);
    search_clear(&s->criteria);
    search_clear(&s->filter);
}

/* Selection.Filter: the console list's filter (core/user_list.h), strings borrowed from doc. */
static int read_list_filter(rerr *e, json_t *doc, user_list_filter *f)
{
    static const char *const members[] = {"Search", "RoutingProfileId", "SecurityProfileId", "HierarchyGroupId",
                                          NULL};
    const char *p = "Selection.Filter";
    if (!json_is_object(doc))
        return rerr_set(e, ERR_INVALID_PARAMETER, p, "Selection.Filter must be an object");
    if (mj_only(e, doc, p, members) || mj_str(e, doc, p, "Search", 0, &f->search) ||
        mj_str(e, doc, p, "RoutingProfileId", 0, &f->routing_profile_id) ||
        mj_str(e, doc, p, "SecurityProfileId", 0, &f->security_profile_id) ||
        mj_str(e, doc, p, "HierarchyGroupId", 0, &f->hierarchy_group_id))
        return -1;
    return user_list_filter_check(f, e);
}

static int read_selection(api_call *c, selection *s)
{
    static const char *const members[] = {"UserIds", "SearchCriteria", "SearchFilter", "Filter", NULL};
    rerr *e = &c->err;
    json_t *doc, *ids;
    memset(s, 0, sizeof *s);
    s->criteria.kind = s->filter.kind = SEARCH_AND;
    if (mj_obj(e, c->in, NULL, "Selection", 1, &doc) || mj_only(e, doc, "Selection", members) ||
        mj_list(e, doc, "Selection", "UserIds", 0, &ids))
        return -1;
    int has_search = mj_present(doc, "SearchCriteria") || mj_present(doc, "SearchFilter");
    json_t *list = json_object_get(doc, "Filter");
    if ((ids != NULL) + has_search + (list != NULL) > 1)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Selection",
                        "Selection holds one of UserIds, Filter, or SearchCriteria and SearchFilter");
    if (list) {
        if (read_list_filter(e, list, &s->list))
            return -1;
        s->sel.list_filter = &s->list;
        return 0;
    }
    if (ids) {
        if (validate_max_entries(e, "Selection.UserIds", json_array_size(ids), BULK_MAX_USERS))
            return -1;
        for (size_t i = 0; i < json_array_size(ids); i++) {
            const char *id = json_string_value(json_array_get(ids, i));
            if (!id)
                return rerr_set(e, ERR_INVALID_PARAMETER, "Selection.UserIds", "Selection.UserIds[%zu] must be a string",
                                i);
            strlist_push(&s->ids, id);
        }
        s->sel.user_ids = &s->ids;
        return 0;
    }
    if (!has_search)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Selection",
                        "Selection must hold UserIds, Filter, or SearchCriteria and/or SearchFilter");
    json_t *criteria = json_object_get(doc, "SearchCriteria");
    if (criteria && !json_is_null(criteria) && !json_is_object(criteria))
        return rerr_set(e, ERR_INVALID_PARAMETER, "SearchCriteria", "SearchCriteria must be an object");
    if (search_json_criteria(e, json_is_object(criteria) ? criteria : NULL, &s->criteria) ||
        read_filter_json(e, json_object_get(doc, "SearchFilter"), &s->filter, &s->has_filter))
        return -1;
    s->sel.criteria = &s->criteria;
    s->sel.filter = s->has_filter ? &s->filter : NULL;
    return 0;
}

/* Answers 202 {"Job": j} and wakes the runner. */
static void accepted(api_call *c, const job_record *j)
{
    jobs_runner_wake(c->env->runner);
    c->out_body = roster_job_doc_as(j, c->cx.now_ms, c->cx.who, &c->out_len);
    c->status = 202;
}

static int bulk_edit(api_call *c)
{
    static const char *const members[] = {"Selection", "Changes", NULL};
    static const char *const params[] = {NULL};
    selection s;
    memset(&s, 0, sizeof s);
    json_t *changes;
    job_record j = {0};
    int rc = roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, NULL, members) ||
                     mj_obj(&c->err, c->in, NULL, "Changes", 1, &changes) || read_selection(c, &s) ||
                     bulk_submit_edit(&c->cx, c->labels[0], &s.sel, changes, &j, &c->err)
                 ? -1
                 : 0;
    if (rc == 0)
        accepted(c, &j);
    selection_clear(&s);
    job_clear(&j);
    return rc;
}

static int bulk_delete(api_call *c)
{
    static const char *const members[] = {"Selection", NULL};
    static const char *const params[] = {NULL};
    selection s;
    memset(&s, 0, sizeof s);
    job_record j = {0};
    int rc = roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, NULL, members) ||
                     read_selection(c, &s) || bulk_submit_delete(&c->cx, c->labels[0], &s.sel, &j, &c->err)
                 ? -1
                 : 0;
    if (rc == 0)
        accepted(c, &j);
    selection_clear(&s);
    job_clear(&j);
    return rc;
}

static int user_edits(api_call *c)
{
    static const char *const members[] = {"Edits", NULL};
    static const char *const params[] = {NULL};
    json_t *edits;
    job_record j = {0};
    int rc = roster_check_params(c->r, params, &c->err) || mj_only(&c->err, c->in, NULL, members) ||
                     mj_list(&c->err, c->in, NULL, "Edits", 1, &edits) ||
                     bulk_submit_user_edits(&c->cx, c->labels[0], edits, &j, &c->err)
                 ? -1
                 : 0;
    if (rc == 0)
        accepted(c, &j);
    job_clear(&j);
    return rc;
}

#define INST "/roster/v1/instances/{InstanceId}"
#define OWN (OP_NO_INSTANCE | OP_OWN_TX)

static const api_op ops[] = {
    {"BulkEditUsers", "POST", INST "/bulk-edits", CORE_BULK_EDIT, OWN, bulk_edit},
    {"BulkDeleteUsers", "POST", INST "/bulk-deletes", CORE_BULK_DELETE, OWN, bulk_delete},
    {"EditUsers", "POST", INST "/user-edits", CORE_BULK_EDIT, OWN, user_edits},
};

const api_op *roster_bulk_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}
