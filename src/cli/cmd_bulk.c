/* cmd_bulk.c — `roster bulk-edit` and `roster bulk-delete`: a selection of users (logins, a
 * filter expression of cli/filter_expr.h, or SearchUsers criteria from a JSON file) and, for an
 * edit, the changes, with every name resolved to its id through the API (cli/names.h) before
 * anything is submitted; then POST /roster/v1/instances/{I}/bulk-edits or bulk-deletes and the
 * job followed as `roster import` follows its own (cli/job_follow.h). A delete is confirmed on a
 * terminal with the number of users selected; without a terminal it needs --yes.
 * Exit 0 every user succeeded, 1 a user failed, the job failed or was canceled, a name did not
 * resolve or the server refused, 2 usage error (a filter that does not parse among them). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/filter_expr.h"
#include "cli/job_follow.h"
#include "cli/names.h"
#include "model/model.h"
#include "util/utf8.h"

#define FILTER_JSON_MAX ((size_t)1024 * 1024)
#define ACW_MAX 2000000L

static const char SELECTION_USAGE[] =
    "Selection (one of):\n"
    "  --users LOGIN,…     these users (repeatable); a login that does not exist is an error\n"
    "  --filter EXPR       the users matching a filter expression, e.g.\n"
    "                      'routing-profile=\"Basic Routing Profile\" and hierarchy^=Sales|West'\n"
    "                      fields: login first-name last-name routing-profile security-profile\n"
    "                      hierarchy tag:KEY; operators = ^= ~=; and, or, ( ); see the README\n"
    "  --filter-json FILE  SearchUsers criteria as is: a SearchCriteria object, or an object\n"
    "                      with SearchCriteria and/or SearchFilter\n"
    "The selection is resolved by the server when the job is submitted.\n";

static const char COMMON_USAGE[] =
    "  --instance      the instance; may be left out when the server has exactly one\n"
    "  --report        write the failure report (login, id, change, reason) to PATH\n"
    "  --no-wait       print the job id once submitted and return ('roster jobs' follows it)\n"
    "  --endpoint-url  the server (else $AWS_ENDPOINT_URL, else " CLIENT_DEFAULT_ENDPOINT ")\n\n"
    "Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, region from AWS_REGION or\n"
    "AWS_DEFAULT_REGION. A progress bar when stderr is a terminal, then a summary with the first\n"
    "errors; Ctrl-C stops waiting, not the job. Exit status: 0 every user succeeded, 1 a user\n"
    "failed, the job failed or was canceled, a name is unknown (or any other failure), 2 usage\n"
    "error.\n";

static void edit_usage(FILE *out)
{
    fputs("usage: roster bulk-edit (--users LOGIN,… | --filter EXPR | --filter-json FILE)\n"
          "                        [--set routing-profile=NAME] [--set-security-profiles N1,N2]\n"
          "                        [--add-security-profile NAME]… [--remove-security-profile NAME]…\n"
          "                        [--set phone-type=soft|desk] [--set desk-phone=+E164]\n"
          "                        [--set auto-accept=yes|no] [--set acw=SECONDS]\n"
          "                        [--set hierarchy=PATH|none] [--tag KEY=VALUE]… [--untag KEY]…\n"
          "                        [--instance ID|ALIAS] [--report PATH] [--no-wait] [--endpoint-url URL]\n\n"
          "Changes many users at once, as one job on the running server (one item per user).\n\n",
          out);
    fputs(SELECTION_USAGE, out);
    fputs("\nChanges (at least one; names as the console shows them, exact and case-sensitive):\n"
          "  --set routing-profile=NAME        the routing profile\n"
          "  --set-security-profiles N1,N2     replace the security profiles (1 to 10)\n"
          "  --add-security-profile NAME       add one (repeatable; not with --set-security-profiles)\n"
          "  --remove-security-profile NAME    remove one (repeatable)\n"
          "  --set phone-type=soft|desk        soft phone or desk phone\n"
          "  --set desk-phone=+E164            the desk phone number\n"
          "  --set auto-accept=yes|no          auto-accept of calls\n"
          "  --set acw=SECONDS                 after-contact-work time limit (0: none)\n"
          "  --set hierarchy=PATH|none         the hierarchy group, as in the CSV (Sales|West), or none\n"
          "  --tag KEY=VALUE                   add or overwrite a tag (repeatable)\n"
          "  --untag KEY                       remove a tag (repeatable)\n\n",
          out);
    fputs(COMMON_USAGE, out);
}

static void delete_usage(FILE *out)
{
    fputs("usage: roster bulk-delete (--users LOGIN,… | --filter EXPR | --filter-json FILE) [--yes]\n"
          "                          [--instance ID|ALIAS] [--report PATH] [--no-wait] [--endpoint-url URL]\n\n"
          "Deletes many users at once, as one job on the running server (one item per user). On a\n"
          "terminal it first shows how many users the selection holds and asks to confirm; without a\n"
          "terminal it refuses unless --yes is given.\n\n",
          out);
    fputs(SELECTION_USAGE, out);
    fputs("\n  --yes           delete without asking\n", out);
    fputs(COMMON_USAGE, out);
}

typedef struct bulk_opts {
    int del;                     /* bulk-delete */
    strlist logins;              /* --users, split */
    int users_given;
    const char *filter, *filter_json;
    const char *inst, *report, *endpoint;
    int no_wait, yes;
    /* bulk-edit */
    const char *routing_profile;
    const char *phone_type;      /* SOFT_PHONE / DESK_PHONE */
    const char *desk_phone;
    int auto_accept;             /* -1 unset */
    long acw;                    /* -1 unset */
    const char *hierarchy;       /* a path, or "" for none; NULL unset */
    strlist sp_set, sp_add, sp_remove;
    int sp_set_given;
    json_t *tag_add;             /* object */
    json_t *untag;               /* array */
} bulk_opts;

static void opts_clear(bulk_opts *o)
{
    strlist_clear(&o->logins);
    strlist_clear(&o->sp_set);
    strlist_clear(&o->sp_add);
    strlist_clear(&o->sp_remove);
    json_decref(o->tag_add);
    json_decref(o->untag);
}

static int utf8_ok(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t k = utf8_char_len((const unsigned char *)s + i, len - i, NULL);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Splits a comma-separated list into l. Returns 0, or -1 after printing (an empty item). */
static int split_list(const char *opt, const char *s, strlist *l)
{
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0) {
            cli_error("%s '%.100s' has an empty item", opt, s);
            return -1;
        }
        char *item = xstrndup(p, n);
        strlist_push(l, item);
        free(item);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* One --set KEY=VALUE. Returns 0, or -1 after printing. */
static int set_option(bulk_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        cli_error("--set '%.100s' is not KEY=VALUE", arg);
        return -1;
    }
    size_t klen = (size_t)(eq - arg);
    const char *v = eq + 1;
#define KEY_IS(k) (klen == strlen(k) && strncmp(arg, k, klen) == 0)
#define ONCE(field, unset)                                                                            \
    if (o->field != unset) {                                                                          \
        cli_error("--set %.*s is given twice", (int)klen, arg);                                      \
        return -1;                                                                                    \
    }
    if (KEY_IS("routing-profile")) {
        ONCE(routing_profile, NULL);
        if (!*v) {
            cli_error("--set routing-profile needs a name");
            return -1;
        }
        o->routing_profile = v;
    } else if (KEY_IS("phone-type")) {
        ONCE(phone_type, NULL);
        if (strcasecmp(v, "soft") == 0) {
            o->phone_type = "SOFT_PHONE";
        } else if (strcasecmp(v, "desk") == 0) {
            o->phone_type = "DESK_PHONE";
        } else {
            cli_error("--set phone-type='%.40s' is not soft or desk", v);
            return -1;
        }
    } else if (KEY_IS("desk-phone")) {
        ONCE(desk_phone, NULL);
        if (!*v) {
            cli_error("--set desk-phone needs a number (+E.164)");
            return -1;
        }
        o->desk_phone = v;
    } else if (KEY_IS("auto-accept")) {
        ONCE(auto_accept, -1);
        if (strcasecmp(v, "yes") == 0) {
            o->auto_accept = 1;
        } else if (strcasecmp(v, "no") == 0) {
            o->auto_accept = 0;
        } else {
            cli_error("--set auto-accept='%.40s' is not yes or no", v);
            return -1;
        }
    } else if (KEY_IS("acw")) {
        ONCE(acw, -1);
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (!*v || *end || errno || n < 0 || n > ACW_MAX || *v == '+' || *v == '-' || *v == ' ') {
            cli_error("--set acw='%.40s' is not a number of seconds from 0 to %ld", v, ACW_MAX);
            return -1;
        }
        o->acw = n;
    } else if (KEY_IS("hierarchy")) {
        ONCE(hierarchy, NULL);
        if (!*v) {
            cli_error("--set hierarchy needs a path (Sales|West) or none");
            return -1;
        }
        o->hierarchy = strcmp(v, "none") == 0 ? "" : v;
    } else {
        cli_error("--set '%.*s' is not one of routing-profile, phone-type, desk-phone, auto-accept, acw, "
                  "hierarchy",
                  (int)(klen > 40 ? 40 : klen), arg);
        return -1;
    }
#undef KEY_IS
#undef ONCE
    return 0;
}

/* Reads the options. Returns -1 when they are fine, else the exit status to return. */
static int parse_opts(bulk_opts *o, int argc, char **argv)
{
    enum { O_USERS = 256, O_FILTER, O_FILTER_JSON, O_SET, O_ADD_SP, O_REMOVE_SP, O_SET_SP, O_TAG, O_UNTAG, O_YES };
    static const struct option edit_opts[] = {{"users", required_argument, NULL, O_USERS},
                                              {"filter", required_argument, NULL, O_FILTER},
                                              {"filter-json", required_argument, NULL, O_FILTER_JSON},
                                              {"set", required_argument, NULL, O_SET},
                                              {"add-security-profile", required_argument, NULL, O_ADD_SP},
                                              {"remove-security-profile", required_argument, NULL, O_REMOVE_SP},
                                              {"set-security-profiles", required_argument, NULL, O_SET_SP},
                                              {"tag", required_argument, NULL, O_TAG},
                                              {"untag", required_argument, NULL, O_UNTAG},
                                              {"instance", required_argument, NULL, 'i'},
                                              {"report", required_argument, NULL, 'r'},
                                              {"no-wait", no_argument, NULL, 'n'},
                                              {"endpoint-url", required_argument, NULL, 'e'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    static const struct option delete_opts[] = {{"users", required_argument, NULL, O_USERS},
                                                {"filter", required_argument, NULL, O_FILTER},
                                                {"filter-json", required_argument, NULL, O_FILTER_JSON},
                                                {"yes", no_argument, NULL, O_YES},
                                                {"instance", required_argument, NULL, 'i'},
                                                {"report", required_argument, NULL, 'r'},
                                                {"no-wait", no_argument, NULL, 'n'},
                                                {"endpoint-url", required_argument, NULL, 'e'},
                                                {"help", no_argument, NULL, 'h'},
                                                {NULL, 0, NULL, 0}};
    void (*usage)(FILE *) = o->del ? delete_usage : edit_usage;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", o->del ? delete_opts : edit_opts, NULL)) != -1) {
        if (optarg && !utf8_ok(optarg)) {
            cli_error("an option's value is not valid UTF-8 text");
            return EXIT_USAGE;
        }
        switch (c) {
        case O_USERS:
            o->users_given = 1;
            if (split_list("--users", optarg, &o->logins))
                return EXIT_USAGE;
            break;
        case O_FILTER:
            if (o->filter) {
                cli_error("--filter is given twice (join the expressions with 'and')");
                return EXIT_USAGE;
            }
            o->filter = optarg;
            break;
        case O_FILTER_JSON:
            if (o->filter_json) {
                cli_error("--filter-json is given twice");
                return EXIT_USAGE;
            }
            o->filter_json = optarg;
            break;
        case O_SET:
            if (set_option(o, optarg))
                return EXIT_USAGE;
            break;
        case O_ADD_SP:
            strlist_push(&o->sp_add, optarg);
            break;
        case O_REMOVE_SP:
            strlist_push(&o->sp_remove, optarg);
            break;
        case O_SET_SP:
            if (o->sp_set_given) {
                cli_error("--set-security-profiles is given twice");
                return EXIT_USAGE;
            }
            o->sp_set_given = 1;
            if (split_list("--set-security-profiles", optarg, &o->sp_set))
                return EXIT_USAGE;
            break;
        case O_TAG: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                cli_error("--tag '%.100s' is not KEY=VALUE", optarg);
                return EXIT_USAGE;
            }
            char *key = xstrndup(optarg, (size_t)(eq - optarg));
            json_object_set_new(o->tag_add, key, json_string(eq + 1));
            free(key);
            break;
        }
        case O_UNTAG:
            if (!*optarg) {
                cli_error("--untag needs a tag key");
                return EXIT_USAGE;
            }
            json_array_append_new(o->untag, json_string(optarg));
            break;
        case O_YES: o->yes = 1; break;
        case 'i': o->inst = optarg; break;
        case 'r': o->report = optarg; break;
        case 'n': o->no_wait = 1; break;
        case 'e': o->endpoint = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("unexpected argument '%.100s' (see 'roster %s --help')", argv[optind],
                  o->del ? "bulk-delete" : "bulk-edit");
        return EXIT_USAGE;
    }
    if (o->users_given + !!o->filter + !!o->filter_json != 1) {
        cli_error("give exactly one of --users, --filter and --filter-json (see 'roster %s --help')",
                  o->del ? "bulk-delete" : "bulk-edit");
        return EXIT_USAGE;
    }
    if (o->no_wait && o->report) {
        cli_error("--report needs the job to finish: it does not go with --no-wait "
                  "(later: roster jobs report JOB -o PATH)");
        return EXIT_USAGE;
    }
    if (o->del)
        return -1;
    if (o->sp_set_given && (o->sp_add.n || o->sp_remove.n)) {
        cli_error("--set-security-profiles replaces the set: it does not go with --add-security-profile or "
                  "--remove-security-profile");
        return EXIT_USAGE;
    }
    if (!o->routing_profile && !o->phone_type && !o->desk_phone && o->auto_accept < 0 && o->acw < 0 &&
        !o->hierarchy && !o->sp_set_given && !o->sp_add.n && !o->sp_remove.n && !json_object_size(o->tag_add) &&
        !json_array_size(o->untag)) {
        cli_error("nothing to change: give at least one --set, security-profile or tag option "
                  "(see 'roster bulk-edit --help')");
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- the selection ---------------------------------------------------------------------------- */

/* A resolver for checking a filter's shape before any request: every name resolves. */
static int resolve_any(void *cls, fx_ref ref, const char *name, char **id, buf *err)
{
    (void)cls, (void)ref, (void)name, (void)err;
    *id = xstrdup("x");
    return 0;
}

/* Parses --filter and checks that SearchUsers can take it. Returns the tree, or NULL after
 * printing (a usage error). */
static fx_node *parse_filter(const char *text)
{
    buf err;
    buf_init(&err);
    fx_node *root = fx_parse(text, strlen(text), &err);
    json_t *c = NULL, *f = NULL;
    if (root && fx_compile(root, resolve_any, NULL, &c, &f, &err) != 0) {
        fx_free(root);
        root = NULL;
    }
    json_decref(c);
    json_decref(f);
    if (!root)
        cli_error("--filter: %s", err.data ? err.data : "invalid");
    buf_free(&err);
    return root;
}

/* Reads --filter-json FILE into *criteria and *filter (either may stay NULL). Returns 0, or -1
 * after printing (a usage error). */
static int read_filter_json(const char *path, json_t **criteria, json_t **filter)
{
    *criteria = *filter = NULL;
    json_error_t je;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    buf b;
    buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= FILTER_JSON_MAX)
        buf_append(&b, chunk, n);
    int bad_read = ferror(f);
    fclose(f);
    if (bad_read || b.len > FILTER_JSON_MAX) {
        cli_error("cannot read %s: %s", path, bad_read ? "read error" : "larger than 1 MiB");
        buf_free(&b);
        return -1;
    }
    json_t *doc = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
    buf_free(&b);
    if (!json_is_object(doc)) {
        cli_error("%s: not a JSON object%s%s", path, doc ? "" : ": ", doc ? "" : je.text);
        json_decref(doc);
        return -1;
    }
    json_t *sc = json_object_get(doc, "SearchCriteria"), *sf = json_object_get(doc, "SearchFilter");
    if (sc || sf) {
        const char *k;
        json_t *v;
        json_object_foreach(doc, k, v)
        {
            if (strcmp(k, "SearchCriteria") != 0 && strcmp(k, "SearchFilter") != 0) {
                cli_error("%s: an object with SearchCriteria or SearchFilter may hold nothing else (found %.60s)",
                          path, k);
                json_decref(doc);
                return -1;
            }
        }
        if ((sc && !json_is_object(sc)) || (sf && !json_is_object(sf))) {
            cli_error("%s: SearchCriteria and SearchFilter must be objects", path);
            json_decref(doc);
            return -1;
        }
        *criteria = json_incref(sc);
        *filter = json_incref(sf);
        json_decref(doc);
    } else {
        *criteria = doc;
    }
    return 0;
}

/* The Selection member, with names resolved; *count the users it holds (-1: not counted). */
typedef struct selection {
    json_t *json;
    int64_t count;
} selection;

/* Resolves the selection. Returns EXIT_OK, or an exit status after printing. */
static int resolve_selection(names *nm, const bulk_opts *o, const fx_node *expr, json_t *crit_json,
                             json_t *filter_json, selection *out)
{
    buf err;
    buf_init(&err);
    int rc = EXIT_OK;
    out->json = NULL;
    out->count = -1;
    if (o->users_given) {
        json_t *ids;
        if (names_users(nm, o->logins.items, o->logins.n, &ids, &err) != 0) {
            rc = EXIT_FAIL;
        } else {
            out->count = (int64_t)json_array_size(ids);
            out->json = json_pack("{s:o}", "UserIds", ids);
        }
    } else {
        json_t *c = crit_json ? json_incref(crit_json) : NULL, *f = filter_json ? json_incref(filter_json) : NULL;
        if (expr && fx_compile(expr, names_resolve, nm, &c, &f, &err) != 0) {
            rc = EXIT_FAIL;
        } else {
            out->json = json_object();
            /* SearchCriteria always: {} when every condition is a tag's (the filter holds them) */
            json_object_set_new(out->json, "SearchCriteria", c ? c : json_object());
            if (f)
                json_object_set_new(out->json, "SearchFilter", f);
        }
    }
    if (rc != EXIT_OK)
        cli_error("%s", err.data ? err.data : "the selection could not be resolved");
    buf_free(&err);
    return rc;
}

/* ---- the changes ------------------------------------------------------------------------------ */

/* Resolves names into ids appended to arr. Returns 0, or -1 with err set. */
static int resolve_all(names *nm, fx_ref ref, const strlist *l, json_t *arr, buf *err)
{
    for (size_t i = 0; i < l->n; i++) {
        char *id;
        if (names_resolve(nm, ref, l->items[i], &id, err) != 0)
            return -1;
        json_array_append_new(arr, json_string(id));
        free(id);
    }
    return 0;
}

/* The Changes member of a bulk edit, with names resolved. Returns EXIT_OK with *out, or an exit
 * status after printing. */
static int resolve_changes(names *nm, const bulk_opts *o, json_t **out)
{
    json_t *ch = json_object();
    buf err;
    buf_init(&err);
    int ok = 1;
    char *id = NULL;
    if (o->routing_profile) {
        ok = names_resolve(nm, FX_REF_ROUTING_PROFILE, o->routing_profile, &id, &err) == 0;
        if (ok)
            json_object_set_new(ch, "RoutingProfileId", json_string(id));
        free(id);
    }
    if (ok && (o->sp_set_given || o->sp_add.n || o->sp_remove.n)) {
        json_t *sp = json_object();
        json_object_set_new(ch, "SecurityProfiles", sp);
        if (o->sp_set_given) {
            json_t *set = json_array();
            json_object_set_new(sp, "Set", set);
            ok = resolve_all(nm, FX_REF_SECURITY_PROFILE, &o->sp_set, set, &err) == 0;
        } else {
            json_t *add = json_array(), *rem = json_array();
            json_object_set_new(sp, "Add", add);
            json_object_set_new(sp, "Remove", rem);
            ok = resolve_all(nm, FX_REF_SECURITY_PROFILE, &o->sp_add, add, &err) == 0 &&
                 resolve_all(nm, FX_REF_SECURITY_PROFILE, &o->sp_remove, rem, &err) == 0;
        }
    }
    if (ok && o->hierarchy) {
        if (!*o->hierarchy) {
            json_object_set_new(ch, "HierarchyGroupId", json_null());
        } else {
            id = NULL;
            ok = names_resolve(nm, FX_REF_HIERARCHY, o->hierarchy, &id, &err) == 0;
            if (ok)
                json_object_set_new(ch, "HierarchyGroupId", json_string(id));
            free(id);
        }
    }
    if (!ok) {
        cli_error("%s", err.data ? err.data : "a name could not be resolved");
        buf_free(&err);
        json_decref(ch);
        return EXIT_FAIL;
    }
    buf_free(&err);
    if (o->phone_type)
        json_object_set_new(ch, "PhoneType", json_string(o->phone_type));
    if (o->desk_phone)
        json_object_set_new(ch, "DeskPhoneNumber", json_string(o->desk_phone));
    if (o->auto_accept >= 0)
        json_object_set_new(ch, "AutoAccept", json_boolean(o->auto_accept));
    if (o->acw >= 0)
        json_object_set_new(ch, "AfterContactWorkTimeLimit", json_integer(o->acw));
    if (json_object_size(o->tag_add) || json_array_size(o->untag)) {
        json_t *tags = json_object();
        if (json_object_size(o->tag_add))
            json_object_set(tags, "Add", o->tag_add);
        if (json_array_size(o->untag))
            json_object_set(tags, "Remove", o->untag);
        json_object_set_new(ch, "Tags", tags);
    }
    *out = ch;
    return EXIT_OK;
}

/* ---- confirming and submitting ---------------------------------------------------------------- */

/* Asks on the terminal whether to delete count users. Returns EXIT_OK to go on, else the exit
 * status after printing. */
static int confirm(const char *inst, int64_t count)
{
    if (count == 0) {
        fputs("No user matches the selection: nothing to delete.\n", stdout);
        return -1;
    }
    fprintf(stderr, "Delete %lld user%s of instance %s? This cannot be undone. Type 'yes' to go on: ",
            (long long)count, count == 1 ? "" : "s", inst);
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) {
        fputc('\n', stderr);
        line[0] = '\0';
    }
    line[strcspn(line, "\r\n")] = '\0';
    if (strcasecmp(line, "yes") != 0 && strcasecmp(line, "y") != 0) {
        cli_error("not confirmed: nothing was deleted");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* POSTs body to the instance's kind ("bulk-edits", "bulk-deletes"): *job the new job. Returns an
 * exit status. */
static int submit(const client *c, const char *inst, const char *kind, const json_t *body, json_t **job)
{
    *job = NULL;
    buf path;
    buf_init(&path);
    buf_printf(&path, "/roster/v1/instances/%s/%s", inst, kind);
    char *text = json_dumps(body, JSON_COMPACT);
    client_request rq = {.method = "POST", .path = path.data, .json = text};
    json_t *doc;
    int rc = client_json(c, &rq, &doc, NULL);
    free(text);
    buf_free(&path);
    if (rc != EXIT_OK)
        return rc;
    json_t *j = json_object_get(doc, "Job");
    if (json_is_object(j) && json_is_string(json_object_get(j, "JobId")) &&
        client_path_ok(json_string_value(json_object_get(j, "JobId")))) {
        *job = json_incref(j);
    } else {
        cli_error("the server's answer has no Job with a JobId");
        rc = EXIT_FAIL;
    }
    json_decref(doc);
    return rc;
}

static int run(int del, int argc, char **argv)
{
    bulk_opts o = {.del = del, .auto_accept = -1, .acw = -1, .tag_add = json_object(), .untag = json_array()};
    int rc = parse_opts(&o, argc, argv);
    fx_node *expr = NULL;
    json_t *crit = NULL, *filt = NULL, *changes = NULL, *body = NULL, *job = NULL;
    char *inst = NULL;
    selection sel = {NULL, -1};
    client cl;
    int opened = 0;
    names nm;
    names_init(&nm, NULL, NULL);
    if (rc != -1)
        goto out;
    if (o.filter && !(expr = parse_filter(o.filter))) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.filter_json && read_filter_json(o.filter_json, &crit, &filt) != 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    int ask = del && !o.yes;
    if (ask && !isatty(STDIN_FILENO)) {
        cli_error("refusing to delete without confirmation: stdin is not a terminal (give --yes)");
        rc = EXIT_USAGE;
        goto out;
    }
    opened = 1;
    rc = client_open(&cl, o.endpoint);
    if (rc == EXIT_OK)
        rc = client_instance(&cl, o.inst, &inst);
    if (rc != EXIT_OK)
        goto out;
    names_init(&nm, &cl, inst);
    rc = resolve_selection(&nm, &o, expr, crit, filt, &sel);
    if (rc == EXIT_OK && !del)
        rc = resolve_changes(&nm, &o, &changes);
    if (rc != EXIT_OK)
        goto out;
    if (ask) {
        int64_t count = sel.count;
        if (count < 0) {
            buf err;
            buf_init(&err);
            if (names_count(&nm, json_object_get(sel.json, "SearchCriteria"), json_object_get(sel.json, "SearchFilter"),
                            &count, &err) != 0) {
                cli_error("%s", err.data);
                rc = EXIT_FAIL;
            }
            buf_free(&err);
            if (rc != EXIT_OK)
                goto out;
        }
        rc = confirm(inst, count);
        if (rc != EXIT_OK) {
            rc = rc == -1 ? EXIT_OK : rc;
            goto out;
        }
    }
    body = json_pack("{s:O}", "Selection", sel.json);
    if (changes)
        json_object_set(body, "Changes", changes);
    client_catch_sigint();
    rc = submit(&cl, inst, del ? "bulk-deletes" : "bulk-edits", body, &job);
    if (rc == EXIT_OK && o.no_wait) {
        puts(json_string_value(json_object_get(job, "JobId")));
    } else if (rc == EXIT_OK) {
        jf_opts fo = {.what = del ? "bulk delete" : "bulk edit", .unit = "users", .report = o.report};
        rc = jf_follow(&cl, inst, &job, &fo);
    }
out:
    json_decref(job);
    json_decref(body);
    json_decref(changes);
    json_decref(sel.json);
    json_decref(crit);
    json_decref(filt);
    fx_free(expr);
    names_clear(&nm);
    free(inst);
    if (opened)
        client_close(&cl);
    opts_clear(&o);
    return rc;
}

int cmd_bulk_edit(int argc, char **argv)
{
    return run(0, argc, argv);
}

int cmd_bulk_delete(int argc, char **argv)
{
    return run(1, argc, argv);
}
