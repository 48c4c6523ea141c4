/* memo.c — what the items of one write transaction found to exist (see memo.h). */
#include "core/memo.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The most references kept: a batch refers to a handful of profiles and groups; a linear search
 * of this many is still far cheaper than a look-up in the store, and more are simply not kept. */
enum { MEMO_REFS = 32 };

typedef struct memo_ref {
    store_resource kind;
    char instance_id[ID_LEN];
    char id[ID_LEN];
} memo_ref;

struct core_memo {
    memo_ref refs[MEMO_REFS];
    size_t n;
    int has_instance;
    instance inst;
};

core_memo *core_memo_new(void)
{
    return xcalloc(1, sizeof(core_memo));
}

void core_memo_forget(core_memo *m)
{
    if (!m)
        return;
    m->n = 0;
    if (m->has_instance)
        instance_clear(&m->inst);
    m->has_instance = 0;
}

void core_memo_free(core_memo *m)
{
    core_memo_forget(m);
    free(m);
}

/* 1 when kind may be kept: what a batch of user changes refers to and never deletes. */
static int kept_kind(store_resource kind)
{
    return kind == STORE_RES_ROUTING_PROFILE || kind == STORE_RES_SECURITY_PROFILE ||
           kind == STORE_RES_HIERARCHY_GROUP;
}

int core_memo_has(const core_memo *m, store_resource kind, const char *instance_id, const char *id)
{
    if (!m || !kept_kind(kind))
        return 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->refs[i].kind == kind && strcmp(m->refs[i].id, id) == 0 &&
            strcmp(m->refs[i].instance_id, instance_id) == 0)
            return 1;
    return 0;
}

void core_memo_add(core_memo *m, store_resource kind, const char *instance_id, const char *id)
{
    if (!m || !kept_kind(kind) || m->n == MEMO_REFS || strlen(id) >= ID_LEN || strlen(instance_id) >= ID_LEN ||
        core_memo_has(m, kind, instance_id, id))
        return;
    memo_ref *r = &m->refs[m->n++];
    r->kind = kind;
    memcpy(r->instance_id, instance_id, strlen(instance_id) + 1);
    memcpy(r->id, id, strlen(id) + 1);
}

/* *dst becomes a copy of *src (dst's old contents are not freed). */
static void copy_instance(instance *dst, const instance *src)
{
    *dst = *src;
    dst->alias = xstrdup(src->alias);
}

int core_memo_instance(const core_memo *m, const char *id, instance *out)
{
    if (!m || !m->has_instance || strcmp(m->inst.id, id) != 0)
        return 0;
    copy_instance(out, &m->inst);
    return 1;
}

void core_memo_keep_instance(core_memo *m, const instance *in)
{
    if (!m)
        return;
    if (m->has_instance)
        instance_clear(&m->inst);
    copy_instance(&m->inst, in);
    m->has_instance = 1;
}
