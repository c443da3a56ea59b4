/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	timeout - the hard -t limit of a plugin run
 * SYNOPSIS
 *	void pp_timeout_arm(double seconds, pp_state state);
 *	void pp_timeout_disarm(void);
 *	double pp_timeout_left(void);
 *	double pp_timeout_now(void);
 *	int pp_timeout_child(pid_t pid);
 *	void pp_timeout_child_done(pid_t pid);
 * DESCRIPTION
 *	pp_timeout_arm() starts a real-time timer; when it fires, whatever the plugin is doing,
 *	the children registered with pp_timeout_child() are killed, the line
 *	"SERVICE STATE - timed out after N s" (in the run's output format, rendered in advance so
 *	the signal handler only calls write()) is printed, or with --output written to the
 *	file (a temporary name made in advance, renamed over it), and the process exits with
 *	state.
 *	pp_timeout_child() registers a child to kill (-1 when PP_TIMEOUT_MAX_CHILDREN already
 *	run: the caller must not let that one run unkilled); pp_timeout_child_done() forgets it.
 *	pp_timeout_disarm() stops the timer: for work that must never be cut in half (an
 *	operator's postsuper action), after the part the limit was for.
 *	pp_timeout_left() gives the seconds left (a large number when no timer is armed), for
 *	code that sets its own per-call limits (sockets, poll, resolver).
 *	pp_timeout_now() is the monotonic clock that limit is kept on, in seconds: for timing
 *	the phases of a check and for deadlines of one's own.
 */
#ifndef PP_TIMEOUT_H
#define PP_TIMEOUT_H

#include <sys/types.h>

#include "core/state.h"

void pp_timeout_arm(double seconds, pp_state state);
void pp_timeout_disarm(void);
double pp_timeout_left(void);
double pp_timeout_now(void);
#define PP_TIMEOUT_MAX_CHILDREN 16

int pp_timeout_child(pid_t pid);
void pp_timeout_child_done(pid_t pid);

#endif
