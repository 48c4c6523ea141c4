/* test_authorize.c — every core entry point refuses a principal without the permission and a
 * principal of another instance (leaving the store unchanged), and lets the right one through.
 *
 * The table below has one row per entry point, tagged with the core action it checks; the
 * coverage test holds it against core's own table (core_rule_of): every action has a rule, every
 * entry point a rule names has a row here, and every row is named by its action's rule. A new
 * entry point or action without a row here fails that test.
 *
 * Each row runs on a fresh store (instances A and B, each with its defaults, and resources of A
 * to read, change and delete) as:
 *   nobody   — a user key of A holding no permission: refused (except actions any principal of
 *              the instance may do: allowed),
 *   stranger — a user key of B holding every permission: refused (ListInstances: only B seen),
 *   allowed  — an account key for account-only actions, a SCIM token of A holding the Users
 *              permissions for the identity provider's actions (a user key of A holding every
 *              permission is refused those), else a user key of A holding every permission: the
 *              call succeeds.
 * "Unchanged" is a digest of every row of every table of the database file, read through a
 * connection of the test's own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/keys.h"
#include "auth/scim_tokens.h"
#include "core/scim_groups.h"
#include "core/scim_settings.h"
#include "core/scim_users.h"
#include "core/arn.h"
#include "core/authorize.h"
#include "core/defaults.h"
#include "core/hierarchy.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "core/queues.h"
#include "core/resources.h"
#include "core/routing_profiles.h"
#include "core/security_profiles.h"
#include "core/tags.h"
#include "core/user_list.h"
#include "core/user_search.h"
#include "core/users.h"
#include "core/catalog.h"
#include "core/console.h"
#include "core/user_history.h"
#include "jobs/bulk.h"
#include "jobs/jobs.h"
#include "util/buf.h"
#include "util/ids.h"
#include "support.h"

typedef struct fixture fixture;
typedef int (*entry_fn)(fixture *f, core_ctx *cx, rerr *e);

typedef struct entry {
    const char *name; /* as the action's rule names it */
    core_action action;
    entry_fn fn;
} entry;

struct fixture {
    const entry *row;
    test_store ts;
    store_conn *c;
    settings cfg;
    keyring *kr;
    instance a, b;
    instance_defaults da;
    char hours_id[ID_LEN], queue_id[ID_LEN];
    char spare_rp[ID_LEN], spare_sp[ID_LEN];
    char group_id[ID_LEN], spare_group[ID_LEN];
    char user_id[ID_LEN];
    char key_id[24];
    char scim_token_id[ID_LEN]; /* a SCIM token of instance a, for the revoke row */
    char scim_group[ID_LEN];    /* a SCIM group of instance a ("Unit Group", the target user in it) */
    char mapping_id[ID_LEN];    /* "Unit Group" -> the QualityAnalyst security profile */
    /* jobs of A: one QUEUED and one finished with a failed row, in each mode */
    char queued_job[2][ID_LEN], failed_job[2][ID_LEN];
    char admins_job[ID_LEN]; /* finished, submitted by the admin's key: for DismissJob */
    char *user_arn;
    strlist agent; /* {the Agent profile of A} */
    principal nobody, stranger, admin, account, scim;
    int listed_a; /* instances_list saw A */
};

static const rp_media_in voice[] = {{"VOICE", 1, NULL}};

/* ---- helpers --------------------------------------------------------------------------------- */

static int end_tx(core_ctx *cx, int rc, rerr *e)
{
    if (rc) {
        store_rollback(cx->conn);
        return -1;
    }
    return store_commit(cx->conn) == STORE_OK ? 0 : rerr_set(e, ERR_INTERNAL, NULL, "commit failed");
}

static int begin_tx(core_ctx *cx, rerr *e)
{
    return store_begin(cx->conn, 1) == STORE_OK ? 0 : rerr_set(e, ERR_INTERNAL, NULL, "begin failed");
}

static user_new new_user(fixture *f)
{
    user_new in = {.username = "newcomer",
                   .identity = {.first_name = "New", .last_name = "Comer"},
                   .security_profile_ids = &f->agent,
                   .routing_profile_id = f->da.routing_profile_id};
    return in;
}

/* ---- one function per entry point ----------------------------------------------------------- */

static int e_instances_create(fixture *f, core_ctx *cx, rerr *e)
{
    (void)f;
    instance_create in = {.idm_type = "SAML", .inbound_calls = 1, .outbound_calls = 1};
    instance out;
    int created;
    int rc = instances_create(cx, &in, &out, NULL, &created, e);
    instance_clear(&out);
    return rc;
}

static int e_instances_resolve(fixture *f, core_ctx *cx, rerr *e)
{
    instance out;
    int rc = instances_resolve(cx, f->a.id, 0, &out, e);
    instance_clear(&out);
    return rc;
}

static int e_instances_list(fixture *f, core_ctx *cx, rerr *e)
{
    instance *out;
    size_t n;
    char *next;
    int rc = instances_list(cx, NULL, 10, &out, &n, &next, e);
    f->listed_a = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (strcmp(out[i].id, f->a.id) == 0)
            f->listed_a = 1;
        instance_clear(&out[i]);
    }
    free(out);
    free(next);
    return rc;
}

static int e_instances_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return instances_delete(cx, f->a.id, e);
}

static int e_defaults_create(fixture *f, core_ctx *cx, rerr *e)
{
    (void)f;
    if (begin_tx(cx, e))
        return -1;
    instance in = {0};
    uuid_v7(in.id);
    snprintf(in.idm_type, sizeof in.idm_type, "SAML");
    snprintf(in.status, sizeof in.status, "ACTIVE");
    in.created_ms = cx->now_ms;
    if (store_instance_insert(cx->conn, &in, NULL) != STORE_OK)
        return end_tx(cx, rerr_set(e, ERR_INTERNAL, NULL, "insert"), e);
    instance_defaults d;
    return end_tx(cx, defaults_create(cx, in.id, &d, e), e);
}

static int e_keys_create(fixture *f, core_ctx *cx, rerr *e)
{
    char id[24], *secret = NULL;
    int rc = keys_create(cx, f->kr, KEY_ACCOUNT, NULL, NULL, id, &secret, e);
    free(secret);
    return rc;
}

static int e_keys_revoke(fixture *f, core_ctx *cx, rerr *e)
{
    return keys_revoke(cx, f->key_id, e);
}

/* A SCIM token of instance a, under a name no call has used, made by cx. */
static int make_scim_token(fixture *f, core_ctx *cx, scim_token *t, rerr *e)
{
    static int n;
    char name[32], token[SCIM_TOKEN_LEN + 1];
    snprintf(name, sizeof name, "authorize-%d", ++n);
    return scim_token_create(cx, f->a.id, name, t, token, e);
}

static int e_scim_token_create(fixture *f, core_ctx *cx, rerr *e)
{
    scim_token t;
    return make_scim_token(f, cx, &t, e);
}

static int e_scim_token_list(fixture *f, core_ctx *cx, rerr *e)
{
    scim_token *v = NULL;
    size_t n;
    int rc = scim_token_list(cx, f->a.id, &v, &n, e);
    free(v);
    return rc;
}

static int e_scim_token_revoke(fixture *f, core_ctx *cx, rerr *e)
{
    return scim_token_revoke(cx, f->scim_token_id, e);
}

static int e_scim_settings_get(fixture *f, core_ctx *cx, rerr *e)
{
    scim_settings s;
    int rc = scim_settings_get(cx, f->a.id, &s, e);
    scim_settings_clear(&s);
    return rc;
}

static int e_scim_settings_instance(fixture *f, core_ctx *cx, rerr *e)
{
    char id[ID_LEN];
    return scim_settings_instance(cx, f->a.id, id, e);
}

static int e_scim_settings_put(fixture *f, core_ctx *cx, rerr *e)
{
    scim_settings_in in = {.admins_edit_settings = 1, .delete_disables = -1};
    return scim_settings_put(cx, f->a.id, &in, e);
}

/* A SCIM group of instance a named name (NULL: a name no call has used), with the target user,
 * made by cx. */
static int make_scim_group(fixture *f, core_ctx *cx, const char *name, char id[ID_LEN], rerr *e)
{
    static int n;
    char fresh[32];
    snprintf(fresh, sizeof fresh, "authorize-group-%d", ++n);
    scim_member_list members = {0};
    scim_member_list_push(&members, f->user_id, "Tar Get");
    scim_group_input in = {.display_name = name ? name : fresh, .members = &members};
    int rc = scim_groups_create(cx, f->a.id, &in, id, e);
    scim_member_list_clear(&members);
    return rc;
}

static int e_scim_groups_create(fixture *f, core_ctx *cx, rerr *e)
{
    char id[ID_LEN];
    return make_scim_group(f, cx, NULL, id, e);
}

static int e_scim_groups_replace(fixture *f, core_ctx *cx, rerr *e)
{
    scim_group_input in = {.display_name = "Unit Group Renamed", .external_id = "ext-1"};
    return scim_groups_replace(cx, f->a.id, f->scim_group, &in, 0, e);
}

static int e_scim_groups_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return scim_groups_delete(cx, f->a.id, f->scim_group, 0, e);
}

static int count_group(void *ctx, const scim_group *g, const scim_member_list *members)
{
    (void)g, (void)members;
    ++*(int *)ctx;
    return 0;
}

static int e_scim_groups_each(fixture *f, core_ctx *cx, rerr *e)
{
    int n = 0;
    return scim_groups_each(cx, f->a.id, SCIM_GROUPS_ALL, NULL, 0, 10, 1, count_group, &n, e);
}

static int e_scim_mappings_add(fixture *f, core_ctx *cx, rerr *e)
{
    char id[ID_LEN];
    return scim_mappings_add(cx, f->a.id, "Unit Group", SCIM_MAP_ROUTING_PROFILE, "Spare RP", 10, id, e);
}

static int e_scim_mappings_list(fixture *f, core_ctx *cx, rerr *e)
{
    scim_mapping *v = NULL;
    size_t n = 0;
    int rc = scim_mappings_list(cx, f->a.id, &v, &n, e);
    for (size_t i = 0; i < n; i++)
        scim_mapping_clear(&v[i]);
    free(v);
    return rc;
}

static int e_scim_mappings_remove(fixture *f, core_ctx *cx, rerr *e)
{
    return scim_mappings_remove(cx, f->a.id, f->mapping_id, e);
}

static int e_users_create(fixture *f, core_ctx *cx, rerr *e)
{
    user_new in = new_user(f);
    char id[ID_LEN];
    return users_create(cx, f->a.id, &in, id, e);
}

static int e_users_create_tx(fixture *f, core_ctx *cx, rerr *e)
{
    user_new in = new_user(f);
    char id[ID_LEN];
    if (begin_tx(cx, e))
        return -1;
    return end_tx(cx, users_create_tx(cx, f->a.id, &in, NULL, id, e), e);
}

static int e_users_create_basic(fixture *f, core_ctx *cx, rerr *e)
{
    strlist names = {0};
    strlist_push(&names, "Agent");
    user_basic u = {.username = "basic", .first_name = "Ba", .last_name = "Sic", .security_profile_names = &names};
    char id[ID_LEN];
    int rc = users_create_basic(cx, f->a.id, &u, id, e);
    strlist_clear(&names);
    return rc;
}

static int e_users_get(fixture *f, core_ctx *cx, rerr *e)
{
    user_record u;
    int rc = users_get(cx, f->a.id, f->user_id, &u, e);
    user_clear(&u);
    return rc;
}

static int e_users_list(fixture *f, core_ctx *cx, rerr *e)
{
    summary_list out = {0};
    char *next = NULL;
    int rc = users_list(cx, f->a.id, NULL, 10, &out, &next, e);
    summary_list_clear(&out);
    free(next);
    return rc;
}

static const user_identity_in renamed = {.first_name = "Renamed"};

static int e_users_update(fixture *f, core_ctx *cx, rerr *e)
{
    user_change ch = {.operation = "UpdateUserIdentityInfo", .identity = &renamed};
    return users_update(cx, f->a.id, f->user_id, &ch, e);
}

static int e_users_update_tx(fixture *f, core_ctx *cx, rerr *e)
{
    user_change ch = {.operation = "UpdateUserIdentityInfo", .identity = &renamed};
    if (begin_tx(cx, e))
        return -1;
    return end_tx(cx, users_update_tx(cx, f->a.id, f->user_id, &ch, e), e);
}

static int e_users_update_profiles(fixture *f, core_ctx *cx, rerr *e)
{
    user_change ch = {.operation = "UpdateUserSecurityProfiles", .security_profile_ids = &f->agent};
    return users_update(cx, f->a.id, f->user_id, &ch, e);
}

static int e_users_update_profiles_tx(fixture *f, core_ctx *cx, rerr *e)
{
    user_change ch = {.operation = "UpdateUserSecurityProfiles", .security_profile_ids = &f->agent};
    if (begin_tx(cx, e))
        return -1;
    return end_tx(cx, users_update_tx(cx, f->a.id, f->user_id, &ch, e), e);
}

/* A signed-in user's change of their own password: the principal acts as the target user, on
 * instance A made CONNECT_MANAGED for the call (and SAML again after it, so a refusal leaves the
 * store as it was). */
static void set_idm_type(fixture *f, const char *type)
{
    sqlite3 *db = NULL;
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE instances SET idm_type = '%s' WHERE id = '%s'", type, f->a.id);
    assert_int_equal(sqlite3_open(f->ts.path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static int e_users_update_own_password(fixture *f, core_ctx *cx, rerr *e)
{
    principal me = *(cx->who ? cx->who : principal_cli());
    memcpy(me.user_id, f->user_id, ID_LEN);
    core_ctx own = *cx;
    own.who = &me;
    user_change ch = {.operation = "ChangeOwnPassword",
                      .password = "Own-Passw0rd",
                      .password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
                      .own_password = 1};
    set_idm_type(f, "CONNECT_MANAGED");
    int rc = users_update(&own, f->a.id, f->user_id, &ch, e);
    set_idm_type(f, "SAML");
    return rc;
}

static int e_scim_users_create(fixture *f, core_ctx *cx, rerr *e)
{
    scim_user_input in = {.username = "scim.newcomer", .identity = {.first_name = "New", .last_name = "Comer"},
                          .active = -1};
    char id[ID_LEN];
    return scim_users_create(cx, f->a.id, &in, id, e);
}

static int e_scim_users_replace(fixture *f, core_ctx *cx, rerr *e)
{
    scim_user_input in = {.username = "scim.renamed", .identity = {.first_name = "New", .last_name = "Comer"},
                          .active = -1};
    return scim_users_replace(cx, f->a.id, f->user_id, &in, 0, "ScimReplaceUser", e);
}

static int e_scim_users_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return scim_users_delete(cx, f->a.id, f->user_id, 0, e);
}

static int count_one(void *ctx, const user_record *u, const char *attributes)
{
    (void)u, (void)attributes;
    ++*(int *)ctx;
    return 0;
}

static int e_scim_users_each(fixture *f, core_ctx *cx, rerr *e)
{
    int n = 0;
    return scim_users_each(cx, f->a.id, STORE_SCIM_ALL, NULL, 0, 10, count_one, &n, e);
}

static int e_scim_users_count(fixture *f, core_ctx *cx, rerr *e)
{
    int64_t n;
    return scim_users_count(cx, f->a.id, &n, e);
}

static int e_users_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return users_delete(cx, f->a.id, f->user_id, e);
}

static int e_users_delete_tx(fixture *f, core_ctx *cx, rerr *e)
{
    if (begin_tx(cx, e))
        return -1;
    return end_tx(cx, users_delete_tx(cx, f->a.id, f->user_id, e), e);
}

static int e_user_search(fixture *f, core_ctx *cx, rerr *e)
{
    user_search_req rq = {.limit = 10};
    user_search_result r;
    int rc = user_search(cx, f->a.id, &rq, &r, e);
    user_search_result_clear(&r);
    return rc;
}

static int e_user_search_keys_get(fixture *f, core_ctx *cx, rerr *e)
{
    user_search_req rq = {.limit = 10};
    user_search_keys k;
    int rc = user_search_keys_get(cx, f->a.id, &rq, &k, e);
    user_search_keys_clear(&k);
    return rc;
}

static int e_user_list_get(fixture *f, core_ctx *cx, rerr *e)
{
    user_list_req rq = {.limit = 25};
    user_list_page p;
    int rc = user_list_get(cx, f->a.id, &rq, &p, e);
    user_list_page_clear(&p);
    return rc;
}

static int e_user_list_ids(fixture *f, core_ctx *cx, rerr *e)
{
    user_list_filter flt = {0};
    strlist ids = {0};
    int rc = user_list_ids(cx, f->a.id, &flt, 1000, "Selection", &ids, e);
    strlist_clear(&ids);
    return rc;
}

static int e_sp_create(fixture *f, core_ctx *cx, rerr *e)
{
    strlist perms = {0};
    strlist_push(&perms, "Users.View");
    sp_change in = {.name = "NewProfile", .permissions = &perms};
    char id[ID_LEN];
    int rc = security_profiles_create(cx, f->a.id, &in, id, e);
    strlist_clear(&perms);
    return rc;
}

static int e_sp_update(fixture *f, core_ctx *cx, rerr *e)
{
    sp_change in = {.description = "changed"};
    return security_profiles_update(cx, f->a.id, f->spare_sp, &in, e);
}

static int e_sp_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return security_profiles_delete(cx, f->a.id, f->spare_sp, e);
}

static int list_kind(fixture *f, core_ctx *cx, resource_kind kind, rerr *e)
{
    summary_list out = {0};
    char *next = NULL;
    int rc = resources_list(cx, kind, f->a.id, 0, NULL, 10, &out, &next, e);
    summary_list_clear(&out);
    free(next);
    return rc;
}

static int e_list_sp(fixture *f, core_ctx *cx, rerr *e)
{
    return list_kind(f, cx, RES_SECURITY_PROFILE, e);
}

static int e_list_rp(fixture *f, core_ctx *cx, rerr *e)
{
    return list_kind(f, cx, RES_ROUTING_PROFILE, e);
}

static int e_list_queues(fixture *f, core_ctx *cx, rerr *e)
{
    return list_kind(f, cx, RES_QUEUE, e);
}

static int e_list_hours(fixture *f, core_ctx *cx, rerr *e)
{
    return list_kind(f, cx, RES_HOURS, e);
}

static int e_sp_describe(fixture *f, core_ctx *cx, rerr *e)
{
    security_profile p = {0};
    int rc = resources_security_profile(cx, f->a.id, f->da.admin_profile_id, &p, e);
    security_profile_clear(&p);
    return rc;
}

static int e_sp_permissions(fixture *f, core_ctx *cx, rerr *e)
{
    strlist out = {0};
    char *next = NULL;
    int64_t modified;
    int rc = resources_security_profile_permissions(cx, f->a.id, f->da.admin_profile_id, NULL, 10, &out, &next,
                                                    &modified, e);
    strlist_clear(&out);
    free(next);
    return rc;
}

static int e_sp_search(fixture *f, core_ctx *cx, rerr *e)
{
    search_node root = {.kind = SEARCH_AND};
    security_profile *out = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total;
    int rc = security_profiles_search(cx, f->a.id, &root, NULL, 10, &out, &n, &next, &total, e);
    for (size_t i = 0; i < n; i++)
        security_profile_clear(&out[i]);
    free(out);
    free(next);
    return rc;
}

static int e_rp_create(fixture *f, core_ctx *cx, rerr *e)
{
    rp_create in = {
        .name = "NewRP", .description = "d", .default_outbound_queue_id = f->queue_id, .media = {voice, 1, 1}};
    char id[ID_LEN];
    return routing_profiles_create(cx, f->a.id, &in, id, e);
}

static int e_rp_name(fixture *f, core_ctx *cx, rerr *e)
{
    return routing_profiles_update_name(cx, f->a.id, f->spare_rp, "RenamedRP", NULL, e);
}

static int e_rp_outbound(fixture *f, core_ctx *cx, rerr *e)
{
    return routing_profiles_update_outbound_queue(cx, f->a.id, f->spare_rp, f->queue_id, e);
}

static int e_rp_concurrency(fixture *f, core_ctx *cx, rerr *e)
{
    static const rp_media_in two[] = {{"VOICE", 1, NULL}, {"CHAT", 2, NULL}};
    rp_media_set m = {two, 2, 1};
    return routing_profiles_update_concurrency(cx, f->a.id, f->spare_rp, &m, e);
}

static int e_rp_queues(fixture *f, core_ctx *cx, rerr *e)
{
    rp_queue_in q = {f->queue_id, "VOICE", 2, 5};
    rp_queue_set s = {&q, 1, 1};
    return routing_profiles_update_queues(cx, f->a.id, f->spare_rp, &s, e);
}

static int e_rp_associate(fixture *f, core_ctx *cx, rerr *e)
{
    rp_queue_in q = {f->queue_id, "CHAT", 1, 0};
    rp_queue_set s = {&q, 1, 1}, none = {0};
    return routing_profiles_associate(cx, f->a.id, f->spare_rp, &s, &none, e);
}

static int e_rp_disassociate(fixture *f, core_ctx *cx, rerr *e)
{
    rp_queue_in q = {f->queue_id, "VOICE", 0, 0};
    rp_queue_set s = {&q, 1, 1}, none = {0};
    return routing_profiles_disassociate(cx, f->a.id, f->spare_rp, &s, &none, e);
}

static int e_rp_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return routing_profiles_delete(cx, f->a.id, f->spare_rp, e);
}

static int e_rp_describe(fixture *f, core_ctx *cx, rerr *e)
{
    routing_profile p = {0};
    int rc = resources_routing_profile(cx, f->a.id, f->spare_rp, &p, e);
    routing_profile_clear(&p);
    return rc;
}

static int e_rp_by_name(fixture *f, core_ctx *cx, rerr *e)
{
    routing_profile p;
    int rc = routing_profile_by_name(cx, f->a.id, "Spare RP", &p, e);
    routing_profile_clear(&p);
    return rc;
}

static int e_rp_default(fixture *f, core_ctx *cx, rerr *e)
{
    char id[ID_LEN];
    return routing_profiles_default(cx, f->a.id, id, e);
}

static int e_rp_list_queues(fixture *f, core_ctx *cx, rerr *e)
{
    rp_queue_page page;
    int rc = routing_profiles_list_queues(cx, f->a.id, f->spare_rp, NULL, 10, &page, e);
    rp_queue_page_clear(&page);
    return rc;
}

static int e_rp_search(fixture *f, core_ctx *cx, rerr *e)
{
    search_node root = {.kind = SEARCH_AND};
    rp_search_page page;
    int rc = routing_profiles_search(cx, f->a.id, &root, NULL, 10, &page, e);
    rp_search_page_clear(&page);
    return rc;
}

static int e_queues_create(fixture *f, core_ctx *cx, rerr *e)
{
    queue_create in = {.name = "NewQueue", .hours_id = f->hours_id};
    char id[ID_LEN];
    return queues_create(cx, f->a.id, &in, id, e);
}

static int e_queue_describe(fixture *f, core_ctx *cx, rerr *e)
{
    queue q = {0};
    int rc = resources_queue(cx, f->a.id, f->queue_id, &q, e);
    queue_clear(&q);
    return rc;
}

static int e_hours_create(fixture *f, core_ctx *cx, rerr *e)
{
    hours_create in = {.name = "NewHours", .time_zone = "UTC", .config_given = 1};
    char id[ID_LEN];
    return queues_create_hours(cx, f->a.id, &in, id, e);
}

static int e_hours_describe(fixture *f, core_ctx *cx, rerr *e)
{
    hours h = {0};
    int rc = resources_hours(cx, f->a.id, f->hours_id, &h, e);
    hours_clear(&h);
    return rc;
}

static int e_structure_get(fixture *f, core_ctx *cx, rerr *e)
{
    hierarchy_structure s;
    int rc = hierarchy_structure_get(cx, f->a.id, &s, e);
    hierarchy_structure_clear(&s);
    return rc;
}

static int e_structure_update(fixture *f, core_ctx *cx, rerr *e)
{
    const char *const names[HIERARCHY_LEVELS] = {"Region", "Site"};
    return hierarchy_structure_update(cx, f->a.id, names, e);
}

static int e_group_create(fixture *f, core_ctx *cx, rerr *e)
{
    hierarchy_group_new in = {.name = "NewGroup"};
    char id[ID_LEN];
    return hierarchy_group_create(cx, f->a.id, &in, id, e);
}

static int e_group_get(fixture *f, core_ctx *cx, rerr *e)
{
    hierarchy_group g;
    int rc = hierarchy_group_get(cx, f->a.id, f->group_id, &g, e);
    hierarchy_group_clear(&g);
    return rc;
}

static int e_group_describe(fixture *f, core_ctx *cx, rerr *e)
{
    hierarchy_group_view v;
    int rc = hierarchy_group_describe(cx, f->a.id, f->group_id, &v, e);
    hierarchy_group_view_clear(&v);
    return rc;
}

static int e_group_by_path(fixture *f, core_ctx *cx, rerr *e)
{
    char id[ID_LEN];
    return hierarchy_group_by_path(cx, f->a.id, "HierarchyGroup", "G", id, e);
}

static int e_group_list(fixture *f, core_ctx *cx, rerr *e)
{
    summary_list out = {0};
    char *next = NULL;
    int rc = hierarchy_group_list(cx, f->a.id, NULL, 10, &out, &next, e);
    summary_list_clear(&out);
    free(next);
    return rc;
}

static int e_group_search(fixture *f, core_ctx *cx, rerr *e)
{
    search_node root = {.kind = SEARCH_AND};
    hierarchy_group_view *out = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total;
    int rc = hierarchy_group_search(cx, f->a.id, &root, NULL, 10, &out, &n, &next, &total, e);
    for (size_t i = 0; i < n; i++)
        hierarchy_group_view_clear(&out[i]);
    free(out);
    free(next);
    return rc;
}

static int e_group_rename(fixture *f, core_ctx *cx, rerr *e)
{
    return hierarchy_group_rename(cx, f->a.id, f->spare_group, "RenamedGroup", e);
}

static int e_group_delete(fixture *f, core_ctx *cx, rerr *e)
{
    return hierarchy_group_delete(cx, f->a.id, f->spare_group, e);
}

static int e_tags_add(fixture *f, core_ctx *cx, rerr *e)
{
    kvlist tags = {0};
    kvlist_set(&tags, "team", "blue");
    int rc = tags_add(cx, f->user_arn, &tags, e);
    kvlist_clear(&tags);
    return rc;
}

static int e_tags_remove(fixture *f, core_ctx *cx, rerr *e)
{
    strlist keys = {0};
    strlist_push(&keys, "team");
    int rc = tags_remove(cx, f->user_arn, &keys, e);
    strlist_clear(&keys);
    return rc;
}

static int e_tags_list(fixture *f, core_ctx *cx, rerr *e)
{
    kvlist out = {0};
    int rc = tags_list(cx, f->user_arn, &out, e);
    kvlist_clear(&out);
    return rc;
}

/* ---- jobs (src/jobs) --------------------------------------------------------------------------- */

/* Row i (0: CREATE, 1: UPSERT) of the jobs made in setup. */
static int e_import_upload(fixture *f, core_ctx *cx, rerr *e, const char *mode)
{
    import_request q = {.mode = mode};
    import_upload *u = import_upload_begin(cx, f->ts.st, f->kr, f->a.id, &q, NULL, e);
    import_upload_free(u); /* deletes the job it began */
    return u ? 0 : -1;
}

static int e_import_create(fixture *f, core_ctx *cx, rerr *e)
{
    return e_import_upload(f, cx, e, "CREATE");
}

static int e_import_upsert(fixture *f, core_ctx *cx, rerr *e)
{
    return e_import_upload(f, cx, e, "UPSERT");
}

static int e_bulk_edit(fixture *f, core_ctx *cx, rerr *e)
{
    strlist ids = {0};
    strlist_push(&ids, f->user_id);
    bulk_selection sel = {.user_ids = &ids};
    json_t *changes = json_pack("{s:b}", "AutoAccept", 1);
    job_record j;
    int rc = bulk_submit_edit(cx, f->a.id, &sel, changes, &j, e);
    job_clear(&j);
    json_decref(changes);
    strlist_clear(&ids);
    return rc;
}

static int e_bulk_user_edits(fixture *f, core_ctx *cx, rerr *e)
{
    json_t *edits = json_pack("[{s:s, s:{s:b}}]", "UserId", f->user_id, "PhoneConfig", "AutoAccept", 1);
    job_record j;
    int rc = bulk_submit_user_edits(cx, f->a.id, edits, &j, e);
    job_clear(&j);
    json_decref(edits);
    return rc;
}

static int e_bulk_delete(fixture *f, core_ctx *cx, rerr *e)
{
    strlist ids = {0};
    strlist_push(&ids, f->user_id);
    bulk_selection sel = {.user_ids = &ids};
    job_record j;
    int rc = bulk_submit_delete(cx, f->a.id, &sel, &j, e);
    job_clear(&j);
    strlist_clear(&ids);
    return rc;
}

static int e_jobs_cancel(fixture *f, core_ctx *cx, rerr *e)
{
    job_record j;
    int rc = jobs_cancel(cx, f->a.id, f->queued_job[0], &j, e);
    job_clear(&j);
    return rc;
}

static int e_jobs_retry(fixture *f, core_ctx *cx, rerr *e)
{
    job_record j;
    int rc = jobs_retry(cx, f->a.id, f->failed_job[1], &j, e);
    job_clear(&j);
    return rc;
}

static int e_jobs_get(fixture *f, core_ctx *cx, rerr *e)
{
    job_record j;
    int rc = jobs_get(cx, f->a.id, f->failed_job[0], &j, e);
    job_clear(&j);
    return rc;
}

static int e_jobs_list(fixture *f, core_ctx *cx, rerr *e)
{
    job_list l;
    char *next = NULL;
    int rc = jobs_list(cx, f->a.id, NULL, NULL, 10, &l, &next, e);
    job_list_clear(&l);
    free(next);
    return rc;
}

static int e_jobs_banner(fixture *f, core_ctx *cx, rerr *e)
{
    job_list l;
    int rc = jobs_banner(cx, f->a.id, 10, &l, e);
    job_list_clear(&l);
    return rc;
}

static int e_jobs_items(fixture *f, core_ctx *cx, rerr *e)
{
    job_item_list l;
    char *next = NULL;
    int rc = jobs_items(cx, f->a.id, f->failed_job[0], NULL, NULL, 10, &l, &next, e);
    job_item_list_clear(&l);
    free(next);
    return rc;
}

static int e_jobs_report(fixture *f, core_ctx *cx, rerr *e)
{
    jobs_stream s;
    char *name = NULL;
    int rc = jobs_report_open(cx, f->ts.st, f->a.id, f->failed_job[0], &s, &name, e);
    if (rc == 0)
        s.free(s.cls);
    free(name);
    return rc;
}

static int e_jobs_template(fixture *f, core_ctx *cx, rerr *e)
{
    buf b;
    buf_init(&b);
    char *name = NULL;
    int rc = jobs_template(cx, f->a.id, 1, &b, &name, e);
    buf_free(&b);
    free(name);
    return rc;
}

static int e_export(fixture *f, core_ctx *cx, rerr *e)
{
    jobs_stream s;
    char *name = NULL;
    int rc = export_open(cx, f->ts.st, f->a.id, NULL, &s, &name, e);
    if (rc == 0)
        s.free(s.cls);
    free(name);
    return rc;
}

static int e_catalog_load(fixture *f, core_ctx *cx, rerr *e)
{
    catalog c;
    int rc = catalog_load(cx, f->a.id, &c, e);
    catalog_clear(&c);
    return rc;
}

static int e_users_find(fixture *f, core_ctx *cx, rerr *e)
{
    user_record u;
    int exact;
    int rc = users_find(cx, f->a.id, "TARGET", &u, &exact, e);
    user_clear(&u);
    return rc;
}

static int e_users_get_console(fixture *f, core_ctx *cx, rerr *e)
{
    user_record u;
    int rc = users_get_console(cx, f->a.id, f->user_id, &u, e);
    user_clear(&u);
    return rc;
}

static int e_users_history(fixture *f, core_ctx *cx, rerr *e)
{
    history_page p;
    char *next = NULL;
    int rc = users_history(cx, f->a.id, f->user_id, NULL, 10, &p, &next, e);
    history_page_clear(&p);
    free(next);
    return rc;
}

static int e_console_profiles_load(fixture *f, core_ctx *cx, rerr *e)
{
    console_profiles l;
    int rc = console_profiles_load(cx, f->a.id, &l, e);
    console_profiles_clear(&l);
    return rc;
}

static int e_role_profiles_get(fixture *f, core_ctx *cx, rerr *e)
{
    strlist m[CONSOLE_ROLES] = {{0}};
    int rc = console_role_profiles_get(cx, f->a.id, m, e);
    for (int k = 0; k < CONSOLE_ROLES; k++)
        strlist_clear(&m[k]);
    return rc;
}

static int e_role_profiles_set(fixture *f, core_ctx *cx, rerr *e)
{
    const strlist *in[CONSOLE_ROLES] = {&f->agent, NULL, NULL};
    return console_role_profiles_set(cx, f->a.id, in, e);
}

static int e_jobs_dismiss(fixture *f, core_ctx *cx, rerr *e)
{
    job_record j;
    int rc = jobs_dismiss(cx, f->a.id, f->admins_job, &j, e);
    job_clear(&j);
    return rc;
}

/* Stores a job of A in mode, QUEUED or finished with one failed row; its id into id. */
static int make_job(fixture *f, const char *mode, int finished, char id[ID_LEN])
{
    job_record j = {0};
    uuid_v7(j.id);
    memcpy(j.instance_id, f->a.id, ID_LEN);
    snprintf(j.kind, sizeof j.kind, "IMPORT");
    snprintf(j.state, sizeof j.state, "%s", finished ? "COMPLETED" : "QUEUED");
    snprintf(j.mode, sizeof j.mode, "%s", mode);
    j.params_json = "{\"Header\":[\"user login\"]}";
    j.counts.total = 1;
    j.counts.failed = finished;
    j.submitted_ms = now_ms();
    snprintf(j.submitter_kind, sizeof j.submitter_kind, "CLI");
    job_item_record it = {.seq = 0, .row = 1, .data_json = "[\"someone\"]"};
    memcpy(it.job_id, j.id, ID_LEN);
    snprintf(it.state, sizeof it.state, "%s", finished ? "FAILED" : "PENDING");
    if (finished)
        it.errors_json = "[{\"Column\":\"user login\",\"Value\":\"someone\",\"Message\":\"no\"}]";
    int rc = store_begin(f->c, 1);
    if (rc == STORE_OK)
        rc = store_job_insert(f->c, &j);
    if (rc == STORE_OK)
        rc = store_job_items_insert(f->c, &it, 1);
    if (rc == STORE_OK)
        rc = store_commit(f->c);
    else
        store_rollback(f->c);
    memcpy(id, j.id, ID_LEN);
    return rc == STORE_OK ? 0 : -1;
}

static const entry entries[] = {
    {"instances_create", CORE_INSTANCES_CREATE, e_instances_create},
    {"instances_resolve", CORE_INSTANCES_RESOLVE, e_instances_resolve},
    {"instances_list", CORE_INSTANCES_LIST, e_instances_list},
    {"instances_delete", CORE_INSTANCES_DELETE, e_instances_delete},
    {"defaults_create", CORE_DEFAULTS_CREATE, e_defaults_create},
    {"keys_create", CORE_KEYS_CREATE, e_keys_create},
    {"keys_revoke", CORE_KEYS_REVOKE, e_keys_revoke},
    {"scim_token_create", CORE_SCIM_TOKENS_MANAGE, e_scim_token_create},
    {"scim_token_list", CORE_SCIM_TOKENS_MANAGE, e_scim_token_list},
    {"scim_token_revoke", CORE_SCIM_TOKENS_MANAGE, e_scim_token_revoke},
    {"scim_settings_get", CORE_SCIM_SETTINGS, e_scim_settings_get},
    {"scim_settings_instance", CORE_SCIM_SETTINGS, e_scim_settings_instance},
    {"scim_settings_put", CORE_SCIM_SETTINGS, e_scim_settings_put},
    {"scim_mappings_add", CORE_SCIM_SETTINGS, e_scim_mappings_add},
    {"scim_mappings_list", CORE_SCIM_SETTINGS, e_scim_mappings_list},
    {"scim_mappings_remove", CORE_SCIM_SETTINGS, e_scim_mappings_remove},
    {"scim_groups_create", CORE_SCIM_GROUPS_CHANGE, e_scim_groups_create},
    {"scim_groups_replace", CORE_SCIM_GROUPS_CHANGE, e_scim_groups_replace},
    {"scim_groups_delete", CORE_SCIM_GROUPS_CHANGE, e_scim_groups_delete},
    {"scim_groups_each", CORE_SCIM_GROUPS_READ, e_scim_groups_each},
    {"users_create", CORE_USERS_CREATE, e_users_create},
    {"users_create_tx", CORE_USERS_CREATE, e_users_create_tx},
    {"users_create_basic", CORE_USERS_CREATE, e_users_create_basic},
    {"users_get", CORE_USERS_DESCRIBE, e_users_get},
    {"users_get_console", CORE_USERS_CONSOLE_DESCRIBE, e_users_get_console},
    {"users_history", CORE_USERS_CONSOLE_HISTORY, e_users_history},
    {"console_profiles_load", CORE_CATALOG_READ, e_console_profiles_load},
    {"console_role_profiles_get", CORE_CATALOG_READ, e_role_profiles_get},
    {"console_role_profiles_set", CORE_ROLE_PROFILES_UPDATE, e_role_profiles_set},
    {"jobs_dismiss", CORE_JOBS_DISMISS, e_jobs_dismiss},
    {"jobs_banner", CORE_JOBS_VIEW, e_jobs_banner},
    {"users_list", CORE_USERS_LIST, e_users_list},
    {"users_update", CORE_USERS_UPDATE, e_users_update},
    {"users_update_tx", CORE_USERS_UPDATE, e_users_update_tx},
    {"users_update", CORE_USERS_UPDATE_SECURITY_PROFILES, e_users_update_profiles},
    {"users_update_tx", CORE_USERS_UPDATE_SECURITY_PROFILES, e_users_update_profiles_tx},
    {"users_update(own_password)", CORE_USERS_CHANGE_OWN_PASSWORD, e_users_update_own_password},
    {"users_delete", CORE_USERS_DELETE, e_users_delete},
    {"scim_users_delete", CORE_USERS_DELETE, e_scim_users_delete},
    {"scim_users_create", CORE_USERS_CREATE, e_scim_users_create},
    {"scim_users_replace", CORE_USERS_UPDATE, e_scim_users_replace},
    {"scim_users_each", CORE_USERS_LIST, e_scim_users_each},
    {"scim_users_count", CORE_USERS_LIST, e_scim_users_count},
    {"users_delete_tx", CORE_USERS_DELETE, e_users_delete_tx},
    {"user_search", CORE_USERS_SEARCH, e_user_search},
    {"user_search_keys_get", CORE_USERS_SEARCH, e_user_search_keys_get},
    {"user_list_get", CORE_USERS_CONSOLE_LIST, e_user_list_get},
    {"user_list_ids", CORE_USERS_CONSOLE_LIST, e_user_list_ids},
    {"security_profiles_create", CORE_SECURITY_PROFILES_CREATE, e_sp_create},
    {"security_profiles_update", CORE_SECURITY_PROFILES_UPDATE, e_sp_update},
    {"security_profiles_delete", CORE_SECURITY_PROFILES_DELETE, e_sp_delete},
    {"resources_list(RES_SECURITY_PROFILE)", CORE_SECURITY_PROFILES_LIST, e_list_sp},
    {"resources_security_profile", CORE_SECURITY_PROFILES_DESCRIBE, e_sp_describe},
    {"resources_security_profile_permissions", CORE_SECURITY_PROFILES_PERMISSIONS, e_sp_permissions},
    {"security_profiles_search", CORE_SECURITY_PROFILES_SEARCH, e_sp_search},
    {"routing_profiles_create", CORE_ROUTING_PROFILES_CREATE, e_rp_create},
    {"routing_profiles_update_name", CORE_ROUTING_PROFILES_UPDATE_NAME, e_rp_name},
    {"routing_profiles_update_outbound_queue", CORE_ROUTING_PROFILES_UPDATE_OUTBOUND_QUEUE, e_rp_outbound},
    {"routing_profiles_update_concurrency", CORE_ROUTING_PROFILES_UPDATE_CONCURRENCY, e_rp_concurrency},
    {"routing_profiles_update_queues", CORE_ROUTING_PROFILES_UPDATE_QUEUES, e_rp_queues},
    {"routing_profiles_associate", CORE_ROUTING_PROFILES_ASSOCIATE, e_rp_associate},
    {"routing_profiles_disassociate", CORE_ROUTING_PROFILES_DISASSOCIATE, e_rp_disassociate},
    {"routing_profiles_delete", CORE_ROUTING_PROFILES_DELETE, e_rp_delete},
    {"resources_list(RES_ROUTING_PROFILE)", CORE_ROUTING_PROFILES_LIST, e_list_rp},
    {"resources_routing_profile", CORE_ROUTING_PROFILES_DESCRIBE, e_rp_describe},
    {"routing_profile_by_name", CORE_ROUTING_PROFILES_DESCRIBE, e_rp_by_name},
    {"routing_profiles_default", CORE_ROUTING_PROFILES_DESCRIBE, e_rp_default},
    {"routing_profiles_list_queues", CORE_ROUTING_PROFILES_LIST_QUEUES, e_rp_list_queues},
    {"routing_profiles_search", CORE_ROUTING_PROFILES_SEARCH, e_rp_search},
    {"queues_create", CORE_QUEUES_CREATE, e_queues_create},
    {"resources_list(RES_QUEUE)", CORE_QUEUES_LIST, e_list_queues},
    {"resources_queue", CORE_QUEUES_DESCRIBE, e_queue_describe},
    {"queues_create_hours", CORE_HOURS_CREATE, e_hours_create},
    {"resources_list(RES_HOURS)", CORE_HOURS_LIST, e_list_hours},
    {"resources_hours", CORE_HOURS_DESCRIBE, e_hours_describe},
    {"hierarchy_structure_get", CORE_HIERARCHY_STRUCTURE_DESCRIBE, e_structure_get},
    {"hierarchy_structure_update", CORE_HIERARCHY_STRUCTURE_UPDATE, e_structure_update},
    {"hierarchy_group_create", CORE_HIERARCHY_GROUPS_CREATE, e_group_create},
    {"hierarchy_group_get", CORE_HIERARCHY_GROUPS_DESCRIBE, e_group_get},
    {"hierarchy_group_describe", CORE_HIERARCHY_GROUPS_DESCRIBE, e_group_describe},
    {"hierarchy_group_by_path", CORE_HIERARCHY_GROUPS_DESCRIBE, e_group_by_path},
    {"hierarchy_group_list", CORE_HIERARCHY_GROUPS_LIST, e_group_list},
    {"hierarchy_group_search", CORE_HIERARCHY_GROUPS_SEARCH, e_group_search},
    {"hierarchy_group_rename", CORE_HIERARCHY_GROUPS_RENAME, e_group_rename},
    {"hierarchy_group_delete", CORE_HIERARCHY_GROUPS_DELETE, e_group_delete},
    {"tags_add", CORE_TAGS_ADD, e_tags_add},
    {"tags_remove", CORE_TAGS_REMOVE, e_tags_remove},
    {"tags_list", CORE_TAGS_LIST, e_tags_list},
    {"import_upload_begin", CORE_IMPORT_CREATE, e_import_create},
    {"import_upload_begin", CORE_IMPORT_UPSERT, e_import_upsert},
    {"bulk_submit_edit", CORE_BULK_EDIT, e_bulk_edit},
    {"bulk_submit_user_edits", CORE_BULK_EDIT, e_bulk_user_edits},
    {"bulk_submit_delete", CORE_BULK_DELETE, e_bulk_delete},
    {"jobs_cancel", CORE_JOBS_CANCEL, e_jobs_cancel},
    {"jobs_retry", CORE_JOBS_RETRY, e_jobs_retry},
    {"jobs_get", CORE_JOBS_VIEW, e_jobs_get},
    {"jobs_list", CORE_JOBS_VIEW, e_jobs_list},
    {"jobs_items", CORE_JOBS_VIEW, e_jobs_items},
    {"jobs_report_open", CORE_JOBS_VIEW, e_jobs_report},
    {"jobs_template", CORE_JOBS_VIEW, e_jobs_template},
    {"export_open", CORE_USERS_EXPORT, e_export},
    {"catalog_load", CORE_CATALOG_READ, e_catalog_load},
    {"users_find", CORE_USERS_FIND, e_users_find},
};
#define N_ENTRIES (sizeof entries / sizeof entries[0])

/* ---- the store's digest ------------------------------------------------------------------------- */

/* A digest of every row of every table of the database at path (committed state). */
static void digest(const char *path, unsigned char out[crypto_generichash_BYTES])
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, crypto_generichash_BYTES);
    sqlite3_stmt *tables;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &tables, NULL),
        SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        buf q;
        buf_init(&q);
        buf_printf(&q, "SELECT * FROM \"%s\"", name); /* a name read from the schema, not input */
        sqlite3_stmt *rows;
        assert_int_equal(sqlite3_prepare_v2(db, q.data, -1, &rows, NULL), SQLITE_OK);
        crypto_generichash_update(&h, (const unsigned char *)name, strlen(name) + 1);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(rows); i++) {
                const void *v = sqlite3_column_blob(rows, i);
                int n = sqlite3_column_bytes(rows, i);
                unsigned char type = (unsigned char)sqlite3_column_type(rows, i);
                crypto_generichash_update(&h, &type, 1);
                crypto_generichash_update(&h, (const unsigned char *)&n, sizeof n);
                if (v && n > 0)
                    crypto_generichash_update(&h, v, (unsigned long long)n);
            }
        }
        sqlite3_finalize(rows);
        buf_free(&q);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    crypto_generichash_final(&h, out, crypto_generichash_BYTES);
}

/* ---- fixture ------------------------------------------------------------------------------------ */

static void user_principal(principal *p, const char *key, const char *username, const char *instance_id, int all)
{
    memset(p, 0, sizeof *p);
    p->kind = PRINCIPAL_USER_KEY;
    snprintf(p->key_id, sizeof p->key_id, "%s", key);
    snprintf(p->instance_id, sizeof p->instance_id, "%s", instance_id);
    p->username = xstrdup(username);
    size_t n;
    const char *const *cat = permissions_catalogue(&n);
    for (size_t i = 0; all && i < n; i++)
        strlist_push(&p->permissions, cat[i]);
}

#define CHECK(call)                                                                                                    \
    do {                                                                                                               \
        if ((call) != 0) {                                                                                             \
            fprintf(stderr, "setup: %s: %s\n", #call, e.message);                                                      \
            return -1;                                                                                                 \
        }                                                                                                              \
    } while (0)

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->row = *state;
    *state = f;
    if (!test_store_open(&f->ts))
        return -1;
    f->c = store_conn_get(f->ts.st);
    test_settings(&f->cfg);
    char path[192], err[256];
    snprintf(path, sizeof path, "%s/k.key", f->ts.dir);
    if (!(f->kr = keyring_load(path, 1, err, sizeof err)))
        return -1;
    core_ctx cx = {.conn = f->c, .cfg = &f->cfg, .who = principal_cli(), .now_ms = now_ms()};
    rerr e;
    instance_create ic = {.idm_type = "SAML", .inbound_calls = 1, .outbound_calls = 1};
    int created;
    CHECK(instances_create(&cx, &ic, &f->a, &f->da, &created, &e));
    CHECK(instances_create(&cx, &ic, &f->b, NULL, &created, &e));
    hours_create hc = {.name = "Unit Hours", .time_zone = "UTC", .config_given = 1};
    CHECK(queues_create_hours(&cx, f->a.id, &hc, f->hours_id, &e));
    queue_create qc = {.name = "Unit Queue", .hours_id = f->hours_id};
    CHECK(queues_create(&cx, f->a.id, &qc, f->queue_id, &e));
    rp_queue_in q = {f->queue_id, "VOICE", 1, 0};
    rp_create rc = {.name = "Spare RP",
                    .description = "d",
                    .default_outbound_queue_id = f->queue_id,
                    .media = {voice, 1, 1},
                    .queues = {&q, 1, 1}};
    CHECK(routing_profiles_create(&cx, f->a.id, &rc, f->spare_rp, &e));
    strlist perms = {0};
    strlist_push(&perms, "Users.View");
    sp_change sc = {.name = "Spare", .permissions = &perms};
    int bad = security_profiles_create(&cx, f->a.id, &sc, f->spare_sp, &e);
    strlist_clear(&perms);
    CHECK(bad);
    const char *const levels[HIERARCHY_LEVELS] = {"Region"};
    CHECK(hierarchy_structure_update(&cx, f->a.id, levels, &e));
    hierarchy_group_new g = {.name = "G"}, spare = {.name = "SpareGroup"};
    CHECK(hierarchy_group_create(&cx, f->a.id, &g, f->group_id, &e));
    CHECK(hierarchy_group_create(&cx, f->a.id, &spare, f->spare_group, &e));
    strlist_push(&f->agent, f->da.agent_profile_id);
    user_new un = {.username = "target",
                   .identity = {.first_name = "Tar", .last_name = "Get"},
                   .security_profile_ids = &f->agent,
                   .routing_profile_id = f->da.routing_profile_id};
    CHECK(users_create(&cx, f->a.id, &un, f->user_id, &e));
    kvlist tags = {0};
    kvlist_set(&tags, "team", "red");
    bad = tags_add(&cx, (f->user_arn = arn_resource(&f->cfg, f->a.id, ARN_USER, f->user_id)), &tags, &e);
    kvlist_clear(&tags);
    CHECK(bad);
    char *secret = NULL;
    CHECK(keys_create(&cx, f->kr, KEY_ACCOUNT, NULL, NULL, f->key_id, &secret, &e));
    free(secret);
    scim_token token;
    CHECK(make_scim_token(f, &cx, &token, &e));
    memcpy(f->scim_token_id, token.id, ID_LEN);
    CHECK(make_scim_group(f, &cx, "Unit Group", f->scim_group, &e));
    CHECK(scim_mappings_add(&cx, f->a.id, "unit group", SCIM_MAP_SECURITY_PROFILE, "QualityAnalyst", 100,
                            f->mapping_id, &e));
    for (int m = 0; m < 2; m++)
        if (make_job(f, m ? "UPSERT" : "CREATE", 0, f->queued_job[m]) || make_job(f, m ? "UPSERT" : "CREATE", 1, f->failed_job[m]))
            return -1;
    if (make_job(f, "CREATE", 1, f->admins_job))
        return -1;
    {
        static const char sql[] = "UPDATE jobs SET submitter_kind = 'USER_KEY', submitter_key_id = 'AKRSADMIN' "
                                  "WHERE id = ?";
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int ok = sqlite3_open(f->ts.path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
                 sqlite3_bind_text(st, 1, f->admins_job, -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (!ok)
            return -1;
    }
    user_principal(&f->nobody, "AKRSNOBODY", "nobody", f->a.id, 0);
    user_principal(&f->stranger, "AKRSSTRANGER", "stranger", f->b.id, 1);
    user_principal(&f->admin, "AKRSADMIN", "admin", f->a.id, 1);
    f->account.kind = PRINCIPAL_ACCOUNT_KEY;
    snprintf(f->account.key_id, sizeof f->account.key_id, "AKRSACCOUNT");
    f->scim.kind = PRINCIPAL_SCIM_TOKEN;
    snprintf(f->scim.key_id, sizeof f->scim.key_id, "scim-token");
    snprintf(f->scim.instance_id, sizeof f->scim.instance_id, "%s", f->a.id);
    f->scim.username = xstrdup("okta");
    static const char *const scim_perms[] = {"Users.Create", "Users.View", "Users.Edit", "Users.EditPermission",
                                             "Users.Delete"};
    for (size_t i = 0; i < sizeof scim_perms / sizeof *scim_perms; i++)
        strlist_push(&f->scim.permissions, scim_perms[i]);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    principal_clear(&f->nobody);
    principal_clear(&f->stranger);
    principal_clear(&f->admin);
    principal_clear(&f->scim);
    instance_clear(&f->a);
    instance_clear(&f->b);
    strlist_clear(&f->agent);
    free(f->user_arn);
    keyring_free(f->kr);
    store_conn_put(f->c);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

/* ---- the tests ------------------------------------------------------------------------------------ */

/* Runs the row's entry point as who, expecting a refusal that names the key and the operation,
 * and checks that the store is as it was. */
static void expect_refused(fixture *f, const principal *who)
{
    const core_rule *r = core_rule_of(f->row->action);
    unsigned char before[crypto_generichash_BYTES], after[crypto_generichash_BYTES];
    digest(f->ts.path, before);
    core_ctx cx = {.conn = f->c, .cfg = &f->cfg, .who = who, .now_ms = now_ms()};
    rerr e;
    rerr_clear(&e);
    int rc = f->row->fn(f, &cx, &e);
    if (rc != -1 || e.code != ERR_ACCESS_DENIED)
        fail_msg("%s as %s: expected AccessDenied, got rc %d code %d: %s", f->row->name, who->key_id, rc, e.code,
                 e.message);
    if (!strstr(e.message, who->key_id) || !strstr(e.message, r->operation))
        fail_msg("%s as %s: the refusal does not name the key and %s: %s", f->row->name, who->key_id, r->operation,
                 e.message);
    digest(f->ts.path, after);
    if (memcmp(before, after, sizeof before) != 0)
        fail_msg("%s as %s: refused, but the store changed", f->row->name, who->key_id);
}

static void expect_allowed(fixture *f, const principal *who)
{
    core_ctx cx = {.conn = f->c, .cfg = &f->cfg, .who = who, .now_ms = now_ms()};
    rerr e;
    rerr_clear(&e);
    if (f->row->fn(f, &cx, &e) != 0)
        fail_msg("%s as %s: expected success, got code %d: %s", f->row->name, who->key_id, e.code, e.message);
}

static void entry_point(void **state)
{
    fixture *f = *state;
    const core_rule *r = core_rule_of(f->row->action);
    assert_non_null(r);
    /* A user of the instance without permissions. */
    if (r->need == NEED_INSTANCE) {
        expect_allowed(f, &f->nobody);
        if (f->row->action == CORE_INSTANCES_LIST)
            assert_true(f->listed_a);
    } else {
        expect_refused(f, &f->nobody);
    }
    /* A user of another instance with every permission. */
    if (f->row->action == CORE_INSTANCES_LIST) {
        expect_allowed(f, &f->stranger);
        assert_false(f->listed_a); /* it sees its own instance only */
    } else {
        expect_refused(f, &f->stranger);
    }
    /* The principal the rule is for: what only the identity provider does refuses even an admin. */
    if (r->need == NEED_SCIM_PERMISSION)
        expect_refused(f, &f->admin);
    expect_allowed(f, r->need == NEED_ACCOUNT ? &f->account : r->need == NEED_SCIM_PERMISSION ? &f->scim : &f->admin);
}

/* 1 if the space-separated list holds word. */
static int lists(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

static void table_covers_every_action(void **state)
{
    (void)state;
    for (int a = 0; a < CORE_ACTION__COUNT; a++) {
        const core_rule *r = core_rule_of((core_action)a);
        if (!r)
            fail_msg("action %d has no rule in core's table", a);
        assert_non_null(r->operation);
        if ((r->need == NEED_PERMISSION || r->need == NEED_PERMISSION_OR_SELF || r->need == NEED_SCIM_PERMISSION) !=
            (r->permission != NULL))
            fail_msg("%s: a permission goes with NEED_PERMISSION only", r->operation);
        if (r->permission && !permission_is_known(r->permission))
            fail_msg("%s: %s is not in the catalogue", r->operation, r->permission);
        /* Every entry point the rule names has a row here. */
        char *names = xstrdup(r->entry_points), *save = NULL;
        for (char *w = strtok_r(names, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            size_t i = 0;
            while (i < N_ENTRIES && !(entries[i].action == (core_action)a && strcmp(entries[i].name, w) == 0))
                i++;
            if (i == N_ENTRIES)
                fail_msg("%s (%s) has no row in test_authorize.c", w, r->operation);
        }
        free(names);
    }
    assert_null(core_rule_of(CORE_ACTION__COUNT));
    /* Every row is named by its action's rule. */
    for (size_t i = 0; i < N_ENTRIES; i++)
        if (!lists(core_rule_of(entries[i].action)->entry_points, entries[i].name))
            fail_msg("row %s is not named by the rule of %s", entries[i].name,
                     core_rule_of(entries[i].action)->operation);
}

static void unauthenticated_principal_is_refused(void **state)
{
    (void)state;
    principal none = {0};
    core_ctx cx = {.who = &none};
    rerr e;
    for (int a = 0; a < CORE_ACTION__COUNT; a++) {
        assert_int_equal(core_allow(&cx, (core_action)a, NULL, &e), -1);
        assert_int_equal(e.code, ERR_ACCESS_DENIED);
    }
    /* A confined kind without an instance is confined to nothing. */
    principal lost = {.kind = PRINCIPAL_SCIM_TOKEN, .key_id = "T"};
    cx.who = &lost;
    assert_int_equal(core_allow(&cx, CORE_INSTANCES_LIST, NULL, &e), -1);
    assert_int_equal(e.code, ERR_ACCESS_DENIED);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    struct CMUnitTest tests[N_ENTRIES + 2];
    for (size_t i = 0; i < N_ENTRIES; i++) {
        tests[i] = (struct CMUnitTest){.name = entries[i].name,
                                       .test_func = entry_point,
                                       .setup_func = setup,
                                       .teardown_func = teardown,
                                       .initial_state = (void *)&entries[i]};
    }
    tests[N_ENTRIES] = (struct CMUnitTest){.name = "table_covers_every_action", .test_func = table_covers_every_action};
    tests[N_ENTRIES + 1] = (struct CMUnitTest){.name = "unauthenticated_principal_is_refused",
                                               .test_func = unauthenticated_principal_is_refused};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
