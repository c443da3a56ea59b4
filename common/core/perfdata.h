/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	perfdata - one Nagios performance data item and its text
 * SYNOPSIS
 *	pp_perf pp_perf_make(const char *label, double value, const char *uom);
 *	void pp_perf_thresh(pp_perf *p, const pp_thresh *t);
 *	void pp_perf_minmax(pp_perf *p, bool has_min, double min, bool has_max, double max);
 *	void pp_perf_format(const pp_perf *p, pp_buf *out);
 *	void pp_perf_label(const char *label, pp_buf *out);
 * DESCRIPTION
 *	'label'=value[UOM];warn;crit;min;max as the plugin guidelines define it. The label is
 *	quoted only when it holds a space, '=' or '\'' (a quote inside is doubled); trailing
 *	empty fields are dropped; numbers never use exponents. UOM is one of "", s, ms, us, %,
 *	B, KB, MB, GB, TB, c. The label and UOM pointers are borrowed, not copied: a pp_result
 *	copies them when the item is added to it.
 *	metric and mlabels, when set, name the item for OpenMetrics (e.g. metric
 *	"postfix_queue_messages", mlabels "queue=\"deferred\""); without them a name is made
 *	from the label.
 */
#ifndef PP_PERFDATA_H
#define PP_PERFDATA_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/range.h"

typedef struct pp_perf {
    const char *label;
    double value;
    const char *uom;
    pp_range warn;
    pp_range crit;
    bool has_min, has_max;
    double min, max;
    const char *metric;
    const char *mlabels;
} pp_perf;

pp_perf pp_perf_make(const char *label, double value, const char *uom);
void pp_perf_thresh(pp_perf *p, const pp_thresh *t);
void pp_perf_minmax(pp_perf *p, bool has_min, double min, bool has_max, double max);
void pp_perf_format(const pp_perf *p, pp_buf *out);
void pp_perf_label(const char *label, pp_buf *out);

#endif
