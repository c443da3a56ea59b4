/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logsource - where an instance's log is, and its syslog names (see logsource.h)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "log/logsource.h"
#include "postfix/mastercf.h"
#include "postfix/postconf.h"

static void add_name(pp_logsource *src, const char *v)
{
    if (src->nnames < PP_LOGSOURCE_MAX_NAMES)
        src->names[src->nnames++] = pp_xstrdup(v);
    src->names[src->nnames] = NULL;
}

/* main.cf's syslog_name and maillog_file; -1 when a given config_dir cannot be read. */
static int read_maincf(const char *config_dir, pp_logsource *src, char *maillog, size_t len,
                       char *err, size_t errlen)
{
    pp_postconf *pc = pp_postconf_new(config_dir);
    const char *names[] = {"syslog_name", "maillog_file", NULL};
    int rc = 0;
    maillog[0] = '\0';
    if (pp_postconf_fetch(pc, names, err, errlen) == 0) {
        const char *v = pp_postconf_get(pc, "syslog_name", err, errlen);
        add_name(src, v && *v ? v : "postfix");
        v = pp_postconf_get(pc, "maillog_file", err, errlen);
        snprintf(maillog, len, "%s", v ? v : "");
    } else if (config_dir) {
        rc = -1;
    } else {
        add_name(src, "postfix");
    }
    pp_postconf_free(pc);
    return rc;
}

int pp_logsource_find(const char *config_dir, const char *file, bool journal,
                      const char *journal_dir, pp_logsource *src, char *err, size_t errlen)
{
    char maillog[4096], e[512];
    memset(src, 0, sizeof *src);
    if (read_maincf(config_dir, src, maillog, sizeof maillog, err, errlen) != 0)
        return -1;
    pp_mastercf m = {0};
    if (pp_mastercf_load(&m, config_dir, e, sizeof e) == 0)
        for (size_t i = 0; i < m.n; i++) {
            const char *v = pp_mastercf_override(&m.v[i], "syslog_name");
            if (v && *v)
                add_name(src, v);
        }
    pp_mastercf_free(&m);
    if (!journal && !file && maillog[0])
        snprintf(src->file, sizeof src->file, "%s", maillog);
    else if (!journal && !file && access("/var/log/mail.log", F_OK) == 0)
        snprintf(src->file, sizeof src->file, "/var/log/mail.log");
    src->path = journal ? NULL : file ? file : src->file[0] ? src->file : NULL;
    if (src->path)
        snprintf(src->source, sizeof src->source, "%s", src->path);
    else
        snprintf(src->source, sizeof src->source, "journal:%s",
                 journal_dir ? journal_dir : "local");
    return 0;
}

void pp_logsource_free(pp_logsource *src)
{
    for (size_t i = 0; i < src->nnames; i++)
        free((char *)src->names[i]);
    src->nnames = 0;
    src->names[0] = NULL;
}

int pp_logsource_duration(const char *arg, void *dst, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    long unit = !*end ? 1 : !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
              : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
    if (errno || end == arg || v <= 0 || !unit || v > 366L * 86400 / unit)
        return pp_errf(err, errlen, "'%s' is not a duration (N, Ns, Nm, Nh or Nd, up to a "
                       "year)", arg);
    *(long *)dst = v * unit;
    return 0;
}
