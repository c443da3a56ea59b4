/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_cachedb - read-only key/value files (common/cache/cachedb*.c): Berkeley DB btree and hash,
 * LMDB and CDB files written here with the libraries (and CDB by hand) the way Postfix writes
 * them (a NUL after every key and value), read back whole, looked up, and broken in every way
 * the header checks must catch; the shared lock, a lock keeper, and a required lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache/cachedb.h"
#include "standin.h"

#define N 1000

static char dir[64];

static void key_of(int i, char *k, size_t len)
{
    snprintf(k, len, "user%04d@example.com", i);
}

static void value_of(int i, char *v, size_t len)
{
    snprintf(v, len, "0:0:%d:250 2.1.5 Ok", 1700000000 + i);
}

static char *path_of(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void make_bdb(const char *name, DBTYPE type)
{
    DB *db;
    char file[160], k[64], v[64];
    snprintf(file, sizeof file, "%s.db", path_of(name));
    assert_int_equal(db_create(&db, NULL, 0), 0);
    assert_int_equal(db->open(db, NULL, file, NULL, type, DB_CREATE | DB_TRUNCATE, 0644), 0);
    for (int i = 0; i < N; i++) {
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        DBT dk = {.data = k, .size = (u_int32_t)strlen(k) + 1};
        DBT dv = {.data = v, .size = (u_int32_t)strlen(v) + 1};
        assert_int_equal(db->put(db, NULL, &dk, &dv, 0), 0);
    }
    /* A value much larger than a page: an overflow item, bigger than no bulk buffer. */
    static char big[3 * 1024 * 1024];
    memset(big, 'x', sizeof big - 1);
    DBT dk = {.data = "big", .size = 4}, dv = {.data = big, .size = sizeof big};
    assert_int_equal(db->put(db, NULL, &dk, &dv, 0), 0);
    assert_int_equal(db->close(db, 0), 0);
}

static void make_lmdb(const char *name)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    char file[160], k[64], v[64];
    snprintf(file, sizeof file, "%s.lmdb", path_of(name));
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_mapsize(env, 16 << 20), 0);
    assert_int_equal(mdb_env_open(env, file, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
    for (int i = 0; i < N; i++) {
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        MDB_val mk = {strlen(k) + 1, k}, mv = {strlen(v) + 1, v};
        assert_int_equal(mdb_put(txn, dbi, &mk, &mv, 0), 0);
    }
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t cdb_hash(const char *s, size_t n)
{
    uint32_t h = 5381;
    for (size_t i = 0; i < n; i++)
        h = ((h << 5) + h) ^ (unsigned char)s[i];
    return h;
}

/* A CDB file as cdbmake writes it: records, then 256 hash tables of twice their entries. */
static void make_cdb(const char *name)
{
    static unsigned char toc[2048];
    static uint32_t hashes[N], pos[N];
    char file[160], k[64], v[64];
    unsigned char hdr[8];
    snprintf(file, sizeof file, "%s.cdb", path_of(name));
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fwrite(toc, 1, sizeof toc, f);
    for (int i = 0; i < N; i++) {
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        size_t kl = strlen(k) + 1, vl = strlen(v) + 1;
        pos[i] = (uint32_t)ftell(f);
        hashes[i] = cdb_hash(k, kl);
        put32(hdr, (uint32_t)kl);
        put32(hdr + 4, (uint32_t)vl);
        fwrite(hdr, 1, 8, f);
        fwrite(k, 1, kl, f);
        fwrite(v, 1, vl, f);
    }
    for (uint32_t t = 0; t < 256; t++) {
        uint32_t count = 0;
        for (int i = 0; i < N; i++)
            count += (hashes[i] & 255) == t;
        uint32_t slots = 2 * count;
        unsigned char *table = calloc(slots ? slots : 1, 8);
        for (int i = 0; i < N; i++) {
            if ((hashes[i] & 255) != t)
                continue;
            uint32_t s = (hashes[i] >> 8) % slots;
            while (table[8 * s + 4] || table[8 * s + 5] || table[8 * s + 6] || table[8 * s + 7])
                s = (s + 1) % slots;
            put32(table + 8 * s, hashes[i]);
            put32(table + 8 * s + 4, pos[i]);
        }
        put32(toc + 8 * t, (uint32_t)ftell(f));
        put32(toc + 8 * t + 4, slots);
        fwrite(table, 8, slots, f);
        free(table);
    }
    fseek(f, 0, SEEK_SET);
    fwrite(toc, 1, sizeof toc, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "cachedb") != 0)
        return -1;
    make_bdb("btree", DB_BTREE);
    make_bdb("hash", DB_HASH);
    make_lmdb("lmdb");
    make_cdb("cdb");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

static const pp_cachedb_lock no_wait = {0};

static pp_cachedb *open_ok(pp_cachedb_type type, const char *name)
{
    char err[300] = "";
    pp_cachedb *db = pp_cachedb_open(type, path_of(name), &no_wait, err, sizeof err);
    if (!db)
        fail_msg("open %s: %s", name, err);
    return db;
}

static void read_all(pp_cachedb_type type, const char *name, bool big)
{
    pp_cachedb *db = open_ok(type, name);
    pp_cachedb_item it;
    char err[300], k[64], v[64];
    int n = 0, rc, seen_big = 0;
    static char seen[N];
    memset(seen, 0, sizeof seen);
    while ((rc = pp_cachedb_next(db, &it, err, sizeof err)) == 1) {
        if (strcmp(it.key, "big") == 0) {
            assert_int_equal(it.vlen, 3 * 1024 * 1024 - 1);
            seen_big++;
            continue;
        }
        int i = atoi(it.key + 4);
        assert_in_range(i, 0, N - 1);
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        assert_string_equal(it.key, k);
        assert_int_equal(it.klen, strlen(k)); /* the trailing NUL is not part of it */
        assert_string_equal(it.value, v);
        assert_int_equal(it.vlen, strlen(v));
        assert_int_equal(seen[i]++, 0);
        n++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, N);
    assert_int_equal(seen_big, big ? 1 : 0);
    assert_null(pp_cachedb_lock_note(db));
    /* Lookups with and without the trailing NUL in the file. */
    assert_int_equal(pp_cachedb_lookup(db, "user0500@example.com", err, sizeof err), 1);
    assert_int_equal(pp_cachedb_lookup(db, "user0500@example.co", err, sizeof err), 0);
    assert_int_equal(pp_cachedb_lookup(db, "nobody", err, sizeof err), 0);
    pp_cachedb_close(db);
}

static void test_btree(void **state)
{
    (void)state;
    read_all(PP_CACHEDB_BTREE, "btree", true);
}

static void test_hash(void **state)
{
    (void)state;
    read_all(PP_CACHEDB_HASH, "hash", true);
}

static void test_lmdb(void **state)
{
    (void)state;
    read_all(PP_CACHEDB_LMDB, "lmdb", false);
}

static void test_cdb(void **state)
{
    (void)state;
    read_all(PP_CACHEDB_CDB, "cdb", false);
}

static void test_spec(void **state)
{
    (void)state;
    pp_cachedb_type t;
    char *path, err[200];
    assert_int_equal(pp_cachedb_spec_parse("proxy:btree:/var/lib/postfix/verify_cache", &t,
                                           &path, err, sizeof err), 0);
    assert_int_equal(t, PP_CACHEDB_BTREE);
    assert_string_equal(path, "/var/lib/postfix/verify_cache");
    free(path);
    assert_int_equal(pp_cachedb_spec_parse("lmdb:/x", &t, &path, err, sizeof err), 0);
    assert_int_equal(t, PP_CACHEDB_LMDB);
    free(path);
    assert_int_equal(pp_cachedb_spec_parse("/x", &t, &path, err, sizeof err), -1);
    assert_string_equal(err, "'/x' is not a TYPE:PATH map name");
    assert_int_equal(pp_cachedb_spec_parse("hash:", &t, &path, err, sizeof err), -1);
    assert_int_equal(pp_cachedb_spec_parse("sqlite:/x.cf", &t, &path, err, sizeof err), -1);
    assert_string_equal(err, "map type 'sqlite' is not supported (btree, hash, lmdb or cdb)");
    assert_int_equal(pp_cachedb_type_parse("cdb", &t), 0);
    assert_int_equal(t, PP_CACHEDB_CDB);
    assert_int_equal(pp_cachedb_type_parse("cd", &t), -1);
    assert_int_equal(pp_cachedb_type_parse("hash:", &t), -1);
    assert_string_equal(pp_cachedb_suffix(PP_CACHEDB_HASH), ".db");
    assert_string_equal(pp_cachedb_suffix(PP_CACHEDB_LMDB), ".lmdb");
}

static void test_trim_nul(void **state)
{
    (void)state;
    assert_int_equal(pp_cachedb_trim_nul("ab\0", 3), 2);
    assert_int_equal(pp_cachedb_trim_nul("ab", 2), 2);
    assert_int_equal(pp_cachedb_trim_nul("", 0), 0);
    assert_int_equal(pp_cachedb_trim_nul("\0\0", 2), 1); /* only one */
}

/* ---- headers (pure) ---- */

static size_t slurp(const char *file, unsigned char *buf, size_t len)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, len, f);
    fclose(f);
    return n;
}

static void test_bdb_header(void **state)
{
    (void)state;
    unsigned char meta[512];
    char file[160], err[200];
    pp_cachedb_header h;
    snprintf(file, sizeof file, "%s.db", path_of("btree"));
    assert_int_equal(slurp(file, meta, sizeof meta), sizeof meta);
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), 0);
    assert_int_equal(h.type, PP_CACHEDB_BTREE);
    assert_int_equal(h.version, DB_BTREEVERSION);
    assert_false(h.swapped);
    assert_true(h.min_size >= 2 * (uint64_t)h.pagesize);

    meta[16] = 10; /* a newer format */
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), -1);
    assert_string_equal(err, "was written by a newer Berkeley DB (btree version 10; this libdb "
                             "5.3 reads 8 to 9)");
    meta[16] = 7;
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "an older Berkeley DB (btree version 7;"));
    meta[16] = DB_BTREEVERSION;

    /* The same header written on a big-endian machine. */
    unsigned char swapped[512];
    memcpy(swapped, meta, sizeof swapped);
    for (int off = 12; off < 24; off += 4)
        for (int i = 0; i < 4; i++)
            swapped[off + i] = meta[off + 3 - i];
    for (int i = 0; i < 4; i++)
        swapped[32 + i] = meta[35 - i];
    assert_int_equal(pp_cachedb_bdb_header(swapped, sizeof swapped, &h, err, sizeof err), 0);
    assert_true(h.swapped);
    assert_int_equal(h.version, DB_BTREEVERSION);

    meta[20] = 3; /* page size not a power of two */
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "corrupt header"));
    memset(meta, 0, sizeof meta);
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), -1);
    assert_string_equal(err, "is not a Berkeley DB file (magic number 0x00000000)");
    assert_int_equal(pp_cachedb_bdb_header(meta, 100, &h, err, sizeof err), -1);
    assert_string_equal(err, "only 100 bytes: too short for a Berkeley DB file");
    put32(meta + 12, DB_QAMMAGIC);
    assert_int_equal(pp_cachedb_bdb_header(meta, sizeof meta, &h, err, sizeof err), -1);
    assert_string_equal(err, "is a Berkeley DB queue database, not btree or hash");
}

static void test_lmdb_header(void **state)
{
    (void)state;
    unsigned char page[8192];
    char file[160], err[200];
    pp_cachedb_header h0, h1;
    snprintf(file, sizeof file, "%s.lmdb", path_of("lmdb"));
    assert_int_equal(slurp(file, page, sizeof page), sizeof page);
    assert_int_equal(pp_cachedb_lmdb_header(page, 256, &h0, err, sizeof err), 0);
    assert_int_equal(pp_cachedb_lmdb_header(page + h0.pagesize, 256, &h1, err, sizeof err), 0);
    const pp_cachedb_header *h = h1.txnid > h0.txnid ? &h1 : &h0;
    assert_int_equal(h->entries, N);
    assert_int_equal(h->version, 1);
    assert_true(h->min_size > 2 * (uint64_t)h->pagesize);
    page[20] = 2;
    assert_int_equal(pp_cachedb_lmdb_header(page, 256, &h0, err, sizeof err), -1);
    assert_string_equal(err, "was written by a newer LMDB (data format 2; this liblmdb reads "
                             "format 1)");
    page[16] = 0;
    assert_int_equal(pp_cachedb_lmdb_header(page, 256, &h0, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not an LMDB file"));
}

static void test_cdb_header(void **state)
{
    (void)state;
    unsigned char toc[2048];
    char file[160], err[200];
    pp_cachedb_header h;
    snprintf(file, sizeof file, "%s.cdb", path_of("cdb"));
    assert_int_equal(slurp(file, toc, sizeof toc), sizeof toc);
    FILE *f = fopen(file, "r");
    fseek(f, 0, SEEK_END);
    uint64_t size = (uint64_t)ftell(f);
    fclose(f);
    assert_int_equal(pp_cachedb_cdb_header(toc, sizeof toc, size, &h, err, sizeof err), 0);
    assert_int_equal(h.min_size, size);
    assert_true(h.records_end > 2048 && h.records_end < size);
    assert_int_equal(pp_cachedb_cdb_header(toc, sizeof toc, size - 8, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "is truncated or not a CDB file"));
}

/* ---- broken files through the reader ---- */

static void copy_file(const char *from, const char *to, long keep)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s %s && truncate -s %ld %s", from, to, keep, to);
    assert_int_equal(system(cmd), 0);
}

static void open_fails(pp_cachedb_type type, const char *name, int kind, const char *want)
{
    char err[300] = "";
    pp_cachedb *db = pp_cachedb_open(type, path_of(name), &no_wait, err, sizeof err);
    assert_null(db);
    assert_int_equal(errno, kind);
    if (!strstr(err, want))
        fail_msg("\"%s\" lacks \"%s\"", err, want);
}

static void test_broken(void **state)
{
    (void)state;
    char from[160], to[160];
    snprintf(from, sizeof from, "%s.db", path_of("btree"));
    snprintf(to, sizeof to, "%s.db", path_of("cut"));
    copy_file(from, to, 8192);
    open_fails(PP_CACHEDB_BTREE, "cut", EINVAL, "cut.db is truncated: 8192 bytes, its header says");
    copy_file(from, to, 0);
    open_fails(PP_CACHEDB_BTREE, "cut", EINVAL,
               "cut.db is empty (0 bytes): not a Berkeley DB file");
    open_fails(PP_CACHEDB_HASH, "btree", EINVAL, "btree.db is a btree file, not hash");
    open_fails(PP_CACHEDB_BTREE, "nothere", ENOENT, "cannot open ");
    open_fails(PP_CACHEDB_BTREE, "btree.db", ENOENT,
               "btree.db.db: No such file or directory (name the map without its suffix)");

    snprintf(from, sizeof from, "%s.lmdb", path_of("lmdb"));
    snprintf(to, sizeof to, "%s.lmdb", path_of("cut"));
    copy_file(from, to, 12288);
    open_fails(PP_CACHEDB_LMDB, "cut", EINVAL,
               "cut.lmdb is truncated: 12288 bytes, its header says");
    copy_file(from, to, 100);
    open_fails(PP_CACHEDB_LMDB, "cut", EINVAL,
               "cut.lmdb is truncated (100 bytes): not an LMDB file");

    snprintf(from, sizeof from, "%s.cdb", path_of("cdb"));
    snprintf(to, sizeof to, "%s.cdb", path_of("cut"));
    copy_file(from, to, 4000);
    open_fails(PP_CACHEDB_CDB, "cut", EINVAL, "cut.cdb is truncated or not a CDB file");
    open_fails(PP_CACHEDB_CDB, "nothere", ENOENT, "No such file or directory");
}

/* A CDB whose record claims more bytes than there are: an error, not a crash. */
static void test_cdb_corrupt_record(void **state)
{
    (void)state;
    char from[160], to[160], err[300];
    snprintf(from, sizeof from, "%s.cdb", path_of("cdb"));
    snprintf(to, sizeof to, "%s.cdb", path_of("bent"));
    FILE *f = fopen(from, "r");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    copy_file(from, to, size);
    int fd = open(to, O_WRONLY);
    unsigned char huge[4];
    put32(huge, 0x7fffffff);
    assert_int_equal(pwrite(fd, huge, 4, 2048 + 8 * 0 + 0), 4);
    close(fd);
    pp_cachedb *db = open_ok(PP_CACHEDB_CDB, "bent");
    pp_cachedb_item it;
    assert_int_equal(pp_cachedb_next(db, &it, err, sizeof err), -1);
    assert_non_null(strstr(err, "runs into the hash tables"));
    pp_cachedb_close(db);
}

/* ---- locking ---- */

/* A child holding an exclusive lock on file (flock, or fcntl for LMDB) until killed. */
static pid_t hold_lock(const char *file, bool fcntl_lock)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(file, O_RDWR);
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        int rc = fcntl_lock ? fcntl(fd, F_SETLK, &fl) : flock(fd, LOCK_EX);
        char c = rc == 0 ? 'y' : 'n';
        if (write(pipefd[1], &c, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(pipefd[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    close(pipefd[0]);
    close(pipefd[1]);
    return pid;
}

static void release(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static double elapsed(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static void locked(pp_cachedb_type type, const char *name, const char *suffix, bool fcntl_lock)
{
    char file[160], err[300], comm[64], note[200];
    struct timespec t0;
    snprintf(file, sizeof file, "%s%s", path_of(name), suffix);
    pid_t pid = hold_lock(file, fcntl_lock);

    /* Required: fails after the wait, naming the holder. */
    pp_cachedb_lock need = {.wait = 0.3, .required = true};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_null(pp_cachedb_open(type, path_of(name), &need, err, sizeof err));
    assert_int_equal(errno, EWOULDBLOCK);
    assert_true(elapsed(&t0) >= 0.3);
    snprintf(note, sizeof note, "is locked by pid %ld (", (long)pid);
    assert_non_null(strstr(err, note));

    /* Not required: read without it, and say so. */
    pp_cachedb_lock try = {.wait = 0.1};
    pp_cachedb *db = pp_cachedb_open(type, path_of(name), &try, err, sizeof err);
    assert_non_null(db);
    snprintf(note, sizeof note, "read without the shared lock, held by pid %ld (", (long)pid);
    assert_non_null(strstr(pp_cachedb_lock_note(db), note));
    pp_cachedb_item it;
    assert_int_equal(pp_cachedb_next(db, &it, err, sizeof err), 1);
    pp_cachedb_close(db);

    /* A keeper (a daemon that holds the lock for as long as it runs) is not waited for. */
    FILE *f = fopen("/proc/self/comm", "r");
    assert_non_null(fgets(comm, sizeof comm, f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    pp_cachedb_lock keeper = {.wait = 5, .keeper = comm};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    db = pp_cachedb_open(type, path_of(name), &keeper, err, sizeof err);
    assert_non_null(db);
    assert_true(elapsed(&t0) < 1);
    pp_cachedb_close(db);
    release(pid);

    /* Free again: the lock is taken. */
    db = pp_cachedb_open(type, path_of(name), &need, err, sizeof err);
    assert_non_null(db);
    assert_null(pp_cachedb_lock_note(db));
    pp_cachedb_close(db);
}

static void test_lock_bdb(void **state)
{
    (void)state;
    locked(PP_CACHEDB_BTREE, "btree", ".db", false);
}

static void test_lock_lmdb(void **state)
{
    (void)state;
    locked(PP_CACHEDB_LMDB, "lmdb", ".lmdb", true);
}

/* The shared lock is held while the file is open: a writer's exclusive lock waits. */
static void test_shared_lock_held(void **state)
{
    (void)state;
    char file[160], err[300];
    pp_cachedb_lock need = {.wait = 0.1, .required = true};
    pp_cachedb *db = pp_cachedb_open(PP_CACHEDB_BTREE, path_of("btree"), &need, err, sizeof err);
    assert_non_null(db);
    snprintf(file, sizeof file, "%s.db", path_of("btree"));
    int fd = open(file, O_RDWR);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
    assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), 0); /* other readers are welcome */
    close(fd);
    pp_cachedb_close(db);
}

/* A writer like verify(8), only much faster: holds the exclusive lock for as long as it runs
 * and syncs after every update (page splits included), while the reader scans without the
 * lock, again and again. Scans go on across the file's growth (cachedb_bdb.c reopens it); one
 * may still fail at open (and the plugin retries); none may crash, hang or repeat a key. */
static void test_concurrent_writer(void **state)
{
    (void)state;
    char file[160], err[300];
    snprintf(file, sizeof file, "%s.db", path_of("busy"));
    make_bdb("busy", DB_BTREE);
    pid_t writer = fork();
    if (writer == 0) {
        DB *db;
        int fd = open(file, O_RDWR);
        if (fd < 0 || flock(fd, LOCK_EX) != 0 || db_create(&db, NULL, 0) != 0 ||
            db->open(db, NULL, file, NULL, DB_BTREE, 0, 0644) != 0)
            _exit(1);
        char k[64], v[600];
        memset(v, 'v', sizeof v - 1);
        v[sizeof v - 1] = '\0';
        for (unsigned i = 0;; i++) {
            snprintf(k, sizeof k, "new%08u@example.com", (i * 2654435761u) % 1000003u);
            DBT dk = {.data = k, .size = (u_int32_t)strlen(k) + 1};
            DBT dv = {.data = v, .size = (u_int32_t)(1 + i % (sizeof v - 1))};
            if (i % 3 == 0)
                db->del(db, NULL, &dk, 0);
            else
                db->put(db, NULL, &dk, &dv, 0);
            db->sync(db, 0);
        }
    }
    usleep(50000);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int scans = 0, failed = 0;
    pp_cachedb_lock lock = {.wait = 0};
    while (elapsed(&t0) < 2.0) {
        pp_cachedb *db = pp_cachedb_open(PP_CACHEDB_BTREE, path_of("busy"), &lock, err,
                                         sizeof err);
        pp_cachedb_item it;
        int rc = -1;
        if (db) {
            char prev[80] = "";
            assert_non_null(pp_cachedb_lock_note(db));
            /* In key order, each key once, even across the reopenings of a growing file. */
            while ((rc = pp_cachedb_next(db, &it, err, sizeof err)) == 1) {
                if (strcmp(prev, it.key) >= 0)
                    fail_msg("key \"%s\" after \"%s\"", it.key, prev);
                snprintf(prev, sizeof prev, "%s", it.key);
            }
            pp_cachedb_close(db);
        }
        scans++;
        failed += rc != 0;
        if (rc != 0 && getenv("SHOW_ERRORS"))
            print_message("%s\n", err);
    }
    int status;
    assert_int_equal(waitpid(writer, &status, WNOHANG), 0); /* the writer is still going */
    release(writer);
    print_message("%d scans during writes, %d failed\n", scans, failed);
    assert_true(scans > 5);
    assert_true(failed < scans);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_btree),        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_lmdb),         cmocka_unit_test(test_cdb),
        cmocka_unit_test(test_spec),         cmocka_unit_test(test_trim_nul),
        cmocka_unit_test(test_bdb_header),   cmocka_unit_test(test_lmdb_header),
        cmocka_unit_test(test_cdb_header),   cmocka_unit_test(test_broken),
        cmocka_unit_test(test_cdb_corrupt_record),
        cmocka_unit_test(test_lock_bdb),     cmocka_unit_test(test_lock_lmdb),
        cmocka_unit_test(test_shared_lock_held), cmocka_unit_test(test_concurrent_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
