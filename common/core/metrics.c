/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * metrics.c - the OpenMetrics rendering. See metrics.h.
 */
#include "core/metrics.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit {
    const char *uom;
    const char *suffix;
    double scale;
} unit;

static const unit units[] = {
    {"s", "_seconds", 1},  {"ms", "_seconds", 1e-3}, {"us", "_seconds", 1e-6},
    {"B", "_bytes", 1},    {"KB", "_bytes", 1e3},    {"MB", "_bytes", 1e6},
    {"GB", "_bytes", 1e9}, {"TB", "_bytes", 1e12},   {"%", "_ratio", 1e-2},
    {"c", "_total", 1},
};

static const unit *unit_of(const char *uom)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i].uom, uom) == 0)
            return &units[i];
    return NULL;
}

static void sanitize(pp_buf *out, const char *s)
{
    for (const char *c = s; *c; c++)
        pp_buf_putc(out, isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_');
}

void pp_metrics_name(const pp_perf *p, const char *service, pp_buf *out)
{
    const unit *u = unit_of(p->uom);
    if (p->family) {
        pp_buf_puts(out, p->family->name);
        return;
    }
    pp_buf_puts(out, "postprobe_");
    sanitize(out, service);
    pp_buf_putc(out, '_');
    sanitize(out, p->label);
    if (u)
        pp_buf_puts(out, u->suffix);
}

static bool is_counter(const pp_perf *p)
{
    return p->family ? p->family->type == PP_COUNTER : strcmp(p->uom, "c") == 0;
}

/* HELP text escapes \ and newline. */
static void help_line(const pp_perf *p, const char *name, pp_buf *out)
{
    pp_buf_printf(out, "# HELP %s ", name);
    if (p->family) {
        for (const char *c = p->family->help; *c; c++) {
            if (*c == '\\')
                pp_buf_puts(out, "\\\\");
            else if (*c == '\n')
                pp_buf_puts(out, "\\n");
            else
                pp_buf_putc(out, *c);
        }
    } else {
        pp_buf_puts(out, "perfdata ");
        sanitize(out, p->label);
        pp_buf_puts(out, " of the check, in base units");
    }
    pp_buf_putc(out, '\n');
}

static void sample(const pp_perf *p, const char *name, const char *instance, pp_buf *out)
{
    const unit *u = unit_of(p->uom);
    char num[64];
    pp_buf labels;

    pp_buf_init(&labels);
    if (p->mlabels)
        pp_buf_puts(&labels, p->mlabels);
    if (instance)
        pp_mlabel(&labels, "postfix_instance", instance);
    double scale = p->family && p->family->scale > 0 ? p->family->scale : u ? u->scale : 1;
    pp_fmt_num(p->value * scale, num, sizeof num);
    pp_buf_puts(out, name);
    if (labels.len)
        pp_buf_printf(out, "{%s}", labels.s);
    pp_buf_printf(out, " %s\n", strcmp(num, "U") == 0 ? "NaN" : num);
    pp_buf_free(&labels);
}

void pp_metrics_render(const pp_perf *perf, size_t n, const pp_metrics_ctx *ctx, pp_buf *out)
{
    pp_buf name, other, check;
    bool *done = pp_xcalloc(n + 1, sizeof *done);

    pp_buf_init(&name);
    pp_buf_init(&other);
    pp_buf_init(&check);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        pp_buf_reset(&name);
        pp_metrics_name(&perf[i], ctx->service, &name);
        help_line(&perf[i], name.s, out);
        pp_buf_printf(out, "# TYPE %s %s\n", name.s, is_counter(&perf[i]) ? "counter" : "gauge");
        for (size_t j = i; j < n; j++) {
            pp_buf_reset(&other);
            pp_metrics_name(&perf[j], ctx->service, &other);
            if (done[j] || strcmp(other.s, name.s) != 0)
                continue;
            done[j] = true;
            sample(&perf[j], name.s, ctx->instance, out);
        }
    }
    pp_buf_puts(out, "# HELP postprobe_check_state the check's state: 0 OK, 1 WARNING, "
                     "2 CRITICAL, 3 UNKNOWN\n# TYPE postprobe_check_state gauge\n");
    pp_buf_puts(&check, "check=\"");
    sanitize(&check, ctx->service);
    pp_buf_putc(&check, '"');
    pp_perf st = pp_perf_make("state", (double)ctx->state, "");
    st.mlabels = check.s;
    sample(&st, "postprobe_check_state", ctx->instance, out);
    pp_buf_puts(out, "# EOF\n");
    pp_buf_free(&name);
    pp_buf_free(&other);
    pp_buf_free(&check);
    free(done);
}
