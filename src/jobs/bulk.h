/* bulk.h — batches over a selection of users as durable jobs, one item per user: a bulk edit
 * (kind BULK_EDIT: the same changes for every user), a bulk delete (BULK_DELETE) and per-user
 * edits (USER_EDITS: each user its own identity and phone changes).
 *
 * The documents (bulk_doc.c): the Changes of a bulk edit and each entry of Edits are read by one
 * parser, at submission (from the request) and when the runner reads them back from the job.
 * A job's params_json is {"Changes": <the Changes as validated>, "Names": {"RoutingProfile":
 * name, "SecurityProfiles": {id: name}, "HierarchyGroup": "Sales/West"}} (the names, for the
 * messages and the report); a USER_EDITS item's data_json is {"IdentityInfo": …, "PhoneConfig": …}.
 *
 * Submission (bulk_submit.c) validates everything before it writes: the action (Users.Edit for
 * an edit, Users.Delete for a delete), the documents, the references the changes name, and the
 * selection, resolved once in one read transaction. Then the job is stored RECEIVING, its items
 * in write transactions of BULK_FLUSH_ITEMS, and only then QUEUED: a server killed mid-submission
 * leaves a RECEIVING job that is never run and that the purge removes.
 *
 * Each returns 0, or -1 with *e set: ERR_ACCESS_DENIED, ERR_NOT_FOUND (the instance; a user,
 * routing profile, security profile or hierarchy group named), ERR_INVALID_PARAMETER (a member,
 * named; a selection that matches nobody), ERR_UNAVAILABLE / ERR_INTERNAL (store).
 */
#ifndef ROSTER_JOBS_BULK_H
#define ROSTER_JOBS_BULK_H

#include <jansson.h>
#include <stddef.h>

#include "core/context.h"
#include "core/error.h"
#include "core/search.h"
#include "core/user_list.h"
#include "core/user_rules.h"
#include "model/model.h"
#include "store/store.h"
#include "util/buf.h"

#define BULK_MAX_USERS 1000000  /* users one batch covers */
#define BULK_MAX_EDITS 10000    /* entries of one user-edits request */
#define BULK_TAGS_MAX 50        /* tags a change adds or removes */
#define BULK_FLUSH_ITEMS 2000   /* items stored in one write transaction at submission */

/* ---- documents ---------------------------------------------------------------------------------- */

typedef enum bulk_sp_mode { BULK_SP_NONE, BULK_SP_SET, BULK_SP_ADD_REMOVE } bulk_sp_mode;

/* The Changes of a bulk edit. Strings borrow from the document read; lists are copies. */
typedef struct bulk_changes {
    const char *routing_profile_id;      /* NULL: unchanged */
    bulk_sp_mode sp_mode;
    strlist sp_set, sp_add, sp_remove;   /* ids, duplicates folded */
    int has_phone;                       /* any of the phone members */
    user_phone_in phone;                 /* PhoneType, DeskPhoneNumber, AutoAccept, AfterContactWorkTimeLimit */
    int set_hierarchy;                   /* HierarchyGroupId given (null: out of the hierarchy) */
    const char *hierarchy_group_id;      /* NULL with set_hierarchy: none */
    kvlist tags_add;                     /* added or overwritten */
    strlist tags_remove;                 /* keys removed */
    int set_disabled;                    /* Disabled given: */
    int disabled;                        /* 1 disables the users, 0 enables them */
} bulk_changes;

/* Reads and checks doc (the Changes object): unknown members, types, Set with Add or Remove, an
 * empty change set, ACW and desk number (user_check_channels), tag keys and values
 * (validate_tags), list sizes. References are not looked up here. Returns 0, or -1 with
 * ERR_INVALID_PARAMETER naming the member; the caller clears *out (also on failure). */
int bulk_changes_read(rerr *e, json_t *doc, bulk_changes *out);
void bulk_changes_clear(bulk_changes *c);

/* What one user gets from a bulk edit, computed from the user as it is now. */
typedef struct bulk_user_change {
    int set_profiles;
    strlist profiles;                    /* the user's new set */
    int set_tags;
    kvlist tags;                         /* the user's new tags */
    int has_phone;
    user_phone_in phone;
} bulk_user_change;

/* Computes the change of c for user u with tags (its current tags). Returns 0, or -1 with *e
 * (ERR_INVALID_PARAMETER) giving the reason in words: the change would leave the user with no
 * security profile, or more than USER_PROFILES_MAX; a desk phone without a desk number. The
 * caller clears *out (also on failure); its strings borrow from c and u. */
int bulk_change_compute(const bulk_changes *c, const user_record *u, const kvlist *tags, bulk_user_change *out,
                        rerr *e);
void bulk_user_change_clear(bulk_user_change *u);

/* The change of c in words, for the failure report, e.g. `routing profile "Basic"; security
 * profiles + "Agent"; hierarchy group "Sales/West"; tag team=blue`, names taken from names
 * (params' "Names" object; may be NULL: ids). Appends to out. */
void bulk_changes_describe(const bulk_changes *c, json_t *names, buf *out);

/* One entry of a user-edits request: UserId (when with_id), IdentityInfo, PhoneConfig (at least
 * one of them), unknown members refused; path names it in messages ("Edits[3]"). Strings borrow
 * from doc. Returns 0, or -1 with ERR_INVALID_PARAMETER. */
typedef struct bulk_user_edit {
    const char *user_id;
    json_t *identity_doc, *phone_doc;    /* borrowed; NULL when absent */
    user_identity_in identity;
    user_phone_in phone;
} bulk_user_edit;
int bulk_user_edit_read(rerr *e, json_t *doc, const char *path, int with_id, bulk_user_edit *out);

/* ---- submission ------------------------------------------------------------------------------------ */

/* Explicit user ids; or the console list's filter (list_filter: exactly the users the list shows
 * for it, core/user_list.h); or, when both are NULL, criteria and filter (search trees as
 * SearchUsers takes them; either may be NULL). */
typedef struct bulk_selection {
    const strlist *user_ids;
    const user_list_filter *list_filter;
    const search_node *criteria;
    const search_node *filter;
} bulk_selection;

/* Each submits a job for cx->who and copies it into *out (caller clears). The caller wakes the
 * runner. cx->conn must not be in a transaction. */
int bulk_submit_edit(core_ctx *cx, const char *instance_ref, const bulk_selection *sel, json_t *changes,
                     job_record *out, rerr *e);
int bulk_submit_delete(core_ctx *cx, const char *instance_ref, const bulk_selection *sel, job_record *out, rerr *e);
/* edits: the Edits list (1..BULK_MAX_EDITS entries, each user once). */
int bulk_submit_user_edits(core_ctx *cx, const char *instance_ref, json_t *edits, job_record *out, rerr *e);

#endif
