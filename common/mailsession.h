/*
 * NAME
 *	mailsession - a timed SMTP, IMAP or POP3 login through libcurl
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
 *	double pp_mail_time(const pp_mail_session *s, pp_mail_phase p);
 *	const char *pp_mail_phase_name(pp_mail_phase p);
 *	const char *pp_mail_banner(const pp_mail_session *s);
 *	const char *pp_mail_caps(const pp_mail_session *s);
 *	const char *pp_mail_mech(const pp_mail_session *s);
 *	const char *pp_mail_tls_info(const pp_mail_session *s);
 *	const char *pp_mail_transcript(const pp_mail_session *s);
 * DESCRIPTION
 *	pp_mail_login() connects, reads the banner or greeting, does STARTTLS or implicit TLS
 *	(verifying the chain and the name unless o->insecure) and, when o->user is set,
 *	authenticates with o->mech (a SASL mechanism name; NULL for the best the server
 *	offers; "+LOGIN" for the IMAP LOGIN command, "+USER" for POP3 USER/PASS, "+APOP").
 *	libcurl does all of it, limited by the -t time left; its debug callback records when
 *	each step happened. A login where the server never offered AUTH is a failure, not a
 *	silent success. After a successful login the connection is the caller's through
 *	pp_mail_conn() (a pp_linereader for mailproto's readers; pp_mail_tag() gives a fresh
 *	IMAP tag), and pp_mail_quit() ends it with QUIT or LOGOUT (it returns the PP_LR_* or
 *	PP_MP_GARBAGE status of the reply).
 *	Failures are put in words with the state they deserve: connection refused,
 *	"timed out after 2.8 s waiting for the banner" (or in the TLS handshake, waiting for the
 *	reply to AUTH...), the TLS library's reason for a failed handshake or verification, the
 *	server's reply to a rejected AUTH. A CA file that cannot be read is UNKNOWN, everything
 *	else CRITICAL. pp_mail_fail() puts a failed command of the caller (a PP_LR_* or
 *	PP_MP_GARBAGE status of mailproto) into the same words.
 *	pp_mail_time() gives the seconds a phase took (TOTAL: from the start to the reply to
 *	QUIT), or NAN when the phase did not happen. The transcript (redacted: never a secret)
 *	is one line per line of the conversation, for -vvv.
 */
#ifndef PP_MAILSESSION_H
#define PP_MAILSESSION_H

#include <stdbool.h>

#include "linereader.h"
#include "state.h"

typedef enum pp_mail_proto {
    PP_MAIL_SMTP,
    PP_MAIL_IMAP,
    PP_MAIL_POP3
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
    const char *user;     /* NULL: no login */
    const char *password;
    const char *mech;     /* NULL: the best offered */
    const char *helo;     /* SMTP EHLO name; NULL: this host's name */
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
double pp_mail_time(const pp_mail_session *s, pp_mail_phase p);
const char *pp_mail_phase_name(pp_mail_phase p);
const char *pp_mail_banner(const pp_mail_session *s);
const char *pp_mail_caps(const pp_mail_session *s);
const char *pp_mail_mech(const pp_mail_session *s);
const char *pp_mail_tls_info(const pp_mail_session *s);
const char *pp_mail_transcript(const pp_mail_session *s);

#endif
