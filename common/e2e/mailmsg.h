/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailmsg - the test messages of the end-to-end checks, and their SMTP form
 * SYNOPSIS
 *	void pp_mailmsg_probe(pp_buf *out, const pp_mailmsg_head *h, const char *text);
 *	void pp_mailmsg_eicar(pp_buf *out, const pp_mailmsg_head *h, const char *text);
 *	void pp_mailmsg_date(long long ms, char *out, size_t len);
 *	size_t pp_mailmsg_next_line(const char *msg, size_t len, size_t *used);
 *	const char *pp_mailmsg_stuff(const char *line, size_t len, pp_buf *tmp);
 * DESCRIPTION
 *	A message is built as text with LF line ends, every line shorter than 78 bytes
 *	except the header values the caller gives. The header (h) has From, To, Subject,
 *	Date (from h->ms, in UTC), Message-ID (the probe id made an atom, at h->host),
 *	X-Postprobe-Id (h->id) and MIME-Version; nothing that makes auto-responders stay
 *	silent (no Precedence, no Auto-Submitted). h's strings must not hold CR or LF.
 *	pp_mailmsg_probe() adds a text/plain body: text, a paragraph of its own.
 *	pp_mailmsg_eicar() makes a multipart/mixed message: text, then the EICAR test file as
 *	an attachment "eicar.com" in base64, as a mail client sends it; the test file is in
 *	the message only in that encoded form.
 *	pp_mailmsg_date() writes an RFC 5322 date.
 *	pp_mailmsg_next_line() (pure) gives the length of the first line of msg (without its
 *	LF) and the bytes it uses; pp_mailmsg_stuff() gives the line as DATA sends it (a
 *	leading '.' doubled, RFC 5321 4.5.2), using tmp when it must change it.
 */
#ifndef PP_MAILMSG_H
#define PP_MAILMSG_H

#include <stddef.h>

#include "core/buf.h"

typedef struct pp_mailmsg_head {
    const char *from;
    const char *to;
    const char *subject;
    const char *id;   /* probe id, see probeid.h */
    long long ms;     /* when it is sent, ms since the epoch */
    const char *host; /* right side of the Message-ID */
} pp_mailmsg_head;

void pp_mailmsg_probe(pp_buf *out, const pp_mailmsg_head *h, const char *text);
void pp_mailmsg_eicar(pp_buf *out, const pp_mailmsg_head *h, const char *text);
void pp_mailmsg_date(long long ms, char *out, size_t len);
size_t pp_mailmsg_next_line(const char *msg, size_t len, size_t *used);
const char *pp_mailmsg_stuff(const char *line, size_t len, pp_buf *tmp);

#endif
