/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_postfix_verify - the health of Postfix's address verification cache (verify(8)):
 * entries by status, probes outstanding and lost, the newest result, the last cleanup, and
 * entries the cleanup should have removed, judged by verify(8)'s own rules with the settings
 * its master.cf service runs with. Reads the cache read-only (common/cache/verify_cache,
 * common/cache/cachedb) without disturbing Postfix.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/linereader.h"
#include "core/opts.h"
#include "core/result.h"
#include "core/timefmt.h"
#include "cache/verify_cache.h"

#define MAX_FAILURES 100
#define RETRIES 3 /* a cache read without its lock may be caught mid-write by verify(8) */
#define RETRY_PAUSE_US 50000

typedef struct failure {
    long long updated;
    int status;
    char address[256];
    char text[256];
} failure;

typedef struct figures {
    size_t count[PP_VCACHE_NSTATUS];
    size_t entries, outstanding, lost, refreshing, expired, malformed;
    long long newest, activity, last_cleanup;
    failure recent[MAX_FAILURES]; /* newest first */
    size_t nrecent;
} figures;

static const char *opt_map;
static pp_thresh opt_count, opt_update_age, opt_cleanup_age, opt_expired, opt_outstanding,
    opt_entries;
static long opt_failures = 10;
static double opt_lock_wait = 0.5;

static const pp_opt opts[] = {
    {.name = "map", .key = 'm', .arg = "TYPE:PATH", .kind = PP_OPT_STR, .dst = &opt_map,
     .help = "the cache to read (btree:, hash: or lmdb:, path without suffix); default: "
             "address_verify_map from postconf"},
    {.name = "undeliverable-count", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_count,
     .help = "ranges for the number of undeliverable addresses"},
    {.name = "update-age", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_update_age,
     .help = "ranges for the seconds since the newest probe result (is verify working?)"},
    {.name = "cleanup-age", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_cleanup_age,
     .help = "ranges for the seconds the last complete cleanup precedes the last update "
             "verify(8) made to the cache (default: warning above 3 times "
             "address_verify_cache_cleanup_interval; verify(8) runs on demand and cleans up "
             "as it starts, so on a quiet server the cleanup ages with the cache)"},
    {.name = "expired", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_expired,
     .help = "ranges for the entries past their expire time, which cleanup should remove"},
    {.name = "outstanding", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_outstanding,
     .help = "ranges for the probes sent less than 1000 s ago and not answered yet (first "
             "probes and refreshes of failed addresses; a deliverable address's refresh "
             "probe is not counted: verify(8) keeps its OK result whatever the probe says)"},
    {.name = "entries", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_entries,
     .help = "ranges for the number of entries"},
    {.name = "failures", .arg = "N", .kind = PP_OPT_INT, .dst = &opt_failures,
     .help = "how many of the most recent failures -v lists (default 10, at most 100)"},
    {.name = "lock-wait", .arg = "SECONDS", .kind = PP_OPT_DOUBLE, .dst = &opt_lock_wait,
     .help = "how long to try for the shared lock before reading without it (default 0.5; "
             "a running verify(8), which holds it for as long as it runs, is not waited for)"},
    {0},
};

static const pp_example examples[] = {
    {"-w 30 -c 60",
     "WARNING when 30 % of the verified addresses bounced, CRITICAL at 60 %"},
    {"--update-age 3600,86400 --cleanup-age ,172800",
     "verify(8) idle for an hour warns, a day is CRITICAL; the cleanup two days behind too"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_postfix_verify",
    .service = "POSTFIX_VERIFY",
    .purpose = "Checks Postfix's address verification cache: entries by status, probes "
               "outstanding, the age of the newest result and of the last cleanup, and "
               "entries the cleanup should have removed.",
    .usage = "[-C DIR | --map TYPE:PATH] [-w RANGE] [-c RANGE] [--update-age W,C] "
             "[--cleanup-age W,C] [--expired W,C] [-v]",
    .notes = "The cache, its expire and refresh times and the cleanup interval are those of "
             "the master.cf verify service (address_verify_service_name) where its -o "
             "overrides main.cf; a map name without type gets default_database_type, as "
             "verify(8) opens it. Must be able to read the cache (data_directory is usually "
             "readable by root and "
             "postfix only). The cache is opened read-only with the shared lock Postfix's "
             "readers take; a running verify(8) keeps it exclusively locked for as long as it "
             "runs, so it is then read without the lock (postmap -s would wait until verify "
             "exits). W,C is a warning and a critical range, either may be empty (\"3600,\" "
             "warns only). Ages are in seconds; the undeliverable share is the percentage of "
             "addresses with a result that bounced.",
    .examples = examples,
    .use = PP_USE_THRESH | PP_USE_CONFDIR,
    .thresh_what = "the undeliverable share (%)",
    .opts = opts,
    .max_args = 0,
};

/* Keeps the opt_failures newest failures, newest first. */
static void remember_failure(figures *f, const pp_vcache_entry *e)
{
    size_t max = (size_t)opt_failures, i = f->nrecent;
    if (max == 0 || (i == max && e->updated <= f->recent[max - 1].updated))
        return;
    if (i == max)
        i--;
    for (; i > 0 && f->recent[i - 1].updated < e->updated; i--)
        f->recent[i] = f->recent[i - 1];
    failure *r = &f->recent[i];
    r->updated = e->updated;
    r->status = e->status;
    pp_linereader_printable(e->address, strlen(e->address), r->address, sizeof r->address);
    pp_linereader_printable(e->text, e->textlen, r->text, sizeof r->text);
    if (f->nrecent < max)
        f->nrecent++;
}

static int scan_once(const pp_vcache_settings *s, long long now, figures *f, char **note,
                     char *err, size_t errlen)
{
    pp_cachedb_lock lock = {.wait = opt_lock_wait, .keeper = "verify"};
    pp_vcache_reader r;
    pp_vcache_entry e;
    int rc;

    memset(f, 0, sizeof *f);
    if (pp_vcache_open(&r, s->map, &lock, err, errlen) != 0)
        return -1;
    while ((rc = pp_vcache_next(&r, &e, err, errlen)) == 1) {
        f->entries++;
        f->count[e.status]++;
        switch (pp_vcache_probe_state(&e, now)) {
        case PP_VCACHE_PROBE_PENDING: f->outstanding++; break;
        case PP_VCACHE_PROBE_LOST: f->lost++; break;
        case PP_VCACHE_PROBE_REFRESH: f->refreshing++; break;
        case PP_VCACHE_PROBE_NONE: break;
        }
        if (pp_vcache_expired(&e, now, s))
            f->expired++;
        if (e.updated > f->newest)
            f->newest = e.updated;
        if (pp_vcache_activity(&e) > f->activity)
            f->activity = pp_vcache_activity(&e);
        if (e.status == PP_VCACHE_DEFERRED || e.status == PP_VCACHE_UNDELIVERABLE)
            remember_failure(f, &e);
    }
    f->malformed = r.malformed;
    f->last_cleanup = r.last_cleanup;
    if (rc == 0 && pp_cachedb_lock_note(r.db))
        *note = pp_xstrdup(pp_cachedb_lock_note(r.db));
    pp_vcache_close(&r);
    return rc;
}

/* Without the lock (verify(8) holds it while it runs) a scan may catch the file mid-write (a
 * header that already counts a page not yet on disk; cachedb follows a btree that grows while
 * it is read); verify syncs after every update, so a second look a moment later succeeds. */
static void scan(const pp_vcache_settings *s, long long now, figures *f, char **note)
{
    char err[512];
    int e = 0;
    for (int i = 0; i < RETRIES && e != ENOENT && e != EACCES; i++) {
        if (i)
            usleep(RETRY_PAUSE_US);
        if (scan_once(s, now, f, note, err, sizeof err) == 0)
            return;
        e = errno;
    }
    pp_die(PP_UNKNOWN, "%s%s", err,
           e == ENOENT ? " (verify(8) creates it at its first probe: none yet?)" : "");
}

/* The OpenMetrics families (core/metrics.h): the four results one family with a status
 * label; the share of undeliverable results a 0..1 ratio. */
#define FAM(v, n, h) static const pp_family v = {"postfix_verify_" n, PP_GAUGE, h, 0}
FAM(fam_entries, "cache_entries", "entries in the verify(8) cache");
FAM(fam_results, "cache_results", "cache entries by probe result (status)");
FAM(fam_share, "undeliverable_ratio", "undeliverable among the entries with a result");
FAM(fam_malformed, "cache_malformed_entries", "entries not status:probed:updated:text");
FAM(fam_outstanding, "outstanding_probes", "probes sent without a result yet");
FAM(fam_lost, "lost_probes", "probes with no result after the probe time to live");
FAM(fam_refreshing, "refreshing_entries", "deliverable entries re-probed without a result");
FAM(fam_expired, "expired_entries", "entries past their expire time");
FAM(fam_cleanup_age, "cleanup_age_seconds", "time since the last completed cache cleanup");
FAM(fam_cleanup_lag, "cleanup_lag_seconds", "how far the last cleanup lags behind the last "
    "cache update");
FAM(fam_newest, "newest_result_age_seconds", "age of the newest probe result in the cache");

static void perf(pp_result *r, const char *label, double v, const char *uom, const pp_thresh *t,
                 const pp_family *f, const char *mlabels)
{
    pp_perf p = pp_perf_make(label, v, uom);
    if (t)
        pp_perf_thresh(&p, t);
    pp_perf_minmax(&p, true, 0, strcmp(uom, "%") == 0, 100);
    pp_perf_family(&p, f, mlabels);
    pp_result_perf(r, &p);
}

static void judge_counts(pp_result *r, const figures *f, const pp_common *c)
{
    size_t with_result = f->count[PP_VCACHE_DELIVERABLE] + f->count[PP_VCACHE_DEFERRED] +
                         f->count[PP_VCACHE_UNDELIVERABLE];
    size_t bad = f->count[PP_VCACHE_UNDELIVERABLE];
    double share = with_result ? 100.0 * (double)bad / (double)with_result : 0;

    pp_result_add(r, pp_thresh_judge(&opt_entries, (double)f->entries),
                  "%zu entries: %zu deliverable, %zu deferred, %zu undeliverable, %zu in progress",
                  f->entries, f->count[0], f->count[1], f->count[2], f->count[3]);
    pp_state st = pp_state_worst(pp_thresh_judge(&c->thresh, share),
                                 pp_thresh_judge(&opt_count, (double)bad));
    pp_sub *sub = pp_result_add(r, st, "%zu undeliverable (%.1f%% of %zu with a result)", bad,
                                share, with_result);
    for (size_t i = 0; i < f->nrecent; i++) {
        char when[32];
        pp_timefmt_stamp(f->recent[i].updated, false, when, sizeof when);
        pp_sub_detail(sub, "%s %s %s: %s", when, pp_vcache_status_name(f->recent[i].status),
                      f->recent[i].address, f->recent[i].text);
    }
    if (f->malformed)
        pp_result_add(r, PP_WARNING, "%zu malformed entries (not status:probed:updated:text)",
                      f->malformed);
    perf(r, "entries", (double)f->entries, "", &opt_entries, &fam_entries, NULL);
    perf(r, "deliverable", (double)f->count[0], "", NULL, &fam_results, "status=\"deliverable\"");
    perf(r, "deferred", (double)f->count[1], "", NULL, &fam_results, "status=\"deferred\"");
    perf(r, "undeliverable", (double)bad, "", &opt_count, &fam_results,
         "status=\"undeliverable\"");
    perf(r, "in_progress", (double)f->count[3], "", NULL, &fam_results, "status=\"in_progress\"");
    perf(r, "undeliverable_share", share, "%", &c->thresh, &fam_share, NULL);
    perf(r, "malformed", (double)f->malformed, "", NULL, &fam_malformed, NULL);
}

/* verify(8) runs on demand, and as it starts it cleans up when the last cleanup completed more
 * than the interval ago (dict_cache_control()): on a quiet server the stamp ages with the whole
 * cache. The cleanup is late by how far it lags behind the last update verify(8) made. */
static void judge_cleanup(pp_result *r, const figures *f, const pp_vcache_settings *s,
                          long long now)
{
    char age[32], lag[32], interval[32];
    pp_thresh cleanup = opt_cleanup_age;
    long long behind = f->activity > f->last_cleanup ? f->activity - f->last_cleanup : 0;
    bool judged = s->cleanup_interval > 0 && f->last_cleanup;

    if (!cleanup.warn.set && !cleanup.crit.set && s->cleanup_interval > 0)
        cleanup.warn = (pp_range){.set = true, .end = 3.0 * (double)s->cleanup_interval};
    pp_timefmt_age((double)s->cleanup_interval, interval, sizeof interval);
    pp_timefmt_age((double)(now - f->last_cleanup), age, sizeof age);
    pp_timefmt_age((double)behind, lag, sizeof lag);
    if (s->cleanup_interval == 0)
        pp_result_add(r, PP_OK, "cache cleanup disabled (address_verify_cache_cleanup_interval "
                      "= 0)");
    else if (!f->last_cleanup)
        pp_result_add(r, PP_OK, "no cleanup completed yet (interval %s)", interval);
    else if (behind == 0)
        pp_result_add(r, pp_thresh_judge(&cleanup, 0), "last cleanup %s ago, after the last "
                      "cache update (interval %s)", age, interval);
    else
        pp_result_add(r, pp_thresh_judge(&cleanup, (double)behind), "last cleanup %s ago, %s "
                      "before the last cache update (interval %s)", age, lag, interval);
    pp_perf p = pp_perf_make("cleanup_age", f->last_cleanup ? (double)(now - f->last_cleanup)
                                                            : NAN, "s");
    pp_perf_family(&p, &fam_cleanup_age, NULL);
    pp_result_perf(r, &p);
    p = pp_perf_make("cleanup_lag", judged ? (double)behind : NAN, "s");
    pp_perf_thresh(&p, &cleanup);
    pp_perf_family(&p, &fam_cleanup_lag, NULL);
    pp_result_perf(r, &p);
}

static void judge_times(pp_result *r, const figures *f, const pp_vcache_settings *s,
                        long long now)
{
    char age[32], expire[32];

    /* No result at all is older than any age. */
    double newest_age = f->newest ? (double)(now - f->newest) : INFINITY;
    pp_timefmt_age(newest_age, age, sizeof age);
    pp_result_add(r, pp_thresh_judge(&opt_update_age, newest_age),
                  f->newest ? "newest result %s ago" : "no probe result in the cache", age);
    judge_cleanup(r, f, s, now);
    pp_result_add(r, pp_thresh_judge(&opt_expired, (double)f->expired),
                  "%zu entries past their expire time", f->expired);
    pp_result_add(r, pp_thresh_judge(&opt_outstanding, (double)f->outstanding),
                  "%zu probes outstanding, %zu lost (no result after %d s)", f->outstanding,
                  f->lost, PP_VCACHE_PROBE_TTL);
    pp_timefmt_age((double)s->pos_expire, expire, sizeof expire);
    if (f->refreshing)
        pp_result_add(r, PP_OK, "%zu deliverable addresses re-probed without a new result: "
                      "verify(8) ignores a failed refresh probe and keeps the OK result until "
                      "it expires (%s)", f->refreshing, expire);
    perf(r, "outstanding", (double)f->outstanding, "", &opt_outstanding, &fam_outstanding, NULL);
    perf(r, "lost_probes", (double)f->lost, "", NULL, &fam_lost, NULL);
    perf(r, "refreshing", (double)f->refreshing, "", NULL, &fam_refreshing, NULL);
    perf(r, "expired", (double)f->expired, "", &opt_expired, &fam_expired, NULL);
    pp_perf p = pp_perf_make("newest_age", f->newest ? newest_age : NAN, "s");
    pp_perf_thresh(&p, &opt_update_age);
    pp_perf_family(&p, &fam_newest, NULL);
    pp_result_perf(r, &p);
}

/* The settings verify(8) runs with, and where they come from. */
static void describe_settings(pp_result *r, const pp_vcache_settings *s)
{
    char t[4][32];
    long long v[4] = {s->pos_expire, s->pos_refresh, s->neg_expire, s->neg_refresh};
    for (int i = 0; i < 4; i++)
        pp_timefmt_age((double)v[i], t[i], sizeof t[i]);
    pp_result_add(r, PP_OK, "%s%s%s: %s; positive expire %s, refresh %s; negative expire %s, "
                  "refresh %s", s->defaults ? "postconf failed, Postfix's default times" :
                  s->service ? "master.cf service " : "no verify service in master.cf, main.cf",
                  s->service ? s->service : "", s->map_override ? " (map set by its -o)" : "",
                  s->map, t[0], t[1], t[2], t[3]);
}

static void summarize(pp_result *r, const figures *f, long long now)
{
    char age[32] = "";
    if (f->newest)
        pp_timefmt_age((double)(now - f->newest), age, sizeof age);
    pp_result_summary(r, "%zu entries (%zu deliverable, %zu deferred, %zu undeliverable, "
                      "%zu in progress)%s%s%s", f->entries, f->count[0], f->count[1],
                      f->count[2], f->count[3], f->newest ? ", newest result " : "", age,
                      f->newest ? " ago" : "");
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_vcache_settings s;
    char err[512], *note = NULL;
    static figures f;

    pp_opts_parse(&plugin, argc, argv, &c);
    if (opt_failures < 0 || opt_failures > MAX_FAILURES)
        pp_die(PP_UNKNOWN, "--failures must be between 0 and %d", MAX_FAILURES);
    if (opt_lock_wait < 0)
        pp_die(PP_UNKNOWN, "--lock-wait must not be negative");
    if (pp_vcache_settings_load(c.config_dir, opt_map, &s, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);

    long long now = (long long)time(NULL);
    scan(&s, now, &f, &note);

    pp_result *r = pp_result_new();
    judge_counts(r, &f, &c);
    judge_times(r, &f, &s, now);
    if (note)
        pp_result_add(r, PP_OK, "%s %s", s.map, note);
    describe_settings(r, &s);
    summarize(r, &f, now);
    free(note);
    pp_vcache_settings_free(&s);
    pp_result_exit(r);
}
