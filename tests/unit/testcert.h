/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * testcert.h - certificates made in memory for the unit tests of common/tls.
 *
 * SYNOPSIS
 *	static time_t now;
 *	X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
 *			double from, double to, const EVP_MD *md, const char *san, bool ca);
 *	STACK_OF(X509) *chain_of(X509 *a, X509 *b);
 *	void spki_sha256(X509 *x, unsigned char out[32]);
 *	void cert_sha256(X509 *x, unsigned char out[32]);
 *
 * DESCRIPTION
 *	make_cert() makes a certificate for cn with key, valid from now+from to now+to days,
 *	signed by issuer's ikey (issuer NULL: self-signed) with md; san like
 *	"DNS:a.example,IP:127.0.0.1" or NULL; ca makes it a CA (basic constraints and key
 *	usage). The test sets now first.
 *	chain_of() makes a chain of a and b (b may be NULL), each with a reference of its own.
 *	spki_sha256() and cert_sha256() are the SHA-256 of the public key and of the whole
 *	certificate: the data of TLSA records x 1 1 and x 0 1.
 */
#ifndef TESTCERT_H
#define TESTCERT_H

#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <time.h>

#define DAY 86400

static time_t now;

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, double from,
                       double to, const EVP_MD *md, const char *san, bool ca)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_time_adj_ex(X509_getm_notBefore(x), 0, (long)(from * DAY), &now);
    X509_time_adj_ex(X509_getm_notAfter(x), 0, (long)(to * DAY), &now);
    X509_set_pubkey(x, key);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
                                            ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    if (ca) {
        e = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    if (san) {
        e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    X509_sign(x, ikey ? ikey : key, md);
    return x;
}

static STACK_OF(X509) *chain_of(X509 *a, X509 *b)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    X509_up_ref(a);
    sk_X509_push(sk, a);
    if (b) {
        X509_up_ref(b);
        sk_X509_push(sk, b);
    }
    return sk;
}

static void spki_sha256(X509 *x, unsigned char out[32])
{
    unsigned char *der = NULL;
    unsigned int n;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    EVP_Digest(der, (size_t)len, out, &n, EVP_sha256(), NULL);
    OPENSSL_free(der);
}

static void cert_sha256(X509 *x, unsigned char out[32])
{
    unsigned char *der = NULL;
    unsigned int n;
    int len = i2d_X509(x, &der);
    EVP_Digest(der, (size_t)len, out, &n, EVP_sha256(), NULL);
    OPENSSL_free(der);
}

#endif
