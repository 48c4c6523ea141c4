/* main.c — the roster command: a table of subcommands, each in its own file under cli/. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"init", cmd_init, "create the store, the first instance, the admin user and an account key"},
    {"serve", cmd_serve, "run the HTTP server (Amazon Connect API, health check)"},
    {"keys", cmd_keys, "create, list and revoke access keys"},
    {"scim-token", cmd_scim_token, "create, list and revoke the SCIM bearer tokens of an instance"},
    {"scim-settings", cmd_scim_settings, "show and set what SCIM provisioning gives users, and who may edit them"},
    {"scim-mapping", cmd_scim_mapping, "map SCIM group names to security profiles, routing profiles, hierarchy groups"},
    {"users", cmd_users, "add a user from the command line"},
    {"audit", cmd_audit, "list the audit trail of user changes"},
    {"template", cmd_template, "write an instance's CSV template (from the running server)"},
    {"import", cmd_import, "import users from a CSV file and follow the job (running server)"},
    {"export", cmd_export, "write an instance's users as CSV (running server)"},
    {"jobs", cmd_jobs, "list, show, cancel and retry jobs, and get failure reports (running server)"},
    {"bulk-edit", cmd_bulk_edit, "change many users at once (a filter or logins) and follow the job"},
    {"bulk-delete", cmd_bulk_delete, "delete many users at once (a filter or logins) and follow the job"},
};

static void usage(FILE *out)
{
    fputs("usage: roster COMMAND [OPTIONS]\n\n"
          "roster keeps the agents and supervisors of contact-center instances and serves them\n"
          "over the Amazon Connect API.\n\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'roster COMMAND --help' for a command's options.\n"
          "Environment: ROSTER_DB (store path, default " DEFAULT_DB "), ROSTER_LISTEN (default " DEFAULT_LISTEN
          "),\nROSTER_REGION (region of a new store, default us-east-1). template, import, export, jobs,\n"
          "bulk-edit and bulk-delete talk to a running server: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
          "AWS_REGION or AWS_DEFAULT_REGION, and --endpoint-url or AWS_ENDPOINT_URL (default " CLIENT_DEFAULT_ENDPOINT ").\n",
          out);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        cli_error("cannot initialise libsodium");
        return EXIT_FAIL;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'roster --help')", argv[1]);
    return EXIT_USAGE;
}
