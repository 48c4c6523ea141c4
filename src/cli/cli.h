/* cli.h — what the subcommands share: exit codes, the store location, opening the store with
 * its settings and key file, and one-line errors. */
#ifndef ROSTER_CLI_CLI_H
#define ROSTER_CLI_CLI_H

#include "auth/keys.h"
#include "core/context.h"
#include "store/store.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

#define DEFAULT_DB "./var/roster.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"

/* The database path: the --db option, else $ROSTER_DB, else DEFAULT_DB. Static or argv storage. */
const char *cli_db_path(const char *opt);

typedef struct cli_env {
    store *st;
    keyring *kr;
    settings cfg;
    store_conn *conn;
    core_ctx cx;                 /* who = principal_cli(): the operator, with account powers */
} cli_env;

/* Opens an existing store (refusing a missing one with a hint to run init), its settings
 * and key file. Returns 0, or -1 after printing the reason. Release with cli_close. */
int cli_open(const char *db, cli_env *env);
void cli_close(cli_env *env);

/* Prints "roster: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The subcommands (one file each). Each returns an exit status. */
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_scim_token(int argc, char **argv);
int cmd_scim_settings(int argc, char **argv);
int cmd_scim_mapping(int argc, char **argv);
int cmd_users(int argc, char **argv);
int cmd_audit(int argc, char **argv);
/* Clients of a running server over HTTP (cli/client.h), not of the store. */
int cmd_template(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_bulk_edit(int argc, char **argv);
int cmd_bulk_delete(int argc, char **argv);

#endif
