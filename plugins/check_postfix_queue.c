/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_postfix_queue - the Postfix queue as qshape sees it, with thresholds and perfdata
 *
 * Reads the queue files themselves (common/queue/queue_scan, common/queue/queue_record) or, where the
 * queue directories are closed to the plugin's user, the same data from showq through
 * "postqueue -j" (common/queue/showq); counts per queue, age bucket and domain in
 * common/queue/queue_stats, judges, prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/opts.h"
#include "postfix/postconf.h"
#include "queue/queue_scan.h"
#include "queue/queue_stats.h"
#include "core/result.h"
#include "queue/showq.h"
#include "core/timefmt.h"

enum source { SRC_AUTO, SRC_DIRECT, SRC_SHOWQ };

/* Queues whose age is delivery delay; hold waits for a human, corrupt for ever. */
#define AGE_QUEUES                                                                          \
    (PP_QUEUE_BIT(PP_QUEUE_INCOMING) | PP_QUEUE_BIT(PP_QUEUE_ACTIVE) |                      \
     PP_QUEUE_BIT(PP_QUEUE_DEFERRED) | PP_QUEUE_BIT(PP_QUEUE_MAILDROP))
#define MAIL_QUEUES (PP_QUEUE_ALL & ~PP_QUEUE_BIT(PP_QUEUE_CORRUPT))
#define MAX_TOP 100

static pp_thresh opt_queue[PP_QUEUE_COUNT];
static pp_thresh opt_oldest, opt_older, opt_domain;
static long opt_older_than = 3600, opt_tick = 5, opt_buckets = 10, opt_min_sub = 5;
static long opt_top = 5, opt_threads = 2, opt_width = 80;
static bool opt_linear, opt_sender, opt_parents, opt_qshape, opt_perf_buckets;
static int opt_source = SRC_AUTO;

static int fn_source(const char *arg, void *dst, char *err, size_t errlen)
{
    static const char *const names[] = {"auto", "direct", "showq"};
    for (int i = 0; i < 3; i++)
        if (strcmp(arg, names[i]) == 0) {
            *(int *)dst = i;
            return 0;
        }
    return pp_errf(err, errlen, "'%s' is not a source (auto, direct, showq)", arg);
}

static const pp_opt opts[] = {
    {.name = "incoming", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[0],
     .help = "messages in the incoming queue"},
    {.name = "active", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[1],
     .help = "messages in the active queue"},
    {.name = "deferred", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[2],
     .help = "messages in the deferred queue"},
    {.name = "hold", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[3],
     .help = "messages on hold (default \"0,\": WARNING at the first held message, as held "
             "mail never leaves without postsuper -H or -d; \"--hold=,\" turns it off)"},
    {.name = "maildrop", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[4],
     .help = "messages in maildrop (waiting for pickup)"},
    {.name = "corrupt", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue[5],
     .help = "corrupt queue files: those in the corrupt directory and those this plugin "
             "cannot parse in the other queues (default \",0\": CRITICAL at the first one, as "
             "mail is being lost; \"--corrupt=,\" turns it off)"},
    {.name = "oldest", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_oldest,
     .help = "age in seconds of the oldest message in incoming, active, deferred and "
             "maildrop (hold is left out: mail waits there by design)"},
    {.name = "older-than", .arg = "SECONDS", .kind = PP_OPT_INT, .dst = &opt_older_than,
     .help = "the age that --older counts (default 3600)"},
    {.name = "older", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_older,
     .help = "messages in incoming, active, deferred and maildrop older than --older-than"},
    {.name = "domain", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_domain,
     .help = "addresses of the busiest single domain (recipients, or senders with -s; with "
             "-p parent domains too)"},
    {.name = "sender", .key = 's', .kind = PP_OPT_FLAG, .dst = &opt_sender,
     .help = "count sender domains instead of recipient domains (qshape -s)"},
    {.name = "parents", .key = 'p', .kind = PP_OPT_FLAG, .dst = &opt_parents,
     .help = "also count parent domains, shown with a leading dot (qshape -p)"},
    {.name = "min-subdomains", .key = 'm', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_min_sub,
     .help = "show a parent domain with at least N subdomains (default 5, qshape -m)"},
    {.name = "tick", .key = 'T', .arg = "MINUTES", .kind = PP_OPT_INT, .dst = &opt_tick,
     .help = "age of the first bucket (default 5, qshape -t; -t is the timeout here)"},
    {.name = "buckets", .key = 'b', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_buckets,
     .help = "number of age buckets (default 10, qshape -b)"},
    {.name = "linear", .key = 'l', .kind = PP_OPT_FLAG, .dst = &opt_linear,
     .help = "buckets of equal width instead of doubling (qshape -l)"},
    {.name = "top", .key = 'n', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_top,
     .help = "domains listed per queue in the long output (default 5, 0 for none)"},
    {.name = "perf-buckets", .kind = PP_OPT_FLAG, .dst = &opt_perf_buckets,
     .help = "perfdata for every age bucket of every queue (never one per domain)"},
    {.name = "qshape", .kind = PP_OPT_FLAG, .dst = &opt_qshape,
     .help = "print qshape's table (same layout, same numbers, but force-expired messages "
             "counted, which qshape skips) instead of the plugin output; the exit status "
             "stays the check's, judged on the queues shown (as with qshape, incoming and "
             "active when no QUEUE is named)"},
    {.name = "width", .arg = "COLUMNS", .kind = PP_OPT_INT, .dst = &opt_width,
     .help = "terminal width for --qshape (default 80, qshape -w)"},
    {.name = "source", .arg = "auto|direct|showq", .kind = PP_OPT_FUNC, .dst = &opt_source,
     .fn = fn_source,
     .help = "read the queue files (direct), ask showq through postqueue -j (showq), or read "
             "the files and fall back to showq when a queue directory is closed to this user "
             "(auto, the default); -v tells which was used"},
    {.name = "threads", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_threads,
     .help = "threads reading queue files (default 2)"},
    {0},
};

static const pp_example examples[] = {
    {"-w 500 -c 2000 --deferred=200,1000 --oldest=14400,86400",
     "all queues, the deferred queue and the oldest message (4 h WARNING, 1 day CRITICAL)"},
    {"--qshape -p deferred",
     "the deferred queue's domains with their parents, as qshape -p deferred"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_postfix_queue",
    .service = "POSTFIX_QUEUE",
    .purpose = "Checks the Postfix queue as qshape shows it: messages, recipients and bytes per "
               "queue, age buckets, oldest message, busiest domains, corrupt files; with "
               "Nagios thresholds for each and perfdata per queue.",
    .usage = "[-C config_dir] [-w RANGE] [-c RANGE] [--deferred=W,C] [--hold=W,C] "
             "[--oldest=W,C] [--older-than=SECONDS --older=W,C] [--domain=W,C] [-s] [-p] "
             "[-T MINUTES] [-b N] [-l] [--qshape] [--source=auto|direct|showq] [QUEUE...]",
    .notes = "QUEUE: incoming, active, deferred, hold, maildrop, corrupt (default: all; "
             "with --qshape, incoming and active as qshape). "
             "Ages come from the arrival time in each queue file, never from file times. "
             "The queue files are read directly when the plugin may (root, or the postfix "
             "user); NRPE's user cannot, and then postqueue -j (Postfix 3.1 or later) gives "
             "the same figures, except corrupt files, which showq does not see (with -C, "
             "postqueue run by another user than root accepts only the directories that the "
             "default main.cf lists in alternate_config_directories). Domains are "
             "counted per address, as qshape counts them, and only listed in the long output "
             "and JSON, never as perfdata. Force-expired messages (postsuper -e or -f, "
             "Postfix 3.5 and later) count in their queue, as Postfix sees them, and "
             "QUEUE_expired says how many of the queue's messages they are: on hold they "
             "stay until released or deleted.",
    .examples = examples,
    .use = PP_USE_THRESH | PP_USE_CONFDIR,
    .thresh_what = "the number of messages in all queues but corrupt",
    .opts = opts,
    .max_args = PP_QUEUE_COUNT,
};

typedef struct probe {
    pp_qstats *st;
    unsigned queues;
    enum source used;
    char why[512];       /* why showq was used */
    char queue_dir[512];
    pp_qscan_result scan;
    unsigned long showq_bad; /* lines of postqueue -j that did not parse */
    char showq_err[512];
} probe;

/* ---- options ---- */

static unsigned queue_args(const pp_common *c)
{
    unsigned mask = 0;
    pp_queue q;
    for (int i = 0; i < c->nargs; i++) {
        if (pp_queue_parse(c->args[i], &q) != 0)
            pp_die(PP_UNKNOWN, "unknown queue '%s' (incoming, active, deferred, hold, maildrop, "
                   "corrupt)", c->args[i]);
        mask |= PP_QUEUE_BIT(q);
    }
    if (mask)
        return mask;
    /* qshape's own default: the queues it shows when none is named. */
    return opt_qshape ? PP_QUEUE_BIT(PP_QUEUE_INCOMING) | PP_QUEUE_BIT(PP_QUEUE_ACTIVE)
                      : PP_QUEUE_ALL;
}

static void check_numbers(void)
{
    if (opt_tick < 1 || opt_buckets < 1 || opt_buckets > 100 || opt_min_sub < 1 ||
        opt_top < 0 || opt_top > MAX_TOP || opt_threads < 1 || opt_threads > 16 ||
        opt_older_than < 0)
        pp_die(PP_UNKNOWN, "out of range: --tick and --min-subdomains must be at least 1, "
               "--buckets 1-100, --top 0-%d, --threads 1-16, --older-than not negative",
               MAX_TOP);
}

/* ---- probe ---- */

static int add_file(void *ctx, const pp_qscan_file *f, const pp_qmsg *m)
{
    probe *p = ctx;
    if (m->status == PP_QREC_OK)
        pp_qstats_add(p->st, f->queue, m);
    else
        pp_qstats_corrupt(p->st, f->queue, f->path, m->error);
    return 0;
}

/* 0 done, 1 a queue directory is closed to us (p->why says which), -1 other errors. */
static int probe_direct(const pp_common *c, probe *p, char *err, size_t errlen)
{
    pp_postconf *pc = pp_postconf_new(c->config_dir);
    const char *dir = pp_postconf_get(pc, "queue_directory", err, errlen);
    if (!dir) {
        pp_postconf_free(pc);
        return -1;
    }
    snprintf(p->queue_dir, sizeof p->queue_dir, "%s", dir);
    pp_postconf_free(pc);
    pp_qscan_opts o = {.queue_dir = p->queue_dir, .queues = p->queues,
                       .threads = (int)opt_threads, .fn = add_file, .ctx = p};
    if (pp_qscan_run(&o, &p->scan, err, errlen) == 0)
        return 0;
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        if (p->scan.dir_errno[q] == EACCES || p->scan.dir_errno[q] == EPERM) {
            snprintf(p->why, sizeof p->why, "%s", err);
            return 1;
        }
    return -1;
}

static int probe_showq(const pp_common *c, probe *p, char *err, size_t errlen)
{
    pp_showq_msg m;
    pp_queue q;
    int rc;
    pp_showq *sq = pp_showq_open(c->config_dir, err, errlen);
    if (!sq)
        return -1;
    pp_showq_msg_init(&m);
    while ((rc = pp_showq_next(sq, &m, err, errlen)) != 0) {
        if (rc < 0) {
            if (!p->showq_bad++)
                snprintf(p->showq_err, sizeof p->showq_err, "%s", err);
        } else if (pp_queue_parse(m.queue, &q) == 0 && (p->queues & PP_QUEUE_BIT(q))) {
            pp_qstats_add(p->st, q, &m.q);
        }
    }
    pp_showq_msg_free(&m);
    return pp_showq_close(sq, err, errlen);
}

static void run_probe(const pp_common *c, probe *p)
{
    char err[512];
    int rc = 1;
    p->used = SRC_DIRECT;
    if (opt_source != SRC_SHOWQ && (rc = probe_direct(c, p, err, sizeof err)) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (rc == 1 && opt_source == SRC_DIRECT)
        pp_die(PP_UNKNOWN, "%s (run as root or the postfix user, or use --source=showq)",
               p->why);
    if (rc == 0)
        return;
    p->used = SRC_SHOWQ;
    if (probe_showq(c, p, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s%s%s", err, p->why[0] ? "; and directly: " : "", p->why);
}

/* ---- judge ---- */

/* The OpenMetrics families (core/metrics.h). postfix_exporter's postfix_showq_message_*
 * are histograms of single messages; these are per-queue totals, so they have their own names. */
static const pp_family fam_messages = {"postfix_queue_messages", PP_GAUGE,
                                       "messages in the queue", 0};
static const pp_family fam_recipients = {"postfix_queue_recipients", PP_GAUGE,
                                         "recipients of the messages in the queue", 0};
static const pp_family fam_size = {"postfix_queue_size_bytes", PP_GAUGE,
                                   "size of the queue files in the queue", 0};
static const pp_family fam_oldest = {"postfix_queue_oldest_message_age_seconds", PP_GAUGE,
                                     "age of the oldest message in the queue (0 when empty)", 0};
static const pp_family fam_expired = {"postfix_queue_expired_messages", PP_GAUGE,
                                      "messages force-expired (postsuper -e) in the queue", 0};
static const pp_family fam_age = {"postfix_queue_age_messages", PP_GAUGE,
                                  "messages by age as qshape buckets them: age below the "
                                  "bound in minutes and at or above the previous one", 0};
static const pp_family fam_corrupt = {"postfix_queue_corrupt_files", PP_GAUGE,
                                      "unreadable or malformed queue files, all queues", 0};
static const pp_family fam_older = {"postfix_queue_older_messages", PP_GAUGE,
                                    "messages in incoming, active and deferred older than "
                                    "--older-than (label age_seconds)", 0};
static const pp_family fam_total = {"postfix_queue_total_messages", PP_GAUGE,
                                    "messages in the queues the check judges (-q)", 0};
static const pp_family fam_busiest = {"postfix_queue_busiest_domain_addresses", PP_GAUGE,
                                      "addresses of the busiest domain in the queues", 0};

static void perf(pp_result *r, const char *label, double v, const char *uom, const pp_thresh *t,
                 const pp_family *f, const char *mlabels)
{
    pp_perf p = pp_perf_make(label, v, uom);
    if (t)
        pp_perf_thresh(&p, t);
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, f, mlabels);
    pp_result_perf(r, &p);
}

static const char *plural(unsigned long n)
{
    return n == 1 ? "" : "s";
}

static void fmt_bytes(uint64_t b, char *out, size_t len)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = (double)b;
    int u = 0;
    while (v >= 1024 && u < 4)
        v /= 1024, u++;
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* A message that arrived after the scan began (now is taken first) is 0 s old, not -1. */
static double age_of(const pp_qstats *st, int64_t arrival)
{
    double age = arrival < 0 ? 0 : difftime(pp_qstats_options(st)->now, (time_t)arrival);
    return age > 0 ? age : 0;
}

static void queue_domains(pp_result *r, const probe *p, pp_queue q)
{
    pp_qstats_domain top[MAX_TOP];
    size_t n = pp_qstats_top(p->st, (int)q, top, (size_t)opt_top);
    if (n == 0)
        return;
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        pp_buf_printf(&b, "%s%s %lu", i ? ", " : "", top[i].name, top[i].count);
    pp_result_add(r, PP_OK, "%s top %s domains: %s", pp_queue_name(q),
                  opt_sender ? "sender" : "recipient", b.s);
    pp_buf_free(&b);
}

static void queue_buckets(pp_result *r, pp_sub *sub, const probe *p, pp_queue q)
{
    const pp_qstats_opts *o = pp_qstats_options(p->st);
    const pp_qstats_queue *qq = pp_qstats_get(p->st, q);
    pp_buf b;
    char head[32], label[64], mlabels[96];
    pp_buf_init(&b);
    for (int i = 1; i <= o->buckets; i++) {
        pp_qstats_bucket_label(o, i, head, sizeof head);
        pp_buf_printf(&b, "%s%s:%lu", i > 1 ? " " : "", head, qq->bucket[i]);
        if (!opt_perf_buckets)
            continue;
        snprintf(label, sizeof label, "%s_age_%s", pp_queue_name(q), head);
        snprintf(mlabels, sizeof mlabels, "queue=\"%s\",minutes=\"%s\"", pp_queue_name(q), head);
        perf(r, label, (double)qq->bucket[i], "", NULL, &fam_age, mlabels);
    }
    pp_sub_detail(sub, "messages by age in minutes (below the bound): %s", b.s);
    pp_buf_free(&b);
}

static void judge_queue(pp_result *r, const probe *p, pp_queue q)
{
    const pp_qstats_queue *qq = pp_qstats_get(p->st, q);
    const char *name = pp_queue_name(q);
    char size[32], age[32], label[64], ml[64];
    double oldest = age_of(p->st, qq->oldest);

    fmt_bytes(qq->bytes, size, sizeof size);
    pp_timefmt_age(oldest, age, sizeof age);
    char expired[48] = "";
    if (qq->expired)
        snprintf(expired, sizeof expired, " (%lu force-expired)", qq->expired);
    pp_state st = pp_thresh_judge(&opt_queue[q], (double)qq->messages);
    pp_sub *sub = qq->messages ? pp_result_add(r, st, "%s: %lu message%s%s, %lu recipient%s, "
                                               "%s, oldest %s", name, qq->messages,
                                               plural(qq->messages), expired, qq->recipients,
                                               plural(qq->recipients), size, age)
                               : pp_result_add(r, st, "%s: 0 messages", name);
    snprintf(ml, sizeof ml, "queue=\"%s\"", name);
    perf(r, name, (double)qq->messages, "", &opt_queue[q], &fam_messages, ml);
    snprintf(label, sizeof label, "%s_recipients", name);
    perf(r, label, (double)qq->recipients, "", NULL, &fam_recipients, ml);
    snprintf(label, sizeof label, "%s_size", name);
    perf(r, label, (double)qq->bytes, "B", NULL, &fam_size, ml);
    snprintf(label, sizeof label, "%s_oldest", name);
    perf(r, label, oldest, "s", (AGE_QUEUES & PP_QUEUE_BIT(q)) ? &opt_oldest : NULL,
         &fam_oldest, ml);
    snprintf(label, sizeof label, "%s_expired", name);
    perf(r, label, (double)qq->expired, "", NULL, &fam_expired, ml);
    queue_buckets(r, sub, p, q);
    queue_domains(r, p, q);
}

static void judge_corrupt(pp_result *r, const probe *p)
{
    unsigned long n = 0;
    if (p->used == SRC_SHOWQ) {
        pp_result_add(r, PP_OK, "corrupt: not visible through postqueue -j");
        return;
    }
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        n += pp_qstats_get(p->st, q)->corrupt;
    if (p->queues & PP_QUEUE_BIT(PP_QUEUE_CORRUPT))
        n += pp_qstats_get(p->st, PP_QUEUE_CORRUPT)->messages;
    pp_sub *sub = pp_result_add(r, pp_thresh_judge(&opt_queue[PP_QUEUE_CORRUPT], (double)n),
                                "corrupt: %lu file%s", n, plural(n));
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        for (int i = 0; i < PP_QSTATS_WHY_KEPT; i++)
            if (pp_qstats_get(p->st, q)->corrupt_why[i])
                pp_sub_detail(sub, "%s", pp_qstats_get(p->st, q)->corrupt_why[i]);
    perf(r, "corrupt", (double)n, "", &opt_queue[PP_QUEUE_CORRUPT],
         &fam_corrupt, NULL);
}

static void judge_ages(pp_result *r, const probe *p)
{
    int64_t oldest = -1;
    pp_queue where = PP_QUEUE_DEFERRED;
    unsigned long older = 0;
    char age[32], ml[64];
    for (int q = 0; q < PP_QUEUE_COUNT; q++) {
        const pp_qstats_queue *qq = pp_qstats_get(p->st, q);
        if (!(p->queues & AGE_QUEUES & PP_QUEUE_BIT(q)))
            continue;
        older += qq->older;
        if (qq->oldest >= 0 && (oldest < 0 || qq->oldest < oldest))
            oldest = qq->oldest, where = (pp_queue)q;
    }
    pp_timefmt_age(age_of(p->st, oldest), age, sizeof age);
    if (oldest >= 0)
        pp_result_add(r, pp_thresh_judge(&opt_oldest, age_of(p->st, oldest)),
                      "oldest message %s (%s)", age, pp_queue_name(where));
    pp_timefmt_age((double)opt_older_than, age, sizeof age);
    pp_result_add(r, pp_thresh_judge(&opt_older, (double)older), "%lu message%s older than %s",
                  older, plural(older), age);
    snprintf(ml, sizeof ml, "age_seconds=\"%ld\"", opt_older_than);
    perf(r, "older", (double)older, "", &opt_older, &fam_older, ml);
}

static void judge_domain(pp_result *r, const probe *p)
{
    pp_qstats_domain top[2];
    size_t n = pp_qstats_top(p->st, -1, top, 2);
    const pp_qstats_domain *d = n && strcmp(top[0].name, PP_QSTATS_OTHER) ? &top[0]
                                : n > 1                                    ? &top[1]
                                                                           : NULL;
    unsigned long count = d ? d->count : 0;
    if (d)
        pp_result_add(r, pp_thresh_judge(&opt_domain, (double)count), "busiest %s domain %s: "
                      "%lu %s", opt_sender ? "sender" : "recipient", d->name, count,
                      opt_sender ? "messages" : "recipients");
    perf(r, "busiest_domain", (double)count, "", &opt_domain,
         &fam_busiest, NULL);
}

/* The total, the source (-v) and the summary line. */
static void judge_total(pp_result *r, const probe *p, const pp_common *c)
{
    unsigned long total = 0;
    pp_buf parts;
    pp_buf_init(&parts);
    for (int q = 0; q < PP_QUEUE_COUNT; q++) {
        unsigned long n = pp_qstats_get(p->st, q)->messages;
        if (!(MAIL_QUEUES & PP_QUEUE_BIT(q)) || !(p->queues & PP_QUEUE_BIT(q)))
            continue;
        total += n;
        if (n)
            pp_buf_printf(&parts, "%s%s %lu", parts.len ? ", " : "", pp_queue_name(q), n);
    }
    pp_sub *sub = pp_result_add(r, pp_thresh_judge(&c->thresh, (double)total),
                                "%lu message%s in the queue", total, plural(total));
    if (p->used == SRC_DIRECT)
        pp_sub_detail(sub, "source: the queue files under %s (%ld threads; %lu files, %lu not "
                      "complete yet, %lu gone while scanning, %lu ignored)", p->queue_dir,
                      opt_threads, p->scan.files, p->scan.incomplete, p->scan.vanished,
                      p->scan.ignored);
    else
        pp_sub_detail(sub, "source: showq through postqueue -j%s%s", p->why[0] ? ", because " : "",
                      p->why);
    perf(r, "total", (double)total, "", &c->thresh, &fam_total, NULL);
    if (p->scan.errors)
        pp_result_add(r, PP_UNKNOWN, "%lu queue files could not be read (%s)", p->scan.errors,
                      p->scan.first_error);
    if (p->showq_bad)
        pp_result_add(r, PP_UNKNOWN, "%lu lines of postqueue -j not understood (%s)",
                      p->showq_bad, p->showq_err);
    if (total)
        pp_result_summary(r, "%lu message%s (%s)", total, plural(total), parts.s);
    else
        pp_result_summary(r, "queue empty");
    pp_buf_free(&parts);
}

static void judge(pp_result *r, const probe *p, const pp_common *c)
{
    judge_total(r, p, c);
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        if ((p->queues & MAIL_QUEUES & PP_QUEUE_BIT(q)))
            judge_queue(r, p, (pp_queue)q);
    judge_corrupt(r, p);
    judge_ages(r, p);
    judge_domain(r, p);
}

static _Noreturn void print_qshape(const pp_result *r, const probe *p)
{
    pp_buf out;
    pp_buf_init(&out);
    pp_qstats_qshape(p->st, (int)opt_width, &out);
    fputs(out.s, stdout);
    exit((int)pp_result_state(r));
}

int main(int argc, char **argv)
{
    pp_common c;
    probe p = {0};
    char err[128];

    pp_thresh_parse("0,", &opt_queue[PP_QUEUE_HOLD], err, sizeof err);
    pp_thresh_parse(",0", &opt_queue[PP_QUEUE_CORRUPT], err, sizeof err);
    pp_opts_parse(&plugin, argc, argv, &c);
    check_numbers();
    p.queues = queue_args(&c);
    pp_qstats_opts so = {.now = time(NULL), .tick = opt_tick, .buckets = (int)opt_buckets,
                         .linear = opt_linear, .by_sender = opt_sender, .parents = opt_parents,
                         .min_subdomains = opt_min_sub, .older_than = (double)opt_older_than};
    p.st = pp_qstats_new(&so);

    run_probe(&c, &p);

    pp_result *r = pp_result_new();
    judge(r, &p, &c);
    if (opt_qshape)
        print_qshape(r, &p);
    pp_qstats_free(p.st);
    pp_result_exit(r);
}
