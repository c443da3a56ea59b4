/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	spawn - run Postfix's own commands (postconf, postmap, postqueue, postsuper) safely
 * SYNOPSIS
 *	int pp_command_path(const char *config_dir, const char *name, char *path, size_t len,
 *			    char *err, size_t errlen);
 *	int pp_spawn(const char *config_dir, const char *const argv[], int stdin_fd, pp_child *c,
 *		     char *err, size_t errlen);
 *	int pp_spawn_finish(pp_child *c, pp_buf *errout, char *err, size_t errlen);
 *	int pp_run(const char *config_dir, const char *const argv[], pp_buf *out, char *err,
 *		   size_t errlen);
 *	int pp_run_lines(const char *config_dir, const char *const argv[],
 *			 void (*fn)(char *line, void *ctx), void *ctx, char *err, size_t errlen);
 * DESCRIPTION
 *	No shell and no PATH search are involved: argv[0] names a Postfix command, which is run
 *	by its absolute path with argv as it is, and "-c config_dir" after argv[0] when
 *	config_dir is not NULL. pp_command_path() writes that path: postconf lives in Postfix's
 *	compiled-in command directory, /usr/sbin; the other commands in the command_directory
 *	that "postconf [-c config_dir] -h command_directory" gives (asked once per config
 *	directory; /usr/sbin when postconf cannot tell). The environment variable
 *	POSTPROBE_COMMAND_DIR, when set, names the directory of every command instead (an
 *	absolute path, not writable by group or others: for installations elsewhere and for
 *	tests with stand-in commands). An argv[0] with a '/' must be absolute and is run as it
 *	is. It returns 0, or -1 with err set when the command is not there.
 *	The child gets a minimal environment: PATH=/usr/sbin:/usr/bin:/sbin:/bin, LANG=C and,
 *	with config_dir, MAIL_CONFIG=config_dir; nothing of the plugin's own (its POSTPROBE_*
 *	secrets above all). Every signal has its default disposition in the child and none is
 *	blocked; SIGALRM is blocked in the plugin from before fork() until the child is
 *	registered with the timeout, so the -t alarm either fires before the child exists or
 *	kills it, and its handler never runs in the child.
 *	pp_spawn() starts the command with stdout on c->out (a stream to read to its end),
 *	stderr on a pipe, stdin from stdin_fd (-1: /dev/null). The child is registered with the
 *	timeout, which kills it if time runs out.
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

int pp_command_path(const char *config_dir, const char *name, char *path, size_t len,
                    char *err, size_t errlen);
int pp_spawn(const char *config_dir, const char *const argv[], int stdin_fd, pp_child *c,
             char *err, size_t errlen);
int pp_spawn_finish(pp_child *c, pp_buf *errout, char *err, size_t errlen);
int pp_run(const char *config_dir, const char *const argv[], pp_buf *out, char *err,
           size_t errlen);
int pp_run_lines(const char *config_dir, const char *const argv[],
                 void (*fn)(char *line, void *ctx), void *ctx, char *err, size_t errlen);

#endif
