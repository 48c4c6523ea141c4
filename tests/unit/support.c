/* support.c — the unit tests' temp store and settings (see support.h). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
