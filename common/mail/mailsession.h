/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailsession - a timed SMTP, IMAP or POP3 login, as a mail client makes it
 * SYNOPSIS
 *	pp_mail_session *pp_mail_new(const pp_mail_opts *o);
 *	int pp_mail_login(pp_mail_session *s);
 *	pp_linereader *pp_mail_conn(pp_mail_session *s);
 *	const char *pp_mail_tag(pp_mail_session *s);
 *	void pp_mail_fail(pp_mail_session *s, int status, const char *cmd, const char *text);
 *	int pp_mail_quit(pp_mail_session *s);
 *	void pp_mail_free(pp_mail_session *s);
 *
 *	const char *pp_mail_error(const pp_mail_session *s);
 *	pp_state pp_mail_error_state(const pp_mail_session *s);
 *	bool pp_mail_timed_out(const pp_mail_session *s);
 *	double pp_mail_time(const pp_mail_session *s, pp_mail_phase p);
 *	const char *pp_mail_phase_name(pp_mail_phase p);
 *	const char *pp_mail_banner(const pp_mail_session *s);
 *	const char *pp_mail_caps(const pp_mail_session *s);
 *	const char *pp_mail_mech(const pp_mail_session *s);
 *	const char *pp_mail_tls_info(const pp_mail_session *s);
 *	const char *pp_mail_transcript(const pp_mail_session *s);
 *	SSL *pp_mail_ssl(const pp_mail_session *s);
 *	const char *pp_mail_addr(const pp_mail_session *s);
 *
 *	int pp_mail_mech_check(pp_mail_proto proto, const char *mech, char *err, size_t errlen);
 *	int pp_mail_opts_check(const pp_mail_opts *o, char *err, size_t errlen);
 * DESCRIPTION
 *	pp_mail_login() connects (common/mail/mailconn), reads the banner or greeting, asks for the
 *	capabilities (EHLO, CAPABILITY, CAPA), does STARTTLS (STLS) or implicit TLS, verifying
 *	the chain and the name unless o->insecure or o->inspect, asks again for the
 *	capabilities, and, when o->user is set, authenticates.
 *	Credentials leave the host only over TLS (STARTTLS done or implicit TLS): on a
 *	connection without it the session sends no AUTH, LOGIN, USER, PASS or APOP and fails
 *	with "HOST offers no TLS: refusing to send credentials in the clear (--allow-plaintext
 *	to allow)" (CRITICAL), or, when the server offers STARTTLS (STLS) that the caller did
 *	not ask for, "HOST offers STARTTLS, which this check was not told to use: ..."
 *	(UNKNOWN: the check's configuration is at fault). o->allow_plaintext lifts this; then,
 *	unless o->mech names one, only a mechanism that never sends the password is chosen
 *	(SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP), because a capability list read in the
 *	clear may have been stripped of them by someone in the middle. It logs in
 *	with o->mech, a SASL mechanism
 *	(common/mail/sasl: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256), "+LOGIN" (the IMAP
 *	LOGIN command), "+USER" (POP3 USER/PASS) or "+APOP"; without one, the best mechanism
 *	the server offers (IMAP LOGIN, POP3 USER/PASS when it offers no SASL). With
 *	PP_MAIL_NONE there is no protocol: connect and, for implicit TLS, the handshake
 *	(o->inspect accepts any certificate and protocol, o->ocsp asks for stapling; the
 *	chain is then in pp_mail_ssl()).
 *	Every wait is limited by the -t time left. The session remembers when each phase
 *	started and ended; pp_mail_time() gives the seconds a phase took (TOTAL: from the start
 *	to the reply to QUIT) or NAN when it did not happen.
 *	After a login the connection is the caller's: pp_mail_conn() for mailproto's readers,
 *	pp_mail_tag() for a fresh IMAP tag; pp_mail_quit() says QUIT or LOGOUT and returns the
 *	PP_LR_* or PP_MP_GARBAGE status of the reply.
 *	Failures are put in words with the state they deserve: "connection to HOST port N
 *	refused", "timed out after 2.8 s waiting for the banner" (or in the TLS handshake, or
 *	waiting for the reply to EHLO...), "unexpected banner: 554 ...", "server does not
 *	offer STARTTLS", "certificate verification failed: <reason>", "AUTH PLAIN rejected for
 *	USER: <the server's reply>", "server offers no AUTH before STARTTLS (use -S)". A CA file
 *	that cannot be used and a mechanism this module does not speak are UNKNOWN, everything
 *	else CRITICAL; pp_mail_timed_out() tells a failure that was a wait running out of time
 *	(the plugin may give it the state of -t SECONDS:STATE). pp_mail_fail() puts a failed command of the caller (a PP_LR_* or
 *	PP_MP_GARBAGE status of mailproto) into the same words.
 *	pp_mail_mech_check() is 0 when the session can log in to a proto server with mech (a
 *	SASL mechanism of common/mail/sasl, "+LOGIN" for IMAP, "+USER" or "+APOP" for POP3), else
 *	-1 with "MECH: not a mechanism ... speaks (the list)" in err: the plugins call it
 *	when parsing options, so that a typo is UNKNOWN before any connection.
 *	pp_mail_opts_check() is 0 when no string of o that reaches a protocol command (host,
 *	SNI, user, password, mechanism, EHLO name) holds a CR or LF, else -1 with "the
 *	password holds a line break ..." in err (never the value); the plugins call it when
 *	parsing options (UNKNOWN), and pp_mail_login() refuses such options as well.
 *	With o->tls_optional a PP_MAIL_STARTTLS session says STARTTLS only when the server
 *	offers it (Postfix's "may" level), and goes on in the clear otherwise, where the rule
 *	on credentials above holds. o->mechs (blank or comma separated, any case) keeps out
 *	of the server's offer every mechanism it does not name, as Postfix's
 *	smtp_sasl_mechanism_filter does; a server left with none is "no usable AUTH mechanism
 *	(server offers X, allowed: Y)".
 *	o->scram_min_iter (0: 4096) is the smallest SCRAM iteration count accepted
 *	(common/mail/sasl); a user name or password that SASLprep refuses is UNKNOWN.
 *	The transcript has one line per line of the conversation ("C: ...", "S: ..."), with
 *	every secret replaced by "***" (mailproto's redaction), for -vvv.
 */
#ifndef PP_MAILSESSION_H
#define PP_MAILSESSION_H

#include <openssl/ssl.h>
#include <stdbool.h>

#include "mail/linereader.h"
#include "core/state.h"

typedef enum pp_mail_proto {
    PP_MAIL_SMTP,
    PP_MAIL_IMAP,
    PP_MAIL_POP3,
    PP_MAIL_NONE
} pp_mail_proto;

typedef enum pp_mail_tls {
    PP_MAIL_PLAIN,
    PP_MAIL_STARTTLS,
    PP_MAIL_IMPLICIT
} pp_mail_tls;

typedef enum pp_mail_phase {
    PP_PHASE_DNS,
    PP_PHASE_CONNECT,
    PP_PHASE_TLS,
    PP_PHASE_BANNER,
    PP_PHASE_AUTH,
    PP_PHASE_TOTAL,
    PP_PHASE_N
} pp_mail_phase;

typedef struct pp_mail_opts {
    pp_mail_proto proto;
    pp_mail_tls tls;
    const char *host;
    long port;
    int family;           /* AF_UNSPEC, AF_INET, AF_INET6 */
    const char *sni;      /* name for SNI and the certificate check; NULL: host */
    const char *cafile;   /* NULL: the system's trust store */
    bool insecure;        /* do not verify the certificate */
    bool inspect;         /* accept any certificate and protocol (check_tls_cert) */
    bool ocsp;            /* ask for a stapled OCSP response */
    const char *user;     /* NULL: no login */
    const char *password;
    const char *mech;     /* NULL: the best offered */
    const char *helo;     /* SMTP EHLO name; NULL: this host's name */
    bool allow_plaintext; /* credentials may be sent without TLS */
    long scram_min_iter;  /* the smallest SCRAM iteration count accepted; 0: 4096 */
    bool tls_optional;    /* STARTTLS only when offered (Postfix's "may" level) */
    const char *mechs;    /* the SASL mechanisms that may be used (blank separated); NULL: all */
} pp_mail_opts;

typedef struct pp_mail_session pp_mail_session;

pp_mail_session *pp_mail_new(const pp_mail_opts *o);
int pp_mail_login(pp_mail_session *s);
pp_linereader *pp_mail_conn(pp_mail_session *s);
const char *pp_mail_tag(pp_mail_session *s);
void pp_mail_fail(pp_mail_session *s, int status, const char *cmd, const char *text);
int pp_mail_quit(pp_mail_session *s);
void pp_mail_free(pp_mail_session *s);

const char *pp_mail_error(const pp_mail_session *s);
pp_state pp_mail_error_state(const pp_mail_session *s);
bool pp_mail_timed_out(const pp_mail_session *s);
double pp_mail_time(const pp_mail_session *s, pp_mail_phase p);
const char *pp_mail_phase_name(pp_mail_phase p);
const char *pp_mail_banner(const pp_mail_session *s);
const char *pp_mail_caps(const pp_mail_session *s);
const char *pp_mail_mech(const pp_mail_session *s);
const char *pp_mail_tls_info(const pp_mail_session *s);
const char *pp_mail_transcript(const pp_mail_session *s);
SSL *pp_mail_ssl(const pp_mail_session *s);
const char *pp_mail_addr(const pp_mail_session *s);

int pp_mail_mech_check(pp_mail_proto proto, const char *mech, char *err, size_t errlen);
int pp_mail_opts_check(const pp_mail_opts *o, char *err, size_t errlen);

#endif
