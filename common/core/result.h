/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	result - what a check found, and its Nagios, JSON and OpenMetrics renderings
 * SYNOPSIS
 *	void pp_output_setup(const char *service, pp_format fmt, int verbose);
void pp_output_target(const char *instance, const char *file);
 *	void pp_output_target(const char *instance, const char *file);
 *	pp_result *pp_result_new(void);
 *	void pp_result_summary(pp_result *r, const char *fmt, ...);
 *	pp_sub *pp_result_add(pp_result *r, pp_state s, const char *fmt, ...);
 *	void pp_sub_detail(pp_sub *sub, const char *fmt, ...);
 *	void pp_sub_note(pp_sub *sub, const char *fmt, ...);
 *	void pp_result_perf(pp_result *r, const pp_perf *p);
 *	void pp_result_adopt(pp_result *r, pp_result *from, bool soften);
 *	pp_state pp_result_state(const pp_result *r);
 *	void pp_result_render(const pp_result *r, pp_buf *out);
 *	_Noreturn void pp_result_exit(pp_result *r);
 *	_Noreturn void pp_die(pp_state s, const char *fmt, ...);
 * DESCRIPTION
 *	A check collects sub-results, each a state, a one-line text and optional detail lines;
 *	the worst state (pp_state_worst) is the check's. The Nagios rendering is
 *
 *	    SERVICE STATE - problems, summary | perfdata
 *	    [STATE] sub-result text            (one line per sub-result)
 *	        detail                         (with -v)
 *
 *	(pp_sub_note() adds a detail line shown without -v too: what the reader of an alert
 *	needs at once, a removal URL say), where "problems" are the texts of the sub-results
 *	in the check's (non-OK) state and "summary" is the text set by pp_result_summary()
 *	(without one, the problems alone, or when all is OK the sub-results' texts). With a single sub-result and no summary the
 *	long output would only repeat the first line, so it is left out.
 *	pp_output_setup() records the service name, format and verbosity from the options; it
 *	is called by pp_opts_parse(), and so is pp_output_target(): the Postfix instance (-C,
 *	a label in the OpenMetrics rendering, core/metrics.h) and the --output file (or NULL).
 *	pp_result_exit() prints and exits with the state; with an output file it writes the
 *	rendering there atomically instead (core/outfile.h) and prints nothing, unless the
 *	write fails: then one UNKNOWN line naming the file and the reason, exit 3. The -t
 *	limit writes its UNKNOWN there too (core/timeout.c). pp_output_file() gives the file.
 *	pp_result_adopt() moves the sub-results and perfdata of from (then freed) to the end
 *	of r, a CRITICAL one made WARNING when soften is true: judgments made by a shared
 *	judge that count for less here (an MTA-STS policy in testing mode).
 *	pp_die() ends the run at once with one sub-result: for errors that stop the check.
 */
#ifndef PP_RESULT_H
#define PP_RESULT_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/perfdata.h"
#include "core/state.h"

typedef enum pp_format {
    PP_FMT_NAGIOS,
    PP_FMT_JSON,
    PP_FMT_OPENMETRICS
} pp_format;

typedef struct pp_sub pp_sub;
typedef struct pp_result pp_result;

void pp_output_setup(const char *service, pp_format fmt, int verbose);
void pp_output_target(const char *instance, const char *file);
const char *pp_output_service(void);
const char *pp_output_file(void);
pp_format pp_output_format(void);
int pp_output_verbose(void);
int pp_format_parse(const char *text, pp_format *fmt);

pp_result *pp_result_new(void);
void pp_result_free(pp_result *r);
void pp_result_summary(pp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
pp_sub *pp_result_add(pp_result *r, pp_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pp_sub_detail(pp_sub *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pp_sub_note(pp_sub *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pp_result_perf(pp_result *r, const pp_perf *p);
void pp_result_adopt(pp_result *r, pp_result *from, bool soften);
pp_state pp_result_state(const pp_result *r);
void pp_result_render(const pp_result *r, pp_buf *out);
_Noreturn void pp_result_exit(pp_result *r);
_Noreturn void pp_die(pp_state s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
