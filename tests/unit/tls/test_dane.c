/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dane - DANE verification through OpenSSL (common/tls/dane.c) on chains made in
 * memory: DANE-EE matches that ignore names and dates, DANE-TA anchors by certificate and
 * by public key with the RFC 7672 name checks (base domain, next-hop domain, wildcards),
 * records OpenSSL refuses, PKIX usages left out, and the texts of records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "testcert.h"
#include "tls/dane.h"

static EVP_PKEY *root_key, *inter_key, *leaf_key;
static X509 *root, *inter, *leaf;
static STACK_OF(X509) *chain; /* leaf and intermediate: the root is not sent */

static int setup(void **state)
{
    (void)state;
    now = time(NULL);
    root_key = EVP_EC_gen("P-256");
    inter_key = EVP_EC_gen("P-256");
    leaf_key = EVP_EC_gen("P-256");
    root = make_cert(root_key, "Test Root", NULL, NULL, -10, 3650, EVP_sha256(), NULL, true);
    inter = make_cert(inter_key, "Test Intermediate", root, root_key, -10, 400, EVP_sha256(),
                      NULL, true);
    leaf = make_cert(leaf_key, "mx1.example.org", inter, inter_key, -1, 90, EVP_sha256(),
                     "DNS:mx1.example.org,DNS:*.mx.example.org", false);
    chain = chain_of(leaf, inter);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sk_X509_pop_free(chain, X509_free);
    X509_free(leaf);
    X509_free(inter);
    X509_free(root);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(inter_key);
    EVP_PKEY_free(leaf_key);
    return 0;
}

static pp_dane_status verify(const pp_dane_tlsa *t, size_t n, const char *base,
                             const char *nexthop, STACK_OF(X509) *c, pp_dane_result *res)
{
    pp_dane_opts o = {.tlsa = t, .ntlsa = n, .base_domain = base, .nexthop = nexthop,
                      .now = now};
    return pp_dane_verify(&o, c, res);
}

static void der_of(X509 *x, int selector, unsigned char **der, size_t *len)
{
    int n = selector == 0 ? i2d_X509(x, der) : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), der);
    assert_true(n > 0);
    *len = (size_t)n;
}

/* DANE-EE: the leaf's key or certificate, by any matching type; names and dates ignored. */
static void test_ee(void **state)
{
    (void)state;
    pp_dane_result res;
    unsigned char spki[32], cert512[64], *spki_der = NULL;
    unsigned int n;
    size_t spki_len;
    spki_sha256(leaf, spki);
    unsigned char *cder = NULL;
    size_t clen;
    der_of(leaf, 0, &cder, &clen);
    EVP_Digest(cder, clen, cert512, &n, EVP_sha512(), NULL);
    der_of(leaf, 1, &spki_der, &spki_len);
    pp_dane_tlsa recs[] = {{3, 1, 1, spki, 32}, {3, 0, 2, cert512, 64},
                           {3, 1, 0, spki_der, spki_len}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(verify(&recs[i], 1, "other.example.net", NULL, chain, &res),
                         PP_DANE_MATCHED);
        assert_int_equal(res.depth, 0);
        assert_string_equal(res.anchor, "CN=mx1.example.org");
        assert_int_equal(res.usable, 1);
    }
    assert_string_equal(res.record, "3 1 0 3059301306072a86...");
    /* self-signed, expired, for another name: DANE-EE vouches all the same */
    X509 *self = make_cert(leaf_key, "self", NULL, NULL, -100, -1, EVP_sha1(), NULL, false);
    STACK_OF(X509) *alone = chain_of(self, NULL);
    assert_int_equal(verify(recs, 1, "mx1.example.org", NULL, alone, &res), PP_DANE_MATCHED);
    assert_int_equal(strncmp(res.record, "3 1 1 ", 6), 0);
    /* a DANE-EE record of the intermediate: usage 3 is for the leaf only */
    unsigned char ih[32];
    cert_sha256(inter, ih);
    pp_dane_tlsa ee_ca = {3, 0, 1, ih, 32};
    assert_int_equal(verify(&ee_ca, 1, "mx1.example.org", NULL, chain, &res), PP_DANE_FAILED);
    assert_non_null(strstr(res.why, "no matching DANE TLSA records"));
    sk_X509_pop_free(alone, X509_free);
    X509_free(self);
    OPENSSL_free(cder);
    OPENSSL_free(spki_der);
}

/* DANE-TA: a certificate the server sends, or a public key or certificate it does not. */
static void test_ta(void **state)
{
    (void)state;
    pp_dane_result res;
    unsigned char ih[32], rk[32], *rder = NULL, *rkder = NULL;
    size_t rlen, rklen;
    cert_sha256(inter, ih);
    spki_sha256(root, rk);
    der_of(root, 0, &rder, &rlen);
    der_of(root, 1, &rkder, &rklen);
    pp_dane_tlsa by_cert = {2, 0, 1, ih, 32};
    assert_int_equal(verify(&by_cert, 1, "mx1.example.org", NULL, chain, &res),
                     PP_DANE_MATCHED);
    assert_int_equal(res.depth, 1);
    assert_string_equal(res.anchor, "CN=Test Intermediate");
    assert_string_equal(res.peername, "mx1.example.org");
    /* a digest of a key the server does not send cannot anchor: the server must send the
     * anchor (RFC 7671 5.2.2); the whole key can */
    pp_dane_tlsa by_hash = {2, 1, 1, rk, 32};
    assert_int_equal(verify(&by_hash, 1, "mx1.example.org", NULL, chain, &res),
                     PP_DANE_FAILED);
    assert_string_equal(res.why, "no matching DANE TLSA records at CN=Test Intermediate "
                                 "(depth 1)");
    STACK_OF(X509) *sent = chain_of(leaf, inter);
    X509_up_ref(root);
    sk_X509_push(sent, root);
    assert_int_equal(verify(&by_hash, 1, "mx1.example.org.", NULL, sent, &res),
                     PP_DANE_MATCHED);
    assert_int_equal(res.depth, 2);
    assert_string_equal(res.anchor, "CN=Test Root");
    pp_dane_tlsa by_key = {2, 1, 0, rkder, rklen};
    assert_int_equal(verify(&by_key, 1, "mx1.example.org", NULL, chain, &res),
                     PP_DANE_MATCHED);
    assert_int_equal(res.depth, 1);
    assert_string_equal(res.anchor, "the public key that signed CN=Test Intermediate");
    pp_dane_tlsa whole = {2, 0, 0, rder, rlen};
    assert_int_equal(verify(&whole, 1, "mx1.example.org", NULL, chain, &res), PP_DANE_MATCHED);
    assert_int_equal(res.depth, 2);
    assert_string_equal(res.anchor, "CN=Test Root");
    /* a CA that did not sign the chain, though the server sends it */
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *stranger = make_cert(k, "Stranger CA", NULL, NULL, -1, 90, EVP_sha256(), NULL, true);
    STACK_OF(X509) *wrong = chain_of(leaf, stranger);
    unsigned char sh[32];
    cert_sha256(stranger, sh);
    pp_dane_tlsa st = {2, 0, 1, sh, 32};
    assert_int_equal(verify(&st, 1, "mx1.example.org", NULL, wrong, &res), PP_DANE_FAILED);
    assert_non_null(strstr(res.why, "at CN=mx1.example.org (depth 0)"));
    /* the anchor's chain from the leaf missing: only the leaf sent */
    STACK_OF(X509) *alone = chain_of(leaf, NULL);
    assert_int_equal(verify(&by_cert, 1, "mx1.example.org", NULL, alone, &res),
                     PP_DANE_FAILED);
    sk_X509_pop_free(wrong, X509_free);
    sk_X509_pop_free(alone, X509_free);
    sk_X509_pop_free(sent, X509_free);
    X509_free(stranger);
    EVP_PKEY_free(k);
    OPENSSL_free(rder);
    OPENSSL_free(rkder);
}

/* RFC 7672 3.2.2: the TLSA base domain or the next-hop domain; whole-label wildcards. */
static void test_ta_names(void **state)
{
    (void)state;
    pp_dane_result res;
    unsigned char ih[32];
    cert_sha256(inter, ih);
    pp_dane_tlsa ta = {2, 0, 1, ih, 32};
    assert_int_equal(verify(&ta, 1, "mx2.example.org", NULL, chain, &res), PP_DANE_FAILED);
    assert_non_null(strstr(res.why, "hostname mismatch at CN=mx1.example.org (depth 0)"));
    assert_int_equal(verify(&ta, 1, "mx2.example.org", "mx1.example.org", chain, &res),
                     PP_DANE_MATCHED);
    assert_string_equal(res.peername, "mx1.example.org");
    assert_int_equal(verify(&ta, 1, "a.mx.example.org", NULL, chain, &res), PP_DANE_MATCHED);
    assert_string_equal(res.peername, "*.mx.example.org");
    assert_int_equal(verify(&ta, 1, "a.b.mx.example.org", NULL, chain, &res), PP_DANE_FAILED);
    /* no partial-label wildcards (RFC 6125) */
    X509 *part = make_cert(leaf_key, "partial", inter, inter_key, -1, 90, EVP_sha256(),
                           "DNS:mx*.example.org", false);
    STACK_OF(X509) *pc = chain_of(part, inter);
    assert_int_equal(verify(&ta, 1, "mx1.example.org", NULL, pc, &res), PP_DANE_FAILED);
    sk_X509_pop_free(pc, X509_free);
    X509_free(part);
}

/* Usages 0 and 1 left out, records OpenSSL cannot use refused: none left is unusable. */
static void test_unusable(void **state)
{
    (void)state;
    pp_dane_result res;
    unsigned char spki[32];
    spki_sha256(leaf, spki);
    pp_dane_tlsa pkix[] = {{1, 1, 1, spki, 32}, {0, 1, 1, spki, 32}};
    assert_int_equal(verify(pkix, 2, "mx1.example.org", NULL, chain, &res), PP_DANE_UNUSABLE);
    assert_int_equal(res.pkix, 2);
    assert_int_equal(res.usable, 0);
    pp_dane_tlsa refused[] = {{3, 1, 1, spki, 20},   /* SHA-256 of 20 bytes */
                              {3, 2, 1, spki, 32},   /* selector 2 */
                              {3, 1, 3, spki, 32},   /* matching type 3 */
                              {3, 0, 0, spki, 32},   /* not a certificate */
                              {4, 1, 1, spki, 32},   /* usage 4 */
                              {3, 1, 1, NULL, 0}};
    assert_int_equal(verify(refused, 6, "mx1.example.org", NULL, chain, &res),
                     PP_DANE_UNUSABLE);
    assert_int_equal(res.unusable, 6);
    assert_int_equal(res.pkix, 0);
    /* one usable record among them is enough */
    pp_dane_tlsa mixed[] = {{1, 1, 1, spki, 32}, {3, 2, 1, spki, 32}, {3, 1, 1, spki, 32}};
    assert_int_equal(verify(mixed, 3, "mx1.example.org", NULL, chain, &res), PP_DANE_MATCHED);
    assert_true(res.pkix == 1 && res.unusable == 1 && res.usable == 1);
    /* no certificate at all */
    STACK_OF(X509) *none = sk_X509_new_null();
    assert_int_equal(verify(&mixed[2], 1, "mx1.example.org", NULL, none, &res), PP_DANE_FAILED);
    assert_string_equal(res.why, "the server presented no certificate");
    sk_X509_free(none);
}

static void test_format(void **state)
{
    (void)state;
    char out[96];
    unsigned char data[32], two[2] = {0xab, 0x01};
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)i;
    pp_dane_tlsa t = {3, 1, 1, data, 32};
    pp_dane_format(&t, out, sizeof out);
    assert_string_equal(out, "3 1 1 0001020304050607...");
    t = (pp_dane_tlsa){2, 0, 0, two, 2};
    pp_dane_format(&t, out, sizeof out);
    assert_string_equal(out, "2 0 0 ab01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ee),       cmocka_unit_test(test_ta),
        cmocka_unit_test(test_ta_names), cmocka_unit_test(test_unusable),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
