/* store_routing.h — writing routing profiles, queues and hours of operation in the store
 * (part of store.h; see its contract for the return codes and ownership).
 * Include store/store.h, never this file alone.
 *
 * The writes are meant to run inside the caller's write transaction (store_begin(c, 1)),
 * after the core has checked what they reference; foreign keys are a second guard
 * (STORE_FOREIGN). Profile ids are unique across instances, so the calls that take only a
 * profile id act on the profile the caller has already read within its instance.
 */
#ifndef ROSTER_STORE_STORE_ROUTING_H
#define ROSTER_STORE_STORE_ROUTING_H

/* The routing profile of instance_id called name (byte-exact), children included. */
int store_routing_profile_by_name(store_conn *c, const char *instance_id, const char *name, routing_profile *out);

/* Writes into id_out the id of the instance's default routing profile; STORE_NOTFOUND if none. */
int store_routing_profile_default(store_conn *c, const char *instance_id, char id_out[ID_LEN]);

/* Rewrites the scalar columns of p (name, description, default outbound queue, agent
 * availability timer, modified_ms) for the profile p->id of p->instance_id. STORE_NOTFOUND if
 * there is no such profile; STORE_UNIQUE if the name is taken in the instance. */
int store_routing_profile_update(store_conn *c, const routing_profile *p);

/* Replaces the media concurrencies of a profile with m[0..n). */
int store_routing_profile_set_media(store_conn *c, const char *profile_id, const media_concurrency *m, size_t n);

/* Adds one queue config (q->manual selects the manual-assignment list). STORE_UNIQUE if the
 * profile already has that (queue, channel) in that list. */
int store_routing_profile_queue_add(store_conn *c, const char *profile_id, const routing_queue *q);

/* Sets priority and delay of an existing (non-manual) queue config; STORE_NOTFOUND if the
 * profile has no such (queue, channel). */
int store_routing_profile_queue_set(store_conn *c, const char *profile_id, const routing_queue *q);

/* Removes one queue config of the list selected by manual; STORE_NOTFOUND if absent. */
int store_routing_profile_queue_remove(store_conn *c, const char *profile_id, const char *queue_id,
                                       const char *channel, int manual);

/* How many users hold the profile; when any, writes one of their ids (the smallest) into
 * user_id, else "". */
int store_routing_profile_users(store_conn *c, const char *profile_id, int64_t *count, char user_id[ID_LEN]);

/* Deletes a profile with its media, queue configs and tags. STORE_NOTFOUND if absent;
 * STORE_FOREIGN if a user still holds it. */
int store_routing_profile_delete(store_conn *c, const char *instance_id, const char *id);

/* Every routing profile of an instance with its children (tags excluded), ordered by id.
 * *out is a malloc'd array of *n records: the caller clears each record and frees the array,
 * on failure too. */
int store_routing_profile_all(store_conn *c, const char *instance_id, routing_profile **out, size_t *n);

#endif
