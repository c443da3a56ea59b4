/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_probewatch - what becomes of a probe of another run found in the mailbox
 * (common/e2e/probewatch.c, pp_probewatch_fate): left alone while its run may still wait for
 * it, late after that, old beyond --max-age.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/probewatch.h"

static void test_awaited_while_younger_than_the_run_limit(void **state)
{
    (void)state;
    assert_int_equal(pp_probewatch_fate(0, 30, 3600), PP_PROBE_AWAITED);
    assert_int_equal(pp_probewatch_fate(29.999, 30, 3600), PP_PROBE_AWAITED);
}

static void test_late_from_the_run_limit_to_max_age(void **state)
{
    (void)state;
    assert_int_equal(pp_probewatch_fate(30, 30, 3600), PP_PROBE_LATE);
    assert_int_equal(pp_probewatch_fate(31, 30, 3600), PP_PROBE_LATE);
    assert_int_equal(pp_probewatch_fate(3600, 30, 3600), PP_PROBE_LATE);
}

static void test_old_beyond_max_age(void **state)
{
    (void)state;
    assert_int_equal(pp_probewatch_fate(3600.001, 30, 3600), PP_PROBE_OLD);
    assert_int_equal(pp_probewatch_fate(1e9, 30, 3600), PP_PROBE_OLD);
}

/* A --max-age shorter than -t never lets a run delete a probe another may wait for. */
static void test_max_age_below_the_run_limit(void **state)
{
    (void)state;
    assert_int_equal(pp_probewatch_fate(15, 60, 10), PP_PROBE_AWAITED);
    assert_int_equal(pp_probewatch_fate(60, 60, 10), PP_PROBE_OLD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awaited_while_younger_than_the_run_limit),
        cmocka_unit_test(test_late_from_the_run_limit_to_max_age),
        cmocka_unit_test(test_old_beyond_max_age),
        cmocka_unit_test(test_max_age_below_the_run_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
