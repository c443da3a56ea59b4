/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dane - TLSA matching (common/tls/dane.c): usages, selectors and matching types over a
 * certificate chain made of fixed byte strings standing in for DER.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <string.h>

#include "tls/dane.h"

static const unsigned char leaf_der[] = "leaf certificate DER";
static const unsigned char leaf_spki[] = "leaf public key";
static const unsigned char ca_der[] = "CA certificate DER";
static const unsigned char ca_spki[] = "CA public key";

static pp_dane_cert chain[2];
static unsigned char sha256_leaf_spki[32], sha512_leaf_der[64], sha256_ca_der[32];

static int setup(void **state)
{
    (void)state;
    unsigned int n;
    chain[0] = (pp_dane_cert){leaf_der, sizeof leaf_der, leaf_spki, sizeof leaf_spki};
    chain[1] = (pp_dane_cert){ca_der, sizeof ca_der, ca_spki, sizeof ca_spki};
    EVP_Digest(leaf_spki, sizeof leaf_spki, sha256_leaf_spki, &n, EVP_sha256(), NULL);
    EVP_Digest(leaf_der, sizeof leaf_der, sha512_leaf_der, &n, EVP_sha512(), NULL);
    EVP_Digest(ca_der, sizeof ca_der, sha256_ca_der, &n, EVP_sha256(), NULL);
    return 0;
}

static void test_usable(void **state)
{
    (void)state;
    pp_dane_tlsa t = {3, 1, 1, sha256_leaf_spki, 32};
    assert_int_equal(pp_dane_usable(&t), 1);
    t.len = 31; /* SHA-256 data must be 32 bytes */
    assert_int_equal(pp_dane_usable(&t), 0);
    t = (pp_dane_tlsa){1, 1, 1, sha256_leaf_spki, 32}; /* PKIX-EE: not for SMTP */
    assert_int_equal(pp_dane_usable(&t), 0);
    t = (pp_dane_tlsa){3, 2, 1, sha256_leaf_spki, 32}; /* unknown selector */
    assert_int_equal(pp_dane_usable(&t), 0);
    t = (pp_dane_tlsa){3, 0, 3, sha256_leaf_spki, 32}; /* unknown matching type */
    assert_int_equal(pp_dane_usable(&t), 0);
    t = (pp_dane_tlsa){2, 0, 0, ca_der, sizeof ca_der};
    assert_int_equal(pp_dane_usable(&t), 1);
    t = (pp_dane_tlsa){2, 0, 0, NULL, 0};
    assert_int_equal(pp_dane_usable(&t), 0);
}

static void test_selectors_and_types(void **state)
{
    (void)state;
    pp_dane_tlsa spki256 = {3, 1, 1, sha256_leaf_spki, 32};
    pp_dane_tlsa cert512 = {3, 0, 2, sha512_leaf_der, 64};
    pp_dane_tlsa exact = {3, 0, 0, leaf_der, sizeof leaf_der};
    pp_dane_tlsa exact_spki = {3, 1, 0, leaf_spki, sizeof leaf_spki};
    pp_dane_tlsa wrong_sel = {3, 0, 1, sha256_leaf_spki, 32}; /* SPKI hash as cert hash */
    assert_int_equal(pp_dane_match_one(&spki256, &chain[0]), 1);
    assert_int_equal(pp_dane_match_one(&cert512, &chain[0]), 1);
    assert_int_equal(pp_dane_match_one(&exact, &chain[0]), 1);
    assert_int_equal(pp_dane_match_one(&exact_spki, &chain[0]), 1);
    assert_int_equal(pp_dane_match_one(&wrong_sel, &chain[0]), 0);
    assert_int_equal(pp_dane_match_one(&spki256, &chain[1]), 0);
    pp_dane_tlsa pkix = {1, 1, 1, sha256_leaf_spki, 32};
    assert_int_equal(pp_dane_match_one(&pkix, &chain[0]), -1);
}

static void test_usages(void **state)
{
    (void)state;
    pp_dane_result res;
    /* DANE-TA naming the CA matches at depth 1 */
    pp_dane_tlsa ta = {2, 0, 1, sha256_ca_der, 32};
    assert_int_equal(pp_dane_match(&ta, 1, chain, 2, &res), 1);
    assert_int_equal(res.depth, 1);
    /* DANE-TA naming the leaf does not match: a trust anchor is above the leaf */
    pp_dane_tlsa ta_leaf = {2, 1, 1, sha256_leaf_spki, 32};
    assert_int_equal(pp_dane_match(&ta_leaf, 1, chain, 2, &res), 0);
    /* DANE-EE naming the CA does not match: only the leaf counts */
    pp_dane_tlsa ee_ca = {3, 0, 1, sha256_ca_der, 32};
    assert_int_equal(pp_dane_match(&ee_ca, 1, chain, 2, &res), 0);
    /* DANE-TA without the CA in the chain: no match */
    assert_int_equal(pp_dane_match(&ta, 1, chain, 1, &res), 0);
    /* the second of several records matches; unusable ones are counted */
    unsigned char zero[32] = {0};
    pp_dane_tlsa recs[] = {{3, 1, 1, zero, 32}, {0, 0, 1, sha256_ca_der, 32},
                           {3, 1, 1, sha256_leaf_spki, 32}};
    assert_int_equal(pp_dane_match(recs, 3, chain, 2, &res), 1);
    assert_int_equal(res.record, 2);
    assert_int_equal(res.depth, 0);
    assert_int_equal(res.usable, 2);
    assert_int_equal(res.unusable, 1);
    /* mismatch only */
    assert_int_equal(pp_dane_match(recs, 1, chain, 2, &res), 0);
    assert_int_equal(res.usable, 1);
    /* empty chain */
    assert_int_equal(pp_dane_match(recs, 3, chain, 0, &res), 0);
}

static void test_format(void **state)
{
    (void)state;
    char out[64];
    pp_dane_tlsa t = {3, 1, 1, sha256_leaf_spki, 32};
    pp_dane_format(&t, out, sizeof out);
    assert_int_equal(strlen(out), strlen("3 1 1 ") + 16 + 3);
    assert_memory_equal(out, "3 1 1 ", 6);
    unsigned char two[] = {0xab, 0xcd};
    t = (pp_dane_tlsa){2, 0, 0, two, 2};
    pp_dane_format(&t, out, sizeof out);
    assert_string_equal(out, "2 0 0 abcd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usable),
        cmocka_unit_test(test_selectors_and_types),
        cmocka_unit_test(test_usages),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
