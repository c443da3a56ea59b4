/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_relay_mx - the DNS MX setup of the domains a Postfix relay carries, and the settings
 * that keep it from backscattering
 *
 * Domains come from -D or from Postfix (relay_domains and the keys of transport_maps); all
 * their MX records, and the addresses of every MX host, are looked up at once; broken setups
 * (NXDOMAIN, no MX, null MX, MX on a CNAME or an IP address, MX hosts without address,
 * SERVFAIL) are reported per kind of problem; --probe talks SMTP to each MX host; the
 * restrictions of every smtpd service that takes mail from the network (master.cf overrides
 * included) are audited for relayed domains that accept any recipient.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "dns/dns.h"
#include "postfix/access.h"
#include "postfix/mastercf.h"
#include "core/opts.h"
#include "postfix/pflist.h"
#include "postfix/postconf.h"
#include "relay/relay_audit.h"
#include "relay/relay_mx.h"
#include "core/result.h"

#define AUDIT_LOCALPART_TEXT "postprobe.unknown.recipient"
#define NAMES_IN_STATUS 5 /* domains named per problem in the status line */
#define DESCRIBED_MAX 20  /* domains described in the long output without -v */

static pp_strlist opt_domains;
static const char *opt_domains_file, *opt_server, *opt_expect, *opt_rcpt, *opt_helo;
static const char *opt_from = "";
static bool opt_probe, opt_no_audit;
static long opt_probe_port = 25, opt_parallel = 128, opt_dns_tries = 2, opt_probe_parallel = 8;
static double opt_dns_timeout = 2, opt_probe_timeout = 10;

static const pp_opt opts[] = {
    {.name = "domain", .key = 'D', .arg = "DOMAIN", .kind = PP_OPT_LIST, .dst = &opt_domains,
     .help = "a domain to check (repeatable; \"a,b\" lists, @FILE reads a file of domains); "
             "default: relay_domains and the domain keys of transport_maps"},
    {.name = "domains-file", .arg = "FILE", .kind = PP_OPT_STR, .dst = &opt_domains_file,
     .help = "file of domains to check, one or more a line, # comments"},
    {.name = "server", .key = 's', .arg = "SERVER[:PORT]", .kind = PP_OPT_STR,
     .dst = &opt_server,
     .help = "DNS server to ask (IPv4, [IPv6]:PORT or a name); default: /etc/resolv.conf"},
    {.name = "expect-mx", .arg = "HOSTS", .kind = PP_OPT_STR, .dst = &opt_expect,
     .help = "the MX hosts every domain must have: \"mx1.example.org,mx2.example.org\" (exactly "
             "that set) or \"/REGEX/\" (each MX host must match, case-insensitive)"},
    {.name = "dns-timeout", .arg = "SECONDS", .kind = PP_OPT_DOUBLE, .dst = &opt_dns_timeout,
     .help = "wait per DNS try (default 2)"},
    {.name = "dns-tries", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_dns_tries,
     .help = "tries per DNS query and server (default 2)"},
    {.name = "parallel", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_parallel,
     .help = "DNS queries in flight at once (default 128)"},
    {.name = "probe", .kind = PP_OPT_FLAG, .dst = &opt_probe,
     .help = "connect to each MX host: banner and EHLO (no mail is sent)"},
    {.name = "probe-rcpt", .arg = "ADDRESS", .kind = PP_OPT_STR, .dst = &opt_rcpt,
     .help = "with --probe, RCPT TO an address that must not exist: LOCALPART (asked as "
             "LOCALPART@DOMAIN for each domain) or a full address; an MX that accepts it "
             "takes unknown users (WARNING: backscatter risk)"},
    {.name = "probe-from", .arg = "ADDRESS", .kind = PP_OPT_STR, .dst = &opt_from,
     .help = "MAIL FROM of the RCPT probe (default: the null sender <>)"},
    {.name = "probe-port", .arg = "PORT", .kind = PP_OPT_INT, .dst = &opt_probe_port,
     .help = "SMTP port of the MX hosts (default 25)"},
    {.name = "probe-timeout", .arg = "SECONDS", .kind = PP_OPT_DOUBLE,
     .dst = &opt_probe_timeout, .help = "wait per SMTP step (default 10, never past -t)"},
    {.name = "probe-parallel", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_probe_parallel,
     .help = "SMTP sessions at once (default 8)"},
    {.name = "helo", .arg = "NAME", .kind = PP_OPT_STR, .dst = &opt_helo,
     .help = "EHLO name of the probes (default: this host's name)"},
    {.name = "no-audit", .kind = PP_OPT_FLAG, .dst = &opt_no_audit,
     .help = "skip the audit of Postfix's recipient checks for relayed domains"},
    {0},
};

static const pp_example examples[] = {
    {"-w 2 -c 5",
     "every domain Postfix relays (relay_domains, transport_maps), and the audit"},
    {"-D example.org --expect-mx mx1.example.org,mx2.example.org --probe",
     "one domain: its MX hosts must be these two, and each must answer SMTP"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_relay_mx",
    .service = "RELAY_MX",
    .purpose = "Checks the DNS MX setup of every domain a Postfix relay carries (NXDOMAIN, "
               "no MX, implicit MX, null MX, MX on a CNAME or an IP address, MX hosts "
               "without address, SERVFAIL), optionally talks SMTP to each MX host, and warns "
               "about relayed domains that accept any recipient (backscatter).",
    .usage = "[-C CONFIG_DIR] [-D DOMAIN]... [--domains-file FILE] [-s SERVER[:PORT]] "
             "[--expect-mx HOSTS] [--probe [--probe-rcpt ADDRESS]] [-w SECONDS] [-c SECONDS]",
    .notes = "-w/-c judge the slowest DNS answer, in seconds.\n"
             "The audit (when the domains come from Postfix, or with -C) judges every smtpd "
             "service of master.cf that takes mail from the network (inet, or pass behind "
             "postscreen) with its own settings: main.cf's unless -o overrides them. It "
             "reads smtpd_client/relay/recipient_restrictions (restriction classes followed), "
             "relay_recipient_maps, smtpd_reject_unlisted_recipient, receive_override_options "
             "and the check_recipient_access tables on the way, each relayed domain on its "
             "own: the tables are asked (postmap -q) for an unknown recipient, "
             AUDIT_LOCALPART_TEXT "@DOMAIN, in smtpd's order and with its rules "
             "(parent_domain_matches_subdomains, recipient_delimiter), and the first answer "
             "acts as in smtpd. It names the services that accept unknown recipients of "
             "relayed domains.\n"
             "A domain found only as a transport_maps key is judged by the next hop Postfix "
             "uses for it (master.cf names the delivery agent): the MX of an smtp next hop "
             "name, the address of [host] or an lmtp host, nothing for an IP address, an "
             "lmtp:unix: socket or a local agent (error, retry, discard, ...).",
    .examples = examples,
    .use = PP_USE_THRESH | PP_USE_CONFDIR,
    .thresh_what = "the slowest DNS answer (seconds)",
    .opts = opts,
    .max_args = 0,
};

/* ---- domains ---- */

static int valid_domain(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > 253)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (label == 0)
                return 0;
            label = 0;
        } else if (isalnum((unsigned char)*p) || *p == '-' || *p == '_') {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return label > 0;
}

static int add_named(const char *item, void *arg)
{
    pp_rmx *x = arg;
    char *d = pp_xstrdup(item);
    size_t n = strlen(d);
    if (n > 1 && d[n - 1] == '.')
        d[--n] = '\0';
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (!valid_domain(d))
        pp_die(PP_UNKNOWN, "'%s' is not a domain name", item);
    pp_rmx_add(x, d);
    free(d);
    return 0;
}

static void read_domains_file(pp_rmx *x, const char *path)
{
    char err[512];
    if (pp_pflist_read_file(path, add_named, x, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
}

static int add_domain_option(const char *item, void *arg)
{
    if (item[0] == '@')
        read_domains_file(arg, item + 1);
    else
        add_named(item, arg);
    return 0;
}

typedef struct pairs {
    char **key, **value;
    size_t n;
} pairs;

static int keep_pair(const char *key, const char *value, void *arg)
{
    pairs *p = arg;
    p->key = pp_xrealloc(p->key, (p->n + 1) * sizeof *p->key);
    p->value = pp_xrealloc(p->value, (p->n + 1) * sizeof *p->value);
    p->key[p->n] = pp_xstrdup(key);
    p->value[p->n++] = value ? pp_xstrdup(value) : NULL;
    return 0;
}

static void free_pairs(pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->key[i]);
        free(p->value[i]);
    }
    free(p->key);
    free(p->value);
}

typedef struct listing {
    pp_result *r;
    pp_state state;
    const char *what;
} listing;

static int listing_note(const char *text, void *arg)
{
    listing *l = arg;
    pp_result_add(l->r, l->state, "%s: %s", l->what, text);
    return 0;
}

static const char *setting(pp_postconf *pc, const char *name)
{
    char err[512];
    const char *v = pp_postconf_get(pc, name, err, sizeof err);
    if (!v)
        pp_die(PP_UNKNOWN, "%s", err);
    return v;
}

/* The settings read, in one postconf run: the domains' and (from audit_names on) those the
 * audit reads for each smtpd service, main.cf's unless master.cf overrides them. */
enum { A_CLIENT, A_RELAY, A_RCPT, A_MAPS, A_UNLISTED, A_OVERRIDE, A_PARENT, A_DELIM, A_CLASSES,
       A_N };
static const char *const postfix_names[] = {
    "relay_domains", "transport_maps", "relay_transport", "default_transport",
    "smtpd_client_restrictions", "smtpd_relay_restrictions",
    "smtpd_recipient_restrictions", "relay_recipient_maps", "smtpd_reject_unlisted_recipient",
    "receive_override_options", "parent_domain_matches_subdomains", "recipient_delimiter",
    "smtpd_restriction_classes", NULL};
static const char *const *const audit_names = postfix_names + 4;

/* The program of master.cf's service "name/unix" (NULL: no such service, or no master.cf). */
static const char *service_command(const pp_mastercf *m, const char *transport)
{
    size_t n = strcspn(transport, ":");
    for (size_t i = 0; m && i < m->n; i++)
        if (strlen(m->v[i].name) == n && strncmp(m->v[i].name, transport, n) == 0 &&
            strcmp(m->v[i].type, "unix") == 0)
            return m->v[i].command;
    return NULL;
}

/* Domain d's transport_maps value: ":nexthop" keeps the transport of the domain's class
 * (relay_transport for relayed domains, else default_transport), as trivial-rewrite does. */
static void set_transport(pp_rmx_domain *d, const char *value, pp_postconf *pc,
                          const pp_mastercf *m)
{
    char *full = NULL;
    if (value[0] == ':') {
        const char *dflt = setting(pc, d->relayed ? "relay_transport" : "default_transport");
        full = pp_xasprintf("%.*s%s", (int)strcspn(dflt, ":"), dflt, value);
    }
    pp_rmx_set_transport(d, full ? full : value, service_command(m, full ? full : value));
    free(full);
}

/*
 * The domains: from -D/--domains-file, or relay_domains plus the keys of transport_maps.
 * With Postfix's settings at hand, each domain also learns its transport_maps entry (and
 * the route it makes, through master.cf's services) and whether relay_domains lists it.
 * A domain taken from transport_maps alone is no inbound domain: Postfix only sends to it,
 * so its next hop is judged rather than its own MX.
 */
static void collect_domains(pp_rmx *x, pp_postconf *pc, const pp_mastercf *m, pp_result *r,
                            const char *cdir)
{
    pairs relay = {0}, transport = {0};
    bool from_postfix = opt_domains.n == 0 && !opt_domains_file;

    for (size_t i = 0; i < opt_domains.n; i++)
        pp_pflist_split(opt_domains.items[i], add_domain_option, x);
    if (opt_domains_file)
        read_domains_file(x, opt_domains_file);
    if (pc) {
        char err[512];
        if (pp_postconf_fetch(pc, postfix_names, err, sizeof err) < 0)
            pp_die(PP_UNKNOWN, "%s", err);
        listing lr = {r, PP_UNKNOWN, "relay_domains"}, lt = {r, PP_OK, "transport_maps"};
        pp_pflist_expand(cdir, setting(pc, "relay_domains"), keep_pair, &relay, listing_note,
                         &lr);
        pp_pflist_expand(cdir, setting(pc, "transport_maps"), keep_pair, &transport,
                         listing_note, &lt);
    }
    if (from_postfix) {
        for (size_t i = 0; i < relay.n; i++)
            pp_rmx_add(x, relay.key[i]);
        for (size_t i = 0; i < transport.n; i++)
            pp_rmx_add(x, transport.key[i]);
    }
    pp_rmx_finish_list(x);
    for (size_t i = 0; i < x->ndom; i++)
        x->dom[i].inbound = !from_postfix;
    for (size_t i = 0; i < relay.n; i++) {
        pp_rmx_domain *d = pp_rmx_find(x, relay.key[i]);
        if (d)
            d->relayed = d->inbound = true;
    }
    for (size_t i = 0; i < transport.n; i++) {
        pp_rmx_domain *d = pp_rmx_find(x, transport.key[i]);
        if (d && !d->transport && transport.value[i])
            set_transport(d, transport.value[i], pc, m);
    }
    free_pairs(&relay);
    free_pairs(&transport);
}

/* ---- what the admin expects ---- */

static void parse_expect(pp_rmx_expect *e, pp_strlist *names)
{
    size_t n = opt_expect ? strlen(opt_expect) : 0;
    memset(e, 0, sizeof *e);
    if (n == 0)
        return;
    if (n >= 2 && opt_expect[0] == '/' && opt_expect[n - 1] == '/') {
        int code;
        PCRE2_SIZE off;
        e->regex = pcre2_compile((PCRE2_SPTR)opt_expect + 1, n - 2, PCRE2_CASELESS, &code, &off,
                                 NULL);
        if (!e->regex) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            pp_die(PP_UNKNOWN, "--expect-mx: bad regular expression at offset %zu: %s",
                   (size_t)off, (char *)msg);
        }
        return;
    }
    char *copy = pp_xstrdup(opt_expect);
    for (char *tok = strtok(copy, ", \t"); tok; tok = strtok(NULL, ", \t")) {
        names->items = pp_xrealloc(names->items, (names->n + 1) * sizeof *names->items);
        names->items[names->n++] = pp_xstrdup(tok);
    }
    free(copy);
    e->names = names->items;
    e->nnames = names->n;
}

static void free_expect(pp_rmx_expect *e, pp_strlist *names)
{
    pcre2_code_free((pcre2_code *)e->regex);
    for (size_t i = 0; i < names->n; i++)
        free((char *)names->items[i]);
    pp_strlist_free(names);
}

/* ---- audit ---- */

/* The smtpd services with one set of effective settings, judged once. */
typedef struct view {
    pp_buf services; /* "smtp/inet, smtpd/pass" */
    pp_buf key;      /* the settings, one a line */
    const char *value[A_N];
    pp_relay_audit_class *classes; /* ended by {NULL, NULL} */
} view;

typedef struct views {
    view *v;
    size_t n;
    pp_postconf *pc;
    const pp_mastercf_service *s; /* the service being added */
} views;

/* Parameter name for service s: its -o override, else main.cf's (NULL: Postfix knows no
 * such parameter). */
static const char *effective(views *vs, const char *name)
{
    char err[512];
    return pp_mastercf_effective(vs->s, vs->pc, name, err, sizeof err);
}

static int add_class(const char *name, void *arg)
{
    views *vs = arg;
    view *v = &vs->v[vs->n];
    const char *list = effective(vs, name);
    size_t n = 0;
    while (v->classes[n].name)
        n++;
    v->classes = pp_xrealloc(v->classes, (n + 2) * sizeof *v->classes);
    v->classes[n] = (pp_relay_audit_class){pp_xstrdup(name), list ? list : ""};
    v->classes[n + 1] = (pp_relay_audit_class){NULL, NULL};
    pp_buf_printf(&v->key, "%s = %s\n", name, list ? list : "");
    return 0;
}

static void free_view(view *v)
{
    for (size_t i = 0; v->classes[i].name; i++)
        free((char *)v->classes[i].name);
    free(v->classes);
    pp_buf_free(&v->services);
    pp_buf_free(&v->key);
}

/* Adds service s to the view with its settings, or to a new one. */
static void add_service(views *vs, const pp_mastercf_service *s)
{
    view *v;
    vs->s = s;
    vs->v = pp_xrealloc(vs->v, (vs->n + 1) * sizeof *vs->v);
    v = memset(&vs->v[vs->n], 0, sizeof *v);
    v->classes = pp_xcalloc(1, sizeof *v->classes);
    for (size_t i = 0; i < A_N; i++) {
        const char *value = effective(vs, audit_names[i]);
        v->value[i] = value ? value : "";
        pp_buf_printf(&v->key, "%s\n", v->value[i]);
    }
    pp_pflist_split(v->value[A_CLASSES], add_class, vs);
    for (size_t i = 0; i < vs->n; i++)
        if (strcmp(vs->v[i].key.s, v->key.s) == 0) {
            pp_buf_printf(&vs->v[i].services, ", %s/%s", s->name, s->type);
            free_view(v);
            return;
        }
    pp_buf_printf(&v->services, "%s/%s", s->name, s->type);
    vs->n++;
}

/* A recipient no table names: what smtpd does with it is what it does with any unknown one. */
#define AUDIT_LOCALPART AUDIT_LOCALPART_TEXT

/* The lookups of one relayed domain's unknown recipient in the access tables. */
typedef struct domain_lookup {
    pp_access_cache *cache;
    pp_access_keys keys;
    char err[512];
} domain_lookup;

static int lookup_domain(const char *table, const char **value, const char **key, void *arg)
{
    domain_lookup *l = arg;
    int rc = pp_access_find(l->cache, table, &l->keys, value, key, l->err, sizeof l->err);
    if (rc < 0)
        *value = l->err;
    return rc;
}

/* Verdicts with the same text, counted. */
typedef struct tally {
    char **text;
    size_t *n;
    size_t len;
} tally;

static void count(tally *t, const char *text)
{
    for (size_t i = 0; i < t->len; i++)
        if (strcmp(t->text[i], text) == 0) {
            t->n[i]++;
            return;
        }
    t->text = pp_xrealloc(t->text, (t->len + 1) * sizeof *t->text);
    t->n = pp_xrealloc(t->n, (t->len + 1) * sizeof *t->n);
    t->text[t->len] = pp_xstrdup(text);
    t->n[t->len++] = 1;
}

static void free_tally(tally *t)
{
    for (size_t i = 0; i < t->len; i++)
        free(t->text[i]);
    free(t->text);
    free(t->n);
}

/* The keys smtpd asks the access tables for an unknown recipient of every relayed domain,
 * with view v's recipient_delimiter and parent_domain_matches_subdomains. */
static pp_access_keys *domain_keys(const pp_rmx *x, const view *v, pp_access_cache *cache)
{
    pp_access_keys *keys = pp_xcalloc(x->ndom ? x->ndom : 1, sizeof *keys);
    bool parent = pp_access_parent_style(v->value[A_PARENT]);
    for (size_t i = 0; i < x->ndom; i++) {
        if (!x->dom[i].relayed)
            continue;
        char *addr = pp_xasprintf("%s@%s", AUDIT_LOCALPART, x->dom[i].name);
        pp_access_mail_keys(addr, v->value[A_DELIM], parent, &keys[i]);
        pp_access_cache_want(cache, &keys[i]);
        free(addr);
    }
    return keys;
}

static void report_view(pp_result *r, const view *v, const tally *safe, const tally *failed,
                        size_t relayed)
{
    for (size_t i = 0; i < failed->len; i++)
        pp_result_add(r, PP_UNKNOWN, "audit: %s: %s", v->services.s, failed->text[i]);
    for (size_t i = 0; i < safe->len; i++) {
        if (safe->n[i] == relayed)
            pp_result_add(r, PP_OK, "%s: unknown recipients of relayed domains refused (%s)",
                          v->services.s, safe->text[i]);
        else
            pp_result_add(r, PP_OK, "%s: unknown recipients refused for %zu of %zu relayed "
                          "domains (%s)", v->services.s, safe->n[i], relayed, safe->text[i]);
    }
}

/* Each relayed domain judged with view v's settings, its access tables asked as smtpd asks
 * them for an unknown recipient of the domain. */
static void judge_view(pp_rmx *x, pp_result *r, const view *v, pp_access_cache *cache)
{
    pp_relay_audit_settings set = {v->value[A_CLIENT],   v->value[A_RELAY],
                                   v->value[A_RCPT],     v->value[A_MAPS],
                                   v->value[A_UNLISTED], v->value[A_OVERRIDE],
                                   v->classes};
    pp_access_keys *keys = domain_keys(x, v, cache);
    tally safe = {0}, failed = {0};
    char *loop = NULL;
    size_t relayed = 0;

    for (size_t i = 0; i < x->ndom; i++) {
        pp_rmx_domain *d = &x->dom[i];
        if (!d->relayed)
            continue;
        relayed++;
        domain_lookup l = {.cache = cache, .keys = keys[i]};
        pp_relay_audit_lookup lk = {lookup_domain, &l};
        pp_relay_audit_verdict vd;
        pp_relay_audit_judge(&set, &lk, &vd);
        if (vd.loop && !loop)
            loop = pp_xstrdup(vd.loop);
        if (vd.failed)
            count(&failed, vd.failed);
        else if (vd.safe_by)
            count(&safe, vd.safe_by);
        else
            pp_rmx_note(d, PP_RMX_BACKSCATTER, "%s: %s", v->services.s, vd.why);
        pp_relay_audit_verdict_free(&vd);
        pp_access_keys_free(&keys[i]);
    }
    if (loop)
        pp_result_add(r, PP_WARNING, "%s: restriction class %s loops (contains itself, or "
                      "nests more than %d deep): smtpd cannot evaluate it", v->services.s,
                      loop, PP_RELAY_AUDIT_DEPTH);
    report_view(r, v, &safe, &failed, relayed);
    free(loop);
    free(keys);
    free_tally(&safe);
    free_tally(&failed);
}

static int want_class(const char *name, void *arg)
{
    pp_strlist *names = arg;
    if (pp_postconf_name_ok(name)) {
        names->items = pp_xrealloc(names->items, (names->n + 2) * sizeof *names->items);
        names->items[names->n++] = pp_xstrdup(name);
        names->items[names->n] = NULL;
    }
    return 0;
}

/* The main.cf values of every restriction class, in one postconf run. */
static void fetch_classes(pp_postconf *pc, const pp_mastercf *m)
{
    pp_strlist names = {0};
    char err[512];
    pp_buf all;

    pp_buf_init(&all);
    pp_buf_printf(&all, "%s", setting(pc, audit_names[A_CLASSES]));
    for (size_t i = 0; i < m->n; i++) {
        const char *v = pp_mastercf_override(&m->v[i], audit_names[A_CLASSES]);
        if (v && pp_mastercf_smtpd_listener(&m->v[i]))
            pp_buf_printf(&all, " %s", v);
    }
    pp_pflist_split(all.s, want_class, &names);
    if (names.n && pp_postconf_fetch(pc, names.items, err, sizeof err) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    for (size_t i = 0; i < names.n; i++)
        free((char *)names.items[i]);
    pp_strlist_free(&names);
    pp_buf_free(&all);
}

/*
 * Relayed domains are safe from backscatter when every smtpd service that takes mail from
 * the network (master.cf inet and postscreen pass services; main.cf settings unless -o
 * overrides them) refuses their unknown recipients: with relay_recipient_maps (enforced),
 * or with reject_unverified_recipient on the way of mail from outside, globally or per
 * domain from a check_recipient_access table.
 */
static void audit(pp_rmx *x, pp_postconf *pc, const pp_mastercf *m, const char *mastercf_err,
                  pp_result *r, const char *cdir)
{
    views vs = {.pc = pc};
    size_t relayed = 0;

    for (size_t i = 0; i < x->ndom; i++)
        relayed += x->dom[i].relayed;
    if (relayed == 0)
        return;
    if (!m) {
        pp_result_add(r, PP_UNKNOWN, "audit: %s", mastercf_err);
        return;
    }
    fetch_classes(pc, m);
    for (size_t i = 0; i < m->n; i++)
        if (pp_mastercf_smtpd_listener(&m->v[i]))
            add_service(&vs, &m->v[i]);
    if (vs.n == 0)
        pp_result_add(r, PP_OK, "relayed domains: no smtpd service in master.cf takes mail "
                      "from the network");
    pp_access_cache *cache = pp_access_cache_new(cdir);
    for (size_t i = 0; i < vs.n; i++) {
        judge_view(x, r, &vs.v[i], cache);
        free_view(&vs.v[i]);
    }
    pp_access_cache_free(cache);
    free(vs.v);
}

/* ---- report ---- */

/* Appends "domain" or "domain (detail; detail)", the domain's notes of problem p; false
 * when it has none. */
static bool name_notes(pp_buf *b, const pp_rmx_domain *d, pp_rmx_problem p, const char *sep)
{
    size_t n = 0, details = 0;
    for (size_t k = 0; k < d->nnotes; k++) {
        const pp_rmx_issue *note = &d->notes[k];
        if (note->problem != p)
            continue;
        if (n++ == 0)
            pp_buf_printf(b, "%s%s", sep, d->name);
        if (note->text[0])
            pp_buf_printf(b, "%s%s", details++ ? "; " : " (", note->text);
    }
    if (details)
        pp_buf_putc(b, ')');
    return n > 0;
}

/* One line per kind of problem naming the first domains; all of them in its details. */
static void report_problem(pp_result *r, pp_rmx *x, pp_rmx_problem p)
{
    pp_buf names, line;
    size_t n = 0;

    pp_buf_init(&names);
    pp_buf_init(&line);
    for (size_t i = 0; i < x->ndom; i++) {
        pp_buf_reset(&line);
        if (name_notes(&line, &x->dom[i], p, n ? ", " : "") && n++ < NAMES_IN_STATUS)
            pp_buf_puts(&names, line.s);
    }
    if (n > 0) {
        if (n > NAMES_IN_STATUS)
            pp_buf_printf(&names, " and %zu more", n - NAMES_IN_STATUS);
        pp_sub *sub = pp_result_add(r, pp_rmx_problem_state(p), "%s: %s",
                                    pp_rmx_problem_text(p), names.s);
        for (size_t i = 0; i < x->ndom; i++) {
            pp_buf_reset(&line);
            if (!name_notes(&line, &x->dom[i], p, ""))
                continue;
            pp_buf_puts(&line, ":");
            pp_rmx_describe(&x->dom[i], &line);
            pp_sub_detail(sub, "%s", line.s);
        }
    }
    pp_buf_free(&line);
    pp_buf_free(&names);
}

static const pp_family fam_domains = {"postprobe_relay_mx_domains", PP_GAUGE,
                                      "domains checked", 0};
static const pp_family fam_failing = {"postprobe_relay_mx_failing_domains", PP_GAUGE,
                                      "domains with a failing MX host", 0};
static const pp_family fam_warned = {"postprobe_relay_mx_warned_domains", PP_GAUGE,
                                     "domains with a warning", 0};
static const pp_family fam_slowest = {"postprobe_relay_mx_dns_slowest_answer_seconds",
                                      PP_GAUGE, "time of the slowest DNS answer", 0};

/* Problems by kind, then a line per sound domain (at most DESCRIBED_MAX without -v). */
static void report(pp_result *r, pp_rmx *x, const pp_common *c)
{
    size_t failing = 0, warned = 0, described = 0, hidden = 0;
    pp_buf line;

    for (int p = 0; p < PP_RMX_NPROBLEMS; p++)
        report_problem(r, x, (pp_rmx_problem)p);
    pp_buf_init(&line);
    for (size_t i = 0; i < x->ndom; i++) {
        const pp_rmx_domain *d = &x->dom[i];
        pp_state worst = PP_OK;
        for (size_t k = 0; k < d->nnotes; k++)
            worst = pp_state_worst(worst, pp_rmx_problem_state(d->notes[k].problem));
        failing += worst == PP_CRITICAL || worst == PP_UNKNOWN;
        warned += worst == PP_WARNING;
        if (worst != PP_OK)
            continue;
        if (c->verbose == 0 && described == DESCRIBED_MAX) {
            hidden++;
            continue;
        }
        pp_buf_reset(&line);
        pp_buf_printf(&line, "%s:", d->name);
        pp_rmx_describe(d, &line);
        pp_result_add(r, PP_OK, "%s", line.s);
        described++;
    }
    if (hidden)
        pp_result_add(r, PP_OK, "%zu more sound domains (see -v)", hidden);
    pp_buf_free(&line);
    pp_state ts = pp_thresh_judge(&c->thresh, x->slowest);
    if (ts != PP_OK)
        pp_result_add(r, ts, "slowest DNS answer %.3f s", x->slowest);
    pp_result_summary(r, "%zu domain%s checked, %zu failing, %zu with warnings, slowest DNS "
                      "answer %.1f ms", x->ndom, x->ndom == 1 ? "" : "s", failing, warned,
                      x->slowest * 1000);
    pp_perf p = pp_perf_make("domains", (double)x->ndom, "");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_domains, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("failing", (double)failing, "");
    pp_perf_minmax(&p, true, 0, true, (double)x->ndom);
    pp_perf_family(&p, &fam_failing, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("warnings", (double)warned, "");
    pp_perf_minmax(&p, true, 0, true, (double)x->ndom);
    pp_perf_family(&p, &fam_warned, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("dns_slowest", round(x->slowest * 1e6) / 1e6, "s");
    pp_perf_thresh(&p, &c->thresh);
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_slowest, NULL);
    pp_result_perf(r, &p);
}

/* ---- main ---- */

static void check_values(void)
{
    if (opt_probe_port < 1 || opt_probe_port > 65535)
        pp_die(PP_UNKNOWN, "--probe-port: %ld is not a TCP port", opt_probe_port);
    if (opt_parallel < 1 || opt_parallel > 512 || opt_probe_parallel < 1 ||
        opt_probe_parallel > 256)
        pp_die(PP_UNKNOWN, "--parallel is 1 to 512, --probe-parallel 1 to 256");
    if (opt_dns_tries < 1 || opt_dns_tries > 10)
        pp_die(PP_UNKNOWN, "--dns-tries: %ld is not 1 to 10", opt_dns_tries);
    if (!(opt_dns_timeout > 0) || !(opt_probe_timeout > 0))
        pp_die(PP_UNKNOWN, "--dns-timeout and --probe-timeout must be more than 0 seconds");
}

static void probe(pp_rmx *x)
{
    char host[256] = "localhost";
    if (!opt_helo && gethostname(host, sizeof host - 1) == 0)
        host[sizeof host - 1] = '\0';
    pp_rmx_probe_opts po = {(unsigned)opt_probe_port, opt_helo ? opt_helo : host, opt_from,
                            opt_rcpt, opt_probe_timeout, (int)opt_probe_parallel};
    pp_rmx_probe(x, &po);
}

int main(int argc, char **argv)
{
    pp_common c;
    char err[512];
    pp_strlist expect_names = {0};
    pp_rmx_expect expect;

    pp_opts_parse(&plugin, argc, argv, &c);
    check_values();
    parse_expect(&expect, &expect_names);
    bool postfix = c.config_dir || (opt_domains.n == 0 && !opt_domains_file);
    pp_postconf *pc = postfix ? pp_postconf_new(c.config_dir) : NULL;
    pp_result *r = pp_result_new();
    pp_rmx *x = pp_rmx_new();

    pp_mastercf mcf;
    char mcf_err[512] = "";
    bool have_mcf = pc && pp_mastercf_load(&mcf, c.config_dir, mcf_err, sizeof mcf_err) == 0;
    collect_domains(x, pc, have_mcf ? &mcf : NULL, r, c.config_dir);
    if (x->ndom == 0)
        pp_die(PP_UNKNOWN, "no domains to check (relay_domains and transport_maps list none; "
                           "give -D)");
    pp_dns *dns = pp_dns_new(opt_server, err, sizeof err);
    if (!dns)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_dns_set_timeout(dns, opt_dns_timeout, (int)opt_dns_tries);
    pp_dns_set_parallel(dns, (int)opt_parallel);
    pp_rmx_resolve(x, dns);
    pp_dns_free(dns);
    pp_rmx_judge(x, &expect);
    if (opt_probe || opt_rcpt)
        probe(x);
    if (pc && !opt_no_audit)
        audit(x, pc, have_mcf ? &mcf : NULL, mcf_err, r, c.config_dir);
    if (have_mcf)
        pp_mastercf_free(&mcf);
    report(r, x, &c);
    pp_rmx_free(x);
    pp_postconf_free(pc);
    free_expect(&expect, &expect_names);
    pp_strlist_free(&opt_domains);
    pp_result_exit(r);
}
