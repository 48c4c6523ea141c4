/* cmd_keys.c — `roster keys create|list|revoke`: account and user access keys. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/keys.h"
#include "cli/cli.h"

static void keys_usage(FILE *out)
{
    fputs("usage: roster keys create [--user USERNAME --instance ID|ALIAS] [--db PATH]\n"
          "       roster keys list [--db PATH]\n"
          "       roster keys revoke KEY_ID [--db PATH]\n\n"
          "create prints exactly two lines, AWS_ACCESS_KEY_ID=… and AWS_SECRET_ACCESS_KEY=…, so that\n"
          "eval \"$(roster keys create)\" sets them. Without --user the key is an account key (every\n"
          "instance, every operation); with --user it acts as that user of that instance, with the\n"
          "permissions of the user's security profiles.\n",
          out);
}

static int keys_create_cmd(cli_env *env, const char *user, const char *inst)
{
    if ((user == NULL) != (inst == NULL)) {
        cli_error("--user and --instance go together");
        return EXIT_USAGE;
    }
    rerr e;
    char id[24];
    char *secret = NULL;
    if (keys_create(&env->cx, env->kr, user ? KEY_USER : KEY_ACCOUNT, inst, user, id, &secret, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n", id, secret);
    sodium_memzero(secret, strlen(secret));
    free(secret);
    return EXIT_OK;
}

static void print_time(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char s[32];
    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs(s, stdout);
}

static int keys_list_cmd(cli_env *env)
{
    access_key *keys;
    size_t n;
    if (store_key_list(env->conn, &keys, &n) != STORE_OK) {
        cli_error("cannot list keys: %s", store_errmsg(env->conn));
        return EXIT_FAIL;
    }
    printf("%-20s  %-7s  %-8s  %-20s  %-36s  %s\n", "KEY_ID", "KIND", "STATE", "CREATED", "INSTANCE", "USER");
    for (size_t i = 0; i < n; i++) {
        const access_key *k = &keys[i];
        printf("%-20s  %-7s  %-8s  ", k->id, k->kind == KEY_ACCOUNT ? "account" : "user",
               k->revoked_ms ? "revoked" : "active");
        print_time(k->created_ms);
        printf("  %-36s  %s\n", k->instance_id[0] ? k->instance_id : "*", k->username ? k->username : "-");
        access_key_clear(&keys[i]);
    }
    free(keys);
    return EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"user", required_argument, NULL, 'u'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *user = NULL, *inst = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'u': user = optarg; break;
        case 'i': inst = optarg; break;
        case 'h': keys_usage(stdout); return EXIT_OK;
        default: keys_usage(stderr); return EXIT_USAGE;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    int nargs = argc - optind;
    int create = verb && strcmp(verb, "create") == 0 && nargs == 1;
    int list = verb && strcmp(verb, "list") == 0 && nargs == 1 && !user && !inst;
    int revoke = verb && strcmp(verb, "revoke") == 0 && nargs == 2 && !user && !inst;
    if (!create && !list && !revoke) {
        keys_usage(stderr);
        return EXIT_USAGE;
    }
    cli_env env;
    if (cli_open(cli_db_path(db_opt), &env) != 0)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    if (create) {
        rc = keys_create_cmd(&env, user, inst);
    } else if (list) {
        rc = keys_list_cmd(&env);
    } else {
        rerr e;
        if (keys_revoke(&env.cx, argv[optind + 1], &e)) {
            cli_error("%s", e.message);
            rc = EXIT_FAIL;
        } else {
            printf("revoked %s\n", argv[optind + 1]);
        }
    }
    cli_close(&env);
    return rc;
}
