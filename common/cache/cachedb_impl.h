/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb_impl.h - what the cachedb front end (cachedb.c) shares with its three readers
 * (cachedb_bdb.c, cachedb_lmdb.c, cachedb_cdb.c). Private to common/cache/cachedb*.c.
 */
#ifndef PP_CACHEDB_IMPL_H
#define PP_CACHEDB_IMPL_H

#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "cache/cachedb.h"

typedef struct pp_cachedb_ops {
    /* Opens the reader on db->file; db->fd is open on it (and locked when possible). */
    int (*open)(pp_cachedb *db, char *err, size_t errlen);
    int (*next)(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen);
    int (*lookup)(pp_cachedb *db, const char *key, size_t klen, char *err, size_t errlen);
    void (*close)(pp_cachedb *db);
} pp_cachedb_ops;

struct pp_cachedb {
    pp_cachedb_type type;
    char *file;        /* PATH plus the type's suffix */
    int fd;            /* open read-only on file; carries the shared lock */
    off_t size;        /* file size at open */
    char *lock_note;   /* NULL when the shared lock is held */
    const pp_cachedb_ops *ops;
    void *impl;        /* the reader's own state */
    pp_buf key, value; /* NUL-terminated copies handed out by next() */
};

extern const pp_cachedb_ops pp_cachedb_bdb_ops;
extern const pp_cachedb_ops pp_cachedb_lmdb_ops;
extern const pp_cachedb_ops pp_cachedb_cdb_ops;

/* Copies a record into db->key/db->value (trailing NUL removed) and points item at them. */
void pp_cachedb_set_item(pp_cachedb *db, pp_cachedb_item *item, const void *k, size_t klen,
                         const void *v, size_t vlen);

/* Reads exactly len bytes at off from db->fd; -1 with err on a short read or error. */
int pp_cachedb_pread(pp_cachedb *db, void *buf, size_t len, off_t off, char *err, size_t errlen);

/* Reads the file's first len bytes, its header; -1 with err when the file cannot hold them
 * ("FILE is empty (0 bytes): not KIND file", KIND "an LMDB"; "FILE is truncated (N bytes):
 * ...") or cannot be read. */
int pp_cachedb_read_header(pp_cachedb *db, void *buf, size_t len, const char *kind, char *err,
                           size_t errlen);

/* -1 with err when the file is shorter than the min_size its header gives. */
int pp_cachedb_check_size(const pp_cachedb *db, uint64_t min_size, char *err, size_t errlen);

#endif
