/* connect_readers.h — the request-body readers of the connect_<area>.c adapters that touch
 * nothing but the JSON document (c->in) and the error (c->err): exposed so that the fuzz
 * harness tests/fuzz/fuzz_connect_json.c can drive them without a store or a server.
 *
 * Each returns 0, or -1 with the error set (ERR_INVALID_PARAMETER naming the member, or
 * ERR_ACCESS_DENIED / ERR_INVALID_REQUEST where noted in its file). Strings read point into the
 * document. Storage a reader allocates is released by its clear function or, for the lists,
 * by free() of *storage / items[k] — also after a failure.
 */
#ifndef ROSTER_API_CONNECT_READERS_H
#define ROSTER_API_CONNECT_READERS_H

#include <jansson.h>

#include "api/api.h"
#include "core/error.h"
#include "core/json_members.h"
#include "core/hierarchy.h"
#include "core/queues.h"
#include "core/routing_profiles.h"
#include "core/search.h"
#include "core/security_profiles.h"
#include "core/users.h"
#include "model/model.h"

/* ---- connect_users.c ---- */

/* The body of CreateUser, read into n (borrowing from the document); the caller frees the
 * storage with create_body_clear. */
typedef struct create_body {
    user_new n;
    user_phone_in phone;
    strlist profiles;
    kvlist tags;
    user_channel_in *items[UCFG__COUNT];
} create_body;

/* read_identity and read_phone: core/json_members.h (the jobs read the same documents). */
/* The per-channel lists of the body. items[k] (malloc'd; free_config frees them) holds items. */
int read_config(rerr *e, json_t *body, user_config_in *cfg, user_channel_in *items[UCFG__COUNT]);
void free_config(user_channel_in *items[UCFG__COUNT]);
int read_create(api_call *c, create_body *b);
void create_body_clear(create_body *b);

/* ---- connect_security.c ---- */

/* The body members of CreateSecurityProfile / UpdateSecurityProfile, read into lists that
 * the caller clears with change_clear. */
typedef struct change_body {
    sp_change ch;
    strlist perms, tag_restricted, hierarchy_restricted;
    kvlist allowed_tags, tags;
} change_body;

int read_change(api_call *c, change_body *b, int create);
void change_clear(change_body *b);

/* ---- connect_hierarchy.c ---- */

/* Reads HierarchyStructure {LevelOne: {Name}, …} into names (NULL: level absent). */
int read_structure(api_call *c, const char *names[HIERARCHY_LEVELS]);
/* Builds the search tree of SearchCriteria and SearchFilter.AttributeFilter under root. */
int read_search(api_call *c, search_node *root);

/* ---- connect_queues.c ---- */

int parse_outbound_caller(api_call *c, queue_create *in);
/* Reads Config (required) into in; *storage (caller frees) holds the entries. */
int parse_config(api_call *c, hours_create *in, hours_slot_in **storage);

/* ---- connect_routing.c ---- */

enum { LIST_CONFIGS, LIST_MANUAL_CONFIGS, LIST_REFERENCES };

/* Reads list member `name` of the body (of kind LIST_*) into *set; *storage (caller frees). */
int parse_queue_list(api_call *c, const char *name, int kind, rp_queue_set *set, rp_queue_in **storage);
/* Reads MediaConcurrencies (required) into *set; *storage (caller frees) holds the items. */
int parse_media(api_call *c, rp_media_set *set, rp_media_in **storage);
/* Builds the search tree of SearchCriteria and SearchFilter.TagFilter under root. */
int search_tree(api_call *c, search_node *root);

/* ---- connect_user_search.c ---- */

/* Reads SearchFilter into filter (an AND root); *present tells whether one was given. */
int read_filter(api_call *c, search_node *filter, int *present);
/* The same from the SearchFilter object f (NULL: none), for the roster API's selections. */
int read_filter_json(rerr *e, json_t *f, search_node *filter, int *present);

#endif
