/* import_upload.c — submitting an import: the CSV read as it arrives, one stored item per row,
 * the job RECEIVING until the file has ended (see jobs.h). Memory stays bounded whatever the
 * file: rows go to the store in transactions of FLUSH_ROWS rows (or FLUSH_BYTES of cells). */
#include "jobs/jobs.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/validate.h"
#include "core/write.h"
#include "jobs/cells.h"
#include "jobs/csv_reader.h"
#include "jobs/import_row.h"
#include "jobs/import_run.h"
#include "jobs/template.h"
#include "util/ids.h"
#include "util/utf8.h"

#define FLUSH_ROWS 1000
#define FLUSH_BYTES (4u << 20)
#define FILE_NAME_MAX 255

struct import_upload {
    store_conn *conn;
    const keyring *kr;
    core_ctx cx;                 /* on conn, acting as the submitter */
    job_record job;
    char idm_type[24];
    size_t max_rows;
    csv_reader *reader;
    int have_header;
    json_t *header;              /* the header's cells as uploaded */
    char *header_error;          /* why the job fails, or NULL */
    int password_field;          /* the header field of the password column, or -1 */
    int login_field;
    int64_t rows;                /* data rows stored */
    job_item_record *pending;    /* rows not yet in the store */
    size_t n_pending;
    size_t pending_bytes;
    int failed;                  /* the upload cannot go on */
    rerr err;
    int finished;
};

static int insert_job(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_job_insert(cx->conn, arg);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "store the job", e);
}

static int insert_items(core_ctx *cx, void *arg, rerr *e)
{
    import_upload *u = arg;
    int rc = store_job_items_insert(cx->conn, u->pending, u->n_pending);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "store the file's rows", e);
}

/* Writes the rows read so far. Returns 0, or -1 (u->failed, u->err set). */
static int flush(import_upload *u)
{
    if (u->n_pending == 0)
        return 0;
    u->cx.now_ms = now_ms();
    int rc = core_write(&u->cx, insert_items, u, &u->err);
    for (size_t i = 0; i < u->n_pending; i++)
        job_item_clear(&u->pending[i]);
    u->n_pending = 0;
    u->pending_bytes = 0;
    if (rc) {
        u->failed = 1;
        return -1;
    }
    return 0;
}

static void on_header(import_upload *u, const csv_row *row)
{
    u->have_header = 1;
    u->header = json_array();
    for (size_t i = 0; i < row->n; i++) {
        buf b;
        buf_init(&b);
        utf8_repair(&b, row->fields[i], row->lens[i]);
        json_array_append_new(u->header, json_string(b.data ? b.data : ""));
        buf_free(&b);
    }
    char err[512];
    tpl_map map;
    if (row->error) {
        snprintf(err, sizeof err, "the header row cannot be read: %s", row->error);
        u->header_error = xstrdup(err);
    } else if (tpl_map_header(u->idm_type, u->job.mode, row->fields, row->lens, row->n, &map, err, sizeof err)) {
        u->header_error = xstrdup(err);
    } else {
        u->password_field = map.field_of_col[TPL_PASSWORD];
        u->login_field = map.field_of_col[TPL_LOGIN];
    }
}

/* One data row into an item (the password cell blanked and its value sealed). */
static void on_row(import_upload *u, const csv_row *row)
{
    job_item_record *it = &u->pending[u->n_pending++];
    memset(it, 0, sizeof *it);
    snprintf(it->job_id, sizeof it->job_id, "%s", u->job.id);
    it->seq = u->rows++;
    it->row = row->row;
    snprintf(it->state, sizeof it->state, "PENDING");
    json_t *cells = json_array();
    for (size_t i = 0; i < row->n; i++) {
        const char *cell = row->fields[i];
        if ((int)i == u->password_field && !row->error) {
            const char *pw = cells_formula_unescape(cell);
            if (*pw)
                it->secret = keyring_seal(u->kr, JOB_SECRET_AD(u->job.instance_id), pw, &it->secret_len);
            cell = "";
        }
        if (row->error) { /* the reader's verdict: keep what can be shown */
            buf b;
            buf_init(&b);
            utf8_repair(&b, (int)i == u->password_field ? "" : cell,
                        (int)i == u->password_field ? 0 : row->lens[i]);
            json_array_append_new(cells, json_string(b.data ? b.data : ""));
            buf_free(&b);
        } else {
            json_array_append_new(cells, json_stringn(cell, strlen(cell)));
        }
    }
    it->data_json = json_dumps(cells, JSON_COMPACT);
    json_decref(cells);
    if (row->error) {
        json_t *errs = json_array();
        import_error_add(errs, "", "", row->error);
        it->errors_json = json_dumps(errs, JSON_COMPACT);
        json_decref(errs);
    } else if (u->login_field >= 0 && (size_t)u->login_field < row->n) {
        const char *login = cells_formula_unescape(row->fields[u->login_field]);
        if (*login) {
            it->username = xstrdup(login);
            it->login_key = import_login_key(login);
        }
    }
    u->pending_bytes += it->data_json ? strlen(it->data_json) : 0;
}

static int on_record(void *cls, const csv_row *row)
{
    import_upload *u = cls;
    if (u->failed)
        return -1;
    if (!u->have_header) {
        on_header(u, row);
        return 0;
    }
    if (u->header_error)
        return 0; /* the job fails as a whole: its rows are not kept */
    size_t filled = 0;
    for (size_t i = 0; i < row->n; i++)
        filled += row->lens[i] > 0;
    if (filled == 0 && !row->error)
        return 0; /* a row of empty cells (",,,", as spreadsheets leave them) is a blank line */
    if ((size_t)u->rows >= u->max_rows) {
        u->failed = 1;
        rerr_set(&u->err, ERR_INVALID_REQUEST, NULL,
                 "the file has more than %zu rows, the most one import takes (ROSTER_IMPORT_MAX_ROWS); split it",
                 u->max_rows);
        return -1;
    }
    on_row(u, row);
    if (u->n_pending >= FLUSH_ROWS || u->pending_bytes >= FLUSH_BYTES)
        return flush(u);
    return 0;
}

import_upload *import_upload_begin(core_ctx *cx, store *st, const keyring *kr, const char *instance_ref,
                                   const import_request *q, const import_limits *lim, rerr *e)
{
    const char *mode = q->mode ? q->mode : "CREATE";
    static const char *const modes[] = {"CREATE", "UPSERT", NULL};
    if (validate_enum(e, "Mode", mode, modes))
        return NULL;
    if (q->file_name && (strlen(q->file_name) > FILE_NAME_MAX || utf8_cut(q->file_name, strlen(q->file_name)) != strlen(q->file_name))) {
        rerr_set(e, ERR_INVALID_PARAMETER, "FileName", "FileName is at most %d bytes of UTF-8", FILE_NAME_MAX);
        return NULL;
    }
    instance inst;
    core_action a = strcmp(mode, "UPSERT") == 0 ? CORE_IMPORT_UPSERT : CORE_IMPORT_CREATE;
    if (instances_resolve_for(cx, a, instance_ref, 1, &inst, e))
        return NULL;
    import_upload *u = calloc(1, sizeof *u);
    if (!u) {
        instance_clear(&inst);
        rerr_set(e, ERR_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    u->kr = kr;
    u->password_field = u->login_field = -1;
    u->max_rows = lim && lim->max_rows ? lim->max_rows : IMPORT_MAX_ROWS;
    snprintf(u->idm_type, sizeof u->idm_type, "%s", inst.idm_type);
    job_record *j = &u->job;
    uuid_v7(j->id);
    snprintf(j->instance_id, sizeof j->instance_id, "%s", inst.id);
    instance_clear(&inst);
    snprintf(j->kind, sizeof j->kind, "IMPORT");
    snprintf(j->state, sizeof j->state, "RECEIVING");
    snprintf(j->mode, sizeof j->mode, "%s", mode);
    j->dry_run = q->dry_run;
    j->atomic = q->atomic;
    j->file_name = q->file_name ? xstrdup(q->file_name) : NULL;
    j->submitted_ms = now_ms();
    const principal *who = cx->who ? cx->who : principal_cli();
    snprintf(j->submitter_kind, sizeof j->submitter_kind, "%s", principal_kind_name(who));
    snprintf(j->submitter_key_id, sizeof j->submitter_key_id, "%s", who->key_id);
    snprintf(j->submitter_user_id, sizeof j->submitter_user_id, "%s", who->user_id);
    j->submitted_by = xstrdup(who->username ? who->username : who->key_id[0] ? who->key_id : "cli");

    u->conn = store_conn_get(st);
    u->cx = (core_ctx){.conn = u->conn, .cfg = cx->cfg, .who = cx->who, .now_ms = now_ms()};
    u->pending = calloc(FLUSH_ROWS, sizeof *u->pending);
    u->reader = csv_reader_new(on_record, u);
    if (!u->conn || !u->pending || !u->reader) {
        rerr_set(e, u->conn ? ERR_INTERNAL : ERR_UNAVAILABLE, NULL,
                 u->conn ? "out of memory" : "The store is not available");
        u->finished = 1; /* nothing stored yet */
        import_upload_free(u);
        return NULL;
    }
    if (core_write(&u->cx, insert_job, &u->job, e)) {
        u->finished = 1;
        import_upload_free(u);
        return NULL;
    }
    return u;
}

int import_upload_feed(import_upload *u, const char *data, size_t n)
{
    if (u->failed)
        return -1;
    if (csv_reader_feed(u->reader, data, n) != 0 && !u->failed) {
        u->failed = 1;
        rerr_set(&u->err, ERR_INTERNAL, NULL, "the file could not be read (out of memory)");
    }
    return u->failed ? -1 : 0;
}

/* The end of an upload: the job QUEUED or FAILED, with its header and row count. */
static int close_job(core_ctx *cx, void *arg, rerr *e)
{
    import_upload *u = arg;
    json_t *params = json_object();
    json_object_set(params, "Header", u->header ? u->header : json_array());
    char *text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    int rc = store_job_set_params(cx->conn, u->job.id, text);
    free(text);
    const char *reason = !u->have_header ? "the file is empty: it has no header row" : u->header_error;
    job_counts d = {.total = u->rows};
    if (rc == STORE_OK && u->rows)
        rc = store_job_add_counts(cx->conn, u->job.id, &d);
    if (rc == STORE_OK)
        rc = store_job_set_state(cx->conn, u->job.id, reason ? "FAILED" : "QUEUED", reason, 0, reason ? cx->now_ms : 0);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "queue the job", e);
}

int import_upload_finish(import_upload *u, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (!u->failed && csv_reader_finish(u->reader) != 0 && !u->failed) {
        u->failed = 1;
        rerr_set(&u->err, ERR_INTERNAL, NULL, "the file could not be read (out of memory)");
    }
    if (!u->failed)
        flush(u);
    if (u->failed) {
        *e = u->err;
        return -1;
    }
    u->cx.now_ms = now_ms();
    if (core_write(&u->cx, close_job, u, e))
        return -1;
    u->finished = 1;
    int rc = store_job_get(u->conn, u->job.instance_id, u->job.id, out);
    return rc == STORE_OK ? 0 : core_store_error(&u->cx, rc, "read the job", e);
}

static int delete_job(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_job_delete(cx->conn, arg);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? 0 : core_store_error(cx, rc, "delete the job", e);
}

void import_upload_free(import_upload *u)
{
    if (!u)
        return;
    if (!u->finished && u->conn) {
        rerr e;
        u->cx.now_ms = now_ms();
        core_write(&u->cx, delete_job, u->job.id, &e); /* failing that, the purge takes it later */
    }
    for (size_t i = 0; u->pending && i < u->n_pending; i++)
        job_item_clear(&u->pending[i]);
    free(u->pending);
    csv_reader_free(u->reader);
    json_decref(u->header);
    free(u->header_error);
    job_clear(&u->job);
    store_conn_put(u->conn);
    free(u);
}
