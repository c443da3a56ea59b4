/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_dnsbl - are the addresses and names Postfix sends mail from on DNS block lists?
 *
 * Addresses come from -H (a name: all its A and AAAA records) and, with -C, from every
 * smtp_bind_address/smtp_bind_address6 of main.cf and of the smtp/lmtp services of
 * master.cf; names for the domain lists from --domain and, with -C, myhostname and every
 * smtp_helo_name. Every query (and each zone's RFC 5782 test points) is in flight at once;
 * the answers are judged by common/dns/dnsbl.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opts.h"
#include "core/result.h"
#include "core/secret.h"
#include "core/timeout.h"
#include "dns/dns.h"
#include "dns/dnsbl.h"
#include "postfix/mastercf.h"
#include "postfix/pflist.h"
#include "postfix/postconf.h"

#define DQS_FILE_MAX 4096

static pp_strlist opt_hosts, opt_domains, opt_zones;
static const char *opt_zones_file, *opt_dqs_key_file, *opt_server;
static pp_state opt_policy_state = PP_WARNING;

static const pp_opt opts[] = {
    {.name = "hostname", .key = 'H', .arg = "ADDRESS|NAME", .kind = PP_OPT_LIST,
     .dst = &opt_hosts,
     .help = "an address to check, or a name whose every A and AAAA record is checked "
             "(repeatable, \"a,b\" lists)"},
    {.name = "domain", .arg = "NAME", .kind = PP_OPT_LIST, .dst = &opt_domains,
     .help = "a domain or host name to check on the domain lists (repeatable)"},
    {.name = "zone", .key = 'z', .arg = "ZONE[=LIST][:KIND]", .kind = PP_OPT_LIST,
     .dst = &opt_zones,
     .help = "a list to ask (repeatable); KIND is \"addresses\" (the default for zones the "
             "built-in table does not know) or \"domains\"; =LIST reads the answers of a "
             "local mirror as those of a known list (zen.spamhaus.org); \"default\" stands "
             "for the default lists. Zones given replace the defaults: -z default -z ZONE "
             "extends them"},
    {.name = "zones-file", .arg = "FILE", .kind = PP_OPT_STR, .dst = &opt_zones_file,
     .help = "file of zones as -z takes them, one or more a line, # comments"},
    {.name = "dqs-key-file", .arg = "FILE", .kind = PP_OPT_STR, .dst = &opt_dqs_key_file,
     .help = "file (mode 600 or 640) holding a Spamhaus Data Query Service key: the Spamhaus "
             "zones are asked as KEY.LIST.dq.spamhaus.net"},
    {.name = "server", .key = 's', .arg = "SERVER[:PORT]", .kind = PP_OPT_STR,
     .dst = &opt_server,
     .help = "DNS resolver to ask (IPv4, [IPv6]:PORT or a name); default: /etc/resolv.conf"},
    {.name = "policy-state", .arg = "STATE", .kind = PP_OPT_STATE, .dst = &opt_policy_state,
     .help = "state of a policy listing (Spamhaus PBL, URIBL grey; default WARNING)"},
    {0},
};

static const pp_example examples[] = {
    {"-C /etc/postfix -t 20",
     "the addresses and HELO names main.cf and master.cf send from, on the default lists"},
    {"-H 192.0.2.25 -z zen.spamhaus.org -z bl.spamcop.net",
     "one address on two lists only"},
    {"-H 192.0.2.25 --domain example.org --dqs-key-file /etc/nagios/dqs.key -w 0 -c 1",
     "through Spamhaus DQS: WARNING at one listing, CRITICAL from two"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_dnsbl",
    .service = "DNSBL",
    .purpose = "Checks whether the addresses and names a Postfix server sends mail from are "
               "listed on DNS block lists, every query at once, telling listings from the "
               "lists' error codes, wildcards and silence.",
    .usage = "[-H ADDRESS|NAME]... [-C config_dir] [--domain NAME]... [-z ZONE]... "
             "[--zones-file FILE] [--dqs-key-file FILE] [-s SERVER[:PORT]] [-w N] [-c N] "
             "[-t SECONDS]",
    .notes =
        "Default lists, for addresses: zen.spamhaus.org (SBL: verified spam sources, CSS: "
        "snowshoe spam, XBL: infected hosts, DROP: criminal netblocks, PBL: ranges that "
        "should not send to MX hosts directly, a policy listing), b.barracudacentral.org "
        "(poor reputation; the resolver must be registered with Barracuda), bl.spamcop.net "
        "(user spam reports, 24 h), bl.mailspike.net (spam seen, poor reputation), "
        "psbl.surriel.com (spam trap hits), dnsbl-1.uceprotect.net (level 1: this address "
        "hit spam traps, 7 days); for names: dbl.spamhaus.org (spam, phishing, malware and "
        "botnet domains) and multi.uribl.com (black, red; grey is a policy listing).\n"
        "Only answers inside 127.0.0.0/8 are listings. The lists' error codes (Spamhaus "
        "127.255.255.252 typo, .254 public resolver, .255 too many queries; URIBL 127.0.0.1 "
        "query refused) make that zone UNKNOWN with the fix. Each zone is asked for its RFC "
        "5782 test points (127.0.0.2 or TEST listed, 127.0.0.1 or INVALID not): a zone that "
        "does not list the first is UNKNOWN (dead or refusing), one that lists the second "
        "lists everything and is UNKNOWN, never a listing. A zone without answer within -t "
        "is named and counted (perfdata timeouts) and UNKNOWN.\n"
        "Without -w/-c any listing is CRITICAL; -w/-c judge the number of listings other "
        "than policy listings (address or name, zone), which are --policy-state. With -C, "
        "the addresses are main.cf's and every smtp/lmtp service's smtp_bind_address and "
        "smtp_bind_address6 (lmtp_bind_address* for lmtp), the names myhostname and every "
        "smtp_helo_name (lmtp_lhlo_name).",
    .examples = examples,
    .use = PP_USE_THRESH | PP_USE_CONFDIR,
    .thresh_what = "the number of listings (policy listings apart)",
    .opts = opts,
    .max_args = 0,
};

/* ---- what is checked ---- */

typedef struct target {
    char *text; /* address text, or a lower-case name */
    char *from; /* "-H", "main.cf smtp_bind_address", "mail.example.org", ... */
    bool domain;
} target;

typedef struct check {
    target *t;
    size_t nt;
    pp_dnsbl_zone *z;
    size_t nz;
    pp_dnsbl_zstate *zs;
    bool *used; /* the zone has something to check: an address, or a name */
    size_t nused;
    pp_result *r;
    pp_dns *dns;
    size_t naddr, ndomain;
} check;

static void add_target(check *k, const char *text, const char *from, bool domain)
{
    for (size_t i = 0; i < k->nt; i++)
        if (k->t[i].domain == domain && strcmp(k->t[i].text, text) == 0)
            return;
    k->t = pp_xrealloc(k->t, (k->nt + 1) * sizeof *k->t);
    k->t[k->nt++] = (target){pp_xstrdup(text), pp_xstrdup(from), domain};
    if (domain)
        k->ndomain++;
    else
        k->naddr++;
}

/* An address from text, or an UNKNOWN line naming where it came from. */
static void add_address(check *k, const char *text, const char *from)
{
    pp_dnsbl_addr a;
    if (pp_dnsbl_address(text, &a) < 0) {
        pp_result_add(k->r, PP_UNKNOWN, "%s: '%s' is not an IP address", from, text);
        return;
    }
    add_target(k, a.text, from, false);
}

static void add_domain(check *k, const char *name, const char *from)
{
    char *d = pp_xstrdup(name);
    size_t n = strlen(d);
    if (n > 1 && d[n - 1] == '.')
        d[--n] = '\0';
    for (char *p = d; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    add_target(k, d, from, true);
    free(d);
}

typedef struct resolving {
    check *k;
    char *name;
    size_t found;
} resolving;

static void resolved(pp_dns_answer *ans, void *arg)
{
    resolving *rs = arg;
    for (size_t i = 0; i < ans->nrr; i++)
        if (ans->rr[i].type == PP_DNS_A || ans->rr[i].type == PP_DNS_AAAA) {
            add_target(rs->k, ans->rr[i].addr_text, rs->name, false);
            rs->found++;
        }
    if (ans->status != PP_DNS_OK && ans->status != PP_DNS_NODATA &&
        ans->status != PP_DNS_NXDOMAIN)
        pp_result_add(rs->k->r, PP_UNKNOWN, "-H %s: %s lookup failed: %s", rs->name,
                      pp_dns_type_str(ans->qtype), ans->err[0] ? ans->err
                                                              : pp_dns_status_str(ans->status));
}

static int add_host_item(const char *item, void *arg)
{
    check *k = arg;
    pp_dnsbl_addr a;
    if (pp_dnsbl_address(item, &a) == 0)
        add_target(k, a.text, "-H", false);
    return 0;
}

typedef struct hosts {
    check *k;
    resolving *rs;
    size_t n;
} hosts;

static int submit_host_name(const char *item, void *arg)
{
    hosts *h = arg;
    pp_dnsbl_addr a;
    if (pp_dnsbl_address(item, &a) == 0)
        return 0;
    h->rs[h->n] = (resolving){h->k, pp_xstrdup(item), 0};
    pp_dns_submit(h->k->dns, item, PP_DNS_A, resolved, &h->rs[h->n]);
    pp_dns_submit(h->k->dns, item, PP_DNS_AAAA, resolved, &h->rs[h->n]);
    h->n++;
    return 0;
}

static int count_item(const char *item, void *arg)
{
    (void)item;
    (*(size_t *)arg)++;
    return 0;
}

/* -H: addresses as given, names through their A and AAAA records, all at once. */
static void collect_hosts(check *k)
{
    size_t n = 0;
    for (size_t i = 0; i < opt_hosts.n; i++)
        pp_pflist_split(opt_hosts.items[i], count_item, &n);
    hosts h = {k, pp_xcalloc(n ? n : 1, sizeof(resolving)), 0};
    for (size_t i = 0; i < opt_hosts.n; i++) {
        pp_pflist_split(opt_hosts.items[i], add_host_item, k);
        pp_pflist_split(opt_hosts.items[i], submit_host_name, &h);
    }
    pp_dns_run(k->dns);
    for (size_t i = 0; i < h.n; i++)
        if (h.rs[i].found == 0)
            pp_result_add(k->r, PP_UNKNOWN, "-H %s: the name has no A or AAAA record",
                          h.rs[i].name);
    for (size_t i = 0; i < h.n; i++)
        free(h.rs[i].name);
    free(h.rs);
}

static const char *setting(pp_postconf *pc, const char *name)
{
    char err[512];
    const char *v = pp_postconf_get(pc, name, err, sizeof err);
    if (!v)
        pp_die(PP_UNKNOWN, "%s", err);
    return v;
}

/* One service's (or main.cf's) source addresses and HELO name. */
static void collect_sending(check *k, const char *where, const char *const names[3],
                            const char *values[3])
{
    char from[256];
    for (int i = 0; i < 3; i++) {
        if (!values[i] || !values[i][0])
            continue;
        snprintf(from, sizeof from, "%s %s", where, names[i]);
        if (i < 2)
            add_address(k, values[i], from);
        else
            add_domain(k, values[i], from);
    }
}

/* -C: main.cf's settings, then the -o overrides of every smtp and lmtp service. */
static void collect_postfix(check *k, const char *cdir)
{
    static const char *const smtp[] = {"smtp_bind_address", "smtp_bind_address6",
                                       "smtp_helo_name", "myhostname", NULL};
    static const char *const lmtp[] = {"lmtp_bind_address", "lmtp_bind_address6",
                                       "lmtp_lhlo_name"};
    char err[512];
    pp_postconf *pc = pp_postconf_new(cdir);
    pp_mastercf m = {0};

    if (pp_postconf_fetch(pc, smtp, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    const char *main_values[3] = {setting(pc, smtp[0]), setting(pc, smtp[1]),
                                  setting(pc, smtp[2])};
    add_domain(k, setting(pc, "myhostname"), "main.cf myhostname");
    collect_sending(k, "main.cf", smtp, main_values);
    if (pp_mastercf_load(&m, cdir, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    for (size_t i = 0; i < m.n; i++) {
        const pp_mastercf_service *s = &m.v[i];
        const char *const *names = strcmp(s->command, "smtp") == 0   ? smtp
                                   : strcmp(s->command, "lmtp") == 0 ? lmtp
                                                                     : NULL;
        if (!names)
            continue;
        const char *values[3];
        for (int j = 0; j < 3; j++)
            values[j] = pp_mastercf_override(s, names[j]);
        char where[256];
        snprintf(where, sizeof where, "master.cf %s/%s", s->name, s->type);
        collect_sending(k, where, names, values);
    }
    pp_mastercf_free(&m);
    pp_postconf_free(pc);
}

/* ---- the zones ---- */

static int add_zone(const char *spec, void *arg)
{
    check *k = arg;
    char err[512];
    if (strcmp(spec, "default") == 0) {
        for (const char *const *d = pp_dnsbl_defaults(); *d; d++)
            add_zone(*d, k);
        return 0;
    }
    pp_dnsbl_zone z;
    if (pp_dnsbl_zone_parse(spec, &z, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "-z: %s", err);
    for (size_t i = 0; i < k->nz; i++)
        if (strcmp(k->z[i].name, z.name) == 0) {
            pp_dnsbl_zone_free(&z);
            return 0;
        }
    k->z = pp_xrealloc(k->z, (k->nz + 1) * sizeof *k->z);
    k->z[k->nz++] = z;
    return 0;
}

static void apply_dqs(check *k)
{
    char text[DQS_FILE_MAX], key[64], err[512];
    size_t used = 0;
    if (!opt_dqs_key_file)
        return;
    if (pp_secret_file_read(opt_dqs_key_file, "DQS key file", text, sizeof text, err,
                            sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (pp_dnsbl_dqs_key(text, key, sizeof key, err, sizeof err) < 0) {
        memset(text, 0, sizeof text);
        pp_die(PP_UNKNOWN, "DQS key file %s: %s", opt_dqs_key_file, err);
    }
    for (size_t i = 0; i < k->nz; i++)
        used += (size_t)pp_dnsbl_zone_dqs(&k->z[i], key);
    memset(text, 0, sizeof text);
    memset(key, 0, sizeof key);
    if (used == 0)
        pp_result_add(k->r, PP_OK, "--dqs-key-file: no Spamhaus zone to ask with it");
}

static void collect_zones(check *k)
{
    char err[512];
    for (size_t i = 0; i < opt_zones.n; i++)
        pp_pflist_split(opt_zones.items[i], add_zone, k);
    if (opt_zones_file && pp_pflist_read_file(opt_zones_file, add_zone, k, err,
                                              sizeof err) < 0)
        pp_die(PP_UNKNOWN, "--zones-file: %s", err);
    if (k->nz == 0 && opt_zones.n == 0 && !opt_zones_file)
        add_zone("default", k);
    if (k->nz == 0)
        pp_die(PP_UNKNOWN, "--zones-file %s names no zone", opt_zones_file);
    apply_dqs(k);
    k->zs = pp_xcalloc(k->nz, sizeof *k->zs);
    for (size_t i = 0; i < k->nz; i++)
        k->zs[i] = (pp_dnsbl_zstate)PP_DNSBL_ZSTATE_INIT;
}

/* ---- the queries ---- */

typedef struct listing {
    size_t zone, target;
    pp_dnsbl_sev sev;
    char *codes;    /* "127.0.0.2 SBL" */
    char *meanings; /* "SBL: ...", a line each */
    char *txt;   /* the TXT record(s), or NULL */
} listing;

typedef struct query {
    check *k;
    size_t zone, target; /* target: SIZE_MAX for a test point */
    int point;           /* 1: the "listed" test point, 0: the other one, -1: a target */
    size_t found;        /* its listing's index in g_listings (the array may move) */
    struct query *next;
} query;

static listing *g_listings;
static size_t g_nlistings;
static query *g_queries;

static void got_txt(pp_dns_answer *ans, void *arg)
{
    query *q = arg;
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < ans->nrr; i++)
        if (ans->rr[i].type == PP_DNS_TXT)
            pp_buf_printf(&b, "%s%s", b.len ? " / " : "", ans->rr[i].text);
    g_listings[q->found].txt = b.s;
}

static void got_a(pp_dns_answer *ans, void *arg)
{
    query *q = arg;
    pp_dnsbl_zstate *st = &q->k->zs[q->zone];
    pp_buf text, meanings;
    pp_dnsbl_sev sev;

    pp_buf_init(&text);
    pp_buf_init(&meanings);
    if (ans->status == PP_DNS_TIMEOUT) {
        sev = PP_DNSBL_TIMEOUT;
        pp_buf_puts(&text, ans->err);
    } else if (ans->status == PP_DNS_OK) {
        sev = pp_dnsbl_judge_answer(&q->k->z[q->zone], ans, &text, &meanings);
    } else if (ans->status == PP_DNS_NXDOMAIN || ans->status == PP_DNS_NODATA) {
        sev = PP_DNSBL_NONE;
    } else {
        sev = PP_DNSBL_FAILED;
        pp_buf_printf(&text, "%s%s%s", pp_dns_status_str(ans->status), ans->err[0] ? ": " : "",
                      ans->err);
    }
    pp_dnsbl_zone_note(st, q->point, sev, pp_buf_str(&text));
    if (q->point < 0 && (sev == PP_DNSBL_ABUSE || sev == PP_DNSBL_POLICY)) {
        g_listings = pp_xrealloc(g_listings, (g_nlistings + 1) * sizeof *g_listings);
        g_listings[g_nlistings] = (listing){q->zone, q->target, sev, pp_xstrdup(text.s),
                                            meanings.s ? pp_xstrdup(meanings.s) : NULL, NULL};
        q->found = g_nlistings++;
        if (ans->qname)
            pp_dns_submit(q->k->dns, ans->qname, PP_DNS_TXT, got_txt, q);
    }
    pp_buf_free(&text);
    pp_buf_free(&meanings);
}

static void submit(check *k, size_t zone, size_t tgt, int point, const char *what)
{
    char name[256];
    if (pp_dnsbl_query_name(&k->z[zone], what, name, sizeof name) < 0) {
        pp_result_add(k->r, PP_UNKNOWN, "cannot ask %s about %s: the name would be too long",
                      k->z[zone].name, what);
        return;
    }
    query *q = pp_xcalloc(1, sizeof *q);
    *q = (query){k, zone, tgt, point, SIZE_MAX, g_queries};
    g_queries = q;
    pp_dns_submit(k->dns, name, PP_DNS_A, got_a, q);
}

/* Each zone with something to check: its test points and its targets, all at once. */
static void probe(check *k)
{
    k->used = pp_xcalloc(k->nz, sizeof *k->used);
    for (size_t z = 0; z < k->nz; z++) {
        bool domains = k->z[z].kind == PP_DNSBL_DOMAINS;
        if (domains ? k->ndomain == 0 : k->naddr == 0)
            continue;
        k->used[z] = true;
        k->nused++;
        submit(k, z, SIZE_MAX, 1, pp_dnsbl_test_point(&k->z[z], true));
        submit(k, z, SIZE_MAX, 0, pp_dnsbl_test_point(&k->z[z], false));
        for (size_t t = 0; t < k->nt; t++)
            if (k->t[t].domain == domains)
                submit(k, z, t, -1, k->t[t].text);
    }
    pp_dns_run(k->dns);
}

/* ---- judge and report ---- */

static const char *point_name(const pp_dnsbl_zone *z, bool listed)
{
    static char buf[2][300];
    pp_dnsbl_zone shown = *z;
    shown.query = z->name; /* never the DQS key */
    if (pp_dnsbl_query_name(&shown, pp_dnsbl_test_point(z, listed), buf[listed],
                            sizeof buf[listed]) < 0)
        return "?";
    return buf[listed];
}

/* One line per zone that cannot be trusted; timeouts gathered in one line. */
static size_t report_zones(check *k, size_t *timeouts)
{
    pp_buf slow;
    size_t unusable = 0;
    pp_buf_init(&slow);
    *timeouts = 0;
    for (size_t z = 0; z < k->nz; z++) {
        const pp_dnsbl_zone *zone = &k->z[z];
        const pp_dnsbl_zstate *st = &k->zs[z];
        const char *dqs = strcmp(zone->name, zone->query) ? " (DQS)" : "";
        if (!k->used[z])
            continue;
        switch (pp_dnsbl_health_of(st)) {
        case PP_DNSBL_ALIVE:
            pp_result_add(k->r, PP_OK, "%s%s: answers, test point %s listed", zone->name, dqs,
                          pp_dnsbl_test_point(zone, true));
            break;
        case PP_DNSBL_TIMEDOUT:
            pp_buf_printf(&slow, "%s%s%s", slow.len ? ", " : "", zone->name, dqs);
            (*timeouts)++;
            break;
        case PP_DNSBL_UNPROVEN:
            pp_result_add(k->r, PP_UNKNOWN, "%s%s does not list its RFC 5782 test point %s: "
                          "the list is dead or does not answer this resolver%s, its \"not "
                          "listed\" proves nothing", zone->name, dqs, point_name(zone, true),
                          dqs[0] ? " (or does not know the DQS key)" : "");
            unusable++;
            break;
        case PP_DNSBL_WILDCARD:
            pp_result_add(k->r, PP_UNKNOWN, "%s%s lists everything: its RFC 5782 test point "
                          "%s, never to be listed, answers %s (an expired list's wildcard?)",
                          zone->name, dqs, point_name(zone, false), st->why);
            unusable++;
            break;
        case PP_DNSBL_REFUSING:
            pp_result_add(k->r, PP_UNKNOWN, "%s%s answers with an error code, not a listing: "
                          "%s", zone->name, dqs, st->why);
            unusable++;
            break;
        case PP_DNSBL_FAILING:
            pp_result_add(k->r, PP_UNKNOWN, "%s%s: lookup failed: %s", zone->name, dqs,
                          st->why);
            unusable++;
            break;
        }
    }
    if (*timeouts)
        pp_result_add(k->r, PP_UNKNOWN, "no answer within the time limit from %zu zone%s: %s",
                      *timeouts, *timeouts == 1 ? "" : "s", slow.s);
    pp_buf_free(&slow);
    return unusable;
}

static bool counts(const check *k, const listing *l)
{
    pp_dnsbl_health h = pp_dnsbl_health_of(&k->zs[l->zone]);
    return h != PP_DNSBL_WILDCARD && h != PP_DNSBL_REFUSING;
}

static void report_listings(check *k, const pp_common *c, size_t *abuse, size_t *policy)
{
    *abuse = *policy = 0;
    for (size_t i = 0; i < g_nlistings; i++)
        if (counts(k, &g_listings[i]))
            (*(g_listings[i].sev == PP_DNSBL_POLICY ? policy : abuse))++;
    pp_state ts = pp_thresh_judge(&c->thresh, (double)*abuse);
    for (size_t i = 0; i < g_nlistings; i++) {
        const listing *l = &g_listings[i];
        const target *t = &k->t[l->target];
        if (!counts(k, l))
            continue;
        bool given = t->from[0] == '-'; /* -H ADDRESS, --domain: no need to say */
        pp_sub *sub = pp_result_add(k->r, l->sev == PP_DNSBL_POLICY ? opt_policy_state : ts,
                                    "%s%s%s%s listed on %s: %s", t->text, given ? "" : " (",
                                    given ? "" : t->from, given ? "" : ")",
                                    k->z[l->zone].name, l->codes);
        for (const char *m = l->meanings; m && *m;) {
            size_t n = strcspn(m, "\n");
            pp_sub_note(sub, "%.*s", (int)n, m);
            m += n + (m[n] == '\n');
        }
        if (l->txt && l->txt[0])
            pp_sub_note(sub, "TXT: %s", l->txt);
    }
}

/* The OpenMetrics families (core/metrics.h): the two kinds of listing one family. */
static const pp_family fam_listings = {"postprobe_dnsbl_listings", PP_GAUGE,
                                       "listings found (kind abuse: the judged ones; policy: "
                                       "policy lists such as a PBL)", 0};
static const pp_family fam_zones = {"postprobe_dnsbl_zones", PP_GAUGE, "zones queried", 0};
static const pp_family fam_timeouts = {"postprobe_dnsbl_timeout_zones", PP_GAUGE,
                                       "zones that did not answer in time", 0};
static const pp_family fam_unusable = {"postprobe_dnsbl_unusable_zones", PP_GAUGE,
                                       "zones whose answers cannot be used (refused, "
                                       "misconfigured or blocking the resolver)", 0};
static const pp_family fam_time = {"postprobe_dnsbl_lookup_duration_seconds", PP_GAUGE,
                                   "time all the lookups took", 0};

static void report(check *k, const pp_common *c, double seconds)
{
    size_t timeouts, abuse, policy;
    report_listings(k, c, &abuse, &policy);
    size_t unusable = report_zones(k, &timeouts);
    pp_result_summary(k->r, "%zu address%s and %zu name%s on %zu zone%s: %zu listing%s, "
                      "%zu policy listing%s", k->naddr, k->naddr == 1 ? "" : "es", k->ndomain,
                      k->ndomain == 1 ? "" : "s", k->nused, k->nused == 1 ? "" : "s", abuse,
                      abuse == 1 ? "" : "s", policy, policy == 1 ? "" : "s");
    pp_perf p = pp_perf_make("listed", (double)abuse, "");
    pp_perf_thresh(&p, &c->thresh);
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_listings, "kind=\"abuse\"");
    pp_result_perf(k->r, &p);
    p = pp_perf_make("policy_listed", (double)policy, "");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_listings, "kind=\"policy\"");
    pp_result_perf(k->r, &p);
    p = pp_perf_make("zones", (double)k->nused, "");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_zones, NULL);
    pp_result_perf(k->r, &p);
    p = pp_perf_make("timeouts", (double)timeouts, "");
    pp_perf_minmax(&p, true, 0, true, (double)k->nused);
    pp_perf_family(&p, &fam_timeouts, NULL);
    pp_result_perf(k->r, &p);
    p = pp_perf_make("zones_unusable", (double)unusable, "");
    pp_perf_minmax(&p, true, 0, true, (double)k->nused);
    pp_perf_family(&p, &fam_unusable, NULL);
    pp_result_perf(k->r, &p);
    p = pp_perf_make("time", round(seconds * 1e6) / 1e6, "s");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_time, NULL);
    pp_result_perf(k->r, &p);
}

/* ---- main ---- */

static void free_check(check *k)
{
    for (size_t i = 0; i < k->nt; i++) {
        free(k->t[i].text);
        free(k->t[i].from);
    }
    for (size_t i = 0; i < k->nz; i++)
        pp_dnsbl_zone_free(&k->z[i]);
    for (size_t i = 0; i < g_nlistings; i++) {
        free(g_listings[i].codes);
        free(g_listings[i].meanings);
        free(g_listings[i].txt);
    }
    while (g_queries) {
        query *q = g_queries->next;
        free(g_queries);
        g_queries = q;
    }
    free(g_listings);
    free(k->t);
    free(k->z);
    free(k->zs);
    free(k->used);
}

int main(int argc, char **argv)
{
    pp_common c;
    char err[512];
    check k = {0};

    pp_opts_parse(&plugin, argc, argv, &c);
    if (!c.thresh.warn.set && !c.thresh.crit.set)
        pp_thresh_parse(",0", &c.thresh, err, sizeof err);
    double start = pp_timeout_now();
    k.r = pp_result_new();
    collect_zones(&k);
    k.dns = pp_dns_new(opt_server, err, sizeof err);
    if (!k.dns)
        pp_die(PP_UNKNOWN, "%s", err);
    collect_hosts(&k);
    if (c.config_dir)
        collect_postfix(&k, c.config_dir);
    for (size_t i = 0; i < opt_domains.n; i++)
        add_domain(&k, opt_domains.items[i], "--domain");
    if (k.nt == 0)
        pp_die(PP_UNKNOWN, "nothing to check: give -H ADDRESS|NAME (or --domain NAME, or -C "
                           "for the addresses and names Postfix sends from)");
    if (c.config_dir && k.naddr == 0)
        pp_result_add(k.r, PP_UNKNOWN, "no address to check: Postfix sets no "
                      "smtp_bind_address and sends from the system's default address; name "
                      "it with -H");
    probe(&k);
    report(&k, &c, pp_timeout_now() - start);
    free_check(&k);
    pp_dns_free(k.dns);
    pp_strlist_free(&opt_hosts);
    pp_strlist_free(&opt_domains);
    pp_strlist_free(&opt_zones);
    pp_result_exit(k.r);
}
