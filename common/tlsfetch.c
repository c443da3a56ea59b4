/*
 * tlsfetch.c - a server's certificate chain over TLS or STARTTLS, or a PEM file's.
 * See tlsfetch.h.
 */
#include "tlsfetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "linereader.h"
#include "mailproto.h"

typedef struct fetch {
    const pp_tlsfetch_opts *o;
    double start;
    int fd;
    char *err;
    size_t errlen;
} fetch;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(fetch *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, f->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int left_ms(void)
{
    return (int)ceil(pp_linereader_time_left() * 1000);
}

/* Wait for fd to be ready: 1 ready, 0 time is up, -1 error. */
static int wait_fd(int fd, short ev, int ms)
{
    struct pollfd p = {.fd = fd, .events = ev};
    double end = now() + ms / 1000.0;
    for (;;) {
        int rc = poll(&p, 1, ms);
        if (rc >= 0 || errno != EINTR)
            return rc > 0 ? 1 : rc;
        ms = (int)ceil((end - now()) * 1000);
        if (ms <= 0)
            return 0;
    }
}

/* ---- plaintext I/O for the STARTTLS dialogue ---- */

static long fd_recv(void *ctx, char *buf, size_t len, int ms, char *err, size_t errlen)
{
    fetch *f = ctx;
    double end = now() + ms / 1000.0;
    for (;;) {
        int w = wait_fd(f->fd, POLLIN, ms);
        if (w == 0)
            return -2;
        ssize_t n = w > 0 ? recv(f->fd, buf, len, 0) : -1;
        if (n >= 0)
            return (long)n;
        if (errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "%s", strerror(errno));
            return -1;
        }
        ms = (int)ceil((end - now()) * 1000);
        if (ms <= 0)
            return -2;
    }
}

static int fd_send(void *ctx, const char *buf, size_t len, int ms, char *err, size_t errlen)
{
    fetch *f = ctx;
    double end = now() + ms / 1000.0;
    while (len > 0) {
        ssize_t n = send(f->fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "%s", strerror(errno));
            return -1;
        }
        ms = (int)ceil((end - now()) * 1000);
        if (ms <= 0 || wait_fd(f->fd, POLLOUT, ms) == 0)
            return -2;
    }
    return 0;
}

/* ---- connect ---- */

static int connect_one(fetch *f, const struct addrinfo *ai, char *why, size_t whylen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
        int ms = left_ms();
        int w = ms > 0 ? wait_fd(fd, POLLOUT, ms) : 0;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (w == 0) {
            snprintf(why, whylen, "timeout");
            close(fd);
            return -2;
        }
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        rc = soerr ? -1 : 0;
        errno = soerr;
    }
    if (rc != 0) {
        snprintf(why, whylen, "%s", errno == ECONNREFUSED ? "refused" : strerror(errno));
        close(fd);
        return -1;
    }
    f->fd = fd;
    return 0;
}

static int connect_any(fetch *f, pp_tls_peer *p)
{
    const pp_tlsfetch_opts *o = f->o;
    struct addrinfo hints = {.ai_family = o->family, .ai_socktype = SOCK_STREAM}, *res, *ai;
    char port[16], why[128] = "no address";
    snprintf(port, sizeof port, "%ld", o->port);
    int rc = getaddrinfo(o->host, port, &hints, &res);
    if (rc != 0)
        return fail(f, "cannot resolve %s: %s", o->host, gai_strerror(rc));
    double t0 = now();
    int last = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        last = connect_one(f, ai, why, sizeof why);
        if (last == 0) {
            getnameinfo(ai->ai_addr, ai->ai_addrlen, p->addr, sizeof p->addr, NULL, 0,
                        NI_NUMERICHOST);
            break;
        }
        if (last == -2)
            break;
    }
    freeaddrinfo(res);
    p->t_connect = now() - t0;
    if (last == -2)
        return fail(f, "timed out after %.1f s connecting to %s port %ld", now() - f->start,
                    o->host, o->port);
    if (last != 0)
        return strcmp(why, "refused") == 0
                   ? fail(f, "connection to %s port %ld refused", o->host, o->port)
                   : fail(f, "cannot connect to %s port %ld: %s", o->host, o->port, why);
    return 0;
}

/* ---- STARTTLS ---- */

static int io_fail(fetch *f, pp_linereader *r, int st, const char *what, const char *text)
{
    switch (st) {
    case PP_LR_TIMEOUT:
        return fail(f, "timed out after %.1f s %s", now() - f->start, what);
    case PP_LR_EOF:
        return fail(f, "connection closed by the server %s", what);
    case PP_LR_OVERLONG:
        return fail(f, "%s %s", pp_linereader_strerror(st), what);
    case PP_MP_GARBAGE:
        return fail(f, "unexpected reply %s: %s", what, text);
    default:
        return fail(f, "connection error %s: %s", what, r->err);
    }
}

typedef struct ehlo_caps {
    bool starttls;
} ehlo_caps;

static void on_ehlo(void *ctx, const char *line, size_t len)
{
    if (len == 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0)
        ((ehlo_caps *)ctx)->starttls = true;
}

static int smtp_starttls(fetch *f, pp_linereader *r)
{
    char text[256], cmd[300], host[256] = "localhost";
    int code, st;
    ehlo_caps caps = {false};
    if ((st = pp_mailproto_smtp_reply(r, &code, text, sizeof text, NULL, NULL)) != PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the banner", text);
    if (code != 220)
        return fail(f, "banner: %s", text);
    if (!f->o->helo)
        gethostname(host, sizeof host - 1);
    snprintf(cmd, sizeof cmd, "EHLO %s", f->o->helo ? f->o->helo : host);
    if ((st = pp_linereader_put(r, cmd)) != PP_LR_LINE ||
        (st = pp_mailproto_smtp_reply(r, &code, text, sizeof text, on_ehlo, &caps)) !=
            PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the reply to EHLO", text);
    if (code != 250)
        return fail(f, "EHLO refused: %s", text);
    if (!caps.starttls)
        return fail(f, "server does not offer STARTTLS");
    if ((st = pp_mailproto_smtp_cmd(r, "STARTTLS", &code, text, sizeof text)) != PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the reply to STARTTLS", text);
    return code == 220 ? 0 : fail(f, "STARTTLS refused: %s", text);
}

static int imap_starttls(fetch *f, pp_linereader *r)
{
    char text[256];
    int kind = 0, st;
    if ((st = pp_mailproto_imap_greeting(r, &kind, text, sizeof text)) != PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the greeting", text);
    if (kind != PP_IMAP_OK)
        return fail(f, "greeting: %s", text);
    if ((st = pp_mailproto_imap_cmd(r, "pp1", "STARTTLS", &kind, text, sizeof text, NULL,
                                    NULL)) != PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the reply to STARTTLS", text);
    return kind == PP_IMAP_OK ? 0 : fail(f, "STARTTLS refused: %s", text);
}

static int pop3_starttls(fetch *f, pp_linereader *r)
{
    char text[256];
    int ok = 0, st;
    if ((st = pp_mailproto_pop3_cmd(r, NULL, false, &ok, text, sizeof text, NULL, NULL)) !=
        PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the greeting", text);
    if (ok != 1)
        return fail(f, "greeting: %s", text);
    if ((st = pp_mailproto_pop3_cmd(r, "STLS", false, &ok, text, sizeof text, NULL, NULL)) !=
        PP_LR_LINE)
        return io_fail(f, r, st, "waiting for the reply to STLS", text);
    return ok == 1 ? 0 : fail(f, "STLS refused: %s", text);
}

static int starttls(fetch *f)
{
    pp_linereader *r = pp_xmalloc(sizeof *r);
    pp_linereader_io io = {.recv = fd_recv, .send = fd_send};
    pp_linereader_init(r, io, f);
    int rc = f->o->starttls == PP_STARTTLS_SMTP   ? smtp_starttls(f, r)
             : f->o->starttls == PP_STARTTLS_IMAP ? imap_starttls(f, r)
                                                  : pop3_starttls(f, r);
    if (rc == 0 && r->end > r->start)
        rc = fail(f, "server sent data after its reply to STARTTLS (a command injection, "
                     "CVE-2011-0411)");
    free(r);
    return rc;
}

/* ---- TLS ---- */

static bool is_address(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return NULL;
    /* See everything the server offers: the judging comes after. */
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}

static int tls_error(fetch *f, SSL *ssl, int ret)
{
    int e = SSL_get_error(ssl, ret);
    unsigned long code = ERR_peek_last_error();
    const char *hint = "";
    if (code && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        fail(f, "connection closed by the server in the TLS handshake");
    } else if (code) {
        const char *reason = ERR_reason_error_string(code);
        char buf[256];
        if (!reason) {
            ERR_error_string_n(code, buf, sizeof buf);
            reason = buf;
        }
        if (f->o->starttls == PP_STARTTLS_NONE && strstr(reason, "wrong version number"))
            hint = " (a plaintext port? see --starttls)";
        fail(f, "TLS handshake failed: %s%s", reason, hint);
    } else if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0)) {
        fail(f, "connection closed by the server in the TLS handshake");
    } else {
        fail(f, "TLS handshake failed: %s", strerror(errno));
    }
    ERR_clear_error();
    return -1;
}

static int handshake(fetch *f, SSL *ssl)
{
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int ret = SSL_connect(ssl);
        if (ret == 1)
            return 0;
        int e = SSL_get_error(ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return tls_error(f, ssl, ret);
        int ms = left_ms();
        if (ms <= 0 || wait_fd(f->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, ms) == 0)
            return fail(f, "timed out after %.1f s in the TLS handshake", now() - f->start);
    }
}

static void take_peer(SSL *ssl, pp_tls_peer *p)
{
    STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
    p->chain = sk_X509_new_null();
    for (int i = 0; sk && i < sk_X509_num(sk); i++) {
        X509 *x = sk_X509_value(sk, i);
        X509_up_ref(x);
        sk_X509_push(p->chain, x);
    }
    p->version = SSL_version(ssl);
    snprintf(p->version_name, sizeof p->version_name, "%s", SSL_get_version(ssl));
    snprintf(p->cipher, sizeof p->cipher, "%s", SSL_get_cipher_name(ssl));
    const unsigned char *resp = NULL;
    long len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
    if (len > 0 && resp) {
        p->ocsp = pp_xmalloc((size_t)len);
        memcpy(p->ocsp, resp, (size_t)len);
        p->ocsp_len = (size_t)len;
    }
}

/* Leave as a client should: QUIT or LOGOUT, close_notify; nothing is waited for. */
static void goodbye(fetch *f, SSL *ssl)
{
    static const char *const bye[] = {NULL, "QUIT\r\n", "pp2 LOGOUT\r\n", "QUIT\r\n"};
    const char *b = bye[f->o->starttls];
    if (b)
        SSL_write(ssl, b, (int)strlen(b));
    SSL_shutdown(ssl);
    ERR_clear_error();
}

static int tls(fetch *f, pp_tls_peer *p)
{
    SSL_CTX *ctx = client_ctx();
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    int rc = -1;
    if (!ssl) {
        fail(f, "cannot set up TLS: %s", ERR_reason_error_string(ERR_get_error()));
    } else {
        SSL_set_fd(ssl, f->fd);
        if (f->o->sni && !is_address(f->o->sni))
            SSL_set_tlsext_host_name(ssl, f->o->sni);
        if (f->o->ocsp)
            SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
        rc = handshake(f, ssl);
        if (rc == 0) {
            take_peer(ssl, p);
            goodbye(f, ssl);
        }
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return rc;
}

int pp_tlsfetch(const pp_tlsfetch_opts *o, pp_tls_peer *p, char *err, size_t errlen)
{
    fetch f = {.o = o, .start = now(), .fd = -1, .err = err, .errlen = errlen};
    memset(p, 0, sizeof *p);
    signal(SIGPIPE, SIG_IGN); /* OpenSSL writes with write(2) */
    if (connect_any(&f, p) != 0)
        return -1;
    double t0 = now();
    int rc = o->starttls != PP_STARTTLS_NONE ? starttls(&f) : 0;
    if (rc == 0)
        rc = tls(&f, p);
    p->t_tls = now() - t0;
    close(f.fd);
    if (rc == 0 && sk_X509_num(p->chain) == 0)
        rc = fail(&f, "the server sent no certificate");
    return rc;
}

int pp_tlsfetch_file(const char *path, pp_tls_peer *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    p->chain = sk_X509_new_null();
    X509 *x;
    while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
        sk_X509_push(p->chain, x);
    fclose(fp);
    ERR_clear_error(); /* the end of the file reads as an error */
    if (sk_X509_num(p->chain) == 0) {
        snprintf(err, errlen, "no PEM certificate in %s", path);
        return -1;
    }
    return 0;
}

void pp_tls_peer_free(pp_tls_peer *p)
{
    if (p->chain)
        sk_X509_pop_free(p->chain, X509_free);
    free(p->ocsp);
    memset(p, 0, sizeof *p);
}

int pp_tlsfetch_starttls_parse(const char *name, pp_starttls *st)
{
    static const char *const names[] = {"none", "smtp", "imap", "pop3"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0) {
            *st = (pp_starttls)i;
            return 0;
        }
    return -1;
}

const char *pp_tlsfetch_starttls_name(pp_starttls st)
{
    static const char *const names[] = {"TLS", "SMTP STARTTLS", "IMAP STARTTLS", "POP3 STLS"};
    return names[st];
}
