/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mastercf.c - the services of master.cf through postconf -Mx. See mastercf.h.
 */
#include "postfix/mastercf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "postfix/pflist.h"
#include "core/spawn.h"

#define FIELDS 8 /* name type private unpriv chroot wakeup maxproc command */

/* The next word of line at *pos (NULL at the end): blanks separate words, except inside
 * braces. */
static char *next_word(const char *line, size_t *pos)
{
    const char *p = line + *pos, *start;
    size_t len;
    if (!(start = pp_pflist_word(&p, false, &len)))
        return NULL;
    *pos = (size_t)(p - line);
    return pp_xstrndup(start, len);
}

/* s without blanks at both ends, in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Adds the override of one -o argument, "name=value" or "{ name = value }". */
static void add_override(pp_mastercf_service *s, char *arg)
{
    size_t n = strlen(arg);
    if (n >= 2 && arg[0] == '{' && arg[n - 1] == '}') {
        arg[n - 1] = '\0';
        arg++;
    }
    char *eq = strchr(arg, '=');
    if (!eq)
        return;
    *eq = '\0';
    char *name = trim(arg);
    if (!*name)
        return;
    s->params = pp_xrealloc(s->params, (s->nparams + 1) * sizeof *s->params);
    s->values = pp_xrealloc(s->values, (s->nparams + 1) * sizeof *s->values);
    s->params[s->nparams] = pp_xstrdup(name);
    s->values[s->nparams++] = pp_xstrdup(trim(eq + 1));
}

int pp_mastercf_parse_line(const char *line, pp_mastercf_service *s)
{
    char *field[FIELDS], *word;
    size_t pos = 0, n = 0;

    while (n < FIELDS && (field[n] = next_word(line, &pos)) != NULL)
        n++;
    const char *base = n == FIELDS ? field[7] : "", *slash = strrchr(base, '/');
    if (slash)
        base = slash + 1;
    if (!*base) { /* too few fields, or a command "dir/" without a name */
        while (n > 0)
            free(field[--n]);
        return -1;
    }
    memset(s, 0, sizeof *s);
    s->name = field[0];
    s->type = field[1];
    s->command = pp_xstrdup(base);
    for (size_t i = 2; i < FIELDS; i++)
        free(field[i]);
    bool option = false;
    while ((word = next_word(line, &pos)) != NULL) {
        if (option)
            add_override(s, word);
        option = !option && strcmp(word, "-o") == 0;
        free(word);
    }
    return 0;
}

const char *pp_mastercf_override(const pp_mastercf_service *s, const char *param)
{
    for (size_t i = s->nparams; i > 0; i--)
        if (strcmp(s->params[i - 1], param) == 0)
            return s->values[i - 1];
    return NULL;
}

bool pp_mastercf_smtpd_listener(const pp_mastercf_service *s)
{
    return strcmp(s->command, "smtpd") == 0 &&
           (strcmp(s->type, "inet") == 0 || strcmp(s->type, "pass") == 0);
}

const pp_mastercf_service *pp_mastercf_find(const pp_mastercf *m, const char *name,
                                            const char *type, const char *command)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].name, name) == 0 && strcmp(m->v[i].type, type) == 0 &&
            strcmp(m->v[i].command, command) == 0)
            return &m->v[i];
    return NULL;
}

const char *pp_mastercf_effective(const pp_mastercf_service *s, pp_postconf *pc,
                                  const char *param, char *err, size_t errlen)
{
    const char *v = s ? pp_mastercf_override(s, param) : NULL;
    return v ? v : pp_postconf_get(pc, param, err, errlen);
}

static void add_line(char *line, void *ctx)
{
    pp_mastercf *m = ctx;
    m->v = pp_xrealloc(m->v, (m->n + 1) * sizeof *m->v);
    if (pp_mastercf_parse_line(line, &m->v[m->n]) == 0)
        m->n++;
}

int pp_mastercf_load(pp_mastercf *m, const char *config_dir, char *err, size_t errlen)
{
    const char *argv[] = {"postconf", "-M", "-x", NULL};
    memset(m, 0, sizeof *m);
    return pp_run_lines(config_dir, argv, add_line, m, err, errlen);
}

void pp_mastercf_service_free(pp_mastercf_service *s)
{
    for (size_t i = 0; i < s->nparams; i++) {
        free(s->params[i]);
        free(s->values[i]);
    }
    free(s->params);
    free(s->values);
    free(s->name);
    free(s->type);
    free(s->command);
    memset(s, 0, sizeof *s);
}

void pp_mastercf_free(pp_mastercf *m)
{
    for (size_t i = 0; i < m->n; i++)
        pp_mastercf_service_free(&m->v[i]);
    free(m->v);
    memset(m, 0, sizeof *m);
}
