/* sigv4.h — AWS Signature Version 4 verification, as botocore signs (reference §2.8).
 *
 * A leaf module: it knows nothing of HTTP servers, keys or the store. The caller
 * hands it the request as received on the wire and the secret (or a derived
 * signing key it has cached) and gets a verdict.
 */
#ifndef ROSTER_CRYPTO_SIGV4_H
#define ROSTER_CRYPTO_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/buf.h"

enum sigv4_status {
    SIGV4_OK = 0,
    SIGV4_E_MISSING = -1,    /* no Authorization header */
    SIGV4_E_MALFORMED = -2,  /* Authorization not "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…",
                                scope not <date>/<region>/<service>/aws4_request, SignedHeaders
                                lacking host or x-amz-date, or a signed header absent */
    SIGV4_E_DATE = -3,       /* X-Amz-Date missing, not YYYYMMDDTHHMMSSZ, or its day != scope date */
    SIGV4_E_EXPIRED = -4,    /* X-Amz-Date more than SIGV4_MAX_SKEW seconds from now */
    SIGV4_E_SERVICE = -5,    /* scope service is not "connect" */
    SIGV4_E_MISMATCH = -6,   /* signature does not match */
};

#define SIGV4_MAX_SKEW (15 * 60)

/* One request header as received; names compare case-insensitively. The same name may repeat. */
typedef struct sigv4_header {
    const char *name;
    const char *value;
} sigv4_header;

typedef struct sigv4_request {
    const char *method;          /* "GET", "PUT", … */
    const char *raw_path;        /* path as on the wire, still percent-encoded, without '?' and query */
    const char *raw_query;       /* text after '?', as on the wire; NULL or "" when none */
    const sigv4_header *headers;
    size_t n_headers;
    const unsigned char *body;   /* may be NULL when body_len == 0 */
    size_t body_len;
    int body_deferred;           /* the body has not arrived yet (a streamed upload): the payload hash
                                  * is the X-Amz-Content-Sha256 header, which must be present, and the
                                  * caller checks the body against it once the body has ended */
} sigv4_request;

/* The parsed Authorization header. */
typedef struct sigv4_auth {
    char access_key_id[129];
    char date[9];                /* YYYYMMDD from the credential scope */
    char region[64];
    char service[64];
    char signed_headers[1024];   /* exactly as received, e.g. "host;x-amz-date" */
    char signature[65];          /* 64 lowercase hex digits */
} sigv4_auth;

/* Parses an Authorization header value into *out. Returns SIGV4_OK, SIGV4_E_MISSING
 * (value NULL or empty) or SIGV4_E_MALFORMED. */
int sigv4_parse_authorization(const char *value, sigv4_auth *out);

/* Derives kSigning = HMAC chain over ("AWS4"+secret, date, region, service, "aws4_request").
 * Never fails. The result may be cached by the caller per (key, date, region, service). */
void sigv4_derive_key(const char *secret, const char *date, const char *region,
                      const char *service, uint8_t out[32]);

/* Appends the canonical request (reference §2.8 step 2) for req under auth's SignedHeaders
 * to *out. Returns SIGV4_OK or SIGV4_E_MALFORMED (a signed header is absent from req). */
int sigv4_canonical_request(const sigv4_request *req, const sigv4_auth *auth, buf *out);

/* Verifies req against auth with the derived signing key. Checks, in this order: the scope
 * service is "connect" (SIGV4_E_SERVICE); X-Amz-Date present, well-formed and on the scope day
 * (SIGV4_E_DATE); when check_skew, |X-Amz-Date - now| <= SIGV4_MAX_SKEW (SIGV4_E_EXPIRED);
 * SignedHeaders includes host and x-amz-date (SIGV4_E_MALFORMED); the signature, compared in
 * constant time (SIGV4_E_MISMATCH). Returns SIGV4_OK when all hold. */
int sigv4_verify(const sigv4_request *req, const sigv4_auth *auth, const uint8_t signing_key[32],
                 time_t now, int check_skew);

/* A short English description of a status, for error messages. Static storage. */
const char *sigv4_strerror(int status);

#endif
