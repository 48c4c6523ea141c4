/* fuzz_path.c — the request path parser: request_parse_uri (split on '?', path segments,
 * query items, percent-decoding) on a request record whose raw URI is the input, then the
 * lookups a handler makes, then percent_decode on the raw bytes. */
#include <string.h>

#include "fuzz.h"
#include "http/request.h"

/* libmicrohttpd hands over a request line of at most its memory limit; 64 KiB is plenty. */
#define PATH_MAX_INPUT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > PATH_MAX_INPUT)
        return 0;
    request *r = xcalloc(1, sizeof *r);
    buf_init(&r->body);
    r->raw_uri = xstrndup((const char *)data, size);
    int rc = request_parse_uri(r);

    FUZZ_CHECK(r->n_segments <= REQUEST_MAX_SEGMENTS);
    FUZZ_CHECK(r->n_params <= REQUEST_MAX_PARAMS);
    FUZZ_CHECK(rc == 0 || r->bad_uri);
    FUZZ_CHECK(r->raw_path && strlen(r->raw_path) <= strlen(r->raw_uri));
    for (size_t i = 0; i < r->n_segments; i++)
        FUZZ_CHECK(r->segments[i] && strlen(r->segments[i]) <= strlen(r->raw_path));
    if (rc == 0) {
        for (size_t i = 0; i < r->n_params; i++) {
            FUZZ_CHECK(r->params[i].key && r->params[i].value);
            FUZZ_CHECK(request_param(r, r->params[i].key) != NULL);
        }
        /* What the dispatcher and handlers ask for. */
        (void)request_param(r, "maxResults");
        (void)request_param(r, "nextToken");
    }
    request_free(r);

    char *d = percent_decode((const char *)data, size);
    FUZZ_CHECK(strlen(d) <= size);
    free(d);
    return 0;
}
