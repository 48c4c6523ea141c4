/* client.c — the CLI's HTTP client of a running server: settings, one signed libcurl request,
 * error answers as one line, query strings, --instance left out, downloads (client.h). */
#include "cli/client.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/utf8.h"

#define CONNECT_TIMEOUT_S 10L
#define JSON_TIMEOUT_S 120L      /* a whole JSON call */
#define STALL_TIME_S 300L        /* a streamed transfer that moves no byte for this long stops */
#define INSTANCE_PAGES_MAX 100   /* ListInstances pages followed (10 instances each) */

volatile sig_atomic_t client_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    client_interrupted = 1;
}

void client_catch_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

/* ---- settings ----------------------------------------------------------------------------------- */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int client_open(client *c, const char *endpoint_opt)
{
    memset(c, 0, sizeof *c);
    const char *key = env_nonempty("AWS_ACCESS_KEY_ID");
    const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
    if (!key || !secret) {
        cli_error("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an access key of the server "
                  "(roster keys create)");
        return EXIT_FAIL;
    }
    if (env_nonempty("AWS_SESSION_TOKEN")) {
        cli_error("AWS_SESSION_TOKEN is set, but roster's access keys have no session token: unset it");
        return EXIT_FAIL;
    }
    if (strchr(key, ':') || strlen(key) > 128 || strlen(secret) > 256) {
        cli_error("AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not an access key");
        return EXIT_FAIL;
    }
    const char *region = env_nonempty("AWS_REGION");
    if (!region)
        region = env_nonempty("AWS_DEFAULT_REGION");
    if (!region)
        region = "us-east-1";
    for (const char *p = region; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-') || p - region > 64) {
            cli_error("the region '%.64s' is not a region name", region);
            return EXIT_FAIL;
        }
    const char *ep = endpoint_opt && *endpoint_opt ? endpoint_opt : env_nonempty("AWS_ENDPOINT_URL");
    if (!ep)
        ep = CLIENT_DEFAULT_ENDPOINT;
    if ((strncmp(ep, "http://", 7) != 0 && strncmp(ep, "https://", 8) != 0) || strlen(ep) > 2048) {
        cli_error("the endpoint '%.200s' is not an http:// or https:// URL", ep);
        return endpoint_opt ? EXIT_USAGE : EXIT_FAIL;
    }
    size_t n = strlen(ep);
    while (n > 0 && ep[n - 1] == '/')
        n--;
    c->endpoint = xstrndup(ep, n);
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s:%s", key, secret);
    c->userpwd = buf_detach(&b);
    buf_init(&b);
    buf_printf(&b, "aws:amz:%s:connect", region);
    c->sigv4 = buf_detach(&b);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cli_error("cannot initialise libcurl");
        return EXIT_FAIL;
    }
    c->curl_ready = 1;
    return EXIT_OK;
}

void client_close(client *c)
{
    free(c->endpoint);
    if (c->userpwd) {
        memset(c->userpwd, 0, strlen(c->userpwd));
        free(c->userpwd);
    }
    free(c->sigv4);
    if (c->curl_ready)
        curl_global_cleanup();
    memset(c, 0, sizeof *c);
}

/* ---- one request -------------------------------------------------------------------------------- */

typedef struct xfer {
    CURL *h;
    const client_request *rq;
    client_response *rs;
    int sink_failed;             /* the sink refused bytes (a full disk, a closed pipe, too large) */
} xfer;

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    xfer *x = cls;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        x->rs->error_type[0] = '\0';  /* a new answer (after a 100 Continue) */
        return len;
    }
    static const char name[] = "x-amzn-errortype:";
    if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        const char *v = data + sizeof name - 1, *end = data + len;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        size_t k = 0;
        while (v + k < end && v[k] != ':' && v[k] != '\r' && v[k] != '\n' && k < sizeof x->rs->error_type - 1)
            k++;
        memcpy(x->rs->error_type, v, k);
        x->rs->error_type[k] = '\0';
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    xfer *x = cls;
    size_t len = size * n;
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        buf *eb = &x->rs->error_body;
        if (eb->len < CLIENT_ERROR_BODY_MAX)
            buf_append(eb, data, len < CLIENT_ERROR_BODY_MAX - eb->len ? len : CLIENT_ERROR_BODY_MAX - eb->len);
        return len;
    }
    const client_request *rq = x->rq;
    if (rq->out) {
        size_t max = rq->out_max ? rq->out_max : CLIENT_JSON_MAX;
        if (rq->out->len + len > max) {
            x->sink_failed = 1;
            return 0;
        }
        buf_append(rq->out, data, len);
    } else if (rq->out_file) {
        if (fwrite(data, 1, len, rq->out_file) != len) {
            x->sink_failed = 1;
            return 0;
        }
    } else if (rq->out_fn) {
        if (rq->out_fn(data, len, rq->out_cls) != len) {
            x->sink_failed = 1;
            return 0;
        }
    }
    return len;
}

static size_t on_read(char *out, size_t size, size_t n, void *cls)
{
    xfer *x = cls;
    size_t got = fread(out, 1, size * n, x->rq->file);
    if (got == 0 && ferror(x->rq->file))
        return CURL_READFUNC_ABORT;
    return got;
}

static int on_progress(void *cls, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)cls, (void)dt, (void)dn, (void)ut, (void)un;
    return client_interrupted ? 1 : 0;
}

/* Prints why no answer came: "cannot reach URL (reason); is "roster serve" running?". */
static void print_transport_error(const client *c, CURL *h, CURLcode rc, const xfer *x)
{
    if (rc == CURLE_WRITE_ERROR && x->sink_failed) {
        if (x->rq->out)
            cli_error("the answer of %s is larger than %zu bytes", c->endpoint,
                      x->rq->out_max ? x->rq->out_max : CLIENT_JSON_MAX);
        else
            cli_error("cannot write the answer: %s", strerror(errno ? errno : EIO));
        return;
    }
    if (rc == CURLE_READ_ERROR || rc == CURLE_ABORTED_BY_CALLBACK) {
        cli_error("cannot read the file to upload: %s", strerror(errno ? errno : EIO));
        return;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        cli_error("no answer from %s in time; is the server overloaded?", c->endpoint);
        return;
    }
    long os = 0;
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os);
    char reason[160];
    if (rc == CURLE_COULDNT_CONNECT && os > 0) {
        snprintf(reason, sizeof reason, "%s", strerror((int)os));
        reason[0] = (char)tolower((unsigned char)reason[0]);
    } else {
        snprintf(reason, sizeof reason, "%s", curl_easy_strerror(rc));
    }
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
        cli_error("cannot reach %s (%s); is \"roster serve\" running?", c->endpoint, reason);
    else
        cli_error("cannot reach %s (%s)", c->endpoint, reason);
}

int client_send(const client *c, const client_request *rq, client_response *rs)
{
    memset(rs, 0, sizeof *rs);
    buf_init(&rs->error_body);
    CURL *h = curl_easy_init();
    if (!h) {
        cli_error("cannot initialise libcurl");
        return CLIENT_FAILED;
    }
    xfer x = {h, rq, rs, 0};
    buf url, hdr;
    buf_init(&url);
    buf_init(&hdr);
    buf_printf(&url, "%s%s", c->endpoint, rq->path);
    if (rq->query && *rq->query)
        buf_printf(&url, "?%s", rq->query);
    struct curl_slist *headers = NULL;

    curl_easy_setopt(h, CURLOPT_URL, url.data);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, c->sigv4);
    curl_easy_setopt(h, CURLOPT_USERPWD, c->userpwd);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    if (rq->streaming) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_TIME_S);
    } else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT, JSON_TIMEOUT_S);
    }
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    headers = curl_slist_append(headers, "Accept: application/json, text/csv");
    if (strcmp(rq->method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        if (rq->file) {
            /* libcurl (7.87 and later) signs with this header's value as the payload hash
             * instead of hashing CURLOPT_POSTFIELDS, which a streamed body does not have. */
            buf_printf(&hdr, "x-amz-content-sha256: %s", rq->file_sha256_hex);
            headers = curl_slist_append(headers, hdr.data);
            buf_reset(&hdr);
            buf_printf(&hdr, "Content-Type: %s", rq->content_type ? rq->content_type : "text/csv");
            headers = curl_slist_append(headers, hdr.data);
            curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(h, CURLOPT_READDATA, &x);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->file_size);
        } else {
            const char *body = rq->json ? rq->json : "";
            if (rq->json)
                headers = curl_slist_append(headers, "Content-Type: application/json");
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        }
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    errno = 0;
    CURLcode rc = curl_easy_perform(h);
    int ret = CLIENT_SENT;
    if (rc == CURLE_ABORTED_BY_CALLBACK && client_interrupted) {
        ret = CLIENT_INTERRUPTED;
    } else if (rc != CURLE_OK) {
        print_transport_error(c, h, rc, &x);
        ret = CLIENT_FAILED;
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    buf_free(&url);
    buf_free(&hdr);
    return ret;
}

void client_response_free(client_response *rs)
{
    buf_free(&rs->error_body);
}

void client_put_one_line(buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max)
        n = utf8_cut(s, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf_putc(b, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch);
    }
}

void client_print_error(const client_response *rs)
{
    json_t *doc = json_loadb(rs->error_body.data, rs->error_body.len, 0, NULL);
    json_t *m = json_object_get(doc, "Message");
    if (!m)
        m = json_object_get(doc, "message");
    const char *msg = json_is_string(m) ? json_string_value(m) : NULL;
    buf line;
    buf_init(&line);
    if (msg && *msg) {
        client_put_one_line(&line, msg, 1000);
        if (rs->error_type[0]) {
            buf_puts(&line, " (");
            client_put_one_line(&line, rs->error_type, sizeof rs->error_type);
            buf_putc(&line, ')');
        }
    } else if (rs->error_type[0]) {
        client_put_one_line(&line, rs->error_type, sizeof rs->error_type);
        buf_printf(&line, " (HTTP %ld)", rs->status);
    } else {
        buf_printf(&line, "the server answered HTTP %ld", rs->status);
    }
    cli_error("%s", line.data);
    buf_free(&line);
    json_decref(doc);
}

int client_json(const client *c, client_request *rq, json_t **out, int *interrupted)
{
    *out = NULL;
    if (interrupted)
        *interrupted = 0;
    buf body;
    buf_init(&body);
    rq->out = &body;
    client_response rs;
    int sent = client_send(c, rq, &rs);
    rq->out = NULL;
    int rc = EXIT_FAIL;
    if (sent == CLIENT_INTERRUPTED) {
        if (interrupted)
            *interrupted = 1;
        else
            cli_error("interrupted");
    } else if (sent == CLIENT_SENT && (rs.status < 200 || rs.status > 299)) {
        client_print_error(&rs);
    } else if (sent == CLIENT_SENT) {
        json_error_t je;
        json_t *doc = json_loadb(body.data, body.len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(doc)) {
            cli_error("the server's answer to %s %s is not a JSON object", rq->method, rq->path);
            json_decref(doc);
        } else {
            *out = doc;
            rc = EXIT_OK;
        }
    }
    client_response_free(&rs);
    buf_free(&body);
    return rc;
}

/* ---- paths and query strings -------------------------------------------------------------------- */

int client_path_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 100)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return 0;
    return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static void put_escaped(buf *q, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(q, (char)*p);
        } else {
            buf_putc(q, '%');
            buf_putc(q, hex[*p >> 4]);
            buf_putc(q, hex[*p & 15]);
        }
    }
}

static int param_cmp(const void *a, const void *b)
{
    const client_param *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : strcmp(x->value ? x->value : "", y->value ? y->value : "");
}

void client_query_build(buf *q, client_param *params, size_t n)
{
    qsort(params, n, sizeof *params, param_cmp);
    int first = q->len == 0;
    for (size_t i = 0; i < n; i++) {
        if (!params[i].value)
            continue;
        if (!first)
            buf_putc(q, '&');
        first = 0;
        put_escaped(q, params[i].name);
        buf_putc(q, '=');
        put_escaped(q, params[i].value);
    }
}

/* ---- the instance ------------------------------------------------------------------------------- */

int client_instance(const client *c, const char *ref, char **out)
{
    *out = NULL;
    if (ref) {
        if (!client_path_ok(ref)) {
            cli_error("--instance '%.100s' is not an instance id or alias", ref);
            return EXIT_USAGE;
        }
        *out = xstrdup(ref);
        return EXIT_OK;
    }
    json_t *all = json_array();
    char *token = NULL;
    int rc = EXIT_OK;
    for (int page = 0; page < INSTANCE_PAGES_MAX; page++) {
        buf q;
        buf_init(&q);
        client_param p[] = {{"maxResults", "10"}, {"nextToken", token}};
        client_query_build(&q, p, 2);
        client_request rq = {.method = "GET", .path = "/instance", .query = q.data};
        json_t *doc;
        rc = client_json(c, &rq, &doc, NULL);
        buf_free(&q);
        free(token);
        token = NULL;
        if (rc != EXIT_OK)
            break;
        json_t *list = json_object_get(doc, "InstanceSummaryList");
        size_t i;
        json_t *it;
        json_array_foreach(list, i, it)
        {
            if (json_is_string(json_object_get(it, "Id")))
                json_array_append(all, it);
        }
        json_t *next = json_object_get(doc, "NextToken");
        if (json_is_string(next) && *json_string_value(next))
            token = xstrdup(json_string_value(next));
        json_decref(doc);
        if (!token)
            break;
    }
    free(token);
    if (rc == EXIT_OK) {
        size_t n = json_array_size(all);
        if (n == 0) {
            cli_error("the server has no instance (or none this key may see)");
            rc = EXIT_FAIL;
        } else if (n == 1) {
            *out = xstrdup(json_string_value(json_object_get(json_array_get(all, 0), "Id")));
        } else {
            buf m;
            buf_init(&m);
            size_t i;
            json_t *it;
            json_array_foreach(all, i, it)
            {
                if (i == 10) {
                    buf_printf(&m, ", … (%zu in all)", n);
                    break;
                }
                json_t *alias = json_object_get(it, "InstanceAlias");
                buf_puts(&m, i ? ", " : "");
                client_put_one_line(&m, json_string_value(json_object_get(it, "Id")), 100);
                if (json_is_string(alias)) {
                    buf_puts(&m, " (");
                    client_put_one_line(&m, json_string_value(alias), 100);
                    buf_putc(&m, ')');
                }
            }
            cli_error("there are %zu instances, choose one with --instance ID|ALIAS: %s", n, m.data);
            buf_free(&m);
            rc = EXIT_USAGE;
        }
    }
    json_decref(all);
    return rc;
}

/* ---- output ------------------------------------------------------------------------------------- */

int client_output_open(client_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    buf t;
    buf_init(&t);
    buf_printf(&t, "%s.XXXXXX", path);
    int fd = mkstemp(t.data);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(t.data);
        }
        buf_free(&t);
        return -1;
    }
    o->path = path;
    o->tmp = buf_detach(&t);
    return 0;
}

int client_output_finish(client_output *o, int ok)
{
    int rc = 0;
    if (!o->path) {
        if (fflush(stdout) != 0 && ok) {
            cli_error("cannot write the output: %s", strerror(errno));
            rc = -1;
        }
        return rc;
    }
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    if (ok && bad) {
        cli_error("cannot write %s: %s", o->path, strerror(errno ? errno : EIO));
        rc = -1;
    } else if (ok && rename(o->tmp, o->path) != 0) {
        cli_error("cannot write %s: %s", o->path, strerror(errno));
        rc = -1;
    }
    if (!ok || rc != 0)
        unlink(o->tmp);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
}

int client_download(const client *c, const char *path, const char *query, const char *out_path)
{
    client_output o;
    if (client_output_open(&o, out_path) != 0)
        return EXIT_FAIL;
    client_request rq = {.method = "GET", .path = path, .query = query, .out_file = o.f, .streaming = 1};
    client_response rs;
    int sent = client_send(c, &rq, &rs);
    int ok = sent == CLIENT_SENT && rs.status >= 200 && rs.status <= 299;
    if (sent == CLIENT_SENT && !ok)
        client_print_error(&rs);
    else if (sent == CLIENT_INTERRUPTED)
        cli_error("interrupted");
    client_response_free(&rs);
    if (client_output_finish(&o, ok) != 0)
        ok = 0;
    return ok ? EXIT_OK : EXIT_FAIL;
}
