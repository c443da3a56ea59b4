/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb_cdb.c - CDB files (D. J. Bernstein's format, which Postfix writes with tinycdb): a
 * 2048-byte table of contents, the records (klen, dlen, key, data; lengths 32-bit little
 * endian), then 256 hash tables. Postfix replaces a CDB file atomically, so no lock is
 * needed. Records are read through one window buffer that only grows for a record larger
 * than it. See cachedb.h.
 */
#include "cache/cachedb_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define TOC_LEN 2048
#define WINDOW 65536

typedef struct cdb {
    unsigned char toc[TOC_LEN];
    uint64_t records_end;
    uint64_t pos;        /* next record */
    unsigned char *win;  /* file bytes [win_off, win_off + win_len) */
    size_t win_cap, win_len;
    uint64_t win_off;
} cdb;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* len bytes of the file at off, from the window (refilled as needed). */
static const unsigned char *window(pp_cachedb *db, uint64_t off, size_t len, char *err,
                                   size_t errlen)
{
    cdb *c = db->impl;
    if (off >= c->win_off && off + len <= c->win_off + c->win_len)
        return c->win + (off - c->win_off);
    if (off + len > (uint64_t)db->size) {
        snprintf(err, errlen, "%s is corrupt: a record runs past the end of the file", db->file);
        return NULL;
    }
    if (len > c->win_cap) {
        c->win = pp_xrealloc(c->win, len);
        c->win_cap = len;
    }
    size_t want = c->win_cap;
    if (off + want > (uint64_t)db->size)
        want = (size_t)((uint64_t)db->size - off);
    if (pp_cachedb_pread(db, c->win, want, (off_t)off, err, errlen) != 0)
        return NULL;
    c->win_off = off;
    c->win_len = want;
    return c->win;
}

static void cdb_close(pp_cachedb *db)
{
    cdb *c = db->impl;
    if (!c)
        return;
    free(c->win);
    free(c);
    db->impl = NULL;
}

static int cdb_open(pp_cachedb *db, char *err, size_t errlen)
{
    cdb *c = pp_xcalloc(1, sizeof *c);
    pp_cachedb_header h;
    char why[200];

    db->impl = c;
    if (pp_cachedb_read_header(db, c->toc, TOC_LEN, "a CDB", err, errlen) != 0)
        return -1;
    if (pp_cachedb_cdb_header(c->toc, TOC_LEN, (uint64_t)db->size, &h, why, sizeof why) != 0)
        return pp_errf(err, errlen, "%s %s", db->file, why);
    c->records_end = h.records_end;
    c->pos = TOC_LEN;
    c->win = pp_xmalloc(WINDOW);
    c->win_cap = WINDOW;
    return 0;
}

static int cdb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen)
{
    cdb *c = db->impl;
    if (c->pos >= c->records_end)
        return 0;
    const unsigned char *p = window(db, c->pos, 8, err, errlen);
    if (!p)
        return -1;
    uint64_t klen = le32(p), dlen = le32(p + 4);
    if (c->pos + 8 + klen + dlen > c->records_end)
        return pp_errf(err, errlen, "%s is corrupt: record at %llu runs into the hash tables",
                       db->file, (unsigned long long)c->pos);
    if (!(p = window(db, c->pos + 8, (size_t)(klen + dlen), err, errlen)))
        return -1;
    pp_cachedb_set_item(db, item, p, (size_t)klen, p + klen, (size_t)dlen);
    c->pos += 8 + klen + dlen;
    return 1;
}

static uint32_t cdb_hash(const char *key, size_t len)
{
    uint32_t h = 5381;
    for (size_t i = 0; i < len; i++)
        h = ((h << 5) + h) ^ (unsigned char)key[i];
    return h;
}

/* 1: key (exactly klen bytes) is in the file, 0: not, -1: error. */
static int find(pp_cachedb *db, const char *key, size_t klen, char *err, size_t errlen)
{
    cdb *c = db->impl;
    uint32_t h = cdb_hash(key, klen);
    const unsigned char *slot = c->toc + 8 * (h & 255);
    uint64_t table = le32(slot), slots = le32(slot + 4);

    for (uint64_t i = 0, s = (h >> 8) % (slots ? slots : 1); i < slots; i++, s = (s + 1) % slots) {
        const unsigned char *e = window(db, table + 8 * s, 8, err, errlen);
        if (!e)
            return -1;
        uint32_t eh = le32(e), rpos = le32(e + 4);
        if (rpos == 0)
            return 0;
        if (eh != h)
            continue;
        const unsigned char *r = window(db, rpos, 8 + klen, err, errlen);
        if (!r)
            return -1;
        if (le32(r) == klen && memcmp(r + 8, key, klen) == 0)
            return 1;
    }
    return 0;
}

static int cdb_lookup(pp_cachedb *db, const char *key, size_t klen, char *err, size_t errlen)
{
    int rc = find(db, key, klen + 1, err, errlen);
    return rc == 0 ? find(db, key, klen, err, errlen) : rc;
}

const pp_cachedb_ops pp_cachedb_cdb_ops = {cdb_open, cdb_next, cdb_lookup, cdb_close};
