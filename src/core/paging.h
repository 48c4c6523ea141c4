/* paging.h — page sizes and opaque, stable pagination tokens.
 *
 * A token names the list it belongs to and the (sort key, id) of the last item returned,
 * so the next page starts strictly after it: tokens are never empty and never repeat,
 * and a page stays correct while items are added or removed between calls.
 */
#ifndef ROSTER_CORE_PAGING_H
#define ROSTER_CORE_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Resolves a page size: given (present != 0) must lie in [min, max]; absent gives def.
 * Returns 0 and sets *out, or -1 with ERR_INVALID_PARAMETER naming field. */
int page_size(rerr *e, const char *field, int present, int64_t given, int64_t min, int64_t max, int64_t def,
              size_t *out);

/* Returns a malloc'd token for the list `kind` positioned after (key, id). Caller frees. */
char *page_token_encode(const char *kind, const char *key, const char *id);

/* Decodes token for the list `kind`. NULL or "" token: *key and *id become "" (first page).
 * Returns 0 with *key and *id malloc'd (caller frees), or -1 with ERR_INVALID_PARAMETER
 * naming field when the token is not one roster issued for this list. */
int page_token_decode(rerr *e, const char *field, const char *token, const char *kind, char **key, char **id);

#endif
