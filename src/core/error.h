/* error.h — roster's one error type: a code, the offending field, a message.
 *
 * Every layer reports failure through an `rerr`. The translation of a code into its
 * AWS exception name and HTTP status, its SCIM scimType and its CSV error label lives in
 * exactly one table (error.c); adapters never invent their own.
 */
#ifndef ROSTER_CORE_ERROR_H
#define ROSTER_CORE_ERROR_H

typedef enum err_code {
    ERR_NONE = 0,
    ERR_INVALID_PARAMETER,   /* a field breaks a constraint */
    ERR_INVALID_REQUEST,     /* the request as a whole cannot be served (e.g. unsupported option) */
    ERR_SERIALIZATION,       /* the body is not valid JSON, or too deeply nested */
    ERR_NOT_FOUND,           /* a named resource does not exist */
    ERR_DUPLICATE,           /* a unique name is already taken */
    ERR_IN_USE,              /* the resource is referenced and cannot be deleted or changed */
    ERR_ACCESS_DENIED,       /* authenticated but not allowed */
    ERR_CONDITION_FAILED,    /* a conditional update lost a race */
    ERR_LIMIT_EXCEEDED,      /* a per-instance quota would be exceeded */
    ERR_INTERNAL,            /* a bug or a store failure */
    ERR_UNAVAILABLE,         /* the store does not answer */
    ERR_MISSING_AUTH,        /* no Authorization header */
    ERR_UNRECOGNIZED_CLIENT, /* unknown or revoked access key */
    ERR_INVALID_SIGNATURE,   /* signature mismatch or expired date */
    ERR_INCOMPLETE_SIGNATURE,/* Authorization header malformed */
    ERR_UNKNOWN_OPERATION,   /* no operation at this method + path */
    ERR_TOO_LARGE,           /* request body over the limit */
    ERR_UNAUTHORIZED,        /* not signed in, or a sign-in refused (the console's session door) */
    ERR_TOO_MANY_REQUESTS,   /* slowed down: too many failed sign-ins */
    ERR__COUNT
} err_code;

typedef struct rerr {
    err_code code;
    char field[64];          /* the offending field ("Username", "IdentityInfo.Email"), or "" */
    char message[1024];
    char resource_type[32];  /* ERR_IN_USE: e.g. "USER", "HIERARCHY_GROUP"; else "" */
    char resource_id[512];   /* ERR_IN_USE: the blocking resource's ARN; else "" */
} rerr;

/* Fills *e (may be NULL) and returns -1, so that callers write `return rerr_set(e, …);`.
 * field may be NULL. The message is formatted with printf rules and truncated to fit. */
int rerr_set(rerr *e, err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets ResourceType/ResourceId on an ERR_IN_USE error already filled by rerr_set. */
void rerr_set_resource(rerr *e, const char *type, const char *id);

void rerr_clear(rerr *e);

/* The translation table. Each returns a static string/number; codes out of range map
 * to ERR_INTERNAL's entry. */
const char *err_aws_name(err_code code);
int err_http_status(err_code code);
const char *err_scim_type(err_code code);   /* "" when SCIM has no scimType for it */
int err_scim_status(err_code code);         /* the SCIM door's HTTP status (412 for a failed If-Match) */
const char *err_csv_label(err_code code);

#endif
