/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dns.c - the I/O part of the dns module: queries made with res_nmkquery, sent over UDP
 * (TCP when truncated) many at a time from one poll() loop. See dns.h.
 */
#include "dns/dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/timeout.h"

#define QUERY_MAX (NS_PACKETSZ + 11) /* res_nmkquery's limit plus our OPT record */
#define EDNS_UDP_SIZE 1232
#define RECV_MAX 65536
#define DEFAULT_PARALLEL 128
#define MAX_PER_TRY 2.0

typedef struct server {
    struct sockaddr_storage sa;
    socklen_t salen;
    char text[64];
} server;

typedef struct job {
    char *name;
    int type;
    pp_dns_cb cb;
    void *arg;
} job;

enum phase { IDLE, UDP_WAIT, TCP_CONNECT, TCP_WRITE, TCP_READ };

typedef struct slot {
    enum phase phase;
    job j;
    int fd;
    unsigned char q[QUERY_MAX + 2]; /* 2 bytes room for the TCP length prefix */
    size_t qlen;
    unsigned id;
    int attempt;         /* tries made so far */
    int srv;             /* server of the current try */
    double started;      /* first try */
    double try_deadline; /* end of the current try */
    size_t io_done;      /* TCP: bytes written, or read */
    unsigned char tcp_len[2];
    unsigned char *tcp_buf;
    size_t tcp_need;
    pp_dns_answer fallback; /* a SERVFAIL/REFUSED kept while other servers are tried */
    bool has_fallback;
} slot;

struct pp_dns {
    struct __res_state res;
    server *srv;
    size_t nsrv;
    char *srv_text;
    double per_try;
    int tries;
    slot *slots;
    size_t nslots;
    job *pending;
    size_t phead, ptail, pcap;
    double deadline; /* of the current pp_dns_run */
    unsigned char *rbuf;
};

void pp_dns_addr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
    const void *p = ss->ss_family == AF_INET
                        ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
                        : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    if (!inet_ntop(ss->ss_family, p, out, (socklen_t)len))
        snprintf(out, len, "?");
}

bool pp_dns_is_address(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* "ADDR:PORT" or "[ADDR]:PORT", for messages. */
static void server_text(server *s)
{
    char a[INET6_ADDRSTRLEN];
    bool v4 = s->sa.ss_family == AF_INET;
    in_port_t port = v4 ? ((const struct sockaddr_in *)&s->sa)->sin_port
                        : ((const struct sockaddr_in6 *)&s->sa)->sin6_port;
    pp_dns_addr_text(&s->sa, a, sizeof a);
    snprintf(s->text, sizeof s->text, "%s%s%s:%u", v4 ? "" : "[", a, v4 ? "" : "]", ntohs(port));
}

static void add_server(pp_dns *d, const struct sockaddr *sa, socklen_t len)
{
    if (len > sizeof(struct sockaddr_storage))
        return;
    d->srv = pp_xrealloc(d->srv, (d->nsrv + 1) * sizeof *d->srv);
    server *s = &d->srv[d->nsrv++];
    memset(s, 0, sizeof *s);
    memcpy(&s->sa, sa, len);
    s->salen = len;
    server_text(s);
}

/* The nameservers res_ninit found: IPv4 ones in nsaddr_list, IPv6 ones in _u._ext. */
static void servers_from_resolv(pp_dns *d)
{
    for (int i = 0; i < d->res.nscount && i < MAXNS; i++) {
        if (d->res.nsaddr_list[i].sin_family == AF_INET)
            add_server(d, (struct sockaddr *)&d->res.nsaddr_list[i],
                       sizeof d->res.nsaddr_list[i]);
        else if (d->res._u._ext.nsaddrs[i])
            add_server(d, (struct sockaddr *)d->res._u._ext.nsaddrs[i],
                       sizeof(struct sockaddr_in6));
    }
}

static int servers_from_spec(pp_dns *d, const char *spec, char *err, size_t errlen)
{
    char host[256], port[8];
    unsigned p;
    if (pp_dns_parse_server(spec, host, sizeof host, &p) < 0)
        return pp_errf(err, errlen,
                       "bad DNS server '%s' (use ADDRESS, ADDRESS:PORT or [IPV6]:PORT)", spec);
    snprintf(port, sizeof port, "%u", p);
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV}, *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        return pp_errf(err, errlen, "DNS server '%s': %s", host, gai_strerror(rc));
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
            add_server(d, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

pp_dns *pp_dns_new(const char *server, char *err, size_t errlen)
{
    pp_dns *d = pp_xcalloc(1, sizeof *d);
    if (res_ninit(&d->res) != 0) {
        snprintf(err, errlen, "cannot initialize the resolver (res_ninit)");
        free(d);
        return NULL;
    }
    if (server ? servers_from_spec(d, server, err, errlen) < 0 : (servers_from_resolv(d), 0)) {
        pp_dns_free(d);
        return NULL;
    }
    if (d->nsrv == 0) {
        snprintf(err, errlen, "no DNS server to ask");
        pp_dns_free(d);
        return NULL;
    }
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < d->nsrv; i++)
        pp_buf_printf(&b, "%s%s", i ? ", " : "", d->srv[i].text);
    d->srv_text = b.s;
    d->per_try = d->res.retrans > 0 && d->res.retrans < MAX_PER_TRY ? d->res.retrans : MAX_PER_TRY;
    d->tries = d->res.retry > 0 ? d->res.retry : 2;
    d->rbuf = pp_xmalloc(RECV_MAX);
    pp_dns_set_parallel(d, DEFAULT_PARALLEL);
    return d;
}

void pp_dns_set_timeout(pp_dns *d, double per_try, int tries)
{
    if (per_try > 0)
        d->per_try = per_try;
    if (tries > 0)
        d->tries = tries;
}

void pp_dns_set_parallel(pp_dns *d, int max_in_flight)
{
    if (max_in_flight < 1)
        max_in_flight = 1;
    for (size_t i = 0; i < d->nslots; i++)
        if (d->slots[i].phase != IDLE)
            return; /* not while queries are in flight */
    free(d->slots);
    d->nslots = (size_t)max_in_flight;
    d->slots = pp_xcalloc(d->nslots, sizeof *d->slots);
    for (size_t i = 0; i < d->nslots; i++)
        d->slots[i].fd = -1;
}

const char *pp_dns_servers(const pp_dns *d)
{
    return d->srv_text;
}

void pp_dns_free(pp_dns *d)
{
    if (!d)
        return;
    for (size_t i = d->phead; i < d->ptail; i++)
        free(d->pending[i].name);
    for (size_t i = 0; i < d->nslots; i++) {
        if (d->slots[i].fd >= 0)
            close(d->slots[i].fd);
        free(d->slots[i].j.name);
        free(d->slots[i].tcp_buf);
        pp_dns_answer_free(&d->slots[i].fallback);
    }
    res_nclose(&d->res);
    free(d->slots);
    free(d->pending);
    free(d->srv);
    free(d->srv_text);
    free(d->rbuf);
    free(d);
}

void pp_dns_submit(pp_dns *d, const char *name, int type, pp_dns_cb cb, void *arg)
{
    if (d->ptail == d->pcap) {
        if (d->phead > 0) {
            memmove(d->pending, d->pending + d->phead, (d->ptail - d->phead) * sizeof *d->pending);
            d->ptail -= d->phead;
            d->phead = 0;
        }
        if (d->ptail == d->pcap) {
            d->pcap = d->pcap ? d->pcap * 2 : 64;
            d->pending = pp_xrealloc(d->pending, d->pcap * sizeof *d->pending);
        }
    }
    d->pending[d->ptail++] = (job){pp_xstrdup(name), type, cb, arg};
}

/* Ends a query: hands the answer to its callback and frees the slot. */
static void finish(slot *s, pp_dns_answer *ans)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->tcp_buf);
    s->tcp_buf = NULL;
    if (s->has_fallback && ans != &s->fallback)
        pp_dns_answer_free(&s->fallback);
    s->has_fallback = false;
    ans->seconds = s->started > 0 ? pp_timeout_now() - s->started : 0;
    job j = s->j;
    s->j.name = NULL;
    s->phase = IDLE;
    j.cb(ans, j.arg);
    pp_dns_answer_free(ans);
    free(j.name);
}

/* Ends a query without an answer from a server. */
static void finish_status(pp_dns *d, slot *s, pp_dns_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void finish_status(pp_dns *d, slot *s, pp_dns_status st, const char *fmt, ...)
{
    pp_dns_answer a;
    memset(&a, 0, sizeof a);
    a.status = st;
    a.rcode = -1;
    a.qtype = s->j.type;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a.err, sizeof a.err, fmt, ap);
    va_end(ap);
    if (s->srv >= 0 && (size_t)s->srv < d->nsrv)
        snprintf(a.server, sizeof a.server, "%s", d->srv[s->srv].text);
    finish(s, &a);
}

static int open_socket(const server *sv, int type)
{
    int fd = socket(sv->sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&sv->sa, sv->salen) < 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void next_try(pp_dns *d, slot *s, const char *why);

static void send_udp(pp_dns *d, slot *s)
{
    const server *sv = &d->srv[s->srv];
    s->fd = open_socket(sv, SOCK_DGRAM);
    if (s->fd < 0 || send(s->fd, s->q + 2, s->qlen, 0) != (ssize_t)s->qlen) {
        char why[128];
        snprintf(why, sizeof why, "%s: %s", sv->text, strerror(errno));
        next_try(d, s, why);
        return;
    }
    s->phase = UDP_WAIT;
}

static void start_tcp(pp_dns *d, slot *s)
{
    const server *sv = &d->srv[s->srv];
    close(s->fd);
    s->fd = open_socket(sv, SOCK_STREAM);
    if (s->fd < 0) {
        char why[128];
        snprintf(why, sizeof why, "%s (TCP): %s", sv->text, strerror(errno));
        next_try(d, s, why);
        return;
    }
    s->q[0] = (unsigned char)(s->qlen >> 8);
    s->q[1] = (unsigned char)s->qlen;
    s->io_done = 0;
    s->tcp_need = 2;
    s->phase = TCP_CONNECT;
    s->try_deadline = pp_timeout_now() + d->per_try;
}

/* Starts try number s->attempt, to the next server in turn, or gives up. */
static void next_try(pp_dns *d, slot *s, const char *why)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->tcp_buf);
    s->tcp_buf = NULL;
    double t = pp_timeout_now();
    if (s->attempt >= d->tries * (int)d->nsrv || t >= d->deadline) {
        if (s->has_fallback)
            finish(s, &s->fallback);
        else if (why)
            finish_status(d, s, PP_DNS_ERROR, "%s", why);
        else if (t >= d->deadline)
            finish_status(d, s, PP_DNS_TIMEOUT, "no answer from %s before the time limit",
                          d->srv_text);
        else
            finish_status(d, s, PP_DNS_TIMEOUT, "no answer from %s in %d tries of %.1f s",
                          d->srv_text, d->tries, d->per_try);
        return;
    }
    s->srv = s->attempt % (int)d->nsrv;
    s->attempt++;
    s->try_deadline = t + d->per_try;
    send_udp(d, s);
}

/* Builds the query: res_nmkquery, a fresh random id, AD set, an EDNS0 OPT record. */
static int make_query(pp_dns *d, slot *s)
{
    unsigned char *q = s->q + 2;
    int n = res_nmkquery(&d->res, ns_o_query, s->j.name, ns_c_in, s->j.type, NULL, 0, NULL, q,
                         NS_PACKETSZ);
    if (n < 12)
        return -1;
    s->id = arc4random() & 0xffff;
    q[0] = (unsigned char)(s->id >> 8);
    q[1] = (unsigned char)s->id;
    q[3] |= 0x20;
    static const unsigned char opt[11] = {0, 0, 41, EDNS_UDP_SIZE >> 8, EDNS_UDP_SIZE & 0xff,
                                          0, 0, 0, 0, 0, 0};
    memcpy(q + n, opt, sizeof opt);
    q[10] = 0;
    q[11] = 1; /* ARCOUNT */
    s->qlen = (size_t)n + sizeof opt;
    return 0;
}

static void start_job(pp_dns *d, slot *s, job j)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->srv = -1;
    s->j = j;
    s->phase = UDP_WAIT; /* busy until finished */
    if (pp_timeout_now() >= d->deadline) {
        finish_status(d, s, PP_DNS_TIMEOUT, "not asked: the plugin's time limit was reached");
        return;
    }
    if (make_query(d, s) < 0) {
        finish_status(d, s, PP_DNS_ERROR, "cannot make a DNS query for '%s'", j.name);
        return;
    }
    s->started = pp_timeout_now();
    next_try(d, s, NULL);
}

/* An answer arrived for s: checks it belongs to the query, then finishes or retries. */
static void got_answer(pp_dns *d, slot *s, const unsigned char *msg, size_t len, bool tcp)
{
    const server *sv = &d->srv[s->srv];
    pp_dns_answer a;
    char err[160];

    if (len < 2 || ((unsigned)msg[0] << 8 | msg[1]) != s->id)
        return; /* not ours (UDP): keep waiting */
    if (pp_dns_parse(msg, len, &a, err, sizeof err) < 0) {
        char why[256];
        snprintf(why, sizeof why, "bad answer from %s: %s", sv->text, err);
        next_try(d, s, why);
        return;
    }
    if (!pp_dns_name_eq(a.qname, s->j.name) || a.qtype != s->j.type || a.qclass != 1) {
        pp_dns_answer_free(&a);
        return;
    }
    snprintf(a.server, sizeof a.server, "%s", sv->text);
    if (a.tc && !tcp) {
        pp_dns_answer_free(&a);
        start_tcp(d, s);
        return;
    }
    if ((a.status == PP_DNS_SERVFAIL || a.status == PP_DNS_REFUSED) && d->nsrv > 1 &&
        s->attempt < d->tries * (int)d->nsrv) {
        pp_dns_answer_free(&s->fallback);
        s->fallback = a;
        s->has_fallback = true;
        next_try(d, s, NULL);
        return;
    }
    finish(s, &a);
}

static void on_udp(pp_dns *d, slot *s)
{
    ssize_t n = recv(s->fd, d->rbuf, RECV_MAX, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        char why[128];
        snprintf(why, sizeof why, "%s: %s", d->srv[s->srv].text, strerror(errno));
        next_try(d, s, why);
        return;
    }
    got_answer(d, s, d->rbuf, (size_t)n, false);
}

static void tcp_failed(pp_dns *d, slot *s, int e)
{
    char why[128];
    snprintf(why, sizeof why, "%s (TCP): %s", d->srv[s->srv].text,
             e ? strerror(e) : "connection closed");
    next_try(d, s, why);
}

static void on_tcp(pp_dns *d, slot *s)
{
    ssize_t n;
    if (s->phase == TCP_CONNECT) {
        int e = 0;
        socklen_t el = sizeof e;
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el);
        if (e) {
            tcp_failed(d, s, e);
            return;
        }
        s->phase = TCP_WRITE;
    }
    if (s->phase == TCP_WRITE) {
        n = send(s->fd, s->q + s->io_done, s->qlen + 2 - s->io_done, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                tcp_failed(d, s, errno);
            return;
        }
        s->io_done += (size_t)n;
        if (s->io_done == s->qlen + 2) {
            s->phase = TCP_READ;
            s->io_done = 0;
        }
        return;
    }
    /* TCP_READ: the 2-byte length, then the message into tcp_buf. */
    unsigned char *dst = s->tcp_buf ? s->tcp_buf : s->tcp_len;
    n = recv(s->fd, dst + s->io_done, s->tcp_need - s->io_done, 0);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        tcp_failed(d, s, n < 0 ? errno : 0);
        return;
    }
    s->io_done += (size_t)n;
    if (s->io_done < s->tcp_need)
        return;
    if (!s->tcp_buf) {
        s->tcp_need = (size_t)s->tcp_len[0] << 8 | s->tcp_len[1];
        if (s->tcp_need < 12) {
            tcp_failed(d, s, EPROTO);
            return;
        }
        s->tcp_buf = pp_xmalloc(s->tcp_need);
        s->io_done = 0;
        return;
    }
    got_answer(d, s, s->tcp_buf, s->tcp_need, true);
}

static short want_events(const slot *s)
{
    return s->phase == TCP_CONNECT || s->phase == TCP_WRITE ? POLLOUT : POLLIN;
}

/* Deadline of this run: a little before the plugin's -t alarm. */
static double run_deadline(void)
{
    double left = pp_timeout_left(), margin = left * 0.1;
    if (margin > 0.5)
        margin = 0.5;
    return pp_timeout_now() + left - margin;
}

void pp_dns_run(pp_dns *d)
{
    struct pollfd *pfd = pp_xcalloc(d->nslots, sizeof *pfd);
    size_t *idx = pp_xcalloc(d->nslots, sizeof *idx);
    d->deadline = run_deadline();

    for (;;) {
        for (size_t i = 0; i < d->nslots && d->phead < d->ptail; i++)
            if (d->slots[i].phase == IDLE)
                start_job(d, &d->slots[i], d->pending[d->phead++]);
        size_t np = 0;
        double t = pp_timeout_now(), wake = d->deadline;
        for (size_t i = 0; i < d->nslots; i++) {
            slot *s = &d->slots[i];
            if (s->phase == IDLE || s->fd < 0)
                continue;
            pfd[np] = (struct pollfd){.fd = s->fd, .events = want_events(s)};
            idx[np++] = i;
            if (s->try_deadline < wake)
                wake = s->try_deadline;
        }
        if (np == 0 && d->phead == d->ptail)
            break;
        int ms = wake > t ? (int)((wake - t) * 1000) + 1 : 0;
        int rc = poll(pfd, np, ms);
        if (rc < 0 && errno != EINTR)
            break;
        for (size_t k = 0; rc > 0 && k < np; k++) {
            slot *s = &d->slots[idx[k]];
            if (!pfd[k].revents || s->fd != pfd[k].fd)
                continue;
            if (s->phase == UDP_WAIT)
                on_udp(d, s);
            else
                on_tcp(d, s);
        }
        t = pp_timeout_now();
        for (size_t i = 0; i < d->nslots; i++) {
            slot *s = &d->slots[i];
            if (s->phase != IDLE && s->fd >= 0 && (t >= s->try_deadline || t >= d->deadline))
                next_try(d, s, NULL);
        }
    }
    /* poll failed: end every open query rather than leave callbacks uncalled. */
    for (size_t i = 0; i < d->nslots; i++)
        if (d->slots[i].phase != IDLE)
            finish_status(d, &d->slots[i], PP_DNS_ERROR, "poll: %s", strerror(errno));
    while (d->phead < d->ptail) {
        slot tmp = {.fd = -1, .srv = -1};
        tmp.j = d->pending[d->phead++];
        finish_status(d, &tmp, PP_DNS_ERROR, "not asked: poll failed");
    }
    d->phead = d->ptail = 0;
    free(pfd);
    free(idx);
}

static void keep_answer(pp_dns_answer *ans, void *arg)
{
    *(pp_dns_answer *)arg = *ans;
    memset(ans, 0, sizeof *ans);
}

void pp_dns_lookup(pp_dns *d, const char *name, int type, pp_dns_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    ans->status = PP_DNS_ERROR;
    pp_dns_submit(d, name, type, keep_answer, ans);
    pp_dns_run(d);
}
