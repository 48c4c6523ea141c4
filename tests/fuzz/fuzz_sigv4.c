/* fuzz_sigv4.c — the SigV4 Authorization parser, the canonical request / string-to-sign
 * builder and the verifier (src/crypto/sigv4.h) on a request read from the input.
 *
 * The input is an HTTP/1.1 request as the captures in tests/data/captures/ hold it: a request
 * line "METHOD URI ...", header lines "Name: value" up to an empty line, then the body (lines
 * end in "\n" or "\r\n"). The header parse here is the harness's, not the server's (that is
 * libmicrohttpd): it only shapes the input into a sigv4_request. The verifier runs with the
 * secret the captures were signed with, so a capture seed reaches the signature-valid path.
 */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "crypto/sigv4.h"
#include "fuzz.h"
#include "http/request.h"

#define SIGV4_MAX_INPUT 65536
#define CAPTURE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define CAPTURE_NOW ((time_t)1795263974) /* 2026-11-21T12:26:14Z, the day of the captures */

typedef struct parsed {
    char *method;
    char *path;                  /* raw URI before '?' */
    char *query;                 /* after '?', or NULL */
    sigv4_header headers[REQUEST_MAX_HEADERS];
    size_t n_headers;
    const unsigned char *body;
    size_t body_len;
} parsed;

/* Cuts the next line out of *p (ending at '\n' or end); strips one trailing '\r'. Returns the
 * line (NUL-terminated in place), or NULL when *p is at the end. */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
    char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    *stop = '\0';
    if (stop > line && stop[-1] == '\r')
        stop[-1] = '\0';
    return line;
}

/* Shapes text (size bytes, a writable copy with a NUL after it) into *out, in place. */
static void parse_request(char *text, size_t size, parsed *out)
{
    char *p = text, *end = text + size;
    memset(out, 0, sizeof *out);
    char *line = next_line(&p, end);
    if (!line)
        line = text + size; /* "" */
    char *sp = strchr(line, ' ');
    out->method = line;
    char *uri = "";
    if (sp) {
        *sp = '\0';
        uri = sp + 1;
        char *sp2 = strchr(uri, ' ');
        if (sp2)
            *sp2 = '\0';
    }
    char *q = strchr(uri, '?');
    if (q)
        *q = '\0';
    out->path = uri;
    out->query = q ? q + 1 : NULL;
    while ((line = next_line(&p, end)) != NULL && *line) {
        char *colon = strchr(line, ':');
        if (!colon || out->n_headers == REQUEST_MAX_HEADERS)
            continue;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        out->headers[out->n_headers++] = (sigv4_header){line, v};
    }
    out->body = (const unsigned char *)p;
    out->body_len = (size_t)(end - p);
}

/* An Authorization stand-in when the header does not parse, so that the canonical request
 * builder still sees every header the input names: SignedHeaders lists them all. */
static void fallback_auth(const parsed *req, sigv4_auth *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->access_key_id, sizeof a->access_key_id, "AKIDEXAMPLE");
    snprintf(a->region, sizeof a->region, "us-east-1");
    snprintf(a->service, sizeof a->service, "connect");
    snprintf(a->date, sizeof a->date, "20261121");
    memset(a->signature, '0', 64);
    size_t len = 0;
    for (size_t i = 0; i < req->n_headers; i++) {
        int n = snprintf(a->signed_headers + len, sizeof a->signed_headers - len, "%s%s", len ? ";" : "",
                         req->headers[i].name);
        if (n < 0 || (size_t)n >= sizeof a->signed_headers - len) {
            a->signed_headers[len] = '\0';
            break;
        }
        len += (size_t)n;
    }
}

/* Builds the canonical request and runs the verifier under auth. */
static void exercise(const sigv4_request *req, const sigv4_auth *auth)
{
    buf b;
    buf_init(&b);
    int rc = sigv4_canonical_request(req, auth, &b);
    FUZZ_CHECK(rc == SIGV4_OK || rc == SIGV4_E_MALFORMED);
    FUZZ_CHECK(rc == SIGV4_OK || b.len == 0);
    buf_free(&b);

    uint8_t key[32];
    sigv4_derive_key(CAPTURE_SECRET, auth->date, auth->region, auth->service, key);
    int v1 = sigv4_verify(req, auth, key, CAPTURE_NOW, 0);
    int v2 = sigv4_verify(req, auth, key, CAPTURE_NOW, 1);
    FUZZ_CHECK(v1 <= 0 && v1 >= SIGV4_E_MISMATCH && v2 <= 0 && v2 >= SIGV4_E_MISMATCH);
    FUZZ_CHECK(v2 != SIGV4_OK || v1 == SIGV4_OK); /* checking the skew never makes it pass */
    (void)sigv4_strerror(v1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SIGV4_MAX_INPUT || sodium_init() < 0)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    parsed p;
    parse_request(text, size, &p);
    sigv4_request req = {.method = p.method, .raw_path = p.path, .raw_query = p.query, .headers = p.headers,
                         .n_headers = p.n_headers, .body = p.body, .body_len = p.body_len};

    const char *authz = NULL;
    for (size_t i = 0; i < p.n_headers && !authz; i++)
        if (strcasecmp(p.headers[i].name, "authorization") == 0)
            authz = p.headers[i].value;
    sigv4_auth auth;
    int rc = sigv4_parse_authorization(authz, &auth);
    FUZZ_CHECK(rc == SIGV4_OK || rc == SIGV4_E_MISSING || rc == SIGV4_E_MALFORMED);
    if (rc == SIGV4_OK) {
        FUZZ_CHECK(strlen(auth.signature) == 64 && strlen(auth.date) == 8);
        exercise(&req, &auth);
    } else {
        FUZZ_CHECK(auth.access_key_id[0] == '\0' && auth.signed_headers[0] == '\0');
    }
    sigv4_auth fb;
    fallback_auth(&p, &fb);
    exercise(&req, &fb);
    free(text);
    return 0;
}
