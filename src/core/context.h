/* context.h — what every core operation is given: a store connection, the deployment's
 * region and account, the acting principal and the clock. */
#ifndef ROSTER_CORE_CONTEXT_H
#define ROSTER_CORE_CONTEXT_H

#include <stdint.h>

#include "model/model.h"
#include "store/store.h"

/* Who is acting. An account key may do everything; a user key acts as one user of one
 * instance with the permissions of that user's security profiles. */
typedef struct principal {
    key_kind kind;
    char key_id[24];
    char instance_id[ID_LEN];    /* KEY_USER */
    char user_id[ID_LEN];        /* KEY_USER */
    char *username;              /* KEY_USER; owned */
    strlist permissions;         /* KEY_USER; owned */
} principal;
void principal_clear(principal *p);

/* Deployment-wide settings, read from the store at start-up. */
typedef struct settings {
    char region[32];
    char account[16];
} settings;

/* Loads (or, when missing and create != 0, creates) region and account in the store. Returns 0,
 * or -1 with a message in err. */
int settings_load(store_conn *c, int create, const char *region, settings *out, char *err, size_t errlen);

typedef struct core_ctx {
    store_conn *conn;
    const settings *cfg;
    const principal *who;        /* NULL: the operator at the command line (account powers) */
    int64_t now_ms;
} core_ctx;

#endif
