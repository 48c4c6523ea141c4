/* test_sigv4.c — unit tests for src/auth/sigv4.c: the reference test vectors, every raw
 * capture of real aws CLI / boto3 traffic, tampered variants of those captures, malformed
 * Authorization headers and hand-built canonicalisation cases.
 *
 * Captures are read from $ROSTER_TEST_DATA/captures (ctest sets it to tests/data, which holds
 * a copy of the reference captures); without it the path is derived from this source file's
 * location (../data).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/sigv4.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define MAX_HEADERS 64
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ---- capture loading ------------------------------------------------------- */

/* One raw HTTP request parsed in place; all strings point into raw (owned). Tests may
 * repoint fields at literals: capture_free frees only raw and the struct. */
typedef struct capture {
    char *raw;
    size_t raw_len;
    const char *method;
    const char *path;
    const char *query;
    sigv4_header headers[MAX_HEADERS];
    size_t n_headers;
    unsigned char *body;
    size_t body_len;
} capture;

/* "<reference dir>/<suffix>"; the caller frees. */
static char *ref_path(const char *suffix)
{
    buf b;
    buf_init(&b);
    const char *env = getenv("ROSTER_TEST_DATA");
    if (env && *env) {
        buf_puts(&b, env);
    } else {
        const char *slash = strrchr(__FILE__, '/');
        if (slash)
            buf_append(&b, __FILE__, (size_t)(slash - __FILE__));
        else
            buf_putc(&b, '.');
        buf_puts(&b, "/../data");
    }
    buf_printf(&b, "/%s", suffix);
    char *s = buf_detach(&b);
    buf_free(&b);
    return s;
}

/* Reads a whole file; NULL if it cannot be read. Caller frees. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap + 1);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *bigger = realloc(data, cap + 1);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(f);
    if (data)
        data[n] = '\0';
    *len = n;
    return data;
}

/* Parses "METHOD SP target SP version". False when malformed. */
static int parse_request_line(capture *c, char *line)
{
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2)
        return 0;
    *sp1 = *sp2 = '\0';
    c->method = line;
    c->path = sp1 + 1;
    char *q = strchr(sp1 + 1, '?');
    if (q) {
        *q = '\0';
        c->query = q + 1;
    }
    return 1;
}

/* Parses "Name: value" with the value's surrounding spaces removed. False when malformed. */
static int parse_header_line(capture *c, char *line)
{
    char *colon = strchr(line, ':');
    if (!colon || c->n_headers == MAX_HEADERS)
        return 0;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = '\0';
    c->headers[c->n_headers++] = (sigv4_header){line, v};
    return 1;
}

/* Loads and parses a raw .http capture; NULL when unreadable or malformed. */
static capture *capture_load(const char *path)
{
    capture *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->raw = read_all(path, &c->raw_len);
    char *end = c->raw ? strstr(c->raw, "\r\n\r\n") : NULL;
    if (!end) {
        free(c->raw);
        free(c);
        return NULL;
    }
    *end = '\0';
    c->body = (unsigned char *)end + 4;
    c->body_len = c->raw_len - (size_t)(c->body - (unsigned char *)c->raw);
    int ok = 1;
    char *line = c->raw;
    for (int first = 1; ok && line; first = 0) {
        char *eol = strstr(line, "\r\n");
        if (eol)
            *eol = '\0';
        ok = first ? parse_request_line(c, line) : parse_header_line(c, line);
        line = eol ? eol + 2 : NULL;
    }
    if (!ok) {
        free(c->raw);
        free(c);
        return NULL;
    }
    return c;
}

static capture *load_named(const char *name)
{
    buf rel;
    buf_init(&rel);
    buf_printf(&rel, "captures/%s", name);
    char *path = ref_path(rel.data);
    buf_free(&rel);
    capture *c = capture_load(path);
    if (!c)
        fail_msg("cannot load capture %s", path);
    free(path);
    return c;
}

static void capture_free(capture *c)
{
    if (c)
        free(c->raw);
    free(c);
}

/* The first value of header name, or NULL. */
static const char *cap_header(const capture *c, const char *name)
{
    for (size_t i = 0; i < c->n_headers; i++)
        if (strcasecmp(c->headers[i].name, name) == 0)
            return c->headers[i].value;
    return NULL;
}

/* Repoints the first header called name at value (which must outlive the capture). */
static void cap_set_header(capture *c, const char *name, const char *value)
{
    for (size_t i = 0; i < c->n_headers; i++)
        if (strcasecmp(c->headers[i].name, name) == 0) {
            c->headers[i].value = value;
            return;
        }
    fail_msg("no header %s", name);
}

static void cap_remove_header(capture *c, const char *name)
{
    for (size_t i = 0; i < c->n_headers; i++)
        if (strcasecmp(c->headers[i].name, name) == 0) {
            memmove(&c->headers[i], &c->headers[i + 1],
                    (c->n_headers - i - 1) * sizeof c->headers[0]);
            c->n_headers--;
            return;
        }
}

static sigv4_request cap_request(const capture *c)
{
    return (sigv4_request){
        .method = c->method, .raw_path = c->path, .raw_query = c->query,
        .headers = c->headers, .n_headers = c->n_headers,
        .body = c->body, .body_len = c->body_len,
    };
}

/* Full pipeline as the server would run it: parse Authorization, derive the key from the
 * scope and the secret, verify. Returns the first non-OK status. */
static int verify_with(const capture *c, const char *secret, time_t now, int check_skew)
{
    sigv4_auth auth;
    int rc = sigv4_parse_authorization(cap_header(c, "authorization"), &auth);
    if (rc != SIGV4_OK)
        return rc;
    uint8_t key[32];
    sigv4_derive_key(secret, auth.date, auth.region, auth.service, key);
    sigv4_request req = cap_request(c);
    return sigv4_verify(&req, &auth, key, now, check_skew);
}

static int verify_cap(const capture *c)
{
    return verify_with(c, SECRET, 0, 0);
}

/* Loads name, checks it verifies, and returns it for tampering. */
static capture *load_valid(const char *name)
{
    capture *c = load_named(name);
    assert_int_equal(verify_cap(c), SIGV4_OK);
    return c;
}

static void hex(const uint8_t *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", in[i]);
}

/* ---- reference vectors ----------------------------------------------------- */

static const char TAG_CREQ[] =
    "POST\n"
    "/tags/arn%253Aaws%253Aconnect%253Aus-east-1%253A123456789012%253Ainstance%252F"
    "11111111-2222-3333-4444-555555555555%252Fagent%252Faaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n"
    "\n"
    "content-type:application/json\n"
    "host:127.0.0.1:44841\n"
    "x-amz-date:20261121T122624Z\n"
    "\n"
    "content-type;host;x-amz-date\n"
    "bcbab592040cd8ddaac93d8f7ead57727a8a3955a505b6a42050fd5c44237d36";

static void test_vector_tag_resource(void **state)
{
    (void)state;
    capture *c = load_named("tag-resource.http");
    sigv4_auth auth;
    assert_int_equal(sigv4_parse_authorization(cap_header(c, "Authorization"), &auth), SIGV4_OK);
    assert_string_equal(auth.access_key_id, "AKIDEXAMPLE");
    assert_string_equal(auth.date, "20261121");
    assert_string_equal(auth.region, "us-east-1");
    assert_string_equal(auth.service, "connect");
    assert_string_equal(auth.signed_headers, "content-type;host;x-amz-date");
    assert_string_equal(auth.signature,
                        "aa7178b55bb9cecf0d230bfb538b1e970951cbda74377e00cffa6f3d52c8d69c");

    sigv4_request req = cap_request(c);
    buf b;
    buf_init(&b);
    assert_int_equal(sigv4_canonical_request(&req, &auth, &b), SIGV4_OK);
    assert_string_equal(b.data, TAG_CREQ);

    uint8_t h[32];
    char hx[65];
    crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
    hex(h, 32, hx);
    assert_string_equal(hx, "03aee5009bea42f3d89cf23acebae8fc20d98f753d4a9b5c431ebd29c1ad0da8");

    uint8_t key[32];
    sigv4_derive_key(SECRET, "20261121", "us-east-1", "connect", key);
    hex(key, 32, hx);
    assert_string_equal(hx, "b3876b59c047bb30583a80a8a654d45438b15ab66fbdaef278e933ce762362dd");

    buf sts;
    buf_init(&sts);
    buf_printf(&sts, "AWS4-HMAC-SHA256\n20261121T122624Z\n20261121/us-east-1/connect/aws4_request\n"
                     "03aee5009bea42f3d89cf23acebae8fc20d98f753d4a9b5c431ebd29c1ad0da8");
    crypto_auth_hmacsha256(h, (const unsigned char *)sts.data, sts.len, key);
    hex(h, 32, hx);
    assert_string_equal(hx, "aa7178b55bb9cecf0d230bfb538b1e970951cbda74377e00cffa6f3d52c8d69c");

    assert_int_equal(sigv4_verify(&req, &auth, key, 0, 0), SIGV4_OK);
    buf_free(&sts);
    buf_free(&b);
    capture_free(c);
}

/* Returns line number idx (0-based) of the canonical request for c, malloc'd. */
static char *creq_line(const capture *c, int idx)
{
    sigv4_auth auth;
    assert_int_equal(sigv4_parse_authorization(cap_header(c, "authorization"), &auth), SIGV4_OK);
    sigv4_request req = cap_request(c);
    buf b;
    buf_init(&b);
    assert_int_equal(sigv4_canonical_request(&req, &auth, &b), SIGV4_OK);
    char *p = b.data;
    for (int i = 0; i < idx; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t n = strcspn(p, "\n");
    char *line = xstrndup(p, n);
    buf_free(&b);
    return line;
}

static void test_vector_query(void **state)
{
    (void)state;
    capture *c = load_valid("list-users-page-size.2.http");
    char *q = creq_line(c, 2);
    assert_string_equal(q, "maxResults=10&nextToken=tok%2Fwith%2Bspecial%3Dchars%3D%3D");
    free(q);
    char *uri = creq_line(c, 1);
    assert_string_equal(uri, "/users-summary/11111111-2222-3333-4444-555555555555");
    free(uri);
    capture_free(c);
}

/* ---- every capture --------------------------------------------------------- */

/* Verifies every .http file in dir; adds to *verified and *skipped. */
static void verify_dir(const char *dir, int *verified, int *skipped)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open capture directory %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".http") != 0)
            continue;
        buf path;
        buf_init(&path);
        buf_printf(&path, "%s/%s", dir, e->d_name);
        capture *c = capture_load(path.data);
        if (!c)
            fail_msg("capture %s is not a parsable HTTP request", path.data);
        if (!cap_header(c, "authorization")) {
            print_message("skipped %s: no Authorization header\n", path.data);
            (*skipped)++;
        } else {
            int rc = verify_cap(c);
            if (rc != SIGV4_OK)
                fail_msg("%s: %s", path.data, sigv4_strerror(rc));
            (*verified)++;
        }
        capture_free(c);
        buf_free(&path);
    }
    closedir(d);
}

static void test_all_captures(void **state)
{
    (void)state;
    int verified = 0, skipped = 0;
    static const char *const dirs[] = {"captures", "captures/retry-429-throttling"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *dir = ref_path(dirs[i]);
        verify_dir(dir, &verified, &skipped);
        free(dir);
    }
    print_message("captures verified: %d, skipped (no Authorization): %d\n", verified, skipped);
    assert_true(verified >= 25);
}

/* ---- tampering ------------------------------------------------------------- */

static void test_tamper_method(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    c->method = "DELETE";
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    capture_free(c);
}

static void test_tamper_path(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    c->path = "/users/11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeef";
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    capture_free(c);
}

static void test_tamper_query(void **state)
{
    (void)state;
    capture *c = load_valid("list-users-page-size.2.http");
    c->query = "maxResults=11&nextToken=tok%2Fwith%2Bspecial%3Dchars%3D%3D";
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    c->query = "maxResults=10&nextToken=tok%2Fwith%2Bspecial%3Dchars%3D%3D&extra=1";
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    c->query = "maxResults=10";
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    /* Equivalent encodings of the same pairs, in another order, still verify. */
    c->query = "nextToken=tok%2fwith%2bspecial%3dchars%3d%3d&maxResults=10";
    assert_int_equal(verify_cap(c), SIGV4_OK);
    capture_free(c);
}

static void test_tamper_host(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    cap_set_header(c, "host", "127.0.0.1:34296");
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    cap_remove_header(c, "host");
    assert_int_equal(verify_cap(c), SIGV4_E_MALFORMED);
    capture_free(c);
}

static void test_tamper_unsigned_header_ok(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    cap_set_header(c, "user-agent", "something else");
    assert_int_equal(verify_cap(c), SIGV4_OK);
    capture_free(c);
}

static void test_tamper_body(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    c->body[10] ^= 1;
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    c->body[10] ^= 1;
    c->body_len--;
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    capture_free(c);
}

static void test_tamper_date(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    cap_set_header(c, "x-amz-date", "20261121T122625Z");
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    cap_set_header(c, "x-amz-date", "20261122T122624Z");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    cap_set_header(c, "x-amz-date", "20261121T122624");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    cap_set_header(c, "x-amz-date", "20261121 122624Z");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    cap_set_header(c, "x-amz-date", "20261121T252624Z");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    cap_set_header(c, "x-amz-date", "");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    cap_remove_header(c, "x-amz-date");
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    capture_free(c);
}

static void test_duplicate_date_rejected(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    c->headers[c->n_headers++] = (sigv4_header){"X-Amz-Date", "20261121T122615Z"};
    assert_int_equal(verify_cap(c), SIGV4_E_DATE);
    capture_free(c);
}

/* Replaces the first occurrence of from with to in the capture's Authorization header; the
 * returned string is owned by the caller and must outlive the capture's use. */
static char *auth_replace(capture *c, const char *from, const char *to)
{
    const char *a = cap_header(c, "authorization");
    const char *at = strstr(a, from);
    assert_non_null(at);
    buf b;
    buf_init(&b);
    buf_append(&b, a, (size_t)(at - a));
    buf_puts(&b, to);
    buf_puts(&b, at + strlen(from));
    char *s = buf_detach(&b);
    buf_free(&b);
    cap_set_header(c, "authorization", s);
    return s;
}

static void test_tamper_region(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    char *s = auth_replace(c, "/us-east-1/", "/us-west-2/");
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    free(s);
    capture_free(c);
}

static void test_wrong_secret(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    assert_int_equal(verify_with(c, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", 0, 0),
                     SIGV4_E_MISMATCH);
    assert_int_equal(verify_with(c, "", 0, 0), SIGV4_E_MISMATCH);
    capture_free(c);
}

static void test_wrong_service(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    char *s = auth_replace(c, "/connect/", "/s3/");
    assert_int_equal(verify_cap(c), SIGV4_E_SERVICE);
    free(s);
    capture_free(c);
}

static void test_signed_headers_must_include_host_and_date(void **state)
{
    (void)state;
    capture *c = load_valid("describe-user.http");
    char *s = auth_replace(c, "SignedHeaders=host;x-amz-date", "SignedHeaders=host");
    assert_int_equal(verify_cap(c), SIGV4_E_MALFORMED);
    free(s);
    capture_free(c);

    c = load_valid("describe-user.http");
    s = auth_replace(c, "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");
    assert_int_equal(verify_cap(c), SIGV4_E_MALFORMED);

    /* A hand-filled sigv4_auth is checked by sigv4_verify too. */
    sigv4_auth auth;
    uint8_t key[32];
    assert_int_equal(sigv4_parse_authorization(
                         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/connect/"
                         "aws4_request, SignedHeaders=host;x-amz-date, Signature="
                         "9f7322fa27ce6f2139127b78ba783b34cb77b73c056bb4bf5013133615d58881",
                         &auth),
                     SIGV4_OK);
    sigv4_derive_key(SECRET, auth.date, auth.region, auth.service, key);
    sigv4_request req = cap_request(c);
    assert_int_equal(sigv4_verify(&req, &auth, key, 0, 0), SIGV4_OK);
    snprintf(auth.signed_headers, sizeof auth.signed_headers, "%s", "host");
    assert_int_equal(sigv4_verify(&req, &auth, key, 0, 0), SIGV4_E_MALFORMED);
    snprintf(auth.signed_headers, sizeof auth.signed_headers, "%s", "x-amz-date");
    assert_int_equal(sigv4_verify(&req, &auth, key, 0, 0), SIGV4_E_MALFORMED);
    free(s);
    capture_free(c);
}

static void test_skew(void **state)
{
    (void)state;
    capture *c = load_valid("tag-resource.http");
    struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 21,
                    .tm_hour = 12, .tm_min = 26, .tm_sec = 24}; /* the capture's X-Amz-Date */
    const time_t t = timegm(&tm);
    assert_int_equal(verify_with(c, SECRET, t, 1), SIGV4_OK);
    assert_int_equal(verify_with(c, SECRET, t + 14 * 60, 1), SIGV4_OK);
    assert_int_equal(verify_with(c, SECRET, t + 15 * 60, 1), SIGV4_OK);
    assert_int_equal(verify_with(c, SECRET, t + 15 * 60 + 1, 1), SIGV4_E_EXPIRED);
    assert_int_equal(verify_with(c, SECRET, t + 16 * 60, 1), SIGV4_E_EXPIRED);
    assert_int_equal(verify_with(c, SECRET, t - 14 * 60, 1), SIGV4_OK);
    assert_int_equal(verify_with(c, SECRET, t - 16 * 60, 1), SIGV4_E_EXPIRED);
    assert_int_equal(verify_with(c, SECRET, t + 16 * 60, 0), SIGV4_OK);
    capture_free(c);
}

static void test_session_token(void **state)
{
    (void)state;
    capture *c = load_valid("boto3-list-users-with-session-token.http");
    const char *tok = cap_header(c, "x-amz-security-token");
    assert_string_equal(tok, "FQoGZXIvYXdzEXAMPLETOKEN");
    cap_set_header(c, "x-amz-security-token", "FQoGZXIvYXdzEXAMPLETOKEM");
    assert_int_equal(verify_cap(c), SIGV4_E_MISMATCH);
    cap_remove_header(c, "x-amz-security-token");
    assert_int_equal(verify_cap(c), SIGV4_E_MALFORMED);
    capture_free(c);
}

/* ---- Authorization parsing ------------------------------------------------- */

#define GOOD_CRED "Credential=AKIDEXAMPLE/20261121/us-east-1/connect/aws4_request"
#define GOOD_SIG "9f7322fa27ce6f2139127b78ba783b34cb77b73c056bb4bf5013133615d58881"

static int parse(const char *s)
{
    sigv4_auth a;
    return sigv4_parse_authorization(s, &a);
}

static void test_parse_authorization(void **state)
{
    (void)state;
    assert_int_equal(parse(NULL), SIGV4_E_MISSING);
    assert_int_equal(parse(""), SIGV4_E_MISSING);
    assert_int_equal(parse("AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, "
                           "Signature=" GOOD_SIG),
                     SIGV4_OK);
    /* optional spaces after the commas */
    assert_int_equal(parse("AWS4-HMAC-SHA256 " GOOD_CRED ",SignedHeaders=host;x-amz-date,"
                           "Signature=" GOOD_SIG),
                     SIGV4_OK);
    assert_int_equal(parse("AWS4-HMAC-SHA256 " GOOD_CRED ",   SignedHeaders=host;x-amz-date,  "
                           "Signature=" GOOD_SIG),
                     SIGV4_OK);

    static const char *const bad[] = {
        "AWS4-HMAC-SHA1 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature=",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature="
        "9f7322fa27ce6f2139127b78ba783b34cb77b73c056bb4bf5013133615d5888",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature="
        "9f7322fa27ce6f2139127b78ba783b34cb77b73c056bb4bf5013133615d588811",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature="
        "9f7322fa27ce6f2139127b78ba783b34cb77b73c056bb4bf5013133615d5888g",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature="
        "9F7322FA27CE6F2139127B78BA783B34CB77B73C056BB4BF5013133615D58881",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG " ",
        "AWS4-HMAC-SHA256 " GOOD_CRED ", Signature=" GOOD_SIG ", SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 " GOOD_CRED " SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256  " GOOD_CRED ", SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-date;, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=Host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;x-amz-dat, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/connect/aws4_reques, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026112/us-east-1/connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026112a/us-east-1/connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=/20261121/us-east-1/connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKID/EXAMPLE/20261121/us-east-1/connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east\n-1/connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121//connect/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" GOOD_SIG,
        "Basic dXNlcjpwYXNz",
        " ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sigv4_auth a;
        int rc = sigv4_parse_authorization(bad[i], &a);
        if (rc != SIGV4_E_MALFORMED)
            fail_msg("case %zu accepted (%d): %s", i, rc, bad[i]);
    }
}

/* Builds an Authorization value with the given field lengths; caller frees. */
static char *auth_with(size_t akid_len, size_t region_len, size_t signed_extra)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "AWS4-HMAC-SHA256 Credential=");
    for (size_t i = 0; i < akid_len; i++)
        buf_putc(&b, 'A');
    buf_puts(&b, "/20261121/");
    for (size_t i = 0; i < region_len; i++)
        buf_putc(&b, 'r');
    buf_puts(&b, "/connect/aws4_request, SignedHeaders=host;x-amz-date");
    if (signed_extra) {
        buf_puts(&b, ";x-");
        for (size_t i = 0; i < signed_extra; i++)
            buf_putc(&b, 'h');
    }
    buf_puts(&b, ", Signature=" GOOD_SIG);
    char *s = buf_detach(&b);
    buf_free(&b);
    return s;
}

static void expect_parse(size_t akid, size_t region, size_t extra, int want)
{
    char *s = auth_with(akid, region, extra);
    sigv4_auth a;
    memset(&a, 0x55, sizeof a);
    assert_int_equal(sigv4_parse_authorization(s, &a), want);
    if (want == SIGV4_OK) {
        assert_int_equal(strlen(a.access_key_id), akid);
        assert_int_equal(strlen(a.region), region);
    }
    free(s);
}

static void test_parse_bounds(void **state)
{
    (void)state;
    expect_parse(128, 9, 0, SIGV4_OK);
    expect_parse(129, 9, 0, SIGV4_E_MALFORMED);
    expect_parse(4000, 9, 0, SIGV4_E_MALFORMED);
    expect_parse(20, 63, 0, SIGV4_OK);
    expect_parse(20, 64, 0, SIGV4_E_MALFORMED);
    /* "host;x-amz-date" is 15 chars; ";x-" adds 3: 1023 fits, 1024 does not. */
    expect_parse(20, 9, 1023 - 18, SIGV4_OK);
    expect_parse(20, 9, 1024 - 18, SIGV4_E_MALFORMED);
    expect_parse(20, 9, 100000, SIGV4_E_MALFORMED);
}

/* ---- hand-built canonicalisation cases ------------------------------------- */

/* Signs req under auth (fills auth->signature) with SECRET, independently of the
 * module's verifier: canonical request -> StringToSign -> HMAC. */
static void sign(const sigv4_request *req, sigv4_auth *auth, const char *amz_date)
{
    uint8_t key[32], h[32];
    char hx[65];
    buf b;
    buf_init(&b);
    assert_int_equal(sigv4_canonical_request(req, auth, &b), SIGV4_OK);
    crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
    hex(h, 32, hx);
    buf_reset(&b);
    buf_printf(&b, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, auth->date,
               auth->region, auth->service, hx);
    sigv4_derive_key(SECRET, auth->date, auth->region, auth->service, key);
    crypto_auth_hmacsha256(h, (const unsigned char *)b.data, b.len, key);
    hex(h, 32, auth->signature);
    buf_free(&b);
}

static sigv4_auth make_auth(const char *signed_headers)
{
    sigv4_auth a;
    memset(&a, 0, sizeof a);
    snprintf(a.access_key_id, sizeof a.access_key_id, "AKIDEXAMPLE");
    snprintf(a.date, sizeof a.date, "20261121");
    snprintf(a.region, sizeof a.region, "us-east-1");
    snprintf(a.service, sizeof a.service, "connect");
    snprintf(a.signed_headers, sizeof a.signed_headers, "%s", signed_headers);
    return a;
}

static int verify_req(const sigv4_request *req, const sigv4_auth *auth)
{
    uint8_t key[32];
    sigv4_derive_key(SECRET, auth->date, auth->region, auth->service, key);
    return sigv4_verify(req, auth, key, 0, 0);
}

static void test_repeated_headers(void **state)
{
    (void)state;
    const sigv4_header hs[] = {
        {"Host", "example.com:8080"},
        {"X-Custom", "  a   b\t\tc  "},
        {"X-Amz-Date", "20261121T122624Z"},
        {"x-custom", "second"},
        {"Accept", "*/*"},
        {"X-CUSTOM", ""},
        {"x-other", "  spaced\t value "},
    };
    sigv4_request req = {.method = "GET", .raw_path = "/x", .raw_query = NULL,
                         .headers = hs, .n_headers = sizeof hs / sizeof hs[0]};
    sigv4_auth auth = make_auth("host;x-amz-date;x-custom;x-other");
    buf b;
    buf_init(&b);
    buf_puts(&b, "prefix|");
    assert_int_equal(sigv4_canonical_request(&req, &auth, &b), SIGV4_OK);
    assert_string_equal(b.data, "prefix|"
                                "GET\n/x\n\n"
                                "host:example.com:8080\n"
                                "x-amz-date:20261121T122624Z\n"
                                "x-custom:a b c,second,\n"
                                "x-other:spaced value\n"
                                "\n"
                                "host;x-amz-date;x-custom;x-other\n" EMPTY_SHA256);
    /* An absent signed header leaves out untouched and reports MALFORMED. */
    sigv4_auth missing = make_auth("host;x-amz-date;x-missing");
    buf_reset(&b);
    buf_puts(&b, "keep");
    assert_int_equal(sigv4_canonical_request(&req, &missing, &b), SIGV4_E_MALFORMED);
    assert_string_equal(b.data, "keep");
    buf_free(&b);

    sign(&req, &auth, "20261121T122624Z");
    assert_int_equal(verify_req(&req, &auth), SIGV4_OK);
    sigv4_header swapped[sizeof hs / sizeof hs[0]];
    memcpy(swapped, hs, sizeof hs);
    swapped[1] = hs[3];
    swapped[3] = hs[1];
    req.headers = swapped;
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MISMATCH); /* order of values matters */
}

/* Canonical URI (line 2) of a GET of path. Caller frees. */
static char *uri_of(const char *path, const char *query, int line)
{
    const sigv4_header hs[] = {{"host", "h"}, {"x-amz-date", "20261121T122624Z"}};
    sigv4_request req = {.method = "GET", .raw_path = path, .raw_query = query,
                         .headers = hs, .n_headers = 2};
    sigv4_auth auth = make_auth("host;x-amz-date");
    buf b;
    buf_init(&b);
    assert_int_equal(sigv4_canonical_request(&req, &auth, &b), SIGV4_OK);
    char *p = b.data;
    for (int i = 0; i < line; i++)
        p = strchr(p, '\n') + 1;
    char *r = xstrndup(p, strcspn(p, "\n"));
    buf_free(&b);
    return r;
}

static void expect_uri(const char *path, const char *want)
{
    char *got = uri_of(path, NULL, 1);
    if (strcmp(got, want) != 0)
        fail_msg("path '%s': got '%s', want '%s'", path ? path : "(null)", got, want);
    free(got);
}

static void test_canonical_uri(void **state)
{
    (void)state;
    expect_uri("/a/./b/../c", "/a/c");
    expect_uri("/a/b/../../..", "/");
    expect_uri("/../a", "/a");
    expect_uri("/a/b/", "/a/b/");
    expect_uri("/a/b/./", "/a/b/");
    expect_uri("/a/..", "/");
    expect_uri("//a//b", "/a/b");
    expect_uri("/", "/");
    expect_uri("", "/");
    expect_uri(NULL, "/");
    expect_uri("/a%3Ab%2Fc", "/a%253Ab%252Fc");
    expect_uri("/users/a%20b%2Fc/%C3%BC%3Ax", "/users/a%2520b%252Fc/%25C3%25BC%253Ax");
    expect_uri("/a b/\xc3\xbc~-._", "/a%20b/%C3%BC~-._");
    expect_uri("/.../..a", "/.../..a");
}

static void expect_query(const char *query, const char *want)
{
    char *got = uri_of("/", query, 2);
    if (strcmp(got, want) != 0)
        fail_msg("query '%s': got '%s', want '%s'", query ? query : "(null)", got, want);
    free(got);
}

static void test_canonical_query(void **state)
{
    (void)state;
    expect_query(NULL, "");
    expect_query("", "");
    expect_query("b=2&a=1", "a=1&b=2");
    expect_query("tagKeys=team&tagKeys=env", "tagKeys=env&tagKeys=team");
    expect_query("flag", "flag=");
    expect_query("a=b=c", "a=b%3Dc");
    expect_query("x=%7e%41", "x=~A");
    expect_query("x=a+b", "x=a%2Bb");
    expect_query("x=a%20b&y=%2f", "x=a%20b&y=%2F");
    expect_query("x=%zz&y=%4", "x=%25zz&y=%254");
    expect_query("a-b=1&a=2", "a=2&a-b=1"); /* sorted by key, then value */
    expect_query("k=2&k=10", "k=10&k=2");
    expect_query("Z=1&a=1", "Z=1&a=1");
    expect_query("=v&k", "=v&k=");
}

static void test_content_sha256_header(void **state)
{
    (void)state;
    static unsigned char body[] = "{\"a\": 1}";
    uint8_t h[32];
    char hx[65];
    crypto_hash_sha256(h, body, sizeof body - 1);
    hex(h, 32, hx);
    sigv4_header hs[] = {{"host", "h"}, {"x-amz-date", "20261121T122624Z"},
                         {"X-Amz-Content-Sha256", hx}};
    sigv4_request req = {.method = "POST", .raw_path = "/p", .headers = hs, .n_headers = 3,
                         .body = body, .body_len = sizeof body - 1};
    sigv4_auth auth = make_auth("host;x-amz-date");
    sign(&req, &auth, "20261121T122624Z");
    assert_int_equal(verify_req(&req, &auth), SIGV4_OK);

    /* The header, when present, is what the canonical request carries … */
    hs[2].value = EMPTY_SHA256;
    buf b;
    buf_init(&b);
    assert_int_equal(sigv4_canonical_request(&req, &auth, &b), SIGV4_OK);
    assert_true(strstr(b.data, "\nhost;x-amz-date\n" EMPTY_SHA256) != NULL);
    buf_free(&b);

    /* … but it must match the body: re-signed with a lying header still fails. */
    sign(&req, &auth, "20261121T122624Z");
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MISMATCH);
    hs[2].value = "UNSIGNED-PAYLOAD";
    sign(&req, &auth, "20261121T122624Z");
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MISMATCH);

    /* A body swapped under an unchanged header is caught too. */
    hs[2].value = hx;
    sign(&req, &auth, "20261121T122624Z");
    body[6] = '2';
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MISMATCH);
}

static void test_verify_rejects_unterminated_auth(void **state)
{
    (void)state;
    const sigv4_header hs[] = {{"host", "h"}, {"x-amz-date", "20261121T122624Z"}};
    sigv4_request req = {.method = "GET", .raw_path = "/", .headers = hs, .n_headers = 2};
    sigv4_auth auth = make_auth("host;x-amz-date");
    sign(&req, &auth, "20261121T122624Z");
    assert_int_equal(verify_req(&req, &auth), SIGV4_OK);
    memset(auth.region, 'r', sizeof auth.region);
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MALFORMED);
    auth = make_auth("host;x-amz-date");
    sign(&req, &auth, "20261121T122624Z");
    auth.signature[63] = '\0';
    assert_int_equal(verify_req(&req, &auth), SIGV4_E_MALFORMED);
}

static void test_strerror(void **state)
{
    (void)state;
    for (int s = SIGV4_E_MISMATCH; s <= SIGV4_OK; s++) {
        assert_non_null(sigv4_strerror(s));
        assert_true(strlen(sigv4_strerror(s)) > 0);
    }
    assert_string_equal(sigv4_strerror(42), "unknown SigV4 status");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_tag_resource),
        cmocka_unit_test(test_vector_query),
        cmocka_unit_test(test_all_captures),
        cmocka_unit_test(test_tamper_method),
        cmocka_unit_test(test_tamper_path),
        cmocka_unit_test(test_tamper_query),
        cmocka_unit_test(test_tamper_host),
        cmocka_unit_test(test_tamper_unsigned_header_ok),
        cmocka_unit_test(test_tamper_body),
        cmocka_unit_test(test_tamper_date),
        cmocka_unit_test(test_duplicate_date_rejected),
        cmocka_unit_test(test_tamper_region),
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_wrong_service),
        cmocka_unit_test(test_signed_headers_must_include_host_and_date),
        cmocka_unit_test(test_skew),
        cmocka_unit_test(test_session_token),
        cmocka_unit_test(test_parse_authorization),
        cmocka_unit_test(test_parse_bounds),
        cmocka_unit_test(test_repeated_headers),
        cmocka_unit_test(test_canonical_uri),
        cmocka_unit_test(test_canonical_query),
        cmocka_unit_test(test_content_sha256_header),
        cmocka_unit_test(test_verify_rejects_unterminated_auth),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
