/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_procinfo - /proc readers (common/core/procinfo.c): the stat, locks and maps line parsers,
 * a process's start time and oldest child, lock holders, file mappings, and Postfix-style
 * pid files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/procinfo.h"

static void test_stat_parse(void **state)
{
    (void)state;
    pp_proc_stat st;
    const char *line = "28771 (qmgr) S 28768 28768 28768 0 -1 4194624 1 0 0 0 0 0 0 0 20 0 1 0 "
                       "8817230 9744384 1125 18446744073709551615 1 1 0 0 0 0 0 16781312 17\n";
    assert_int_equal(pp_proc_stat_parse(line, strlen(line), &st), 0);
    assert_int_equal(st.pid, 28771);
    assert_string_equal(st.comm, "qmgr");
    assert_int_equal(st.state, 'S');
    assert_int_equal(st.ppid, 28768);
    assert_int_equal(st.start_ticks, 8817230ULL);
    /* A command name with spaces and parentheses: the last ')' ends it. */
    const char *odd = "42 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0";
    assert_int_equal(pp_proc_stat_parse(odd, strlen(odd), &st), 0);
    assert_string_equal(st.comm, "a) b (c)");
    assert_int_equal(st.ppid, 1);
    assert_int_equal(st.start_ticks, 77);
    const char *bad[] = {"", "42", "42 (x", "42 (x) S", "x (y) S 1 2", "0 (z) S 1 1 1 0 -1 0 0",
                         "42 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pp_proc_stat_parse(bad[i], strlen(bad[i]), &st), -1);
}

static void test_lock_parse(void **state)
{
    (void)state;
    pp_proc_lock lk;
    assert_int_equal(pp_proc_lock_parse("1: FLOCK  ADVISORY  WRITE 29594 fe:00:10954818 0 EOF\n",
                                        &lk), 0);
    assert_false(lk.waiting);
    assert_string_equal(lk.kind, "FLOCK");
    assert_true(lk.write);
    assert_int_equal(lk.pid, 29594);
    assert_int_equal(lk.major, 0xfe);
    assert_int_equal(lk.minor, 0);
    assert_int_equal(lk.ino, 10954818ULL);
    assert_int_equal(pp_proc_lock_parse("33: -> FLOCK  ADVISORY  READ 29609 08:01:1234 0 EOF",
                                        &lk), 0);
    assert_true(lk.waiting);
    assert_false(lk.write);
    assert_int_equal(lk.major, 8);
    assert_int_equal(lk.minor, 1);
    assert_int_equal(pp_proc_lock_parse("2: POSIX  ADVISORY  READ 5 103:02:77 0 EOF", &lk), 0);
    assert_int_equal(lk.major, 0x103);
    assert_int_equal(pp_proc_lock_parse("garbage", &lk), -1);
    assert_int_equal(pp_proc_lock_parse("1: FLOCK ADVISORY SOMETHING 1 fe:00:1 0 EOF", &lk), -1);
    assert_int_equal(pp_proc_lock_parse("1: FLOCK ADVISORY WRITE -3 fe:00:1 0 EOF", &lk), -1);
}

static void test_maps_parse(void **state)
{
    (void)state;
    pp_proc_map m;
    const char *line = "7f8000200000-7f8008200000 r--s 00000000 fe:00 10954818"
                       "                   /var/lib/postfix/verify.lmdb\n";
    assert_int_equal(pp_proc_maps_parse(line, &m), 0);
    assert_int_equal(m.start, 0x7f8000200000ULL);
    assert_int_equal(m.end, 0x7f8008200000ULL);
    assert_int_equal(m.major, 0xfe);
    assert_int_equal(m.ino, 10954818ULL);
    assert_int_equal(pp_proc_maps_parse("7ffd1000-7ffd2000 rw-p 00000000 00:00 0 [stack]", &m), 0);
    assert_int_equal(m.ino, 0);
    assert_int_equal(pp_proc_maps_parse("zzz", &m), -1);
    assert_int_equal(pp_proc_maps_parse("2000-1000 r--p 0 00:00 0", &m), -1);
}

static void test_mapping(void **state)
{
    (void)state;
    char path[] = "/tmp/pp_test_mapping_XXXXXX";
    struct stat st;
    void *start;
    size_t len;
    int fd = mkstemp(path);
    assert_int_equal(ftruncate(fd, 3 * 4096), 0);
    fstat(fd, &st);
    assert_int_equal(pp_proc_mapping(st.st_dev, st.st_ino, &start, &len), -1);
    void *p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0);
    assert_true(p != MAP_FAILED);
    assert_int_equal(pp_proc_mapping(st.st_dev, st.st_ino, &start, &len), 0);
    assert_ptr_equal(start, p);
    assert_int_equal(len, 3 * 4096);
    munmap(p, 3 * 4096);
    close(fd);
    unlink(path);
}

static void test_live(void **state)
{
    (void)state;
    time_t start, child_start, now = time(NULL);
    pid_t child;
    char comm[64];

    assert_int_equal(pp_proc_start_time(getpid(), &start), 0);
    assert_true(start <= now && start > now - 3600);
    assert_int_equal(pp_proc_comm(getpid(), comm, sizeof comm), 0);
    assert_string_equal(comm, "test_procinfo");
    assert_int_equal(pp_proc_oldest_child(getpid(), &child, &child_start), 0);

    pid_t a = fork();
    if (a == 0) {
        pause();
        _exit(0);
    }
    usleep(20000);
    pid_t b = fork();
    if (b == 0) {
        pause();
        _exit(0);
    }
    usleep(20000);
    assert_int_equal(pp_proc_oldest_child(getpid(), &child, &child_start), 1);
    assert_int_equal(child, a);
    assert_true(child_start >= start);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    assert_int_equal(pp_proc_start_time(999999999, &start), -1);
}

static void test_lock_holder(void **state)
{
    (void)state;
    char path[] = "/tmp/pp_test_procinfo_XXXXXX", comm[64];
    struct stat st;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fstat(fd, &st);
    assert_int_equal(pp_proc_lock_holder(st.st_dev, st.st_ino, comm, sizeof comm), 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_int_equal(pp_proc_lock_holder(st.st_dev, st.st_ino, comm, sizeof comm), getpid());
    assert_string_equal(comm, "test_procinfo");
    close(fd);
    unlink(path);
}

static void test_pidfile(void **state)
{
    (void)state;
    char path[] = "/tmp/pp_test_pidfile_XXXXXX", err[256], text[64];
    pid_t pid;
    int fd = mkstemp(path);
    /* Postfix writes the pid right-aligned in a fixed-width field. */
    int n = snprintf(text, sizeof text, "%*ld\n", 32, (long)getpid());
    assert_int_equal(write(fd, text, (size_t)n), n);
    close(fd);
    assert_int_equal(pp_proc_pidfile(path, &pid, err, sizeof err), 0);
    assert_int_equal(pid, getpid());

    FILE *f = fopen(path, "w");
    fprintf(f, "%32d\n", 999999999);
    fclose(f);
    assert_int_equal(pp_proc_pidfile(path, &pid, err, sizeof err), -1);
    assert_non_null(strstr(err, "names process 999999999, which is not running"));
    f = fopen(path, "w");
    fprintf(f, "not a pid\n");
    fclose(f);
    assert_int_equal(pp_proc_pidfile(path, &pid, err, sizeof err), -1);
    assert_non_null(strstr(err, "holds no process id"));
    unlink(path);
    assert_int_equal(pp_proc_pidfile(path, &pid, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file or directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_parse), cmocka_unit_test(test_lock_parse),
        cmocka_unit_test(test_maps_parse), cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_live),       cmocka_unit_test(test_lock_holder),
        cmocka_unit_test(test_pidfile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
