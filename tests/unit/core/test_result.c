/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_result - the result tree and its renderings (common/core/result.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/result.h"

static char *render(pp_result *r, pp_format fmt, int verbose)
{
    pp_buf b;
    pp_buf_init(&b);
    pp_output_setup("POSTFIX_QUEUE", fmt, verbose);
    pp_result_render(r, &b);
    return b.s;
}

static void test_worst_state_and_summary(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_OK, "active: 0");
    pp_sub *d = pp_result_add(r, PP_CRITICAL, "deferred: 120 messages");
    pp_sub_detail(d, "oldest 3 d");
    pp_result_add(r, PP_WARNING, "hold: 2 messages");
    pp_result_summary(r, "122 messages");
    pp_perf p = pp_perf_make("deferred", 120, "");
    pp_result_perf(r, &p);
    assert_int_equal(pp_result_state(r), PP_CRITICAL);

    char *s = render(r, PP_FMT_NAGIOS, 0);
    assert_string_equal(s, "POSTFIX_QUEUE CRITICAL - deferred: 120 messages, 122 messages | "
                           "deferred=120\n"
                           "[OK] active: 0\n"
                           "[CRITICAL] deferred: 120 messages\n"
                           "[WARNING] hold: 2 messages\n");
    free(s);
    s = render(r, PP_FMT_NAGIOS, 1);
    assert_non_null(strstr(s, "[CRITICAL] deferred: 120 messages\n    oldest 3 d\n"));
    free(s);
    pp_result_free(r);
}

/* A judgment made aside and adopted, CRITICAL softened to WARNING; UNKNOWN stays. */
static void test_adopt(void **state)
{
    (void)state;
    pp_result *r = pp_result_new(), *aside = pp_result_new();
    pp_result_add(r, PP_OK, "policy: testing");
    pp_result_add(aside, PP_CRITICAL, "mx1: certificate expired");
    pp_result_add(aside, PP_UNKNOWN, "mx2: timed out");
    pp_perf p = pp_perf_make("mx1_days_leaf", -2, "");
    pp_result_perf(aside, &p);
    pp_result_adopt(r, aside, true);
    char *s = render(r, PP_FMT_NAGIOS, 0);
    assert_string_equal(s, "POSTFIX_QUEUE WARNING - mx1: certificate expired | "
                           "mx1_days_leaf=-2\n"
                           "[OK] policy: testing\n"
                           "[WARNING] mx1: certificate expired\n"
                           "[UNKNOWN] mx2: timed out\n");
    free(s);
    aside = pp_result_new();
    pp_result_add(aside, PP_CRITICAL, "mx3: name mismatch");
    pp_result_adopt(r, aside, false);
    assert_int_equal(pp_result_state(r), PP_CRITICAL);
    s = render(r, PP_FMT_NAGIOS, 0);
    assert_non_null(strstr(s, "[CRITICAL] mx3: name mismatch\n"));
    free(s);
    pp_result_free(r);
}

static void test_ok_without_summary(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_OK, "banner in 3 ms");
    char *s = render(r, PP_FMT_NAGIOS, 0);
    /* A single sub-result is not repeated as long output. */
    assert_string_equal(s, "POSTFIX_QUEUE OK - banner in 3 ms\n");
    free(s);
    pp_result_add(r, PP_UNKNOWN, "cannot read x");
    s = render(r, PP_FMT_NAGIOS, 0);
    assert_string_equal(s, "POSTFIX_QUEUE UNKNOWN - cannot read x\n[OK] banner in 3 ms\n"
                           "[UNKNOWN] cannot read x\n");
    free(s);
    pp_result_free(r);
}

/* Newlines and pipes in texts (a server's reply, say) cannot break the format. */
static void test_text_sanitized(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_CRITICAL, "server said: 554 no\r\nthanks | x=1");
    char *s = render(r, PP_FMT_NAGIOS, 0);
    assert_string_equal(s, "POSTFIX_QUEUE CRITICAL - server said: 554 no  thanks / x=1\n");
    free(s);
    pp_result_free(r);
}

static void test_empty(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    char *s = render(r, PP_FMT_NAGIOS, 0);
    assert_string_equal(s, "POSTFIX_QUEUE OK - no result\n");
    free(s);
    pp_result_free(r);
}

static void test_json(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_WARNING, "quote \" and \\ and\ttab");
    pp_perf p = pp_perf_make("time", 1.5, "s");
    p.warn.set = true;
    p.warn.end = 1;
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_result_perf(r, &p);
    char *s = render(r, PP_FMT_JSON, 0);
    assert_string_equal(s,
        "{\"service\":\"POSTFIX_QUEUE\",\"state\":\"WARNING\",\"exit_code\":1,"
        "\"output\":\"POSTFIX_QUEUE WARNING - quote \\\" and \\\\ and\\u0009tab | "
        "time=1.5s;1;;0\",\"results\":[{\"state\":\"WARNING\",\"text\":\"quote \\\" and \\\\ "
        "and\\u0009tab\",\"details\":[]}],\"perfdata\":[{\"label\":\"time\",\"value\":1.5,"
        "\"uom\":\"s\",\"warn\":\"1\",\"min\":0}]}\n");
    free(s);
    pp_result_free(r);
}

/* A certificate's CN in Latin-1 (or any bytes that are not UTF-8) still gives valid JSON. */
static void test_json_not_utf8(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_sub *sub = pp_result_add(r, PP_OK, "CN=Soci\xe9t\xe9 \xc3\xa9");
    pp_sub_detail(sub, "issuer \xff\xfe");
    char *s = render(r, PP_FMT_JSON, 0);
    assert_non_null(strstr(s, "\"text\":\"CN=Soci\\ufffdt\\ufffd \xc3\xa9\""));
    assert_non_null(strstr(s, "\"details\":[\"issuer \\ufffd\\ufffd\"]"));
    free(s);
    pp_result_free(r);
}

static void test_openmetrics(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_OK, "fine");
    pp_perf a = pp_perf_make("deferred", 3, "");
    a.metric = "postfix_queue_messages";
    a.mlabels = "queue=\"deferred\"";
    pp_perf t = pp_perf_make("connect time", 12, "ms");
    pp_perf b = pp_perf_make("hold", 1, "");
    b.metric = "postfix_queue_messages";
    b.mlabels = "queue=\"hold\"";
    pp_result_perf(r, &a);
    pp_result_perf(r, &t);
    pp_result_perf(r, &b);
    char *s = render(r, PP_FMT_OPENMETRICS, 0);
    assert_string_equal(s,
        "# TYPE postfix_queue_messages gauge\n"
        "postfix_queue_messages{queue=\"deferred\"} 3\n"
        "postfix_queue_messages{queue=\"hold\"} 1\n"
        "# TYPE postprobe_postfix_queue_connect_time_seconds gauge\n"
        "postprobe_postfix_queue_connect_time_seconds 0.012\n"
        "# TYPE postprobe_check_state gauge\n"
        "# HELP postprobe_check_state 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
        "postprobe_check_state{check=\"postfix_queue\"} 0\n"
        "# EOF\n");
    free(s);
    pp_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worst_state_and_summary),
        cmocka_unit_test(test_ok_without_summary),
        cmocka_unit_test(test_text_sanitized),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_adopt),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_not_utf8),
        cmocka_unit_test(test_openmetrics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
