/* ids.h — random identifiers and clocks. */
#ifndef ROSTER_UTIL_IDS_H
#define ROSTER_UTIL_IDS_H

#include <stdint.h>

/* Writes a random (version 4) lowercase UUID and its NUL into out[37]. Never fails. */
void uuid_v4(char out[37]);

/* Writes a time-ordered (version 7, RFC 9562) lowercase UUID and its NUL into out[37]: the
 * wall-clock milliseconds in the first 48 bits, then 74 random bits. The ids of stored
 * resources are made this way so that new rows land at the end of every index keyed by id
 * instead of at random places in it. Never fails. */
void uuid_v7(char out[37]);

/* Returns 1 if s is a lowercase-or-uppercase hex UUID of the 8-4-4-4-12 shape. */
int uuid_is_valid(const char *s);

/* Milliseconds since the epoch (wall clock). */
int64_t now_ms(void);

/* Milliseconds from a monotonic clock, for durations. */
double mono_ms(void);

#endif
