/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_check_postfix_queue - the plugin end to end without a mail system: a stand-in
 * postconf (POSTPROBE_COMMAND_DIR) points it at a queue tree made of built queue files, and each
 * test checks the exit status and the exact output (status line, perfdata, long output).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qfile.h"
#include "run_cmd.h"
#include "standin.h"

#define PLUGIN TEST_BUILD_DIR "/plugins/check_postfix_queue"

static char dir[64];
static char qdir[96];

static void mk(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", qdir, rel);
    assert_int_equal(mkdir(path, 0700), 0);
}

static void put(const char *rel, long age, const char *rcpt, mode_t mode)
{
    pp_buf b;
    char path[256];
    qf_pair env[] = {{'S', "s@sender.example"}, {'R', rcpt}, {0, NULL}};
    pp_buf_init(&b);
    qf_cleanup(&b, (long)time(NULL) - age, env, NULL, NULL);
    snprintf(path, sizeof path, "%s/%s", qdir, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.s, b.len), (ssize_t)b.len);
    fchmod(fd, mode);
    close(fd);
    pp_buf_free(&b);
}

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "cpq") != 0)
        return -1;
    snprintf(qdir, sizeof qdir, "%s/queue", dir);
    mkdir(qdir, 0755);
    const char *queues[] = {"incoming", "active", "deferred", "deferred/A", "hold",
                            "maildrop", "corrupt"};
    for (size_t i = 0; i < sizeof queues / sizeof queues[0]; i++)
        mk(queues[i]);
    if (standin_program(dir, "postconf", "echo 'queue_directory = %s'", qdir) != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

static cmd_result r;

#define RUN(...)                                                                             \
    do {                                                                                     \
        const char *argv_[] = {PLUGIN, __VA_ARGS__, NULL};                                    \
        run_cmd(argv_, &r);                                                                  \
    } while (0)

static void first_line(char *out, size_t len)
{
    snprintf(out, len, "%.*s", (int)strcspn(r.out, "\n"), r.out);
}

static void test_empty(void **state)
{
    (void)state;
    char line[4096];
    RUN("--threads", "1");
    assert_int_equal(r.status, 0);
    first_line(line, sizeof line);
    assert_non_null(strstr(line, "POSTFIX_QUEUE OK - queue empty | total=0;;;0 incoming=0;;;0 "));
    assert_non_null(strstr(line, " hold=0;0;;0 "));
    assert_non_null(strstr(line, " corrupt=0;;0;0 "));
    assert_non_null(strstr(r.out, "[OK] corrupt: 0 files\n"));
}

static void test_queues(void **state)
{
    (void)state;
    put("deferred/A/A00000000001", 7200, "a@one.example", 0700);
    put("deferred/A/A00000000002", 60, "b@one.example", 0700);
    put("deferred/A/A00000000003", 60, "c@two.example", 0600); /* not complete */
    put("hold/B00000000001", 90000, "d@hold.example", 0700);

    RUN("-w", "1", "-c", "5");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "POSTFIX_QUEUE WARNING - 3 messages in the queue, hold: 1 "
                                  "message, 1 recipient, "));
    assert_non_null(strstr(r.out, "oldest 25 h, 3 messages (deferred 2, hold 1) | total=3;1;5;0 "));
    assert_non_null(strstr(r.out, " deferred=2;;;0 deferred_recipients=2;;;0 "));
    assert_non_null(strstr(r.out, "\n[OK] deferred: 2 messages, 2 recipients, "));
    assert_non_null(strstr(r.out, "\n[OK] deferred top recipient domains: one.example 2\n"));
    assert_non_null(strstr(r.out, "\n[OK] oldest message 2.0 h (deferred)\n"));
    assert_non_null(strstr(r.out, "\n[OK] 1 message older than 1.0 h\n"));

    RUN("--hold=,", "--oldest=3600,10000");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "POSTFIX_QUEUE WARNING - oldest message 2.0 h (deferred), "));
    assert_non_null(strstr(r.out, " deferred_oldest=72"));
    assert_non_null(strstr(r.out, "s;3600;10000;0 "));

    RUN("--qshape", "-T", "60", "-b", "3", "deferred", "hold"); /* alone: incoming, active */
    assert_int_equal(r.status, 1);
    char want[1024];
    /* Columns as qshape sizes them: 3, 3, 4 and 5 wide, the domain in the remaining 65. */
    snprintf(want, sizeof want, "%65s%3s%3s%4s%5s\n%65s%3d%3d%4d%5d\n%65s%3d%3d%4d%5d\n"
             "%65s%3d%3d%4d%5d\n", "", "T", "60", "120", "120+", "TOTAL", 3, 1, 0, 2,
             "one.example", 2, 1, 0, 1, "hold.example", 1, 0, 0, 1);
    assert_string_equal(r.out, want);

    RUN("--format", "openmetrics", "deferred");
    assert_non_null(strstr(r.out, "\npostfix_queue_messages{queue=\"deferred\"} 2\n"));
    assert_null(strstr(r.out, "queue=\"hold\""));
}

static void test_corrupt(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/hold/C00000000001", qdir);
    int fd = open(path, O_WRONLY | O_CREAT, 0700);
    assert_int_equal(write(fd, "C\x05" "12", 4), 4);
    close(fd);
    put("corrupt/C00000000002", 60, "x@y.example", 0700);
    RUN("-v");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.out, "POSTFIX_QUEUE CRITICAL - corrupt: 2 files, queue empty |"));
    assert_non_null(strstr(r.out, "\n    hold/C00000000001: record 'C' at offset 0: length 5 "
                                  "runs past the end of the file (4 bytes)\n"));
    RUN("--corrupt=5,", "--hold=,");
    assert_int_equal(r.status, 0);
}

/* postsuper -e marks a message with the group execute bit: Postfix still sees it. */
static void test_expired(void **state)
{
    (void)state;
    put("hold/B00000000001", 60, "d@hold.example", 0700);
    put("hold/B00000000002", 60, "e@hold.example", 0710);
    put("deferred/A/A00000000001", 60, "a@one.example", 0710);

    RUN("--hold=,");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "POSTFIX_QUEUE OK - 3 messages (deferred 1, hold 2) | "));
    assert_non_null(strstr(r.out, " hold=2;;;0 hold_recipients=2;;;0 "));
    assert_non_null(strstr(r.out, " hold_expired=1;;;0 "));
    assert_non_null(strstr(r.out, " deferred_expired=1;;;0 "));
    assert_non_null(strstr(r.out, " active_expired=0;;;0 "));
    assert_non_null(strstr(r.out, "\n[OK] hold: 2 messages (1 force-expired), 2 recipients, "));

    RUN("--qshape", "--hold=,", "hold");
    assert_non_null(strstr(r.out, "hold.example  2  2"));

    RUN("--format", "openmetrics", "hold");
    assert_non_null(strstr(r.out, "\npostfix_queue_expired_messages{queue=\"hold\"} 1\n"));
}

static void test_bad_options(void **state)
{
    (void)state;
    RUN("--tick", "0");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "POSTFIX_QUEUE UNKNOWN - out of range: --tick"));
    RUN("--deferred", "5");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "expected WARN,CRIT ranges, got '5'"));
    RUN("--source", "nfs");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "'nfs' is not a source (auto, direct, showq)"));
    RUN("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--hold=W,C"));
    assert_non_null(strstr(r.out, "(default \"0,\": WARNING at the first held message"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
