/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * range.c - Nagios threshold ranges. See range.h.
 */
#include "core/range.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* A plain decimal number: [+-]digits[.digits][e[+-]digits]. strtod() alone would also take
 * "inf", "nan" and hex, none of which belongs in a threshold. */
int pp_parse_number(const char *s, double *out)
{
    const char *p = s;
    int digits = 0;

    if (*p == '+' || *p == '-')
        p++;
    while (isdigit((unsigned char)*p))
        p++, digits++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++, digits++;
    }
    if (digits == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return -1;
    double v = strtod(s, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Ends beyond this are refused: their text (pp_fmt_num, no exponent) would not fit perfdata's
 * fields, and no measured value comes near. */
#define RANGE_LIMIT 1e18

static int range_number(const char *s, double *out)
{
    return pp_parse_number(s, out) == 0 && fabs(*out) < RANGE_LIMIT ? 0 : -1;
}

int pp_range_parse(const char *text, pp_range *r, char *err, size_t errlen)
{
    pp_range out = {.set = true};
    char *copy, *p, *colon;
    int rc = -1;

    memset(r, 0, sizeof *r);
    if (text == NULL || *text == '\0')
        return pp_errf(err, errlen, "empty range");
    copy = strdup(text);
    if (!copy)
        return pp_errf(err, errlen, "out of memory");
    p = copy;
    if (*p == '@') {
        out.inside = true;
        p++;
    }
    colon = strchr(p, ':');
    if (colon) {
        *colon = '\0';
        if (strcmp(p, "~") == 0)
            out.start_inf = true;
        else if (*p != '\0' && range_number(p, &out.start) != 0)
            goto bad;
        if (*p == '\0' && colon[1] == '\0')
            goto bad; /* ":" alone says nothing */
        p = colon + 1;
        if (*p == '\0')
            out.end_inf = true;
        else if (range_number(p, &out.end) != 0)
            goto bad;
    } else if (range_number(p, &out.end) != 0) {
        goto bad;
    }
    if (!out.start_inf && !out.end_inf && out.start > out.end) {
        snprintf(err, errlen, "invalid range '%s': start is greater than end", text);
        goto done;
    }
    *r = out;
    rc = 0;
    goto done;
bad:
    snprintf(err, errlen, "invalid range '%s'", text);
done:
    free(copy);
    return rc;
}

bool pp_range_alerts(const pp_range *r, double value)
{
    if (!r->set)
        return false;
    bool within = (r->start_inf || value >= r->start) && (r->end_inf || value <= r->end);
    return r->inside ? within : !within;
}

void pp_fmt_num(double v, char *out, size_t outlen)
{
    if (!isfinite(v)) {
        snprintf(out, outlen, "U");
        return;
    }
    if (fabs(v) >= 1e15 || v == floor(v)) {
        snprintf(out, outlen, "%.0f", v);
    } else {
        snprintf(out, outlen, "%.9f", v);
        char *dot = strchr(out, '.');
        if (dot) {
            char *end = out + strlen(out) - 1;
            while (end > dot && *end == '0')
                *end-- = '\0';
            if (end == dot)
                *end = '\0';
        }
    }
    if (strcmp(out, "-0") == 0)
        snprintf(out, outlen, "0");
}

void pp_range_format(const pp_range *r, char *out, size_t outlen)
{
    char a[64], b[64];

    if (!r->set) {
        snprintf(out, outlen, "%s", "");
        return;
    }
    pp_fmt_num(r->start, a, sizeof a);
    pp_fmt_num(r->end, b, sizeof b);
    const char *at = r->inside ? "@" : "";
    if (r->start_inf)
        snprintf(out, outlen, "%s~:%s", at, r->end_inf ? "" : b);
    else if (r->end_inf)
        snprintf(out, outlen, "%s%s:", at, a);
    else if (r->start == 0 && !r->inside)
        snprintf(out, outlen, "%s", b);
    else
        snprintf(out, outlen, "%s%s:%s", at, a, b);
}

int pp_thresh_parse(const char *text, pp_thresh *t, char *err, size_t errlen)
{
    const char *comma = strchr(text, ',');
    pp_thresh out = {0};
    if (!comma)
        return pp_errf(err, errlen, "expected WARN,CRIT ranges, got '%s'", text);
    char *warn = pp_xstrndup(text, (size_t)(comma - text));
    int rc = 0;
    if (*warn && pp_range_parse(warn, &out.warn, err, errlen) != 0)
        rc = -1;
    else if (comma[1] && pp_range_parse(comma + 1, &out.crit, err, errlen) != 0)
        rc = -1;
    free(warn);
    if (rc == 0)
        *t = out;
    return rc;
}

pp_state pp_thresh_judge(const pp_thresh *t, double value)
{
    if (pp_range_alerts(&t->crit, value))
        return PP_CRITICAL;
    if (pp_range_alerts(&t->warn, value))
        return PP_WARNING;
    return PP_OK;
}
