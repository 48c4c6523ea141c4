/* passwords.c — argon2id password hashes and generated passwords.
 *
 * Hashes are made and checked by libargon2, the reference implementation, in the standard encoded
 * form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash", the form libsodium's crypto_pwhash_str also
 * writes and reads, so hashes made by earlier versions verify unchanged). libsodium mapped and
 * unmapped a fresh 19 MiB region for every hash; where a page fault is costly (a virtual machine
 * that shadows the guest's page tables), faulting it in doubled the time of a hash and kept two
 * threads from hashing faster than one. libargon2 takes its memory from malloc, which hands the
 * same pages back hash after hash once the first one is freed. The salt comes from libsodium's
 * CSPRNG; libargon2 wipes its memory before freeing it. */
#include "crypto/passwords.h"

#include <argon2.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/num.h"

void passwords_params(unsigned long long *t, size_t *m)
{
    int64_t v;
    *t = 2;
    *m = (size_t)19 << 20;
    if (parse_int64(getenv("ROSTER_ARGON2_T"), 1, 10, &v) == 0)
        *t = (unsigned long long)v;
    if (parse_int64(getenv("ROSTER_ARGON2_M_MIB"), 1, 4096, &v) == 0)
        *m = (size_t)v << 20;
}

/* At most one hash per core at a time: each takes 19 MiB and is memory-bound, so running more
 * at once only makes them evict each other from the caches and slows every one of them. */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_free = PTHREAD_COND_INITIALIZER;
static long hashing;

static void hash_slot_take(void)
{
    static long cores;
    pthread_mutex_lock(&hash_lock);
    if (!cores)
        cores = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
    while (hashing >= cores)
        pthread_cond_wait(&hash_free, &hash_lock);
    hashing++;
    pthread_mutex_unlock(&hash_lock);
}

static void hash_slot_give(void)
{
    pthread_mutex_lock(&hash_lock);
    hashing--;
    pthread_cond_signal(&hash_free);
    pthread_mutex_unlock(&hash_lock);
}

enum { SALT_BYTES = 16, HASH_BYTES = 32 }; /* as crypto_pwhash_str writes them */

char *passwords_hash(const char *password)
{
    unsigned long long t;
    size_t m;
    passwords_params(&t, &m);
    uint32_t t_cost = (uint32_t)t, m_kib = (uint32_t)(m >> 10);
    unsigned char salt[SALT_BYTES];
    randombytes_buf(salt, sizeof salt);
    size_t len = argon2_encodedlen(t_cost, m_kib, 1, SALT_BYTES, HASH_BYTES, Argon2_id) + 1;
    char *out = xmalloc(len);
    hash_slot_take();
    int rc = argon2id_hash_encoded(t_cost, m_kib, 1, password, strlen(password), salt, sizeof salt, HASH_BYTES, out,
                                   len);
    hash_slot_give();
    if (rc != ARGON2_OK) {
        free(out);
        return NULL;
    }
    return out;
}

int passwords_verify(const char *encoded, const char *password)
{
    if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0)
        return 0;
    hash_slot_take();
    int rc = argon2id_verify(encoded, password, strlen(password));
    hash_slot_give();
    return rc == ARGON2_OK;
}

void passwords_generate(char out[21])
{
    static const char upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static const char lower[] = "abcdefghijkmnopqrstuvwxyz";
    static const char digit[] = "23456789";
    static const char all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    for (int i = 0; i < 20; i++)
        out[i] = all[randombytes_uniform(sizeof all - 1)];
    /* Guarantee one of each class at distinct random positions. */
    int a = (int)randombytes_uniform(20), b, c;
    do
        b = (int)randombytes_uniform(20);
    while (b == a);
    do
        c = (int)randombytes_uniform(20);
    while (c == a || c == b);
    out[a] = upper[randombytes_uniform(sizeof upper - 1)];
    out[b] = lower[randombytes_uniform(sizeof lower - 1)];
    out[c] = digit[randombytes_uniform(sizeof digit - 1)];
    out[20] = '\0';
}
