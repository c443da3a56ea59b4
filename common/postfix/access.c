/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * access.c - smtpd's lookups in access tables. See access.h.
 */
#include "postfix/access.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/spawn.h"
#include "postfix/pflist.h"

/* ---- the keys ---- */

static int parent_item(const char *item, void *arg)
{
    (void)arg;
    if (item[0] == '!' && strcasecmp(item + 1, "smtpd_access_maps") == 0)
        return -1; /* a negation that matches: not parent style */
    return strcasecmp(item, "smtpd_access_maps") == 0;
}

bool pp_access_parent_style(const char *parent_domain_matches_subdomains)
{
    return pp_pflist_split(parent_domain_matches_subdomains, parent_item, NULL) > 0;
}

/* Adds key s (malloc'ed, now k's) to k. */
static void add_key(pp_access_keys *k, bool partial, char *s)
{
    k->v = pp_xrealloc(k->v, (k->n + 1) * sizeof *k->v);
    k->v[k->n++] = (pp_access_key){s, partial};
}

int pp_access_mail_keys(const char *address, const char *delimiters, bool parent_style,
                        pp_access_keys *k)
{
    const char *at = strrchr(address, '@');
    memset(k, 0, sizeof *k);
    if (!at || at == address || !at[1])
        return -1;
    int local = (int)(at - address);
    char *domain = pp_xstrdup(at + 1);
    size_t n = strlen(domain);
    if (n > 1 && domain[n - 1] == '.')
        domain[n - 1] = '\0';
    for (char *p = domain; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    /* mail_addr_find: the extension starts at the first delimiter in the localpart */
    int bare = local;
    if (delimiters && *delimiters) {
        size_t e = strcspn(address, delimiters);
        if (e > 0 && e < (size_t)local)
            bare = (int)e;
    }
    add_key(k, false, pp_xasprintf("%.*s@%s", local, address, domain));
    if (bare < local)
        add_key(k, true, pp_xasprintf("%.*s@%s", bare, address, domain));
    add_key(k, true, pp_xstrdup(domain));
    for (const char *dot = strchr(domain + 1, '.'); dot; dot = strchr(dot + 1, '.'))
        add_key(k, true, pp_xstrdup(dot + parent_style));
    add_key(k, true, pp_xasprintf("%.*s@", local, address));
    if (bare < local)
        add_key(k, true, pp_xasprintf("%.*s@", bare, address));
    free(domain);
    return 0;
}

void pp_access_keys_free(pp_access_keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].key);
    free(k->v);
    memset(k, 0, sizeof *k);
}

bool pp_access_pattern_table(const char *table)
{
    static const char *const pattern[] = {"regexp", "pcre", "cidr", "tcp", "socketmap",
                                          "randmap", "fail", NULL};
    if (strncmp(table, "proxy:", 6) == 0)
        table += 6;
    size_t n = strcspn(table, ":");
    for (const char *const *t = pattern; *t; t++)
        if (strlen(*t) == n && strncmp(table, *t, n) == 0)
            return true;
    return false;
}

/* ---- the cache ---- */

typedef struct entry {
    char *key;
    char *value; /* NULL: the table has no such key */
} entry;

typedef struct table {
    char *name;
    bool pattern;
    bool asked; /* the wanted keys were asked */
    entry *e;   /* sorted by key */
    size_t n;
    char *error;
} table;

struct pp_access_cache {
    char *config_dir;
    table *t;
    size_t nt;
    pp_access_keys want;
};

pp_access_cache *pp_access_cache_new(const char *config_dir)
{
    pp_access_cache *c = pp_xcalloc(1, sizeof *c);
    c->config_dir = config_dir ? pp_xstrdup(config_dir) : NULL;
    return c;
}

void pp_access_cache_want(pp_access_cache *c, const pp_access_keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        add_key(&c->want, k->v[i].partial, pp_xstrdup(k->v[i].key));
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static entry *find_entry(const table *t, const char *key)
{
    entry probe = {.key = (char *)key};
    return t->n ? bsearch(&probe, t->e, t->n, sizeof *t->e, cmp_entry) : NULL;
}

static table *get_table(pp_access_cache *c, const char *name)
{
    for (size_t i = 0; i < c->nt; i++)
        if (strcmp(c->t[i].name, name) == 0)
            return &c->t[i];
    c->t = pp_xrealloc(c->t, (c->nt + 1) * sizeof *c->t);
    table *t = memset(&c->t[c->nt++], 0, sizeof *t);
    t->name = pp_xstrdup(name);
    t->pattern = pp_access_pattern_table(name);
    return t;
}

/* Adds key to the keys to ask, when Postfix asks such a table such a key and it was not
 * asked before. */
static void ask_key(const table *t, pp_access_keys *ask, const pp_access_key *k)
{
    if ((t->pattern && k->partial) || strchr(k->key, '\n') || find_entry(t, k->key))
        return;
    add_key(ask, k->partial, pp_xstrdup(k->key));
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const pp_access_key *)a)->key, ((const pp_access_key *)b)->key);
}

/* Sorts the keys and drops the duplicates. */
static void unique_keys(pp_access_keys *k)
{
    size_t n = 0;
    if (k->n == 0)
        return;
    qsort(k->v, k->n, sizeof *k->v, cmp_key);
    for (size_t i = 1; i < k->n; i++) {
        if (strcmp(k->v[i].key, k->v[n].key) == 0)
            free(k->v[i].key);
        else
            k->v[++n] = k->v[i];
    }
    k->n = n + 1;
}

/* The first "fatal:" line of postmap's complaint, else its first line. */
static void postmap_reason(const char *errout, char *why, size_t len)
{
    const char *f = strstr(errout, "fatal: ");
    const char *s = f ? f + 7 : errout;
    snprintf(why, len, "%.*s", (int)strcspn(s, "\n"), s);
}

/* Asks table every key of ask in one postmap run; keys not found are kept without value. */
static int query(pp_access_cache *c, table *t, const pp_access_keys *ask, char *err,
                 size_t errlen)
{
    const char *argv[] = {"postmap", "-q", "-",
                          strncmp(t->name, "proxy:", 6) == 0 ? t->name + 6 : t->name, NULL};
    pp_child ch;
    pp_buf errout;
    FILE *in = tmpfile();

    if (!in)
        return pp_errf(err, errlen, "cannot look up in %s: temporary file: %s", t->name,
                       strerror(errno));
    for (size_t i = 0; i < ask->n; i++)
        fprintf(in, "%s\n", ask->v[i].key);
    if (fflush(in) != 0 || fseek(in, 0, SEEK_SET) != 0) {
        fclose(in);
        return pp_errf(err, errlen, "cannot look up in %s: temporary file: %s", t->name,
                       strerror(errno));
    }
    int rc = pp_spawn(c->config_dir, argv, fileno(in), &ch, err, errlen);
    fclose(in);
    if (rc != 0)
        return -1;
    t->e = pp_xrealloc(t->e, (t->n + ask->n) * sizeof *t->e);
    for (size_t i = 0; i < ask->n; i++)
        t->e[t->n++] = (entry){pp_xstrdup(ask->v[i].key), NULL};
    qsort(t->e, t->n, sizeof *t->e, cmp_entry);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, ch.out)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab++ = '\0';
        entry *e = find_entry(t, line);
        if (e && !e->value)
            e->value = pp_xstrdup(tab);
    }
    free(line);
    pp_buf_init(&errout);
    rc = pp_spawn_finish(&ch, &errout, err, errlen);
    /* postmap exits 1 when it found nothing; a table it cannot read is "fatal:" */
    if (rc < 0 || (rc != 0 && (rc != 1 || strstr(errout.s ? errout.s : "", "fatal:")))) {
        char why[400];
        postmap_reason(errout.s && errout.s[0] ? errout.s : err, why, sizeof why);
        t->error = pp_xasprintf("cannot look up in %s: %s", t->name, why);
    }
    pp_buf_free(&errout);
    return 0;
}

int pp_access_find(pp_access_cache *c, const char *table_name, const pp_access_keys *k,
                   const char **value, const char **key, char *err, size_t errlen)
{
    table *t = get_table(c, table_name);
    pp_access_keys ask = {0};

    *value = *key = NULL;
    if (!t->asked)
        for (size_t i = 0; i < c->want.n; i++)
            ask_key(t, &ask, &c->want.v[i]);
    t->asked = true;
    for (size_t i = 0; i < k->n; i++)
        ask_key(t, &ask, &k->v[i]);
    unique_keys(&ask);
    int rc = ask.n && !t->error ? query(c, t, &ask, err, errlen) : 0;
    pp_access_keys_free(&ask);
    if (rc < 0)
        return -1;
    if (t->error)
        return pp_errf(err, errlen, "%s", t->error);
    for (size_t i = 0; i < k->n; i++) {
        const entry *e = t->pattern && k->v[i].partial ? NULL : find_entry(t, k->v[i].key);
        if (e && e->value) {
            *value = e->value;
            *key = e->key;
            return 1;
        }
    }
    return 0;
}

void pp_access_cache_free(pp_access_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nt; i++) {
        for (size_t k = 0; k < c->t[i].n; k++) {
            free(c->t[i].e[k].key);
            free(c->t[i].e[k].value);
        }
        free(c->t[i].e);
        free(c->t[i].name);
        free(c->t[i].error);
    }
    free(c->t);
    free(c->config_dir);
    pp_access_keys_free(&c->want);
    free(c);
}
