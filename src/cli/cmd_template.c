/* cmd_template.c — `roster template`: the CSV template of an instance from the running server
 * (GET /roster/v1/instances/{I}/users/template), to -o FILE or stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/client.h"

static void template_usage(FILE *out)
{
    fputs("usage: roster template [--instance ID|ALIAS] [--example] [-o FILE] [--endpoint-url URL]\n\n"
          "Writes the CSV template of the instance (its header row, matching the instance's identity\n"
          "management type) from the running server.\n\n"
          "  --instance      the instance; may be left out when the server has exactly one\n"
          "  --example       add one example row that imports cleanly into a new instance\n"
          "  -o, --output    write to FILE (replaced only once the whole template arrived), not stdout\n"
          "  --endpoint-url  the server (else $AWS_ENDPOINT_URL, else " CLIENT_DEFAULT_ENDPOINT ")\n\n"
          "Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, region from AWS_REGION or\n"
          "AWS_DEFAULT_REGION. Exit status: 0 success, 1 failure, 2 usage error.\n",
          out);
}

int cmd_template(int argc, char **argv)
{
    static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
                                         {"example", no_argument, NULL, 'x'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"endpoint-url", required_argument, NULL, 'e'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *inst = NULL, *outp = NULL, *endpoint = NULL;
    int example = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'i': inst = optarg; break;
        case 'x': example = 1; break;
        case 'o': outp = optarg; break;
        case 'e': endpoint = optarg; break;
        case 'h': template_usage(stdout); return EXIT_OK;
        default: template_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        template_usage(stderr);
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
        buf_printf(&path, "/roster/v1/instances/%s/users/template", id);
        client_param p[] = {{"example", example ? "true" : NULL}};
        client_query_build(&q, p, 1);
        rc = client_download(&cl, path.data, q.data, outp);
        buf_free(&path);
        buf_free(&q);
    }
    free(id);
    client_close(&cl);
    return rc;
}
