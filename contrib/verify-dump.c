/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify-dump - Postfix's address verification cache one entry a line
 *
 * Prints each entry of the verify(8) cache (address_verify_map of the master.cf verify
 * service, or --map) with its last update, status, address, last probe and reason, selected
 * by PCRE2 expressions on the address and the text and by status, optionally sorted by time,
 * as tab-separated lines or JSON objects. Reads the cache read-only like check_postfix_verify
 * (common/cache/verify_cache).
 * Sorting keeps the formatted lines in an unlinked temporary file and only the time and
 * position of each (16 bytes) in memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/listing.h"
#include "core/opts.h"
#include "queue/queue_view.h"
#include "core/result.h"
#include "core/timefmt.h"
#include "cache/verify_cache.h"

/* ---- options ---- */

static const char *opt_map, *opt_address, *opt_text, *opt_match;
static unsigned opt_status; /* bit per status; 0: all */
static bool opt_sort, opt_reverse, opt_expired, opt_json, opt_no_header, opt_utc;

static int fn_status(const char *arg, void *dst, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        unsigned bits;
    } names[] = {{"deliverable", 1u << PP_VCACHE_DELIVERABLE},
                 {"deferred", 1u << PP_VCACHE_DEFERRED},
                 {"undeliverable", 1u << PP_VCACHE_UNDELIVERABLE},
                 {"in-progress", 1u << PP_VCACHE_TODO},
                 {"failed", 1u << PP_VCACHE_DEFERRED | 1u << PP_VCACHE_UNDELIVERABLE},
                 {"0", 1u << 0}, {"1", 1u << 1}, {"2", 1u << 2}, {"3", 1u << 3}};
    char *copy = pp_xstrdup(arg), *save = NULL;
    unsigned bits = 0;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcasecmp(w, names[i].name) != 0)
            i++;
        if (i == sizeof names / sizeof names[0]) {
            snprintf(err, errlen, "unknown status '%s' (deliverable, deferred, undeliverable, "
                     "in-progress, failed, or 0-3)", w);
            free(copy);
            return -1;
        }
        bits |= names[i].bits;
    }
    free(copy);
    if (!bits)
        return pp_errf(err, errlen, "no status given");
    *(unsigned *)dst = bits;
    return 0;
}

static const pp_opt opts[] = {
    {.name = "map", .key = 'm', .arg = "TYPE:PATH", .kind = PP_OPT_STR, .dst = &opt_map,
     .help = "the cache to read (btree:, hash: or lmdb:, path without suffix); default: "
             "address_verify_map from postconf"},
    {.name = "address", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_address,
     .help = "the address matches REGEX"},
    {.name = "text", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_text,
     .help = "the reason text matches REGEX"},
    {.name = "match", .arg = "REGEX", .kind = PP_OPT_STR, .dst = &opt_match,
     .help = "the address or the text matches REGEX"},
    {.name = "status", .key = 's', .arg = "LIST", .kind = PP_OPT_FUNC, .dst = &opt_status,
     .fn = fn_status,
     .help = "only these statuses, comma-separated: deliverable, deferred, undeliverable, "
             "in-progress, failed (deferred and undeliverable), or their numbers 0-3"},
    {.name = "expired", .kind = PP_OPT_FLAG, .dst = &opt_expired,
     .help = "only entries past their expire time (which the cache cleanup should remove)"},
    {.name = "sort", .kind = PP_OPT_FLAG, .dst = &opt_sort,
     .help = "sort by the time of the last update, oldest first"},
    {.name = "reverse", .key = 'r', .kind = PP_OPT_FLAG, .dst = &opt_reverse,
     .help = "sort by the time of the last update, newest first"},
    PP_LISTING_OPTIONS(&opt_json, &opt_no_header, &opt_utc,
                       "times in UTC (default: local time)"),
    {0},
};

static const pp_example examples[] = {
    {"--status undeliverable --sort",
     "the addresses that bounced, oldest result first"},
    {"--address '@example\\.org$' --format json",
     "the entries for example.org, as JSON"},
    {0},
};

static const pp_plugin tool = {
    .name = "verify-dump",
    .service = "VERIFY-DUMP",
    .purpose = "Lists Postfix's address verification cache one entry a line: last update, "
               "status, address, time of an outstanding probe, and the reason.",
    .usage = "[-C DIR | --map TYPE:PATH] [--address RE] [--text RE] [--match RE] "
             "[--status LIST] [--expired] [--sort | --reverse] [--format tsv|json]",
    .notes = "Filters are PCRE2 regular expressions, case-insensitive and unanchored; all the "
             "given filters must match. The probed column is the time of a probe without a "
             "result yet; for a deliverable address it is its last refresh probe, which "
             "verify(8) leaves there when the probe fails (the OK result stands). The cache is "
             "read-only to this tool; a running verify(8) keeps it locked and it is then read "
             "without the lock. With -v the "
             "time of the last cache cleanup and the counts go to stderr. Errors print one "
             "line and exit 3; success exits 0.",
    .examples = examples,
    .use = PP_USE_CONFDIR | PP_USE_TOOL,
    .opts = opts,
    .max_args = 0,
    .default_timeout = 600,
};

/* ---- filters ---- */

typedef struct filter {
    pcre2_code *address, *text, *either;
    pcre2_match_data *md;
} filter;

static bool selected(const filter *f, const pp_vcache_entry *e, long long now,
                     const pp_vcache_settings *s)
{
    size_t alen = strlen(e->address);
    return (!opt_status || (opt_status & (1u << e->status))) &&
           (!opt_expired || pp_vcache_expired(e, now, s)) &&
           (!f->address || pp_listing_match(f->address, f->md, e->address, alen)) &&
           (!f->text || pp_listing_match(f->text, f->md, e->text, e->textlen)) &&
           (!f->either || pp_listing_match(f->either, f->md, e->address, alen) ||
            pp_listing_match(f->either, f->md, e->text, e->textlen));
}

/* ---- output ---- */

static void print_header(void)
{
    if (!opt_json && !opt_no_header)
        puts("#updated\tstatus\taddress\tprobed\ttext");
}

static void format_entry(const pp_vcache_entry *e, pp_buf *line)
{
    char updated[32], probed[32];
    char *text = pp_xstrndup(e->text, e->textlen);

    pp_buf_reset(line);
    pp_timefmt_stamp(e->updated, opt_utc || opt_json, updated, sizeof updated);
    pp_timefmt_stamp(e->probed, opt_utc || opt_json, probed, sizeof probed);
    if (opt_json) {
        pp_buf_puts(line, "{\"address\":");
        pp_json_str(line, e->address);
        pp_buf_printf(line, ",\"status\":\"%s\",\"status_code\":%d,\"updated\":%lld,"
                      "\"updated_at\":\"%s\",\"probed\":%lld,\"text\":",
                      pp_vcache_status_name(e->status), e->status, e->updated, updated, e->probed);
        pp_json_str(line, text);
        pp_buf_puts(line, "}\n");
    } else {
        pp_buf_printf(line, "%s\t%s\t", updated, pp_vcache_status_name(e->status));
        pp_qview_tsv(line, e->address);
        pp_buf_printf(line, "\t%s\t", probed);
        pp_qview_tsv(line, text);
        pp_buf_putc(line, '\n');
    }
    free(text);
}

/* ---- sorting through a temporary file ---- */

/* The temporary file holds each line as its length (a uint32_t) and its bytes. */
typedef struct spot {
    long long updated;
    long long offset;
} spot;

typedef struct sorter {
    FILE *tmp;
    long long end;
    spot *spots;
    size_t n, cap;
} sorter;

static int by_time(const void *a, const void *b)
{
    const spot *x = a, *y = b;
    int c = (x->updated > y->updated) - (x->updated < y->updated);
    if (c == 0) /* equal times keep the cache's order */
        return (x->offset > y->offset) - (x->offset < y->offset);
    return opt_reverse ? -c : c;
}

static void sorter_add(sorter *s, long long updated, const pp_buf *line)
{
    uint32_t len = (uint32_t)line->len;
    if (!s->tmp && !(s->tmp = tmpfile()))
        pp_die(PP_UNKNOWN, "cannot create a temporary file to sort in: %s", strerror(errno));
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->spots = pp_xrealloc(s->spots, s->cap * sizeof *s->spots);
    }
    s->spots[s->n++] = (spot){updated, s->end};
    if (fwrite(&len, sizeof len, 1, s->tmp) != 1 || fwrite(line->s, 1, len, s->tmp) != len)
        pp_die(PP_UNKNOWN, "cannot write a temporary file to sort in: %s", strerror(errno));
    s->end += (long long)(sizeof len + len);
}

static void sorter_print(sorter *s)
{
    char *buf = NULL;
    uint32_t len, cap = 0;

    if (!s->n)
        return;
    if (fflush(s->tmp) != 0)
        pp_die(PP_UNKNOWN, "cannot write a temporary file to sort in: %s", strerror(errno));
    qsort(s->spots, s->n, sizeof *s->spots, by_time);
    for (size_t i = 0; i < s->n; i++) {
        off_t at = (off_t)s->spots[i].offset;
        if (pread(fileno(s->tmp), &len, sizeof len, at) != (ssize_t)sizeof len)
            pp_die(PP_UNKNOWN, "cannot read back the temporary file");
        if (len > cap)
            buf = pp_xrealloc(buf, cap = len);
        if (pread(fileno(s->tmp), buf, len, at + (off_t)sizeof len) != (ssize_t)len)
            pp_die(PP_UNKNOWN, "cannot read back the temporary file");
        fwrite(buf, 1, len, stdout);
    }
    free(buf);
}

static void sorter_free(sorter *s)
{
    if (s->tmp)
        fclose(s->tmp);
    free(s->spots);
}

/* ---- main ---- */

static void report(const pp_vcache_reader *r, size_t seen, size_t shown)
{
    char when[32];
    pp_timefmt_stamp(r->last_cleanup, opt_utc, when, sizeof when);
    fprintf(stderr, "%s: %zu entries, %zu shown, %zu malformed; last cleanup %s\n",
            pp_cachedb_file(r->db), seen, shown, r->malformed, when);
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_vcache_settings s;
    pp_vcache_reader r;
    pp_vcache_entry e;
    pp_cachedb_lock lock = {.wait = 0.5, .keeper = "verify"};
    filter f = {0};
    sorter so = {0};
    pp_buf line;
    char err[512];
    size_t seen = 0, shown = 0;
    int rc;

    pp_opts_parse(&tool, argc, argv, &c);
    opt_sort = opt_sort || opt_reverse;
    f.address = pp_listing_regex("address", opt_address);
    f.text = pp_listing_regex("text", opt_text);
    f.either = pp_listing_regex("match", opt_match);
    f.md = pcre2_match_data_create(1, NULL);
    if (pp_vcache_settings_load(c.config_dir, opt_map, &s, err, sizeof err) != 0 ||
        pp_vcache_open(&r, s.map, &lock, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);

    long long now = (long long)time(NULL);
    pp_buf_init(&line);
    print_header();
    while ((rc = pp_vcache_next(&r, &e, err, sizeof err)) == 1) {
        seen++;
        if (!selected(&f, &e, now, &s))
            continue;
        shown++;
        format_entry(&e, &line);
        if (opt_sort)
            sorter_add(&so, e.updated, &line);
        else
            fwrite(line.s, 1, line.len, stdout);
    }
    if (rc < 0)
        pp_die(PP_UNKNOWN, "%s", err);
    sorter_print(&so);
    if (c.verbose)
        report(&r, seen, shown);
    if (fflush(stdout) != 0)
        pp_die(PP_UNKNOWN, "cannot write the output: %s", strerror(errno));

    sorter_free(&so);
    pp_buf_free(&line);
    pp_vcache_close(&r);
    pp_vcache_settings_free(&s);
    pcre2_code_free(f.address);
    pcre2_code_free(f.text);
    pcre2_code_free(f.either);
    pcre2_match_data_free(f.md);
    return 0;
}
