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

/* 1 if who may exercise perm: account keys and the command line (who == NULL too) hold every
 * permission; other principals hold those in their permission set (perm NULL: any principal);
 * PERM_ACCOUNT is for account-wide principals only; PRINCIPAL_NONE holds nothing. This checks
 * the permission alone: core entry points call core_allow (authorize.h), which also checks
 * the instance boundary. */
int principal_has(const principal *who, const char *perm);

/* The role a console shows for a set of permissions (a CX layer's view): "Manager" when it
 * grants Users.Create or Users.Edit, "Supervisor" when it grants Users.View but neither of
 * those, "Agent" otherwise. perms may be NULL (no permission). Static string. */
const char *permissions_role(const strlist *perms);

#endif
