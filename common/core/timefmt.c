/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timefmt.c - ages and time stamps for people. See timefmt.h.
 */
#include "core/timefmt.h"

#include <stdio.h>
#include <time.h>

static void scaled(double v, const char *unit, char *out, size_t len)
{
    if (v < 9.95)
        snprintf(out, len, "%.1f %s", v, unit);
    else
        snprintf(out, len, "%.0f %s", v, unit);
}

void pp_timefmt_age(double seconds, char *out, size_t len)
{
    if (!(seconds > 0))
        seconds = 0;
    if (seconds < 60)
        snprintf(out, len, "%.0f s", seconds);
    else if (seconds < 3600)
        snprintf(out, len, "%.0f min", seconds / 60);
    else if (seconds < 86400 * 2)
        scaled(seconds / 3600, "h", out, len);
    else
        scaled(seconds / 86400, "d", out, len);
}

void pp_timefmt_stamp(long long when, bool utc, char *out, size_t len)
{
    time_t t = (time_t)when;
    struct tm tm;
    if (when == 0 || !(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))) {
        snprintf(out, len, "-");
        return;
    }
    strftime(out, len, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
}
