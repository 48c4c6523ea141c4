/* nearest.h — the nearest of a set of names to a misspelt one, for "did you mean" hints. */
#ifndef ROSTER_UTIL_NEAREST_H
#define ROSTER_UTIL_NEAREST_H

#include <stddef.h>

/* The candidate closest to want by edit distance over bytes (a difference of ASCII case counts
 * half), when it is close enough to be a likely typo: at most 2 edits, or a third of want's length
 * for longer names. Names longer than 256 bytes are not compared. Returns a pointer into
 * candidates, or NULL when none is close. */
const char *nearest_name(const char *want, const char *const *candidates, size_t n);

#endif
