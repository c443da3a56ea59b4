/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pp_rusage - run a command once and print its wall time, CPU time (user + system, with
 * its children) and peak RSS, with microsecond resolution (GNU time prints CPU in 10 ms
 * steps, too coarse for checks that take a few milliseconds).
 *
 *	pp_rusage CMD [ARG...]      prints "WALL_S CPU_S MAXRSS_KB EXIT OWN_RSS_KB" on stderr
 *
 * MAXRSS_KB is the largest peak of the command and its children (a plugin's postconf
 * counts); OWN_RSS_KB is the command's own peak (VmHWM, read when it exits: it runs under
 * ptrace with PTRACE_O_TRACEEXIT, which stops it before its memory is released), 0 when
 * that cannot be read. The command's own output goes to an unlinked temporary file, not to
 * /dev/null: GNU grep finds that its output is /dev/null and then stops at the first match
 * (grep -c too), which made the grep floor of bench/log.sh a fraction of a real pass.
 * Built by bench/login.sh and bench/log.sh (cc -O2).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* VmHWM of pid in kB, 0 when unknown. */
static long own_peak(pid_t pid)
{
    char path[64], line[256];
    long kb = 0;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Waits for pid to end, following it under ptrace; *own gets its VmHWM at its exit. */
static int wait_traced(pid_t pid, int *st, struct rusage *ru, long *own)
{
    for (;;) {
        if (wait4(pid, st, 0, ru) < 0)
            return -1;
        if (!WIFSTOPPED(*st))
            return 0;
        int sig = WSTOPSIG(*st);
        if (sig == SIGTRAP && (*st >> 16) == PTRACE_EVENT_EXIT) {
            *own = own_peak(pid);
            sig = 0;
        } else if (sig == SIGTRAP) {
            ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)PTRACE_O_TRACEEXIT);
            sig = 0; /* the stop after execve */
        }
        ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
    }
}

int main(int argc, char **argv)
{
    struct timespec a, b;
    struct rusage ru;
    int st;
    long own = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
        return 2;
    }
    char out[] = "/tmp/pp_rusage.XXXXXX";
    int sink = mkstemp(out);
    if (sink < 0) {
        perror("mkstemp");
        return 1;
    }
    unlink(out);
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(sink, 1);
        dup2(null, 2);
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    if (pid < 0 || wait_traced(pid, &st, &ru, &own) < 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    /* wait4 counts the child alone; a script's children are in RUSAGE_CHILDREN. */
    struct rusage all;
    getrusage(RUSAGE_CHILDREN, &all);
    double cpu = (double)all.ru_utime.tv_sec + (double)all.ru_utime.tv_usec / 1e6 +
                 (double)all.ru_stime.tv_sec + (double)all.ru_stime.tv_usec / 1e6;
    double wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    fprintf(stderr, "%.6f %.6f %ld %d %ld\n", wall, cpu, all.ru_maxrss,
            WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), own);
    return 0;
}
