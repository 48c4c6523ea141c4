/* documents.c — the CSV documents of jobs: the template of an instance, a job's failure report
 * and the export of users, the last two streamed page by page (see jobs.h). */
#include "jobs/bulk.h"
#include "jobs/bulk_run.h"
#include "jobs/jobs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/catalog.h"
#include "core/instances.h"
#include "core/user_rules.h"
#include "core/validate.h"
#include "jobs/cells.h"
#include "jobs/csv_writer.h"
#include "jobs/template.h"
#include "util/ids.h"

#define REPORT_PAGE 500

/* Resolves the instance (id or alias) for action a; *inst is the caller's to clear. */
static int resolve(core_ctx *cx, core_action a, const char *ref, instance *inst, rerr *e)
{
    return instances_resolve_for(cx, a, ref, 1, inst, e);
}

/* "<what>-<alias or id>.csv", with only [A-Za-z0-9._-] kept. Caller frees. */
static char *file_name(const char *what, const instance *inst)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s-", what);
    const char *name = inst->alias && *inst->alias ? inst->alias : inst->id;
    for (const char *p = name; *p && b.len < 100; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                 c == '_';
        buf_putc(&b, ok ? c : '_');
    }
    buf_puts(&b, ".csv");
    return buf_detach(&b);
}

/* Appends a record of n NUL-terminated cells (NULL lengths: csv_write_record measures them). */
static void record(buf *out, char *const *cells, size_t n)
{
    csv_write_record(out, cells, NULL, n);
}

/* The header record of an instance's template. */
static void header_record(buf *out, const char *idm_type)
{
    const tpl_col *cols;
    size_t n = tpl_columns(idm_type, &cols);
    char *cells[TPL__COUNT];
    for (size_t i = 0; i < n; i++)
        cells[i] = (char *)tpl_header_text(cols[i]);
    record(out, cells, n);
}

/* ---- the template ------------------------------------------------------------------------------- */

/* A row that imports into a new instance: its default routing profile and the Agent profile. */
static const char *example_cell(tpl_col c, int managed)
{
    switch (c) {
    case TPL_FIRST_NAME: return "Jane";
    case TPL_LAST_NAME: return "Doe";
    case TPL_EMAIL: return "jane.doe@example.com";
    case TPL_SECONDARY_EMAIL: return "";
    case TPL_MOBILE: return "+12065550100";
    case TPL_PASSWORD: return "Change-me-2-now";
    case TPL_LOGIN: return managed ? "jane.doe" : "jane.doe@example.com";
    case TPL_ROUTING_PROFILE: return "Basic Routing Profile";
    case TPL_SECURITY_PROFILES: return "Agent";
    case TPL_HIERARCHY: return "";
    case TPL_PHONE_TYPE: return "soft";
    case TPL_PHONE_NUMBER: return "";
    case TPL_AUTO_ACCEPT: return "no";
    case TPL_ACW: return "0";
    case TPL_TAGS: return "team|support||site|";
    default: return "";
    }
}

int jobs_template(core_ctx *cx, const char *instance_ref, int example, buf *out, char **filename, rerr *e)
{
    *filename = NULL;
    instance inst;
    if (resolve(cx, CORE_JOBS_VIEW, instance_ref, &inst, e))
        return -1;
    header_record(out, inst.idm_type);
    if (example) {
        const tpl_col *cols;
        size_t n = tpl_columns(inst.idm_type, &cols);
        int managed = strcmp(inst.idm_type, USER_IDM_CONNECT_MANAGED) == 0;
        char *cells[TPL__COUNT];
        for (size_t i = 0; i < n; i++)
            cells[i] = cells_formula_escape(example_cell(cols[i], managed));
        record(out, cells, n);
        for (size_t i = 0; i < n; i++)
            free(cells[i]);
    }
    *filename = file_name("users-template", &inst);
    instance_clear(&inst);
    return 0;
}

/* ---- streams: a buffer refilled a page at a time ------------------------------------------------ */

typedef struct doc_stream {
    store_conn *conn;
    core_ctx cx;
    principal who;               /* a copy of the caller's (the request's ends before the stream) */
    buf out;
    size_t sent;
    int done;
    int (*fill)(struct doc_stream *s); /* appends the next page to out; sets done at the end; -1 on failure */
    /* report */
    char job_id[ID_LEN];
    int64_t after_seq;
    json_t *header;
    char *change;                /* a batch's report: its change in words (BULK_EDIT, BULK_DELETE) */
    int skip[CSV_MAX_FIELDS];    /* header fields left out (a report's own row/error columns) */
    /* export */
    catalog cat;
    export_filter f;
    user_export_cursor *cursor;  /* inside a read transaction of conn */
    char instance_id[ID_LEN];
    char idm_type[24];
} doc_stream;

static long stream_read(void *cls, char *dst, size_t max)
{
    doc_stream *s = cls;
    while (s->sent == s->out.len && !s->done) {
        buf_reset(&s->out);
        s->sent = 0;
        if (s->fill(s) != 0)
            return -1;
    }
    size_t n = s->out.len - s->sent;
    if (n == 0)
        return 0;
    if (n > max)
        n = max;
    memcpy(dst, s->out.data + s->sent, n);
    s->sent += n;
    return (long)n;
}

static void stream_free(void *cls)
{
    doc_stream *s = cls;
    if (!s)
        return;
    store_conn_put(s->conn);
    buf_free(&s->out);
    json_decref(s->header);
    free(s->change);
    catalog_clear(&s->cat);
    free((char *)s->f.username_prefix);
    free((char *)s->f.routing_profile_id);
    free((char *)s->f.security_profile_id);
    free((char *)s->f.hierarchy_group_id);
    if (s->cursor) {
        store_user_export_close(s->cursor);
        store_rollback(s->conn); /* the read transaction */
    }
    principal_clear(&s->who);
    free(s);
}

/* A stream with its own connection, acting as a copy of cx->who. */
static doc_stream *stream_new(core_ctx *cx, store *st, rerr *e)
{
    doc_stream *s = calloc(1, sizeof *s);
    if (!s) {
        rerr_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    buf_init(&s->out);
    const principal *who = cx->who ? cx->who : principal_cli();
    s->who = *who;
    s->who.username = who->username ? xstrdup(who->username) : NULL;
    memset(&s->who.permissions, 0, sizeof s->who.permissions);
    for (size_t i = 0; i < who->permissions.n; i++)
        strlist_push(&s->who.permissions, who->permissions.items[i]);
    s->conn = store_conn_get(st);
    if (!s->conn) {
        stream_free(s);
        rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is not available");
        return NULL;
    }
    s->cx = (core_ctx){.conn = s->conn, .cfg = cx->cfg, .who = &s->who, .now_ms = cx->now_ms};
    return s;
}

/* ---- the failure report ------------------------------------------------------------------------ */

/* The job's header without its own row/error columns (an uploaded report), then row, error. */
static void report_header(doc_stream *s, const char *idm_type, const char *mode)
{
    size_t n = json_array_size(s->header);
    char *cells[CSV_MAX_FIELDS + 2];
    size_t lens[CSV_MAX_FIELDS];
    size_t k = 0;
    if (n > CSV_MAX_FIELDS)
        n = CSV_MAX_FIELDS;
    for (size_t i = 0; i < n; i++) {
        const char *h = json_string_value(json_array_get(s->header, i));
        cells[i] = (char *)(h ? h : "");
        lens[i] = strlen(cells[i]);
    }
    tpl_map m;
    char err[256];
    if (tpl_map_header(idm_type, mode, cells, lens, n, &m, err, sizeof err) == 0) {
        if (m.field_of_col[TPL_REPORT_ROW] >= 0)
            s->skip[m.field_of_col[TPL_REPORT_ROW]] = 1;
        if (m.field_of_col[TPL_REPORT_ERROR] >= 0)
            s->skip[m.field_of_col[TPL_REPORT_ERROR]] = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (!s->skip[i])
            cells[k++] = cells[i];
    cells[k++] = (char *)tpl_header_text(TPL_REPORT_ROW);
    cells[k++] = (char *)tpl_header_text(TPL_REPORT_ERROR);
    record(&s->out, cells, k);
}

/* Writes the next page of the job's failed items, each by row(); the last page sets s->done.
 * Returns 0, or -1 when the store fails. */
static int fill_failed(doc_stream *s, void (*row)(doc_stream *s, const job_item_record *it))
{
    job_item_list l = {0};
    int rc = store_job_items_page(s->conn, s->job_id, "FAILED", s->after_seq, REPORT_PAGE, &l);
    if (rc != STORE_OK)
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        s->after_seq = l.items[i].seq;
        row(s, &l.items[i]);
    }
    if (l.n < REPORT_PAGE)
        s->done = 1;
    job_item_list_clear(&l);
    return 0;
}

/* An import's failed row: its cells as uploaded (skipped columns left out), row, error. */
static void import_row(doc_stream *s, const job_item_record *it)
{
    json_error_t je;
    json_t *cells = it->data_json ? json_loads(it->data_json, 0, &je) : NULL;
    json_t *errors = it->errors_json ? json_loads(it->errors_json, 0, &je) : NULL;
    size_t n = json_array_size(cells);
    char **out = xmalloc((n + 2) * sizeof *out);
    size_t k = 0;
    for (size_t c = 0; c < n; c++) {
        if (c < CSV_MAX_FIELDS && s->skip[c])
            continue;
        const char *v = json_string_value(json_array_get(cells, c));
        out[k++] = (char *)(v ? v : "");
    }
    char row[24];
    snprintf(row, sizeof row, "%lld", (long long)it->row);
    buf msg;
    buf_init(&msg);
    for (size_t x = 0; x < json_array_size(errors); x++) {
        json_t *er = json_array_get(errors, x);
        const char *col = json_string_value(json_object_get(er, "Column"));
        const char *m = json_string_value(json_object_get(er, "Message"));
        if (x)
            buf_putc(&msg, '\n');
        if (col && *col)
            buf_printf(&msg, "%s: ", col);
        buf_puts(&msg, m ? m : "");
    }
    out[k++] = row;
    char *err = cells_formula_escape(msg.data ? msg.data : "");
    out[k++] = err;
    record(&s->out, out, k);
    free(err);
    buf_free(&msg);
    free(out);
    json_decref(cells);
    json_decref(errors);
}

static int fill_report(doc_stream *s)
{
    return fill_failed(s, import_row);
}

/* ---- a batch's failure report: user login, user id, change, reason ----------------------------- */

/* The edit of a USER_EDITS item in words: IdentityInfo.LastName=New; PhoneConfig.PhoneType=… */
static void edit_words(const char *data_json, buf *out)
{
    json_error_t je;
    json_t *doc = data_json ? json_loads(data_json, 0, &je) : NULL;
    const char *part;
    json_t *obj;
    json_object_foreach(doc, part, obj) {
        const char *k;
        json_t *v;
        json_object_foreach(obj, k, v) {
            if (out->len)
                buf_puts(out, "; ");
            if (json_is_string(v))
                buf_printf(out, "%s.%s=%s", part, k, json_string_value(v));
            else if (json_is_boolean(v))
                buf_printf(out, "%s.%s=%s", part, k, json_is_true(v) ? "true" : "false");
            else if (json_is_integer(v))
                buf_printf(out, "%s.%s=%lld", part, k, (long long)json_integer_value(v));
        }
    }
    json_decref(doc);
}

/* A batch's failed item: login, id, the change attempted, the reason. */
static void bulk_row(doc_stream *s, const job_item_record *it)
{
    json_error_t je;
    json_t *errors = it->errors_json ? json_loads(it->errors_json, 0, &je) : NULL;
    buf why, change;
    buf_init(&why);
    buf_init(&change);
    for (size_t x = 0; x < json_array_size(errors); x++) {
        const char *m = json_string_value(json_object_get(json_array_get(errors, x), "Message"));
        buf_printf(&why, "%s%s", x ? "\n" : "", m ? m : "");
    }
    if (s->change)
        buf_puts(&change, s->change);
    else
        edit_words(it->data_json, &change);
    char *cells[4] = {cells_formula_escape(it->username ? it->username : ""), (char *)it->user_id,
                      cells_formula_escape(change.data), cells_formula_escape(why.data)};
    record(&s->out, cells, 4);
    free(cells[0]);
    free(cells[2]);
    free(cells[3]);
    buf_free(&why);
    buf_free(&change);
    json_decref(errors);
}

static int fill_bulk_report(doc_stream *s)
{
    return fill_failed(s, bulk_row);
}

/* Readies s for the report of batch j. */
static void bulk_report(doc_stream *s, const job_record *j)
{
    static char *const header[] = {"user login", "user id", "change", "reason"};
    record(&s->out, header, 4);
    s->fill = fill_bulk_report;
    if (strcmp(j->kind, "BULK_DELETE") == 0) {
        s->change = xstrdup("delete the user");
    } else if (strcmp(j->kind, "BULK_EDIT") == 0) {
        json_error_t je;
        json_t *params = j->params_json ? json_loads(j->params_json, 0, &je) : NULL;
        bulk_changes c;
        rerr e;
        buf b;
        buf_init(&b);
        if (bulk_changes_read(&e, json_object_get(params, "Changes"), &c) == 0)
            bulk_changes_describe(&c, json_object_get(params, "Names"), &b);
        bulk_changes_clear(&c);
        s->change = buf_detach(&b);
        json_decref(params);
    }
}

int jobs_report_open(core_ctx *cx, store *st, const char *instance_ref, const char *job_id, jobs_stream *out,
                     char **filename, rerr *e)
{
    memset(out, 0, sizeof *out);
    *filename = NULL;
    job_record j;
    if (jobs_get(cx, instance_ref, job_id, &j, e))
        return -1;
    doc_stream *s = stream_new(cx, st, e);
    if (!s) {
        job_clear(&j);
        return -1;
    }
    snprintf(s->job_id, sizeof s->job_id, "%s", j.id);
    s->after_seq = -1;
    if (bulk_kind(j.kind)) {
        bulk_report(s, &j);
        buf b;
        buf_init(&b);
        buf_printf(&b, "failed-users-%s.csv", j.id);
        *filename = buf_detach(&b);
        job_clear(&j);
        *out = (jobs_stream){.read = stream_read, .free = stream_free, .cls = s};
        return 0;
    }
    json_error_t je;
    json_t *params = j.params_json ? json_loads(j.params_json, 0, &je) : NULL;
    s->header = json_incref(json_object_get(params, "Header"));
    json_decref(params);
    if (!json_is_array(s->header)) {
        json_decref(s->header);
        s->header = json_array();
    }
    instance inst;
    if (store_instance_get(s->conn, j.instance_id, &inst) == STORE_OK) {
        report_header(s, inst.idm_type, j.mode);
        instance_clear(&inst);
    } else {
        report_header(s, "", j.mode);
    }
    s->fill = fill_report;
    buf b;
    buf_init(&b);
    buf_printf(&b, "failed-rows-%s.csv", j.id);
    *filename = buf_detach(&b);
    job_clear(&j);
    *out = (jobs_stream){.read = stream_read, .free = stream_free, .cls = s};
    return 0;
}

/* ---- the export ------------------------------------------------------------------------------- */

/* 1 when the comma-joined ids hold id. */
static int ids_hold(const char *ids, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = ids; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* 1 when u passes the filter. */
static int wanted(const doc_stream *s, const user_export_row *u)
{
    const export_filter *f = &s->f;
    if (f->username_prefix && strncmp(u->username ? u->username : "", f->username_prefix, strlen(f->username_prefix)) != 0)
        return 0;
    if (f->routing_profile_id && strcmp(u->routing_profile_id ? u->routing_profile_id : "", f->routing_profile_id) != 0)
        return 0;
    if (f->security_profile_id && !ids_hold(u->profile_ids, f->security_profile_id))
        return 0;
    if (f->hierarchy_group_id &&
        !(u->hierarchy_group_id && catalog_group_within(&s->cat, u->hierarchy_group_id, f->hierarchy_group_id)))
        return 0;
    return 1;
}

/* The security profiles' names of comma-joined ids, in the cell's format (malloc'd). */
static char *profile_names(const doc_stream *s, const char *ids)
{
    strlist names = {0};
    char id[ID_LEN];
    for (const char *p = ids; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len < sizeof id) {
            memcpy(id, p, len);
            id[len] = '\0';
            const char *nm = catalog_security_name(&s->cat, id);
            if (nm)
                strlist_push(&names, nm);
        }
        p = comma ? comma + 1 : NULL;
    }
    char *cell = cells_join(&names);
    strlist_clear(&names);
    return cell;
}

/* The tags of a JSON array of [key, value] pairs, in the cell's format (malloc'd). */
static char *tag_cell(const char *tags_json)
{
    kvlist tags = {0};
    json_error_t je;
    json_t *a = tags_json ? json_loads(tags_json, 0, &je) : NULL;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *pair = json_array_get(a, i);
        const char *k = json_string_value(json_array_get(pair, 0)), *v = json_string_value(json_array_get(pair, 1));
        if (k)
            kvlist_add(&tags, k, v ? v : "");
    }
    json_decref(a);
    char *cell = cells_join_tags(&tags);
    kvlist_clear(&tags);
    return cell;
}

/* The cell of column c for user u (malloc'd, escaped for spreadsheets). */
static char *export_cell(const doc_stream *s, tpl_col c, const user_export_row *u)
{
    char num[24];
    char *plain = NULL;
    const char *text = "";
    switch (c) {
    case TPL_FIRST_NAME: text = u->first_name; break;
    case TPL_LAST_NAME: text = u->last_name; break;
    case TPL_EMAIL: text = u->email; break;
    case TPL_SECONDARY_EMAIL: text = u->secondary_email; break;
    case TPL_MOBILE: text = u->mobile; break;
    case TPL_PASSWORD: text = ""; break;
    case TPL_LOGIN: text = u->username; break;
    case TPL_ROUTING_PROFILE: text = catalog_routing_name(&s->cat, u->routing_profile_id ? u->routing_profile_id : ""); break;
    case TPL_SECURITY_PROFILES: plain = profile_names(s, u->profile_ids); break;
    case TPL_HIERARCHY: {
        const char *names[5];
        size_t n = u->hierarchy_group_id && *u->hierarchy_group_id
                       ? catalog_group_names(&s->cat, u->hierarchy_group_id, names)
                       : 0;
        strlist path = {0};
        for (size_t i = 0; i < n; i++)
            strlist_push(&path, names[i]);
        plain = cells_join(&path);
        strlist_clear(&path);
        break;
    }
    case TPL_PHONE_TYPE: text = u->phone_type && strcmp(u->phone_type, "DESK_PHONE") == 0 ? "desk" : "soft"; break;
    case TPL_PHONE_NUMBER: text = u->phone_number; break;
    case TPL_AUTO_ACCEPT: text = u->has_auto_accept && u->auto_accept ? "yes" : "no"; break;
    case TPL_ACW:
        snprintf(num, sizeof num, "%lld", (long long)(u->has_acw ? u->acw_seconds : 0));
        text = num;
        break;
    case TPL_TAGS: plain = tag_cell(u->tags_json); break;
    default: break;
    }
    char *cell = cells_formula_escape(plain ? plain : text ? text : "");
    free(plain);
    return cell;
}

#define EXPORT_FILL_BYTES (64 * 1024)

static int fill_export(doc_stream *s)
{
    const tpl_col *cols;
    size_t nc = tpl_columns(s->idm_type, &cols);
    char *cells[TPL__COUNT];
    while (s->out.len < EXPORT_FILL_BYTES) {
        user_export_row u;
        int rc = store_user_export_next(s->cursor, &u);
        if (rc == STORE_NOTFOUND) {
            s->done = 1;
            break;
        }
        if (rc != STORE_OK)
            return -1;
        if (!wanted(s, &u))
            continue;
        for (size_t c = 0; c < nc; c++)
            cells[c] = export_cell(s, cols[c], &u);
        record(&s->out, cells, nc);
        for (size_t c = 0; c < nc; c++)
            free(cells[c]);
    }
    return 0;
}

int export_open(core_ctx *cx, store *st, const char *instance_ref, const export_filter *f, jobs_stream *out,
                char **filename, rerr *e)
{
    memset(out, 0, sizeof *out);
    *filename = NULL;
    instance inst;
    if (resolve(cx, CORE_USERS_EXPORT, instance_ref, &inst, e))
        return -1;
    doc_stream *s = stream_new(cx, st, e);
    if (!s) {
        instance_clear(&inst);
        return -1;
    }
    snprintf(s->instance_id, sizeof s->instance_id, "%s", inst.id);
    snprintf(s->idm_type, sizeof s->idm_type, "%s", inst.idm_type);
    /* The names are read once, before the first page: an export is a list of users, not a
     * snapshot of the whole instance (a profile renamed meanwhile shows its new name from then on). */
    if (catalog_load(&s->cx, inst.id, &s->cat, e))
        goto fail;
    if (f) {
        if (f->username_prefix)
            s->f.username_prefix = xstrdup(f->username_prefix);
        if (f->routing_profile_id) {
            if (!catalog_routing_name(&s->cat, f->routing_profile_id)) {
                rerr_set(e, ERR_NOT_FOUND, "RoutingProfileId", "Routing profile not found: %.100s", f->routing_profile_id);
                goto fail;
            }
            s->f.routing_profile_id = xstrdup(f->routing_profile_id);
        }
        if (f->security_profile_id) {
            if (!catalog_security_name(&s->cat, f->security_profile_id)) {
                rerr_set(e, ERR_NOT_FOUND, "SecurityProfileId", "Security profile not found: %.100s",
                         f->security_profile_id);
                goto fail;
            }
            s->f.security_profile_id = xstrdup(f->security_profile_id);
        }
        if (f->hierarchy_group_id) {
            const char *names[5];
            if (!catalog_group_names(&s->cat, f->hierarchy_group_id, names)) {
                rerr_set(e, ERR_NOT_FOUND, "HierarchyGroupId", "Hierarchy group not found: %.100s", f->hierarchy_group_id);
                goto fail;
            }
            s->f.hierarchy_group_id = xstrdup(f->hierarchy_group_id);
        }
    }
    if (store_begin(s->conn, 0) != STORE_OK) {
        rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is not available");
        goto fail;
    }
    if (!(s->cursor = store_user_export_open(s->conn, inst.id))) {
        store_rollback(s->conn);
        rerr_set(e, ERR_INTERNAL, NULL, "cannot read the users");
        goto fail;
    }
    header_record(&s->out, inst.idm_type);
    s->fill = fill_export;
    *filename = file_name("users", &inst);
    instance_clear(&inst);
    *out = (jobs_stream){.read = stream_read, .free = stream_free, .cls = s};
    return 0;
fail:
    instance_clear(&inst);
    stream_free(s);
    return -1;
}
