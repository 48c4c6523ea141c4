/* sigv4.c — verifies AWS Signature Version 4 requests the way botocore signs them
 * (reference §2.8): parses the Authorization header, rebuilds the canonical request
 * and StringToSign, and compares signatures in constant time.
 *
 * libsodium supplies SHA-256 and HMAC-SHA256; the process is expected to have called
 * sodium_init() once at start-up. Nothing here keeps state, so every function is
 * thread-safe.
 */
#include "crypto/sigv4.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SCOPE_TERMINATOR "aws4_request"
#define AMZ_DATE_LEN 16 /* YYYYMMDDTHHMMSSZ */

/* ---- small helpers --------------------------------------------------------- */

/* Writes 2*n lowercase hex digits and a NUL to out. Cannot fail. */
static void hex_lower(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Lowercase hex SHA-256 of p[0..n) into out (65 bytes). Cannot fail. */
static void sha256_hex(const void *p, size_t n, char out[65])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p ? p : (const void *)"", n);
    hex_lower(h, sizeof h, out);
}

/* out = HMAC-SHA256(key, msg). Cannot fail. */
static void hmac(const uint8_t *key, size_t keylen, const char *msg, uint8_t out[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, keylen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* Character-class predicates; plain ASCII, locale-independent. */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Value of one hex digit, or -1 when c is not one. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends byte c, percent-encoded (uppercase hex) unless unreserved. Cannot fail. */
static void put_encoded(buf *out, unsigned char c)
{
    static const char digits[] = "0123456789ABCDEF";
    if (is_unreserved(c)) {
        buf_putc(out, (char)c);
        return;
    }
    char e[3] = {'%', digits[c >> 4], digits[c & 15]};
    buf_append(out, e, sizeof e);
}

/* Appends s[0..n) percent-decoded and then re-encoded with the unreserved set. An invalid
 * escape ("%zz", a trailing "%") is kept literally, so its '%' becomes "%25". Cannot fail. */
static void put_normalized(buf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int hi = (s[i] == '%' && i + 2 < n) ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        if (lo >= 0) {
            put_encoded(out, (unsigned char)(hi * 16 + lo));
            i += 3;
        } else {
            put_encoded(out, (unsigned char)s[i]);
            i++;
        }
    }
}

/* Number of headers named name (case-insensitive); *first gets the first one's value or NULL. */
static size_t find_header(const sigv4_request *req, const char *name, const char **first)
{
    size_t count = 0;
    *first = NULL;
    for (size_t i = 0; i < req->n_headers; i++) {
        const sigv4_header *h = &req->headers[i];
        if (h->name && h->value && strcasecmp(h->name, name) == 0) {
            if (!count)
                *first = h->value;
            count++;
        }
    }
    return count;
}

/* True when the ';'-separated list contains exactly name. */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* ---- canonical request ----------------------------------------------------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

/* Splits the raw path into segments with "", "." dropped and ".." resolved. Returns the
 * number kept; *out is an array the caller frees (never NULL). */
static size_t path_segments(const char *path, span **out)
{
    size_t cap = 1;
    for (const char *c = path; *c; c++)
        cap += *c == '/';
    span *segs = xcalloc(cap, sizeof *segs);
    size_t n = 0;
    for (const char *p = path;;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (n)
                n--;
        } else if (len && !(len == 1 && p[0] == '.')) {
            segs[n++] = (span){p, len};
        }
        if (!end)
            break;
        p = end + 1;
    }
    *out = segs;
    return n;
}

/* Appends the canonical URI of the raw path: dot segments removed, then every byte outside
 * unreserved+'/' percent-encoded (so "%3A" becomes "%253A"). Cannot fail. */
static void canonical_uri(const char *path, buf *out)
{
    if (!path)
        path = "";
    span *segs;
    size_t n = path_segments(path, &segs);
    for (size_t i = 0; i < n; i++) {
        buf_putc(out, '/');
        for (size_t j = 0; j < segs[i].n; j++)
            put_encoded(out, (unsigned char)segs[i].p[j]);
    }
    size_t len = strlen(path);
    if (!n || path[len - 1] == '/')
        buf_putc(out, '/');
    free(segs);
}

typedef struct qpair {
    char *key;
    char *value;
} qpair;

/* qsort comparator: bytewise by key, then by value (botocore sorts (key, value) tuples). */
static int qpair_cmp(const void *a, const void *b)
{
    const qpair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

/* Normalises one "k=v" item (a missing '=' means an empty value) into *pair; the caller
 * frees pair->key and pair->value. Cannot fail. */
static void query_item(const char *item, size_t n, qpair *pair)
{
    const char *eq = memchr(item, '=', n);
    size_t klen = eq ? (size_t)(eq - item) : n;
    buf b;
    buf_init(&b);
    put_normalized(&b, item, klen);
    pair->key = buf_detach(&b);
    buf_init(&b);
    if (eq)
        put_normalized(&b, eq + 1, n - klen - 1);
    pair->value = buf_detach(&b);
}

/* Appends the canonical query string: items split on '&', each normalised, sorted and
 * joined as k=v with '&'. NULL or "" gives nothing. Cannot fail. */
static void canonical_query(const char *query, buf *out)
{
    if (!query || !*query)
        return;
    size_t cap = 1;
    for (const char *c = query; *c; c++)
        cap += *c == '&';
    qpair *pairs = xcalloc(cap, sizeof *pairs);
    size_t n = 0;
    for (const char *p = query;; n++) {
        const char *end = strchr(p, '&');
        query_item(p, end ? (size_t)(end - p) : strlen(p), &pairs[n]);
        if (!end)
            break;
        p = end + 1;
    }
    n++;
    qsort(pairs, n, sizeof *pairs, qpair_cmp);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].key, pairs[i].value);
        free(pairs[i].key);
        free(pairs[i].value);
    }
    free(pairs);
}

/* Appends v trimmed, with every inner whitespace run collapsed to one space. Cannot fail. */
static void put_header_value(buf *out, const char *v)
{
    bool pending_space = false, any = false;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending_space = any;
            continue;
        }
        if (pending_space)
            buf_putc(out, ' ');
        buf_putc(out, *v);
        pending_space = false;
        any = true;
    }
}

/* Appends "name:v1,v2,…\n" for the header name[0..n). Returns false (nothing useful
 * appended) when req has no header of that name. */
static bool canonical_header(const sigv4_request *req, const char *name, size_t n, buf *out)
{
    bool found = false;
    buf_append(out, name, n);
    buf_putc(out, ':');
    for (size_t i = 0; i < req->n_headers; i++) {
        const sigv4_header *h = &req->headers[i];
        if (!h->name || !h->value || strlen(h->name) != n || strncasecmp(h->name, name, n))
            continue;
        if (found)
            buf_putc(out, ',');
        put_header_value(out, h->value);
        found = true;
    }
    buf_putc(out, '\n');
    return found;
}

/* Appends the canonical headers block for the ';'-separated signed list. Returns
 * SIGV4_OK, or SIGV4_E_MALFORMED when a name is empty or absent from req. */
static int canonical_headers(const sigv4_request *req, const char *signed_headers, buf *out)
{
    for (const char *p = signed_headers;;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (!len || !canonical_header(req, p, len, out))
            return SIGV4_E_MALFORMED;
        if (!end)
            return SIGV4_OK;
        p = end + 1;
    }
}

/* Copies the X-Amz-Content-Sha256 value, trimmed, into out; returns false when the header
 * is absent or its trimmed value is longer than 64 characters. */
static bool content_sha256_header(const sigv4_request *req, char out[65])
{
    const char *v;
    if (!find_header(req, "x-amz-content-sha256", &v))
        return false;
    while (is_space(*v))
        v++;
    size_t n = strlen(v);
    while (n && is_space(v[n - 1]))
        n--;
    if (n > 64)
        n = 64; /* the consistency check in sigv4_verify rejects such a value */
    memcpy(out, v, n);
    out[n] = '\0';
    return true;
}

/* The payload hash: the X-Amz-Content-Sha256 header if present, else hex SHA-256 of the
 * body. Cannot fail. */
static void payload_hash(const sigv4_request *req, char out[65])
{
    if (!content_sha256_header(req, out))
        sha256_hex(req->body, req->body_len, out);
}

/* See sigv4.h. On SIGV4_E_MALFORMED *out is restored to its length on entry; the caller
 * owns and frees *out either way. */
int sigv4_canonical_request(const sigv4_request *req, const sigv4_auth *auth, buf *out)
{
    size_t start = out->len;
    char hash[65];
    buf_puts(out, req->method ? req->method : "");
    buf_putc(out, '\n');
    canonical_uri(req->raw_path, out);
    buf_putc(out, '\n');
    canonical_query(req->raw_query, out);
    buf_putc(out, '\n');
    if (canonical_headers(req, auth->signed_headers, out) != SIGV4_OK) {
        out->len = start;
        out->data[start] = '\0';
        return SIGV4_E_MALFORMED;
    }
    payload_hash(req, hash);
    buf_printf(out, "\n%s\n%s", auth->signed_headers, hash);
    return SIGV4_OK;
}

/* ---- Authorization header -------------------------------------------------- */

/* Character classes allowed in the Authorization fields (checked before copying). */
typedef bool (*char_pred)(char c);

static bool akid_char(char c)
{
    return c > ' ' && c < 0x7f && c != '/' && c != ',' && c != ';' && c != '=';
}

static bool scope_char(char c)
{
    return is_unreserved((unsigned char)c);
}

static bool header_list_char(char c)
{
    return (c >= 'a' && c <= 'z') || is_digit(c) || (c && strchr("!#$%&'*+-.^_`|~;", c));
}

static bool lower_hex_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Advances *p past lit if the text starts with it; false (and *p unchanged) otherwise. */
static bool eat(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* Advances past ',' and any spaces after it; false when there is no ','. */
static bool eat_comma(const char **p)
{
    if (**p != ',')
        return false;
    (*p)++;
    while (**p == ' ')
        (*p)++;
    return true;
}

/* Copies the run of chars satisfying ok into dst (capacity cap, NUL included) and
 * advances *p to the first char after it. Returns false when the run is empty, does not end
 * at stop, or does not fit. */
static bool take(const char **p, char stop, char_pred ok, char *dst, size_t cap)
{
    size_t n = 0;
    const char *s = *p;
    while (s[n] && s[n] != stop && ok(s[n]))
        n++;
    if (!n || s[n] != stop || n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    *p = s + n;
    return true;
}

/* Parses "<akid>/<YYYYMMDD>/<region>/<service>/aws4_request" into out. False if malformed. */
static bool parse_credential(const char **p, sigv4_auth *out)
{
    return take(p, '/', akid_char, out->access_key_id, sizeof out->access_key_id) &&
           eat(p, "/") && take(p, '/', is_digit, out->date, sizeof out->date) &&
           strlen(out->date) == 8 && eat(p, "/") &&
           take(p, '/', scope_char, out->region, sizeof out->region) && eat(p, "/") &&
           take(p, '/', scope_char, out->service, sizeof out->service) && eat(p, "/") &&
           eat(p, SCOPE_TERMINATOR);
}

/* True when the signed-headers list has no empty name and includes host and x-amz-date. */
static bool signed_headers_ok(const char *list)
{
    size_t n = strlen(list);
    return n && list[0] != ';' && list[n - 1] != ';' && !strstr(list, ";;") &&
           list_has(list, "host") && list_has(list, "x-amz-date");
}

/* See sigv4.h. *out is zeroed on any error; it owns no memory. */
int sigv4_parse_authorization(const char *value, sigv4_auth *out)
{
    memset(out, 0, sizeof *out);
    if (!value || !*value)
        return SIGV4_E_MISSING;
    const char *p = value;
    bool ok = eat(&p, ALGORITHM " Credential=") && parse_credential(&p, out) && eat_comma(&p) &&
              eat(&p, "SignedHeaders=") &&
              take(&p, ',', header_list_char, out->signed_headers, sizeof out->signed_headers) &&
              signed_headers_ok(out->signed_headers) && eat_comma(&p) && eat(&p, "Signature=") &&
              take(&p, '\0', lower_hex_char, out->signature, sizeof out->signature) &&
              strlen(out->signature) == 64;
    if (ok)
        return SIGV4_OK;
    memset(out, 0, sizeof *out);
    return SIGV4_E_MALFORMED;
}

/* ---- key derivation and verification --------------------------------------- */

/* See sigv4.h. Intermediate keys and the "AWS4"+secret copy are wiped; nothing to free. */
void sigv4_derive_key(const char *secret, const char *date, const char *region,
                      const char *service, uint8_t out[32])
{
    uint8_t k[32];
    buf seed;
    buf_init(&seed);
    buf_printf(&seed, "AWS4%s", secret);
    hmac((const uint8_t *)seed.data, seed.len, date, k);
    sodium_memzero(seed.data, seed.len);
    buf_free(&seed);
    hmac(k, sizeof k, region, k);
    hmac(k, sizeof k, service, k);
    hmac(k, sizeof k, SCOPE_TERMINATOR, out);
    sodium_memzero(k, sizeof k);
}

/* True when every string field of auth is NUL-terminated inside its array (guards callers
 * that fill a sigv4_auth by hand). */
static bool auth_terminated(const sigv4_auth *a)
{
    return memchr(a->access_key_id, 0, sizeof a->access_key_id) &&
           memchr(a->date, 0, sizeof a->date) && memchr(a->region, 0, sizeof a->region) &&
           memchr(a->service, 0, sizeof a->service) &&
           memchr(a->signed_headers, 0, sizeof a->signed_headers) &&
           memchr(a->signature, 0, sizeof a->signature);
}

/* Parses "YYYYMMDDTHHMMSSZ" (UTC) into *t. Returns false on any deviation, including
 * out-of-range fields such as 20260231 or 25:00:00. */
static bool parse_amz_date(const char *s, time_t *t)
{
    static const char shape[] = "ddddddddTddddddZ";
    if (strlen(s) != AMZ_DATE_LEN)
        return false;
    int v[AMZ_DATE_LEN] = {0};
    for (size_t i = 0; i < AMZ_DATE_LEN; i++) {
        if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
            return false;
        v[i] = s[i] - '0';
    }
    struct tm tm = {
        .tm_year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3] - 1900,
        .tm_mon = v[4] * 10 + v[5] - 1, .tm_mday = v[6] * 10 + v[7],
        .tm_hour = v[9] * 10 + v[10], .tm_min = v[11] * 10 + v[12], .tm_sec = v[13] * 10 + v[14],
    };
    struct tm check = tm, back;
    *t = timegm(&tm);
    return gmtime_r(t, &back) && back.tm_year == check.tm_year && back.tm_mon == check.tm_mon &&
           back.tm_mday == check.tm_mday && back.tm_hour == check.tm_hour &&
           back.tm_min == check.tm_min && back.tm_sec == check.tm_sec;
}

/* Finds X-Amz-Date (exactly one, well-formed, on the scope day) and sets *value and *t.
 * Returns SIGV4_OK or SIGV4_E_DATE. */
static int request_date(const sigv4_request *req, const sigv4_auth *auth, const char **value,
                        time_t *t)
{
    if (find_header(req, "x-amz-date", value) != 1 || !parse_amz_date(*value, t) ||
        memcmp(*value, auth->date, 8) != 0)
        return SIGV4_E_DATE;
    return SIGV4_OK;
}

/* True unless X-Amz-Content-Sha256 is present and differs from the body's hash (for a deferred
 * body: unless the header is absent or not 64 characters long): the header
 * stands in for the body in the canonical request, so without this check an unsigned
 * header would let the body be replaced under a valid signature. */
static bool content_hash_consistent(const sigv4_request *req)
{
    char claimed[65], actual[65];
    if (!content_sha256_header(req, claimed))
        return !req->body_deferred;
    if (req->body_deferred)
        return strlen(claimed) == 64; /* the caller hashes the body as it arrives */
    sha256_hex(req->body, req->body_len, actual);
    return strlen(claimed) == 64 && strcasecmp(claimed, actual) == 0;
}

/* Computes the expected hex signature of req into sig (65 bytes). Returns SIGV4_OK or
 * SIGV4_E_MALFORMED (a signed header is absent). */
static int expected_signature(const sigv4_request *req, const sigv4_auth *auth,
                              const char *amz_date, const uint8_t key[32], char sig[65])
{
    buf b;
    buf_init(&b);
    int rc = sigv4_canonical_request(req, auth, &b);
    if (rc == SIGV4_OK) {
        char creq_hash[65];
        uint8_t mac[32];
        sha256_hex(b.data, b.len, creq_hash);
        buf_reset(&b);
        buf_printf(&b, ALGORITHM "\n%s\n%s/%s/%s/" SCOPE_TERMINATOR "\n%s", amz_date, auth->date,
                   auth->region, auth->service, creq_hash);
        hmac(key, 32, b.data, mac);
        hex_lower(mac, sizeof mac, sig);
    }
    buf_free(&b);
    return rc;
}

/* See sigv4.h. Also rejects (SIGV4_E_MALFORMED) a hand-filled *auth whose strings are not
 * terminated, and (SIGV4_E_MISMATCH) an X-Amz-Content-Sha256 that is not the body's hash.
 * Allocates only temporaries, freed before returning. */
int sigv4_verify(const sigv4_request *req, const sigv4_auth *auth, const uint8_t signing_key[32],
                 time_t now, int check_skew)
{
    const char *amz_date;
    time_t t;
    char sig[65];
    if (!auth_terminated(auth))
        return SIGV4_E_MALFORMED;
    if (strcmp(auth->service, "connect") != 0)
        return SIGV4_E_SERVICE;
    int rc = request_date(req, auth, &amz_date, &t);
    if (rc != SIGV4_OK)
        return rc;
    long long skew = (long long)t - (long long)now;
    if (check_skew && (skew > SIGV4_MAX_SKEW || skew < -SIGV4_MAX_SKEW))
        return SIGV4_E_EXPIRED;
    if (!signed_headers_ok(auth->signed_headers) || strlen(auth->signature) != 64)
        return SIGV4_E_MALFORMED;
    rc = expected_signature(req, auth, amz_date, signing_key, sig);
    if (rc != SIGV4_OK)
        return rc;
    if (sodium_memcmp(sig, auth->signature, 64) != 0 || !content_hash_consistent(req))
        return SIGV4_E_MISMATCH;
    return SIGV4_OK;
}

/* See sigv4.h. Never NULL; unknown statuses get a generic text. */
const char *sigv4_strerror(int status)
{
    switch (status) {
    case SIGV4_OK: return "signature valid";
    case SIGV4_E_MISSING: return "missing Authorization header";
    case SIGV4_E_MALFORMED: return "malformed Authorization header or signed headers";
    case SIGV4_E_DATE: return "X-Amz-Date missing, malformed or not on the credential scope date";
    case SIGV4_E_EXPIRED: return "X-Amz-Date is outside the allowed clock skew";
    case SIGV4_E_SERVICE: return "credential scope service is not connect";
    case SIGV4_E_MISMATCH: return "signature does not match";
    default: return "unknown SigV4 status";
    }
}
