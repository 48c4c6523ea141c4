/* user_cache.c — a direct-mapped, lock-striped cache of rendered DescribeUser documents. */
#include "api/user_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/buf.h"

#define STRIPES 64

typedef struct slot {
    char instance_id[ID_LEN];
    char user_id[ID_LEN];
    int64_t version;
    char *doc;
    size_t len;
} slot;

static slot slots[USER_CACHE_SLOTS];
static pthread_mutex_t stripes[STRIPES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    for (size_t i = 0; i < STRIPES; i++)
        pthread_mutex_init(&stripes[i], NULL);
}

/* FNV-1a of the user id: its slot. */
static size_t slot_of(const char *user_id)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)user_id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % USER_CACHE_SLOTS);
}

char *user_cache_get(const char *instance_id, const char *user_id, int64_t version, size_t *len)
{
    pthread_once(&once, init);
    size_t i = slot_of(user_id);
    pthread_mutex_t *m = &stripes[i % STRIPES];
    char *copy = NULL;
    pthread_mutex_lock(m);
    slot *s = &slots[i];
    if (s->doc && s->version == version && strcmp(s->user_id, user_id) == 0 &&
        strcmp(s->instance_id, instance_id) == 0) {
        copy = xstrndup(s->doc, s->len);
        *len = s->len;
    }
    pthread_mutex_unlock(m);
    return copy;
}

void user_cache_put(const char *instance_id, const char *user_id, int64_t version, const char *doc, size_t len)
{
    if (strlen(user_id) >= ID_LEN || strlen(instance_id) >= ID_LEN)
        return;
    pthread_once(&once, init);
    size_t i = slot_of(user_id);
    pthread_mutex_t *m = &stripes[i % STRIPES];
    char *copy = xstrndup(doc, len);
    pthread_mutex_lock(m);
    slot *s = &slots[i];
    free(s->doc);
    memcpy(s->instance_id, instance_id, strlen(instance_id) + 1);
    memcpy(s->user_id, user_id, strlen(user_id) + 1);
    s->version = version;
    s->doc = copy;
    s->len = len;
    pthread_mutex_unlock(m);
}

void user_cache_clear(void)
{
    pthread_once(&once, init);
    for (size_t i = 0; i < USER_CACHE_SLOTS; i++) {
        pthread_mutex_t *m = &stripes[i % STRIPES];
        pthread_mutex_lock(m);
        free(slots[i].doc);
        memset(&slots[i], 0, sizeof slots[i]);
        pthread_mutex_unlock(m);
    }
}
