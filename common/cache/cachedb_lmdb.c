/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb_lmdb.c - LMDB files, read as Postfix's dict_lmdb does: MDB_NOSUBDIR | MDB_NOLOCK
 * (Postfix locks the file itself with fcntl; the shared lock is taken by cachedb.c) and
 * MDB_RDONLY, in one read-only transaction. See cachedb.h.
 *
 * LMDB maps the file: a page beyond its end is a SIGBUS, not an error code. The header is
 * checked against the file size first; a file cut short while being read is caught by a
 * SIGBUS handler around each read that turns it into an error.
 */
#include "cache/cachedb_impl.h"

#include <lmdb.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/procinfo.h"

#define META_READ 256    /* enough for the page header and MDB_meta */
#define DROP_EVERY 16384 /* records between two releases of the mapped pages read */

typedef struct lmdb {
    MDB_env *env;
    MDB_txn *txn;
    MDB_cursor *cursor;
    MDB_dbi dbi;
    bool started;
    size_t count;
    void *map;        /* where LMDB mapped the file */
    size_t maplen;
    struct sigaction old_bus;
} lmdb;

static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
    if (bus_armed)
        siglongjmp(bus_jump, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void bus_error(pp_cachedb *db, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot read %s: the file was truncated or could not be read while "
             "mapped (SIGBUS)", db->file);
}

/* The newer of the two meta pages, as LMDB itself picks it. */
static int check_header(pp_cachedb *db, char *err, size_t errlen)
{
    unsigned char buf[META_READ];
    pp_cachedb_header h0, h1;
    char why[200];

    if (pp_cachedb_read_header(db, buf, sizeof buf, "an LMDB", err, errlen) != 0)
        return -1;
    if (pp_cachedb_lmdb_header(buf, sizeof buf, &h0, why, sizeof why) != 0)
        return pp_errf(err, errlen, "%s %s", db->file, why);
    const pp_cachedb_header *h = &h0;
    if ((off_t)h0.pagesize + (off_t)sizeof buf <= db->size &&
        pp_cachedb_pread(db, buf, sizeof buf, (off_t)h0.pagesize, err, errlen) == 0 &&
        pp_cachedb_lmdb_header(buf, sizeof buf, &h1, why, sizeof why) == 0 &&
        h1.txnid > h0.txnid)
        h = &h1;
    return pp_cachedb_check_size(db, h->min_size, err, errlen);
}

static void lmdb_close(pp_cachedb *db)
{
    lmdb *l = db->impl;
    if (!l)
        return;
    if (l->cursor)
        mdb_cursor_close(l->cursor);
    if (l->txn)
        mdb_txn_abort(l->txn);
    if (l->env)
        mdb_env_close(l->env);
    sigaction(SIGBUS, &l->old_bus, NULL);
    free(l);
    db->impl = NULL;
}

static int lmdb_open(pp_cachedb *db, char *err, size_t errlen)
{
    lmdb *l = pp_xcalloc(1, sizeof *l);
    struct sigaction sa = {.sa_handler = on_sigbus, .sa_flags = SA_NODEFER};
    int rc;

    db->impl = l;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &l->old_bus);
    if (check_header(db, err, errlen) != 0) {
        lmdb_close(db);
        return -1;
    }
    bus_armed = 1;
    if (sigsetjmp(bus_jump, 0)) {
        bus_armed = 0;
        bus_error(db, err, errlen);
        lmdb_close(db);
        return -1;
    }
    rc = mdb_env_create(&l->env);
    if (rc == 0)
        rc = mdb_env_open(l->env, db->file, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK, 0644);
    if (rc == 0)
        rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &l->txn);
    if (rc == 0)
        rc = mdb_dbi_open(l->txn, NULL, 0, &l->dbi);
    if (rc == 0)
        rc = mdb_cursor_open(l->txn, l->dbi, &l->cursor);
    bus_armed = 0;
    struct stat st;
    if (rc == 0 && fstat(db->fd, &st) == 0 && pp_proc_mapping(st.st_dev, st.st_ino, &l->map,
                                                               &l->maplen) != 0)
        l->map = NULL; /* then its pages are not released early: no harm */
    if (rc != 0) {
        snprintf(err, errlen, "cannot open %s: %s", db->file, mdb_strerror(rc));
        lmdb_close(db);
        return -1;
    }
    return 0;
}

static int lmdb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen)
{
    lmdb *l = db->impl;
    MDB_val k, v;

    bus_armed = 1;
    if (sigsetjmp(bus_jump, 0)) {
        bus_armed = 0;
        bus_error(db, err, errlen);
        return -1;
    }
    /* The pages read so far stay in the page cache; dropping them from this process keeps
     * its memory from growing with the file (they are faulted in again if needed). */
    if (++l->count % DROP_EVERY == 0 && l->map)
        madvise(l->map, l->maplen, MADV_DONTNEED);
    int rc = mdb_cursor_get(l->cursor, &k, &v, l->started ? MDB_NEXT : MDB_FIRST);
    if (rc == 0)
        pp_cachedb_set_item(db, item, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
    bus_armed = 0;
    l->started = true;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return pp_errf(err, errlen, "cannot read %s: %s", db->file, mdb_strerror(rc));
    return 1;
}

static int lmdb_lookup(pp_cachedb *db, const char *key, size_t klen, char *err, size_t errlen)
{
    lmdb *l = db->impl;
    int rc = MDB_NOTFOUND;

    bus_armed = 1;
    if (sigsetjmp(bus_jump, 0)) {
        bus_armed = 0;
        bus_error(db, err, errlen);
        return -1;
    }
    for (int with_nul = 1; with_nul >= 0 && rc == MDB_NOTFOUND; with_nul--) {
        MDB_val k = {.mv_size = klen + (size_t)with_nul, .mv_data = (void *)key}, v;
        rc = mdb_get(l->txn, l->dbi, &k, &v);
    }
    bus_armed = 0;
    if (rc == 0 || rc == MDB_NOTFOUND)
        return rc == 0;
    return pp_errf(err, errlen, "cannot read %s: %s", db->file, mdb_strerror(rc));
}

const pp_cachedb_ops pp_cachedb_lmdb_ops = {lmdb_open, lmdb_next, lmdb_lookup, lmdb_close};
