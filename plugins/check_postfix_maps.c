/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_postfix_maps - are the lookup tables Postfix uses what their sources say?
 *
 * Every file-based table main.cf and master.cf name (common/postfix/maprefs) is checked: an indexed
 * table (hash, btree, lmdb, cdb) is MISSING without its compiled file, STALE when its source
 * is newer, and its keys are counted against the source's entries (common/cache/cachedb,
 * common/postfix/mapsrc); a pcre or regexp table has every rule parsed and compiled as Postfix does
 * (common/postfix/rxtable); a table Postfix reads whole at start-up (pcre, regexp, cidr, texthash)
 * changed since Postfix last started or reloaded needs "postfix reload" (common/core/procinfo).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cache/cachedb.h"
#include "postfix/mapsrc.h"
#include "postfix/maprefs.h"
#include "core/opts.h"
#include "core/procinfo.h"
#include "core/result.h"
#include "postfix/rxtable.h"
#include "core/timefmt.h"
#include "core/timeout.h"
#include "core/utf8.h"

#define MAX_SHOWN 3 /* problems of one table named in its line; -v lists all */

enum { STALE, MISSING, CORRUPT, MISMATCH, BAD_RULES, RELOAD, UNREADABLE, UNCHECKED, NKINDS };

typedef struct table {
    const pp_mapref *ref;
    pp_state state; /* without STALE, judged once all tables are seen */
    bool stale;
    pp_buf problems; /* "; "-separated */
    char **details; /* rules Postfix skips, then rules not checked here */
    size_t ndetails;
    size_t nunchecked;
    char info[700]; /* for the OK tables' -v list */
} table;

typedef struct run {
    time_t now, loaded; /* loaded: when Postfix last (re)started; 0: unknown */
    char loaded_how[160];
    unsigned src_flags; /* how postmap reads a source: pp_mapsrc_init() flags */
    size_t count[NKINDS];
} run;

static double opt_grace = 100, opt_lock_wait = 2;
static bool opt_no_count, opt_every_key;

static const pp_opt opts[] = {
    {.name = "grace", .arg = "SECONDS", .kind = PP_OPT_DOUBLE, .dst = &opt_grace,
     .help = "a source changed less than this long ago is not STALE yet (default 100, as "
             "Postfix's own warning)"},
    {.name = "no-count", .kind = PP_OPT_FLAG, .dst = &opt_no_count,
     .help = "do not count keys against source entries (faster on huge tables)"},
    {.name = "every-key", .kind = PP_OPT_FLAG, .dst = &opt_every_key,
     .help = "look every source key up in the compiled file, not only when the counts differ "
             "(finds a changed key that equal counts hide; slower)"},
    {.name = "lock-wait", .arg = "SECONDS", .kind = PP_OPT_DOUBLE, .dst = &opt_lock_wait,
     .help = "how long to wait for a table postmap is rebuilding (default 2)"},
    {0},
};

static const pp_example examples[] = {
    {"-w 0 -c 2",
     "WARNING at the first stale table, CRITICAL from three"},
    {"-C /etc/postfix-out --grace 300 -v",
     "another instance, a source may change 5 minutes before its postmap"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_postfix_maps",
    .service = "POSTFIX_MAPS",
    .purpose = "Checks the lookup tables main.cf and master.cf use: compiled tables MISSING "
               "or STALE (older than their source) or whose keys do not match the source "
               "(a failed postmap), pcre and regexp rules Postfix cannot use, and tables "
               "changed since Postfix last loaded them (postfix reload needed).",
    .usage = "[-C DIR] [-w RANGE] [-c RANGE] [--grace SECONDS] [--no-count] [-v]",
    .notes = "-w and -c judge the number of STALE tables (default: -w 0, any stale table "
             "warns). A MISSING or corrupt table, a compiled table lacking source entries and "
             "a rule Postfix skips are CRITICAL; duplicate or extra keys and a needed reload "
             "are warnings. A regexp rule too costly for this plugin to compile (a repetition "
             "bound over 3000) is listed as not checked, without alarm: Postfix compiles it. "
             "Tables Postfix writes itself (proxy_write_maps, the verify, postscreen, SASL "
             "and TLS caches) are left out. Files this user may not read (a root-only "
             "sasl_passwd) are still "
             "checked for STALE and MISSING, but not counted. The reload check reads Postfix's "
             "master pid file (root only).",
    .examples = examples,
    .use = PP_USE_THRESH | PP_USE_CONFDIR,
    .thresh_what = "the number of stale tables",
    .opts = opts,
    .max_args = 0,
};

/* ---- problems of one table ---- */

static void problem(table *t, run *r, int kind, pp_state st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(table *t, run *r, int kind, pp_state st, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (t->problems.len)
        pp_buf_puts(&t->problems, "; ");
    pp_buf_puts(&t->problems, text);
    r->count[kind]++;
    if (kind == STALE)
        t->stale = true;
    else
        t->state = pp_state_worst(t->state, st);
}

static const char *rebuild(const table *t, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s:%s", t->ref->alias ? "postalias" : "postmap", t->ref->type,
             t->ref->path);
    return buf;
}

/* ---- the source against the compiled file ---- */

typedef struct counting {
    pp_mapsrc_counts c;
    pp_cachedb *db; /* set for the lookup pass */
    size_t missing;
    size_t first_line;
    char first_key[300];
    char err[300];
} counting;

static int count_entry(void *ctx, const pp_mapsrc_entry *e)
{
    counting *k = ctx;
    if (!e->valid) {
        k->c.skipped++;
        return 0;
    }
    k->c.entries++;
    if (!k->db)
        return 0;
    int rc = pp_cachedb_lookup(k->db, e->key, k->err, sizeof k->err);
    if (rc < 0)
        return 1;
    if (rc == 0 && k->missing++ == 0) {
        pp_buf shown;
        pp_buf_init(&shown);
        pp_utf8_visible(&shown, e->key, e->klen < 60 ? e->klen : 60);
        k->first_line = e->line;
        snprintf(k->first_key, sizeof k->first_key, "%s%s", shown.s ? shown.s : "",
                 e->klen > 60 ? "..." : "");
        pp_buf_free(&shown);
    }
    return 0;
}

/* postalias adds "@" (sendmail's "complete" mark) and, with NIS, two YP_ keys. */
static bool alias_extra(const char *key)
{
    return strcmp(key, "@") == 0 || strcmp(key, "YP_LAST_MODIFIED") == 0 ||
           strcmp(key, "YP_MASTER_NAME") == 0;
}

/* Keys in the compiled file, postalias's own marks left out. */
static int count_keys(pp_cachedb *db, bool alias, size_t *keys, char *err, size_t errlen)
{
    pp_cachedb_item it;
    int rc;
    *keys = 0;
    while ((rc = pp_cachedb_next(db, &it, err, errlen)) == 1)
        *keys += !(alias && alias_extra(it.key));
    return rc;
}

/* The source's entries; with db, each key is looked up in it too. 0, or -1 with err. */
static int read_source(const table *t, const run *r, pp_cachedb *db, counting *k, char *err,
                       size_t errlen)
{
    *k = (counting){.db = db};
    pp_mapsrc_kind kind = t->ref->alias ? PP_MAPSRC_ALIAS : PP_MAPSRC_POSTMAP;
    int rc = pp_mapsrc_read(t->ref->path, kind, r->src_flags, count_entry, k, err, errlen);
    if (rc > 0) /* a lookup failed */
        snprintf(err, errlen, "%s", k->err);
    return rc == 0 ? 0 : -1;
}

static void judge_counts(table *t, run *r, size_t keys, const counting *k)
{
    char cmd[300];
    if (k->missing)
        problem(t, r, MISMATCH, PP_CRITICAL,
                "%zu of %zu source entries missing from the compiled file (first: '%s', line "
                "%zu): failed or partial postmap? run %s", k->missing, k->c.entries,
                k->first_key, k->first_line, rebuild(t, cmd, sizeof cmd));
    else if (keys < k->c.entries)
        problem(t, r, MISMATCH, PP_WARNING,
                "%zu source entries but %zu keys: duplicate keys in the source (postmap keeps "
                "the first)", k->c.entries, keys);
    else if (keys > k->c.entries)
        problem(t, r, MISMATCH, PP_WARNING,
                "%zu keys compiled but %zu source entries: built from another version of the "
                "source? run %s", keys, k->c.entries, rebuild(t, cmd, sizeof cmd));
    else
        snprintf(t->info, sizeof t->info, "%zu entries", keys);
    if (!k->missing && k->c.skipped)
        snprintf(t->info + strlen(t->info), sizeof t->info - strlen(t->info), " (and %zu "
                 "source line%s %s skips with a warning)", k->c.skipped,
                 k->c.skipped == 1 ? "" : "s", t->ref->alias ? "postalias" : "postmap");
}

static void compare(table *t, run *r, pp_cachedb_type type)
{
    /* Several tables being rebuilt must not use up the -t time between them. */
    double left = pp_timeout_left() / 4;
    pp_cachedb_lock lock = {.wait = opt_lock_wait < left ? opt_lock_wait : left,
                            .required = true};
    counting k;
    size_t keys;
    char err[600], cmd[300];

    pp_cachedb *db = pp_cachedb_open(type, t->ref->path, &lock, err, sizeof err);
    int rc = db ? count_keys(db, t->ref->alias, &keys, err, sizeof err) : -1;
    if (rc == 0)
        rc = read_source(t, r, NULL, &k, err, sizeof err);
    /* Which keys differ: look each source key up (bounded memory), on a mismatch only. */
    if (rc == 0 && (keys != k.c.entries || opt_every_key))
        rc = read_source(t, r, db, &k, err, sizeof err);
    int e = errno;
    pp_cachedb_close(db);
    if (rc == 0)
        judge_counts(t, r, keys, &k);
    else if (e == EACCES) /* a table this user may not read: no count, no alarm */
        snprintf(t->info, sizeof t->info, "keys not counted: %s", err);
    else if (!db && e == EINVAL)
        problem(t, r, CORRUPT, PP_CRITICAL, "CORRUPT: %s (run %s)", err,
                rebuild(t, cmd, sizeof cmd));
    else
        problem(t, r, UNREADABLE, PP_UNKNOWN, "%s", err);
}

static void check_indexed(table *t, run *r)
{
    pp_cachedb_type type;
    char cmd[300], age[32];
    struct stat src, db;
    const char *path = t->ref->path;

    if (pp_cachedb_type_parse(t->ref->type, &type) != 0)
        return;
    char *file = pp_xasprintf("%s%s", path, pp_cachedb_suffix(type));
    bool have_src = stat(path, &src) == 0;
    int src_errno = errno;
    if (stat(file, &db) != 0) {
        if (errno == ENOENT)
            problem(t, r, MISSING, PP_CRITICAL, "MISSING: no %s%s (run %s)", file,
                    have_src ? "" : " and no source", rebuild(t, cmd, sizeof cmd));
        else
            problem(t, r, UNREADABLE, PP_UNKNOWN, "cannot stat %s: %s", file, strerror(errno));
    } else if (!have_src) {
        if (src_errno == ENOENT)
            snprintf(t->info, sizeof t->info, "compiled file only, no source");
        else
            problem(t, r, UNREADABLE, PP_UNKNOWN, "cannot stat %s: %s", path,
                    strerror(src_errno));
    } else if (src.st_mtime > db.st_mtime && r->now - src.st_mtime >= opt_grace) {
        pp_timefmt_age((double)(src.st_mtime - db.st_mtime), age, sizeof age);
        problem(t, r, STALE, PP_WARNING, "STALE: the source changed %s after %s was built "
                "(run %s)", age, file, rebuild(t, cmd, sizeof cmd));
    } else if (src.st_mtime > db.st_mtime) {
        snprintf(t->info, sizeof t->info, "source changed just now, not compiled yet");
    } else if (!opt_no_count) {
        compare(t, r, type);
    }
    free(file);
}

/* ---- tables read whole at start-up ---- */

/* Rules Postfix skips come first in details, those not checked here after them. */
static void note_rule(void *ctx, size_t line, int kind, const char *why)
{
    table *t = ctx;
    size_t at = kind == PP_RXTABLE_UNCHECKED ? t->ndetails : t->ndetails - t->nunchecked;
    t->details = pp_xrealloc(t->details, (t->ndetails + 1) * sizeof *t->details);
    memmove(t->details + at + 1, t->details + at, (t->ndetails - at) * sizeof *t->details);
    t->details[at] = pp_xasprintf("%s:%zu: %s", t->ref->path, line, why);
    t->ndetails++;
    t->nunchecked += kind == PP_RXTABLE_UNCHECKED;
}

/* "path:line: why; ..." for details [from, to), MAX_SHOWN of them at most. */
static void list_rules(const table *t, size_t from, size_t to, pp_buf *list)
{
    for (size_t i = from; i < to && i < from + MAX_SHOWN; i++)
        pp_buf_printf(list, "%s%s", i > from ? "; " : "", t->details[i]);
    if (to - from > MAX_SHOWN)
        pp_buf_printf(list, "; and %zu more", to - from - MAX_SHOWN);
}

static void check_rules(table *t, run *r)
{
    char err[300];
    pp_rxtable_kind kind = strcmp(t->ref->type, "pcre") == 0 ? PP_RXTABLE_PCRE : PP_RXTABLE_REGEXP;
    long rules = pp_rxtable_check_file(t->ref->path, kind, t->ref->no_regsub, note_rule, t, err,
                                       sizeof err);
    if (rules < 0 && errno == EACCES) {
        snprintf(t->info, sizeof t->info, "rules not checked: %s", err);
        return;
    }
    if (rules < 0) {
        problem(t, r, UNREADABLE, PP_UNKNOWN, "%s", err);
        return;
    }
    snprintf(t->info, sizeof t->info, "%ld rules", rules);
    size_t skipped = t->ndetails - t->nunchecked;
    pp_buf list;
    pp_buf_init(&list);
    if (skipped) {
        list_rules(t, 0, skipped, &list);
        problem(t, r, BAD_RULES, PP_CRITICAL, "%zu rule%s Postfix skips or misreads: %s",
                skipped, skipped == 1 ? "" : "s", list.s);
    }
    /* This check's own limit says nothing against the table: reported, not alarmed. */
    if (t->nunchecked) {
        pp_buf_reset(&list);
        list_rules(t, skipped, t->ndetails, &list);
        problem(t, r, UNCHECKED, PP_OK, "%zu rule%s not checked (this plugin's limit, not "
                "Postfix's): %s", t->nunchecked, t->nunchecked == 1 ? "" : "s", list.s);
    }
    pp_buf_free(&list);
}

/* Returns false when the file is not there to be read. */
static bool check_loaded(table *t, run *r)
{
    struct stat st;
    char age[32];
    if (stat(t->ref->path, &st) != 0) {
        if (errno == ENOENT)
            problem(t, r, MISSING, PP_CRITICAL, "MISSING: no %s", t->ref->path);
        else
            problem(t, r, UNREADABLE, PP_UNKNOWN, "cannot stat %s: %s", t->ref->path,
                    strerror(errno));
        return false;
    }
    if (r->loaded && st.st_mtime > r->loaded) {
        pp_timefmt_age((double)(st.st_mtime - r->loaded), age, sizeof age);
        problem(t, r, RELOAD, PP_WARNING, "changed %s after Postfix loaded it (%s): run "
                "postfix reload", age, r->loaded_how);
    }
    return true;
}

/* When the running Postfix last read its tables: its oldest child's start, since master
 * restarts every child on "postfix reload"; the master's own start when it has none. */
static void find_loaded(const pp_maprefs *refs, run *r)
{
    char *files[2] = {NULL, NULL}, err[300] = "", comm[64], when[32];
    pid_t pid = 0, child;
    int found = -1;

    if (refs->data_directory)
        files[0] = pp_xasprintf("%s/master.lock", refs->data_directory);
    if (refs->queue_directory)
        files[1] = pp_xasprintf("%s/pid/master.pid", refs->queue_directory);
    for (int i = 0; i < 2 && found != 0; i++)
        if (files[i])
            found = pp_proc_pidfile(files[i], &pid, err, sizeof err);
    free(files[0]);
    free(files[1]);
    if (found != 0 || pp_proc_comm(pid, comm, sizeof comm) != 0 || strcmp(comm, "master") != 0) {
        snprintf(r->loaded_how, sizeof r->loaded_how, "%s", found != 0 ? err :
                 "the pid file names no running Postfix master");
        return;
    }
    int rc = pp_proc_oldest_child(pid, &child, &r->loaded);
    if (rc <= 0 && pp_proc_start_time(pid, &r->loaded) != 0) {
        r->loaded = 0;
        snprintf(r->loaded_how, sizeof r->loaded_how, "cannot read /proc/%ld", (long)pid);
        return;
    }
    pp_timefmt_stamp(r->loaded, false, when, sizeof when);
    snprintf(r->loaded_how, sizeof r->loaded_how, "%s %s", rc > 0 ? "last start or reload"
             : "master started", when);
}

/* ---- main ---- */

static void check(table *t, run *r)
{
    switch (pp_maprefs_class(t->ref->type)) {
    case PP_MAPREF_INDEXED:
        check_indexed(t, r);
        break;
    case PP_MAPREF_PATTERN:
        if (check_loaded(t, r))
            check_rules(t, r);
        break;
    case PP_MAPREF_MEMORY:
        check_loaded(t, r);
        break;
    default:
        snprintf(t->info, sizeof t->info, "not checked (%s tables are not read here)",
                 t->ref->type);
        break;
    }
}

static void report(pp_result *res, table *tables, size_t n, const run *r, const pp_common *c)
{
    pp_thresh th = c->thresh;
    if (!th.warn.set && !th.crit.set)
        th.warn = (pp_range){.set = true, .end = 0};
    pp_state stale = pp_thresh_judge(&th, (double)r->count[STALE]);
    size_t nok = 0;

    for (size_t i = 0; i < n; i++) {
        table *t = &tables[i];
        if (t->problems.len) {
            pp_state st = pp_state_worst(t->state, t->stale ? stale : PP_OK);
            pp_sub *sub = pp_result_add(res, st, "%s:%s %s", t->ref->type, t->ref->path,
                                        t->problems.s);
            for (size_t j = 0; j < t->ndetails; j++)
                pp_sub_detail(sub, "%s", t->details[j]);
            continue;
        }
        nok++;
    }
    pp_sub *ok = pp_result_add(res, PP_OK, "%zu of %zu tables fine", nok, n);
    for (size_t i = 0; i < n; i++)
        if (!tables[i].problems.len)
            pp_sub_detail(ok, "%s:%s (%s): %s", tables[i].ref->type, tables[i].ref->path,
                          tables[i].ref->param, tables[i].info[0] ? tables[i].info : "fine");
    if (!r->loaded)
        pp_sub_detail(ok, "no reload check: %s", r->loaded_how);

    static const char *const labels[NKINDS] = {"stale",      "missing",       "corrupt",
                                               "mismatched", "bad_rules",     "reload_needed",
                                               "unreadable", "unchecked_rules"};
    /* OpenMetrics: the kinds of problem one family with a problem label, as
     * check_postfix_verify's results have a status label. */
    static const pp_family fam_tables = {"postfix_maps_tables", PP_GAUGE,
                                         "lookup tables main.cf and master.cf use", 0};
    static const pp_family fam_problem = {"postfix_maps_problem_tables", PP_GAUGE,
                                          "tables with the problem (a table may have several)",
                                          0};
    char ml[64];
    pp_perf p = pp_perf_make("tables", (double)n, "");
    pp_perf_minmax(&p, true, 0, false, 0);
    pp_perf_family(&p, &fam_tables, NULL);
    pp_result_perf(res, &p);
    for (int k = 0; k < NKINDS; k++) {
        p = pp_perf_make(labels[k], (double)r->count[k], "");
        if (k == STALE)
            pp_perf_thresh(&p, &th);
        pp_perf_minmax(&p, true, 0, true, (double)n);
        snprintf(ml, sizeof ml, "problem=\"%s\"", labels[k]);
        pp_perf_family(&p, &fam_problem, ml);
        pp_result_perf(res, &p);
    }
    char unchecked[80] = "";
    if (r->count[UNCHECKED])
        snprintf(unchecked, sizeof unchecked, ", %zu with rules this plugin cannot check",
                 r->count[UNCHECKED]);
    pp_result_summary(res, "%zu tables: %zu stale, %zu missing, %zu corrupt, %zu mismatched, "
                      "%zu with bad rules, %zu to reload%s", n, r->count[STALE],
                      r->count[MISSING], r->count[CORRUPT], r->count[MISMATCH],
                      r->count[BAD_RULES], r->count[RELOAD], unchecked);
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_maprefs refs;
    run r = {0};
    char err[512];

    pp_opts_parse(&plugin, argc, argv, &c);
    if (opt_grace < 0 || opt_lock_wait < 0)
        pp_die(PP_UNKNOWN, "--grace and --lock-wait must not be negative");
    if (pp_maprefs_load(&refs, c.config_dir, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    r.now = time(NULL);
    r.src_flags = refs.smtputf8 ? PP_MAPSRC_UTF8 : 0;
    find_loaded(&refs, &r);

    table *tables = pp_xcalloc(refs.n + 1, sizeof *tables);
    for (size_t i = 0; i < refs.n; i++) {
        tables[i].ref = &refs.v[i];
        pp_buf_init(&tables[i].problems);
        check(&tables[i], &r);
    }
    pp_result *res = pp_result_new();
    report(res, tables, refs.n, &r, &c);
    for (size_t i = 0; i < refs.n; i++) {
        pp_buf_free(&tables[i].problems);
        for (size_t j = 0; j < tables[i].ndetails; j++)
            free(tables[i].details[j]);
        free(tables[i].details);
    }
    free(tables);
    pp_maprefs_free(&refs);
    pp_result_exit(res);
}
