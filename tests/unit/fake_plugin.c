/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fake_plugin - a plugin made only for the unit tests of the shared options, output and
 * timeout: it parses the common options plus a few of every kind, optionally sleeps (or
 * spins, or waits on a child process), and reports what it parsed.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core/opts.h"
#include "core/result.h"
#include "core/spawn.h"

static double opt_sleep;
static bool opt_spin;
static bool opt_child;
static long opt_count;
static pp_thresh opt_queue;
static pp_strlist opt_items;

static const pp_opt opts[] = {
    {.name = "sleep", .arg = "SECONDS", .kind = PP_OPT_DOUBLE, .dst = &opt_sleep,
     .help = "sleep this long before answering"},
    {.name = "spin", .kind = PP_OPT_FLAG, .dst = &opt_spin, .help = "busy-loop forever"},
    {.name = "child", .kind = PP_OPT_FLAG, .dst = &opt_child,
     .help = "wait on a child process (sleep 60) that the timeout must kill"},
    {.name = "count", .key = 'n', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_count,
     .help = "a number to report"},
    {.name = "queue", .arg = "W,C", .kind = PP_OPT_THRESH, .dst = &opt_queue,
     .help = "thresholds for the count"},
    {.name = "item", .key = 'i', .arg = "TEXT", .kind = PP_OPT_LIST, .dst = &opt_items,
     .help = "repeatable"},
    {0},
};

static const pp_plugin plugin = {
    .name = "fake_plugin",
    .service = "TEST",
    .purpose = "Exercises the shared option parser, output and timeout for the unit tests.",
    .usage = "[-w RANGE] [-c RANGE] [--sleep SECONDS] [ARG...]",
    .use = PP_USE_THRESH | PP_USE_HOST | PP_USE_CONFDIR,
    .thresh_what = "the count",
    .opts = opts,
    .max_args = 2,
};

int main(int argc, char **argv)
{
    pp_common c;
    pp_opts_parse(&plugin, argc, argv, &c);

    if (opt_sleep > 0)
        usleep((useconds_t)(opt_sleep * 1e6));
    while (opt_spin)
        ;
    if (opt_child) {
        const char *cmd[] = {"/bin/sleep", "60", NULL};
        pp_buf out;
        char err[256];
        pp_buf_init(&out);
        pp_run(NULL, cmd, &out, err, sizeof err);
        pp_buf_free(&out);
    }

    pp_result *r = pp_result_new();
    pp_sub *s = pp_result_add(r, pp_thresh_judge(&c.thresh, (double)opt_count), "count is %ld",
                              opt_count);
    pp_sub_detail(s, "items: %zu, args: %d, host: %s, port: %ld, family: %d", opt_items.n,
                  c.nargs, c.host ? c.host : "-", c.port, c.family);
    pp_result_add(r, pp_thresh_judge(&opt_queue, (double)opt_count), "queue judged");
    pp_perf p = pp_perf_make("count", (double)opt_count, "");
    pp_perf_thresh(&p, &c.thresh);
    pp_result_perf(r, &p);
    pp_strlist_free(&opt_items);
    pp_result_exit(r);
}
