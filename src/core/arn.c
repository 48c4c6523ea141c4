/* arn.c — building and parsing ARNs. */
#include "core/arn.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

char *arn_instance(const settings *cfg, const char *instance_id)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "arn:aws:connect:%s:%s:instance/%s", cfg->region, cfg->account, instance_id);
    return buf_detach(&b);
}

char *arn_resource(const settings *cfg, const char *instance_id, const char *kind, const char *id)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "arn:aws:connect:%s:%s:instance/%s/%s/%s", cfg->region, cfg->account, instance_id, kind, id);
    return buf_detach(&b);
}

int arn_parse(const settings *cfg, const char *s, char instance_id[ID_LEN], char kind[32], char id[ID_LEN])
{
    buf prefix;
    buf_init(&prefix);
    buf_printf(&prefix, "arn:aws:connect:%s:%s:instance/", cfg->region, cfg->account);
    int ok = strncmp(s, prefix.data, prefix.len) == 0;
    const char *rest = s + (ok ? prefix.len : 0);
    buf_free(&prefix);
    if (!ok)
        return -1;
    const char *slash = strchr(rest, '/');
    size_t ilen = slash ? (size_t)(slash - rest) : strlen(rest);
    if (ilen == 0 || ilen >= ID_LEN)
        return -1;
    memcpy(instance_id, rest, ilen);
    instance_id[ilen] = '\0';
    kind[0] = id[0] = '\0';
    if (!slash)
        return 0;
    const char *last = strrchr(slash + 1, '/');
    if (!last)
        return -1;
    size_t klen = (size_t)(last - (slash + 1));
    size_t dlen = strlen(last + 1);
    if (klen == 0 || klen >= 32 || dlen == 0 || dlen >= ID_LEN)
        return -1;
    memcpy(kind, slash + 1, klen);
    kind[klen] = '\0';
    memcpy(id, last + 1, dlen + 1);
    return 0;
}
