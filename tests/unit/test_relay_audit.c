/*
 * test_relay_audit - the way of mail from outside through Postfix restriction lists
 * (common/relay_audit.c): trusted-client permits passed by, open permits and reject ending
 * the walk, reject_unverified_recipient and check_recipient_access tables found before that,
 * arguments of other restrictions skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "relay_audit.h"

static void test_verify_reached(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_mynetworks, permit_sasl_authenticated, "
                        "reject_unauth_destination, reject_unverified_recipient",
                        &p);
    assert_true(p.verify);
    assert_false(p.closed);
    assert_null(p.stopped_by);
    pp_relay_audit_path_free(&p);
}

static void test_permit_first(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_mynetworks permit_auth_destination reject_unverified_recipient",
                        &p);
    assert_false(p.verify);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("reject_unlisted_recipient, permit", &p);
    assert_true(p.unlisted);
    assert_string_equal(p.stopped_by, "permit");
    pp_relay_audit_path_free(&p);
}

static void test_closed(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_sasl_authenticated, reject, reject_unverified_recipient", &p);
    assert_true(p.closed);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);
}

static void test_tables(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    /* the argument "reject" of reject_rbl_client is a DNSBL name, not the reject restriction;
     * "permit" after check_policy_service is its argument too */
    pp_relay_audit_walk("check_recipient_access texthash:/etc/postfix/verify, "
                        "reject_rbl_client reject, check_policy_service permit, "
                        "check_sender_access hash:/etc/postfix/senders, "
                        "check_recipient_access inline:{ relay.example=reject_unverified_recipient },"
                        " permit_mynetworks, reject_unauth_destination, "
                        "check_recipient_access hash:/after",
                        &p);
    assert_false(p.closed);
    assert_null(p.stopped_by);
    assert_int_equal(p.ntables, 3);
    assert_string_equal(p.tables[0], "texthash:/etc/postfix/verify");
    assert_string_equal(p.tables[1], "inline:{ relay.example=reject_unverified_recipient }");
    assert_string_equal(p.tables[2], "hash:/after");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("permit_auth_destination, check_recipient_access hash:/never", &p);
    assert_int_equal(p.ntables, 0);
    pp_relay_audit_path_free(&p);
}

static void test_values(void **state)
{
    (void)state;
    assert_true(pp_relay_audit_verifies("reject_unverified_recipient"));
    assert_true(pp_relay_audit_verifies("permit_mynetworks, reject_unverified_recipient"));
    assert_false(pp_relay_audit_verifies("OK"));
    assert_false(pp_relay_audit_verifies("REJECT reject_unverified_recipient_please"));
    assert_false(pp_relay_audit_verifies(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_reached),
        cmocka_unit_test(test_permit_first),
        cmocka_unit_test(test_closed),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
