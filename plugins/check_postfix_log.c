/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_postfix_log - what Postfix's log says happened since the last run
 *
 * Finds the instance's log (--file, main.cf maillog_file, /var/log/mail.log, else the systemd
 * journal), reads what was appended since the position kept in the state file, across
 * rotation (common/log/logfile) or by the journal's cursor (common/log/logjournal), counts it
 * with pflogsumm's definitions (common/log/logstat), judges the counts and prints them with
 * the top reasons. The state file also keeps running totals (common/log/logtotals), which
 * --format openmetrics writes as counters under postfix_exporter's names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/opts.h"
#include "core/result.h"
#include "log/logfile.h"
#include "log/logjournal.h"
#include "log/logsource.h"
#include "log/logstat.h"
#include "log/logtotals.h"

#define MAX_TOP 50

static pp_thresh opt_count[PP_LOGC_COUNT];
static const char *opt_file, *opt_state, *opt_journal_dir;
static bool opt_journal, opt_whole;
static long opt_since, opt_top = 5;

#define TH(n, c, h) {.name = n, .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_count[c], .help = h}
static const pp_opt opts[] = {
    {.name = "file", .arg = "PATH", .kind = PP_OPT_STR, .dst = &opt_file,
     .help = "the log file (default: main.cf's maillog_file, else /var/log/mail.log, else "
             "the systemd journal)"},
    {.name = "journal", .kind = PP_OPT_FLAG, .dst = &opt_journal,
     .help = "read the local systemd journal (Debian 12's only mail log without a syslog "
             "daemon)"},
    {.name = "journal-dir", .arg = "DIR", .kind = PP_OPT_STR, .dst = &opt_journal_dir,
     .help = "a directory of journal files (with --journal), e.g. another host's"},
    {.name = "state-file", .arg = "FILE", .kind = PP_OPT_STR, .dst = &opt_state,
     .help = "where the position in the log and the running totals are kept between runs, "
             "an absolute path "
             "(default under /var/lib/postprobe, or ~/.local/state/postprobe when that is "
             "not writable)"},
    {.name = "since", .arg = "DURATION", .kind = PP_OPT_FUNC, .dst = &opt_since,
     .fn = pp_logsource_duration,
     .help = "count the lines of the last DURATION (N[smhd]); without --state-file no "
             "position is kept"},
    {.name = "whole", .kind = PP_OPT_FLAG, .dst = &opt_whole,
     .help = "read the whole file and keep no position (troubleshooting, tests)"},
    TH("received", PP_LOGC_RECEIVED, "messages received (smtpd client=, pickup)"),
    TH("delivered", PP_LOGC_DELIVERED, "recipients delivered (status=sent, not forwarded)"),
    TH("deferred", PP_LOGC_DEFERRED, "messages deferred"),
    TH("deferrals", PP_LOGC_DEFERRALS, "deferral lines (delivery attempts deferred)"),
    TH("bounced", PP_LOGC_BOUNCED, "recipients bounced"),
    TH("expired", PP_LOGC_EXPIRED, "messages expired (returned after maximal_queue_lifetime)"),
    TH("rejected", PP_LOGC_REJECTED, "smtpd, postscreen and cleanup rejects"),
    TH("reject-warnings", PP_LOGC_REJECT_WARNINGS, "reject_warning and WARN actions"),
    TH("held", PP_LOGC_HELD, "messages put on hold by an access or header action"),
    TH("discarded", PP_LOGC_DISCARDED, "messages discarded by an access or header action"),
    TH("sasl-failures", PP_LOGC_SASL_FAILURES,
       "SASL authentication failures of the busiest client address"),
    TH("tls-failures", PP_LOGC_TLS_FAILURES, "TLS handshake failures, both directions"),
    TH("lost-connections", PP_LOGC_LOST_CONNECTIONS, "smtpd lost connections"),
    TH("warnings", PP_LOGC_WARNINGS, "warning: lines"),
    TH("errors", PP_LOGC_ERRORS, "error: lines"),
    TH("fatal", PP_LOGC_FATAL, "fatal: lines (default \",0\": CRITICAL at the first)"),
    TH("panic", PP_LOGC_PANIC, "panic: lines (default \",0\": CRITICAL at the first)"),
    TH("process-limit", PP_LOGC_PROCESS_LIMIT,
       "services that reached their process limit (default \"0,\": WARNING)"),
    {.name = "top", .key = 'n', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_top,
     .help = "reasons listed per kind in the long output (default 5)"},
    {0},
};

static const pp_example examples[] = {
    {"--bounced=10,50 --sasl-failures=20,100",
     "since the last run: WARNING from 10 bounced recipients or 20 SASL failures of one client"},
    {"--since 1h --format json",
     "the counts of the last hour, as JSON, keeping no position"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_postfix_log",
    .service = "POSTFIX_LOG",
    .purpose = "Counts what Postfix's log says happened since the last run: received, "
               "delivered, deferred, bounced, rejected, SASL and TLS failures, fatal errors; "
               "with Nagios thresholds for each, perfdata, and the top reasons.",
    .usage = "[-C config_dir] [--file PATH | --journal [--journal-dir DIR]] "
             "[--state-file FILE | --since DURATION | --whole] [thresholds] "
             "[--format nagios|json|openmetrics]",
    .notes = "The counts follow pflogsumm's Grand Totals (delivered and bounced per "
             "recipient, deferred per message, deferrals per attempt). Lines count when "
             "their syslog name is the instance's (main.cf syslog_name or below it, or a "
             "master.cf -o syslog_name). The first run saves the position and counts "
             "nothing. A rotated file (.1, .1.gz, -YYYYMMDD, postfix logrotate's "
             ".YYYYMMDD-HHMMSS.gz) is read to its end first; the "
             "journal is followed by its cursor. On Debian mail.log is readable by group adm "
             "and the journal by groups adm and systemd-journal: add the nagios user to "
             "adm. --format openmetrics writes running totals kept in the state file "
             "(counters under postfix_exporter's names, docs/perfdata.md) instead of the "
             "interval's counts; with --whole or --since (no state) they are the counts of "
             "what was read.",
    .examples = examples,
    .use = PP_USE_CONFDIR,
    .opts = opts,
    .max_args = 0,
};

typedef struct probe {
    pp_logsource src;
    const char *path;      /* the log file, or NULL for the journal */
    const char *source;    /* what the state file is about: the path or "journal:DIR" */
    pp_logjournal_info journal;
    const char *const *names;
    char state[4096];
    pp_logstat *st;
    pp_logfile_info info;
    bool first_run;
    unsigned long long first_offset;
    pp_logtotals totals; /* running totals: the state file's plus this run's counts */
} probe;

/* ---- options ---- */

static void check_options(void)
{
    if (opt_top < 0 || opt_top > MAX_TOP)
        pp_die(PP_UNKNOWN, "--top must be 0-%d", MAX_TOP);
    if (opt_whole && (opt_state || opt_since))
        pp_die(PP_UNKNOWN, "--whole reads everything and keeps no position: not with "
               "--state-file or --since");
    if (opt_journal && opt_file)
        pp_die(PP_UNKNOWN, "--file and --journal: one source only");
    if (opt_journal_dir && !opt_journal)
        pp_die(PP_UNKNOWN, "--journal-dir goes with --journal");
    /* A relative name would land wherever Nagios, NRPE or cron happen to start the plugin. */
    if (opt_state && opt_state[0] != '/')
        pp_die(PP_UNKNOWN, "--state-file must be an absolute path: %s", opt_state);
}

/* The log file and the syslog names, from main.cf and master.cf. */
static void find_source(const pp_common *c, probe *p)
{
    char err[512];
    if (pp_logsource_find(c->config_dir, opt_file, opt_journal, opt_journal_dir, &p->src, err,
                          sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    p->path = p->src.path;
    p->names = p->src.names;
    p->source = p->src.source;
}

/* --state-file, or one per log file under /var/lib/postprobe or the user's state dir. */
static void state_path(probe *p)
{
    char name[1024], dir[2048];
    const char *home = getenv("HOME");
    if (opt_state) {
        snprintf(p->state, sizeof p->state, "%s", opt_state);
        return;
    }
    size_t j = 0;
    for (const char *s = p->source; *s && j + 1 < sizeof name; s++)
        name[j++] = *s == '/' || *s == ':' ? '_' : *s;
    name[j] = '\0';
    snprintf(dir, sizeof dir, "/var/lib/postprobe");
    if (access(dir, W_OK) != 0 && home) {
        /* ~/.local, ~/.local/state and ~/.local/state/postprobe, each made if missing. */
        static const char *const parts[] = {"/.local", "/.local/state", "/.local/state/postprobe"};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            snprintf(dir, sizeof dir, "%s%s", home, parts[i]);
            mkdir(dir, 0700);
        }
    }
    snprintf(p->state, sizeof p->state, "%s/check_postfix_log%s%s.pos", dir,
             name[0] == '_' ? "" : "_", name);
}

/* ---- probe ---- */

/* Rejects by reply code: the leading code of each reject reason's key (log/logclass), key
 * "rejected:CODE"; reasons without one (header and body checks, milters in cleanup) are
 * cleanup's, key "rejected:cleanup". */
static void tally_rejects(probe *p)
{
    pp_logtop *top = pp_xcalloc(PP_LOGSTAT_MAX_KEYS + 1, sizeof *top);
    size_t n = pp_logstat_top(p->st, PP_LOGG_REJECT, top, PP_LOGSTAT_MAX_KEYS + 1);
    char key[32];
    for (size_t i = 0; i < n; i++) {
        const char *k = top[i].key;
        bool coded = strspn(k, "0123456789") == 3 && (k[3] == ' ' || !k[3]);
        snprintf(key, sizeof key, "rejected:%.*s", coded ? 3 : 7,
                 coded ? k : strcmp(k, PP_LOGSTAT_OTHER) == 0 ? "other" : "cleanup");
        pp_logtotals_add(&p->totals, key, top[i].count);
    }
    free(top);
}

/* This run's counts added to the running totals (keys: the counters' names). */
static void tally(probe *p)
{
    for (int c = 0; c < PP_LOGC_COUNT; c++)
        if (c != PP_LOGC_REJECTED)
            pp_logtotals_add(&p->totals, pp_logcount_name((pp_logcount)c),
                             pp_logstat_count(p->st, (pp_logcount)c));
    pp_logtotals_add(&p->totals, "rejected:cleanup", 0); /* the family always there */
    tally_rejects(p);
}

static void each_line(void *ctx, const char *line, size_t len)
{
    pp_logstat_line(ctx, line, len);
}

static void read_journal(probe *p, bool keep, const pp_logstat_opts *o)
{
    char err[1024], cursor[PP_LOGCURSOR_MAX] = "";
    int have = 0;
    if (keep && (have = pp_logcursor_load(p->state, p->source, cursor, sizeof cursor,
                                          &p->totals, err, sizeof err)) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_logjournal_opts jo = {.dir = opt_journal_dir, .names = p->names,
                             .from = have ? cursor : NULL,
                             .since_usec = have ? 0 : (unsigned long long)o->since * 1000000,
                             .tail = keep && !have && !opt_since};
    if (pp_logjournal_read(&jo, each_line, p->st, &p->journal, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    /* Postfix logs at every start: none of its lines means the wrong log or instance. */
    if (p->journal.idents == 0)
        pp_die(PP_UNKNOWN, "%s holds no line of syslog name %s%s: not this instance's log "
               "(--file PATH?)", opt_journal_dir ? opt_journal_dir : "the local journal",
               p->names[0], p->names[1] ? " or its master.cf overrides" : "");
    p->first_run = jo.tail;
    tally(p);
    if (keep && pp_logcursor_save(p->state, p->source, p->journal.cursor, &p->totals, err,
                                  sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
}

static void read_file(probe *p, bool keep)
{
    char err[1024];
    pp_logpos from, to;
    int have = 0;
    if (keep && (have = pp_logpos_load(p->state, p->path, &from, &p->totals, err,
                                       sizeof err)) < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (!have && opt_since) {
        /* A window by time reaches into the files rotated within it. */
        if (pp_logfile_read_since(p->path, time(NULL) - opt_since, &to, each_line, p->st,
                                  &p->info, err, sizeof err) != 0)
            pp_die(PP_UNKNOWN, "%s", err);
    } else if (keep && !have) {
        if (pp_logfile_end(p->path, &to, err, sizeof err) != 0)
            pp_die(PP_UNKNOWN, "%s", err);
        p->first_run = true;
        p->first_offset = to.offset;
    } else if (pp_logfile_read(p->path, have ? &from : NULL, &to, each_line, p->st, &p->info,
                               err, sizeof err) != 0) {
        pp_die(PP_UNKNOWN, "%s", err);
    }
    tally(p);
    if (keep && pp_logpos_save(p->state, p->path, &to, &p->totals, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
}

static void run_probe(const pp_common *c, probe *p)
{
    find_source(c, p);
    pp_logstat_opts o = {.names = p->names, .examples = c->verbose > 0,
                         .since = opt_since ? (long long)time(NULL) - opt_since : 0};
    p->st = pp_logstat_new(&o);
    bool keep = !opt_whole && (opt_state || !opt_since);
    if (keep)
        state_path(p);
    if (p->path)
        read_file(p, keep);
    else
        read_journal(p, keep, &o);
}

/* ---- judge ---- */

static void list_top(pp_result *r, pp_logstat *st, pp_loggroup g, const char *what)
{
    pp_logtop top[MAX_TOP];
    size_t n = pp_logstat_top(st, g, top, (size_t)opt_top);
    if (n == 0)
        return;
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        pp_buf_printf(&b, "%s%s: %llu", i ? ", " : "", top[i].key,
                      (unsigned long long)top[i].count);
    pp_sub *sub = pp_result_add(r, PP_OK, "top %s: %s", what, b.s);
    for (size_t i = 0; i < n; i++)
        if (top[i].example)
            pp_sub_detail(sub, "%s: %s", top[i].key, top[i].example);
    pp_buf_free(&b);
}

/* SASL failures are judged by the busiest client address. */
static double judged_value(pp_logstat *st, pp_logcount c)
{
    pp_logtop top[1];
    if (c != PP_LOGC_SASL_FAILURES)
        return (double)pp_logstat_count(st, c);
    return pp_logstat_top(st, PP_LOGG_SASL, top, 1) ? (double)top[0].count : 0;
}

static void judge_counts(pp_result *r, probe *p)
{
    for (int c = 0; c < PP_LOGC_COUNT; c++) {
        double v = judged_value(p->st, (pp_logcount)c);
        pp_state s = pp_thresh_judge(&opt_count[c], v);
        const char *name = pp_logcount_name((pp_logcount)c);
        if (s != PP_OK) {
            pp_logtop top[3];
            pp_loggroup g = c == PP_LOGC_PROCESS_LIMIT ? PP_LOGG_PROCESS_LIMIT
                            : c == PP_LOGC_SASL_FAILURES ? PP_LOGG_SASL
                                                         : PP_LOGG_FATAL;
            size_t n = (c == PP_LOGC_FATAL || c == PP_LOGC_PANIC ||
                        c == PP_LOGC_PROCESS_LIMIT || c == PP_LOGC_SASL_FAILURES)
                           ? pp_logstat_top(p->st, g, top, 1)
                           : 0;
            pp_result_add(r, s, "%s %.0f%s%s%s", name, v, n ? " (" : "", n ? top[0].key : "",
                          n ? ")" : "");
        }
        if (pp_output_format() == PP_FMT_OPENMETRICS)
            continue; /* the running totals instead (metrics()) */
        pp_perf pf = pp_perf_make(name, (double)pp_logstat_count(p->st, (pp_logcount)c), "");
        if (c != PP_LOGC_SASL_FAILURES)
            pp_perf_thresh(&pf, &opt_count[c]);
        pp_perf_minmax(&pf, true, 0, false, 0);
        pp_result_perf(r, &pf);
    }
    if (pp_output_format() == PP_FMT_OPENMETRICS)
        return;
    pp_perf pf = pp_perf_make("sasl_failures_busiest_client",
                              judged_value(p->st, PP_LOGC_SASL_FAILURES), "");
    pp_perf_thresh(&pf, &opt_count[PP_LOGC_SASL_FAILURES]);
    pp_perf_minmax(&pf, true, 0, false, 0);
    pp_result_perf(r, &pf);
}

static const pp_family fam_delay = {"postfix_log_delivery_delay_seconds", PP_GAUGE,
                                    "median and maximum delay (stat) of the deliveries since "
                                    "the last run, of delay= (stage total) and its delays= "
                                    "stages", 0};

static void judge_delays(pp_result *r, probe *p)
{
    static const char *const stage[] = {"delay", "delay_before_qmgr", "delay_in_qmgr",
                                        "delay_conn_setup", "delay_transmission"};
    static const char *const mstage[] = {"total", "before_qmgr", "in_qmgr", "conn_setup",
                                         "transmission"};
    double med, max;
    char ml[80];
    for (int s = 0; s < 5; s++) {
        if (!pp_logstat_delay(p->st, s, &med, &max))
            continue;
        char label[64];
        snprintf(label, sizeof label, "%s_median", stage[s]);
        pp_perf pf = pp_perf_make(label, med, "s");
        snprintf(ml, sizeof ml, "stage=\"%s\",stat=\"median\"", mstage[s]);
        pp_perf_family(&pf, &fam_delay, ml);
        pp_result_perf(r, &pf);
        snprintf(label, sizeof label, "%s_max", stage[s]);
        pf = pp_perf_make(label, max, "s");
        snprintf(ml, sizeof ml, "stage=\"%s\",stat=\"max\"", mstage[s]);
        pp_perf_family(&pf, &fam_delay, ml);
        pp_result_perf(r, &pf);
        if (s == 0)
            pp_result_add(r, PP_OK, "delivery delay: median %.2f s, max %.2f s", med, max);
    }
}

/* ---- OpenMetrics: the running totals under postfix_exporter's names ---- */

#define CTR(v, n, h) static const pp_family v = {"postfix_" n, PP_COUNTER, h, 0}
CTR(fam_connects, "smtpd_connects_total", "connections smtpd accepted (connect from)");
CTR(fam_processed, "smtp_messages_processed_total",
    "delivery attempts by status (sent, deferred, bounced), of every delivery agent");
CTR(fam_rejected, "smtpd_messages_rejected_total",
    "smtpd and postscreen rejects by SMTP reply code");
CTR(fam_cleanup_rejected, "cleanup_messages_rejected_total",
    "rejects without a reply code: header_checks, body_checks, milters in cleanup");
CTR(fam_sasl, "smtpd_sasl_authentication_failures_total", "SASL authentication failures");
CTR(fam_lost, "smtpd_connections_lost_total", "connections smtpd lost (lost connection after)");
CTR(fam_removed, "qmgr_messages_removed_total", "messages qmgr removed from the queue");
CTR(fam_expired, "qmgr_messages_expired_total",
    "messages returned after maximal_queue_lifetime (status=expired)");
CTR(fam_received, "messages_received_total", "messages received (smtpd client=, pickup)");
CTR(fam_deferred, "messages_deferred_total",
    "messages deferred, each counted once per run it was deferred in");
CTR(fam_reject_warn, "reject_warnings_total", "reject_warning and WARN actions");
CTR(fam_held, "messages_held_total", "messages put on hold by an access or header action");
CTR(fam_discarded, "messages_discarded_total",
    "messages discarded by an access or header action");
CTR(fam_tls, "tls_handshake_failures_total", "TLS handshake failures, both directions");
CTR(fam_severity, "log_messages_total", "warning, error, fatal and panic lines (severity)");
CTR(fam_plimit, "master_process_limit_reached_total",
    "times a service reached its process limit");
CTR(fam_screen, "postscreen_events_total",
    "postscreen PASS NEW, PASS OLD, DNSBL rank and PREGREET lines (event)");

static const struct {
    const char *key, *key2; /* the total, and one more added to it, or NULL */
    const pp_family *f;
    const char *mlabels;
} totals_map[] = {
    {"connects", NULL, &fam_connects, NULL},
    {"delivered", "forwarded", &fam_processed, "status=\"sent\""},
    {"deferrals", NULL, &fam_processed, "status=\"deferred\""},
    {"bounced", NULL, &fam_processed, "status=\"bounced\""},
    {"rejected:cleanup", NULL, &fam_cleanup_rejected, NULL},
    {"sasl_failures", NULL, &fam_sasl, NULL},
    {"lost_connections", NULL, &fam_lost, NULL},
    {"removed", NULL, &fam_removed, NULL},
    {"expired", NULL, &fam_expired, NULL},
    {"received", NULL, &fam_received, NULL},
    {"deferred", NULL, &fam_deferred, NULL},
    {"reject_warnings", NULL, &fam_reject_warn, NULL},
    {"held", NULL, &fam_held, NULL},
    {"discarded", NULL, &fam_discarded, NULL},
    {"tls_failures", NULL, &fam_tls, NULL},
    {"warnings", NULL, &fam_severity, "severity=\"warning\""},
    {"errors", NULL, &fam_severity, "severity=\"error\""},
    {"fatal", NULL, &fam_severity, "severity=\"fatal\""},
    {"panic", NULL, &fam_severity, "severity=\"panic\""},
    {"process_limit", NULL, &fam_plimit, NULL},
    {"postscreen_pass_new", NULL, &fam_screen, "event=\"pass_new\""},
    {"postscreen_pass_old", NULL, &fam_screen, "event=\"pass_old\""},
    {"postscreen_dnsbl", NULL, &fam_screen, "event=\"dnsbl\""},
    {"postscreen_pregreet", NULL, &fam_screen, "event=\"pregreet\""},
};

static void total_perf(pp_result *r, const char *key, double v, const pp_family *f,
                       const char *mlabels)
{
    pp_perf pf = pp_perf_make(key, v, "c");
    pp_perf_family(&pf, f, mlabels);
    pp_result_perf(r, &pf);
}

static void metrics(pp_result *r, probe *p)
{
    const pp_logtotals *t = &p->totals;
    for (size_t i = 0; i < sizeof totals_map / sizeof totals_map[0]; i++)
        total_perf(r, totals_map[i].key,
                   (double)(pp_logtotals_get(t, totals_map[i].key) +
                            (totals_map[i].key2 ? pp_logtotals_get(t, totals_map[i].key2) : 0)),
                   totals_map[i].f, totals_map[i].mlabels);
    char ml[64];
    for (size_t i = 0; i < t->n; i++) {
        const char *code = t->e[i].key + 9;
        if (strncmp(t->e[i].key, "rejected:", 9) != 0 || strcmp(code, "cleanup") == 0)
            continue;
        snprintf(ml, sizeof ml, "code=\"%s\"", code);
        total_perf(r, t->e[i].key, (double)t->e[i].count, &fam_rejected, ml);
    }
}

static void judge_source(pp_result *r, probe *p)
{
    const pp_logstat_lines *ls = pp_logstat_lines_seen(p->st);
    pp_sub *sub = pp_result_add(r, PP_OK, "%s: %llu %s read, %llu of this instance%s%s",
                                p->path ? p->path : opt_journal_dir ? opt_journal_dir : "the local journal",
                                (unsigned long long)ls->read, p->path ? "lines" : "entries",
                                (unsigned long long)ls->counted,
                                p->info.rotated[0] ? ", after the rotated " : "",
                                p->info.rotated);
    if (p->state[0])
        pp_sub_detail(sub, "position kept in %s", p->state);
    pp_sub_detail(sub, "syslog names: %s%s%s", p->names[0], p->names[1] ? " and " : "",
                  p->names[1] ? "the master.cf overrides" : "");
    if (p->journal.lost)
        pp_result_add(r, PP_OK, "the journal no longer holds the entry read last (vacuumed): "
                      "entries written before the oldest one left were not counted");
    if (p->info.missing)
        pp_result_add(r, PP_OK, "%s does not exist: rotated, and nothing logged since",
                      p->path);
    if (p->info.lost)
        pp_result_add(r, PP_OK, "%s was rotated and the rotated file was not found: lines "
                      "written before the rotation since the last run were not counted",
                      p->path);
    if (ls->deferred_approx)
        pp_result_add(r, PP_OK, "more messages deferred than tracked: deferred is an upper "
                      "bound");
}

static void summary(pp_result *r, probe *p)
{
    static const pp_logcount shown[] = {PP_LOGC_RECEIVED, PP_LOGC_DELIVERED,
                                        PP_LOGC_DEFERRED, PP_LOGC_BOUNCED, PP_LOGC_REJECTED,
                                        PP_LOGC_SASL_FAILURES};
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        pp_buf_printf(&b, "%s%llu %s", i ? ", " : "",
                      (unsigned long long)pp_logstat_count(p->st, shown[i]),
                      pp_logcount_name(shown[i]));
    pp_result_summary(r, "%s", b.s);
    pp_buf_free(&b);
}

static void judge(pp_result *r, probe *p)
{
    if (pp_output_format() == PP_FMT_OPENMETRICS)
        metrics(r, p);
    if (p->first_run) {
        if (p->path)
            pp_result_add(r, PP_OK, "first run: position saved at the end of %s (%llu bytes) "
                          "in %s; counting starts with the next run", p->path, p->first_offset,
                          p->state);
        else
            pp_result_add(r, PP_OK, "first run: the journal's cursor saved in %s; counting "
                          "starts with the next run", p->state);
        return;
    }
    judge_counts(r, p);
    summary(r, p);
    judge_delays(r, p);
    list_top(r, p->st, PP_LOGG_DEFERRAL, "deferral reasons");
    list_top(r, p->st, PP_LOGG_BOUNCE, "bounce reasons");
    list_top(r, p->st, PP_LOGG_REJECT, "rejects");
    list_top(r, p->st, PP_LOGG_SASL, "SASL failures by client");
    list_top(r, p->st, PP_LOGG_FATAL, "fatal and panic");
    list_top(r, p->st, PP_LOGG_ERROR, "errors");
    list_top(r, p->st, PP_LOGG_WARNING, "other warnings");
    judge_source(r, p);
}

int main(int argc, char **argv)
{
    pp_common c;
    probe p = {0};
    char err[128];

    pp_thresh_parse(",0", &opt_count[PP_LOGC_FATAL], err, sizeof err);
    pp_thresh_parse(",0", &opt_count[PP_LOGC_PANIC], err, sizeof err);
    pp_thresh_parse("0,", &opt_count[PP_LOGC_PROCESS_LIMIT], err, sizeof err);
    pp_opts_parse(&plugin, argc, argv, &c);
    check_options();

    run_probe(&c, &p);

    pp_result *r = pp_result_new();
    judge(r, &p);
    pp_logstat_free(p.st);
    pp_logsource_free(&p.src);
    pp_result_exit(r);
}
