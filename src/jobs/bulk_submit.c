/* bulk_submit.c — submitting a bulk edit, a bulk delete or user edits (see bulk.h): everything
 * checked and the selection resolved in one read transaction, then the job written RECEIVING,
 * its items in write transactions of BULK_FLUSH_ITEMS, and the job QUEUED last.
 *
 * Memory: the resolved selection is held as ids and logins (about 60 bytes a user: 60 MB for
 * BULK_MAX_USERS). */
#include "jobs/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/catalog.h"
#include "core/instances.h"
#include "core/user_search.h"
#include "core/validate.h"
#include "core/write.h"
#include "jobs/jobs.h"
#include "util/ids.h"

/* One user of the selection, and its edit (USER_EDITS: malloc'd JSON text, else NULL). */
typedef struct target {
    char id[ID_LEN];
    char *username;
    char *data_json;
} target;

typedef struct submit {
    core_ctx *cx;
    instance inst;
    target *t;
    size_t n, cap;
    job_record job;
    size_t flushed;              /* items written so far */
} submit;

static void submit_clear(submit *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->t[i].username);
        free(s->t[i].data_json);
    }
    free(s->t);
    instance_clear(&s->inst);
    job_clear(&s->job);
}

static target *push(submit *s, const char *id, char *username)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->t = xrealloc(s->t, s->cap * sizeof *s->t);
    }
    target *t = &s->t[s->n++];
    snprintf(t->id, sizeof t->id, "%s", id);
    t->username = username;
    t->data_json = NULL;
    return t;
}

/* The login of user id of the instance into *username (malloc'd), or ERR_NOT_FOUND naming field. */
static int user_of(submit *s, const char *field, const char *id, char **username, rerr *e)
{
    user_ref r;
    int rc = store_user_get_ref(s->cx->conn, id, &r);
    if (rc == STORE_OK && strcmp(r.instance_id, s->inst.id) != 0) {
        user_ref_clear(&r);
        rc = STORE_NOTFOUND;
    }
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, field, "User not found: %.256s", id);
    if (rc != STORE_OK)
        return core_store_error(s->cx, rc, "read a user", e);
    *username = r.username;
    r.username = NULL;
    user_ref_clear(&r);
    return 0;
}

/* ---- the selection ------------------------------------------------------------------------------- */

typedef struct id_at {
    const char *id;
    size_t at;
} id_at;

static int by_id(const void *a, const void *b)
{
    const id_at *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Explicit ids: each checked, duplicates collapsed (the first stays), each a user of the instance. */
static int select_ids(submit *s, const strlist *ids, rerr *e)
{
    const char *f = "Selection.UserIds";
    if (validate_max_entries(e, f, ids->n, BULK_MAX_USERS))
        return -1;
    for (size_t i = 0; i < ids->n; i++)
        if (validate_id(e, f, ids->items[i], 256))
            return -1;
    id_at *v = xmalloc((ids->n ? ids->n : 1) * sizeof *v);
    unsigned char *dup = calloc(ids->n ? ids->n : 1, 1);
    if (!dup) {
        free(v);
        return rerr_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    for (size_t i = 0; i < ids->n; i++)
        v[i] = (id_at){ids->items[i], i};
    qsort(v, ids->n, sizeof *v, by_id);
    for (size_t i = 1; i < ids->n; i++)
        if (strcmp(v[i].id, v[i - 1].id) == 0)
            dup[v[i].at] = 1;
    free(v);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ids->n; i++) {
        char *login = NULL;
        if (dup[i])
            continue;
        rc = user_of(s, f, ids->items[i], &login, e);
        if (rc == 0)
            push(s, ids->items[i], login);
    }
    free(dup);
    return rc;
}

/* qsort order of two ids (char * elements). */
static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every user matching the criteria and filter, found in one page, taken in the order the users
 * were created (ids are UUID v7): the batch then walks the users table and its indexes in
 * order. In username order each update touched their pages at random, and a batch's commit
 * wrote most of them. */
static int select_search(submit *s, const bulk_selection *sel, rerr *e)
{
    user_search_req rq = {.criteria = sel->criteria, .filter = sel->filter, .limit = BULK_MAX_USERS};
    user_search_keys k = {0};
    int rc = user_search_keys_get(s->cx, s->inst.id, &rq, &k, e);
    if (rc == 0 && k.next)
        rc = rerr_set(e, ERR_INVALID_PARAMETER, "Selection", "Selection matches %lld users; a batch takes at most %d",
                      (long long)k.total, BULK_MAX_USERS);
    if (rc == 0 && k.ids.n > 1)
        qsort(k.ids.items, k.ids.n, sizeof *k.ids.items, by_text);
    for (size_t i = 0; rc == 0 && i < k.ids.n; i++) {
        char *login = NULL;
        rc = user_of(s, "Selection", k.ids.items[i], &login, e);
        if (rc == 0)
            push(s, k.ids.items[i], login);
    }
    user_search_keys_clear(&k);
    return rc;
}

/* The console list's filter: exactly the users the list shows for it (core/user_list.h), in
 * creation order like select_search. */
static int select_list(submit *s, const user_list_filter *f, rerr *e)
{
    strlist ids = {0};
    int rc = user_list_ids(s->cx, s->inst.id, f, BULK_MAX_USERS, "Selection", &ids, e);
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        char *login = NULL;
        rc = user_of(s, "Selection", ids.items[i], &login, e);
        if (rc == 0)
            push(s, ids.items[i], login);
    }
    strlist_clear(&ids);
    return rc;
}

static int select_users(submit *s, const bulk_selection *sel, rerr *e)
{
    int rc = sel->user_ids      ? select_ids(s, sel->user_ids, e)
             : sel->list_filter ? select_list(s, sel->list_filter, e)
                                : select_search(s, sel, e);
    if (rc == 0 && s->n == 0)
        rc = rerr_set(e, ERR_INVALID_PARAMETER, "Selection", "Selection matches no user");
    return rc;
}

/* ---- the references of a bulk edit -------------------------------------------------------------- */

static int missing(rerr *e, const char *field, const char *noun, const char *id)
{
    return rerr_set(e, ERR_NOT_FOUND, field, "%s not found: %.256s", noun, id);
}

static int check_profile_list(const catalog *cat, const strlist *ids, json_t *names, rerr *e)
{
    for (size_t i = 0; i < ids->n; i++) {
        const char *name = catalog_security_name(cat, ids->items[i]);
        if (!name)
            return missing(e, "Changes.SecurityProfiles", "Security profile", ids->items[i]);
        json_object_set_new(names, ids->items[i], json_string(name));
    }
    return 0;
}

/* Checks that what c names exists in the instance; fills names (see bulk.h). */
static int check_refs(submit *s, const bulk_changes *c, json_t *names, rerr *e)
{
    catalog cat;
    memset(&cat, 0, sizeof cat);
    int rc = catalog_load(s->cx, s->inst.id, &cat, e);
    if (rc == 0 && c->routing_profile_id) {
        const char *name = catalog_routing_name(&cat, c->routing_profile_id);
        rc = name ? 0 : missing(e, "Changes.RoutingProfileId", "Routing profile", c->routing_profile_id);
        if (rc == 0)
            json_object_set_new(names, "RoutingProfile", json_string(name));
    }
    if (rc == 0 && c->sp_mode != BULK_SP_NONE) {
        json_t *sp = json_object();
        json_object_set_new(names, "SecurityProfiles", sp);
        rc = check_profile_list(&cat, &c->sp_set, sp, e) || check_profile_list(&cat, &c->sp_add, sp, e) ||
                     check_profile_list(&cat, &c->sp_remove, sp, e)
                 ? -1
                 : 0;
    }
    if (rc == 0 && c->hierarchy_group_id) {
        const char *path[5];
        size_t n = catalog_group_names(&cat, c->hierarchy_group_id, path);
        rc = n ? 0 : missing(e, "Changes.HierarchyGroupId", "Hierarchy group", c->hierarchy_group_id);
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "%s%s", i ? "/" : "", path[i]);
        if (rc == 0)
            json_object_set_new(names, "HierarchyGroup", json_string(b.data));
        buf_free(&b);
    }
    catalog_clear(&cat);
    return rc;
}

/* ---- writing the job ------------------------------------------------------------------------------ */

static int insert_job(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_job_insert(cx->conn, arg);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "store the job", e);
}

static int insert_items(core_ctx *cx, void *arg, rerr *e)
{
    submit *s = arg;
    size_t n = s->n - s->flushed < BULK_FLUSH_ITEMS ? s->n - s->flushed : BULK_FLUSH_ITEMS;
    job_item_record *items = xmalloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) {
        const target *t = &s->t[s->flushed + i];
        memset(&items[i], 0, sizeof items[i]);
        snprintf(items[i].job_id, sizeof items[i].job_id, "%s", s->job.id);
        items[i].seq = (int64_t)(s->flushed + i);
        items[i].row = items[i].seq + 1;
        snprintf(items[i].state, sizeof items[i].state, "PENDING");
        snprintf(items[i].user_id, sizeof items[i].user_id, "%s", t->id);
        items[i].username = t->username;
        items[i].data_json = t->data_json;
    }
    int rc = store_job_items_insert(cx->conn, items, n);
    free(items); /* the strings are the targets' */
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "store the batch's users", e);
    s->flushed += n;
    return 0;
}

static int queue_job(core_ctx *cx, void *arg, rerr *e)
{
    submit *s = arg;
    job_counts d = {.total = (int64_t)s->n};
    int rc = store_job_add_counts(cx->conn, s->job.id, &d);
    if (rc == STORE_OK)
        rc = store_job_set_state(cx->conn, s->job.id, "QUEUED", NULL, 0, 0);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "queue the job", e);
}

static int delete_job(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_job_delete(cx->conn, arg);
    return rc == STORE_OK || rc == STORE_NOTFOUND ? 0 : core_store_error(cx, rc, "delete the job", e);
}

/* Writes the job of kind with params (may be NULL) and the targets, and reads it into *out. */
static int write_job(submit *s, const char *kind, const char *params, job_record *out, rerr *e)
{
    core_ctx *cx = s->cx;
    job_record *j = &s->job;
    uuid_v7(j->id);
    snprintf(j->instance_id, sizeof j->instance_id, "%s", s->inst.id);
    snprintf(j->kind, sizeof j->kind, "%s", kind);
    snprintf(j->state, sizeof j->state, "RECEIVING");
    j->params_json = params ? xstrdup(params) : NULL;
    j->submitted_ms = now_ms();
    const principal *who = cx->who ? cx->who : principal_cli();
    snprintf(j->submitter_kind, sizeof j->submitter_kind, "%s", principal_kind_name(who));
    snprintf(j->submitter_key_id, sizeof j->submitter_key_id, "%s", who->key_id);
    snprintf(j->submitter_user_id, sizeof j->submitter_user_id, "%s", who->user_id);
    j->submitted_by = xstrdup(who->username ? who->username : who->key_id[0] ? who->key_id : "cli");
    cx->now_ms = now_ms();
    if (core_write(cx, insert_job, j, e))
        return -1;
    int rc = 0;
    while (rc == 0 && s->flushed < s->n) {
        cx->now_ms = now_ms();
        rc = core_write(cx, insert_items, s, e);
    }
    if (rc == 0)
        rc = core_write(cx, queue_job, s, e);
    if (rc) {
        rerr ignored;
        core_write(cx, delete_job, j->id, &ignored); /* failing that, the purge takes it later */
        return -1;
    }
    rc = store_job_get(cx->conn, s->inst.id, j->id, out);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the job", e);
}

/* Resolves the instance for action a and opens the read transaction of the checks. */
static int begin(submit *s, core_ctx *cx, core_action a, const char *instance_ref, rerr *e)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
    if (instances_resolve_for(cx, a, instance_ref, 1, &s->inst, e))
        return -1;
    if (store_begin(cx->conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    return 0;
}

/* ---- the three kinds -------------------------------------------------------------------------------- */

int bulk_submit_edit(core_ctx *cx, const char *instance_ref, const bulk_selection *sel, json_t *changes,
                     job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    submit s;
    bulk_changes c;
    memset(&c, 0, sizeof c);
    json_t *names = json_object();
    char *params = NULL;
    int rc = begin(&s, cx, CORE_BULK_EDIT, instance_ref, e);
    if (rc == 0) {
        rc = bulk_changes_read(e, changes, &c) || check_refs(&s, &c, names, e) || select_users(&s, sel, e) ? -1 : 0;
        store_rollback(cx->conn);
    }
    if (rc == 0) {
        json_t *p = json_pack("{s:O, s:O}", "Changes", changes, "Names", names);
        params = json_dumps(p, JSON_COMPACT);
        json_decref(p);
        rc = write_job(&s, "BULK_EDIT", params, out, e);
    }
    free(params);
    json_decref(names);
    bulk_changes_clear(&c);
    submit_clear(&s);
    return rc;
}

int bulk_submit_delete(core_ctx *cx, const char *instance_ref, const bulk_selection *sel, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    submit s;
    int rc = begin(&s, cx, CORE_BULK_DELETE, instance_ref, e);
    if (rc == 0) {
        rc = select_users(&s, sel, e);
        store_rollback(cx->conn);
    }
    if (rc == 0)
        rc = write_job(&s, "BULK_DELETE", NULL, out, e);
    submit_clear(&s);
    return rc;
}

/* Reads every entry of edits into s's targets (each user once, each a user of the instance). */
static int read_edits(submit *s, json_t *edits, rerr *e)
{
    size_t n = json_array_size(edits);
    if (!json_is_array(edits))
        return rerr_set(e, ERR_INVALID_PARAMETER, "Edits", "Edits must be a list");
    if (n == 0)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Edits", "Edits must hold at least one entry");
    if (validate_max_entries(e, "Edits", n, BULK_MAX_EDITS))
        return -1;
    strlist seen = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "Edits[%zu]", i);
        bulk_user_edit ed;
        char *login = NULL;
        rc = bulk_user_edit_read(e, json_array_get(edits, i), path, 1, &ed);
        if (rc == 0 && ed.identity_doc)
            rc = user_check_identity(s->inst.idm_type, &ed.identity, USER_CHECK_UPDATE, e);
        if (rc == 0 && strlist_contains(&seen, ed.user_id))
            rc = rerr_set(e, ERR_INVALID_PARAMETER, path, "%s: user %.256s is edited twice in one request", path,
                          ed.user_id);
        if (rc == 0)
            rc = user_of(s, "Edits.UserId", ed.user_id, &login, e);
        if (rc)
            break;
        strlist_push(&seen, ed.user_id);
        target *t = push(s, ed.user_id, login);
        json_t *doc = json_object();
        if (ed.identity_doc)
            json_object_set(doc, "IdentityInfo", ed.identity_doc);
        if (ed.phone_doc)
            json_object_set(doc, "PhoneConfig", ed.phone_doc);
        t->data_json = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
    }
    strlist_clear(&seen);
    return rc;
}

int bulk_submit_user_edits(core_ctx *cx, const char *instance_ref, json_t *edits, job_record *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    submit s;
    int rc = begin(&s, cx, CORE_BULK_EDIT, instance_ref, e);
    if (rc == 0) {
        rc = read_edits(&s, edits, e);
        store_rollback(cx->conn);
    }
    if (rc == 0)
        rc = write_job(&s, "USER_EDITS", NULL, out, e);
    submit_clear(&s);
    return rc;
}
