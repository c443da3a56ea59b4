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

static const pp_family fam_msgs = {"postfix_queue_messages", PP_GAUGE, "messages in the queue", 0};
static const pp_family fam_share = {"postfix_verify_undeliverable_ratio", PP_GAUGE,
                                    "share \\ of\nresults", 0};

/* Families: HELP and TYPE for each, samples together, units converted to the base unit (ms
 * to seconds, % to a 0..1 ratio); an item without a family gets a name and a HELP. */
static void test_openmetrics(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_OK, "fine");
    pp_perf a = pp_perf_make("deferred", 3, "");
    pp_perf_family(&a, &fam_msgs, "queue=\"deferred\"");
    pp_perf t = pp_perf_make("connect time", 12, "ms");
    pp_perf b = pp_perf_make("hold", 1, "");
    pp_perf_family(&b, &fam_msgs, "queue=\"hold\"");
    pp_perf sh = pp_perf_make("undeliverable_share", 25, "%");
    pp_perf_family(&sh, &fam_share, NULL);
    pp_perf c = pp_perf_make("lines", 7, "c");
    pp_result_perf(r, &a);
    pp_result_perf(r, &t);
    pp_result_perf(r, &b);
    pp_result_perf(r, &sh);
    pp_result_perf(r, &c);
    char *s = render(r, PP_FMT_OPENMETRICS, 0);
    assert_string_equal(s,
        "# HELP postfix_queue_messages messages in the queue\n"
        "# TYPE postfix_queue_messages gauge\n"
        "postfix_queue_messages{queue=\"deferred\"} 3\n"
        "postfix_queue_messages{queue=\"hold\"} 1\n"
        "# HELP postprobe_postfix_queue_connect_time_seconds perfdata connect_time of the "
        "check, in base units\n"
        "# TYPE postprobe_postfix_queue_connect_time_seconds gauge\n"
        "postprobe_postfix_queue_connect_time_seconds 0.012\n"
        "# HELP postfix_verify_undeliverable_ratio share \\\\ of\\nresults\n"
        "# TYPE postfix_verify_undeliverable_ratio gauge\n"
        "postfix_verify_undeliverable_ratio 0.25\n"
        "# HELP postprobe_postfix_queue_lines_total perfdata lines of the check, in base units\n"
        "# TYPE postprobe_postfix_queue_lines_total counter\n"
        "postprobe_postfix_queue_lines_total 7\n"
        "# HELP postprobe_check_state the check's state: 0 OK, 1 WARNING, 2 CRITICAL, "
        "3 UNKNOWN\n"
        "# TYPE postprobe_check_state gauge\n"
        "postprobe_check_state{check=\"postfix_queue\"} 0\n"
        "# EOF\n");
    free(s);
    pp_result_free(r);
}

/* -C names an instance: every sample says which, label values escaped. */
static void test_openmetrics_instance(void **state)
{
    (void)state;
    pp_result *r = pp_result_new();
    pp_result_add(r, PP_WARNING, "busy");
    pp_perf a = pp_perf_make("deferred", 3, "");
    pp_buf ml;
    pp_buf_init(&ml);
    pp_mlabel(&ml, "queue", "deferred");
    pp_mlabel(&ml, "domain", "a\"b\\c\nd");
    pp_perf_family(&a, &fam_msgs, ml.s);
    pp_result_perf(r, &a);
    pp_output_target("/etc/postfix-out", NULL);
    char *s = render(r, PP_FMT_OPENMETRICS, 0);
    pp_output_target(NULL, NULL);
    assert_non_null(strstr(s, "\npostfix_queue_messages{queue=\"deferred\",domain=\"a\\\"b"
                              "\\\\c\\nd\",postfix_instance=\"/etc/postfix-out\"} 3\n"));
    assert_non_null(strstr(s, "\npostprobe_check_state{check=\"postfix_queue\","
                              "postfix_instance=\"/etc/postfix-out\"} 1\n"));
    free(s);
    pp_buf_free(&ml);
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
        cmocka_unit_test(test_openmetrics_instance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
