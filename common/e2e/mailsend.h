/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailsend - one message sent over a logged-in SMTP session
 * SYNOPSIS
 *	int pp_mailsend(pp_mail_session *s, const char *from, const char *to, const char *msg,
 *			size_t len, pp_mailsend_result *r);
 *	const char *pp_mailsend_step_name(pp_mailsend_step step);
 * DESCRIPTION
 *	pp_mailsend() says MAIL FROM:<from>, RCPT TO:<to>, DATA, sends msg (text with LF line
 *	ends, see mailmsg.h) dot-stuffed with CRLF line ends, and the final ".". It returns 0
 *	when the server accepted the message (2xx after the final dot), -1 otherwise; r
 *	says where it stopped (r->step; PP_SEND_DONE when accepted), and how: r->status is
 *	PP_LR_LINE when the server answered, with r->code and r->text (the reply's last line,
 *	printable), or the PP_LR_* / PP_MP_GARBAGE status of a connection that failed, which
 *	is then put in words in pp_mail_error(s) (pp_mail_fail).
 */
#ifndef PP_MAILSEND_H
#define PP_MAILSEND_H

#include <stddef.h>

#include "mail/mailsession.h"

typedef enum pp_mailsend_step {
    PP_SEND_MAIL,
    PP_SEND_RCPT,
    PP_SEND_DATA,
    PP_SEND_DOT,
    PP_SEND_DONE
} pp_mailsend_step;

typedef struct pp_mailsend_result {
    pp_mailsend_step step;
    int status;
    int code;
    char text[256];
} pp_mailsend_result;

int pp_mailsend(pp_mail_session *s, const char *from, const char *to, const char *msg,
                size_t len, pp_mailsend_result *r);
const char *pp_mailsend_step_name(pp_mailsend_step step);

#endif
