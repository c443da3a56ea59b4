/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue_view - a queued message as an operator lists it: headers, relay, printable text
 * SYNOPSIS
 *	void pp_qview_init(pp_qview *v);
 *	void pp_qview_reset(pp_qview *v);
 *	void pp_qview_free(pp_qview *v);
 *	int pp_qview_header(void *v, const char *name, size_t namelen, const char *value,
 *			    size_t valuelen);
 *	int pp_qview_relay(const char *value, size_t len, pp_buf *out);
 *	void pp_qview_decode_words(const char *s, size_t len, pp_buf *out);
 *	void pp_qview_tsv(pp_buf *out, const char *s);
 * DESCRIPTION
 *	pp_qview_header() is a pp_qrec_header_fn (see queue_record.h): given to pp_qrec_read()
 *	with a pp_qview as its context, it keeps the first From:, To:, Subject: and Date: of
 *	the message (RFC 2047 encoded words decoded to UTF-8, blanks collapsed) and the relay
 *	of the first external Received: header, and stops the header reading as soon as it has
 *	all five. Fields the message does not have stay "". pp_qview_reset() empties v for the
 *	next message (its memory is kept, so a scan needs one pp_qview).
 *
 *	pp_qview_relay() (pure) reads a Received: value: when it starts with "from", it puts
 *	the from-clause (up to "by", "with", "id", "for" or ';', blanks collapsed) into out and
 *	returns 1 when the host is external, 0 when it is the local host (a bracketed address
 *	in 127.0.0.0/8 or ::1, or without one, a name containing "localhost") or when the
 *	header has no from-clause (Postfix's "Received: by host (Postfix, from userid 0)").
 *
 *	pp_qview_decode_words() (pure) appends s to out with RFC 2047 encoded words
 *	(=?charset?B|Q?text?=) decoded and converted to UTF-8 (iconv); a word it cannot
 *	decode stays as it is; blanks between two encoded words are dropped, others collapse
 *	to one space.
 *
 *	pp_qview_tsv() appends s as one field of a tab-separated line: tab, newline, carriage
 *	return and backslash written as \t \n \r \\, other control bytes as \xHH, and an empty
 *	string as "-". (JSON strings are core/json.h's pp_json_str().)
 */
#ifndef PP_QUEUE_VIEW_H
#define PP_QUEUE_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct pp_qview {
    pp_buf from, to, subject, date, relay;
    unsigned seen; /* which of the five are set */
    pp_buf scratch;
} pp_qview;

void pp_qview_init(pp_qview *v);
void pp_qview_reset(pp_qview *v);
void pp_qview_free(pp_qview *v);
int pp_qview_header(void *v, const char *name, size_t namelen, const char *value,
                    size_t valuelen);
int pp_qview_relay(const char *value, size_t len, pp_buf *out);
void pp_qview_decode_words(const char *s, size_t len, pp_buf *out);
void pp_qview_tsv(pp_buf *out, const char *s);

#endif
