/* cmd_init.c — `roster init`: create the store, its key file, the first instance (alias
 * "default", CONNECT_MANAGED) with its default resources, the admin user and one account key. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/keys.h"
#include "crypto/passwords.h"
#include "cli/cli.h"
#include "core/instances.h"
#include "core/users.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

static void init_usage(FILE *out)
{
    fputs("usage: roster init [--db PATH] [--region REGION] [--force]\n\n"
          "Creates a new store with a first instance (alias 'default'), an admin user and an\n"
          "account access key, and prints the admin password and the key once.\n"
          "  --db PATH        store file (default $ROSTER_DB or " DEFAULT_DB ")\n"
          "  --region REGION  region named in ARNs (default $ROSTER_REGION or us-east-1)\n"
          "  --force          replace an existing store: ALL ITS DATA IS DELETED\n",
          out);
}

/* Creates every missing directory above path. Returns 0 or -1 (errno set). */
static int make_parent_dirs(const char *path)
{
    char *copy = xstrdup(path);
    char *dir = dirname(copy);
    buf b;
    buf_init(&b);
    int rc = 0;
    for (char *p = dir; rc == 0 && *p; p++) {
        buf_putc(&b, *p);
        if ((p[1] == '/' || p[1] == '\0') && mkdir(b.data, 0755) != 0 && errno != EEXIST)
            rc = -1;
    }
    buf_free(&b);
    free(copy);
    return rc;
}

static int remove_store(const char *db)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", ".key"};
    for (size_t i = 0; i < 4; i++) {
        buf b;
        buf_init(&b);
        buf_printf(&b, "%s%s", db, suffixes[i]);
        int rc = unlink(b.data);
        int err = errno;
        buf_free(&b);
        if (rc != 0 && err != ENOENT)
            return -1;
    }
    return 0;
}

static int bootstrap(cli_env *env, const char *db)
{
    rerr e;
    instance in;
    instance_defaults defs;
    int created;
    instance_create req = {.idm_type = "CONNECT_MANAGED", .alias = "default", .inbound_calls = 1,
                           .outbound_calls = 1};
    if (instances_create(&env->cx, &req, &in, &defs, &created, &e)) {
        cli_error("cannot create the first instance: %s", e.message);
        return -1;
    }
    char password[21], user_id[ID_LEN], key_id[24];
    passwords_generate(password);
    strlist profiles = {0};
    strlist_push(&profiles, "Admin");
    user_basic admin = {.username = "admin", .first_name = "Admin", .last_name = "User",
                        .email = "admin@example.com", .password = password,
                        .security_profile_names = &profiles, .routing_profile_id = defs.routing_profile_id};
    char *secret = NULL;
    int rc = users_create_basic(&env->cx, in.id, &admin, user_id, &e);
    strlist_clear(&profiles);
    if (rc == 0)
        rc = keys_create(&env->cx, env->kr, KEY_ACCOUNT, NULL, NULL, key_id, &secret, &e);
    if (rc != 0) {
        cli_error("cannot finish the bootstrap: %s", e.message);
        instance_clear(&in);
        return -1;
    }
    printf("Initialised the roster store at %s (secrets key file %s.key, keep it with the store).\n"
           "Instance 'default': %s (CONNECT_MANAGED, region %s, account %s)\n"
           "Console sign-in (shown once): user admin, password %s\n"
           "Account access key (shown once):\n"
           "export AWS_ACCESS_KEY_ID=%s\n"
           "export AWS_SECRET_ACCESS_KEY=%s\n"
           "export AWS_DEFAULT_REGION=%s\n",
           db, db, in.id, env->cfg.region, env->cfg.account, password, key_id, secret, env->cfg.region);
    sodium_memzero(password, sizeof password);
    sodium_memzero(secret, strlen(secret));
    free(secret);
    instance_clear(&in);
    return 0;
}

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *region = getenv("ROSTER_REGION");
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'r': region = optarg; break;
        case 'f': force = 1; break;
        case 'h': init_usage(stdout); return EXIT_OK;
        default: init_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        init_usage(stderr);
        return EXIT_USAGE;
    }
    const char *db = cli_db_path(db_opt);
    if (access(db, F_OK) == 0 && !force) {
        cli_error("a store already exists at %s; pass --force to replace it (all its data is deleted)", db);
        return EXIT_FAIL;
    }
    if ((force && remove_store(db) != 0) || make_parent_dirs(db) != 0) {
        cli_error("cannot prepare %s: %s", db, strerror(errno));
        return EXIT_FAIL;
    }
    if (region && *region && validate_region(NULL, region) != 0) {
        cli_error("--region '%s' is not a region name such as us-east-1", region);
        return EXIT_USAGE;
    }
    char err[512];
    store *st = store_open(db, 1, err, sizeof err);
    if (st && chmod(db, 0600) != 0) /* the store holds password hashes: owner only */
        cli_error("warning: cannot restrict %s to its owner: %s", db, strerror(errno));
    char *kpath = keyring_path_for(db);
    keyring *kr = st ? keyring_load(kpath, 1, err, sizeof err) : NULL;
    free(kpath);
    store_conn *conn = kr ? store_conn_get(st) : NULL;
    settings cfg;
    int ok = conn && settings_load(conn, 1, region && *region ? region : "us-east-1", &cfg, err, sizeof err) == 0;
    store_conn_put(conn);
    keyring_free(kr);
    store_close(st);
    if (!ok) {
        cli_error("%s", err);
        return EXIT_FAIL;
    }
    cli_env env;
    if (cli_open(db, &env) != 0)
        return EXIT_FAIL;
    int rc = bootstrap(&env, db);
    cli_close(&env);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
