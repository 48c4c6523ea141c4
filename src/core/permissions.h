/* permissions.h — roster's catalogue of security-profile permissions and the one check of
 * whether a principal holds a permission. */
#ifndef ROSTER_CORE_PERMISSIONS_H
#define ROSTER_CORE_PERMISSIONS_H

#include <stddef.h>

#include "core/context.h"

/* A permission an operation may name that only an account key satisfies
 * (CreateInstance, DeleteInstance). */
#define PERM_ACCOUNT "account"

/* The catalogue, in byte order. *n receives its length. Static storage. */
const char *const *permissions_catalogue(size_t *n);
int permission_is_known(const char *perm);

/* The permissions each built-in profile starts with (Admin holds the whole catalogue).
 * Returns NULL for a name that is not a built-in profile. NULL-terminated, static. */
const char *const *permissions_builtin(const char *profile_name, size_t *n);

/* 1 if who may exercise perm: account keys and the command line (who == NULL) hold every
 * permission; a user key holds those in its permission set; PERM_ACCOUNT is for account keys only. */
int principal_has(const principal *who, const char *perm);

#endif
