/* cmd_export.c — `roster export`: every user of an instance (or those a filter picks) in the CSV
 * template's format, streamed from the running server (GET /roster/v1/instances/{I}/users/export)
 * to -o FILE or stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"

static void export_usage(FILE *out)
{
    fputs("usage: roster export [--instance ID|ALIAS] [--filter KEY=VALUE]... [-o FILE]\n"
          "                     [--endpoint-url URL]\n\n"
          "Writes the users of the instance in the CSV template's format (passwords empty), ready to\n"
          "edit and import again with --mode upsert.\n\n"
          "  --instance      the instance; may be left out when the server has exactly one\n"
          "  --filter        only some users; repeat to combine (each key at most once):\n"
          "                    username=PREFIX          usernames beginning with PREFIX\n"
          "                    routing-profile=ID       users of that routing profile\n"
          "                    security-profile=ID      users holding that security profile\n"
          "                    hierarchy-group=ID       users in that group or any group below it\n"
          "  -o, --output    write to FILE (replaced only once the whole export arrived), not stdout\n"
          "  --endpoint-url  the server (else $AWS_ENDPOINT_URL, else " CLIENT_DEFAULT_ENDPOINT ")\n\n"
          "Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, region from AWS_REGION or\n"
          "AWS_DEFAULT_REGION. Exit status: 0 success, 1 failure, 2 usage error.\n",
          out);
}

/* The filter keys and the query parameters they become. */
static const struct {
    const char *key;
    const char *param;
} filter_keys[] = {
    {"username", "Username"},
    {"routing-profile", "RoutingProfileId"},
    {"security-profile", "SecurityProfileId"},
    {"hierarchy-group", "HierarchyGroupId"},
};
#define NFILTERS (sizeof filter_keys / sizeof filter_keys[0])

/* Takes one --filter KEY=VALUE into values[]. Returns 0, or -1 after printing. */
static int take_filter(const char *arg, const char *values[NFILTERS])
{
    const char *eq = strchr(arg, '=');
    if (eq) {
        for (size_t i = 0; i < NFILTERS; i++) {
            if (strlen(filter_keys[i].key) == (size_t)(eq - arg) && strncmp(arg, filter_keys[i].key, (size_t)(eq - arg)) == 0) {
                if (values[i]) {
                    cli_error("--filter %s= is given twice", filter_keys[i].key);
                    return -1;
                }
                if (eq[1] == '\0' || strlen(eq + 1) > 1024) {
                    cli_error("--filter %s= needs a value (at most 1024 bytes)", filter_keys[i].key);
                    return -1;
                }
                values[i] = eq + 1;
                return 0;
            }
        }
    }
    cli_error("--filter '%.100s' is not KEY=VALUE with KEY username, routing-profile, security-profile or "
              "hierarchy-group", arg);
    return -1;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
                                         {"filter", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"endpoint-url", required_argument, NULL, 'e'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *inst = NULL, *outp = NULL, *endpoint = NULL;
    const char *values[NFILTERS] = {NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'i': inst = optarg; break;
        case 'f':
            if (take_filter(optarg, values) != 0)
                return EXIT_USAGE;
            break;
        case 'o': outp = optarg; break;
        case 'e': endpoint = optarg; break;
        case 'h': export_usage(stdout); return EXIT_OK;
        default: export_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        export_usage(stderr);
        return EXIT_USAGE;
    }
    client cl;
    int rc = client_open(&cl, endpoint);
    char *id = NULL;
    if (rc == EXIT_OK)
        rc = client_instance(&cl, inst, &id);
    if (rc == EXIT_OK) {
        buf path, q;
        buf_init(&path);
        buf_init(&q);
        buf_printf(&path, "/roster/v1/instances/%s/users/export", id);
        client_param p[NFILTERS];
        for (size_t i = 0; i < NFILTERS; i++)
            p[i] = (client_param){filter_keys[i].param, values[i]};
        client_query_build(&q, p, NFILTERS);
        rc = client_download(&cl, path.data, q.data, outp);
        buf_free(&path);
        buf_free(&q);
    }
    free(id);
    client_close(&cl);
    return rc;
}
