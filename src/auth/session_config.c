/* session_config.c — the console's session settings from the environment (see session_config.h). */
#include "auth/session_config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"

#define MINUTE_MS ((int64_t)60 * 1000)

void session_config_defaults(session_config *c)
{
    memset(c, 0, sizeof *c);
    c->idle_ms = 30 * MINUTE_MS;
    c->max_ms = 12 * 60 * MINUTE_MS;
    c->max_failures = 5;
    c->lock_ms = 15 * MINUTE_MS;
    c->address.threshold = 10;
    c->address.window_ms = 15 * MINUTE_MS;
}

/* Sets *out to the value of name times unit when it is set, within lo..hi (in name's own unit).
 * Returns 0, or -1 with err set. */
static int env_num(const char *name, int64_t lo, int64_t hi, int64_t unit, int64_t *out, char *err, size_t errlen)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    int64_t n;
    if (parse_int64(v, lo, hi, &n) != 0) {
        snprintf(err, errlen, "%s must be a whole number from %lld to %lld, not '%.40s'", name, (long long)lo,
                 (long long)hi, v);
        return -1;
    }
    *out = n * unit;
    return 0;
}

int session_address_normalise(const char *address, char *out, size_t cap)
{
    unsigned char bin[16];
    int family = strchr(address, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, address, bin) != 1 || !inet_ntop(family, bin, out, (socklen_t)cap))
        return -1;
    return 0;
}

/* Parses the comma-separated ROSTER_AUTH_PROXY_ADDRESSES. Returns 0 or -1 with err set. */
static int proxy_addresses(session_config *c, const char *list, char *err, size_t errlen)
{
    char item[64];
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 0 || n >= sizeof item) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_ADDRESSES must be IP addresses separated by commas");
            return -1;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        if (c->n_proxy_addresses == PROXY_MAX_ADDRESSES) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_ADDRESSES names more than %d addresses", PROXY_MAX_ADDRESSES);
            return -1;
        }
        if (session_address_normalise(item, c->proxy_addresses[c->n_proxy_addresses],
                                      sizeof c->proxy_addresses[0]) != 0) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_ADDRESSES: '%s' is not an IP address", item);
            return -1;
        }
        c->n_proxy_addresses++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* 1 when s is a header name (RFC 9110 token characters). */
static int is_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *s)))
            return 0;
    return 1;
}

int session_config_from_env(session_config *c, char *err, size_t errlen)
{
    session_config_defaults(c);
    int64_t secure = 0;
    if (env_num("ROSTER_SESSION_IDLE_MINUTES", 1, 24 * 60, MINUTE_MS, &c->idle_ms, err, errlen) ||
        env_num("ROSTER_SESSION_IDLE_SECONDS", 1, 24 * 3600, 1000, &c->idle_ms, err, errlen) ||
        env_num("ROSTER_SESSION_MAX_HOURS", 1, 24 * 30, 60 * MINUTE_MS, &c->max_ms, err, errlen) ||
        env_num("ROSTER_SESSION_MAX_SECONDS", 1, 24 * 3600 * 30, 1000, &c->max_ms, err, errlen) ||
        env_num("ROSTER_SIGNIN_MAX_FAILURES", 1, 100, 1, &c->max_failures, err, errlen) ||
        env_num("ROSTER_SIGNIN_LOCK_MINUTES", 1, 24 * 60, MINUTE_MS, &c->lock_ms, err, errlen) ||
        env_num("ROSTER_SIGNIN_LOCK_SECONDS", 1, 24 * 3600, 1000, &c->lock_ms, err, errlen) ||
        env_num("ROSTER_SIGNIN_ADDRESS_MAX_FAILURES", 0, 1000000, 1, &c->address.threshold, err, errlen) ||
        env_num("ROSTER_COOKIE_SECURE", 0, 1, 1, &secure, err, errlen))
        return -1;
    c->cookie_secure = (int)secure;
    const char *h = getenv("ROSTER_AUTH_PROXY_HEADER");
    const char *a = getenv("ROSTER_AUTH_PROXY_ADDRESSES");
    const char *i = getenv("ROSTER_AUTH_PROXY_INSTANCE");
    if (h && *h) {
        if (!is_token(h) || strlen(h) >= sizeof c->proxy_header) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_HEADER must be a header name of at most %zu characters",
                     sizeof c->proxy_header - 1);
            return -1;
        }
        snprintf(c->proxy_header, sizeof c->proxy_header, "%s", h);
        if (!a || !*a) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_HEADER needs ROSTER_AUTH_PROXY_ADDRESSES: the proxy's addresses");
            return -1;
        }
        if (proxy_addresses(c, a, err, errlen))
            return -1;
        if (i && strlen(i) >= sizeof c->proxy_instance) {
            snprintf(err, errlen, "ROSTER_AUTH_PROXY_INSTANCE is too long");
            return -1;
        }
        snprintf(c->proxy_instance, sizeof c->proxy_instance, "%s", i ? i : "");
    } else if ((a && *a) || (i && *i)) {
        snprintf(err, errlen, "ROSTER_AUTH_PROXY_ADDRESSES and ROSTER_AUTH_PROXY_INSTANCE need ROSTER_AUTH_PROXY_HEADER");
        return -1;
    }
    return 0;
}

int session_config_is_proxy(const session_config *c, const char *address)
{
    char norm[48];
    if (!c->proxy_header[0] || !address || session_address_normalise(address, norm, sizeof norm) != 0)
        return 0;
    for (size_t k = 0; k < c->n_proxy_addresses; k++)
        if (strcmp(c->proxy_addresses[k], norm) == 0)
            return 1;
    return 0;
}
