/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_tls_cert - judge the certificate a mail server presents (over TLS or SMTP/IMAP/POP3
 * STARTTLS), the certificates of every MX host of a domain, or a PEM file: expiry of every
 * chain element, trust, name, key, signature, protocol, OCSP stapling, DANE, and whether
 * the served certificate is the one in the configured file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dns/dns.h"
#include "dns/dnssec.h"
#include "core/opts.h"
#include "core/result.h"
#include "core/workpool.h"
#include "tls/ocspfetch.h"
#include "tls/tlsfetch.h"
#include "tls/tlsinspect.h"

static const char *opt_host, *opt_starttls, *opt_cafile, *opt_name, *opt_file, *opt_compare;
static const char *opt_min_tls, *opt_mx, *opt_server, *opt_dnssec = "validate", *opt_ta;
static long opt_port, opt_min_rsa = 2048, opt_min_ec = 256;
static double opt_warn = 20, opt_crit = 15;
static bool opt_v4, opt_v6, opt_selfsigned, opt_ocsp, opt_ocsp_fetch, opt_dane;

/* The --ocsp help below says how long a response without nextUpdate stays current. */
_Static_assert(PP_TLSINSPECT_OCSP_MAX_AGE == 7, "--ocsp's help text names 7 days");

static const pp_opt opts[] = {
    {"host", 'H', "HOST", PP_OPT_STR, &opt_host, "server to connect to (name or address)", NULL},
    {"port", 'p', "PORT", PP_OPT_INT, &opt_port,
     "TCP port (default with --starttls: 25, 143, 110; with --mx: 25)", NULL},
    {"use-ipv4", '4', NULL, PP_OPT_FLAG, &opt_v4, "connect over IPv4 only", NULL},
    {"use-ipv6", '6', NULL, PP_OPT_FLAG, &opt_v6, "connect over IPv6 only", NULL},
    {"starttls", 0, "PROTO", PP_OPT_STR, &opt_starttls,
     "smtp, imap or pop3: plaintext first, then STARTTLS (default: TLS from the start)", NULL},
    {"warning", 'w', "DAYS", PP_OPT_DOUBLE, &opt_warn,
     "WARNING when a certificate of the chain expires in less than DAYS (default 20)", NULL},
    {"critical", 'c', "DAYS", PP_OPT_DOUBLE, &opt_crit,
     "CRITICAL when a certificate of the chain expires in less than DAYS (default 15)", NULL},
    {"cafile", 0, "FILE", PP_OPT_STR, &opt_cafile,
     "trust the CA certificates in FILE instead of the system's store", NULL},
    {"hostname", 0, "NAME", PP_OPT_STR, &opt_name,
     "the name the certificate must be for, also sent as SNI (default: -H; with --mx the MX "
     "host names; with --file none)", NULL},
    {"file", 0, "PEM", PP_OPT_STR, &opt_file,
     "judge the certificates in a PEM file (e.g. smtpd_tls_cert_file) instead of a server",
     NULL},
    {"compare-file", 0, "PEM", PP_OPT_STR, &opt_compare,
     "CRITICAL unless the server presents the certificate in PEM (a renewal the server has "
     "not loaded yet)", NULL},
    {"min-tls", 0, "VERSION", PP_OPT_STR, &opt_min_tls,
     "CRITICAL when the negotiated protocol is below VERSION (1.0, 1.1, 1.2, 1.3)", NULL},
    {"min-rsa-bits", 0, "BITS", PP_OPT_INT, &opt_min_rsa,
     "smallest RSA or DSA key accepted in the chain (default 2048)", NULL},
    {"min-ec-bits", 0, "BITS", PP_OPT_INT, &opt_min_ec,
     "smallest EC key accepted in the chain (default 256)", NULL},
    {"selfsigned", 0, NULL, PP_OPT_FLAG, &opt_selfsigned, "a self-signed certificate is OK",
     NULL},
    {"ocsp", 0, NULL, PP_OPT_FLAG, &opt_ocsp,
     "ask for OCSP stapling: the response must be signed by the issuer (or its responder) "
     "and say \"good\"; none, revoked or forged is CRITICAL, stale or unknown WARNING (a "
     "response without nextUpdate is stale 7 days after its thisUpdate)", NULL},
    {"ocsp-fetch", 0, NULL, PP_OPT_FLAG, &opt_ocsp_fetch,
     "as --ocsp, but when nothing is stapled (and with --file) ask the responder the "
     "certificate names (authorityInfoAccess OCSP, HTTP POST) and judge its response the "
     "same way: revoked is CRITICAL (when and why), unknown or stale WARNING, a response "
     "that is forged, garbled or about another certificate WARNING, no answer UNKNOWN; "
     "only a chain that verifies has its responder asked, and a certificate that names "
     "none is OK (nothing to ask)",
     NULL},
    {"dane", 0, NULL, PP_OPT_FLAG, &opt_dane,
     "verify the chain with the DNSSEC-validated TLSA records of _PORT._tcp.NAME as Postfix "
     "does, through OpenSSL's DANE (RFC 7672): a DANE-EE (3) match makes names, dates and the "
     "chain information; DANE-TA (2) verifies the chain up to its anchor and the name (NAME, "
     "with --mx also DOMAIN); PKIX-TA/EE (0, 1) records do not apply to SMTP; no usable record "
     "is WARNING", NULL},
    {"dnssec", 0, "MODE", PP_OPT_STR, &opt_dnssec,
     "how TLSA and MX answers are known to be authentic: validate (here, with libunbound, "
     "the default) or trust-ad (the AD bit of a resolver on loopback, or of resolv.conf's "
     "when it sets options trust-ad)", NULL},
    {"trust-anchor", 0, "FILE", PP_OPT_STR, &opt_ta,
     "DNSSEC trust anchor (DS or DNSKEY records) for --dnssec validate (default: the root's, "
     PP_DNSSEC_ROOT_KEY ")", NULL},
    {"mx", 0, "DOMAIN", PP_OPT_STR, &opt_mx,
     "check every MX host of DOMAIN (SMTP STARTTLS on port 25 unless told otherwise)", NULL},
    {"server", 's', "SERVER[:PORT]", PP_OPT_STR, &opt_server,
     "DNS server for --dane and --mx (IPv4, [IPv6]:PORT or a name); default: /etc/resolv.conf",
     NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H mail.example.org --starttls smtp --dane",
     "port 25 with STARTTLS; the chain must match the TLSA records"},
    {"-H mail.example.org -p 993 --compare-file /etc/dovecot/fullchain.pem",
     "IMAPS: CRITICAL until Dovecot serves the renewed certificate of the file"},
    {"--mx example.org -w 30 -c 14",
     "every MX host of example.org: WARNING 30 days before expiry, CRITICAL 14"},
    {"--file /etc/postfix/cert.pem -w 20.5",
     "a PEM file: WARNING when it has less than 20 days and 12 hours left"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_tls_cert",
    .service = "TLS",
    .purpose = "Judges the certificate chain of a mail server (TLS or SMTP/IMAP/POP3 "
               "STARTTLS), of every MX host of a domain, or of a PEM file: days left for "
               "every certificate, trust, host name, self-signed, key size, weak signatures, "
               "protocol version, OCSP stapling, DANE TLSA records, and whether the server "
               "presents the certificate configured in a file.",
    .usage = "-H HOST -p PORT [--starttls smtp|imap|pop3] [-w DAYS] [-c DAYS] [--cafile FILE] "
             "[--hostname NAME] [--dane [--dnssec validate|trust-ad] [--trust-anchor FILE]] "
             "[--ocsp | --ocsp-fetch] [--min-tls 1.2] [--compare-file PEM] | "
             "--mx DOMAIN [-s DNS-SERVER] | --file PEM [--ocsp-fetch]",
    .notes = "DAYS: the time left until a certificate's notAfter, in days of 24 hours; "
             "fractions are allowed (0.5 is 12 hours). Every certificate of the chain counts, "
             "the one that expires first decides: -w 20 warns from 20 days before it expires. "
             "An expired certificate is CRITICAL whatever -c says.",
    .examples = examples,
    .opts = opts,
    .max_args = 0,
};

static pp_starttls g_starttls;
static pp_tlsinspect_opts g_io;
static pp_dns *g_dns;
static pp_dnssec *g_dnssec;
static pp_dnssec_mode g_dnssec_mode;

static pp_dns *dns(void)
{
    char err[256];
    if (!g_dns && !(g_dns = pp_dns_new(opt_server, err, sizeof err)))
        pp_die(PP_UNKNOWN, "--server: %s", err);
    return g_dns;
}

static pp_dnssec *dnssec(void)
{
    char err[256];
    pp_dnssec_opts o = {.mode = g_dnssec_mode, .server = opt_server, .trust_anchor = opt_ta};
    if (!g_dnssec && !(g_dnssec = pp_dnssec_new(&o, err, sizeof err)))
        pp_die(PP_UNKNOWN, "DNSSEC: %s", err);
    return g_dnssec;
}

static X509 *load_one(const char *path)
{
    pp_tls_peer p;
    char err[512];
    if (pp_tlsfetch_file(path, &p, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    X509 *x = sk_X509_shift(p.chain);
    pp_tls_peer_free(&p);
    return x;
}

/* ---- one server: its chain and, with --dane, its TLSA records ---- */

#define MAX_THREADS 16 /* MX hosts whose certificates are fetched at once */
#define MAX_ADDRS 8    /* addresses tried per MX host */

typedef struct tlsa_set {
    char *qname;              /* _25._tcp.mx1.example.org */
    pp_dnssec_answer a;
    pp_dane_tlsa *recs;
    size_t nrecs;
    char note[256];
} tlsa_set;

typedef struct server {
    const char *name;         /* the name checked and sent as SNI: an MX host, or --hostname */
    pp_dns_answer a, aaaa;    /* with --mx: its addresses */
    char addr[MAX_ADDRS][46];
    size_t naddr;
    tlsa_set tlsa;
    pp_tls_peer peer;
    int rc;                   /* of pp_tlsfetch: 0, -1, -2 */
    char err[512];
} server;

static pp_state g_timeout_state = PP_CRITICAL;

static void keep_answer(pp_dns_answer *ans, void *arg)
{
    *(pp_dns_answer *)arg = *ans;
    memset(ans, 0, sizeof *ans);
}

static void keep_tlsa(pp_dnssec_answer *a, void *arg)
{
    tlsa_set *t = arg;
    t->a = *a;
    memset(a, 0, sizeof *a);
    pp_dns_answer *ans = &t->a.ans;
    t->recs = pp_xcalloc(ans->nrr + 1, sizeof *t->recs);
    for (size_t i = 0; i < ans->nrr; i++)
        if (ans->rr[i].type == PP_DNS_TLSA)
            t->recs[t->nrecs++] = (pp_dane_tlsa){ans->rr[i].usage, ans->rr[i].selector,
                                                 ans->rr[i].mtype, ans->rr[i].data,
                                                 ans->rr[i].datalen};
    if (ans->err[0])
        snprintf(t->note, sizeof t->note, "%s", ans->err);
    else
        snprintf(t->note, sizeof t->note, "%s from %s", pp_dns_status_str(ans->status),
                 ans->server);
}

/* Queues the lookup of the TLSA records of _PORT._tcp.NAME (pp_dnssec_run() does it). */
static void submit_tlsa(tlsa_set *t, const char *name, long port)
{
    t->qname = pp_xasprintf("_%ld._tcp.%s", port, name);
    pp_dnssec_submit(dnssec(), t->qname, PP_DNS_TLSA, keep_tlsa, t);
}

static void free_server(server *s)
{
    pp_dns_answer_free(&s->a);
    pp_dns_answer_free(&s->aaaa);
    free(s->tlsa.qname);
    free(s->tlsa.recs);
    pp_dnssec_answer_free(&s->tlsa.a);
    pp_tls_peer_free(&s->peer);
}

static int fetch(server *s, const char *host, long port)
{
    pp_tlsfetch_opts fo = {.host = host, .port = port,
                           .family = opt_v4 ? AF_INET : opt_v6 ? AF_INET6 : AF_UNSPEC,
                           .starttls = g_starttls, .sni = s->name,
                           .ocsp = opt_ocsp || opt_ocsp_fetch};
    s->rc = pp_tlsfetch(&fo, &s->peer, s->err, sizeof s->err);
    if (s->rc == 0 && opt_ocsp_fetch && !s->peer.ocsp) /* a stapled response wins */
        pp_ocspfetch(&s->peer, opt_cafile);
    return s->rc;
}

/* The judgments of the chain s presented; who prefixes the lines. */
static void judge_server(const server *s, const char *who, pp_result *r)
{
    pp_tlsinspect_opts io = g_io;
    const tlsa_set *t = &s->tlsa;
    io.name = s->name;
    if (opt_dane) {
        io.tlsa_name = t->qname;
        io.tlsa = t->recs;
        io.ntlsa = t->nrecs;
        /* NODATA and NXDOMAIN say there are none; anything else, that nobody knows. */
        io.tlsa_failed = t->a.sec == PP_DNSSEC_FAILED;
        io.tlsa_note = t->a.ans.status == PP_DNS_OK ? NULL : t->note;
        io.tlsa_sec = t->a.sec;
        io.tlsa_why = t->a.why;
    }
    pp_tlsinspect_judge(&io, &s->peer, time(NULL), who, r);
}

static void check_host(const char *host, const char *name, long port, pp_result *r)
{
    server s = {.name = name};
    if (fetch(&s, host, port) != 0) {
        pp_result_add(r, s.rc == -2 ? g_timeout_state : PP_CRITICAL, "%s", s.err);
        free_server(&s);
        return;
    }
    if (opt_dane) {
        submit_tlsa(&s.tlsa, name ? name : host, port);
        pp_dnssec_run(dnssec());
    }
    judge_server(&s, NULL, r);
    char cn[256] = "";
    X509 *leaf = sk_X509_value(s.peer.chain, 0);
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof cn);
    pp_result_summary(r, "%s port %ld (%s): CN=%s, %.1f days left", host, port,
                      pp_tlsfetch_starttls_name(g_starttls), cn,
                      pp_tlsinspect_days_left(leaf, time(NULL)));
    free_server(&s);
}

/* ---- every MX host of a domain: looked up and fetched concurrently, judged in order ---- */

typedef struct mx_run {
    server *hosts; /* in preference order */
    size_t n;
    long port;
} mx_run;

/* With --dane the MX answer must be validated too: an MX name from an answer that is not
 * cannot be the TLSA base domain (RFC 7672 2.2.1), Postfix uses no DANE for it then. */
static void lookup_mx(pp_dnssec_answer *a, pp_result *r)
{
    if (!opt_dane) {
        pp_dns_lookup(dns(), opt_mx, PP_DNS_MX, &a->ans);
        return;
    }
    pp_dnssec_lookup(dnssec(), opt_mx, PP_DNS_MX, a);
    if (a->sec == PP_DNSSEC_BOGUS)
        pp_die(PP_CRITICAL, "MX records for %s are DNSSEC-bogus (%s): Postfix would defer the "
               "mail", opt_mx, a->why);
    if (a->sec == PP_DNSSEC_INSECURE) {
        pp_sub *s = pp_result_add(r, PP_CRITICAL, "MX records for %s are not DNSSEC-validated: "
                                  "Postfix would not use DANE for its hosts", opt_mx);
        pp_sub_detail(s, "%s", a->why);
        g_io.dane = opt_dane = false;
    }
}

/* The addresses of every host (the stack's names live only in the DNS module) and, with
 * --dane, their TLSA records: all queries at once. */
static void resolve_hosts(mx_run *x)
{
    for (size_t i = 0; i < x->n; i++) {
        server *s = &x->hosts[i];
        if (!opt_v4)
            pp_dns_submit(dns(), s->name, PP_DNS_AAAA, keep_answer, &s->aaaa);
        if (!opt_v6)
            pp_dns_submit(dns(), s->name, PP_DNS_A, keep_answer, &s->a);
        if (opt_dane)
            submit_tlsa(&s->tlsa, s->name, x->port);
    }
    pp_dns_run(dns());
    if (opt_dane)
        pp_dnssec_run(dnssec());
    for (size_t i = 0; i < x->n; i++) {
        server *s = &x->hosts[i];
        const pp_dns_answer *ans[2] = {&s->aaaa, &s->a};
        for (int t = 0; t < 2; t++)
            for (size_t k = 0; k < ans[t]->nrr && s->naddr < MAX_ADDRS; k++)
                if (ans[t]->rr[k].type == PP_DNS_A || ans[t]->rr[k].type == PP_DNS_AAAA)
                    snprintf(s->addr[s->naddr++], 46, "%s", ans[t]->rr[k].addr_text);
    }
}

/* A workpool job: the chain of one MX host, from the first of its addresses that gives it. */
static void fetch_host(size_t i, void *arg)
{
    mx_run *x = arg;
    server *s = &x->hosts[i];
    s->rc = -1;
    snprintf(s->err, sizeof s->err, "no address");
    for (size_t k = 0; k < s->naddr; k++) {
        pp_tls_peer_free(&s->peer);
        if (fetch(s, s->addr[k], x->port) == 0)
            break;
    }
}

static void check_mx(long port, pp_result *r)
{
    pp_dnssec_answer a = {0};
    pp_dns_answer *mxa = &a.ans;
    lookup_mx(&a, r);
    if (pp_dns_mx_hosts(mxa, opt_mx) != 0)
        pp_die(PP_CRITICAL, "MX lookup for %s: %s", opt_mx,
               mxa->err[0] ? mxa->err : pp_dns_status_str(mxa->status));
    mx_run x = {.hosts = pp_xcalloc(mxa->nrr + 1, sizeof *x.hosts), .port = port};
    for (size_t i = 0; i < mxa->nrr; i++) {
        if (mxa->rr[i].type != PP_DNS_MX)
            continue;
        if (strcmp(mxa->rr[i].host, ".") == 0)
            pp_result_add(r, PP_OK, "%s has a null MX: it accepts no mail", opt_mx);
        else
            x.hosts[x.n++].name = mxa->rr[i].host;
    }
    resolve_hosts(&x);
    pp_workpool_run(x.n, MAX_THREADS, fetch_host, &x);
    for (size_t i = 0; i < x.n; i++) {
        server *s = &x.hosts[i];
        if (s->rc == 0)
            judge_server(s, s->name, r);
        else
            pp_result_add(r, s->rc == -2 ? g_timeout_state : PP_CRITICAL, "%s: %s", s->name,
                          s->err);
        free_server(s);
    }
    pp_result_summary(r, "%zu MX host%s of %s checked", x.n, x.n == 1 ? "" : "s", opt_mx);
    free(x.hosts);
    pp_dnssec_answer_free(&a);
}

static void setup(void)
{
    int min_tls = 0;
    if (opt_host && !*opt_host) /* -H '' from an empty macro: no host at all */
        opt_host = NULL;
    if (opt_mx && !*opt_mx)
        opt_mx = NULL;
    if (!!opt_host + !!opt_file + !!opt_mx != 1)
        pp_die(PP_UNKNOWN, "give one of -H HOST, --mx DOMAIN or --file PEM (see --help)");
    if (opt_starttls && pp_tlsfetch_starttls_parse(opt_starttls, &g_starttls) != 0)
        pp_die(PP_UNKNOWN, "--starttls: '%s' is not smtp, imap or pop3", opt_starttls);
    if (opt_mx && !opt_starttls)
        g_starttls = PP_STARTTLS_SMTP;
    if (opt_min_tls && pp_tlsinspect_protocol_parse(opt_min_tls, &min_tls) != 0)
        pp_die(PP_UNKNOWN, "--min-tls: '%s' is not 1.0, 1.1, 1.2 or 1.3", opt_min_tls);
    if (opt_port < 0 || opt_port > 65535)
        pp_die(PP_UNKNOWN, "--port: %ld is not a port number", opt_port);
    if (opt_host && !opt_port && g_starttls == PP_STARTTLS_NONE)
        pp_die(PP_UNKNOWN, "-p PORT is required without --starttls");
    if (opt_crit > opt_warn)
        pp_die(PP_UNKNOWN, "-c %g days is more than -w %g days", opt_crit, opt_warn);
    if (opt_v4 && opt_v6)
        pp_die(PP_UNKNOWN, "-4 and -6 exclude each other");
    if ((opt_dane || opt_ocsp || opt_compare) && opt_file)
        pp_die(PP_UNKNOWN, "--dane, --ocsp and --compare-file need a server, not --file "
               "(--ocsp-fetch asks the file's certificate's OCSP responder)");
    if (pp_dnssec_mode_parse(opt_dnssec, &g_dnssec_mode) != 0)
        pp_die(PP_UNKNOWN, "--dnssec: '%s' is not validate or trust-ad", opt_dnssec);
    if (opt_ta && g_dnssec_mode != PP_DNSSEC_VALIDATE)
        pp_die(PP_UNKNOWN, "--trust-anchor is for --dnssec validate");
    if (opt_cafile) {
        FILE *f = fopen(opt_cafile, "r");
        if (!f)
            pp_die(PP_UNKNOWN, "--cafile %s: %m", opt_cafile);
        fclose(f);
    }
    g_io = (pp_tlsinspect_opts){
        .warn_days = opt_warn, .crit_days = opt_crit, .cafile = opt_cafile,
        .allow_self_signed = opt_selfsigned, .min_rsa_bits = opt_min_rsa,
        .min_ec_bits = opt_min_ec, .min_tls = min_tls, .ocsp = opt_ocsp || opt_ocsp_fetch,
        .dane = opt_dane,
        .compare = opt_compare ? load_one(opt_compare) : NULL, .compare_file = opt_compare,
        .nexthop = opt_mx,
    };
}

int main(int argc, char **argv)
{
    static const long default_ports[] = {0, 25, 143, 110};
    pp_common c;
    pp_opts_parse(&plugin, argc, argv, &c);
    setup();
    if (c.timeout_state != PP_UNKNOWN) /* a server that does not answer in time */
        g_timeout_state = c.timeout_state;
    long port = opt_port ? opt_port : default_ports[g_starttls];

    pp_result *r = pp_result_new();
    if (opt_file) {
        pp_tls_peer p;
        char err[512];
        if (pp_tlsfetch_file(opt_file, &p, err, sizeof err) != 0)
            pp_die(PP_UNKNOWN, "%s", err);
        if (opt_ocsp_fetch)
            pp_ocspfetch(&p, opt_cafile);
        g_io.name = opt_name;
        pp_tlsinspect_judge(&g_io, &p, time(NULL), NULL, r);
        pp_result_summary(r, "%s: %d certificate%s, %.1f days left", opt_file,
                          sk_X509_num(p.chain), sk_X509_num(p.chain) == 1 ? "" : "s",
                          pp_tlsinspect_days_left(sk_X509_value(p.chain, 0), time(NULL)));
        pp_tls_peer_free(&p);
    } else if (opt_mx) {
        check_mx(port, r);
    } else {
        check_host(opt_host, opt_name ? opt_name : opt_host, port, r);
    }
    X509_free(g_io.compare);
    pp_dns_free(g_dns);
    pp_dnssec_free(g_dnssec);
    pp_result_exit(r);
}
