/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * queue_scan.c - parallel walk of the Postfix queue directories. See queue_scan.h.
 *
 * One shared directory walker (under a lock) hands out file names; each thread opens,
 * checks and parses its file outside the lock, then calls the callback under a second lock,
 * so that one thread's callback overlaps the other's walking and reading. The walker keeps
 * one open directory per level of hashing, never a list of files.
 */
#include "queue/queue_scan.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

#define DEFAULT_THREADS 2
#define MAX_THREADS 16
#define MAX_DEPTH 8 /* hashed subdirectory levels followed (Postfix allows far fewer) */
#define PATH_LEN 256
#define ID_MIN 6
#define SEEN_MIN 1024u      /* the inode set's first size, doubled as it fills */
#define SEEN_MAX (1u << 18) /* inodes remembered from incoming/active: 2 MB at most */
/* Postfix's mail_queue.h: MAIL_QUEUE_STAT_READY, tested under S_IRWXU, and ..._EXPIRE */
#define QUEUE_FILE_READY (S_IRUSR | S_IWUSR | S_IXUSR)
#define QUEUE_FILE_EXPIRE S_IXGRP

static const char *const queue_names[PP_QUEUE_COUNT] = {
    [PP_QUEUE_INCOMING] = "incoming", [PP_QUEUE_ACTIVE] = "active",
    [PP_QUEUE_DEFERRED] = "deferred", [PP_QUEUE_HOLD] = "hold",
    [PP_QUEUE_MAILDROP] = "maildrop", [PP_QUEUE_CORRUPT] = "corrupt",
};

const char *pp_queue_name(pp_queue q)
{
    return (unsigned)q < PP_QUEUE_COUNT ? queue_names[q] : "?";
}

int pp_queue_parse(const char *name, pp_queue *q)
{
    for (int i = 0; i < PP_QUEUE_COUNT; i++)
        if (strcmp(name, queue_names[i]) == 0) {
            *q = (pp_queue)i;
            return 0;
        }
    return -1;
}

/*
 * An open directory. Its files are opened relative to it (one name to look up, not the
 * whole path), by workers that no longer hold the lock: it stays open until the walk has
 * left it and the last worker opening a file in it is done.
 */
typedef struct dnode {
    DIR *dir;  /* NULL: a free node */
    int users; /* jobs handed out in it that are not done yet */
    bool left; /* the walk has left it */
} dnode;

typedef struct frame {
    dnode *node;
    size_t plen; /* length of walker.path for this directory */
} frame;

typedef struct walker {
    const pp_qscan_opts *o;
    pp_qscan_result *res;
    pthread_mutex_t lock;         /* the walk, res->errors and first_error */
    pthread_mutex_t fn_lock;      /* the callback, res->files and stopped */
    int qfd;                      /* the queue directory */
    int dirfd[PP_QUEUE_COUNT];    /* opened up front, consumed by the walk */
    int next_queue;
    pp_queue queue;               /* the queue being walked */
    frame stack[MAX_DEPTH];
    int depth;
    dnode nodes[MAX_DEPTH + MAX_THREADS]; /* a frame's each, and those left but in use */
    char path[PATH_LEN];
    atomic_bool stop;
    ino_t *seen;                  /* open-addressing set of incoming/active inodes, 0 = free */
    size_t nseen, seen_cap;       /* seen is NULL until the first inode is remembered */
} walker;

typedef struct wctx { /* a worker's own: its number, reading options, counts */
    int worker;
    const pp_qrec_opts *rec;
    unsigned long incomplete, ignored, vanished;
} wctx;

typedef struct job {
    pp_queue queue;
    char path[PATH_LEN];
    const char *id;
    dnode *in; /* the directory of the file, id its name there */
    int dfd;   /* in's descriptor, taken under the lock */
} job;

/* ---- the walk (called with the lock held) ---- */

static void note_error(walker *w, const char *what, const char *path, int err)
{
    w->res->errors++;
    if (!w->res->first_error[0])
        snprintf(w->res->first_error, sizeof w->res->first_error, "%s %s/%s: %s", what,
                 w->o->queue_dir, path, strerror(err));
}

static bool queue_id(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++)
        if (!isalnum((unsigned char)name[n]))
            return false;
    return n >= ID_MIN;
}

static bool push(walker *w, int fd, const char *name)
{
    size_t plen = w->depth ? w->stack[w->depth - 1].plen : 0;
    int n = snprintf(w->path + plen, sizeof w->path - plen, "%s%s", plen ? "/" : "", name);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d || n < 0 || (size_t)n >= sizeof w->path - plen) {
        note_error(w, "cannot read", w->path, d ? ENAMETOOLONG : errno);
        if (d)
            closedir(d);
        else if (fd >= 0)
            close(fd);
        w->path[plen] = '\0';
        return false;
    }
    dnode *node = w->nodes;
    while (node->dir) /* one is free: at most MAX_DEPTH in frames, one a thread besides */
        node++;
    *node = (dnode){d, 0, false};
    w->stack[w->depth++] = (frame){node, plen + (size_t)n};
    return true;
}

/* A directory's job is done: it closes when the walk has left it too. */
static void release(dnode *node, bool leave)
{
    node->users -= !leave;
    node->left |= leave;
    if (node->left && node->users == 0) {
        closedir(node->dir);
        node->dir = NULL;
    }
}

static void pop(walker *w)
{
    release(w->stack[--w->depth].node, true);
    w->path[w->depth ? w->stack[w->depth - 1].plen : 0] = '\0';
}

/* A hashed subdirectory: a single-character name, as Postfix's mail_scan_dir_next(). */
static void descend(walker *w, const char *name, wctx *c)
{
    DIR *top = w->stack[w->depth - 1].node->dir;
    if (w->queue == PP_QUEUE_MAILDROP || w->depth == MAX_DEPTH) {
        c->ignored++;
        return;
    }
    int fd = openat(dirfd(top), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    if (fd < 0 && e != ENOENT && e != ENOTDIR && e != ELOOP) {
        char sub[PATH_LEN + 4];
        snprintf(sub, sizeof sub, "%s/%c", w->path, name[0]);
        note_error(w, "cannot read", sub, e);
        return;
    }
    if (fd < 0)
        c->ignored += e != ENOENT;
    else
        push(w, fd, name);
}

/*
 * Postfix renames a queue file from one queue to the next (incoming -> active -> deferred,
 * postsuper -h -> hold), keeping its inode. The queues are walked in that order, so a file
 * met in incoming or active may be met again further on if it moved meanwhile: remember
 * those inodes and skip them when they come back. The set is bounded by the active queue's
 * size (qmgr_message_active_limit), not the whole queue's: it starts empty (no lookups at
 * all when incoming and active are), grows by doubling, and past SEEN_MAX stops growing.
 */
static size_t seen_slot(const ino_t *set, size_t cap, ino_t ino)
{
    size_t i = (size_t)(ino * 0x9E3779B97F4A7C15ull) & (cap - 1);
    while (set[i] && set[i] != ino)
        i = (i + 1) & (cap - 1);
    return i;
}

static void seen_add(walker *w, ino_t ino)
{
    if (w->nseen >= SEEN_MAX / 2)
        return;
    if (2 * (w->nseen + 1) > w->seen_cap) {
        size_t cap = w->seen_cap ? 2 * w->seen_cap : SEEN_MIN;
        ino_t *set = pp_xcalloc(cap, sizeof *set);
        for (size_t i = 0; i < w->seen_cap; i++)
            if (w->seen[i])
                set[seen_slot(set, cap, w->seen[i])] = w->seen[i];
        free(w->seen);
        w->seen = set;
        w->seen_cap = cap;
    }
    w->seen[seen_slot(w->seen, w->seen_cap, ino)] = ino;
    w->nseen++;
}

static bool seen_before(walker *w, ino_t ino)
{
    if (ino == 0)
        return false;
    if (w->seen && w->seen[seen_slot(w->seen, w->seen_cap, ino)] == ino)
        return w->queue != PP_QUEUE_INCOMING; /* a repeat within incoming is not a move */
    if (w->queue == PP_QUEUE_INCOMING || w->queue == PP_QUEUE_ACTIVE)
        seen_add(w, ino);
    return false;
}

static bool next_file(walker *w, job *j, wctx *c)
{
    while (!w->stop) {
        if (w->depth == 0) {
            while (w->next_queue < PP_QUEUE_COUNT && w->dirfd[w->next_queue] < 0)
                w->next_queue++;
            if (w->next_queue == PP_QUEUE_COUNT)
                return false;
            w->queue = (pp_queue)w->next_queue;
            int fd = w->dirfd[w->next_queue];
            w->dirfd[w->next_queue++] = -1;
            push(w, fd, queue_names[w->queue]);
            continue;
        }
        dnode *in = w->stack[w->depth - 1].node;
        struct dirent *e = readdir(in->dir);
        if (!e) {
            pop(w);
            continue;
        }
        const char *name = e->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
        if (name[1] == '\0') {
            descend(w, name, c);
            continue;
        }
        int n = snprintf(j->path, sizeof j->path, "%s/%s", w->path, name);
        if (!queue_id(name) || n < 0 || (size_t)n >= sizeof j->path) {
            c->ignored++;
            continue;
        }
        if (w->queue <= PP_QUEUE_HOLD && seen_before(w, e->d_ino)) {
            c->vanished++; /* counted where it was first met */
            continue;
        }
        j->queue = w->queue;
        j->id = j->path + strlen(w->path) + 1;
        j->in = in;
        j->dfd = dirfd(in->dir);
        in->users++;
        return true;
    }
    return false;
}

/* ---- one file (without the lock) ---- */

static int open_file(const job *j)
{
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = openat(j->dfd, j->id, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) /* O_NOATIME needs the file's owner or root */
        fd = openat(j->dfd, j->id, flags);
    return fd;
}

/* Returns 1 when *m holds a parsed file for the callback, 0 when the file is skipped. */
static int read_file(const job *j, struct stat *st, pp_qmsg *m, wctx *c, int *err)
{
    int fd = open_file(j);
    *err = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            c->vanished++;
        else if (errno == ELOOP)
            c->ignored++;
        else
            *err = errno;
        return 0;
    }
    int rc = 0;
    if (fstat(fd, st) != 0) {
        *err = errno;
    } else if (!S_ISREG(st->st_mode)) {
        c->ignored++;
    } else if ((st->st_mode & S_IRWXU) != QUEUE_FILE_READY) {
        c->incomplete++;
    } else {
        pp_qrec_read_fd(fd, (uint64_t)st->st_size, c->rec, m);
        m->expired = (st->st_mode & QUEUE_FILE_EXPIRE) != 0;
        if (m->status == PP_QREC_OK && m->size < 0)
            m->size = (int64_t)st->st_size;
        if (m->status == PP_QREC_IO)
            *err = m->sys_errno; /* the disk, not the file's content */
        else
            rc = 1;
    }
    close(fd);
    return rc;
}

typedef struct start {
    walker *w;
    int worker;
} start;

static void *worker(void *arg)
{
    walker *w = ((start *)arg)->w;
    int id = ((start *)arg)->worker;
    const pp_qrec_opts *rec = w->o->rec && w->o->rec_per_worker ? &w->o->rec[id] : w->o->rec;
    wctx c = {.worker = id, .rec = rec};
    job j;
    pp_qmsg m;
    struct stat st;
    int err;

    pp_qmsg_init(&m);
    pthread_mutex_lock(&w->lock);
    while (next_file(w, &j, &c)) {
        pthread_mutex_unlock(&w->lock);
        int got = read_file(&j, &st, &m, &c, &err);
        if (got && !err) {
            pthread_mutex_lock(&w->fn_lock);
            if (!w->stop) {
                pp_qscan_file f = {.queue = j.queue, .id = j.id, .path = j.path,
                                   .file_size = (uint64_t)st.st_size, .mtime = st.st_mtime,
                                   .uid = st.st_uid, .worker = id};
                w->res->files++;
                if (w->o->fn(w->o->ctx, &f, &m) != 0)
                    w->stop = w->res->stopped = true;
            }
            pthread_mutex_unlock(&w->fn_lock);
        }
        pthread_mutex_lock(&w->lock);
        release(j.in, false);
        if (err)
            note_error(w, "cannot read", j.path, err);
    }
    w->res->incomplete += c.incomplete;
    w->res->ignored += c.ignored;
    w->res->vanished += c.vanished;
    pthread_mutex_unlock(&w->lock);
    pp_qmsg_free(&m);
    return NULL;
}

/* ---- setup ---- */

static int open_queues(walker *w, char *err, size_t errlen)
{
    int rc = 0;
    w->qfd = open(w->o->queue_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->qfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", w->o->queue_dir, strerror(errno));
        for (int q = 0; q < PP_QUEUE_COUNT; q++)
            w->res->dir_errno[q] = errno;
        return -1;
    }
    for (int q = 0; q < PP_QUEUE_COUNT; q++) {
        w->dirfd[q] = -1;
        if (!(w->o->queues & PP_QUEUE_BIT(q)))
            continue;
        w->dirfd[q] = openat(w->qfd, queue_names[q], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (w->dirfd[q] >= 0)
            continue;
        w->res->dir_errno[q] = errno;
        if (errno != ENOENT && rc == 0) {
            snprintf(err, errlen, "cannot open %s/%s: %s", w->o->queue_dir, queue_names[q],
                     strerror(errno));
            rc = -1;
        }
    }
    return rc;
}

static void close_all(walker *w)
{
    while (w->depth > 0)
        pop(w);
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        if (w->dirfd[q] >= 0)
            close(w->dirfd[q]);
    if (w->qfd >= 0)
        close(w->qfd);
}

int pp_qscan_run(const pp_qscan_opts *o, pp_qscan_result *res, char *err, size_t errlen)
{
    walker w = {.o = o, .res = res, .qfd = -1};
    pthread_t tids[MAX_THREADS];
    start starts[MAX_THREADS];
    int n = o->threads > 0 ? o->threads : DEFAULT_THREADS;
    int started = 0;

    memset(res, 0, sizeof *res);
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        w.dirfd[q] = -1;
    if (open_queues(&w, err, errlen) != 0) {
        close_all(&w);
        return -1;
    }
    pthread_mutex_init(&w.lock, NULL);
    pthread_mutex_init(&w.fn_lock, NULL);
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    for (int i = 0; i < n; i++)
        starts[i] = (start){&w, i};
    /* This thread is one of the workers, the last one. */
    while (started < n - 1 &&
           pthread_create(&tids[started], NULL, worker, &starts[started]) == 0)
        started++;
    worker(&starts[n - 1]);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&w.lock);
    pthread_mutex_destroy(&w.fn_lock);
    close_all(&w);
    free(w.seen);
    return 0;
}
