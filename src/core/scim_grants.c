/* scim_grants.c — what the SCIM group mappings give a user, recomputed and applied (see
 * scim_grants.h and scim_groups.h). */
#include "core/scim_grants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instances.h"
#include "core/scim_settings.h"
#include "core/users.h"

#define SP STORE_SCIM_SECURITY_PROFILE
#define RP STORE_SCIM_ROUTING_PROFILE
#define HG STORE_SCIM_HIERARCHY_GROUP

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void scim_ids_sort_unique(strlist *l)
{
    if (l->n < 2)
        return;
    qsort(l->items, l->n, sizeof *l->items, by_bytes);
    size_t kept = 1;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->items[i], l->items[kept - 1]) == 0)
            free(l->items[i]);
        else
            l->items[kept++] = l->items[i];
    }
    l->n = kept;
}

/* The instance's SCIM defaults, read once per recomputation and only when a user needs them. */
typedef struct defaults {
    int loaded;
    char rp[ID_LEN];
    strlist sps;
} defaults;

static int load_defaults(core_ctx *cx, const char *instance_id, defaults *d, rerr *e)
{
    if (d->loaded)
        return 0;
    int delete_disables;
    if (scim_settings_defaults(cx, instance_id, d->rp, &d->sps, &delete_disables, NULL, e))
        return -1;
    d->loaded = 1;
    return 0;
}

/* What the mappings of user_id's groups give it now, into want[kind]: every security profile,
 * the first routing profile and hierarchy group. */
static int wanted(core_ctx *cx, const char *user_id, strlist want[STORE_SCIM_TARGETS], rerr *e)
{
    scim_mapping_row *m = NULL;
    size_t n = 0;
    int rc = store_scim_user_mappings(cx->conn, user_id, &m, &n);
    for (size_t i = 0; i < n; i++) {
        strlist *w = &want[m[i].kind];
        if (rc == STORE_OK && (m[i].kind == SP ? !strlist_contains(w, m[i].target_id) : w->n == 0))
            strlist_push(w, m[i].target_id);
        scim_mapping_row_clear(&m[i]);
    }
    free(m);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "read the user's SCIM group mappings", e);
}

/* The user's security profiles after the mappings: its own, less what the mappings gave and no
 * longer give, plus what they give; the instance's defaults when none is left. */
static int new_profiles(core_ctx *cx, const user_record *u, const strlist *had, const strlist *want, defaults *d,
                        strlist *out, rerr *e)
{
    for (size_t i = 0; i < u->security_profile_ids.n; i++) {
        const char *p = u->security_profile_ids.items[i];
        if (!(strlist_contains(had, p) && !strlist_contains(want, p)) && !strlist_contains(out, p))
            strlist_push(out, p);
    }
    for (size_t i = 0; i < want->n; i++)
        if (!strlist_contains(out, want->items[i]))
            strlist_push(out, want->items[i]);
    if (out->n)
        return 0;
    if (load_defaults(cx, u->instance_id, d, e))
        return -1;
    for (size_t i = 0; i < d->sps.n; i++)
        strlist_push(out, d->sps.items[i]);
    return 0;
}

/* Applies the change ch to u, naming the user in the message of a refusal. */
static int change_user(core_ctx *cx, const user_record *u, const user_change *ch, rerr *e)
{
    if (users_update_tx(cx, u->instance_id, u->id, ch, e) == 0)
        return 0;
    char why[sizeof e->message];
    snprintf(why, sizeof why, "%s", e->message);
    char field[sizeof e->field];
    snprintf(field, sizeof field, "%s", e->field);
    return rerr_set(e, e->code, field[0] ? field : NULL,
                    "the SCIM group mappings cannot be applied to user '%.100s' (%s): %s",
                    u->username ? u->username : "", u->id, why);
}

static int recompute(core_ctx *cx, const char *instance_id, const char *user_id, defaults *d, rerr *e)
{
    user_record u;
    int rc = store_user_get(cx->conn, instance_id, user_id, &u);
    if (rc == STORE_NOTFOUND)
        return 0; /* deleted: its memberships and grants went with it */
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read a member of a SCIM group", e);
    strlist want[STORE_SCIM_TARGETS] = {{0}}, had[STORE_SCIM_TARGETS] = {{0}}, sps = {0};
    int result = wanted(cx, user_id, want, e);
    if (result == 0 && (rc = store_scim_grants_get(cx->conn, user_id, had)) != STORE_OK)
        result = core_store_error(cx, rc, "read what the SCIM group mappings gave the user", e);
    if (result == 0)
        result = new_profiles(cx, &u, &had[SP], &want[SP], d, &sps, e);
    /* A routing profile: the mappings' first; back to the default when theirs no longer applies
     * and the user still has it. */
    const char *rp = NULL;
    if (result == 0 && want[RP].n)
        rp = want[RP].items[0];
    else if (result == 0 && had[RP].n && strcmp(u.routing_profile_id, had[RP].items[0]) == 0) {
        if (load_defaults(cx, instance_id, d, e))
            result = -1;
        else
            rp = d->rp;
    }
    if (rp && strcmp(rp, u.routing_profile_id) == 0)
        rp = NULL;
    /* A hierarchy group: the same, back to none. */
    const char *hg = NULL;
    if (want[HG].n)
        hg = want[HG].items[0];
    else if (had[HG].n && strcmp(u.hierarchy_group_id, had[HG].items[0]) == 0)
        hg = "";
    if (hg && strcmp(hg, u.hierarchy_group_id) == 0)
        hg = NULL;
    user_change ch = {.operation = "ScimGroupMapping",
                      .security_profile_ids = strlist_same_set(&sps, &u.security_profile_ids) ? NULL : &sps,
                      .routing_profile_id = rp,
                      .set_hierarchy = hg != NULL,
                      .hierarchy_group_id = hg,
                      .by_mapping = 1};
    if (result == 0 && (ch.security_profile_ids || ch.routing_profile_id || ch.set_hierarchy))
        result = change_user(cx, &u, &ch, e);
    int same = 1;
    for (int k = 0; k < STORE_SCIM_TARGETS; k++)
        same = same && strlist_same_set(&had[k], &want[k]);
    if (result == 0 && !same && (rc = store_scim_grants_set(cx->conn, user_id, want)) != STORE_OK)
        result = core_store_error(cx, rc, "record what the SCIM group mappings gave the user", e);
    for (int k = 0; k < STORE_SCIM_TARGETS; k++) {
        strlist_clear(&want[k]);
        strlist_clear(&had[k]);
    }
    strlist_clear(&sps);
    user_clear(&u);
    return result;
}

int scim_grants_apply(core_ctx *cx, const char *instance_id, strlist *user_ids, rerr *e)
{
    scim_ids_sort_unique(user_ids);
    defaults d = {0};
    int result = 0;
    for (size_t i = 0; result == 0 && i < user_ids->n; i++)
        result = recompute(cx, instance_id, user_ids->items[i], &d, e);
    strlist_clear(&d.sps);
    return result;
}
