/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * smtp_probe.c - a short plaintext SMTP dialogue with poll() deadlines. See smtp_probe.h.
 *
 * The replies are read by common/mail/mailproto through a common/mail/linereader; this file only
 * brings the socket (one given address, not a host name as common/mail/mailconn takes) and the
 * per-step limit, which the line reader's -t limit does not know of.
 */
#include "mail/smtp_probe.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "mail/linereader.h"
#include "mail/mailproto.h"
#include "core/timeout.h"

typedef struct conn {
    int fd;
    double step_timeout;
    double step_end; /* when the current step must be over */
    pp_linereader lr;
    pp_smtp_probe_result *r;
} conn;

/* The end of a wait of ms milliseconds (the -t time left), cut to the step's own limit. */
static double wait_end(const conn *c, int ms)
{
    double end = pp_timeout_now() + ms / 1000.0;
    return end < c->step_end ? end : c->step_end;
}

/* Waits until fd is ready for events or the end; 1 ready, 0 timed out. */
static int wait_fd(int fd, short events, double end)
{
    for (;;) {
        double t = pp_timeout_now();
        if (t >= end)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)((end - t) * 1000) + 1);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return 1; /* let the read or write report the error */
    }
}

/* ---- the line reader's transport ---- */

static long sock_recv(void *ctx, char *buf, size_t len, int ms, char *err, size_t errlen)
{
    conn *c = ctx;
    double end = wait_end(c, ms);
    for (;;) {
        if (!wait_fd(c->fd, POLLIN, end))
            return -2;
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n >= 0)
            return (long)n;
        if (errno != EINTR && errno != EAGAIN)
            return pp_errf(err, errlen, "%s", strerror(errno));
    }
}

static int sock_send(void *ctx, const char *buf, size_t len, int ms, char *err, size_t errlen)
{
    conn *c = ctx;
    double end = wait_end(c, ms);
    size_t off = 0;
    while (off < len) {
        if (!wait_fd(c->fd, POLLOUT, end))
            return -2;
        ssize_t w = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno != EINTR && errno != EAGAIN)
            return pp_errf(err, errlen, "%s", strerror(errno));
        if (w > 0)
            off += (size_t)w;
    }
    return 0;
}

/* ---- the dialogue ---- */

static void start_step(conn *c)
{
    c->step_end = pp_timeout_now() + c->step_timeout;
}

/* r->err for a reply that could not be read (status st of the reader, text its line). */
static int read_failed(conn *c, const char *step, int st, const char *text)
{
    char *err = c->r->err;
    size_t errlen = sizeof c->r->err;
    char shown[64];

    switch (st) {
    case PP_MP_GARBAGE:
        return pp_errf(err, errlen, "%s: not an SMTP reply: %s", step, text);
    case PP_LR_OVERLONG:
        pp_linereader_printable(c->lr.buf + c->lr.start, c->lr.end - c->lr.start, shown,
                                sizeof shown);
        return pp_errf(err, errlen, "%s: not an SMTP reply: %s", step, shown);
    case PP_LR_ERROR:
        return pp_errf(err, errlen, "%s: %s", step, c->lr.err);
    default:
        return pp_errf(err, errlen, "%s: %s", step, pp_linereader_strerror(st));
    }
}

typedef struct first_line {
    pp_smtp_reply *out;
    bool seen;
} first_line;

/* Keeps the first line of a reply, without its code: the one that says the most. */
static void keep_first_line(void *ctx, const char *line, size_t len)
{
    first_line *f = ctx;
    if (f->seen)
        return;
    f->seen = true;
    size_t skip = len > 4 ? 4 : len;
    pp_linereader_printable(line + skip, len - skip, f->out->text, sizeof f->out->text);
}

/* Reads one reply into out; -1 with r->err naming step on failure. */
static int read_reply(conn *c, const char *step, pp_smtp_reply *out)
{
    first_line f = {.out = out};
    char text[64];
    memset(out, 0, sizeof *out);
    int st = pp_mailproto_smtp_reply(&c->lr, &out->code, text, sizeof text, keep_first_line, &f);
    if (st != PP_LR_LINE) {
        memset(out, 0, sizeof *out);
        return read_failed(c, step, st, text);
    }
    return 0;
}

/* A command and its reply, which must be 2xx (or any code when any is true). */
static int command(conn *c, const char *step, pp_smtp_reply *out, int any, const char *cmd)
{
    start_step(c);
    int st = pp_linereader_put(&c->lr, cmd);
    if (st == PP_LR_TIMEOUT)
        return pp_errf(c->r->err, sizeof c->r->err, "%s: timed out sending", step);
    if (st != PP_LR_LINE)
        return pp_errf(c->r->err, sizeof c->r->err, "%s: %s", step, c->lr.err);
    if (read_reply(c, step, out) < 0)
        return -1;
    if (!any && out->code / 100 != 2)
        return pp_errf(c->r->err, sizeof c->r->err, "%s: %d %s", step, out->code, out->text);
    return 0;
}

static int do_connect(conn *c, const struct sockaddr *sa, socklen_t salen)
{
    char *err = c->r->err;
    size_t errlen = sizeof c->r->err;
    start_step(c);
    c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return pp_errf(err, errlen, "connect: %s", strerror(errno));
    if (connect(c->fd, sa, salen) < 0 && errno != EINPROGRESS)
        return pp_errf(err, errlen, "connect: %s", strerror(errno));
    if (!wait_fd(c->fd, POLLOUT, wait_end(c, pp_linereader_wait_ms())))
        return pp_errf(err, errlen, "connect: timed out");
    int e = 0;
    socklen_t el = sizeof e;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
    if (e)
        return pp_errf(err, errlen, "connect: %s", strerror(e));
    return 0;
}

static int dialogue(conn *c, const struct sockaddr *sa, socklen_t salen,
                    const pp_smtp_probe_opts *o)
{
    pp_smtp_probe_result *r = c->r;
    double t0 = pp_timeout_now();
    char cmd[1024];

    if (do_connect(c, sa, salen) < 0)
        return -1;
    r->connect_seconds = pp_timeout_now() - t0;
    start_step(c);
    if (read_reply(c, "banner", &r->banner) < 0)
        return -1;
    if (r->banner.code / 100 != 2)
        return pp_errf(r->err, sizeof r->err, "banner: %d %s", r->banner.code, r->banner.text);
    snprintf(cmd, sizeof cmd, "EHLO %s", o->helo);
    if (command(c, "EHLO", &r->ehlo, 0, cmd) < 0)
        return -1;
    if (o->nrcpt > 0) {
        snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>", o->mail_from);
        if (command(c, "MAIL FROM", &r->mail, 0, cmd) < 0)
            return -1;
        for (size_t i = 0; i < o->nrcpt; i++) {
            snprintf(cmd, sizeof cmd, "RCPT TO:<%s>", o->rcpts[i]);
            if (command(c, "RCPT TO", &r->rcpt[i], 1, cmd) < 0)
                return -1;
        }
    }
    pp_smtp_reply quit;
    command(c, "QUIT", &quit, 1, "QUIT"); /* the answer to QUIT does not matter */
    r->err[0] = '\0';
    return 0;
}

int pp_smtp_probe(const struct sockaddr *sa, socklen_t salen, const pp_smtp_probe_opts *o,
                  pp_smtp_probe_result *r)
{
    conn *c = pp_xcalloc(1, sizeof *c);
    double t0 = pp_timeout_now();

    c->fd = -1;
    c->step_timeout = o->timeout > 0 ? o->timeout : 10;
    c->r = r;
    memset(r, 0, sizeof *r);
    r->rcpt = pp_xcalloc(o->nrcpt ? o->nrcpt : 1, sizeof *r->rcpt);
    pp_linereader_io io = {.recv = sock_recv, .send = sock_send};
    pp_linereader_init(&c->lr, io, c);
    int rc = dialogue(c, sa, salen, o);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    r->seconds = pp_timeout_now() - t0;
    return rc;
}

void pp_smtp_probe_result_free(pp_smtp_probe_result *r)
{
    free(r->rcpt);
    r->rcpt = NULL;
}
