/* cmd_serve.c — `roster serve`: run the HTTP server and the job runner until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/user_cache.h"
#include "auth/session_config.h"
#include "cli/cli.h"
#include "http/doors.h"
#include "http/server.h"
#include "jobs/runner.h"
#include "util/log.h"
#include "util/num.h"

static void serve_usage(FILE *out)
{
    fputs("usage: roster serve [--listen HOST:PORT] [--db PATH] [--job-retention DAYS]\n\n"
          "Serves the Amazon Connect API, roster's own API (/roster/v1) and the health check\n"
          "(GET /healthz), and runs import jobs, until SIGINT/SIGTERM.\n"
          "  --listen HOST:PORT    address (default $ROSTER_LISTEN or " DEFAULT_LISTEN "; port 0 picks one)\n"
          "  --db PATH             store file (default $ROSTER_DB or " DEFAULT_DB ")\n"
          "  --job-retention DAYS  keep finished jobs this long (1..3650, default 30)\n"
          "Each connection is served by its own thread (at most 1024 at once); they share at most\n"
          "$ROSTER_DB_CONNECTIONS (default 64, 1..1024) store connections.\n"
          "$ROSTER_JOB_WORKERS (default 4, 1..64): jobs of different instances run at once.\n"
          "$ROSTER_UPLOAD_MAX_BYTES (default 268435456): the largest CSV upload; larger: 413.\n"
          "$ROSTER_IMPORT_MAX_ROWS (default 1000000, 1..100000000): rows per imported file.\n",
          out);
}

/* The host part of listen, for printing URLs: a wildcard address becomes 127.0.0.1. */
static void url_host(const char *listen, char *out, size_t cap)
{
    const char *colon = strrchr(listen, ':');
    size_t n = colon ? (size_t)(colon - listen) : strlen(listen);
    snprintf(out, cap, "%.*s", (int)n, listen);
    if (strcmp(out, "0.0.0.0") == 0 || strcmp(out, "[::]") == 0)
        snprintf(out, cap, "127.0.0.1");
}

static void announce(const char *listen, int port, const char *db, const settings *cfg)
{
    char host[256];
    url_host(listen, host, sizeof host);
    printf("roster is serving %s on http://%s:%d/\n"
           "  console:  http://%s:%d/\n"
           "  health:   http://%s:%d/healthz\n"
           "  aws CLI:  aws connect list-instances --endpoint-url http://%s:%d --region %s\n",
           db, host, port, host, port, host, port, host, port, cfg->region);
    fflush(stdout);
}

/* Reads the whole number in environment variable name into *out when it is set (lo..hi).
 * Returns 0, or -1 after printing why. */
static int env_number(const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    if (parse_int64(v, lo, hi, out) != 0) {
        cli_error("%s must be a whole number from %lld to %lld", name, (long long)lo, (long long)hi);
        return -1;
    }
    return 0;
}

#define DAY_MS ((int64_t)24 * 3600 * 1000)

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"job-retention", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *listen = getenv("ROSTER_LISTEN"), *db_opt = NULL;
    int64_t retention_days = 30;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': listen = optarg; break;
        case 'd': db_opt = optarg; break;
        case 'r':
            if (parse_int64(optarg, 1, 3650, &retention_days) != 0) {
                cli_error("--job-retention must be a whole number of days from 1 to 3650");
                return EXIT_USAGE;
            }
            break;
        case 'h': serve_usage(stdout); return EXIT_OK;
        default: serve_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        serve_usage(stderr);
        return EXIT_USAGE;
    }
    if (!listen || !*listen)
        listen = DEFAULT_LISTEN;
    const char *pool = getenv("ROSTER_DB_CONNECTIONS");
    int64_t pool_max = STORE_POOL_MAX;
    if (pool && *pool && parse_int64(pool, 1, 1024, &pool_max) != 0) {
        cli_error("ROSTER_DB_CONNECTIONS must be a whole number from 1 to 1024");
        return EXIT_USAGE;
    }
    int64_t workers = 4, upload_max = (int64_t)UPLOAD_BODY_LIMIT, max_rows = IMPORT_MAX_ROWS;
    if (env_number("ROSTER_JOB_WORKERS", 1, 64, &workers) ||
        env_number("ROSTER_UPLOAD_MAX_BYTES", 1, (int64_t)UPLOAD_BODY_LIMIT_MAX, &upload_max) ||
        env_number("ROSTER_IMPORT_MAX_ROWS", 1, 100000000, &max_rows))
        return EXIT_USAGE;
    session_config sessions;
    char cfg_err[256];
    if (session_config_from_env(&sessions, cfg_err, sizeof cfg_err) != 0) {
        cli_error("%s", cfg_err);
        return EXIT_USAGE;
    }
    http_doors_set_upload_limit((size_t)upload_max);
    const char *db = cli_db_path(db_opt);
    cli_env env;
    if (cli_open(db, &env) != 0)
        return EXIT_FAIL;
    store_pool_limit(env.st, (size_t)pool_max, -1);

    /* Block the stop signals in every thread; this one waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[512];
    jobs_config jc = {.workers = (size_t)workers, .retention_ms = retention_days * DAY_MS};
    jobs_runner *runner = jobs_runner_start(env.st, env.kr, &env.cfg, &jc, err, sizeof err);
    if (!runner) {
        cli_error("%s", err);
        cli_close(&env);
        return EXIT_FAIL;
    }
    api_env api = {.st = env.st,
                   .kr = env.kr,
                   .cfg = &env.cfg,
                   .runner = runner,
                   .import_lim = {.max_rows = (size_t)max_rows},
                   .sessions = &sessions};
    http_server *srv = http_start(listen, api_prepare, api_dispatch, &api, err, sizeof err);
    if (!srv) {
        cli_error("%s", err);
        jobs_runner_stop(runner);
        cli_close(&env);
        return EXIT_FAIL;
    }
    announce(listen, http_port(srv), db, &env.cfg);
    log_info("serving, one thread per connection (at most %d)", HTTP_MAX_CONNECTIONS);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_stop(srv);
    jobs_runner_stop(runner); /* after the server: no request wakes it any more */
    user_cache_clear();
    cli_close(&env);
    log_info("stopped");
    return EXIT_OK;
}
