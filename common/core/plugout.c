/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plugout.c - another plugin's output, cut into its parts. See plugout.h.
 */
#include "core/plugout.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#define FIELD_MAX 128 /* one warn/crit/min/max field; longer ones are malformed */

static const char *find(const char *s, const char *end, char c)
{
    const char *p = s < end ? memchr(s, c, (size_t)(end - s)) : NULL;
    return p ? p : end;
}

static void trimmed(const char *a, const char *b, const char **out, size_t *len)
{
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    *out = a;
    *len = (size_t)(b - a);
}

void pp_plugout_split(const char *out, size_t len, pp_plugout *po)
{
    const char *end = out + len;
    const char *nl = find(out, end, '\n');
    const char *bar = find(out, nl, '|');

    memset(po, 0, sizeof *po);
    trimmed(out, bar, &po->text, &po->text_len);
    if (bar < nl)
        trimmed(bar + 1, nl, &po->perf, &po->perf_len);
    if (nl == end)
        return;
    const char *rest = nl + 1;
    const char *bar2 = find(rest, end, '|');
    /* Long output keeps its inner layout; only the blank ends go. */
    trimmed(rest, bar2, &po->longout, &po->long_len);
    if (bar2 < end)
        trimmed(bar2 + 1, end, &po->perf2, &po->perf2_len);
}

/* Copies [a, b) into a NUL-terminated field; -1 when it does not fit. */
static int field(const char *a, const char *b, char *out)
{
    if (b - a >= FIELD_MAX)
        return -1;
    memcpy(out, a, (size_t)(b - a));
    out[b - a] = '\0';
    return 0;
}

/* The number at the start of [a, b), as pp_parse_number() reads one; the rest is the UOM. */
static const char *number_end(const char *a, const char *b)
{
    const char *p = a;
    if (p < b && (*p == '+' || *p == '-'))
        p++;
    while (p < b && (isdigit((unsigned char)*p) || *p == '.'))
        p++;
    if (p < b && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < b && (*q == '+' || *q == '-'))
            q++;
        if (q < b && isdigit((unsigned char)*q)) {
            while (q < b && isdigit((unsigned char)*q))
                q++;
            p = q;
        }
    }
    return p;
}

static int parse_value(const char *a, const char *b, pp_perf *p, pp_buf *uom)
{
    char num[FIELD_MAX];
    const char *ne = number_end(a, b);

    if (b - a == 1 && *a == 'U') {
        p->value = NAN;
        return 0;
    }
    if (field(a, ne, num) != 0 || pp_parse_number(num, &p->value) != 0)
        return -1;
    for (const char *u = ne; u < b; u++)
        if (isdigit((unsigned char)*u) || *u == '\'' || *u == '=')
            return -1;
    pp_buf_add(uom, ne, (size_t)(b - ne));
    return 0;
}

/* Fields 1-4 of an item: warn;crit;min;max, each may be empty. */
static int parse_field(int i, const char *a, const char *b, pp_perf *p)
{
    char text[FIELD_MAX], why[128];
    if (a == b)
        return 0;
    if (field(a, b, text) != 0)
        return -1;
    switch (i) {
    case 1:
        return pp_range_parse(text, &p->warn, why, sizeof why);
    case 2:
        return pp_range_parse(text, &p->crit, why, sizeof why);
    case 3:
        p->has_min = true;
        return pp_parse_number(text, &p->min);
    case 4:
        p->has_max = true;
        return pp_parse_number(text, &p->max);
    }
    return -1; /* a sixth field */
}

static const char *parse_label(const char *s, const char *end, pp_buf *label)
{
    if (*s != '\'') {
        const char *e = s;
        while (e < end && *e != '=' && !isspace((unsigned char)*e))
            e++;
        pp_buf_add(label, s, (size_t)(e - s));
        return e;
    }
    for (s++; s < end; s++) {
        if (*s == '\'') {
            if (s + 1 < end && s[1] == '\'')
                s++; /* '' stands for one quote */
            else
                return s + 1;
        }
        pp_buf_add(label, s, 1);
    }
    return end;
}

int pp_plugout_perf_next(const char **cursor, const char *end, pp_perf *p, pp_buf *label,
                         pp_buf *uom)
{
    const char *s = *cursor;
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s >= end) {
        *cursor = end;
        return 0;
    }
    pp_buf_reset(label);
    pp_buf_reset(uom);
    pp_buf_add(label, "", 0);
    pp_buf_add(uom, "", 0);
    *p = pp_perf_make("", 0, "");

    const char *e = parse_label(s, end, label);
    const char *body = e < end && *e == '=' ? e + 1 : NULL;
    const char *stop = body ? body : e;
    while (stop < end && !isspace((unsigned char)*stop))
        stop++;
    *cursor = stop;
    int i = 0;
    if (!body || label->len == 0 || body == stop || memchr(label->s, '\0', label->len))
        return -1; /* a NUL would cut the label short, or leave it empty */

    for (const char *a = body, *semi;; a = semi + 1) {
        semi = find(a, stop, ';');
        int rc = a == body ? parse_value(a, semi, p, uom) : parse_field(++i, a, semi, p);
        if (rc != 0)
            return -1;
        if (semi == stop)
            break;
    }
    p->label = label->s;
    p->uom = uom->s;
    return 1;
}
