/* routing_profiles.h — routing profiles: create, rename, change the default outbound queue,
 * the media concurrencies and the queue configs, delete, search, and look-ups.
 *
 * Every rule of the reference lives here once: Name 1..127 unique per instance, Description
 * 1..250, channels VOICE|CHAT|TASK|EMAIL each at most once with VOICE concurrency exactly 1
 * and the others 1..10, at most 10 queue configs per request and 50 per profile, Priority
 * 1..99, Delay 0..9999, queues that exist in the instance and are STANDARD queues.
 *
 * Each writing function runs in one write transaction of its own (checks and writes in it),
 * so no dangling reference can arise under concurrent calls. Each returns 0, or -1 with *e
 * set: ERR_INVALID_PARAMETER naming the offending field, ERR_NOT_FOUND naming the missing
 * profile or queue, ERR_DUPLICATE for a name clash, ERR_IN_USE / ERR_INVALID_REQUEST for a
 * refused delete, ERR_INTERNAL / ERR_UNAVAILABLE for the store. Input strings are borrowed.
 */
#ifndef ROSTER_CORE_ROUTING_PROFILES_H
#define ROSTER_CORE_ROUTING_PROFILES_H

#include "core/context.h"
#include "core/error.h"
#include "core/search.h"

/* The most queue configs (standard and manual-assignment together) one profile holds. */
#define RP_MAX_QUEUE_CONFIGS 50
/* The most queue configs of one kind one request may carry. */
#define RP_MAX_CONFIGS_PER_REQUEST 10

/* One MediaConcurrency as given. */
typedef struct rp_media_in {
    const char *channel;
    int64_t concurrency;
    const char *cross_channel;   /* CrossChannelBehavior.BehaviorType; NULL when not given */
} rp_media_in;

typedef struct rp_media_set {
    const rp_media_in *items;
    size_t n;
    int given;                   /* the member was present (possibly as an empty list) */
} rp_media_set;

/* One queue config or queue reference as given: (queue, channel), with priority and delay
 * for standard queue configs (ignored for manual-assignment configs and references). */
typedef struct rp_queue_in {
    const char *queue_id;
    const char *channel;
    int64_t priority;
    int64_t delay;
} rp_queue_in;

typedef struct rp_queue_set {
    const rp_queue_in *items;
    size_t n;
    int given;
} rp_queue_set;

typedef struct rp_create {
    const char *name;
    const char *description;
    const char *default_outbound_queue_id;
    rp_media_set media;                  /* required */
    rp_queue_set queues;                 /* QueueConfigs, optional */
    rp_queue_set manual;                 /* ManualAssignmentQueueConfigs, optional */
    const char *agent_availability_timer;/* NULL: TIME_SINCE_LAST_ACTIVITY */
    const kvlist *tags;                  /* NULL when none */
} rp_create;

/* Creates a profile in instance_id and writes its id into id_out. */
int routing_profiles_create(core_ctx *cx, const char *instance_id, const rp_create *in, char id_out[ID_LEN],
                            rerr *e);

/* Sets the name and/or the description (at least one non-NULL). */
int routing_profiles_update_name(core_ctx *cx, const char *instance_id, const char *id, const char *name,
                                 const char *description, rerr *e);

int routing_profiles_update_outbound_queue(core_ctx *cx, const char *instance_id, const char *id,
                                           const char *queue_id, rerr *e);

/* Replaces the media concurrencies. */
int routing_profiles_update_concurrency(core_ctx *cx, const char *instance_id, const char *id,
                                        const rp_media_set *media, rerr *e);

/* Changes priority and delay of queue configs the profile already has. */
int routing_profiles_update_queues(core_ctx *cx, const char *instance_id, const char *id,
                                   const rp_queue_set *queues, rerr *e);

/* Adds queue configs and/or manual-assignment queue configs (at least one entry in all). */
int routing_profiles_associate(core_ctx *cx, const char *instance_id, const char *id, const rp_queue_set *queues,
                               const rp_queue_set *manual, rerr *e);

/* Removes queue references and/or manual-assignment queue references (at least one). */
int routing_profiles_disassociate(core_ctx *cx, const char *instance_id, const char *id,
                                  const rp_queue_set *queues, const rp_queue_set *manual, rerr *e);

/* Deletes a profile no user holds; the instance's default profile cannot be deleted. */
int routing_profiles_delete(core_ctx *cx, const char *instance_id, const char *id, rerr *e);

/* One queue config as ListRoutingProfileQueues shows it. */
typedef struct rp_queue_row {
    routing_queue q;
    char *queue_name;            /* owned */
} rp_queue_row;

typedef struct rp_queue_page {
    rp_queue_row *items;
    size_t n;
    char *next;                  /* malloc'd token, NULL on the last page */
    int64_t modified_ms;         /* the profile's */
} rp_queue_page;
void rp_queue_page_clear(rp_queue_page *p);

/* One page of the profile's standard queue configs ordered by (queue name, queue id,
 * channel). Runs inside the caller's (read) transaction. *out is the caller's to clear. */
int routing_profiles_list_queues(core_ctx *cx, const char *instance_id, const char *id, const char *token,
                                 size_t limit, rp_queue_page *out, rerr *e);

typedef struct rp_search_page {
    routing_profile *items;      /* owned records, in (name, id) order */
    kvlist *tags;                /* tags[i] of items[i] */
    size_t n;
    int64_t total;               /* every match, across pages */
    char *next;                  /* malloc'd token, NULL on the last page */
} rp_search_page;
void rp_search_page_clear(rp_search_page *p);

/* The profiles of the instance matching root (an AND node of criteria and tag filter) in
 * (name, id) order, one page of at most limit after token. String fields: name, description,
 * resourceID (or resourceId), associatedQueueIds (matches when any standard queue config's
 * queue id does). Runs inside the caller's (read) transaction, for one consistent snapshot.
 * *out is the caller's to clear. */
int routing_profiles_search(core_ctx *cx, const char *instance_id, const search_node *root, const char *token,
                            size_t limit, rp_search_page *out, rerr *e);

/* The profile of the instance called name (exact), children included; ERR_NOT_FOUND naming
 * it when there is none, ERR_INVALID_PARAMETER (field "RoutingProfile") for an empty name.
 * Runs inside the caller's transaction (the CSV importer's, for one). *out is the caller's to
 * clear. */
int routing_profile_by_name(core_ctx *cx, const char *instance_id, const char *name, routing_profile *out,
                            rerr *e);

/* Writes the id of the instance's default routing profile into id_out (ERR_NOT_FOUND if none).
 * Runs inside the caller's transaction. */
int routing_profiles_default(core_ctx *cx, const char *instance_id, char id_out[ID_LEN], rerr *e);

#endif
