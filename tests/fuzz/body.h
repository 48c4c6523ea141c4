/* body.h — a fuzz input as the dispatcher would hand a request body to a handler: parsed by
 * jansson, a JSON object, nested no deeper than JSON_DEPTH_LIMIT (src/api/dispatch.c's
 * parse_body). Returns the document (the caller json_decrefs it) or NULL when the dispatcher
 * would have refused the body before any handler saw it. */
#ifndef ROSTER_TESTS_FUZZ_BODY_H
#define ROSTER_TESTS_FUZZ_BODY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/jsonio.h"
#include "http/request.h"

static inline json_t *fuzz_body(const uint8_t *data, size_t size)
{
    if (size > REQUEST_BODY_LIMIT)
        return NULL;
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, size, 0, &jerr);
    if (doc && (!json_is_object(doc) || jdepth(doc, JSON_DEPTH_LIMIT) > JSON_DEPTH_LIMIT)) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

#endif
