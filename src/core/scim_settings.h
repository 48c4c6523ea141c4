/* scim_settings.h — an instance's SCIM settings: what a SCIM create fills in that an identity
 * provider does not send (a routing profile and security profiles), whether admins may still edit
 * the contact-center settings of provisioned users, and whether a SCIM DELETE disables the user
 * instead of deleting it.
 *
 * Unset, the routing profile is the instance's profile named SCIM_DEFAULT_ROUTING_PROFILE and the
 * security profiles the one named SCIM_DEFAULT_SECURITY_PROFILE (looked up at each create, so a
 * profile made later under that name counts); admins edit nothing and DELETE deletes.
 * Reading and writing them needs an account-wide principal (CORE_SCIM_SETTINGS); a SCIM create
 * reads the defaults through scim_settings_defaults (core-internal: the create's own check applies).
 * Functions return 0, or -1 with *e set.
 */
#ifndef ROSTER_CORE_SCIM_SETTINGS_H
#define ROSTER_CORE_SCIM_SETTINGS_H

#include "core/context.h"
#include "core/error.h"

#define SCIM_DEFAULT_ROUTING_PROFILE "Basic Routing Profile"
#define SCIM_DEFAULT_SECURITY_PROFILE "Agent"

typedef struct scim_settings {
    char instance_id[ID_LEN];
    char routing_profile_id[ID_LEN];  /* "" : unset (the default by name) */
    char *routing_profile_name;       /* its name, or NULL when unset */
    strlist security_profile_ids;     /* none: unset */
    strlist security_profile_names;   /* their names, in the same order */
    int admins_edit_settings;
    int delete_disables;
} scim_settings;
void scim_settings_clear(scim_settings *s);

/* The id of instance instance_ref (id, ARN or alias) into id, for an action on its SCIM settings
 * or mappings (CORE_SCIM_SETTINGS). */
int scim_settings_instance(core_ctx *cx, const char *instance_ref, char id[ID_LEN], rerr *e);

/* The settings of instance instance_ref (id, ARN or alias). *out is the caller's to clear. */
int scim_settings_get(core_ctx *cx, const char *instance_ref, scim_settings *out, rerr *e);

/* A change of the settings; NULL / -1 members stay as they are. */
typedef struct scim_settings_in {
    const char *routing_profile;      /* a routing profile's name; "" : back to the default */
    const strlist *security_profiles; /* 0..10 security profiles' names; none: back to the default */
    int admins_edit_settings;         /* 0, 1, or -1 */
    int delete_disables;              /* 0, 1, or -1 */
} scim_settings_in;

/* Changes the settings of instance_ref; ERR_NOT_FOUND names a profile that does not exist
 * (field "RoutingProfile" / "SecurityProfiles"). */
int scim_settings_put(core_ctx *cx, const char *instance_ref, const scim_settings_in *in, rerr *e);

/* For a SCIM create or a recomputation of what group mappings give, inside the caller's write
 * transaction (one statement): the routing profile (rp) and security profiles (*sps, appended)
 * a new user gets, whether DELETE disables, and the instance's identity management type
 * (idm_type, when not NULL). ERR_NOT_FOUND for an unknown instance; ERR_INVALID_REQUEST saying
 * how to set them when the instance has no profile of the default's name. */
int scim_settings_defaults(core_ctx *cx, const char *instance_id, char rp[ID_LEN], strlist *sps, int *delete_disables,
                           char idm_type[24], rerr *e);

#endif
