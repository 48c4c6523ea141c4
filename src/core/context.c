/* context.c — principal lifetime and the deployment settings kept in the store. */
#include "core/context.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void principal_clear(principal *p)
{
    free(p->username);
    strlist_clear(&p->permissions);
    memset(p, 0, sizeof *p);
}

const char *principal_kind_name(const principal *p)
{
    switch (p ? p->kind : PRINCIPAL_CLI) {
    case PRINCIPAL_CLI: return "CLI";
    case PRINCIPAL_ACCOUNT_KEY: return "ACCOUNT_KEY";
    case PRINCIPAL_USER_KEY: return "USER_KEY";
    case PRINCIPAL_CONSOLE_SESSION: return "CONSOLE_SESSION";
    case PRINCIPAL_SCIM_TOKEN: return "SCIM_TOKEN";
    case PRINCIPAL_JOB: return "JOB";
    default: return "NONE";
    }
}

const principal *principal_cli(void)
{
    static const principal cli = {.kind = PRINCIPAL_CLI, .key_id = "cli"};
    return &cli;
}

int principal_is_account(const principal *p)
{
    return !p || p->kind == PRINCIPAL_CLI || p->kind == PRINCIPAL_ACCOUNT_KEY;
}

static int copy_setting(store_conn *c, const char *key, char *dst, size_t cap)
{
    char *v = NULL;
    int rc = store_meta_get(c, key, &v);
    if (rc == STORE_OK)
        snprintf(dst, cap, "%s", v);
    free(v);
    return rc;
}

int settings_load(store_conn *c, int create, const char *region, settings *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc_region = copy_setting(c, "region", out->region, sizeof out->region);
    int rc_account = copy_setting(c, "account", out->account, sizeof out->account);
    if (rc_region == STORE_OK && rc_account == STORE_OK)
        return 0;
    if (!create || rc_region < 0 || rc_account < 0) {
        snprintf(err, errlen, "the store has no region/account settings: was it made by 'roster init'?");
        return -1;
    }
    if (rc_region != STORE_OK)
        snprintf(out->region, sizeof out->region, "%s", region ? region : "us-east-1");
    if (rc_account != STORE_OK) {
        /* A 12-digit account number, first digit non-zero, as AWS account ids look. */
        out->account[0] = (char)('1' + randombytes_uniform(9));
        for (int i = 1; i < 12; i++)
            out->account[i] = (char)('0' + randombytes_uniform(10));
        out->account[12] = '\0';
    }
    if (store_meta_set(c, "region", out->region) != STORE_OK ||
        store_meta_set(c, "account", out->account) != STORE_OK) {
        snprintf(err, errlen, "cannot save settings: %s", store_errmsg(c));
        return -1;
    }
    return 0;
}
