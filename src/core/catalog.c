/* catalog.c — an instance's names in memory, both ways (see catalog.h). */
#include "core/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "util/buf.h"
#include "util/nearest.h"

#define CATALOG_MAX 1000000 /* names of one kind: far above any instance's quota */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const catalog_entry *)a)->name, ((const catalog_entry *)b)->name);
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(catalog_entry *const *)a)->id, (*(catalog_entry *const *)b)->id);
}

/* Sorts s both ways (entries are filled; names non-NULL). */
static void index_set(catalog_set *s)
{
    qsort(s->by_name, s->n, sizeof *s->by_name, by_name);
    s->by_id = xmalloc((s->n ? s->n : 1) * sizeof *s->by_id);
    for (size_t i = 0; i < s->n; i++)
        s->by_id[i] = &s->by_name[i];
    qsort(s->by_id, s->n, sizeof *s->by_id, by_id);
}

/* Moves a summary list into s. */
static void take_summaries(catalog_set *s, summary_list *l)
{
    s->n = l->n;
    s->by_name = xmalloc((l->n ? l->n : 1) * sizeof *s->by_name);
    for (size_t i = 0; i < l->n; i++) {
        memset(&s->by_name[i], 0, sizeof s->by_name[i]);
        memcpy(s->by_name[i].id, l->items[i].id, ID_LEN);
        s->by_name[i].name = l->items[i].name ? l->items[i].name : xstrdup("");
        l->items[i].name = NULL;
    }
    index_set(s);
}

int catalog_load(core_ctx *cx, const char *instance_id, catalog *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (core_allow(cx, CORE_CATALOG_READ, instance_id, e))
        return -1;
    instance inst;
    int rc = store_instance_get(cx->conn, instance_id, &inst);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "InstanceId", "Instance not found: %.100s", instance_id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the instance", e);
    snprintf(out->instance_id, sizeof out->instance_id, "%s", inst.id);
    snprintf(out->idm_type, sizeof out->idm_type, "%s", inst.idm_type);
    instance_clear(&inst);

    page_req pr = {.instance_id = instance_id, .after_name = "", .after_id = "", .limit = CATALOG_MAX};
    summary_list sec = {0}, rout = {0};
    rc = store_security_profile_list(cx->conn, &pr, &sec);
    if (rc == STORE_OK)
        rc = store_routing_profile_list(cx->conn, &pr, &rout);
    if (rc == STORE_OK) {
        take_summaries(&out->security, &sec);
        take_summaries(&out->routing, &rout);
    }
    summary_list_clear(&sec);
    summary_list_clear(&rout);
    hierarchy_group *groups = NULL;
    size_t n = 0;
    if (rc == STORE_OK)
        rc = store_group_all(cx->conn, instance_id, &groups, &n);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the instance's names", e);
    out->groups.n = n;
    out->groups.by_name = xmalloc((n ? n : 1) * sizeof *out->groups.by_name);
    for (size_t i = 0; i < n; i++) {
        catalog_entry *g = &out->groups.by_name[i];
        memcpy(g->id, groups[i].id, ID_LEN);
        g->name = groups[i].name ? groups[i].name : xstrdup("");
        groups[i].name = NULL;
        g->level = groups[i].level;
        memcpy(g->parent_id, groups[i].parent_id, ID_LEN);
        hierarchy_group_clear(&groups[i]);
    }
    free(groups);
    index_set(&out->groups);
    return 0;
}

static void clear_set(catalog_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->by_name[i].name);
    free(s->by_name);
    free(s->by_id);
    memset(s, 0, sizeof *s);
}

void catalog_clear(catalog *c)
{
    if (!c)
        return;
    clear_set(&c->security);
    clear_set(&c->routing);
    clear_set(&c->groups);
}

static const catalog_entry *find_name(const catalog_set *s, const char *name)
{
    catalog_entry key = {.name = (char *)name};
    return bsearch(&key, s->by_name, s->n, sizeof *s->by_name, by_name);
}

static const catalog_entry *find_id(const catalog_set *s, const char *id)
{
    catalog_entry key, *k = &key;
    snprintf(key.id, sizeof key.id, "%s", id ? id : "");
    catalog_entry **hit = bsearch(&k, s->by_id, s->n, sizeof *s->by_id, by_id);
    return hit ? *hit : NULL;
}

/* The nearest name of s to want (level 0: any entry; else only the groups at level under
 * parent_id), or NULL. */
static const char *suggest(const catalog_set *s, const char *want, int level, const char *parent_id)
{
    const char **names = xmalloc((s->n ? s->n : 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!level || (s->by_name[i].level == level && strcmp(s->by_name[i].parent_id, parent_id) == 0))
            names[n++] = s->by_name[i].name;
    const char *best = nearest_name(want, names, n);
    free(names);
    return best;
}

/* ERR_NOT_FOUND: `<noun> "<name>" is not found[<where>][; did you mean "<hint>"?]`. */
static const char *missing(rerr *e, const char *field, const char *noun, const char *name, const char *where,
                           const char *hint)
{
    if (hint)
        rerr_set(e, ERR_NOT_FOUND, field, "%s \"%.200s\" is not found%s; did you mean \"%.200s\"?", noun, name, where,
                 hint);
    else
        rerr_set(e, ERR_NOT_FOUND, field, "%s \"%.200s\" is not found%s", noun, name, where);
    return NULL;
}

const char *catalog_security_profile(const catalog *c, const char *name, const char *field, rerr *e)
{
    const catalog_entry *hit = find_name(&c->security, name);
    return hit ? hit->id : missing(e, field, "security profile", name, "", suggest(&c->security, name, 0, NULL));
}

const char *catalog_routing_profile(const catalog *c, const char *name, const char *field, rerr *e)
{
    const catalog_entry *hit = find_name(&c->routing, name);
    return hit ? hit->id : missing(e, field, "routing profile", name, "", suggest(&c->routing, name, 0, NULL));
}

const char *catalog_group_path(const catalog *c, char *const *names, size_t n, const char *field, rerr *e)
{
    if (n < 1 || n > 5) {
        rerr_set(e, ERR_INVALID_PARAMETER, field, "a hierarchy path has 1 to 5 group names (got %zu)", n);
        return NULL;
    }
    const char *parent = "";
    for (size_t i = 0; i < n; i++) {
        const catalog_entry *g = find_name(&c->groups, names[i]);
        if (!g || g->level != (int)i + 1 || strcmp(g->parent_id, parent) != 0) {
            char where[300];
            if (i == 0)
                snprintf(where, sizeof where, " at level one");
            else
                snprintf(where, sizeof where, " under \"%.200s\"", names[i - 1]);
            return missing(e, field, "hierarchy group", names[i], where, suggest(&c->groups, names[i], (int)i + 1, parent));
        }
        parent = g->id;
    }
    return parent;
}

const char *catalog_security_name(const catalog *c, const char *id)
{
    const catalog_entry *hit = find_id(&c->security, id);
    return hit ? hit->name : NULL;
}

const char *catalog_routing_name(const catalog *c, const char *id)
{
    const catalog_entry *hit = find_id(&c->routing, id);
    return hit ? hit->name : NULL;
}

size_t catalog_group_names(const catalog *c, const char *id, const char *names[5])
{
    const catalog_entry *chain[5];
    size_t n = 0;
    for (const catalog_entry *g = find_id(&c->groups, id); g && n < 5; g = *g->parent_id ? find_id(&c->groups, g->parent_id) : NULL)
        chain[n++] = g;
    for (size_t i = 0; i < n; i++)
        names[i] = chain[n - 1 - i]->name;
    return n;
}

char *catalog_group_label(const catalog *c, const char *id)
{
    const char *names[5];
    size_t n = id && *id ? catalog_group_names(c, id, names) : 0;
    if (n == 0)
        return NULL;
    buf path;
    buf_init(&path);
    for (size_t k = 0; k < n; k++) {
        if (k)
            buf_puts(&path, CATALOG_PATH_SEPARATOR);
        buf_puts(&path, names[k]);
    }
    return buf_detach(&path);
}

int catalog_group_within(const catalog *c, const char *id, const char *ancestor_id)
{
    size_t steps = 0;
    for (const catalog_entry *g = find_id(&c->groups, id); g && steps < 5; steps++) {
        if (strcmp(g->id, ancestor_id) == 0)
            return 1;
        g = *g->parent_id ? find_id(&c->groups, g->parent_id) : NULL;
    }
    return 0;
}
