/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_opts - shared options, --help and the hard timeout, through fake_plugin, a plugin
 * built for these tests (common/core/opts.c, common/core/timeout.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "run_cmd.h"

#define RUN(r, ...)                                                   \
    do {                                                              \
        const char *argv_[] = {TEST_PLUGIN, __VA_ARGS__, NULL};       \
        run_cmd(argv_, r);                                            \
    } while (0)

static cmd_result r;

static int line_count(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_help(void **state)
{
    (void)state;
    RUN(&r, "--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage:"));
    assert_non_null(strstr(r.out, "-w, --warning=RANGE"));
    assert_non_null(strstr(r.out, "-t, --timeout=SECONDS[:STATE]"));
    assert_non_null(strstr(r.out, "-C, --config-dir=DIR"));
    assert_non_null(strstr(r.out, "--sleep=SECONDS"));
    /* Every line fits in 80 columns. */
    for (char *line = r.out; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > 79)
            fail_msg("help line over 79 columns: %.*s", (int)n, line);
        line += n + (line[n] == '\n');
    }
    RUN(&r, "-h");
    assert_int_equal(r.status, 0);
}

static void test_version(void **state)
{
    (void)state;
    RUN(&r, "-V");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "fake_plugin (postprobe) "));
}

static void test_thresholds_judged(void **state)
{
    (void)state;
    RUN(&r, "-w", "10", "-c", "20", "-n", "15");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "TEST WARNING - count is 15"));
    assert_non_null(strstr(r.out, "| count=15;10;20\n"));
    RUN(&r, "-w", "10", "-c", "20", "-n", "25");
    assert_int_equal(r.status, 2);
    RUN(&r, "-w", "10", "-c", "20", "-n", "10");
    assert_int_equal(r.status, 0);
    RUN(&r, "-w", "~:10", "-c", "~:20", "-n", "-50");
    assert_int_equal(r.status, 0);
    RUN(&r, "--warning=@1:5", "-n", "3");
    assert_int_equal(r.status, 1);
    RUN(&r, "--queue", "5,10", "-n", "7");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "queue judged"));
    RUN(&r, "--queue", ",10", "-n", "7");
    assert_int_equal(r.status, 0);
    RUN(&r, "--queue", ",10", "-n", "11");
    assert_int_equal(r.status, 2);
}

static void expect_unknown(const char *const argv[], const char *text)
{
    run_cmd(argv, &r);
    assert_int_equal(r.status, 3);
    assert_int_equal(line_count(r.out), 1);
    if (!strstr(r.out, text))
        fail_msg("expected '%s' in: %s", text, r.out);
    assert_true(strncmp(r.out, "TEST UNKNOWN - ", 15) == 0);
}

static void test_bad_options(void **state)
{
    (void)state;
    const char *a1[] = {TEST_PLUGIN, "-w", "abc", NULL};
    expect_unknown(a1, "--warning: invalid range 'abc'");
    const char *a2[] = {TEST_PLUGIN, "--bogus", NULL};
    expect_unknown(a2, "unknown option --bogus");
    const char *a3[] = {TEST_PLUGIN, "-Z", NULL};
    expect_unknown(a3, "unknown option -Z");
    const char *a4[] = {TEST_PLUGIN, "-w", NULL};
    expect_unknown(a4, "needs an argument");
    const char *a5[] = {TEST_PLUGIN, "-c", "10:5", NULL};
    expect_unknown(a5, "--critical: invalid range '10:5'");
    const char *a6[] = {TEST_PLUGIN, "-t", "0", NULL};
    expect_unknown(a6, "--timeout");
    const char *a7[] = {TEST_PLUGIN, "-t", "5:sometimes", NULL};
    expect_unknown(a7, "unknown state 'sometimes'");
    const char *a8[] = {TEST_PLUGIN, "-p", "70000", NULL};
    expect_unknown(a8, "--port: '70000' is not a port number");
    const char *a9[] = {TEST_PLUGIN, "-4", "-6", NULL};
    expect_unknown(a9, "-4 and -6");
    const char *a10[] = {TEST_PLUGIN, "-n", "12abc", NULL};
    expect_unknown(a10, "--count: '12abc' is not an integer");
    const char *a11[] = {TEST_PLUGIN, "x", "y", "z", NULL};
    expect_unknown(a11, "unexpected argument 'z'");
    const char *a12[] = {TEST_PLUGIN, "--queue", "5", NULL};
    expect_unknown(a12, "--queue: expected WARN,CRIT");
    const char *a13[] = {TEST_PLUGIN, "--format", "xml", NULL};
    expect_unknown(a13, "unknown format 'xml'");
    const char *a14[] = {TEST_PLUGIN, "-t", "nan", NULL};
    expect_unknown(a14, "--timeout");
}

static void test_shared_values(void **state)
{
    (void)state;
    RUN(&r, "-v", "-H", "mail.example", "-p", "587", "-6", "-i", "a", "-i", "b", "one");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "items: 2, args: 1, host: mail.example, port: 587, family: 10"));
    RUN(&r, "--format", "json", "-n", "3");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "{\"service\":\"TEST\",\"state\":\"OK\"", 30) == 0);
}

/* The timeout cuts off a sleeping plugin, a spinning one and one waiting on a child. */
static void test_timeout(void **state)
{
    (void)state;
    RUN(&r, "-t", "1", "--sleep", "10");
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "TEST UNKNOWN - timed out after 1 s\n");
    assert_true(r.seconds >= 0.9 && r.seconds < 2.0);

    RUN(&r, "-t", "0.5:critical", "--spin");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "TEST CRITICAL - timed out after 0.5 s\n");
    assert_true(r.seconds < 1.5);

    RUN(&r, "-t", "0.5:warning", "--child");
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "TEST WARNING - timed out after 0.5 s\n");
    assert_true(r.seconds < 1.5);

    RUN(&r, "--format", "json", "-t", "0.3", "--sleep", "5");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "\"text\":\"timed out after 0.3 s\""));

    RUN(&r, "-t", "5", "--sleep", "0.1");
    assert_int_equal(r.status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),         cmocka_unit_test(test_version),
        cmocka_unit_test(test_thresholds_judged), cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_shared_values), cmocka_unit_test(test_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
