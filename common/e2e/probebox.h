/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	probebox - the IMAP mailbox where the probes of an end-to-end check arrive
 * SYNOPSIS
 *	pp_probebox *pp_probebox_open(pp_mail_session *s, const char *mailbox, const char *tag,
 *				      bool replies);
 *	int pp_probebox_scan(pp_probebox *b, pp_probebox_fn fn, void *ctx);
 *	int pp_probebox_delete(pp_probebox *b, const uint32_t *uids, size_t n);
 *	bool pp_probebox_expunges(const pp_probebox *b);
 *	void pp_probebox_free(pp_probebox *b);
 *
 *	int pp_probebox_parse_search(const char *line, size_t len, pp_probebox_uid_fn fn,
 *				     void *ctx);
 *	int pp_probebox_parse_fetch(const char *line, size_t len, uint32_t *uid, char *subject,
 *				    size_t sublen);
 *	bool pp_probebox_has_cap(const char *line, size_t len, const char *cap);
 *	int pp_probebox_quote(const char *name, char *out, size_t outlen);
 * DESCRIPTION
 *	pp_probebox_open() takes a logged-in IMAP session, SELECTs mailbox and asks for the
 *	capabilities. It returns NULL when that fails (the reason in pp_mail_error(s)).
 *	pp_probebox_scan() finds the messages that arrived since the last scan and are probes
 *	of tag: those with an X-Postprobe-Id header naming the tag (the probe as it was sent)
 *	and, with replies, those whose subject names it without that header (the answer of
 *	an auto-responder, "Re: postprobe TAG:..."). It calls fn once for each with the uid,
 *	the probe id and send time read from the subject (probeid.h), and whether it is a
 *	reply. Messages flagged \Deleted are passed over; a message whose subject holds no id
 *	of the tag is not a probe and is never touched. At most PP_PROBEBOX_BATCH messages
 *	are taken per scan, the next scan going on from there. Returns 0, or -1 with the
 *	reason in pp_mail_error(s).
 *	pp_probebox_delete() flags the messages \Deleted and, when the server has UIDPLUS
 *	(RFC 4315), expunges exactly those (UID EXPUNGE): never a plain EXPUNGE, which would
 *	also remove what the mailbox's owner flagged. pp_probebox_expunges() tells which.
 *
 *	The parsers are pure: pp_probebox_parse_search() calls fn for each uid of an
 *	untagged "* SEARCH 3 7 9" line, returning the count, or -1 when the line is not one.
 *	pp_probebox_parse_fetch() reads "* N FETCH (UID U ENVELOPE ("date" "subject" ...": it
 *	returns 1 with the uid and the subject (NIL as "", a literal subject as "", cut to
 *	sublen), 0 for an untagged line that is not a FETCH, -1 for a FETCH it cannot read.
 *	pp_probebox_has_cap() tells whether a "* CAPABILITY ..." line lists cap.
 *	pp_probebox_quote() writes name as an IMAP quoted string; -1 for a name with control
 *	or non-ASCII bytes, or too long.
 */
#ifndef PP_PROBEBOX_H
#define PP_PROBEBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/mailsession.h"
#include "e2e/probeid.h"

#define PP_PROBEBOX_BATCH 500

typedef struct pp_probe_found {
    uint32_t uid;
    long long ms;              /* when the probe was sent */
    char id[PP_PROBEID_MAX];
    bool reply;                /* an auto-reply quoting the probe's subject */
} pp_probe_found;

typedef void (*pp_probebox_fn)(void *ctx, const pp_probe_found *p);
typedef void (*pp_probebox_uid_fn)(void *ctx, uint32_t uid);
typedef struct pp_probebox pp_probebox;

pp_probebox *pp_probebox_open(pp_mail_session *s, const char *mailbox, const char *tag,
                              bool replies);
int pp_probebox_scan(pp_probebox *b, pp_probebox_fn fn, void *ctx);
int pp_probebox_delete(pp_probebox *b, const uint32_t *uids, size_t n);
bool pp_probebox_expunges(const pp_probebox *b);
void pp_probebox_free(pp_probebox *b);

int pp_probebox_parse_search(const char *line, size_t len, pp_probebox_uid_fn fn, void *ctx);
int pp_probebox_parse_fetch(const char *line, size_t len, uint32_t *uid, char *subject,
                            size_t sublen);
bool pp_probebox_has_cap(const char *line, size_t len, const char *cap);
int pp_probebox_quote(const char *name, char *out, size_t outlen);

#endif
