/* keys.h — access keys: creation, listing, revocation, and the sealing of their secrets.
 *
 * SigV4 needs the secret itself to verify a signature, so a secret cannot be kept as a hash.
 * Each secret is encrypted (XChaCha20-Poly1305, the key id as associated data) under a
 * 32-byte master key kept in a key file beside the database, mode 0600. A copied database
 * alone reveals no secret.
 */
#ifndef ROSTER_AUTH_KEYS_H
#define ROSTER_AUTH_KEYS_H

#include <stddef.h>

#include "core/context.h"
#include "core/error.h"

typedef struct keyring keyring;

/* The key file that goes with a database path: "<db>.key". Caller frees. */
char *keyring_path_for(const char *db_path);

/* Loads the master key from path; with create != 0 and no file there, makes one (0600).
 * Refuses a file readable by group or others. Returns NULL with a message in err. */
keyring *keyring_load(const char *path, int create, char *err, size_t errlen);
void keyring_free(keyring *kr);

/* Seals secret (a NUL-terminated string) under the master key with ad as associated data
 * (XChaCha20-Poly1305; opening needs the same ad). Returns the malloc'd sealed bytes and their
 * length in *len_out; the caller frees. Never fails. */
unsigned char *keyring_seal(const keyring *kr, const char *ad, const char *secret, size_t *len_out);
/* Opens what keyring_seal made with the same ad. Returns a malloc'd NUL-terminated secret (the
 * caller wipes it with sodium_memzero and frees it), or NULL when it does not open. */
char *keyring_open(const keyring *kr, const char *ad, const unsigned char *sealed, size_t len);

/* Creates an access key. kind KEY_ACCOUNT ignores instance_ref/username; KEY_USER acts as
 * user `username` of instance `instance_ref` (id, ARN or alias). On success returns 0, writes the
 * key id into id_out and a malloc'd secret into *secret_out (caller wipes and frees).
 * Returns -1 with *e set (ERR_NOT_FOUND for an unknown instance or user). */
int keys_create(core_ctx *cx, const keyring *kr, key_kind kind, const char *instance_ref, const char *username,
                char id_out[24], char **secret_out, rerr *e);

/* Decrypts the secret of k. Returns a malloc'd NUL-terminated secret (caller wipes with
 * sodium_memzero and frees), or NULL if the sealed value does not open under this keyring. */
char *keys_open_secret(const keyring *kr, const access_key *k);

/* Marks a key revoked. Returns 0, or -1 with ERR_NOT_FOUND if no active key has that id. */
int keys_revoke(core_ctx *cx, const char *key_id, rerr *e);

#endif
