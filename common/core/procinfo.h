/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	procinfo - what Linux's /proc says about processes and file locks
 * SYNOPSIS
 *	int pp_proc_stat_parse(const char *text, size_t len, pp_proc_stat *st);
 *	int pp_proc_maps_parse(const char *line, pp_proc_map *m);
 *	int pp_proc_lock_parse(const char *line, pp_proc_lock *lk);
 *
 *	int pp_proc_start_time(pid_t pid, time_t *when);
 *	int pp_proc_oldest_child(pid_t parent, pid_t *child, time_t *when);
 *	int pp_proc_comm(pid_t pid, char *comm, size_t len);
 *	pid_t pp_proc_lock_holder(dev_t dev, ino_t ino, char *comm, size_t len);
 *	int pp_proc_pidfile(const char *path, pid_t *pid, char *err, size_t errlen);
 *	int pp_proc_mapping(dev_t dev, ino_t ino, void **start, size_t *len);
 * DESCRIPTION
 *	pp_proc_stat_parse() reads one /proc/PID/stat text: pid, command name (which may itself
 *	hold spaces and parentheses; the last ')' ends it), state, parent pid and start time in
 *	clock ticks after boot. pp_proc_lock_parse() reads one /proc/locks line ("1: FLOCK
 *	ADVISORY WRITE 123 fe:00:4567 0 EOF"; "->" marks a process waiting for the lock). Both
 *	are pure and return 0, or -1 for text of another shape.
 *
 *	pp_proc_start_time() gives when a process started (boot time plus its start ticks);
 *	pp_proc_oldest_child() the earliest-started live child of parent (1 found, 0 none).
 *	Postfix's master restarts all its children on "postfix reload", so the oldest child tells
 *	when the running configuration and the tables read at start-up were last loaded.
 *	pp_proc_comm() copies a process's command name. pp_proc_lock_holder() finds a process
 *	holding (not waiting for) a lock on the file dev/ino, with its command name; 0 if none.
 *	pp_proc_pidfile() reads a pid file (Postfix's master.pid and master.lock hold the pid
 *	right-aligned in a fixed-width field) and checks that the process is alive.
 *	pp_proc_maps_parse() (pure) reads one /proc/PID/maps line; pp_proc_mapping() finds this
 *	process's mapping of the file dev/ino (the first, for a file mapped once, as LMDB does).
 *	All return 0 (or as said), -1 on failure; those with err name the file and the reason.
 */
#ifndef PP_PROCINFO_H
#define PP_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

typedef struct pp_proc_stat {
    pid_t pid;
    char comm[64];
    char state;
    pid_t ppid;
    unsigned long long start_ticks;
} pp_proc_stat;

typedef struct pp_proc_lock {
    bool waiting;      /* "->": blocked, waiting for the lock */
    char kind[16];     /* FLOCK, POSIX, OFDLCK, ... */
    bool write;        /* WRITE (exclusive) or READ (shared) */
    pid_t pid;
    unsigned major, minor;
    unsigned long long ino;
} pp_proc_lock;

typedef struct pp_proc_map {
    unsigned long long start, end;
    unsigned major, minor;
    unsigned long long ino;
} pp_proc_map;

int pp_proc_stat_parse(const char *text, size_t len, pp_proc_stat *st);
int pp_proc_maps_parse(const char *line, pp_proc_map *m);
int pp_proc_mapping(dev_t dev, ino_t ino, void **start, size_t *len);
int pp_proc_lock_parse(const char *line, pp_proc_lock *lk);

int pp_proc_start_time(pid_t pid, time_t *when);
int pp_proc_oldest_child(pid_t parent, pid_t *child, time_t *when);
int pp_proc_comm(pid_t pid, char *comm, size_t len);
pid_t pp_proc_lock_holder(dev_t dev, ino_t ino, char *comm, size_t len);
int pp_proc_pidfile(const char *path, pid_t *pid, char *err, size_t errlen);

#endif
