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
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/timeout.h"

int pp_find_program(const char *name, char *path, size_t len)
{
    const char *env = getenv("PATH");
    char *dirs = pp_xasprintf("%s:/usr/sbin:/usr/local/sbin:/sbin", env ? env : "/usr/bin:/bin");
    char *save = NULL;
    int rc = -1;

    if (strchr(name, '/')) {
        snprintf(path, len, "%s", name);
        free(dirs);
        return access(path, X_OK) == 0 ? 0 : -1;
    }
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (*d == '\0')
            continue;
        if ((size_t)snprintf(path, len, "%s/%s", d, name) >= len)
            continue;
        if (access(path, X_OK) == 0) {
            rc = 0;
            break;
        }
    }
    free(dirs);
    return rc;
}

int pp_spawn(const char *const argv[], int stdin_fd, pp_child *c, char *err, size_t errlen)
{
    char path[4096];
    int out[2], errp[2];

    memset(c, 0, sizeof *c);
    c->err_fd = -1;
    snprintf(c->name, sizeof c->name, "%s", argv[0]);
    if (pp_find_program(argv[0], path, sizeof path) != 0)
        return pp_errf(err, errlen, "%s: command not found (is Postfix installed?)", argv[0]);
    if (pipe2(out, O_CLOEXEC) != 0)
        goto fail;
    if (pipe2(errp, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        goto fail;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        close(errp[0]);
        close(errp[1]);
        goto fail;
    }
    if (pid == 0) {
        int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
            dup2(errp[1], STDERR_FILENO) < 0)
            _exit(127);
        signal(SIGALRM, SIG_DFL);
        execv(path, (char *const *)argv);
        dprintf(STDERR_FILENO, "cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    pp_timeout_child(pid);
    close(out[1]);
    close(errp[1]);
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
fail:
    return pp_errf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
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

int pp_run(const char *const argv[], pp_buf *out, char *err, size_t errlen)
{
    pp_child c;
    pp_buf errbuf;
    char chunk[8192];
    struct pollfd fds[2];

    if (pp_spawn(argv, -1, &c, err, errlen) != 0)
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

int pp_run_lines(const char *const argv[], void (*fn)(char *line, void *ctx), void *ctx,
                 char *err, size_t errlen)
{
    pp_buf out;
    pp_buf_init(&out);
    int rc = pp_run(argv, &out, err, errlen) != 0 ? -1 : 0;
    char *save = NULL;
    for (char *line = strtok_r(rc == 0 && out.s ? out.s : (char[]){""}, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        fn(line, ctx);
    pp_buf_free(&out);
    return rc;
}
