/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * linereader.c - CRLF lines over a byte stream. See linereader.h.
 */
#include "mail/linereader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeout.h"

void pp_linereader_init(pp_linereader *r, pp_linereader_io io, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->io = io;
    r->ctx = ctx;
}

double pp_linereader_time_left(void)
{
    double left = pp_timeout_left() - PP_LINEREADER_MARGIN;
    return left > 0 ? left : 0;
}

int pp_linereader_wait_ms(void)
{
    double ms = ceil(pp_linereader_time_left() * 1000);
    return ms > 86400000 ? 86400000 : (int)ms;
}

int pp_linereader_split(const char *buf, size_t len, size_t *linelen, size_t *used)
{
    const char *nl = memchr(buf, '\n', len);
    if (!nl)
        return 0;
    size_t n = (size_t)(nl - buf);
    *used = n + 1;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    *linelen = n;
    return 1;
}

/* Read more bytes behind what is buffered; returns PP_LR_LINE when some arrived. */
static int fill(pp_linereader *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end >= PP_LINEREADER_MAX)
        return PP_LR_OVERLONG;
    int ms = pp_linereader_wait_ms();
    if (ms <= 0)
        return PP_LR_TIMEOUT;
    long n = r->io.recv(r->ctx, r->buf + r->end, PP_LINEREADER_MAX - r->end, ms, r->err,
                        sizeof r->err);
    if (n == -2)
        return PP_LR_TIMEOUT;
    if (n < 0)
        return PP_LR_ERROR;
    if (n == 0)
        return PP_LR_EOF;
    r->end += (size_t)n;
    return PP_LR_LINE;
}

int pp_linereader_get(pp_linereader *r, const char **line, size_t *len)
{
    for (;;) {
        size_t n, used;
        if (pp_linereader_split(r->buf + r->start, r->end - r->start, &n, &used)) {
            char *l = r->buf + r->start;
            l[n] = '\0';
            r->start += used;
            if (r->io.trace)
                r->io.trace(r->io.trace_ctx, false, l, n);
            *line = l;
            *len = n;
            return PP_LR_LINE;
        }
        int st = fill(r);
        if (st != PP_LR_LINE)
            return st;
    }
}

int pp_linereader_skip(pp_linereader *r, size_t n)
{
    while (n > 0) {
        size_t have = r->end - r->start;
        if (have > 0) {
            size_t take = have < n ? have : n;
            r->start += take;
            n -= take;
            continue;
        }
        r->start = r->end = 0;
        int st = fill(r);
        if (st != PP_LR_LINE)
            return st;
    }
    return PP_LR_LINE;
}

int pp_linereader_put(pp_linereader *r, const char *line)
{
    size_t n = strlen(line);
    char *msg = pp_xmalloc(n + 2);
    memcpy(msg, line, n);
    memcpy(msg + n, "\r\n", 2);
    if (r->io.trace)
        r->io.trace(r->io.trace_ctx, true, line, n);
    int ms = pp_linereader_wait_ms();
    int rc = ms <= 0 ? -2 : r->io.send(r->ctx, msg, n + 2, ms, r->err, sizeof r->err);
    /* The line may have held a password. */
    memset(msg, 0, n + 2);
    free(msg);
    return rc == 0 ? PP_LR_LINE : rc == -2 ? PP_LR_TIMEOUT : PP_LR_ERROR;
}

const char *pp_linereader_strerror(int status)
{
    switch (status) {
    case PP_LR_LINE:
        return "no error";
    case PP_LR_EOF:
        return "connection closed by the server";
    case PP_LR_TIMEOUT:
        return "timed out";
    case PP_LR_OVERLONG:
        return "server sent a line longer than 8192 bytes";
    default:
        return "connection error";
    }
}

void pp_linereader_printable(const char *s, size_t len, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    size_t room = outlen - 1;
    bool cut = len > room;
    size_t keep = !cut ? len : room >= 3 ? room - 3 : 0;
    size_t o = 0;
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    while (cut && o < room)
        out[o++] = '.';
    out[o] = '\0';
}
