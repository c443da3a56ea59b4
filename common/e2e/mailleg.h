/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailleg - the SMTP and IMAP legs of the end-to-end checks: options and logins
 * SYNOPSIS
 *	void pp_maillegs_plugin(pp_plugin *pl, pp_maillegs *l, const pp_opt *own);
 *	void pp_maillegs_setup(pp_maillegs *l, const pp_common *c, unsigned flags);
 *	bool pp_maillegs_have_imap(const pp_maillegs *l);
 *	const char *pp_maillegs_myname(const pp_maillegs *l);
 *	bool pp_mailleg_address_ok(const char *address);
 *	pp_mail_session *pp_mailleg_login(pp_mailleg *leg);
 *	void pp_mailleg_report(pp_result *r, pp_mail_session *s, const char *leg, int verbose);
 *	void pp_maillegs_free(pp_maillegs *l);
 * DESCRIPTION
 *	A check that sends by SMTP and reads by IMAP has two servers, each with its own
 *	login. pp_maillegs_plugin() gives the plugin its options: the SMTP leg's are named
 *	as in check_smtp_login (-H, -p, -S, -s, -U, -P, --authfile, -A, --sni, -F), the IMAP
 *	leg's the same with an "imap-" prefix (--imap-host, --imap-port, --imap-starttls,
 *	--imap-ssl, --imap-user, --imap-authfile, --imap-authtype) plus --imap-mailbox and
 *	--imap-plaintext; --cafile, --insecure, --allow-plaintext and --scram-min-iterations
 *	serve both (mailsession.h: no credential leaves the host without TLS unless
 *	--allow-plaintext); --tag (default: l->tag as the plugin set it) and
 *	--max-age (default: l->max_age) set how test messages are marked and when those of
 *	earlier runs are old (probeid.h, probewatch.h). Then come own, the plugin's options.
 *	The merged table lives until the process ends.
 *	pp_maillegs_setup() checks them after parsing, ending the run as UNKNOWN for bad
 *	ones: -H given (unless flags has PP_LEGS_NO_HOST: the plugin finds its SMTP
 *	servers itself), one way of TLS per leg, a password for each user, no CR or LF in
 *	what reaches a command (pp_mail_opts_check), a usable tag and a positive --max-age.
 *	It resolves the
 *	credentials (pp_secret_resolve; -P is then blanked in argv): the SMTP leg's from -U,
 *	-P, --authfile, POSTPROBE_USER and POSTPROBE_PASSWORD; the IMAP leg's from
 *	--imap-user, --imap-authfile, POSTPROBE_IMAP_USER and POSTPROBE_IMAP_PASSWORD, or
 *	when none of these is given, the SMTP leg's. It fills each leg's pp_mail_opts: the
 *	IMAP host defaults to -H, the mailbox to INBOX. The SMTP leg uses TLS as -S or -s
 *	say (port 25 or 465); the IMAP leg uses TLS unless --imap-plaintext: implicit TLS on
 *	993 by default, STARTTLS when --imap-port is given alone (or with --imap-starttls:
 *	143), verified as the SMTP leg's. With
 *	PP_LEGS_NEED_IMAP in flags the IMAP leg must have a login; without it, the IMAP leg
 *	exists only when one of the --imap-* options was given (pp_maillegs_have_imap()).
 *	pp_maillegs_myname() is the name for EHLO and Message-IDs: -F, or this host's name.
 *	pp_mailleg_address_ok() accepts an address for MAIL FROM, RCPT TO and the header:
 *	not empty, shorter than 256 bytes, without <, >, quotes, spaces or line ends.
 *	pp_mailleg_login() makes a session with the leg's settings and logs in; its errors
 *	are the session's (mailsession.h).
 *	pp_mailleg_report() adds, for a leg, its failure (state and words, prefixed by leg)
 *	when the session has one, and with verbose >= 3 its redacted conversation.
 */
#ifndef PP_MAILLEG_H
#define PP_MAILLEG_H

#include <stdbool.h>

#include "mail/mailsession.h"
#include "core/opts.h"
#include "core/result.h"
#include "core/secret.h"

typedef struct pp_mailleg {
    const char *host;
    long port;
    bool starttls, ssl, plaintext;
    const char *user, *password, *authfile, *mech;
    pp_secret secret;
    pp_mail_opts mo;
} pp_mailleg;

typedef struct pp_maillegs {
    pp_mailleg smtp, imap;
    const char *cafile, *sni, *fqdn, *mailbox;
    bool insecure, allow_plaintext;
    long scram_min_iter;
    const char *tag; /* set by the plugin before pp_maillegs_plugin(): the default */
    double max_age;
    char myname[256];
} pp_maillegs;

void pp_maillegs_plugin(pp_plugin *pl, pp_maillegs *l, const pp_opt *own);
enum {
    PP_LEGS_NEED_IMAP = 1 << 0,
    PP_LEGS_NO_HOST = 1 << 1
};

void pp_maillegs_setup(pp_maillegs *l, const pp_common *c, unsigned flags);
bool pp_maillegs_have_imap(const pp_maillegs *l);
const char *pp_maillegs_myname(const pp_maillegs *l);
bool pp_mailleg_address_ok(const char *address);
pp_mail_session *pp_mailleg_login(pp_mailleg *leg);
void pp_mailleg_report(pp_result *r, pp_mail_session *s, const char *leg, int verbose);
void pp_maillegs_free(pp_maillegs *l);

#endif
