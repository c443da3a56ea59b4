/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pfqueue - the Postfix queue one message a line, filtered, counted, and acted upon
 *
 * Lists each queued message with its envelope and the headers an operator looks at, read
 * from the queue files in one pass (common/queue/queue_scan, common/queue/queue_view), or through
 * "postqueue -j" where the files cannot be read (common/queue/showq). PCRE2 filters select
 * messages; --stat counts them by sender, recipient and relay; --hold, --release,
 * --requeue and --delete hand exactly the selected queue ids to postsuper on its stdin,
 * after a dry run unless --yes is given. The ids are kept in an unlinked temporary file,
 * not in memory, and postsuper only runs once the scan is over, so that a message moved
 * by the action is not seen twice.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/listing.h"
#include "core/opts.h"
#include "postfix/postconf.h"
#include "queue/queue_scan.h"
#include "queue/queue_view.h"
#include "core/result.h"
#include "queue/showq.h"
#include "core/spawn.h"
#include "core/stat_table.h"
#include "core/timefmt.h"
#include "core/timeout.h"

#define SCAN_QUEUES                                                                          \
    (PP_QUEUE_BIT(PP_QUEUE_INCOMING) | PP_QUEUE_BIT(PP_QUEUE_ACTIVE) |                       \
     PP_QUEUE_BIT(PP_QUEUE_DEFERRED) | PP_QUEUE_BIT(PP_QUEUE_HOLD) |                         \
     PP_QUEUE_BIT(PP_QUEUE_MAILDROP))

/* ---- options ---- */

typedef enum action { ACT_NONE, ACT_HOLD, ACT_RELEASE, ACT_REQUEUE, ACT_DELETE } action;

static const char *opt_from, *opt_to, *opt_from_or_to, *opt_relay, *opt_subject, *opt_queue;
static double opt_older = -1;
static bool opt_stat, opt_yes, opt_postqueue, opt_no_header, opt_json, opt_utc, opt_expired;
static bool opt_act[5];
static long opt_threads = 2;

#define MAX_THREADS 16

static int fn_age(const char *arg, void *dst, char *err, size_t errlen)
{
    static const struct {
        char unit;
        double secs;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    double mult = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (end[0] == units[i].unit && end[1] == '\0')
            mult = units[i].secs;
    double age = v * (*end ? mult : 1);
    /* Over a century is no age a queue file has, and would not fit a time_t cutoff. */
    if (end == arg || errno || v < 0 || (*end && mult == 0) || v != v || age > 3.2e9)
        return pp_errf(err, errlen, "'%s' is not an age like 90s, 30m, 12h, 2d or 1w", arg);
    *(double *)dst = age;
    return 0;
}

static const pp_opt opts[] = {
    {.name = "from", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_from,
     .help = "the envelope sender or the From: header matches REGEX (the null sender is the "
             "empty string: '^$')"},
    {.name = "to", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_to,
     .help = "one of the envelope recipients still to deliver, or the To: header, matches REGEX"},
    {.name = "from-or-to", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_from_or_to,
     .help = "--from or --to matches REGEX"},
    {.name = "relay", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_relay,
     .help = "the first external Received: from-clause (helo (name [address])) matches REGEX"},
    {.name = "subject", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_subject,
     .help = "the Subject: header (RFC 2047 words decoded) matches REGEX"},
    {.name = "queue", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_queue,
     .help = "the queue name (incoming, active, deferred, hold, maildrop) matches REGEX"},
    {.name = "older-than", .arg = "AGE", .kind = PP_OPT_FUNC, .dst = &opt_older, .fn = fn_age,
     .help = "arrived more than AGE ago: a number of seconds or with a unit s, m, h, d, w"},
    {.name = "expired", .kind = PP_OPT_FLAG, .dst = &opt_expired,
     .help = "force-expired by postsuper -e or -f (flag \"expired\"; on hold such a message "
             "stays until released or deleted)"},
    {.name = "stat", .kind = PP_OPT_FLAG, .dst = &opt_stat,
     .help = "print counts by sender, recipient and relay instead of the messages"},
    {.name = "hold", .kind = PP_OPT_FLAG, .dst = &opt_act[ACT_HOLD],
     .help = "put the selected messages on hold (postsuper -h)"},
    {.name = "release", .kind = PP_OPT_FLAG, .dst = &opt_act[ACT_RELEASE],
     .help = "release the selected messages from hold (postsuper -H)"},
    {.name = "requeue", .kind = PP_OPT_FLAG, .dst = &opt_act[ACT_REQUEUE],
     .help = "requeue the selected messages (postsuper -r)"},
    {.name = "delete", .kind = PP_OPT_FLAG, .dst = &opt_act[ACT_DELETE],
     .help = "delete the selected messages (postsuper -d)"},
    {.name = "yes", .key = 'y', .kind = PP_OPT_FLAG, .dst = &opt_yes,
     .help = "do the action; without it the selected messages are only listed"},
    {.name = "postqueue", .kind = PP_OPT_FLAG, .dst = &opt_postqueue,
     .help = "read the queue through postqueue -j, as when the queue files are not readable "
             "(no headers then: From:, To:, Subject:, Date: and relay are empty)"},
    {.name = "threads", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_threads,
     .help = "threads reading queue files (default 2, at most 16); the order of the lines "
             "is then not the order of the queue directories"},
    PP_LISTING_OPTIONS(&opt_json, &opt_no_header, &opt_utc,
                       "arrival times in UTC, ISO 8601 (as always in json) instead of local time"),
    {0},
};

static const pp_example examples[] = {
    {"--to '@example\\.org$' --older-than 2d",
     "the messages for example.org waiting more than two days"},
    {"--from '^spammer@' --hold",
     "what --hold would put on hold (a dry run); add --yes to do it"},
    {"--stat --format json",
     "the count and size of every queue, as JSON"},
    {0},
};

static const pp_plugin tool = {
    .name = "pfqueue",
    .service = "PFQUEUE",
    .purpose = "Lists the Postfix queue one message a line (queue id, queue, arrival, size, "
               "sender, recipients, From:, To:, Subject:, Date:, relay, flags), selects messages "
               "with regular expressions, counts them, and holds, releases, requeues or "
               "deletes exactly the selected ones through postsuper.",
    .usage = "[-C DIR] [--from RE] [--to RE] [--from-or-to RE] [--relay RE] [--subject RE] "
             "[--queue RE] [--older-than AGE] [--expired] [--threads N] "
             "[--stat | --hold | --release | --requeue | --delete [--yes]] [--format tsv|json]",
    .notes = "Filters are PCRE2 regular expressions, case-insensitive and unanchored; all "
             "the given filters must match. The flags column says \"expired\" for a message "
             "force-expired by postsuper -e or -f (json: \"forced_expire\", as postqueue -j), "
             "else \"-\". An action needs at least one filter and by "
             "default is a dry run that lists what it would act on; --yes acts. postsuper "
             "acts on whole messages: all their recipients. The queue files are read "
             "directly when they can be (root); otherwise through postqueue -j, which gives "
             "no headers, so --relay and --subject then refuse to run. -t limits the reading "
             "of the queue, never the action, which postsuper always completes; postsuper's "
             "count of the messages it changed is shown, and a line says so when it is not "
             "the number selected. Errors print one line "
             "and exit 3; success exits 0.",
    .examples = examples,
    .use = PP_USE_CONFDIR | PP_USE_TOOL,
    .opts = opts,
    .max_args = 0,
    .default_timeout = 600,
};

/* ---- filters ---- */

typedef struct filter {
    pcre2_code *from, *to, *either, *relay, *subject, *queue;
    pcre2_match_data *md;
    time_t cutoff; /* arrived before: selected; 0: no age filter */
} filter;

static bool match(const filter *f, const pcre2_code *re, const char *s)
{
    return pp_listing_match(re, f->md, s, strlen(s));
}

static bool match_any(const filter *f, const pcre2_code *re, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (match(f, re, v[i]))
            return true;
    return false;
}

/* A message as both sources give it; header fields are "" when unknown. */
typedef struct row {
    const char *queue, *id; /* m->expired: force-expired */
    const pp_qmsg *m;
    const pp_qview *v;
} row;

static const char *field(const pp_buf *b)
{
    return pp_buf_str(b);
}

static bool from_matches(const filter *f, const pcre2_code *re, const row *r)
{
    return match(f, re, r->m->sender) || match(f, re, field(&r->v->from));
}

static bool to_matches(const filter *f, const pcre2_code *re, const row *r)
{
    return match_any(f, re, r->m->rcpt, r->m->nrcpt) || match(f, re, field(&r->v->to));
}

static bool selected(const filter *f, const row *r)
{
    return (!f->queue || match(f, f->queue, r->queue)) &&
           (!opt_expired || r->m->expired) && (!f->cutoff || r->m->arrival < f->cutoff) &&
           (!f->from || from_matches(f, f->from, r)) && (!f->to || to_matches(f, f->to, r)) &&
           (!f->either || from_matches(f, f->either, r) || to_matches(f, f->either, r)) &&
           (!f->relay || match(f, f->relay, field(&r->v->relay))) &&
           (!f->subject || match(f, f->subject, field(&r->v->subject)));
}

static void filter_init(filter *f)
{
    f->from = pp_listing_regex("from", opt_from);
    f->to = pp_listing_regex("to", opt_to);
    f->either = pp_listing_regex("from-or-to", opt_from_or_to);
    f->relay = pp_listing_regex("relay", opt_relay);
    f->subject = pp_listing_regex("subject", opt_subject);
    f->queue = pp_listing_regex("queue", opt_queue);
    f->md = pcre2_match_data_create(1, NULL);
    f->cutoff = opt_older >= 0 ? time(NULL) - (time_t)opt_older : 0;
    if (opt_older == 0)
        f->cutoff = time(NULL) + 1; /* --older-than 0: everything already queued */
}

static bool any_filter(void)
{
    return opt_from || opt_to || opt_from_or_to || opt_relay || opt_subject || opt_queue ||
           opt_older >= 0 || opt_expired;
}

static void filter_free(filter *f)
{
    pcre2_code *all[] = {f->from, f->to, f->either, f->relay, f->subject, f->queue};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        pcre2_code_free(all[i]);
    pcre2_match_data_free(f->md);
}

/* ---- output ---- */

static const char *const columns[] = {"queue_id", "queue",      "arrival", "size",
                                      "sender",   "recipients", "from",    "to",
                                      "subject",  "date",       "relay",   "flags"};

/* The tsv column names, before the first message. */
static void print_header(void)
{
    static bool done;
    if (done || opt_json || opt_no_header)
        return;
    done = true;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        printf("%s%s", i ? "\t" : "#", columns[i]);
    putchar('\n');
}

static void print_row(const row *r, pp_buf *line)
{
    char when[32];
    pp_timefmt_stamp(r->m->arrival, opt_utc || opt_json, when, sizeof when);
    const char *texts[] = {field(&r->v->from), field(&r->v->to), field(&r->v->subject),
                           field(&r->v->date), field(&r->v->relay)};

    pp_buf_reset(line);
    if (opt_json) {
        pp_buf_puts(line, "{\"queue_id\": ");
        pp_json_str(line, r->id);
        pp_buf_puts(line, ", \"queue\": ");
        pp_json_str(line, r->queue);
        pp_buf_printf(line, ", \"arrival_time\": %lld, \"arrival\": \"%s\", \"size\": %lld, "
                            "\"sender\": ",
                      (long long)r->m->arrival, when, (long long)r->m->size);
        pp_json_str(line, r->m->sender);
        pp_buf_puts(line, ", \"recipients\": [");
        for (size_t i = 0; i < r->m->nrcpt; i++) {
            pp_buf_puts(line, i ? ", " : "");
            pp_json_str(line, r->m->rcpt[i]);
        }
        pp_buf_putc(line, ']');
        for (size_t i = 0; i < 5; i++) {
            pp_buf_printf(line, ", \"%s\": ", columns[6 + i]);
            pp_json_str(line, texts[i]);
        }
        pp_buf_printf(line, ", \"forced_expire\": %s}\n", r->m->expired ? "true" : "false");
    } else {
        pp_buf_printf(line, "%s\t%s\t%s\t%lld\t", r->id, r->queue, when, (long long)r->m->size);
        pp_qview_tsv(line, r->m->sender[0] ? r->m->sender : "<>");
        pp_buf_putc(line, '\t');
        if (r->m->nrcpt == 0)
            pp_buf_putc(line, '-');
        for (size_t i = 0; i < r->m->nrcpt; i++) {
            pp_buf_puts(line, i ? "," : "");
            pp_qview_tsv(line, r->m->rcpt[i]);
        }
        for (size_t i = 0; i < 5; i++) {
            pp_buf_putc(line, '\t');
            pp_qview_tsv(line, texts[i]);
        }
        pp_buf_puts(line, r->m->expired ? "\texpired\n" : "\t-\n");
    }
    fwrite(line->s, 1, line->len, stdout);
}

/* ---- the run ---- */

typedef struct run {
    filter f;
    pp_qview view[MAX_THREADS]; /* the headers each scan worker reads (view[0]: showq's) */
    pp_qrec_opts rec[MAX_THREADS];
    pp_buf line;
    pp_stat_table *stats[3]; /* by sender, recipient, relay */
    FILE *ids;              /* selected ids, for postsuper */
    unsigned long selected, seen, corrupt;
} run;

static void take(run *st, const row *r)
{
    st->seen++;
    if (!selected(&st->f, r))
        return;
    st->selected++;
    if (opt_stat) {
        pp_stat_add(st->stats[0], r->m->sender[0] ? r->m->sender : "<>", 1);
        for (size_t i = 0; i < r->m->nrcpt; i++)
            pp_stat_add(st->stats[1], r->m->rcpt[i], 1);
        if (!opt_postqueue)
            pp_stat_add(st->stats[2], r->v->relay.len ? field(&r->v->relay) : "-", 1);
    } else {
        print_header();
        print_row(r, &st->line);
    }
    if (st->ids && fprintf(st->ids, "%s\n", r->id) < 0)
        pp_die(PP_UNKNOWN, "cannot write the list of queue ids: %s", strerror(errno));
}

/* Each file starts with an empty view: none of the last file's headers stay. */
static void view_begin(void *v)
{
    pp_qview_reset(v);
}

static int on_file(void *ctx, const pp_qscan_file *f, const pp_qmsg *m)
{
    run *st = ctx;
    if (m->status != PP_QREC_OK) {
        st->corrupt++;
        fprintf(stderr, "pfqueue: %s: %s (left alone)\n", f->path, m->error);
    } else {
        row r = {pp_queue_name(f->queue), f->id, m, &st->view[f->worker]};
        take(st, &r);
    }
    return 0;
}

/* The queues --queue can select: the others are not even opened. */
static unsigned queues_wanted(const filter *f)
{
    unsigned mask = 0;
    for (int q = 0; q < PP_QUEUE_COUNT; q++)
        if ((SCAN_QUEUES & PP_QUEUE_BIT(q)) && (!f->queue || match(f, f->queue, pp_queue_name(q))))
            mask |= PP_QUEUE_BIT(q);
    return mask;
}

/* Reads the queue files; returns -1 when they cannot be read, for the postqueue fallback. */
static int scan_files(run *st, const char *config_dir)
{
    char err[512];
    pp_qscan_result res;
    pp_postconf *pc = pp_postconf_new(config_dir);
    const char *dir = pp_postconf_get(pc, "queue_directory", err, sizeof err);
    if (!dir)
        pp_die(PP_UNKNOWN, "%s", err);
    for (long i = 0; i < opt_threads; i++)
        st->rec[i] = (pp_qrec_opts){.header = pp_qview_header, .header_ctx = &st->view[i],
                                    .begin = view_begin};
    /* Each worker reads headers into a view of its own; on_file takes the one that read. */
    pp_qscan_opts o = {.queue_dir = dir, .queues = queues_wanted(&st->f),
                       .threads = (int)opt_threads, .rec = st->rec, .rec_per_worker = true,
                       .fn = on_file, .ctx = st};
    int rc = pp_qscan_run(&o, &res, err, sizeof err);
    if (rc != 0) {
        bool denied = false;
        for (int q = 0; q < PP_QUEUE_COUNT; q++)
            denied |= res.dir_errno[q] == EACCES;
        if (!denied || st->seen > 0)
            pp_die(PP_UNKNOWN, "%s", err);
        fprintf(stderr, "pfqueue: %s; reading the queue through postqueue -j instead\n", err);
    } else {
        if (res.errors)
            fprintf(stderr, "pfqueue: %lu queue files could not be read, the first: %s\n",
                    res.errors, res.first_error);
        if (pp_output_verbose())
            fprintf(stderr, "pfqueue: source: queue files in %s: %lu read, %lu incomplete, "
                            "%lu vanished, %lu corrupt\n",
                    dir, res.files, res.incomplete, res.vanished, st->corrupt);
    }
    pp_postconf_free(pc);
    return rc;
}

static void scan_showq(run *st, const char *config_dir)
{
    char err[512];
    pp_showq_msg m;
    unsigned long bad = 0;
    pp_showq *sq = pp_showq_open(config_dir, err, sizeof err);
    if (!sq)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_showq_msg_init(&m);
    pp_qview_reset(&st->view[0]);
    int rc;
    while ((rc = pp_showq_next(sq, &m, err, sizeof err)) != 0) {
        if (rc < 0) {
            if (bad++ == 0)
                fprintf(stderr, "pfqueue: %s (left alone)\n", err);
            continue;
        }
        row r = {m.queue, m.id, &m.q, &st->view[0]};
        take(st, &r);
    }
    if (pp_showq_close(sq, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (bad > 1)
        fprintf(stderr, "pfqueue: %lu malformed postqueue -j lines in all\n", bad);
    if (pp_output_verbose())
        fprintf(stderr, "pfqueue: source: postqueue -j: %lu messages\n", st->seen);
    pp_showq_msg_free(&m);
}

static void print_stats(run *st)
{
    static const char *const kinds[] = {"sender", "recipient", "relay"};
    if (!opt_json && !opt_no_header)
        printf("#kind\tcount\tvalue\n");
    for (int k = 0; k < 3; k++) {
        size_t n;
        const pp_stat_entry *e = pp_stat_sorted(st->stats[k], &n);
        for (size_t i = 0; i < n; i++) {
            pp_buf_reset(&st->line);
            if (opt_json) {
                pp_buf_printf(&st->line, "{\"kind\": \"%s\", \"count\": %llu, \"value\": ",
                              kinds[k], (unsigned long long)e[i].count);
                pp_json_str(&st->line, e[i].key);
                pp_buf_puts(&st->line, "}\n");
            } else {
                pp_buf_printf(&st->line, "%s\t%llu\t", kinds[k], (unsigned long long)e[i].count);
                pp_qview_tsv(&st->line, e[i].key);
                pp_buf_putc(&st->line, '\n');
            }
            fwrite(st->line.s, 1, st->line.len, stdout);
        }
    }
}

/* "postsuper: 3F2A1B: removed", the line postsuper writes for each message it acts on */
static bool per_message(const char *line, size_t n)
{
    static const char prefix[] = "postsuper: ";
    static const char *const verbs[] = {"placed on hold", "released from hold", "requeued",
                                        "removed"};
    size_t p = sizeof prefix - 1, id = 0;
    if (n <= p || strncmp(line, prefix, p) != 0)
        return false;
    while (p + id < n && isalnum((unsigned char)line[p + id]))
        id++;
    if (id == 0 || p + id + 2 > n || line[p + id] != ':' || line[p + id + 1] != ' ')
        return false;
    const char *verb = line + p + id + 2;
    size_t vlen = n - (p + id + 2);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (vlen == strlen(verbs[i]) && memcmp(verb, verbs[i], vlen) == 0)
            return true;
    return false;
}

/*
 * postsuper's report (stderr) for the user: its summary ("postsuper: Deleted: 3 messages")
 * and any warning; its line for each message only with -v, as the listing names them.
 */
static void print_report(const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (!per_message(text, n) || pp_output_verbose())
            fprintf(stderr, "%.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

/* The count in postsuper's summary line ("postsuper: Placed on hold: 3 messages"), or -1. */
static long postsuper_count(const char *report, const char *summary)
{
    char want[64];
    long n = -1;
    snprintf(want, sizeof want, "postsuper: %s: ", summary);
    for (const char *p = report; (p = strstr(p, want)); p++)
        if (p == report || p[-1] == '\n')
            n = strtol(p + strlen(want), NULL, 10);
    return n;
}

/*
 * Hands the selected ids to postsuper and shows its report. The -t limit was for reading
 * the queue: it is lifted first, so that the action is never killed half-way.
 */
static void act(run *st, action a, const char *config_dir)
{
    static const char *const flag[] = {NULL, "-h", "-H", "-r", "-d"};
    static const char *const done[] = {NULL, "put on hold", "released", "requeued", "deleted"};
    static const char *const summary[] = {NULL, "Placed on hold", "Released from hold",
                                          "Requeued", "Deleted"};
    char err[512];
    pp_buf report;
    pp_child c;

    if (st->selected == 0) {
        fprintf(stderr, "pfqueue: no message selected, nothing %s\n", done[a]);
        return;
    }
    if (!opt_yes) {
        fprintf(stderr, "pfqueue: dry run: %lu messages would be %s; add --yes to do it\n",
                st->selected, done[a]);
        return;
    }
    if (fflush(st->ids) != 0 || fseek(st->ids, 0, SEEK_SET) != 0)
        pp_die(PP_UNKNOWN, "cannot write the list of queue ids: %s", strerror(errno));
    const char *argv[] = {"postsuper", flag[a], "-", NULL};
    fflush(stdout);
    pp_timeout_disarm();
    if (pp_spawn(config_dir, argv, fileno(st->ids), &c, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_buf_init(&report);
    int rc = pp_spawn_finish(&c, &report, err, sizeof err);
    if (rc != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    print_report(pp_buf_str(&report));
    long changed = postsuper_count(pp_buf_str(&report), summary[a]);
    pp_buf_free(&report);
    if (changed < 0)
        pp_die(PP_UNKNOWN, "postsuper gave no count of the messages %s", done[a]);
    if ((unsigned long)changed != st->selected)
        fprintf(stderr, "pfqueue: %ld of the %lu selected messages %s; the others had left "
                        "the queue or were not in a queue this action applies to\n",
                changed, st->selected, done[a]);
}

int main(int argc, char **argv)
{
    pp_common c;
    run st = {0};
    action a = ACT_NONE;

    pp_opts_parse(&tool, argc, argv, &c);
    for (int i = ACT_HOLD; i <= ACT_DELETE; i++) {
        if (!opt_act[i])
            continue;
        if (a != ACT_NONE)
            pp_die(PP_UNKNOWN, "give one action: --hold, --release, --requeue or --delete");
        a = (action)i;
    }
    if (a != ACT_NONE && opt_stat)
        pp_die(PP_UNKNOWN, "--stat only counts; it takes no action");
    if (a != ACT_NONE && !any_filter())
        pp_die(PP_UNKNOWN, "an action needs a filter (--from, --to, --from-or-to, --relay, "
                           "--subject, --queue, --older-than or --expired); refusing to act "
                           "on every message");
    if (opt_postqueue && (opt_relay || opt_subject))
        pp_die(PP_UNKNOWN, "--relay and --subject need the queue files; postqueue -j gives no "
                           "headers");
    if (opt_threads < 1 || opt_threads > MAX_THREADS)
        pp_die(PP_UNKNOWN, "--threads must be 1-%d", MAX_THREADS);
    if (opt_yes && a == ACT_NONE)
        pp_die(PP_UNKNOWN, "--yes goes with an action: --hold, --release, --requeue or --delete");
    filter_init(&st.f);
    for (int i = 0; i < MAX_THREADS; i++)
        pp_qview_init(&st.view[i]);
    pp_buf_init(&st.line);
    for (int k = 0; k < 3; k++)
        st.stats[k] = opt_stat ? pp_stat_new() : NULL;
    if (a != ACT_NONE && !(st.ids = tmpfile()))
        pp_die(PP_UNKNOWN, "cannot create a temporary file for the queue ids: %s",
               strerror(errno));

    if (opt_postqueue || scan_files(&st, c.config_dir) != 0) {
        if (opt_relay || opt_subject)
            pp_die(PP_UNKNOWN, "--relay and --subject need the queue files (run as root); "
                               "postqueue -j gives no headers");
        opt_postqueue = true;
        scan_showq(&st, c.config_dir);
    }
    if (opt_stat)
        print_stats(&st);
    if (a != ACT_NONE)
        act(&st, a, c.config_dir);
    if (fflush(stdout) != 0)
        pp_die(PP_UNKNOWN, "cannot write the listing: %s", strerror(errno));

    for (int k = 0; k < 3; k++)
        pp_stat_free(st.stats[k]);
    if (st.ids)
        fclose(st.ids);
    pp_buf_free(&st.line);
    for (int i = 0; i < MAX_THREADS; i++)
        pp_qview_free(&st.view[i]);
    filter_free(&st.f);
    return 0;
}
