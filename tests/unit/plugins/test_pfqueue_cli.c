/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_pfqueue_cli - pfqueue's command line without a Postfix: its own --format replacing
 * the shared one, its -t default, and the refusals that come before the queue is read
 * (common/core/opts.c additions, contrib/pfqueue.c). The plugins keep the shared --format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qfile.h"
#include "run_cmd.h"
#include "standin.h"

#define PFQUEUE TEST_BUILD_DIR "/contrib/pfqueue"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_help(void **state)
{
    (void)state;
    cmd_result r;
    const char *help[] = {PFQUEUE, "--help", NULL};
    run_cmd(help, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(count(r.out, "--format="), 1);
    assert_non_null(strstr(r.out, "--format=FORMAT\n        tsv (default"));
    assert_non_null(strstr(r.out, "stop after SECONDS (default 600)"));
    /* a plugin still has the shared --format and the 10 s default */
    const char *plugin[] = {TEST_PLUGIN, "--help", NULL};
    run_cmd(plugin, &r);
    assert_non_null(strstr(r.out, "nagios (default), json or openmetrics"));
    assert_non_null(strstr(r.out, "stop after SECONDS (default 10)"));
}

static void refused(const char *const argv[], const char *line)
{
    cmd_result r;
    run_cmd(argv, &r);
    if (r.status != 3 || strcmp(r.out, line) != 0)
        fail_msg("%s: status %d, output '%s', wanted '%s'", argv[1], r.status, r.out, line);
}

static void test_refusals(void **state)
{
    (void)state;
    const char *fmt[] = {PFQUEUE, "--format", "nagios", NULL};
    refused(fmt, "PFQUEUE UNKNOWN - --format: unknown format 'nagios' (tsv, json)\n");
    const char *nofilter[] = {PFQUEUE, "--delete", "--yes", NULL};
    refused(nofilter, "PFQUEUE UNKNOWN - an action needs a filter (--from, --to, --from-or-to, "
                      "--relay, --subject, --queue, --older-than or --expired); refusing to "
                      "act on every message\n");
    const char *two[] = {PFQUEUE, "--hold", "--requeue", "--from", "x", NULL};
    refused(two, "PFQUEUE UNKNOWN - give one action: --hold, --release, --requeue or --delete\n");
    const char *yes[] = {PFQUEUE, "--yes", "--from", "x", NULL};
    refused(yes, "PFQUEUE UNKNOWN - --yes goes with an action: --hold, --release, --requeue or "
                 "--delete\n");
    const char *stat[] = {PFQUEUE, "--stat", "--hold", "--from", "x", NULL};
    refused(stat, "PFQUEUE UNKNOWN - --stat only counts; it takes no action\n");
    const char *pq[] = {PFQUEUE, "--postqueue", "--subject", "x", NULL};
    refused(pq, "PFQUEUE UNKNOWN - --relay and --subject need the queue files; postqueue -j "
                "gives no headers\n");
    const char *re[] = {PFQUEUE, "--to", "a[", NULL};
    refused(re, "PFQUEUE UNKNOWN - --to: bad regular expression at offset 2: missing "
                "terminating ] for character class\n");
    const char *age[] = {PFQUEUE, "--older-than", "-5m", NULL};
    refused(age, "PFQUEUE UNKNOWN - --older-than: '-5m' is not an age like 90s, 30m, 12h, 2d "
                 "or 1w\n");
    const char *arg[] = {PFQUEUE, "deferred", NULL};
    refused(arg, "PFQUEUE UNKNOWN - unexpected argument 'deferred' (see --help)\n");
}

/*
 * -t limits the reading of the queue, never the postsuper action: a stand-in postsuper
 * that takes longer than -t still completes, and its count is reported.
 */
static void test_action_outlives_timeout(void **state)
{
    (void)state;
    char dir[64], path[256];
    cmd_result r;
    pp_buf b;
    qf_pair env[] = {{'S', "s@sender.example"}, {'R', "r@rcpt.example"}, {0, NULL}};

    assert_int_equal(standin_dir(dir, sizeof dir, "pfqact"), 0);
    snprintf(path, sizeof path, "%s/q", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/q/deferred", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    pp_buf_init(&b);
    qf_cleanup(&b, (long)time(NULL) - 60, env, NULL, NULL);
    snprintf(path, sizeof path, "%s/q/deferred/D00000000001", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.s, b.len), (ssize_t)b.len);
    close(fd);
    pp_buf_free(&b);
    assert_int_equal(standin_program(dir, "postconf", "echo 'queue_directory = %s/q'", dir), 0);
    assert_int_equal(standin_program(dir, "postsuper",
                                     "n=$(wc -l); sleep 2; echo \"postsuper: Placed on hold: "
                                     "$n message\" >&2; : > %s/done", dir), 0);
    assert_int_equal(standin_commands(dir), 0);

    const char *hold[] = {PFQUEUE, "-t", "1", "--from", "sender", "--hold", "--yes", NULL};
    run_cmd(hold, &r);
    snprintf(path, sizeof path, "%s/done", dir);
    if (r.status != 0 || access(path, F_OK) != 0)
        fail_msg("status %d, output '%s': postsuper did not complete", r.status, r.out);
    assert_non_null(strstr(r.out, "D00000000001\tdeferred\t"));
    assert_int_equal(standin_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_action_outlives_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
