/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dnsbl.c - the DNS block lists postprobe knows, their query names and what their answers
 * mean. Pure: no I/O. See dnsbl.h.
 */
#include "dns/dnsbl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NAME_MAX_LEN 253
#define LABEL_MAX 63

/* A return code, or a range of them, 127.x.y.z as a number. */
typedef struct dnsbl_code {
    uint32_t lo, hi;
    pp_dnsbl_sev sev;
    const char *name;
    const char *meaning;
} dnsbl_code;

struct pp_dnsbl_list {
    const char *zone;
    pp_dnsbl_kind kind;
    const char *test_name;   /* the "listed" test point of a domain list; NULL: "test" */
    bool bits;               /* URIBL: the last octet is a mask of the codes' bits */
    const dnsbl_code *codes; /* ended by a NULL name */
};

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define ONE(a, b, c, d) IP4(a, b, c, d), IP4(a, b, c, d)

/* Spamhaus' error codes (spamhaus.org/news/article/788): never listings. */
#define SPAMHAUS_ERRORS                                                                        \
    {ONE(127, 255, 255, 252), PP_DNSBL_ERROR, "error",                                         \
     "typing error in the DNSBL name: check the zone (-z)"},                                   \
    {ONE(127, 255, 255, 254), PP_DNSBL_ERROR, "error",                                         \
     "Spamhaus refuses queries through public or open resolvers: ask your own recursive "      \
     "resolver (-s) or use a DQS key (--dqs-key-file)"},                                       \
    {ONE(127, 255, 255, 255), PP_DNSBL_ERROR, "error",                                         \
     "Spamhaus refuses this resolver for its excessive number of queries: ask your own "       \
     "recursive resolver (-s) or use a DQS key (--dqs-key-file)"},                             \
    {IP4(127, 255, 255, 0), IP4(127, 255, 255, 251), PP_DNSBL_ERROR, "error",                  \
     "a Spamhaus error code, not a listing (see https://check.spamhaus.org/returnc/)"}

static const dnsbl_code zen_codes[] = {
    SPAMHAUS_ERRORS,
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "SBL",
     "Spamhaus Block List: a spam source or spam operation verified by Spamhaus"},
    {ONE(127, 0, 0, 3), PP_DNSBL_ABUSE, "CSS",
     "Spamhaus CSS: low-reputation mail (snowshoe spam), listed automatically"},
    {IP4(127, 0, 0, 4), IP4(127, 0, 0, 7), PP_DNSBL_ABUSE, "XBL",
     "Exploits Block List: an infected or hijacked host (botnet, proxy, stolen login)"},
    {ONE(127, 0, 0, 9), PP_DNSBL_ABUSE, "DROP",
     "Don't Route Or Peer: a netblock hijacked by or leased to criminals"},
    {ONE(127, 0, 0, 10), PP_DNSBL_POLICY, "PBL",
     "Policy Block List, set by the ISP: this range should not send mail to MX hosts "
     "directly (policy, not abuse)"},
    {ONE(127, 0, 0, 11), PP_DNSBL_POLICY, "PBL",
     "Policy Block List, set by Spamhaus: this range should not send mail to MX hosts "
     "directly (policy, not abuse)"},
    {ONE(127, 0, 0, 20), PP_DNSBL_ABUSE, "AuthBL",
     "AuthBL: a host seen logging in to mail servers with stolen credentials"},
    {ONE(127, 0, 0, 30), PP_DNSBL_ABUSE, "BCL",
     "Botnet Controller List: a botnet command and control server"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code dbl_codes[] = {
    SPAMHAUS_ERRORS,
    {ONE(127, 0, 1, 255), PP_DNSBL_ERROR, "error",
     "DBL refuses IP addresses as names: ask it about domains only"},
    {ONE(127, 0, 1, 2), PP_DNSBL_ABUSE, "spam", "Spamhaus DBL: a low-reputation domain"},
    {ONE(127, 0, 1, 4), PP_DNSBL_ABUSE, "phish", "Spamhaus DBL: a phishing domain"},
    {ONE(127, 0, 1, 5), PP_DNSBL_ABUSE, "malware", "Spamhaus DBL: a malware domain"},
    {ONE(127, 0, 1, 6), PP_DNSBL_ABUSE, "botnet", "Spamhaus DBL: a botnet C&C domain"},
    {ONE(127, 0, 1, 102), PP_DNSBL_ABUSE, "abused-legit",
     "Spamhaus DBL: a legitimate domain abused to send spam"},
    {ONE(127, 0, 1, 103), PP_DNSBL_ABUSE, "abused-redirector",
     "Spamhaus DBL: a legitimate domain abused as a redirector"},
    {ONE(127, 0, 1, 104), PP_DNSBL_ABUSE, "abused-phish",
     "Spamhaus DBL: a legitimate domain abused for phishing"},
    {ONE(127, 0, 1, 105), PP_DNSBL_ABUSE, "abused-malware",
     "Spamhaus DBL: a legitimate domain abused to spread malware"},
    {ONE(127, 0, 1, 106), PP_DNSBL_ABUSE, "abused-botnet",
     "Spamhaus DBL: a legitimate domain abused to host botnet C&C"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code zrd_codes[] = {
    SPAMHAUS_ERRORS,
    {IP4(127, 0, 2, 2), IP4(127, 0, 2, 24), PP_DNSBL_POLICY, "ZRD",
     "Spamhaus Zero Reputation Domain: first seen less than 24 hours ago"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code uribl_codes[] = {
    {ONE(127, 0, 0, 1), PP_DNSBL_ERROR, "refused",
     "URIBL refuses this resolver (public resolvers and high volumes are refused): ask your "
     "own recursive resolver (-s) or use a URIBL data feed"},
    {ONE(0, 0, 0, 2), PP_DNSBL_ABUSE, "black", "URIBL black: a domain seen in spam only"},
    {ONE(0, 0, 0, 4), PP_DNSBL_POLICY, "grey",
     "URIBL grey: a bulk sender's domain, spam and wanted mail alike"},
    {ONE(0, 0, 0, 8), PP_DNSBL_ABUSE, "red", "URIBL red: a domain new in spam, under watch"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code barracuda_codes[] = {
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "BRBL",
     "Barracuda Reputation Block List: poor sending reputation (the resolver asking must "
     "be registered with Barracuda)"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code spamcop_codes[] = {
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "SCBL",
     "SpamCop: reported as a spam source by SpamCop users; expires 24 h after the last "
     "report"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code mailspike_codes[] = {
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "blacklist", "Mailspike: a spam source"},
    {IP4(127, 0, 0, 10), IP4(127, 0, 0, 14), PP_DNSBL_ABUSE, "reputation",
     "Mailspike: poor reputation (127.0.0.10 worst to 127.0.0.14)"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code psbl_codes[] = {
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "PSBL",
     "Passive Spam Block List: mail to spam traps from this address; removal is "
     "self-service"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code uceprotect_codes[] = {
    {ONE(127, 0, 0, 2), PP_DNSBL_ABUSE, "level 1",
     "UCEPROTECT level 1: this address hit spam traps; expires 7 days after the last hit"},
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const dnsbl_code generic_codes[] = {
    {0, 0, PP_DNSBL_NONE, NULL, NULL},
};

static const pp_dnsbl_list lists[] = {
    {"zen.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"sbl-xbl.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"sbl.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"xbl.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"pbl.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"authbl.spamhaus.org", PP_DNSBL_ADDRESSES, NULL, false, zen_codes},
    {"dbl.spamhaus.org", PP_DNSBL_DOMAINS, "dbltest.com", false, dbl_codes},
    {"zrd.spamhaus.org", PP_DNSBL_DOMAINS, "dbltest.com", false, zrd_codes},
    {"b.barracudacentral.org", PP_DNSBL_ADDRESSES, NULL, false, barracuda_codes},
    {"bl.spamcop.net", PP_DNSBL_ADDRESSES, NULL, false, spamcop_codes},
    {"bl.mailspike.net", PP_DNSBL_ADDRESSES, NULL, false, mailspike_codes},
    {"psbl.surriel.com", PP_DNSBL_ADDRESSES, NULL, false, psbl_codes},
    {"dnsbl-1.uceprotect.net", PP_DNSBL_ADDRESSES, NULL, false, uceprotect_codes},
    {"multi.uribl.com", PP_DNSBL_DOMAINS, "test.uribl.com", true, uribl_codes},
};

static const pp_dnsbl_list generic_addresses = {"", PP_DNSBL_ADDRESSES, NULL, false,
                                                generic_codes};
static const pp_dnsbl_list generic_domains = {"", PP_DNSBL_DOMAINS, NULL, false,
                                              generic_codes};

static const char *const defaults[] = {
    "zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net", "bl.mailspike.net",
    "psbl.surriel.com", "dnsbl-1.uceprotect.net", "dbl.spamhaus.org", "multi.uribl.com",
    NULL};

const char *const *pp_dnsbl_defaults(void)
{
    return defaults;
}

/* A host or domain name: labels of letters, digits, '-' and '_', 1 to 63 bytes each. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (isalnum((unsigned char)*p) || *p == '-' || *p == '_') {
            if (++label > LABEL_MAX)
                return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

static const pp_dnsbl_list *find_list(const char *zone)
{
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (strcmp(lists[i].zone, zone) == 0)
            return &lists[i];
    return NULL;
}

/* The zone name of spec up to its end or stop, lower case, into out; false if it is none. */
static bool zone_name(const char *spec, size_t n, char out[NAME_MAX_LEN + 1])
{
    if (n > 0 && spec[n - 1] == '.')
        n--;
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)spec[i]);
    out[n] = '\0';
    return valid_name(out);
}

int pp_dnsbl_zone_parse(const char *spec, pp_dnsbl_zone *z, char *err, size_t errlen)
{
    char name[NAME_MAX_LEN + 1], like[NAME_MAX_LEN + 1];
    const char *colon = strchr(spec, ':'), *eq = strchr(spec, '=');
    const char *end = colon ? colon : spec + strlen(spec);
    const pp_dnsbl_list *list;

    if (eq && eq > end)
        return pp_errf(err, errlen, "'%s': write ZONE[=LIST][:KIND]", spec);
    if (!zone_name(spec, (size_t)((eq ? eq : end) - spec), name))
        return pp_errf(err, errlen, "'%s' is not a DNS zone", spec);
    list = find_list(name);
    if (eq) {
        if (!zone_name(eq + 1, (size_t)(end - eq - 1), like) || !(list = find_list(like)))
            return pp_errf(err, errlen, "'%s': after '=' comes a list whose codes postprobe "
                           "knows (zen.spamhaus.org, dbl.spamhaus.org, multi.uribl.com, ...)",
                           spec);
    }
    if (colon && strcmp(colon + 1, "addresses") == 0)
        list = list && list->kind == PP_DNSBL_ADDRESSES ? list : &generic_addresses;
    else if (colon && strcmp(colon + 1, "domains") == 0)
        list = list && list->kind == PP_DNSBL_DOMAINS ? list : &generic_domains;
    else if (colon)
        return pp_errf(err, errlen, "'%s': the kind of list after ':' is \"addresses\" or "
                       "\"domains\"", spec);
    else if (!list)
        list = &generic_addresses;
    z->name = pp_xstrdup(name);
    z->query = pp_xstrdup(name);
    z->kind = list->kind;
    z->list = list;
    return 0;
}

int pp_dnsbl_zone_dqs(pp_dnsbl_zone *z, const char *key)
{
    static const char suffix[] = ".spamhaus.org";
    size_t n = strlen(z->name), s = sizeof suffix - 1;
    if (n <= s || strcmp(z->name + n - s, suffix) != 0 || memchr(z->name, '.', n - s))
        return 0;
    free(z->query);
    z->query = pp_xasprintf("%s.%.*s.dq.spamhaus.net", key, (int)(n - s), z->name);
    return 1;
}

void pp_dnsbl_zone_free(pp_dnsbl_zone *z)
{
    free(z->name);
    free(z->query);
    z->name = z->query = NULL;
}

int pp_dnsbl_dqs_key(const char *text, char *key, size_t keylen, char *err, size_t errlen)
{
    const char *p = text;
    while (*p) {
        const char *end = p + strcspn(p, "\n");
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (a < b && *a != '#') {
            size_t n = (size_t)(b - a);
            if (n > LABEL_MAX || n >= keylen)
                return pp_errf(err, errlen, "the key is longer than %d characters", LABEL_MAX);
            for (const char *c = a; c < b; c++)
                if (!isalnum((unsigned char)*c))
                    return pp_errf(err, errlen, "the key holds other characters than letters "
                                   "and digits");
            memcpy(key, a, n);
            key[n] = '\0';
            return 0;
        }
        p = *end ? end + 1 : end;
    }
    return pp_errf(err, errlen, "no key in it (one line: the key)");
}

int pp_dnsbl_address(const char *text, pp_dnsbl_addr *a)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, text, a->b) == 1) {
        a->family = AF_INET;
    } else if (inet_pton(AF_INET6, text, a->b) == 1) {
        a->family = AF_INET6;
        if (memcmp(a->b, mapped, sizeof mapped) == 0) {
            memmove(a->b, a->b + 12, 4);
            a->family = AF_INET;
        }
    } else {
        return -1;
    }
    inet_ntop(a->family, a->b, a->text, sizeof a->text);
    return 0;
}

/* The reversed octets or nibbles of an address, each followed by a dot. */
static void reverse_address(const pp_dnsbl_addr *a, pp_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    if (a->family == AF_INET) {
        pp_buf_printf(out, "%u.%u.%u.%u.", a->b[3], a->b[2], a->b[1], a->b[0]);
        return;
    }
    for (int i = 15; i >= 0; i--)
        pp_buf_printf(out, "%c.%c.", hex[a->b[i] & 0xf], hex[a->b[i] >> 4]);
}

int pp_dnsbl_query_name(const pp_dnsbl_zone *z, const char *target, char *out, size_t outlen)
{
    pp_buf b;
    pp_dnsbl_addr a;
    bool is_addr = pp_dnsbl_address(target, &a) == 0;
    int rc = -1;

    if (is_addr != (z->kind == PP_DNSBL_ADDRESSES))
        return -1;
    pp_buf_init(&b);
    if (is_addr) {
        reverse_address(&a, &b);
    } else {
        char name[NAME_MAX_LEN + 2];
        size_t n = strlen(target);
        if (n > 1 && target[n - 1] == '.')
            n--;
        if (n <= NAME_MAX_LEN) {
            memcpy(name, target, n);
            name[n] = '\0';
            if (valid_name(name))
                pp_buf_printf(&b, "%s.", name);
        }
    }
    if (b.len > 0) {
        pp_buf_puts(&b, z->query);
        if (b.len <= NAME_MAX_LEN && b.len < outlen && valid_name(b.s)) {
            memcpy(out, b.s, b.len + 1);
            rc = 0;
        }
    }
    pp_buf_free(&b);
    return rc;
}

const char *pp_dnsbl_test_point(const pp_dnsbl_zone *z, bool listed)
{
    if (z->kind == PP_DNSBL_ADDRESSES)
        return listed ? "127.0.0.2" : "127.0.0.1";
    if (!listed)
        return "invalid";
    return z->list->test_name ? z->list->test_name : "test";
}

/* Appends "NAME: meaning" to meanings unless it is there already. */
static void add_meaning(pp_buf *meanings, const dnsbl_code *c)
{
    char line[512];
    snprintf(line, sizeof line, "%s: %s", c->name, c->meaning);
    if (meanings->s && strstr(meanings->s, line))
        return;
    pp_buf_printf(meanings, "%s%s", meanings->len ? "\n" : "", line);
}

/* The names of one return code v (inside 127.0.0.0/8) of list l, or the error it is. */
static pp_dnsbl_sev judge_code(const pp_dnsbl_list *l, uint32_t v, pp_buf *codes,
                               pp_buf *meanings)
{
    const char *sep = " ";
    pp_dnsbl_sev sev = PP_DNSBL_NONE;
    for (const dnsbl_code *c = l->codes; c->name; c++)
        if (c->sev == PP_DNSBL_ERROR && v >= c->lo && v <= c->hi) {
            pp_buf_printf(codes, " (%s)", c->meaning);
            return PP_DNSBL_ERROR;
        }
    for (const dnsbl_code *c = l->codes; c->name; c++) {
        bool hit = l->bits ? (v & 0xff & c->lo) != 0 && c->sev != PP_DNSBL_ERROR
                           : v >= c->lo && v <= c->hi;
        if (!hit)
            continue;
        pp_buf_printf(codes, "%s%s", sep, c->name);
        add_meaning(meanings, c);
        sep = "+";
        if (c->sev > sev)
            sev = c->sev;
    }
    if (sev == PP_DNSBL_NONE) {
        pp_buf_puts(codes, l->codes[0].name ? " (a code the list does not document)" : "");
        sev = PP_DNSBL_ABUSE;
    }
    return sev;
}

pp_dnsbl_sev pp_dnsbl_judge_answer(const pp_dnsbl_zone *z, const pp_dns_answer *ans,
                                   pp_buf *codes, pp_buf *meanings)
{
    pp_dnsbl_sev worst = PP_DNSBL_NONE;
    const char *sep = "";
    if (ans->status != PP_DNS_OK)
        return PP_DNSBL_NONE;
    for (size_t i = 0; i < ans->nrr; i++) {
        const pp_dns_rr *rr = &ans->rr[i];
        pp_dnsbl_sev sev;
        if (rr->type != PP_DNS_A)
            continue;
        pp_buf_printf(codes, "%s%s", sep, rr->addr_text);
        sep = ", ";
        if (rr->addr[0] != 127) {
            pp_buf_puts(codes, " (outside 127.0.0.0/8: no DNSBL answer; does the resolver "
                               "rewrite NXDOMAIN?)");
            sev = PP_DNSBL_ERROR;
        } else {
            sev = judge_code(z->list, IP4(rr->addr[0], rr->addr[1], rr->addr[2], rr->addr[3]),
                             codes, meanings);
        }
        if (sev > worst)
            worst = sev;
    }
    return worst;
}

static void keep_why(pp_dnsbl_zstate *st, const char *fmt, const char *text)
{
    snprintf(st->why, sizeof st->why, fmt, text);
}

void pp_dnsbl_zone_note(pp_dnsbl_zstate *st, int point, pp_dnsbl_sev sev, const char *text)
{
    switch (sev) {
    case PP_DNSBL_ERROR:
        if (!st->error)
            keep_why(st, "%s", text);
        st->error = true;
        return;
    case PP_DNSBL_FAILED:
        if (!st->failed && !st->error)
            keep_why(st, "%s", text);
        st->failed = true;
        return;
    case PP_DNSBL_TIMEOUT:
        if (st->timeouts++ == 0 && !st->error && !st->failed)
            keep_why(st, "%s", text);
        return;
    default:
        break;
    }
    int listed = sev != PP_DNSBL_NONE;
    if (point == 1)
        st->listed_point = listed;
    else if (point == 0) {
        st->clean_point = listed;
        if (listed && !st->error)
            keep_why(st, "%s", text);
    }
}

pp_dnsbl_health pp_dnsbl_health_of(const pp_dnsbl_zstate *st)
{
    if (st->error)
        return PP_DNSBL_REFUSING;
    if (st->clean_point == 1)
        return PP_DNSBL_WILDCARD;
    if (st->failed)
        return PP_DNSBL_FAILING;
    if (st->timeouts)
        return PP_DNSBL_TIMEDOUT;
    if (st->listed_point != 1)
        return PP_DNSBL_UNPROVEN;
    return PP_DNSBL_ALIVE;
}

const char *pp_dnsbl_health_str(pp_dnsbl_health h)
{
    switch (h) {
    case PP_DNSBL_ALIVE:
        return "alive";
    case PP_DNSBL_UNPROVEN:
        return "does not list its RFC 5782 test point (dead, or not answering this resolver)";
    case PP_DNSBL_TIMEDOUT:
        return "no answer in time";
    case PP_DNSBL_FAILING:
        return "lookup failed";
    case PP_DNSBL_WILDCARD:
        return "lists everything";
    case PP_DNSBL_REFUSING:
        return "answers with an error code";
    }
    return "?";
}
