/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_relayhost - the pure parts of common/relay/relayhost.c: next-hop syntax, the keys
 * smtp(8) asks smtp_sasl_password_maps in its order, TLS levels, the mechanisms
 * smtp_sasl_mechanism_filter and noplaintext leave, the split of a password map value, and
 * the login options each TLS level makes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "relay/relayhost.h"

static void dest_forms(void **state)
{
    (void)state;
    pp_relayhost_dest d;
    assert_int_equal(pp_relayhost_parse_dest("[smtp.gmail.com]:587", &d), 0);
    assert_string_equal(d.host, "smtp.gmail.com");
    assert_string_equal(d.port, "587");
    assert_true(d.bracket);
    pp_relayhost_dest_free(&d);
    assert_int_equal(pp_relayhost_parse_dest("relay.example:submission", &d), 0);
    assert_string_equal(d.host, "relay.example");
    assert_string_equal(d.port, "submission");
    assert_false(d.bracket);
    pp_relayhost_dest_free(&d);
    assert_int_equal(pp_relayhost_parse_dest("[ipv6:2001:db8::1]", &d), 0);
    assert_string_equal(d.host, "ipv6:2001:db8::1");
    assert_null(d.port);
    pp_relayhost_dest_free(&d);
    assert_int_equal(pp_relayhost_parse_dest("relay.example", &d), 0);
    assert_null(d.port);
    pp_relayhost_dest_free(&d);
    const char *bad[] = {"", "[]", "[host", "[host]x", "host:", ":25", "[h]:2:5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pp_relayhost_parse_dest(bad[i], &d), -1);
}

static void sasl_key_order(void **state)
{
    (void)state;
    pp_access_keys k;
    pp_relayhost_sasl_keys("Joe+news@Example.ORG", "+", true, "smtp.gmail.com",
                           "[smtp.gmail.com]:587", &k);
    const char *want[] = {"Joe+news@example.org", "Joe@example.org", "@example.org",
                          "smtp.gmail.com", "[smtp.gmail.com]:587"};
    assert_int_equal(k.n, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(k.v[i].key, want[i]);
    assert_false(k.v[0].partial);
    assert_true(k.v[2].partial);
    assert_false(k.v[3].partial);
    pp_access_keys_free(&k);
    /* without smtp_sender_dependent_authentication the sender is not asked */
    pp_relayhost_sasl_keys("joe@example.org", "+", false, "relay", "relay", &k);
    assert_int_equal(k.n, 1);
    assert_string_equal(k.v[0].key, "relay");
    pp_access_keys_free(&k);
    assert_int_equal(pp_relayhost_sender_keys("no-domain", "+", &k), -1);
}

static void tls_and_mechs(void **state)
{
    (void)state;
    assert_int_equal(pp_relayhost_tls_level(""), PP_RH_TLS_NONE);
    assert_int_equal(pp_relayhost_tls_level("may"), PP_RH_TLS_MAY);
    assert_int_equal(pp_relayhost_tls_level("Secure"), PP_RH_TLS_SECURE);
    assert_int_equal(pp_relayhost_tls_level("dane"), PP_RH_TLS_DANE);
    assert_int_equal(pp_relayhost_tls_level("fingerprint"), PP_RH_TLS_UNSUPPORTED);
    char *m = pp_relayhost_mechs("plain, login", "noanonymous");
    assert_string_equal(m, "plain login");
    free(m);
    /* Postfix's default noplaintext keeps PLAIN and LOGIN out, even over TLS */
    m = pp_relayhost_mechs("", "noplaintext, noanonymous");
    assert_string_equal(m, "SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5");
    free(m);
    m = pp_relayhost_mechs("plain", "noplaintext");
    assert_string_equal(m, "");
    free(m);
}

static void cred_split(void **state)
{
    (void)state;
    pp_relayhost_cred c = {0};
    assert_int_equal(pp_relayhost_split_cred("user@x:pa:ss", ':', &c), 0);
    assert_string_equal(c.user, "user@x");
    assert_string_equal(c.password, "pa:ss");
    pp_relayhost_cred_free(&c);
    assert_int_equal(pp_relayhost_split_cred(":secret", ':', &c), -1);
}

static void mail_opts_per_level(void **state)
{
    (void)state;
    pp_relayhost rh = {.hop = {.host = "relay.example"}, .port = 587, .cafile = "",
                       .helo = "", .mechs = "PLAIN"};
    pp_relayhost_target t = {"mx1.example", "192.0.2.1"};
    pp_mail_opts mo;
    rh.tls = PP_RH_TLS_MAY;
    pp_relayhost_mail_opts(&rh, &t, NULL, &mo);
    assert_int_equal(mo.tls, PP_MAIL_STARTTLS);
    assert_true(mo.tls_optional);
    assert_true(mo.insecure);
    assert_string_equal(mo.host, "192.0.2.1");
    rh.tls = PP_RH_TLS_VERIFY;
    pp_relayhost_mail_opts(&rh, &t, NULL, &mo);
    assert_false(mo.insecure);
    assert_false(mo.tls_optional);
    assert_string_equal(mo.sni, "mx1.example");
    rh.tls = PP_RH_TLS_SECURE;
    pp_relayhost_mail_opts(&rh, &t, NULL, &mo);
    assert_string_equal(mo.sni, "relay.example");
    rh.tls = PP_RH_TLS_NONE;
    pp_relayhost_mail_opts(&rh, &t, NULL, &mo);
    assert_int_equal(mo.tls, PP_MAIL_PLAIN);
    rh.wrappermode = true;
    rh.tls = PP_RH_TLS_ENCRYPT;
    pp_relayhost_mail_opts(&rh, &t, NULL, &mo);
    assert_int_equal(mo.tls, PP_MAIL_IMPLICIT);
    assert_null(mo.cafile);
    assert_null(mo.helo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dest_forms),      cmocka_unit_test(sasl_key_order),
        cmocka_unit_test(tls_and_mechs),   cmocka_unit_test(cred_split),
        cmocka_unit_test(mail_opts_per_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
