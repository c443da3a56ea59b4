/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stat_table.c - counters keyed by string. See stat_table.h.
 *
 * Open addressing with linear probing over an index of entry numbers; the entries live
 * in one array, so that sorting them needs no copy. Sorting moves entries, so the index
 * is rebuilt on the next add.
 */
#include "core/stat_table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

struct pp_stat_table {
    pp_stat_entry *e;
    uint64_t *hash; /* of e[i].key */
    size_t n, cap;
    size_t *slot; /* entry number + 1, 0 for a free slot */
    size_t nslots; /* a power of two, at least twice n */
    bool stale;    /* entries were sorted: slot no longer points right */
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void reindex(pp_stat_table *t, size_t nslots)
{
    free(t->slot);
    t->nslots = nslots;
    t->slot = pp_xcalloc(nslots, sizeof *t->slot);
    for (size_t i = 0; i < t->n; i++) {
        size_t k = (size_t)t->hash[i] & (nslots - 1);
        while (t->slot[k])
            k = (k + 1) & (nslots - 1);
        t->slot[k] = i + 1;
    }
    t->stale = false;
}

/* The slot holding key, or the free slot where it would go. */
static size_t find(const pp_stat_table *t, const char *key, uint64_t h)
{
    size_t k = (size_t)h & (t->nslots - 1);
    while (t->slot[k]) {
        size_t i = t->slot[k] - 1;
        if (t->hash[i] == h && strcmp(t->e[i].key, key) == 0)
            break;
        k = (k + 1) & (t->nslots - 1);
    }
    return k;
}

pp_stat_table *pp_stat_new(void)
{
    pp_stat_table *t = pp_xcalloc(1, sizeof *t);
    reindex(t, 64);
    return t;
}

void pp_stat_add(pp_stat_table *t, const char *key, uint64_t n)
{
    uint64_t h = fnv1a(key);
    if (t->stale)
        reindex(t, t->nslots);
    size_t k = find(t, key, h);
    if (t->slot[k]) {
        t->e[t->slot[k] - 1].count += n;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->e = pp_xrealloc(t->e, t->cap * sizeof *t->e);
        t->hash = pp_xrealloc(t->hash, t->cap * sizeof *t->hash);
    }
    t->e[t->n] = (pp_stat_entry){pp_xstrdup(key), n};
    t->hash[t->n] = h;
    t->slot[k] = ++t->n;
    if (t->n * 2 > t->nslots)
        reindex(t, t->nslots * 2);
}

uint64_t pp_stat_get(const pp_stat_table *t, const char *key)
{
    if (t->stale) { /* sorted since the last add: a plain search */
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(t->e[i].key, key) == 0)
                return t->e[i].count;
        return 0;
    }
    size_t k = find(t, key, fnv1a(key));
    return t->slot[k] ? t->e[t->slot[k] - 1].count : 0;
}

static int by_count(const void *a, const void *b)
{
    const pp_stat_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->key, y->key);
}

const pp_stat_entry *pp_stat_sorted(pp_stat_table *t, size_t *n)
{
    qsort(t->e, t->n, sizeof *t->e, by_count);
    for (size_t i = 0; i < t->n; i++) /* the hashes follow their entries */
        t->hash[i] = fnv1a(t->e[i].key);
    t->stale = true;
    *n = t->n;
    return t->e;
}

void pp_stat_free(pp_stat_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free((char *)t->e[i].key);
    free(t->e);
    free(t->hash);
    free(t->slot);
    free(t);
}
