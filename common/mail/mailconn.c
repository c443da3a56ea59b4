/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailconn.c - a TCP connection, plaintext then TLS, with deadlines. See mailconn.h.
 *
 * The socket stays non-blocking; every wait is a poll() limited by the -t time left. Nagle
 * stays on: with TCP_NODELAY, our TLS Finished and the next command leave as two segments
 * while the server's TLS 1.3 session ticket is in flight, and in about half the logins
 * measured on the test stack the server's reply then waited 40 ms for a delayed ACK. Each
 * command waits for its reply anyway, so Nagle costs nothing here.
 */
#include "mail/mailconn.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "dns/dns.h"
#include "core/timeout.h"

struct pp_mailconn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    double start;
    char host[256];
    long port;
    char addr[64];
    pp_mailconn_times *times;
    pp_linereader reader;
};

/* Wait until fd is ready for ev: 1 ready, 0 time is up, -1 error. */
static int wait_fd(int fd, short ev, int ms)
{
    struct pollfd p = {.fd = fd, .events = ev};
    double end = pp_timeout_now() + ms / 1000.0;
    for (;;) {
        int rc = poll(&p, 1, ms);
        if (rc >= 0 || errno != EINTR)
            return rc > 0 ? 1 : rc;
        ms = (int)ceil((end - pp_timeout_now()) * 1000);
        if (ms <= 0)
            return 0;
    }
}

/* ---- the line reader's transport: the socket, or TLS on it ---- */

/* One SSL_read or SSL_write: > 0 bytes, 0 end of stream, -1 error, or the event to wait
 * for as -POLLIN / -POLLOUT - 1000. */
static long ssl_io(SSL *ssl, char *buf, size_t len, bool out, char *err, size_t errlen)
{
    ERR_clear_error();
    errno = 0;
    int n = out ? SSL_write(ssl, buf, (int)len) : SSL_read(ssl, buf, (int)len);
    if (n > 0)
        return n;
    switch (SSL_get_error(ssl, n)) {
    case SSL_ERROR_WANT_READ:
        return -1000 - POLLIN;
    case SSL_ERROR_WANT_WRITE:
        return -1000 - POLLOUT;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        if (errno == 0 && ERR_peek_error() == 0)
            return 0;
        /* fall through */
    default: {
        unsigned long e = ERR_get_error();
        if (e && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            return 0;
        snprintf(err, errlen, "%s", e ? ERR_reason_error_string(e) : strerror(errno));
        ERR_clear_error();
        return -1;
    }
    }
}

static long plain_io(int fd, char *buf, size_t len, bool out, char *err, size_t errlen)
{
    ssize_t n = out ? send(fd, buf, len, MSG_NOSIGNAL) : recv(fd, buf, len, 0);
    if (n >= 0)
        return (long)n;
    if (errno == EAGAIN || errno == EINTR)
        return -1000 - (out ? POLLOUT : POLLIN);
    return pp_errf(err, errlen, "%s", strerror(errno));
}

/* Read (out false) or write some bytes before the deadline; -2 when time is up. */
static long io(pp_mailconn *c, char *buf, size_t len, bool out, int ms, char *err,
               size_t errlen)
{
    double end = pp_timeout_now() + ms / 1000.0;
    for (;;) {
        long n = c->ssl ? ssl_io(c->ssl, buf, len, out, err, errlen)
                        : plain_io(c->fd, buf, len, out, err, errlen);
        if (n > -1000)
            return n;
        ms = (int)ceil((end - pp_timeout_now()) * 1000);
        if (ms <= 0 || wait_fd(c->fd, (short)(-n - 1000), ms) == 0)
            return -2;
    }
}

static long conn_recv(void *ctx, char *buf, size_t len, int ms, char *err, size_t errlen)
{
    return io(ctx, buf, len, false, ms, err, errlen);
}

static int conn_send(void *ctx, const char *buf, size_t len, int ms, char *err, size_t errlen)
{
    double end = pp_timeout_now() + ms / 1000.0;
    while (len > 0) {
        long n = io(ctx, (char *)buf, len, true, ms, err, errlen);
        if (n <= 0)
            return n == -2 ? -2 : -1;
        buf += n;
        len -= (size_t)n;
        ms = (int)ceil((end - pp_timeout_now()) * 1000);
    }
    return 0;
}

/* ---- connect ---- */

static int connect_one(const struct addrinfo *ai, int *fdp, char *why, size_t whylen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
        int ms = pp_linereader_wait_ms(), soerr = 0;
        socklen_t sl = sizeof soerr;
        if (ms <= 0 || wait_fd(fd, POLLOUT, ms) == 0) {
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
    *fdp = fd;
    return 0;
}

pp_mailconn *pp_mailconn_open(const char *host, long port, int family, pp_mailconn_times *t,
                              char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res, *ai;
    char portstr[16], why[128] = "no address";
    int fd = -1, rc = -1;
    double t0 = pp_timeout_now();

    signal(SIGPIPE, SIG_IGN); /* OpenSSL writes with write(2) */
    snprintf(portstr, sizeof portstr, "%ld", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    t->dns = pp_timeout_now() - t0;
    if (gai != 0) {
        pp_errf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
        return NULL;
    }
    double t1 = pp_timeout_now();
    pp_mailconn *c = pp_xcalloc(1, sizeof *c);
    for (ai = res; ai && rc == -1; ai = ai->ai_next)
        if ((rc = connect_one(ai, &fd, why, sizeof why)) == 0)
            getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addr, sizeof c->addr, NULL, 0,
                        NI_NUMERICHOST);
    freeaddrinfo(res);
    t->connect = pp_timeout_now() - t1;
    if (rc != 0) {
        if (rc == -2)
            pp_errf(err, errlen, "timed out after %.1f s connecting to %s port %ld", pp_timeout_now() - t0,
                    host, port);
        else if (strcmp(why, "refused") == 0)
            pp_errf(err, errlen, "connection to %s port %ld refused", host, port);
        else
            pp_errf(err, errlen, "cannot connect to %s port %ld: %s", host, port, why);
        free(c);
        return NULL;
    }
    c->fd = fd;
    c->start = t0;
    c->port = port;
    c->times = t;
    snprintf(c->host, sizeof c->host, "%s", host);
    pp_linereader_io lio = {.recv = conn_recv, .send = conn_send};
    pp_linereader_init(&c->reader, lio, c);
    return c;
}

/* ---- TLS ---- */

X509_STORE *pp_mailconn_trust_store(const char *cafile, char *err, size_t errlen)
{
    X509_STORE *st = X509_STORE_new();
    if (!st) {
        pp_errf(err, errlen, "OpenSSL cannot make a certificate store");
        return NULL;
    }
    if (cafile) {
        if (!X509_STORE_load_file(st, cafile)) {
            unsigned long e = ERR_peek_last_error();
            pp_errf(err, errlen, "cannot use CA file %s: %s", cafile,
                    e ? ERR_reason_error_string(e) : "unreadable");
            ERR_clear_error();
            X509_STORE_free(st);
            return NULL;
        }
        return st;
    }
    /* OpenSSL's default places, both: the hashed directory (Debian's /etc/ssl/certs) and
     * the bundle file (all that RHEL and Fedora have, /etc/pki/tls/cert.pem), each moved by
     * SSL_CERT_DIR and SSL_CERT_FILE. Either may be missing: that is no error. */
    X509_STORE_set_default_paths(st);
    ERR_clear_error();
    return st;
}

static SSL_CTX *make_ctx(const pp_mailconn_tlsopts *t, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        pp_errf(err, errlen, "cannot set up TLS: %s", ERR_reason_error_string(ERR_get_error()));
        return NULL;
    }
    if (t->inspect) { /* see everything the server offers: judging comes after */
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_min_proto_version(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    }
    if (t->verify) {
        X509_STORE *st = pp_mailconn_trust_store(t->cafile, err, errlen);
        if (!st) {
            SSL_CTX_free(ctx);
            return NULL;
        }
        SSL_CTX_set_cert_store(ctx, st);
    }
    SSL_CTX_set_verify(ctx, t->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    return ctx;
}

static int handshake_error(pp_mailconn *c, const pp_mailconn_tlsopts *t, int ret, char *err,
                           size_t errlen)
{
    int e = SSL_get_error(c->ssl, ret);
    unsigned long code = ERR_peek_last_error();
    long vr = SSL_get_verify_result(c->ssl);
    if (t->verify && vr != X509_V_OK) {
        pp_errf(err, errlen, "certificate verification failed: %s%s%s%s",
                X509_verify_cert_error_string(vr), vr == X509_V_ERR_HOSTNAME_MISMATCH ? " (the "
                "certificate is not for " : "", vr == X509_V_ERR_HOSTNAME_MISMATCH ? t->name : "",
                vr == X509_V_ERR_HOSTNAME_MISMATCH ? ")" : "");
    } else if ((code && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
               (!code && (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && !errno)))) {
        pp_errf(err, errlen, "connection closed by the server in the TLS handshake");
    } else if (code) {
        const char *reason = ERR_reason_error_string(code);
        pp_errf(err, errlen, "TLS handshake failed: %s%s", reason ? reason : "unknown error",
                reason && strstr(reason, "wrong version number") ? " (a plaintext port?)" : "");
    } else {
        pp_errf(err, errlen, "TLS handshake failed: %s", strerror(errno));
    }
    ERR_clear_error();
    return -1;
}

int pp_mailconn_tls(pp_mailconn *c, const pp_mailconn_tlsopts *t, char *err, size_t errlen)
{
    double t0 = pp_timeout_now();
    if (!(c->ctx = make_ctx(t, err, errlen)))
        return -2;
    c->ssl = SSL_new(c->ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (t->sni && !pp_dns_is_address(t->sni))
        SSL_set_tlsext_host_name(c->ssl, t->sni);
    if (t->verify && t->name) {
        SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (pp_dns_is_address(t->name))
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), t->name);
        else
            SSL_set1_host(c->ssl, t->name);
    }
    if (t->ocsp)
        SSL_set_tlsext_status_type(c->ssl, TLSEXT_STATUSTYPE_ocsp);
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int ret = SSL_connect(c->ssl);
        if (ret == 1)
            break;
        int e = SSL_get_error(c->ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            c->times->tls = pp_timeout_now() - t0;
            return handshake_error(c, t, ret, err, errlen);
        }
        int ms = pp_linereader_wait_ms();
        if (ms <= 0 || wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, ms) == 0)
            return pp_errf(err, errlen, "timed out after %.1f s in the TLS handshake",
                           pp_timeout_now() - c->start);
    }
    c->times->tls = pp_timeout_now() - t0;
    return 0;
}

bool pp_mailconn_pending(const pp_mailconn *c)
{
    char b;
    return c->reader.end > c->reader.start || recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

pp_linereader *pp_mailconn_reader(pp_mailconn *c)
{
    return &c->reader;
}

SSL *pp_mailconn_ssl(const pp_mailconn *c)
{
    return c->ssl;
}

const char *pp_mailconn_addr(const pp_mailconn *c)
{
    return c->addr;
}

void pp_mailconn_close(pp_mailconn *c)
{
    if (!c)
        return;
    if (c->ssl) {
        SSL_shutdown(c->ssl); /* close_notify; the server's is not waited for */
        ERR_clear_error();
        SSL_free(c->ssl);
    }
    SSL_CTX_free(c->ctx);
    close(c->fd);
    free(c);
}
