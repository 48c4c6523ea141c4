/* argon2_time.c — bench helper (not part of roster's build; bench/users and bench/import compile
 * it into their temp dir): times one argon2id password hash exactly as roster makes it
 * (src/crypto/passwords.c) — libargon2's argon2id_hash_encoded with a 16-byte salt from libsodium,
 * a 32-byte hash, one lane, t = ROSTER_ARGON2_T (default 2) and m = ROSTER_ARGON2_M_MIB MiB
 * (default 19), read with the same bounds as roster. For comparison it also times libsodium's
 * crypto_pwhash_str_alg with the same parameters (what roster used before).
 *
 * usage: argon2_time [COUNT]   (default 5 timed hashes of each kind after one untimed warm-up)
 * Prints: ARGON2 t=2 m_mib=19 count=5 median_ms=… min_ms=… max_ms=…
 *         SODIUM t=2 m_mib=19 count=5 median_ms=… min_ms=… max_ms=…
 */
#include <argon2.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The environment value of name when it is a whole number within [lo, hi], else def. */
static long env_num(const char *name, long lo, long hi, long def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    char *end;
    long v = strtol(s, &end, 10);
    return *end == '\0' && v >= lo && v <= hi ? v : def;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 5;
    if (count < 1 || count > 1000 || sodium_init() < 0) {
        fprintf(stderr, "usage: argon2_time [COUNT 1..1000]\n");
        return 2;
    }
    unsigned long long t = (unsigned long long)env_num("ROSTER_ARGON2_T", 1, 10, 2);
    size_t m_mib = (size_t)env_num("ROSTER_ARGON2_M_MIB", 1, 4096, 19);
    static const char password[] = "Bench-Passw0rd";
    char out[crypto_pwhash_STRBYTES];
    double *ms = calloc((size_t)count, sizeof *ms);
    if (!ms)
        return 1;
    for (int kind = 0; kind < 2; kind++) { /* 0: as roster hashes, 1: libsodium */
        for (long i = -1; i < count; i++) { /* i == -1: warm-up */
            unsigned char salt[16];
            randombytes_buf(salt, sizeof salt);
            double t0 = now_ms();
            int failed = kind == 0 ? argon2id_hash_encoded((uint32_t)t, (uint32_t)(m_mib << 10), 1, password,
                                                           strlen(password), salt, sizeof salt, 32, out, sizeof out) != ARGON2_OK
                                   : crypto_pwhash_str_alg(out, password, strlen(password), t, m_mib << 20,
                                                           crypto_pwhash_ALG_ARGON2ID13) != 0;
            if (failed) {
                fprintf(stderr, "argon2_time: hashing failed (out of memory?)\n");
                return 1;
            }
            if (i >= 0)
                ms[i] = now_ms() - t0;
        }
        qsort(ms, (size_t)count, sizeof *ms, cmp_double);
        printf("%s t=%llu m_mib=%zu count=%ld median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", kind == 0 ? "ARGON2" : "SODIUM",
               t, m_mib, count, ms[count / 2], ms[0], ms[count - 1]);
    }
    free(ms);
    return 0;
}
