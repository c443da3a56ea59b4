/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logtotals - running totals and the state files that keep them (format 1 and 2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "log/logfile.h"
#include "log/logjournal.h"
#include "log/logtotals.h"

static char dir[] = "/tmp/pp-test-logtotals-XXXXXX";
static char state[256];

static void put(const char *text)
{
    FILE *f = fopen(state, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_add_get(void **st)
{
    (void)st;
    static pp_logtotals t;
    memset(&t, 0, sizeof t);
    pp_logtotals_add(&t, "delivered", 3);
    pp_logtotals_add(&t, "rejected:554", 2);
    pp_logtotals_add(&t, "delivered", 4);
    pp_logtotals_add(&t, "bad key", 1); /* not a word: counted under other */
    assert_int_equal(pp_logtotals_get(&t, "delivered"), 7);
    assert_int_equal(pp_logtotals_get(&t, "rejected:554"), 2);
    assert_int_equal(pp_logtotals_get(&t, "other"), 1);
    assert_int_equal(pp_logtotals_get(&t, "none"), 0);
    char key[32];
    for (int i = 0; i < PP_LOGTOTALS_MAX + 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        pp_logtotals_add(&t, key, 1);
    }
    assert_true(t.n <= PP_LOGTOTALS_MAX);
    /* 1 before, and every key beyond the table's size */
    assert_int_equal(pp_logtotals_get(&t, "other"), 1 + (PP_LOGTOTALS_MAX + 10) -
                                                         (PP_LOGTOTALS_MAX - 1 - 3));
}

static void test_logpos_formats(void **st)
{
    (void)st;
    static pp_logtotals t, u;
    pp_logpos pos;
    char err[512];
    memset(&t, 0, sizeof t);
    pp_logpos p = {.dev = 1, .ino = 2, .offset = 3, .fp = 4, .fp_len = 5};
    pp_logtotals_add(&t, "delivered", 18446744073709551615ULL);
    pp_logtotals_add(&t, "rejected:550", 9);
    assert_int_equal(pp_logpos_save(state, "/var/log/mail.log", &p, &t, err, sizeof err), 0);
    memset(&u, 0, sizeof u);
    assert_int_equal(pp_logpos_load(state, "/var/log/mail.log", &pos, &u, err, sizeof err), 1);
    assert_int_equal(pos.offset, 3);
    assert_true(pp_logtotals_get(&u, "delivered") == 18446744073709551615ULL);
    assert_int_equal(pp_logtotals_get(&u, "rejected:550"), 9);

    /* format 1 (no totals): loaded, totals 0 */
    put("postprobe-logpos 1\nfile /var/log/mail.log\n"
        "dev 1 ino 2 offset 7 fp 0000000000000004 fp_len 5\n");
    memset(&u, 0, sizeof u);
    assert_int_equal(pp_logpos_load(state, "/var/log/mail.log", &pos, &u, err, sizeof err), 1);
    assert_int_equal(pos.offset, 7);
    assert_int_equal(u.n, 0);

    /* a newer format: refused, naming the file */
    put("postprobe-logpos 3\nfile /var/log/mail.log\n");
    assert_int_equal(pp_logpos_load(state, "/var/log/mail.log", &pos, &u, err, sizeof err), -1);
    assert_non_null(strstr(err, state));
    assert_non_null(strstr(err, "newer"));

    /* a negative count: corrupt */
    put("postprobe-logpos 2\nfile /var/log/mail.log\n"
        "dev 1 ino 2 offset 7 fp 0000000000000004 fp_len 5\ntotal delivered -1\n");
    assert_int_equal(pp_logpos_load(state, "/var/log/mail.log", &pos, &u, err, sizeof err), -1);

    /* a broken totals line: corrupt */
    put("postprobe-logpos 2\nfile /var/log/mail.log\n"
        "dev 1 ino 2 offset 7 fp 0000000000000004 fp_len 5\ntotal delivered x\n");
    assert_int_equal(pp_logpos_load(state, "/var/log/mail.log", &pos, &u, err, sizeof err), -1);
    assert_non_null(strstr(err, "corrupt"));
}

static void test_cursor_formats(void **st)
{
    (void)st;
    static pp_logtotals t, u;
    char err[512], cur[PP_LOGCURSOR_MAX];
    memset(&t, 0, sizeof t);
    pp_logtotals_add(&t, "connects", 12);
    assert_int_equal(pp_logcursor_save(state, "journal:local", "s=abc;i=1", &t, err,
                                       sizeof err), 0);
    memset(&u, 0, sizeof u);
    assert_int_equal(pp_logcursor_load(state, "journal:local", cur, sizeof cur, &u, err,
                                       sizeof err), 1);
    assert_string_equal(cur, "s=abc;i=1");
    assert_int_equal(pp_logtotals_get(&u, "connects"), 12);

    put("postprobe-journalpos 1\nsource journal:local\ncursor s=abc\n");
    memset(&u, 0, sizeof u);
    assert_int_equal(pp_logcursor_load(state, "journal:local", cur, sizeof cur, &u, err,
                                       sizeof err), 1);
    assert_string_equal(cur, "s=abc");
    assert_int_equal(u.n, 0);

    put("postprobe-journalpos 3\nsource journal:local\ncursor s=abc\n");
    assert_int_equal(pp_logcursor_load(state, "journal:local", cur, sizeof cur, &u, err,
                                       sizeof err), -1);
    assert_non_null(strstr(err, "newer"));
}

static int setup(void **st)
{
    (void)st;
    if (!mkdtemp(dir))
        return -1;
    snprintf(state, sizeof state, "%s/state", dir);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    unlink(state);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_get),
        cmocka_unit_test(test_logpos_formats),
        cmocka_unit_test(test_cursor_formats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
