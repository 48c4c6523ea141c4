/* test_errors.c — the error table: every code has its AWS name, status, SCIM type and CSV label. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/error.h"

static void aws_names_and_statuses(void **state)
{
    (void)state;
    static const struct {
        err_code code;
        const char *name;
        int status;
    } want[] = {
        {ERR_INVALID_PARAMETER, "InvalidParameterException", 400},
        {ERR_INVALID_REQUEST, "InvalidRequestException", 400},
        {ERR_SERIALIZATION, "SerializationException", 400},
        {ERR_NOT_FOUND, "ResourceNotFoundException", 404},
        {ERR_DUPLICATE, "DuplicateResourceException", 409},
        {ERR_IN_USE, "ResourceInUseException", 409},
        {ERR_ACCESS_DENIED, "AccessDeniedException", 403},
        {ERR_CONDITION_FAILED, "ConditionalOperationFailedException", 409},
        {ERR_LIMIT_EXCEEDED, "LimitExceededException", 429},
        {ERR_INTERNAL, "InternalServiceException", 500},
        {ERR_MISSING_AUTH, "MissingAuthenticationTokenException", 403},
        {ERR_UNRECOGNIZED_CLIENT, "UnrecognizedClientException", 403},
        {ERR_INVALID_SIGNATURE, "InvalidSignatureException", 403},
        {ERR_INCOMPLETE_SIGNATURE, "IncompleteSignatureException", 400},
        {ERR_UNKNOWN_OPERATION, "UnknownOperationException", 404},
        {ERR_TOO_LARGE, "RequestEntityTooLargeException", 413},
        {ERR_UNAUTHORIZED, "UnauthorizedException", 401},
        {ERR_TOO_MANY_REQUESTS, "TooManyRequestsException", 429},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_string_equal(err_aws_name(want[i].code), want[i].name);
        assert_int_equal(err_http_status(want[i].code), want[i].status);
    }
}

static void every_code_is_complete(void **state)
{
    (void)state;
    for (int c = ERR_NONE + 1; c < ERR__COUNT; c++) {
        assert_non_null(err_aws_name((err_code)c));
        assert_true(strlen(err_aws_name((err_code)c)) > 0);
        assert_true(err_http_status((err_code)c) >= 400);
        assert_non_null(err_scim_type((err_code)c));
        assert_true(strlen(err_csv_label((err_code)c)) > 0);
    }
}

static void out_of_range_maps_to_internal(void **state)
{
    (void)state;
    assert_string_equal(err_aws_name((err_code)999), "InternalServiceException");
    assert_int_equal(err_http_status((err_code)-5), 500);
}

static void set_fills_and_returns_minus_one(void **state)
{
    (void)state;
    rerr e;
    assert_int_equal(rerr_set(&e, ERR_NOT_FOUND, "UserId", "User not found: %s", "u-1"), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_string_equal(e.field, "UserId");
    assert_string_equal(e.message, "User not found: u-1");
    assert_string_equal(e.resource_type, "");
    rerr_set_resource(&e, "USER", "arn:x");
    assert_string_equal(e.resource_type, "USER");
    assert_string_equal(e.resource_id, "arn:x");
    assert_int_equal(rerr_set(NULL, ERR_INTERNAL, NULL, "ignored"), -1);
}

static void long_message_truncated_safely(void **state)
{
    (void)state;
    rerr e;
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rerr_set(&e, ERR_INVALID_PARAMETER, big, "%s", big);
    assert_int_equal(strlen(e.message), sizeof e.message - 1);
    assert_int_equal(strlen(e.field), sizeof e.field - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aws_names_and_statuses),
        cmocka_unit_test(every_code_is_complete),
        cmocka_unit_test(out_of_range_maps_to_internal),
        cmocka_unit_test(set_fills_and_returns_minus_one),
        cmocka_unit_test(long_message_truncated_safely),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
