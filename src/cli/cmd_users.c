/* cmd_users.c — `roster users add`: create a user from the command line (bootstrap and
 * scripting; the full user API is the Amazon Connect door). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/instances.h"
#include "core/users.h"

static void users_usage(FILE *out)
{
    fputs("usage: roster users add USERNAME --instance ID|ALIAS --first-name NAME --last-name NAME\n"
          "                          --security-profile NAME [--security-profile NAME …]\n"
          "                          [--email ADDRESS] [--password-stdin] [--db PATH]\n\n"
          "Adds a user with the instance's default routing profile. --password-stdin reads the\n"
          "password from the first line of standard input.\n",
          out);
}

/* Reads one line from stdin into a malloc'd string without its newline; NULL on EOF. */
static char *read_password(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static int add_user(cli_env *env, const char *inst_ref, user_basic *u)
{
    rerr e;
    instance in;
    char id[ID_LEN];
    if (instances_resolve(&env->cx, inst_ref, 1, &in, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    if (users_create_basic(&env->cx, in.id, u, id, &e)) {
        cli_error("%s", e.message);
        instance_clear(&in);
        return EXIT_FAIL;
    }
    printf("added user %s (%s) to instance %s\n", u->username, id, in.id);
    instance_clear(&in);
    return EXIT_OK;
}

int cmd_users(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"first-name", required_argument, NULL, 'f'},
                                         {"last-name", required_argument, NULL, 'l'},
                                         {"email", required_argument, NULL, 'e'},
                                         {"security-profile", required_argument, NULL, 's'},
                                         {"password-stdin", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *inst = NULL;
    strlist profiles = {0};
    user_basic u = {0};
    int want_password = 0, c, rc = EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'i': inst = optarg; break;
        case 'f': u.first_name = optarg; break;
        case 'l': u.last_name = optarg; break;
        case 'e': u.email = optarg; break;
        case 's': strlist_push(&profiles, optarg); break;
        case 'p': want_password = 1; break;
        case 'h': users_usage(stdout); strlist_clear(&profiles); return EXIT_OK;
        default: goto usage;
        }
    }
    if (argc - optind != 2 || strcmp(argv[optind], "add") != 0 || !inst || !u.first_name || !u.last_name ||
        profiles.n == 0)
        goto usage;
    u.username = argv[optind + 1];
    u.security_profile_names = &profiles;
    char *password = want_password ? read_password() : NULL;
    if (want_password && !password) {
        cli_error("--password-stdin: no password on standard input");
        strlist_clear(&profiles);
        return EXIT_FAIL;
    }
    u.password = password;
    cli_env env;
    rc = cli_open(cli_db_path(db_opt), &env) == 0 ? add_user(&env, inst, &u) : EXIT_FAIL;
    if (env.st)
        cli_close(&env);
    if (password) {
        sodium_memzero(password, strlen(password));
        free(password);
    }
    strlist_clear(&profiles);
    return rc;
usage:
    users_usage(stderr);
    strlist_clear(&profiles);
    return rc;
}
