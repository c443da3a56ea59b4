/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logclass - pflogsumm's counters and grouped reasons from one log line (see logclass.h).
 */
#include <stdio.h>
#include <string.h>

#include "log/logclass.h"

typedef struct span {
    const char *p;
    size_t n;
} span;

#define LIT(s) (s), (sizeof(s) - 1)

/* The first byte compared before memcmp: most tests fail there, without a call. */
static bool starts(span s, const char *lit, size_t n)
{
    return s.n >= n && (n == 0 || s.p[0] == lit[0]) && memcmp(s.p, lit, n) == 0;
}

static span skip(span s, size_t n)
{
    return (span){s.p + n, s.n - n};
}

/* The position of lit (n >= 1) in s, or NULL. memchr for its first byte, then memcmp: the
 * texts are short and memmem's set-up costs more than the search. */
static const char *find(span s, const char *lit, size_t n)
{
    const char *p = s.p, *end = s.p + s.n;
    while ((size_t)(end - p) >= n && (p = memchr(p, lit[0], (size_t)(end - p) - n + 1))) {
        if (n == 1 || (p[1] == lit[1] && memcmp(p + 2, lit + 2, n - 2) == 0))
            return p;
        p++;
    }
    return NULL;
}

static bool prog_is(const pp_logline *l, const char *lit, size_t n)
{
    return l->prog_len == n && memcmp(l->prog, lit, n) == 0;
}

#define DIGITS(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1
#define LETTERS(c) DIGITS(c), DIGITS(c + 5), DIGITS(c + 10), DIGITS(c + 15), DIGITS(c + 20), \
                   [c + 25] = 1
static const bool alnum[256] = {DIGITS('0'), DIGITS('5'), LETTERS('A'), LETTERS('a')};

static bool is_alnum(char c)
{
    return alnum[(unsigned char)c];
}

static void set_detail(pp_logevent *ev, const char *p, const char *end)
{
    ev->detail = p;
    ev->detail_len = (size_t)(end - p);
}

/* A queue id (or NOQUEUE) and ": " at the start: the rest after it, ev->qid set. */
static span queue_id(span t, pp_logevent *ev)
{
    size_t i = 0, max = t.n < 32 ? t.n : 32;
    while (i < max && is_alnum(t.p[i]))
        i++;
    if (i < 5 || i + 1 >= t.n || t.p[i] != ':' || t.p[i + 1] != ' ')
        return t;
    ev->qid = t.p;
    ev->qid_len = i;
    return skip(t, i + 2);
}

/* A number as Postfix prints delays ("0.57", "12", "1.2e-05" never occurs). */
static double number(span s, size_t *used)
{
    double v = 0, scale = 0;
    size_t i = 0;
    for (; i < s.n && ((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '.'); i++) {
        if (s.p[i] == '.') {
            if (scale)
                break;
            scale = 1;
        } else if (scale) {
            scale /= 10;
            v += (s.p[i] - '0') * scale;
        } else {
            v = v * 10 + (s.p[i] - '0');
        }
    }
    *used = i;
    return v;
}

/* "name=value, " at s: the value (up to ", "), s moved past it; false when not there. */
static bool field(span *s, const char *name, size_t n, span *val)
{
    if (!starts(*s, name, n))
        return false;
    span v = skip(*s, n);
    const char *comma = find(v, LIT(", "));
    if (!comma)
        return false;
    *val = (span){v.p, (size_t)(comma - v.p)};
    *s = skip(v, val->n + 2);
    return true;
}

static void delays(span d, pp_logevent *ev)
{
    size_t used;
    for (int i = 0; i < 4 && d.n; i++) {
        ev->delays[i] = number(d, &used);
        if (used == 0)
            return;
        d = skip(d, used);
        if (i < 3 && (d.n == 0 || d.p[0] != '/'))
            return;
        if (d.n)
            d = skip(d, 1);
    }
    ev->has_delays = true;
}

/* "to=<a>, [orig_to=<b>, ]relay=r, [conn_use=n, ]delay=d, [delays=a/b/c/d, ][dsn=x, ]status=S" */
static void delivery(span r, pp_logevent *ev)
{
    span v, d = {0};
    const char *gt = memchr(r.p, '>', r.n);
    if (!gt || (size_t)(gt - r.p) + 3 > r.n || gt[1] != ',' || gt[2] != ' ')
        return;
    r = skip(r, (size_t)(gt - r.p) + 3);
    if (starts(r, LIT("orig_to=<"))) {
        if (!(gt = memchr(r.p, '>', r.n)) || (size_t)(gt - r.p) + 3 > r.n || gt[1] != ',')
            return;
        r = skip(r, (size_t)(gt - r.p) + 3);
    }
    if (!field(&r, LIT("relay="), &v))
        return;
    field(&r, LIT("conn_use="), &v);
    if (!field(&r, LIT("delay="), &v))
        return;
    size_t used;
    double delay = number(v, &used);
    if (field(&r, LIT("delays="), &d))
        delays(d, ev);
    if (field(&r, LIT("dsn="), &v)) {
        ev->dsn = v.p;
        ev->dsn_len = v.n;
    }
    if (!starts(r, LIT("status=")))
        return;
    r = skip(r, 7);
    ev->delay = delay;
    const char *paren = memchr(r.p, '(', r.n);
    const char *end = r.p + r.n;
    if (paren) {
        const char *close = end;
        while (close > paren && close[-1] != ')')
            close--;
        set_detail(ev, paren + 1, close > paren + 1 ? close - 1 : end);
    }
    if (starts(r, LIT("sent ")) || (r.n == 4 && starts(r, LIT("sent"))))
        ev->kind = find(r, LIT("forwarded as ")) ? PP_LOGK_FORWARDED : PP_LOGK_DELIVERED;
    else if (starts(r, LIT("deferred")))
        ev->kind = PP_LOGK_DEFERRAL;
    else if (starts(r, LIT("bounced")))
        ev->kind = PP_LOGK_BOUNCED;
}

/* "reject: ", "reject_warning: ", "hold: ", "discard: " (and "milter-reject: " when
 * milter is set) at r: the kind, or NONE. */
static pp_logkind action(span *r, bool milter)
{
    static const struct {
        const char *s;
        size_t n;
        pp_logkind k;
    } acts[] = {{LIT("reject: "), PP_LOGK_REJECTED},
                {LIT("reject_warning: "), PP_LOGK_REJECT_WARNING},
                {LIT("hold: "), PP_LOGK_HELD},
                {LIT("discard: "), PP_LOGK_DISCARDED},
                {LIT("milter-reject: "), PP_LOGK_REJECTED}};
    if (!r->n || (r->p[0] != 'r' && r->p[0] != 'h' && r->p[0] != 'd' && r->p[0] != 'm'))
        return PP_LOGK_NONE;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if ((milter || i < 4) && starts(*r, acts[i].s, acts[i].n)) {
            *r = skip(*r, acts[i].n);
            return acts[i].k;
        }
    return PP_LOGK_NONE;
}

/* cleanup: "reject|milter-reject|warning|hold|discard: header|body|END-OF-MESSAGE ..." */
static bool cleanup_action(span r, pp_logevent *ev)
{
    pp_logkind k = PP_LOGK_REJECT_WARNING;
    if (starts(r, LIT("warning: ")))
        r = skip(r, 9);
    else if ((k = action(&r, true)) == PP_LOGK_NONE || k == PP_LOGK_REJECT_WARNING)
        return false;
    if (!starts(r, LIT("header ")) && !starts(r, LIT("body ")) &&
        !starts(r, LIT("END-OF-MESSAGE ")))
        return false;
    ev->kind = k;
    set_detail(ev, r.p, r.p + r.n);
    return true;
}

/* "warning: host[addr]: SASL LOGIN authentication failed: ..." */
static void warning(const pp_logline *l, span w, pp_logevent *ev)
{
    if (prog_is(l, LIT("smtpd"))) {
        const char *sasl = find(w, LIT("]: SASL "));
        const char *open = memchr(w.p, '[', w.n);
        if (sasl && open && open < sasl && find(w, LIT(" authentication failed"))) {
            ev->kind = PP_LOGK_SASL_FAILURE;
            set_detail(ev, open + 1, sasl);
        }
    } else if (prog_is(l, LIT("master")) && starts(w, LIT("service \"")) &&
               find(w, LIT("has reached its process limit"))) {
        const char *q = memchr(w.p + 9, '"', w.n - 9);
        if (q) {
            ev->kind = PP_LOGK_PROCESS_LIMIT;
            set_detail(ev, w.p + 9, q);
        }
    }
}

static bool severity(const pp_logline *l, span t, pp_logevent *ev)
{
    static const struct {
        const char *s;
        size_t n;
        pp_logsev sev;
    } sevs[] = {{LIT("warning: "), PP_LOGSEV_WARNING},
                {LIT("error: "), PP_LOGSEV_ERROR},
                {LIT("fatal: "), PP_LOGSEV_FATAL},
                {LIT("panic: "), PP_LOGSEV_PANIC}};
    if (!t.n || (t.p[0] != 'w' && t.p[0] != 'e' && t.p[0] != 'f' && t.p[0] != 'p'))
        return false;
    for (size_t i = 0; i < 4; i++)
        if (starts(t, sevs[i].s, sevs[i].n)) {
            ev->sev = sevs[i].sev;
            t = skip(t, sevs[i].n);
            set_detail(ev, t.p, t.p + t.n);
            if (ev->sev == PP_LOGSEV_WARNING)
                warning(l, t, ev);
            return true;
        }
    return false;
}

static void smtpd(const pp_logline *l, span t, span r, pp_logevent *ev)
{
    bool screen = prog_is(l, LIT("postscreen"));
    if (ev->qid && starts(r, LIT("client="))) {
        ev->kind = PP_LOGK_RECEIVED;
    } else if (ev->qid && (ev->kind = action(&r, !screen)) != PP_LOGK_NONE) {
        set_detail(ev, r.p, r.p + r.n);
    } else if (screen) {
        ev->kind = starts(t, LIT("PASS NEW "))    ? PP_LOGK_PASS_NEW
                   : starts(t, LIT("PASS OLD "))  ? PP_LOGK_PASS_OLD
                   : starts(t, LIT("DNSBL rank ")) ? PP_LOGK_DNSBL
                   : starts(t, LIT("PREGREET "))  ? PP_LOGK_PREGREET
                                                  : PP_LOGK_NONE;
    } else if (starts(t, LIT("lost connection after "))) {
        ev->kind = PP_LOGK_LOST_CONNECTION;
    } else if (starts(t, LIT("connect from "))) {
        ev->kind = PP_LOGK_CONNECT;
    } else if (starts(t, LIT("SSL_accept error from "))) {
        ev->kind = PP_LOGK_TLS_FAILURE;
        set_detail(ev, t.p, t.p + t.n);
    }
}

void pp_logclass(const pp_logline *l, pp_logevent *ev)
{
    memset(ev, 0, sizeof *ev);
    span t = {l->text, l->text_len};
    if (severity(l, t, ev))
        return;
    span r = queue_id(t, ev);
    if (!ev->qid && (ev->kind = action(&r, false)) != PP_LOGK_NONE) {
        set_detail(ev, r.p, r.p + r.n);
        return;
    }
    if (prog_is(l, LIT("smtpd")) || prog_is(l, LIT("postscreen"))) {
        smtpd(l, t, r, ev);
    } else if (prog_is(l, LIT("cleanup"))) {
        if (ev->qid)
            cleanup_action(r, ev);
    } else if (prog_is(l, LIT("pickup"))) {
        if (ev->qid && (starts(r, LIT("sender=")) || starts(r, LIT("uid="))))
            ev->kind = PP_LOGK_RECEIVED;
    } else if (prog_is(l, LIT("master"))) {
        return;
    } else if (ev->qid && starts(r, LIT("to=<"))) {
        delivery(r, ev);
    } else if (ev->qid && prog_is(l, LIT("qmgr"))) {
        if (starts(r, LIT("removed")))
            ev->kind = PP_LOGK_REMOVED;
        else if (starts(r, LIT("from=<")) && find(r, LIT(", status=expired")))
            ev->kind = PP_LOGK_EXPIRED;
    } else if (starts(t, LIT("SSL_connect error to "))) {
        ev->kind = PP_LOGK_TLS_FAILURE;
        set_detail(ev, t.p, t.p + t.n);
    }
}

/* ---- reasons ---- */

typedef struct outbuf {
    char *p;
    size_t len, used;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->used + 1 < o->len; i++)
        o->p[o->used++] = s[i];
    o->p[o->used] = '\0';
}

static void puts_(outbuf *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Text as a group key: <...> and [...] emptied, cut at ';' or " (in reply", at most max
 * bytes, no trailing blank. */
static void normalised(outbuf *o, span s, size_t max)
{
    const char *end = s.p + s.n, *cut = find(s, LIT(" (in reply"));
    if (cut)
        end = cut;
    size_t start = o->used;
    for (const char *p = s.p; p < end && *p != ';' && o->used - start < max; p++) {
        put(o, p, 1);
        char close = *p == '<' ? '>' : *p == '[' ? ']' : 0;
        if (close) {
            const char *c = memchr(p, close, (size_t)(end - p));
            if (!c)
                break;
            p = c - 1;
        }
    }
    while (o->used > start && (o->p[o->used - 1] == ' ' || o->p[o->used - 1] == ':'))
        o->p[--o->used] = '\0';
}

/* The word after lit in s (up to a blank, ';' or ','), e.g. the RBL's name. */
static void word_after(outbuf *o, span s, const char *at, size_t n)
{
    const char *p = at + n, *end = s.p + s.n, *q = p;
    while (q < end && *q != ' ' && *q != ';' && *q != ',')
        q++;
    put(o, p, (size_t)(q - p));
}

static bool dsn_is(const pp_logevent *ev, char mid, char last)
{
    return ev->dsn_len == 5 && ev->dsn[2] == mid && ev->dsn[4] == last;
}

static void delivery_reason(const pp_logevent *ev, outbuf *o)
{
    static const struct {
        const char *s;
        size_t n;
        const char *what;
    } why[] = {{LIT("Connection refused"), "connection refused"},
               {LIT("timed out"), "timed out"},
               {LIT("Cannot start TLS"), "TLS failure"},
               {LIT("TLS is required"), "TLS failure"},
               {LIT("SSL_connect"), "TLS failure"},
               {LIT("SASL authentication failed"), "relayhost SASL failure"},
               {LIT("Host or domain name not found"), "host not found"},
               {LIT("Name service error"), "host not found"},
               {LIT("No route to host"), "network unreachable"},
               {LIT("Network is unreachable"), "network unreachable"},
               {LIT("lost connection with"), "lost connection"},
               {LIT("delivery temporarily suspended"), "delivery suspended"},
               {LIT("uota"), "mailbox full"},
               {LIT("ailbox full"), "mailbox full"},
               {LIT("User unknown"), "user unknown"},
               {LIT("does not exist"), "user unknown"}};
    span d = {ev->detail, ev->detail_len};
    put(o, ev->dsn ? ev->dsn : "-", ev->dsn ? ev->dsn_len : 1);
    puts_(o, " ");
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
        if (find(d, why[i].s, why[i].n)) {
            puts_(o, why[i].what);
            return;
        }
    if (dsn_is(ev, '2', '2')) {
        puts_(o, "mailbox full");
        return;
    }
    if (dsn_is(ev, '1', '1')) {
        puts_(o, "user unknown");
        return;
    }
    const char *said = find(d, LIT(" said: "));
    if (said)
        d = skip(d, (size_t)(said - d.p) + 7);
    /* "550 5.1.1 " */
    if (d.n > 4 && d.p[3] == ' ' && d.p[0] >= '2' && d.p[0] <= '5')
        d = skip(d, 4);
    const char *sp = memchr(d.p, ' ', d.n);
    if (sp && d.n > 1 && d.p[1] == '.' && d.p[0] >= '2' && d.p[0] <= '5')
        d = skip(d, (size_t)(sp - d.p) + 1);
    normalised(o, d, 60);
}

/* "RCPT from host[addr]: 550 5.1.1 <x>: Recipient address rejected: ...; from=<...> ..." */
static void reject_reason(const pp_logevent *ev, outbuf *o)
{
    static const struct {
        const char *s;
        size_t n;
        const char *what;
        bool rest;
    } why[] = {{LIT("Relay access denied"), "relay access denied", false},
               {LIT("User unknown"), "unknown user", false},
               {LIT("Helo command rejected: "), "HELO: ", true},
               {LIT("Sender address rejected: "), "sender: ", true},
               {LIT("Client host rejected: "), "client: ", true},
               {LIT("Recipient address rejected: "), "recipient: ", true},
               {LIT("Data command rejected: "), "DATA: ", true},
               {LIT("Protocol error"), "protocol error", false},
               {LIT("Message size exceeds"), "message size", false},
               {LIT("Improper use of SMTP command pipelining"), "pipelining", false}};
    span d = {ev->detail, ev->detail_len};
    if (starts(d, LIT("header ")) || starts(d, LIT("body ")) ||
        starts(d, LIT("END-OF-MESSAGE "))) {
        puts_(o, starts(d, LIT("header ")) ? "header checks"
                 : starts(d, LIT("body ")) ? "body checks"
                                            : "milter");
        return;
    }
    /* "RCPT from host[addr]: " or postscreen's "RCPT from [addr]:port: " */
    const char *from = find(d, LIT(" from "));
    if (from) {
        span f = skip(d, (size_t)(from - d.p) + 6);
        const char *colon = find(f, LIT(": "));
        if (colon)
            d = skip(f, (size_t)(colon - f.p) + 2);
    }
    const char *env = find(d, LIT("; from=<"));
    if (env)
        d.n = (size_t)(env - d.p);
    if (d.n > 4 && d.p[3] == ' ' && d.p[0] >= '2' && d.p[0] <= '5') {
        put(o, d.p, 4);
        d = skip(d, 4);
    }
    const char *at = find(d, LIT("blocked using "));
    if (at) {
        puts_(o, "RBL ");
        word_after(o, d, at, 14);
        return;
    }
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
        if ((at = find(d, why[i].s, why[i].n))) {
            puts_(o, why[i].what);
            if (why[i].rest)
                normalised(o, skip(d, (size_t)(at - d.p) + why[i].n), 50);
            return;
        }
    const char *sp = memchr(d.p, ' ', d.n);
    if (sp && d.n > 1 && d.p[1] == '.')
        d = skip(d, (size_t)(sp - d.p) + 1);
    normalised(o, d, 60);
}

void pp_logclass_reason(const pp_logevent *ev, char *out, size_t len)
{
    outbuf o = {out, len, 0};
    pp_logevent e = *ev;
    if (len == 0)
        return;
    if (!e.detail)
        e.detail = "", e.detail_len = 0;
    ev = &e;
    out[0] = '\0';
    switch (ev->kind) {
    case PP_LOGK_DEFERRAL:
    case PP_LOGK_BOUNCED:
        delivery_reason(ev, &o);
        return;
    case PP_LOGK_REJECTED:
    case PP_LOGK_REJECT_WARNING:
    case PP_LOGK_HELD:
    case PP_LOGK_DISCARDED:
        reject_reason(ev, &o);
        return;
    case PP_LOGK_SASL_FAILURE:
    case PP_LOGK_PROCESS_LIMIT:
        put(&o, ev->detail, ev->detail_len);
        return;
    default:
        normalised(&o, (span){ev->detail, ev->detail_len}, 80);
    }
}
