/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	opts - command-line options of every plugin, and --help made from one table
 * SYNOPSIS
 *	void pp_opts_parse(const pp_plugin *pl, int argc, char **argv, pp_common *c);
 *	void pp_opts_help(const pp_plugin *pl, FILE *out);
 * DESCRIPTION
 *	A plugin describes itself in a pp_plugin: name, service (the first word of its output),
 *	purpose, usage synopsis, notes, which shared option groups it takes, and a table of its
 *	own options (ended by an entry with a NULL name). Always present: -h/--help,
 *	-V/--version, -v/--verbose (repeatable), -t/--timeout=SECONDS[:STATE] (default 10 s,
 *	state UNKNOWN), --format=nagios|json|openmetrics and --output=FILE (the rendering
 *	written to FILE atomically instead of stdout, core/outfile.h). PP_USE_HOST adds
 *	-H/--hostname, -p/--port, -4, -6; PP_USE_THRESH adds -w/--warning and -c/--critical
 *	(ranges, judging pl->thresh_what); PP_USE_CONFDIR adds -C/--config-dir (a Postfix
 *	config directory).
 *	A tool with output of another kind may declare its own "format" option, which then
 *	replaces the shared one (and takes no --output); pl->default_timeout (0: 10 s) sets
 *	the -t default.
 *	--help ends with pl->examples (each printed as one unwrapped command line with its
 *	explanation below), the range syntax where an option takes a range (RANGE or W,C),
 *	the exit states unless PP_USE_TOOL (a tool exits 0 or 3 and says so in its notes),
 *	and a last line naming the licence and where to report bugs.
 *	pp_opts_parse() fills the plugin's variables through the table and c with the shared
 *	ones, sets up the output (pp_output_setup) and arms the timeout. -h and -V print and
 *	exit 0; any bad option or value ends the run with one UNKNOWN line naming the option,
 *	exit 3. Positional arguments are left in c->args/c->nargs (at most pl->max_args, -1 for
 *	any number).
 *	Kinds: FLAG (bool), COUNT (int, +1 each time), STR (const char *), LIST (pp_strlist,
 *	repeatable), INT (long), DOUBLE, RANGE (pp_range), THRESH ("W,C" into a pp_thresh,
 *	either part may be empty), STATE (pp_state), FUNC (fn(arg, dst, err, errlen) returns 0
 *	or -1 with a reason).
 */
#ifndef PP_OPTS_H
#define PP_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/range.h"
#include "core/result.h"

typedef enum pp_opt_kind {
    PP_OPT_FLAG,
    PP_OPT_COUNT,
    PP_OPT_STR,
    PP_OPT_LIST,
    PP_OPT_INT,
    PP_OPT_DOUBLE,
    PP_OPT_RANGE,
    PP_OPT_THRESH,
    PP_OPT_STATE,
    PP_OPT_FUNC
} pp_opt_kind;

typedef struct pp_opt {
    const char *name; /* long name, without "--" */
    int key;          /* short letter, or 0 */
    const char *arg;  /* argument name in --help; NULL for options without one */
    pp_opt_kind kind;
    void *dst;
    const char *help;
    int (*fn)(const char *arg, void *dst, char *err, size_t errlen);
} pp_opt;

/* An example for --help: "NAME ARGS", never wrapped, then WHAT wrapped below it. */
typedef struct pp_example {
    const char *args;
    const char *what;
} pp_example;

typedef struct pp_strlist {
    const char **items;
    size_t n;
} pp_strlist;

enum {
    PP_USE_HOST = 1 << 0,
    PP_USE_THRESH = 1 << 1,
    PP_USE_CONFDIR = 1 << 2,
    PP_USE_TOOL = 1 << 3 /* a tool, not a plugin: no plugin exit states in --help */
};

typedef struct pp_plugin {
    const char *name;
    const char *service;
    const char *purpose;
    const char *usage;
    const char *notes;
    const pp_example *examples; /* ended by an entry with NULL args */
    unsigned use;
    const char *thresh_what;
    const pp_opt *opts;
    int max_args;
    double default_timeout; /* seconds; 0: 10 */
} pp_plugin;

typedef struct pp_common {
    int verbose;
    double timeout;
    pp_state timeout_state;
    pp_format format;
    const char *host;
    long port;
    int family; /* AF_UNSPEC, AF_INET or AF_INET6 */
    pp_thresh thresh;
    const char *config_dir;
    char **args;
    int nargs;
} pp_common;

void pp_opts_parse(const pp_plugin *pl, int argc, char **argv, pp_common *c);
void pp_opts_help(const pp_plugin *pl, FILE *out);
void pp_strlist_free(pp_strlist *l);

#endif
