/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cachedb.c - the cachedb front end: map specs, opening, the shared lock, and dispatch to the
 * Berkeley DB, LMDB and CDB readers. See cachedb.h.
 */
#include "cache/cachedb_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/procinfo.h"
#include "core/timeout.h"

#define LOCK_POLL_NS 10000000L /* 10 ms between lock attempts */

static const struct {
    const char *name;
    const char *suffix;
    const pp_cachedb_ops *ops;
} types[] = {
    [PP_CACHEDB_BTREE] = {"btree", ".db", &pp_cachedb_bdb_ops},
    [PP_CACHEDB_HASH] = {"hash", ".db", &pp_cachedb_bdb_ops},
    [PP_CACHEDB_LMDB] = {"lmdb", ".lmdb", &pp_cachedb_lmdb_ops},
    [PP_CACHEDB_CDB] = {"cdb", ".cdb", &pp_cachedb_cdb_ops},
};

const char *pp_cachedb_type_name(pp_cachedb_type type)
{
    return types[type].name;
}

const char *pp_cachedb_suffix(pp_cachedb_type type)
{
    return types[type].suffix;
}

static int type_of(const char *name, size_t n, pp_cachedb_type *type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].name) == n && strncmp(name, types[i].name, n) == 0) {
            *type = (pp_cachedb_type)i;
            return 0;
        }
    return -1;
}

int pp_cachedb_type_parse(const char *name, pp_cachedb_type *type)
{
    return type_of(name, strlen(name), type);
}

int pp_cachedb_spec_parse(const char *spec, pp_cachedb_type *type, char **path, char *err,
                          size_t errlen)
{
    if (strncmp(spec, "proxy:", 6) == 0)
        spec += 6;
    const char *colon = strchr(spec, ':');
    if (!colon || colon == spec || colon[1] == '\0')
        return pp_errf(err, errlen, "'%.100s' is not a TYPE:PATH map name", spec);
    size_t n = (size_t)(colon - spec);
    if (type_of(spec, n, type) != 0)
        return pp_errf(err, errlen, "map type '%.*s' is not supported (btree, hash, lmdb or cdb)",
                       (int)n, spec);
    *path = pp_xstrdup(colon + 1);
    return 0;
}

void pp_cachedb_set_item(pp_cachedb *db, pp_cachedb_item *item, const void *k, size_t klen,
                         const void *v, size_t vlen)
{
    klen = pp_cachedb_trim_nul(k, klen);
    vlen = pp_cachedb_trim_nul(v, vlen);
    pp_buf_reset(&db->key);
    pp_buf_reset(&db->value);
    pp_buf_add(&db->key, klen ? k : "", klen);
    pp_buf_add(&db->value, vlen ? v : "", vlen);
    *item = (pp_cachedb_item){db->key.s, klen, db->value.s, vlen};
}

int pp_cachedb_pread(pp_cachedb *db, void *buf, size_t len, off_t off, char *err, size_t errlen)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(db->fd, (char *)buf + got, len - got, off + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return pp_errf(err, errlen, "cannot read %s: %s", db->file, strerror(errno));
        if (n == 0)
            return pp_errf(err, errlen, "%s is truncated: %lld bytes", db->file,
                           (long long)(off + (off_t)got));
        got += (size_t)n;
    }
    return 0;
}

int pp_cachedb_read_header(pp_cachedb *db, void *buf, size_t len, const char *kind, char *err,
                           size_t errlen)
{
    if (db->size < (off_t)len)
        return pp_errf(err, errlen, "%s is %s (%lld bytes): not %s file", db->file,
                       db->size == 0 ? "empty" : "truncated", (long long)db->size, kind);
    return pp_cachedb_pread(db, buf, len, 0, err, errlen);
}

int pp_cachedb_check_size(const pp_cachedb *db, uint64_t min_size, char *err, size_t errlen)
{
    if ((uint64_t)db->size >= min_size)
        return 0;
    return pp_errf(err, errlen, "%s is truncated: %lld bytes, its header says %llu", db->file,
                   (long long)db->size, (unsigned long long)min_size);
}

/* One non-blocking attempt at the shared lock Postfix's readers take. */
static int try_lock(pp_cachedb *db)
{
    if (db->type == PP_CACHEDB_LMDB) {
        struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
        return fcntl(db->fd, F_SETLK, &fl);
    }
    return flock(db->fd, LOCK_SH | LOCK_NB);
}

static int take_lock(pp_cachedb *db, const pp_cachedb_lock *lock, const struct stat *st,
                     char *err, size_t errlen)
{
    struct timespec pause = {0, LOCK_POLL_NS};
    double start = pp_timeout_now();
    char comm[64] = "";
    pid_t holder = 0;

    for (int attempt = 0;; attempt++) {
        if (try_lock(db) == 0)
            return 0;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EACCES && errno != EINTR)
            return pp_errf(err, errlen, "cannot lock %s: %s", db->file, strerror(errno));
        if (attempt == 0)
            holder = pp_proc_lock_holder(st->st_dev, st->st_ino, comm, sizeof comm);
        if (pp_timeout_now() - start >= lock->wait ||
            (holder > 0 && lock->keeper && strcmp(comm, lock->keeper) == 0))
            break;
        nanosleep(&pause, NULL);
    }
    char who[128] = "another process";
    if (holder > 0)
        snprintf(who, sizeof who, "pid %ld (%s)", (long)holder, comm);
    if (lock->required)
        return pp_errf(err, errlen, "%s is locked by %s: being rebuilt?", db->file, who);
    db->lock_note = pp_xasprintf("read without the shared lock, held by %s", who);
    return 0;
}

static void free_db(pp_cachedb *db)
{
    if (db->fd >= 0)
        close(db->fd);
    pp_buf_free(&db->key);
    pp_buf_free(&db->value);
    free(db->lock_note);
    free(db->file);
    free(db);
}

pp_cachedb *pp_cachedb_open(pp_cachedb_type type, const char *path, const pp_cachedb_lock *lock,
                            char *err, size_t errlen)
{
    pp_cachedb *db = pp_xcalloc(1, sizeof *db);
    struct stat st;
    int kind = 0;

    db->type = type;
    db->ops = types[type].ops;
    db->file = pp_xasprintf("%s%s", path, types[type].suffix);
    pp_buf_init(&db->key);
    pp_buf_init(&db->value);
    db->fd = open(db->file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (db->fd < 0) {
        kind = errno;
        size_t n = strlen(path), m = strlen(types[type].suffix);
        bool doubled = kind == ENOENT && n > m && strcmp(path + n - m, types[type].suffix) == 0;
        snprintf(err, errlen, "cannot open %s: %s%s%s", db->file, strerror(kind),
                 kind == EACCES ? " (run as root or as the file's owner, e.g. through sudo)" : "",
                 doubled ? " (name the map without its suffix)" : "");
    } else if (fstat(db->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        kind = EINVAL;
        snprintf(err, errlen, "%s is not a regular file", db->file);
    } else {
        db->size = st.st_size;
        if (type != PP_CACHEDB_CDB && take_lock(db, lock, &st, err, errlen) != 0)
            kind = EWOULDBLOCK;
        else if (db->ops->open(db, err, errlen) != 0) {
            db->ops->close(db); /* whatever the reader had set up */
            kind = EINVAL;
        }
    }
    if (kind) {
        free_db(db);
        errno = kind;
        return NULL;
    }
    return db;
}

int pp_cachedb_next(pp_cachedb *db, pp_cachedb_item *item, char *err, size_t errlen)
{
    return db->ops->next(db, item, err, errlen);
}

int pp_cachedb_lookup(pp_cachedb *db, const char *key, char *err, size_t errlen)
{
    return db->ops->lookup(db, key, strlen(key), err, errlen);
}

const char *pp_cachedb_file(const pp_cachedb *db)
{
    return db->file;
}

const char *pp_cachedb_lock_note(const pp_cachedb *db)
{
    return db->lock_note;
}

void pp_cachedb_close(pp_cachedb *db)
{
    if (!db)
        return;
    db->ops->close(db);
    free_db(db);
}
