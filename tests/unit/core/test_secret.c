/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_secret - authfiles, their mode check, and where passwords come from (common/core/secret.c).
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
#include <unistd.h>

#include "core/secret.h"

static char path[64];

static void write_file(const char *text, mode_t mode)
{
    snprintf(path, sizeof path, "/tmp/pp_test_secret_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    fchmod(fd, mode);
    close(fd);
}

static void test_parse(void **state)
{
    (void)state;
    pp_secret s = {0};
    char err[256];
    assert_int_equal(pp_authfile_parse("# a comment\n\n user = alice@example.org \n"
                                       "password =  s3cr=t with spaces \n", &s, err, sizeof err), 0);
    assert_string_equal(s.user, "alice@example.org");
    assert_string_equal(s.password, "s3cr=t with spaces");
    pp_secret_free(&s);
    assert_int_equal(pp_authfile_parse("username=bob\n", &s, err, sizeof err), 0);
    assert_string_equal(s.user, "bob");
    assert_null(s.password);
    pp_secret_free(&s);
    assert_int_equal(pp_authfile_parse("user bob\n", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1"));
    pp_secret_free(&s);
    assert_int_equal(pp_authfile_parse("secret = x\n", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown name"));
    pp_secret_free(&s);
}

static void test_mode_checked(void **state)
{
    (void)state;
    pp_secret s = {0};
    char err[512];
    write_file("user = a\npassword = hunter2\n", 0644);
    assert_int_equal(pp_authfile_read(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "mode 644"));
    assert_null(strstr(err, "hunter2"));
    chmod(path, 0620);
    assert_int_equal(pp_authfile_read(path, &s, err, sizeof err), -1);
    chmod(path, 0640);
    assert_int_equal(pp_authfile_read(path, &s, err, sizeof err), 0);
    assert_string_equal(s.password, "hunter2");
    pp_secret_free(&s);
    unlink(path);
    assert_int_equal(pp_authfile_read(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
}

static void test_resolve_order(void **state)
{
    (void)state;
    pp_secret s;
    char err[256];
    write_file("user = fileuser\npassword = filepass\n", 0600);
    setenv("POSTPROBE_PASSWORD", "envpass", 1);
    setenv("POSTPROBE_USER", "envuser", 1);

    pp_secret_src src = {.authfile = path};
    assert_int_equal(pp_secret_resolve(&s, &src, err, sizeof err), 0);
    assert_string_equal(s.user, "fileuser");
    assert_string_equal(s.password, "filepass");
    pp_secret_free(&s);

    pp_secret_src cli = {.user = "cliuser", .password = "clipass", .authfile = path};
    assert_int_equal(pp_secret_resolve(&s, &cli, err, sizeof err), 0);
    assert_string_equal(s.user, "cliuser");
    assert_string_equal(s.password, "clipass");
    pp_secret_free(&s);

    pp_secret_src env = {0};
    assert_int_equal(pp_secret_resolve(&s, &env, err, sizeof err), 0);
    assert_string_equal(s.user, "envuser");
    assert_string_equal(s.password, "envpass");
    pp_secret_free(&s);

    setenv("MY_PW", "mine", 1);
    pp_secret_src named = {.env_password = "MY_PW"};
    assert_int_equal(pp_secret_resolve(&s, &named, err, sizeof err), 0);
    assert_string_equal(s.password, "mine");
    pp_secret_free(&s);

    unsetenv("POSTPROBE_PASSWORD");
    unsetenv("POSTPROBE_USER");
    assert_int_equal(pp_secret_resolve(&s, &env, err, sizeof err), 0);
    assert_null(s.user);
    assert_null(s.password);
    unlink(path);
}

static void test_scrub(void **state)
{
    (void)state;
    char arg[] = "hunter2";
    pp_arg_scrub(arg);
    assert_string_equal(arg, "xxxxxxx");
}

/* Postfix's rule for its own files: '#' starts a comment only as a line's first non-blank
 * character; elsewhere it is part of the value, so a password may hold one. */
static void test_hash_in_value(void **state)
{
    (void)state;
    pp_secret s = {0};
    char err[128];
    assert_int_equal(pp_authfile_parse("  # user = nobody\npassword = X   # comment\n"
                                       "user = a#b\n", &s, err, sizeof err), 0);
    assert_string_equal(s.password, "X   # comment");
    assert_string_equal(s.user, "a#b");
    pp_secret_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_mode_checked),
        cmocka_unit_test(test_resolve_order),
        cmocka_unit_test(test_scrub),
        cmocka_unit_test(test_hash_in_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
