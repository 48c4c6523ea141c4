/* model.c — constructors and destructors of the plain records in model.h. */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void strlist_push(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = xstrdup(s);
}

int strlist_contains(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

int strlist_same_set(const strlist *a, const strlist *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!strlist_contains(b, a->items[i]))
            return 0;
    return 1;
}

void strlist_clear(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void kvlist_set(kvlist *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->keys.n; i++) {
        if (strcmp(m->keys.items[i], key) == 0) {
            free(m->values.items[i]);
            m->values.items[i] = xstrdup(value);
            return;
        }
    }
    kvlist_add(m, key, value);
}

void kvlist_add(kvlist *m, const char *key, const char *value)
{
    strlist_push(&m->keys, key);
    strlist_push(&m->values, value);
}

void kvlist_clear(kvlist *m)
{
    strlist_clear(&m->keys);
    strlist_clear(&m->values);
}

void instance_clear(instance *i)
{
    free(i->alias);
    memset(i, 0, sizeof *i);
}

summary *summary_list_add(summary_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    summary *s = &l->items[l->n++];
    memset(s, 0, sizeof *s);
    return s;
}

void summary_list_clear(summary_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void security_profile_clear(security_profile *p)
{
    free(p->name);
    free(p->description);
    strlist_clear(&p->permissions);
    kvlist_clear(&p->allowed_tags);
    strlist_clear(&p->tag_restricted);
    strlist_clear(&p->hierarchy_restricted);
    memset(p, 0, sizeof *p);
}

void hours_clear(hours *h)
{
    free(h->name);
    free(h->description);
    free(h->time_zone);
    free(h->slots);
    memset(h, 0, sizeof *h);
}

void queue_clear(queue *q)
{
    free(q->name);
    free(q->description);
    free(q->outbound_caller_id_name);
    free(q->outbound_caller_id_number_id);
    free(q->outbound_flow_id);
    memset(q, 0, sizeof *q);
}

void routing_profile_clear(routing_profile *p)
{
    free(p->name);
    free(p->description);
    free(p->queues);
    memset(p, 0, sizeof *p);
}

void user_ref_clear(user_ref *u)
{
    free(u->username);
    memset(u, 0, sizeof *u);
}

void access_key_clear(access_key *k)
{
    free(k->username);
    free(k->sealed);
    memset(k, 0, sizeof *k);
}

void user_clear(user_record *u)
{
    free(u->username);
    free(u->first_name);
    free(u->last_name);
    free(u->email);
    free(u->secondary_email);
    free(u->mobile);
    if (u->password_hash)
        memset(u->password_hash, 0, strlen(u->password_hash));
    free(u->password_hash);
    free(u->directory_user_id);
    free(u->external_id);
    free(u->scim_attributes);
    strlist_clear(&u->security_profile_ids);
    memset(u, 0, sizeof *u);
}

void user_copy(user_record *dst, const user_record *src, int with_hash)
{
    *dst = *src; /* the fixed-size fields; every pointer is replaced below */
    dst->username = xstrdup(src->username);
    dst->first_name = xstrdup(src->first_name);
    dst->last_name = xstrdup(src->last_name);
    dst->email = xstrdup(src->email);
    dst->secondary_email = xstrdup(src->secondary_email);
    dst->mobile = xstrdup(src->mobile);
    dst->password_hash = with_hash ? xstrdup(src->password_hash) : NULL;
    dst->directory_user_id = xstrdup(src->directory_user_id);
    dst->external_id = xstrdup(src->external_id);
    dst->scim_attributes = xstrdup(src->scim_attributes);
    memset(&dst->security_profile_ids, 0, sizeof dst->security_profile_ids);
    for (size_t i = 0; i < src->security_profile_ids.n; i++)
        strlist_push(&dst->security_profile_ids, src->security_profile_ids.items[i]);
}

channel_config *user_channel(user_record *u, const char *channel)
{
    for (size_t i = 0; i < u->n_channels; i++)
        if (strcmp(u->channels[i].channel, channel) == 0)
            return &u->channels[i];
    return NULL;
}
