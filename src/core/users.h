/* users.h — users. For now the part the foundation needs: creating a user with names,
 * e-mail, password and security profiles (the bootstrap admin, `roster users add`).
 * The full user capability (every facet, every rule) arrives with the users issue and
 * extends this file. */
#ifndef ROSTER_CORE_USERS_H
#define ROSTER_CORE_USERS_H

#include "core/context.h"
#include "core/error.h"

typedef struct user_basic {
    const char *username;
    const char *first_name;
    const char *last_name;
    const char *email;              /* NULL when none */
    const char *password;           /* plain text, hashed here; NULL when none */
    const strlist *security_profile_names;  /* 1..10 names of the instance's profiles */
    const char *routing_profile_id; /* NULL: the instance's default routing profile */
} user_basic;

/* Creates the user in instance_id. Returns 0 and writes the new id into id_out, or -1 with
 * *e set (ERR_INVALID_PARAMETER, ERR_NOT_FOUND for an unknown profile, ERR_DUPLICATE). */
int users_create_basic(core_ctx *cx, const char *instance_id, const user_basic *u, char id_out[ID_LEN],
                       rerr *e);

#endif
