/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relayhost.c - the relay host Postfix sends through, and its login. See relayhost.h.
 *
 * The order of the lookups follows Postfix 3.7: trivial-rewrite's resolve.c (the next hop's
 * precedence, documented under default_transport in postconf(5)) and smtp(8)'s
 * smtp_sasl_passwd_lookup() in smtp_sasl_glue.c (sender, host, next hop).
 */
#include "relay/relayhost.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "postfix/mastercf.h"
#include "postfix/pflist.h"
#include "postfix/postconf.h"

/* ---- pure helpers ---- */

int pp_relayhost_parse_dest(const char *dest, pp_relayhost_dest *d)
{
    const char *rest;
    memset(d, 0, sizeof *d);
    if (dest[0] == '[') {
        const char *close = strchr(dest, ']');
        if (!close || close == dest + 1)
            return -1;
        d->host = pp_xasprintf("%.*s", (int)(close - dest - 1), dest + 1);
        d->bracket = true;
        rest = close + 1;
        if (*rest && *rest != ':') {
            pp_relayhost_dest_free(d);
            return -1;
        }
    } else {
        size_t n = strcspn(dest, ":");
        if (n == 0) {
            return -1;
        }
        d->host = pp_xasprintf("%.*s", (int)n, dest);
        rest = dest + n;
    }
    if (*rest == ':') {
        if (!rest[1] || strpbrk(rest + 1, ":[] \t")) {
            pp_relayhost_dest_free(d);
            return -1;
        }
        d->port = pp_xstrdup(rest + 1);
    }
    return 0;
}

void pp_relayhost_dest_free(pp_relayhost_dest *d)
{
    free(d->host);
    free(d->port);
    memset(d, 0, sizeof *d);
}

static void add_key(pp_access_keys *k, bool partial, char *s)
{
    k->v = pp_xrealloc(k->v, (k->n + 1) * sizeof *k->v);
    k->v[k->n++] = (pp_access_key){s, partial};
}

/* Adds the keys of mail_addr_find(): address, address without extension, @domain. */
static int add_sender_keys(const char *sender, const char *delimiters, pp_access_keys *k)
{
    const char *at = strrchr(sender, '@');
    if (!at || at == sender || !at[1])
        return -1;
    int local = (int)(at - sender), bare = local;
    if (delimiters && *delimiters) {
        size_t e = strcspn(sender, delimiters);
        if (e > 0 && e < (size_t)local)
            bare = (int)e;
    }
    char *domain = pp_xstrdup(at + 1);
    for (char *p = domain; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    add_key(k, false, pp_xasprintf("%.*s@%s", local, sender, domain));
    if (bare < local)
        add_key(k, true, pp_xasprintf("%.*s@%s", bare, sender, domain));
    add_key(k, true, pp_xasprintf("@%s", domain));
    free(domain);
    return 0;
}

int pp_relayhost_sender_keys(const char *sender, const char *delimiters, pp_access_keys *k)
{
    memset(k, 0, sizeof *k);
    return add_sender_keys(sender, delimiters, k);
}

void pp_relayhost_sasl_keys(const char *sender, const char *delimiters, bool sender_auth,
                            const char *host, const char *dest, pp_access_keys *k)
{
    memset(k, 0, sizeof *k);
    if (sender_auth && sender && *sender)
        add_sender_keys(sender, delimiters, k);
    add_key(k, false, pp_xstrdup(host));
    if (strcmp(host, dest) != 0)
        add_key(k, false, pp_xstrdup(dest));
}

pp_relayhost_tls pp_relayhost_tls_level(const char *level)
{
    static const struct {
        const char *name;
        pp_relayhost_tls tls;
    } levels[] = {{"", PP_RH_TLS_NONE},           {"none", PP_RH_TLS_NONE},
                  {"may", PP_RH_TLS_MAY},         {"encrypt", PP_RH_TLS_ENCRYPT},
                  {"verify", PP_RH_TLS_VERIFY},   {"secure", PP_RH_TLS_SECURE},
                  {"dane", PP_RH_TLS_DANE}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcasecmp(level, levels[i].name) == 0)
            return levels[i].tls;
    return PP_RH_TLS_UNSUPPORTED;
}

/* Whether word (len bytes) is in the blank or comma separated list. */
static bool in_list(const char *list, const char *word, size_t len)
{
    const char *p = list;
    size_t n;
    while ((n = strcspn(p += strspn(p, " ,\t\n"), " ,\t\n")) > 0) {
        if (n == len && strncasecmp(p, word, len) == 0)
            return true;
        p += n;
    }
    return false;
}

char *pp_relayhost_mechs(const char *filter, const char *security_options)
{
    static const char all[] = "SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN";
    bool noplain = in_list(security_options ? security_options : "", "noplaintext", 11);
    const char *p = filter && filter[strspn(filter, " ,\t\n")] ? filter : all;
    pp_buf out;
    size_t n;
    pp_buf_init(&out);
    while ((n = strcspn(p += strspn(p, " ,\t\n"), " ,\t\n")) > 0) {
        bool plain = (n == 5 && strncasecmp(p, "PLAIN", 5) == 0) ||
                     (n == 5 && strncasecmp(p, "LOGIN", 5) == 0);
        if (!(noplain && plain))
            pp_buf_printf(&out, "%s%.*s", out.len ? " " : "", (int)n, p);
        p += n;
    }
    char *s = pp_xstrdup(out.s ? out.s : "");
    pp_buf_free(&out);
    return s;
}

int pp_relayhost_split_cred(const char *value, char delim, pp_relayhost_cred *cred)
{
    const char *sep = strchr(value, delim);
    size_t ulen = sep ? (size_t)(sep - value) : strlen(value);
    if (ulen == 0)
        return -1;
    cred->user = pp_xasprintf("%.*s", (int)ulen, value);
    cred->password = pp_xstrdup(sep ? sep + 1 : "");
    return 0;
}

/* ---- reading the configuration ---- */

typedef struct loader {
    pp_relayhost *rh;
    pp_postconf *pc;
    pp_mastercf mc;
    const pp_mastercf_service *svc;
    char *err;
    size_t errlen;
} loader;

/* A parameter's value as the transport's service runs with it; NULL with err. */
static const char *param(loader *l, const char *name)
{
    return pp_mastercf_effective(l->svc, l->pc, name, l->err, l->errlen);
}

static int dup_param(loader *l, const char *name, char **out)
{
    const char *v = param(l, name);
    if (!v)
        return -1;
    *out = pp_xstrdup(v);
    return 0;
}

static int add_table(const char *item, void *arg)
{
    pp_access_keys *t = arg; /* a list of names, partial unused */
    add_key(t, false, pp_xstrdup(item));
    return 0;
}

/* maps_find() over the keys in turn: the first table of maps that has the first key that
 * any table has. 1 with *value, *key, *table (valid while rh->cache lives); 0 when none
 * has one; -1 with err when a table cannot be read. */
static int find_keys(pp_relayhost *rh, const char *maps, const pp_access_keys *k,
                     const char **value, const char **key, char **table, char *err,
                     size_t errlen)
{
    pp_access_keys tables = {0};
    int rc = 0;
    pp_pflist_split(maps, add_table, &tables);
    pp_access_cache_want(rh->cache, k);
    for (size_t i = 0; i < k->n && rc == 0; i++) {
        pp_access_keys one = {&k->v[i], 1};
        for (size_t t = 0; t < tables.n && rc == 0; t++) {
            rc = pp_access_find(rh->cache, tables.v[t].key, &one, value, key, err, errlen);
            if (rc == 1)
                *table = pp_xstrdup(tables.v[t].key);
        }
    }
    pp_access_keys_free(&tables);
    return rc;
}

/* "transport:nexthop" into its parts (either may be empty). */
static void split_transport(const char *value, char **transport, char **nexthop)
{
    size_t n = strcspn(value, ":");
    *transport = pp_xasprintf("%.*s", (int)n, value);
    *nexthop = pp_xstrdup(value[n] ? value + n + 1 : "");
}

/* The sender's entry in a table parameter (NULL when none), or -1 with err. */
static int sender_entry(pp_relayhost *rh, pp_postconf *pc, const char *name, char **value,
                        char *err, size_t errlen)
{
    const char *maps = pp_postconf_get(pc, name, err, errlen), *v, *key;
    char *table = NULL;
    pp_access_keys k;
    *value = NULL;
    if (!maps)
        return -1;
    if (!rh->sender || !*maps)
        return 0;
    if (pp_relayhost_sender_keys(rh->sender, rh->delimiters, &k) != 0)
        return pp_errf(err, errlen, "--sender %s: not an address (user@domain)", rh->sender);
    int rc = find_keys(rh, maps, &k, &v, &key, &table, err, errlen);
    pp_access_keys_free(&k);
    free(table);
    if (rc == 1 && strcasecmp(v, "DUNNO") != 0)
        *value = pp_xstrdup(v);
    return rc < 0 ? -1 : 0;
}

/* The transport and next hop, in the precedence of postconf(5)'s default_transport. */
static int next_hop(pp_relayhost *rh, pp_postconf *pc, char *err, size_t errlen)
{
    char *sdt = NULL, *sdr = NULL, *transport, *nexthop;
    const char *dt = pp_postconf_get(pc, "default_transport", err, errlen);
    const char *relayhost = dt ? pp_postconf_get(pc, "relayhost", err, errlen) : NULL;
    if (!relayhost || sender_entry(rh, pc, "sender_dependent_default_transport_maps", &sdt,
                                   err, errlen) != 0 ||
        sender_entry(rh, pc, "sender_dependent_relayhost_maps", &sdr, err, errlen) != 0) {
        free(sdt);
        return -1;
    }
    split_transport(sdt ? sdt : dt, &transport, &nexthop);
    const char *from = sdt ? "sender_dependent_default_transport_maps" : "default_transport";
    if (!*nexthop) {
        free(nexthop);
        nexthop = pp_xstrdup(sdr ? sdr : relayhost);
        from = sdr ? "sender_dependent_relayhost_maps" : "relayhost";
    }
    rh->transport = transport;
    rh->dest_from = pp_xstrdup(from);
    /* Postfix 3.5 and later: a list of next hops, tried in order; the first one here. */
    size_t n = strcspn(nexthop += strspn(nexthop, " ,	"), " ,	");
    rh->dest = pp_xasprintf("%.*s", (int)n, nexthop);
    free(nexthop - (nexthop - nexthop)); /* (the pointer moved only over blanks) */
    free(sdt);
    free(sdr);
    return 0;
}

/* The port of the next hop: a number or a service name (smtp, submission). */
static int dest_port(pp_relayhost *rh, char *err, size_t errlen)
{
    const char *p = rh->hop.port ? rh->hop.port : "smtp";
    char *end;
    long n = strtol(p, &end, 10);
    if (*end) {
        struct servent *se = getservbyname(p, "tcp");
        if (!se)
            return pp_errf(err, errlen, "next hop %s: unknown service '%s'", rh->dest, p);
        n = ntohs((unsigned short)se->s_port);
    }
    if (n < 1 || n > 65535)
        return pp_errf(err, errlen, "next hop %s: port %s out of range", rh->dest, p);
    rh->port = n;
    return 0;
}

/* The smtp client settings of the transport's service. */
static int client_settings(loader *l)
{
    pp_relayhost *rh = l->rh;
    const char *dns = param(l, "smtp_dns_support_level"), *v;
    if (!dns)
        return -1;
    rh->dns = strcasecmp(dns, "disabled") != 0;
    if (!*dns && (v = param(l, "disable_dns_lookups")))
        rh->dns = strcasecmp(v, "yes") != 0;
    if (dup_param(l, "smtp_tls_security_level", &rh->tls_level) != 0 ||
        dup_param(l, "smtp_tls_CAfile", &rh->cafile) != 0 ||
        dup_param(l, "smtp_helo_name", &rh->helo) != 0 ||
        dup_param(l, "smtp_sasl_password_maps", &rh->maps) != 0 ||
        !(v = param(l, "smtp_tls_wrappermode")))
        return -1;
    rh->wrappermode = strcasecmp(v, "yes") == 0;
    rh->tls = pp_relayhost_tls_level(rh->tls_level);
    if (!(v = param(l, "smtp_sasl_auth_enable")))
        return -1;
    rh->sasl_enable = strcasecmp(v, "yes") == 0;
    if (!(v = param(l, "smtp_sender_dependent_authentication")))
        return -1;
    rh->sender_auth = strcasecmp(v, "yes") == 0;
    rh->cred_delim = ':'; /* Postfix 3.7 has no smtp_sasl_password_result_delimiter yet */
    /* SASL security options: those of the TLS state the session will be in. */
    const char *opts = rh->tls == PP_RH_TLS_VERIFY || rh->tls == PP_RH_TLS_SECURE
                           ? "smtp_sasl_tls_verified_security_options"
                       : rh->tls != PP_RH_TLS_NONE || rh->wrappermode
                           ? "smtp_sasl_tls_security_options"
                           : "smtp_sasl_security_options";
    const char *filter = param(l, "smtp_sasl_mechanism_filter");
    if (!filter || !(v = param(l, opts)))
        return -1;
    rh->mechs = pp_relayhost_mechs(filter, v);
    return 0;
}

int pp_relayhost_load(pp_relayhost *rh, const char *config_dir, const char *sender, char *err,
                      size_t errlen)
{
    loader l = {.rh = rh, .err = err, .errlen = errlen};
    static const char *const names[] = {
        "default_transport", "relayhost", "sender_dependent_default_transport_maps",
        "sender_dependent_relayhost_maps", "recipient_delimiter", NULL};
    int rc = -1;
    memset(rh, 0, sizeof *rh);
    rh->config_dir = config_dir ? pp_xstrdup(config_dir) : NULL;
    rh->sender = sender ? pp_xstrdup(sender) : NULL;
    rh->cache = pp_access_cache_new(config_dir);
    l.pc = pp_postconf_new(config_dir);
    const char *delim;
    if (pp_postconf_fetch(l.pc, names, err, errlen) != 0 ||
        !(delim = pp_postconf_get(l.pc, "recipient_delimiter", err, errlen)))
        goto out;
    rh->delimiters = pp_xstrdup(delim);
    if (next_hop(rh, l.pc, err, errlen) != 0 ||
        pp_mastercf_load(&l.mc, config_dir, err, errlen) != 0)
        goto out;
    l.svc = pp_mastercf_find(&l.mc, rh->transport, "unix", "smtp");
    if (!l.svc) {
        pp_errf(err, errlen, "the transport %s (from %s) is not an smtp(8) service of "
                "master.cf: Postfix does not send this mail through a relay host",
                rh->transport, strcmp(rh->dest_from, "relayhost") == 0 ? "default_transport"
                                                                      : rh->dest_from);
        goto out;
    }
    if (!*rh->dest) {
        rc = 1;
        pp_errf(err, errlen, "no relay host: relayhost is empty%s (Postfix delivers to each "
                "domain's MX hosts itself)", rh->sender ? ", and no sender-dependent entry "
                "for the sender" : "");
        goto out;
    }
    if (pp_relayhost_parse_dest(rh->dest, &rh->hop) != 0) {
        pp_errf(err, errlen, "next hop '%s' (from %s) is not [host]:port, host:port or host",
                rh->dest, rh->dest_from);
        goto out;
    }
    rc = dest_port(rh, err, errlen) == 0 && client_settings(&l) == 0 ? 0 : -1;
out:
    pp_mastercf_free(&l.mc);
    pp_postconf_free(l.pc);
    return rc;
}

int pp_relayhost_credentials(pp_relayhost *rh, const char *host, pp_relayhost_cred *cred,
                             char *err, size_t errlen)
{
    const char *value, *key;
    char *table = NULL;
    memset(cred, 0, sizeof *cred);
    if (!rh->sasl_enable) {
        pp_errf(err, errlen, "smtp_sasl_auth_enable is no: Postfix does not log in to the "
                "relay host");
        return 0;
    }
    if (!*rh->maps) {
        pp_errf(err, errlen, "smtp_sasl_password_maps is empty: Postfix has no credentials "
                "to log in with");
        return 0;
    }
    pp_access_keys_free(&rh->tried);
    pp_relayhost_sasl_keys(rh->sender, rh->delimiters, rh->sender_auth, host, rh->dest,
                           &rh->tried);
    int rc = find_keys(rh, rh->maps, &rh->tried, &value, &key, &table, err, errlen);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        pp_buf keys;
        pp_buf_init(&keys);
        for (size_t i = 0; i < rh->tried.n; i++)
            pp_buf_printf(&keys, "%s%s", i ? ", " : "", rh->tried.v[i].key);
        pp_errf(err, errlen, "no entry in smtp_sasl_password_maps (%s) for the keys %s",
                rh->maps, keys.s);
        pp_buf_free(&keys);
        return 0;
    }
    if (pp_relayhost_split_cred(value, rh->cred_delim, cred) != 0) {
        free(table);
        return pp_errf(err, errlen, "the entry for %s in %s has no user name", key, rh->maps);
    }
    cred->key = pp_xstrdup(key);
    cred->table = table;
    return 1;
}

void pp_relayhost_cred_free(pp_relayhost_cred *cred)
{
    if (cred->password)
        OPENSSL_cleanse(cred->password, strlen(cred->password));
    free(cred->password);
    free(cred->user);
    free(cred->key);
    free(cred->table);
    memset(cred, 0, sizeof *cred);
}

void pp_relayhost_free(pp_relayhost *rh)
{
    free(rh->config_dir);
    free(rh->sender);
    free(rh->transport);
    free(rh->dest);
    free(rh->dest_from);
    pp_relayhost_dest_free(&rh->hop);
    free(rh->tls_level);
    free(rh->cafile);
    free(rh->mechs);
    free(rh->helo);
    free(rh->maps);
    free(rh->delimiters);
    pp_access_cache_free(rh->cache);
    pp_access_keys_free(&rh->tried);
    memset(rh, 0, sizeof *rh);
}

static void add_target(pp_relayhost_targets_t *t, const char *name, const char *addr)
{
    t->v = pp_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    t->v[t->n++] = (pp_relayhost_target){pp_xstrdup(name), pp_xstrdup(addr)};
}

/* The addresses of one MX host, through dns; a sentence in why when it has none. */
static void mx_addresses(pp_dns *dns, const char *host, int family, pp_relayhost_targets_t *t,
                         pp_buf *why)
{
    static const int types[] = {PP_DNS_A, PP_DNS_AAAA};
    size_t before = t->n;
    for (int i = 0; i < 2; i++) {
        if ((family == AF_INET6 && types[i] == PP_DNS_A) ||
            (family == AF_INET && types[i] == PP_DNS_AAAA))
            continue;
        pp_dns_answer ans;
        pp_dns_lookup(dns, host, types[i], &ans);
        for (size_t r = 0; r < ans.nrr; r++)
            if (ans.rr[r].type == types[i])
                add_target(t, host, ans.rr[r].addr_text);
        if (ans.status != PP_DNS_OK && ans.status != PP_DNS_NODATA)
            pp_buf_printf(why, "%s%s %s: %s", why->len ? "; " : "", host,
                          pp_dns_type_str(types[i]),
                          ans.err[0] ? ans.err : pp_dns_status_str(ans.status));
        pp_dns_answer_free(&ans);
    }
    if (t->n == before && !why->len)
        pp_buf_printf(why, "%s has no address", host);
}

int pp_relayhost_targets(const pp_relayhost *rh, pp_dns *dns, int family,
                         pp_relayhost_targets_t *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (rh->hop.bracket || !rh->dns || pp_dns_is_address(rh->hop.host)) {
        add_target(t, rh->hop.host, rh->hop.host);
        return 0;
    }
    pp_dns_answer ans;
    pp_buf why;
    pp_buf_init(&why);
    pp_dns_lookup(dns, rh->hop.host, PP_DNS_MX, &ans);
    if (pp_dns_mx_hosts(&ans, rh->hop.host) != 0) {
        pp_errf(err, errlen, "MX lookup of %s failed: %s (%s)", rh->hop.host,
                ans.err[0] ? ans.err : pp_dns_status_str(ans.status), pp_dns_servers(dns));
        pp_dns_answer_free(&ans);
        return -1;
    }
    for (size_t i = 0; i < ans.nrr; i++)
        if (ans.rr[i].type == PP_DNS_MX && strcmp(ans.rr[i].host, ".") != 0)
            mx_addresses(dns, ans.rr[i].host, family, t, &why);
    pp_dns_answer_free(&ans);
    int rc = 0;
    if (t->n == 0)
        rc = pp_errf(err, errlen, "no MX host of %s has an address%s%s", rh->hop.host,
                     why.len ? ": " : " (null MX)", why.len ? why.s : "");
    pp_buf_free(&why);
    return rc;
}

void pp_relayhost_targets_free(pp_relayhost_targets_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].name);
        free(t->v[i].addr);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

void pp_relayhost_mail_opts(const pp_relayhost *rh, const pp_relayhost_target *t,
                            const pp_relayhost_cred *cred, pp_mail_opts *mo)
{
    const char *name = rh->tls == PP_RH_TLS_SECURE ? rh->hop.host : t->name;
    bool verify = rh->tls == PP_RH_TLS_VERIFY || rh->tls == PP_RH_TLS_SECURE;
    *mo = (pp_mail_opts){
        .proto = PP_MAIL_SMTP,
        .tls = rh->wrappermode            ? PP_MAIL_IMPLICIT
               : rh->tls == PP_RH_TLS_NONE ? PP_MAIL_PLAIN
                                          : PP_MAIL_STARTTLS,
        .tls_optional = rh->tls == PP_RH_TLS_MAY || rh->tls == PP_RH_TLS_DANE,
        .host = t->addr,
        .port = rh->port,
        .sni = name,
        .cafile = *rh->cafile ? rh->cafile : NULL,
        .insecure = !verify,
        .user = cred ? cred->user : NULL,
        .password = cred ? cred->password : NULL,
        .helo = *rh->helo ? rh->helo : NULL,
        .mechs = rh->mechs,
    };
}
