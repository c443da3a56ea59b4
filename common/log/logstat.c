/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logstat - the counts of an interval of Postfix's log (see logstat.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "log/logclass.h"
#include "log/logline.h"
#include "log/logstat.h"

#define TAB_SIZE 2048 /* power of two, above twice PP_LOGSTAT_MAX_KEYS */
#define REASON_MAX 160
#define EXAMPLE_MAX 400
#define FINE_BINS 10000 /* milliseconds below 10 s */
#define BINS (FINE_BINS + 800) /* then 100 bins a decade up to 10^9 s */
#define STAGES 5
#define DEF_START 1024 /* slots of the deferred set at first; it doubles as it fills */
#define DEF_LAG 8      /* removals from it kept pending while their slots are fetched */

typedef struct tab_entry {
    char *key;
    char *example;
    uint64_t count;
    uint64_t hash;
} tab_entry;

typedef struct logtab {
    tab_entry *e; /* TAB_SIZE slots, allocated at the first add */
    size_t keys;
    pp_logtop *sorted;
} logtab;

struct pp_logstat {
    pp_logstat_opts o;
    pp_logstat_lines lines;
    uint64_t count[PP_LOGC_COUNT];
    logtab tab[PP_LOGG_COUNT];
    uint64_t *deferred; /* hashes of queue ids deferred and not removed; 0 is empty */
    size_t def_size, def_used, def_max, def_cap; /* size grows to def_cap (load <= 1/2) */
    uint64_t def_pending[DEF_LAG]; /* removals to do (def_remove_later), 0: none */
    size_t def_next;
    uint64_t *hist; /* STAGES x BINS */
    uint64_t delays;
    double max[STAGES];
    pp_logclock clock;
};

static const char *const count_names[PP_LOGC_COUNT] = {
    "received", "delivered", "forwarded", "deferred", "deferrals", "bounced", "expired",
    "rejected", "reject_warnings", "held", "discarded", "sasl_failures", "tls_failures",
    "lost_connections", "warnings", "errors", "fatal", "panic", "process_limit",
    "postscreen_pass_new", "postscreen_pass_old", "postscreen_dnsbl", "postscreen_pregreet",
    "removed", "connects"};

const char *pp_logcount_name(pp_logcount c)
{
    return (unsigned)c < PP_LOGC_COUNT ? count_names[c] : "?";
}

pp_logstat *pp_logstat_new(const pp_logstat_opts *o)
{
    pp_logstat *st = pp_xcalloc(1, sizeof *st);
    st->o = *o;
    if (!st->o.now)
        st->o.now = (long long)time(NULL);
    st->def_max = o->max_deferred ? o->max_deferred : 262144;
    st->def_cap = 16;
    while (st->def_cap < 2 * st->def_max)
        st->def_cap <<= 1;
    st->def_size = st->def_cap < DEF_START ? st->def_cap : DEF_START;
    st->hist = pp_xcalloc((size_t)STAGES * BINS, sizeof *st->hist);
    st->lines.first = -1;
    pp_logclock_init(&st->clock, st->o.now);
    return st;
}

/* ---- reason tables ---- */

static tab_entry *tab_slot(logtab *t, const char *key, uint64_t h)
{
    size_t i = h & (TAB_SIZE - 1);
    while (t->e[i].key && (t->e[i].hash != h || strcmp(t->e[i].key, key) != 0))
        i = (i + 1) & (TAB_SIZE - 1);
    return &t->e[i];
}

static void tab_add(logtab *t, const char *key, const char *line, size_t len, bool examples)
{
    if (!t->e)
        t->e = pp_xcalloc(TAB_SIZE, sizeof *t->e);
    uint64_t h = pp_loghash(key, strlen(key));
    tab_entry *e = tab_slot(t, key, h);
    if (!e->key && t->keys >= PP_LOGSTAT_MAX_KEYS) {
        key = PP_LOGSTAT_OTHER;
        h = pp_loghash(key, strlen(key));
        e = tab_slot(t, key, h);
    }
    if (!e->key) {
        e->key = pp_xstrdup(key);
        e->hash = h;
        if (examples)
            e->example = pp_xstrndup(line, len < EXAMPLE_MAX ? len : EXAMPLE_MAX);
        t->keys++;
    }
    e->count++;
}

static int top_cmp(const void *a, const void *b)
{
    const pp_logtop *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

size_t pp_logstat_top(pp_logstat *st, pp_loggroup g, pp_logtop *out, size_t max)
{
    logtab *t = &st->tab[g];
    size_t n = 0;
    if ((unsigned)g >= PP_LOGG_COUNT || !t->e)
        return 0;
    free(t->sorted);
    t->sorted = pp_xcalloc(t->keys + 1, sizeof *t->sorted);
    for (size_t i = 0; i < TAB_SIZE; i++)
        if (t->e[i].key)
            t->sorted[n++] = (pp_logtop){t->e[i].key, t->e[i].count, t->e[i].example};
    qsort(t->sorted, n, sizeof *t->sorted, top_cmp);
    if (n > max)
        n = max;
    memcpy(out, t->sorted, n * sizeof *out);
    return n;
}

/* ---- messages deferred (a set of queue id hashes, linear probing) ---- */

static size_t def_find(const pp_logstat *st, uint64_t h)
{
    size_t mask = st->def_size - 1, i = h & mask;
    while (st->deferred[i] && st->deferred[i] != h)
        i = (i + 1) & mask;
    return i;
}

/* The set at twice its size, when it is half full and below its cap: a small set stays in
 * the cache, and memory follows the messages deferred, up to the cap. */
static void def_grow(pp_logstat *st)
{
    if (st->def_used * 2 < st->def_size || st->def_size >= st->def_cap)
        return;
    uint64_t *old = st->deferred;
    size_t n = st->def_size;
    st->def_size *= 2;
    st->deferred = pp_xcalloc(st->def_size, sizeof *st->deferred);
    for (size_t i = 0; i < n; i++)
        if (old[i])
            st->deferred[def_find(st, old[i])] = old[i];
    free(old);
}

/* Removal with backward shift: no tombstones, probes stay short. */
static void def_remove(pp_logstat *st, uint64_t h)
{
    size_t mask = st->def_size - 1, i = def_find(st, h);
    if (!st->deferred[i])
        return;
    st->deferred[i] = 0;
    st->def_used--;
    for (size_t j = (i + 1) & mask; st->deferred[j]; j = (j + 1) & mask) {
        size_t home = st->deferred[j] & mask;
        /* move j back to i when its home is not in (i, j] (cyclically) */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            st->deferred[i] = st->deferred[j];
            st->deferred[j] = 0;
            i = j;
        }
    }
}

/* Removals are done DEF_LAG removals late: meanwhile the slot of each, far in a large set,
 * is fetched (a cache miss for each removed message cost more than the rest of its line).
 * Only a deferral reads the set, and it does them all first (def_settle), so the counts are
 * the same as at once; removals left pending at the end change no count. */
static void def_remove_later(pp_logstat *st, const pp_logevent *ev)
{
    if (!st->deferred || !st->def_used)
        return;
    uint64_t *slot = &st->def_pending[st->def_next];
    if (*slot)
        def_remove(st, *slot);
    *slot = pp_loghash(ev->qid, ev->qid_len);
    __builtin_prefetch(&st->deferred[*slot & (st->def_size - 1)]);
    st->def_next = (st->def_next + 1) % DEF_LAG;
}

static void def_settle(pp_logstat *st)
{
    for (size_t i = 0; i < DEF_LAG; i++) {
        if (st->def_pending[i])
            def_remove(st, st->def_pending[i]);
        st->def_pending[i] = 0;
    }
}

/* true when the message was not deferred before in this interval */
static bool def_first(pp_logstat *st, const pp_logevent *ev)
{
    if (!st->deferred)
        st->deferred = pp_xcalloc(st->def_size, sizeof *st->deferred);
    def_settle(st);
    def_grow(st);
    uint64_t h = pp_loghash(ev->qid, ev->qid_len);
    size_t i = def_find(st, h);
    if (st->deferred[i])
        return false;
    if (st->def_used >= st->def_max) {
        st->lines.deferred_approx = true;
        return true;
    }
    st->deferred[i] = h;
    st->def_used++;
    return true;
}

/* ---- delays ---- */

static size_t bin_of(double v)
{
    if (!(v > 0))
        return 0;
    if (v < 10)
        return (size_t)lround(v * 1000) < FINE_BINS ? (size_t)lround(v * 1000) : FINE_BINS - 1;
    size_t b = FINE_BINS + (size_t)(100 * log10(v / 10));
    return b < BINS ? b : BINS - 1;
}

static double value_of(size_t b)
{
    return b < FINE_BINS ? (double)b / 1000 : 10 * pow(10, (double)(b - FINE_BINS) / 100);
}

static void add_delays(pp_logstat *st, const pp_logevent *ev)
{
    double v[STAGES] = {ev->delay, ev->delays[0], ev->delays[1], ev->delays[2], ev->delays[3]};
    int stages = ev->has_delays ? STAGES : 1;
    for (int s = 0; s < stages; s++) {
        st->hist[(size_t)s * BINS + bin_of(v[s])]++;
        if (v[s] > st->max[s])
            st->max[s] = v[s];
    }
    st->delays++;
}

bool pp_logstat_delay(const pp_logstat *st, int stage, double *median, double *max)
{
    uint64_t total = 0, seen = 0;
    if (stage < 0 || stage >= STAGES)
        return false;
    const uint64_t *h = st->hist + (size_t)stage * BINS;
    for (size_t b = 0; b < BINS; b++)
        total += h[b];
    if (total == 0)
        return false;
    for (size_t b = 0; b < BINS; b++)
        if ((seen += h[b]) * 2 >= total) {
            *median = value_of(b);
            break;
        }
    *max = st->max[stage];
    return true;
}

/* ---- lines ---- */

static void group(pp_logstat *st, pp_loggroup g, const pp_logevent *ev, const char *line,
                  size_t len)
{
    char key[REASON_MAX];
    pp_logclass_reason(ev, key, sizeof key);
    tab_add(&st->tab[g], key[0] ? key : "-", line, len, st->o.examples);
}

static void count_kind(pp_logstat *st, const pp_logevent *ev, const char *line, size_t len)
{
    switch (ev->kind) {
    case PP_LOGK_RECEIVED: st->count[PP_LOGC_RECEIVED]++; break;
    case PP_LOGK_DELIVERED: st->count[PP_LOGC_DELIVERED]++; break;
    case PP_LOGK_FORWARDED: st->count[PP_LOGC_FORWARDED]++; break;
    case PP_LOGK_DEFERRAL:
        st->count[PP_LOGC_DEFERRALS]++;
        if (def_first(st, ev))
            st->count[PP_LOGC_DEFERRED]++;
        group(st, PP_LOGG_DEFERRAL, ev, line, len);
        break;
    case PP_LOGK_BOUNCED:
        st->count[PP_LOGC_BOUNCED]++;
        group(st, PP_LOGG_BOUNCE, ev, line, len);
        break;
    case PP_LOGK_EXPIRED: st->count[PP_LOGC_EXPIRED]++; break;
    case PP_LOGK_REJECTED:
        st->count[PP_LOGC_REJECTED]++;
        group(st, PP_LOGG_REJECT, ev, line, len);
        break;
    case PP_LOGK_REJECT_WARNING: st->count[PP_LOGC_REJECT_WARNINGS]++; break;
    case PP_LOGK_HELD: st->count[PP_LOGC_HELD]++; break;
    case PP_LOGK_DISCARDED: st->count[PP_LOGC_DISCARDED]++; break;
    case PP_LOGK_SASL_FAILURE:
        st->count[PP_LOGC_SASL_FAILURES]++;
        group(st, PP_LOGG_SASL, ev, line, len);
        break;
    case PP_LOGK_TLS_FAILURE: st->count[PP_LOGC_TLS_FAILURES]++; break;
    case PP_LOGK_LOST_CONNECTION: st->count[PP_LOGC_LOST_CONNECTIONS]++; break;
    case PP_LOGK_PROCESS_LIMIT:
        st->count[PP_LOGC_PROCESS_LIMIT]++;
        group(st, PP_LOGG_PROCESS_LIMIT, ev, line, len);
        break;
    case PP_LOGK_PASS_NEW: st->count[PP_LOGC_PASS_NEW]++; break;
    case PP_LOGK_PASS_OLD: st->count[PP_LOGC_PASS_OLD]++; break;
    case PP_LOGK_DNSBL: st->count[PP_LOGC_DNSBL]++; break;
    case PP_LOGK_PREGREET: st->count[PP_LOGC_PREGREET]++; break;
    case PP_LOGK_REMOVED:
        st->count[PP_LOGC_REMOVED]++;
        def_remove_later(st, ev);
        break;
    case PP_LOGK_CONNECT: st->count[PP_LOGC_CONNECTS]++; break;
    case PP_LOGK_NONE: break;
    }
}

static void count_severity(pp_logstat *st, const pp_logevent *ev, const char *line, size_t len)
{
    switch (ev->sev) {
    case PP_LOGSEV_WARNING:
        st->count[PP_LOGC_WARNINGS]++;
        if (ev->kind == PP_LOGK_NONE)
            group(st, PP_LOGG_WARNING, ev, line, len);
        break;
    case PP_LOGSEV_ERROR:
        st->count[PP_LOGC_ERRORS]++;
        group(st, PP_LOGG_ERROR, ev, line, len);
        break;
    case PP_LOGSEV_FATAL:
    case PP_LOGSEV_PANIC:
        st->count[ev->sev == PP_LOGSEV_FATAL ? PP_LOGC_FATAL : PP_LOGC_PANIC]++;
        group(st, PP_LOGG_FATAL, ev, line, len);
        break;
    case PP_LOGSEV_NONE: break;
    }
}

void pp_logstat_line(pp_logstat *st, const char *line, size_t len)
{
    pp_logline l;
    pp_logevent ev;
    st->lines.read++;
    if (pp_logline_parse(line, len, &l) != 0) {
        st->lines.unparsed++;
        return;
    }
    if (!pp_logline_name_in(&l, st->o.names)) {
        st->lines.other++;
        return;
    }
    if (st->o.since || st->lines.first < 0) {
        long long t = pp_logclock_time(&st->clock, &l);
        if (st->o.since && t < st->o.since) {
            st->lines.older++;
            return;
        }
        if (st->lines.first < 0)
            st->lines.first = t;
    }
    st->lines.counted++;
    pp_logclass(&l, &ev);
    count_kind(st, &ev, line, len);
    count_severity(st, &ev, line, len);
    if (ev.kind >= PP_LOGK_DELIVERED && ev.kind <= PP_LOGK_BOUNCED)
        add_delays(st, &ev);
}

uint64_t pp_logstat_count(const pp_logstat *st, pp_logcount c)
{
    return (unsigned)c < PP_LOGC_COUNT ? st->count[c] : 0;
}

const pp_logstat_lines *pp_logstat_lines_seen(const pp_logstat *st)
{
    return &st->lines;
}

void pp_logstat_free(pp_logstat *st)
{
    if (!st)
        return;
    for (int g = 0; g < PP_LOGG_COUNT; g++) {
        if (st->tab[g].e)
            for (size_t i = 0; i < TAB_SIZE; i++) {
                free(st->tab[g].e[i].key);
                free(st->tab[g].e[i].example);
            }
        free(st->tab[g].e);
        free(st->tab[g].sorted);
    }
    free(st->deferred);
    free(st->hist);
    free(st);
}
