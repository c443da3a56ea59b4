/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dnsbl - common/dns/dnsbl.c: zone specs, DQS names and keys, query names (IPv4
 * reversed octets, IPv6 nibbles, domains), answer judgment (ZEN codes, Spamhaus and URIBL
 * error codes, URIBL bits, answers outside 127/8) and zone health from the test points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dnsbl.h"

static pp_dnsbl_zone zone(const char *spec)
{
    pp_dnsbl_zone z;
    char err[256];
    assert_int_equal(pp_dnsbl_zone_parse(spec, &z, err, sizeof err), 0);
    return z;
}

static void test_zone_parse(void **state)
{
    (void)state;
    char err[256];
    pp_dnsbl_zone z = zone("ZEN.Spamhaus.org.");
    assert_string_equal(z.name, "zen.spamhaus.org");
    assert_int_equal(z.kind, PP_DNSBL_ADDRESSES);
    pp_dnsbl_zone_free(&z);
    z = zone("dbl.spamhaus.org");
    assert_int_equal(z.kind, PP_DNSBL_DOMAINS);
    pp_dnsbl_zone_free(&z);
    z = zone("mirror.example=multi.uribl.com");
    assert_string_equal(z.name, "mirror.example");
    assert_int_equal(z.kind, PP_DNSBL_DOMAINS);
    pp_dnsbl_zone_free(&z);
    z = zone("rhs.example:domains");
    assert_int_equal(z.kind, PP_DNSBL_DOMAINS);
    pp_dnsbl_zone_free(&z);
    z = zone("bl.example");
    assert_int_equal(z.kind, PP_DNSBL_ADDRESSES);
    pp_dnsbl_zone_free(&z);
    assert_int_equal(pp_dnsbl_zone_parse("bad..zone", &z, err, sizeof err), -1);
    assert_int_equal(pp_dnsbl_zone_parse("", &z, err, sizeof err), -1);
    assert_int_equal(pp_dnsbl_zone_parse("bl.example:hosts", &z, err, sizeof err), -1);
    assert_int_equal(pp_dnsbl_zone_parse("bl.example=unknown.example", &z, err, sizeof err),
                     -1);
    assert_int_equal(pp_dnsbl_zone_parse("bl.example:domains=zen.spamhaus.org", &z, err,
                                         sizeof err), -1);
    size_t n = 0;
    for (const char *const *d = pp_dnsbl_defaults(); *d; d++, n++) {
        z = zone(*d);
        pp_dnsbl_zone_free(&z);
    }
    assert_int_equal(n, 8);
}

static void test_dqs(void **state)
{
    (void)state;
    char key[64], err[256];
    pp_dnsbl_zone z = zone("zen.spamhaus.org");
    assert_int_equal(pp_dnsbl_zone_dqs(&z, "abc123"), 1);
    assert_string_equal(z.query, "abc123.zen.dq.spamhaus.net");
    assert_string_equal(z.name, "zen.spamhaus.org");
    pp_dnsbl_zone_free(&z);
    z = zone("bl.spamcop.net");
    assert_int_equal(pp_dnsbl_zone_dqs(&z, "abc123"), 0);
    assert_string_equal(z.query, "bl.spamcop.net");
    pp_dnsbl_zone_free(&z);
    assert_int_equal(pp_dnsbl_dqs_key("# comment\n\n  k3y0  \n", key, sizeof key, err,
                                      sizeof err), 0);
    assert_string_equal(key, "k3y0");
    assert_int_equal(pp_dnsbl_dqs_key("# only a comment\n", key, sizeof key, err, sizeof err),
                     -1);
    assert_int_equal(pp_dnsbl_dqs_key("bad.key\n", key, sizeof key, err, sizeof err), -1);
    assert_null(strstr(err, "bad.key"));
}

static void test_query_names(void **state)
{
    (void)state;
    char out[300];
    pp_dnsbl_zone a = zone("bl.example"), d = zone("rhs.example:domains");
    assert_int_equal(pp_dnsbl_query_name(&a, "192.0.2.1", out, sizeof out), 0);
    assert_string_equal(out, "1.2.0.192.bl.example");
    assert_int_equal(pp_dnsbl_query_name(&a, "2001:db8::1", out, sizeof out), 0);
    assert_string_equal(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
                             "bl.example");
    assert_int_equal(pp_dnsbl_query_name(&a, "::ffff:192.0.2.7", out, sizeof out), 0);
    assert_string_equal(out, "7.2.0.192.bl.example");
    assert_int_equal(pp_dnsbl_query_name(&a, "example.org", out, sizeof out), -1);
    assert_int_equal(pp_dnsbl_query_name(&d, "Example.org.", out, sizeof out), 0);
    assert_string_equal(out, "Example.org.rhs.example");
    assert_int_equal(pp_dnsbl_query_name(&d, "192.0.2.1", out, sizeof out), -1);
    assert_int_equal(pp_dnsbl_query_name(&d, "bad name", out, sizeof out), -1);
    char longname[260];
    memset(longname, 'a', sizeof longname);
    for (int i = 60; i < 250; i += 61)
        longname[i] = '.';
    longname[250] = '\0';
    assert_int_equal(pp_dnsbl_query_name(&d, longname, out, sizeof out), -1);
    assert_string_equal(pp_dnsbl_test_point(&a, true), "127.0.0.2");
    assert_string_equal(pp_dnsbl_test_point(&a, false), "127.0.0.1");
    assert_string_equal(pp_dnsbl_test_point(&d, true), "test");
    assert_string_equal(pp_dnsbl_test_point(&d, false), "invalid");
    pp_dnsbl_zone_free(&a);
    pp_dnsbl_zone_free(&d);
}

/* An answer with A records a.b.c.d given as numbers. */
static pp_dnsbl_sev judge(const char *spec, const uint32_t *v, size_t n, char *codes,
                          char *meanings)
{
    pp_dnsbl_zone z = zone(spec);
    pp_dns_rr rr[4];
    pp_dns_answer ans = {.status = PP_DNS_OK, .rr = rr, .nrr = n};
    pp_buf c, m;
    memset(rr, 0, sizeof rr);
    for (size_t i = 0; i < n; i++) {
        rr[i].type = PP_DNS_A;
        for (int b = 0; b < 4; b++)
            rr[i].addr[b] = (unsigned char)(v[i] >> (24 - 8 * b));
        snprintf(rr[i].addr_text, sizeof rr[i].addr_text, "%u.%u.%u.%u", rr[i].addr[0],
                 rr[i].addr[1], rr[i].addr[2], rr[i].addr[3]);
    }
    pp_buf_init(&c);
    pp_buf_init(&m);
    pp_dnsbl_sev sev = pp_dnsbl_judge_answer(&z, &ans, &c, &m);
    strcpy(codes, c.s ? c.s : "");
    strcpy(meanings, m.s ? m.s : "");
    pp_buf_free(&c);
    pp_buf_free(&m);
    pp_dnsbl_zone_free(&z);
    return sev;
}

#define Q(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void test_judge(void **state)
{
    (void)state;
    char c[1024], m[1024];
    uint32_t v[2] = {Q(127, 0, 0, 2), Q(127, 0, 0, 9)};
    assert_int_equal(judge("zen.spamhaus.org", v, 2, c, m), PP_DNSBL_ABUSE);
    assert_string_equal(c, "127.0.0.2 SBL, 127.0.0.9 DROP");
    assert_non_null(strstr(m, "DROP: "));
    v[0] = Q(127, 0, 0, 10);
    assert_int_equal(judge("zen.spamhaus.org", v, 1, c, m), PP_DNSBL_POLICY);
    assert_string_equal(c, "127.0.0.10 PBL");
    v[1] = Q(127, 0, 0, 4);
    assert_int_equal(judge("zen.spamhaus.org", v, 2, c, m), PP_DNSBL_ABUSE);
    for (unsigned e = 252; e <= 255; e++) {
        v[0] = Q(127, 255, 255, e);
        assert_int_equal(judge("zen.spamhaus.org", v, 1, c, m),
                         e == 253 ? PP_DNSBL_ABUSE : PP_DNSBL_ERROR);
    }
    v[0] = Q(127, 255, 255, 254);
    judge("zen.spamhaus.org", v, 1, c, m);
    assert_non_null(strstr(c, "--dqs-key-file"));
    v[0] = Q(127, 0, 1, 255);
    assert_int_equal(judge("dbl.spamhaus.org", v, 1, c, m), PP_DNSBL_ERROR);
    v[0] = Q(127, 0, 0, 1);
    assert_int_equal(judge("multi.uribl.com", v, 1, c, m), PP_DNSBL_ERROR);
    v[0] = Q(127, 0, 0, 6);
    assert_int_equal(judge("multi.uribl.com", v, 1, c, m), PP_DNSBL_ABUSE);
    assert_string_equal(c, "127.0.0.6 black+grey");
    v[0] = Q(127, 0, 0, 4);
    assert_int_equal(judge("multi.uribl.com", v, 1, c, m), PP_DNSBL_POLICY);
    v[0] = Q(192, 0, 2, 99);
    assert_int_equal(judge("bl.example", v, 1, c, m), PP_DNSBL_ERROR);
    assert_non_null(strstr(c, "outside 127.0.0.0/8"));
    v[0] = Q(127, 0, 0, 5);
    assert_int_equal(judge("bl.example", v, 1, c, m), PP_DNSBL_ABUSE);
    assert_string_equal(c, "127.0.0.5");
}

static void test_health(void **state)
{
    (void)state;
    pp_dnsbl_zstate st = PP_DNSBL_ZSTATE_INIT;
    pp_dnsbl_zone_note(&st, 1, PP_DNSBL_ABUSE, "127.0.0.2");
    pp_dnsbl_zone_note(&st, 0, PP_DNSBL_NONE, "");
    assert_int_equal(pp_dnsbl_health_of(&st), PP_DNSBL_ALIVE);
    pp_dnsbl_zone_note(&st, -1, PP_DNSBL_TIMEOUT, "no answer");
    assert_int_equal(pp_dnsbl_health_of(&st), PP_DNSBL_TIMEDOUT);
    pp_dnsbl_zone_note(&st, 0, PP_DNSBL_ABUSE, "127.0.0.2");
    assert_int_equal(pp_dnsbl_health_of(&st), PP_DNSBL_WILDCARD);
    pp_dnsbl_zone_note(&st, -1, PP_DNSBL_ERROR, "127.255.255.254 (...)");
    assert_int_equal(pp_dnsbl_health_of(&st), PP_DNSBL_REFUSING);
    assert_string_equal(st.why, "127.255.255.254 (...)");

    pp_dnsbl_zstate dead = PP_DNSBL_ZSTATE_INIT;
    pp_dnsbl_zone_note(&dead, 1, PP_DNSBL_NONE, "");
    pp_dnsbl_zone_note(&dead, 0, PP_DNSBL_NONE, "");
    assert_int_equal(pp_dnsbl_health_of(&dead), PP_DNSBL_UNPROVEN);
    pp_dnsbl_zone_note(&dead, -1, PP_DNSBL_FAILED, "SERVFAIL");
    assert_int_equal(pp_dnsbl_health_of(&dead), PP_DNSBL_FAILING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zone_parse),  cmocka_unit_test(test_dqs),
        cmocka_unit_test(test_query_names), cmocka_unit_test(test_judge),
        cmocka_unit_test(test_health),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
