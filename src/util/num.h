/* num.h — bounded number parsing for untrusted text (instead of atoi). */
#ifndef ROSTER_UTIL_NUM_H
#define ROSTER_UTIL_NUM_H

#include <stdint.h>

/* Parses s as a whole decimal integer (optional leading '-', no spaces, no trailing text)
 * within [min, max]. Returns 0 and sets *out, or -1 if s is not such a number. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
