/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logfile - a log file read from where the last run stopped, across rotation
 * SYNOPSIS
 *	int pp_logfile_read(const char *path, const pp_logpos *from, pp_logpos *to,
 *			    pp_logfile_fn fn, void *ctx, pp_logfile_info *info,
 *			    char *err, size_t errlen);
 *	int pp_logfile_read_since(const char *path, time_t since, pp_logpos *to,
 *				  pp_logfile_fn fn, void *ctx, pp_logfile_info *info,
 *				  char *err, size_t errlen);
 *	int pp_logfile_end(const char *path, pp_logpos *pos, char *err, size_t errlen);
 *	int pp_logpos_load(const char *state, const char *path, pp_logpos *pos,
 *			   pp_logtotals *totals, char *err, size_t errlen);
 *	int pp_logpos_save(const char *state, const char *path, const pp_logpos *pos,
 *			   const pp_logtotals *totals, char *err, size_t errlen);
 *	int pp_logstate_write(const char *state, const char *text, char *err,
 *			      size_t errlen);
 * DESCRIPTION
 *	A position is a file's device, inode, the offset read to (the end of its last complete
 *	line) and a fingerprint of its first fp_len (at most 256) bytes.
 *	pp_logfile_read() streams the lines of path to fn (without the newline) and sets *to
 *	to the position after them. Without from (NULL) the whole file is read. With from:
 *	when path is still the same file (device, inode, fingerprint) and not shorter, from
 *	from->offset on; when it was rotated by moving (another inode) or truncated after a
 *	copy (copytruncate: same inode, shorter, or another fingerprint), the rotated file
 *	whose first bytes have from's fingerprint (the newest 16 of path.N[.gz],
 *	path.YYYYMMDD-HHMMSS[.gz] as "postfix logrotate" names it, and path-YYYYMMDD[.gz])
 *	is read from from->offset to its end first (.gz through zlib), then path
 *	from its start. When no rotated file matches, info->lost says so. When path does not
 *	exist but a rotated file matches (rotated, no line logged since), that file's rest is
 *	read, info->missing is set and *to is its end. A last line without
 *	its newline (being written) is left for the next run. Memory is one 256 KB buffer.
 *	It returns 0, or -1 with err naming the file and the reason.
 *	pp_logfile_read_since() streams what a window by time (--since) needs: the rotated files
 *	(the same names, the newest 16) modified at or after since, oldest first and whole,
 *	then path. The caller drops the lines older than since. *to is set as
 *	pp_logfile_read() sets it (the end of path, or of the newest rotated file when path
 *	does not exist yet). info->rotated names the oldest rotated file read; info->missing
 *	says path does not exist (yet) but rotated files were read.
 *	pp_logfile_end() sets *pos to the end of path as it is now (a first run starts there);
 *	0 or -1.
 *	pp_logpos_load() reads a state file: the position and the running totals kept beside
 *	it (log/logtotals, added to *totals; a format 1 file has none: they stay as they
 *	are). It returns 1 loaded, 0 no such file, -1 (err names the file) when it is corrupt,
 *	from a newer version or about another log than path.
 *	pp_logpos_save() writes position and totals atomically (a temporary file renamed);
 *	0 or -1.
 *	pp_logstate_write() is that atomic write of any state file's text (logjournal's too).
 */
#ifndef PP_LOGFILE_H
#define PP_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "log/logtotals.h"

typedef struct pp_logpos {
    unsigned long long dev, ino, offset;
    uint64_t fp;
    unsigned fp_len;
} pp_logpos;

typedef struct pp_logfile_info {
    char rotated[512]; /* the rotated file read first, or "" */
    bool truncated;    /* path was copied and truncated */
    bool lost;         /* rotated, and the rotated file was not found */
    bool missing;      /* path does not exist (yet): only the rotated file was read */
    unsigned long long bytes; /* bytes read */
} pp_logfile_info;

typedef void (*pp_logfile_fn)(void *ctx, const char *line, size_t len);

int pp_logfile_read(const char *path, const pp_logpos *from, pp_logpos *to, pp_logfile_fn fn,
                    void *ctx, pp_logfile_info *info, char *err, size_t errlen);
int pp_logfile_read_since(const char *path, time_t since, pp_logpos *to, pp_logfile_fn fn,
                          void *ctx, pp_logfile_info *info, char *err, size_t errlen);
int pp_logfile_end(const char *path, pp_logpos *pos, char *err, size_t errlen);
int pp_logpos_load(const char *state, const char *path, pp_logpos *pos, pp_logtotals *totals,
                   char *err, size_t errlen);
int pp_logpos_save(const char *state, const char *path, const pp_logpos *pos,
                   const pp_logtotals *totals, char *err, size_t errlen);
int pp_logstate_write(const char *state, const char *text, char *err, size_t errlen);

#endif
