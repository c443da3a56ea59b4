/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_range - the Nagios range syntax and threshold judgment (common/core/range.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/range.h"

static pp_range parse_ok(const char *text)
{
    pp_range r;
    char err[128];
    assert_int_equal(pp_range_parse(text, &r, err, sizeof err), 0);
    assert_true(r.set);
    return r;
}

static void parse_bad(const char *text)
{
    pp_range r;
    char err[128] = "";
    assert_int_equal(pp_range_parse(text, &r, err, sizeof err), -1);
    assert_false(r.set);
    assert_true(strlen(err) > 0);
}

/* "10": alert outside 0..10, both ends inclusive. */
static void test_plain(void **state)
{
    (void)state;
    pp_range r = parse_ok("10");
    assert_false(pp_range_alerts(&r, 0));
    assert_false(pp_range_alerts(&r, 10));
    assert_false(pp_range_alerts(&r, 5.5));
    assert_true(pp_range_alerts(&r, 10.0001));
    assert_true(pp_range_alerts(&r, -0.0001));
}

/* "10:": alert below 10 only. */
static void test_open_end(void **state)
{
    (void)state;
    pp_range r = parse_ok("10:");
    assert_false(pp_range_alerts(&r, 10));
    assert_false(pp_range_alerts(&r, 1e12));
    assert_true(pp_range_alerts(&r, 9.999));
}

/* "~:10": alert above 10 only, never below (a known bug elsewhere: alerting on negatives). */
static void test_negative_infinity(void **state)
{
    (void)state;
    pp_range r = parse_ok("~:10");
    assert_false(pp_range_alerts(&r, 10));
    assert_false(pp_range_alerts(&r, 0));
    assert_false(pp_range_alerts(&r, -1e9));
    assert_true(pp_range_alerts(&r, 10.5));
}

static void test_between(void **state)
{
    (void)state;
    pp_range r = parse_ok("10:20");
    assert_false(pp_range_alerts(&r, 10));
    assert_false(pp_range_alerts(&r, 20));
    assert_true(pp_range_alerts(&r, 9));
    assert_true(pp_range_alerts(&r, 21));
}

/* "@10:20": alert inside, inclusive. */
static void test_inside(void **state)
{
    (void)state;
    pp_range r = parse_ok("@10:20");
    assert_true(pp_range_alerts(&r, 10));
    assert_true(pp_range_alerts(&r, 15));
    assert_true(pp_range_alerts(&r, 20));
    assert_false(pp_range_alerts(&r, 9.99));
    assert_false(pp_range_alerts(&r, 20.01));
    pp_range z = parse_ok("@0");
    assert_true(pp_range_alerts(&z, 0));
    assert_false(pp_range_alerts(&z, 1));
}

/* Doubles compare as doubles (another known bug: truncation to integers). */
static void test_fractional_and_negative(void **state)
{
    (void)state;
    pp_range r = parse_ok("0.5:1.5");
    assert_true(pp_range_alerts(&r, 0.4));
    assert_false(pp_range_alerts(&r, 0.5));
    assert_false(pp_range_alerts(&r, 1.5));
    assert_true(pp_range_alerts(&r, 1.51));

    pp_range n = parse_ok("-10.5:-2.25");
    assert_true(pp_range_alerts(&n, -10.6));
    assert_false(pp_range_alerts(&n, -10.5));
    assert_false(pp_range_alerts(&n, -2.25));
    assert_true(pp_range_alerts(&n, -2.24));
    assert_true(pp_range_alerts(&n, 0));

    pp_range m = parse_ok("~:-0.5");
    assert_true(pp_range_alerts(&m, 0));
    assert_false(pp_range_alerts(&m, -0.5));
    assert_false(pp_range_alerts(&m, -100));

    pp_range t = parse_ok("0.3");
    assert_false(pp_range_alerts(&t, 0.1 + 0.2 - 1e-12));
    assert_true(pp_range_alerts(&t, 0.31));

    pp_range e = parse_ok("-5:");
    assert_false(pp_range_alerts(&e, -5));
    assert_true(pp_range_alerts(&e, -5.01));
}

static void test_malformed(void **state)
{
    (void)state;
    parse_bad("");
    parse_bad("abc");
    parse_bad("10:5");
    parse_bad("1:2:3");
    parse_bad("@");
    parse_bad(":");
    parse_bad("~");
    parse_bad("nan");
    parse_bad("inf");
    parse_bad("0x10");
    parse_bad("10,20");
    parse_bad("5 ");
    parse_bad("1e");
    parse_bad("-");
    parse_bad("1e999");
}

static void test_format(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"10", "10"},       {"10:", "10:"},     {"~:10", "~:10"},     {"10:20", "10:20"},
        {"@10:20", "@10:20"}, {"@5", "@0:5"},   {"-1.5:2.25", "-1.5:2.25"}, {"0:10", "10"},
        {"~:", "~:"},       {"1e3", "1000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pp_range r = parse_ok(cases[i][0]);
        char out[64];
        pp_range_format(&r, out, sizeof out);
        assert_string_equal(out, cases[i][1]);
    }
    pp_range unset = {0};
    char out[8];
    pp_range_format(&unset, out, sizeof out);
    assert_string_equal(out, "");
}

/* Critical is judged before warning; unset ranges never alert. */
static void test_thresholds(void **state)
{
    (void)state;
    pp_thresh t = {0};
    assert_int_equal(pp_thresh_judge(&t, 1e9), PP_OK);
    t.warn = parse_ok("10");
    t.crit = parse_ok("20");
    assert_int_equal(pp_thresh_judge(&t, 5), PP_OK);
    assert_int_equal(pp_thresh_judge(&t, 10), PP_OK);
    assert_int_equal(pp_thresh_judge(&t, 15), PP_WARNING);
    assert_int_equal(pp_thresh_judge(&t, 25), PP_CRITICAL);
    assert_int_equal(pp_thresh_judge(&t, -1), PP_CRITICAL);
    /* A warning range that would also match must not hide a critical. */
    t.warn = parse_ok("~:1");
    t.crit = parse_ok("~:2");
    assert_int_equal(pp_thresh_judge(&t, 3), PP_CRITICAL);
}

static void test_fmt_num(void **state)
{
    (void)state;
    char out[64];
    pp_fmt_num(1e20, out, sizeof out);
    assert_string_equal(out, "100000000000000000000");
    pp_fmt_num(0.000001, out, sizeof out);
    assert_string_equal(out, "0.000001");
    pp_fmt_num(-0.0, out, sizeof out);
    assert_string_equal(out, "0");
    pp_fmt_num(12.5, out, sizeof out);
    assert_string_equal(out, "12.5");
    pp_fmt_num(3.0, out, sizeof out);
    assert_string_equal(out, "3");
    pp_fmt_num(0.0 / 0.0, out, sizeof out);
    assert_string_equal(out, "U");
    assert_null(strchr(out, 'e'));
}

static void test_states(void **state)
{
    (void)state;
    assert_int_equal(pp_state_worst(PP_OK, PP_UNKNOWN), PP_UNKNOWN);
    assert_int_equal(pp_state_worst(PP_WARNING, PP_UNKNOWN), PP_WARNING);
    assert_int_equal(pp_state_worst(PP_UNKNOWN, PP_CRITICAL), PP_CRITICAL);
    assert_int_equal(pp_state_worst(PP_CRITICAL, PP_WARNING), PP_CRITICAL);
    pp_state s;
    assert_int_equal(pp_state_parse("Critical", &s), 0);
    assert_int_equal(s, PP_CRITICAL);
    assert_int_equal(pp_state_parse("1", &s), 0);
    assert_int_equal(s, PP_WARNING);
    assert_int_equal(pp_state_parse("4", &s), -1);
    assert_int_equal(pp_state_parse("", &s), -1);
}

static void test_thresh_parse(void **state)
{
    (void)state;
    pp_thresh t;
    char err[128];
    assert_int_equal(pp_thresh_parse("5,10", &t, err, sizeof err), 0);
    assert_true(t.warn.set && t.crit.set);
    assert_int_equal(pp_thresh_judge(&t, 7), PP_WARNING);
    /* Both parts are replaced: an empty one means no threshold. */
    assert_int_equal(pp_thresh_parse(",0", &t, err, sizeof err), 0);
    assert_false(t.warn.set);
    assert_int_equal(pp_thresh_judge(&t, 1), PP_CRITICAL);
    assert_int_equal(pp_thresh_parse(",", &t, err, sizeof err), 0);
    assert_false(t.warn.set || t.crit.set);
    assert_int_equal(pp_thresh_parse("5", &t, err, sizeof err), -1);
    assert_string_equal(err, "expected WARN,CRIT ranges, got '5'");
    t.warn.set = true;
    assert_int_equal(pp_thresh_parse("x,1", &t, err, sizeof err), -1);
    assert_true(t.warn.set); /* unchanged */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),        cmocka_unit_test(test_open_end),
        cmocka_unit_test(test_negative_infinity), cmocka_unit_test(test_between),
        cmocka_unit_test(test_inside),       cmocka_unit_test(test_fractional_and_negative),
        cmocka_unit_test(test_malformed),    cmocka_unit_test(test_format),
        cmocka_unit_test(test_thresholds),   cmocka_unit_test(test_fmt_num),
        cmocka_unit_test(test_states),       cmocka_unit_test(test_thresh_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
