/* paging.c — page sizes and tokens: base64url of a small JSON array [kind, key, id]. */
#include "core/paging.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define TOKEN_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

int page_size(rerr *e, const char *field, int present, int64_t given, int64_t min, int64_t max, int64_t def,
              size_t *out)
{
    if (!present) {
        *out = (size_t)def;
        return 0;
    }
    if (given < min || given > max)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be between %lld and %lld (got %lld)", field,
                        (long long)min, (long long)max, (long long)given);
    *out = (size_t)given;
    return 0;
}

char *page_token_encode(const char *kind, const char *key, const char *id)
{
    json_t *a = json_pack("[sss]", kind, key ? key : "", id ? id : "");
    char *raw = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    size_t n = strlen(raw);
    size_t cap = sodium_base64_ENCODED_LEN(n, TOKEN_VARIANT);
    char *tok = xmalloc(cap);
    sodium_bin2base64(tok, cap, (const unsigned char *)raw, n, TOKEN_VARIANT);
    free(raw);
    return tok;
}

int page_token_decode(rerr *e, const char *field, const char *token, const char *kind, char **key, char **id)
{
    *key = *id = NULL;
    if (!token || !*token) {
        *key = xstrdup("");
        *id = xstrdup("");
        return 0;
    }
    size_t tlen = strlen(token);
    if (tlen > 2500)
        goto bad;
    unsigned char *raw = xmalloc(tlen + 1);
    size_t n = 0;
    if (sodium_base642bin(raw, tlen, token, tlen, NULL, &n, NULL, TOKEN_VARIANT) != 0) {
        free(raw);
        goto bad;
    }
    json_t *a = json_loadb((const char *)raw, n, 0, NULL);
    free(raw);
    const char *k = NULL, *sk = NULL, *sid = NULL;
    if (!a || json_unpack(a, "[sss]", &k, &sk, &sid) != 0 || strcmp(k, kind) != 0) {
        json_decref(a);
        goto bad;
    }
    *key = xstrdup(sk);
    *id = xstrdup(sid);
    json_decref(a);
    return 0;
bad:
    return rerr_set(e, ERR_INVALID_PARAMETER, field,
                    "%s is not a token this list issued: pass the NextToken of the previous page unchanged",
                    field);
}
