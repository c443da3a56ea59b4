/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timeout.c - the hard -t limit. See timeout.h.
 */
#include "core/timeout.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/result.h"

#define MAX_CHILDREN PP_TIMEOUT_MAX_CHILDREN

static char *g_message;
/* With --output the message goes to the file, the way core/outfile does it but with only
 * async-signal-safe calls: open, write, close, rename of a name made beforehand. */
static char g_out_path[4096], g_out_tmp[4096];
static mode_t g_out_mode;
static size_t g_message_len;
static volatile sig_atomic_t g_exit_state = PP_UNKNOWN;
static volatile pid_t g_children[MAX_CHILDREN];
static struct timespec g_deadline;
static int g_armed;

static void on_alarm(int sig)
{
    (void)sig;
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (g_children[i] > 0)
            kill(g_children[i], SIGKILL);
    if (g_message && g_out_path[0]) {
        int fd = open(g_out_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, g_out_mode);
        ssize_t w = fd < 0 ? -1 : write(fd, g_message, g_message_len);
        if (fd >= 0 && close(fd) == 0 && w == (ssize_t)g_message_len)
            rename(g_out_tmp, g_out_path);
        else
            unlink(g_out_tmp);
    } else if (g_message) {
        ssize_t r = write(STDOUT_FILENO, g_message, g_message_len);
        (void)r;
    }
    _exit(g_exit_state);
}

static void prepare_outfile(void)
{
    const char *path = pp_output_file();
    g_out_path[0] = '\0';
    if (!path)
        return;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    int n = snprintf(g_out_tmp, sizeof g_out_tmp, "%.*s.%s.timeout.%ld", dirlen, path,
                     slash ? slash + 1 : path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof g_out_tmp || strlen(path) >= sizeof g_out_path)
        return; /* pp_result_exit reports the name at the end of a run that is not cut */
    snprintf(g_out_path, sizeof g_out_path, "%s", path);
    mode_t mask = umask(0);
    umask(mask);
    g_out_mode = 0666 & ~mask;
}

void pp_timeout_arm(double seconds, pp_state state)
{
    char secs[32];
    pp_buf out;
    struct sigaction sa;
    struct itimerval it;

    pp_fmt_num(seconds, secs, sizeof secs);
    pp_result *r = pp_result_new();
    pp_result_add(r, state, "timed out after %s s", secs);
    pp_buf_init(&out);
    pp_result_render(r, &out);
    pp_result_free(r);
    free(g_message);
    g_message = out.s; /* kept for the handler */
    g_message_len = out.len;
    g_exit_state = state;
    prepare_outfile();

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);

    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - floor(seconds)) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    clock_gettime(CLOCK_MONOTONIC, &g_deadline);
    g_deadline.tv_sec += it.it_value.tv_sec;
    g_deadline.tv_nsec += it.it_value.tv_usec * 1000L;
    if (g_deadline.tv_nsec >= 1000000000L) {
        g_deadline.tv_sec++;
        g_deadline.tv_nsec -= 1000000000L;
    }
    g_armed = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

void pp_timeout_disarm(void)
{
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    g_armed = 0;
}

double pp_timeout_left(void)
{
    struct timespec now;
    if (!g_armed)
        return 1e9;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double left = (double)(g_deadline.tv_sec - now.tv_sec) +
                  (double)(g_deadline.tv_nsec - now.tv_nsec) / 1e9;
    return left > 0 ? left : 0;
}

double pp_timeout_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int pp_timeout_child(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (g_children[i] <= 0) {
            g_children[i] = pid;
            return 0;
        }
    }
    return -1;
}

void pp_timeout_child_done(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (g_children[i] == pid)
            g_children[i] = 0;
}
