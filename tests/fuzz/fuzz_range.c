/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_range - libFuzzer harness for common/core/range.c, the values behind -w/-c and every
 * RANGE, THRESH ("W,C") and DOUBLE option: any text through pp_range_parse(),
 * pp_thresh_parse() and pp_parse_number(). A parsed range must print (pp_range_format)
 * as text that parses back to a range judging the same values; a failure must say why;
 * a failed THRESH leaves the old thresholds alone; pp_fmt_num() never prints an exponent.
 *
 *   ./fuzz_range -max_len=128 corpus/range
 */
#include <math.h>

#include "fuzz_util.h"
#include "core/range.h"

/* The text keeps 9 decimals: values that close to an end may be judged either way. */
static int near(double v, double end)
{
    return fabs(v - end) <= 1e-9;
}

static void same_judgment(const pp_range *a, const pp_range *b, double v)
{
    if ((!a->start_inf && near(v, a->start)) || (!a->end_inf && near(v, a->end)))
        return;
    FUZZ_CHECK(pp_range_alerts(a, v) == pp_range_alerts(b, v));
}

static void round_trip(const pp_range *r)
{
    char text[256], err[256] = "";
    pp_range back;
    pp_range_format(r, text, sizeof text);
    FUZZ_CHECK(pp_range_parse(text, &back, err, sizeof err) == 0);
    double probes[] = {0, -1, 1, 10, -1e300, 1e300, r->start, r->end, r->start - 1, r->end + 1};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
        if (isfinite(probes[i]))
            same_judgment(r, &back, probes[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    char err[256] = "";
    pp_range r;
    pp_thresh t = {0}, before;
    double d;
    char num[64];

    if (pp_range_parse(s, &r, err, sizeof err) == 0) {
        FUZZ_CHECK(r.set);
        round_trip(&r);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }

    pp_range_parse("10:20", &t.warn, err, sizeof err);
    before = t;
    err[0] = '\0';
    if (pp_thresh_parse(s, &t, err, sizeof err) == 0) {
        if (t.warn.set)
            round_trip(&t.warn);
        if (t.crit.set)
            round_trip(&t.crit);
        (void)pp_thresh_judge(&t, 15);
    } else {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(memcmp(&t, &before, sizeof t) == 0);
    }

    if (pp_parse_number(s, &d) == 0) {
        pp_fmt_num(d, num, sizeof num);
        FUZZ_CHECK(strchr(num, 'e') == NULL && strchr(num, 'E') == NULL);
    }
    free(s);
    return 0;
}
