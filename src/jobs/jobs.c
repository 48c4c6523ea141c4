/* jobs.c — reading jobs and their items, cancel and retry (see jobs.h). */
#include "jobs/jobs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/paging.h"
#include "core/validate.h"
#include "core/write.h"
#include "util/ids.h"
#include "util/num.h"

#define JOBS_TOKEN "jobs"
#define ITEMS_TOKEN "items"
#define CANCEL_WAIT_MS 1500

static const char *const job_states[] = {"QUEUED", "RUNNING", "COMPLETED", "CANCELED", "FAILED", NULL};
static const char *const item_states[] = {"PENDING", "SUCCEEDED", "FAILED", "CANCELED", NULL};

static int finished(const job_record *j)
{
    return strcmp(j->state, "COMPLETED") == 0 || strcmp(j->state, "CANCELED") == 0 || strcmp(j->state, "FAILED") == 0;
}

int64_t jobs_pending(const job_record *j)
{
    int64_t p = j->counts.total - j->counts.succeeded - j->counts.failed - j->counts.canceled;
    return p > 0 ? p : 0;
}

double jobs_rate(const job_record *j, int64_t now)
{
    if (!j->started_ms)
        return 0;
    int64_t end = j->finished_ms ? j->finished_ms : now;
    int64_t done = j->counts.succeeded + j->counts.failed;
    double secs = (double)(end - j->started_ms) / 1000.0;
    return secs > 0.001 ? (double)done / secs : (double)done * 1000.0;
}

/* Resolves the instance and checks action a there; writes its id into id. */
static int instance_for(core_ctx *cx, core_action a, const char *ref, char id[ID_LEN], rerr *e)
{
    instance inst;
    if (instances_resolve_for(cx, a, ref, 1, &inst, e))
        return -1;
    snprintf(id, ID_LEN, "%s", inst.id);
    instance_clear(&inst);
    return 0;
}

static int load_job(core_ctx *cx, const char *instance_id, const char *job_id, job_record *out, rerr *e)
{
    if (validate_id(e, "JobId", job_id, 64))
        return -1;
    int rc = store_job_get(cx->conn, instance_id, job_id, out);
    if (rc == STORE_OK && strcmp(out->state, "RECEIVING") == 0)
        rc = STORE_NOTFOUND; /* an upload still arriving is nobody's to see yet */
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "JobId", "Job not found: %.64s", job_id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the job", e);
}

int jobs_get(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char inst[ID_LEN];
    if (instance_for(cx, CORE_JOBS_VIEW, instance_ref, inst, e))
        return -1;
    return load_job(cx, inst, job_id, out, e);
}

/* A token's number (seq), from a page token of kind. */
static int token_seq(rerr *e, const char *field, const char *token, const char *kind, int64_t *seq)
{
    *seq = 0;
    if (!token || !*token)
        return 0;
    char *key = NULL, *id = NULL;
    if (page_token_decode(e, field, token, kind, &key, &id))
        return -1;
    int bad = parse_int64(key, 0, INT64_MAX, seq) != 0;
    free(key);
    free(id);
    return bad ? rerr_set(e, ERR_INVALID_PARAMETER, field, "%s is not a token this server gave", field) : 0;
}

static char *seq_token(const char *kind, int64_t seq)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)seq);
    return page_token_encode(kind, key, "");
}

int jobs_list(core_ctx *cx, const char *instance_ref, const char *state, const char *token, size_t limit,
              job_list *out, char **next, rerr *e)
{
    memset(out, 0, sizeof *out);
    *next = NULL;
    char inst[ID_LEN];
    int64_t before = 0;
    if (instance_for(cx, CORE_JOBS_VIEW, instance_ref, inst, e) || (state && validate_enum(e, "State", state, job_states)) ||
        validate_range(e, "MaxResults", (int64_t)limit, 1, 100) || token_seq(e, "NextToken", token, JOBS_TOKEN, &before))
        return -1;
    int rc = store_job_list(cx->conn, inst, state, before, limit + 1, out);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list the jobs", e);
    if (out->n > limit) {
        job_clear(&out->items[limit]);
        out->n = limit;
        *next = seq_token(JOBS_TOKEN, out->items[limit - 1].seq);
    }
    return 0;
}

int jobs_items(core_ctx *cx, const char *instance_ref, const char *job_id, const char *state, const char *token,
               size_t limit, job_item_list *out, char **next, rerr *e)
{
    memset(out, 0, sizeof *out);
    *next = NULL;
    char inst[ID_LEN];
    int64_t after = 0;
    job_record j;
    if (instance_for(cx, CORE_JOBS_VIEW, instance_ref, inst, e) || (state && validate_enum(e, "State", state, item_states)) ||
        validate_range(e, "MaxResults", (int64_t)limit, 1, 1000) || token_seq(e, "NextToken", token, ITEMS_TOKEN, &after) ||
        load_job(cx, inst, job_id, &j, e))
        return -1;
    job_clear(&j);
    int rc = store_job_items_page(cx->conn, job_id, state, token && *token ? after : -1, limit + 1, out);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "list the job's rows", e);
    if (out->n > limit) {
        job_item_clear(&out->items[limit]);
        out->n = limit;
        *next = seq_token(ITEMS_TOKEN, out->items[limit - 1].seq);
    }
    return 0;
}

/* The permission a change of job j needs (an import's mode, a batch's kind decides), checked
 * for action a. */
static int allow_change(core_ctx *cx, core_action a, const job_record *j, rerr *e)
{
    core_action need;
    const char *why;
    if (strcmp(j->kind, "BULK_DELETE") == 0) {
        need = CORE_BULK_DELETE;
        why = "changing a bulk delete";
    } else if (strcmp(j->kind, "BULK_EDIT") == 0 || strcmp(j->kind, "USER_EDITS") == 0) {
        need = CORE_BULK_EDIT;
        why = "changing a bulk edit";
    } else if (strcmp(j->mode, "UPSERT") == 0) {
        need = CORE_IMPORT_UPSERT;
        why = "changing an import in UPSERT mode";
    } else {
        need = CORE_IMPORT_CREATE;
        why = "changing an import in CREATE mode";
    }
    return core_allow_permission(cx, a, core_rule_of(need)->permission, why, "JobId", e);
}

#define CANCEL_STEP 10000 /* pending rows canceled in one transaction */

struct cancel_step {
    const char *job_id;
    int64_t n;
};

static int cancel_some(core_ctx *cx, void *arg, rerr *e)
{
    struct cancel_step *c = arg;
    int rc = store_job_cancel_some(cx->conn, c->job_id, CANCEL_STEP, &c->n);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "cancel the job's rows", e);
}

int jobs_cancel_rows(core_ctx *cx, const char *job_id, rerr *e)
{
    struct cancel_step c = {.job_id = job_id, .n = CANCEL_STEP};
    while (c.n >= CANCEL_STEP)
        if (core_write(cx, cancel_some, &c, e))
            return -1;
    return 0;
}

/* Records the cancel request. */
static int request_cancel(core_ctx *cx, void *arg, rerr *e)
{
    job_record *j = arg;
    int rc = store_job_request_cancel(cx->conn, j->id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "cancel the job", e);
}

struct job_end {
    const char *job_id, *state, *reason;
};

/* What is left pending CANCELED, the job in its final state, its unneeded secrets dropped. */
static int end_job(core_ctx *cx, void *arg, rerr *e)
{
    struct job_end *j = arg;
    int rc = store_job_cancel_pending(cx->conn, j->job_id, NULL);
    if (rc == STORE_OK)
        rc = store_job_set_state(cx->conn, j->job_id, j->state, j->reason, 0, cx->now_ms);
    if (rc == STORE_OK)
        rc = store_job_clear_secrets(cx->conn, j->job_id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "end the job", e);
}

int jobs_end(core_ctx *cx, const char *job_id, const char *state, const char *reason, rerr *e)
{
    struct job_end j = {job_id, state, reason};
    if (jobs_cancel_rows(cx, job_id, e))
        return -1;
    cx->now_ms = now_ms();
    return core_write(cx, end_job, &j, e);
}

int jobs_cancel(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char inst[ID_LEN];
    if (instance_for(cx, CORE_JOBS_CANCEL, instance_ref, inst, e) || load_job(cx, inst, job_id, out, e))
        return -1;
    int refused = allow_change(cx, CORE_JOBS_CANCEL, out, e);
    if (!refused && finished(out))
        refused = rerr_set(e, ERR_INVALID_REQUEST, "JobId",
                           "Job %s has already finished (%s): there is nothing to cancel", out->id, out->state);
    if (refused || core_write(cx, request_cancel, out, e) ||
        (strcmp(out->state, "QUEUED") == 0 &&
         jobs_end(cx, out->id, "CANCELED", NULL, e))) {
        job_clear(out); /* as every failure of this file: nothing left for the caller to clear */
        return -1;
    }
    /* A running job stops within a second: wait for it, so the answer shows what was canceled. */
    double until = mono_ms() + CANCEL_WAIT_MS;
    for (;;) {
        job_clear(out);
        if (load_job(cx, inst, job_id, out, e))
            return -1;
        if (finished(out) || mono_ms() >= until)
            return 0;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

struct retry_args {
    const job_record *from;
    job_record *to;
};

static int make_retry(core_ctx *cx, void *arg, rerr *e)
{
    struct retry_args *a = arg;
    int rc = store_job_insert(cx->conn, a->to);
    int64_t n = 0;
    if (rc == STORE_OK)
        rc = store_job_items_copy_failed(cx->conn, a->from->id, a->to->id, &n);
    job_counts d = {.total = n};
    if (rc == STORE_OK)
        rc = store_job_add_counts(cx->conn, a->to->id, &d);
    if (rc == STORE_OK)
        rc = store_job_set_state(cx->conn, a->to->id, "QUEUED", NULL, 0, 0);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "make the retry job", e);
}

int jobs_retry(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char inst[ID_LEN];
    job_record from;
    if (instance_for(cx, CORE_JOBS_RETRY, instance_ref, inst, e) || load_job(cx, inst, job_id, &from, e))
        return -1;
    int result = -1;
    if (allow_change(cx, CORE_JOBS_RETRY, &from, e))
        goto done;
    if (!finished(&from)) {
        rerr_set(e, ERR_INVALID_REQUEST, "JobId", "Job %s has not finished (%s): retry it once it has", from.id, from.state);
        goto done;
    }
    if (from.counts.failed == 0) {
        rerr_set(e, ERR_INVALID_REQUEST, "JobId", "Job %s has no failed row to retry", from.id);
        goto done;
    }
    job_record to = {0};
    uuid_v7(to.id);
    memcpy(to.instance_id, from.instance_id, ID_LEN);
    memcpy(to.kind, from.kind, sizeof to.kind);
    snprintf(to.state, sizeof to.state, "RECEIVING");
    memcpy(to.mode, from.mode, sizeof to.mode);
    to.dry_run = from.dry_run;
    to.atomic = from.atomic;
    to.file_name = from.file_name ? xstrdup(from.file_name) : NULL;
    to.params_json = from.params_json ? xstrdup(from.params_json) : NULL;
    to.retry_of = xstrdup(from.id);
    to.submitted_ms = cx->now_ms;
    const principal *who = cx->who ? cx->who : principal_cli();
    snprintf(to.submitter_kind, sizeof to.submitter_kind, "%s", principal_kind_name(who));
    snprintf(to.submitter_key_id, sizeof to.submitter_key_id, "%s", who->key_id);
    snprintf(to.submitter_user_id, sizeof to.submitter_user_id, "%s", who->user_id);
    to.submitted_by = xstrdup(who->username ? who->username : who->key_id[0] ? who->key_id : "cli");
    struct retry_args a = {.from = &from, .to = &to};
    if (core_write(cx, make_retry, &a, e) == 0)
        result = load_job(cx, inst, to.id, out, e);
    job_clear(&to);
done:
    job_clear(&from);
    return result;
}

/* ---- the console's banner -------------------------------------------------------------------- */

int jobs_can_dismiss(const principal *who, const job_record *j)
{
    const principal *p = who ? who : principal_cli();
    if (j->submitter_user_id[0] || p->user_id[0]) /* people: the same user, by any door */
        return strcmp(j->submitter_user_id, p->user_id) == 0;
    if (p->kind == PRINCIPAL_CLI)
        return strcmp(j->submitter_kind, "CLI") == 0;
    return j->submitter_key_id[0] && strcmp(j->submitter_key_id, p->key_id) == 0; /* an account key */
}

int jobs_banner(core_ctx *cx, const char *instance_ref, size_t limit, job_list *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char inst[ID_LEN];
    if (instance_for(cx, CORE_JOBS_VIEW, instance_ref, inst, e) || validate_range(e, "MaxResults", (int64_t)limit, 1, 100))
        return -1;
    int rc = store_job_banner(cx->conn, inst, cx->now_ms - JOBS_BANNER_KEEP_MS, limit, out);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "list the jobs", e);
}

static int dismiss(core_ctx *cx, void *arg, rerr *e)
{
    job_record *j = arg;
    int rc = store_job_dismiss(cx->conn, j->id, cx->now_ms);
    if (rc == STORE_OK && !j->dismissed_ms)
        j->dismissed_ms = cx->now_ms;
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "dismiss the job", e);
}

int jobs_dismiss(core_ctx *cx, const char *instance_ref, const char *job_id, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    char inst[ID_LEN];
    if (instance_for(cx, CORE_JOBS_DISMISS, instance_ref, inst, e) || load_job(cx, inst, job_id, out, e))
        return -1;
    if (!jobs_can_dismiss(cx->who, out)) {
        const principal *who = cx->who ? cx->who : principal_cli();
        return rerr_set(e, ERR_ACCESS_DENIED, "JobId",
                        "%s %s (key %s) is not authorized to perform DismissJob: only who submitted job %s (%s) may "
                        "dismiss it",
                        who->username ? "User" : "Key", who->username ? who->username : who->key_id, who->key_id,
                        out->id, out->submitted_by ? out->submitted_by : "someone else");
    }
    if (!finished(out))
        return rerr_set(e, ERR_INVALID_REQUEST, "JobId", "Job %s is %s: only a finished job can be dismissed", out->id,
                        out->state);
    return core_write(cx, dismiss, out, e);
}
