/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * spawn.c - run Postfix's commands without a shell. See spawn.h.
 */
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/timeout.h"

/* Postfix's compiled-in command directory (DEF_COMMAND_DIR), where postconf is. */
#define DEFAULT_COMMAND_DIR "/usr/sbin"
#define CHILD_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
#define COMMAND_DIR_ENV "POSTPROBE_COMMAND_DIR"

/* command_directory as postconf gave it for one config directory ("" the default one). */
static char *g_asked_for;
static char *g_command_dir;

/* The directory POSTPROBE_COMMAND_DIR names, NULL when unset; -1 when it is not usable. */
static int override_dir(const char **dir, char *err, size_t errlen)
{
    struct stat st;
    const char *d = getenv(COMMAND_DIR_ENV);

    *dir = NULL;
    if (!d || !*d)
        return 0;
    if (d[0] != '/')
        return pp_errf(err, errlen, "%s='%.200s' is not an absolute directory", COMMAND_DIR_ENV,
                       d);
    if (stat(d, &st) != 0)
        return pp_errf(err, errlen, "%s='%.200s': %s", COMMAND_DIR_ENV, d, strerror(errno));
    if (!S_ISDIR(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return pp_errf(err, errlen, "%s='%.200s' is not a directory only its owner may write",
                       COMMAND_DIR_ENV, d);
    *dir = d;
    return 0;
}

/* Postfix's command_directory for config_dir, asked of postconf once; /usr/sbin otherwise. */
static const char *command_directory(const char *config_dir)
{
    const char *argv[] = {"postconf", "-h", "-x", "command_directory", NULL};
    const char *key = config_dir ? config_dir : "";
    char err[512];
    pp_buf out;

    if (g_asked_for && strcmp(g_asked_for, key) == 0)
        return g_command_dir;
    pp_buf_init(&out);
    free(g_command_dir);
    free(g_asked_for);
    g_asked_for = pp_xstrdup(key);
    if (pp_run(config_dir, argv, &out, err, sizeof err) == 0 && out.s && out.s[0] == '/') {
        out.s[strcspn(out.s, "\n")] = '\0';
        g_command_dir = pp_xstrdup(out.s);
    } else {
        g_command_dir = pp_xstrdup(DEFAULT_COMMAND_DIR);
    }
    pp_buf_free(&out);
    return g_command_dir;
}

int pp_command_path(const char *config_dir, const char *name, char *path, size_t len,
                    char *err, size_t errlen)
{
    const char *dir;

    if (strchr(name, '/')) {
        if (name[0] != '/')
            return pp_errf(err, errlen, "%s: not an absolute path", name);
        dir = NULL;
    } else if (override_dir(&dir, err, errlen) != 0) {
        return -1;
    } else if (!dir) {
        dir = strcmp(name, "postconf") == 0 ? DEFAULT_COMMAND_DIR : command_directory(config_dir);
    }
    int n = dir ? snprintf(path, len, "%s/%s", dir, name) : snprintf(path, len, "%s", name);
    if (n < 0 || (size_t)n >= len)
        return pp_errf(err, errlen, "%s: path too long", name);
    if (access(path, X_OK) != 0)
        return pp_errf(err, errlen, "cannot run %s: %s (is Postfix installed?)", path,
                       strerror(errno));
    return 0;
}

/* In the child: default dispositions, nothing blocked, the pipes on 0, 1, 2, then exec. */
static void child_exec(const char *path, char *const argv[], char *const envp[], int in,
                       int out, int errfd)
{
    struct sigaction dfl;
    sigset_t none;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL); /* EINVAL for the C library's own: harmless */
    if (in < 0)
        in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(errfd, STDERR_FILENO) < 0)
        _exit(127);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, argv, envp);
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* argv with "-c config_dir" after argv[0]; the strings are the caller's. */
static char **with_config(const char *config_dir, const char *const argv[])
{
    size_t n = 0, k = 0;
    while (argv[n])
        n++;
    char **v = pp_xcalloc(n + 3, sizeof *v);
    v[k++] = (char *)argv[0];
    if (config_dir) {
        v[k++] = "-c";
        v[k++] = (char *)config_dir;
    }
    for (size_t i = 1; i < n; i++)
        v[k++] = (char *)argv[i];
    return v;
}

/* fork() with SIGALRM blocked until the child is registered with the timeout; a child the
 * timeout could not kill (too many at once) is killed at once instead: -2. */
static pid_t start_child(const char *path, char *const argv[], char *const envp[], int in,
                         const int out[2], const int errp[2])
{
    sigset_t alarm, old;

    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alarm, &old);
    pid_t pid = fork();
    if (pid == 0)
        child_exec(path, argv, envp, in, out[1], errp[1]);
    int saved = errno;
    if (pid > 0 && pp_timeout_child(pid) != 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        pid = -2;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return pid;
}

int pp_spawn(const char *config_dir, const char *const argv[], int stdin_fd, pp_child *c,
             char *err, size_t errlen)
{
    char path[4096];
    int out[2], errp[2];

    memset(c, 0, sizeof *c);
    c->err_fd = -1;
    snprintf(c->name, sizeof c->name, "%s", argv[0]);
    if (pp_command_path(config_dir, argv[0], path, sizeof path, err, errlen) != 0)
        return -1;
    if (pipe2(out, O_CLOEXEC) != 0)
        return pp_errf(err, errlen, "cannot run %s: %s", path, strerror(errno));
    if (pipe2(errp, O_CLOEXEC) != 0) {
        int saved = errno;
        close(out[0]);
        close(out[1]);
        return pp_errf(err, errlen, "cannot run %s: %s", path, strerror(saved));
    }
    char *mail_config = config_dir ? pp_xasprintf("MAIL_CONFIG=%s", config_dir) : NULL;
    char *envp[] = {CHILD_PATH, "LANG=C", mail_config, NULL};
    char **args = with_config(config_dir, argv);
    pid_t pid = start_child(path, args, envp, stdin_fd, out, errp);
    int saved = errno;
    free(args);
    free(mail_config);
    close(out[1]);
    close(errp[1]);
    if (pid < 0) {
        close(out[0]);
        close(errp[0]);
        if (pid == -2)
            return pp_errf(err, errlen, "cannot run %s: %d commands already run at once, "
                           "more could outlive -t", path, PP_TIMEOUT_MAX_CHILDREN);
        return pp_errf(err, errlen, "cannot run %s: %s", path, strerror(saved));
    }
    c->pid = pid;
    c->err_fd = errp[0];
    c->out = fdopen(out[0], "r");
    if (!c->out) {
        close(out[0]);
        snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
        pp_spawn_finish(c, NULL, err, 0);
        return -1;
    }
    return 0;
}

static void read_all(int fd, pp_buf *into)
{
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && into)
            pp_buf_add(into, chunk, (size_t)n);
}

static void first_line(const pp_buf *b, char *out, size_t len)
{
    const char *s = pp_buf_str(b);
    size_t n = strcspn(s, "\n");
    snprintf(out, len, "%.*s", (int)(n < 400 ? n : 400), s);
}

int pp_spawn_finish(pp_child *c, pp_buf *errout, char *err, size_t errlen)
{
    pp_buf own;
    int status = 0;

    pp_buf_init(&own);
    if (c->out) {
        fclose(c->out);
        c->out = NULL;
    }
    if (c->err_fd >= 0) {
        read_all(c->err_fd, errout ? errout : &own);
        close(c->err_fd);
        c->err_fd = -1;
    }
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    pp_timeout_child_done(c->pid);
    int rc;
    if (WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
        if (rc != 0 && errlen) {
            char line[512];
            first_line(errout ? errout : &own, line, sizeof line);
            snprintf(err, errlen, "%s exited with status %d%s%s", c->name, rc,
                     line[0] ? ": " : "", line);
        }
    } else {
        rc = -1;
        if (errlen)
            snprintf(err, errlen, "%s killed by signal %d", c->name,
                     WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    pp_buf_free(&own);
    return rc;
}

int pp_run(const char *config_dir, const char *const argv[], pp_buf *out, char *err,
           size_t errlen)
{
    pp_child c;
    pp_buf errbuf;
    char chunk[8192];
    struct pollfd fds[2];

    if (pp_spawn(config_dir, argv, -1, &c, err, errlen) != 0)
        return -1;
    pp_buf_init(&errbuf);
    /* Read both pipes as data comes, so a chatty stderr cannot block the child. */
    int outfd = fileno(c.out);
    int open_fds = 2;
    fds[0] = (struct pollfd){.fd = outfd, .events = POLLIN};
    fds[1] = (struct pollfd){.fd = c.err_fd, .events = POLLIN};
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                pp_buf_add(i == 0 ? out : &errbuf, chunk, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int rc = pp_spawn_finish(&c, &errbuf, err, errlen);
    pp_buf_free(&errbuf);
    return rc;
}

int pp_run_lines(const char *config_dir, const char *const argv[],
                 void (*fn)(char *line, void *ctx), void *ctx, char *err, size_t errlen)
{
    pp_buf out;
    pp_buf_init(&out);
    int rc = pp_run(config_dir, argv, &out, err, errlen) != 0 ? -1 : 0;
    char *save = NULL;
    for (char *line = strtok_r(rc == 0 && out.s ? out.s : (char[]){""}, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        fn(line, ctx);
    pp_buf_free(&out);
    return rc;
}
