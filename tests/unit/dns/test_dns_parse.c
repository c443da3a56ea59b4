/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dns_parse - DNS answer parsing (common/dns/dns_parse.c) on hand-built responses:
 * MX (null MX too), A, AAAA, CNAME chains, TLSA, TXT, every rcode, and hostile input (cut
 * messages, compression loops, bad label types, overlong names, lying counts, random bytes);
 * plus the -s server spec and name comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"

typedef struct msg {
    unsigned char b[1024];
    size_t n;
} msg;

static void put(msg *m, const void *p, size_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void put8(msg *m, unsigned v)
{
    m->b[m->n++] = (unsigned char)v;
}

static void put16(msg *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

/* A name in wire form from "a.b.c" (no compression); "" is the root. */
static void put_name(msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        put8(m, (unsigned)l);
        put(m, name, l);
        name += l + (dot ? 1 : 0);
    }
    put8(m, 0);
}

/* Header (id 0x1234, QR, RD, RA) and one question; the question name starts at offset 12. */
static void start(msg *m, unsigned rcode, unsigned ancount, const char *qname, unsigned qtype)
{
    m->n = 0;
    put16(m, 0x1234);
    put8(m, 0x81);
    put8(m, 0x80 | rcode);
    put16(m, 1);
    put16(m, ancount);
    put16(m, 0);
    put16(m, 0);
    put_name(m, qname);
    put16(m, qtype);
    put16(m, 1);
}

/* Record header owned by the name at offset 12 (a pointer), with rdlength rdlen. */
static void rr_head(msg *m, unsigned type, unsigned rdlen)
{
    put16(m, 0xc00c);
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 300);
    put16(m, rdlen);
}

static void put_mx(msg *m, unsigned pref, const char *host)
{
    msg tmp = {.n = 0};
    put_name(&tmp, host);
    rr_head(m, PP_DNS_MX, 2 + (unsigned)tmp.n);
    put16(m, pref);
    put(m, tmp.b, tmp.n);
}

static int parse(const msg *m, pp_dns_answer *a)
{
    char err[256];
    return pp_dns_parse(m->b, m->n, a, err, sizeof err);
}

static void test_mx(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    start(&m, 0, 2, "good.postprobe.test", PP_DNS_MX);
    put_mx(&m, 10, "mx1.postprobe.test");
    /* second MX: target compressed as "mx2" + pointer to "postprobe.test" at offset 17 */
    rr_head(&m, PP_DNS_MX, 2 + 4 + 2);
    put16(&m, 20);
    put8(&m, 3);
    put(&m, "mx2", 3);
    put16(&m, 0xc000 | 17);
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_int_equal(a.rcode, 0);
    assert_string_equal(a.qname, "good.postprobe.test");
    assert_int_equal(a.qtype, PP_DNS_MX);
    assert_int_equal(a.nrr, 2);
    assert_string_equal(a.rr[0].owner, "good.postprobe.test");
    assert_int_equal(a.rr[0].pref, 10);
    assert_string_equal(a.rr[0].host, "mx1.postprobe.test");
    assert_int_equal(a.rr[0].ttl, 300);
    assert_int_equal(a.rr[1].pref, 20);
    assert_string_equal(a.rr[1].host, "mx2.postprobe.test");
    assert_false(a.tc);
    pp_dns_answer_free(&a);
}

static void test_null_mx(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    start(&m, 0, 1, "nullmx.postprobe.test", PP_DNS_MX);
    put_mx(&m, 0, "");
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_int_equal(a.rr[0].pref, 0);
    assert_string_equal(a.rr[0].host, ".");
    pp_dns_answer_free(&a);
}

static void test_rcodes(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        pp_dns_status st;
    } cases[] = {{0, PP_DNS_NODATA},  {3, PP_DNS_NXDOMAIN}, {2, PP_DNS_SERVFAIL},
                 {5, PP_DNS_REFUSED}, {1, PP_DNS_RCODE},    {4, PP_DNS_RCODE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msg m;
        pp_dns_answer a;
        start(&m, cases[i].rcode, 0, "x.postprobe.test", PP_DNS_MX);
        assert_int_equal(parse(&m, &a), 0);
        assert_int_equal(a.status, cases[i].st);
        assert_int_equal(a.rcode, (int)cases[i].rcode);
        assert_int_equal(a.nrr, 0);
        pp_dns_answer_free(&a);
    }
}

static void assert_rejected(const msg *m, const char *what);

static void test_no_question(void **state)
{
    (void)state;
    msg m = {.n = 0};
    put16(&m, 1);
    put8(&m, 0x81);
    put8(&m, 0x81); /* FORMERR, no question echoed */
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 0);
    assert_rejected(&m, "answer has 0 questions, not the one asked");
    /* nor does an answer with records and no question pass */
    start(&m, 0, 1, "x.test", PP_DNS_MX);
    put_mx(&m, 10, "mx.x.test");
    m.b[5] = 0;
    assert_rejected(&m, "0 questions");
}

static void test_addresses(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    static const unsigned char v4[4] = {127, 0, 0, 1};
    static const unsigned char v6[16] = {[15] = 1};
    start(&m, 0, 2, "mx1.postprobe.test", PP_DNS_AAAA);
    rr_head(&m, PP_DNS_AAAA, 16);
    put(&m, v6, 16);
    rr_head(&m, PP_DNS_A, 4); /* stray A in an AAAA answer: kept, not counted */
    put(&m, v4, 4);
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_string_equal(a.rr[0].addr_text, "::1");
    assert_int_equal(a.rr[0].family, 10 /* AF_INET6 */);
    assert_string_equal(a.rr[1].addr_text, "127.0.0.1");
    pp_dns_answer_free(&a);

    start(&m, 0, 1, "mx1.postprobe.test", PP_DNS_A);
    rr_head(&m, PP_DNS_A, 5);
    put(&m, "\x7f\0\0\1\1", 5);
    assert_int_equal(parse(&m, &a), -1);
    assert_int_equal(a.status, PP_DNS_ERROR);
    assert_null(a.rr);
}

static void test_cname(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    static const unsigned char v4[4] = {127, 0, 0, 1};
    start(&m, 0, 2, "alias.postprobe.test", PP_DNS_A);
    rr_head(&m, PP_DNS_CNAME, 7);
    put8(&m, 4);
    put(&m, "mail", 4);
    put16(&m, 0xc000 | 18); /* "postprobe.test" inside the question name */
    size_t target = m.n - 7;
    put16(&m, 0xc000 | (unsigned)target); /* owner: the CNAME's target */
    put16(&m, PP_DNS_A);
    put16(&m, 1);
    put16(&m, 0);
    put16(&m, 60);
    put16(&m, 4);
    put(&m, v4, 4);
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_true(pp_dns_answer_has_cname(&a));
    assert_string_equal(a.rr[0].host, "mail.postprobe.test");
    assert_string_equal(a.rr[1].owner, "mail.postprobe.test");
    pp_dns_answer_free(&a);

    /* a CNAME whose target has no record of the type: NODATA, still an alias */
    start(&m, 0, 1, "alias.postprobe.test", PP_DNS_MX);
    rr_head(&m, PP_DNS_CNAME, 7);
    put8(&m, 4);
    put(&m, "mail", 4);
    put16(&m, 0xc000 | 18);
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_NODATA);
    assert_true(pp_dns_answer_has_cname(&a));
    pp_dns_answer_free(&a);
}

static void test_tlsa(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    unsigned char hash[32];
    for (int i = 0; i < 32; i++)
        hash[i] = (unsigned char)i;
    start(&m, 0, 2, "_25._tcp.mail.postprobe.test", PP_DNS_TLSA);
    rr_head(&m, PP_DNS_TLSA, 35);
    put8(&m, 3);
    put8(&m, 1);
    put8(&m, 1);
    put(&m, hash, 32);
    rr_head(&m, PP_DNS_TLSA, 3); /* no association data at all: allowed, empty */
    put(&m, "\2\0\1", 3);
    m.b[3] |= 0x20; /* AD */
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_true(a.ad);
    assert_int_equal(a.rr[0].usage, 3);
    assert_int_equal(a.rr[0].selector, 1);
    assert_int_equal(a.rr[0].mtype, 1);
    assert_int_equal(a.rr[0].datalen, 32);
    assert_memory_equal(a.rr[0].data, hash, 32);
    assert_int_equal(a.rr[1].usage, 2);
    assert_int_equal(a.rr[1].datalen, 0);
    pp_dns_answer_free(&a);

    start(&m, 0, 1, "_25._tcp.mail.postprobe.test", PP_DNS_TLSA);
    rr_head(&m, PP_DNS_TLSA, 2);
    put(&m, "\3\1", 2);
    assert_int_equal(parse(&m, &a), -1);
}

static void test_txt(void **state)
{
    (void)state;
    msg m;
    pp_dns_answer a;
    start(&m, 0, 2, "2.0.0.127.zen.test", PP_DNS_TXT);
    rr_head(&m, PP_DNS_TXT, 1 + 6 + 1 + 4);
    put(&m, "\6Listed", 7);
    put(&m, "\4 a\\\1", 5); /* a second string, a backslash and a control byte */
    rr_head(&m, PP_DNS_TXT, 0); /* no string at all: empty text */
    assert_int_equal(parse(&m, &a), 0);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_string_equal(a.rr[0].text, "Listed a\\092\\001");
    assert_string_equal(a.rr[1].text, "");
    pp_dns_answer_free(&a);

    start(&m, 0, 1, "2.0.0.127.zen.test", PP_DNS_TXT);
    rr_head(&m, PP_DNS_TXT, 4);
    put(&m, "\7abc", 4); /* says 7 bytes, has 3 */
    assert_int_equal(parse(&m, &a), -1);
}

static void test_escapes(void **state)
{
    (void)state;
    msg m = {.n = 0};
    pp_dns_answer a;
    start(&m, 3, 0, "", PP_DNS_MX);
    m.n = 12;
    put(&m, "\3a.b\2\001\x7f\0", 8);
    put16(&m, PP_DNS_MX);
    put16(&m, 1);
    assert_int_equal(parse(&m, &a), 0);
    assert_string_equal(a.qname, "a\\.b.\\001\\127");
    pp_dns_answer_free(&a);
}

static void assert_rejected(const msg *m, const char *what)
{
    pp_dns_answer a;
    char err[256] = "";
    assert_int_equal(pp_dns_parse(m->b, m->n, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, what));
    assert_int_equal(a.status, PP_DNS_ERROR);
    assert_int_equal(a.nrr, 0);
}

static void test_truncated(void **state)
{
    (void)state;
    msg m;
    start(&m, 0, 2, "good.postprobe.test", PP_DNS_MX);
    put_mx(&m, 10, "mx1.postprobe.test");
    put_mx(&m, 20, "mx2.postprobe.test");
    for (size_t len = 0; len < m.n; len++) {
        pp_dns_answer a;
        char err[256];
        assert_int_equal(pp_dns_parse(m.b, len, &a, err, sizeof err), -1);
    }
}

static void test_hostile_names(void **state)
{
    (void)state;
    msg m;
    /* question name is a pointer to itself */
    start(&m, 0, 0, "", PP_DNS_MX);
    m.n = 12;
    put16(&m, 0xc00c);
    put16(&m, PP_DNS_MX);
    put16(&m, 1);
    assert_rejected(&m, "loop");

    /* label, then a pointer back to that label: a loop without a self-pointer */
    m.n = 12;
    put8(&m, 1);
    put8(&m, 'a');
    put16(&m, 0xc00c);
    assert_rejected(&m, "loop");

    /* a forward pointer */
    m.n = 12;
    put16(&m, 0xc000 | 40);
    put16(&m, PP_DNS_MX);
    put16(&m, 1);
    while (m.n < 44)
        put8(&m, 0);
    assert_rejected(&m, "loop");

    /* extended label type 0x40 */
    m.n = 12;
    put8(&m, 0x41);
    put8(&m, 0);
    assert_rejected(&m, "label type");

    /* 5 labels of 63 bytes: 321 bytes on the wire */
    m.n = 12;
    for (int i = 0; i < 5; i++) {
        put8(&m, 63);
        for (int k = 0; k < 63; k++)
            put8(&m, 'x');
    }
    put8(&m, 0);
    put16(&m, PP_DNS_MX);
    put16(&m, 1);
    assert_rejected(&m, "longer than 255");

    /* a query, not an answer */
    start(&m, 0, 0, "x.test", PP_DNS_MX);
    m.b[2] &= 0x7f;
    assert_rejected(&m, "query");

    /* two questions */
    start(&m, 0, 0, "x.test", PP_DNS_MX);
    m.b[5] = 2;
    assert_rejected(&m, "questions");
}

static void test_hostile_records(void **state)
{
    (void)state;
    msg m;
    /* 65535 answers claimed in a short message */
    start(&m, 0, 0xffff, "x.test", PP_DNS_MX);
    put_mx(&m, 10, "mx.test");
    assert_rejected(&m, "claims");

    /* MX target running past its rdlength (but not past the message) */
    start(&m, 0, 1, "x.test", PP_DNS_MX);
    rr_head(&m, PP_DNS_MX, 4);
    put16(&m, 10);
    put(&m, "\2mx\0", 4);
    put(&m, "\0\0\0\0", 4);
    assert_rejected(&m, "runs past the end");

    /* MX with bytes after the target */
    start(&m, 0, 1, "x.test", PP_DNS_MX);
    rr_head(&m, PP_DNS_MX, 2 + 4 + 1);
    put16(&m, 10);
    put(&m, "\2mx\0\0", 5);
    assert_rejected(&m, "trailing");

    /* MX with no room for a target */
    start(&m, 0, 1, "x.test", PP_DNS_MX);
    rr_head(&m, PP_DNS_MX, 2);
    put16(&m, 10);
    assert_rejected(&m, "too short");

    /* rdlength past the end of the message */
    start(&m, 0, 1, "x.test", PP_DNS_MX);
    rr_head(&m, PP_DNS_TXT, 200);
    put(&m, "\3abc", 4);
    assert_rejected(&m, "past the end");
}

static void test_random_bytes(void **state)
{
    (void)state;
    unsigned seed = 12345;
    unsigned char b[600];
    msg base;
    start(&base, 0, 2, "good.postprobe.test", PP_DNS_MX);
    put_mx(&base, 10, "mx1.postprobe.test");
    put_mx(&base, 20, "mx2.postprobe.test");
    for (int i = 0; i < 200000; i++) {
        size_t len;
        if (i % 2) {
            len = (size_t)rand_r(&seed) % sizeof b;
            for (size_t k = 0; k < len; k++)
                b[k] = (unsigned char)rand_r(&seed);
            if (len > 3)
                b[2] |= 0x80;
        } else { /* flip a few bytes of a valid answer */
            len = base.n;
            memcpy(b, base.b, len);
            for (int k = 0; k < 3; k++)
                b[12 + (size_t)rand_r(&seed) % (len - 12)] = (unsigned char)rand_r(&seed);
        }
        pp_dns_answer a;
        char err[256];
        if (pp_dns_parse(b, len, &a, err, sizeof err) == 0) {
            for (size_t k = 0; k < a.nrr; k++)
                assert_true(strlen(a.rr[k].owner) < 1025);
        }
        pp_dns_answer_free(&a);
    }
}

static void test_server_spec(void **state)
{
    (void)state;
    char h[64];
    unsigned p;
    assert_int_equal(pp_dns_parse_server("127.0.0.1", h, sizeof h, &p), 0);
    assert_string_equal(h, "127.0.0.1");
    assert_int_equal(p, 53);
    assert_int_equal(pp_dns_parse_server("127.0.0.1:25053", h, sizeof h, &p), 0);
    assert_string_equal(h, "127.0.0.1");
    assert_int_equal(p, 25053);
    assert_int_equal(pp_dns_parse_server("::1", h, sizeof h, &p), 0);
    assert_string_equal(h, "::1");
    assert_int_equal(p, 53);
    assert_int_equal(pp_dns_parse_server("[::1]:5353", h, sizeof h, &p), 0);
    assert_string_equal(h, "::1");
    assert_int_equal(p, 5353);
    assert_int_equal(pp_dns_parse_server("[2001:db8::1]", h, sizeof h, &p), 0);
    assert_string_equal(h, "2001:db8::1");
    assert_int_equal(pp_dns_parse_server("ns.example.org:54", h, sizeof h, &p), 0);
    assert_string_equal(h, "ns.example.org");
    static const char *bad[] = {"", ":53", "[::1", "[]:53", "[::1]x", "1.2.3.4:",
                                "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:5x", "1.2.3.4:-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pp_dns_parse_server(bad[i], h, sizeof h, &p), -1);
    assert_int_equal(pp_dns_parse_server(NULL, h, sizeof h, &p), -1);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(pp_dns_name_eq("Mail.Example.ORG", "mail.example.org."));
    assert_true(pp_dns_name_eq(".", "."));
    assert_false(pp_dns_name_eq("mail.example.org", "mail.example.or"));
    assert_string_equal(pp_dns_status_str(PP_DNS_NXDOMAIN), "NXDOMAIN");
    assert_string_equal(pp_dns_status_str(PP_DNS_NODATA), "no data");
    assert_string_equal(pp_dns_type_str(PP_DNS_TLSA), "TLSA");
}

/* An answer as pp_dns_parse() leaves it: status and records, allocated. */
static void answer(pp_dns_answer *a, pp_dns_status st, size_t n, const unsigned *prefs,
                   const char *const *hosts)
{
    memset(a, 0, sizeof *a);
    a->status = st;
    a->rr = calloc(n ? n : 1, sizeof *a->rr);
    a->nrr = n;
    for (size_t i = 0; i < n; i++)
        a->rr[i] = (pp_dns_rr){.type = PP_DNS_MX, .pref = prefs[i], .host = strdup(hosts[i])};
}

static void test_mx_hosts(void **state)
{
    (void)state;
    pp_dns_answer a;
    const unsigned prefs[] = {20, 5, 10};
    const char *hosts[] = {"c.example", "a.example", "b.example"};
    answer(&a, PP_DNS_OK, 3, prefs, hosts);
    assert_int_equal(pp_dns_mx_hosts(&a, "example"), 0);
    assert_int_equal(a.nrr, 3);
    assert_string_equal(a.rr[0].host, "a.example");
    assert_string_equal(a.rr[1].host, "b.example");
    assert_string_equal(a.rr[2].host, "c.example");
    pp_dns_answer_free(&a);

    /* No MX: the domain is its own (RFC 5321 5.1), whatever else the answer held. */
    answer(&a, PP_DNS_NODATA, 1, prefs, hosts);
    a.rr[0].type = PP_DNS_CNAME;
    assert_int_equal(pp_dns_mx_hosts(&a, "plain.example"), 0);
    assert_int_equal(a.nrr, 1);
    assert_int_equal(a.rr[0].type, PP_DNS_MX);
    assert_string_equal(a.rr[0].host, "plain.example");
    pp_dns_answer_free(&a);
    answer(&a, PP_DNS_NODATA, 0, NULL, NULL);
    assert_int_equal(pp_dns_mx_hosts(&a, "plain.example"), 0);
    assert_string_equal(a.rr[0].host, "plain.example");
    pp_dns_answer_free(&a);

    /* A failed lookup is left as it is. */
    answer(&a, PP_DNS_SERVFAIL, 0, NULL, NULL);
    assert_int_equal(pp_dns_mx_hosts(&a, "x.example"), -1);
    assert_int_equal(a.nrr, 0);
    assert_int_equal(a.status, PP_DNS_SERVFAIL);
    pp_dns_answer_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mx),
        cmocka_unit_test(test_null_mx),
        cmocka_unit_test(test_rcodes),
        cmocka_unit_test(test_no_question),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_cname),
        cmocka_unit_test(test_tlsa),
        cmocka_unit_test(test_txt),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_hostile_records),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_server_spec),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_mx_hosts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
