/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailproto - SMTP, IMAP and POP3 replies: parsers and reply readers
 * SYNOPSIS
 *	int pp_mailproto_smtp_line(const char *line, size_t len, int *code, bool *last);
 *	int pp_mailproto_smtp_reply(pp_linereader *r, int *code, char *text, size_t textlen,
 *				    pp_mailproto_line_fn fn, void *ctx);
 *	int pp_mailproto_smtp_cmd(pp_linereader *r, const char *cmd, int *code, char *text,
 *				  size_t textlen);
 *	bool pp_mailproto_code_matches(int code, const char *expect);
 *
 *	int pp_mailproto_imap_kind(const char *line, size_t len, const char *tag);
 *	int pp_mailproto_imap_literal(const char *line, size_t len, size_t *n);
 *	int pp_mailproto_imap_number(const char *line, const char *word, long *n);
 *	int pp_mailproto_imap_item(const char *line, const char *item, long *n);
 *	char *pp_mailproto_imap_quote(const char *s);
 *	int pp_mailproto_imap_greeting(pp_linereader *r, int *kind, char *text,
 *				       size_t textlen);
 *	int pp_mailproto_imap_cmd(pp_linereader *r, const char *tag, const char *cmd, int *kind,
 *				  char *text, size_t textlen, pp_mailproto_line_fn fn, void *ctx);
 *
 *	int pp_mailproto_pop3_ok(const char *line, size_t len);
 *	int pp_mailproto_pop3_stat(const char *line, long *count, long long *octets);
 *	int pp_mailproto_pop3_cmd(pp_linereader *r, const char *cmd, bool multi, int *ok,
 *				  char *text, size_t textlen, pp_mailproto_line_fn fn, void *ctx);
 *
 *	void pp_mailproto_redact_init(pp_mailproto_redact *st, bool imap);
 *	void pp_mailproto_redact_line(pp_mailproto_redact *st, bool out, const char *line,
 *				      size_t len, char *buf, size_t buflen);
 * DESCRIPTION
 *	The parsers are pure functions over one line (no line end); the readers get whole
 *	replies through a pp_linereader and return its PP_LR_* status, or PP_MP_GARBAGE when
 *	the server sent something that is not a reply of the protocol. text receives the
 *	reply's last line (SMTP), tagged line (IMAP) or status line (POP3), made printable,
 *	for messages. fn, when not NULL, sees every line of a reply (IMAP: the untagged ones;
 *	POP3 multi-line: the data lines, dot-unstuffed).
 *
 *	SMTP: pp_mailproto_smtp_line() takes "250-text" or "250 text" (or a bare "250"): it
 *	returns 0 with the code and whether it is the reply's last line, or -1. A multi-line
 *	reply whose lines carry different codes is garbage. pp_mailproto_smtp_cmd() sends a
 *	command and reads its reply. pp_mailproto_code_matches() tells whether a 3-digit
 *	code starts with expect ("5", "55", "554").
 *
 *	IMAP: pp_mailproto_imap_kind() classifies a line as PP_IMAP_UNTAGGED ("* ..."),
 *	PP_IMAP_CONT ("+ ..."), PP_IMAP_OK, PP_IMAP_NO or PP_IMAP_BAD (tagged with tag),
 *	PP_IMAP_OTHER. A line ending in a literal "{N}" or "{N+}" is followed by N bytes that
 *	the reader skips: pp_mailproto_imap_literal() returns 1 with N for such a line.
 *	pp_mailproto_imap_number() reads "* N WORD" (EXISTS, RECENT), returning 0 or -1;
 *	pp_mailproto_imap_item() reads a numeric item of the last parenthesised list of an
 *	untagged line: "* STATUS box (MESSAGES 3 UNSEEN 1)", "* 4 FETCH (UID 9 RFC822.SIZE 405
 *	INTERNALDATE "...")".
 *	pp_mailproto_imap_quote() returns s as a quoted string (allocated), or NULL when s
 *	holds a byte outside printable ASCII, which only a literal could carry.
 *	The greeting reader gives PP_IMAP_OK for "* OK", PP_IMAP_PREAUTH, PP_IMAP_BYE.
 *
 *	POP3: pp_mailproto_pop3_ok() returns 1 for "+OK", 0 for "-ERR", -1 otherwise;
 *	pp_mailproto_pop3_stat() parses the "+OK N OCTETS" reply to STAT.
 *	pp_mailproto_pop3_cmd() sends cmd (NULL: only read, for the greeting) and reads the
 *	reply; with multi, the data lines up to "." follow a "+OK".
 *
 *	Redaction: a transcript must never show a secret. pp_mailproto_redact_line() is fed
 *	every line of a conversation in order (out: sent by us) and writes what may be shown:
 *	the arguments of AUTH/AUTHENTICATE after the mechanism name, of IMAP LOGIN, POP3 PASS
 *	and APOP, and every client line of a SASL exchange (until the server answers with
 *	something other than a continuation) become "***".
 */
#ifndef PP_MAILPROTO_H
#define PP_MAILPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/linereader.h"

#define PP_MP_GARBAGE 10

enum {
    PP_IMAP_OTHER = 0,
    PP_IMAP_UNTAGGED,
    PP_IMAP_CONT,
    PP_IMAP_OK,
    PP_IMAP_NO,
    PP_IMAP_BAD,
    PP_IMAP_PREAUTH,
    PP_IMAP_BYE
};

typedef void (*pp_mailproto_line_fn)(void *ctx, const char *line, size_t len);

typedef struct pp_mailproto_redact {
    bool imap;    /* client lines start with a tag */
    bool in_sasl; /* client lines are SASL responses */
} pp_mailproto_redact;

int pp_mailproto_smtp_line(const char *line, size_t len, int *code, bool *last);
int pp_mailproto_smtp_reply(pp_linereader *r, int *code, char *text, size_t textlen,
                            pp_mailproto_line_fn fn, void *ctx);
int pp_mailproto_smtp_cmd(pp_linereader *r, const char *cmd, int *code, char *text,
                          size_t textlen);
bool pp_mailproto_code_matches(int code, const char *expect);

int pp_mailproto_imap_kind(const char *line, size_t len, const char *tag);
int pp_mailproto_imap_literal(const char *line, size_t len, size_t *n);
int pp_mailproto_imap_number(const char *line, const char *word, long *n);
int pp_mailproto_imap_item(const char *line, const char *item, long *n);
char *pp_mailproto_imap_quote(const char *s);
int pp_mailproto_imap_greeting(pp_linereader *r, int *kind, char *text, size_t textlen);
int pp_mailproto_imap_cmd(pp_linereader *r, const char *tag, const char *cmd, int *kind,
                          char *text, size_t textlen, pp_mailproto_line_fn fn, void *ctx);

int pp_mailproto_pop3_ok(const char *line, size_t len);
int pp_mailproto_pop3_stat(const char *line, long *count, long long *octets);
int pp_mailproto_pop3_cmd(pp_linereader *r, const char *cmd, bool multi, int *ok, char *text,
                          size_t textlen, pp_mailproto_line_fn fn, void *ctx);

void pp_mailproto_redact_init(pp_mailproto_redact *st, bool imap);
void pp_mailproto_redact_line(pp_mailproto_redact *st, bool out, const char *line, size_t len,
                              char *buf, size_t buflen);

#endif
