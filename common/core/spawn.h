/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	spawn - run Postfix's own commands (postconf, postqueue, postsuper) safely
 * SYNOPSIS
 *	int pp_find_program(const char *name, char *path, size_t len);
 *	int pp_spawn(const char *const argv[], int stdin_fd, pp_child *c, char *err, size_t errlen);
 *	int pp_spawn_finish(pp_child *c, pp_buf *errout, char *err, size_t errlen);
 *	int pp_run(const char *const argv[], pp_buf *out, char *err, size_t errlen);
int pp_run_lines(const char *const argv[], void (*fn)(char *line, void *ctx), void *ctx,
                 char *err, size_t errlen);
 *	int pp_run_lines(const char *const argv[], void (*fn)(char *line, void *ctx), void *ctx,
 *			 char *err, size_t errlen);
 * DESCRIPTION
 *	No shell is involved: argv goes to execv() as it is. pp_find_program() looks for name in
 *	PATH and then in /usr/sbin, /usr/local/sbin and /sbin (Nagios and NRPE often run with a
 *	PATH without sbin); it returns 0 or -1.
 *	pp_spawn() starts argv[0] (looked up with pp_find_program) with stdout on c->out (a
 *	stream to read to its end), stderr on a pipe, stdin from stdin_fd (-1: /dev/null). The
 *	child is registered with the timeout, which kills it if time runs out.
 *	pp_spawn_finish() closes c->out, collects stderr into errout (may be NULL), reaps the
 *	child and returns its exit status, or -1 with err set when it died of a signal or could
 *	not be run (err then names the program and the reason, with its first stderr line).
 *	pp_run() runs a command to completion, collecting stdout in out; it returns the exit
 *	status, or -1 with err set. A non-zero status also sets err from the command's stderr.
 *	pp_run_lines() runs a command the same way and, when it exits 0, hands each non-empty
 *	line of its output (without the newline, writable) to fn; it returns 0, or -1 with err
 *	set (a non-zero exit status included), fn not called.
 */
#ifndef PP_SPAWN_H
#define PP_SPAWN_H

#include <stdio.h>
#include <sys/types.h>

#include "core/buf.h"

typedef struct pp_child {
    pid_t pid;
    FILE *out;
    int err_fd;
    char name[64];
} pp_child;

int pp_find_program(const char *name, char *path, size_t len);
int pp_spawn(const char *const argv[], int stdin_fd, pp_child *c, char *err, size_t errlen);
int pp_spawn_finish(pp_child *c, pp_buf *errout, char *err, size_t errlen);
int pp_run(const char *const argv[], pp_buf *out, char *err, size_t errlen);
int pp_run_lines(const char *const argv[], void (*fn)(char *line, void *ctx), void *ctx,
                 char *err, size_t errlen);

#endif
