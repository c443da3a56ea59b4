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
void pp_perf_family(pp_perf *p, const pp_family *f, const char *mlabels);
void pp_mlabel(pp_buf *out, const char *name, const char *value);
 *	void pp_perf_family(pp_perf *p, const pp_family *f, const char *mlabels);
 *	void pp_mlabel(pp_buf *out, const char *name, const char *value);
 * DESCRIPTION
 *	'label'=value[UOM];warn;crit;min;max as the plugin guidelines define it. The label is
 *	quoted only when it holds a space, '=' or '\'' (a quote inside is doubled); trailing
 *	empty fields are dropped; numbers never use exponents. UOM is one of "", s, ms, us, %,
 *	B, KB, MB, GB, TB, c. The label and UOM pointers are borrowed, not copied: a pp_result
 *	copies them when the item is added to it.
 *	pp_perf_family() names the item for OpenMetrics: the metric family it is a sample of
 *	(declared once by the plugin, see core/metrics.h for the naming scheme) and its labels,
 *	e.g. family postfix_queue_messages, mlabels "queue=\"deferred\"" (both borrowed).
 *	pp_mlabel() appends name="value" to a label list in out (a comma first when out is not
 *	empty), the value escaped as the exposition format wants (\\, \" and \n).
 */
#ifndef PP_PERFDATA_H
#define PP_PERFDATA_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/range.h"

typedef enum pp_mtype {
    PP_GAUGE,
    PP_COUNTER
} pp_mtype;

typedef struct pp_family {
    const char *name; /* with its unit suffix (_seconds, _bytes, _ratio), _total if a counter */
    pp_mtype type;
    const char *help;
    double scale; /* value to base unit where the UOM cannot say (days: 86400); 0: the UOM's */
} pp_family;

typedef struct pp_perf {
    const char *label;
    double value;
    const char *uom;
    pp_range warn;
    pp_range crit;
    bool has_min, has_max;
    double min, max;
    const pp_family *family;
    const char *mlabels;
} pp_perf;

pp_perf pp_perf_make(const char *label, double value, const char *uom);
void pp_perf_thresh(pp_perf *p, const pp_thresh *t);
void pp_perf_minmax(pp_perf *p, bool has_min, double min, bool has_max, double max);
void pp_perf_format(const pp_perf *p, pp_buf *out);
void pp_perf_label(const char *label, pp_buf *out);
void pp_perf_family(pp_perf *p, const pp_family *f, const char *mlabels);
void pp_mlabel(pp_buf *out, const char *name, const char *value);

#endif
