/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ocspfetch.c - a certificate's status from its OCSP responder. See ocspfetch.h.
 */
#include "tls/ocspfetch.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "mail/mailconn.h"
#include "tls/httpsget.h"
#include "tls/tlsinspect.h"

/* The DER request about leaf, issued by issuer; NULL when OpenSSL cannot make it. */
static unsigned char *make_request(X509 *leaf, X509 *issuer, size_t *len)
{
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), leaf, issuer);
    unsigned char *der = NULL;
    int n = -1;
    if (req && id && OCSP_request_add0_id(req, id)) {
        id = NULL; /* the request owns it now */
        n = i2d_OCSP_REQUEST(req, &der);
    }
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(req);
    *len = n > 0 ? (size_t)n : 0;
    return n > 0 ? der : NULL;
}

static int ask(pp_tls_peer *p, const unsigned char *req, size_t reqlen, const char *cafile,
               char *err, size_t errlen)
{
    pp_https_opts o = {.url = p->ocsp_url, .cafile = cafile, .http = true, .post = req,
                       .post_len = reqlen, .post_type = "application/ocsp-request",
                       .type = "application/ocsp-response",
                       .max_body = PP_OCSPFETCH_MAX_BODY};
    pp_https_reply r;
    int rc = pp_https_get(&o, &r, err, errlen);
    if (rc == 0) {
        p->ocsp = (unsigned char *)r.body; /* the reply's, now the peer's */
        p->ocsp_len = r.len;
    }
    return rc;
}

/* The request about the leaf of p, whose issuer is in the chain or the trust store. */
static unsigned char *request_for(const pp_tls_peer *p, const char *cafile, size_t *len,
                                  char *err, size_t errlen)
{
    X509_STORE *st = pp_mailconn_trust_store(cafile, err, errlen);
    X509 *issuer = st ? pp_tlsinspect_issuer(p->chain, st) : NULL;
    unsigned char *req = NULL;
    if (st && !issuer)
        pp_errf(err, errlen, "the certificate's issuer is neither in the chain nor trusted: "
                "no request can name it");
    else if (issuer && !(req = make_request(sk_X509_value(p->chain, 0), issuer, len)))
        pp_errf(err, errlen, "OpenSSL cannot make the request");
    X509_free(issuer);
    X509_STORE_free(st);
    return req;
}

int pp_ocspfetch(pp_tls_peer *p, const char *cafile)
{
    char err[512] = "";
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(sk_X509_value(p->chain, 0));
    unsigned char *req = NULL;
    size_t reqlen = 0;
    int rc = -1;
    if (sk_OPENSSL_STRING_num(urls) > 0)
        p->ocsp_url = pp_xstrdup(sk_OPENSSL_STRING_value(urls, 0));
    char why[256];
    if (!p->ocsp_url) {
        p->ocsp_none = true;
        rc = 1;
    } else if (pp_tlsinspect_verify(p->chain, cafile, why, sizeof why) != 0) {
        pp_errf(err, sizeof err, "not asked: the chain does not verify (%s), and a responder "
                "that an untrusted certificate names is not contacted", why);
    } else if ((req = request_for(p, cafile, &reqlen, err, sizeof err)) != NULL) {
        rc = ask(p, req, reqlen, cafile, err, sizeof err);
    }
    if (rc < 0)
        p->ocsp_err = pp_xstrdup(err);
    OPENSSL_free(req);
    X509_email_free(urls);
    ERR_clear_error();
    return rc;
}
