/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mtasts - MTA-STS TXT records and policy files, TLS-RPT records (common/tls/mtasts.c):
 * what RFC 8461 and RFC 8460 allow, what they refuse, the slips senders tolerate, and MX
 * patterns with their one-label wildcard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tls/mtasts.h"

static char err[256];

static int policy(const char *text, pp_sts_policy *p)
{
    err[0] = '\0';
    return pp_sts_policy_parse(text, strlen(text), p, err, sizeof err);
}

static void refused(const char *text, const char *why)
{
    pp_sts_policy p;
    assert_int_equal(policy(text, &p), -1);
    if (!strstr(err, why))
        fail_msg("\"%s\": error \"%s\" does not say \"%s\"", text, err, why);
    assert_int_equal(p.nmx, 0);
    assert_null(p.mx);
}

static void test_record(void **state)
{
    (void)state;
    char id[33];
    assert_int_equal(pp_sts_record_parse("v=STSv1; id=20260101T01;", id, sizeof id, err,
                                         sizeof err), 0);
    assert_string_equal(id, "20260101T01");
    assert_int_equal(pp_sts_record_parse("v=STSv1;id=abc", id, sizeof id, err, sizeof err), 0);
    assert_int_equal(pp_sts_record_parse("v=STSv1 ; id=a ; ext.x-1=v!", id, sizeof id, err,
                                         sizeof err), 0);
    assert_string_equal(id, "a");

    assert_int_equal(pp_sts_record_parse("v=STSv1;", id, sizeof id, err, sizeof err), -1);
    assert_string_equal(err, "no id field");
    assert_int_equal(pp_sts_record_parse("v=STSv1; id=a-b", id, sizeof id, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "letters and digits"));
    assert_int_equal(pp_sts_record_parse("v=STSv1; id=123456789012345678901234567890123", id,
                                         sizeof id, err, sizeof err), -1);
    assert_string_equal(err, "id is 33 characters long (at most 32)");
    assert_int_equal(pp_sts_record_parse("v=STSv1; id=a; id=b", id, sizeof id, err,
                                         sizeof err), -1);
    assert_string_equal(err, "more than one id field");
    assert_int_equal(pp_sts_record_parse("v=STSv1 id=a", id, sizeof id, err, sizeof err), -1);
    assert_int_equal(pp_sts_record_parse("v=STSv1; id=", id, sizeof id, err, sizeof err), -1);
    assert_int_equal(pp_sts_record_parse("v=STSv1; =a", id, sizeof id, err, sizeof err), -1);
    assert_int_equal(pp_sts_record_parse("id=a; v=STSv1", id, sizeof id, err, sizeof err), -1);
    assert_string_equal(err, "does not begin with v=STSv1");

    assert_true(pp_sts_record_is_sts("v=STSv1; id=x"));
    assert_true(pp_sts_record_is_sts("v=STSv1"));
    assert_false(pp_sts_record_is_sts("v=STSv10; id=x"));
    assert_false(pp_sts_record_is_sts("v=spf1 -all"));
}

static void test_policy_good(void **state)
{
    (void)state;
    pp_sts_policy p;
    assert_int_equal(policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\n"
                            "mx: *.example.net\r\nmax_age: 604800\r\n", &p), 0);
    assert_int_equal(p.mode, PP_STS_ENFORCE);
    assert_int_equal(p.max_age, 604800);
    assert_int_equal(p.nmx, 2);
    assert_string_equal(p.mx[1], "*.example.net");
    assert_string_equal(p.warn, "");
    pp_sts_policy_free(&p);

    /* LF only, no final line end, white space around values, an extension ignored. */
    assert_int_equal(policy("version: STSv1\nmode:testing\t\nmx:   a.example\n"
                            "x-ext_1.b: any thing at all\nmax_age: 31557600", &p), 0);
    assert_int_equal(p.mode, PP_STS_TESTING);
    assert_int_equal(p.max_age, 31557600);
    assert_string_equal(p.warn, "");
    pp_sts_policy_free(&p);

    /* mode none needs no mx; one empty last line is no slip. */
    assert_int_equal(policy("version: STSv1\nmode: none\nmax_age: 0\n\n", &p), 0);
    assert_int_equal(p.mode, PP_STS_NONE);
    assert_string_equal(p.warn, "");
    pp_sts_policy_free(&p);
}

static void test_policy_slips(void **state)
{
    (void)state;
    pp_sts_policy p;
    assert_int_equal(policy("mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 86400\n",
                            &p), 0);
    assert_string_equal(p.warn, "line 2: version is not the first field");
    pp_sts_policy_free(&p);

    assert_int_equal(policy("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\n"
                            "max_age: 86400\n", &p), 0);
    assert_int_equal(p.mode, PP_STS_TESTING); /* the first one counts */
    assert_string_equal(p.warn, "line 3: mode given again (line 2's counts)");
    pp_sts_policy_free(&p);

    assert_int_equal(policy("version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 1\n",
                            &p), 0);
    assert_string_equal(p.warn, "line 2 is empty");
    pp_sts_policy_free(&p);
}

static void test_policy_refused(void **state)
{
    (void)state;
    refused("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
            "line 1: version \"STSv2\" is not STSv1");
    refused("mode: enforce\nmx: a.example\nmax_age: 1\n", "no version field");
    refused("version: STSv1\nmx: a.example\nmax_age: 1\n", "no mode field");
    refused("version: STSv1\nmode: enforce\nmx: a.example\n", "no max_age field");
    refused("version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx field");
    refused("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n",
            "line 2: mode \"Enforce\" is not enforce, testing or none");
    refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
            "max_age \"31557601\" is not a number of seconds up to 31557600");
    refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "max_age \"-1\"");
    refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n",
            "max_age");
    refused("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1 week\n", "max_age");
    refused("version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n",
            "line 3: mx \"*.*.example\" is not a host name or *.domain");
    refused("version: STSv1\nmode: enforce\nmx: mail.example.org.\nmax_age: 1\n", "mx");
    refused("version: STSv1\nmode: enforce\nmx: -a.example\nmax_age: 1\n", "mx");
    refused("version: STSv1\nmode: enforce\nmx: a_b.example\nmax_age: 1\n", "mx");
    refused("version: STSv1\nmode: enforce\nmx: a.example, b.example\nmax_age: 1\n", "mx");
    refused("version: STSv1\nmode: enforce\nmx:\nmax_age: 1\n", "line 3: mx has no value");
    refused("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1\n",
            "line 2: \"mode enforce\" is not \"key: value\"");
    refused("version: STSv1\n: x\nmode: enforce\n", "line 2");
    refused("version: STSv1\n-ext: x\nmode: enforce\n", "is not a field name");
    refused("version: STSv1\rmode: enforce\rmx: a.example\rmax_age: 1\r",
            "byte 0x0d is not printable ASCII");
    refused("<html><body>Not found</body></html>\n", "is not \"key: value\"");
    refused("version: STSv1\nmode: enforce\nmx: \xc3\xa9.example\nmax_age: 1\n", "0xc3");

    pp_sts_policy p;
    const char nul[] = "version: STSv1\nmode: enforce\0\nmx: a.example\nmax_age: 1\n";
    assert_int_equal(pp_sts_policy_parse(nul, sizeof nul - 1, &p, err, sizeof err), -1);
    assert_string_equal(err, "the policy holds a NUL byte");
}

static void test_mx_match(void **state)
{
    (void)state;
    assert_true(pp_sts_mx_match("mail.example.org", "MAIL.example.org"));
    assert_true(pp_sts_mx_match("mail.example.org", "mail.example.org."));
    assert_false(pp_sts_mx_match("mail.example.org", "mail.example.org.evil"));
    assert_false(pp_sts_mx_match("mail.example.org", "xmail.example.org"));
    assert_true(pp_sts_mx_match("*.example.org", "mx1.example.org"));
    assert_true(pp_sts_mx_match("*.example.org", "mx1.Example.ORG."));
    /* RFC 8461 4.1: the wildcard is exactly one label, the left-most. */
    assert_false(pp_sts_mx_match("*.example.org", "a.mx1.example.org"));
    assert_false(pp_sts_mx_match("*.example.org", "example.org"));
    assert_false(pp_sts_mx_match("*.example.org", ".example.org"));
    assert_false(pp_sts_mx_match("*.example.org", "mx1.example.organic"));

    pp_sts_policy p;
    assert_int_equal(policy("version: STSv1\nmode: enforce\nmx: a.example\nmx: *.b.example\n"
                            "max_age: 1\n", &p), 0);
    assert_string_equal(pp_sts_policy_match(&p, "x.b.example"), "*.b.example");
    assert_string_equal(pp_sts_policy_match(&p, "a.example"), "a.example");
    assert_null(pp_sts_policy_match(&p, "b.example"));
    pp_sts_policy_free(&p);
}

static void test_tlsrpt(void **state)
{
    (void)state;
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.org", err,
                                         sizeof err), 1);
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1;rua=mailto:a@example.org,"
                                         "https://reports.example.org/tlsrpt;", err,
                                         sizeof err), 2);
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1", err, sizeof err), -1);
    assert_string_equal(err, "no rua field: no address for reports");
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=tlsrpt@example.org", err,
                                         sizeof err), -1);
    assert_non_null(strstr(err, "is neither mailto:ADDRESS nor https://HOST"));
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=mailto:nobody", err, sizeof err),
                     -1);
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=http://example.org", err,
                                         sizeof err), -1);
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=mailto:a@b.example,", err,
                                         sizeof err), -1);
    assert_int_equal(pp_sts_tlsrpt_parse("v=TLSRPTv1; rua=mailto:a@b.example; rua=mailto:c@d",
                                         err, sizeof err), -1);
    assert_string_equal(err, "more than one rua field");
    assert_true(pp_sts_tlsrpt_is_tlsrpt("v=TLSRPTv1;rua=mailto:a@b"));
    assert_false(pp_sts_tlsrpt_is_tlsrpt("v=STSv1; id=1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_policy_good),
        cmocka_unit_test(test_policy_slips),
        cmocka_unit_test(test_policy_refused),
        cmocka_unit_test(test_mx_match),
        cmocka_unit_test(test_tlsrpt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
