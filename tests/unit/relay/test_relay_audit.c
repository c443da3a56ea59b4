/*
 * test_relay_audit - the way of mail from outside through Postfix restriction lists
 * (common/relay/relay_audit.c): trusted-client permits passed by, open permits and reject ending
 * the walk, reject_unverified_recipient and check_recipient_access tables found before that,
 * arguments of other restrictions skipped; restriction classes walked in place, loops among
 * them ended; warn_if_reject; the verdict on one smtpd service's settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "relay/relay_audit.h"

static void test_verify_reached(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_mynetworks, permit_sasl_authenticated, "
                        "reject_unauth_destination, reject_unverified_recipient", NULL, &p);
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
                        NULL, &p);
    assert_false(p.verify);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("reject_unlisted_recipient, permit", NULL, &p);
    assert_true(p.unlisted);
    assert_string_equal(p.stopped_by, "permit");
    pp_relay_audit_path_free(&p);
}

static void test_closed(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_sasl_authenticated, reject, reject_unverified_recipient", NULL, &p);
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
                        NULL, &p);
    assert_false(p.closed);
    assert_null(p.stopped_by);
    assert_int_equal(p.ntables, 3);
    assert_string_equal(p.tables[0], "texthash:/etc/postfix/verify");
    assert_string_equal(p.tables[1], "inline:{ relay.example=reject_unverified_recipient }");
    assert_string_equal(p.tables[2], "hash:/after");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("permit_auth_destination, check_recipient_access hash:/never", NULL, &p);
    assert_int_equal(p.ntables, 0);
    pp_relay_audit_path_free(&p);
}

static void test_values(void **state)
{
    (void)state;
    assert_true(pp_relay_audit_verifies("reject_unverified_recipient", NULL));
    assert_true(pp_relay_audit_verifies("permit_mynetworks, reject_unverified_recipient", NULL));
    assert_false(pp_relay_audit_verifies("OK", NULL));
    assert_false(pp_relay_audit_verifies("REJECT reject_unverified_recipient_please", NULL));
    assert_false(pp_relay_audit_verifies("", NULL));
}

static void test_values_through_classes(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {{"verified", "reject_unverified_recipient"},
                                            {"open", "permit"},
                                            {NULL, NULL}};
    assert_true(pp_relay_audit_verifies("verified", classes));
    assert_false(pp_relay_audit_verifies("open, verified", classes));
    assert_false(pp_relay_audit_verifies("verified", NULL));
    /* class names match in their own case only */
    assert_false(pp_relay_audit_verifies("VERIFIED", classes));
}

static void test_classes(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {
        {"verify_rcpt", "permit_mynetworks, reject_unverified_recipient"},
        {"outer", "check_sender_access hash:/s, inner"},
        {"inner", "check_recipient_access hash:/inner, permit_auth_destination"},
        {"shut", "reject"},
        {"empty", NULL},
        {NULL, NULL}};
    pp_relay_audit_path p;

    pp_relay_audit_walk("permit_sasl_authenticated, reject_unauth_destination, verify_rcpt",
                        classes, &p);
    assert_true(p.verify);
    assert_null(p.stopped_by);
    assert_null(p.loop);
    pp_relay_audit_path_free(&p);

    /* a permit inside a nested class ends the whole walk */
    pp_relay_audit_walk("empty, outer, reject_unverified_recipient, shut", classes, &p);
    assert_false(p.verify);
    assert_false(p.closed);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    assert_int_equal(p.ntables, 1);
    assert_string_equal(p.tables[0], "hash:/inner");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("permit_mynetworks, shut, verify_rcpt", classes, &p);
    assert_true(p.closed);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);

    /* a class name given as an argument is the argument */
    pp_relay_audit_walk("check_policy_service shut, verify_rcpt", classes, &p);
    assert_false(p.closed);
    assert_true(p.verify);
    pp_relay_audit_path_free(&p);
}

static void test_class_loops(void **state)
{
    (void)state;
    const pp_relay_audit_class self[] = {{"loopy", "reject_unlisted_recipient, loopy"},
                                         {NULL, NULL}};
    const pp_relay_audit_class pair[] = {{"a", "b"}, {"b", "check_recipient_access hash:/t, a"},
                                         {NULL, NULL}};
    pp_relay_audit_path p;

    pp_relay_audit_walk("reject_unverified_recipient, loopy, permit", self, &p);
    assert_string_equal(p.loop, "loopy");
    assert_true(p.verify);
    assert_true(p.unlisted);
    assert_null(p.stopped_by); /* the walk ends at the loop */
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("a", pair, &p);
    assert_string_equal(p.loop, "a");
    assert_int_equal(p.ntables, 1);
    pp_relay_audit_path_free(&p);
    assert_false(pp_relay_audit_verifies("loopy", self));

    /* distinct classes nested deeper than PP_RELAY_AUDIT_DEPTH */
    enum { N = PP_RELAY_AUDIT_DEPTH + 2 };
    char names[N][8], values[N][8];
    pp_relay_audit_class chain[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        snprintf(values[i], sizeof values[i], "c%d", i + 1);
        chain[i] = (pp_relay_audit_class){names[i], i == N - 1 ? "reject" : values[i]};
    }
    chain[N] = (pp_relay_audit_class){NULL, NULL};
    pp_relay_audit_walk("c0", chain, &p);
    assert_false(p.closed);
    assert_string_equal(p.loop, names[PP_RELAY_AUDIT_DEPTH]);
    pp_relay_audit_path_free(&p);
    pp_relay_audit_walk("c3", chain, &p); /* N - 3 deep: reaches the end */
    assert_true(p.closed);
    assert_null(p.loop);
    pp_relay_audit_path_free(&p);
}

static void test_warn_if_reject(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {
        {"trial", "reject_unverified_recipient, check_recipient_access hash:/t"},
        {NULL, NULL}};
    pp_relay_audit_path p;

    pp_relay_audit_walk("WARN_IF_REJECT reject_unverified_recipient, warn_if_reject reject, "
                        "warn_if_reject reject_unlisted_recipient, warn_if_reject trial",
                        classes, &p);
    assert_false(p.verify);
    assert_false(p.closed);
    assert_false(p.unlisted);
    assert_int_equal(p.ntables, 0);
    pp_relay_audit_path_free(&p);

    /* it covers the next restriction only, and does not stop a permit */
    pp_relay_audit_walk("warn_if_reject reject_unlisted_recipient, trial, "
                        "warn_if_reject permit_auth_destination, reject",
                        classes, &p);
    assert_false(p.unlisted);
    assert_true(p.verify);
    assert_int_equal(p.ntables, 1);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    assert_false(p.closed);
    pp_relay_audit_path_free(&p);
}

static const char *const plain = "permit_mynetworks, permit_sasl_authenticated, "
                                 "reject_unauth_destination";

static void test_judge_safe(void **state)
{
    (void)state;
    pp_relay_audit_verdict v;
    pp_relay_audit_settings s = {.relay_restrictions = plain,
                                 .recipient_restrictions = plain,
                                 .relay_recipient_maps = "hash:/etc/postfix/relay_rcpt",
                                 .reject_unlisted_recipient = "yes"};
    pp_relay_audit_judge(&s, &v);
    assert_string_equal(v.safe_by, "relay_recipient_maps");
    assert_null(v.why);
    pp_relay_audit_verdict_free(&v);

    s.recipient_restrictions = "permit_mynetworks, reject_unauth_destination, verify";
    const pp_relay_audit_class classes[] = {{"verify", "reject_unverified_recipient"},
                                            {NULL, NULL}};
    s.classes = classes;
    pp_relay_audit_judge(&s, &v);
    assert_string_equal(v.safe_by, "reject_unverified_recipient");
    pp_relay_audit_verdict_free(&v);

    /* a submission service: unauthenticated clients are refused before any recipient */
    s.recipient_restrictions = plain;
    s.relay_recipient_maps = "";
    s.client_restrictions = "permit_sasl_authenticated, reject";
    pp_relay_audit_judge(&s, &v);
    assert_string_equal(v.safe_by, "nothing is relayed from outside");
    pp_relay_audit_verdict_free(&v);
}

static void test_judge_exposed(void **state)
{
    (void)state;
    pp_relay_audit_verdict v;
    pp_relay_audit_settings s = {
        .client_restrictions = "permit_mynetworks, permit", /* a permit here ends no check */
        .relay_restrictions = "check_recipient_access hash:/a, permit_auth_destination",
        .recipient_restrictions = "check_recipient_access hash:/b, reject_unauth_destination",
        .relay_recipient_maps = "hash:/etc/postfix/relay_rcpt",
        .reject_unlisted_recipient = "yes",
        .receive_override_options = "no_header_body_checks, no_unknown_recipient_checks"};
    pp_relay_audit_judge(&s, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "relay_recipient_maps not enforced and no "
                               "reject_unverified_recipient before permit_auth_destination");
    assert_int_equal(v.ntables, 2);
    assert_string_equal(v.tables[0], "hash:/a");
    assert_string_equal(v.tables[1], "hash:/b");
    assert_null(v.loop);
    pp_relay_audit_verdict_free(&v);

    /* main.cf's default smtpd_reject_unlisted_recipient off, no maps, a class loop */
    const pp_relay_audit_class classes[] = {{"loopy", "loopy"}, {NULL, NULL}};
    pp_relay_audit_settings t = {.relay_restrictions = plain,
                                 .recipient_restrictions = "loopy",
                                 .reject_unlisted_recipient = "no",
                                 .classes = classes};
    pp_relay_audit_judge(&t, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "no relay_recipient_maps and no reject_unverified_recipient");
    assert_string_equal(v.loop, "loopy");
    assert_int_equal(v.ntables, 0);
    pp_relay_audit_verdict_free(&v);

    /* empty settings (NULL) are empty lists */
    pp_relay_audit_settings none = {0};
    pp_relay_audit_judge(&none, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "no relay_recipient_maps and no reject_unverified_recipient");
    pp_relay_audit_verdict_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_reached),
        cmocka_unit_test(test_permit_first),
        cmocka_unit_test(test_closed),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_values_through_classes),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_class_loops),
        cmocka_unit_test(test_warn_if_reject),
        cmocka_unit_test(test_judge_safe),
        cmocka_unit_test(test_judge_exposed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
