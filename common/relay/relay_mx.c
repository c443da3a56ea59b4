/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay_mx.c - the MX configuration of many domains: lookups and judgments. The SMTP probes
 * are in relay_mx_probe.c. See relay_mx.h.
 */
#include "relay/relay_mx.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const struct {
    const char *text;
    pp_state state;
} problems[PP_RMX_NPROBLEMS] = {
    [PP_RMX_NXDOMAIN] = {"domain does not exist (NXDOMAIN)", PP_CRITICAL},
    [PP_RMX_SERVFAIL] = {"MX lookup SERVFAIL", PP_CRITICAL},
    [PP_RMX_DNS_FAILED] = {"DNS lookup failed", PP_UNKNOWN},
    [PP_RMX_NO_MAIL] = {"no MX and no address record", PP_CRITICAL},
    [PP_RMX_NULL_MX] = {"null MX, the domain accepts no mail (RFC 7505)", PP_CRITICAL},
    [PP_RMX_NULL_MX_MIXED] = {"null MX mixed with other MX records (RFC 7505)", PP_CRITICAL},
    [PP_RMX_NO_USABLE_MX] = {"no MX host with an address", PP_CRITICAL},
    [PP_RMX_HOP_NOADDR] = {"transport_maps next hop without address record", PP_CRITICAL},
    [PP_RMX_UNEXPECTED] = {"MX not as expected", PP_CRITICAL},
    [PP_RMX_SMTP_DOWN] = {"no MX host answers SMTP", PP_CRITICAL},
    [PP_RMX_SMTP_REFUSED] = {"MX refuses SMTP", PP_CRITICAL},
    [PP_RMX_IMPLICIT] = {"no MX record, implicit MX on A/AAAA (RFC 5321 5.1)", PP_WARNING},
    [PP_RMX_CNAME] = {"MX target is a CNAME (RFC 2181 10.3)", PP_WARNING},
    [PP_RMX_IP_LITERAL] = {"MX target is an IP address, not a host name", PP_WARNING},
    [PP_RMX_HOST_NOADDR] = {"MX host without address record", PP_WARNING},
    [PP_RMX_V6_ONLY] = {"MX hosts reachable over IPv6 only", PP_WARNING},
    [PP_RMX_HOST_FAILED] = {"MX host lookup failed", PP_WARNING},
    [PP_RMX_SMTP_SOME] = {"MX host not answering SMTP", PP_WARNING},
    [PP_RMX_ACCEPTS_ANY] = {"MX accepts unknown recipients (backscatter risk)", PP_WARNING},
    [PP_RMX_RCPT_TEMP] = {"MX deferred the unknown recipient", PP_WARNING},
    [PP_RMX_BACKSCATTER] = {"backscatter risk: relayed domains without relay_recipient_maps "
                            "or reject_unverified_recipient",
                            PP_WARNING},
    [PP_RMX_SMTP_OK] = {"MX hosts answer SMTP", PP_OK},
    [PP_RMX_RCPT_REFUSED] = {"MX hosts refuse unknown recipients", PP_OK},
};

const char *pp_rmx_problem_text(pp_rmx_problem p)
{
    return p < PP_RMX_NPROBLEMS ? problems[p].text : "?";
}

pp_state pp_rmx_problem_state(pp_rmx_problem p)
{
    return p < PP_RMX_NPROBLEMS ? problems[p].state : PP_UNKNOWN;
}

pp_rmx *pp_rmx_new(void)
{
    return pp_xcalloc(1, sizeof(pp_rmx));
}

void pp_rmx_add(pp_rmx *x, const char *domain)
{
    if (x->ndom == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->dom = pp_xrealloc(x->dom, x->cap * sizeof *x->dom);
    }
    pp_rmx_domain *d = &x->dom[x->ndom++];
    memset(d, 0, sizeof *d);
    d->name = pp_xstrdup(domain);
    d->status = PP_DNS_ERROR;
    d->inbound = true;
}

static int cmp_domain(const void *a, const void *b)
{
    return strcmp(((const pp_rmx_domain *)a)->name, ((const pp_rmx_domain *)b)->name);
}

static void free_domain(pp_rmx_domain *d)
{
    free(d->name);
    free(d->transport);
    for (size_t i = 0; i < d->nmx; i++)
        free(d->mx[i].name);
    free(d->mx);
    for (size_t i = 0; i < d->nnotes; i++)
        free(d->notes[i].text);
    free(d->notes);
}

void pp_rmx_finish_list(pp_rmx *x)
{
    if (x->ndom == 0)
        return;
    qsort(x->dom, x->ndom, sizeof *x->dom, cmp_domain);
    size_t k = 0;
    for (size_t i = 1; i < x->ndom; i++) {
        if (strcmp(x->dom[i].name, x->dom[k].name) == 0)
            free_domain(&x->dom[i]);
        else
            x->dom[++k] = x->dom[i];
    }
    x->ndom = k + 1;
}

pp_rmx_domain *pp_rmx_find(pp_rmx *x, const char *domain)
{
    pp_rmx_domain key = {.name = (char *)domain};
    return x->ndom ? bsearch(&key, x->dom, x->ndom, sizeof *x->dom, cmp_domain) : NULL;
}

/* An MX target written as an address ("192.0.2.1", "[192.0.2.1]", "::1"). */
static int is_ip_literal(const char *name);

/* host[:port] or [host][:port] of a network next hop into r. */
static void parse_host(const char *nexthop, pp_rmx_route *r, bool *bracket)
{
    const char *h = nexthop, *end;
    *bracket = h[0] == '[';
    if (*bracket) {
        h++;
        end = strchr(h, ']');
        end = end ? end : h + strlen(h);
    } else {
        end = h + strcspn(h, ":");
    }
    snprintf(r->host, sizeof r->host, "%.*s", (int)(end - h), h);
    const char *port = strchr(end, ':');
    snprintf(r->port, sizeof r->port, "%s", port ? port + 1 : "");
}

/* What a delivery agent that is no network client does with the mail. */
static void local_action(const char *name, const char *command, const char *text,
                         pp_rmx_route *r)
{
    r->hop = PP_RMX_HOP_LOCAL;
    if (strcmp(command, "error") == 0 && strcmp(name, "retry") == 0)
        snprintf(r->action, sizeof r->action, "deferred by %s(8) as retry: %s", command, text);
    else if (strcmp(command, "error") == 0)
        snprintf(r->action, sizeof r->action, "bounced by error(8): %s",
                 *text ? text : "Address is undeliverable");
    else if (strcmp(command, "discard") == 0)
        snprintf(r->action, sizeof r->action, "discarded by discard(8)%s%s", *text ? ": " : "",
                 text);
    else if (strcmp(command, "local") == 0 || strcmp(command, "virtual") == 0)
        snprintf(r->action, sizeof r->action, "delivered on this host by %s(8)", command);
    else
        snprintf(r->action, sizeof r->action, "handed to the %s service (%s(8))", name, command);
}

void pp_rmx_route_parse(const char *transport, const char *command, const char *domain,
                        pp_rmx_route *r)
{
    size_t n = strcspn(transport, ":");
    char name[64];
    const char *nexthop = transport[n] ? transport + n + 1 : "";
    bool bracket;

    memset(r, 0, sizeof *r);
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), transport);
    command = command ? command : name;
    bool smtp = strcmp(command, "smtp") == 0, lmtp = strcmp(command, "lmtp") == 0;
    if (!smtp && !lmtp) {
        local_action(name, command, nexthop, r);
        return;
    }
    char first[300]; /* smtp takes a list of next hops: Postfix tries the first one first */
    snprintf(first, sizeof first, "%.*s", (int)strcspn(nexthop, ", \t"), nexthop);
    const char *hop = first[0] ? first : domain;
    if (lmtp && strncmp(hop, "unix:", 5) == 0) {
        r->hop = PP_RMX_HOP_SOCKET;
        snprintf(r->host, sizeof r->host, "%s", hop + 5);
        return;
    }
    if (lmtp && strncmp(hop, "inet:", 5) == 0)
        hop += 5;
    parse_host(hop, r, &bracket);
    r->hop = is_ip_literal(r->host) ? PP_RMX_HOP_ADDRESS
             : smtp && !bracket    ? PP_RMX_HOP_MX
                                   : PP_RMX_HOP_HOST;
}

void pp_rmx_set_transport(pp_rmx_domain *d, const char *transport, const char *command)
{
    free(d->transport);
    d->transport = pp_xstrdup(transport);
    pp_rmx_route_parse(transport, command, d->name, &d->route);
}

/* The name whose MX Postfix asks for mail to d, as far as it is judged here. */
static const char *mx_lookup(const pp_rmx_domain *d)
{
    if (d->inbound || !d->transport)
        return d->name;
    return d->route.hop == PP_RMX_HOP_MX ? d->route.host : NULL;
}

/* The host whose addresses Postfix asks (no MX) for mail to d, when d is judged by it. */
static const char *hop_lookup(const pp_rmx_domain *d)
{
    return !d->inbound && d->transport && d->route.hop == PP_RMX_HOP_HOST ? d->route.host
                                                                          : NULL;
}

static int cmp_host(const void *a, const void *b)
{
    return strcasecmp(((const pp_rmx_host *)a)->name, ((const pp_rmx_host *)b)->name);
}

static pp_rmx_host *find_host(pp_rmx *x, const char *name)
{
    pp_rmx_host key = {.name = (char *)name};
    return x->nhosts ? bsearch(&key, x->hosts, x->nhosts, sizeof *x->hosts, cmp_host) : NULL;
}

void pp_rmx_free(pp_rmx *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->ndom; i++)
        free_domain(&x->dom[i]);
    for (size_t i = 0; i < x->nhosts; i++) {
        free(x->hosts[i].name);
        free(x->hosts[i].alias_target);
    }
    free(x->dom);
    free(x->hosts);
    free(x);
}

static int is_ip_literal(const char *name)
{
    char tmp[64];
    size_t n = strlen(name);
    if (n >= sizeof tmp)
        return 0;
    if (name[0] == '[' && n > 2 && name[n - 1] == ']') {
        memcpy(tmp, name + 1, n - 2);
        tmp[n - 2] = '\0';
    } else {
        memcpy(tmp, name, n + 1);
    }
    return pp_dns_is_address(tmp);
}

static void slower(pp_rmx *x, double s)
{
    if (s > x->slowest)
        x->slowest = s;
}

typedef struct mx_ctx {
    pp_rmx *x;
    pp_rmx_domain *d;
} mx_ctx;

static void on_mx(pp_dns_answer *ans, void *arg)
{
    mx_ctx *c = arg;
    pp_rmx_domain *d = c->d;
    d->status = ans->status;
    d->seconds = ans->seconds;
    slower(c->x, ans->seconds);
    if (ans->err[0])
        snprintf(d->err, sizeof d->err, "%s", ans->err);
    else
        snprintf(d->err, sizeof d->err, "%s from %s", pp_dns_status_str(ans->status),
                 ans->server);
    if (ans->status != PP_DNS_OK)
        return;
    d->mx = pp_xcalloc(ans->nrr, sizeof *d->mx);
    for (size_t i = 0; i < ans->nrr; i++) {
        if (ans->rr[i].type != PP_DNS_MX)
            continue;
        pp_rmx_mx *m = &d->mx[d->nmx++];
        m->pref = ans->rr[i].pref;
        m->name = pp_xstrdup(ans->rr[i].host);
    }
}

static void on_addr(pp_dns_answer *ans, void *arg)
{
    pp_rmx_host *h = arg;
    bool v4 = ans->qtype == PP_DNS_A;
    if (v4)
        h->a = ans->status;
    else
        h->aaaa = ans->status;
    if (ans->seconds > h->seconds)
        h->seconds = ans->seconds;
    if (pp_dns_answer_has_cname(ans) && !h->alias) {
        h->alias = true;
        for (size_t i = 0; i < ans->nrr && !h->alias_target; i++)
            if (ans->rr[i].type == PP_DNS_CNAME)
                h->alias_target = pp_xstrdup(ans->rr[i].host);
    }
    if (ans->status != PP_DNS_OK && ans->status != PP_DNS_NODATA &&
        ans->status != PP_DNS_NXDOMAIN)
        snprintf(h->err, sizeof h->err, "%s: %s", v4 ? "A" : "AAAA",
                 ans->err[0] ? ans->err : pp_dns_status_str(ans->status));
    for (size_t i = 0; i < ans->nrr; i++) {
        const pp_dns_rr *rr = &ans->rr[i];
        if (rr->type != ans->qtype)
            continue;
        v4 ? h->n4++ : h->n6++;
        if (h->naddr == sizeof h->addr / sizeof h->addr[0])
            continue;
        struct sockaddr_storage *ss = &h->addr[h->naddr];
        memset(ss, 0, sizeof *ss);
        if (v4) {
            struct sockaddr_in *in = (struct sockaddr_in *)ss;
            in->sin_family = AF_INET;
            memcpy(&in->sin_addr, rr->addr, 4);
            h->addrlen[h->naddr++] = sizeof *in;
        } else {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
            in6->sin6_family = AF_INET6;
            memcpy(&in6->sin6_addr, rr->addr, 16);
            h->addrlen[h->naddr++] = sizeof *in6;
        }
    }
}

/* The hosts to look up: every MX target that is a name, and domains without MX. */
static void collect_hosts(pp_rmx *x)
{
    size_t cap = 0;
    for (size_t i = 0; i < x->ndom; i++) {
        pp_rmx_domain *d = &x->dom[i];
        const char *one = hop_lookup(d) ? hop_lookup(d)
                          : d->status == PP_DNS_NODATA ? mx_lookup(d)
                                                       : NULL;
        size_t want = one ? 1 : d->nmx;
        if (x->nhosts + want > cap) {
            cap = (x->nhosts + want) * 2;
            x->hosts = pp_xrealloc(x->hosts, cap * sizeof *x->hosts);
        }
        for (size_t k = 0; k < want; k++) {
            const char *name = one ? one : d->mx[k].name;
            if (strcmp(name, ".") == 0 || is_ip_literal(name))
                continue;
            pp_rmx_host *h = &x->hosts[x->nhosts++];
            memset(h, 0, sizeof *h);
            h->name = pp_xstrdup(name);
            h->a = h->aaaa = PP_DNS_ERROR;
        }
    }
    if (x->nhosts == 0)
        return;
    qsort(x->hosts, x->nhosts, sizeof *x->hosts, cmp_host);
    size_t k = 0;
    for (size_t i = 1; i < x->nhosts; i++) {
        if (strcasecmp(x->hosts[i].name, x->hosts[k].name) == 0)
            free(x->hosts[i].name);
        else
            x->hosts[++k] = x->hosts[i];
    }
    x->nhosts = k + 1;
}

/* IPv4 addresses first, whichever answer came first: the same order on every run. */
static void order_addresses(pp_rmx_host *h)
{
    for (size_t i = 1; i < h->naddr; i++)
        for (size_t k = i; k > 0 && h->addr[k].ss_family == AF_INET &&
                           h->addr[k - 1].ss_family != AF_INET;
             k--) {
            struct sockaddr_storage t = h->addr[k];
            socklen_t tl = h->addrlen[k];
            h->addr[k] = h->addr[k - 1];
            h->addrlen[k] = h->addrlen[k - 1];
            h->addr[k - 1] = t;
            h->addrlen[k - 1] = tl;
        }
}

static void link_hosts(pp_rmx *x)
{
    for (size_t i = 0; i < x->nhosts; i++)
        order_addresses(&x->hosts[i]);
    for (size_t i = 0; i < x->ndom; i++) {
        pp_rmx_domain *d = &x->dom[i];
        if (d->status == PP_DNS_NODATA)
            d->self = find_host(x, mx_lookup(d));
        if (hop_lookup(d))
            d->hop = find_host(x, hop_lookup(d));
        for (size_t k = 0; k < d->nmx; k++)
            d->mx[k].host = find_host(x, d->mx[k].name);
    }
}

void pp_rmx_resolve(pp_rmx *x, pp_dns *dns)
{
    mx_ctx *ctx = pp_xcalloc(x->ndom ? x->ndom : 1, sizeof *ctx);
    for (size_t i = 0; i < x->ndom; i++) {
        ctx[i] = (mx_ctx){x, &x->dom[i]};
        if (mx_lookup(&x->dom[i]))
            pp_dns_submit(dns, mx_lookup(&x->dom[i]), PP_DNS_MX, on_mx, &ctx[i]);
    }
    pp_dns_run(dns);
    free(ctx);
    collect_hosts(x);
    for (size_t i = 0; i < x->nhosts; i++) {
        pp_dns_submit(dns, x->hosts[i].name, PP_DNS_A, on_addr, &x->hosts[i]);
        pp_dns_submit(dns, x->hosts[i].name, PP_DNS_AAAA, on_addr, &x->hosts[i]);
    }
    pp_dns_run(dns);
    for (size_t i = 0; i < x->nhosts; i++)
        slower(x, x->hosts[i].seconds);
    link_hosts(x);
}

void pp_rmx_note(pp_rmx_domain *dom, pp_rmx_problem p, const char *fmt, ...)
{
    va_list ap;
    dom->notes = pp_xrealloc(dom->notes, (dom->nnotes + 1) * sizeof *dom->notes);
    pp_rmx_issue *n = &dom->notes[dom->nnotes++];
    n->problem = p;
    va_start(ap, fmt);
    if (vasprintf(&n->text, fmt, ap) < 0)
        n->text = pp_xstrdup(dom->name);
    va_end(ap);
}

/* The host's addresses, space-separated. */
static void host_addresses(const pp_rmx_host *h, pp_buf *out)
{
    char a[INET6_ADDRSTRLEN];
    for (size_t i = 0; i < h->naddr; i++) {
        pp_dns_addr_text(&h->addr[i], a, sizeof a);
        pp_buf_printf(out, "%s%s", i ? " " : "", a);
    }
}

/* One of the domain's MX hosts has this address. */
static bool is_mx_address(const pp_rmx_domain *d, const char *addr)
{
    char a[INET6_ADDRSTRLEN];
    for (size_t i = 0; i < d->nmx; i++)
        for (size_t k = 0; d->mx[i].host && k < d->mx[i].host->naddr; k++) {
            pp_dns_addr_text(&d->mx[i].host->addr[k], a, sizeof a);
            if (strcmp(a, addr) == 0)
                return true;
        }
    return false;
}

static bool has_address(const pp_rmx_host *h)
{
    return h && h->n4 + h->n6 > 0;
}

/* Both lookups gave a definite answer (the host has no address for sure). */
static bool lookups_final(const pp_rmx_host *h)
{
    return (h->a == PP_DNS_OK || h->a == PP_DNS_NODATA || h->a == PP_DNS_NXDOMAIN) &&
           (h->aaaa == PP_DNS_OK || h->aaaa == PP_DNS_NODATA || h->aaaa == PP_DNS_NXDOMAIN);
}

static const char *why_no_address(const pp_rmx_host *h)
{
    if (!lookups_final(h))
        return h->err;
    return h->a == PP_DNS_NXDOMAIN ? "does not exist" : "has no A/AAAA record";
}

static void judge_implicit(pp_rmx_domain *d)
{
    const pp_rmx_host *h = d->self;
    if (has_address(h)) {
        pp_buf a;
        pp_buf_init(&a);
        host_addresses(h, &a);
        pp_rmx_note(d, PP_RMX_IMPLICIT, "mail goes to %s", a.s);
        pp_buf_free(&a);
    }
    else if (h && !lookups_final(h))
        pp_rmx_note(d, PP_RMX_DNS_FAILED, "no MX record, address lookup failed: %s",
                    h->err);
    else
        pp_rmx_note(d, PP_RMX_NO_MAIL, "%s", "");
}

static bool expected(const pp_rmx_domain *d, const pp_rmx_expect *e)
{
    if (e->regex) {
        pcre2_match_data *md = pcre2_match_data_create(4, NULL);
        bool ok = d->nmx > 0;
        for (size_t i = 0; i < d->nmx && ok; i++)
            ok = pcre2_match(e->regex, (PCRE2_SPTR)d->mx[i].name, PCRE2_ZERO_TERMINATED, 0, 0,
                             md, NULL) >= 0;
        pcre2_match_data_free(md);
        return ok;
    }
    for (size_t i = 0; i < d->nmx; i++) {
        size_t k = 0;
        while (k < e->nnames && !pp_dns_name_eq(e->names[k], d->mx[i].name))
            k++;
        if (k == e->nnames)
            return false;
    }
    for (size_t k = 0; k < e->nnames; k++) {
        size_t i = 0;
        while (i < d->nmx && !pp_dns_name_eq(e->names[k], d->mx[i].name))
            i++;
        if (i == d->nmx)
            return false;
    }
    return true;
}

static void judge_mx(pp_rmx_domain *d, const pp_rmx_expect *e)
{
    size_t usable = 0, with_v4 = 0, nulls = 0, failed = 0, noaddr = 0;
    pp_buf why;
    pp_buf_init(&why);

    for (size_t i = 0; i < d->nmx; i++) {
        const pp_rmx_mx *m = &d->mx[i];
        const pp_rmx_host *h = m->host;
        if (strcmp(m->name, ".") == 0) {
            nulls++;
        } else if (is_ip_literal(m->name)) {
            pp_rmx_note(d, PP_RMX_IP_LITERAL, "MX %u %s", m->pref, m->name);
            pp_buf_printf(&why, "%s%s is an IP address", why.len ? "; " : "", m->name);
        } else if (has_address(h)) {
            usable++;
            with_v4 += h->n4 > 0;
            if (h->alias)
                pp_rmx_note(d, PP_RMX_CNAME, "MX %u %s is an alias of %s", m->pref, m->name,
                            h->alias_target ? h->alias_target : "?");
        } else {
            failed += h && !lookups_final(h);
            noaddr++;
            pp_buf_printf(&why, "%s%s %s", why.len ? "; " : "", m->name,
                          h ? why_no_address(h) : "was not looked up");
        }
    }
    if (nulls && nulls == d->nmx)
        pp_rmx_note(d, PP_RMX_NULL_MX, "%s", "");
    else if (nulls)
        pp_rmx_note(d, PP_RMX_NULL_MX_MIXED, "next to %zu other MX", d->nmx - nulls);
    else if (usable == 0 && failed)
        pp_rmx_note(d, PP_RMX_DNS_FAILED, "MX host lookups failed: %s", why.s);
    else if (usable == 0)
        pp_rmx_note(d, PP_RMX_NO_USABLE_MX, "%s", why.s);
    else if (noaddr)
        pp_rmx_note(d, failed ? PP_RMX_HOST_FAILED : PP_RMX_HOST_NOADDR, "%s", why.s);
    if (usable && !with_v4)
        pp_rmx_note(d, PP_RMX_V6_ONLY, "no MX host has an IPv4 address");
    if (e && (e->regex || e->nnames) && !nulls && !expected(d, e)) {
        pp_buf list;
        pp_buf_init(&list);
        for (size_t i = 0; i < d->nmx; i++)
            pp_buf_printf(&list, "%s%s", i ? ", " : "", d->mx[i].name);
        pp_rmx_note(d, PP_RMX_UNEXPECTED, "MX is %s", list.s ? list.s : "(none)");
        pp_buf_free(&list);
    }
    pp_buf_free(&why);
}

/* A domain Postfix sends without an MX lookup: only a next hop host has something to judge. */
static void judge_hop(pp_rmx_domain *d)
{
    const pp_rmx_host *h = d->hop;
    if (!hop_lookup(d) || has_address(h))
        return;
    if (h && !lookups_final(h))
        pp_rmx_note(d, PP_RMX_DNS_FAILED, "next hop %s: address lookup failed: %s",
                    d->route.host, h->err);
    else
        pp_rmx_note(d, PP_RMX_HOP_NOADDR, "%s %s", d->route.host,
                    h ? why_no_address(h) : "was not looked up");
}

void pp_rmx_judge(pp_rmx *x, const pp_rmx_expect *e)
{
    for (size_t i = 0; i < x->ndom; i++) {
        pp_rmx_domain *d = &x->dom[i];
        const char *lookup = mx_lookup(d);
        if (!lookup) {
            judge_hop(d);
            continue;
        }
        if (strcmp(lookup, d->name) != 0 && d->status == PP_DNS_NXDOMAIN) {
            pp_rmx_note(d, PP_RMX_NXDOMAIN, "next hop %s", lookup);
            continue;
        }
        switch (d->status) {
        case PP_DNS_OK:
            judge_mx(d, e);
            break;
        case PP_DNS_NODATA:
            judge_implicit(d);
            break;
        case PP_DNS_NXDOMAIN:
            pp_rmx_note(d, PP_RMX_NXDOMAIN, "%s", "");
            break;
        case PP_DNS_SERVFAIL:
            pp_rmx_note(d, PP_RMX_SERVFAIL, "%s", d->err);
            break;
        default:
            pp_rmx_note(d, PP_RMX_DNS_FAILED, "MX lookup %s: %s",
                        pp_dns_status_str(d->status), d->err);
            break;
        }
    }
}

static void describe_host(const pp_rmx_host *h, pp_buf *out)
{
    if (!h) {
        pp_buf_puts(out, " (not a host name)");
        return;
    }
    pp_buf_puts(out, " (");
    if (h->naddr == 0)
        pp_buf_puts(out, why_no_address(h));
    host_addresses(h, out);
    pp_buf_putc(out, ')');
}

/* ", an address of one of its MX hosts" and the like, for a next hop host or address. */
static const char *as_mx(const pp_rmx_domain *d)
{
    if (!d->inbound)
        return d->route.hop == PP_RMX_HOP_ADDRESS ? "no DNS lookup" : "no MX lookup";
    for (size_t i = 0; i < d->nmx; i++)
        if (pp_dns_name_eq(d->mx[i].name, d->route.host))
            return "one of its MX hosts";
    return is_mx_address(d, d->route.host) ? "an address of one of its MX hosts"
                                           : "not one of its MX hosts";
}

/* Where the transport_maps entry sends the domain, next to what DNS says. */
static void describe_transport(const pp_rmx_domain *d, const char *sep, pp_buf *out)
{
    const pp_rmx_route *r = &d->route;
    char port[48] = "";

    if (r->port[0])
        snprintf(port, sizeof port, " port %s", r->port);
    pp_buf_printf(out, "%s transport_maps: %s (", sep, d->transport);
    switch (r->hop) {
    case PP_RMX_HOP_MX:
        if (pp_dns_name_eq(r->host, d->name))
            pp_buf_printf(out, "to the MX hosts%s, as DNS says", port);
        else
            pp_buf_printf(out, "to the MX hosts of %s%s%s", r->host, port,
                          d->inbound ? ", not of the domain" : "");
        break;
    case PP_RMX_HOP_HOST:
    case PP_RMX_HOP_ADDRESS:
        pp_buf_printf(out, "straight to %s%s, %s", r->host, port, as_mx(d));
        break;
    case PP_RMX_HOP_SOCKET:
        pp_buf_printf(out, "LMTP over the local socket %s, no DNS lookup", r->host);
        break;
    case PP_RMX_HOP_LOCAL:
        pp_buf_printf(out, "%s, no network next hop", r->action);
        break;
    }
    pp_buf_putc(out, ')');
}

/* The MX answer for the name Postfix asks, or the next hop host of a domain without MX
 * lookup; false when there was no DNS lookup. */
static bool describe_dns(const pp_rmx_domain *d, pp_buf *out)
{
    const char *lookup = mx_lookup(d);
    if (!lookup) {
        if (!d->hop)
            return false;
        pp_buf_printf(out, " next hop %s", d->route.host);
        describe_host(d->hop, out);
        pp_buf_printf(out, " [DNS %.1f ms]", d->hop->seconds * 1000);
        return true;
    }
    if (strcmp(lookup, d->name) != 0)
        pp_buf_printf(out, " next hop %s:", lookup);
    if (d->status == PP_DNS_OK) {
        for (size_t i = 0; i < d->nmx; i++) {
            pp_buf_printf(out, "%s MX %u %s", i ? "," : "", d->mx[i].pref, d->mx[i].name);
            if (strcmp(d->mx[i].name, ".") != 0)
                describe_host(d->mx[i].host, out);
        }
    } else if (d->status == PP_DNS_NODATA) {
        pp_buf_puts(out, " no MX, implicit MX");
        describe_host(d->self, out);
    } else {
        pp_buf_printf(out, " MX lookup %s", pp_dns_status_str(d->status));
    }
    pp_buf_printf(out, " [DNS %.1f ms]", d->seconds * 1000);
    return true;
}

void pp_rmx_describe(const pp_rmx_domain *d, pp_buf *out)
{
    bool dns = describe_dns(d, out);
    if (d->transport)
        describe_transport(d, dns ? ";" : "", out);
    else if (!dns)
        pp_buf_puts(out, " no DNS lookup");
}
