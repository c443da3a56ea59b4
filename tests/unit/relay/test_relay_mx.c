/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_relay_mx - judging the MX setup of domains (common/relay/relay_mx.c) from hand-made lookup
 * results: every problem kind, --expect-mx by names and by regex, the domain list's sorting
 * and duplicates, and the one-line description with the transport_maps comparison; the
 * routes transport_maps values make (MX lookups, [host], addresses, LMTP sockets, error,
 * retry, discard and other local agents), and domains only sent to judged by their route.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "relay/relay_mx.h"

/* A host with n4 IPv4 and n6 IPv6 addresses (127.0.0.1 / ::1), or lookups ending in st. */
static void host(pp_rmx *x, const char *name, size_t n4, size_t n6, pp_dns_status st)
{
    x->hosts = realloc(x->hosts, (x->nhosts + 1) * sizeof *x->hosts);
    pp_rmx_host *h = &x->hosts[x->nhosts++];
    memset(h, 0, sizeof *h);
    h->name = strdup(name);
    h->a = n4 ? PP_DNS_OK : st;
    h->aaaa = n6 ? PP_DNS_OK : st;
    h->n4 = n4;
    h->n6 = n6;
    if (n4) {
        struct sockaddr_in *in = (struct sockaddr_in *)&h->addr[h->naddr];
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        h->addrlen[h->naddr++] = sizeof *in;
    }
    if (n6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&h->addr[h->naddr];
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        h->addrlen[h->naddr++] = sizeof *in6;
    }
    if (st == PP_DNS_TIMEOUT)
        strcpy(h->err, "A: no answer");
}

static pp_rmx_host *find(pp_rmx *x, const char *name)
{
    for (size_t i = 0; i < x->nhosts; i++)
        if (pp_dns_name_eq(x->hosts[i].name, name))
            return &x->hosts[i];
    return NULL;
}

/* Gives domain d the MX records "pref name" (name "." for the null MX). */
static void mx(pp_rmx *x, const char *domain, int n, ...)
{
    pp_rmx_domain *d = pp_rmx_find(x, domain);
    va_list ap;
    assert_non_null(d);
    d->status = PP_DNS_OK;
    d->mx = calloc((size_t)n, sizeof *d->mx);
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        d->mx[i].pref = va_arg(ap, unsigned);
        d->mx[i].name = strdup(va_arg(ap, const char *));
        d->mx[i].host = find(x, d->mx[i].name);
    }
    va_end(ap);
    d->nmx = (size_t)n;
}

static pp_rmx *domains(const char *const *names)
{
    pp_rmx *x = pp_rmx_new();
    for (; *names; names++)
        pp_rmx_add(x, *names);
    pp_rmx_finish_list(x);
    return x;
}

/* The problems noted for a domain, as a string of their numbers: "3,9". */
static const char *problems_of(pp_rmx *x, const char *domain)
{
    static char out[128];
    pp_rmx_domain *d = pp_rmx_find(x, domain);
    out[0] = '\0';
    for (size_t i = 0; d && i < d->nnotes; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%d", i ? "," : "",
                 d->notes[i].problem);
    return out;
}

static const char *first_note(pp_rmx *x, const char *domain)
{
    pp_rmx_domain *d = pp_rmx_find(x, domain);
    return d && d->nnotes ? d->notes[0].text : "";
}

static char *num(int p)
{
    static char b[8];
    snprintf(b, sizeof b, "%d", p);
    return b;
}

static void test_list(void **state)
{
    (void)state;
    static const char *const names[] = {"b.test", "a.test", "b.test", "c.test", "a.test", NULL};
    pp_rmx *x = domains(names);
    assert_int_equal(x->ndom, 3);
    assert_string_equal(x->dom[0].name, "a.test");
    assert_string_equal(x->dom[2].name, "c.test");
    assert_non_null(pp_rmx_find(x, "b.test"));
    assert_null(pp_rmx_find(x, "d.test"));
    pp_rmx_free(x);
}

static void test_problems(void **state)
{
    (void)state;
    static const char *const names[] = {
        "good.test",   "null.test",   "mixed.test", "iplit.test", "cname.test", "v6.test",
        "partial.test", "none.test", "slow.test", "nx.test",    "sf.test",    "to.test",
        "impl.test",   "noaddr.test", NULL};
    pp_rmx *x = domains(names);
    host(x, "mx1.test", 1, 1, PP_DNS_OK);
    host(x, "mx2.test", 1, 0, PP_DNS_NODATA);
    host(x, "alias.test", 1, 1, PP_DNS_OK);
    x->hosts[x->nhosts - 1].alias = true;
    x->hosts[x->nhosts - 1].alias_target = strdup("mx1.test");
    host(x, "v6.mx.test", 0, 1, PP_DNS_NODATA);
    host(x, "gone.test", 0, 0, PP_DNS_NXDOMAIN);
    host(x, "empty.test", 0, 0, PP_DNS_NODATA);
    host(x, "hang.test", 0, 0, PP_DNS_TIMEOUT);
    host(x, "impl.test", 1, 0, PP_DNS_NODATA);
    host(x, "noaddr.test", 0, 0, PP_DNS_NODATA);

    mx(x, "good.test", 2, 10, "mx1.test", 20, "mx2.test");
    mx(x, "null.test", 1, 0, ".");
    mx(x, "mixed.test", 2, 0, ".", 10, "mx1.test");
    mx(x, "iplit.test", 1, 10, "192.0.2.1");
    mx(x, "cname.test", 1, 10, "alias.test");
    mx(x, "v6.test", 1, 10, "v6.mx.test");
    mx(x, "partial.test", 2, 10, "mx1.test", 20, "gone.test");
    mx(x, "none.test", 2, 10, "gone.test", 20, "empty.test");
    mx(x, "slow.test", 1, 10, "hang.test");
    pp_rmx_find(x, "nx.test")->status = PP_DNS_NXDOMAIN;
    pp_rmx_find(x, "sf.test")->status = PP_DNS_SERVFAIL;
    pp_rmx_find(x, "to.test")->status = PP_DNS_TIMEOUT;
    pp_rmx_find(x, "impl.test")->status = PP_DNS_NODATA;
    pp_rmx_find(x, "impl.test")->self = find(x, "impl.test");
    pp_rmx_find(x, "noaddr.test")->status = PP_DNS_NODATA;
    pp_rmx_find(x, "noaddr.test")->self = find(x, "noaddr.test");

    pp_rmx_judge(x, NULL);
    assert_string_equal(problems_of(x, "good.test"), "");
    assert_string_equal(problems_of(x, "null.test"), num(PP_RMX_NULL_MX));
    assert_string_equal(problems_of(x, "mixed.test"), num(PP_RMX_NULL_MX_MIXED));
    assert_string_equal(first_note(x, "mixed.test"), "next to 1 other MX");
    char both[16];
    snprintf(both, sizeof both, "%d,%d", PP_RMX_IP_LITERAL, PP_RMX_NO_USABLE_MX);
    assert_string_equal(problems_of(x, "iplit.test"), both);
    assert_string_equal(problems_of(x, "cname.test"), num(PP_RMX_CNAME));
    assert_string_equal(first_note(x, "cname.test"), "MX 10 alias.test is an alias of mx1.test");
    assert_string_equal(problems_of(x, "v6.test"), num(PP_RMX_V6_ONLY));
    assert_string_equal(problems_of(x, "partial.test"), num(PP_RMX_HOST_NOADDR));
    assert_string_equal(first_note(x, "partial.test"), "gone.test does not exist");
    assert_string_equal(problems_of(x, "none.test"), num(PP_RMX_NO_USABLE_MX));
    assert_string_equal(first_note(x, "none.test"),
                        "gone.test does not exist; empty.test has no A/AAAA record");
    assert_string_equal(problems_of(x, "slow.test"), num(PP_RMX_DNS_FAILED));
    assert_string_equal(problems_of(x, "nx.test"), num(PP_RMX_NXDOMAIN));
    assert_string_equal(problems_of(x, "sf.test"), num(PP_RMX_SERVFAIL));
    assert_string_equal(problems_of(x, "to.test"), num(PP_RMX_DNS_FAILED));
    assert_string_equal(problems_of(x, "impl.test"), num(PP_RMX_IMPLICIT));
    assert_string_equal(first_note(x, "impl.test"), "mail goes to 127.0.0.1");
    assert_string_equal(problems_of(x, "noaddr.test"), num(PP_RMX_NO_MAIL));

    assert_int_equal(pp_rmx_problem_state(PP_RMX_NXDOMAIN), PP_CRITICAL);
    assert_int_equal(pp_rmx_problem_state(PP_RMX_IMPLICIT), PP_WARNING);
    assert_int_equal(pp_rmx_problem_state(PP_RMX_DNS_FAILED), PP_UNKNOWN);
    assert_int_equal(pp_rmx_problem_state(PP_RMX_SMTP_OK), PP_OK);
    pp_rmx_free(x);
}

static void test_expect(void **state)
{
    (void)state;
    static const char *const names[] = {"a.test", "b.test", "c.test", NULL};
    pp_rmx *x = domains(names);
    host(x, "mx1.example.org", 1, 0, PP_DNS_OK);
    host(x, "mx2.example.org", 1, 0, PP_DNS_OK);
    host(x, "mx.other.net", 1, 0, PP_DNS_OK);
    mx(x, "a.test", 2, 10, "mx1.example.org", 20, "MX2.example.org.");
    mx(x, "b.test", 1, 10, "mx1.example.org");
    mx(x, "c.test", 2, 10, "mx1.example.org", 20, "mx.other.net");
    static const char *const want[] = {"mx2.example.org", "mx1.example.org"};
    pp_rmx_expect e = {want, 2, NULL};
    pp_rmx_judge(x, &e);
    assert_string_equal(problems_of(x, "a.test"), "");
    assert_string_equal(problems_of(x, "b.test"), num(PP_RMX_UNEXPECTED));
    assert_string_equal(first_note(x, "b.test"), "MX is mx1.example.org");
    assert_string_equal(problems_of(x, "c.test"), num(PP_RMX_UNEXPECTED));
    pp_rmx_free(x);

    x = domains(names);
    host(x, "mx1.example.org", 1, 0, PP_DNS_OK);
    host(x, "mx.other.net", 1, 0, PP_DNS_OK);
    mx(x, "a.test", 1, 10, "MX1.Example.Org");
    mx(x, "b.test", 2, 10, "mx1.example.org", 20, "mx.other.net");
    pp_rmx_find(x, "c.test")->status = PP_DNS_OK; /* no MX records at all */
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "^mx[0-9]+\\.example\\.org$",
                                   PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &code, &off, NULL);
    pp_rmx_expect er = {NULL, 0, re};
    pp_rmx_judge(x, &er);
    assert_string_equal(problems_of(x, "a.test"), "");
    assert_string_equal(problems_of(x, "b.test"), num(PP_RMX_UNEXPECTED));
    pcre2_code_free(re);
    pp_rmx_free(x);
}

static void test_describe(void **state)
{
    (void)state;
    static const char *const names[] = {"r.test", "s.test", "t.test", "u.test", NULL};
    pp_rmx *x = domains(names);
    host(x, "mail.r.test", 1, 1, PP_DNS_OK);
    mx(x, "r.test", 1, 10, "mail.r.test");
    mx(x, "s.test", 1, 10, "mail.r.test");
    mx(x, "t.test", 1, 10, "mail.r.test");
    mx(x, "u.test", 1, 10, "mail.r.test");
    pp_rmx_set_transport(pp_rmx_find(x, "r.test"), "smtp:[127.0.0.1]:2526", NULL);
    pp_rmx_set_transport(pp_rmx_find(x, "s.test"), "relay:[mail.r.test]", "smtp");
    pp_rmx_set_transport(pp_rmx_find(x, "t.test"), "smtp:", NULL);
    pp_rmx_set_transport(pp_rmx_find(x, "u.test"), "smtp:[192.0.2.9]", NULL);
    pp_buf b;
    pp_buf_init(&b);
    pp_rmx_describe(pp_rmx_find(x, "r.test"), &b);
    assert_non_null(strstr(b.s, "MX 10 mail.r.test (127.0.0.1 ::1)"));
    assert_non_null(strstr(b.s, "transport_maps: smtp:[127.0.0.1]:2526 (straight to 127.0.0.1 "
                                "port 2526, "
                                "an address of one of its MX hosts)"));
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "s.test"), &b);
    assert_non_null(strstr(b.s, "(straight to mail.r.test, one of its MX hosts)"));
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "t.test"), &b);
    assert_non_null(strstr(b.s, "(to the MX hosts, as DNS says)"));
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "u.test"), &b);
    assert_non_null(strstr(b.s, "(straight to 192.0.2.9, not one of its MX hosts)"));
    pp_buf_free(&b);
    pp_rmx_free(x);
}

/* The route of transport value t as "hop|host|port|action". */
static const char *route(const char *t, const char *command, const char *domain)
{
    static char out[600];
    pp_rmx_route r;
    pp_rmx_route_parse(t, command, domain, &r);
    snprintf(out, sizeof out, "%d|%s|%s|%s", r.hop, r.host, r.port, r.action);
    return out;
}

static char *hop(pp_rmx_hop h, const char *rest)
{
    static char out[600];
    snprintf(out, sizeof out, "%d|%s", h, rest);
    return out;
}

static void test_routes(void **state)
{
    (void)state;
    assert_string_equal(route("smtp:", NULL, "d.test"), hop(PP_RMX_HOP_MX, "d.test||"));
    assert_string_equal(route("smtp", NULL, "d.test"), hop(PP_RMX_HOP_MX, "d.test||"));
    assert_string_equal(route("relay:gw.test:2525", "smtp", "d.test"),
                        hop(PP_RMX_HOP_MX, "gw.test|2525|"));
    assert_string_equal(route("smtp:[gw.test]", NULL, "d.test"),
                        hop(PP_RMX_HOP_HOST, "gw.test||"));
    assert_string_equal(route("smtp:[192.0.2.1]:1", NULL, "d.test"),
                        hop(PP_RMX_HOP_ADDRESS, "192.0.2.1|1|"));
    assert_string_equal(route("smtp:[2001:db8::1]:25", NULL, "d.test"),
                        hop(PP_RMX_HOP_ADDRESS, "2001:db8::1|25|"));
    assert_string_equal(route("smtp:a.test, b.test", NULL, "d.test"),
                        hop(PP_RMX_HOP_MX, "a.test||"));
    /* lmtp never asks MX; unix: is a socket */
    assert_string_equal(route("lmtp:unix:private/dovecot-lmtp", NULL, "d.test"),
                        hop(PP_RMX_HOP_SOCKET, "private/dovecot-lmtp||"));
    assert_string_equal(route("lmtp:inet:store.test:24", NULL, "d.test"),
                        hop(PP_RMX_HOP_HOST, "store.test|24|"));
    assert_string_equal(route("mylmtp:store.test", "lmtp", "d.test"),
                        hop(PP_RMX_HOP_HOST, "store.test||"));
    /* no network next hop: what Postfix does */
    assert_string_equal(route("error:5.1.1 mailbox gone", NULL, "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||bounced by error(8): 5.1.1 mailbox gone"));
    assert_string_equal(route("error:", NULL, "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||bounced by error(8): Address is undeliverable"));
    assert_string_equal(route("retry:no delivery now", "error", "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||deferred by error(8) as retry: no delivery now"));
    assert_string_equal(route("discard:", NULL, "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||discarded by discard(8)"));
    assert_string_equal(route("local:", NULL, "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||delivered on this host by local(8)"));
    assert_string_equal(route("uucp:gateway", "pipe", "d.test"),
                        hop(PP_RMX_HOP_LOCAL, "||handed to the uucp service (pipe(8))"));
}

/* Domains that are only sent to: judged by where Postfix sends them. */
static void test_outbound(void **state)
{
    (void)state;
    static const char *const names[] = {"addr.test", "gone.test", "host.test", "mx.test",
                                        "err.test", NULL};
    pp_rmx *x = domains(names);
    host(x, "nohost.test", 0, 0, PP_DNS_NXDOMAIN);
    host(x, "gw.test", 1, 0, PP_DNS_NODATA);
    host(x, "mx1.test", 1, 1, PP_DNS_OK);
    for (size_t i = 0; i < x->ndom; i++)
        x->dom[i].inbound = false;
    pp_rmx_set_transport(pp_rmx_find(x, "addr.test"), "smtp:[127.0.0.1]:1", NULL);
    pp_rmx_set_transport(pp_rmx_find(x, "gone.test"), "smtp:[nohost.test]", NULL);
    pp_rmx_find(x, "gone.test")->hop = find(x, "nohost.test");
    pp_rmx_set_transport(pp_rmx_find(x, "host.test"), "lmtp:gw.test:24", NULL);
    pp_rmx_find(x, "host.test")->hop = find(x, "gw.test");
    pp_rmx_set_transport(pp_rmx_find(x, "mx.test"), "smtp:relayhost.test", NULL);
    mx(x, "mx.test", 1, 10, "mx1.test");
    pp_rmx_set_transport(pp_rmx_find(x, "err.test"), "error:gone", NULL);

    pp_rmx_judge(x, NULL);
    assert_string_equal(problems_of(x, "addr.test"), "");
    assert_string_equal(problems_of(x, "gone.test"), num(PP_RMX_HOP_NOADDR));
    assert_string_equal(first_note(x, "gone.test"), "nohost.test does not exist");
    assert_string_equal(problems_of(x, "host.test"), "");
    assert_string_equal(problems_of(x, "mx.test"), "");
    assert_string_equal(problems_of(x, "err.test"), "");

    pp_buf b;
    pp_buf_init(&b);
    pp_rmx_describe(pp_rmx_find(x, "addr.test"), &b);
    assert_string_equal(b.s, " transport_maps: smtp:[127.0.0.1]:1 (straight to 127.0.0.1 "
                             "port 1, no DNS lookup)");
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "host.test"), &b);
    assert_non_null(strstr(b.s, " next hop gw.test (127.0.0.1) [DNS "));
    assert_non_null(strstr(b.s, "(straight to gw.test port 24, no MX lookup)"));
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "mx.test"), &b);
    assert_non_null(strstr(b.s, " next hop relayhost.test: MX 10 mx1.test (127.0.0.1 ::1)"));
    assert_non_null(strstr(b.s, "(to the MX hosts of relayhost.test)"));
    pp_buf_reset(&b);
    pp_rmx_describe(pp_rmx_find(x, "err.test"), &b);
    assert_string_equal(b.s, " transport_maps: error:gone (bounced by error(8): gone, no "
                             "network next hop)");
    pp_buf_free(&b);
    pp_rmx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_expect),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_outbound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
