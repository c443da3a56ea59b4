/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logclass - what a Postfix log line tells: pflogsumm's counters and grouped reasons (pure)
 * SYNOPSIS
 *	void pp_logclass(const pp_logline *l, pp_logevent *ev);
 *	void pp_logclass_reason(const pp_logevent *ev, char *out, size_t len);
 * DESCRIPTION
 *	pp_logclass() reads one parsed line (common/log/logline) into ev: its kind, its
 *	severity (a "warning:", "error:", "fatal:" or "panic:" line), the queue id and the
 *	detail the kind is grouped by. The kinds follow pflogsumm 1.1.5's Grand Totals:
 *	RECEIVED, smtpd or postscreen "QID: client=" and pickup "QID: sender=|uid="; DELIVERED,
 *	a "to=<...>, relay=..., status=sent" line of any other program, FORWARDED when its
 *	reply says "forwarded as "; DEFERRAL and BOUNCED the same with status=deferred and
 *	status=bounced (address verification's deliverable/undeliverable are none of them);
 *	REJECTED, REJECT_WARNING, HELD and DISCARDED: smtpd and postscreen "QID: reject: ",
 *	"reject_warning: ", "hold: ", "discard: ", cleanup's header_checks, body_checks and
 *	milter actions ("QID: reject|milter-reject|warning|hold|discard: header|body|
 *	END-OF-MESSAGE ..."), and a text that starts with one of the four. Beyond pflogsumm:
 *	smtpd's "milter-reject: " is REJECTED too (pflogsumm misses it), EXPIRED (qmgr's
 *	"status=expired"), REMOVED (qmgr), SASL_FAILURE (smtpd "warning: host[addr]: SASL ...
 *	authentication failed", detail the address), TLS_FAILURE (smtpd "SSL_accept error
 *	from", smtp/lmtp "SSL_connect error to"), LOST_CONNECTION (smtpd "lost connection
 *	after"), CONNECT (smtpd "connect from ", as postfix_exporter counts), PROCESS_LIMIT
 *	(master "service ... has reached its process limit", detail the service) and
 *	postscreen's PASS_NEW, PASS_OLD, DNSBL ("DNSBL rank") and PREGREET.
 *	Severity is independent of the kind (a SASL failure is a warning too), except that
 *	cleanup's "warning: header ..." is a reject warning and not a warning, as pflogsumm
 *	has it. Delivery lines also give delay= and the four delays= stages.
 *	pp_logclass_reason() writes the key ev is grouped by: for deferrals and bounces the DSN
 *	code and a normalised reason ("4.4.1 connection refused", "5.1.1 user unknown",
 *	"4.7.5 TLS failure", ...); for rejects the reply code and the restriction that fired
 *	("554 relay access denied", "550 RBL zen.spamhaus.org", "550 unknown user", "504 HELO:
 *	need fully-qualified hostname", "header checks"); for SASL failures the client address;
 *	for process limits the service; for errors, fatal and panic lines their text.
 */
#ifndef PP_LOGCLASS_H
#define PP_LOGCLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "log/logline.h"

typedef enum pp_logkind {
    PP_LOGK_NONE,
    PP_LOGK_RECEIVED,
    PP_LOGK_DELIVERED,
    PP_LOGK_FORWARDED,
    PP_LOGK_DEFERRAL,
    PP_LOGK_BOUNCED,
    PP_LOGK_EXPIRED,
    PP_LOGK_REJECTED,
    PP_LOGK_REJECT_WARNING,
    PP_LOGK_HELD,
    PP_LOGK_DISCARDED,
    PP_LOGK_SASL_FAILURE,
    PP_LOGK_TLS_FAILURE,
    PP_LOGK_LOST_CONNECTION,
    PP_LOGK_PROCESS_LIMIT,
    PP_LOGK_PASS_NEW,
    PP_LOGK_PASS_OLD,
    PP_LOGK_DNSBL,
    PP_LOGK_PREGREET,
    PP_LOGK_REMOVED,
    PP_LOGK_CONNECT
} pp_logkind;

typedef enum pp_logsev {
    PP_LOGSEV_NONE,
    PP_LOGSEV_WARNING,
    PP_LOGSEV_ERROR,
    PP_LOGSEV_FATAL,
    PP_LOGSEV_PANIC
} pp_logsev;

typedef struct pp_logevent {
    pp_logkind kind;
    pp_logsev sev;
    const char *qid; /* NULL when the line has none */
    size_t qid_len;
    const char *detail; /* what the kind is grouped by (points into the line) */
    size_t detail_len;
    const char *dsn;
    size_t dsn_len;
    bool has_delays;
    double delay;
    double delays[4];
} pp_logevent;

void pp_logclass(const pp_logline *l, pp_logevent *ev);
void pp_logclass_reason(const pp_logevent *ev, char *out, size_t len);

#endif
