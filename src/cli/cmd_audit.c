/* cmd_audit.c — `roster audit`: the audit trail of user changes, oldest first, one line per event
 * (or one JSON object per line with --json): when, which operation, which instance and user, which
 * access key, and the fields that changed. Never a password: the trail holds none. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/audit.h"
#include "core/instances.h"
#include "util/buf.h"
#include "util/ids.h"
#include "util/timespec.h"

static void audit_usage(FILE *out)
{
    fputs("usage: roster audit [--user USERNAME|USER_ID] [--instance ID|ALIAS] [--since TIME] [--json]\n"
          "                    [--db PATH]\n\n"
          "Lists the audit trail of user changes, oldest first: time, operation, instance, user, the\n"
          "access key that made the change (\"cli\" for the command line) and the fields before and\n"
          "after. Passwords are never recorded.\n\n"
          "  --user      a username (searched in every instance unless --instance is given; a deleted\n"
          "              or renamed user is found through the trail) or a user id\n"
          "  --instance  only events of this instance\n"
          "  --since     events at or after TIME: ISO-8601 (2026-11-21T13:00:00Z, 2026-11-21) or a\n"
          "              time ago (30s, 15m, 2h, 7d, 2w)\n"
          "  --json      one JSON object per event and line\n",
          out);
}

typedef struct audit_opts {
    const char *db;
    const char *user;
    const char *instance;
    int has_since;
    int64_t since_ms;
    int json;
} audit_opts;

/* ---- resolving --instance and --user --------------------------------------------------------- */

/* Resolves --instance into id: a live instance's id, ARN or alias, or the id of a deleted one. */
static int resolve_instance(cli_env *env, const char *ref, char id[ID_LEN])
{
    rerr e;
    instance in;
    if (instances_resolve(&env->cx, ref, 1, &in, &e) == 0) {
        memcpy(id, in.id, ID_LEN);
        instance_clear(&in);
        return 0;
    }
    if (e.code == ERR_NOT_FOUND && uuid_is_valid(ref)) { /* its events outlive the instance */
        snprintf(id, ID_LEN, "%s", ref);
        return 0;
    }
    cli_error("%s", e.message);
    return -1;
}

/* Live users named username in instance_id, or in every instance when instance_id is NULL:
 * keys are user ids, values instance ids. Returns 0, or -1 after printing why. */
static int live_users_named(cli_env *env, const char *instance_id, const char *username, kvlist *found)
{
    char after[ID_LEN] = "";
    for (;;) {
        instance *list = NULL;
        size_t n = 0;
        int rc = instance_id ? STORE_OK : store_instance_list(env->conn, after, 100, &list, &n);
        if (rc != STORE_OK) {
            cli_error("cannot list instances: %s", store_errmsg(env->conn));
            free(list);
            return -1;
        }
        size_t count = instance_id ? 1 : n;
        for (size_t i = 0; i < count && rc >= STORE_OK; i++) {
            user_ref u;
            rc = store_user_by_username(env->conn, instance_id ? instance_id : list[i].id, username, &u);
            if (rc == STORE_OK) {
                kvlist_set(found, u.id, u.instance_id);
                user_ref_clear(&u);
            }
        }
        if (n > 0)
            memcpy(after, list[n - 1].id, ID_LEN);
        for (size_t i = 0; i < n; i++)
            instance_clear(&list[i]);
        free(list);
        if (rc < STORE_OK) {
            cli_error("cannot look up user '%s': %s", username, store_errmsg(env->conn));
            return -1;
        }
        if (instance_id || n < 100)
            return 0;
    }
}

/* Exactly one of the candidates, into user_id and instance_id; else an error naming them. */
static int pick_one(const kvlist *found, const char *username, const char *where, char user_id[ID_LEN],
                    char instance_id[ID_LEN])
{
    if (found->keys.n == 1) {
        snprintf(user_id, ID_LEN, "%s", found->keys.items[0]);
        snprintf(instance_id, ID_LEN, "%s", found->values.items[0]);
        return 0;
    }
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < found->keys.n; i++)
        buf_printf(&b, "%s%s (instance %s)", i ? ", " : "", found->keys.items[i], found->values.items[i]);
    cli_error("the username '%s' is ambiguous %s: %s — pass --instance, or the user id as --user", username,
              where, b.data);
    buf_free(&b);
    return -1;
}

/* Resolves --user: a live username (in the instance, or in every instance), else a user id, else
 * a username the trail recorded (deleted or renamed users). instance_id is in/out: "" when
 * --instance was not given, and then set to the user's instance when known. */
static int resolve_user(cli_env *env, const char *ref, char instance_id[ID_LEN], char user_id[ID_LEN])
{
    const char *inst = instance_id[0] ? instance_id : NULL;
    kvlist found = {0};
    int rc = live_users_named(env, inst, ref, &found);
    if (rc == 0 && found.keys.n > 0) {
        rc = pick_one(&found, ref, inst ? "in this instance" : "across instances", user_id, instance_id);
    } else if (rc == 0 && uuid_is_valid(ref)) {
        snprintf(user_id, ID_LEN, "%s", ref);
    } else if (rc == 0) {
        if (store_audit_users_named(env->conn, inst, ref, &found) != STORE_OK) {
            cli_error("cannot search the audit trail: %s", store_errmsg(env->conn));
            rc = -1;
        } else if (found.keys.n == 0) {
            cli_error("no user named '%s'%s%s, now or in the audit trail", ref, inst ? " in instance " : "",
                      inst ? inst : "");
            rc = -1;
        } else {
            rc = pick_one(&found, ref, "in the audit trail", user_id, instance_id);
        }
    }
    kvlist_clear(&found);
    return rc;
}

/* ---- formatting one event ---------------------------------------------------------------------- */

/* The last username resolved, so that a run of one user's events looks it up once. */
typedef struct name_cache {
    char user_id[ID_LEN];
    char *name;
} name_cache;

/* The Username member of an event's JSON, or NULL. */
static const char *doc_username(json_t *doc)
{
    json_t *u = doc ? json_object_get(doc, "Username") : NULL;
    return json_is_string(u) ? json_string_value(u) : NULL;
}

/* The username of user_id as of event up_to_id (core/audit.h), or NULL. Malloc'd; caller frees. */
static char *lookup_name(cli_env *env, const char *user_id, int64_t up_to_id)
{
    return audit_user_name(env->conn, user_id, up_to_id);
}

/* The username of the event's user: the one its own JSON names, else the cached or looked-up
 * one. "" when unknown. The string stays valid until the next call. */
static const char *event_username(cli_env *env, name_cache *nc, const audit_event *ev, json_t *b, json_t *a)
{
    if (audit_is_group_event(ev->operation)) { /* a SCIM group: its name as the event records it */
        const char *name = json_string_value(json_object_get(a ? a : b, "DisplayName"));
        return name ? name : "";
    }
    const char *own = doc_username(a) ? doc_username(a) : doc_username(b);
    if (!ev->resource_id || strlen(ev->resource_id) >= ID_LEN)
        return own ? own : "";
    if (own || strcmp(nc->user_id, ev->resource_id) != 0) {
        free(nc->name);
        nc->name = own ? xstrdup(own) : lookup_name(env, ev->resource_id, ev->id);
        snprintf(nc->user_id, sizeof nc->user_id, "%s", ev->resource_id);
    }
    return nc->name ? nc->name : "";
}

/* A value as printed in a change: JSON text, "(unset)" for an absent or null member. */
static void put_value(buf *out, json_t *v)
{
    if (!v || json_is_null(v)) {
        buf_puts(out, "(unset)");
        return;
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    buf_puts(out, s ? s : "?");
    free(s);
}

typedef struct changes_out {
    buf *out;
    int *count;
} changes_out;

/* Appends "path: before -> after" for a leaf of an update, or "path=value" for a leaf of one side
 * (audit_diff's callback). */
static void put_leaf(const char *path, json_t *b, json_t *a, void *ctx)
{
    changes_out *co = ctx;
    int both = b && a;
    buf_puts(co->out, (*co->count)++ ? (both ? "; " : ", ") : "");
    if (both) {
        buf_printf(co->out, "%s: ", path);
        put_value(co->out, b);
        buf_puts(co->out, " -> ");
        put_value(co->out, a);
    } else {
        buf_printf(co->out, "%s=", path);
        put_value(co->out, b ? b : a);
    }
}

/* Appends the event's changed fields (audit_diff, the trail's one field-level diff); *count
 * counts the items written. */
static void put_changes(buf *out, json_t *b, json_t *a, int *count)
{
    changes_out co = {out, count};
    audit_diff(b, a, put_leaf, &co);
}

/* Parses an event's JSON text; NULL for none (or unreadable text, which roster never writes). */
static json_t *parse_doc(const char *text)
{
    return text ? json_loads(text, 0, NULL) : NULL;
}

static void print_line(cli_env *env, const char *name, const audit_event *ev, json_t *b, json_t *a)
{
    char when[32];
    time_format_ms(ev->at_ms, when, sizeof when);
    buf out;
    buf_init(&out);
    buf_printf(&out, "%s %s instance=%s %s=%s", when, ev->operation ? ev->operation : "?",
               ev->instance_id[0] ? ev->instance_id : "-", audit_is_group_event(ev->operation) ? "group" : "user",
               ev->resource_id ? ev->resource_id : "-");
    if (*name)
        buf_printf(&out, "(%s)", name);
    buf_printf(&out, " key=%s", ev->key_id[0] ? ev->key_id : "-");
    if (ev->actor_user_id[0]) {
        char *actor = lookup_name(env, ev->actor_user_id, ev->id);
        buf_printf(&out, " actor=%s", actor ? actor : ev->actor_user_id);
        free(actor);
    } else if (ev->actor_name) {
        buf_printf(&out, " actor=%s", ev->actor_name);
    }
    buf_puts(&out, " ");
    int count = 0;
    put_changes(&out, b, a, &count);
    if (count == 0)
        buf_puts(&out, "(no field changed)");
    puts(out.data);
    buf_free(&out);
}

static void print_json(const char *name, const audit_event *ev, json_t *b, json_t *a)
{
    char when[32];
    time_format_ms(ev->at_ms, when, sizeof when);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(ev->id));
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "at_ms", json_integer(ev->at_ms));
    json_object_set_new(o, "operation", json_string(ev->operation ? ev->operation : ""));
    json_object_set_new(o, "instance_id", ev->instance_id[0] ? json_string(ev->instance_id) : json_null());
    json_object_set_new(o, "resource_type", json_string(audit_is_group_event(ev->operation) ? "GROUP" : "USER"));
    json_object_set_new(o, "user_id", ev->resource_id ? json_string(ev->resource_id) : json_null());
    json_object_set_new(o, "username", *name ? json_string(name) : json_null());
    json_object_set_new(o, "key_id", ev->key_id[0] ? json_string(ev->key_id) : json_null());
    json_object_set_new(o, "actor_user_id", ev->actor_user_id[0] ? json_string(ev->actor_user_id) : json_null());
    json_object_set_new(o, "actor_name", ev->actor_name ? json_string(ev->actor_name) : json_null());
    json_object_set(o, "before", b ? b : json_null());
    json_object_set(o, "after", a ? a : json_null());
    char *s = json_dumps(o, JSON_COMPACT);
    if (s)
        puts(s);
    free(s);
    json_decref(o);
}

typedef struct print_ctx {
    cli_env *env;
    name_cache names;
    int json;
    long printed;
} print_ctx;

/* Prints one event (store_audit_each's callback). Returns 0: go on. */
static int print_event(const audit_event *ev, void *ctx)
{
    print_ctx *pc = ctx;
    json_t *b = parse_doc(ev->before_json), *a = parse_doc(ev->after_json);
    const char *name = event_username(pc->env, &pc->names, ev, b, a);
    if (pc->json)
        print_json(name, ev, b, a);
    else
        print_line(pc->env, name, ev, b, a);
    json_decref(b);
    json_decref(a);
    pc->printed++;
    return 0;
}

/* ---- the command ------------------------------------------------------------------------------- */

/* Prints every event f selects, oldest first. Returns the number printed, or -1. */
static long print_events(cli_env *env, const audit_filter *f, int as_json)
{
    print_ctx pc = {.env = env, .json = as_json};
    int rc = store_audit_each(env->conn, f, print_event, &pc);
    free(pc.names.name);
    if (rc != STORE_OK) {
        cli_error("cannot read the audit trail: %s", store_errmsg(env->conn));
        return -1;
    }
    return pc.printed;
}

static int run_audit(cli_env *env, const audit_opts *o)
{
    char instance_id[ID_LEN] = "", user_id[ID_LEN] = "";
    if (o->instance && resolve_instance(env, o->instance, instance_id))
        return EXIT_FAIL;
    int filter_instance = instance_id[0] != '\0';
    if (o->user && resolve_user(env, o->user, instance_id, user_id))
        return EXIT_FAIL;
    audit_filter f = {.instance_id = filter_instance ? instance_id : NULL,
                      .resource_id = o->user ? user_id : NULL,
                      .since_ms = o->has_since ? o->since_ms : 0};
    fflush(stdout);
    long n = print_events(env, &f, o->json);
    if (n < 0)
        return EXIT_FAIL;
    if (n == 0)
        fputs("roster: no audit events match\n", stderr);
    return EXIT_OK;
}

/* Parses the options into *o. Returns -1 to go on, or the exit status to return at once. */
static int parse_opts(int argc, char **argv, audit_opts *o)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"user", required_argument, NULL, 'u'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"since", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    memset(o, 0, sizeof *o);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'u': o->user = optarg; break;
        case 'i': o->instance = optarg; break;
        case 'j': o->json = 1; break;
        case 's':
            if (time_spec_parse(optarg, now_ms(), &o->since_ms) != 0) {
                cli_error("--since: '%s' is not a time: use ISO-8601 UTC (2026-11-21T13:00:00Z or "
                          "2026-11-21) or a time ago (15m, 2h, 7d)",
                          optarg);
                return EXIT_USAGE;
            }
            o->has_since = 1;
            break;
        case 'h': audit_usage(stdout); return EXIT_OK;
        default: audit_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s' (see 'roster audit --help')", argv[optind]);
        return EXIT_USAGE;
    }
    if ((o->user && !*o->user) || (o->instance && !*o->instance)) {
        cli_error("--user and --instance need a value");
        return EXIT_USAGE;
    }
    return -1;
}

int cmd_audit(int argc, char **argv)
{
    audit_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    cli_env env;
    if (cli_open(cli_db_path(o.db), &env) != 0)
        return EXIT_FAIL;
    rc = run_audit(&env, &o);
    cli_close(&env);
    return rc;
}
