/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_postconf - postconf output parsing and the once-per-run cache (common/postfix/postconf.c),
 * with a stand-in postconf (POSTPROBE_COMMAND_DIR) that records each time it is run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postfix/postconf.h"
#include "standin.h"

static char dir[64];
static char calls[128];

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "postconf") != 0)
        return -1;
    snprintf(calls, sizeof calls, "%s/calls", dir);
    /* Prints "name = value" for known names, warns on stderr for others, as postconf does. */
    if (standin_program(dir, "postconf",
                        "echo \"$*\" >> %s\n"
                        "[ \"$2\" = /nonexistent ] && { echo 'postconf: fatal: open "
                        "/nonexistent/main.cf: No such file or directory' >&2; exit 1; }\n"
                        "for a in \"$@\"; do case $a in\n"
                        "  queue_directory) echo 'queue_directory = /var/spool/postfix' ;;\n"
                        "  mydestination) echo 'mydestination = $myhostname, localhost' ;;\n"
                        "  empty_one) echo 'empty_one =' ;;\n"
                        "  -*|/*) ;;\n"
                        "  *) echo \"postconf: warning: $a: unknown parameter\" >&2 ;;\n"
                        "esac; done",
                        calls) != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

static int call_count(void)
{
    FILE *f = fopen(calls, "r");
    int n = 0, c;
    if (!f)
        return 0;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_parse_line(void **state)
{
    (void)state;
    char *n, *v;
    char a[] = "queue_directory = /var/spool/postfix";
    assert_int_equal(pp_postconf_parse_line(a, &n, &v), 0);
    assert_string_equal(n, "queue_directory");
    assert_string_equal(v, "/var/spool/postfix");
    char b[] = "empty_one =";
    assert_int_equal(pp_postconf_parse_line(b, &n, &v), 0);
    assert_string_equal(v, "");
    char c[] = "x = a = b\r\n";
    assert_int_equal(pp_postconf_parse_line(c, &n, &v), 0);
    assert_string_equal(v, "a = b");
    char d[] = "postconf: warning: foo";
    assert_int_equal(pp_postconf_parse_line(d, &n, &v), -1);
    char e[] = " = value";
    assert_int_equal(pp_postconf_parse_line(e, &n, &v), -1);
    char f[] = "";
    assert_int_equal(pp_postconf_parse_line(f, &n, &v), -1);
    /* postconf -P: service/type/name, the service an address */
    char g[] = "127.0.0.1:10025/inet/smtpd_recipient_restrictions = permit_mynetworks";
    assert_int_equal(pp_postconf_parse_line(g, &n, &v), 0);
    assert_string_equal(n, "127.0.0.1:10025/inet/smtpd_recipient_restrictions");
    char h[] = "[::1]:587/inet/header_checks = regexp:/etc/postfix/hc";
    assert_int_equal(pp_postconf_parse_line(h, &n, &v), 0);
    assert_string_equal(v, "regexp:/etc/postfix/hc");
    char i[] = "postconf: warning: /etc/postfix/main.cf: unused parameter: a = b";
    assert_int_equal(pp_postconf_parse_line(i, &n, &v), -1);
    char j[] = "smtp/inet/bad-name = x";
    assert_int_equal(pp_postconf_parse_line(j, &n, &v), -1);
    assert_true(pp_postconf_name_ok("smtpd_restriction_classes"));
    assert_true(pp_postconf_name_ok("smtp/inet/smtpd_tls_security_level"));
    assert_false(pp_postconf_name_ok(""));
    assert_false(pp_postconf_name_ok("verify-it"));
    assert_false(pp_postconf_name_ok("$x"));
}

static void test_fetch_once(void **state)
{
    (void)state;
    char err[256];
    unlink(calls);
    pp_postconf *pc = pp_postconf_new("/etc/postfix-test");
    const char *names[] = {"queue_directory", "mydestination", "empty_one", "bogus", NULL};
    assert_int_equal(pp_postconf_fetch(pc, names, err, sizeof err), 0);
    assert_int_equal(call_count(), 1);
    assert_string_equal(pp_postconf_get(pc, "queue_directory", err, sizeof err),
                        "/var/spool/postfix");
    assert_string_equal(pp_postconf_get(pc, "mydestination", err, sizeof err),
                        "$myhostname, localhost");
    assert_string_equal(pp_postconf_get(pc, "empty_one", err, sizeof err), "");
    assert_null(pp_postconf_get(pc, "bogus", err, sizeof err));
    assert_non_null(strstr(err, "unknown Postfix parameter bogus"));
    /* All of that came from the one run; a cached name does not run postconf again. */
    assert_int_equal(call_count(), 1);
    assert_int_equal(pp_postconf_fetch(pc, names, err, sizeof err), 0);
    assert_int_equal(call_count(), 1);
    FILE *f = fopen(calls, "r");
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "-c /etc/postfix-test -x queue_directory mydestination empty_one "
                              "bogus\n");
    pp_postconf_free(pc);
}

static void test_errors(void **state)
{
    (void)state;
    char err[256];
    pp_postconf *pc = pp_postconf_new("/nonexistent");
    assert_null(pp_postconf_get(pc, "queue_directory", err, sizeof err));
    assert_non_null(strstr(err, "postconf exited with status 1: postconf: fatal: open "
                                "/nonexistent/main.cf"));
    const char *bad[] = {"-e", NULL};
    assert_int_equal(pp_postconf_fetch(pc, bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "invalid Postfix parameter name"));
    pp_postconf_free(pc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_line),
        cmocka_unit_test(test_fetch_once),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
