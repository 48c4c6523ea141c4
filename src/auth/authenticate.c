/* authenticate.c — SigV4 access-key authentication: look the key up, open its secret,
 * verify the signature, and load a user key's permissions. */
#include "auth/authenticate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instances.h"
#include "util/buf.h"

static const char *auth_header(const sigv4_request *req)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, "authorization") == 0)
            return req->headers[i].value;
    return NULL;
}

static int sigv4_failure(int status, const sigv4_auth *a, rerr *e)
{
    switch (status) {
    case SIGV4_E_MISSING:
        return rerr_set(e, ERR_MISSING_AUTH, NULL, "Missing Authentication Token");
    case SIGV4_E_MALFORMED:
        return rerr_set(e, ERR_INCOMPLETE_SIGNATURE, NULL,
                        "Authorization header is not a complete AWS4-HMAC-SHA256 signature "
                        "(Credential, SignedHeaders including host and x-amz-date, Signature): %s",
                        sigv4_strerror(status));
    case SIGV4_E_DATE:
        return rerr_set(e, ERR_INCOMPLETE_SIGNATURE, NULL,
                        "X-Amz-Date must be present, signed, of the form YYYYMMDDTHHMMSSZ and on the "
                        "credential scope's day");
    case SIGV4_E_EXPIRED:
        return rerr_set(e, ERR_INVALID_SIGNATURE, NULL,
                        "Signature expired: X-Amz-Date is more than 15 minutes from the server's time; "
                        "check the client's clock");
    case SIGV4_E_SERVICE:
        return rerr_set(e, ERR_INVALID_SIGNATURE, NULL,
                        "Credential should be scoped to correct service: 'connect' (got '%s')", a->service);
    default:
        return rerr_set(e, ERR_INVALID_SIGNATURE, NULL,
                        "The request signature we calculated does not match the signature you provided. "
                        "Check your AWS Secret Access Key and signing method.");
    }
}

static int load_user(core_ctx *cx, const access_key *k, principal *out, rerr *e)
{
    user_ref u;
    int rc = store_user_get_ref(cx->conn, k->user_id, &u);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_UNRECOGNIZED_CLIENT, NULL, "The user of access key %s no longer exists", k->id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "load the key's user", e);
    int disabled = 0;
    rc = store_user_disabled(cx->conn, k->user_id, &disabled);
    if (rc == STORE_OK && disabled) {
        user_ref_clear(&u);
        return rerr_set(e, ERR_UNRECOGNIZED_CLIENT, NULL,
                        "The security token included in the request is invalid: the user of access key %s is disabled",
                        k->id);
    }
    if (rc != STORE_OK) {
        user_ref_clear(&u);
        return core_store_error(cx, rc, "load the key's user", e);
    }
    out->username = u.username;
    u.username = NULL;
    user_ref_clear(&u);
    memcpy(out->instance_id, k->instance_id, ID_LEN);
    memcpy(out->user_id, k->user_id, ID_LEN);
    rc = store_user_permissions(cx->conn, k->user_id, &out->permissions);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "load the key's permissions", e);
}

/* Signing keys derived lately by this thread, so that a client's stream of requests costs one
 * decryption and one derivation per key, day and region. Revocation is still seen at once: the
 * key row is read on every request before this cache is consulted. */
#define SIGNING_CACHE 8

static _Thread_local struct {
    char key_id[24];
    char scope[112];             /* date/region/service */
    uint8_t key[32];
} signing_cache[SIGNING_CACHE];
static _Thread_local unsigned signing_next;

/* Fills out with the signing key of k for a's scope. Returns 0, or -1 when the secret does not
 * open under this keyring. */
static int signing_key(const keyring *kr, const access_key *k, const sigv4_auth *a, uint8_t out[32])
{
    char scope[112];
    snprintf(scope, sizeof scope, "%.8s/%.63s/%.31s", a->date, a->region, a->service);
    for (unsigned i = 0; i < SIGNING_CACHE; i++) {
        if (strcmp(signing_cache[i].key_id, k->id) == 0 && strcmp(signing_cache[i].scope, scope) == 0) {
            memcpy(out, signing_cache[i].key, 32);
            return 0;
        }
    }
    char *secret = keys_open_secret(kr, k);
    if (!secret)
        return -1;
    sigv4_derive_key(secret, a->date, a->region, a->service, out);
    sodium_memzero(secret, strlen(secret));
    free(secret);
    unsigned slot = signing_next++ % SIGNING_CACHE;
    snprintf(signing_cache[slot].key_id, sizeof signing_cache[slot].key_id, "%s", k->id);
    memcpy(signing_cache[slot].scope, scope, sizeof scope);
    memcpy(signing_cache[slot].key, out, 32);
    return 0;
}

int authenticate_sigv4(core_ctx *cx, const keyring *kr, const sigv4_request *req, time_t now, principal *out,
                       rerr *e)
{
    memset(out, 0, sizeof *out);
    sigv4_auth a;
    int st = sigv4_parse_authorization(auth_header(req), &a);
    if (st != SIGV4_OK)
        return sigv4_failure(st, &a, e);
    access_key k;
    int rc = store_key_get(cx->conn, a.access_key_id, &k);
    snprintf(out->key_id, sizeof out->key_id, "%.23s", a.access_key_id); /* for the access log */
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && k.revoked_ms != 0)) {
        if (rc == STORE_OK)
            access_key_clear(&k);
        return rerr_set(e, ERR_UNRECOGNIZED_CLIENT, NULL,
                        "The security token included in the request is invalid: unknown or revoked access key %s",
                        a.access_key_id);
    }
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "look up the access key", e);
    int result = -1;
    uint8_t signing[32];
    if (signing_key(kr, &k, &a, signing) != 0) {
        core_store_error(cx, STORE_ERROR, "open the key's secret (wrong key file?)", e);
        goto done;
    }
    st = sigv4_verify(req, &a, signing, now, 1);
    sodium_memzero(signing, sizeof signing);
    if (st != SIGV4_OK) {
        sigv4_failure(st, &a, e);
        goto done;
    }
    out->kind = k.kind == KEY_USER ? PRINCIPAL_USER_KEY : PRINCIPAL_ACCOUNT_KEY;
    memcpy(out->key_id, k.id, sizeof out->key_id);
    result = k.kind == KEY_USER ? load_user(cx, &k, out, e) : 0;
done:
    access_key_clear(&k);
    if (result != 0) {
        principal_clear(out);
        snprintf(out->key_id, sizeof out->key_id, "%.23s", a.access_key_id); /* for the access log */
    }
    return result;
}
