/* user_cache.h — DescribeUser's rendered documents, kept by (instance, user, version).
 *
 * Describing a user reads four tables and builds some fifty JSON values; its answer changes only
 * when the user's version does (every user write, and tag changes, raise it). So a request that
 * finds the version it just read in the cache sends the stored document. The version is read
 * from the store on every request, so a change made by any process is seen at once.
 * Thread-safe; bounded (USER_CACHE_SLOTS documents, direct-mapped by user id).
 */
#ifndef ROSTER_API_USER_CACHE_H
#define ROSTER_API_USER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define USER_CACHE_SLOTS 4096

/* A malloc'd copy of the document for that version (caller frees), or NULL. */
char *user_cache_get(const char *instance_id, const char *user_id, int64_t version, size_t *len);

/* Stores a copy of the document for that version, replacing what the slot held. */
void user_cache_put(const char *instance_id, const char *user_id, int64_t version, const char *doc, size_t len);

/* Frees every stored document (at shutdown). */
void user_cache_clear(void);

#endif
