/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_workpool - N jobs on at most M threads (common/core/workpool.c): every job runs
 * exactly once, never more at a time than allowed, and concurrently when allowed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "core/workpool.h"

typedef struct tally {
    pthread_mutex_t lock;
    int runs[40];
    int now, peak;
    long sleep_ns;
} tally;

static void job(size_t i, void *arg)
{
    tally *t = arg;
    pthread_mutex_lock(&t->lock);
    t->runs[i]++;
    if (++t->now > t->peak)
        t->peak = t->now;
    pthread_mutex_unlock(&t->lock);
    struct timespec ts = {0, t->sleep_ns};
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&t->lock);
    t->now--;
    pthread_mutex_unlock(&t->lock);
}

static tally *run(size_t njobs, size_t threads, long sleep_ns, size_t *used)
{
    static tally t;
    t = (tally){.sleep_ns = sleep_ns};
    pthread_mutex_init(&t.lock, NULL);
    *used = pp_workpool_run(njobs, threads, job, &t);
    pthread_mutex_destroy(&t.lock);
    return &t;
}

static void test_each_once_bounded(void **state)
{
    (void)state;
    size_t used;
    tally *t = run(40, 4, 2000000, &used);
    for (int i = 0; i < 40; i++)
        assert_int_equal(t->runs[i], 1);
    assert_true(t->peak <= 4);
    assert_true(used <= 4);
}

/* Jobs that wait (as a silent server makes a fetch wait) overlap: of four 200 ms jobs on
 * four threads, more than one runs at a time (all four, unless a thread starts very late). */
static void test_concurrent(void **state)
{
    (void)state;
    size_t used;
    tally *t = run(4, 16, 200000000, &used);
    assert_int_equal(used, 4);
    assert_true(t->peak >= 2);
}

static void test_serial_and_empty(void **state)
{
    (void)state;
    size_t used;
    tally *t = run(5, 1, 0, &used);
    assert_int_equal(used, 1);
    assert_int_equal(t->peak, 1);
    for (int i = 0; i < 5; i++)
        assert_int_equal(t->runs[i], 1);
    t = run(0, 8, 0, &used);
    assert_int_equal(t->peak, 0);
    t = run(3, 0, 0, &used); /* 0 threads counts as 1: the caller's */
    assert_int_equal(used, 1);
    assert_int_equal(t->runs[2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_once_bounded),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_serial_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
