/* timespec.h — times given on the command line (absolute ISO-8601 or relative to now) and
 * their printed form. */
#ifndef ROSTER_UTIL_TIMESPEC_H
#define ROSTER_UTIL_TIMESPEC_H

#include <stddef.h>
#include <stdint.h>

/* Parses a point in time into milliseconds since the epoch:
 *   - ISO-8601: a date "2026-11-21" (midnight UTC), or a date and time
 *     "2026-11-21T13:00Z", "2026-11-21T13:00:00Z", "2026-11-21T13:00:00.250Z", where the zone is
 *     Z or an offset "+02:00" / "-0500";
 *   - relative to now_ms: a whole number and a unit, "90s", "15m", "2h", "7d", "2w" (that long ago).
 * Returns 0 and sets *out, or -1 (nothing set) when s is none of these or names an impossible
 * date or time. */
int time_spec_parse(const char *s, int64_t now_ms, int64_t *out);

/* Writes ms as "2026-11-21T13:00:00.250Z" (UTC, milliseconds) into out (cap >= 25 for the whole
 * text; shorter caps truncate). */
void time_format_ms(int64_t ms, char *out, size_t cap);

#endif
