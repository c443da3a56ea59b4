/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_snmp_extend - NET-SNMP-EXTEND-MIB OIDs, exit status mapping (common/snmp/snmp_extend.c) and
 * the SNMPv3 privacy password in authfiles (common/core/secret.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "snmp/snmp_extend.h"

static void oid_text(const unsigned long *o, size_t n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, ".%lu", o[i]);
}

static void test_oid_build(void **state)
{
    (void)state;
    unsigned long o[PP_SNMP_OID_MAX];
    size_t n;
    char text[1024];

    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_OUTPUT_FULL, "pp_ok", o, &n), 0);
    oid_text(o, n, text, sizeof text);
    assert_string_equal(text, ".1.3.6.1.4.1.8072.1.3.2.3.1.2.5.112.112.95.111.107");
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_RESULT, "pp_crit", o, &n), 0);
    oid_text(o, n, text, sizeof text);
    assert_string_equal(text, ".1.3.6.1.4.1.8072.1.3.2.3.1.4.7.112.112.95.99.114.105.116");
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_CONFIG_STATUS, "a", o, &n), 0);
    oid_text(o, n, text, sizeof text);
    assert_string_equal(text, ".1.3.6.1.4.1.8072.1.3.2.2.1.21.1.97");
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_NUM_LINES, "a", o, &n), 0);
    oid_text(o, n, text, sizeof text);
    assert_string_equal(text, ".1.3.6.1.4.1.8072.1.3.2.3.1.3.1.97");
    /* nsExtendOutput2Table: the prefix of the name's rows (the line number follows). */
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_OUT_LINE, "ab", o, &n), 0);
    oid_text(o, n, text, sizeof text);
    assert_string_equal(text, ".1.3.6.1.4.1.8072.1.3.2.4.1.2.2.97.98");

    /* Bytes above 127 are sub-identifiers up to 255, not negative numbers. */
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_RESULT, "\xc3\xa9", o, &n), 0);
    assert_int_equal(n, 16);
    assert_int_equal(o[14], 0xc3);
    assert_int_equal(o[15], 0xa9);
}

static void test_oid_limits(void **state)
{
    (void)state;
    unsigned long o[PP_SNMP_OID_MAX];
    size_t n;
    char name[200];

    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_RESULT, "", o, &n), -1);
    assert_int_equal(pp_snmp_extend_oid(5, "x", o, &n), -1);
    memset(name, 'a', sizeof name);
    name[114] = '\0'; /* 12 + column + length + 114 = 128, the most an OID may hold */
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_RESULT, name, o, &n), 0);
    assert_int_equal(n, PP_SNMP_OID_MAX);
    name[114] = 'a';
    name[115] = '\0';
    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_RESULT, name, o, &n), -1);
}

static void test_index_roundtrip(void **state)
{
    (void)state;
    unsigned long o[PP_SNMP_OID_MAX];
    size_t n;
    char name[64];

    assert_int_equal(pp_snmp_extend_oid(PP_SNMP_CONFIG_STATUS, "postfix_queue", o, &n), 0);
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n, name, sizeof name), 0);
    assert_string_equal(name, "postfix_queue");
    /* Another column, a short buffer, a wrong length byte, a NUL or >255 sub-identifier. */
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_RESULT, o, n, name, sizeof name), -1);
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n, name, 13), -1);
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n - 1, name, sizeof name),
                     -1);
    o[15] = 0;
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n, name, sizeof name), -1);
    o[15] = 256;
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n, name, sizeof name), -1);
    o[15] = 'o';
    o[3] = 2; /* not under enterprises.8072 */
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, n, name, sizeof name), -1);
    assert_int_equal(pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, o, 13, name, sizeof name), -1);
}

static void test_state(void **state)
{
    (void)state;
    pp_state s = PP_OK;
    assert_int_equal(pp_snmp_extend_state(0, &s), 0);
    assert_int_equal(s, PP_OK);
    assert_int_equal(pp_snmp_extend_state(2, &s), 0);
    assert_int_equal(s, PP_CRITICAL);
    assert_int_equal(pp_snmp_extend_state(3, &s), 0);
    assert_int_equal(s, PP_UNKNOWN);
    /* 127: command not found; -1: killed; 4: no such state. */
    assert_int_equal(pp_snmp_extend_state(4, &s), -1);
    assert_int_equal(pp_snmp_extend_state(127, &s), -1);
    assert_int_equal(pp_snmp_extend_state(-1, &s), -1);
    assert_int_equal(s, PP_UNKNOWN);
}

static pp_snmp_extend ext(long result, const char *out)
{
    pp_snmp_extend e = {.result = result, .output = (char *)out, .output_len = strlen(out)};
    return e;
}

/* What snmpd's nsExtendResult can and cannot stand for (issue 19 item 9). */
static void test_judge(void **state)
{
    (void)state;
    pp_state s = PP_OK;
    char why[256];
    pp_snmp_extend e = ext(2, "TEST CRITICAL - broken | x=9\nmore");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), 0);
    assert_int_equal(s, PP_CRITICAL);
    e = ext(0, "HTTP OK: HTTP/1.1 200 OK - 0.01 s");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), 0);
    assert_int_equal(s, PP_OK);
    /* No state word before " - " or ':': the exit status alone. */
    e = ext(1, "queue has 600 mails - CRITICAL above 2000");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), 0);
    assert_int_equal(s, PP_WARNING);
    e = ext(0, "CRITICALLY fine");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), 0);

    /* Killed by a signal after a CRITICAL line: snmpd says 0. */
    e = ext(0, "TEST CRITICAL - about to be killed | x=9");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_string_equal(why, "exited with 0 (OK), but its output says CRITICAL (snmpd reports "
                             "a command killed by a signal as 0)");
    e = ext(2, "DISK WARNING: 91% used");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_string_equal(why, "exited with 2 (CRITICAL), but its output says WARNING");
    e = ext(1, "");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_non_null(strstr(why, "printed nothing and exited with 1: snmpd reports this for a "
                                "command it cannot run"));
    e = ext(0, "");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_non_null(strstr(why, "killed by a signal"));
    e = ext(127, "sh: 1: exec: /x: not found");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_non_null(strstr(why, "found no such command"));
    e = ext(4, "TEST OK");
    assert_int_equal(pp_snmp_extend_judge(&e, &s, why, sizeof why), -1);
    assert_non_null(strstr(why, "no plugin state"));
}

static void test_priv_password(void **state)
{
    (void)state;
    pp_secret s = {0};
    char err[256];
    assert_int_equal(pp_authfile_parse("user = v3user\npassword = authpass1\n"
                                       "priv_password = privpass1\n", &s, err, sizeof err), 0);
    assert_string_equal(s.user, "v3user");
    assert_string_equal(s.password, "authpass1");
    assert_string_equal(s.priv_password, "privpass1");
    pp_secret_free(&s);
    assert_null(s.priv_password);

    setenv("PP_TEST_PRIV", "envpriv1", 1);
    pp_secret_src env = {.env_priv_password = "PP_TEST_PRIV"};
    assert_int_equal(pp_secret_resolve(&s, &env, err, sizeof err), 0);
    assert_string_equal(s.priv_password, "envpriv1");
    pp_secret_free(&s);
    pp_secret_src cli = {.priv_password = "clipriv1", .env_priv_password = "PP_TEST_PRIV"};
    assert_int_equal(pp_secret_resolve(&s, &cli, err, sizeof err), 0);
    assert_string_equal(s.priv_password, "clipriv1");
    pp_secret_free(&s);
    unsetenv("PP_TEST_PRIV");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oid_build),     cmocka_unit_test(test_oid_limits),
        cmocka_unit_test(test_index_roundtrip), cmocka_unit_test(test_state),
        cmocka_unit_test(test_judge), cmocka_unit_test(test_priv_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
