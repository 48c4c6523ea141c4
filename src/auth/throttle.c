/* throttle.c — the per-address slow-down of failed sign-ins (see throttle.h). */
#include "auth/throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct slot {
    char address[64];            /* "" when free */
    int64_t window_start_ms;
    int64_t failures;            /* within the window */
    int64_t wait_ms;             /* the current wait, once past the threshold */
    int64_t next_ms;             /* no attempt before this */
    int64_t last_ms;             /* the last failure, for eviction */
} slot;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static slot slots[THROTTLE_SLOTS];

/* The slot of address, or NULL. Under mu. */
static slot *find(const char *address)
{
    for (size_t i = 0; i < THROTTLE_SLOTS; i++)
        if (slots[i].address[0] && strcmp(slots[i].address, address) == 0)
            return &slots[i];
    return NULL;
}

int64_t throttle_wait(const throttle_config *cfg, const char *address, int64_t now_ms)
{
    if (!address || !*address || cfg->threshold <= 0)
        return 0;
    int64_t wait = 0;
    pthread_mutex_lock(&mu);
    slot *s = find(address);
    if (s && s->next_ms > now_ms && now_ms - s->window_start_ms < cfg->window_ms)
        wait = s->next_ms - now_ms;
    pthread_mutex_unlock(&mu);
    return wait;
}

void throttle_failure(const throttle_config *cfg, const char *address, int64_t now_ms)
{
    if (!address || !*address || cfg->threshold <= 0)
        return;
    pthread_mutex_lock(&mu);
    slot *s = find(address);
    if (!s) { /* a free slot, else the one whose last failure is oldest */
        s = &slots[0];
        for (size_t i = 0; i < THROTTLE_SLOTS && s->address[0]; i++)
            if (!slots[i].address[0] || slots[i].last_ms < s->last_ms)
                s = &slots[i];
        memset(s, 0, sizeof *s);
        snprintf(s->address, sizeof s->address, "%s", address);
        s->window_start_ms = now_ms;
    }
    if (now_ms - s->window_start_ms >= cfg->window_ms) { /* a new window */
        s->window_start_ms = now_ms;
        s->failures = 0;
        s->wait_ms = 0;
        s->next_ms = 0;
    }
    s->failures++;
    s->last_ms = now_ms;
    if (s->failures >= cfg->threshold) {
        s->wait_ms = s->wait_ms ? s->wait_ms * 2 : THROTTLE_FIRST_WAIT_MS;
        if (s->wait_ms > THROTTLE_MAX_WAIT_MS)
            s->wait_ms = THROTTLE_MAX_WAIT_MS;
        s->next_ms = now_ms + s->wait_ms;
    }
    pthread_mutex_unlock(&mu);
}

void throttle_reset(void)
{
    pthread_mutex_lock(&mu);
    memset(slots, 0, sizeof slots);
    pthread_mutex_unlock(&mu);
}
