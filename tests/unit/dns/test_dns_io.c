/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dns_io - the socket side of common/dns/dns.c against a small DNS server forked by the
 * test on a loopback port: the query's shape (EDNS0, AD), truncated answers retried over
 * TCP, answers with a wrong id ignored, garbage answers, answers without the question or
 * with another one, a server that never answers
 * (timeout after the tries), a closed port, and a thousand queries in flight at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dns/dns.h"

static pid_t server_pid = -1;
static char server_spec[64];

/* The answer to the query q (qlen bytes), in r; returns its length, 0 to stay silent. */
static size_t make_reply(const unsigned char *q, size_t qlen, bool tcp, unsigned char *r)
{
    size_t p = 12;
    while (p < qlen && q[p])
        p += q[p] + 1u;
    size_t qend = p + 5;
    if (qend > qlen)
        return 0;
    const char *first = (const char *)q + 13;
    size_t flen = q[12];
    memcpy(r, q, qend);
    r[2] = 0x81;
    r[3] = 0x80;
    r[4] = 0, r[5] = 1, r[6] = 0, r[7] = 0, r[8] = 0, r[9] = 0, r[10] = 0, r[11] = 0;
    /* The query must carry one OPT record (EDNS0, 1232 bytes) and the AD bit. */
    bool shaped = qlen == qend + 11 && q[11] == 1 && q[qend + 1] == 0 && q[qend + 2] == 41 &&
                  (q[qend + 3] << 8 | q[qend + 4]) == 1232 && (q[3] & 0x20);
    if (!shaped || (flen == 3 && memcmp(first, "bad", 3) == 0)) {
        r[3] |= 1; /* FORMERR */
        return qend;
    }
    if (flen == 4 && memcmp(first, "slow", 4) == 0)
        return 0;
    if (flen == 4 && memcmp(first, "junk", 4) == 0)
        return 7;
    if (flen == 2 && memcmp(first, "tc", 2) == 0 && !tcp) {
        r[2] |= 0x02;
        return qend;
    }
    /* one MX: 10 "mx." + the question name minus its first label (a pointer into it) */
    static const unsigned char mx[19] = {0xc0, 12, 0, 15, 0, 1, 0, 0, 1, 0, 0, 7,
                                         0,    10, 2, 'm', 'x', 0xc0, 0};
    memcpy(r + qend, mx, sizeof mx);
    r[qend + 18] = (unsigned char)(12 + 1 + flen);
    r[7] = 1;
    if (flen == 3 && memcmp(first, "noq", 3) == 0)
        r[5] = 0; /* the records, but no question echoed */
    if (flen == 5 && memcmp(first, "chaos", 5) == 0)
        r[qend - 1] = 3; /* the question echoed in class CH */
    return qend + sizeof mx;
}

static void serve_tcp(int lfd)
{
    int c = accept(lfd, NULL, NULL);
    if (c < 0)
        return;
    unsigned char q[600], r[700];
    ssize_t n = read(c, q, sizeof q);
    if (n > 2) {
        size_t len = make_reply(q + 2, (size_t)n - 2, true, r + 2);
        r[0] = (unsigned char)(len >> 8);
        r[1] = (unsigned char)len;
        /* in two writes, so the client sees a partial read */
        if (write(c, r, 3) == 3) {
            usleep(1000);
            if (write(c, r + 3, len - 1) < 0)
                perror("write");
        }
    }
    close(c);
}

static void serve(int ufd, int lfd)
{
    unsigned char q[600], r[700];
    struct pollfd p[2] = {{.fd = ufd, .events = POLLIN}, {.fd = lfd, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0)
            continue;
        if (p[1].revents)
            serve_tcp(lfd);
        if (!p[0].revents)
            continue;
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(ufd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        if (n < 12)
            continue;
        size_t len = make_reply(q, (size_t)n, false, r);
        if (!len)
            continue;
        if (q[12] == 5 && memcmp(q + 13, "badid", 5) == 0) {
            r[0] ^= 0xff; /* first a reply with another id */
            sendto(ufd, r, len, 0, (struct sockaddr *)&from, fl);
            r[0] ^= 0xff;
        }
        sendto(ufd, r, len, 0, (struct sockaddr *)&from, fl);
    }
}

static int setup(void **state)
{
    (void)state;
    int ufd = socket(AF_INET, SOCK_DGRAM, 0), lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int rcvbuf = 1 << 20;
    setsockopt(ufd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(ufd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(ufd, (struct sockaddr *)&a, &al) < 0 ||
        bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 16) < 0)
        return -1;
    snprintf(server_spec, sizeof server_spec, "127.0.0.1:%u", ntohs(a.sin_port));
    server_pid = fork();
    if (server_pid == 0) {
        serve(ufd, lfd);
        _exit(0);
    }
    close(ufd);
    close(lfd);
    return server_pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
    return 0;
}

static pp_dns *new_resolver(const char *spec)
{
    char err[256];
    pp_dns *d = pp_dns_new(spec, err, sizeof err);
    assert_non_null(d);
    pp_dns_set_timeout(d, 0.2, 2);
    return d;
}

static void test_answer(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    assert_string_equal(pp_dns_servers(d), server_spec);
    pp_dns_answer a;
    pp_dns_lookup(d, "ok.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_int_equal(a.nrr, 1);
    assert_string_equal(a.rr[0].host, "mx.example.test");
    assert_string_equal(a.server, server_spec);
    assert_true(a.seconds >= 0 && a.seconds < 0.2);
    pp_dns_answer_free(&a);
    pp_dns_free(d);
}

static void test_truncated_then_tcp(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_answer a;
    pp_dns_lookup(d, "tc.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_OK);
    assert_false(a.tc);
    assert_string_equal(a.rr[0].host, "mx.example.test");
    pp_dns_answer_free(&a);
    pp_dns_free(d);
}

static void test_wrong_id_ignored(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_answer a;
    pp_dns_lookup(d, "badid.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_OK);
    pp_dns_answer_free(&a);
    pp_dns_lookup(d, "bad.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_RCODE);
    assert_int_equal(a.rcode, 1);
    pp_dns_answer_free(&a);
    pp_dns_free(d);
}

static void test_junk(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_answer a;
    pp_dns_lookup(d, "junk.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_ERROR);
    assert_non_null(strstr(a.err, "bad answer from 127.0.0.1:"));
    pp_dns_free(d);
}

/* An answer must echo the question asked: none at all is a bad answer, another class one
 * for somebody else (ignored until the tries run out). */
static void test_question_must_match(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_answer a;
    pp_dns_lookup(d, "noq.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_ERROR);
    assert_non_null(strstr(a.err, "answer has 0 questions, not the one asked"));
    pp_dns_answer_free(&a);
    pp_dns_lookup(d, "chaos.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_TIMEOUT);
    pp_dns_answer_free(&a);
    pp_dns_free(d);
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_silent_server(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_answer a;
    double t0 = mono();
    pp_dns_lookup(d, "slow.example.test", PP_DNS_MX, &a);
    double t = mono() - t0;
    assert_int_equal(a.status, PP_DNS_TIMEOUT);
    assert_non_null(strstr(a.err, "in 2 tries of 0.2 s"));
    assert_true(t >= 0.39 && t < 0.6);
    pp_dns_free(d);
}

static void test_closed_port(void **state)
{
    (void)state;
    pp_dns *d = new_resolver("127.0.0.1:1");
    pp_dns_answer a;
    pp_dns_lookup(d, "ok.example.test", PP_DNS_MX, &a);
    assert_int_equal(a.status, PP_DNS_ERROR);
    assert_non_null(strstr(a.err, "Connection refused"));
    pp_dns_free(d);
}

static void test_bad_specs(void **state)
{
    (void)state;
    char err[256];
    assert_null(pp_dns_new("[::1", err, sizeof err));
    assert_non_null(strstr(err, "bad DNS server"));
    assert_null(pp_dns_new("127.0.0.1:99999", err, sizeof err));
}

static int counted;

static void count_ok(pp_dns_answer *a, void *arg)
{
    (void)arg;
    if (a->status == PP_DNS_OK)
        counted++;
}

/* A callback that asks a follow-up question, as a plugin does for MX targets. */
static void chain(pp_dns_answer *a, void *arg)
{
    if (a->status == PP_DNS_OK)
        pp_dns_submit(arg, a->rr[0].host, PP_DNS_MX, count_ok, NULL);
}

static void test_many_in_flight(void **state)
{
    (void)state;
    pp_dns *d = new_resolver(server_spec);
    pp_dns_set_parallel(d, 200);
    char name[64];
    counted = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "d%d.example.test", i);
        pp_dns_submit(d, name, PP_DNS_MX, i % 2 ? count_ok : chain, d);
    }
    double t0 = mono();
    pp_dns_run(d);
    assert_int_equal(counted, 1000);
    assert_true(mono() - t0 < 1.0);
    pp_dns_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_truncated_then_tcp),
        cmocka_unit_test(test_wrong_id_ignored),
        cmocka_unit_test(test_junk),
        cmocka_unit_test(test_question_must_match),
        cmocka_unit_test(test_silent_server),
        cmocka_unit_test(test_closed_port),
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_many_in_flight),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
