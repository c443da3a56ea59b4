/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	workpool - run N independent jobs on at most M threads
 * SYNOPSIS
 *	size_t pp_workpool_run(size_t njobs, size_t max_threads, pp_workpool_fn fn, void *arg);
 * DESCRIPTION
 *	pp_workpool_run() calls fn(i, arg) once for every i from 0 to njobs - 1 and returns
 *	when every call has returned. The calls run on at most max_threads threads (0 counts
 *	as 1), the calling thread among them: each thread takes the next job not yet taken
 *	until none is left, so a slow job holds up one thread and no other job. Jobs are
 *	taken in index order; they finish in any order, so fn writes its result into the
 *	job's own slot and the caller reads the results afterwards, in whatever order it
 *	wants its output in. fn must be safe to run in several threads at once.
 *	It returns the number of threads that ran jobs (the caller's included): when a
 *	thread cannot be started, the others do its share.
 */
#ifndef PP_WORKPOOL_H
#define PP_WORKPOOL_H

#include <stddef.h>

#define PP_WORKPOOL_MAX_THREADS 64

typedef void (*pp_workpool_fn)(size_t i, void *arg);

size_t pp_workpool_run(size_t njobs, size_t max_threads, pp_workpool_fn fn, void *arg);

#endif
