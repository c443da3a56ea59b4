/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_mta_sts - the MTA-STS setup of mail domains as a sending MTA sees it (RFC 8461):
 * the _mta-sts TXT record, the policy fetched over HTTPS as senders must fetch it, parsed
 * strictly, every MX host covered by the policy's mx patterns and presenting a certificate
 * PKIX-valid for its name over STARTTLS, and the TLS-RPT record (RFC 8460) that tells
 * where failures are reported. Domains come from -D, or with -C from the Postfix instance:
 * every domain it receives mail for (mydestination, virtual and relay domains).
 *
 * DNS lookups run concurrently (common/dns); the policy fetches and the STARTTLS sessions
 * run concurrently in threads (common/core/workpool), at most MAX_THREADS at a time.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/opts.h"
#include "core/result.h"
#include "core/timeout.h"
#include "core/workpool.h"
#include "dns/dns.h"
#include "postfix/pflist.h"
#include "postfix/postconf.h"
#include "tls/httpsget.h"
#include "tls/mtasts.h"
#include "tls/tlsfetch.h"
#include "tls/tlsinspect.h"

#define MAX_THREADS 16
#define MAX_ADDRS 4
#define POLICY_MAX_BODY 65536 /* RFC 8461 3.3: senders may refuse larger policies */

static pp_strlist opt_domains;
static const char *opt_expect, *opt_server, *opt_cafile, *opt_connect_to;
static long opt_port = 25;
static double opt_warn = 20, opt_crit = 15;

static const pp_opt opts[] = {
    {"domain", 'D', "DOMAIN", PP_OPT_LIST, &opt_domains,
     "a domain to check (repeatable); default with -C: every domain Postfix receives mail for",
     NULL},
    {"expect-mode", 0, "MODE", PP_OPT_STR, &opt_expect,
     "CRITICAL unless the policy's mode is MODE (enforce, testing, or none: no policy)", NULL},
    {"server", 's', "SERVER[:PORT]", PP_OPT_STR, &opt_server,
     "DNS server (IPv4, [IPv6]:PORT or a name); default: /etc/resolv.conf", NULL},
    {"cafile", 0, "FILE", PP_OPT_STR, &opt_cafile,
     "trust the CA certificates in FILE instead of the system's store (HTTPS and SMTP)", NULL},
    {"connect-to", 0, "HOST:PORT:ADDR:PORT", PP_OPT_STR, &opt_connect_to,
     "fetch https://HOST:PORT/ from ADDR:PORT instead (as curl's --connect-to; the "
     "certificate is still checked for HOST)", NULL},
    {"port", 'p', "PORT", PP_OPT_INT, &opt_port, "the MX hosts' SMTP port (default 25)", NULL},
    {"warning", 'w', "DAYS", PP_OPT_DOUBLE, &opt_warn,
     "WARNING when an MX host's certificate expires in less than DAYS (default 20)", NULL},
    {"critical", 'c', "DAYS", PP_OPT_DOUBLE, &opt_crit,
     "CRITICAL when an MX host's certificate expires in less than DAYS (default 15)", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-D example.org --expect-mode enforce",
     "the policy of example.org must be in enforce mode and cover every MX host"},
    {"-C /etc/postfix -w 30 -c 14",
     "every domain this Postfix receives mail for; MX certificates valid 30 days or more"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_mta_sts",
    .service = "MTA_STS",
    .purpose = "Checks the MTA-STS setup of mail domains as senders such as Gmail see it: "
               "exactly one valid _mta-sts TXT record, the policy fetched from "
               "https://mta-sts.DOMAIN/.well-known/mta-sts.txt (PKIX-valid certificate, no "
               "redirect, 200, text/plain, at most 64 KB) and parsed strictly, every MX host "
               "covered by an mx pattern and presenting over STARTTLS a certificate valid "
               "for its name, and the TLS-RPT record that receives failure reports.",
    .usage = "-D DOMAIN [-D DOMAIN]... [-C config_dir] [--expect-mode enforce|testing|none] "
             "[-s SERVER[:PORT]] [--cafile FILE] [--connect-to HOST:PORT:ADDR:PORT] "
             "[-p SMTP_PORT] [-w DAYS] [-c DAYS]",
    .notes = "DAYS: the time left until an MX host's certificate's notAfter, in days of 24 "
             "hours; fractions are allowed (0.5 is 12 hours).\n"
             "An MX host the policy does not cover, or whose certificate fails, is CRITICAL "
             "in enforce mode (senders refuse to deliver) and WARNING in testing mode. No "
             "TLS-RPT record next to a policy is WARNING: nobody hears of failures.",
    .examples = examples,
    .use = PP_USE_CONFDIR,
    .opts = opts,
    .max_args = 0,
};

/* ---- what is looked up and fetched ---- */

typedef struct host {
    char *name;
    pp_dns_answer a, aaaa;
    char addr[MAX_ADDRS][46];
    size_t naddr;
    pp_tls_peer peer;
    int rc; /* of pp_tlsfetch: 0, -1, -2 */
    char err[512];
} host;

typedef struct domain {
    char *name;
    pp_dns_answer sts, rpt, mx, web;
    host **mxh; /* the MX hosts, in preference order */
    size_t nmx;
    bool null_mx;
    bool mx_ok; /* the MX lookup gave hosts (or the implicit MX) */
    char *policy_host, *resolve;
    pp_https_reply reply;
    int fetch_rc;
    bool fetched;
    char fetch_err[512];
} domain;

typedef struct run {
    domain *dom;
    size_t ndom;
    host **hosts; /* distinct MX hosts of every domain */
    size_t nhosts;
    pp_dns *dns;
} run;

static void keep_answer(pp_dns_answer *ans, void *arg)
{
    *(pp_dns_answer *)arg = *ans;
    memset(ans, 0, sizeof *ans);
}

static host *host_for(run *x, const char *name)
{
    for (size_t i = 0; i < x->nhosts; i++)
        if (pp_dns_name_eq(x->hosts[i]->name, name))
            return x->hosts[i];
    host *h = pp_xcalloc(1, sizeof *h);
    h->name = pp_xstrdup(name);
    x->hosts = pp_xrealloc(x->hosts, (x->nhosts + 1) * sizeof *x->hosts);
    x->hosts[x->nhosts++] = h;
    pp_dns_submit(x->dns, name, PP_DNS_A, keep_answer, &h->a);
    pp_dns_submit(x->dns, name, PP_DNS_AAAA, keep_answer, &h->aaaa);
    return h;
}

/* Does the TXT answer hold a record of that kind? */
static size_t count_txt(const pp_dns_answer *a, bool (*is)(const char *), const char **one)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nrr; i++)
        if (a->rr[i].type == PP_DNS_TXT && a->rr[i].text && is(a->rr[i].text)) {
            *one = a->rr[i].text;
            n++;
        }
    return n;
}

static bool has_sts(const domain *d)
{
    const char *one;
    return count_txt(&d->sts, pp_sts_record_is_sts, &one) > 0;
}

/* Every lookup: the records of each domain, then the addresses of MX and policy hosts. */
static void resolve(run *x)
{
    for (size_t i = 0; i < x->ndom; i++) {
        domain *d = &x->dom[i];
        char *q = pp_xasprintf("_mta-sts.%s", d->name);
        pp_dns_submit(x->dns, q, PP_DNS_TXT, keep_answer, &d->sts);
        free(q);
        q = pp_xasprintf("_smtp._tls.%s", d->name);
        pp_dns_submit(x->dns, q, PP_DNS_TXT, keep_answer, &d->rpt);
        free(q);
        pp_dns_submit(x->dns, d->name, PP_DNS_MX, keep_answer, &d->mx);
    }
    pp_dns_run(x->dns);
    for (size_t i = 0; i < x->ndom; i++) {
        domain *d = &x->dom[i];
        d->policy_host = pp_xasprintf("mta-sts.%s", d->name);
        if (!has_sts(d) || !(d->mx_ok = pp_dns_mx_hosts(&d->mx, d->name) == 0))
            continue;
        /* With -s, the policy host's address comes from the same server (and curl). */
        if (opt_server && !opt_connect_to)
            pp_dns_submit(x->dns, d->policy_host, PP_DNS_A, keep_answer, &d->web);
        d->mxh = pp_xcalloc(d->mx.nrr + 1, sizeof *d->mxh);
        for (size_t k = 0; k < d->mx.nrr; k++) {
            if (d->mx.rr[k].type != PP_DNS_MX)
                continue;
            if (strcmp(d->mx.rr[k].host, ".") == 0)
                d->null_mx = true;
            else
                d->mxh[d->nmx++] = host_for(x, d->mx.rr[k].host);
        }
    }
    pp_dns_run(x->dns);
    for (size_t i = 0; i < x->nhosts; i++) {
        host *h = x->hosts[i];
        const pp_dns_answer *ans[2] = {&h->aaaa, &h->a};
        for (int t = 0; t < 2; t++)
            for (size_t k = 0; k < ans[t]->nrr && h->naddr < MAX_ADDRS; k++)
                if (ans[t]->rr[k].type == PP_DNS_A || ans[t]->rr[k].type == PP_DNS_AAAA)
                    snprintf(h->addr[h->naddr++], 46, "%s", ans[t]->rr[k].addr_text);
    }
}

/* ---- fetching, concurrently ---- */

typedef struct job {
    domain *d; /* a policy to fetch, or */
    host *h;   /* an MX host's certificate */
} job;

static void fetch_policy(domain *d)
{
    char url[300];
    snprintf(url, sizeof url, "https://%s/.well-known/mta-sts.txt", d->policy_host);
    for (size_t k = 0; k < d->web.nrr; k++)
        if (d->web.rr[k].type == PP_DNS_A) {
            d->resolve = pp_xasprintf("%s:443:%s", d->policy_host, d->web.rr[k].addr_text);
            break;
        }
    pp_https_opts o = {.url = url, .cafile = opt_cafile, .connect_to = opt_connect_to,
                       .resolve = d->resolve, .type = "text/plain",
                       .max_body = POLICY_MAX_BODY};
    d->fetch_rc = pp_https_get(&o, &d->reply, d->fetch_err, sizeof d->fetch_err);
    d->fetched = true;
}

static void fetch_cert(host *h)
{
    h->rc = -1;
    snprintf(h->err, sizeof h->err, "no address");
    for (size_t k = 0; k < h->naddr; k++) {
        pp_tlsfetch_opts fo = {.host = h->addr[k], .port = opt_port, .family = AF_UNSPEC,
                               .starttls = PP_STARTTLS_SMTP, .sni = h->name};
        h->rc = pp_tlsfetch(&fo, &h->peer, h->err, sizeof h->err);
        if (h->rc == 0)
            break;
    }
}

static void fetch_one(size_t i, void *arg)
{
    job *j = (job *)arg + i;
    if (j->d)
        fetch_policy(j->d);
    else
        fetch_cert(j->h);
}

static void fetch_all(run *x)
{
    job *jobs = pp_xcalloc(x->ndom + x->nhosts + 1, sizeof *jobs);
    size_t n = 0;
    for (size_t i = 0; i < x->ndom; i++)
        if (has_sts(&x->dom[i]))
            jobs[n++].d = &x->dom[i];
    for (size_t i = 0; i < x->nhosts; i++)
        jobs[n++].h = x->hosts[i];
    pp_workpool_run(n, MAX_THREADS, fetch_one, jobs);
    free(jobs);
}

/* ---- judging ---- */

static int g_expect = -1; /* a pp_sts_mode, -1: no --expect-mode */

static const char *dns_why(const pp_dns_answer *a)
{
    static char why[256];
    if (a->err[0])
        return a->err;
    snprintf(why, sizeof why, "%s from %s", pp_dns_status_str(a->status), a->server);
    return why;
}

static bool dns_failed(const pp_dns_answer *a)
{
    return a->status != PP_DNS_OK && a->status != PP_DNS_NODATA &&
           a->status != PP_DNS_NXDOMAIN;
}

/* The _mta-sts record: 0 with the id when there is exactly one valid record, else -1. */
static int judge_record(const domain *d, pp_result *r, char *id, size_t idlen)
{
    const char *one = NULL, *name = d->name;
    char err[256];
    if (dns_failed(&d->sts)) {
        pp_result_add(r, d->sts.status == PP_DNS_TIMEOUT ? PP_UNKNOWN : PP_CRITICAL,
                      "%s: _mta-sts TXT lookup failed: %s", name, dns_why(&d->sts));
        return -1;
    }
    size_t n = count_txt(&d->sts, pp_sts_record_is_sts, &one);
    if (n == 0) {
        bool want = g_expect == PP_STS_ENFORCE || g_expect == PP_STS_TESTING;
        pp_result_add(r, want ? PP_CRITICAL : PP_OK, "%s: no MTA-STS policy (no v=STSv1 "
                      "record at _mta-sts.%s)", name, name);
        return -1;
    }
    if (n > 1) {
        pp_result_add(r, PP_CRITICAL, "%s: %zu v=STSv1 records at _mta-sts.%s: senders "
                      "ignore them all (RFC 8461 3.1)", name, n, name);
        return -1;
    }
    if (pp_sts_record_parse(one, id, idlen, err, sizeof err) != 0) {
        pp_result_add(r, PP_CRITICAL, "%s: _mta-sts record \"%.80s\": %s", name, one, err);
        return -1;
    }
    return 0;
}

static int judge_policy(const domain *d, pp_result *r, pp_sts_policy *pol)
{
    char err[256];
    if (d->fetch_rc != 0) {
        pp_result_add(r, PP_CRITICAL, "%s: policy https://%s/.well-known/mta-sts.txt: %s",
                      d->name, d->policy_host, d->fetch_err);
        return -1;
    }
    if (pp_sts_policy_parse(d->reply.body, d->reply.len, pol, err, sizeof err) != 0) {
        pp_result_add(r, PP_CRITICAL, "%s: policy: %s", d->name, err);
        return -1;
    }
    if (pol->warn[0])
        pp_result_add(r, PP_WARNING, "%s: policy: %s", d->name, pol->warn);
    return 0;
}

/* Every MX host matches a pattern and presents a valid certificate for its name. */
static void judge_mx(const domain *d, const pp_sts_policy *pol, pp_result *r)
{
    bool enforce = pol->mode == PP_STS_ENFORCE;
    pp_state bad = enforce ? PP_CRITICAL : PP_WARNING;
    if (!d->mx_ok) {
        pp_result_add(r, PP_CRITICAL, "%s: MX lookup failed: %s", d->name, dns_why(&d->mx));
        return;
    }
    if (d->null_mx)
        pp_result_add(r, PP_WARNING, "%s: null MX next to an MTA-STS policy", d->name);
    pp_tlsinspect_opts io = {.warn_days = opt_warn, .crit_days = opt_crit,
                             .cafile = opt_cafile, .min_rsa_bits = 2048, .min_ec_bits = 256};
    for (size_t i = 0; i < d->nmx; i++) {
        const host *h = d->mxh[i];
        const char *pat = pp_sts_policy_match(pol, h->name);
        if (pat)
            pp_result_add(r, PP_OK, "%s: MX %s matches mx %s", d->name, h->name, pat);
        else
            pp_result_add(r, bad, "%s: MX %s is not covered by the policy's mx patterns: "
                          "senders %s", d->name, h->name,
                          enforce ? "refuse to deliver to it" : "report it");
        if (h->rc != 0) {
            pp_result_add(r, bad, "%s: MX %s port %ld: %s", d->name, h->name, opt_port,
                          h->err);
            continue;
        }
        pp_result *aside = pp_result_new();
        io.name = h->name;
        pp_tlsinspect_judge(&io, &h->peer, time(NULL), h->name, aside);
        pp_result_adopt(r, aside, !enforce);
    }
}

static void judge_tlsrpt(const domain *d, pp_result *r)
{
    const char *one = NULL;
    char err[256];
    if (dns_failed(&d->rpt)) {
        pp_result_add(r, PP_WARNING, "%s: _smtp._tls TXT lookup failed: %s", d->name,
                      dns_why(&d->rpt));
        return;
    }
    size_t n = count_txt(&d->rpt, pp_sts_tlsrpt_is_tlsrpt, &one);
    int uris;
    if (n == 0)
        pp_result_add(r, PP_WARNING, "%s: no TLS-RPT record at _smtp._tls.%s: nobody hears "
                      "of delivery failures", d->name, d->name);
    else if (n > 1)
        pp_result_add(r, PP_WARNING, "%s: %zu v=TLSRPTv1 records at _smtp._tls.%s: "
                      "senders use none", d->name, n, d->name);
    else if ((uris = pp_sts_tlsrpt_parse(one, err, sizeof err)) < 0)
        pp_result_add(r, PP_WARNING, "%s: TLS-RPT record \"%.80s\": %s", d->name, one, err);
    else
        pp_result_add(r, PP_OK, "%s: TLS-RPT reports to %d address%s", d->name, uris,
                      uris == 1 ? "" : "es");
}

/* One domain; returns its mode, or -1 without a usable policy. */
static int judge_domain(const domain *d, pp_result *r)
{
    char id[33];
    pp_sts_policy pol;
    if (judge_record(d, r, id, sizeof id) != 0 || judge_policy(d, r, &pol) != 0) {
        if (has_sts(d) && g_expect == PP_STS_NONE)
            pp_result_add(r, PP_CRITICAL, "%s: an MTA-STS record is published, none "
                          "expected", d->name);
        return -1;
    }
    pp_sub *s = pp_result_add(r, PP_OK, "%s: policy id %s, mode %s, max_age %ld s (%.1f days), "
                              "%zu mx pattern%s", d->name, id, pp_sts_mode_name(pol.mode),
                              pol.max_age, pol.max_age / 86400.0, pol.nmx,
                              pol.nmx == 1 ? "" : "s");
    pp_sub_detail(s, "fetched from %s in %.3f s", d->reply.addr, d->reply.seconds);
    if (g_expect >= 0 && (int)pol.mode != g_expect)
        pp_result_add(r, PP_CRITICAL, "%s: mode is %s, expected %s", d->name,
                      pp_sts_mode_name(pol.mode), pp_sts_mode_name((pp_sts_mode)g_expect));
    if (pol.mode != PP_STS_NONE) {
        judge_mx(d, &pol, r);
        judge_tlsrpt(d, r);
    }
    int mode = (int)pol.mode;
    pp_sts_policy_free(&pol);
    return mode;
}

/* ---- domains ---- */

static int valid_domain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.' || strstr(s, ".."))
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
            return 0;
    return 1;
}

static void add_domain(run *x, const char *name)
{
    char *d = pp_xstrdup(name);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < x->ndom; i++)
        if (strcmp(x->dom[i].name, d) == 0) {
            free(d);
            return;
        }
    x->dom = pp_xrealloc(x->dom, (x->ndom + 1) * sizeof *x->dom);
    x->dom[x->ndom++] = (domain){.name = d};
}

static int add_listed(const char *key, const char *value, void *arg)
{
    (void)value;
    if (valid_domain(key))
        add_domain(arg, key);
    return 0;
}

static int note_listing(const char *text, void *arg)
{
    pp_result_add(arg, PP_WARNING, "%s", text);
    return 0;
}

/* The domains Postfix receives mail for: local, virtual alias, virtual mailbox, relay. */
static void postfix_domains(run *x, const char *cdir, pp_result *r)
{
    static const char *const names[] = {"mydestination", "virtual_alias_domains",
                                        "virtual_mailbox_domains", "relay_domains", NULL};
    char err[512];
    pp_postconf *pc = pp_postconf_new(cdir);
    if (pp_postconf_fetch(pc, names, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    for (int i = 0; names[i]; i++) {
        const char *v = pp_postconf_get(pc, names[i], err, sizeof err);
        if (v)
            pp_pflist_expand(cdir, v, add_listed, x, note_listing, r);
    }
    pp_postconf_free(pc);
}

static void setup(run *x, const pp_common *c, pp_result *r)
{
    char err[256];
    if (opt_expect) {
        if (strcmp(opt_expect, "enforce") == 0)
            g_expect = PP_STS_ENFORCE;
        else if (strcmp(opt_expect, "testing") == 0)
            g_expect = PP_STS_TESTING;
        else if (strcmp(opt_expect, "none") == 0)
            g_expect = PP_STS_NONE;
        else
            pp_die(PP_UNKNOWN, "--expect-mode: '%s' is not enforce, testing or none",
                   opt_expect);
    }
    if (opt_port < 1 || opt_port > 65535)
        pp_die(PP_UNKNOWN, "-p: %ld is not a port number", opt_port);
    if (opt_crit > opt_warn)
        pp_die(PP_UNKNOWN, "-c %g days is more than -w %g days", opt_crit, opt_warn);
    if (opt_cafile) {
        FILE *f = fopen(opt_cafile, "r");
        if (!f)
            pp_die(PP_UNKNOWN, "--cafile %s: %m", opt_cafile);
        fclose(f);
    }
    if (opt_connect_to && strchr(opt_connect_to, ':') == NULL)
        pp_die(PP_UNKNOWN, "--connect-to: '%s' is not HOST:PORT:ADDR:PORT", opt_connect_to);
    for (size_t i = 0; i < opt_domains.n; i++) {
        if (!valid_domain(opt_domains.items[i]))
            pp_die(PP_UNKNOWN, "-D: '%s' is not a domain name", opt_domains.items[i]);
        add_domain(x, opt_domains.items[i]);
    }
    if (c->config_dir)
        postfix_domains(x, c->config_dir, r);
    if (x->ndom == 0)
        pp_die(PP_UNKNOWN, c->config_dir ? "Postfix receives mail for no domain"
                                         : "give -D DOMAIN or -C CONFIG_DIR (see --help)");
    if (!(x->dns = pp_dns_new(opt_server, err, sizeof err)))
        pp_die(PP_UNKNOWN, "--server: %s", err);
}

static void free_run(run *x)
{
    for (size_t i = 0; i < x->ndom; i++) {
        domain *d = &x->dom[i];
        pp_dns_answer_free(&d->sts);
        pp_dns_answer_free(&d->rpt);
        pp_dns_answer_free(&d->mx);
        pp_dns_answer_free(&d->web);
        pp_https_reply_free(&d->reply);
        free(d->mxh);
        free(d->policy_host);
        free(d->resolve);
        free(d->name);
    }
    for (size_t i = 0; i < x->nhosts; i++) {
        pp_dns_answer_free(&x->hosts[i]->a);
        pp_dns_answer_free(&x->hosts[i]->aaaa);
        pp_tls_peer_free(&x->hosts[i]->peer);
        free(x->hosts[i]->name);
        free(x->hosts[i]);
    }
    free(x->hosts);
    free(x->dom);
    pp_dns_free(x->dns);
}

int main(int argc, char **argv)
{
    pp_common c;
    run x = {0};
    double t0 = pp_timeout_now();
    pp_opts_parse(&plugin, argc, argv, &c);
    pp_result *r = pp_result_new();
    setup(&x, &c, r);
    resolve(&x);
    fetch_all(&x);

    size_t modes[3] = {0}, without = 0;
    for (size_t i = 0; i < x.ndom; i++) {
        int m = judge_domain(&x.dom[i], r);
        if (m < 0)
            without++;
        else
            modes[m]++;
    }
    if (x.ndom == 1 && without == 0)
        pp_result_summary(r, "%s: mode %s, %zu MX host%s", x.dom[0].name,
                          modes[PP_STS_ENFORCE] ? "enforce" : modes[PP_STS_TESTING] ? "testing"
                                                                                     : "none",
                          x.dom[0].nmx, x.dom[0].nmx == 1 ? "" : "s");
    else
        pp_result_summary(r, "%zu domain%s: %zu enforce, %zu testing, %zu none, %zu without "
                          "a policy", x.ndom, x.ndom == 1 ? "" : "s", modes[PP_STS_ENFORCE],
                          modes[PP_STS_TESTING], modes[PP_STS_NONE], without);
    static const pp_family fam_domains = {"postprobe_mta_sts_domains", PP_GAUGE,
                                          "domains checked", 0};
    static const pp_family fam_enforce = {"postprobe_mta_sts_enforce_domains", PP_GAUGE,
                                          "domains whose policy is in enforce mode", 0};
    static const pp_family fam_time = {"postprobe_mta_sts_check_duration_seconds", PP_GAUGE,
                                       "time the check took (DNS, HTTPS, MX hosts)", 0};
    pp_perf p = pp_perf_make("domains", (double)x.ndom, "");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_domains, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("enforce", (double)modes[PP_STS_ENFORCE], "");
    pp_perf_minmax(&p, true, 0, true, (double)x.ndom);
    pp_perf_family(&p, &fam_enforce, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("time", round((pp_timeout_now() - t0) * 1e6) / 1e6, "s");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_time, NULL);
    pp_result_perf(r, &p);
    free_run(&x);
    pp_strlist_free(&opt_domains);
    pp_result_exit(r);
}
