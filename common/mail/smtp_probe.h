/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	smtp_probe - a short plaintext SMTP dialogue: banner, EHLO, MAIL FROM, RCPT TO, QUIT
 * SYNOPSIS
 *	int pp_smtp_probe(const struct sockaddr *sa, socklen_t salen,
 *			  const pp_smtp_probe_opts *o, pp_smtp_probe_result *r);
 *	void pp_smtp_probe_result_free(pp_smtp_probe_result *r);
 * DESCRIPTION
 *	pp_smtp_probe() connects to sa, reads the banner, says EHLO o->helo and, when
 *	o->nrcpt > 0, MAIL FROM:<o->mail_from> and one RCPT TO per o->rcpts[i], then QUIT. No
 *	DATA is ever sent, so no mail is queued anywhere. Every step waits at most o->timeout
 *	seconds and never past the plugin's -t limit (pp_timeout_left()). It returns 0 when
 *	the dialogue got as far as it was meant to (whatever the RCPT replies), or -1 with
 *	r->err saying at which step and why ("connect: Connection refused", "banner: 554 ...",
 *	"EHLO: timed out", "banner: not an SMTP reply: HTTP/1.1 400 ..." for what
 *	common/mail/mailproto does not take as a reply, or a line over 8192 bytes). r holds the
 *	codes and first reply lines (made printable), r->rcpt[i] the reply to RCPT i (code 0:
 *	not sent), and the connect time and the whole dialogue's duration.
 *	It is safe to run in several threads at once.
 */
#ifndef PP_SMTP_PROBE_H
#define PP_SMTP_PROBE_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct pp_smtp_reply {
    int code;
    char text[256]; /* first line, without the code */
} pp_smtp_reply;

typedef struct pp_smtp_probe_opts {
    const char *helo;
    const char *mail_from; /* "" for the null sender */
    const char *const *rcpts;
    size_t nrcpt;
    double timeout;
} pp_smtp_probe_opts;

typedef struct pp_smtp_probe_result {
    pp_smtp_reply banner, ehlo, mail;
    pp_smtp_reply *rcpt; /* nrcpt entries */
    double connect_seconds, seconds;
    char err[320];
} pp_smtp_probe_result;

int pp_smtp_probe(const struct sockaddr *sa, socklen_t salen, const pp_smtp_probe_opts *o,
                  pp_smtp_probe_result *r);
void pp_smtp_probe_result_free(pp_smtp_probe_result *r);

#endif
