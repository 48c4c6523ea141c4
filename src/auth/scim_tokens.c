/* scim_tokens.c — SCIM bearer tokens (see scim_tokens.h). */
#include "auth/scim_tokens.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authorize.h"
#include "core/instances.h"
#include "core/validate.h"
#include "core/write.h"
#include "util/buf.h"
#include "util/ids.h"
#include "util/utf8.h"

#define MSG_BAD_TOKEN "The bearer token is not right: ask the operator for a SCIM token of this instance (roster scim-token create)"

static void token_hash(const char *token, unsigned char out[SCIM_TOKEN_HASH_LEN])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

static int check_name(const char *name, rerr *e)
{
    if (validate_length(e, "name", name, 1, SCIM_TOKEN_NAME_MAX))
        return -1;
    size_t len = strlen(name);
    for (size_t i = 0; i < len;) {
        const unsigned char *p = (const unsigned char *)name + i;
        size_t k = utf8_char_len(p, len - i, NULL);
        if (k == 0 || *p < 0x20 || *p == 0x7f)
            return rerr_set(e, ERR_INVALID_PARAMETER, "name",
                            "a token's name must be UTF-8 text without control characters");
        i += k;
    }
    return 0;
}

struct insert_args {
    const scim_token *t;
    const unsigned char *hash;
};

static int insert_token(core_ctx *cx, void *arg, rerr *e)
{
    struct insert_args *a = arg;
    int rc = store_scim_token_insert(cx->conn, a->t, a->hash);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "name", "instance %s already has a SCIM token named '%s'",
                        a->t->instance_id, a->t->name);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "store the SCIM token", e);
}

int scim_token_create(core_ctx *cx, const char *instance_ref, const char *name, scim_token *out,
                      char token[SCIM_TOKEN_LEN + 1], rerr *e)
{
    memset(out, 0, sizeof *out);
    token[0] = '\0';
    if (!name)
        name = SCIM_TOKEN_DEFAULT_NAME;
    if (core_allow(cx, CORE_SCIM_TOKENS_MANAGE, NULL, e) || check_name(name, e))
        return -1;
    instance in;
    if (instances_resolve(cx, instance_ref, 1, &in, e))
        return -1;
    memcpy(out->instance_id, in.id, ID_LEN);
    instance_clear(&in);
    uuid_v7(out->id);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->created_ms = cx->now_ms;
    unsigned char r[32], hash[SCIM_TOKEN_HASH_LEN];
    randombytes_buf(r, sizeof r);
    memcpy(token, SCIM_TOKEN_PREFIX, sizeof SCIM_TOKEN_PREFIX - 1);
    sodium_bin2base64(token + sizeof SCIM_TOKEN_PREFIX - 1, 44, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(r, sizeof r);
    token_hash(token, hash);
    struct insert_args a = {out, hash};
    if (core_write(cx, insert_token, &a, e)) {
        sodium_memzero(token, SCIM_TOKEN_LEN + 1);
        return -1;
    }
    return 0;
}

int scim_token_list(core_ctx *cx, const char *instance_ref, scim_token **out, size_t *n, rerr *e)
{
    *out = NULL;
    *n = 0;
    if (core_allow(cx, CORE_SCIM_TOKENS_MANAGE, NULL, e))
        return -1;
    char id[ID_LEN] = "";
    if (instance_ref) {
        instance in;
        if (instances_resolve(cx, instance_ref, 1, &in, e))
            return -1;
        memcpy(id, in.id, ID_LEN);
        instance_clear(&in);
    }
    int rc = store_scim_token_list(cx->conn, instance_ref ? id : NULL, out, n);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "list the SCIM tokens", e);
}

static int revoke_token(core_ctx *cx, void *arg, rerr *e)
{
    const char *id = arg;
    int rc = store_scim_token_revoke(cx->conn, id, cx->now_ms);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "id", "no SCIM token %s is in force", id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "revoke the SCIM token", e);
}

int scim_token_revoke(core_ctx *cx, const char *id, rerr *e)
{
    if (core_allow(cx, CORE_SCIM_TOKENS_MANAGE, NULL, e))
        return -1;
    if (!id || strlen(id) != ID_LEN - 1)
        return rerr_set(e, ERR_NOT_FOUND, "id", "no SCIM token %.64s is in force", id ? id : "");
    return core_write(cx, revoke_token, (void *)id, e);
}

int scim_token_authenticate(core_ctx *cx, const char *bearer, principal *out, rerr *e)
{
    memset(out, 0, sizeof *out);
    if (!bearer || strlen(bearer) != SCIM_TOKEN_LEN || strncmp(bearer, SCIM_TOKEN_PREFIX, sizeof SCIM_TOKEN_PREFIX - 1))
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, MSG_BAD_TOKEN);
    unsigned char hash[SCIM_TOKEN_HASH_LEN];
    token_hash(bearer, hash);
    scim_token t;
    int rc = store_scim_token_by_hash(cx->conn, hash, &t);
    if (rc == STORE_NOTFOUND || (rc == STORE_OK && t.revoked_ms))
        return rerr_set(e, ERR_UNAUTHORIZED, NULL, MSG_BAD_TOKEN);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the SCIM token", e);
    out->kind = PRINCIPAL_SCIM_TOKEN;
    snprintf(out->key_id, sizeof out->key_id, "scim");
    memcpy(out->instance_id, t.instance_id, ID_LEN);
    out->username = xstrdup(t.name);
    /* What provisioning needs and nothing more: no key, tag, profile or job operation. The
     * security profiles a token gives come from the operator's SCIM settings and group
     * mappings, never from the client (users.c lets it grant them). */
    static const char *const perms[] = {"Users.Create", "Users.View", "Users.Edit", "Users.EditPermission",
                                        "Users.Delete"};
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        strlist_push(&out->permissions, perms[i]);
    return 0;
}
