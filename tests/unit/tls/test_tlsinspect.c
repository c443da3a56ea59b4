/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_tlsinspect - certificate judgments (common/tls/tlsinspect.c) on chains made in memory:
 * expiry, not yet valid, trust, names and wildcards, weak keys and digests, what DANE waives,
 * stapled OCSP responses, and the whole judgment's states and texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcert.h"
#include "tls/tlsinspect.h"

static EVP_PKEY *root_key, *inter_key, *leaf_key, *weak_key;
static X509 *root, *inter;
static char cafile[64];

static EVP_PKEY *ec_key(void)
{
    return EVP_EC_gen("P-256");
}

static int setup(void **state)
{
    (void)state;
    now = time(NULL);
    root_key = ec_key();
    inter_key = ec_key();
    leaf_key = ec_key();
    weak_key = EVP_RSA_gen(1024);
    root = make_cert(root_key, "Test Root", NULL, NULL, -10, 3650, EVP_sha256(), NULL, true);
    inter = make_cert(inter_key, "Test Intermediate", root, root_key, -10, 400, EVP_sha256(),
                      NULL, true);
    snprintf(cafile, sizeof cafile, "/tmp/pp_test_tlsinspect_XXXXXX");
    int fd = mkstemp(cafile);
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, root);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(cafile);
    X509_free(root);
    X509_free(inter);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(inter_key);
    EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(weak_key);
    return 0;
}

static X509 *leaf(double from, double to, const char *san)
{
    return make_cert(leaf_key, "mail.example.org", inter, inter_key, from, to, EVP_sha256(),
                     san, false);
}

static void test_days(void **state)
{
    (void)state;
    X509 *x = leaf(-1, 5, NULL);
    assert_true(pp_tlsinspect_days_left(x, now) > 4.99 && pp_tlsinspect_days_left(x, now) < 5.01);
    assert_true(pp_tlsinspect_days_valid_in(x, now) < 0);
    X509_free(x);
    x = leaf(2, 30, NULL);
    assert_true(pp_tlsinspect_days_valid_in(x, now) > 1.99);
    X509_free(x);
    x = leaf(-30, -1.5, NULL);
    assert_true(pp_tlsinspect_days_left(x, now) < -1.49);
    X509_free(x);
}

static void test_verify(void **state)
{
    (void)state;
    char why[512];
    X509 *l = leaf(-1, 90, "DNS:mail.example.org");
    STACK_OF(X509) *full = chain_of(l, inter), *alone = chain_of(l, NULL);
    assert_int_equal(pp_tlsinspect_verify(full, cafile, why, sizeof why), 0);
    assert_string_equal(why, "CN=Test Root");
    /* the intermediate missing */
    assert_int_equal(pp_tlsinspect_verify(alone, cafile, why, sizeof why), -1);
    assert_non_null(strstr(why, "unable to get local issuer certificate"));
    /* an expired leaf still verifies: expiry is judged on its own */
    X509 *old = leaf(-100, -1, NULL);
    STACK_OF(X509) *expired = chain_of(old, inter);
    assert_int_equal(pp_tlsinspect_verify(expired, cafile, why, sizeof why), 0);
    /* self-signed */
    X509 *self = make_cert(leaf_key, "self", NULL, NULL, -1, 90, EVP_sha256(), NULL, false);
    STACK_OF(X509) *ss = chain_of(self, NULL);
    assert_int_equal(pp_tlsinspect_verify(ss, cafile, why, sizeof why), -1);
    assert_non_null(strstr(why, "self-signed"));
    /* an unreadable CA file */
    assert_int_equal(pp_tlsinspect_verify(full, "/nonexistent/ca.pem", why, sizeof why), -2);
    sk_X509_pop_free(full, X509_free);
    sk_X509_pop_free(alone, X509_free);
    sk_X509_pop_free(expired, X509_free);
    sk_X509_pop_free(ss, X509_free);
    X509_free(l);
    X509_free(old);
    X509_free(self);
}

static void test_names(void **state)
{
    (void)state;
    char how[512];
    X509 *x = leaf(-1, 90, "DNS:mail.example.org,DNS:*.mx.example.org,IP:192.0.2.1");
    assert_int_equal(pp_tlsinspect_name(x, "mail.example.org", how, sizeof how), 1);
    assert_int_equal(pp_tlsinspect_name(x, "MAIL.example.org.", how, sizeof how), 1);
    assert_int_equal(pp_tlsinspect_name(x, "a.mx.example.org", how, sizeof how), 1);
    assert_string_equal(how, "*.mx.example.org");
    assert_int_equal(pp_tlsinspect_name(x, "a.b.mx.example.org", how, sizeof how), 0);
    assert_int_equal(pp_tlsinspect_name(x, "mx.example.org", how, sizeof how), 0);
    assert_non_null(strstr(how, "DNS:mail.example.org, DNS:*.mx.example.org, IP:192.0.2.1"));
    assert_int_equal(pp_tlsinspect_name(x, "192.0.2.1", how, sizeof how), 1);
    assert_int_equal(pp_tlsinspect_name(x, "192.0.2.2", how, sizeof how), 0);
    X509_free(x);
    /* the CN counts only without DNS SANs */
    x = leaf(-1, 90, NULL);
    assert_int_equal(pp_tlsinspect_name(x, "mail.example.org", how, sizeof how), 1);
    X509_free(x);
    x = leaf(-1, 90, "DNS:other.example.org");
    assert_int_equal(pp_tlsinspect_name(x, "mail.example.org", how, sizeof how), 0);
    X509_free(x);
}

static void test_key_and_digest(void **state)
{
    (void)state;
    char desc[96];
    pp_tlsinspect_opts o = {.min_rsa_bits = 2048, .min_ec_bits = 256};
    X509 *weak = make_cert(weak_key, "weak", inter, inter_key, -1, 90, EVP_sha256(), NULL, false);
    assert_int_equal(pp_tlsinspect_key(weak, &o, desc, sizeof desc), -1);
    assert_string_equal(desc, "RSA 1024 bits");
    X509 *ec = leaf(-1, 90, NULL);
    assert_int_equal(pp_tlsinspect_key(ec, &o, desc, sizeof desc), 0);
    assert_string_equal(desc, "EC 256 bits (prime256v1)");
    o.min_ec_bits = 384;
    assert_int_equal(pp_tlsinspect_key(ec, &o, desc, sizeof desc), -1);
    assert_int_equal(pp_tlsinspect_weak_digest(ec, desc, sizeof desc), 0);
    X509 *sha1 = make_cert(leaf_key, "sha1", inter, inter_key, -1, 90, EVP_sha1(), NULL, false);
    assert_int_equal(pp_tlsinspect_weak_digest(sha1, desc, sizeof desc), 1);
    assert_string_equal(desc, "ecdsa-with-SHA1");
    X509_free(weak);
    X509_free(ec);
    X509_free(sha1);
}

static unsigned char *ocsp_made(X509 *l, X509 *issuer, X509 *signer, EVP_PKEY *key,
                                int status, double this_days, double next_days, size_t *len)
{
    OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), l, issuer);
    ASN1_TIME *thisupd = X509_time_adj_ex(NULL, 0, (long)(this_days * DAY), &now);
    ASN1_TIME *nextupd =
        isnan(next_days) ? NULL : X509_time_adj_ex(NULL, 0, (long)(next_days * DAY), &now);
    ASN1_TIME *rev = X509_time_adj_ex(NULL, -1, 0, &now);
    OCSP_basic_add1_status(bs, id, status, status == V_OCSP_CERTSTATUS_REVOKED ? 1 : 0,
                           status == V_OCSP_CERTSTATUS_REVOKED ? rev : NULL, thisupd, nextupd);
    OCSP_basic_sign(bs, signer, key, EVP_sha256(), NULL, 0);
    OCSP_RESPONSE *resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    unsigned char *der = NULL;
    *len = (size_t)i2d_OCSP_RESPONSE(resp, &der);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    OCSP_CERTID_free(id);
    ASN1_TIME_free(thisupd);
    ASN1_TIME_free(nextupd);
    ASN1_TIME_free(rev);
    return der;
}

/* The same, produced an hour ago. */
static unsigned char *ocsp_signed_by(X509 *l, X509 *issuer, X509 *signer, EVP_PKEY *key,
                                     int status, double next_days, size_t *len)
{
    return ocsp_made(l, issuer, signer, key, status, -1.0 / 24, next_days, len);
}

/* A DER OCSP response about l, signed by its issuer, the intermediate. */
static unsigned char *ocsp_response(X509 *l, int status, double next_days, size_t *len)
{
    return ocsp_signed_by(l, inter, inter, inter_key, status, next_days, len);
}

static void test_ocsp(void **state)
{
    (void)state;
    char how[256];
    X509 *l = leaf(-1, 90, NULL);
    pp_tls_peer p = {.chain = chain_of(l, inter)};
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), -1);
    p.ocsp = ocsp_response(l, V_OCSP_CERTSTATUS_GOOD, 3, &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 0);
    assert_non_null(strstr(how, "good, next update in 3.0 days"));
    /* an unusable CA file: the check cannot be made, the server is not at fault */
    assert_int_equal(pp_tlsinspect_ocsp(&p, "/nonexistent/ca.pem", now, how, sizeof how), -2);
    assert_non_null(strstr(how, "OCSP: cannot check the response: cannot use CA file"));
    OPENSSL_free(p.ocsp);
    p.ocsp = ocsp_response(l, V_OCSP_CERTSTATUS_REVOKED, 3, &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 3);
    assert_non_null(strstr(how, "OCSP: the certificate is REVOKED since "));
    assert_non_null(strstr(how, " UTC (reason: keyCompromise)"));
    OPENSSL_free(p.ocsp);
    p.ocsp = ocsp_response(l, V_OCSP_CERTSTATUS_GOOD, -1, &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 1);
    assert_non_null(strstr(how, "stale"));
    OPENSSL_free(p.ocsp);
    /* no nextUpdate: current for PP_TLSINSPECT_OCSP_MAX_AGE days after thisUpdate only */
    p.ocsp = ocsp_made(l, inter, inter, inter_key, V_OCSP_CERTSTATUS_GOOD, -6.5, NAN,
                       &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 0);
    assert_non_null(strstr(how, "OCSP: good, no next update, produced 6.5 days ago ("));
    OPENSSL_free(p.ocsp);
    p.ocsp = ocsp_made(l, inter, inter, inter_key, V_OCSP_CERTSTATUS_GOOD, -30, NAN,
                       &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 1);
    assert_string_equal(how, "OCSP: good, but the response is stale (no next update, produced "
                             "30.0 days ago: more than 7)");
    OPENSSL_free(p.ocsp);
    /* "good", signed by a CA nobody trusts: a forgery */
    X509 *stranger = make_cert(weak_key, "Stranger CA", NULL, NULL, -1, 90, EVP_sha256(), NULL,
                               true);
    p.ocsp = ocsp_signed_by(l, inter, stranger, weak_key, V_OCSP_CERTSTATUS_GOOD, 3,
                            &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 2);
    assert_string_equal(how, "OCSP: the stapled response's signature is not valid (certificate "
                             "verify error: self-signed certificate)");
    OPENSSL_free(p.ocsp);
    /* "good" for the same serial number from another issuer: about another certificate */
    p.ocsp = ocsp_signed_by(l, stranger, inter, inter_key, V_OCSP_CERTSTATUS_GOOD, 3,
                            &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 2);
    assert_string_equal(how, "OCSP: the stapled response is not about this certificate");
    OPENSSL_free(p.ocsp);
    /* the issuer neither sent nor trusted: the response cannot be checked */
    STACK_OF(X509) *alone = chain_of(l, NULL);
    pp_tls_peer bare = {.chain = alone};
    bare.ocsp = ocsp_response(l, V_OCSP_CERTSTATUS_GOOD, 3, &bare.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&bare, cafile, now, how, sizeof how), 2);
    assert_non_null(strstr(how, "issuer is neither in the chain nor trusted"));
    OPENSSL_free(bare.ocsp);
    sk_X509_pop_free(alone, X509_free);
    X509_free(stranger);
    unsigned char junk[] = {0x30, 0x03, 0x0a, 0x01};
    p.ocsp = junk;
    p.ocsp_len = sizeof junk;
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 2);
    /* asked from the responder (ocspfetch): the same checks, said of its response */
    p.ocsp_url = (char *)"http://ocsp.example.org";
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 2);
    assert_string_equal(how, "OCSP from http://ocsp.example.org: the fetched response cannot "
                             "be decoded");
    p.ocsp = ocsp_response(l, V_OCSP_CERTSTATUS_GOOD, 3, &p.ocsp_len);
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), 0);
    assert_non_null(strstr(how, "OCSP from http://ocsp.example.org: good, next update in 3.0"));
    OPENSSL_free(p.ocsp);
    p.ocsp = NULL;
    p.ocsp_err = (char *)"connection refused";
    assert_int_equal(pp_tlsinspect_ocsp(&p, cafile, now, how, sizeof how), -3);
    assert_string_equal(how, "OCSP from http://ocsp.example.org: the revocation status is not "
                             "known: connection refused");
    sk_X509_pop_free(p.chain, X509_free);
    X509_free(l);
}

static void test_protocol_parse(void **state)
{
    (void)state;
    int v;
    assert_int_equal(pp_tlsinspect_protocol_parse("1.2", &v), 0);
    assert_int_equal(v, TLS1_2_VERSION);
    assert_int_equal(pp_tlsinspect_protocol_parse("TLSv1.3", &v), 0);
    assert_int_equal(v, TLS1_3_VERSION);
    assert_int_equal(pp_tlsinspect_protocol_parse("1", &v), 0);
    assert_int_equal(v, TLS1_VERSION);
    assert_int_equal(pp_tlsinspect_protocol_parse("1.4", &v), -1);
    assert_int_equal(pp_tlsinspect_protocol_parse("", &v), -1);
}

/* The whole judgment: a state and the texts of the first line. */
static pp_state judge_chain(X509 *l, X509 *i, const char *name, int version, pp_buf *out)
{
    pp_tlsinspect_opts o = {.warn_days = 20, .crit_days = 15, .cafile = cafile, .name = name,
                            .min_rsa_bits = 2048, .min_ec_bits = 256, .min_tls = TLS1_2_VERSION};
    pp_tls_peer p = {.chain = chain_of(l, i), .version = version};
    snprintf(p.version_name, sizeof p.version_name, "TLSv1.x");
    pp_result *r = pp_result_new();
    pp_tlsinspect_judge(&o, &p, now, NULL, r);
    pp_buf_reset(out);
    pp_result_render(r, out);
    pp_state st = pp_result_state(r);
    pp_result_free(r);
    sk_X509_pop_free(p.chain, X509_free);
    return st;
}

static void test_judge(void **state)
{
    (void)state;
    pp_buf out;
    pp_buf_init(&out);
    X509 *good = leaf(-1, 90, "DNS:mail.example.org");
    assert_int_equal(judge_chain(good, inter, "mail.example.org", TLS1_3_VERSION, &out), PP_OK);
    assert_non_null(strstr(out.s, "days_leaf=90;"));
    assert_non_null(strstr(out.s, "days_chain=400;"));

    X509 *soon = leaf(-1, 17, "DNS:mail.example.org");
    assert_int_equal(judge_chain(soon, inter, "mail.example.org", 0, &out), PP_WARNING);
    assert_non_null(strstr(out.s, "expires in 17.0 days"));

    X509 *five = leaf(-1, 5, "DNS:mail.example.org");
    assert_int_equal(judge_chain(five, inter, "mail.example.org", 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "expires in 5.0 days"));

    X509 *expired = leaf(-100, -2, "DNS:mail.example.org");
    assert_int_equal(judge_chain(expired, inter, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "expired 2.0 days ago"));

    X509 *future = leaf(3, 90, "DNS:mail.example.org");
    assert_int_equal(judge_chain(future, inter, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "is not valid before"));

    assert_int_equal(judge_chain(good, inter, "other.example.org", 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "name other.example.org does not match"));

    assert_int_equal(judge_chain(good, NULL, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "not verified: unable to get local issuer certificate"));

    assert_int_equal(judge_chain(good, inter, NULL, TLS1_1_VERSION, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "below the minimum protocol"));

    /* an intermediate expiring before the leaf is judged too */
    X509 *short_inter = make_cert(inter_key, "Short Intermediate", root, root_key, -10, 3,
                                  EVP_sha256(), NULL, true);
    assert_int_equal(judge_chain(good, short_inter, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "chain certificate 1 (CN=Short Intermediate) expires in 3.0"));
    assert_non_null(strstr(out.s, "days_chain=3;"));

    X509 *self = make_cert(leaf_key, "mail.example.org", NULL, NULL, -1, 90, EVP_sha256(),
                           NULL, false);
    assert_int_equal(judge_chain(self, NULL, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "certificate is self-signed"));

    X509 *sha1 = make_cert(leaf_key, "mail.example.org", inter, inter_key, -1, 90, EVP_sha1(),
                           NULL, false);
    assert_int_equal(judge_chain(sha1, inter, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "weak digest (ecdsa-with-SHA1)"));

    X509 *weak = make_cert(weak_key, "mail.example.org", inter, inter_key, -1, 90, EVP_sha256(),
                           NULL, false);
    assert_int_equal(judge_chain(weak, inter, NULL, 0, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "weak key: RSA 1024 bits"));

    X509 *list[] = {good, soon, five, expired, future, short_inter, self, sha1, weak};
    for (size_t k = 0; k < sizeof list / sizeof list[0]; k++)
        X509_free(list[k]);
    pp_buf_free(&out);
}

/* The whole judgment with validated TLSA records (o->tlsa_sec secure) for name. */
static pp_state judge_dane(X509 *l, X509 *i, const char *name, const pp_dane_tlsa *t, size_t n,
                           pp_buf *out)
{
    pp_tlsinspect_opts o = {.warn_days = 20, .crit_days = 15, .cafile = cafile, .name = name,
                            .min_rsa_bits = 2048, .min_ec_bits = 256, .dane = n > 0,
                            .tlsa = t, .ntlsa = n, .tlsa_name = "_25._tcp.test",
                            .tlsa_sec = PP_DNSSEC_SECURE};
    pp_tls_peer p = {.chain = chain_of(l, i)};
    pp_result *r = pp_result_new();
    pp_tlsinspect_judge(&o, &p, now, NULL, r);
    pp_buf_reset(out);
    pp_result_render(r, out);
    pp_state st = pp_result_state(r);
    pp_result_free(r);
    sk_X509_pop_free(p.chain, X509_free);
    return st;
}

/* DANE-EE waives names, dates, the chain and self-signing; DANE-TA the chain's trust; the
 * other outcomes leave the PKIX judgments alone. */
static void test_judge_dane(void **state)
{
    (void)state;
    pp_buf out;
    pp_buf_init(&out);
    unsigned char self_spki[32], priv_hash[32], zero[32] = {0};
    /* a self-signed certificate for another name that expired: only DANE-EE vouches */
    X509 *self = make_cert(leaf_key, "self.example.org", NULL, NULL, -100, -1, EVP_sha256(),
                           "DNS:self.example.org", false);
    spki_sha256(self, self_spki);
    pp_dane_tlsa ee = {3, 1, 1, self_spki, 32};
    assert_int_equal(judge_dane(self, NULL, "mx.example.org", &ee, 0, &out), PP_CRITICAL);
    assert_int_equal(judge_dane(self, NULL, "mx.example.org", &ee, 1, &out), PP_OK);
    assert_non_null(strstr(out.s, "[OK] DANE: TLSA 3 1 1 "));
    assert_non_null(strstr(out.s, "DANE-EE: names, dates and the chain do not count"));
    assert_non_null(strstr(out.s, "[OK] certificate is self-signed (DANE-EE vouches for it)"));
    assert_non_null(strstr(out.s, "DANE-EE does not check names"));
    assert_non_null(strstr(out.s, "(DANE-EE: dates do not count)"));
    assert_null(strstr(out.s, "CRITICAL"));

    /* a private CA the trust store does not know, and a leaf it issued */
    EVP_PKEY *priv_key = ec_key();
    X509 *priv = make_cert(priv_key, "Private CA", NULL, NULL, -10, 400, EVP_sha256(), NULL,
                           true);
    X509 *l = make_cert(leaf_key, "mx.example.org", priv, priv_key, -1, 90, EVP_sha256(),
                        "DNS:mx.example.org", false);
    cert_sha256(priv, priv_hash);
    pp_dane_tlsa ta = {2, 0, 1, priv_hash, 32};
    assert_int_equal(judge_dane(l, priv, "mx.example.org", &ta, 0, &out), PP_CRITICAL);
    assert_int_equal(judge_dane(l, priv, "mx.example.org", &ta, 1, &out), PP_OK);
    assert_non_null(strstr(out.s, "matches CN=Private CA (DANE-TA, depth 1): the chain "
                                  "verifies up to it and the certificate is for mx.example.org"));
    assert_non_null(strstr(out.s, "[OK] chain of 2 not verified by PKIX ("));
    /* DANE-TA checks the name: the leaf is not for other.example.org */
    assert_int_equal(judge_dane(l, priv, "other.example.org", &ta, 1, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "[CRITICAL] DANE: no TLSA record of _25._tcp.test verifies "
                                  "the chain (1 usable): hostname mismatch"));
    /* DANE-TA does not waive dates: an expired leaf fails DANE and its expiry is CRITICAL */
    X509 *old = make_cert(leaf_key, "mx.example.org", priv, priv_key, -100, -1, EVP_sha256(),
                          "DNS:mx.example.org", false);
    assert_int_equal(judge_dane(old, priv, "mx.example.org", &ta, 1, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "certificate has expired"));

    /* PKIX usages only: DANE unusable, a WARNING on top of the PKIX judgments */
    pp_dane_tlsa pkix[] = {{1, 1, 1, self_spki, 32}, {0, 0, 1, priv_hash, 32}};
    X509 *good = leaf(-1, 90, "DNS:mail.example.org");
    assert_int_equal(judge_dane(good, inter, "mail.example.org", pkix, 2, &out), PP_WARNING);
    assert_non_null(strstr(out.s, "[WARNING] DANE unusable: none of the 2 TLSA records of "
                                  "_25._tcp.test is usable for SMTP (2 PKIX-TA/PKIX-EE records "
                                  "left out"));
    /* a DANE-EE record that matches nothing: CRITICAL, and self-signing CRITICAL again */
    pp_dane_tlsa bad = {3, 1, 1, zero, 32};
    assert_int_equal(judge_dane(self, NULL, "self.example.org", &bad, 1, &out), PP_CRITICAL);
    assert_non_null(strstr(out.s, "[CRITICAL] certificate is self-signed"));
    assert_non_null(strstr(out.s, "no matching DANE TLSA records"));

    X509_free(self);
    X509_free(priv);
    X509_free(l);
    X509_free(old);
    X509_free(good);
    EVP_PKEY_free(priv_key);
    pp_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),           cmocka_unit_test(test_verify),
        cmocka_unit_test(test_names),          cmocka_unit_test(test_key_and_digest),
        cmocka_unit_test(test_ocsp),           cmocka_unit_test(test_protocol_parse),
        cmocka_unit_test(test_judge),          cmocka_unit_test(test_judge_dane),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
