/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logfile - a log read from the saved position across rotation: the rotated file is
 * found by its first bytes among every name logrotate and "postfix logrotate" give it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "log/logfile.h"

static char dir[] = "/tmp/pp-test-logfile-XXXXXX";
static char logpath[256];

/* The lines read, joined by '|'. */
static char got[512];

static void collect(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, "%s%.*s", used ? "|" : "", (int)len, line);
}

static void write_file(const char *path, const char *mode, const char *text)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* path with text, gzip'd, and its modification time secs ago. */
static void write_gz(const char *path, const char *text, int ago)
{
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzputs(gz, text), (int)strlen(text));
    gzclose(gz);
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= ago;
    tv[1] = tv[0];
    assert_int_equal(utimes(path, tv), 0);
}

static char *rotated_name(const char *suffix)
{
    static char name[300];
    snprintf(name, sizeof name, "%s%s", logpath, suffix);
    return name;
}

/* Postfix's own rotation (mv to maillog.YYYYMMDD-HHMMSS, then gzip), with decoys that are
 * newer (another log's start) and older: the fingerprint picks the right one. */
static void test_postfix_logrotate(void **st)
{
    (void)st;
    pp_logpos from, to;
    pp_logfile_info info;
    char err[512];
    write_file(logpath, "w", "line 1\nline 2\n");
    assert_int_equal(pp_logfile_end(logpath, &from, err, sizeof err), 0);
    unlink(logpath);
    write_gz(rotated_name(".20261205-235959.gz"), "line 1\nline 2\nline 3\n", 5);
    write_gz(rotated_name(".1.gz"), "an older log\n", 500);
    write_file(rotated_name("-20261206"), "w", "a newer log, not ours\n");
    write_file(logpath, "w", "line 4\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &from, &to, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "line 3|line 4");
    assert_false(info.lost);
    assert_string_equal(info.rotated, rotated_name(".20261205-235959.gz"));
    unlink(rotated_name(".20261205-235959.gz"));
    unlink(rotated_name(".1.gz"));
    unlink(rotated_name("-20261206"));
}

/* The file was empty at the last run (just truncated by copytruncate), then written, moved and
 * gzip'd: its fingerprint is that of 0 bytes, and the newest rotated file is read whole. */
static void test_empty_then_rotated(void **st)
{
    (void)st;
    pp_logpos from, to;
    pp_logfile_info info;
    char err[512];
    write_file(logpath, "w", "");
    assert_int_equal(pp_logfile_end(logpath, &from, err, sizeof err), 0);
    assert_int_equal(from.fp_len, 0);
    unlink(logpath);
    write_gz(rotated_name(".1.gz"), "after 1\nafter 2\n", 1);
    write_gz(rotated_name(".2.gz"), "an older log\n", 500);
    write_file(logpath, "w", "new 1\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &from, &to, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "after 1|after 2|new 1");
    assert_false(info.lost);
    assert_string_equal(info.rotated, rotated_name(".1.gz"));
    unlink(rotated_name(".1.gz"));
    unlink(rotated_name(".2.gz"));
}

/* --since: the rotated files modified since then, oldest first, then the log; one older
 * than the window is not read. The position is the log's end, from which the next run goes. */
static void test_since(void **st)
{
    (void)st;
    pp_logpos to, next;
    pp_logfile_info info;
    char err[512];
    write_gz(rotated_name(".3.gz"), "too old\n", 7200);
    write_gz(rotated_name(".2.gz"), "r2\n", 600);
    write_file(rotated_name(".1"), "w", "r1\n");
    write_file(logpath, "w", "now 1\nnow 2\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read_since(logpath, time(NULL) - 3600, &to, collect, NULL,
                                           &info, err, sizeof err), 0);
    assert_string_equal(got, "r2|r1|now 1|now 2");
    assert_string_equal(info.rotated, rotated_name(".2.gz"));
    assert_false(info.missing);
    write_file(logpath, "a", "now 3\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &to, &next, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "now 3");

    /* No log yet (rotated, nothing logged since): the newest rotated file's end is kept. */
    unlink(logpath);
    got[0] = '\0';
    assert_int_equal(pp_logfile_read_since(logpath, time(NULL) - 3600, &to, collect, NULL,
                                           &info, err, sizeof err), 0);
    assert_string_equal(got, "r2|r1");
    assert_true(info.missing);
    write_file(rotated_name(".1"), "a", "r1 late\n");
    write_file(logpath, "w", "new 1\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &to, &next, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "r1 late|new 1");
    unlink(rotated_name(".3.gz"));
    unlink(rotated_name(".2.gz"));
    unlink(rotated_name(".1"));
}

/* gzip at work: maillog.1 whole beside a maillog.1.gz it is still writing; read once. */
static void test_since_while_gzip(void **st)
{
    (void)st;
    pp_logpos to;
    pp_logfile_info info;
    char err[512];
    write_file(rotated_name(".1"), "w", "r1 a\nr1 b\n");
    write_gz(rotated_name(".1.gz"), "r1 a\n", 0);
    write_file(logpath, "w", "now\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read_since(logpath, time(NULL) - 3600, &to, collect, NULL,
                                           &info, err, sizeof err), 0);
    assert_string_equal(got, "r1 a|r1 b|now");
    unlink(rotated_name(".1"));
    unlink(rotated_name(".1.gz"));
}

/* No rotated file has the old start: lost, and the new file is read from its start. */
static void test_lost(void **st)
{
    (void)st;
    pp_logpos from, to;
    pp_logfile_info info;
    char err[512];
    write_file(logpath, "w", "old 1\n");
    assert_int_equal(pp_logfile_end(logpath, &from, err, sizeof err), 0);
    unlink(logpath);
    write_file(rotated_name(".2"), "w", "something else\n");
    write_file(logpath, "w", "new 1\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &from, &to, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "new 1");
    assert_true(info.lost);
    unlink(rotated_name(".2"));
}

/* "postfix logrotate" leaves no new file until the next line: the rotated file's rest, then
 * (its position kept) the new file from its start, nothing twice. */
static void test_missing_until_next_line(void **st)
{
    (void)st;
    pp_logpos from, to, to2;
    pp_logfile_info info;
    char err[512];
    write_file(logpath, "w", "line 1\n");
    assert_int_equal(pp_logfile_end(logpath, &from, err, sizeof err), 0);
    unlink(logpath);
    write_gz(rotated_name(".20261205-235959.gz"), "line 1\nline 2\n", 1);
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &from, &to, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "line 2");
    assert_true(info.missing);
    assert_false(info.lost);
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &to, &to2, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "");
    write_file(logpath, "w", "line 3\n");
    got[0] = '\0';
    assert_int_equal(pp_logfile_read(logpath, &to, &to2, collect, NULL, &info, err, sizeof err),
                     0);
    assert_string_equal(got, "line 3");
    assert_false(info.missing);
    unlink(rotated_name(".20261205-235959.gz"));
    /* without a rotated file: an error naming the file */
    unlink(logpath);
    assert_int_equal(pp_logfile_read(logpath, &to2, &to, collect, NULL, &info, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, logpath));
}

static int setup(void **st)
{
    (void)st;
    if (!mkdtemp(dir))
        return -1;
    snprintf(logpath, sizeof logpath, "%s/maillog", dir);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    unlink(logpath);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postfix_logrotate),
        cmocka_unit_test(test_empty_then_rotated),
        cmocka_unit_test(test_since),
        cmocka_unit_test(test_since_while_gzip),
        cmocka_unit_test(test_lost),
        cmocka_unit_test(test_missing_until_next_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
