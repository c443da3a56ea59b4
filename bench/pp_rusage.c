/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pp_rusage - run a command once and print its wall time, CPU time (user + system, with
 * its children) and peak RSS, with microsecond resolution (GNU time prints CPU in 10 ms
 * steps, too coarse for checks that take a few milliseconds).
 *
 *	pp_rusage CMD [ARG...]      prints "WALL_S CPU_S MAXRSS_KB EXIT" on stderr
 *
 * The command's own output goes to /dev/null. Built by bench/login.sh (cc -O2).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec a, b;
    struct rusage ru;
    int st;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    /* wait4 counts the child alone; a script's children are in RUSAGE_CHILDREN. */
    struct rusage all;
    getrusage(RUSAGE_CHILDREN, &all);
    double cpu = (double)all.ru_utime.tv_sec + (double)all.ru_utime.tv_usec / 1e6 +
                 (double)all.ru_stime.tv_sec + (double)all.ru_stime.tv_usec / 1e6;
    double wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    fprintf(stderr, "%.6f %.6f %ld %d\n", wall, cpu, all.ru_maxrss,
            WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}
