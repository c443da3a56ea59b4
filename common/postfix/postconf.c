/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * postconf.c - Postfix settings through postconf(1). See postconf.h.
 */
#include "postfix/postconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/spawn.h"

typedef struct entry {
    char *name;
    char *value; /* NULL: postconf does not know the name */
} entry;

struct pp_postconf {
    char *config_dir;
    entry *entries;
    size_t n;
};

pp_postconf *pp_postconf_new(const char *config_dir)
{
    pp_postconf *pc = pp_xcalloc(1, sizeof *pc);
    pc->config_dir = config_dir ? pp_xstrdup(config_dir) : NULL;
    return pc;
}

void pp_postconf_free(pp_postconf *pc)
{
    if (!pc)
        return;
    for (size_t i = 0; i < pc->n; i++) {
        free(pc->entries[i].name);
        free(pc->entries[i].value);
    }
    free(pc->entries);
    free(pc->config_dir);
    free(pc);
}

static entry *lookup(pp_postconf *pc, const char *name)
{
    for (size_t i = 0; i < pc->n; i++)
        if (strcmp(pc->entries[i].name, name) == 0)
            return &pc->entries[i];
    return NULL;
}

static void store(pp_postconf *pc, const char *name, const char *value)
{
    entry *e = lookup(pc, name);
    if (!e) {
        pc->entries = pp_xrealloc(pc->entries, (pc->n + 1) * sizeof *pc->entries);
        e = &pc->entries[pc->n++];
        e->name = pp_xstrdup(name);
        e->value = NULL;
    }
    free(e->value);
    e->value = value ? pp_xstrdup(value) : NULL;
}

bool pp_postconf_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '/')
            return false;
    return true;
}

int pp_postconf_parse_line(char *line, char **name, char **value)
{
    char *eq = strstr(line, " =");
    if (!eq || eq == line)
        return -1;
    *eq = '\0';
    char *v = eq + 2;
    if (*v == ' ')
        v++;
    size_t len = strlen(v);
    while (len && (v[len - 1] == '\n' || v[len - 1] == '\r'))
        v[--len] = '\0';
    /* postconf -P names a service's parameter "service/type/name", and a service may be
     * "127.0.0.1:10025" or "[::1]:587": only the parameter's own name is a Postfix name. */
    char *param = strrchr(line, '/');
    if (!pp_postconf_name_ok(param ? param + 1 : line) || (param && strpbrk(line, " \t") != NULL))
        return -1;
    *name = line;
    *value = v;
    return 0;
}

typedef struct fetch {
    pp_postconf *pc;
    const char **asked;
    size_t nasked;
} fetch;

static void store_line(char *line, void *ctx)
{
    fetch *f = ctx;
    char *name, *value;
    if (pp_postconf_parse_line(line, &name, &value) != 0)
        return;
    for (size_t i = 0; i < f->nasked; i++)
        if (strcmp(f->asked[i], name) == 0)
            store(f->pc, name, value);
}

int pp_postconf_fetch(pp_postconf *pc, const char *const names[], char *err, size_t errlen)
{
    size_t n = 0, argc = 0;

    for (n = 0; names[n]; n++)
        if (!pp_postconf_name_ok(names[n]))
            return pp_errf(err, errlen, "invalid Postfix parameter name '%.60s'", names[n]);
    const char **argv = pp_xcalloc(n + 3, sizeof *argv);
    argv[argc++] = "postconf";
    argv[argc++] = "-x";
    fetch f = {pc, argv + argc, 0};
    for (size_t i = 0; i < n; i++)
        if (!lookup(pc, names[i]))
            argv[argc + f.nasked++] = names[i];
    int rc = f.nasked ? pp_run_lines(pc->config_dir, argv, store_line, &f, err, errlen) : 0;
    /* Everything asked for is cached, as unknown unless postconf printed it. */
    for (size_t i = 0; rc == 0 && i < f.nasked; i++)
        if (!lookup(pc, f.asked[i]))
            store(pc, f.asked[i], NULL);
    free(argv);
    return rc;
}

const char *pp_postconf_get(pp_postconf *pc, const char *name, char *err, size_t errlen)
{
    const char *names[] = {name, NULL};
    entry *e = lookup(pc, name);
    if (!e) {
        if (pp_postconf_fetch(pc, names, err, errlen) != 0)
            return NULL;
        e = lookup(pc, name);
    }
    if (!e || !e->value) {
        snprintf(err, errlen, "unknown Postfix parameter %s", name);
        return NULL;
    }
    return e->value;
}
