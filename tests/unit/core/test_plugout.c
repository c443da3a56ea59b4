/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plugout - another plugin's output: status text, perfdata, long output (common/core/plugout.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/plugout.h"

static void assert_part(const char *p, size_t len, const char *want)
{
    assert_int_equal(len, strlen(want));
    if (len)
        assert_memory_equal(p, want, len);
}

static void test_split(void **state)
{
    (void)state;
    pp_plugout po;
    const char *out = "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n"
                      "/ 15272 MB (77%);\n"
                      "/boot 68 MB (69%);\n"
                      "/home 69357 MB (27%); | /boot=68MB;88;93;0;98\n"
                      "/home=69357MB;253404;253409;0;253414\n";
    pp_plugout_split(out, strlen(out), &po);
    assert_part(po.text, po.text_len, "DISK OK - free space: / 3326 MB (56%);");
    assert_part(po.perf, po.perf_len, "/=2643MB;5948;5958;0;5968");
    assert_part(po.longout, po.long_len,
                "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);");
    assert_part(po.perf2, po.perf2_len,
                "/boot=68MB;88;93;0;98\n/home=69357MB;253404;253409;0;253414");

    pp_plugout_split("TEST OK", 7, &po);
    assert_part(po.text, po.text_len, "TEST OK");
    assert_int_equal(po.perf_len + po.long_len + po.perf2_len, 0);

    /* Not NUL-terminated: nothing past len is read. */
    pp_plugout_split("A | x=1\nmore|y=2XXXX", 16, &po);
    assert_part(po.text, po.text_len, "A");
    assert_part(po.perf, po.perf_len, "x=1");
    assert_part(po.longout, po.long_len, "more");
    assert_part(po.perf2, po.perf2_len, "y=2");

    pp_plugout_split("", 0, &po);
    assert_int_equal(po.text_len, 0);
}

static void test_perf(void **state)
{
    (void)state;
    const char *perf = "  time=0.5s;1;2;0;10 'queue size'=12;;@5:10 'it''s'=U x=3e2KB y=-1.5";
    const char *cur = perf, *end = perf + strlen(perf);
    pp_perf p;
    pp_buf label, uom;
    pp_buf_init(&label);
    pp_buf_init(&uom);

    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_string_equal(p.label, "time");
    assert_true(p.value == 0.5);
    assert_string_equal(p.uom, "s");
    assert_true(p.warn.set && p.crit.set && p.has_min && p.has_max);
    assert_true(p.max == 10);

    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_string_equal(p.label, "queue size");
    assert_true(p.value == 12);
    assert_false(p.warn.set);
    assert_true(p.crit.set && p.crit.inside);

    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_string_equal(p.label, "it's");
    assert_true(isnan(p.value));

    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_true(p.value == 300);
    assert_string_equal(p.uom, "KB");

    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_true(p.value == -1.5);
    assert_string_equal(p.uom, "");
    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 0);

    pp_buf_free(&label);
    pp_buf_free(&uom);
}

static void test_perf_malformed(void **state)
{
    (void)state;
    /* Each bad item is skipped and the next one still read. */
    const char *perf = "noequals =5 a= b=x c=1;2;3;4;5;6 d=1;bad 'open=1 e=7";
    const char *cur = perf, *end = perf + strlen(perf);
    pp_perf p;
    pp_buf label, uom;
    int rc, good = 0, bad = 0;
    pp_buf_init(&label);
    pp_buf_init(&uom);
    while ((rc = pp_plugout_perf_next(&cur, end, &p, &label, &uom)) != 0)
        rc > 0 ? good++ : bad++;
    assert_int_equal(good, 0); /* the unterminated quote swallows "e=7" */
    assert_int_equal(bad, 7);

    perf = "d=1;bad e=7";
    cur = perf;
    end = perf + strlen(perf);
    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), -1);
    assert_int_equal(pp_plugout_perf_next(&cur, end, &p, &label, &uom), 1);
    assert_string_equal(p.label, "e");
    pp_buf_free(&label);
    pp_buf_free(&uom);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_perf),
        cmocka_unit_test(test_perf_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
