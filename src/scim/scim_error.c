/* scim_error.c — SCIM protocol errors (see scim_error.h). */
#include "scim/scim_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int scim_fail(scim_error *x, int status, const char *scim_type, const char *fmt, ...)
{
    x->status = status;
    x->scim_type = scim_type;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->detail, sizeof x->detail, fmt, ap);
    va_end(ap);
    return -1;
}

/* The SCIM attribute of a roster field, or NULL when it has none. */
static const char *scim_name(const char *field)
{
    static const char *const map[][2] = {
        {"Username", "userName"},
        {"IdentityInfo.FirstName", "name.givenName"},
        {"IdentityInfo.LastName", "name.familyName"},
        {"IdentityInfo.Email", "emails (the primary one)"},
        {"IdentityInfo.SecondaryEmail", "emails (the second one)"},
        {"IdentityInfo.Mobile", "phoneNumbers (type mobile)"},
        {"Password", "password"},
        {"ExternalId", "externalId"},
        {"UserId", "id"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

int scim_fail_rerr(scim_error *x, const rerr *e)
{
    const char *type = err_scim_type(e->code); /* "" for none */
    int status = err_scim_status(e->code);
    const char *attr = e->field[0] ? scim_name(e->field) : NULL;
    if (attr && !strstr(e->message, attr))
        return scim_fail(x, status, *type && status < 500 ? type : NULL, "%s: %s", attr, e->message);
    return scim_fail(x, status, *type && status < 500 ? type : NULL, "%s", e->message);
}
