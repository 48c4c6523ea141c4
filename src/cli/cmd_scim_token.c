/* cmd_scim_token.c — `roster scim-token create|list|revoke`: the bearer tokens an identity
 * provider's SCIM client presents, one instance each (auth/scim_tokens.h). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scim_tokens.h"
#include "cli/cli.h"
#include "util/timespec.h"

static void usage(FILE *out)
{
    fputs("usage: roster scim-token create --instance ID|ALIAS [--name NAME] [--db PATH]\n"
          "       roster scim-token list [--instance ID|ALIAS] [--db PATH]\n"
          "       roster scim-token revoke TOKEN_ID [--db PATH]\n\n"
          "create prints the token once (give it to the identity provider's SCIM client as its\n"
          "bearer token; roster keeps only its SHA-256) and its id. NAME (default 'scim', unique in\n"
          "the instance) names the client in the audit trail. A revoked token is refused at once.\n",
          out);
}

static int create_cmd(cli_env *env, const char *inst, const char *name)
{
    if (!inst) {
        cli_error("create needs --instance");
        return EXIT_USAGE;
    }
    scim_token t;
    char token[SCIM_TOKEN_LEN + 1];
    rerr e;
    if (scim_token_create(&env->cx, inst, name, &t, token, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("SCIM token (shown once): %s\nToken id: %s\nInstance: %s\nName: %s\n", token, t.id, t.instance_id, t.name);
    sodium_memzero(token, sizeof token);
    return EXIT_OK;
}

static int list_cmd(cli_env *env, const char *inst)
{
    scim_token *v;
    size_t n;
    rerr e;
    if (scim_token_list(&env->cx, inst, &v, &n, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("%-36s  %-8s  %-24s  %-36s  %s\n", "TOKEN_ID", "STATE", "CREATED", "INSTANCE", "NAME");
    for (size_t i = 0; i < n; i++) {
        char created[32];
        time_format_ms(v[i].created_ms, created, sizeof created);
        printf("%-36s  %-8s  %-24s  %-36s  %s\n", v[i].id, v[i].revoked_ms ? "revoked" : "active", created,
               v[i].instance_id, v[i].name);
    }
    free(v);
    return EXIT_OK;
}

int cmd_scim_token(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *inst = NULL, *name = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'i': inst = optarg; break;
        case 'n': name = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    int nargs = argc - optind;
    int create = verb && strcmp(verb, "create") == 0 && nargs == 1;
    int list = verb && strcmp(verb, "list") == 0 && nargs == 1 && !name;
    int revoke = verb && strcmp(verb, "revoke") == 0 && nargs == 2 && !name && !inst;
    if (!create && !list && !revoke) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cli_env env;
    if (cli_open(cli_db_path(db_opt), &env) != 0)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    if (create) {
        rc = create_cmd(&env, inst, name);
    } else if (list) {
        rc = list_cmd(&env, inst);
    } else {
        rerr e;
        if (scim_token_revoke(&env.cx, argv[optind + 1], &e)) {
            cli_error("%s", e.message);
            rc = EXIT_FAIL;
        } else {
            printf("revoked %s\n", argv[optind + 1]);
        }
    }
    cli_close(&env);
    return rc;
}
