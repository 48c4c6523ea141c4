/* support.c — the unit tests' temp store and settings (see support.h). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/ids.h"

store *test_store_open(test_store *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/roster-unit-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        return NULL;
    }
    snprintf(t->path, sizeof t->path, "%s/s.db", t->dir);
    char err[256];
    t->st = store_open(t->path, 1, err, sizeof err);
    if (!t->st)
        fprintf(stderr, "%s\n", err);
    return t->st;
}

int test_store_remove(test_store *t)
{
    store_close(t->st);
    t->st = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    return system(cmd) == 0 ? 0 : -1;
}

void test_settings(settings *cfg)
{
    snprintf(cfg->region, sizeof cfg->region, "us-east-1");
    snprintf(cfg->account, sizeof cfg->account, "123456789012");
}

int test_core_open(test_store *ts, settings *cfg, core_ctx *cx)
{
    if (!test_store_open(ts))
        return -1;
    test_settings(cfg);
    *cx = (core_ctx){.conn = store_conn_get(ts->st), .cfg = cfg, .who = principal_cli(), .now_ms = now_ms()};
    return cx->conn ? 0 : -1;
}

int test_core_close(test_store *ts, core_ctx *cx)
{
    store_conn_put(cx->conn);
    cx->conn = NULL;
    return test_store_remove(ts);
}

int test_saml_instance(core_ctx *cx, instance *in, instance_defaults *defs)
{
    instance_create req = {.idm_type = "SAML", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    if (instances_create(cx, &req, in, defs, &created, &e) == 0)
        return 0;
    fprintf(stderr, "instances_create: %s\n", e.message);
    return -1;
}
