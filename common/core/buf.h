/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	buf - growable strings and allocation that never returns NULL
 * SYNOPSIS
 *	void *pp_xmalloc(size_t n); void *pp_xcalloc(size_t n, size_t size);
 *	void *pp_xrealloc(void *p, size_t n); char *pp_xstrdup(const char *s);
 *	char *pp_xasprintf(const char *fmt, ...);
 *	int pp_errf(char *err, size_t errlen, const char *fmt, ...);
 *
 *	void pp_buf_init(pp_buf *b); void pp_buf_free(pp_buf *b);
 *	void pp_buf_add(pp_buf *b, const char *s, size_t n); void pp_buf_puts(pp_buf *b, const char *s);
 *	void pp_buf_printf(pp_buf *b, const char *fmt, ...); void pp_buf_reset(pp_buf *b);
 * DESCRIPTION
 *	The x-functions allocate or die: on exhaustion they print "UNKNOWN - out of memory" and
 *	exit 3, as a plugin must still say something. A pp_buf is always NUL-terminated once
 *	something was added; b->s is NULL for an empty, never-used buffer.
 *
 *	pp_errf() formats a diagnostic into the caller's err buffer of errlen bytes (cut to fit)
 *	and returns -1, so that a failing function can say "return pp_errf(err, errlen, ...)".
 */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stddef.h>

typedef struct pp_buf {
    char *s;
    size_t len;
    size_t cap;
} pp_buf;

void *pp_xmalloc(size_t n);
void *pp_xcalloc(size_t n, size_t size);
void *pp_xrealloc(void *p, size_t n);
char *pp_xstrdup(const char *s);
char *pp_xstrndup(const char *s, size_t n);
char *pp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pp_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void pp_buf_init(pp_buf *b);
void pp_buf_free(pp_buf *b);
void pp_buf_reset(pp_buf *b);
void pp_buf_add(pp_buf *b, const char *s, size_t n);
void pp_buf_puts(pp_buf *b, const char *s);
void pp_buf_putc(pp_buf *b, char c);
void pp_buf_printf(pp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pp_buf_str(const pp_buf *b);

#endif
