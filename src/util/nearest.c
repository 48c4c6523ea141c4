/* nearest.c — edit distance for "did you mean" hints (see nearest.h). */
#include "util/nearest.h"

#include <string.h>

#define NEAREST_MAX 256

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Edit distance in half steps: a substitution that only changes ASCII case costs 1, any other
 * edit 2. Both lengths are at most NEAREST_MAX. */
static size_t distance2(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[NEAREST_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = 2 * j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = 2 * i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t sub = a[i - 1] == b[j - 1] ? 0 : lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 1]) ? 1 : 2;
            size_t best = diag + sub;
            if (up + 2 < best)
                best = up + 2;
            if (row[j - 1] + 2 < best)
                best = row[j - 1] + 2;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *nearest_name(const char *want, const char *const *candidates, size_t n)
{
    size_t nw = strlen(want);
    if (nw == 0 || nw > NEAREST_MAX)
        return NULL;
    size_t limit = nw / 3 > 2 ? nw / 3 : 2; /* in whole edits */
    const char *best = NULL;
    size_t best_d = 2 * limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t nc = strlen(candidates[i]);
        if (nc > NEAREST_MAX || (nc > nw ? nc - nw : nw - nc) > limit)
            continue;
        size_t d = distance2(want, nw, candidates[i], nc);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
