/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_sasl - the SASL client mechanisms (common/mail/sasl.c) against the published examples:
 * RFC 5802 (SCRAM-SHA-1), RFC 7677 (SCRAM-SHA-256), RFC 2195 (CRAM-MD5); PLAIN and LOGIN;
 * a server that does not know the password; base64; the choice of a mechanism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mail/sasl.h"

static char *b64(const char *s)
{
    return pp_sasl_b64((const unsigned char *)s, strlen(s));
}

static char *unb64(const char *s)
{
    size_t n;
    return (char *)pp_sasl_unb64(s, &n);
}

static pp_sasl *sasl_new(const char *mech, const char *user, const char *pass,
                         const char *nonce)
{
    char err[256] = "";
    pp_sasl *s = pp_sasl_new(mech, user, pass, nonce, err, sizeof err);
    if (!s)
        fail_msg("pp_sasl_new: %s", err);
    return s;
}

static void test_base64(void **state)
{
    (void)state;
    size_t n;
    unsigned char raw[] = {0, 'a', 0, 'b'};
    char *e = pp_sasl_b64(raw, sizeof raw);
    assert_string_equal(e, "AGEAYg==");
    unsigned char *d = pp_sasl_unb64(e, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(d, raw, 4);
    free(d);
    free(e);
    d = pp_sasl_unb64("", &n);
    assert_int_equal(n, 0);
    free(d);
    assert_null(pp_sasl_unb64("abc", &n));
    assert_null(pp_sasl_unb64("a*c=", &n));
}

static void test_pick(void **state)
{
    (void)state;
    char m[32];
    assert_int_equal(pp_sasl_pick("PLAIN LOGIN", false, m, sizeof m), 0);
    assert_string_equal(m, "PLAIN");
    assert_int_equal(pp_sasl_pick("login plain cram-md5 GSSAPI", false, m, sizeof m), 0);
    assert_string_equal(m, "CRAM-MD5");
    assert_int_equal(pp_sasl_pick("SCRAM-SHA-1 SCRAM-SHA-256 PLAIN", false, m, sizeof m), 0);
    assert_string_equal(m, "SCRAM-SHA-256");
    assert_int_equal(pp_sasl_pick("GSSAPI NTLM", false, m, sizeof m), -1);
    assert_int_equal(pp_sasl_pick("", false, m, sizeof m), -1);
    assert_int_equal(pp_sasl_pick("PLAIN LOGIN", true, m, sizeof m), -1); /* without TLS */
    assert_int_equal(pp_sasl_pick("PLAIN CRAM-MD5 LOGIN", true, m, sizeof m), 0);
    assert_string_equal(m, "CRAM-MD5");
    assert_true(pp_sasl_supported("cram-md5"));
    assert_false(pp_sasl_supported("XOAUTH2"));
}

static void test_plain_login(void **state)
{
    (void)state;
    char err[128], *r;
    pp_sasl *s = sasl_new("PLAIN", "alice", "s3cret", NULL);
    char *ir = pp_sasl_initial(s);
    assert_string_equal(ir, "AGFsaWNlAHMzY3JldA==");
    assert_int_equal(pp_sasl_step(s, "", &r, err, sizeof err), -1);
    assert_int_equal(pp_sasl_done(s, err, sizeof err), 0);
    free(ir);
    pp_sasl_free(s);
    /* without an initial response (IMAP without SASL-IR) */
    s = sasl_new("PLAIN", "alice", "s3cret", NULL);
    assert_int_equal(pp_sasl_step(s, "", &r, err, sizeof err), 0);
    assert_string_equal(r, "AGFsaWNlAHMzY3JldA==");
    free(r);
    pp_sasl_free(s);

    s = sasl_new("LOGIN", "alice", "s3cret", NULL);
    assert_null(pp_sasl_initial(s));
    assert_int_equal(pp_sasl_step(s, "VXNlcm5hbWU6", &r, err, sizeof err), 0);
    assert_string_equal(r, "YWxpY2U=");
    free(r);
    assert_int_equal(pp_sasl_step(s, "UGFzc3dvcmQ6", &r, err, sizeof err), 0);
    assert_string_equal(r, "czNjcmV0");
    free(r);
    assert_int_equal(pp_sasl_step(s, "", &r, err, sizeof err), -1);
    assert_int_equal(pp_sasl_step(s, "!!", &r, err, sizeof err), -1);
    assert_string_equal(err, "the server's challenge is not base64");
    pp_sasl_free(s);
}

static void test_cram_md5(void **state)
{
    (void)state;
    char err[128], *r;
    pp_sasl *s = sasl_new("CRAM-MD5", "tim", "tanstaaftanstaaf", NULL);
    assert_null(pp_sasl_initial(s));
    char *ch = b64("<1896.697170952@postoffice.reston.mci.net>");
    assert_int_equal(pp_sasl_step(s, ch, &r, err, sizeof err), 0);
    char *plain = unb64(r);
    assert_string_equal(plain, "tim b913a602c7eda7a495b4e6e7334d3890");
    free(plain);
    free(r);
    free(ch);
    pp_sasl_free(s);
}

/* One SCRAM exchange with the RFC's messages. */
static void scram(const char *mech, const char *cnonce, const char *server_first,
                  const char *client_final, const char *server_final)
{
    char err[256], *r;
    pp_sasl *s = sasl_new(mech, "user", "pencil", cnonce);
    char *ir = pp_sasl_initial(s), *first = unb64(ir);
    char *want = NULL;
    want = malloc(strlen(cnonce) + 16);
    strcpy(want, "n,,n=user,r=");
    strcat(want, cnonce);
    assert_string_equal(first, want);
    free(want);
    free(first);
    free(ir);
    char *sf = b64(server_first);
    assert_int_equal(pp_sasl_step(s, sf, &r, err, sizeof err), 0);
    char *cf = unb64(r);
    assert_string_equal(cf, client_final);
    free(cf);
    free(r);
    free(sf);
    assert_int_equal(pp_sasl_done(s, err, sizeof err), -1); /* not verified yet */
    char *fin = b64(server_final);
    assert_int_equal(pp_sasl_step(s, fin, &r, err, sizeof err), 0);
    assert_string_equal(r, "");
    free(r);
    free(fin);
    assert_int_equal(pp_sasl_done(s, err, sizeof err), 0);
    pp_sasl_free(s);
}

static void test_scram_rfc(void **state)
{
    (void)state;
    scram("SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL",
          "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
          "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
          "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    scram("SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO",
          "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
          "i=4096",
          "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
          "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

static void test_scram_bad_server(void **state)
{
    (void)state;
    char err[256], *r;
    pp_sasl *s = sasl_new("SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    free(pp_sasl_initial(s));
    char *sf = b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    assert_int_equal(pp_sasl_step(s, sf, &r, err, sizeof err), 0);
    free(r);
    char *bad = b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert_int_equal(pp_sasl_step(s, bad, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not verify"));
    free(bad);
    free(sf);
    pp_sasl_free(s);

    /* a nonce the server did not extend, an error, an absurd iteration count */
    const char *firsts[] = {"r=other,s=QSXCR+Q6sek8bf92,i=4096", "e=unknown-user",
                            "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=0",
                            "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096,m=ext"};
    const char *whys[] = {"did not extend our nonce", "the server says unknown-user",
                          "iteration count", "mandatory extension"};
    for (int i = 0; i < 4; i++) {
        s = sasl_new("SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
        free(pp_sasl_initial(s));
        sf = b64(firsts[i]);
        assert_int_equal(pp_sasl_step(s, sf, &r, err, sizeof err), -1);
        assert_non_null(strstr(err, whys[i]));
        free(sf);
        pp_sasl_free(s);
    }
}

/* i=1 is refused before a proof is computed, unless the minimum is lowered; SASLprep. */
static void test_scram_iterations_saslprep(void **state)
{
    (void)state;
    char err[256], *r;
    const char *first = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=1";
    char *sf = b64(first);
    pp_sasl *s = sasl_new("SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    free(pp_sasl_initial(s));
    assert_int_equal(pp_sasl_step(s, sf, &r, err, sizeof err), -1);
    assert_null(r);
    assert_string_equal(err, "SCRAM: the server asks for 1 iterations, fewer than 4096 "
                             "(RFC 7677; --scram-min-iterations to accept it)");
    pp_sasl_free(s);
    s = sasl_new("SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    pp_sasl_min_iterations(s, 1);
    free(pp_sasl_initial(s));
    assert_int_equal(pp_sasl_step(s, sf, &r, err, sizeof err), 0);
    free(r);
    pp_sasl_free(s);
    free(sf);

    /* "I<SOFT HYPHEN>X" is sent as "IX"; a control character is refused */
    s = sasl_new("SCRAM-SHA-256", "I\xc2\xadX", "x", "nonce");
    char *ir = pp_sasl_initial(s), *cf = unb64(ir);
    assert_string_equal(cf, "n,,n=IX,r=nonce");
    free(cf);
    free(ir);
    pp_sasl_free(s);
    assert_null(pp_sasl_new("SCRAM-SHA-256", "user", "pw\x07", NULL, err, sizeof err));
    assert_string_equal(err, "SASLprep: the password holds a character SASLprep prohibits (a "
                             "control, private-use or non-character code point)");
}

static void test_scram_escapes_user(void **state)
{
    (void)state;
    pp_sasl *s = sasl_new("SCRAM-SHA-256", "a=b,c", "x", "nonce");
    char *ir = pp_sasl_initial(s), *first = unb64(ir);
    assert_string_equal(first, "n,,n=a=3Db=2Cc,r=nonce");
    free(first);
    free(ir);
    pp_sasl_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),           cmocka_unit_test(test_pick),
        cmocka_unit_test(test_plain_login),      cmocka_unit_test(test_cram_md5),
        cmocka_unit_test(test_scram_rfc),        cmocka_unit_test(test_scram_bad_server),
        cmocka_unit_test(test_scram_escapes_user), cmocka_unit_test(test_scram_iterations_saslprep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
