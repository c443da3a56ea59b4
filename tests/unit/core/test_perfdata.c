/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_perfdata - perfdata text and label quoting (common/core/perfdata.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/perfdata.h"

static void expect(const pp_perf *p, const char *want)
{
    pp_buf b;
    pp_buf_init(&b);
    pp_perf_format(p, &b);
    assert_string_equal(pp_buf_str(&b), want);
    pp_buf_free(&b);
}

static pp_range rng(const char *t)
{
    pp_range r;
    char err[64];
    assert_int_equal(pp_range_parse(t, &r, err, sizeof err), 0);
    return r;
}

static void test_plain(void **state)
{
    (void)state;
    pp_perf p = pp_perf_make("deferred", 12, "");
    expect(&p, "deferred=12");
    p = pp_perf_make("time", 0.0123, "s");
    expect(&p, "time=0.0123s");
}

static void test_trailing_fields_dropped(void **state)
{
    (void)state;
    pp_perf p = pp_perf_make("x", 5, "B");
    p.warn = rng("10");
    expect(&p, "x=5B;10");
    p.crit = rng("20");
    expect(&p, "x=5B;10;20");
    pp_perf_minmax(&p, true, 0, false, 0);
    expect(&p, "x=5B;10;20;0");
    pp_perf_minmax(&p, false, 0, true, 100);
    expect(&p, "x=5B;10;20;;100");
    pp_perf q = pp_perf_make("y", 1, "%");
    pp_perf_minmax(&q, true, 0, true, 100);
    expect(&q, "y=1%;;;0;100");
    pp_perf r = pp_perf_make("z", 1, "c");
    r.crit = rng("@1:2");
    expect(&r, "z=1c;;@1:2");
}

static void test_quoting(void **state)
{
    (void)state;
    pp_perf p = pp_perf_make("queue size", 3, "");
    expect(&p, "'queue size'=3");
    p.label = "a=b";
    expect(&p, "'a=b'=3");
    p.label = "it's";
    expect(&p, "'it''s'=3");
    p.label = "plain_label-1.x";
    expect(&p, "plain_label-1.x=3");
}

static void test_no_exponent(void **state)
{
    (void)state;
    pp_perf p = pp_perf_make("big", 1e18, "B");
    expect(&p, "big=1000000000000000000B");
    p = pp_perf_make("small", 0.0000005, "s");
    expect(&p, "small=0.0000005s");
    p = pp_perf_make("neg", -2.5, "");
    p.warn = rng("-3:-1");
    expect(&p, "neg=-2.5;-3:-1");
    p = pp_perf_make("nan", 0.0 / 0.0, "s");
    expect(&p, "nan=U");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_trailing_fields_dropped),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_no_exponent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
