/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue_scan - walk the Postfix queue directories, one parsed message at a time
 * SYNOPSIS
 *	const char *pp_queue_name(pp_queue q);
 *	int pp_queue_parse(const char *name, pp_queue *q);
 *	int pp_qscan_run(const pp_qscan_opts *o, pp_qscan_result *res, char *err, size_t errlen);
 * DESCRIPTION
 *	The queues are the subdirectories of queue_directory: incoming, active, deferred,
 *	hold, maildrop and corrupt (where qmgr moves files it cannot read). pp_queue_name()
 *	and pp_queue_parse() map them to and from names; pp_queue_parse() returns 0 or -1.
 *
 *	pp_qscan_run() opens every queue in o->queues (a mask of PP_QUEUE_BIT(q)) under
 *	o->queue_dir first, then reads their files with o->threads threads (0: 2) and hands
 *	each parsed file to o->fn(o->ctx, file, msg). Calls to o->fn never overlap (they are
 *	made under a lock), so it needs no locking of its own; it returns non-zero to stop the
 *	scan. Their order is not defined.
 *
 *	Subdirectories are found as Postfix's own scanner finds them: every single-character
 *	name is a hashed subdirectory (any hash_queue_depth, whatever hash_queue_names said
 *	when the file was queued); maildrop is flat. Other names count as queue files only
 *	when they look like queue ids ([A-Za-z0-9]{6,}), are regular files (not symlinks) and
 *	are complete: Postfix gives a queue file its owner execute bit when it is done with
 *	it, and takes a file whose owner bits are rwx, whatever the others (mail_open_ok():
 *	(mode & S_IRWXU) == 0700). postsuper -e and -f (Postfix 3.5 and later) mark a message
 *	force-expired with the group execute bit (mode 0710): such a file is complete and
 *	handed over with msg->expired set (qshape's test, (mode & 0733) == 0700, misses it,
 *	and with it every force-expired message on hold). Files that vanish before they are
 *	opened (delivered, moved) are counted in res->vanished and otherwise ignored. Queues
 *	are walked in Postfix's order (incoming, active, deferred, hold, ...); a file met
 *	again in a later queue under the same inode (renamed there by qmgr or postsuper while
 *	the scan ran) is counted once, where it was first met, and in res->vanished for the
 *	later sighting.
 *
 *	msg is the file parsed by pp_qrec_read() with o->rec (NULL: envelope only); with
 *	o->rec_per_worker, o->rec is an array of o->threads options and worker w (0 to
 *	threads - 1, f->worker) reads with o->rec[w], so that headers are handed to a context
 *	of the worker's own while the others read (the callback gets f->worker to find it;
 *	o->threads must then be set);
 *	when
 *	msg->status is not PP_QREC_OK the file is corrupt and msg->error says why. For a
 *	file without a size record (maildrop) msg->size is the file size, as showq reports it.
 *	Memory does not depend on the number of files: one pp_qmsg and one read window per
 *	thread, the directory stack, and the inodes of incoming and active (bounded by the
 *	active queue's limit, at most 2 MB).
 * DIAGNOSTICS
 *	pp_qscan_run() returns -1 with err ("cannot open QUEUE_DIR/deferred: Permission
 *	denied") when a queue directory exists but cannot be opened; res->dir_errno[q] holds
 *	the errno for each queue (EACCES: the caller may fall back to postqueue -j). A queue
 *	directory that does not exist is not an error (dir_errno ENOENT, no files). Files that
 *	cannot be opened or read for another reason are counted in res->errors, the first
 *	one described in res->first_error. It returns 0 otherwise, also when o->fn stopped it
 *	(res->stopped).
 */
#ifndef PP_QUEUE_SCAN_H
#define PP_QUEUE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "queue/queue_record.h"

typedef enum pp_queue {
    PP_QUEUE_INCOMING,
    PP_QUEUE_ACTIVE,
    PP_QUEUE_DEFERRED,
    PP_QUEUE_HOLD,
    PP_QUEUE_MAILDROP,
    PP_QUEUE_CORRUPT,
    PP_QUEUE_COUNT
} pp_queue;

#define PP_QUEUE_BIT(q) (1u << (q))
#define PP_QUEUE_ALL ((1u << PP_QUEUE_COUNT) - 1)

typedef struct pp_qscan_file {
    pp_queue queue;
    const char *id;   /* the queue id: the file name */
    const char *path; /* relative to the queue directory, e.g. "deferred/6/6D5B2A721F8" */
    uint64_t file_size;
    time_t mtime;     /* for deferred files: the next retry, not the arrival */
    uid_t uid;        /* the submitting user for maildrop files */
    int worker;       /* the worker that read it, 0 to threads - 1 */
} pp_qscan_file;

typedef int (*pp_qscan_fn)(void *ctx, const pp_qscan_file *f, const pp_qmsg *msg);

typedef struct pp_qscan_opts {
    const char *queue_dir;
    unsigned queues;
    int threads;
    const pp_qrec_opts *rec;
    bool rec_per_worker; /* rec is an array of threads options, one per worker */
    pp_qscan_fn fn;
    void *ctx;
} pp_qscan_opts;

typedef struct pp_qscan_result {
    int dir_errno[PP_QUEUE_COUNT];
    unsigned long files;      /* handed to fn */
    unsigned long incomplete; /* owner bits not rwx yet: still being written */
    unsigned long ignored;    /* names that are not queue ids, symlinks, non-files */
    unsigned long vanished;
    unsigned long errors;
    char first_error[256];
    bool stopped;
} pp_qscan_result;

const char *pp_queue_name(pp_queue q);
int pp_queue_parse(const char *name, pp_queue *q);
int pp_qscan_run(const pp_qscan_opts *o, pp_qscan_result *res, char *err, size_t errlen);

#endif
