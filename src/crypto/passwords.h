/* passwords.h — a crypto leaf below core: password hashing (argon2id through libargon2) and generation. */
#ifndef ROSTER_CRYPTO_PASSWORDS_H
#define ROSTER_CRYPTO_PASSWORDS_H

#include <stddef.h>

/* argon2id cost: t passes over m bytes. Defaults t=2, m=19 MiB; ROSTER_ARGON2_T and
 * ROSTER_ARGON2_M_MIB override them. */
void passwords_params(unsigned long long *t, size_t *m);

/* Hashes password into a malloc'd encoded string ("$argon2id$v=19$m=…"). Caller frees.
 * Returns NULL only when the hash cannot be computed (out of memory). */
char *passwords_hash(const char *password);

/* Returns 1 if password matches the encoded hash, 0 otherwise. */
int passwords_verify(const char *encoded, const char *password);

/* Writes a random 20-character password that meets the policy (upper, lower, digit) into out[21]. */
void passwords_generate(char out[21]);

#endif
