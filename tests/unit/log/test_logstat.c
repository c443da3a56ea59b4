/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logstat - an interval's counts (common/log/logstat.c): only the instance's syslog
 * names count, "deferred" counts messages and "deferrals" lines, a removed message deferred
 * again later is a new one, the bounded table of deferred messages makes the count an upper
 * bound when full, reasons grouped and capped, delay medians.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "log/logstat.h"

static const char *const names[] = {"postfix-pp", NULL};

static void feed(pp_logstat *st, const char *line)
{
    pp_logstat_line(st, line, strlen(line));
}

static void deferral(pp_logstat *st, const char *qid, const char *why)
{
    char line[512];
    snprintf(line, sizeof line, "Dec 05 09:11:15 mail postfix-pp/smtp[1]: %s: to=<a@b.test>, "
             "relay=none, delay=2, delays=1/0/0/1, dsn=4.4.1, status=deferred (%s)", qid, why);
    feed(st, line);
}

static void test_names_and_counts(void **state)
{
    (void)state;
    pp_logstat_opts o = {.names = names, .examples = true};
    pp_logstat *st = pp_logstat_new(&o);
    feed(st, "Dec 05 09:11:13 mail postfix-pp/smtpd[1]: 3E17AA72CA3: client=localhost[127.0.0.1]");
    feed(st, "Dec 05 09:11:13 mail postfix-pp/sink/smtpd[1]: 3E17AA72CA4: client=l[127.0.0.1]");
    feed(st, "Dec 05 09:11:13 mail postfix-out/smtpd[1]: 3E17AA72CA5: client=l[127.0.0.1]");
    feed(st, "Dec 05 09:11:13 mail postfix/smtpd[1]: 3E17AA72CA6: client=l[127.0.0.1]");
    feed(st, "not a log line");
    deferral(st, "AAAAA1", "connect to x[1.2.3.4]:25: Connection refused");
    deferral(st, "AAAAA1", "connect to x[1.2.3.4]:25: Connection refused");
    deferral(st, "AAAAA2", "conversation with x[1.2.3.4] timed out while receiving the "
             "initial server greeting");
    feed(st, "Dec 05 09:11:15 mail postfix-pp/qmgr[2]: AAAAA1: removed");
    deferral(st, "AAAAA1", "connect to x[1.2.3.4]:25: Connection refused");
    assert_int_equal(pp_logstat_count(st, PP_LOGC_RECEIVED), 2);
    assert_int_equal(pp_logstat_count(st, PP_LOGC_DEFERRALS), 4);
    assert_int_equal(pp_logstat_count(st, PP_LOGC_DEFERRED), 3);
    assert_int_equal(pp_logstat_count(st, PP_LOGC_REMOVED), 1);
    feed(st, "Dec 05 09:11:16 mail postfix-pp/smtpd[1]: connect from localhost[127.0.0.1]");
    assert_int_equal(pp_logstat_count(st, PP_LOGC_CONNECTS), 1);
    assert_string_equal(pp_logcount_name(PP_LOGC_CONNECTS), "connects");
    const pp_logstat_lines *ls = pp_logstat_lines_seen(st);
    assert_int_equal(ls->read, 11);
    assert_int_equal(ls->unparsed, 1);
    assert_int_equal(ls->other, 2);
    assert_false(ls->deferred_approx);
    pp_logtop top[4];
    assert_int_equal(pp_logstat_top(st, PP_LOGG_DEFERRAL, top, 4), 2);
    assert_string_equal(top[0].key, "4.4.1 connection refused");
    assert_int_equal(top[0].count, 3);
    assert_non_null(strstr(top[0].example, "AAAAA1: to=<a@b.test>"));
    assert_string_equal(top[1].key, "4.4.1 timed out");
    double med, max;
    assert_true(pp_logstat_delay(st, 0, &med, &max));
    assert_true(med > 1.99 && med < 2.01);
    assert_true(pp_logstat_delay(st, 1, &med, &max));
    assert_true(med > 0.99 && med < 1.01);
    assert_string_equal(pp_logcount_name(PP_LOGC_PASS_NEW), "postscreen_pass_new");
    pp_logstat_free(st);
}

static void test_bounded(void **state)
{
    (void)state;
    pp_logstat_opts o = {.names = names, .max_deferred = 4};
    pp_logstat *st = pp_logstat_new(&o);
    char qid[16], why[64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 6; i++) {
            snprintf(qid, sizeof qid, "BBBB%02d", i);
            deferral(st, qid, "x");
        }
    /* 4 tracked (counted once), 2 untracked (counted at each of their 2 deferrals) */
    assert_int_equal(pp_logstat_count(st, PP_LOGC_DEFERRED), 8);
    assert_true(pp_logstat_lines_seen(st)->deferred_approx);
    pp_logstat_free(st);

    st = pp_logstat_new(&(pp_logstat_opts){.names = names});
    for (int i = 0; i < PP_LOGSTAT_MAX_KEYS + 10; i++) {
        snprintf(qid, sizeof qid, "CCCC%04d", i);
        snprintf(why, sizeof why, "reason number %d", i);
        deferral(st, qid, why);
    }
    pp_logtop top[PP_LOGSTAT_MAX_KEYS + 5];
    size_t n = pp_logstat_top(st, PP_LOGG_DEFERRAL, top, PP_LOGSTAT_MAX_KEYS + 5);
    assert_int_equal(n, PP_LOGSTAT_MAX_KEYS + 1);
    assert_string_equal(top[0].key, PP_LOGSTAT_OTHER);
    assert_int_equal(top[0].count, 10);
    assert_null(top[0].example);
    pp_logstat_free(st);
}

static void test_since(void **state)
{
    (void)state;
    pp_logstat_opts o = {.names = names, .since = 1796458200LL};
    pp_logstat *st = pp_logstat_new(&o);
    feed(st, "2026-12-05T08:09:59Z mail postfix-pp/pickup[1]: AAAAA1: uid=0 from=<root>");
    feed(st, "2026-12-05T08:10:00Z mail postfix-pp/pickup[1]: AAAAA2: uid=0 from=<root>");
    assert_int_equal(pp_logstat_count(st, PP_LOGC_RECEIVED), 1);
    assert_int_equal(pp_logstat_lines_seen(st)->older, 1);
    assert_int_equal(pp_logstat_lines_seen(st)->first, 1796458200LL);
    pp_logstat_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_counts),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_since),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
