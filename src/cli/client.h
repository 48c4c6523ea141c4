/* client.h — the roster CLI as an HTTP client of a running server (template, import, export,
 * jobs): settings read as the aws CLI reads them, one function that makes a SigV4-signed request
 * through libcurl (JSON, streamed-file or no body; the answer into a buf, a FILE or a callback),
 * the one-line message of an error answer, and the small things the client commands share
 * (path arguments, sorted query strings, --instance left out, -o FILE written atomically).
 *
 * Settings: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN is refused: roster's
 * keys have no session token), AWS_REGION or AWS_DEFAULT_REGION (default us-east-1), the endpoint
 * from --endpoint-url or AWS_ENDPOINT_URL (default CLIENT_DEFAULT_ENDPOINT).
 */
#ifndef ROSTER_CLI_CLIENT_H
#define ROSTER_CLI_CLIENT_H

#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

#define CLIENT_DEFAULT_ENDPOINT "http://127.0.0.1:8080"

/* The bound of a JSON answer held in memory, and of an error answer's body kept for its message. */
#define CLIENT_JSON_MAX ((size_t)16 * 1024 * 1024)
#define CLIENT_ERROR_BODY_MAX ((size_t)64 * 1024)

typedef struct client {
    char *endpoint;   /* without a trailing '/' */
    char *userpwd;    /* "key:secret" for CURLOPT_USERPWD */
    char *sigv4;      /* "aws:amz:REGION:connect" for CURLOPT_AWS_SIGV4 */
    int curl_ready;   /* curl_global_init done (client_close undoes it) */
} client;

/* Reads the settings. endpoint_opt: the --endpoint-url option or NULL. Returns EXIT_OK, or an
 * exit status after printing why (a missing key, a session token, an endpoint that is not
 * http(s)://). Release with client_close (also after a failed open). */
int client_open(client *c, const char *endpoint_opt);
void client_close(client *c);

/* Set (by a SIGINT handler the caller installs, client_catch_sigint) to stop the transfer under
 * way: client_send then answers CLIENT_INTERRUPTED. */
extern volatile sig_atomic_t client_interrupted;
/* Installs a SIGINT handler that sets client_interrupted (no SA_RESTART). */
void client_catch_sigint(void);

typedef size_t (*client_sink_fn)(const char *data, size_t n, void *cls); /* returns n, or less to stop */

typedef struct client_request {
    const char *method;          /* "GET" or "POST" */
    const char *path;            /* begins with '/'; built with client_path_ok arguments only */
    const char *query;           /* NULL, or from client_query_build (sorted, escaped) */
    /* The body: none (a POST then sends an empty one), a JSON text, or a file streamed from its
     * current position (file_size bytes, whose hex SHA-256 goes in x-amz-content-sha256). */
    const char *json;
    FILE *file;
    int64_t file_size;
    const char *file_sha256_hex;
    const char *content_type;    /* for the file; default text/csv */
    /* Where a 2xx answer's body goes: at most one of out (bounded by out_max, default
     * CLIENT_JSON_MAX), out_file, out_fn; none: discarded. Error answers never reach it. */
    buf *out;
    size_t out_max;
    FILE *out_file;
    client_sink_fn out_fn;
    void *out_cls;
    int streaming;               /* a long transfer: bounded by a stall time, not a total time */
} client_request;

typedef struct client_response {
    long status;                 /* HTTP status */
    char error_type[128];        /* X-Amzn-ErrorType without any ":…" suffix, or "" */
    buf error_body;              /* the body of a non-2xx answer, at most CLIENT_ERROR_BODY_MAX */
} client_response;

#define CLIENT_SENT 0            /* an answer arrived (any status) */
#define CLIENT_FAILED (-1)       /* no answer: the reason was printed ("cannot reach …") */
#define CLIENT_INTERRUPTED (-2)  /* client_interrupted stopped it; nothing printed */

/* Makes the signed request. rs is initialised here; release it with client_response_free.
 * Returns CLIENT_SENT, CLIENT_FAILED or CLIENT_INTERRUPTED. */
int client_send(const client *c, const client_request *rq, client_response *rs);
void client_response_free(client_response *rs);

/* Prints an error answer as one line: "roster: MESSAGE (TYPE)" from its {"Message"} and
 * X-Amzn-ErrorType (control characters replaced, length bounded); a body that is not such JSON
 * gives "roster: the server answered HTTP STATUS". */
void client_print_error(const client_response *rs);

/* Appends s to b with control characters as spaces, at most max bytes (cut at a UTF-8 boundary):
 * text from the server shown on one line. */
void client_put_one_line(buf *b, const char *s, size_t max);

/* A JSON request in one call: sends rq (its out is set here), and on a 2xx answer parses the
 * body into *out (caller json_decref's). Returns EXIT_OK, or EXIT_FAIL after printing why
 * (no answer, an error answer, a body that is not a JSON object). A transfer stopped by
 * client_interrupted returns EXIT_FAIL without printing, with *interrupted set (when not NULL). */
int client_json(const client *c, client_request *rq, json_t **out, int *interrupted);

/* 1 when s is usable as a path segment: 1..100 letters, digits, '-', '_' or '.' (instance ids
 * and aliases, job ids), so that the path needs no escaping. */
int client_path_ok(const char *s);

/* The query string of n (name, value) pairs, names sorted and every byte but A-Z a-z 0-9 - . _ ~
 * percent-escaped, as SigV4's canonical query string wants it (libcurl 7.88 signs the query as
 * sent). Appends to q; pairs with a NULL value are skipped. */
typedef struct client_param {
    const char *name;
    const char *value;
} client_param;
void client_query_build(buf *q, client_param *params, size_t n);

/* The instance to use: ref when given (checked with client_path_ok: else a usage error);
 * else the one instance ListInstances answers (several: a usage error listing them; none: a
 * failure). *out is malloc'd (caller frees). Returns EXIT_OK or the exit status after printing. */
int client_instance(const client *c, const char *ref, char **out);

/* Output to -o FILE or stdout. With a path, the data goes to a temporary file beside it that
 * client_output_finish renames over path on success (ok != 0) or removes otherwise, so a failed
 * download never leaves half a file or clobbers an old one. Returns 0, or -1 after printing. */
typedef struct client_output {
    FILE *f;
    const char *path;            /* NULL: stdout */
    char *tmp;
} client_output;
int client_output_open(client_output *o, const char *path);
/* Returns 0, or -1 after printing (a failed write or rename; the temporary file is removed). */
int client_output_finish(client_output *o, int ok);

/* A GET of a document (CSV) at path?query into -o FILE or stdout. Returns an exit status. */
int client_download(const client *c, const char *path, const char *query, const char *out_path);

#endif
