/* roster_upload.c — the streamed CSV upload of an import (see roster_upload.h). */
#include "api/roster_upload.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/roster_wire.h"
#include "api/session_door.h"
#include "auth/authenticate.h"
#include "util/ids.h"
#include "util/utf8.h"

#define FILE_NAME_MAX 255
#define HASH_HEADER "x-amz-content-sha256"

/* One upload between its headers and the end of its body; the request's body_sink_cls. */
typedef struct upload_ctx {
    const api_env *env;
    principal who;               /* the job acts for them; kept while the upload may use it */
    import_upload *u;
    crypto_hash_sha256_state sha;
    char signed_hash[65];        /* lowercase */
    int feed_failed;             /* import_upload_feed refused: the rest is only hashed */
    int by_session;              /* a console session's upload: no signed hash to compare */
} upload_ctx;

static void upload_ctx_free(void *cls)
{
    upload_ctx *x = cls;
    if (!x)
        return;
    import_upload_free(x->u); /* a job not finished is deleted with its items */
    principal_clear(&x->who);
    free(x);
}

/* The sink: every byte goes to the hash (so that a mismatch is still seen when the import
 * stopped early), and to the import until it refuses more. Never stops the body. */
static int upload_sink(void *cls, const char *data, size_t n)
{
    upload_ctx *x = cls;
    crypto_hash_sha256_update(&x->sha, (const unsigned char *)data, n);
    if (!x->feed_failed && import_upload_feed(x->u, data, n) != 0)
        x->feed_failed = 1;
    return 0;
}

/* Copies the signed payload hash of r, lowercased, into out. Returns 0, or -1 when the header
 * is absent or not 64 hex digits (UNSIGNED-PAYLOAD and STREAMING-… included). */
static int signed_hash(const request *r, char out[65])
{
    const char *v = request_header(r, HASH_HEADER);
    if (!v || strlen(v) != 64)
        return -1;
    for (size_t i = 0; i < 64; i++) {
        char ch = v[i];
        if (ch >= 'A' && ch <= 'F')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return -1;
        out[i] = ch;
    }
    out[64] = '\0';
    return 0;
}

/* 1 when the Content-Type of r is text/csv (any case, parameters such as charset allowed). */
static int is_csv(const request *r)
{
    const char *v = request_header(r, "content-type");
    if (!v)
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen("text/csv");
    if (strncasecmp(v, "text/csv", n) != 0)
        return 0;
    v += n;
    while (*v == ' ' || *v == '\t')
        v++;
    return *v == '\0' || *v == ';';
}

/* The query of an import into *q (its strings point into r). Returns 0 or -1 with *e set. */
static int import_query(const request *r, import_request *q, rerr *e)
{
    static const char *const params[] = {"Mode", "DryRun", "Atomic", "FileName", NULL};
    if (roster_check_params(r, params, e) || roster_bool_param(r, "DryRun", &q->dry_run, e) ||
        roster_bool_param(r, "Atomic", &q->atomic, e))
        return -1;
    q->mode = request_param(r, "Mode");
    if (q->mode && strcmp(q->mode, "CREATE") != 0 && strcmp(q->mode, "UPSERT") != 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Mode", "Mode must be CREATE or UPSERT (got '%.64s')", q->mode);
    q->file_name = request_param(r, "FileName");
    if (q->file_name) {
        size_t n = strlen(q->file_name);
        if (n > FILE_NAME_MAX)
            return rerr_set(e, ERR_INVALID_PARAMETER, "FileName", "FileName must be at most %d bytes (got %zu)",
                            FILE_NAME_MAX, n);
        for (size_t i = 0; i < n;) {
            size_t len = utf8_char_len((const unsigned char *)q->file_name + i, n - i, NULL);
            if (len == 0)
                return rerr_set(e, ERR_INVALID_PARAMETER, "FileName", "FileName must be valid UTF-8");
            i += len;
        }
        if (n == 0)
            q->file_name = NULL;
    }
    return 0;
}

/* Authenticates r into *who with conn (a short read transaction), by its signature or its console
 * session (*by_session set). Returns 0 or -1 with *e. */
static int authenticate(const api_env *env, store_conn *conn, request *r, principal *who, int *by_session, rerr *e)
{
    *by_session = session_door_wants(env, r);
    if (*by_session) {
        core_ctx scx = {.conn = conn, .cfg = env->cfg, .now_ms = now_ms()};
        return session_door_authenticate(env, &scx, r, who, e);
    }
    sigv4_request sr = {.method = r->method,
                        .raw_path = r->raw_path,
                        .raw_query = r->raw_query,
                        .headers = r->headers,
                        .n_headers = r->n_headers,
                        .body_deferred = 1};
    core_ctx cx = {.conn = conn, .cfg = env->cfg, .now_ms = now_ms()};
    if (store_begin(conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc = authenticate_sigv4(&cx, env->kr, &sr, time(NULL), who, e);
    store_rollback(conn);
    memcpy(r->log_key, who->key_id, sizeof r->log_key);
    return rc;
}

/* Does the work of roster_upload_prepare; returns 0 with the sink set on r, or -1 with *e set
 * and the status to answer in *status (0: the code's own). */
static int begin(const api_env *env, request *r, rerr *e, int *status)
{
    if (request_parse_uri(r) != 0)
        return rerr_set(e, ERR_INVALID_REQUEST, NULL, "%s", r->bad_uri);
    if (strcmp(r->method, "POST") != 0 || r->n_segments != 5 || r->segments[3][0] == '\0' ||
        strcmp(r->segments[4], "imports") != 0)
        return rerr_set(e, ERR_UNKNOWN_OPERATION, NULL, "No operation is served at %s %s", r->method, r->raw_path);
    char hash[65] = "";
    if (request_header(r, "authorization") && signed_hash(r, hash) != 0)
        return rerr_set(e, ERR_INVALID_REQUEST, HASH_HEADER,
                        "An upload must carry the header " HASH_HEADER ", signed: the SHA-256 of the body as 64 "
                        "hex digits (UNSIGNED-PAYLOAD is not accepted)");
    upload_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return rerr_set(e, ERR_INTERNAL, NULL, "Out of memory");
    x->env = env;
    memcpy(x->signed_hash, hash, sizeof hash);
    /* From here on x is r's: request_free frees it, and with it an upload begun. */
    r->body_sink_cls = x;
    r->body_sink_free = upload_ctx_free;
    store_conn *conn = store_conn_get(env->st);
    if (!conn)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is not available");
    int rc = -1;
    import_request q = {0};
    if (authenticate(env, conn, r, &x->who, &x->by_session, e) || import_query(r, &q, e))
        goto done;
    if (!is_csv(r)) {
        rerr_set(e, ERR_INVALID_REQUEST, "Content-Type", "An import's body must be a CSV file sent as Content-Type: text/csv");
        *status = 415;
        goto done;
    }
    core_ctx cx = {.conn = conn, .cfg = env->cfg, .now_ms = now_ms(), .who = &x->who};
    x->u = import_upload_begin(&cx, env->st, env->kr, r->segments[3], &q, &env->import_lim, e);
    if (!x->u)
        goto done;
    crypto_hash_sha256_init(&x->sha);
    r->body_sink = upload_sink;
    rc = 0;
done:
    store_conn_put(conn);
    return rc;
}

void roster_upload_prepare(const api_env *env, request *r)
{
    rerr e;
    int status = 0;
    if (begin(env, r, &e, &status) != 0)
        api_respond_error(r, &e, status);
}

void roster_upload_finish(const api_env *env, request *r)
{
    upload_ctx *x = r->body_sink == upload_sink ? r->body_sink_cls : NULL;
    rerr e;
    if (!x || !x->u) {
        rerr_set(&e, ERR_INTERNAL, NULL, "The upload was not begun");
        api_respond_error(r, &e, 0);
        return;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_final(&x->sha, digest);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    if (!x->by_session && strcmp(hex, x->signed_hash) != 0) {
        import_upload_free(x->u); /* deletes the job before the client hears of it */
        x->u = NULL;
        rerr_set(&e, ERR_INVALID_SIGNATURE, HASH_HEADER,
                 "The body's SHA-256 (%s) is not the signed " HASH_HEADER " (%s); no job was made", hex,
                 x->signed_hash);
        api_respond_error(r, &e, 400);
        return;
    }
    job_record j = {0};
    int rc = import_upload_finish(x->u, &j, &e);
    import_upload_free(x->u);
    x->u = NULL;
    if (rc != 0) {
        job_clear(&j); /* the caller's to clear, also on failure */
        api_respond_error(r, &e, 0);
        return;
    }
    jobs_runner_wake(env->runner);
    size_t len;
    char *body = roster_job_doc_as(&j, now_ms(), &x->who, &len);
    request_respond_take(r, 202, "application/json", body, len);
    job_clear(&j);
}
