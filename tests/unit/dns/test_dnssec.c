/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dnssec - the rules of common/dns/dnssec that need no network: whose AD bit is
 * believed (loopback, or resolv.conf's servers with options trust-ad, as glibc and Postfix
 * do), --dnssec's modes, and a trust anchor that cannot be read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "dns/dnssec.h"

static void test_ad_trusted(void **state)
{
    (void)state;
    assert_true(pp_dnssec_ad_trusted("127.0.0.1:53", false, false));
    assert_true(pp_dnssec_ad_trusted("127.0.0.53:53", true, false));
    assert_true(pp_dnssec_ad_trusted("[::1]:5353", false, false));
    /* a remote resolver (or -s SERVER): its AD bit could be forged on the way */
    assert_false(pp_dnssec_ad_trusted("192.0.2.1:53", false, false));
    assert_false(pp_dnssec_ad_trusted("192.0.2.1:53", false, true));
    assert_false(pp_dnssec_ad_trusted("[2001:db8::1]:53", true, false));
    assert_false(pp_dnssec_ad_trusted("1.127.0.0:53", false, false));
    /* resolv.conf's servers when it says options trust-ad */
    assert_true(pp_dnssec_ad_trusted("192.0.2.1:53", true, true));
}

static void test_mode_parse(void **state)
{
    (void)state;
    pp_dnssec_mode m = PP_DNSSEC_TRUST_AD;
    assert_int_equal(pp_dnssec_mode_parse("validate", &m), 0);
    assert_int_equal(m, PP_DNSSEC_VALIDATE);
    assert_int_equal(pp_dnssec_mode_parse("trust-ad", &m), 0);
    assert_int_equal(m, PP_DNSSEC_TRUST_AD);
    assert_int_equal(pp_dnssec_mode_parse("yes", &m), -1);
    assert_int_equal(pp_dnssec_mode_parse("", &m), -1);
    assert_string_equal(pp_dnssec_sec_str(PP_DNSSEC_BOGUS), "bogus");
}

static void test_bad_anchor(void **state)
{
    (void)state;
    char err[256] = "";
    pp_dnssec_opts o = {.mode = PP_DNSSEC_VALIDATE, .server = "127.0.0.1",
                        .trust_anchor = "/nonexistent/anchor"};
    assert_null(pp_dnssec_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "trust anchor /nonexistent/anchor: No such file"));
    o.trust_anchor = "/dev/null";
    o.server = "not a server:x";
    assert_null(pp_dnssec_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "is not ADDR"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ad_trusted),
        cmocka_unit_test(test_mode_parse),
        cmocka_unit_test(test_bad_anchor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
