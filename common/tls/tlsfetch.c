/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tlsfetch.c - a server's certificate chain over TLS or STARTTLS, or a PEM file's.
 * See tlsfetch.h.
 */
#include "tls/tlsfetch.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "mail/mailsession.h"

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

int pp_tlsfetch(const pp_tlsfetch_opts *o, pp_tls_peer *p, char *err, size_t errlen)
{
    static const pp_mail_proto protos[] = {PP_MAIL_NONE, PP_MAIL_SMTP, PP_MAIL_IMAP,
                                           PP_MAIL_POP3};
    pp_mail_opts mo = {.proto = protos[o->starttls],
                       .tls = o->starttls ? PP_MAIL_STARTTLS : PP_MAIL_IMPLICIT,
                       .host = o->host, .port = o->port, .family = o->family, .sni = o->sni,
                       .inspect = true, .ocsp = o->ocsp, .helo = o->helo};
    memset(p, 0, sizeof *p);
    pp_mail_session *s = pp_mail_new(&mo);
    int rc = pp_mail_login(s);
    if (rc != 0) {
        snprintf(err, errlen, "%s", pp_mail_error(s));
        rc = pp_mail_timed_out(s) ? -2 : -1;
    } else {
        take_peer(pp_mail_ssl(s), p);
        snprintf(p->addr, sizeof p->addr, "%s", pp_mail_addr(s));
        p->t_connect = pp_mail_time(s, PP_PHASE_CONNECT);
        p->t_tls = pp_mail_time(s, PP_PHASE_TLS);
        pp_mail_quit(s);
        if (sk_X509_num(p->chain) == 0) {
            snprintf(err, errlen, "the server sent no certificate");
            rc = -1;
        }
    }
    pp_mail_free(s);
    return rc;
}

int pp_tlsfetch_file(const char *path, pp_tls_peer *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    p->chain = sk_X509_new_null();
    X509 *x;
    while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
        sk_X509_push(p->chain, x);
    fclose(fp);
    ERR_clear_error(); /* the end of the file reads as an error */
    if (sk_X509_num(p->chain) == 0)
        return pp_errf(err, errlen, "no PEM certificate in %s", path);
    return 0;
}

void pp_tls_peer_free(pp_tls_peer *p)
{
    if (p->chain)
        sk_X509_pop_free(p->chain, X509_free);
    free(p->ocsp);
    free(p->ocsp_url);
    free(p->ocsp_err);
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

void pp_tls_cert_name(const X509 *x, char *out, size_t len)
{
    const X509_NAME *n = X509_get_subject_name(x);
    char cn[256];
    if (X509_NAME_get_text_by_NID((X509_NAME *)n, NID_commonName, cn, sizeof cn) > 0)
        snprintf(out, len, "CN=%s", cn);
    else
        X509_NAME_oneline(n, out, (int)len);
}
