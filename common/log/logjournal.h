/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logjournal - Postfix's lines in the systemd journal, read from where the last run stopped
 * SYNOPSIS
 *	int pp_logjournal_read(const pp_logjournal_opts *o, pp_logfile_fn fn, void *ctx,
 *			       pp_logjournal_info *info, char *err, size_t errlen);
 *	int pp_logcursor_load(const char *state, const char *source, char *cursor,
 *			      size_t len, pp_logtotals *totals, char *err, size_t errlen);
 *	int pp_logcursor_save(const char *state, const char *source, const char *cursor,
 *			      const pp_logtotals *totals, char *err, size_t errlen);
 * DESCRIPTION
 *	pp_logjournal_read() opens the local system journal, or the journal files of o->dir,
 *	through libsystemd's sd-journal, and hands fn the entries of the instance's syslog
 *	names (o->names: an entry counts when its SYSLOG_IDENTIFIER is "NAME/..."), each
 *	made into the line rsyslog would write for it:
 *
 *	    2026-12-05T09:10:00.123456+00:00 host postfix/smtpd[123]: MESSAGE
 *
 *	(newlines inside MESSAGE become blanks), so common/log's line parser reads both
 *	sources alike. Matches on the identifiers the journal holds (sd_journal_query_unique)
 *	let sd-journal's field index skip every other entry. Where it starts: after the
 *	entry of o->from (a cursor) when given; else at o->since_usec (wall clock) when not
 *	0; else, with o->tail, at the end (nothing is read: a first run); else at the head.
 *	info->cursor is then the cursor of the last entry read (or o->from when none was, or
 *	the journal's last entry on a tail start), info->entries counts what fn got,
 *	info->idents the instance's identifiers found (0: it never logged there; then
 *	nothing is read and the cursor stays), and
 *	info->lost says the entry of o->from is no longer in the journal (vacuumed): what
 *	was written between it and the oldest entry left was not seen. It returns 0, or -1
 *	with err naming the journal and the reason.
 *	pp_logcursor_load() reads a state file written by pp_logcursor_save() for source
 *	(e.g. "journal:/var/log/journal"): 1 loaded (cursor may be "": the journal was
 *	empty), 0 no such file, -1 (err names the file) when it is corrupt, from a newer
 *	version or about another source; the running totals kept beside the cursor are added
 *	to *totals (a format 1 file has none). pp_logcursor_save() writes cursor and totals
 *	atomically; 0 or -1.
 */
#ifndef PP_LOGJOURNAL_H
#define PP_LOGJOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "log/logfile.h"

#define PP_LOGCURSOR_MAX 512

typedef struct pp_logjournal_opts {
    const char *dir;                 /* a directory of journal files, or NULL */
    const char *const *names;        /* syslog names, NULL-terminated */
    const char *from;                /* a cursor, or NULL */
    unsigned long long since_usec;   /* CLOCK_REALTIME microseconds, or 0 */
    bool tail;                       /* no from, no since: start at the end */
} pp_logjournal_opts;

typedef struct pp_logjournal_info {
    char cursor[PP_LOGCURSOR_MAX];
    unsigned long long entries;
    unsigned idents; /* the instance's SYSLOG_IDENTIFIERs the journal holds */
    bool lost;
} pp_logjournal_info;

int pp_logjournal_read(const pp_logjournal_opts *o, pp_logfile_fn fn, void *ctx,
                       pp_logjournal_info *info, char *err, size_t errlen);
int pp_logcursor_load(const char *state, const char *source, char *cursor, size_t len,
                      pp_logtotals *totals, char *err, size_t errlen);
int pp_logcursor_save(const char *state, const char *source, const char *cursor,
                      const pp_logtotals *totals, char *err, size_t errlen);

#endif
