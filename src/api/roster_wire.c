/* roster_wire.c — the roster API's wire shapes and query rules (see roster_wire.h). */
#include "api/roster_wire.h"

#include <stdlib.h>
#include <string.h>

#include "api/jsonio.h"
#include "core/paging.h"
#include "util/buf.h"

static const char content_csv[] = "text/csv; charset=utf-8";

json_t *roster_job_json(const job_record *j, int64_t now_ms)
{
    json_t *o = json_object();
    json_object_set_new(o, "JobId", json_string(j->id));
    json_object_set_new(o, "Kind", json_string(j->kind));
    json_object_set_new(o, "State", json_string(j->state));
    jset_str(o, "FailureReason", j->failure_reason, 1);
    jset_str(o, "Mode", j->mode, 1);
    json_object_set_new(o, "DryRun", json_boolean(j->dry_run));
    json_object_set_new(o, "Atomic", json_boolean(j->atomic));
    jset_str(o, "FileName", j->file_name, 1);
    json_t *counts = json_object();
    json_object_set_new(counts, "Total", json_integer(j->counts.total));
    json_object_set_new(counts, "Succeeded", json_integer(j->counts.succeeded));
    json_object_set_new(counts, "Failed", json_integer(j->counts.failed));
    json_object_set_new(counts, "Canceled", json_integer(j->counts.canceled));
    json_object_set_new(counts, "Pending", json_integer(jobs_pending(j)));
    json_object_set_new(counts, "Created", json_integer(j->counts.created));
    json_object_set_new(counts, "Updated", json_integer(j->counts.updated));
    json_object_set_new(counts, "Unchanged", json_integer(j->counts.unchanged));
    json_object_set_new(counts, "Deleted", json_integer(j->counts.deleted));
    json_object_set_new(o, "Counts", counts);
    json_object_set_new(o, "RowsPerSecond", json_real(jobs_rate(j, now_ms)));
    json_object_set_new(o, "SubmittedTime", jtime(j->submitted_ms));
    if (j->started_ms)
        json_object_set_new(o, "StartedTime", jtime(j->started_ms));
    if (j->finished_ms)
        json_object_set_new(o, "FinishedTime", jtime(j->finished_ms));
    jset_str(o, "SubmittedBy", j->submitted_by, 1);
    jset_str(o, "RetryOf", j->retry_of, 1);
    json_object_set_new(o, "Total", json_integer(j->counts.total));
    char *what = roster_job_description(j);
    json_object_set_new(o, "Description", json_string(what));
    free(what);
    if (strcmp(j->kind, "IMPORT") == 0 && j->params_json) {
        json_t *params = json_loads(j->params_json, 0, NULL); /* written by the import: {"Header": [...]} */
        json_t *header = json_object_get(params, "Header");
        if (json_is_array(header))
            json_object_set(o, "Header", header);
        json_decref(params);
    }
    return o;
}

/* n with thousands separators ("1,204") appended to b. */
static void put_count(buf *b, int64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf_putc(b, ',');
        buf_putc(b, digits[i]);
    }
}

char *roster_job_description(const job_record *j)
{
    buf b;
    buf_init(&b);
    int64_t n = j->counts.total;
    const char *users = n == 1 ? " user" : " users";
    if (strcmp(j->kind, "IMPORT") == 0) {
        buf_puts(&b, j->dry_run ? "Check of " : "Import of ");
        buf_puts(&b, j->file_name && *j->file_name ? j->file_name : "a CSV file");
        buf_puts(&b, " (");
        put_count(&b, n);
        buf_puts(&b, n == 1 ? " row)" : " rows)");
    } else if (strcmp(j->kind, "BULK_DELETE") == 0) {
        buf_puts(&b, "Delete ");
        put_count(&b, n);
        buf_puts(&b, users);
    } else if (strcmp(j->kind, "BULK_EDIT") == 0) {
        buf_puts(&b, "Bulk edit of ");
        put_count(&b, n);
        buf_puts(&b, users);
    } else if (strcmp(j->kind, "USER_EDITS") == 0) {
        buf_puts(&b, "Edits of ");
        put_count(&b, n);
        buf_puts(&b, users);
    } else {
        buf_printf(&b, "Job of %s", j->kind);
    }
    return buf_detach(&b);
}

json_t *roster_job_json_as(const job_record *j, int64_t now_ms, const principal *who)
{
    json_t *o = roster_job_json(j, now_ms);
    json_object_set_new(o, "CanDismiss", json_boolean(jobs_can_dismiss(who, j)));
    return o;
}

char *roster_job_doc_as(const job_record *j, int64_t now_ms, const principal *who, size_t *len)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "Job", roster_job_json_as(j, now_ms, who));
    char *body = jdump(doc, len);
    json_decref(doc);
    return body;
}

void roster_item_cells(json_t *o, const job_item_record *it)
{
    if (!it->data_json)
        return;
    json_t *cells = json_loads(it->data_json, 0, NULL); /* the row as uploaded, the password cell "" */
    if (json_is_array(cells))
        json_object_set_new(o, "Cells", cells);
    else
        json_decref(cells);
}

json_t *roster_item_json(const job_item_record *it)
{
    json_t *o = json_object();
    json_object_set_new(o, "Row", json_integer(it->row));
    json_object_set_new(o, "State", json_string(it->state));
    jset_str(o, "UserId", it->user_id, 1);
    jset_str(o, "Username", it->username, 1);
    jset_str(o, "Action", it->action, 1);
    if (it->errors_json) {
        /* written by the store from the core's errors: an array of {Column, Value, Message} */
        json_t *errors = json_loads(it->errors_json, 0, NULL);
        if (json_is_array(errors) && json_array_size(errors) > 0)
            json_object_set_new(o, "Errors", errors);
        else
            json_decref(errors);
    }
    return o;
}

int roster_check_params(const request *r, const char *const *allowed, rerr *e)
{
    buf unknown;
    buf_init(&unknown);
    size_t n_unknown = 0;
    for (size_t i = 0; i < r->n_params; i++) {
        const char *key = r->params[i].key;
        int known = 0;
        for (size_t k = 0; allowed[k] && !known; k++)
            known = strcmp(allowed[k], key) == 0;
        if (!known) {
            if (n_unknown++ < 8)
                buf_printf(&unknown, "%s'%.64s'", unknown.len ? ", " : "", key);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r->params[j].key, key) == 0) {
                buf_free(&unknown);
                return rerr_set(e, ERR_INVALID_PARAMETER, key, "Query parameter %s is given more than once", key);
            }
        }
    }
    if (n_unknown == 0) {
        buf_free(&unknown);
        return 0;
    }
    buf takes;
    buf_init(&takes);
    for (size_t k = 0; allowed[k]; k++)
        buf_printf(&takes, "%s%s", k ? ", " : "", allowed[k]);
    rerr_set(e, ERR_INVALID_PARAMETER, NULL, "Unknown query parameter%s %s%s; this operation takes %s",
             n_unknown > 1 ? "s" : "", unknown.data, n_unknown > 8 ? ", …" : "", takes.len ? takes.data : "none");
    buf_free(&unknown);
    buf_free(&takes);
    return -1;
}

int roster_bool_param(const request *r, const char *key, int *out, rerr *e)
{
    const char *v = request_param(r, key);
    *out = 0;
    if (!v || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "true") == 0) {
        *out = 1;
        return 0;
    }
    return rerr_set(e, ERR_INVALID_PARAMETER, key, "%s must be true or false (got '%.64s')", key, v);
}

int roster_max_results(const request *r, int64_t max, int64_t def, size_t *out, rerr *e)
{
    int64_t v = 0;
    int present;
    if (qget_int(e, r, "MaxResults", &v, &present))
        return -1;
    return page_size(e, "MaxResults", present, v, 1, max, def, out);
}

/* Appends name as the value of Content-Disposition: a quoted ASCII fallback (every byte that is
 * not printable ASCII, and '"', '\\', '%', ';', becomes '_') and filename* with every byte
 * outside RFC 5987's attr-char percent-encoded (RFC 6266). */
static void disposition(buf *out, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_puts(out, "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        int plain = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '%' && *p != ';';
        buf_putc(out, plain ? (char)*p : '_');
    }
    buf_puts(out, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p)) {
            buf_putc(out, (char)*p);
        } else {
            buf_putc(out, '%');
            buf_putc(out, hex[*p >> 4]);
            buf_putc(out, hex[*p & 15]);
        }
    }
}

void roster_respond_csv(request *r, const char *filename, const char *body, size_t len, const jobs_stream *s)
{
    if (s)
        request_respond_stream(r, 200, content_csv, s->read, s->cls, s->free);
    else
        request_respond(r, 200, content_csv, body, len);
    buf d;
    buf_init(&d);
    disposition(&d, filename && *filename ? filename : "roster.csv");
    request_add_header(r, "Content-Disposition", d.data);
    buf_free(&d);
}
