/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	range - Nagios threshold ranges and their judgment
 * SYNOPSIS
 *	int pp_range_parse(const char *text, pp_range *r, char *err, size_t errlen);
 *	bool pp_range_alerts(const pp_range *r, double value);
 *	void pp_range_format(const pp_range *r, char *out, size_t outlen);
 *	int pp_thresh_parse(const char *text, pp_thresh *t, char *err, size_t errlen);
 *	pp_state pp_thresh_judge(const pp_thresh *t, double value);
 *	void pp_fmt_num(double v, char *out, size_t outlen);
 * DESCRIPTION
 *	The monitoring-plugins range syntax: "N" (alert outside 0..N), "N:" (alert below N),
 *	"~:N" (alert above N), "N:M" (alert outside N..M), "@N:M" (alert inside N..M). Both ends
 *	are inclusive; numbers may be negative and fractional, and compare as doubles; ends
 *	beyond +-1e18 are refused.
 *	pp_range_parse() returns 0, or -1 with a reason in err (r is then unset).
 *	pp_thresh_parse() reads "WARN,CRIT" (either part may be empty: no threshold) into t,
 *	replacing both; it returns 0, or -1 with a reason in err (t is then unchanged).
 *	pp_thresh_judge() judges critical before warning; an unset range never alerts.
 *	pp_range_format() writes the canonical text used in perfdata ("" when unset).
 *	pp_fmt_num() prints a number without exponent and without trailing zeros, "U" when it
 *	is not finite (the perfdata guidelines' "undetermined").
 */
#ifndef PP_RANGE_H
#define PP_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/state.h"

typedef struct pp_range {
    bool set;         /* a range was given */
    bool inside;      /* '@': alert when inside */
    bool start_inf;   /* '~': no lower end */
    bool end_inf;     /* "N:": no upper end */
    double start;
    double end;
} pp_range;

typedef struct pp_thresh {
    pp_range warn;
    pp_range crit;
} pp_thresh;

int pp_range_parse(const char *text, pp_range *r, char *err, size_t errlen);
bool pp_range_alerts(const pp_range *r, double value);
void pp_range_format(const pp_range *r, char *out, size_t outlen);
int pp_thresh_parse(const char *text, pp_thresh *t, char *err, size_t errlen);
pp_state pp_thresh_judge(const pp_thresh *t, double value);
int pp_parse_number(const char *s, double *out);
void pp_fmt_num(double v, char *out, size_t outlen);

#endif
