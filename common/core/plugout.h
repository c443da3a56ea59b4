/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	plugout - read the output of another Nagios plugin (status text, perfdata, long output)
 * SYNOPSIS
 *	void pp_plugout_split(const char *out, size_t len, pp_plugout *po);
 *	int pp_plugout_perf_next(const char **cursor, const char *end, pp_perf *p,
 *	                         pp_buf *label, pp_buf *uom);
 * DESCRIPTION
 *	A plugin prints "TEXT | PERFDATA" on its first line, then optional long output lines;
 *	a '|' in the long output starts more perfdata, which runs to the end (the Nagios plugin
 *	API, "Plugin Output for Nagios"). pp_plugout_split() cuts out (len bytes, need not be
 *	NUL-terminated) into those parts as pointer/length pairs into out: text (first line up
 *	to '|', without surrounding blanks), perf (the rest of the first line), longout (the
 *	following lines up to the next '|') and perf2 (after that '|'). Missing parts have
 *	length 0.
 *	pp_plugout_perf_next() parses the next item of a perfdata part between *cursor and end,
 *	'label'=value[UOM];[warn];[crit];[min];[max], into p (label and uom point into the two
 *	buffers, which are overwritten each call) and moves *cursor past it. It returns 1 for
 *	an item, 0 at the end, -1 for a malformed item (skipped: *cursor is past it). Both are
 *	pure functions over bytes.
 */
#ifndef PP_PLUGOUT_H
#define PP_PLUGOUT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/perfdata.h"

typedef struct pp_plugout {
    const char *text;
    size_t text_len;
    const char *perf;
    size_t perf_len;
    const char *longout;
    size_t long_len;
    const char *perf2;
    size_t perf2_len;
} pp_plugout;

void pp_plugout_split(const char *out, size_t len, pp_plugout *po);
int pp_plugout_perf_next(const char **cursor, const char *end, pp_perf *p, pp_buf *label,
                         pp_buf *uom);

#endif
