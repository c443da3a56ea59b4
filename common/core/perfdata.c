/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * perfdata.c - Nagios performance data. See perfdata.h.
 */
#include "core/perfdata.h"

#include <string.h>

pp_perf pp_perf_make(const char *label, double value, const char *uom)
{
    pp_perf p;
    memset(&p, 0, sizeof p);
    p.label = label;
    p.value = value;
    p.uom = uom ? uom : "";
    return p;
}

void pp_perf_thresh(pp_perf *p, const pp_thresh *t)
{
    if (t) {
        p->warn = t->warn;
        p->crit = t->crit;
    }
}

void pp_perf_minmax(pp_perf *p, bool has_min, double min, bool has_max, double max)
{
    p->has_min = has_min;
    p->min = min;
    p->has_max = has_max;
    p->max = max;
}

void pp_perf_label(const char *label, pp_buf *out)
{
    if (strpbrk(label, " ='") == NULL) {
        pp_buf_puts(out, label);
        return;
    }
    pp_buf_putc(out, '\'');
    for (const char *c = label; *c; c++) {
        if (*c == '\'')
            pp_buf_putc(out, '\'');
        pp_buf_putc(out, *c);
    }
    pp_buf_putc(out, '\'');
}

void pp_perf_format(const pp_perf *p, pp_buf *out)
{
    char fields[4][64];
    char num[64];
    int last = -1;

    pp_range_format(&p->warn, fields[0], sizeof fields[0]);
    pp_range_format(&p->crit, fields[1], sizeof fields[1]);
    fields[2][0] = fields[3][0] = '\0';
    if (p->has_min)
        pp_fmt_num(p->min, fields[2], sizeof fields[2]);
    if (p->has_max)
        pp_fmt_num(p->max, fields[3], sizeof fields[3]);
    for (int i = 0; i < 4; i++)
        if (fields[i][0])
            last = i;

    pp_perf_label(p->label, out);
    pp_fmt_num(p->value, num, sizeof num);
    pp_buf_printf(out, "=%s%s", num, strcmp(num, "U") == 0 ? "" : p->uom);
    for (int i = 0; i <= last; i++)
        pp_buf_printf(out, ";%s", fields[i]);
}

void pp_perf_family(pp_perf *p, const pp_family *f, const char *mlabels)
{
    p->family = f;
    p->mlabels = mlabels && *mlabels ? mlabels : NULL;
}

void pp_mlabel(pp_buf *out, const char *name, const char *value)
{
    pp_buf_printf(out, "%s%s=\"", out->len ? "," : "", name);
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"')
            pp_buf_putc(out, '\\');
        if (*c == '\n')
            pp_buf_puts(out, "\\n");
        else
            pp_buf_putc(out, *c);
    }
    pp_buf_putc(out, '"');
}
