/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * run_cmd.h - run a command for a unit test: its stdout, exit code and wall time.
 */
#ifndef RUN_CMD_H
#define RUN_CMD_H

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct cmd_result {
    char out[16384];
    int status; /* exit code, or 128+signal */
    double seconds;
} cmd_result;

static inline void run_cmd(const char *const argv[], cmd_result *r)
{
    int fds[2];
    struct timespec a, b;
    memset(r, 0, sizeof *r);
    if (pipe(fds) != 0)
        abort();
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], r->out + len, sizeof r->out - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

#endif
