/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logincheck - what check_smtp_login, check_imap_login and check_pop3_login share
 * SYNOPSIS
 *	void pp_logincheck_plugin(pp_plugin *pl, const pp_opt *own);
 *	pp_mail_session *pp_logincheck_start(pp_mail_proto proto, const pp_common *c,
 *					     const char *helo);
 *	pp_mail_session *pp_logincheck_start_opts(const pp_mail_opts *mo, const char *why);
 *	void pp_logincheck_logged_in(pp_mail_session *s, const pp_common *c, pp_result *r);
 *	_Noreturn void pp_logincheck_cmd_failed(pp_mail_session *s, const pp_common *c,
 *						pp_result *r, int status, const char *cmd,
 *						const char *text);
 *	void pp_logincheck_count(pp_result *r, const char *label, long n, const pp_thresh *t,
 *				 const char *what, const pp_family *f);
 *	void pp_logincheck_perf(pp_result *r, pp_perf *pf, const pp_family *f);
 *	void pp_logincheck_fetched(pp_result *r, double since, const char *fmt, ...);
 *	_Noreturn void pp_logincheck_finish(pp_mail_session *s, const pp_common *c, pp_result *r,
 *					    const char *extra);
 * DESCRIPTION
 *	pp_logincheck_plugin() completes a plugin description: the shared options (-S, -s, -U,
 *	-P, -A, --authfile, --allow-plaintext, --scram-min-iterations, --cafile, --insecure,
 *	--sni, -e/--expect and --expect-regex on the
 *	banner or greeting, and per-phase thresholds --dns-time,
 *	--connect-time, --tls-time, --banner-time, --auth-time "WARN,CRIT" in seconds) go before
 *	the plugin's own, with -H, -p, -4, -6 and -w/-c on the total time. The merged table
 *	lives until the process ends.
 *	pp_logincheck_start() checks the options (-H given, -S and -s not both, a password
 *	for a user, no CR or LF in what reaches a command), resolves the credentials (pp_secret_resolve; -P is then blanked in argv),
 *	picks the default port (SMTP 25/465, IMAP 143/993, POP3 110/995) and runs the login
 *	(helo: the SMTP EHLO name, NULL for this host's name).
 *	pp_logincheck_start_opts() runs the login with options the plugin made itself (from
 *	Postfix's configuration, say): only --allow-plaintext, --scram-min-iterations and
 *	--cafile (which replaces mo->cafile) of the shared options apply; the others end the
 *	run as UNKNOWN, "WHY: -U, -P, ... do not apply".
 *	Bad options end the run as UNKNOWN. It returns the session whether the login
 *	succeeded or not: the banner is there to be judged either way.
 *	pp_logincheck_logged_in() judges the banner (when one came) against --expect and
 *	--expect-regex, then ends the run with the failure when the login failed (with the
 *	timings measured so far; a server that did not answer in time is CRITICAL, or the
 *	state given with -t SECONDS:STATE); otherwise it adds the banner, TLS and AUTH steps as
 *	sub-results (capabilities with -v, the redacted transcript with -vvv).
 *	pp_logincheck_cmd_failed() ends the run with a command's failure in words.
 *	pp_logincheck_count() adds a count judged against t as a sub-result and perfdata, of
 *	family f in OpenMetrics. pp_logincheck_perf() adds pf to r as a sample of family f
 *	with the label protocol="smtp" (imap, pop3: the service's name in lower case), the
 *	one label the families of the login checks share. pp_logincheck_fam_messages is the
 *	family of the mailbox's message count, the same for IMAP and POP3.
 *	pp_logincheck_fetched() adds "TEXT read in N s" and the perfdata "fetch" for a message
 *	read since (a pp_timeout_now() time).
 *	pp_logincheck_finish() sends QUIT/LOGOUT, judges every phase and the total, adds the
 *	perfdata (seconds) and exits; extra (may be NULL) is added to the summary line.
 */
#ifndef PP_LOGINCHECK_H
#define PP_LOGINCHECK_H

#include "mail/mailsession.h"
#include "core/opts.h"
#include "core/result.h"

void pp_logincheck_plugin(pp_plugin *pl, const pp_opt *own);
pp_mail_session *pp_logincheck_start(pp_mail_proto proto, const pp_common *c,
                                     const char *helo);
pp_mail_session *pp_logincheck_start_opts(const pp_mail_opts *mo, const char *why);
void pp_logincheck_logged_in(pp_mail_session *s, const pp_common *c, pp_result *r);
_Noreturn void pp_logincheck_cmd_failed(pp_mail_session *s, const pp_common *c, pp_result *r,
                                        int status, const char *cmd, const char *text);
void pp_logincheck_count(pp_result *r, const char *label, long n, const pp_thresh *t,
                         const char *what, const pp_family *f);
void pp_logincheck_perf(pp_result *r, pp_perf *pf, const pp_family *f);

extern const pp_family pp_logincheck_fam_messages; /* messages in the mailbox */
void pp_logincheck_fetched(pp_result *r, double since, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void pp_logincheck_finish(pp_mail_session *s, const pp_common *c, pp_result *r,
                                    const char *extra);

#endif
