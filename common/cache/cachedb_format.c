/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb_format.c - the pure part of cachedb: what the first bytes of a Berkeley DB, LMDB or
 * CDB file say. No I/O here, so it can be unit-tested and fuzzed. See cachedb.h.
 */
#include "cache/cachedb.h"

#include <db.h>
#include <stdio.h>

#include "core/buf.h"

/* Berkeley DB's generic meta page header (DBMETA in dbinc/db_page.h). */
#define BDB_META_LEN 512
#define BDB_OFF_MAGIC 12
#define BDB_OFF_VERSION 16
#define BDB_OFF_PAGESIZE 20
#define BDB_OFF_ENCRYPT 24
#define BDB_OFF_LAST_PGNO 32

/* LMDB 0.9 on a 64-bit machine: a 16-byte page header, then MDB_meta. */
#define LMDB_PAGEHDR 16
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_DATA_VERSION 1
#define LMDB_OFF_MAGIC 0
#define LMDB_OFF_VERSION 4
#define LMDB_OFF_PSIZE 24      /* mm_dbs[FREE_DBI].md_pad holds the page size */
#define LMDB_OFF_ENTRIES 104   /* mm_dbs[MAIN_DBI].md_entries */
#define LMDB_OFF_LAST_PG 120
#define LMDB_OFF_TXNID 128
#define LMDB_META_LEN (LMDB_PAGEHDR + 136)

#define CDB_TOC_LEN 2048

static uint32_t get32(const unsigned char *p, bool swap)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    if (swap)
        v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p, false) | (uint64_t)get32(p + 4, false) << 32;
}

static uint32_t bswap32(uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return get32(b, true);
}

static bool power_of_two(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

size_t pp_cachedb_trim_nul(const void *data, size_t len)
{
    return len > 0 && ((const char *)data)[len - 1] == '\0' ? len - 1 : len;
}

int pp_cachedb_bdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h, char *err,
                          size_t errlen)
{
    static const struct {
        uint32_t magic;
        const char *name;
    } others[] = {{DB_QAMMAGIC, "queue"}, {DB_HEAPMAGIC, "heap"}};

    *h = (pp_cachedb_header){0};
    if (len < BDB_META_LEN)
        return pp_errf(err, errlen, "only %zu bytes: too short for a Berkeley DB file", len);
    uint32_t magic = get32(buf + BDB_OFF_MAGIC, false);
    h->swapped = magic == bswap32(DB_BTREEMAGIC) || magic == bswap32(DB_HASHMAGIC);
    if (h->swapped)
        magic = bswap32(magic);
    unsigned cur, old;
    const char *name;
    if (magic == DB_BTREEMAGIC) {
        h->type = PP_CACHEDB_BTREE, name = "btree", cur = DB_BTREEVERSION, old = DB_BTREEOLDVER;
    } else if (magic == DB_HASHMAGIC) {
        h->type = PP_CACHEDB_HASH, name = "hash", cur = DB_HASHVERSION, old = DB_HASHOLDVER;
    } else {
        for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
            if (magic == others[i].magic || magic == bswap32(others[i].magic))
                return pp_errf(err, errlen, "is a Berkeley DB %s database, not btree or hash",
                               others[i].name);
        return pp_errf(err, errlen, "is not a Berkeley DB file (magic number 0x%08x)", magic);
    }
    h->version = get32(buf + BDB_OFF_VERSION, h->swapped);
    if (h->version > cur || h->version < old) {
        snprintf(err, errlen,
                 "was written by %s Berkeley DB (%s version %u; this libdb %d.%d reads %u to %u)",
                 h->version > cur ? "a newer" : "an older", name, h->version, DB_VERSION_MAJOR,
                 DB_VERSION_MINOR, old, cur);
        return -1;
    }
    h->pagesize = get32(buf + BDB_OFF_PAGESIZE, h->swapped);
    if (!power_of_two(h->pagesize, 512, 65536))
        return pp_errf(err, errlen, "has a corrupt header (page size %u)", h->pagesize);
    if (buf[BDB_OFF_ENCRYPT] != 0)
        return pp_errf(err, errlen, "is encrypted; Postfix cannot have written it");
    h->min_size = ((uint64_t)get32(buf + BDB_OFF_LAST_PGNO, h->swapped) + 1) * h->pagesize;
    return 0;
}

int pp_cachedb_lmdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h, char *err,
                           size_t errlen)
{
    *h = (pp_cachedb_header){.type = PP_CACHEDB_LMDB};
    if (len < LMDB_META_LEN)
        return pp_errf(err, errlen, "only %zu bytes: too short for an LMDB file", len);
    const unsigned char *m = buf + LMDB_PAGEHDR;
    if (get32(m + LMDB_OFF_MAGIC, false) != LMDB_MAGIC)
        return pp_errf(err, errlen,
                       "is not an LMDB file of this machine's word size and byte order");
    h->version = get32(m + LMDB_OFF_VERSION, false);
    if (h->version != LMDB_DATA_VERSION) {
        snprintf(err, errlen,
                 "was written by %s LMDB (data format %u; this liblmdb reads format %d)",
                 h->version > LMDB_DATA_VERSION ? "a newer" : "an older", h->version,
                 LMDB_DATA_VERSION);
        return -1;
    }
    h->pagesize = get32(m + LMDB_OFF_PSIZE, false);
    if (!power_of_two(h->pagesize, 512, 65536))
        return pp_errf(err, errlen, "has a corrupt header (page size %u)", h->pagesize);
    uint64_t last = get64(m + LMDB_OFF_LAST_PG);
    if (last >= UINT64_MAX / h->pagesize)
        return pp_errf(err, errlen, "has a corrupt header (last page %llu)",
                       (unsigned long long)last);
    h->min_size = (last + 1) * h->pagesize;
    h->entries = get64(m + LMDB_OFF_ENTRIES);
    h->txnid = get64(m + LMDB_OFF_TXNID);
    return 0;
}

int pp_cachedb_cdb_header(const unsigned char *buf, size_t len, uint64_t file_size,
                          pp_cachedb_header *h, char *err, size_t errlen)
{
    *h = (pp_cachedb_header){.type = PP_CACHEDB_CDB};
    if (len < CDB_TOC_LEN)
        return pp_errf(err, errlen, "only %zu bytes: too short for a CDB file", len);
    /* The records run from the table of contents to the first hash table; the tables follow,
     * each slot 8 bytes, to the end of the file. */
    uint64_t first = UINT64_MAX, end = CDB_TOC_LEN;
    for (size_t i = 0; i < 256; i++) {
        uint64_t pos = get32(buf + 8 * i, false), slots = get32(buf + 8 * i + 4, false);
        if (pos < CDB_TOC_LEN || pos + 8 * slots > file_size)
            return pp_errf(err, errlen, "is truncated or not a CDB file (hash table %zu at %llu "
                           "of %llu bytes)", i, (unsigned long long)pos,
                           (unsigned long long)file_size);
        if (pos < first)
            first = pos;
        if (pos + 8 * slots > end)
            end = pos + 8 * slots;
    }
    h->records_end = first;
    h->min_size = end;
    return 0;
}
