/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * queue_stats.c - per queue, per age bucket and per domain counts. See queue_stats.h.
 *
 * The domain rules, buckets and table layout follow Postfix's qshape(1) (a Perl script)
 * so that the numbers and the --qshape table come out the same.
 */
#include "queue/queue_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TICK 5
#define DEFAULT_BUCKETS 10
#define DEFAULT_MIN_SUB 5
#define DEFAULT_MAX_DOMAINS 100000
#define QSHAPE_MIN_WIDTH 80
#define QSHAPE_DOMAIN_WIDTH 18

typedef struct dom {
    char *name;                           /* in the same allocation, after bucket[] */
    unsigned long sub;                    /* distinct subdomains (parent entries) */
    unsigned long queue[PP_QUEUE_COUNT];  /* addresses per queue */
    unsigned long bucket[];               /* [0] all, [1..buckets] per age */
} dom;

/* A slot of the name index: the name's hash, so that a probe rarely touches the entry. */
typedef struct slot {
    uint32_t hash;
    uint32_t dom; /* index + 1 into doms, 0 empty */
} slot;

struct pp_qstats {
    pp_qstats_opts o;
    pp_qstats_queue q[PP_QUEUE_COUNT];
    unsigned long *total; /* qshape's TOTAL row */
    dom **doms;           /* in order of arrival */
    size_t ndoms, cap;
    slot *slots;          /* open addressing, a power of two */
    size_t nslots;
    pp_buf name;          /* scratch */
};

pp_qstats *pp_qstats_new(const pp_qstats_opts *o)
{
    pp_qstats *s = pp_xcalloc(1, sizeof *s);
    s->o = *o;
    if (s->o.tick <= 0)
        s->o.tick = DEFAULT_TICK;
    if (s->o.buckets <= 0)
        s->o.buckets = DEFAULT_BUCKETS;
    if (s->o.min_subdomains <= 0)
        s->o.min_subdomains = DEFAULT_MIN_SUB;
    if (s->o.max_domains == 0)
        s->o.max_domains = DEFAULT_MAX_DOMAINS;
    for (int q = 0; q < PP_QUEUE_COUNT; q++) {
        s->q[q].oldest = -1;
        s->q[q].bucket = pp_xcalloc((size_t)s->o.buckets + 1, sizeof *s->q[q].bucket);
    }
    s->total = pp_xcalloc((size_t)s->o.buckets + 1, sizeof *s->total);
    s->nslots = 1024;
    s->slots = pp_xcalloc(s->nslots, sizeof *s->slots);
    pp_buf_init(&s->name);
    return s;
}

void pp_qstats_free(pp_qstats *s)
{
    if (!s)
        return;
    for (int q = 0; q < PP_QUEUE_COUNT; q++) {
        free(s->q[q].bucket);
        for (int i = 0; i < PP_QSTATS_WHY_KEPT; i++)
            free(s->q[q].corrupt_why[i]);
    }
    for (size_t i = 0; i < s->ndoms; i++)
        free(s->doms[i]);
    free(s->doms);
    free(s->slots);
    free(s->total);
    pp_buf_free(&s->name);
    free(s);
}

const pp_qstats_opts *pp_qstats_options(const pp_qstats *s)
{
    return &s->o;
}

const pp_qstats_queue *pp_qstats_get(const pp_qstats *s, pp_queue q)
{
    return &s->q[q];
}

/* ---- buckets ---- */

int pp_qstats_bucket(const pp_qstats_opts *o, double age)
{
    double m = age / (60.0 * (double)o->tick);
    if (!(m >= 1)) /* also for a NaN or a clock that went back */
        return 1;
    /* qshape: $b = $opts{"l"} ? int($m+1) : 2 + int(log($m) / log(2)) */
    double b = o->linear ? floor(m + 1) : 2 + floor(log(m) / log(2));
    return b < o->buckets ? (int)b : o->buckets;
}

void pp_qstats_bucket_label(const pp_qstats_opts *o, int b, char *out, size_t len)
{
    long t = 0;
    if (b <= 0) {
        snprintf(out, len, "T");
        return;
    }
    /* qshape's headings: tick, then doubling (or adding tick), the last one "N+". */
    for (int i = 1; i < b && i < o->buckets; i++)
        t += (t && !o->linear) ? t : o->tick;
    if (b >= o->buckets)
        snprintf(out, len, "%ld+", t);
    else
        snprintf(out, len, "%ld", t + ((t && !o->linear) ? t : o->tick));
}

/* ---- domains ---- */

void pp_qstats_domain_of(const char *addr, pp_buf *out)
{
    pp_buf_reset(out);
    if (!*addr) {
        pp_buf_puts(out, "MAILER-DAEMON");
        return;
    }
    const char *at = strrchr(addr, '@');
    const char *p = at ? at + 1 : addr;
    pp_buf_add(out, p, strlen(p));
    /* lc, then s/\.\././g, in place: the write index never passes the read index */
    char *s = out->s;
    size_t n = 0;
    for (size_t i = 0; i < out->len; i++) {
        if (s[i] == '.' && s[i + 1] == '.')
            i++;
        char c = s[i];
        s[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    /* s/\.?(.+?)\.?$/$1/: one leading and one trailing dot, keeping at least one char */
    if (n >= 2 && s[0] == '.') {
        memmove(s, s + 1, n);
        n--;
    }
    if (n >= 2 && s[n - 1] == '.')
        n--;
    s[n] = '\0';
    out->len = n;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Puts entry i (0-based) with hash h in the first free slot of its chain. */
static void place(pp_qstats *s, uint32_t h, size_t i)
{
    size_t k = h & (s->nslots - 1);
    while (s->slots[k].dom)
        k = (k + 1) & (s->nslots - 1);
    s->slots[k] = (slot){h, (uint32_t)(i + 1)};
}

static void rehash(pp_qstats *s)
{
    slot *old = s->slots;
    size_t n = s->nslots;
    s->nslots *= 2;
    s->slots = pp_xcalloc(s->nslots, sizeof *s->slots);
    for (size_t k = 0; k < n; k++)
        if (old[k].dom)
            place(s, old[k].hash, old[k].dom - 1);
    free(old);
}

static dom *new_dom(const pp_qstats *s, const char *name)
{
    size_t head = sizeof(dom) + ((size_t)s->o.buckets + 1) * sizeof(unsigned long);
    size_t len = strlen(name);
    dom *d = pp_xcalloc(1, head + len + 1);
    d->name = (char *)d + head;
    memcpy(d->name, name, len + 1);
    return d;
}

/* The entry for name; *created tells whether it is new. NULL when the table is full. */
static dom *lookup(pp_qstats *s, const char *name, bool *created)
{
    uint32_t h = hash(name);
    size_t k = h & (s->nslots - 1);
    *created = false;
    for (; s->slots[k].dom; k = (k + 1) & (s->nslots - 1)) {
        dom *d = s->doms[s->slots[k].dom - 1];
        if (s->slots[k].hash == h && strcmp(d->name, name) == 0)
            return d;
    }
    if (s->ndoms >= s->o.max_domains && strcmp(name, PP_QSTATS_OTHER) != 0)
        return NULL;
    dom *d = new_dom(s, name);
    if (s->ndoms == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->doms = pp_xrealloc(s->doms, s->cap * sizeof *s->doms);
    }
    s->doms[s->ndoms++] = d;
    s->slots[k] = (slot){h, (uint32_t)s->ndoms};
    *created = true;
    if (s->ndoms * 2 > s->nslots)
        rehash(s);
    return d;
}

/* qshape -p: s/^(?:\.)?[^.]+\.(.*\.)/.$1/ -- the parent, never a top-level domain. */
static bool parent(pp_buf *name)
{
    char *p = name->s + (name->s[0] == '.');
    char *dot = strchr(p, '.');
    if (!dot || dot == p || !strchr(dot + 1, '.'))
        return false;
    size_t keep = name->len - (size_t)(dot - name->s);
    memmove(name->s, dot, keep + 1); /* ".rest", with its NUL */
    name->len = keep;
    return true;
}

static void count_address(pp_qstats *s, pp_queue q, int b, const char *addr)
{
    bool created, child_new = false;
    s->total[0]++;
    s->total[b]++;
    pp_qstats_domain_of(addr, &s->name);
    do {
        dom *d = lookup(s, s->name.s, &created);
        if (!d) {
            d = lookup(s, PP_QSTATS_OTHER, &created);
            d->queue[q]++;
            d->bucket[0]++;
            d->bucket[b]++;
            return;
        }
        d->queue[q]++;
        d->bucket[0]++;
        d->bucket[b]++;
        if (child_new)
            d->sub++;
        child_new = created;
    } while (s->o.parents && parent(&s->name));
}

/* ---- messages ---- */

void pp_qstats_add(pp_qstats *s, pp_queue q, const pp_qmsg *m)
{
    pp_qstats_queue *qq = &s->q[q];
    double age = difftime(s->o.now, (time_t)m->arrival);
    int b = pp_qstats_bucket(&s->o, age);
    qq->messages++;
    qq->expired += m->expired;
    if (s->o.older_than > 0 && age > s->o.older_than)
        qq->older++;
    qq->recipients += m->nrcpt;
    qq->bytes += m->size > 0 ? (uint64_t)m->size : 0;
    qq->bucket[b]++;
    if (qq->oldest < 0 || m->arrival < qq->oldest)
        qq->oldest = m->arrival;
    if (m->nrcpt == 0)
        return; /* qshape skips messages without a pending recipient */
    if (s->o.by_sender) {
        count_address(s, q, b, m->sender);
        return;
    }
    for (size_t i = 0; i < m->nrcpt; i++)
        count_address(s, q, b, m->rcpt[i]);
}

void pp_qstats_corrupt(pp_qstats *s, pp_queue q, const char *id, const char *why)
{
    pp_qstats_queue *qq = &s->q[q];
    if (qq->corrupt < PP_QSTATS_WHY_KEPT)
        qq->corrupt_why[qq->corrupt] = pp_xasprintf("%s: %s", id, why);
    qq->corrupt++;
}

/* ---- reports ---- */

typedef struct row {
    const char *name;
    unsigned long count;
    const unsigned long *bucket;
} row;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

static bool shown(const pp_qstats *s, const dom *d)
{
    return d->name[0] != '.' || d->sub >= (unsigned long)s->o.min_subdomains;
}

/* The domains (and TOTAL when total) in qshape's order, for queue q (< 0: all). */
static row *rows(const pp_qstats *s, int q, bool total, size_t *n)
{
    row *r = pp_xcalloc(s->ndoms + 1, sizeof *r);
    *n = 0;
    if (total)
        r[(*n)++] = (row){"TOTAL", s->total[0], s->total};
    for (size_t i = 0; i < s->ndoms; i++) {
        const dom *d = s->doms[i];
        unsigned long c = q < 0 ? d->bucket[0] : d->queue[q];
        if (c > 0 && shown(s, d))
            r[(*n)++] = (row){d->name, c, d->bucket};
    }
    qsort(r, *n, sizeof *r, row_cmp);
    return r;
}

size_t pp_qstats_top(const pp_qstats *s, int q, pp_qstats_domain *out, size_t n)
{
    size_t nr;
    row *r = rows(s, q, false, &nr);
    size_t k = nr < n ? nr : n;
    for (size_t i = 0; i < k; i++)
        out[i] = (pp_qstats_domain){r[i].name, r[i].count};
    free(r);
    return k;
}

/* qshape's pdomain(): the name right-aligned in dw columns, cut from the left with '+'. */
static void qshape_name(pp_buf *out, const char *d, int dw)
{
    int len = (int)strlen(d);
    if (len <= dw)
        pp_buf_printf(out, "%*s", dw, d);
    else if (d[0] == '.')
        pp_buf_printf(out, ".+%s", d + len - dw + 2);
    else
        pp_buf_printf(out, "+%s", d + len - dw + 1);
}

void pp_qstats_qshape(const pp_qstats *s, int width, pp_buf *out)
{
    int nb = s->o.buckets;
    int *w = pp_xcalloc((size_t)nb + 1, sizeof *w);
    char head[32], num[32];
    int dw = width > QSHAPE_MIN_WIDTH ? width : QSHAPE_MIN_WIDTH;

    for (int i = 0; i <= nb; i++) {
        pp_qstats_bucket_label(&s->o, i, head, sizeof head);
        int l = snprintf(num, sizeof num, "%lu", s->total[i]);
        if ((int)strlen(head) >= l)
            l = (int)strlen(head);
        w[i] = l > 2 ? l + 1 : 3;
        dw -= w[i];
    }
    if (dw < QSHAPE_DOMAIN_WIDTH)
        dw = QSHAPE_DOMAIN_WIDTH;
    qshape_name(out, "", dw);
    for (int i = 0; i <= nb; i++) {
        pp_qstats_bucket_label(&s->o, i, head, sizeof head);
        pp_buf_printf(out, "%*s", w[i], head);
    }
    pp_buf_putc(out, '\n');
    size_t n;
    row *r = rows(s, -1, true, &n);
    for (size_t k = 0; k < n; k++) {
        qshape_name(out, r[k].name, dw);
        for (int i = 0; i <= nb; i++)
            pp_buf_printf(out, "%*lu", w[i], r[k].bucket[i]);
        pp_buf_putc(out, '\n');
    }
    free(r);
    free(w);
}
