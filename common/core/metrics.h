/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics - the OpenMetrics rendering of a check's perfdata, one naming scheme for all
 * SYNOPSIS
 *	void pp_metrics_render(const pp_perf *perf, size_t n, const pp_metrics_ctx *ctx,
 *	                       pp_buf *out);
 *	void pp_metrics_name(const pp_perf *p, const char *service, pp_buf *out);
 * DESCRIPTION
 *	The scheme (docs/perfdata.md lists every family): a plugin declares its families
 *	(pp_family: name, type, help) and attaches each perfdata item to one with
 *	pp_perf_family(), with its dimensions as labels (queue, status, domain, host, zone,
 *	stage, ...), never in the name. Names are snake_case and say what is measured, in base
 *	units with the unit as suffix: _seconds, _bytes, _ratio (0..1), counters end in _total.
 *	Names take postfix_exporter's postfix_ prefix where it has a family for the same thing
 *	(check_postfix_log keeps its names), postfix_ for other figures of Postfix itself, and
 *	postprobe_ for what a probe measures from outside (logins, TLS, DNS).
 *	The item's value is converted from its perfdata UOM to the base unit (ms and us to
 *	seconds, KB..TB to bytes, % to a ratio), or by the family's scale where the UOM cannot
 *	say (days to seconds). An item without a family gets the name
 *	postprobe_<service>_<label><unit suffix> and a HELP made from its label.
 *	pp_metrics_render() writes, family by family in the order they first appear, # HELP,
 *	# TYPE and the samples (all of a family's samples together, as the format wants), then
 *	postprobe_check_state{check="<service>"} and # EOF. When ctx->instance is set (-C names
 *	a Postfix instance) every sample gets postfix_instance="<config dir>": not "instance",
 *	which Prometheus sets to the scrape target. The text is the exposition format that
 *	node_exporter's textfile collector and promtool read: counters are typed under their
 *	_total name; the closing # EOF is a comment there.
 *	pp_metrics_name() gives the family name of one item.
 */
#ifndef PP_METRICS_H
#define PP_METRICS_H

#include <stddef.h>

#include "core/buf.h"
#include "core/perfdata.h"
#include "core/state.h"

typedef struct pp_metrics_ctx {
    const char *service;  /* the plugin's service, e.g. POSTFIX_QUEUE */
    const char *instance; /* the -C config directory, or NULL */
    pp_state state;
} pp_metrics_ctx;

void pp_metrics_render(const pp_perf *perf, size_t n, const pp_metrics_ctx *ctx, pp_buf *out);
void pp_metrics_name(const pp_perf *p, const char *service, pp_buf *out);

#endif
