/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * buf.c - growable strings and allocation that never returns NULL. See buf.h.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void oom(void)
{
    static const char msg[] = "UNKNOWN - out of memory\n";
    ssize_t r = write(STDOUT_FILENO, msg, sizeof msg - 1);
    (void)r;
    _exit(3);
}

void *pp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *pp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *pp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *pp_xstrdup(const char *s)
{
    return pp_xstrndup(s, strlen(s));
}

char *pp_xstrndup(const char *s, size_t n)
{
    char *p = pp_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pp_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    char *s = pp_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int pp_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void pp_buf_init(pp_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void pp_buf_free(pp_buf *b)
{
    free(b->s);
    pp_buf_init(b);
}

void pp_buf_reset(pp_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void grow(pp_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = pp_xrealloc(b->s, cap);
    b->cap = cap;
}

void pp_buf_add(pp_buf *b, const char *s, size_t n)
{
    grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pp_buf_puts(pp_buf *b, const char *s)
{
    pp_buf_add(b, s, strlen(s));
}

void pp_buf_putc(pp_buf *b, char c)
{
    pp_buf_add(b, &c, 1);
}

void pp_buf_printf(pp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *pp_buf_str(const pp_buf *b)
{
    return b->s ? b->s : "";
}
