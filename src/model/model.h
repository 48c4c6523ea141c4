/* model.h — the plain data records that travel between core and store.
 *
 * These are values, not objects: no behaviour, no knowledge of wire formats or SQL.
 * Fixed arrays hold identifiers (UUIDs); variable text is malloc'd and owned by the
 * record, released by the matching *_clear function (safe on a zeroed record).
 */
#ifndef ROSTER_CORE_MODEL_H
#define ROSTER_CORE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define ID_LEN 37            /* a lowercase UUID and its NUL */

/* A string list (permissions, ids). Owns its items. */
typedef struct strlist {
    char **items;
    size_t n;
    size_t cap;
} strlist;

void strlist_push(strlist *l, const char *s);     /* copies s */
int strlist_contains(const strlist *l, const char *s);
/* 1 when a and b hold the same strings, in any order (neither holds one twice). */
int strlist_same_set(const strlist *a, const strlist *b);
void strlist_clear(strlist *l);

/* A key/value map kept as parallel lists, in insertion order (tags). Small by rule: a map read
 * from a request holds at most 50 entries. */
typedef struct kvlist {
    strlist keys;
    strlist values;
} kvlist;

void kvlist_set(kvlist *m, const char *key, const char *value); /* replaces an existing key: O(n) */
void kvlist_add(kvlist *m, const char *key, const char *value); /* key known to be new: O(1) */
void kvlist_clear(kvlist *m);

typedef struct instance {
    char id[ID_LEN];
    char *alias;                 /* NULL when none */
    char idm_type[24];           /* CONNECT_MANAGED | SAML */
    int inbound_calls;
    int outbound_calls;
    char status[24];             /* ACTIVE */
    int64_t created_ms;
} instance;
void instance_clear(instance *i);

/* What every List* operation returns for one resource. */
typedef struct summary {
    char id[ID_LEN];
    char *name;
    int64_t modified_ms;
    char kind[16];               /* queues: STANDARD | AGENT; else "" */
} summary;

typedef struct summary_list {
    summary *items;
    size_t n;
    size_t cap;
} summary_list;
summary *summary_list_add(summary_list *l);  /* returns a zeroed slot */
void summary_list_clear(summary_list *l);

typedef struct security_profile {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *name;
    char *description;
    int builtin;                 /* one of the four profiles every instance starts with */
    int64_t modified_ms;
    strlist permissions;
    kvlist allowed_tags;         /* AllowedAccessControlTags, 0..4 */
    strlist tag_restricted;      /* TagRestrictedResources, 0..10 */
    strlist hierarchy_restricted;/* HierarchyRestrictedResources */
    char allowed_group_id[ID_LEN]; /* AllowedAccessControlHierarchyGroupId, "" when none */
} security_profile;
void security_profile_clear(security_profile *p);

typedef struct hours_slot {
    char day[12];                /* MONDAY … */
    int start_h, start_m, end_h, end_m;
} hours_slot;

typedef struct hours {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *name;
    char *description;           /* NULL when none */
    char *time_zone;
    int64_t modified_ms;
    hours_slot *slots;
    size_t n_slots;
} hours;
void hours_clear(hours *h);

typedef struct queue {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *name;
    char *description;           /* NULL when none */
    char hours_id[ID_LEN];
    int64_t max_contacts;        /* -1 when unset */
    char status[12];             /* ENABLED | DISABLED */
    char queue_type[12];         /* STANDARD | AGENT */
    int64_t modified_ms;
    char *outbound_caller_id_name;      /* OutboundCallerConfig; each NULL when unset */
    char *outbound_caller_id_number_id;
    char *outbound_flow_id;
} queue;
void queue_clear(queue *q);

typedef struct media_concurrency {
    char channel[8];             /* VOICE | CHAT | TASK | EMAIL */
    int concurrency;
    char cross_channel[32];      /* "" when unset */
} media_concurrency;

typedef struct routing_queue {
    char queue_id[ID_LEN];
    char channel[8];
    int priority;
    int delay;
    int manual;                  /* manual-assignment queue (no priority/delay) */
} routing_queue;

typedef struct routing_profile {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *name;
    char *description;
    char default_outbound_queue_id[ID_LEN];
    char agent_availability_timer[32]; /* "" when unset */
    int is_default;
    int64_t modified_ms;
    media_concurrency media[4];
    size_t n_media;
    routing_queue *queues;
    size_t n_queues;
    int64_t n_users;
} routing_profile;
void routing_profile_clear(routing_profile *p);

/* One channel's settings of a user (VOICE, CHAT, TASK or EMAIL). A has_* flag of 0 means the
 * attribute is not set for that channel. The legacy PhoneConfig is the VOICE channel's view. */
typedef struct channel_config {
    char channel[8];
    int has_auto_accept, auto_accept;
    int has_afc_auto_accept, afc_auto_accept;     /* AgentFirstCallbackAutoAccept */
    int has_acw;
    int64_t acw_seconds;                          /* AfterContactWorkTimeLimit, seconds, 0 = unlimited */
    int has_afc_acw;
    int64_t afc_acw_seconds;                      /* AgentFirstCallbackAfterContactWorkConfig */
    char phone_type[12];                          /* SOFT_PHONE | DESK_PHONE | "" */
    char phone_number[20];                        /* E.164 desk phone number or "" */
    int has_persistent, persistent;               /* PersistentConnection */
    char voice_enhancement[20];                   /* VOICE_ISOLATION | NOISE_SUPPRESSION | NONE | "" */
} channel_config;

#define USER_CHANNELS 4

/* A user: every facet the Amazon Connect User shape carries, plus roster's own fields.
 * Strings are malloc'd and may be NULL when unset; user_clear releases them. */
typedef struct user_record {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *username;
    char *first_name;
    char *last_name;
    char *email;
    char *secondary_email;
    char *mobile;
    char *password_hash;         /* argon2id; never leaves the core */
    char *directory_user_id;
    char routing_profile_id[ID_LEN];
    char hierarchy_group_id[ID_LEN]; /* "" when the user sits outside the hierarchy */
    strlist security_profile_ids;    /* 1..10 */
    channel_config channels[USER_CHANNELS]; /* in no particular order: user_channel() finds one */
    size_t n_channels;
    int externally_managed;      /* provisioned by SCIM: read-only elsewhere */
    char *external_id;
    char *scim_attributes;       /* what SCIM keeps beside the fields (JSON text), written by a create
                                  * only; NULL: none (store_user_get does not read it) */
    int disabled;                /* cannot sign in; its access keys and console sessions are refused */
    int password_temporary;      /* set by an admin: the user must choose a new one before anything else */
    int64_t version;             /* +1 on every change */
    int64_t created_ms;
    int64_t modified_ms;
} user_record;
void user_clear(user_record *u);
/* Fills dst with a deep copy of src; the password hash too when with_hash, else it is left NULL
 * (a copy to read from, e.g. on another thread). Release it with user_clear. */
void user_copy(user_record *dst, const user_record *src, int with_hash);
/* The channel's config in u, or NULL. */
channel_config *user_channel(user_record *u, const char *channel);

/* A user as far as authentication needs it. */
typedef struct user_ref {
    char id[ID_LEN];
    char instance_id[ID_LEN];
    char *username;
} user_ref;
void user_ref_clear(user_ref *u);

typedef enum key_kind { KEY_ACCOUNT = 1, KEY_USER = 2 } key_kind;

typedef struct access_key {
    char id[24];                 /* AKRS + 16 base32 characters */
    key_kind kind;
    char instance_id[ID_LEN];    /* user keys */
    char user_id[ID_LEN];        /* user keys */
    char *username;              /* user keys, for listing */
    unsigned char *sealed;       /* the encrypted secret (nonce || ciphertext) */
    size_t sealed_len;
    int64_t created_ms;
    int64_t revoked_ms;          /* 0 when active */
} access_key;
void access_key_clear(access_key *k);

#endif
