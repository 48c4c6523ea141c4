/* test_users.c — the user rules (user_rules.c) and the users core (users.c) on a real SQLite
 * store: usernames, passwords, e-mails, phone numbers, identity by identity-management type,
 * channel settings and their conflicts; create/read/list/update/delete with the AGENT queue,
 * look-alike names, references within the instance, permissions and the grant rule, the
 * externally-managed lock, atomic _tx variants, the audit trail, and that the hash stays inside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/passwords.h"
#include "core/hierarchy.h"
#include "core/instances.h"
#include "core/security_profiles.h"
#include "core/user_rules.h"
#include "core/users.h"
#include "core/write.h"
#include "util/buf.h"
#include "util/ids.h"
#include "support.h"

#define PASSWORD "Passw0rd!x"

typedef struct fixture {
    test_store ts;
    settings cfg;
    core_ctx cx;
    instance cm, saml;
    instance_defaults cm_defs, saml_defs;
} fixture;

static int make_instance(fixture *f, const char *type, instance *in, instance_defaults *defs)
{
    instance_create req = {.idm_type = type, .inbound_calls = 1, .outbound_calls = 1};
    int created;
    rerr e;
    return instances_create(&f->cx, &req, in, defs, &created, &e);
}

static int setup(void **state)
{
    setenv("ROSTER_ARGON2_T", "1", 1);
    setenv("ROSTER_ARGON2_M_MIB", "1", 1);
    fixture *f = calloc(1, sizeof *f);
    if (!test_store_open(&f->ts))
        return -1;
    test_settings(&f->cfg);
    f->cx = (core_ctx){.conn = store_conn_get(f->ts.st), .cfg = &f->cfg, .now_ms = now_ms()};
    if (make_instance(f, "CONNECT_MANAGED", &f->cm, &f->cm_defs) || make_instance(f, "SAML", &f->saml, &f->saml_defs))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    instance_clear(&f->cm);
    instance_clear(&f->saml);
    store_conn_put(f->cx.conn);
    int rc = test_store_remove(&f->ts);
    free(f);
    return rc;
}

/* Asserts that rc is -1 with code and, when given, that the field and message contain parts. */
static void expect_err(int rc, const rerr *e, err_code code, const char *field, const char *part)
{
    assert_int_equal(rc, -1);
    assert_int_equal(e->code, code);
    if (field)
        assert_string_equal(e->field, field);
    if (part && !strstr(e->message, part))
        fail_msg("message '%s' lacks '%s'", e->message, part);
}

/* ---- the rules -------------------------------------------------------------------------------- */

static void usernames(void **state)
{
    (void)state;
    rerr e;
    assert_int_equal(user_check_username("CONNECT_MANAGED", "abcdefghij0123456789", &e), 0);
    expect_err(user_check_username("CONNECT_MANAGED", "abcdefghij0123456789x", &e), &e, ERR_INVALID_PARAMETER,
               "Username", "20");
    char s64[65];
    memset(s64, 's', 64);
    s64[64] = '\0';
    assert_int_equal(user_check_username("SAML", s64, &e), 0);
    expect_err(user_check_username("SAML", "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", &e),
               &e, ERR_INVALID_PARAMETER, "Username", "64");
    const char *good[] = {"a", "A.b_c-d", "testuser@example.com", "x@mail.example.org", "0"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(user_check_username("SAML", good[i], &e), 0);
    const char *bad[] = {"", "with space", "semi;colon", "émile", "testuser@example", "@example.com", "a@b@c.com",
                         "a@.example.com", "a@example..com", "a@example.1", "tab\tx", "quote\"x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_err(user_check_username("SAML", bad[i], &e), &e, ERR_INVALID_PARAMETER, "Username", NULL);
    expect_err(user_check_username("SAML", NULL, &e), &e, ERR_INVALID_PARAMETER, "Username", "required");
    assert_int_equal(user_check_username("CONNECT_MANAGED", "a@example.com", &e), 0);
    expect_err(user_check_username("CONNECT_MANAGED", "a@example", &e), &e, ERR_INVALID_PARAMETER, NULL, "@");
}

static void passwords(void **state)
{
    (void)state;
    rerr e;
    const char *good[] = {PASSWORD, "Pass@Word1", "aB3aaaaa", "Aa1" "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(user_check_password(good[i], &e), 0);
    const char *bad[] = {"aB3aaaa", "alllower1", "ALLUPPER1", "NoDigitsAtAll", "Has space1", "Tab\t1aaaa", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_err(user_check_password(bad[i], &e), &e, ERR_INVALID_PARAMETER, "Password", "policy");
        if (*bad[i])
            assert_null(strstr(e.message, bad[i]));
    }
    char long_pw[70];
    memset(long_pw, 'a', sizeof long_pw);
    memcpy(long_pw, "A1", 2);
    long_pw[64] = '\0';
    assert_int_equal(user_check_password(long_pw, &e), 0);
    long_pw[64] = 'a';
    long_pw[65] = '\0';
    expect_err(user_check_password(long_pw, &e), &e, ERR_INVALID_PARAMETER, "Password", NULL);
    /* By identity type. */
    expect_err(user_check_new_password("SAML", PASSWORD, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "Password", "SAML");
    assert_int_equal(user_check_new_password("SAML", NULL, USER_CHECK_CREATE, &e), 0);
    expect_err(user_check_new_password("CONNECT_MANAGED", NULL, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "Password", "required");
    assert_int_equal(user_check_new_password("CONNECT_MANAGED", NULL, USER_CHECK_CREATE_OPERATOR, &e), 0);
    expect_err(user_check_new_password("CONNECT_MANAGED", "weak", USER_CHECK_CREATE_OPERATOR, &e), &e,
               ERR_INVALID_PARAMETER, "Password", NULL);
}

static void emails_and_phones(void **state)
{
    (void)state;
    rerr e;
    const char *good[] = {"a@example.com", "o'hara+tag@mail.example.co.uk", "x_y.z@sub-domain.example.io",
                          "j\xc3\xbcrgen@b\xc3\xbc" "cher.de", "a@xn--bcher-kva.example"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(user_check_email("Email", good[i], &e), 0);
    const char *bad[] = {"", "plain", "a@b", "a@b.c", "a b@example.com", "a@exa mple.com", ".a@example.com",
                         "a.@example.com", "a..b@example.com", "a@-example.com", "a@example-.com", "a@example.123",
                         "a@@example.com", "a@example..com", "(a)@example.com"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_err(user_check_email("IdentityInfo.Email", bad[i], &e), &e, ERR_INVALID_PARAMETER,
                   "IdentityInfo.Email", NULL);
    /* local@a.b.c.com built to a given length: 64-character local part, 61..63-character labels. */
    char mail[300];
    size_t n = 0;
    memset(mail, 'a', 64);
    n = 64;
    mail[n++] = '@';
    const size_t labels[] = {61, 61, 61};
    for (size_t i = 0; i < 3; i++) {
        memset(mail + n, 'x', labels[i]);
        n += labels[i];
        mail[n++] = '.';
    }
    memcpy(mail + n, "com", 4); /* 254 characters */
    assert_int_equal(strlen(mail), 254);
    assert_int_equal(user_check_email("Email", mail, &e), 0);
    memmove(mail + 66, mail + 65, strlen(mail + 65) + 1); /* one more x in the first label: 255 */
    expect_err(user_check_email("Email", mail, &e), &e, ERR_INVALID_PARAMETER, NULL, "254");
    memset(mail, 'a', 65);
    memcpy(mail + 65, "@example.com", 13); /* a 65-character local part */
    expect_err(user_check_email("Email", mail, &e), &e, ERR_INVALID_PARAMETER, NULL, NULL);

    const char *phones[] = {"+12", "+15555550123", "+123456789012345"};
    for (size_t i = 0; i < sizeof phones / sizeof *phones; i++)
        assert_int_equal(user_check_phone("Mobile", phones[i], &e), 0);
    const char *bad_phones[] = {"", "+", "+1", "+0123", "15555550123", "+1234567890123456", "+1 555", "+1-555",
                                "++15555550123"};
    for (size_t i = 0; i < sizeof bad_phones / sizeof *bad_phones; i++)
        expect_err(user_check_phone("IdentityInfo.Mobile", bad_phones[i], &e), &e, ERR_INVALID_PARAMETER,
                   "IdentityInfo.Mobile", "E.164");
}

static void identities(void **state)
{
    (void)state;
    rerr e;
    user_identity_in id = {.first_name = "Ada", .last_name = "Lovelace", .email = "ada@example.com"};
    assert_int_equal(user_check_identity("CONNECT_MANAGED", &id, USER_CHECK_CREATE, &e), 0);
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.Email", "SAML");
    id.email = NULL;
    assert_int_equal(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), 0);
    expect_err(user_check_identity("CONNECT_MANAGED", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.Email", "required");
    assert_int_equal(user_check_identity("CONNECT_MANAGED", &id, USER_CHECK_CREATE_OPERATOR, &e), 0);
    id.first_name = NULL;
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.FirstName", NULL);
    id.first_name = "  ";
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.FirstName", NULL);
    id.first_name = "Bell\x07";
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.FirstName", "control");
    id.first_name = "Bad\xff";
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.FirstName", NULL);
    char names[1300];
    for (int i = 0; i < 300; i++)
        memcpy(names + i * 4, "\xf0\x9f\x98\x80", 4); /* 300 emoji: 300 characters */
    names[1200] = '\0';
    id.first_name = "Ada";
    id.last_name = names;
    assert_int_equal(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), 0);
    id.first_name = names + 4 * 45; /* 255 characters */
    assert_int_equal(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), 0);
    id.first_name = names + 4 * 44;
    expect_err(user_check_identity("SAML", &id, USER_CHECK_CREATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.FirstName", "255");
    /* Updates: absent members pass; names and a managed Email cannot be cleared. */
    user_identity_in up = {.mobile = ""};
    assert_int_equal(user_check_identity("CONNECT_MANAGED", &up, USER_CHECK_UPDATE, &e), 0);
    up.email = "";
    expect_err(user_check_identity("CONNECT_MANAGED", &up, USER_CHECK_UPDATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.Email", NULL);
    assert_int_equal(user_check_identity("SAML", &up, USER_CHECK_UPDATE, &e), 0);
    up = (user_identity_in){.last_name = ""};
    expect_err(user_check_identity("SAML", &up, USER_CHECK_UPDATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.LastName", NULL);
    up = (user_identity_in){.secondary_email = "nope", .mobile = "+15555550123"};
    expect_err(user_check_identity("SAML", &up, USER_CHECK_UPDATE, &e), &e, ERR_INVALID_PARAMETER,
               "IdentityInfo.SecondaryEmail", NULL);
}

static void channels(void **state)
{
    (void)state;
    rerr e;
    user_phone_in ph = {.phone_type = "DESK_PHONE", .desk_phone_number = "+15555550100", .has_acw = 1,
                        .acw_seconds = USER_ACW_MAX};
    assert_int_equal(user_check_channels(&ph, NULL, &e), 0);
    ph.acw_seconds = USER_ACW_MAX + 1;
    expect_err(user_check_channels(&ph, NULL, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.AfterContactWorkTimeLimit",
               NULL);
    ph = (user_phone_in){.phone_type = "HANDSET"};
    expect_err(user_check_channels(&ph, NULL, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.PhoneType", "DESK_PHONE");
    ph = (user_phone_in){.desk_phone_number = "555"};
    expect_err(user_check_channels(&ph, NULL, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.DeskPhoneNumber", NULL);
    ph = (user_phone_in){.phone_type = "DESK_PHONE", .desk_phone_number = ""};
    expect_err(user_check_channels(&ph, NULL, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.DeskPhoneNumber", NULL);

    user_channel_in aa[] = {{.channel = "CHAT", .has_auto_accept = 1, .auto_accept = 1},
                            {.channel = "VOICE", .has_auto_accept = 1}};
    user_channel_in acw[] = {{.channel = "TASK", .has_acw = 1, .acw_seconds = 5, .has_afc_acw = 1,
                              .afc_acw_seconds = USER_ACW_MAX + 1}};
    user_channel_in pn[] = {{.channel = "VOICE", .phone_type = "DESK_PHONE"}};
    user_channel_in ve[] = {{.channel = "VOICE", .voice_enhancement = "NOISE_SUPPRESSION"}};
    user_config_in cfg = {.items = {[UCFG_AUTO_ACCEPT] = aa, [UCFG_VOICE_ENHANCEMENT] = ve},
                          .n = {[UCFG_AUTO_ACCEPT] = 2, [UCFG_VOICE_ENHANCEMENT] = 1}};
    assert_int_equal(user_check_channels(NULL, &cfg, &e), 0);
    /* The legacy AutoAccept is VOICE's: it conflicts with AutoAcceptConfigs[1] (VOICE), naming both. */
    ph = (user_phone_in){.has_auto_accept = 1, .auto_accept = 1};
    expect_err(user_check_channels(&ph, &cfg, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.AutoAccept",
               "AutoAcceptConfigs[1]");
    cfg.n[UCFG_AUTO_ACCEPT] = 1; /* CHAT only: no conflict */
    assert_int_equal(user_check_channels(&ph, &cfg, &e), 0);
    aa[1].channel = "CHAT";
    cfg.n[UCFG_AUTO_ACCEPT] = 2;
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER, "AutoAcceptConfigs[1].Channel",
               "second time");
    aa[1].channel = "SMS";
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER, "AutoAcceptConfigs[1].Channel", "SMS");
    aa[1] = (user_channel_in){.channel = "EMAIL"};
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER, "AutoAcceptConfigs[1].AutoAccept",
               "required");
    cfg = (user_config_in){.items = {[UCFG_ACW] = acw}, .n = {[UCFG_ACW] = 1}};
    /* The path is longer than rerr.field holds; the message carries it whole. */
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER, NULL,
               "AfterContactWorkConfigs[0].AgentFirstCallbackAfterContactWorkConfig.AfterContactWorkTimeLimit");
    acw[0].afc_acw_seconds = 0;
    assert_int_equal(user_check_channels(NULL, &cfg, &e), 0);
    /* The legacy ACW applies to every channel: any ACW entry conflicts with it. */
    ph = (user_phone_in){.has_acw = 1};
    expect_err(user_check_channels(&ph, &cfg, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.AfterContactWorkTimeLimit",
               "AfterContactWorkConfigs[0]");
    cfg = (user_config_in){.items = {[UCFG_PHONE_NUMBER] = pn}, .n = {[UCFG_PHONE_NUMBER] = 1}};
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER, "PhoneNumberConfigs[0].PhoneNumber",
               "DESK_PHONE");
    pn[0].phone_number = "+15555550100";
    assert_int_equal(user_check_channels(NULL, &cfg, &e), 0);
    ph = (user_phone_in){.desk_phone_number = "+15555550101"};
    expect_err(user_check_channels(&ph, &cfg, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.DeskPhoneNumber",
               "PhoneNumberConfigs[0]");
    ve[0].voice_enhancement = "none";
    cfg = (user_config_in){.items = {[UCFG_VOICE_ENHANCEMENT] = ve}, .n = {[UCFG_VOICE_ENHANCEMENT] = 1}};
    expect_err(user_check_channels(NULL, &cfg, &e), &e, ERR_INVALID_PARAMETER,
               "VoiceEnhancementConfigs[0].VoiceEnhancementMode", NULL);
    user_channel_in pc[] = {{.channel = "VOICE", .has_persistent = 1, .persistent = 1}};
    cfg = (user_config_in){.items = {[UCFG_PERSISTENT] = pc}, .n = {[UCFG_PERSISTENT] = 1}};
    ph = (user_phone_in){.has_persistent = 1};
    expect_err(user_check_channels(&ph, &cfg, &e), &e, ERR_INVALID_PARAMETER, "PhoneConfig.PersistentConnection",
               "PersistentConnectionConfigs[0]");
}

static void profile_ids(void **state)
{
    (void)state;
    rerr e;
    strlist ids = {0};
    expect_err(user_check_security_profile_ids(&ids, &e), &e, ERR_INVALID_PARAMETER, "SecurityProfileIds", "got 0");
    for (int i = 0; i < 10; i++)
        strlist_push(&ids, "p");
    assert_int_equal(user_check_security_profile_ids(&ids, &e), 0);
    strlist_push(&ids, "p");
    expect_err(user_check_security_profile_ids(&ids, &e), &e, ERR_INVALID_PARAMETER, "SecurityProfileIds", "got 11");
    strlist_clear(&ids);
}

/* ---- the core ------------------------------------------------------------------------------------ */

/* A SAML user with the instance's Agent profile; asserts success. */
static void make_saml(fixture *f, const char *username, char id[ID_LEN])
{
    strlist sps = {0};
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    user_new in = {.username = username,
                   .identity = {.first_name = "Grace", .last_name = "Hopper"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = f->saml_defs.routing_profile_id};
    rerr e;
    int rc = users_create(&f->cx, f->saml.id, &in, id, &e);
    if (rc)
        fail_msg("create %s: %s", username, e.message);
    strlist_clear(&sps);
}

static size_t audit_count(fixture *f, const char *user_id, const char *operation)
{
    audit_filter af = {.resource_id = user_id, .limit = 1000};
    audit_event *ev;
    size_t n, hits = 0;
    assert_int_equal(store_audit_list(f->cx.conn, &af, &ev, &n), STORE_OK);
    for (size_t i = 0; i < n; i++) {
        hits += strcmp(ev[i].operation, operation) == 0;
        assert_null(ev[i].before_json && strstr(ev[i].before_json, "argon2") ? "hash in audit" : NULL);
        assert_null(ev[i].after_json && strstr(ev[i].after_json, "argon2") ? "hash in audit" : NULL);
        audit_event_clear(&ev[i]);
    }
    free(ev);
    return hits;
}

static void create_read_and_hash(void **state)
{
    fixture *f = *state;
    strlist sps = {0};
    strlist_push(&sps, f->cm_defs.agent_profile_id);
    strlist_push(&sps, f->cm_defs.agent_profile_id);
    kvlist tags = {0};
    kvlist_set(&tags, "team", "blue");
    user_phone_in ph = {.phone_type = "DESK_PHONE", .desk_phone_number = "+15555550100", .has_acw = 1,
                        .acw_seconds = 30};
    user_new in = {.username = "jdoe",
                   .password = PASSWORD,
                   .identity = {.first_name = "Jane", .last_name = "Doe", .email = "jane@example.com",
                                .mobile = "+15555550123"},
                   .phone = &ph,
                   .security_profile_ids = &sps,
                   .routing_profile_id = f->cm_defs.routing_profile_id,
                   .tags = &tags};
    char id[ID_LEN];
    rerr e;
    assert_int_equal(users_create(&f->cx, f->cm.id, &in, id, &e), 0);
    user_record u;
    assert_int_equal(users_get(&f->cx, f->cm.id, id, &u, &e), 0);
    assert_string_equal(u.username, "jdoe");
    assert_string_equal(u.mobile, "+15555550123");
    assert_null(u.secondary_email);
    assert_null(u.password_hash); /* never leaves the core */
    assert_int_equal(u.security_profile_ids.n, 1); /* the repeat is folded */
    assert_int_equal(u.n_channels, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_true(u.channels[i].has_acw);
        assert_int_equal(u.channels[i].acw_seconds, 30);
    }
    channel_config *v = user_channel(&u, "VOICE");
    assert_string_equal(v->phone_type, "DESK_PHONE");
    assert_string_equal(v->phone_number, "+15555550100");
    assert_string_equal(v->voice_enhancement, "NONE");
    assert_int_equal(u.version, 1);
    user_clear(&u);
    /* The store keeps an argon2id hash that verifies. */
    assert_int_equal(store_user_get(f->cx.conn, f->cm.id, id, &u), STORE_OK);
    assert_non_null(strstr(u.password_hash, "$argon2id$"));
    assert_true(passwords_verify(u.password_hash, PASSWORD));
    user_clear(&u);
    kvlist got = {0};
    assert_int_equal(store_tags_get(f->cx.conn, id, &got), STORE_OK);
    assert_int_equal(got.keys.n, 1);
    kvlist_clear(&got);
    /* The AGENT queue, whose id is the user's. */
    assert_int_equal(store_resource_exists(f->cx.conn, STORE_RES_AGENT_QUEUE, f->cm.id, id), STORE_OK);
    assert_int_equal(audit_count(f, id, "CreateUser"), 1);
    expect_err(users_get(&f->cx, f->cm.id, "no-such-user", &u, &e), &e, ERR_NOT_FOUND, "UserId", "no-such-user");
    expect_err(users_get(&f->cx, f->saml.id, id, &u, &e), &e, ERR_NOT_FOUND, "UserId", NULL);
    strlist_clear(&sps);
    kvlist_clear(&tags);
}

static void create_refusals_write_nothing(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    rerr e;
    make_saml(f, "Taken.Name", id);
    strlist sps = {0};
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    user_new in = {.username = "taken.name",
                   .identity = {.first_name = "G", .last_name = "H"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = f->saml_defs.routing_profile_id};
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_DUPLICATE, "Username", "Taken.Name");
    in.username = "Taken.Name";
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_DUPLICATE, "Username", "already exists");
    in.username = "fresh";
    in.routing_profile_id = f->cm_defs.routing_profile_id; /* another instance's */
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_NOT_FOUND, "RoutingProfileId", NULL);
    in.routing_profile_id = f->saml_defs.routing_profile_id;
    in.hierarchy_group_id = "no-such-group";
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_NOT_FOUND, "HierarchyGroupId",
               "no-such-group");
    in.hierarchy_group_id = NULL;
    strlist_push(&sps, f->cm_defs.admin_profile_id);
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_NOT_FOUND, "SecurityProfileIds",
               f->cm_defs.admin_profile_id);
    strlist_clear(&sps);
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    in.password = PASSWORD;
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_INVALID_PARAMETER, "Password", NULL);
    in.password = NULL;
    in.directory_user_id = "d-123";
    expect_err(users_create(&f->cx, f->saml.id, &in, id, &e), &e, ERR_INVALID_PARAMETER, "DirectoryUserId", NULL);
    in.directory_user_id = NULL;
    user_record u;
    assert_int_equal(store_user_by_name(f->cx.conn, f->saml.id, "fresh", &u), STORE_NOTFOUND);
    assert_int_equal(users_create(&f->cx, f->saml.id, &in, id, &e), 0);
    strlist_clear(&sps);
}

static void update_each_facet(void **state)
{
    fixture *f = *state;
    rerr e;
    char id[ID_LEN], group[ID_LEN], sp[ID_LEN];
    make_saml(f, "facets", id);
    const char *levels[HIERARCHY_LEVELS] = {"Site"};
    assert_int_equal(hierarchy_structure_update(&f->cx, f->saml.id, levels, &e), 0);
    hierarchy_group_new g = {.name = "Paris"};
    assert_int_equal(hierarchy_group_create(&f->cx, f->saml.id, &g, group, &e), 0);
    sp_change spc = {.name = "Leads"};
    assert_int_equal(security_profiles_create(&f->cx, f->saml.id, &spc, sp, &e), 0);

    user_identity_in idn = {.first_name = "Amazing", .secondary_email = "g@example.org"};
    user_change ch = {.operation = "UpdateUserIdentityInfo", .identity = &idn};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    user_phone_in ph = {.has_acw = 1, .acw_seconds = 60, .has_auto_accept = 1, .auto_accept = 1};
    ch = (user_change){.operation = "UpdateUserPhoneConfig", .phone = &ph};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    user_channel_in aa[] = {{.channel = "CHAT", .has_auto_accept = 1, .auto_accept = 1, .has_afc_auto_accept = 1}};
    user_channel_in acw[] = {{.channel = "TASK", .has_acw = 1, .acw_seconds = 9}};
    user_config_in cfg = {.items = {[UCFG_AUTO_ACCEPT] = aa, [UCFG_ACW] = acw},
                          .n = {[UCFG_AUTO_ACCEPT] = 1, [UCFG_ACW] = 1}};
    ch = (user_change){.operation = "UpdateUserConfig", .config = &cfg};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    strlist sps = {0};
    strlist_push(&sps, sp);
    ch = (user_change){.operation = "UpdateUserSecurityProfiles", .security_profile_ids = &sps};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    ch = (user_change){.operation = "UpdateUserHierarchy", .set_hierarchy = 1, .hierarchy_group_id = group};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);

    user_record u;
    assert_int_equal(users_get(&f->cx, f->saml.id, id, &u, &e), 0);
    assert_string_equal(u.first_name, "Amazing");
    assert_string_equal(u.last_name, "Hopper"); /* merged, not replaced */
    assert_string_equal(u.secondary_email, "g@example.org");
    assert_string_equal(u.hierarchy_group_id, group);
    assert_int_equal(u.security_profile_ids.n, 1);
    assert_string_equal(u.security_profile_ids.items[0], sp);
    assert_true(user_channel(&u, "VOICE")->auto_accept);
    assert_true(user_channel(&u, "CHAT")->auto_accept);
    assert_true(user_channel(&u, "CHAT")->has_afc_auto_accept);
    assert_false(user_channel(&u, "EMAIL")->auto_accept);
    assert_int_equal(user_channel(&u, "EMAIL")->acw_seconds, 60);
    assert_int_equal(user_channel(&u, "TASK")->acw_seconds, 9);
    assert_int_equal(u.version, 6);
    user_clear(&u);
    assert_int_equal(audit_count(f, id, "UpdateUserConfig"), 1);
    assert_int_equal(audit_count(f, id, "UpdateUserHierarchy"), 1);

    /* Leaving the hierarchy; refused changes leave the user as it was. */
    ch = (user_change){.operation = "UpdateUserHierarchy", .set_hierarchy = 1};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    ch = (user_change){.operation = "UpdateUserRoutingProfile", .routing_profile_id = f->cm_defs.routing_profile_id};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_NOT_FOUND, "RoutingProfileId", NULL);
    idn = (user_identity_in){.email = "x@example.com"};
    ch = (user_change){.operation = "UpdateUserIdentityInfo", .identity = &idn};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_PARAMETER, "IdentityInfo.Email", NULL);
    ph = (user_phone_in){.phone_type = "DESK_PHONE"}; /* no number stored */
    ch = (user_change){.operation = "UpdateUserPhoneConfig", .phone = &ph};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_PARAMETER,
               "PhoneConfig.DeskPhoneNumber", NULL);
    expect_err(users_update(&f->cx, f->saml.id, "nobody", &ch, &e), &e, ERR_NOT_FOUND, "UserId", "nobody");
    assert_int_equal(users_get(&f->cx, f->saml.id, id, &u, &e), 0);
    assert_string_equal(u.hierarchy_group_id, "");
    assert_string_equal(user_channel(&u, "VOICE")->phone_type, "SOFT_PHONE");
    assert_int_equal(u.version, 7);
    user_clear(&u);
    strlist_clear(&sps);
}

static void externally_managed_is_read_only(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    rerr e;
    make_saml(f, "from-idp", id);
    user_record u;
    assert_int_equal(store_user_get(f->cx.conn, f->saml.id, id, &u), STORE_OK);
    u.externally_managed = 1;
    u.external_id = xstrdup("okta-42");
    assert_int_equal(store_user_update(f->cx.conn, &u, STORE_USER_NAME | STORE_USER_CHILDREN), STORE_OK);
    user_clear(&u);
    user_identity_in idn = {.first_name = "Changed"};
    user_change ch = {.operation = "UpdateUserIdentityInfo", .identity = &idn};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_REQUEST, "UserId", USER_MANAGED_MESSAGE);
    ch = (user_change){.operation = "UpdateUserHierarchy", .set_hierarchy = 1};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_REQUEST, NULL, "identity provider");
    expect_err(users_delete(&f->cx, f->saml.id, id, &e), &e, ERR_INVALID_REQUEST, NULL, NULL);
    assert_int_equal(users_get(&f->cx, f->saml.id, id, &u, &e), 0);
    assert_string_equal(u.first_name, "Grace");
    assert_string_equal(u.external_id, "okta-42");
    user_clear(&u);

    /* The instance lets admins edit the contact-center settings: the hierarchy may change, the
     * identity still not. */
    scim_settings_row s = {.admins_edit_settings = 1};
    assert_int_equal(store_scim_settings_put(f->cx.conn, f->saml.id, &s), STORE_OK);
    ch = (user_change){.operation = "UpdateUserHierarchy", .set_hierarchy = 1};
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    ch = (user_change){.operation = "UpdateUserIdentityInfo", .identity = &idn};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_REQUEST, "UserId", USER_MANAGED_MESSAGE);
    ch = (user_change){.operation = "UpdateUser", .set_hierarchy = 1, .identity = &idn};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_INVALID_REQUEST, "UserId", USER_MANAGED_MESSAGE);
    expect_err(users_delete(&f->cx, f->saml.id, id, &e), &e, ERR_INVALID_REQUEST, NULL, NULL);

    /* A SCIM token of the instance changes it (and a user it changes becomes managed); one of
     * another instance does not reach it. */
    principal scim = {.kind = PRINCIPAL_SCIM_TOKEN, .key_id = "scim", .username = xstrdup("okta")};
    snprintf(scim.instance_id, sizeof scim.instance_id, "%s", f->saml.id);
    strlist_push(&scim.permissions, "Users.Edit");
    strlist_push(&scim.permissions, "Users.Delete");
    strlist_push(&scim.permissions, "Users.View");
    f->cx.who = &scim;
    ch = (user_change){.operation = "ScimReplaceUser", .identity = &idn, .username = "From-IdP", .set_external_id = 1,
                       .external_id = "okta-43", .if_version = 99};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_CONDITION_FAILED, "version", "not 99");
    ch.if_version = 0;
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    assert_int_equal(users_get(&f->cx, f->saml.id, id, &u, &e), 0);
    assert_string_equal(u.first_name, "Changed");
    assert_string_equal(u.username, "From-IdP");
    assert_string_equal(u.external_id, "okta-43");
    user_clear(&u);
    snprintf(scim.instance_id, sizeof scim.instance_id, "%s", f->cm.id);
    expect_err(users_delete(&f->cx, f->saml.id, id, &e), &e, ERR_ACCESS_DENIED, "InstanceId", NULL);
    snprintf(scim.instance_id, sizeof scim.instance_id, "%s", f->saml.id);
    assert_int_equal(users_delete(&f->cx, f->saml.id, id, &e), 0);
    f->cx.who = NULL;
    principal_clear(&scim);
}

static void permissions_and_grants(void **state)
{
    fixture *f = *state;
    char id[ID_LEN], other[ID_LEN];
    rerr e;
    make_saml(f, "target", id);
    principal who = {.kind = PRINCIPAL_USER_KEY, .username = xstrdup("lead"), .key_id = "AKRSLEAD"};
    snprintf(who.instance_id, sizeof who.instance_id, "%s", f->saml.id);
    strlist_push(&who.permissions, "Users.Edit");
    strlist_push(&who.permissions, "BasicAgentAccess");
    strlist_push(&who.permissions, "OutboundCallAccess");
    f->cx.who = &who;
    strlist sps = {0};
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    user_change ch = {.operation = "UpdateUserSecurityProfiles", .security_profile_ids = &sps};
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_ACCESS_DENIED, NULL, "Users.EditPermission");
    strlist_push(&who.permissions, "Users.EditPermission");
    assert_int_equal(users_update(&f->cx, f->saml.id, id, &ch, &e), 0);
    strlist_push(&sps, f->saml_defs.admin_profile_id);
    expect_err(users_update(&f->cx, f->saml.id, id, &ch, &e), &e, ERR_ACCESS_DENIED, NULL, "cannot grant");
    user_new in = {.username = "by-lead",
                   .identity = {.first_name = "B", .last_name = "L"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = f->saml_defs.routing_profile_id};
    expect_err(users_create(&f->cx, f->saml.id, &in, other, &e), &e, ERR_ACCESS_DENIED, NULL, "Users.Create");
    strlist_push(&who.permissions, "Users.Create");
    expect_err(users_create(&f->cx, f->saml.id, &in, other, &e), &e, ERR_ACCESS_DENIED, NULL, "cannot grant");
    strlist_clear(&sps);
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    assert_int_equal(users_create(&f->cx, f->saml.id, &in, other, &e), 0);
    expect_err(users_delete(&f->cx, f->saml.id, other, &e), &e, ERR_ACCESS_DENIED, NULL, "Users.Delete");
    f->cx.who = NULL;
    /* The audit event names the key and its user. */
    audit_filter af = {.resource_id = other, .limit = 10};
    audit_event *ev;
    size_t n;
    assert_int_equal(store_audit_list(f->cx.conn, &af, &ev, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].key_id, "AKRSLEAD");
    audit_event_clear(&ev[0]);
    free(ev);
    strlist_clear(&sps);
    principal_clear(&who);
}

static void delete_takes_queue_and_tags(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    rerr e;
    make_saml(f, "doomed", id);
    kvlist tags = {0};
    kvlist_set(&tags, "k", "v");
    assert_int_equal(store_tags_set(f->cx.conn, f->saml.id, id, &tags), STORE_OK);
    kvlist_clear(&tags);
    assert_int_equal(users_delete(&f->cx, f->saml.id, id, &e), 0);
    assert_int_equal(store_resource_exists(f->cx.conn, STORE_RES_AGENT_QUEUE, f->saml.id, id), STORE_NOTFOUND);
    assert_int_equal(store_resource_exists(f->cx.conn, STORE_RES_USER, f->saml.id, id), STORE_NOTFOUND);
    assert_int_equal(store_tags_get(f->cx.conn, id, &tags), STORE_OK);
    assert_int_equal(tags.keys.n, 0);
    assert_int_equal(audit_count(f, id, "DeleteUser"), 1);
    expect_err(users_delete(&f->cx, f->saml.id, id, &e), &e, ERR_NOT_FOUND, "UserId", id);
    make_saml(f, "doomed", id); /* the name is free again */
}

static void tx_variants_roll_back_together(void **state)
{
    fixture *f = *state;
    char a[ID_LEN], b[ID_LEN];
    rerr e;
    strlist sps = {0};
    strlist_push(&sps, f->saml_defs.agent_profile_id);
    user_new in = {.username = "batch-a",
                   .identity = {.first_name = "B", .last_name = "A"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = f->saml_defs.routing_profile_id};
    assert_int_equal(store_begin(f->cx.conn, 1), STORE_OK);
    assert_int_equal(users_create_tx(&f->cx, f->saml.id, &in, NULL, a, &e), 0);
    in.username = "batch-b";
    assert_int_equal(users_create_tx(&f->cx, f->saml.id, &in, NULL, b, &e), 0);
    in.username = "BATCH-A";
    expect_err(users_create_tx(&f->cx, f->saml.id, &in, NULL, b, &e), &e, ERR_DUPLICATE, "Username", "batch-a");
    assert_int_equal(store_rollback(f->cx.conn), STORE_OK);
    user_record u;
    assert_int_equal(store_user_by_name(f->cx.conn, f->saml.id, "batch-a", &u), STORE_NOTFOUND);
    assert_int_equal(store_resource_exists(f->cx.conn, STORE_RES_AGENT_QUEUE, f->saml.id, a), STORE_NOTFOUND);
    strlist_clear(&sps);
}

/* A batch that keeps what its items found to exist (memo_refs) forgets it when an item fails:
 * item 0 adds a security profile, creates a user with it (so the profile is remembered) and
 * fails, which undoes the profile; item 1 then names the same profile and must be told that it
 * does not exist rather than be believed from memory. Item 2 uses the instance's Agent profile,
 * found again and remembered, and succeeds. */
typedef struct memo_batch {
    fixture *f;
    char profile_id[ID_LEN];
    rerr errs[3];
} memo_batch;

static int memo_item(core_ctx *cx, void *arg, size_t i, rerr *e)
{
    memo_batch *m = arg;
    strlist sps = {0};
    strlist_push(&sps, i == 2 ? m->f->saml_defs.agent_profile_id : m->profile_id);
    char name[16], id[ID_LEN];
    snprintf(name, sizeof name, "memo-%zu", i);
    user_new in = {.username = name,
                   .identity = {.first_name = "M", .last_name = "B"},
                   .security_profile_ids = &sps,
                   .routing_profile_id = m->f->saml_defs.routing_profile_id};
    int rc = 0;
    if (i == 0) {
        security_profile p = {.name = "Fleeting", .modified_ms = 1};
        uuid_v7(p.id);
        memcpy(p.instance_id, m->f->saml.id, ID_LEN);
        memcpy(m->profile_id, p.id, ID_LEN);
        strlist_clear(&sps);
        strlist_push(&sps, p.id);
        assert_int_equal(store_security_profile_insert(cx->conn, &p), STORE_OK);
        assert_int_equal(users_create_tx(cx, m->f->saml.id, &in, NULL, id, e), 0);
        rc = rerr_set(e, ERR_INVALID_PARAMETER, NULL, "item 0 fails after writing");
    } else {
        rc = users_create_tx(cx, m->f->saml.id, &in, NULL, id, e);
    }
    m->errs[i] = *e;
    strlist_clear(&sps);
    return rc;
}

static void memo_forgets_what_a_failed_item_found(void **state)
{
    fixture *f = *state;
    memo_batch m = {.f = f};
    core_batch b = {.item = memo_item, .arg = &m, .count = 3, .max_items = 3, .max_ms = 60000, .memo_refs = 1};
    size_t taken = 0, failed = 0;
    rerr e;
    assert_int_equal(core_write_batch(&f->cx, &b, &taken, &failed, &e), 0);
    assert_int_equal(taken, 3);
    assert_int_equal(failed, 2);
    expect_err(-1, &m.errs[1], ERR_NOT_FOUND, "SecurityProfileIds", m.profile_id);
    user_record u;
    assert_int_equal(store_user_by_name(f->cx.conn, f->saml.id, "memo-0", &u), STORE_NOTFOUND);
    assert_int_equal(store_user_by_name(f->cx.conn, f->saml.id, "memo-1", &u), STORE_NOTFOUND);
    assert_int_equal(store_user_by_name(f->cx.conn, f->saml.id, "memo-2", &u), STORE_OK);
    user_clear(&u);
}

static void list_pages(void **state)
{
    fixture *f = *state;
    char id[ID_LEN];
    const char *names[] = {"m", "B", "a", "z", "C", "0", "b_", "b-"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        make_saml(f, names[i], id);
    const char *order[] = {"0", "B", "C", "a", "b-", "b_", "m", "z"};
    char *token = NULL;
    size_t seen = 0, pages = 0;
    rerr e;
    do {
        summary_list l = {0};
        char *next;
        assert_int_equal(users_list(&f->cx, f->saml.id, token, 3, &l, &next, &e), 0);
        for (size_t i = 0; i < l.n; i++)
            assert_string_equal(l.items[i].name, order[seen++]);
        summary_list_clear(&l);
        free(token);
        token = next;
        pages++;
    } while (token);
    assert_int_equal(seen, 8);
    assert_int_equal(pages, 3);
    summary_list l = {0};
    char *next;
    expect_err(users_list(&f->cx, f->saml.id, "bogus", 3, &l, &next, &e), &e, ERR_INVALID_PARAMETER, "nextToken",
               NULL);
}

static void command_line_subset(void **state)
{
    fixture *f = *state;
    strlist names = {0};
    strlist_push(&names, "Agent");
    user_basic u = {.username = "cli-user", .first_name = "C", .last_name = "L", .security_profile_names = &names};
    char id[ID_LEN];
    rerr e;
    /* The operator may leave out email and password on a CONNECT_MANAGED instance. */
    assert_int_equal(users_create_basic(&f->cx, f->cm.id, &u, id, &e), 0);
    user_record r;
    assert_int_equal(store_user_get(f->cx.conn, f->cm.id, id, &r), STORE_OK);
    assert_null(r.password_hash);
    assert_string_equal(r.routing_profile_id, f->cm_defs.routing_profile_id);
    user_clear(&r);
    u.username = "cli-user2";
    u.password = "weak";
    expect_err(users_create_basic(&f->cx, f->cm.id, &u, id, &e), &e, ERR_INVALID_PARAMETER, "Password", NULL);
    u.password = NULL;
    strlist_push(&names, "Wizard");
    expect_err(users_create_basic(&f->cx, f->cm.id, &u, id, &e), &e, ERR_NOT_FOUND, NULL, "Wizard");
    strlist_clear(&names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usernames),
        cmocka_unit_test(passwords),
        cmocka_unit_test(emails_and_phones),
        cmocka_unit_test(identities),
        cmocka_unit_test(channels),
        cmocka_unit_test(profile_ids),
        cmocka_unit_test_setup_teardown(create_read_and_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(create_refusals_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(update_each_facet, setup, teardown),
        cmocka_unit_test_setup_teardown(externally_managed_is_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(permissions_and_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_takes_queue_and_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(tx_variants_roll_back_together, setup, teardown),
        cmocka_unit_test_setup_teardown(memo_forgets_what_a_failed_item_found, setup, teardown),
        cmocka_unit_test_setup_teardown(list_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(command_line_subset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
