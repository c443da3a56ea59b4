/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logjournal - Postfix's lines in the systemd journal (see logjournal.h).
 */
#include "log/logjournal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "core/buf.h"

#define STATE_MAGIC "postprobe-journalpos"
#define STATE_VERSION 2 /* 2: running totals after the cursor (log/logtotals) */

static const char *where(const pp_logjournal_opts *o)
{
    return o->dir ? o->dir : "the local journal";
}

/* A field's value: data is "NAME=value" of len bytes. */
static bool field(sd_journal *j, const char *name, const char **v, size_t *vlen)
{
    const void *data;
    size_t len, nlen = strlen(name);
    if (sd_journal_get_data(j, name, &data, &len) < 0 || len <= nlen)
        return false;
    *v = (const char *)data + nlen + 1;
    *vlen = len - nlen - 1;
    return true;
}

static bool ours(const char *id, size_t len, const char *const *names)
{
    for (; *names; names++) {
        size_t n = strlen(*names);
        if (len > n + 1 && memcmp(id, *names, n) == 0 && id[n] == '/')
            return true;
    }
    return false;
}

/* One match per identifier of the instance the journal holds; the number added. */
static int add_matches(sd_journal *j, const char *const *names)
{
    const void *data;
    size_t len;
    int n = 0;
    static const char key[] = "SYSLOG_IDENTIFIER=";
    if (sd_journal_query_unique(j, "SYSLOG_IDENTIFIER") < 0)
        return -1;
    SD_JOURNAL_FOREACH_UNIQUE(j, data, len) {
        const char *id = (const char *)data + sizeof key - 1;
        if (len < sizeof key || !ours(id, len - (sizeof key - 1), names))
            continue;
        if (sd_journal_add_match(j, data, len) < 0)
            return -1;
        n++;
    }
    return n;
}

/* The entry as rsyslog's RFC 3339 line, into b. */
static void entry_line(sd_journal *j, pp_buf *b)
{
    uint64_t usec = 0;
    const char *host = "-", *id = "", *pid = NULL, *msg = "";
    size_t hlen = 1, ilen = 0, plen = 0, mlen = 0;
    char stamp[64];
    sd_journal_get_realtime_usec(j, &usec);
    time_t secs = (time_t)(usec / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    field(j, "_HOSTNAME", &host, &hlen);
    field(j, "SYSLOG_IDENTIFIER", &id, &ilen);
    if (!field(j, "SYSLOG_PID", &pid, &plen))
        field(j, "_PID", &pid, &plen);
    field(j, "MESSAGE", &msg, &mlen);
    pp_buf_reset(b);
    pp_buf_printf(b, "%s.%06llu+00:00 %.*s %.*s", stamp, (unsigned long long)(usec % 1000000),
                  (int)hlen, host, (int)ilen, id);
    if (pid)
        pp_buf_printf(b, "[%.*s]", (int)plen, pid);
    pp_buf_add(b, ": ", 2);
    for (size_t i = 0; i < mlen; i++)
        pp_buf_putc(b, msg[i] == '\n' || msg[i] == '\r' || msg[i] == '\0' ? ' ' : msg[i]);
}

static int keep_cursor(sd_journal *j, pp_logjournal_info *info)
{
    char *c = NULL;
    if (sd_journal_get_cursor(j, &c) < 0)
        return -1;
    snprintf(info->cursor, sizeof info->cursor, "%s", c);
    free(c);
    return 0;
}

/* Positions j where reading starts: 2 on the first entry to read, 1 when sd_journal_next()
 * gives it, 0 when there is nothing to read (a tail start), -1 on failure. */
static int seek(sd_journal *j, const pp_logjournal_opts *o, pp_logjournal_info *info)
{
    if (o->from && o->from[0]) {
        if (sd_journal_seek_cursor(j, o->from) < 0)
            return -1;
        int r = sd_journal_next(j);
        if (r <= 0)
            return r;
        if (sd_journal_test_cursor(j, o->from) > 0)
            return 1; /* on the entry read last time: the next one is new */
        info->lost = true;
        return 2;
    }
    if (o->since_usec)
        return sd_journal_seek_realtime_usec(j, o->since_usec) < 0 ? -1 : 1;
    if (o->tail) {
        if (sd_journal_seek_tail(j) < 0)
            return -1;
        int r = sd_journal_previous(j);
        return r < 0 ? -1 : r > 0 && keep_cursor(j, info) < 0 ? -1 : 0;
    }
    return sd_journal_seek_head(j) < 0 ? -1 : 1;
}

int pp_logjournal_read(const pp_logjournal_opts *o, pp_logfile_fn fn, void *ctx,
                       pp_logjournal_info *info, char *err, size_t errlen)
{
    sd_journal *j = NULL;
    int r = o->dir ? sd_journal_open_directory(&j, o->dir, 0)
                   : sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
    memset(info, 0, sizeof *info);
    if (o->from)
        snprintf(info->cursor, sizeof info->cursor, "%s", o->from);
    if (r < 0)
        return pp_errf(err, errlen, "cannot open %s: %s", where(o), strerror(-r));
    int matches = add_matches(j, o->names);
    if (matches < 0) {
        sd_journal_close(j);
        return pp_errf(err, errlen, "cannot read %s's syslog identifiers", where(o));
    }
    /* Without a match sd-journal would return every entry: none is ours. */
    info->idents = (unsigned)matches;
    if (matches == 0) {
        sd_journal_close(j);
        return 0;
    }
    int start = seek(j, o, info);
    if (start < 0) {
        sd_journal_close(j);
        return pp_errf(err, errlen, "cannot find the starting point in %s", where(o));
    }
    pp_buf line;
    pp_buf_init(&line);
    r = start == 2 ? 1 : start == 1 ? sd_journal_next(j) : 0;
    while (r > 0) {
        entry_line(j, &line);
        fn(ctx, line.s, line.len);
        info->entries++;
        r = sd_journal_next(j);
    }
    /* At the end the read pointer stays on the last entry: its cursor, once, not per entry. */
    if (r == 0 && info->entries > 0 && keep_cursor(j, info) < 0)
        r = -EIO;
    pp_buf_free(&line);
    sd_journal_close(j);
    if (r < 0)
        return pp_errf(err, errlen, "cannot read %s: %s", where(o), strerror(-r));
    return 0;
}

int pp_logcursor_load(const char *state, const char *source, char *cursor, size_t len,
                      pp_logtotals *totals, char *err, size_t errlen)
{
    FILE *f = fopen(state, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        return pp_errf(err, errlen, "cannot read state file %s: %s", state, strerror(errno));
    }
    char magic[32], src[4096], line[8192], cur[PP_LOGCURSOR_MAX] = "";
    int version = 0, n = 0;
    if (fgets(line, sizeof line, f))
        n = sscanf(line, "%31s %d", magic, &version);
    bool ok_magic = n == 2 && strcmp(magic, STATE_MAGIC) == 0;
    if (ok_magic && version > STATE_VERSION) {
        fclose(f);
        return pp_errf(err, errlen, "state file %s is from a newer postprobe (format %d); "
                       "remove it to start again", state, version);
    }
    /* Format 1 has no totals: they start at 0. */
    bool ok = ok_magic && version >= 1 && fgets(line, sizeof line, f) &&
              sscanf(line, "source %4095[^\n]", src) == 1 && fgets(line, sizeof line, f) &&
              strncmp(line, "cursor ", 7) == 0 && sscanf(line + 7, "%511[^\n]", cur) <= 1 &&
              pp_logtotals_read(totals, f) == 0;
    fclose(f);
    if (!ok)
        return pp_errf(err, errlen, "state file %s is corrupt (not a postprobe journal "
                       "position); remove it to start again", state);
    if (strcmp(src, source) != 0)
        return pp_errf(err, errlen, "state file %s is about another log (%s, not %s)", state,
                       src, source);
    snprintf(cursor, len, "%s", cur);
    return 1;
}

int pp_logcursor_save(const char *state, const char *source, const char *cursor,
                      const pp_logtotals *totals, char *err, size_t errlen)
{
    pp_buf text;
    pp_buf_init(&text);
    pp_buf_printf(&text, "%s %d\nsource %s\ncursor %s\n", STATE_MAGIC, STATE_VERSION, source,
                  cursor);
    pp_logtotals_format(totals, &text);
    int rc = pp_logstate_write(state, text.s, err, errlen);
    pp_buf_free(&text);
    return rc;
}
