/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * procinfo.c - processes and file locks as /proc shows them. See procinfo.h.
 */
#include "core/procinfo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/buf.h"

/* ---- pure parsers ---- */

int pp_proc_stat_parse(const char *text, size_t len, pp_proc_stat *st)
{
    char buf[1024];
    *st = (pp_proc_stat){0};
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';

    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    if (!open || !close || close < open || close[1] != ' ')
        return -1;
    char *end;
    long pid = strtol(buf, &end, 10);
    if (end == buf || pid <= 0 || pid > INT_MAX)
        return -1;
    size_t clen = (size_t)(close - open - 1);
    if (clen >= sizeof st->comm)
        clen = sizeof st->comm - 1;
    memcpy(st->comm, open + 1, clen);
    st->comm[clen] = '\0';

    /* After the name: state (field 3), ppid (4), ... starttime (22). */
    char *p = close + 2;
    if (!isalpha((unsigned char)*p) || p[1] != ' ')
        return -1;
    st->state = *p;
    p += 2;
    for (int field = 4; field <= 22; field++) {
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno != 0)
            return -1;
        if (field == 4) {
            if (v > INT_MAX)
                return -1;
            st->ppid = (pid_t)v;
        } else if (field == 22) {
            st->start_ticks = v;
        }
        p = end;
        if (*p == ' ')
            p++;
    }
    st->pid = (pid_t)pid;
    return 0;
}

int pp_proc_lock_parse(const char *line, pp_proc_lock *lk)
{
    char kind[16], mode[16], access[16];
    long pid;
    int used = 0;

    *lk = (pp_proc_lock){0};
    const char *p = strchr(line, ':');
    if (!p)
        return -1;
    p++;
    while (*p == ' ')
        p++;
    if (strncmp(p, "->", 2) == 0) {
        lk->waiting = true;
        p += 2;
    }
    if (sscanf(p, " %15s %15s %15s %ld %x:%x:%llu%n", kind, mode, access, &pid, &lk->major,
               &lk->minor, &lk->ino, &used) != 7 || used == 0 || pid <= 0 || pid > INT_MAX)
        return -1;
    if (strcmp(access, "WRITE") != 0 && strcmp(access, "READ") != 0)
        return -1;
    snprintf(lk->kind, sizeof lk->kind, "%s", kind);
    lk->write = strcmp(access, "WRITE") == 0;
    lk->pid = (pid_t)pid;
    return 0;
}

int pp_proc_maps_parse(const char *line, pp_proc_map *m)
{
    char perms[8];
    unsigned long long off;
    *m = (pp_proc_map){0};
    if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &m->start, &m->end, perms, &off,
               &m->major, &m->minor, &m->ino) != 7 || m->end < m->start)
        return -1;
    return 0;
}

/* ---- /proc readers ---- */

static int read_stat(pid_t pid, pp_proc_stat *st)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    return pp_proc_stat_parse(buf, (size_t)n, st);
}

static int boot_time(time_t *when)
{
    FILE *f = fopen("/proc/stat", "re");
    char line[256];
    long long btime = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "btime %lld", &btime) == 1)
            break;
    fclose(f);
    if (btime < 0)
        return -1;
    *when = (time_t)btime;
    return 0;
}

static int ticks_to_time(unsigned long long ticks, time_t *when)
{
    time_t boot;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0 || boot_time(&boot) != 0)
        return -1;
    *when = boot + (time_t)(ticks / (unsigned long long)hz);
    return 0;
}

int pp_proc_start_time(pid_t pid, time_t *when)
{
    pp_proc_stat st;
    if (read_stat(pid, &st) != 0)
        return -1;
    return ticks_to_time(st.start_ticks, when);
}

int pp_proc_oldest_child(pid_t parent, pid_t *child, time_t *when)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    bool found = false;
    unsigned long long best = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        pp_proc_stat st;
        if (*end != '\0' || pid <= 0 || read_stat((pid_t)pid, &st) != 0)
            continue;
        if (st.ppid != parent || st.state == 'Z')
            continue;
        if (!found || st.start_ticks < best) {
            best = st.start_ticks;
            *child = st.pid;
            found = true;
        }
    }
    closedir(d);
    if (!found)
        return 0;
    return ticks_to_time(best, when) == 0 ? 1 : -1;
}

int pp_proc_comm(pid_t pid, char *comm, size_t len)
{
    pp_proc_stat st;
    if (read_stat(pid, &st) != 0)
        return -1;
    snprintf(comm, len, "%s", st.comm);
    return 0;
}

pid_t pp_proc_lock_holder(dev_t dev, ino_t ino, char *comm, size_t len)
{
    FILE *f = fopen("/proc/locks", "re");
    char line[256];
    pid_t pid = 0;
    if (!f)
        return 0;
    while (pid == 0 && fgets(line, sizeof line, f)) {
        pp_proc_lock lk;
        if (pp_proc_lock_parse(line, &lk) == 0 && !lk.waiting && lk.major == major(dev) &&
            lk.minor == minor(dev) && lk.ino == (unsigned long long)ino)
            pid = lk.pid;
    }
    fclose(f);
    /* The locker may have exited, leaving the lock to a child that inherited the file. */
    if (pid > 0 && comm && pp_proc_comm(pid, comm, len) != 0)
        snprintf(comm, len, "exited; a process it started holds the lock");
    return pid;
}

int pp_proc_pidfile(const char *path, pid_t *pid, char *err, size_t errlen)
{
    char buf[64];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pp_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    buf[n] = '\0';
    char *p = buf, *end;
    while (*p == ' ')
        p++;
    long v = strtol(p, &end, 10);
    while (*end == ' ' || *end == '\n')
        end++;
    if (end == p || *end != '\0' || v <= 0 || v > INT_MAX)
        return pp_errf(err, errlen, "%s holds no process id", path);
    if (kill((pid_t)v, 0) != 0 && errno == ESRCH)
        return pp_errf(err, errlen, "%s names process %ld, which is not running", path, v);
    *pid = (pid_t)v;
    return 0;
}

int pp_proc_mapping(dev_t dev, ino_t ino, void **start, size_t *len)
{
    FILE *f = fopen("/proc/self/maps", "re");
    char line[512];
    int rc = -1;
    if (!f)
        return -1;
    while (rc != 0 && fgets(line, sizeof line, f)) {
        pp_proc_map m;
        if (pp_proc_maps_parse(line, &m) == 0 && m.ino == (unsigned long long)ino &&
            m.major == major(dev) && m.minor == minor(dev)) {
            *start = (void *)(uintptr_t)m.start;
            *len = (size_t)(m.end - m.start);
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}
