/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	showq - the queue as showq(8) sees it, through "postqueue -j"
 * SYNOPSIS
 *	pp_showq *pp_showq_open(const char *config_dir, char *err, size_t errlen);
 *	int pp_showq_next(pp_showq *sq, pp_showq_msg *m, char *err, size_t errlen);
 *	int pp_showq_close(pp_showq *sq, char *err, size_t errlen);
 *
 *	void pp_showq_msg_init(pp_showq_msg *m);
 *	void pp_showq_msg_free(pp_showq_msg *m);
 *	int pp_showq_parse_line(const char *line, size_t len, pp_showq_msg *m, char *err,
 *				size_t errlen);
 * DESCRIPTION
 *	The unprivileged way to see the queue: postqueue(1) is set-gid postdrop and asks the
 *	showq daemon, which reads the queue files as Postfix. "postqueue -j" (Postfix >= 3.1)
 *	prints one JSON object per message and line, which this module reads as it comes, so
 *	memory does not grow with the queue.
 *
 *	pp_showq_open() starts "postqueue [-c config_dir] -j" (config_dir may be NULL).
 *	pp_showq_next() reads the next message into m: it returns 1, 0 at the end, or -1 with
 *	err naming the line when that line is malformed; the stream stays usable, so a caller
 *	may count the bad line and go on. pp_showq_close() reads postqueue's status: 0, or -1
 *	with err (postqueue's complaint, e.g. "mail system is down", or a permission problem).
 *
 *	pp_showq_parse_line() is the pure part: one line (without its newline; len bytes, no
 *	NUL needed) into m. It accepts the JSON object postqueue prints, in any key order, skips
 *	keys it does not know (any JSON value, nested up to a fixed depth), decodes every string
 *	escape including \uXXXX and surrogate pairs (to UTF-8; a lone surrogate becomes
 *	U+FFFD, \u0000 becomes '?'), and rejects anything else with a one-line reason: raw
 *	control characters, bad escapes, numbers out of range, missing required keys, trailing
 *	bytes, a queue id or queue name that is not alphanumeric.
 *
 *	m->q is filled as pp_qscan_run() hands a file's pp_qmsg (see queue_scan.h), so that
 *	both sources give the same figures: q.sender and q.rcpt are in the form the queue file
 *	holds them (showq prints the null sender as MAILER-DAEMON, mapped back to "", and
 *	quotes local parts RFC 822 style, "john doe"@example.com, which is undone here; what
 *	showq replaced by '?', non-printable bytes, cannot be restored); q.size is the message
 *	size (the file size in maildrop, where files have no size record); q.maildrop is set
 *	for the maildrop queue; q.expired is showq's forced_expire (false before Postfix 3.5);
 *	q.arrival is whole seconds. What showq does not tell stays
 *	zero: q.arrival_usec, q.ndone. Recipients come
 *	in showq's order: those with a deferral reason first, then the others, each once.
 *	pp_showq_next() passes over a message it met before in incoming or active under the
 *	same queue id: showq read it again after qmgr or postsuper renamed it into a later
 *	queue during the report.
 *	The strings belong to m and stay valid until the next parse into m or
 *	pp_showq_msg_free(); never pass m->q to pp_qmsg_free().
 * DIAGNOSTICS
 *	Every failure comes back as a return value with err set; nothing exits.
 */
#ifndef PP_SHOWQ_H
#define PP_SHOWQ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "queue/queue_record.h"

typedef struct pp_showq_msg {
    char queue[16]; /* incoming, active, deferred, hold, maildrop */
    char id[32];    /* queue id: letters and digits only */
    pp_qmsg q;           /* arrival, size, maildrop, expired, sender, rcpt, nrcpt */
    const char **reason; /* reason[i]: the delay_reason of q.rcpt[i], or "" */
    /* storage: every string lives in text, at the offsets in off */
    pp_buf text;
    size_t *off;
    size_t cap;
} pp_showq_msg;

typedef struct pp_showq pp_showq;

void pp_showq_msg_init(pp_showq_msg *m);
void pp_showq_msg_free(pp_showq_msg *m);
int pp_showq_parse_line(const char *line, size_t len, pp_showq_msg *m, char *err, size_t errlen);

pp_showq *pp_showq_open(const char *config_dir, char *err, size_t errlen);
int pp_showq_next(pp_showq *sq, pp_showq_msg *m, char *err, size_t errlen);
int pp_showq_close(pp_showq *sq, char *err, size_t errlen);

#endif
