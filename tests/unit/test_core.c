/* test_core.c — rules in the core: pagination tokens, field validation, ARNs, permissions,
 * key sealing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/keys.h"
#include "crypto/passwords.h"
#include "core/arn.h"
#include "core/paging.h"
#include "core/permissions.h"
#include "core/validate.h"

static void token_roundtrip(void **state)
{
    (void)state;
    char *t = page_token_encode("queues", "Basic \"Queue\"/é", "abc");
    assert_true(strlen(t) > 0);
    assert_null(strpbrk(t, "+/=")); /* URL-safe */
    rerr e;
    char *key, *id;
    assert_int_equal(page_token_decode(&e, "nextToken", t, "queues", &key, &id), 0);
    assert_string_equal(key, "Basic \"Queue\"/é");
    assert_string_equal(id, "abc");
    free(key);
    free(id);
    /* A token of another list is refused. */
    assert_int_equal(page_token_decode(&e, "nextToken", t, "instances", &key, &id), -1);
    assert_int_equal(e.code, ERR_INVALID_PARAMETER);
    assert_string_equal(e.field, "nextToken");
    free(t);
}

static void token_garbage_and_empty(void **state)
{
    (void)state;
    rerr e;
    char *key, *id;
    assert_int_equal(page_token_decode(&e, "NextToken", "!!!not-base64", "queues", &key, &id), -1);
    assert_int_equal(page_token_decode(&e, "NextToken", "e30", "queues", &key, &id), -1); /* "{}" */
    assert_int_equal(page_token_decode(&e, "NextToken", "", "queues", &key, &id), 0);
    assert_string_equal(key, "");
    assert_string_equal(id, "");
    free(key);
    free(id);
}

static void tokens_differ_per_position(void **state)
{
    (void)state;
    char *a = page_token_encode("x", "n", "1"), *b = page_token_encode("x", "n", "2");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void page_sizes(void **state)
{
    (void)state;
    rerr e;
    size_t n;
    assert_int_equal(page_size(&e, "maxResults", 0, 0, 1, 1000, 100, &n), 0);
    assert_int_equal(n, 100);
    assert_int_equal(page_size(&e, "maxResults", 1, 1000, 1, 1000, 100, &n), 0);
    assert_int_equal(n, 1000);
    assert_int_equal(page_size(&e, "maxResults", 1, 0, 1, 1000, 100, &n), -1);
    assert_int_equal(page_size(&e, "maxResults", 1, 1001, 1, 1000, 100, &n), -1);
    assert_true(strstr(e.message, "between 1 and 1000") != NULL);
}

static void instance_alias_rules(void **state)
{
    (void)state;
    rerr e;
    assert_int_equal(validate_instance_alias(&e, "default"), 0);
    assert_int_equal(validate_instance_alias(&e, "my-center-2"), 0);
    assert_int_equal(validate_instance_alias(&e, "d-1234"), -1);
    assert_int_equal(validate_instance_alias(&e, "-lead"), -1);
    assert_int_equal(validate_instance_alias(&e, "trail-"), -1);
    assert_int_equal(validate_instance_alias(&e, "under_score"), -1);
    assert_int_equal(validate_instance_alias(&e, ""), -1);
    char long_alias[47];
    memset(long_alias, 'a', 46);
    long_alias[46] = '\0';
    assert_int_equal(validate_instance_alias(&e, long_alias), -1);
    assert_string_equal(e.field, "InstanceAlias");
}

static void tag_rules(void **state)
{
    (void)state;
    rerr e;
    assert_int_equal(validate_tag_key(&e, "Tags", "team"), 0);
    assert_int_equal(validate_tag_key(&e, "Tags", "cost center:a/b=c+d-e@f_g.h"), 0);
    assert_int_equal(validate_tag_key(&e, "Tags", "équipe"), 0);          /* \p{L} */
    assert_int_equal(validate_tag_key(&e, "Tags", "部署"), 0);             /* \p{L} */
    assert_int_equal(validate_tag_key(&e, "Tags", "aws:reserved"), -1);
    assert_true(strstr(e.message, "aws:") != NULL);
    assert_int_equal(validate_tag_key(&e, "Tags", "semi;colon"), -1);
    assert_int_equal(validate_tag_key(&e, "Tags", "emoji\xf0\x9f\x98\x80"), -1); /* not a letter */
    assert_int_equal(validate_tag_key(&e, "Tags", ""), -1);
    kvlist t = {0};
    assert_int_equal(validate_tags(&e, "Tags", &t), -1); /* at least one entry */
    kvlist_set(&t, "k", "v");
    assert_int_equal(validate_tags(&e, "Tags", &t), 0);
    char big[258];
    memset(big, 'v', 257);
    big[257] = '\0';
    kvlist_set(&t, "k", big);
    assert_int_equal(validate_tags(&e, "Tags", &t), -1);
    kvlist_clear(&t);
}

static void lengths_count_characters(void **state)
{
    (void)state;
    rerr e;
    assert_int_equal(utf8_count("héllo"), 5);
    assert_int_equal(validate_length(&e, "Name", "ééé", 1, 3), 0);
    assert_int_equal(validate_length(&e, "Name", "éééé", 1, 3), -1);
    assert_true(strstr(e.message, "1 to 3") != NULL);
    static const char *const allowed[] = {"A", "B", NULL};
    assert_int_equal(validate_enum(&e, "Kind", "B", allowed), 0);
    assert_int_equal(validate_enum(&e, "Kind", "C", allowed), -1);
    assert_true(strstr(e.message, "allowed: A, B") != NULL);
}

static void regions(void **state)
{
    (void)state;
    assert_int_equal(validate_region(NULL, "us-east-1"), 0);
    assert_int_equal(validate_region(NULL, "us-gov-west-1"), 0);
    assert_int_equal(validate_region(NULL, "eu-central"), 0);
    assert_int_equal(validate_region(NULL, "useast1"), -1);
    assert_int_equal(validate_region(NULL, "us-east-12"), -1);
    assert_int_equal(validate_region(NULL, "US-east-1"), -1);
    assert_int_equal(validate_region(NULL, "us--1"), -1);
    assert_int_equal(validate_region(NULL, ""), -1);
}

static void arns(void **state)
{
    (void)state;
    settings cfg = {.region = "us-east-1", .account = "123456789012"};
    char *a = arn_resource(&cfg, "i-1", ARN_SECURITY_PROFILE, "p-1");
    assert_string_equal(a, "arn:aws:connect:us-east-1:123456789012:instance/i-1/security-profile/p-1");
    char iid[ID_LEN], kind[32], id[ID_LEN];
    assert_int_equal(arn_parse(&cfg, a, iid, kind, id), 0);
    assert_string_equal(iid, "i-1");
    assert_string_equal(kind, "security-profile");
    assert_string_equal(id, "p-1");
    free(a);
    a = arn_resource(&cfg, "i-1", ARN_AGENT_QUEUE, "q-1");
    assert_int_equal(arn_parse(&cfg, a, iid, kind, id), 0);
    assert_string_equal(kind, "queue/agent");
    free(a);
    a = arn_instance(&cfg, "i-2");
    assert_int_equal(arn_parse(&cfg, a, iid, kind, id), 0);
    assert_string_equal(iid, "i-2");
    assert_string_equal(kind, "");
    free(a);
    assert_int_equal(arn_parse(&cfg, "arn:aws:connect:eu-west-1:123456789012:instance/i-1", iid, kind, id), -1);
    assert_int_equal(arn_parse(&cfg, "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent", iid, kind, id),
                     -1);
}

static void permissions(void **state)
{
    (void)state;
    size_t n;
    const char *const *cat = permissions_catalogue(&n);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(cat[i - 1], cat[i]) < 0); /* byte order, no duplicates */
    assert_true(permission_is_known("Users.EditPermission"));
    assert_false(permission_is_known("Users.Fly"));
    const char *const *agent = permissions_builtin("Agent", &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_true(permission_is_known(agent[i]));
    assert_null(permissions_builtin("Nobody", &n));

    principal user = {.kind = PRINCIPAL_USER_KEY};
    strlist_push(&user.permissions, "Users.View");
    assert_true(principal_has(&user, "Users.View"));
    assert_false(principal_has(&user, "Users.Create"));
    assert_false(principal_has(&user, PERM_ACCOUNT));
    assert_true(principal_has(&user, NULL));
    principal account = {.kind = PRINCIPAL_ACCOUNT_KEY};
    assert_true(principal_has(&account, PERM_ACCOUNT));
    assert_true(principal_has(&account, "Users.Create"));
    assert_true(principal_has(NULL, PERM_ACCOUNT));
    principal_clear(&user);
}

static void sealed_secret_bound_to_key_id(void **state)
{
    (void)state;
    char path[] = "/tmp/roster-keyring-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    char err[256];
    keyring *kr = keyring_load(path, 1, err, sizeof err);
    assert_non_null(kr);
    /* Only through the public path: a stored key opened under its own id, not another. */
    access_key k = {0};
    snprintf(k.id, sizeof k.id, "%s", "AKRSAAAAAAAAAAAAAAAA");
    unsigned char junk[60] = {0};
    k.sealed = junk;
    k.sealed_len = sizeof junk;
    assert_null(keys_open_secret(kr, &k)); /* not sealed by us: refused */
    keyring_free(kr);
    /* A key file readable by others is refused. */
    chmod(path, 0644);
    assert_null(keyring_load(path, 0, err, sizeof err));
    assert_true(strstr(err, "chmod 600") != NULL);
    unlink(path);
}

static void password_hash_and_policy(void **state)
{
    (void)state;
    setenv("ROSTER_ARGON2_M_MIB", "8", 1); /* keep the unit test quick */
    char pw[21];
    passwords_generate(pw);
    assert_int_equal(strlen(pw), 20);
    assert_non_null(strpbrk(pw, "ABCDEFGHJKLMNPQRSTUVWXYZ"));
    assert_non_null(strpbrk(pw, "abcdefghijkmnopqrstuvwxyz"));
    assert_non_null(strpbrk(pw, "23456789"));
    char *h = passwords_hash(pw);
    assert_non_null(h);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(strstr(h, "$v=19$m=8192,t=2,p=1$") != NULL);
    assert_true(passwords_verify(h, pw));
    assert_false(passwords_verify(h, "wrong"));
    assert_false(passwords_verify(NULL, pw));
    assert_false(passwords_verify("", pw));
    assert_false(passwords_verify("$argon2id$v=19$m=8192,t=2,p=1$garbage", pw));
    /* The encoded form is libsodium's: each reads what the other wrote (stores made before
     * roster hashed with libargon2 keep working). */
    assert_int_equal(crypto_pwhash_str_verify(h, pw, strlen(pw)), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(h, "wrong", 5), 0);
    char old[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str_alg(old, pw, strlen(pw), 2, (size_t)8 << 20, crypto_pwhash_ALG_ARGON2ID13), 0);
    assert_true(passwords_verify(old, pw));
    assert_false(passwords_verify(old, "wrong"));
    /* argon2i (never written by roster) is not taken for argon2id */
    assert_int_equal(crypto_pwhash_str_alg(old, pw, strlen(pw), 3, (size_t)8 << 20, crypto_pwhash_ALG_ARGON2I13), 0);
    assert_false(passwords_verify(old, pw));
    free(h);
    unsetenv("ROSTER_ARGON2_M_MIB");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_roundtrip),      cmocka_unit_test(token_garbage_and_empty),
        cmocka_unit_test(tokens_differ_per_position), cmocka_unit_test(page_sizes),
        cmocka_unit_test(instance_alias_rules), cmocka_unit_test(tag_rules),
        cmocka_unit_test(lengths_count_characters), cmocka_unit_test(regions), cmocka_unit_test(arns),
        cmocka_unit_test(permissions),          cmocka_unit_test(sealed_secret_bound_to_key_id),
        cmocka_unit_test(password_hash_and_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
