/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	cachedb - read-only key/value iteration over Postfix's indexed files
 * SYNOPSIS
 *	int pp_cachedb_spec_parse(const char *spec, pp_cachedb_type *type, char **path,
 *				  char *err, size_t errlen);
 *	int pp_cachedb_type_parse(const char *name, pp_cachedb_type *type);
 *	const char *pp_cachedb_type_name(pp_cachedb_type type);
 *	const char *pp_cachedb_suffix(pp_cachedb_type type);
 *
 *	pp_cachedb *pp_cachedb_open(pp_cachedb_type type, const char *path,
 *				    const pp_cachedb_lock *lock, char *err, size_t errlen);
 *	int pp_cachedb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen);
 *	int pp_cachedb_lookup(pp_cachedb *db, const char *key, char *err, size_t errlen);
 *	const char *pp_cachedb_file(const pp_cachedb *db);
 *	const char *pp_cachedb_lock_note(const pp_cachedb *db);
 *	void pp_cachedb_close(pp_cachedb *db);
 *
 *	int pp_cachedb_bdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h,
 *				  char *err, size_t errlen);
 *	int pp_cachedb_lmdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h,
 *				   char *err, size_t errlen);
 *	int pp_cachedb_cdb_header(const unsigned char *buf, size_t len, uint64_t file_size,
 *				  pp_cachedb_header *h, char *err, size_t errlen);
 *	size_t pp_cachedb_trim_nul(const void *data, size_t len);
 * DESCRIPTION
 *	The tables Postfix compiles with postmap(1) and the caches its daemons keep (the verify(8)
 *	cache, postscreen's) are Berkeley DB btree/hash files (PATH.db), LMDB files (PATH.lmdb)
 *	or CDB files (PATH.cdb). This module reads them the way Postfix's own dict_db, dict_lmdb
 *	and dict_cdb readers do, and never writes: Berkeley DB with DB_RDONLY in a private
 *	environment homed in the file's directory, LMDB with MDB_RDONLY | MDB_NOSUBDIR |
 *	MDB_NOLOCK, CDB with plain reads.
 *
 *	Locking follows Postfix: readers take a shared lock on the file (flock(2) for Berkeley DB
 *	as Postfix does on Linux, fcntl(2) for LMDB); writers take an exclusive one. The lock is
 *	tried without blocking, again and again for up to lock->wait seconds, then held until
 *	close (no waiting at all when the holder is a lock->keeper, a daemon that keeps the lock
 *	for as long as it runs). When it cannot be had and lock->required is false the file is
 *	read without it;
 *	that is the normal case for a verify(8) or postscreen(8) cache, which the daemon keeps
 *	exclusively locked for as long as it runs. pp_cachedb_lock_note() then tells who holds
 *	it ("read without the shared lock, held by pid 123 (verify)"); it is NULL when the lock
 *	was taken (and for CDB, which Postfix replaces atomically).
 *
 *	pp_cachedb_spec_parse() splits "[proxy:]TYPE:PATH" as main.cf writes it; PATH is without
 *	the suffix. TYPE is btree, hash, lmdb or cdb; path is allocated. pp_cachedb_type_parse()
 *	takes a TYPE name alone (0, or -1 for another name).
 *	pp_cachedb_open() checks the file's header first (the pure pp_cachedb_*_header()
 *	functions), so a truncated file, a file of another type or one written by a newer
 *	library version is reported by name instead of handed to the library. When it fails,
 *	errno tells the kind of failure: ENOENT, EACCES (or another open(2) error) when the
 *	file cannot be opened, EWOULDBLOCK when a required lock could not be had, EINVAL when
 *	the file is not what it should be (truncated, corrupt, of another type or version).
 *	pp_cachedb_next() returns 1 with the next record, 0 at the end, -1 on error. Key and value
 *	are NUL-terminated copies, valid until the next call, with the one trailing NUL that
 *	Postfix appends to both removed (klen/vlen exclude it). Memory does not grow with the
 *	file: Berkeley DB is read in bulk through a fixed buffer, CDB through stdio.
 *	pp_cachedb_lookup() returns 1 when key (as given, tried with and then without a trailing
 *	NUL, as Postfix does) is in the file, 0 when not, -1 on error.
 *
 *	The header parsers take the first bytes of a file: pp_cachedb_bdb_header() the 512-byte
 *	Berkeley DB meta page, pp_cachedb_lmdb_header() one LMDB meta page (h->txnid tells which
 *	of the two is current), pp_cachedb_cdb_header() the 2048-byte CDB table of contents.
 *	pp_cachedb_trim_nul() is the length without one trailing NUL.
 * DIAGNOSTICS
 *	Every function that can fail returns -1 or NULL with err naming the file and the reason:
 *	"cannot open /x/verify_cache.db: No such file or directory",
 *	"/x/verify_cache.db is truncated: 8192 bytes, its header says 12288",
 *	"/x/verify_cache.db was written by a newer Berkeley DB (btree version 10; this libdb 5.3
 *	reads 8 to 9)".
 */
#ifndef PP_CACHEDB_H
#define PP_CACHEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pp_cachedb_type {
    PP_CACHEDB_BTREE,
    PP_CACHEDB_HASH,
    PP_CACHEDB_LMDB,
    PP_CACHEDB_CDB
} pp_cachedb_type;

typedef struct pp_cachedb pp_cachedb;

typedef struct pp_cachedb_item {
    const char *key;
    size_t klen;
    const char *value;
    size_t vlen;
} pp_cachedb_item;

typedef struct pp_cachedb_lock {
    double wait;          /* seconds to keep trying for the shared lock */
    bool required;        /* fail instead of reading without it */
    const char *keeper;   /* command name of a process that holds the lock for as long as
                           * it runs ("verify"): no use waiting for it; NULL: none */
} pp_cachedb_lock;

/* What a file's header says. */
typedef struct pp_cachedb_header {
    pp_cachedb_type type;
    unsigned version;   /* on-disk format version */
    uint32_t pagesize;  /* 0 for CDB */
    uint64_t min_size;  /* the file must be at least this long */
    uint64_t entries;   /* LMDB: keys in the main database */
    uint64_t records_end; /* CDB: where the records end and the hash tables begin */
    uint64_t txnid;     /* LMDB: transaction that wrote this meta page */
    bool swapped;       /* Berkeley DB: written on a machine of the other byte order */
} pp_cachedb_header;

int pp_cachedb_spec_parse(const char *spec, pp_cachedb_type *type, char **path, char *err,
                          size_t errlen);
int pp_cachedb_type_parse(const char *name, pp_cachedb_type *type);
const char *pp_cachedb_type_name(pp_cachedb_type type);
const char *pp_cachedb_suffix(pp_cachedb_type type);

pp_cachedb *pp_cachedb_open(pp_cachedb_type type, const char *path, const pp_cachedb_lock *lock,
                            char *err, size_t errlen);
int pp_cachedb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen);
int pp_cachedb_lookup(pp_cachedb *db, const char *key, char *err, size_t errlen);
const char *pp_cachedb_file(const pp_cachedb *db);
const char *pp_cachedb_lock_note(const pp_cachedb *db);
void pp_cachedb_close(pp_cachedb *db);

int pp_cachedb_bdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h, char *err,
                          size_t errlen);
int pp_cachedb_lmdb_header(const unsigned char *buf, size_t len, pp_cachedb_header *h, char *err,
                           size_t errlen);
int pp_cachedb_cdb_header(const unsigned char *buf, size_t len, uint64_t file_size,
                          pp_cachedb_header *h, char *err, size_t errlen);
size_t pp_cachedb_trim_nul(const void *data, size_t len);

#endif
