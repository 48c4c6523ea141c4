/* user_rules.h — the rules of a user's fields, written once for every door: the Connect API,
 * the CSV importer, bulk edit, SCIM and the console all call these functions (through
 * core/users.h or directly, e.g. to check a CSV row before queueing it).
 *
 * They are pure: no store, no principal. Each returns 0 when the value is acceptable, or -1
 * with *e set (ERR_INVALID_PARAMETER naming the offending field, unless stated otherwise).
 * Messages never quote a password.
 *
 * Decisions where the Amazon Connect reference is silent (also in the README):
 * - Usernames, both identity types: letters a-z A-Z, digits and _ - . @, with '@' only in an
 *   e-mail-shaped name (name@example.com). CONNECT_MANAGED: 1..20 characters; SAML: 1..64.
 * - Names: first name 1..255, last name 1..300 characters (code points), well-formed UTF-8, no
 *   control characters, not blank.
 * - E-mail: local@domain.tld, at most 254 characters; local part 1..64 of letters, digits,
 *   non-ASCII and !#$%&'*+/=?^_`{|}~.- without a leading, trailing or doubled dot; a domain of at
 *   least two dot-separated labels of letters, digits, non-ASCII and inner hyphens, the last one
 *   at least two characters and not all digits. No spaces anywhere.
 * - Passwords: 8..64 characters with an ASCII lower-case letter, an upper-case letter and a
 *   digit; no whitespace or control characters (the model's pattern; \S admits any other).
 * - Phone numbers: E.164, ^\+[1-9][0-9]{1,14}$.
 * - Channel settings: each per-channel list names a channel at most once; a legacy PhoneConfig
 *   member and its per-channel replacement are refused together for the same channel. The
 *   legacy AfterContactWorkTimeLimit applies to every channel, so it conflicts with any
 *   AfterContactWorkConfigs entry; the other legacy members are the VOICE channel's.
 */
#ifndef ROSTER_CORE_USER_RULES_H
#define ROSTER_CORE_USER_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/model.h"

#define USER_IDM_SAML "SAML"
#define USER_IDM_CONNECT_MANAGED "CONNECT_MANAGED"
#define USER_USERNAME_MAX_MANAGED 20
#define USER_USERNAME_MAX_SAML 64
#define USER_PASSWORD_MIN 8
#define USER_PASSWORD_MAX 64
#define USER_FIRST_NAME_MAX 255
#define USER_LAST_NAME_MAX 300
#define USER_EMAIL_MAX 254
#define USER_ACW_MAX 2000000
#define USER_PROFILES_MAX 10

/* The channels of a user in their canonical order, NULL-terminated (static). */
extern const char *const user_channel_names[];

int user_check_username(const char *idm_type, const char *username, rerr *e);
int user_check_password(const char *password, rerr *e);
/* The CONNECT_MANAGED password rule user_check_password applies, as one sentence for a form
 * ("Passwords must be 8 to 64 characters with …"). Static. */
const char *user_password_policy(void);
/* field names the member for messages ("IdentityInfo.Email"). */
int user_check_email(const char *field, const char *email, rerr *e);
int user_check_phone(const char *field, const char *number, rerr *e);
/* A first or last name: 1..max characters, not blank, no control characters. */
int user_check_name(const char *field, const char *name, size_t max, rerr *e);

/* UserIdentityInfo as given: NULL means absent; on an update "" clears an optional member. */
typedef struct user_identity_in {
    const char *first_name;
    const char *last_name;
    const char *email;
    const char *secondary_email;
    const char *mobile;
} user_identity_in;

typedef enum user_check_mode {
    USER_CHECK_UPDATE,           /* absent members stay; names and Email cannot be cleared */
    USER_CHECK_CREATE,           /* names required; CONNECT_MANAGED also needs Email */
    USER_CHECK_CREATE_OPERATOR,  /* `roster users add`: like CREATE, but Email is optional */
} user_check_mode;

/* The identity rules by identity management type: names as user_check_name; CONNECT_MANAGED
 * needs an Email (when creating); SAML refuses Email. */
int user_check_identity(const char *idm_type, const user_identity_in *id, user_check_mode mode, rerr *e);

/* Whether a password may or must accompany a new user: SAML refuses one; CONNECT_MANAGED
 * needs one meeting the policy (optional for USER_CHECK_CREATE_OPERATOR). */
int user_check_new_password(const char *idm_type, const char *password, user_check_mode mode, rerr *e);

/* The legacy UserPhoneConfig as given (the VOICE channel's view, except that
 * AfterContactWorkTimeLimit applies to every channel). NULL / has_* 0 mean absent. */
typedef struct user_phone_in {
    const char *phone_type;          /* SOFT_PHONE | DESK_PHONE */
    int has_auto_accept, auto_accept;
    int has_acw;
    int64_t acw_seconds;
    const char *desk_phone_number;   /* "" clears it */
    int has_persistent, persistent;
} user_phone_in;

/* One entry of a per-channel list. Which members count depends on the list. */
typedef struct user_channel_in {
    const char *channel;             /* VOICE | CHAT | TASK | EMAIL */
    int has_auto_accept, auto_accept;            /* AutoAcceptConfigs */
    int has_afc_auto_accept, afc_auto_accept;
    int has_acw;                                 /* AfterContactWorkConfigs */
    int64_t acw_seconds;
    int has_afc_acw;
    int64_t afc_acw_seconds;
    const char *phone_type;                      /* PhoneNumberConfigs */
    const char *phone_number;
    int has_persistent, persistent;              /* PersistentConnectionConfigs */
    const char *voice_enhancement;               /* VoiceEnhancementConfigs */
} user_channel_in;

typedef enum user_config_kind {
    UCFG_AUTO_ACCEPT,
    UCFG_ACW,
    UCFG_PHONE_NUMBER,
    UCFG_PERSISTENT,
    UCFG_VOICE_ENHANCEMENT,
    UCFG__COUNT
} user_config_kind;

/* The wire name of a per-channel list ("AutoAcceptConfigs" …). Static. */
const char *user_config_list_name(user_config_kind kind);

/* The per-channel lists as given (n[k] == 0: absent or empty, which changes nothing). */
typedef struct user_config_in {
    const user_channel_in *items[UCFG__COUNT];
    size_t n[UCFG__COUNT];
} user_config_in;

/* Checks the legacy phone config and the per-channel lists of one request (either may be
 * NULL): enums, ranges (ACW 0..2,000,000 s), E.164 numbers, one entry per channel and list,
 * and no legacy member together with its replacement for the same channel. */
int user_check_channels(const user_phone_in *phone, const user_config_in *config, rerr *e);

/* The state a user's channels must end in: a DESK_PHONE channel has a desk phone number. */
int user_check_channel_state(const user_record *u, rerr *e);

/* 1..10 security profile ids, each 1..256 characters. */
int user_check_security_profile_ids(const strlist *ids, rerr *e);

/* The one refusal of a change to an externally managed user, from every door (the Connect API,
 * CSV upserts, bulk edits, the console). */
#define USER_MANAGED_MESSAGE "user is managed by the identity provider"


#endif
