/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb_bdb.c - Berkeley DB btree and hash files, read as Postfix's dict_db does: DB_RDONLY,
 * in a private environment (DB_INIT_MPOOL | DB_PRIVATE, nothing written to disk) homed in the
 * file's directory, and iterated in bulk (DB_MULTIPLE_KEY) through one fixed buffer and a
 * fixed page cache.
 * See cachedb.h.
 */
#include "cache/cachedb_impl.h"

#include <db.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define BULK_SIZE (1024 * 1024)     /* records fetched per call: a multiple of 1024 */
#define CACHE_SIZE (1024 * 1024)    /* Berkeley DB page cache */
#define MAX_RESUMES 50              /* reopenings of a btree that grows while it is read */

typedef struct bdb {
    DB_ENV *env;
    DB *db;
    DBC *cursor;
    DBT bulk;     /* the bulk buffer and what the last fetch put in it */
    void *pos;    /* DB_MULTIPLE_KEY_NEXT position in bulk; NULL: fetch more */
    bool done;
    pp_buf last;  /* the last key handed out, as stored (for a resume) */
    bool have_last;
    pp_buf pk, pv; /* a record found by a resume, to hand out next */
    bool pending;
    int resumes;
} bdb;

/* Berkeley DB reports details through this callback; the last one explains the next error. */
static char last_msg[256];

static void on_error(const DB_ENV *env, const char *prefix, const char *msg)
{
    (void)env;
    (void)prefix;
    snprintf(last_msg, sizeof last_msg, "%s", msg);
}

static void db_error(pp_cachedb *db, const char *what, int rc, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot %s %s: %s%s%s", what, db->file, db_strerror(rc),
             last_msg[0] ? ": " : "", last_msg);
}

static int check_header(pp_cachedb *db, char *err, size_t errlen)
{
    unsigned char meta[512];
    pp_cachedb_header h;
    char why[200];

    if (pp_cachedb_read_header(db, meta, sizeof meta, "a Berkeley DB", err, errlen) != 0)
        return -1;
    if (pp_cachedb_bdb_header(meta, sizeof meta, &h, why, sizeof why) != 0)
        return pp_errf(err, errlen, "%s %s", db->file, why);
    if (h.type != db->type)
        return pp_errf(err, errlen, "%s is a %s file, not %s (check the map type)", db->file,
                       pp_cachedb_type_name(h.type), pp_cachedb_type_name(db->type));
    return pp_cachedb_check_size(db, h.min_size, err, errlen);
}

static void close_handles(bdb *b)
{
    if (b->cursor)
        b->cursor->close(b->cursor);
    if (b->db)
        b->db->close(b->db, 0);
    if (b->env)
        b->env->close(b->env, 0);
    b->cursor = NULL;
    b->db = NULL;
    b->env = NULL;
}

static void bdb_close(pp_cachedb *db)
{
    bdb *b = db->impl;
    if (!b)
        return;
    close_handles(b);
    free(b->bulk.data);
    pp_buf_free(&b->last);
    pp_buf_free(&b->pk);
    pp_buf_free(&b->pv);
    free(b);
    db->impl = NULL;
}

/* The environment's home is the file's directory, as in Postfix: a DB_CONFIG there applies,
 * one in whatever the current directory is does not. */
static int open_db(pp_cachedb *db, bdb *b)
{
    char *dir = pp_xstrdup(db->file), *base = pp_xstrdup(db->file);
    int rc = db_env_create(&b->env, 0);
    if (rc == 0) {
        b->env->set_errcall(b->env, on_error);
        rc = b->env->set_cachesize(b->env, 0, CACHE_SIZE, 1);
    }
    /* Read through the fixed page cache: a read-only file under 10 MB would otherwise be
     * mapped whole, and memory would grow with the file. */
    if (rc == 0)
        rc = b->env->set_flags(b->env, DB_NOMMAP, 1);
    if (rc == 0)
        rc = b->env->open(b->env, dirname(dir), DB_INIT_MPOOL | DB_CREATE | DB_PRIVATE, 0);
    if (rc == 0)
        rc = db_create(&b->db, b->env, 0);
    if (rc == 0)
        rc = b->db->open(b->db, NULL, basename(base), NULL,
                         db->type == PP_CACHEDB_HASH ? DB_HASH : DB_BTREE, DB_RDONLY, 0);
    if (rc == 0)
        rc = b->db->cursor(b->db, NULL, &b->cursor, 0);
    free(dir);
    free(base);
    return rc;
}

static int bdb_open(pp_cachedb *db, char *err, size_t errlen)
{
    bdb *b = pp_xcalloc(1, sizeof *b);
    int rc;

    db->impl = b;
    last_msg[0] = '\0';
    if (check_header(db, err, errlen) != 0)
        return -1;
    if ((rc = open_db(db, b)) != 0) {
        db_error(db, "open", rc, err, errlen);
        bdb_close(db);
        return -1;
    }
    b->bulk.data = pp_xmalloc(BULK_SIZE);
    b->bulk.ulen = BULK_SIZE;
    b->bulk.flags = DB_DBT_USERMEM;
    return 0;
}

/*
 * A btree read without the lock while verify(8) writes it can grow past what this reader's
 * handle knows of the file (DB_PAGE_NOTFOUND). Open it again and go on after the last key
 * handed out: keys are in order, so nothing is returned twice.
 */
static int resume(pp_cachedb *db, char *err, size_t errlen)
{
    bdb *b = db->impl;
    int rc;
    do {
        close_handles(b);
        b->resumes++;
        if ((rc = open_db(db, b)) != 0) {
            db_error(db, "reopen", rc, err, errlen);
            return -1;
        }
        if (!b->have_last)
            return 0;
        DBT k = {.data = b->last.s, .size = (u_int32_t)b->last.len}, v = {0};
        rc = b->cursor->get(b->cursor, &k, &v, DB_SET_RANGE);
        if (rc == 0 && (k.size != b->last.len || memcmp(k.data, b->last.s, k.size) != 0)) {
            /* The last key is gone: the one found after it has not been handed out yet. */
            pp_buf_reset(&b->pk);
            pp_buf_reset(&b->pv);
            pp_buf_add(&b->pk, k.data, k.size);
            pp_buf_add(&b->pv, v.data, v.size);
            b->pending = true;
        }
    } while (rc == DB_PAGE_NOTFOUND && b->resumes < MAX_RESUMES);
    if (rc == DB_NOTFOUND)
        b->done = true;
    else if (rc != 0) {
        db_error(db, "read", rc, err, errlen);
        return -1;
    }
    return 0;
}

static int fetch(pp_cachedb *db, char *err, size_t errlen)
{
    bdb *b = db->impl;
    DBT key = {0};
    for (;;) {
        int rc = b->cursor->get(b->cursor, &key, &b->bulk, DB_MULTIPLE_KEY | DB_NEXT);
        if (rc == DB_PAGE_NOTFOUND && db->lock_note && db->type == PP_CACHEDB_BTREE &&
            b->resumes < MAX_RESUMES) {
            if (resume(db, err, errlen) != 0)
                return -1;
            if (b->done)
                return 0;
            continue;
        }
        if (rc == 0) {
            DB_MULTIPLE_INIT(b->pos, &b->bulk);
            return 1;
        }
        if (rc == DB_NOTFOUND) {
            b->done = true;
            return 0;
        }
        if (rc == DB_BUFFER_SMALL) {
            /* One record larger than the buffer: grow to fit it, in 1024-byte steps. */
            u_int32_t need = (b->bulk.size + 1023) & ~1023u;
            b->bulk.data = pp_xrealloc(b->bulk.data, need);
            b->bulk.ulen = need;
            continue;
        }
        db_error(db, "read", rc, err, errlen);
        return -1;
    }
}

/* Hands out one record, remembering its key for a resume. */
static int give(pp_cachedb *db, pp_cachedb_item *item, const void *k, size_t klen,
                const void *v, size_t vlen)
{
    bdb *b = db->impl;
    if (db->lock_note && db->type == PP_CACHEDB_BTREE) {
        pp_buf_reset(&b->last);
        pp_buf_add(&b->last, k, klen);
        b->have_last = true;
    }
    pp_cachedb_set_item(db, item, k, klen, v, vlen);
    return 1;
}

static int bdb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen)
{
    bdb *b = db->impl;
    for (;;) {
        if (b->pending) {
            b->pending = false;
            return give(db, item, pp_buf_str(&b->pk), b->pk.len, pp_buf_str(&b->pv), b->pv.len);
        }
        if (b->done)
            return 0;
        if (b->pos) {
            void *k, *v;
            u_int32_t klen, vlen;
            DB_MULTIPLE_KEY_NEXT(b->pos, &b->bulk, k, klen, v, vlen);
            if (b->pos)
                return give(db, item, k, klen, v, vlen);
        }
        int rc = fetch(db, err, errlen);
        if (rc <= 0)
            return rc;
    }
}

static int bdb_lookup(pp_cachedb *db, const char *key, size_t klen, char *err, size_t errlen)
{
    bdb *b = db->impl;
    for (int with_nul = 1; with_nul >= 0; with_nul--) {
        DBT k = {.data = (void *)key, .size = (u_int32_t)klen + (u_int32_t)with_nul};
        DBT v = {.flags = DB_DBT_PARTIAL}; /* found or not; the value is not needed */
        int rc = b->db->get(b->db, NULL, &k, &v, 0);
        if (rc == 0)
            return 1;
        if (rc != DB_NOTFOUND) {
            db_error(db, "read", rc, err, errlen);
            return -1;
        }
    }
    return 0;
}

const pp_cachedb_ops pp_cachedb_bdb_ops = {bdb_open, bdb_next, bdb_lookup, bdb_close};
