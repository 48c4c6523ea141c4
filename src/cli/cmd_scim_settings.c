/* cmd_scim_settings.c — `roster scim-settings show|set`: an instance's SCIM settings
 * (core/scim_settings.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/scim_settings.h"

static void usage(FILE *out)
{
    fputs("usage: roster scim-settings show --instance ID|ALIAS [--db PATH]\n"
          "       roster scim-settings set --instance ID|ALIAS [--routing-profile NAME]\n"
          "              [--security-profile NAME]... [--admins-edit-settings yes|no]\n"
          "              [--on-delete delete|disable] [--db PATH]\n\n"
          "What a user provisioned over SCIM gets that the identity provider does not send: a routing\n"
          "profile (default: the one named '" SCIM_DEFAULT_ROUTING_PROFILE "') and security profiles (default:\n"
          "'" SCIM_DEFAULT_SECURITY_PROFILE "'); --routing-profile '' and --security-profile '' go back to the\n"
          "defaults. --admins-edit-settings yes lets admins still change a provisioned user's routing\n"
          "profile, phone and channel settings, hierarchy group and tags (default: no, read-only).\n"
          "--on-delete disable makes a SCIM DELETE disable the user instead of deleting it.\n",
          out);
}

/* 1/0 for yes/no (or the two words of --on-delete), -2 otherwise. */
static int word(const char *s, const char *yes, const char *no)
{
    return strcmp(s, yes) == 0 ? 1 : strcmp(s, no) == 0 ? 0 : -2;
}

static int show(cli_env *env, const char *inst)
{
    scim_settings s;
    rerr e;
    if (scim_settings_get(&env->cx, inst, &s, &e)) {
        cli_error("%s", e.message);
        scim_settings_clear(&s);
        return EXIT_FAIL;
    }
    printf("Instance: %s\n", s.instance_id);
    printf("Routing profile: %s\n", s.routing_profile_name ? s.routing_profile_name
                                                           : SCIM_DEFAULT_ROUTING_PROFILE " (the default)");
    printf("Security profiles: ");
    for (size_t i = 0; i < s.security_profile_names.n; i++)
        printf("%s%s", i ? ", " : "", s.security_profile_names.items[i]);
    puts(s.security_profile_names.n ? "" : SCIM_DEFAULT_SECURITY_PROFILE " (the default)");
    printf("Admins edit contact-center settings: %s\n", s.admins_edit_settings ? "yes" : "no");
    printf("On SCIM DELETE: %s\n", s.delete_disables ? "disable" : "delete");
    scim_settings_clear(&s);
    return EXIT_OK;
}

int cmd_scim_settings(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"routing-profile", required_argument, NULL, 'r'},
                                         {"security-profile", required_argument, NULL, 's'},
                                         {"admins-edit-settings", required_argument, NULL, 'a'},
                                         {"on-delete", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_opt = NULL, *inst = NULL;
    scim_settings_in in = {.admins_edit_settings = -1, .delete_disables = -1};
    strlist sps = {0};
    int any_sp = 0, bad = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'i': inst = optarg; break;
        case 'r': in.routing_profile = optarg; break;
        case 's':
            any_sp = 1;
            if (*optarg)
                strlist_push(&sps, optarg);
            break;
        case 'a': bad |= (in.admins_edit_settings = word(optarg, "yes", "no")) < 0; break;
        case 'o': bad |= (in.delete_disables = word(optarg, "disable", "delete")) < 0; break;
        case 'h': strlist_clear(&sps); usage(stdout); return EXIT_OK;
        default: bad = 1;
        }
    }
    const char *verb = optind + 1 == argc ? argv[optind] : NULL;
    int is_show = verb && strcmp(verb, "show") == 0 && !in.routing_profile && !any_sp &&
                  in.admins_edit_settings == -1 && in.delete_disables == -1;
    int is_set = verb && strcmp(verb, "set") == 0;
    if (bad || !inst || (!is_show && !is_set)) {
        strlist_clear(&sps);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (any_sp)
        in.security_profiles = &sps;
    cli_env env;
    if (cli_open(cli_db_path(db_opt), &env) != 0) {
        strlist_clear(&sps);
        return EXIT_FAIL;
    }
    int rc = EXIT_OK;
    rerr e;
    if (is_set && scim_settings_put(&env.cx, inst, &in, &e)) {
        cli_error("%s", e.message);
        rc = EXIT_FAIL;
    }
    if (rc == EXIT_OK)
        rc = show(&env, inst);
    cli_close(&env);
    strlist_clear(&sps);
    return rc;
}
