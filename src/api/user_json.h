/* user_json.h — the response shapes of a user's identity and phone settings, shared by
 * DescribeUser, SearchUsers and the console's user page. acw_scale multiplies after-contact-work limits: 1 gives seconds (DescribeUser),
 * 1000 milliseconds (SearchUsers, as the service reports them there). */
#ifndef ROSTER_API_USER_JSON_H
#define ROSTER_API_USER_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "model/model.h"

/* IdentityInfo: FirstName and LastName, then Email, SecondaryEmail and Mobile when set. New
 * reference. */
json_t *user_identity_json(const user_record *u);

/* The legacy PhoneConfig: the VOICE channel's view. New reference. */
json_t *user_phone_json(user_record *u, int64_t acw_scale);

/* Adds the five per-channel lists of u to o, channels in canonical order. */
void user_config_json(json_t *o, user_record *u, int64_t acw_scale);

#endif
