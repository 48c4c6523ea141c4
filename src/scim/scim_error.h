/* scim_error.h — a SCIM protocol error (RFC 7644 §3.12): an HTTP status, a scimType (NULL for
 * none) and a detail for the client. Core's errors (core/error.h) are turned into one here, with
 * roster's field names told in SCIM's (Username -> userName, IdentityInfo.Email -> emails, …). */
#ifndef ROSTER_SCIM_SCIM_ERROR_H
#define ROSTER_SCIM_SCIM_ERROR_H

#include "core/error.h"

typedef struct scim_error {
    int status;
    const char *scim_type;       /* static, or NULL */
    char detail[1200];
} scim_error;

/* Fills *x and returns -1 (for `return scim_fail(…);`). */
int scim_fail(scim_error *x, int status, const char *scim_type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fills *x from core's error e (status and scimType from core's table; the detail names the
 * SCIM attribute when e names a field). Returns -1. */
int scim_fail_rerr(scim_error *x, const rerr *e);

#endif
