/* bulk_run.c — a batch's items, page by page and batch by batch (see bulk_run.h). */
#include "jobs/bulk_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instances.h"
#include "core/users.h"
#include "core/write.h"
#include "jobs/bulk.h"
#include "jobs/jobs.h"
#include "util/buf.h"
#include "util/ids.h"

#define PAGE_ITEMS 2000     /* items read at a time */
#define BATCH_MS 1000.0     /* a batch's transaction: up to a page or a second… */
#define BATCH_YIELD_MS 50.0 /* …giving way after this long to a waiting write */

enum { K_EDIT, K_DELETE, K_EDITS };

/* An item's outcome, kept until the batch's outcome callback records it. */
typedef struct item_out {
    char action[12];
} item_out;

typedef struct run {
    const job_env *env;
    core_ctx *cx;
    job_record *job;
    int kind;
    json_t *params;      /* BULK_EDIT: {"Changes", "Names"} */
    json_t *names;       /* borrowed from params */
    bulk_changes ch;
    job_item_list page;
    item_out *outs;
    job_counts delta;
} run;

int bulk_kind(const char *kind)
{
    return strcmp(kind, "BULK_EDIT") == 0 || strcmp(kind, "BULK_DELETE") == 0 || strcmp(kind, "USER_EDITS") == 0;
}

/* ---- one item ------------------------------------------------------------------------------------- */

/* Whether the change depends on the user as it is (its profiles, phone or tags): only then is the
 * user read first; users_update_tx reads it again itself, and a routing profile or a group
 * needs nothing more (reading it twice was a fifth of such an item). */
static int needs_user(const bulk_changes *c)
{
    return c->sp_mode != BULK_SP_NONE || c->has_phone || c->tags_add.keys.n + c->tags_remove.n > 0;
}

static int apply_edit(run *R, core_ctx *cx, const job_item_record *it, item_out *o, rerr *e)
{
    user_record u = {0};
    kvlist tags = {0};
    bulk_user_change uc;
    memset(&uc, 0, sizeof uc);
    if (needs_user(&R->ch) && users_get(cx, R->job->instance_id, it->user_id, &u, e))
        return -1;
    int rc = 0;
    if (R->ch.tags_add.keys.n + R->ch.tags_remove.n > 0) {
        int src = store_tags_get(cx->conn, it->user_id, &tags);
        if (src != STORE_OK)
            rc = core_store_error(cx, src, "read the user's tags", e);
    }
    if (rc == 0)
        rc = bulk_change_compute(&R->ch, &u, &tags, &uc, e);
    int changed = 0;
    if (rc == 0) {
        user_change ch = {.operation = "BulkEditUsers",
                          .routing_profile_id = R->ch.routing_profile_id,
                          .security_profile_ids = uc.set_profiles ? &uc.profiles : NULL,
                          .phone = uc.has_phone ? &uc.phone : NULL,
                          .set_hierarchy = R->ch.set_hierarchy,
                          .hierarchy_group_id = R->ch.hierarchy_group_id,
                          .set_tags = uc.set_tags,
                          .tags = uc.set_tags ? &uc.tags : NULL,
                          .set_disabled = R->ch.set_disabled,
                          .disabled = R->ch.disabled,
                          .changed = &changed};
        rc = users_update_tx(cx, R->job->instance_id, it->user_id, &ch, e);
    }
    if (rc == 0)
        snprintf(o->action, sizeof o->action, "%s", changed ? "UPDATED" : "UNCHANGED");
    bulk_user_change_clear(&uc);
    kvlist_clear(&tags);
    user_clear(&u);
    return rc;
}

static int apply_user_edit(run *R, core_ctx *cx, const job_item_record *it, item_out *o, rerr *e)
{
    json_error_t je;
    json_t *doc = it->data_json ? json_loads(it->data_json, 0, &je) : NULL;
    bulk_user_edit ed;
    int rc = bulk_user_edit_read(e, doc, "Edit", 0, &ed);
    int changed = 0;
    if (rc == 0) {
        user_change ch = {.operation = "EditUsers",
                          .identity = ed.identity_doc ? &ed.identity : NULL,
                          .phone = ed.phone_doc ? &ed.phone : NULL,
                          .changed = &changed};
        rc = users_update_tx(cx, R->job->instance_id, it->user_id, &ch, e);
    }
    if (rc == 0)
        snprintf(o->action, sizeof o->action, "%s", changed ? "UPDATED" : "UNCHANGED");
    json_decref(doc);
    return rc;
}

static int batch_item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    run *R = arg;
    const job_item_record *it = &R->page.items[i];
    item_out *o = &R->outs[i];
    o->action[0] = '\0';
    switch (R->kind) {
    case K_EDIT:
        return apply_edit(R, cx, it, o, e);
    case K_EDITS:
        return apply_user_edit(R, cx, it, o, e);
    default:
        if (users_delete_tx(cx, R->job->instance_id, it->user_id, e))
            return -1;
        snprintf(o->action, sizeof o->action, "DELETED");
        return 0;
    }
}

/* ---- outcomes ------------------------------------------------------------------------------------- */

static int field_is(const rerr *x, const char *f)
{
    return x->field[0] && strcmp(x->field, f) == 0;
}

static const char *name_in(run *R, const char *member, const char *id)
{
    json_t *v = json_object_get(R->names, member);
    return json_is_string(v) ? json_string_value(v) : id ? id : "?";
}

/* The reason of a failed item in words into out. */
static void reason(run *R, const rerr *x, buf *out)
{
    if (x->code == ERR_NOT_FOUND && field_is(x, "UserId"))
        buf_puts(out, "user was deleted before the change was applied");
    else if (x->code == ERR_NOT_FOUND && field_is(x, "HierarchyGroupId"))
        buf_printf(out, "hierarchy group \"%s\" was deleted before the change was applied",
                   name_in(R, "HierarchyGroup", R->ch.hierarchy_group_id));
    else if (x->code == ERR_NOT_FOUND && field_is(x, "RoutingProfileId"))
        buf_printf(out, "routing profile \"%s\" was deleted before the change was applied",
                   name_in(R, "RoutingProfile", R->ch.routing_profile_id));
    else if (x->code == ERR_NOT_FOUND && field_is(x, "SecurityProfileIds"))
        buf_printf(out, "a security profile of the change was deleted before the change was applied (%s)", x->message);
    else if (x->code == ERR_NOT_FOUND && !x->field[0])
        buf_puts(out, "a profile or group of the change was deleted before the change was applied");
    else if (x->code == ERR_INVALID_REQUEST && field_is(x, "UserId"))
        buf_puts(out, USER_MANAGED_MESSAGE);
    else if (x->code == ERR_INVALID_PARAMETER)
        buf_puts(out, x->message);
    else
        buf_printf(out, "%s: %s", err_aws_name(x->code), x->message);
}

static int batch_outcome(core_ctx *cx, void *arg, size_t i, int ok, const rerr *item_err, rerr *e)
{
    run *R = arg;
    job_item_record fin = R->page.items[i];
    snprintf(fin.state, sizeof fin.state, "%s", ok ? "SUCCEEDED" : "FAILED");
    snprintf(fin.action, sizeof fin.action, "%s", ok ? R->outs[i].action : "");
    fin.errors_json = NULL;
    if (!ok) {
        buf why;
        buf_init(&why);
        reason(R, item_err, &why);
        json_t *errs = json_pack("[{s:s, s:s, s:s}]", "Column", item_err->field, "Value", "", "Message", why.data);
        fin.errors_json = json_dumps(errs, JSON_COMPACT);
        json_decref(errs);
        buf_free(&why);
    }
    int rc = store_job_item_finish(cx->conn, &fin);
    free(fin.errors_json);
    if (rc == STORE_NOTFOUND)
        return 0; /* finished already (never twice) */
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "record an item's outcome", e);
    if (!ok) {
        R->delta.failed++;
        return 0;
    }
    R->delta.succeeded++;
    if (strcmp(fin.action, "UPDATED") == 0)
        R->delta.updated++;
    else if (strcmp(fin.action, "DELETED") == 0)
        R->delta.deleted++;
    else
        R->delta.unchanged++;
    return 0;
}

static int batch_end(core_ctx *cx, void *arg, size_t taken, rerr *e)
{
    (void)taken;
    run *R = arg;
    int rc = store_job_add_counts(cx->conn, R->job->id, &R->delta);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "count the job's items", e);
}

/* The batch's view: its counters reset when its transaction (re)starts at item first (an
 * optimistic batch may run its items twice). */
typedef struct counted {
    run *R;
    size_t first;
} counted;

static int batch_item_counted(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    counted *c = arg;
    if (i == c->first)
        memset(&c->R->delta, 0, sizeof c->R->delta);
    return batch_item(cx, c->R, i, e);
}

static int outcome_counted(core_ctx *cx, void *arg, size_t i, int ok, const rerr *item_err, rerr *e)
{
    return batch_outcome(cx, ((counted *)arg)->R, i, ok, item_err, e);
}

static int end_counted(core_ctx *cx, void *arg, size_t taken, rerr *e)
{
    return batch_end(cx, ((counted *)arg)->R, taken, e);
}

/* ---- the job ------------------------------------------------------------------------------------- */

/* 1 when the job was asked to stop (reads the flag from the store). */
static int cancel_requested(run *R)
{
    job_record now;
    int asked = store_job_get(R->cx->conn, R->job->instance_id, R->job->id, &now) == STORE_OK && now.cancel_requested;
    job_clear(&now);
    return asked;
}

static int end(run *R, const char *state, const char *why, rerr *e)
{
    if (jobs_end(R->cx, R->job->id, state, why, e))
        return -1;
    snprintf(R->job->state, sizeof R->job->state, "%s", state);
    return 0;
}

/* The page's items in batches; *whole 0 when it stopped early (cancel, stop). */
static int run_page(run *R, int *whole, rerr *e)
{
    size_t done = 0;
    *whole = 0;
    while (done < R->page.n) {
        counted c = {R, done};
        core_batch cb = {.item = batch_item_counted,
                         .outcome = outcome_counted,
                         .end = end_counted,
                         .arg = &c,
                         .first = done,
                         .count = R->page.n - done,
                         .max_items = PAGE_ITEMS,
                         .max_ms = BATCH_MS,
                         .yield_ms = BATCH_YIELD_MS,
                         .optimistic = 1,
                         .memo_refs = R->kind != K_DELETE,
                         .defer_audit = 1};
        size_t taken = 0;
        R->cx->now_ms = now_ms();
        if (core_write_batch(R->cx, &cb, &taken, NULL, e))
            return -1;
        done += taken;
        if (*R->env->stopping || cancel_requested(R))
            return 0;
    }
    *whole = 1;
    return 0;
}

static int run_items(run *R, rerr *e)
{
    for (;;) {
        if (*R->env->stopping)
            return 0;
        if (cancel_requested(R))
            return end(R, "CANCELED", NULL, e);
        job_item_list_clear(&R->page);
        int rc = store_job_items_pending(R->cx->conn, R->job->id, -1, PAGE_ITEMS, &R->page);
        if (rc != STORE_OK)
            return core_store_error(R->cx, rc, "read the job's items", e);
        if (R->page.n == 0)
            return end(R, "COMPLETED", NULL, e);
        free(R->outs);
        R->outs = xmalloc(R->page.n * sizeof *R->outs);
        int whole = 0;
        if (run_page(R, &whole, e))
            return -1;
        if (!whole)
            return *R->env->stopping ? 0 : end(R, "CANCELED", NULL, e);
    }
}

static int mark_running(core_ctx *cx, void *arg, rerr *e)
{
    job_record *j = arg;
    int rc = store_job_set_state(cx->conn, j->id, "RUNNING", NULL, cx->now_ms, 0);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "record the job's start", e);
}

int bulk_run(const job_env *env, core_ctx *cx, job_record *job)
{
    rerr e;
    rerr_clear(&e);
    run R = {.env = env, .cx = cx, .job = job};
    R.kind = strcmp(job->kind, "BULK_EDIT") == 0 ? K_EDIT : strcmp(job->kind, "BULK_DELETE") == 0 ? K_DELETE : K_EDITS;
    if (strcmp(job->state, "QUEUED") == 0) {
        cx->now_ms = now_ms();
        if (core_write(cx, mark_running, job, &e))
            return -1;
        snprintf(job->state, sizeof job->state, "RUNNING");
    }
    int result = 0;
    if (R.kind == K_EDIT) {
        json_error_t je;
        R.params = job->params_json ? json_loads(job->params_json, 0, &je) : NULL;
        R.names = json_object_get(R.params, "Names");
        rerr bad;
        if (bulk_changes_read(&bad, json_object_get(R.params, "Changes"), &R.ch)) {
            char why[300];
            snprintf(why, sizeof why, "the job's changes cannot be read: %.200s", bad.message);
            result = end(&R, "FAILED", why, &e);
            goto done;
        }
    }
    result = run_items(&R, &e);
done:
    if (result)
        fprintf(stderr, "roster: job %s: %s\n", job->id, e.message);
    job_item_list_clear(&R.page);
    free(R.outs);
    bulk_changes_clear(&R.ch);
    json_decref(R.params);
    return result;
}
