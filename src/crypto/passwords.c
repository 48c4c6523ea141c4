/* passwords.c — argon2id password hashes and generated passwords. */
#include "crypto/passwords.h"

#include <pthread.h>
#include <sodium.h>
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

char *passwords_hash(const char *password)
{
    unsigned long long t;
    size_t m;
    passwords_params(&t, &m);
    char *out = xmalloc(crypto_pwhash_STRBYTES);
    hash_slot_take();
    int rc = crypto_pwhash_str_alg(out, password, strlen(password), t, m, crypto_pwhash_ALG_ARGON2ID13);
    hash_slot_give();
    if (rc != 0) {
        free(out);
        return NULL;
    }
    return out;
}

int passwords_verify(const char *encoded, const char *password)
{
    return encoded && crypto_pwhash_str_verify(encoded, password, strlen(password)) == 0;
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
