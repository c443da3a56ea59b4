/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logline - one Postfix log line: time stamp, host, syslog tag, text (pure parser)
 * SYNOPSIS
 *	int pp_logline_parse(const char *s, size_t len, pp_logline *l);
 *	long long pp_logline_time(const pp_logline *l, long long now);
 *	bool pp_logline_name_is(const pp_logline *l, const char *name);
 *	bool pp_logline_name_in(const pp_logline *l, const char *const *names);
 *	uint64_t pp_loghash(const char *s, size_t n);
 *	void pp_logclock_init(pp_logclock *c, long long now);
 *	long long pp_logclock_time(pp_logclock *c, const pp_logline *l);
 * DESCRIPTION
 *	pp_logline_parse() splits one line (len bytes, no newline, need not be NUL-terminated)
 *	of the two shapes Postfix's lines take:
 *
 *	    Dec  5 09:10:00 host postfix/submission/smtpd[123]: text   (syslog; "Dec 05" too)
 *	    2026-12-05T09:10:00.123456+01:00 host postfix/smtpd[123]: text   (RFC 3339)
 *
 *	into l: the time fields, host, tag ("postfix/submission/smtpd"), its last component
 *	prog ("smtpd") and the rest, name ("postfix/submission"), pid (-1 when the tag has
 *	none) and text (after ": "). Every pointer points into s. It returns 0, or -1 for a
 *	line of another shape (l is then undefined).
 *	pp_logline_time() is the line's time as a Unix time. A syslog stamp has no year: the
 *	year is now's, or the one before when that would put the line more than a day after
 *	now (a December line read in January). Syslog stamps are local time; RFC 3339 ones
 *	carry their offset. It returns -1 for a time that does not exist.
 *	pp_logline_name_is() tells whether the tag's name part is name or a name below it
 *	("postfix" takes "postfix/submission" but not "postfix-out").
 *	pp_logline_name_in() tells whether that holds for one of names (NULL-terminated; a NULL
 *	names takes every line).
 *	pp_logclock_time() is pp_logline_time() for a stream of lines: mktime() (which reads
 *	the time zone file each time) or timegm() once per hour of log and stamp offset, the
 *	minutes and seconds added; now as given to pp_logclock_init().
 *	pp_loghash() is a 64-bit hash of n bytes (queue ids, group keys), never 0, taken 8
 *	bytes at a time: a queue id is hashed in a few multiplications, not one a byte.
 */
#ifndef PP_LOGLINE_H
#define PP_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pp_logline {
    int year;         /* -1 for a syslog stamp */
    int mon;          /* 0-11 */
    int day, hour, min, sec;
    bool has_offset;  /* RFC 3339: the stamp names its offset */
    int offset;       /* seconds east of UTC */
    const char *host;
    size_t host_len;
    const char *name; /* the tag without "/prog" */
    size_t name_len;
    const char *prog;
    size_t prog_len;
    long pid;
    const char *text;
    size_t text_len;
} pp_logline;

typedef struct pp_logclock {
    long long now;
    long long key;  /* the hour cached (its stamp's fields), -1: none */
    long long base; /* its time */
} pp_logclock;

int pp_logline_parse(const char *s, size_t len, pp_logline *l);
long long pp_logline_time(const pp_logline *l, long long now);
bool pp_logline_name_is(const pp_logline *l, const char *name);
bool pp_logline_name_in(const pp_logline *l, const char *const *names);
uint64_t pp_loghash(const char *s, size_t n);
void pp_logclock_init(pp_logclock *c, long long now);
long long pp_logclock_time(pp_logclock *c, const pp_logline *l);

#endif
