/* cmd_scim_mapping.c — `roster scim-mapping add|list|remove`: an instance's mappings of SCIM group
 * names to a security profile, a routing profile or a hierarchy group (core/scim_groups.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/scim_groups.h"
#include "util/num.h"
#include "util/timespec.h"

static void usage(FILE *out)
{
    fputs("usage: roster scim-mapping add --instance ID|ALIAS --group NAME\n"
          "              (--security-profile NAME | --routing-profile NAME | --hierarchy-group PATH|ID)\n"
          "              [--precedence N] [--db PATH]\n"
          "       roster scim-mapping list --instance ID|ALIAS [--db PATH]\n"
          "       roster scim-mapping remove --instance ID|ALIAS MAPPING_ID [--db PATH]\n\n"
          "Members of the identity provider's group NAME (matched ignoring case; the group need not\n"
          "exist yet) get the security profile (added to their own), the routing profile or the\n"
          "hierarchy group (PATH: the group names from level one down, joined by ' / ', e.g.\n"
          "'EMEA / Paris'). Of several routing profiles or hierarchy groups, the mapping of the lowest\n"
          "--precedence (0..1000000, default 100) wins; on a tie, the group name first in byte order.\n"
          "Adding or removing a mapping changes the members at once; what a mapping gave is taken back\n"
          "when it no longer applies, and stays read-only for admins while it does.\n",
          out);
}

static int add_cmd(cli_env *env, const char *inst, const char *group, int kind, const char *target, int64_t precedence)
{
    char id[ID_LEN];
    rerr e;
    if (scim_mappings_add(&env->cx, inst, group, (scim_mapping_kind)kind, target, precedence, id, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("Mapping id: %s\n", id);
    return EXIT_OK;
}

static int list_cmd(cli_env *env, const char *inst)
{
    scim_mapping *v = NULL;
    size_t n = 0;
    rerr e;
    if (scim_mappings_list(&env->cx, inst, &v, &n, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("%-36s  %-10s  %-16s  %-24s  %-24s  %s\n", "MAPPING_ID", "PRECEDENCE", "KIND", "CREATED", "GROUP",
           "TARGET");
    for (size_t i = 0; i < n; i++) {
        char created[32];
        time_format_ms(v[i].created_ms, created, sizeof created);
        printf("%-36s  %-10lld  %-16s  %-24s  %-24s  %s\n", v[i].id, (long long)v[i].precedence,
               scim_mapping_kind_name(v[i].kind), created, v[i].group_name,
               v[i].target_name ? v[i].target_name : v[i].target_id);
        scim_mapping_clear(&v[i]);
    }
    free(v);
    return EXIT_OK;
}

static int remove_cmd(cli_env *env, const char *inst, const char *id)
{
    rerr e;
    if (scim_mappings_remove(&env->cx, inst, id, &e)) {
        cli_error("%s", e.message);
        return EXIT_FAIL;
    }
    printf("removed %s\n", id);
    return EXIT_OK;
}

int cmd_scim_mapping(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"group", required_argument, NULL, 'g'},
                                         {"security-profile", required_argument, NULL, 's'},
                                         {"routing-profile", required_argument, NULL, 'r'},
                                         {"hierarchy-group", required_argument, NULL, 'y'},
                                         {"precedence", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *inst = NULL, *group = NULL, *target = NULL, *precedence_opt = NULL;
    int kind = -1, targets = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'i': inst = optarg; break;
        case 'g': group = optarg; break;
        case 's': kind = SCIM_MAP_SECURITY_PROFILE, target = optarg, targets++; break;
        case 'r': kind = SCIM_MAP_ROUTING_PROFILE, target = optarg, targets++; break;
        case 'y': kind = SCIM_MAP_HIERARCHY_GROUP, target = optarg, targets++; break;
        case 'p': precedence_opt = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    int nargs = argc - optind, others = group || targets || precedence_opt;
    int add = verb && strcmp(verb, "add") == 0 && nargs == 1 && group && targets == 1;
    int list = verb && strcmp(verb, "list") == 0 && nargs == 1 && !others;
    int remove = verb && strcmp(verb, "remove") == 0 && nargs == 2 && !others;
    int64_t precedence = SCIM_MAPPING_PRECEDENCE_DEFAULT;
    if (precedence_opt && parse_int64(precedence_opt, 0, SCIM_MAPPING_PRECEDENCE_MAX, &precedence) != 0) {
        cli_error("--precedence must be a whole number from 0 to %d", SCIM_MAPPING_PRECEDENCE_MAX);
        return EXIT_USAGE;
    }
    if (!inst || (!add && !list && !remove)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cli_env env;
    if (cli_open(cli_db_path(db_opt), &env) != 0)
        return EXIT_FAIL;
    int rc = add ? add_cmd(&env, inst, group, kind, target, precedence)
             : list ? list_cmd(&env, inst)
                    : remove_cmd(&env, inst, argv[optind + 1]);
    cli_close(&env);
    return rc;
}
