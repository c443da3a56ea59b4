/*
 * smtp_probe.c - a short plaintext SMTP dialogue with poll() deadlines. See smtp_probe.h.
 */
#include "smtp_probe.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "timeout.h"

#define LINE_MAX_LEN 2048
#define REPLY_MAX (64 * 1024)

int pp_smtp_reply_parse(const char *buf, size_t len, int *code, size_t *used)
{
    size_t pos = 0;
    int first = -1;

    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t avail = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        if (avail > LINE_MAX_LEN)
            return -1;
        /* Judge what is there so far, so garbage is refused without waiting for more. */
        size_t check = avail < 4 ? avail : 4;
        for (size_t i = 0; i < check; i++) {
            char c = buf[pos + i];
            if (i < 3 ? !isdigit((unsigned char)c) : (c != ' ' && c != '-' && c != '\r'))
                return -1;
        }
        if (!nl)
            return 0;
        if (avail < 3)
            return -1;
        int c = (buf[pos] - '0') * 100 + (buf[pos + 1] - '0') * 10 + (buf[pos + 2] - '0');
        if (first >= 0 && c != first)
            return -1;
        first = c;
        int more = avail > 3 && buf[pos + 3] == '-';
        pos += avail + 1;
        if (!more) {
            *code = first;
            *used = pos;
            return 1;
        }
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct conn {
    int fd;
    double step_timeout;
    pp_buf in;
    pp_smtp_probe_result *r;
} conn;

static int fail(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->err, sizeof c->r->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* End of the current step: its own limit, or a little before the plugin's -t alarm. */
static double step_deadline(const conn *c)
{
    double left = pp_timeout_left() - 0.2;
    return now() + (c->step_timeout < left ? c->step_timeout : left);
}

/* Waits until fd is ready for events or the deadline; 1 ready, 0 timed out. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double t = now();
        if (t >= deadline)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)((deadline - t) * 1000) + 1);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return 1; /* let the read or write report the error */
    }
}

/* Copies the first line of the reply in c->in into out (code and text). */
static void keep_reply(const conn *c, int code, pp_smtp_reply *out)
{
    const char *s = c->in.s;
    size_t n = strcspn(s, "\r\n");
    size_t skip = n > 4 ? 4 : n;
    out->code = code;
    snprintf(out->text, sizeof out->text, "%.*s", (int)(n - skip), s + skip);
}

/* Reads one reply into out; -1 with r->err naming step on failure. */
static int read_reply(conn *c, const char *step, pp_smtp_reply *out)
{
    double deadline = step_deadline(c);
    char chunk[4096];
    int code;
    size_t used;

    for (;;) {
        int rc = c->in.len ? pp_smtp_reply_parse(c->in.s, c->in.len, &code, &used) : 0;
        if (rc < 0)
            return fail(c, "%s: not an SMTP reply: %.60s", step, c->in.s);
        if (rc > 0) {
            keep_reply(c, code, out);
            memmove(c->in.s, c->in.s + used, c->in.len - used + 1);
            c->in.len -= used;
            return 0;
        }
        if (c->in.len > REPLY_MAX)
            return fail(c, "%s: reply longer than %d bytes", step, REPLY_MAX);
        if (!wait_fd(c->fd, POLLIN, deadline))
            return fail(c, "%s: timed out", step);
        ssize_t n = read(c->fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return fail(c, "%s: %s", step, strerror(errno));
        if (n == 0)
            return fail(c, "%s: connection closed by the server", step);
        pp_buf_add(&c->in, chunk, (size_t)n);
    }
}

static int send_line(conn *c, const char *step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int send_line(conn *c, const char *step, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 2)
        return fail(c, "%s: command too long", step);
    memcpy(line + n, "\r\n", 2);
    size_t len = (size_t)n + 2, off = 0;
    double deadline = step_deadline(c);
    while (off < len) {
        if (!wait_fd(c->fd, POLLOUT, deadline))
            return fail(c, "%s: timed out sending", step);
        ssize_t w = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w < 0)
            return fail(c, "%s: %s", step, strerror(errno));
        off += (size_t)w;
    }
    return 0;
}

/* A command and its reply, which must be 2xx (or any code when any is true). */
static int command(conn *c, const char *step, pp_smtp_reply *out, int any, const char *arg)
{
    if (send_line(c, step, "%s", arg) < 0 || read_reply(c, step, out) < 0)
        return -1;
    if (!any && out->code / 100 != 2)
        return fail(c, "%s: %d %s", step, out->code, out->text);
    return 0;
}

static int do_connect(conn *c, const struct sockaddr *sa, socklen_t salen)
{
    c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return fail(c, "connect: %s", strerror(errno));
    if (connect(c->fd, sa, salen) < 0 && errno != EINPROGRESS)
        return fail(c, "connect: %s", strerror(errno));
    if (!wait_fd(c->fd, POLLOUT, step_deadline(c)))
        return fail(c, "connect: timed out");
    int e = 0;
    socklen_t el = sizeof e;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
    if (e)
        return fail(c, "connect: %s", strerror(e));
    return 0;
}

static int dialogue(conn *c, const struct sockaddr *sa, socklen_t salen,
                    const pp_smtp_probe_opts *o)
{
    pp_smtp_probe_result *r = c->r;
    double t0 = now();
    char cmd[1024];

    if (do_connect(c, sa, salen) < 0)
        return -1;
    r->connect_seconds = now() - t0;
    if (read_reply(c, "banner", &r->banner) < 0)
        return -1;
    if (r->banner.code / 100 != 2)
        return fail(c, "banner: %d %s", r->banner.code, r->banner.text);
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
    conn c = {.fd = -1, .step_timeout = o->timeout > 0 ? o->timeout : 10, .r = r};
    double t0 = now();

    memset(r, 0, sizeof *r);
    r->rcpt = pp_xcalloc(o->nrcpt ? o->nrcpt : 1, sizeof *r->rcpt);
    pp_buf_init(&c.in);
    int rc = dialogue(&c, sa, salen, o);
    if (c.fd >= 0)
        close(c.fd);
    pp_buf_free(&c.in);
    r->seconds = now() - t0;
    return rc;
}

void pp_smtp_probe_result_free(pp_smtp_probe_result *r)
{
    free(r->rcpt);
    r->rcpt = NULL;
}
