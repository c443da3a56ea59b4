/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pflist.c - Postfix parameter lists and the entries of lookup tables. See pflist.h.
 */
#include "postfix/pflist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "core/buf.h"
#include "core/spawn.h"

#define MAX_FILE_DEPTH 4

/* Removes the outer braces of a whole "{ ... }" element and the blanks inside them. */
static void strip_braces(char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '{' || s[n - 1] != '}')
        return;
    s[n - 1] = '\0';
    char *p = s + 1;
    while (isspace((unsigned char)*p))
        p++;
    n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    memmove(s, p, n + 1);
}

const char *pp_pflist_word(const char **p, bool commas, size_t *len)
{
    const char *s = *p;
    while (*s && (isspace((unsigned char)*s) || (commas && *s == ',')))
        s++;
    if (!*s) {
        *p = s;
        return NULL;
    }
    const char *start = s;
    int depth = 0;
    for (; *s && (depth > 0 || !(isspace((unsigned char)*s) || (commas && *s == ','))); s++) {
        if (*s == '{')
            depth++;
        else if (*s == '}' && depth > 0)
            depth--;
    }
    *p = s;
    *len = (size_t)(s - start);
    return start;
}

int pp_pflist_split(const char *value, pp_pflist_fn fn, void *arg)
{
    const char *p = value ? value : "", *start;
    size_t len;
    pp_buf item;
    int rc = 0;

    pp_buf_init(&item);
    while (rc == 0 && (start = pp_pflist_word(&p, true, &len)) != NULL) {
        pp_buf_reset(&item);
        pp_buf_add(&item, start, len);
        strip_braces(item.s);
        if (item.s[0])
            rc = fn(item.s, arg);
    }
    pp_buf_free(&item);
    return rc;
}

int pp_pflist_is_table(const char *item)
{
    const char *p = item;
    while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')
        p++;
    return p > item && *p == ':';
}

int pp_pflist_read_file(const char *path, pp_pflist_fn fn, void *arg, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = pp_pflist_split(line, fn, arg);
    }
    free(line);
    fclose(f);
    return 0;
}

/* The table types whose Postfix driver has a sequence operation (postmap -s). */
static bool listable(const char *table)
{
    static const char *const types[] = {"hash", "btree", "lmdb",   "dbm",
                                        "sdbm", "inline", "texthash"};
    size_t n = strcspn(table, ":");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]) == n && strncmp(table, types[i], n) == 0)
            return true;
    return false;
}

int pp_pflist_table(const char *config_dir, const char *table, pp_pflist_kv_fn fn, void *arg,
                    char *err, size_t errlen)
{
    pp_child c;
    pp_buf errout;

    if (strncmp(table, "proxy:", 6) == 0)
        table += 6;
    if (!listable(table))
        return pp_errf(err, errlen, "cannot list %s: Postfix lists only hash, btree, lmdb, dbm, "
                       "sdbm, texthash and inline tables", table);
    const char *argv[] = {"postmap", "-s", table, NULL};
    if (pp_spawn(config_dir, argv, -1, &c, err, errlen) != 0)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int stop = 0;
    while (!stop && (len = getline(&line, &cap, c.out)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (tab)
            *tab++ = '\0';
        if (line[0])
            stop = fn(line, tab ? tab : "", arg);
    }
    free(line);
    pp_buf_init(&errout);
    int rc = pp_spawn_finish(&c, &errout, err, errlen);
    pp_buf_free(&errout);
    if (rc != 0 && !stop) {
        char why[512];
        snprintf(why, sizeof why, "%s", err);
        return pp_errf(err, errlen, "cannot list %s: %s", table, why);
    }
    return 0;
}

typedef struct expand_ctx {
    const char *config_dir;
    pp_pflist_kv_fn fn;
    void *arg;
    pp_pflist_fn note;
    void *note_arg;
    int notes;
    int depth;
} expand_ctx;

static void add_note(expand_ctx *x, const char *text)
{
    x->notes++;
    if (x->note)
        x->note(text, x->note_arg);
}

/* Hands a domain to the caller, lowercased; other kinds of keys are skipped. */
static int domain_kv(const char *key, const char *value, void *arg)
{
    expand_ctx *x = arg;
    if (!key[0] || key[0] == '.' || key[0] == '!' || strpbrk(key, "@*/:[]{} \t"))
        return 0;
    char *d = pp_xstrdup(key);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t n = strlen(d);
    if (n > 1 && d[n - 1] == '.')
        d[n - 1] = '\0';
    int rc = x->fn(d, value, x->arg);
    free(d);
    return rc;
}

static int expand_item(const char *item, void *arg)
{
    expand_ctx *x = arg;
    char err[600];

    if (item[0] == '/') {
        if (x->depth >= MAX_FILE_DEPTH) {
            snprintf(err, sizeof err, "%s: files nested too deep", item);
            add_note(x, err);
            return 0;
        }
        x->depth++;
        if (pp_pflist_read_file(item, expand_item, x, err, sizeof err) < 0)
            add_note(x, err);
        x->depth--;
        return 0;
    }
    if (pp_pflist_is_table(item)) {
        if (pp_pflist_table(x->config_dir, item, domain_kv, x, err, sizeof err) < 0)
            add_note(x, err);
        return 0;
    }
    return domain_kv(item, NULL, x);
}

int pp_pflist_expand(const char *config_dir, const char *value, pp_pflist_kv_fn fn, void *arg,
                     pp_pflist_fn note, void *note_arg)
{
    expand_ctx x = {config_dir, fn, arg, note, note_arg, 0, 0};
    pp_pflist_split(value, expand_item, &x);
    return x.notes;
}
