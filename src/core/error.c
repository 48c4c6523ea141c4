/* error.c — the single table that maps roster error codes to their wire forms. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static const struct {
    const char *aws;
    int http;
    const char *scim;
    const char *csv;
    int scim_status; /* the SCIM door's status, where it differs from http (0: the same) */
} table[ERR__COUNT] = {
    [ERR_NONE] = {"", 200, "", ""},
    [ERR_INVALID_PARAMETER] = {"InvalidParameterException", 400, "invalidValue", "invalid value"},
    [ERR_INVALID_REQUEST] = {"InvalidRequestException", 400, "invalidSyntax", "invalid request"},
    [ERR_SERIALIZATION] = {"SerializationException", 400, "invalidSyntax", "malformed input"},
    [ERR_NOT_FOUND] = {"ResourceNotFoundException", 404, "", "not found"},
    [ERR_DUPLICATE] = {"DuplicateResourceException", 409, "uniqueness", "duplicate"},
    [ERR_IN_USE] = {"ResourceInUseException", 409, "mutability", "in use"},
    [ERR_ACCESS_DENIED] = {"AccessDeniedException", 403, "", "access denied"},
    [ERR_CONDITION_FAILED] = {"ConditionalOperationFailedException", 409, "", "conflict", 412},
    [ERR_LIMIT_EXCEEDED] = {"LimitExceededException", 429, "tooMany", "limit exceeded"},
    [ERR_INTERNAL] = {"InternalServiceException", 500, "", "internal error"},
    [ERR_UNAVAILABLE] = {"ServiceUnavailableException", 503, "", "unavailable"},
    [ERR_MISSING_AUTH] = {"MissingAuthenticationTokenException", 403, "", "access denied", 401},
    [ERR_UNRECOGNIZED_CLIENT] = {"UnrecognizedClientException", 403, "", "access denied", 401},
    [ERR_INVALID_SIGNATURE] = {"InvalidSignatureException", 403, "", "access denied", 401},
    [ERR_INCOMPLETE_SIGNATURE] = {"IncompleteSignatureException", 400, "", "access denied"},
    [ERR_UNKNOWN_OPERATION] = {"UnknownOperationException", 404, "", "invalid request"},
    [ERR_TOO_LARGE] = {"RequestEntityTooLargeException", 413, "tooLarge", "too large"},
    [ERR_UNAUTHORIZED] = {"UnauthorizedException", 401, "", "access denied"},
    [ERR_TOO_MANY_REQUESTS] = {"TooManyRequestsException", 429, "tooMany", "limit exceeded"},
};

static err_code norm(err_code c)
{
    return (c > ERR_NONE && c < ERR__COUNT) ? c : ERR_INTERNAL;
}

const char *err_aws_name(err_code c) { return table[norm(c)].aws; }
int err_http_status(err_code c) { return table[norm(c)].http; }
const char *err_scim_type(err_code c) { return table[norm(c)].scim; }
int err_scim_status(err_code c) { return table[norm(c)].scim_status ? table[norm(c)].scim_status : table[norm(c)].http; }
const char *err_csv_label(err_code c) { return table[norm(c)].csv; }

int rerr_set(rerr *e, err_code code, const char *field, const char *fmt, ...)
{
    if (!e)
        return -1;
    rerr_clear(e);
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    /* A message cut to fit never ends inside a multi-byte character. */
    if (n >= (int)sizeof e->message)
        e->message[utf8_cut(e->message, strlen(e->message))] = '\0';
    return -1;
}

void rerr_set_resource(rerr *e, const char *type, const char *id)
{
    if (!e)
        return;
    snprintf(e->resource_type, sizeof e->resource_type, "%s", type ? type : "");
    snprintf(e->resource_id, sizeof e->resource_id, "%s", id ? id : "");
}

void rerr_clear(rerr *e)
{
    if (!e)
        return;
    e->code = ERR_NONE;
    e->field[0] = e->message[0] = e->resource_type[0] = e->resource_id[0] = '\0';
}
