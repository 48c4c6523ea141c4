/* store_records.c — the records of the store's interface (store_hierarchy.h, store_users.h,
 * store_user_search.h, store_jobs.h) that any backend fills: their growth and release (a job
 * item's sealed secret is wiped before it is freed). Backend-neutral. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/buf.h"

void hierarchy_structure_clear(hierarchy_structure *s)
{
    if (!s)
        return;
    for (int i = 0; i < HIERARCHY_LEVELS; i++)
        free(s->levels[i].name);
    memset(s, 0, sizeof *s);
}

void hierarchy_group_clear(hierarchy_group *g)
{
    if (!g)
        return;
    free(g->name);
    memset(g, 0, sizeof *g);
}

void audit_event_clear(audit_event *e)
{
    if (!e)
        return;
    free(e->operation);
    free(e->resource_id);
    free(e->before_json);
    free(e->after_json);
    memset(e, 0, sizeof *e);
}

void user_handles_push(user_handles *h, int64_t v)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = v;
}

void user_handles_clear(user_handles *h)
{
    if (!h)
        return;
    free(h->v);
    memset(h, 0, sizeof *h);
}

void user_facts_clear(user_facts *f)
{
    if (!f)
        return;
    free(f->username);
    free(f->first_name);
    free(f->last_name);
    strlist_clear(&f->security_profile_ids);
    kvlist_clear(&f->tags);
    memset(f, 0, sizeof *f);
}

void user_keys_free(user_key *keys, size_t n)
{
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i].username);
    free(keys);
}

void job_clear(job_record *j)
{
    if (!j)
        return;
    free(j->failure_reason);
    free(j->file_name);
    free(j->params_json);
    free(j->retry_of);
    free(j->submitted_by);
    memset(j, 0, sizeof *j);
}

void job_list_clear(job_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        job_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void job_item_clear(job_item_record *it)
{
    if (!it)
        return;
    free(it->username);
    free(it->login_key);
    free(it->data_json);
    if (it->secret)
        sodium_memzero(it->secret, it->secret_len);
    free(it->secret);
    free(it->errors_json);
    memset(it, 0, sizeof *it);
}

void job_item_list_clear(job_item_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        job_item_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}
