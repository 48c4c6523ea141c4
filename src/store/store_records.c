/* store_records.c — the records of the store's interface (store_hierarchy.h, store_users.h,
 * store_user_search.h, store_jobs.h) that any backend fills: their growth and release (a job
 * item's sealed secret is wiped before it is freed). Backend-neutral. */
#include <sodium.h>
#include <stdint.h>
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
    free(e->actor_name);
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

/* A handle as an unsigned key in the same order (the sign bit flipped). */
#define HANDLE_KEY(x) ((uint64_t)(x) ^ ((uint64_t)1 << 63))

/* Sorts v[0..n) by an LSD radix sort on bytes, skipping the bytes that are the same in every
 * handle (most of them: handles are row numbers): a few linear passes where a comparison sort
 * of the tens of thousands of a profile's users costs milliseconds. */
static void sort_handles(int64_t *v, size_t n)
{
    uint64_t all_or = 0, all_and = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        all_or |= HANDLE_KEY(v[i]);
        all_and &= HANDLE_KEY(v[i]);
    }
    int64_t *tmp = xmalloc(n * sizeof *tmp), *src = v, *dst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
            continue; /* this byte is the same in every handle */
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((HANDLE_KEY(src[i]) >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(HANDLE_KEY(src[i]) >> shift) & 0xff]++] = src[i];
        int64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
}

void user_handles_normalize(user_handles *h)
{
    if (h->n < 2)
        return;
    size_t i = 1;
    while (i < h->n && h->v[i - 1] < h->v[i])
        i++;
    if (i == h->n)
        return; /* the common case: an index gave them in order */
    sort_handles(h->v, h->n);
    size_t k = 1;
    for (i = 1; i < h->n; i++)
        if (h->v[i] != h->v[k - 1])
            h->v[k++] = h->v[i];
    h->n = k;
}

int user_handles_has(const user_handles *s, int64_t h)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid] < h)
            lo = mid + 1;
        else if (s->v[mid] > h)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

void user_handles_filter(user_handles *a, const user_handles *b, int minus)
{
    size_t i = 0, j = 0, k = 0;
    for (; i < a->n; i++) {
        while (j < b->n && b->v[j] < a->v[i])
            j++;
        if ((j < b->n && b->v[j] == a->v[i]) != minus)
            a->v[k++] = a->v[i];
    }
    a->n = k;
}

void user_handles_unite(user_handles *a, const user_handles *b)
{
    if (!b->n)
        return;
    user_handles u = {.v = xmalloc((a->n + b->n) * sizeof *u.v), .cap = a->n + b->n};
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if (j == b->n || (i < a->n && a->v[i] < b->v[j]))
            u.v[u.n++] = a->v[i++];
        else if (i == a->n || b->v[j] < a->v[i])
            u.v[u.n++] = b->v[j++];
        else {
            u.v[u.n++] = a->v[i++];
            j++;
        }
    }
    user_handles_clear(a);
    *a = u;
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
