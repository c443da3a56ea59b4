/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logstat - the counts of an interval of Postfix's log, with flat memory
 * SYNOPSIS
 *	pp_logstat *pp_logstat_new(const pp_logstat_opts *o);
 *	void pp_logstat_line(pp_logstat *st, const char *line, size_t len);
 *	uint64_t pp_logstat_count(const pp_logstat *st, pp_logcount c);
 *	const char *pp_logcount_name(pp_logcount c);
 *	const pp_logstat_lines *pp_logstat_lines_seen(const pp_logstat *st);
 *	size_t pp_logstat_top(pp_logstat *st, pp_loggroup g, pp_logtop *out, size_t max);
 *	bool pp_logstat_delay(const pp_logstat *st, int stage, double *median, double *max);
 *	void pp_logstat_free(pp_logstat *st);
 * DESCRIPTION
 *	pp_logstat_line() parses one line (common/log/logline), keeps it when its syslog name
 *	is one of o->names or below one (pp_logline_name_is) and, with o->since, when it is not
 *	older than that; classifies it (common/log/logclass) and counts it. The counters
 *	(pp_logcount_name: received, delivered, forwarded, deferred, deferrals, bounced, ...)
 *	are pflogsumm's Grand Totals where pflogsumm has one (removed and connects count
 *	qmgr's removals and smtpd's connections, as postfix_exporter does). "deferred" counts
 *	messages: a queue id is remembered (its 64-bit hash, in a table that grows with them up
 *	to o->max_deferred entries, 4 MB at the default) from its first deferral until qmgr
 *	removes it, so memory follows the messages deferred and still queued within the
 *	interval; beyond o->max_deferred each further message is counted at its every deferral
 *	and lines->deferred_approx says the count is an upper bound.
 *	Reasons are grouped (pp_logclass_reason) per group, each group keeping at most
 *	PP_LOGSTAT_MAX_KEYS keys; later new keys are counted under "(other)". With o->examples
 *	the first line of each key is kept. pp_logstat_top() gives the max busiest keys of a
 *	group, highest first; the pointers live until the next call or free.
 *	pp_logstat_delay() gives the median and maximum of delay= (stage 0) or of a delays=
 *	stage (1-4: before the queue manager, in it, connection setup, transmission) over the
 *	delivery lines (delivered, forwarded, deferred, bounced), from a fixed histogram: exact
 *	to the millisecond below 10 s, 2.3 % above. It returns false when there was none.
 */
#ifndef PP_LOGSTAT_H
#define PP_LOGSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pp_logcount {
    PP_LOGC_RECEIVED,
    PP_LOGC_DELIVERED,
    PP_LOGC_FORWARDED,
    PP_LOGC_DEFERRED,
    PP_LOGC_DEFERRALS,
    PP_LOGC_BOUNCED,
    PP_LOGC_EXPIRED,
    PP_LOGC_REJECTED,
    PP_LOGC_REJECT_WARNINGS,
    PP_LOGC_HELD,
    PP_LOGC_DISCARDED,
    PP_LOGC_SASL_FAILURES,
    PP_LOGC_TLS_FAILURES,
    PP_LOGC_LOST_CONNECTIONS,
    PP_LOGC_WARNINGS,
    PP_LOGC_ERRORS,
    PP_LOGC_FATAL,
    PP_LOGC_PANIC,
    PP_LOGC_PROCESS_LIMIT,
    PP_LOGC_PASS_NEW,
    PP_LOGC_PASS_OLD,
    PP_LOGC_DNSBL,
    PP_LOGC_PREGREET,
    PP_LOGC_REMOVED,  /* qmgr's "QID: removed" */
    PP_LOGC_CONNECTS, /* smtpd's "connect from" */
    PP_LOGC_COUNT
} pp_logcount;

typedef enum pp_loggroup {
    PP_LOGG_DEFERRAL,
    PP_LOGG_BOUNCE,
    PP_LOGG_REJECT,
    PP_LOGG_SASL,
    PP_LOGG_PROCESS_LIMIT,
    PP_LOGG_FATAL, /* fatal and panic lines */
    PP_LOGG_ERROR,
    PP_LOGG_WARNING,
    PP_LOGG_COUNT
} pp_loggroup;

#define PP_LOGSTAT_MAX_KEYS 1000
#define PP_LOGSTAT_OTHER "(other)"

typedef struct pp_logstat_opts {
    const char *const *names; /* the instance's syslog names, NULL-terminated */
    bool examples;
    long long since; /* count lines from this Unix time on; 0: all */
    long long now;   /* for the year of syslog stamps; 0: time(NULL) */
    size_t max_deferred; /* 0: 262144 */
} pp_logstat_opts;

typedef struct pp_logstat_lines {
    uint64_t read;       /* all lines given */
    uint64_t unparsed;   /* of no log line shape */
    uint64_t other;      /* of another syslog name */
    uint64_t older;      /* before since */
    uint64_t counted;    /* the instance's lines in the interval */
    long long first;     /* time of the first counted line, -1 when none */
    bool deferred_approx;
} pp_logstat_lines;

typedef struct pp_logtop {
    const char *key;
    uint64_t count;
    const char *example; /* NULL without o->examples */
} pp_logtop;

typedef struct pp_logstat pp_logstat;

pp_logstat *pp_logstat_new(const pp_logstat_opts *o);
void pp_logstat_line(pp_logstat *st, const char *line, size_t len);
uint64_t pp_logstat_count(const pp_logstat *st, pp_logcount c);
const char *pp_logcount_name(pp_logcount c);
const pp_logstat_lines *pp_logstat_lines_seen(const pp_logstat *st);
size_t pp_logstat_top(pp_logstat *st, pp_loggroup g, pp_logtop *out, size_t max);
bool pp_logstat_delay(const pp_logstat *st, int stage, double *median, double *max);
void pp_logstat_free(pp_logstat *st);

#endif
