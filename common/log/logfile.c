/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logfile - a log file read incrementally across rotation (see logfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "log/logfile.h"

#define BUF_SIZE (256 * 1024)
#define FP_MAX 256
#define STATE_MAGIC "postprobe-logpos"
#define STATE_VERSION 2 /* 2: running totals after the position (log/logtotals) */

static uint64_t fnv(const unsigned char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static bool is_gz(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

/* A log file open for reading: a plain one with read() into the caller's buffer (no copy
 * through zlib's), a .gz one through zlib. */
typedef struct reader {
    int fd;
    gzFile gz; /* NULL for a plain file */
} reader;

/* path opened at offset (of the uncompressed text). */
static int open_at(reader *r, const char *path, unsigned long long offset, char *err,
                   size_t errlen)
{
    r->gz = NULL;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return pp_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    if (!is_gz(path)) {
        if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0) {
            pp_errf(err, errlen, "cannot seek in %s: %s", path, strerror(errno));
            close(r->fd);
            return -1;
        }
        (void)posix_fadvise(r->fd, (off_t)offset, 0, POSIX_FADV_SEQUENTIAL);
        return 0;
    }
    if (!(r->gz = gzdopen(r->fd, "rb"))) {
        close(r->fd);
        return pp_errf(err, errlen, "cannot read %s: out of memory", path);
    }
    gzbuffer(r->gz, BUF_SIZE);
    if (offset && gzseek(r->gz, (z_off_t)offset, SEEK_SET) < 0) {
        gzclose(r->gz);
        return pp_errf(err, errlen, "cannot seek to %llu in %s", offset, path);
    }
    return 0;
}

/* Up to n bytes into buf: how many (0 at the end), or -1 with err naming path. */
static long read_some(reader *r, const char *path, char *buf, size_t n, char *err,
                      size_t errlen)
{
    if (r->gz) {
        int zerr = 0, got = gzread(r->gz, buf, (unsigned)n);
        if (got >= 0)
            return got;
        const char *why = gzerror(r->gz, &zerr);
        return pp_errf(err, errlen, "cannot read %s: %s", path,
                       zerr == Z_ERRNO ? strerror(errno) : why);
    }
    ssize_t got;
    while ((got = read(r->fd, buf, n)) < 0 && errno == EINTR)
        ;
    if (got < 0)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return (long)got;
}

static void close_reader(reader *r)
{
    if (r->gz)
        gzclose(r->gz);
    else
        close(r->fd);
}

/* The fingerprint of path's first n bytes, or with n FP_ALL as many as there are up to FP_MAX.
 * A file that was empty has the fingerprint of 0 bytes, which every file starts with. */
#define FP_ALL (FP_MAX + 1)
static int fingerprint(const char *path, unsigned n, uint64_t *fp, unsigned *len)
{
    unsigned char b[FP_MAX];
    char err[256];
    unsigned want = n == FP_ALL ? FP_MAX : n, have = 0;
    long got = 0;
    reader r;
    if (open_at(&r, path, 0, err, sizeof err) != 0)
        return -1;
    while (have < want &&
           (got = read_some(&r, path, (char *)b + have, want - have, err, sizeof err)) > 0)
        have += (unsigned)got;
    close_reader(&r);
    if (got < 0 || (n != FP_ALL && have != n))
        return -1;
    *fp = fnv(b, have);
    *len = have;
    return 0;
}

/* Lines of path from offset to its end; *end is the offset after the last full line.
 * With partial, a last line without a newline is handed out too. */
static int stream(const char *path, unsigned long long offset, bool partial, pp_logfile_fn fn,
                  void *ctx, unsigned long long *end, char *err, size_t errlen)
{
    reader r;
    if (open_at(&r, path, offset, err, errlen) != 0)
        return -1;
    char *buf = pp_xmalloc(BUF_SIZE);
    size_t have = 0;
    long got;
    *end = offset;
    while ((got = read_some(&r, path, buf + have, BUF_SIZE - have, err, errlen)) > 0) {
        have += (size_t)got;
        char *p = buf, *stop = buf + have, *nl;
        while ((nl = memchr(p, '\n', (size_t)(stop - p)))) {
            fn(ctx, p, (size_t)(nl - p));
            p = nl + 1;
        }
        if (p == buf && have == BUF_SIZE) { /* a line longer than the buffer: cut */
            fn(ctx, buf, have);
            p = stop;
        }
        *end += (unsigned long long)(p - buf);
        have = (size_t)(stop - p);
        memmove(buf, p, have);
    }
    if (got == 0 && partial && have) {
        fn(ctx, buf, have);
        *end += have;
    }
    free(buf);
    close_reader(&r);
    return got < 0 ? -1 : 0;
}

/* A rotated file and its modification time, for newest-first order. */
typedef struct {
    const char *path;
    time_t mtime;
} rotated_file;

static int newest_first(const void *a, const void *b)
{
    time_t x = ((const rotated_file *)a)->mtime, y = ((const rotated_file *)b)->mtime;
    return (x < y) - (x > y);
}

/* NAME.gz beside NAME is gzip at work (it removes NAME when done): NAME is whole, NAME.gz
 * not yet, and the two are one file. */
static bool being_compressed(const char *name)
{
    size_t n = strlen(name);
    char plain[600];
    struct stat st;
    if (n < 4 || strcmp(name + n - 3, ".gz") != 0 || n - 3 >= sizeof plain)
        return false;
    memcpy(plain, name, n - 3);
    plain[n - 3] = '\0';
    return stat(plain, &st) == 0 && S_ISREG(st.st_mode);
}

/* The rotated files of path, newest first, into *out (pointing into g): path.N[.gz],
 * path.YYYYMMDD-HHMMSS[.gz] ("postfix logrotate") and path-YYYYMMDD[.gz]. */
static size_t rotated_files(const char *path, glob_t g[2], rotated_file **out)
{
    char pat[520];
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(pat, sizeof pat, i ? "%s-[0-9]*" : "%s.[0-9]*", path);
        (void)glob(pat, 0, NULL, &g[i]); /* no match: gl_pathc 0 (and globfree() safe) */
    }
    *out = pp_xcalloc(g[0].gl_pathc + g[1].gl_pathc + 1, sizeof **out);
    for (int i = 0; i < 2; i++)
        for (size_t j = 0; j < g[i].gl_pathc; j++) {
            struct stat st;
            if (stat(g[i].gl_pathv[j], &st) == 0 && S_ISREG(st.st_mode) &&
                !being_compressed(g[i].gl_pathv[j]))
                (*out)[n++] = (rotated_file){g[i].gl_pathv[j], st.st_mtime};
        }
    qsort(*out, n, sizeof **out, newest_first);
    return n;
}

/* The rotated file that starts with from's fingerprint, into out: the newest ROTATED_MAX
 * rotated files are tried. */
#define ROTATED_MAX 16
static bool find_rotated(const char *path, const pp_logpos *from, char *out, size_t len)
{
    glob_t g[2] = {{0}, {0}};
    rotated_file *f = NULL;
    size_t n = rotated_files(path, g, &f);
    bool found = false;
    for (size_t i = 0; i < n && i < ROTATED_MAX && !found; i++) {
        uint64_t fp;
        unsigned fl;
        if (fingerprint(f[i].path, from->fp_len, &fp, &fl) == 0 && fp == from->fp) {
            snprintf(out, len, "%s", f[i].path);
            found = true;
        }
    }
    free(f);
    globfree(&g[0]);
    globfree(&g[1]);
    return found;
}

/* path is gone, rotated, and its successor not written yet ("postfix logrotate" leaves none
 * until postlogd's next line): the rest of the rotated file, and a position at its end that
 * the next run finds again by fingerprint. */
static int rest_of_rotated(const pp_logpos *from, pp_logpos *to, pp_logfile_fn fn, void *ctx,
                           pp_logfile_info *info, char *err, size_t errlen)
{
    unsigned long long end;
    struct stat st;
    if (stream(info->rotated, from->offset, true, fn, ctx, &end, err, errlen) != 0)
        return -1;
    info->bytes = end - from->offset;
    info->missing = true;
    *to = *from;
    to->offset = end;
    if (stat(info->rotated, &st) == 0) {
        to->dev = (unsigned long long)st.st_dev;
        to->ino = (unsigned long long)st.st_ino;
    }
    return 0;
}

int pp_logfile_read(const char *path, const pp_logpos *from, pp_logpos *to, pp_logfile_fn fn,
                    void *ctx, pp_logfile_info *info, char *err, size_t errlen)
{
    struct stat st;
    unsigned long long start = 0, end;
    memset(info, 0, sizeof *info);
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && from &&
            find_rotated(path, from, info->rotated, sizeof info->rotated))
            return rest_of_rotated(from, to, fn, ctx, info, err, errlen);
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    }
    memset(to, 0, sizeof *to);
    to->dev = (unsigned long long)st.st_dev;
    to->ino = (unsigned long long)st.st_ino;
    if (fingerprint(path, FP_ALL, &to->fp, &to->fp_len) != 0)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    if (from) {
        uint64_t fp;
        unsigned fl;
        bool same = from->dev == to->dev && from->ino == to->ino;
        bool intact = fingerprint(path, from->fp_len, &fp, &fl) == 0 && fp == from->fp &&
                      (unsigned long long)st.st_size >= from->offset;
        if (same && intact) {
            start = from->offset;
        } else {
            info->truncated = same;
            if (find_rotated(path, from, info->rotated, sizeof info->rotated)) {
                if (stream(info->rotated, from->offset, true, fn, ctx, &end, err, errlen) != 0)
                    return -1;
                info->bytes += end - from->offset;
            } else {
                info->lost = true;
            }
        }
    }
    if (stream(path, start, false, fn, ctx, &end, err, errlen) != 0)
        return -1;
    info->bytes += end - start;
    to->offset = end;
    return 0;
}

/* *to: the start of path as it is now (its device, inode and fingerprint). */
static int position_of(const char *path, pp_logpos *to, char *err, size_t errlen)
{
    struct stat st;
    memset(to, 0, sizeof *to);
    if (stat(path, &st) != 0 || fingerprint(path, FP_ALL, &to->fp, &to->fp_len) != 0)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    to->dev = (unsigned long long)st.st_dev;
    to->ino = (unsigned long long)st.st_ino;
    return 0;
}

int pp_logfile_read_since(const char *path, time_t since, pp_logpos *to, pp_logfile_fn fn,
                          void *ctx, pp_logfile_info *info, char *err, size_t errlen)
{
    glob_t g[2] = {{0}, {0}};
    rotated_file *f = NULL;
    size_t n = rotated_files(path, g, &f), k = 0;
    unsigned long long end;
    int rc = 0;
    memset(info, 0, sizeof *info);
    while (k < n && k < ROTATED_MAX && f[k].mtime >= since)
        k++;
    /* Oldest first, each to its end: a line's time decides whether it counts (the caller's).
     * The position is each one's end in turn: with no log yet, the next run goes on from
     * the newest rotated file's end, as after pp_logfile_read(). */
    for (size_t i = k; rc == 0 && i-- > 0;) {
        if ((rc = position_of(f[i].path, to, err, errlen)) == 0 &&
            (rc = stream(f[i].path, 0, true, fn, ctx, &end, err, errlen)) == 0) {
            info->bytes += end;
            to->offset = end;
        }
        if (!info->rotated[0])
            snprintf(info->rotated, sizeof info->rotated, "%s", f[i].path);
    }
    free(f);
    globfree(&g[0]);
    globfree(&g[1]);
    if (rc != 0)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT && k > 0) {
        info->missing = true;
        return 0;
    }
    /* The log's identity before its lines: what is written while they are read is the next
     * run's, as in pp_logfile_read(). */
    if (position_of(path, to, err, errlen) != 0 ||
        stream(path, 0, false, fn, ctx, &end, err, errlen) != 0)
        return -1;
    info->bytes += end;
    to->offset = end;
    return 0;
}

int pp_logfile_end(const char *path, pp_logpos *pos, char *err, size_t errlen)
{
    struct stat st;
    if (position_of(path, pos, err, errlen) != 0 || stat(path, &st) != 0)
        return pp_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    pos->offset = (unsigned long long)st.st_size;
    return 0;
}

int pp_logpos_load(const char *state, const char *path, pp_logpos *pos, pp_logtotals *totals,
                   char *err, size_t errlen)
{
    FILE *f = fopen(state, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        return pp_errf(err, errlen, "cannot read state file %s: %s", state, strerror(errno));
    }
    char magic[32], file[4096], line[8192];
    int version = 0, n = 0;
    memset(pos, 0, sizeof *pos);
    if (fgets(line, sizeof line, f))
        n = sscanf(line, "%31s %d", magic, &version);
    if (n == 2 && strcmp(magic, STATE_MAGIC) == 0 && version > STATE_VERSION) {
        fclose(f);
        return pp_errf(err, errlen, "state file %s is from a newer postprobe (format %d); "
                       "remove it to start again", state, version);
    }
    /* Format 1 has no totals: they start at 0. */
    n = n == 2 && strcmp(magic, STATE_MAGIC) == 0 && version >= 1 &&
        fgets(line, sizeof line, f) && sscanf(line, "file %4095[^\n]", file) == 1 &&
        fgets(line, sizeof line, f) &&
        sscanf(line, "dev %llu ino %llu offset %llu fp %" SCNx64 " fp_len %u", &pos->dev,
               &pos->ino, &pos->offset, &pos->fp, &pos->fp_len) == 5 &&
        pos->fp_len <= FP_MAX && pp_logtotals_read(totals, f) == 0;
    fclose(f);
    if (!n)
        return pp_errf(err, errlen, "state file %s is corrupt (not a postprobe log position); "
                       "remove it to start again", state);
    if (strcmp(file, path) != 0)
        return pp_errf(err, errlen, "state file %s is about another log (%s, not %s)", state,
                       file, path);
    return 1;
}

int pp_logstate_write(const char *state, const char *text, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", state, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return pp_errf(err, errlen, "cannot write state file %s: %s", tmp, strerror(errno));
    fputs(text, f);
    if (fclose(f) != 0 || rename(tmp, state) != 0) {
        pp_errf(err, errlen, "cannot write state file %s: %s", state, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int pp_logpos_save(const char *state, const char *path, const pp_logpos *pos,
                   const pp_logtotals *totals, char *err, size_t errlen)
{
    pp_buf text;
    pp_buf_init(&text);
    pp_buf_printf(&text,
                  "%s %d\nfile %s\ndev %llu ino %llu offset %llu fp %016" PRIx64 " fp_len %u\n",
                  STATE_MAGIC, STATE_VERSION, path, pos->dev, pos->ino, pos->offset, pos->fp,
                  pos->fp_len);
    pp_logtotals_format(totals, &text);
    int rc = pp_logstate_write(state, text.s, err, errlen);
    pp_buf_free(&text);
    return rc;
}
