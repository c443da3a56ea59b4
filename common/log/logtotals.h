/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logtotals - running totals of Postfix's log, kept in a position state file
 * SYNOPSIS
 *	void pp_logtotals_add(pp_logtotals *t, const char *key, uint64_t n);
 *	uint64_t pp_logtotals_get(const pp_logtotals *t, const char *key);
 *	int pp_logtotals_read(pp_logtotals *t, FILE *f);
 *	void pp_logtotals_format(const pp_logtotals *t, pp_buf *out);
 * DESCRIPTION
 *	Counters by key (a word of letters, digits, '_', ':' and '.', e.g. "delivered" or
 *	"rejected:554"), as check_postfix_log adds each run's counts to what the state file
 *	held. At most PP_LOGTOTALS_MAX keys: pp_logtotals_add() counts a further new key under
 *	"other" (a key that exists then). Counts wrap at 2^64, as a Prometheus counter may.
 *	pp_logtotals_read() reads the rest of a state file: lines "total KEY COUNT" until
 *	its end; 0, or -1 at a line of another shape. pp_logtotals_format() writes those
 *	lines, keys in the order they were first added.
 */
#ifndef PP_LOGTOTALS_H
#define PP_LOGTOTALS_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"

#define PP_LOGTOTALS_MAX 128
#define PP_LOGTOTALS_KEY 48

typedef struct pp_logtotals {
    size_t n;
    struct {
        char key[PP_LOGTOTALS_KEY];
        uint64_t count;
    } e[PP_LOGTOTALS_MAX];
} pp_logtotals;

void pp_logtotals_add(pp_logtotals *t, const char *key, uint64_t n);
uint64_t pp_logtotals_get(const pp_logtotals *t, const char *key);
int pp_logtotals_read(pp_logtotals *t, FILE *f);
void pp_logtotals_format(const pp_logtotals *t, pp_buf *out);

#endif
