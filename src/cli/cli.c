/* cli.c — helpers shared by the subcommands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/ids.h"

const char *cli_db_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("ROSTER_DB");
    return env && *env ? env : DEFAULT_DB;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("roster: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_open(const char *db, cli_env *env)
{
    memset(env, 0, sizeof *env);
    if (access(db, F_OK) != 0) {
        cli_error("no store at %s: run 'roster init' first (or pass --db / set ROSTER_DB)", db);
        return -1;
    }
    char err[512];
    env->st = store_open(db, 0, err, sizeof err);
    if (!env->st) {
        cli_error("%s", err);
        return -1;
    }
    char *kpath = keyring_path_for(db);
    env->kr = keyring_load(kpath, 0, err, sizeof err);
    free(kpath);
    env->conn = env->kr ? store_conn_get(env->st) : NULL;
    if (!env->kr || !env->conn || settings_load(env->conn, 0, NULL, &env->cfg, err, sizeof err) != 0) {
        cli_error("%s", env->kr && env->conn ? err : env->kr ? "cannot open the store" : err);
        cli_close(env);
        return -1;
    }
    env->cx.conn = env->conn;
    env->cx.cfg = &env->cfg;
    env->cx.who = principal_cli();
    env->cx.now_ms = now_ms();
    return 0;
}

void cli_close(cli_env *env)
{
    store_conn_put(env->conn);
    keyring_free(env->kr);
    store_close(env->st);
    memset(env, 0, sizeof *env);
}
