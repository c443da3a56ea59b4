/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mastercf - master.cf service lines as "postconf -M -x" prints them
 * (common/postfix/mastercf.c): fields, -o overrides plain and in braces (nested braces kept), the
 * last override winning, the smtpd services that take mail from the network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "postfix/mastercf.h"

static void test_plain(void **state)
{
    (void)state;
    pp_mastercf_service s;
    assert_int_equal(pp_mastercf_parse_line("[::1]:41025 inet n       -       n       -   "
                                            "    -       smtpd",
                                            &s),
                     0);
    assert_string_equal(s.name, "[::1]:41025");
    assert_string_equal(s.type, "inet");
    assert_string_equal(s.command, "smtpd");
    assert_int_equal(s.nparams, 0);
    assert_null(pp_mastercf_override(&s, "smtpd_relay_restrictions"));
    assert_true(pp_mastercf_smtpd_listener(&s));
    pp_mastercf_service_free(&s);
}

static void test_overrides(void **state)
{
    (void)state;
    pp_mastercf_service s;
    const char *line =
        "submission inet n - y - - /usr/lib/postfix/sbin/smtpd -v -o syslog_name=pf/sub "
        "-o {smtpd_client_restrictions=permit_sasl_authenticated, reject} "
        "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject "
        "-o { smtpd_recipient_restrictions = check_recipient_access inline:{ a.example = "
        "reject_unverified_recipient }, reject } -o smtpd_sender_restrictions= "
        "-o syslog_name=pf/submission -o novalue -o";
    assert_int_equal(pp_mastercf_parse_line(line, &s), 0);
    assert_string_equal(s.command, "smtpd");
    assert_int_equal(s.nparams, 6);
    assert_string_equal(pp_mastercf_override(&s, "syslog_name"), "pf/submission");
    assert_string_equal(pp_mastercf_override(&s, "smtpd_client_restrictions"),
                        "permit_sasl_authenticated, reject");
    assert_string_equal(pp_mastercf_override(&s, "smtpd_relay_restrictions"),
                        "permit_sasl_authenticated,reject");
    assert_string_equal(pp_mastercf_override(&s, "smtpd_recipient_restrictions"),
                        "check_recipient_access inline:{ a.example = "
                        "reject_unverified_recipient }, reject");
    assert_string_equal(pp_mastercf_override(&s, "smtpd_sender_restrictions"), "");
    assert_null(pp_mastercf_override(&s, "novalue"));
    assert_true(pp_mastercf_smtpd_listener(&s));
    pp_mastercf_service_free(&s);
}

static void test_listeners(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        bool listener;
    } cases[] = {
        {"smtp inet n - y - 1 postscreen", false},
        {"smtpd pass - - y - - smtpd -o smtpd_tls_security_level=may", true},
        {"smtpd unix - - y - - smtpd", false},
        {"smtp unix - - y - - smtp", false},
        {"relay unix - - n - - smtp -o syslog_name=postfix/relay", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pp_mastercf_service s;
        assert_int_equal(pp_mastercf_parse_line(cases[i].line, &s), 0);
        assert_int_equal(pp_mastercf_smtpd_listener(&s), cases[i].listener);
        pp_mastercf_service_free(&s);
    }
}

static void test_short_lines(void **state)
{
    (void)state;
    pp_mastercf_service s = {0};
    assert_int_equal(pp_mastercf_parse_line("", &s), -1);
    assert_int_equal(pp_mastercf_parse_line("smtp inet n - y - -", &s), -1);
    assert_int_equal(pp_mastercf_parse_line("   {smtp inet n - y - - smtpd}", &s), -1);
    /* a command path without a program name (found by fuzz_postconf) */
    assert_int_equal(pp_mastercf_parse_line("smtp inet n - y - - /usr/lib/", &s), -1);
    assert_null(s.name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_listeners),
        cmocka_unit_test(test_short_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
