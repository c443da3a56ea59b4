/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	linereader - CRLF lines over any byte stream, with a deadline and a length limit
 * SYNOPSIS
 *	void pp_linereader_init(pp_linereader *r, pp_linereader_io io, void *ctx);
 *	int pp_linereader_get(pp_linereader *r, const char **line, size_t *len);
 *	int pp_linereader_put(pp_linereader *r, const char *line);
 *	int pp_linereader_skip(pp_linereader *r, size_t n);
 *	const char *pp_linereader_strerror(int status);
 *	double pp_linereader_time_left(void);
 *	int pp_linereader_wait_ms(void);
 *	int pp_linereader_split(const char *buf, size_t len, size_t *linelen, size_t *used);
 *	void pp_linereader_printable(const char *s, size_t len, char *out, size_t outlen);
 * DESCRIPTION
 *	A mail conversation is lines. The reader keeps one buffer of PP_LINEREADER_MAX bytes
 *	and gets bytes from io.recv (a plain socket or an OpenSSL
 *	stream), each call limited to pp_linereader_time_left() in milliseconds.
 *	pp_linereader_get() returns PP_LR_LINE with the next line, without its line end and
 *	NUL-terminated (the pointer is valid until the next call; the line may hold NUL bytes,
 *	len counts them), or PP_LR_EOF, PP_LR_TIMEOUT, PP_LR_ERROR (the transport's reason in
 *	r->err), PP_LR_OVERLONG (no line end within PP_LINEREADER_MAX bytes).
 *	pp_linereader_put() sends line plus CRLF; io.trace, when set, sees every line both ways.
 *	pp_linereader_skip() discards n bytes of the stream (an IMAP literal) without storing
 *	them.
 *	pp_linereader_time_left() is the time the -t timeout leaves, less a margin so that a
 *	network wait ends with a precise message before the hard timeout fires;
 *	pp_linereader_wait_ms() is the same in milliseconds for poll(), at most a day.
 *	pp_linereader_split() (pure) finds the first line in buf: returns 1 with the length
 *	of the line (without CR LF) and of the bytes it used, 0 when buf holds no line end.
 *	pp_linereader_printable() copies at most outlen - 1 bytes of s for a message,
 *	replacing control and non-ASCII bytes with '?' and marking a cut with "...".
 */
#ifndef PP_LINEREADER_H
#define PP_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>

#define PP_LINEREADER_MAX 8192
#define PP_LINEREADER_MARGIN 0.2 /* seconds kept before the -t timeout */

enum {
    PP_LR_LINE = 0,
    PP_LR_EOF,
    PP_LR_TIMEOUT,
    PP_LR_ERROR,
    PP_LR_OVERLONG
};

typedef struct pp_linereader_io {
    /* Wait at most timeout_ms for bytes; return the number read (> 0), 0 at end of
     * stream, -1 on error (reason in err), -2 when the time ran out. */
    long (*recv)(void *ctx, char *buf, size_t len, int timeout_ms, char *err, size_t errlen);
    /* Send everything; return 0, -1 on error, -2 when the time ran out. */
    int (*send)(void *ctx, const char *buf, size_t len, int timeout_ms, char *err,
                size_t errlen);
    /* Optional: called with each line read (out false) or sent (out true). */
    void (*trace)(void *trace_ctx, bool out, const char *line, size_t len);
    void *trace_ctx;
} pp_linereader_io;

typedef struct pp_linereader {
    pp_linereader_io io;
    void *ctx;
    char buf[PP_LINEREADER_MAX + 1];
    size_t start, end;
    char err[256];
} pp_linereader;

void pp_linereader_init(pp_linereader *r, pp_linereader_io io, void *ctx);
int pp_linereader_get(pp_linereader *r, const char **line, size_t *len);
int pp_linereader_put(pp_linereader *r, const char *line);
int pp_linereader_skip(pp_linereader *r, size_t n);
const char *pp_linereader_strerror(int status);
double pp_linereader_time_left(void);
int pp_linereader_wait_ms(void);
int pp_linereader_split(const char *buf, size_t len, size_t *linelen, size_t *used);
void pp_linereader_printable(const char *s, size_t len, char *out, size_t outlen);

#endif
