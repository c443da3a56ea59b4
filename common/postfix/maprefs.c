/*
 * maprefs.c - the file-based tables main.cf and master.cf name. See maprefs.h.
 */
#include "postfix/maprefs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
           ends_with(name, "_cache_database");
}

static void add(pp_maprefs *r, const char *type, size_t tlen, const char *path, size_t plen,
                const char *param, bool alias)
{
    for (size_t i = 0; i < r->n; i++) {
        pp_mapref *m = &r->v[i];
        if (strlen(m->type) == tlen && strncmp(m->type, type, tlen) == 0 &&
            strlen(m->path) == plen && strncmp(m->path, path, plen) == 0) {
            m->nparams++;
            m->alias = m->alias || alias;
            return;
        }
    }
    r->v = pp_xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = (pp_mapref){pp_xstrndup(type, tlen), pp_xstrndup(path, plen),
                               pp_xstrdup(param), 1, alias};
}

void pp_maprefs_scan(pp_maprefs *r, const char *param, const char *value)
{
    const char *name = base_name(param);
    bool alias = strcmp(name, "alias_maps") == 0 || strcmp(name, "alias_database") == 0;
    const char *p = value;

    if (pp_maprefs_ignored(param))
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
        if (pp_maprefs_class(type) != PP_MAPREF_NONE)
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
    else
        pp_maprefs_scan(r, name, value);
}

/* Runs postconf -x with opt (or none) and scans every line. */
static int run(pp_maprefs *r, const char *config_dir, const char *opt, char *err, size_t errlen)
{
    const char *argv[6] = {"postconf", "-x"};
    size_t argc = 2;
    if (opt)
        argv[argc++] = opt;
    if (config_dir) {
        argv[argc++] = "-c";
        argv[argc++] = config_dir;
    }
    return pp_run_lines(argv, scan_line, r, err, errlen);
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
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].type);
        free(r->v[i].path);
        free(r->v[i].param);
    }
    free(r->v);
    free(r->data_directory);
    free(r->queue_directory);
    *r = (pp_maprefs){0};
}
