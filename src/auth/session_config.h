/* session_config.h — the console's session settings, read once from the environment by
 * `roster serve` (README, "Configuration"): timeouts, the sign-in lock-out and slow-down, the
 * cookie's Secure flag, and the authenticating proxy of SAML instances. */
#ifndef ROSTER_AUTH_SESSION_CONFIG_H
#define ROSTER_AUTH_SESSION_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "auth/throttle.h"

#define PROXY_MAX_ADDRESSES 16

typedef struct session_config {
    int64_t idle_ms;             /* ROSTER_SESSION_IDLE_MINUTES (30); ROSTER_SESSION_IDLE_SECONDS (tests) */
    int64_t max_ms;              /* ROSTER_SESSION_MAX_HOURS (12); ROSTER_SESSION_MAX_SECONDS (tests) */
    int64_t max_failures;        /* ROSTER_SIGNIN_MAX_FAILURES (5): failures in a row that lock a username */
    int64_t lock_ms;             /* ROSTER_SIGNIN_LOCK_MINUTES (15); ROSTER_SIGNIN_LOCK_SECONDS (tests) */
    throttle_config address;     /* ROSTER_SIGNIN_ADDRESS_MAX_FAILURES (10; 0: off) within 15 minutes */
    int cookie_secure;           /* ROSTER_COOKIE_SECURE (0): behind TLS, the cookie is Secure and the
                                  * sign-in's Origin is https:// */
    char proxy_header[64];       /* ROSTER_AUTH_PROXY_HEADER: "" = no auth proxy */
    char proxy_addresses[PROXY_MAX_ADDRESSES][48]; /* ROSTER_AUTH_PROXY_ADDRESSES, normalised */
    size_t n_proxy_addresses;
    char proxy_instance[128];    /* ROSTER_AUTH_PROXY_INSTANCE: an alias, "" = the only instance */
} session_config;

/* The defaults (no proxy). */
void session_config_defaults(session_config *c);

/* The defaults overridden by the environment. Returns 0, or -1 with a message naming the
 * variable and its range in err. */
int session_config_from_env(session_config *c, char *err, size_t errlen);

/* 1 when address (as the server writes a peer address) is one of the proxy's addresses. */
int session_config_is_proxy(const session_config *c, const char *address);

/* Writes address in its canonical text form (inet_ntop's) into out. Returns 0, or -1 when it is
 * not an IPv4 or IPv6 address. */
int session_address_normalise(const char *address, char *out, size_t cap);

#endif
