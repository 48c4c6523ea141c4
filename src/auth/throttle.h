/* throttle.h — the per-address slow-down of failed sign-ins: after `threshold` failures from one
 * address within `window_ms`, each further attempt from it must wait: 1 s after the next failure,
 * doubling with each failure up to 30 s; an attempt that comes too early is refused at once (429)
 * rather than held, so a flood holds no server thread. Memory is bounded: a fixed table of
 * THROTTLE_SLOTS addresses, the least recently failed one evicted for a new one. Thread-safe. */
#ifndef ROSTER_AUTH_THROTTLE_H
#define ROSTER_AUTH_THROTTLE_H

#include <stdint.h>

#define THROTTLE_SLOTS 1024
#define THROTTLE_FIRST_WAIT_MS 1000
#define THROTTLE_MAX_WAIT_MS 30000

typedef struct throttle_config {
    int64_t threshold;           /* failures within the window before the slow-down (0: never) */
    int64_t window_ms;
} throttle_config;

/* 0 when address may try now, else the milliseconds it must still wait (at least 1). */
int64_t throttle_wait(const throttle_config *cfg, const char *address, int64_t now_ms);

/* Counts a failed sign-in from address at now_ms. */
void throttle_failure(const throttle_config *cfg, const char *address, int64_t now_ms);

/* Forgets every address (tests). */
void throttle_reset(void);

#endif
