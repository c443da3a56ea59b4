/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logtrace - the life of each message, assembled from Postfix's log in one pass
 * SYNOPSIS
 *	pp_logtrace *pp_logtrace_new(const pp_logtrace_opts *o);
 *	void pp_logtrace_line(pp_logtrace *t, const char *line, size_t len);
 *	void pp_logtrace_finish(pp_logtrace *t);
 *	const pp_logtrace_stats *pp_logtrace_stats_get(const pp_logtrace *t);
 *	void pp_logtrace_free(pp_logtrace *t);
 *	const char *pp_logtrace_field(const char *text, const char *key, size_t *len);
 * DESCRIPTION
 *	pp_logtrace_line() parses one line (common/log/logline), keeps it when its syslog name
 *	is one of o->names (or below one) and its time is within [o->since, o->until) (0: no
 *	bound), and when it is about a queue id (common/log/logclass; NOQUEUE is none) adds
 *	it to that message's events. A message's summary fields are taken from its lines:
 *	smtpd's or postscreen's "client=" (client, sasl_username), cleanup's "message-id=",
 *	qmgr's "from=<>, size=" and pickup's "from=<>" (sender, size), every "to=<>" and
 *	"orig_to=<>" (recipients). bounce's "sender non-delivery notification: QID" (and the
 *	delay, delivery status and postmaster notifications) links the notice's queue id
 *	to the message as one of its notices (a notice none of whose lines came before the
 *	link, as cleanup's always does, is outside the window read and counts as ended).
 *	A message ends with qmgr's or postsuper's "removed", or cleanup's reject or discard
 *	(the queue file is gone then). An arrival line (client=, pickup's) under a queue id
 *	still open hands the old message over unfinished first: its file was abandoned without
 *	a line (a client gone before the end of DATA) and Postfix's short ids are reused. A message whose own story and its notices' all ended
 *	is handed to o->fn (the notices inside it, never on their own), then forgotten: memory
 *	holds only the messages still open. Beyond o->max_open open messages (default
 *	100000) the oldest is handed over at once, unfinished; pp_logtrace_finish() hands over
 *	those still open at the end of the log (deferred, still queued), in arrival order.
 *	The pointers of a pp_logmsg live until fn returns.
 *	pp_logtrace_field() finds key (e.g. "relay=") in an event's text before its reply
 *	(" (...)"), at the start or after a blank, and returns its value up to the next ", "
 *	or the reply, its length in *len; NULL when the text has no such key.
 */
#ifndef PP_LOGTRACE_H
#define PP_LOGTRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "log/logclass.h"

typedef struct pp_logmsg_event {
    long long time;
    const char *stamp; /* the line's own time stamp */
    const char *tag;   /* "postfix/smtpd" */
    long pid;
    const char *text;  /* after "QID: " */
    pp_logkind kind;
} pp_logmsg_event;

typedef struct pp_logmsg pp_logmsg;
struct pp_logmsg {
    char qid[33];
    const char *client, *sasl_username, *message_id, *sender; /* NULL: not logged */
    long long size;                                            /* -1: not logged */
    const char **rcpt;
    size_t nrcpt;
    pp_logmsg_event *ev;
    size_t nev;
    pp_logmsg **notices;
    size_t nnotices;
    bool ended;   /* this message's own end was seen */
    bool evicted; /* handed over before its end (more than max_open open) */
    /* private */
    pp_logmsg *parent, *hnext, *prev, *next;
    size_t evcap, rcptcap;
};

typedef void (*pp_logtrace_fn)(void *ctx, const pp_logmsg *m);

typedef struct pp_logtrace_opts {
    const char *const *names; /* the instance's syslog names, NULL-terminated */
    long long since, until;   /* Unix times, 0: no bound */
    long long now;            /* for syslog stamps without a year; 0: time(NULL) */
    size_t max_open;          /* 0: 100000 */
    pp_logtrace_fn fn;
    void *ctx;
} pp_logtrace_opts;

typedef struct pp_logtrace_stats {
    unsigned long long lines, unparsed, other, outside, events, messages, evicted;
    size_t open, max_open_seen;
} pp_logtrace_stats;

typedef struct pp_logtrace pp_logtrace;

pp_logtrace *pp_logtrace_new(const pp_logtrace_opts *o);
void pp_logtrace_line(pp_logtrace *t, const char *line, size_t len);
void pp_logtrace_finish(pp_logtrace *t);
const pp_logtrace_stats *pp_logtrace_stats_get(const pp_logtrace *t);
void pp_logtrace_free(pp_logtrace *t);
const char *pp_logtrace_field(const char *text, const char *key, size_t *len);

#endif
