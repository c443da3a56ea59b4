/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	timefmt - ages and time stamps for people
 * SYNOPSIS
 *	void pp_timefmt_age(double seconds, char *out, size_t len);
 *	void pp_timefmt_stamp(long long when, bool utc, char *out, size_t len);
 * DESCRIPTION
 *	pp_timefmt_age() writes a duration the way an operator reads it: "45 s", "12 min",
 *	"3.5 h", "12 d" (one decimal below ten hours or days, none above). Negative ages, clocks
 *	having been set back, print as "0 s".
 *	pp_timefmt_stamp() writes "2024-05-01 13:45:07" in local time, or "2024-05-01T13:45:07Z"
 *	when utc is set; "-" for 0 (Postfix's "never").
 */
#ifndef PP_TIMEFMT_H
#define PP_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>

void pp_timefmt_age(double seconds, char *out, size_t len);
void pp_timefmt_stamp(long long when, bool utc, char *out, size_t len);

#endif
