/* store_security.h — writing security profiles, removing tags and checking that a tagged
 * resource exists (part of store.h; see its contract). Include store/store.h, never this
 * file alone. */
#ifndef ROSTER_STORE_STORE_SECURITY_H
#define ROSTER_STORE_STORE_SECURITY_H

/* Replaces description, permissions, access-control lists and group of profile p->id. */
int store_security_profile_update(store_conn *c, const security_profile *p);
int store_security_profile_delete(store_conn *c, const char *instance_id, const char *id);
/* How many users hold profile id, and the smallest such user id ("" when none). */
int store_security_profile_holders(store_conn *c, const char *id, int64_t *count, char user_id[ID_LEN]);
/* Every profile of the instance ordered by (name, id), without permissions or lists.
 * *out is malloc'd: clear each record, then free the array. */
int store_security_profile_all(store_conn *c, const char *instance_id, security_profile **out, size_t *n);

int store_tags_remove(store_conn *c, const char *resource_id, const strlist *keys);

typedef enum store_resource {
    STORE_RES_INSTANCE,
    STORE_RES_USER,
    STORE_RES_ROUTING_PROFILE,
    STORE_RES_SECURITY_PROFILE,
    STORE_RES_HIERARCHY_GROUP,
    STORE_RES_QUEUE,
    STORE_RES_AGENT_QUEUE,
    STORE_RES_HOURS,
} store_resource;

/* STORE_OK if the resource of that kind exists in the instance, else STORE_NOTFOUND. */
int store_resource_exists(store_conn *c, store_resource kind, const char *instance_id, const char *id);

#endif
