/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	stat_table - how many times each string was seen
 * SYNOPSIS
 *	pp_stat_table *pp_stat_new(void);
 *	void pp_stat_add(pp_stat_table *t, const char *key, uint64_t n);
 *	uint64_t pp_stat_get(const pp_stat_table *t, const char *key);
 *	const pp_stat_entry *pp_stat_sorted(pp_stat_table *t, size_t *n);
 *	void pp_stat_free(pp_stat_table *t);
 * DESCRIPTION
 *	A hash table of counters keyed by string (copied in), for tallies such as messages by
 *	sender. pp_stat_add() adds n to key's counter. pp_stat_get() reads one (0 when key was
 *	never added). pp_stat_sorted() gives all the entries, the highest count first, equal
 *	counts in byte order of their keys; the array is valid until the next add or free.
 *	Memory grows with the number of distinct keys, not with the number of adds.
 *	pp_stat_free(NULL) does nothing.
 */
#ifndef PP_STAT_TABLE_H
#define PP_STAT_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pp_stat_entry {
    const char *key;
    uint64_t count;
} pp_stat_entry;

typedef struct pp_stat_table pp_stat_table;

pp_stat_table *pp_stat_new(void);
void pp_stat_add(pp_stat_table *t, const char *key, uint64_t n);
uint64_t pp_stat_get(const pp_stat_table *t, const char *key);
const pp_stat_entry *pp_stat_sorted(pp_stat_table *t, size_t *n);
void pp_stat_free(pp_stat_table *t);

#endif
