/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_spawn - how common/core/spawn.c runs Postfix's commands: by absolute path from the
 * command directory (never through PATH, "." in it included), "-c DIR" after the command
 * name, a minimal environment (no POSTPROBE_* secret), default signal dispositions and an
 * empty signal mask in the child, whatever the plugin itself ignores, catches or blocks.
 * Stand-in commands (shell scripts) print what they were given: $0, their arguments, their
 * environment, the Sig* lines of /proc/self/status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/spawn.h"
#include "core/timeout.h"
#include "standin.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "spawn") != 0 ||
        standin_program(dir, "postconf", "echo \"$0 $*\"") != 0 ||
        standin_program(dir, "postqueue", "exec /usr/bin/env") != 0 ||
        standin_program(dir, "postsuper", "exec /bin/grep '^Sig' /proc/self/status") != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

/* The command's output, or fails the test with spawn's error. */
static char *run(const char *config_dir, const char *const argv[])
{
    static pp_buf out;
    char err[512];

    pp_buf_free(&out);
    pp_buf_init(&out);
    if (pp_run(config_dir, argv, &out, err, sizeof err) != 0)
        fail_msg("%s", err);
    return (char *)pp_buf_str(&out);
}

/* Line "NAME..." of text (NAME ends with '=' or ':'), or NULL. */
static const char *line_of(const char *text, const char *name)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, name, strlen(name)) == 0)
            return p;
    return NULL;
}

/* The child sees none of the plugin's environment: PATH, LANG=C, MAIL_CONFIG with -c. */
static void test_environment(void **state)
{
    (void)state;
    const char *env[] = {"postqueue", NULL};

    setenv("POSTPROBE_PASSWORD", "s3cret", 1);
    setenv("POSTPROBE_SNMP_PRIV_PASSWORD", "s3cret2", 1);
    setenv("LANG", "de_DE.UTF-8", 1);
    setenv("MAIL_CONFIG", "/etc/elsewhere", 1);
    setenv("LD_PRELOAD", "/tmp/evil.so", 1);
    char *out = run(NULL, env);
    if (strstr(out, "POSTPROBE_") || strstr(out, "s3cret") || strstr(out, "evil"))
        fail_msg("the child's environment holds the plugin's:\n%s", out);
    assert_non_null(line_of(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"));
    assert_non_null(line_of(out, "LANG=C\n"));
    assert_null(line_of(out, "MAIL_CONFIG="));

    out = run("/etc/postfix-test", env);
    assert_non_null(line_of(out, "MAIL_CONFIG=/etc/postfix-test\n"));
    assert_null(strstr(out, "POSTPROBE_"));
    unsetenv("POSTPROBE_PASSWORD");
    unsetenv("POSTPROBE_SNMP_PRIV_PASSWORD");
    unsetenv("LD_PRELOAD");
    unsetenv("MAIL_CONFIG");
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* Ignored, caught and blocked signals of the plugin are all default and unblocked in the child. */
static void test_signals(void **state)
{
    (void)state;
    const char *sig[] = {"postsuper", NULL};
    sigset_t block, old;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, on_usr1);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    char *out = run(NULL, sig);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    const char *ign = line_of(out, "SigIgn:"), *blk = line_of(out, "SigBlk:");
    assert_non_null(ign);
    assert_non_null(blk);
    if (strncmp(ign, "SigIgn:\t0000000000000000\n", 25) != 0 ||
        strncmp(blk, "SigBlk:\t0000000000000000\n", 25) != 0)
        fail_msg("the child inherited ignored or blocked signals:\n%s", out);
}

/* The command directory's postconf, never one found through PATH; "-c DIR" after argv[0]. */
static void test_absolute_path(void **state)
{
    (void)state;
    char rogue[64], cwd[512], want[256], err[512];
    const char *conf[] = {"postconf", "-x", "queue_directory", NULL};
    pp_buf out;

    assert_int_equal(standin_dir(rogue, sizeof rogue, "rogue"), 0);
    assert_int_equal(standin_program(rogue, "postconf", "echo rogue"), 0);
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    assert_int_equal(chdir(rogue), 0);
    setenv("PATH", ".", 1);
    char *got = run("/etc/postfix-test", conf);
    snprintf(want, sizeof want, "%s/postconf -c /etc/postfix-test -x queue_directory\n", dir);
    assert_string_equal(got, want);

    /* A relative command directory, one others may write and a relative argv[0]: refused. */
    pp_buf_init(&out);
    setenv("POSTPROBE_COMMAND_DIR", ".", 1);
    assert_int_equal(pp_run(NULL, conf, &out, err, sizeof err), -1);
    assert_string_equal(err, "POSTPROBE_COMMAND_DIR='.' is not an absolute directory");
    assert_int_equal(chmod(rogue, 0777), 0);
    setenv("POSTPROBE_COMMAND_DIR", rogue, 1);
    assert_int_equal(pp_run(NULL, conf, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a directory only its owner may write"));
    const char *relative[] = {"./postconf", NULL};
    assert_int_equal(pp_run(NULL, relative, &out, err, sizeof err), -1);
    assert_string_equal(err, "./postconf: not an absolute path");
    assert_null(out.s && out.s[0] ? out.s : NULL);
    pp_buf_free(&out);

    assert_int_equal(chdir(cwd), 0);
    if (path)
        setenv("PATH", path, 1);
    free(path);
    assert_int_equal(standin_commands(dir), 0);
    assert_int_equal(standin_remove(rogue), 0);
}

/*
 * Without POSTPROBE_COMMAND_DIR, postconf is Postfix's own (/usr/sbin) and the other
 * commands are in the command_directory it gives for the config directory.
 */
static void test_command_directory(void **state)
{
    (void)state;
    char conf[64], file[128], want[256];
    const char *queue[] = {"postqueue", "-j", NULL};

    if (access("/usr/sbin/postconf", X_OK) != 0)
        skip();
    assert_int_equal(standin_dir(conf, sizeof conf, "spawnconf"), 0);
    snprintf(file, sizeof file, "%s/main.cf", conf);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fprintf(f, "command_directory = %s\n", dir);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(standin_program(dir, "postqueue", "echo \"$0 $*\""), 0);
    unsetenv("POSTPROBE_COMMAND_DIR");
    char *got = run(conf, queue);
    snprintf(want, sizeof want, "%s/postqueue -c %s -j\n", dir, conf);
    assert_string_equal(got, want);
    assert_int_equal(standin_program(dir, "postqueue", "exec /usr/bin/env"), 0);
    assert_int_equal(standin_commands(dir), 0);
    assert_int_equal(standin_remove(conf), 0);
}

/* Reads a child's output to its end (closing it early would kill it with SIGPIPE), reaps it. */
static int finish(pp_child *c)
{
    char err[512];

    while (fgetc(c->out) != EOF)
        ;
    return pp_spawn_finish(c, NULL, err, sizeof err);
}

/* Every child runs registered with the -t kill: one more than the registry holds is
 * refused (and never left running), and a slot is free again once a child is reaped. */
static void test_too_many_children(void **state)
{
    (void)state;
    const char *argv[] = {"postconf", "-h", NULL};
    pp_child c[PP_TIMEOUT_MAX_CHILDREN + 1];
    char err[512];

    for (int i = 0; i < PP_TIMEOUT_MAX_CHILDREN; i++)
        if (pp_spawn(NULL, argv, -1, &c[i], err, sizeof err) != 0)
            fail_msg("child %d: %s", i, err);
    assert_int_equal(pp_spawn(NULL, argv, -1, &c[PP_TIMEOUT_MAX_CHILDREN], err, sizeof err), -1);
    assert_non_null(strstr(err, "already run at once"));
    assert_int_equal(finish(&c[0]), 0);
    assert_int_equal(pp_spawn(NULL, argv, -1, &c[0], err, sizeof err), 0);
    for (int i = 0; i < PP_TIMEOUT_MAX_CHILDREN; i++)
        assert_int_equal(finish(&c[i]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_absolute_path),
        cmocka_unit_test(test_command_directory),
        cmocka_unit_test(test_too_many_children),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
