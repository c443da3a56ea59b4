/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * maprefs.c - the file-based tables main.cf and master.cf name. See maprefs.h.
 */
#include "postfix/maprefs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "postfix/postconf.h"
#include "core/spawn.h"

static const struct {
    const char *type;
    pp_mapref_class class;
} classes[] = {
    {"hash", PP_MAPREF_INDEXED},  {"btree", PP_MAPREF_INDEXED},
    {"lmdb", PP_MAPREF_INDEXED},  {"cdb", PP_MAPREF_INDEXED},
    {"dbm", PP_MAPREF_INDEXED_OTHER}, {"sdbm", PP_MAPREF_INDEXED_OTHER},
    {"pcre", PP_MAPREF_PATTERN},  {"regexp", PP_MAPREF_PATTERN},
    {"cidr", PP_MAPREF_MEMORY},   {"texthash", PP_MAPREF_MEMORY},
};

pp_mapref_class pp_maprefs_class(const char *type)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(classes[i].type, type) == 0)
            return classes[i].class;
    return PP_MAPREF_NONE;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The parameter's own name: master.cf overrides come as service/type/name. */
static const char *base_name(const char *param)
{
    const char *slash = strrchr(param, '/');
    return slash ? slash + 1 : param;
}

bool pp_maprefs_ignored(const char *param)
{
    const char *name = base_name(param);
    return strcmp(name, "address_verify_map") == 0 || strcmp(name, "proxy_read_maps") == 0 ||
           strcmp(name, "proxy_write_maps") == 0 || ends_with(name, "_cache_map") ||
           ends_with(name, "_cache_name") || ends_with(name, "_cache_database");
}

/* The parameters whose tables Postfix opens with DICT_FLAG_NO_REGSUB (trivial-rewrite.c,
 * transport.c, local's mailbox.c and unknown.c): a rule with $number is skipped there. */
static const char *const no_regsub_params[] = {
    "transport_maps",
    "address_verify_transport_maps",
    "sender_dependent_relayhost_maps",
    "address_verify_sender_dependent_relayhost_maps",
    "sender_dependent_default_transport_maps",
    "address_verify_sender_dependent_default_transport_maps",
    "mailbox_transport_maps",
    "fallback_transport_maps",
};

bool pp_maprefs_no_regsub(const char *param)
{
    const char *name = base_name(param);
    for (size_t i = 0; i < sizeof no_regsub_params / sizeof no_regsub_params[0]; i++)
        if (strcmp(name, no_regsub_params[i]) == 0)
            return true;
    return false;
}

static bool same(const char *s, const char *t, size_t n)
{
    return strlen(s) == n && strncmp(s, t, n) == 0;
}

static bool written(const pp_maprefs *r, const char *type, size_t tlen, const char *path,
                    size_t plen)
{
    for (size_t i = 0; i < r->nwritten; i++)
        if (same(r->written[i].type, type, tlen) && same(r->written[i].path, path, plen))
            return true;
    return false;
}

static void free_ref(pp_mapref *m)
{
    free(m->type);
    free(m->path);
    free(m->param);
    free(m->no_regsub);
}

/* A table proxy_write_maps names is Postfix's to write: not a source, wherever named. */
static void add_written(pp_maprefs *r, const char *type, size_t tlen, const char *path,
                        size_t plen)
{
    if (written(r, type, tlen, path, plen))
        return;
    r->written = pp_xrealloc(r->written, (r->nwritten + 1) * sizeof *r->written);
    r->written[r->nwritten++] = (pp_maprefs_table){pp_xstrndup(type, tlen),
                                                   pp_xstrndup(path, plen)};
    size_t kept = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (same(r->v[i].type, type, tlen) && same(r->v[i].path, path, plen))
            free_ref(&r->v[i]);
        else
            r->v[kept++] = r->v[i];
    }
    r->n = kept;
}

static void add(pp_maprefs *r, const char *type, size_t tlen, const char *path, size_t plen,
                const char *param, bool alias)
{
    bool no_regsub = pp_maprefs_no_regsub(param);
    if (written(r, type, tlen, path, plen))
        return;
    for (size_t i = 0; i < r->n; i++) {
        pp_mapref *m = &r->v[i];
        if (same(m->type, type, tlen) && same(m->path, path, plen)) {
            m->nparams++;
            m->alias = m->alias || alias;
            if (no_regsub && !m->no_regsub)
                m->no_regsub = pp_xstrdup(param);
            return;
        }
    }
    r->v = pp_xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = (pp_mapref){pp_xstrndup(type, tlen), pp_xstrndup(path, plen),
                               pp_xstrdup(param), 1, alias,
                               no_regsub ? pp_xstrdup(param) : NULL};
}

void pp_maprefs_scan(pp_maprefs *r, const char *param, const char *value)
{
    const char *name = base_name(param);
    bool alias = strcmp(name, "alias_maps") == 0 || strcmp(name, "alias_database") == 0;
    bool writes = strcmp(name, "proxy_write_maps") == 0;
    const char *p = value;

    if (!writes && pp_maprefs_ignored(param))
        return;
    while (*p) {
        size_t n = strcspn(p, " \t\r\n,{}");
        const char *word = p, *colon;
        p += n + (p[n] != '\0');
        while (n > 6 && strncmp(word, "proxy:", 6) == 0) {
            word += 6;
            n -= 6;
        }
        if (n == 0 || !(colon = memchr(word, ':', n)) || colon[1] != '/')
            continue;
        char type[16];
        size_t tlen = (size_t)(colon - word);
        if (tlen >= sizeof type)
            continue;
        memcpy(type, word, tlen);
        type[tlen] = '\0';
        if (writes)
            add_written(r, word, tlen, colon + 1, n - tlen - 1);
        else if (pp_maprefs_class(type) != PP_MAPREF_NONE)
            add(r, word, tlen, colon + 1, n - tlen - 1, param, alias);
    }
}

/* One "name = value" line of postconf, or of postconf -P ("service/type/name = value"). */
static void scan_line(char *line, void *ctx)
{
    pp_maprefs *r = ctx;
    char *name, *value;
    if (pp_postconf_parse_line(line, &name, &value) != 0)
        return;
    if (strcmp(name, "data_directory") == 0)
        r->data_directory = pp_xstrdup(value);
    else if (strcmp(name, "queue_directory") == 0)
        r->queue_directory = pp_xstrdup(value);
    else if (strcmp(name, "smtputf8_enable") == 0)
        r->smtputf8 = strcasecmp(value, "yes") == 0;
    else
        pp_maprefs_scan(r, name, value);
}

/* Runs postconf -x with opt (or none) and scans every line. */
static int run(pp_maprefs *r, const char *config_dir, const char *opt, char *err, size_t errlen)
{
    const char *argv[] = {"postconf", "-x", opt, NULL};
    return pp_run_lines(config_dir, argv, scan_line, r, err, errlen);
}

int pp_maprefs_load(pp_maprefs *r, const char *config_dir, char *err, size_t errlen)
{
    *r = (pp_maprefs){0};
    return run(r, config_dir, NULL, err, errlen) == 0 && run(r, config_dir, "-P", err, errlen) == 0
               ? 0
               : -1;
}

void pp_maprefs_free(pp_maprefs *r)
{
    for (size_t i = 0; i < r->n; i++)
        free_ref(&r->v[i]);
    free(r->v);
    for (size_t i = 0; i < r->nwritten; i++) {
        free(r->written[i].type);
        free(r->written[i].path);
    }
    free(r->written);
    free(r->data_directory);
    free(r->queue_directory);
    *r = (pp_maprefs){0};
}
