/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outfile - write a file atomically: readers see the old content or the new, never half
 * SYNOPSIS
 *	int pp_outfile_write(const char *path, const char *data, size_t len, char *err,
 *	                     size_t errlen);
 * DESCRIPTION
 *	pp_outfile_write() writes data to a temporary file in path's directory, named
 *	.<name>.XXXXXX (a name node_exporter's textfile collector skips: it reads *.prom),
 *	gives it the mode a new file gets under the umask (mkstemp's 0600 would hide it from
 *	the collector's user), flushes it to disk and renames it over path: rename(2) within
 *	one directory replaces the name atomically. It returns 0, or -1 with the reason in err
 *	(the temporary file removed, path left as it was).
 */
#ifndef PP_OUTFILE_H
#define PP_OUTFILE_H

#include <stddef.h>

int pp_outfile_write(const char *path, const char *data, size_t len, char *err, size_t errlen);

#endif
