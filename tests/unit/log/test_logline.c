/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logline - Postfix log lines split (common/log/logline.c): postlog's zero-padded day,
 * syslog's space-padded one, RFC 3339 with fraction and offset, tags with and without a
 * service name or pid, the year of a December line read in January, lines of other shapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/logline.h"

static int parse(const char *s, pp_logline *l)
{
    return pp_logline_parse(s, strlen(s), l);
}

static void assert_span(const char *p, size_t n, const char *want)
{
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void test_postlog(void **state)
{
    (void)state;
    pp_logline l;
    assert_int_equal(parse("Dec 05 09:11:18 mail postfix-pp/submission/smtpd[15622]: warning: "
                           "localhost[127.0.0.1]: SASL LOGIN authentication failed: x", &l), 0);
    assert_int_equal(l.mon, 11);
    assert_int_equal(l.day, 5);
    assert_int_equal(l.hour, 9);
    assert_int_equal(l.min, 11);
    assert_int_equal(l.sec, 18);
    assert_int_equal(l.year, -1);
    assert_span(l.host, l.host_len, "mail");
    assert_span(l.name, l.name_len, "postfix-pp/submission");
    assert_span(l.prog, l.prog_len, "smtpd");
    assert_int_equal(l.pid, 15622);
    assert_span(l.text, l.text_len,
                "warning: localhost[127.0.0.1]: SASL LOGIN authentication failed: x");
    assert_true(pp_logline_name_is(&l, "postfix-pp"));
    assert_true(pp_logline_name_is(&l, "postfix-pp/submission"));
    assert_false(pp_logline_name_is(&l, "postfix"));
    assert_false(pp_logline_name_is(&l, "postfix-pp/sub"));
}

static void test_syslog_space(void **state)
{
    (void)state;
    pp_logline l;
    assert_int_equal(parse("Jan  5 00:00:01 mx1 postfix/qmgr[77]: 3E17AA72CA3: removed", &l), 0);
    assert_int_equal(l.mon, 0);
    assert_int_equal(l.day, 5);
    assert_span(l.name, l.name_len, "postfix");
    assert_span(l.prog, l.prog_len, "qmgr");
    assert_span(l.text, l.text_len, "3E17AA72CA3: removed");
    assert_int_equal(parse("Jan 15 23:59:60 mx1 postfix/qmgr[77]: x", &l), 0);
    assert_int_equal(l.day, 15);
    /* no pid: postfix-script, postlog's own lines */
    assert_int_equal(parse("Dec 05 09:10:00 mail postfix-pp/postfix-script: starting", &l), 0);
    assert_int_equal(l.pid, -1);
    assert_span(l.prog, l.prog_len, "postfix-script");
}

static void test_rfc3339(void **state)
{
    (void)state;
    pp_logline l;
    assert_int_equal(parse("2026-12-05T09:10:00.123456+01:00 mail postfix/smtpd[12]: connect "
                           "from x[1.2.3.4]", &l), 0);
    assert_int_equal(l.year, 2026);
    assert_true(l.has_offset);
    assert_int_equal(l.offset, 3600);
    assert_int_equal(pp_logline_time(&l, 0), 1796458200LL);
    assert_int_equal(parse("2026-12-05T08:10:00Z mail postfix/smtpd[12]: x", &l), 0);
    assert_int_equal(pp_logline_time(&l, 0), 1796458200LL);
    assert_int_equal(parse("2026-12-05T09:10:00-05:30 h postfix/smtpd[12]: x", &l), 0);
    assert_int_equal(l.offset, -(5 * 3600 + 1800));
}

static void test_year_rollover(void **state)
{
    (void)state;
    pp_logline l;
    setenv("TZ", "UTC", 1);
    tzset();
    /* 2027-01-02 00:00:00 UTC: a "Dec 31" line is from 2026 */
    long long now = 1798848000LL;
    assert_int_equal(parse("Dec 31 23:59:59 h postfix/smtpd[1]: x", &l), 0);
    assert_int_equal(pp_logline_time(&l, now), 1798761599LL);
    /* the same day as now is this year */
    assert_int_equal(parse("Jan 02 00:00:00 h postfix/smtpd[1]: x", &l), 0);
    assert_int_equal(pp_logline_time(&l, now), now);
    /* a line a few hours in the future (clock skew) stays this year */
    assert_int_equal(parse("Jan 02 05:00:00 h postfix/smtpd[1]: x", &l), 0);
    assert_int_equal(pp_logline_time(&l, now), now + 5 * 3600);
}

static void test_bad(void **state)
{
    (void)state;
    pp_logline l;
    const char *bad[] = {"", "Dec", "Dex 05 09:10:00 h p[1]: x", "Dec 05 09:10 h p[1]: x",
                         "Dec 32 09:10:00 h p[1]: x", "Dec 05 24:10:00 h p[1]: x",
                         "Dec 05 09:10:00 h", "Dec 05 09:10:00 h p[1] x",
                         "Dec 05 09:10:00 h p[12x]: x", "Dec 05 09:10:00  p[1]: x",
                         "Dec 05 09:10:00 h : x", "2026-13-05T09:10:00Z h p: x",
                         "2026-12-05T09:10:00 h p: x", "2026-12-05T09:10:00+0100 h p: x",
                         "Dec 05 09:10:00 h a b: x", "Dec 05 09:10:00 h p[99999999999]: x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i], &l) == 0)
            fail_msg("parsed: %s", bad[i]);
    /* not NUL-terminated: the length is the end */
    const char *s = "Dec 05 09:10:00 h postfix/smtpd[1]: text and more";
    assert_int_equal(pp_logline_parse(s, 40, &l), 0);
    assert_span(l.text, l.text_len, "text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postlog),     cmocka_unit_test(test_syslog_space),
        cmocka_unit_test(test_rfc3339),     cmocka_unit_test(test_year_rollover),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
