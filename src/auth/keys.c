/* keys.c — access key creation and secret sealing under the key file. */
#include "auth/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/authorize.h"
#include "core/write.h"
#include "core/instances.h"
#include "util/buf.h"
#include "util/ids.h"

#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define MASTER_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES

struct keyring {
    unsigned char master[MASTER_LEN];
};

char *keyring_path_for(const char *db_path)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s.key", db_path);
    return buf_detach(&b);
}

static keyring *create_file(const char *path, char *err, size_t errlen)
{
    keyring *kr = sodium_malloc(sizeof *kr);
    if (!kr) {
        snprintf(err, errlen, "cannot allocate the keyring");
        return NULL;
    }
    crypto_aead_xchacha20poly1305_ietf_keygen(kr->master);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, kr->master, MASTER_LEN) != (ssize_t)MASTER_LEN || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write key file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        sodium_free(kr);
        return NULL;
    }
    close(fd);
    return kr;
}

keyring *keyring_load(const char *path, int create, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 && errno == ENOENT && create)
        return create_file(path, err, errlen);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    keyring *kr = NULL;
    if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
        snprintf(err, errlen, "key file %s must be readable by its owner only (chmod 600)", path);
    } else if (st.st_size != (off_t)MASTER_LEN) {
        snprintf(err, errlen, "key file %s is not a roster key file (%lld bytes)", path, (long long)st.st_size);
    } else if ((kr = sodium_malloc(sizeof *kr)) == NULL ||
               read(fd, kr->master, MASTER_LEN) != (ssize_t)MASTER_LEN) {
        snprintf(err, errlen, "cannot read key file %s", path);
        if (kr)
            sodium_free(kr);
        kr = NULL;
    }
    close(fd);
    return kr;
}

void keyring_free(keyring *kr)
{
    if (kr)
        sodium_free(kr);
}

unsigned char *keyring_seal(const keyring *kr, const char *ad, const char *secret, size_t *len_out)
{
    size_t n = strlen(secret);
    *len_out = NONCE_LEN + n + TAG_LEN;
    unsigned char *sealed = xmalloc(*len_out);
    randombytes_buf(sealed, NONCE_LEN);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + NONCE_LEN, &clen, (const unsigned char *)secret, n,
                                               (const unsigned char *)ad, strlen(ad), NULL, sealed, kr->master);
    return sealed;
}

char *keyring_open(const keyring *kr, const char *ad, const unsigned char *sealed, size_t len)
{
    if (!sealed || len < NONCE_LEN + TAG_LEN)
        return NULL;
    size_t n = len - NONCE_LEN - TAG_LEN;
    char *secret = xmalloc(n + 1);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)secret, &mlen, NULL, sealed + NONCE_LEN,
                                                   len - NONCE_LEN, (const unsigned char *)ad, strlen(ad), sealed,
                                                   kr->master) != 0) {
        free(secret);
        return NULL;
    }
    secret[mlen] = '\0';
    return secret;
}

/* Seals secret under the master key with the key id as associated data; fills k->sealed. */
static void seal(const keyring *kr, access_key *k, const char *secret)
{
    k->sealed = keyring_seal(kr, k->id, secret, &k->sealed_len);
}

char *keys_open_secret(const keyring *kr, const access_key *k)
{
    return keyring_open(kr, k->id, k->sealed, k->sealed_len);
}

/* "AKRS" and 16 characters of RFC 4648 base32: the shape of an AWS access key id. */
static void new_key_id(char out[24])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    memcpy(out, "AKRS", 4);
    for (int i = 0; i < 16; i++)
        out[4 + i] = alphabet[r[i] & 31];
    out[20] = '\0';
}

/* 30 random bytes as 40 base64 characters, the length of an AWS secret key. Caller frees. */
static char *new_secret(void)
{
    unsigned char r[30];
    randombytes_buf(r, sizeof r);
    size_t cap = sodium_base64_ENCODED_LEN(sizeof r, sodium_base64_VARIANT_ORIGINAL);
    char *s = xmalloc(cap);
    sodium_bin2base64(s, cap, r, sizeof r, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(r, sizeof r);
    return s;
}

static int bind_user(core_ctx *cx, access_key *k, const char *instance_ref, const char *username, rerr *e)
{
    instance in;
    if (!instance_ref || !username)
        return rerr_set(e, ERR_INVALID_PARAMETER, "user", "a user key needs both a user name and an instance");
    if (instances_resolve(cx, instance_ref, 1, &in, e))
        return -1;
    user_ref u;
    int rc = store_user_by_username(cx->conn, in.id, username, &u);
    if (rc == STORE_NOTFOUND)
        rerr_set(e, ERR_NOT_FOUND, "user", "no user '%s' in instance %s", username, in.id);
    else if (rc != STORE_OK)
        core_store_error(cx, rc, "look up the user", e);
    if (rc == STORE_OK) {
        memcpy(k->instance_id, in.id, ID_LEN);
        memcpy(k->user_id, u.id, ID_LEN);
        user_ref_clear(&u);
    }
    instance_clear(&in);
    return rc == STORE_OK ? 0 : -1;
}

static int insert_key(core_ctx *cx, void *arg, rerr *e)
{
    int rc = store_key_insert(cx->conn, arg);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "save the access key", e);
}

int keys_create(core_ctx *cx, const keyring *kr, key_kind kind, const char *instance_ref, const char *username,
                char id_out[24], char **secret_out, rerr *e)
{
    *secret_out = NULL;
    if (core_allow(cx, CORE_KEYS_CREATE, NULL, e))
        return -1;
    access_key k = {0};
    k.kind = kind;
    k.created_ms = cx->now_ms;
    if (kind == KEY_USER && bind_user(cx, &k, instance_ref, username, e))
        return -1;
    new_key_id(k.id);
    char *secret = new_secret();
    seal(kr, &k, secret);
    int rc = core_write(cx, insert_key, &k, e);
    free(k.sealed);
    if (rc != 0) {
        sodium_memzero(secret, strlen(secret));
        free(secret);
        return -1;
    }
    memcpy(id_out, k.id, 24);
    *secret_out = secret;
    return 0;
}

struct revoke_args {
    const char *key_id;
};

static int revoke_key(core_ctx *cx, void *arg, rerr *e)
{
    const struct revoke_args *a = arg;
    int rc = store_key_revoke(cx->conn, a->key_id, cx->now_ms);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "key", "no active access key %s", a->key_id);
    return rc == STORE_OK ? 0 : core_store_error(cx, rc, "revoke the key", e);
}

int keys_revoke(core_ctx *cx, const char *key_id, rerr *e)
{
    if (core_allow(cx, CORE_KEYS_REVOKE, NULL, e))
        return -1;
    struct revoke_args a = {key_id};
    return core_write(cx, revoke_key, &a, e);
}
