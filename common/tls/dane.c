/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dane.c - DANE verification through OpenSSL's DANE support. See dane.h.
 *
 * The chain is verified the way OpenSSL's ssl_verify_cert_chain() verifies a server's
 * chain in a handshake (and Postfix's tls_dane test driver outside one): an
 * X509_STORE_CTX with the SSL object's verification parameters and DANE state, its
 * verify result stored back into the SSL object, where SSL_get0_dane_authority() and
 * SSL_get0_dane_tlsa() read it. The store is empty: with usages 2 and 3 only the TLSA
 * records are trusted.
 */
#include "tls/dane.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tls/tlsfetch.h"

void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen)
{
    char hex[17];
    size_t n = t->len < 8 ? t->len : 8;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", t->data[i]);
    hex[2 * n] = '\0';
    snprintf(out, outlen, "%u %u %u %s%s", t->usage, t->selector, t->mtype, hex,
             t->len > 8 ? "..." : "");
}

/* A failure of OpenSSL itself (not of the chain or the records), in res->why. */
static pp_dane_status openssl_failed(pp_dane_result *res, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    snprintf(res->why, sizeof res->why, "OpenSSL: %s: %s", what,
             reason ? reason : "unknown error");
    ERR_clear_error();
    return PP_DANE_ERROR;
}

/* name without its trailing dot, as X509_check_host() compares it; NULL stays NULL. */
static const char *bare(const char *name, char *buf, size_t buflen)
{
    if (!name)
        return NULL;
    size_t n = strlen(name);
    if (n > 1 && name[n - 1] == '.')
        n--;
    snprintf(buf, buflen, "%.*s", (int)n, name);
    return buf;
}

/* The SSL object a client would verify the server with: DANE for the TLSA base domain,
 * the next hop a second reference identifier, no name checks for DANE-EE (RFC 7672 3.1.1,
 * as Postfix sets it), no partial-label wildcards (RFC 6125). */
static SSL *dane_ssl(SSL_CTX *ctx, const pp_dane_opts *o)
{
    char base[256], hop[256];
    SSL *ssl = SSL_new(ctx);
    if (!ssl)
        return NULL;
    const char *nexthop = bare(o->nexthop, hop, sizeof hop);
    if (SSL_dane_enable(ssl, bare(o->base_domain, base, sizeof base)) <= 0 ||
        (nexthop && SSL_add1_host(ssl, nexthop) != 1)) {
        SSL_free(ssl);
        return NULL;
    }
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return ssl;
}

/* Records into OpenSSL; PKIX-TA and PKIX-EE never (Postfix drops them: not for SMTP).
 * 0, or -1 when OpenSSL failed (not a record it refused). */
static int add_records(SSL *ssl, const pp_dane_opts *o, pp_dane_result *res)
{
    for (size_t i = 0; i < o->ntlsa; i++) {
        const pp_dane_tlsa *t = &o->tlsa[i];
        if (t->usage == PP_DANE_PKIX_TA || t->usage == PP_DANE_PKIX_EE) {
            res->pkix++;
            continue;
        }
        if (t->usage > UINT8_MAX || t->selector > UINT8_MAX || t->mtype > UINT8_MAX) {
            res->unusable++;
            continue;
        }
        int rc = SSL_dane_tlsa_add(ssl, (uint8_t)t->usage, (uint8_t)t->selector,
                                   (uint8_t)t->mtype, t->data, t->len);
        if (rc < 0)
            return -1;
        if (rc > 0)
            res->usable++;
        else
            res->unusable++;
    }
    ERR_clear_error(); /* the reasons of the records refused */
    return 0;
}

/* What OpenSSL says when the chain does not verify, and at which certificate. */
static void verify_why(X509_STORE_CTX *sctx, pp_dane_result *res)
{
    char at[256] = "";
    X509 *cur = X509_STORE_CTX_get_current_cert(sctx);
    if (cur)
        pp_tls_cert_name(cur, at, sizeof at);
    snprintf(res->why, sizeof res->why, "%s%s%s (depth %d)",
             X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)), cur ? " at " : "",
             at, X509_STORE_CTX_get_error_depth(sctx));
}

/* 1 verified, 0 not (res->why), -1 OpenSSL failed. */
static int verify_chain(SSL *ssl, STACK_OF(X509) *chain, time_t now, pp_dane_result *res)
{
    X509_STORE *st = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    if (!sctx || !X509_STORE_CTX_init(sctx, st, sk_X509_value(chain, 0), chain)) {
        X509_STORE_CTX_free(sctx);
        return -1;
    }
    X509_STORE_CTX_set_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl);
    X509_STORE_CTX_set_default(sctx, "ssl_server"); /* the purpose of a server's chain */
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(sctx);
    X509_VERIFY_PARAM_set1(vp, SSL_get0_param(ssl));
    X509_VERIFY_PARAM_set_time(vp, now);
    X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
    int ok = X509_verify_cert(sctx);
    SSL_set_verify_result(ssl, X509_STORE_CTX_get_error(sctx));
    if (ok == 1) {
        const char *peer = X509_VERIFY_PARAM_get0_peername(vp);
        snprintf(res->peername, sizeof res->peername, "%s", peer ? peer : "");
    } else {
        verify_why(sctx, res);
    }
    X509_STORE_CTX_free(sctx);
    ERR_clear_error();
    return ok == 1 ? 1 : ok == 0 ? 0 : -1;
}

/* The record and certificate that matched, as OpenSSL reports them. The store is empty:
 * a verified chain is one a TLSA record vouched for. */
static pp_dane_status authority(SSL *ssl, STACK_OF(X509) *chain, pp_dane_result *res)
{
    X509 *mcert = NULL;
    EVP_PKEY *mspki = NULL;
    uint8_t u = 0, s = 0, m = 0;
    const unsigned char *data = NULL;
    size_t dlen = 0;
    res->depth = SSL_get0_dane_authority(ssl, &mcert, &mspki);
    if (SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen) >= 0) {
        pp_dane_tlsa t = {u, s, m, data, dlen};
        pp_dane_format(&t, res->record, sizeof res->record);
    }
    char below[256] = "?";
    if (mcert) {
        pp_tls_cert_name(mcert, res->anchor, sizeof res->anchor);
    } else { /* a bare key (2 1 0): depth is that of the certificate it signed */
        if (res->depth >= 0 && res->depth < sk_X509_num(chain))
            pp_tls_cert_name(sk_X509_value(chain, res->depth), below, sizeof below);
        snprintf(res->anchor, sizeof res->anchor, "the public key that signed %s", below);
    }
    return res->depth >= 0 ? PP_DANE_MATCHED : PP_DANE_FAILED;
}

pp_dane_status pp_dane_verify(const pp_dane_opts *o, STACK_OF(X509) *chain,
                              pp_dane_result *res)
{
    memset(res, 0, sizeof *res);
    res->depth = -1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_dane_enable(ctx) <= 0) {
        SSL_CTX_free(ctx);
        return openssl_failed(res, "cannot enable DANE");
    }
    SSL *ssl = dane_ssl(ctx, o);
    pp_dane_status st = PP_DANE_FAILED;
    if (!ssl || add_records(ssl, o, res) != 0) {
        st = openssl_failed(res, ssl ? "cannot load a TLSA record" : "cannot enable DANE");
    } else if (res->usable == 0) {
        st = PP_DANE_UNUSABLE;
    } else if (sk_X509_num(chain) < 1) {
        snprintf(res->why, sizeof res->why, "the server presented no certificate");
    } else {
        int rc = verify_chain(ssl, chain, o->now, res);
        if (rc < 0)
            st = openssl_failed(res, "cannot verify the chain");
        else if (rc == 1)
            st = authority(ssl, chain, res);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return st;
}
