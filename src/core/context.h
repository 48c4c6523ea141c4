/* context.h — what every core operation is given: a store connection, the deployment's
 * region and account, the acting principal and the clock. */
#ifndef ROSTER_CORE_CONTEXT_H
#define ROSTER_CORE_CONTEXT_H

#include <stdint.h>

#include "model/model.h"
#include "store/store.h"

/* Who is acting, as every door hands it to core. The zero value is PRINCIPAL_NONE, which may do
 * nothing, so a principal a door forgot to fill is refused rather than trusted. */
typedef enum principal_kind {
    PRINCIPAL_NONE = 0,          /* not authenticated: refused everything */
    PRINCIPAL_CLI,               /* the operator at the command line: every instance, every permission */
    PRINCIPAL_ACCOUNT_KEY,       /* an account access key: every instance, every permission */
    PRINCIPAL_USER_KEY,          /* a user access key: one user of one instance, that user's permissions */
    /* Later doors; each acts as one user (or token) of one instance with the permissions it
     * carries. Declared so the rules can name them; no door creates them yet. */
    PRINCIPAL_CONSOLE_SESSION,   /* a browser console session of a user */
    PRINCIPAL_SCIM_TOKEN,        /* a SCIM bearer token of one instance */
    PRINCIPAL_JOB,               /* a background job acting for the principal that submitted it */
} principal_kind;

/* Who acts, the instance it is confined to, and its permissions. */
typedef struct principal {
    principal_kind kind;
    char key_id[24];             /* the access key (or "cli"); for messages and the audit trail */
    char instance_id[ID_LEN];    /* the instance it is confined to; "" = every instance, which only
                                  * PRINCIPAL_CLI and PRINCIPAL_ACCOUNT_KEY may have */
    char user_id[ID_LEN];        /* the user it acts as, or "" */
    char *username;              /* that user's name, or NULL; owned */
    strlist permissions;         /* held permissions (kinds other than CLI/account); owned */
} principal;

/* The command line's principal (static storage, never cleared). A core_ctx whose who is NULL is
 * treated the same way (the unit tests and older callers); doors always set a principal. */
const principal *principal_cli(void);

/* 1 if p may act on every instance and hold every permission (the CLI, account keys). */
int principal_is_account(const principal *p);

void principal_clear(principal *p);
/* The kind's name as jobs record their submitter: "CLI", "ACCOUNT_KEY", "USER_KEY",
 * "CONSOLE_SESSION", "SCIM_TOKEN", "JOB", "NONE" (NULL p: "CLI"). Static. */
const char *principal_kind_name(const principal *p);

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
    const principal *who;        /* who acts; NULL: the command line (as principal_cli()) */
    int64_t now_ms;
    struct audit_sink *audit_defer; /* set by core_write_batch for a batch that defers its audit
                                     * events (core/audit_sink.h); NULL: each is written at once */
    struct core_memo *memo;      /* set by core_write_batch for a batch with memo_refs: what its
                                  * transaction found to exist (core/memo.h); NULL: nothing kept */
} core_ctx;

#endif
