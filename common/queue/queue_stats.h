/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue_stats - queue figures as qshape makes them: per queue, per age, per domain
 * SYNOPSIS
 *	pp_qstats *pp_qstats_new(const pp_qstats_opts *o);
 *	void pp_qstats_free(pp_qstats *s);
 *	void pp_qstats_add(pp_qstats *s, pp_queue q, const pp_qmsg *m);
 *	void pp_qstats_corrupt(pp_qstats *s, pp_queue q, const char *id, const char *why);
 *	const pp_qstats_opts *pp_qstats_options(const pp_qstats *s);
 *	const pp_qstats_queue *pp_qstats_get(const pp_qstats *s, pp_queue q);
 *	int pp_qstats_bucket(const pp_qstats_opts *o, double age);
 *	void pp_qstats_bucket_label(const pp_qstats_opts *o, int b, char *out, size_t len);
 *	size_t pp_qstats_top(const pp_qstats *s, int q, pp_qstats_domain *out, size_t n);
 *	void pp_qstats_qshape(const pp_qstats *s, int width, pp_buf *out);
 *	void pp_qstats_domain_of(const char *addr, pp_buf *out);
 * DESCRIPTION
 *	pp_qstats_add() counts one parsed message (from a queue file or from showq) in queue
 *	q: messages, those of them force-expired (m->expired), pending recipients, bytes (the
 *	size mailq shows), the oldest arrival, messages per age bucket, messages older than
 *	o->older_than seconds, and per domain the addresses that qshape counts: each pending
 *	recipient (o->by_sender: the sender, once per message), and only for messages that
 *	still have a pending recipient, as qshape does. pp_qstats_corrupt() counts a file that
 *	could not be parsed, keeping the first few reasons (queue->corrupt_why).
 *
 *	pp_qstats_options() gives the options with their defaults filled in.
 *	Ages are o->now minus the T record's time. pp_qstats_bucket() gives qshape's bucket for
 *	an age in seconds: 1 below o->tick minutes, then 2 + log2(age / tick) (o->linear:
 *	1 + age / tick), at most o->buckets; pp_qstats_bucket_label() its column heading
 *	("T" for 0, the total; then the upper bound in minutes, the last one with a "+").
 *
 *	Domains are taken as qshape takes them (pp_qstats_domain_of(): lower case, the part
 *	after the last '@', ".." made ".", one leading and one trailing dot dropped, the null
 *	sender "MAILER-DAEMON"); with o->parents each address also counts for its parent
 *	domains (".example.com", never a top-level domain), which qshape shows when they have
 *	at least o->min_subdomains subdomains. The table holds at most o->max_domains names;
 *	further new names are counted under PP_QSTATS_OTHER. Memory is the table: it does
 *	not grow with the number of messages.
 *
 *	pp_qstats_top() gives the n domains with most addresses in queue q (q < 0: all
 *	queues), most first, parent domains shown as qshape shows them. pp_qstats_qshape()
 *	prints qshape's table for all the queues added, column widths for a terminal of width
 *	columns (qshape -w, at least 80), every domain, qshape's order (count, then name
 *	length; then name, where qshape's order is random). Unlike qshape, which skips files
 *	of mode 0710, the table counts force-expired messages: they are in the queue.
 */
#ifndef PP_QUEUE_STATS_H
#define PP_QUEUE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "queue/queue_record.h"
#include "queue/queue_scan.h"

#define PP_QSTATS_WHY_KEPT 5
#define PP_QSTATS_OTHER "(other domains)" /* where names beyond max_domains are counted */

typedef struct pp_qstats_opts {
    time_t now;
    long tick;           /* minutes; 0: 5 */
    int buckets;         /* 0: 10 */
    bool linear;
    bool by_sender;
    bool parents;
    long min_subdomains; /* 0: 5 */
    size_t max_domains;  /* 0: 100000 */
    double older_than;   /* seconds; messages older are counted in queue->older */
} pp_qstats_opts;

typedef struct pp_qstats_queue {
    unsigned long messages;
    unsigned long expired;   /* of messages: force-expired (postsuper -e, -f) */
    unsigned long recipients;
    uint64_t bytes;
    int64_t oldest;          /* arrival time of the oldest message, -1 when empty */
    unsigned long *bucket;   /* messages per age bucket, [1..buckets] */
    unsigned long older;     /* messages older than o->older_than (when > 0) */
    unsigned long corrupt;   /* files that could not be parsed */
    char *corrupt_why[PP_QSTATS_WHY_KEPT];
} pp_qstats_queue;

typedef struct pp_qstats_domain {
    const char *name;
    unsigned long count; /* in the queue asked for */
} pp_qstats_domain;

typedef struct pp_qstats pp_qstats;

pp_qstats *pp_qstats_new(const pp_qstats_opts *o);
void pp_qstats_free(pp_qstats *s);
const pp_qstats_opts *pp_qstats_options(const pp_qstats *s);
void pp_qstats_add(pp_qstats *s, pp_queue q, const pp_qmsg *m);
void pp_qstats_corrupt(pp_qstats *s, pp_queue q, const char *id, const char *why);
const pp_qstats_queue *pp_qstats_get(const pp_qstats *s, pp_queue q);
int pp_qstats_bucket(const pp_qstats_opts *o, double age);
void pp_qstats_bucket_label(const pp_qstats_opts *o, int b, char *out, size_t len);
size_t pp_qstats_top(const pp_qstats *s, int q, pp_qstats_domain *out, size_t n);
void pp_qstats_qshape(const pp_qstats *s, int width, pp_buf *out);
void pp_qstats_domain_of(const char *addr, pp_buf *out);

#endif
