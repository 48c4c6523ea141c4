/* user_rules.c — the field rules of users (see user_rules.h for each rule and its reasons). */
#include "core/user_rules.h"

#include <stdio.h>
#include <string.h>

#include "core/validate.h"

const char *const user_channel_names[] = {"VOICE", "CHAT", "TASK", "EMAIL", NULL};
static const char *const phone_types[] = {"SOFT_PHONE", "DESK_PHONE", NULL};
static const char *const voice_modes[] = {"VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE", NULL};
static const char *const list_names[UCFG__COUNT] = {"AutoAcceptConfigs", "AfterContactWorkConfigs",
                                                    "PhoneNumberConfigs", "PersistentConnectionConfigs",
                                                    "VoiceEnhancementConfigs"};

const char *user_config_list_name(user_config_kind kind)
{
    return (int)kind >= 0 && kind < UCFG__COUNT ? list_names[kind] : "";
}

static int is_saml(const char *idm_type)
{
    return idm_type && strcmp(idm_type, USER_IDM_SAML) == 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- e-mail shape ---------------------------------------------------------------------------- */

static int local_char_ok(unsigned char c)
{
    return c >= 0x80 || is_alpha((char)c) || is_digit((char)c) || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static int local_ok(const char *s, size_t n)
{
    if (n < 1 || n > 64 || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!local_char_ok((unsigned char)s[i]) || (s[i] == '.' && i + 1 < n && s[i + 1] == '.'))
            return 0;
    return 1;
}

static int label_ok(const char *s, size_t n)
{
    if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c >= 0x80 || is_alpha((char)c) || is_digit((char)c) || c == '-'))
            return 0;
    }
    return 1;
}

/* The top-level label: at least two characters, not all digits. */
static int tld_ok(const char *s, size_t n)
{
    if (n < 2)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 1;
    return 0;
}

static int domain_ok(const char *d)
{
    size_t labels = 0;
    for (;;) {
        const char *dot = strchr(d, '.');
        size_t n = dot ? (size_t)(dot - d) : strlen(d);
        if (!label_ok(d, n))
            return 0;
        labels++;
        if (!dot)
            return labels >= 2 && tld_ok(d, n);
        d = dot + 1;
    }
}

/* 1 if s has the shape local@domain.tld. */
static int email_shaped(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || strchr(at + 1, '@'))
        return 0;
    return local_ok(s, (size_t)(at - s)) && domain_ok(at + 1);
}

/* ---- the checks -------------------------------------------------------------------------------- */

int user_check_username(const char *idm_type, const char *username, rerr *e)
{
    size_t max = is_saml(idm_type) ? USER_USERNAME_MAX_SAML : USER_USERNAME_MAX_MANAGED;
    const char *type = is_saml(idm_type) ? USER_IDM_SAML : USER_IDM_CONNECT_MANAGED;
    if (!username || !*username)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Username", "Username is required");
    size_t n = utf8_count(username);
    if (n > max)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Username",
                        "Username must be 1 to %zu characters long on a %s instance (got %zu)", max, type, n);
    for (const char *p = username; *p; p++)
        if (!is_alpha(*p) && !is_digit(*p) && !strchr("_-.@", *p))
            return rerr_set(e, ERR_INVALID_PARAMETER, "Username",
                            "Username '%.100s' may hold only the letters a-z and A-Z, digits and _ - . @", username);
    if (strchr(username, '@') && !email_shaped(username))
        return rerr_set(e, ERR_INVALID_PARAMETER, "Username",
                        "Username '%.100s' may contain '@' only as an e-mail address (name@example.com)", username);
    return 0;
}

/* The password policy in words: the one sentence user_check_password's refusal and the console's
 * form both show. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define PASSWORD_POLICY                                                                                    \
    STR(USER_PASSWORD_MIN) " to " STR(USER_PASSWORD_MAX) " characters with at least one upper-case letter, " \
                           "one lower-case letter and one digit, and no spaces"

const char *user_password_policy(void)
{
    return "Passwords must be " PASSWORD_POLICY ".";
}

int user_check_password(const char *password, rerr *e)
{
    const char *f = "Password";
    if (!password)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "Password is required");
    size_t n = utf8_count(password);
    int lower = 0, upper = 0, digit = 0, bad = 0;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        lower |= *p >= 'a' && *p <= 'z';
        upper |= *p >= 'A' && *p <= 'Z';
        digit |= is_digit((char)*p);
        bad |= *p <= 0x20 || *p == 0x7f;
    }
    if (n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX || !lower || !upper || !digit || bad)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "Password does not meet the policy: %s", PASSWORD_POLICY);
    return 0;
}

int user_check_email(const char *field, const char *email, rerr *e)
{
    if (!email || !*email)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s is required", field);
    size_t n = utf8_count(email);
    if (n > USER_EMAIL_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be at most %d characters long (got %zu)", field,
                        USER_EMAIL_MAX, n);
    if (!email_shaped(email))
        return rerr_set(e, ERR_INVALID_PARAMETER, field,
                        "%s '%.254s' is not an e-mail address of the form name@example.com", field, email);
    return 0;
}

int user_check_phone(const char *field, const char *number, rerr *e)
{
    int ok = number && number[0] == '+' && number[1] >= '1' && number[1] <= '9';
    size_t digits = 0;
    for (const char *p = ok ? number + 1 : ""; *p && ok; p++, digits++)
        ok = is_digit(*p);
    if (!ok || digits < 2 || digits > 15)
        return rerr_set(e, ERR_INVALID_PARAMETER, field,
                        "%s '%.32s' is not a phone number in E.164 form: '+', a country code and up to 15 digits "
                        "in all (e.g. +15555550123)",
                        field, number ? number : "");
    return 0;
}

/* 1 if s is well-formed UTF-8 without control characters (C0, DEL, C1). */
static int text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t extra = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 9;
        if (extra == 9 || (extra == 0 && (*p < 0x20 || *p == 0x7f)) || (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
            return 0;
        for (size_t i = 1; i <= extra; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += extra + 1;
    }
    return 1;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ')
            return 0;
    return 1;
}

int user_check_name(const char *field, const char *name, size_t max, rerr *e)
{
    if (!name || blank(name))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s is required: every user has a first and a last name",
                        field);
    size_t n = utf8_count(name);
    if (n > max)
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be at most %zu characters long (got %zu)", field,
                        max, n);
    if (!text_ok(name))
        return rerr_set(e, ERR_INVALID_PARAMETER, field, "%s must be UTF-8 text without control characters", field);
    return 0;
}

/* An optional member: NULL (absent) and, on update, "" (clear) pass; else check(field, v). */
static int optional(const char *field, const char *v, int (*check)(const char *, const char *, rerr *), rerr *e)
{
    return v && *v ? check(field, v, e) : 0;
}

int user_check_identity(const char *idm_type, const user_identity_in *id, user_check_mode mode, rerr *e)
{
    int creating = mode != USER_CHECK_UPDATE;
    if ((creating || id->first_name) &&
        user_check_name("IdentityInfo.FirstName", id->first_name, USER_FIRST_NAME_MAX, e))
        return -1;
    if ((creating || id->last_name) && user_check_name("IdentityInfo.LastName", id->last_name, USER_LAST_NAME_MAX, e))
        return -1;
    const char *f = "IdentityInfo.Email";
    if (is_saml(idm_type) && id->email && *id->email)
        return rerr_set(e, ERR_INVALID_PARAMETER, f,
                        "IdentityInfo.Email is not accepted on a SAML instance: the identity provider holds "
                        "the user's address (SecondaryEmail may be set)");
    if (!is_saml(idm_type) && ((mode == USER_CHECK_CREATE && !id->email) || (id->email && !*id->email)))
        return rerr_set(e, ERR_INVALID_PARAMETER, f,
                        "IdentityInfo.Email is required on a CONNECT_MANAGED instance and cannot be cleared");
    return optional(f, id->email, user_check_email, e) ||
                   optional("IdentityInfo.SecondaryEmail", id->secondary_email, user_check_email, e) ||
                   optional("IdentityInfo.Mobile", id->mobile, user_check_phone, e)
               ? -1
               : 0;
}

int user_check_new_password(const char *idm_type, const char *password, user_check_mode mode, rerr *e)
{
    if (is_saml(idm_type))
        return password ? rerr_set(e, ERR_INVALID_PARAMETER, "Password",
                                   "Password is not accepted on a SAML instance: users sign in through the "
                                   "identity provider")
                        : 0;
    if (!password && mode == USER_CHECK_CREATE_OPERATOR)
        return 0;
    if (!password)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Password", "Password is required on a CONNECT_MANAGED instance");
    return user_check_password(password, e);
}

/* ---- channels ------------------------------------------------------------------------------ */

static int check_acw(const char *field, int64_t v, rerr *e)
{
    return validate_range(e, field, v, 0, USER_ACW_MAX);
}

static int check_legacy(const user_phone_in *p, rerr *e)
{
    if (p->phone_type && validate_enum(e, "PhoneConfig.PhoneType", p->phone_type, phone_types))
        return -1;
    if (p->has_acw && check_acw("PhoneConfig.AfterContactWorkTimeLimit", p->acw_seconds, e))
        return -1;
    if (p->desk_phone_number && *p->desk_phone_number &&
        user_check_phone("PhoneConfig.DeskPhoneNumber", p->desk_phone_number, e))
        return -1;
    if (p->phone_type && strcmp(p->phone_type, "DESK_PHONE") == 0 && p->desk_phone_number && !*p->desk_phone_number)
        return rerr_set(e, ERR_INVALID_PARAMETER, "PhoneConfig.DeskPhoneNumber",
                        "PhoneConfig.DeskPhoneNumber is required with PhoneType DESK_PHONE");
    return 0;
}

/* The members one entry of list kind must (and may) carry. path is "List[i]". */
static int check_entry(user_config_kind kind, const user_channel_in *c, const char *path, rerr *e)
{
    char f[160];
    switch (kind) {
    case UCFG_AUTO_ACCEPT:
        snprintf(f, sizeof f, "%s.AutoAccept", path);
        return c->has_auto_accept ? 0 : rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
    case UCFG_ACW:
        snprintf(f, sizeof f, "%s.AfterContactWorkConfig.AfterContactWorkTimeLimit", path);
        if (c->has_acw && check_acw(f, c->acw_seconds, e))
            return -1;
        snprintf(f, sizeof f, "%s.AgentFirstCallbackAfterContactWorkConfig.AfterContactWorkTimeLimit", path);
        return c->has_afc_acw ? check_acw(f, c->afc_acw_seconds, e) : 0;
    case UCFG_PHONE_NUMBER:
        snprintf(f, sizeof f, "%s.PhoneType", path);
        if (!c->phone_type)
            return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
        if (validate_enum(e, f, c->phone_type, phone_types))
            return -1;
        snprintf(f, sizeof f, "%s.PhoneNumber", path);
        if (c->phone_number && *c->phone_number)
            return user_check_phone(f, c->phone_number, e);
        return strcmp(c->phone_type, "DESK_PHONE") == 0
                   ? rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required with PhoneType DESK_PHONE", f)
                   : 0;
    case UCFG_PERSISTENT:
        snprintf(f, sizeof f, "%s.PersistentConnection", path);
        return c->has_persistent ? 0 : rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
    default:
        snprintf(f, sizeof f, "%s.VoiceEnhancementMode", path);
        if (!c->voice_enhancement)
            return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
        return validate_enum(e, f, c->voice_enhancement, voice_modes);
    }
}

static int check_list(user_config_kind kind, const user_channel_in *items, size_t n, rerr *e)
{
    for (size_t i = 0; i < n; i++) {
        char path[64], f[96];
        snprintf(path, sizeof path, "%s[%zu]", list_names[kind], i);
        snprintf(f, sizeof f, "%s.Channel", path);
        if (!items[i].channel)
            return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s is required", f);
        if (validate_enum(e, f, items[i].channel, user_channel_names) || check_entry(kind, &items[i], path, e))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[j].channel, items[i].channel) == 0)
                return rerr_set(e, ERR_INVALID_PARAMETER, f, "%s names the channel %s a second time (see %s[%zu])",
                                path, items[i].channel, list_names[kind], j);
    }
    return 0;
}

/* The index of channel's entry in list kind of cfg, or -1. */
static long find_channel(const user_config_in *cfg, user_config_kind kind, const char *channel)
{
    for (size_t i = 0; i < cfg->n[kind]; i++)
        if (cfg->items[kind][i].channel && strcmp(cfg->items[kind][i].channel, channel) == 0)
            return (long)i;
    return -1;
}

static int conflict(rerr *e, const char *legacy, user_config_kind kind, long i, const char *channel)
{
    char f[96];
    snprintf(f, sizeof f, "%s[%ld]", list_names[kind], i);
    return rerr_set(e, ERR_INVALID_PARAMETER, legacy,
                    "%s and %s both set the %s channel: use one or the other (%s is the legacy form)", legacy, f,
                    channel, legacy);
}

static int check_conflicts(const user_phone_in *p, const user_config_in *cfg, rerr *e)
{
    long i;
    if (p->has_auto_accept && (i = find_channel(cfg, UCFG_AUTO_ACCEPT, "VOICE")) >= 0)
        return conflict(e, "PhoneConfig.AutoAccept", UCFG_AUTO_ACCEPT, i, "VOICE");
    if (p->has_acw && cfg->n[UCFG_ACW] > 0)
        return conflict(e, "PhoneConfig.AfterContactWorkTimeLimit", UCFG_ACW, 0, cfg->items[UCFG_ACW][0].channel);
    if (p->phone_type && (i = find_channel(cfg, UCFG_PHONE_NUMBER, "VOICE")) >= 0)
        return conflict(e, "PhoneConfig.PhoneType", UCFG_PHONE_NUMBER, i, "VOICE");
    if (p->desk_phone_number && (i = find_channel(cfg, UCFG_PHONE_NUMBER, "VOICE")) >= 0)
        return conflict(e, "PhoneConfig.DeskPhoneNumber", UCFG_PHONE_NUMBER, i, "VOICE");
    if (p->has_persistent && (i = find_channel(cfg, UCFG_PERSISTENT, "VOICE")) >= 0)
        return conflict(e, "PhoneConfig.PersistentConnection", UCFG_PERSISTENT, i, "VOICE");
    return 0;
}

int user_check_channels(const user_phone_in *phone, const user_config_in *config, rerr *e)
{
    if (phone && check_legacy(phone, e))
        return -1;
    for (int k = 0; config && k < UCFG__COUNT; k++)
        if (check_list((user_config_kind)k, config->items[k], config->n[k], e))
            return -1;
    return phone && config ? check_conflicts(phone, config, e) : 0;
}

int user_check_channel_state(const user_record *u, rerr *e)
{
    for (size_t i = 0; i < u->n_channels; i++) {
        const channel_config *c = &u->channels[i];
        const char *f = strcmp(c->channel, "VOICE") == 0 ? "PhoneConfig.DeskPhoneNumber" : "PhoneNumberConfigs";
        if (strcmp(c->phone_type, "DESK_PHONE") == 0 && !c->phone_number[0])
            return rerr_set(e, ERR_INVALID_PARAMETER, f,
                            "%s is required: the %s channel uses a DESK_PHONE, which needs a desk phone number in "
                            "E.164 form",
                            f, c->channel);
    }
    return 0;
}

int user_check_security_profile_ids(const strlist *ids, rerr *e)
{
    const char *f = "SecurityProfileIds";
    if (!ids || ids->n < 1 || ids->n > USER_PROFILES_MAX)
        return rerr_set(e, ERR_INVALID_PARAMETER, f, "SecurityProfileIds must name 1 to %d security profiles (got %zu)",
                        USER_PROFILES_MAX, ids ? ids->n : 0);
    for (size_t i = 0; i < ids->n; i++)
        if (validate_id(e, f, ids->items[i], 256))
            return -1;
    return 0;
}

