/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * result.c - the result tree and its renderings. See result.h.
 */
#include "core/result.h"
#include "core/timeout.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"

struct pp_sub {
    pp_state state;
    char *text;
    char **details;
    bool *always; /* the detail is a note: shown without -v */
    size_t ndetails;
};

struct pp_result {
    char *summary;
    pp_sub **subs;
    size_t nsubs;
    pp_perf *perf;
    size_t nperf;
};

static const char *g_service = "POSTPROBE";
static pp_format g_format = PP_FMT_NAGIOS;
static int g_verbose;

void pp_output_setup(const char *service, pp_format fmt, int verbose)
{
    g_service = service;
    g_format = fmt;
    g_verbose = verbose;
}

const char *pp_output_service(void) { return g_service; }
pp_format pp_output_format(void) { return g_format; }
int pp_output_verbose(void) { return g_verbose; }

int pp_format_parse(const char *text, pp_format *fmt)
{
    if (strcasecmp(text, "nagios") == 0)
        *fmt = PP_FMT_NAGIOS;
    else if (strcasecmp(text, "json") == 0)
        *fmt = PP_FMT_JSON;
    else if (strcasecmp(text, "openmetrics") == 0)
        *fmt = PP_FMT_OPENMETRICS;
    else
        return -1;
    return 0;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = pp_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    /* One line each: a newline in a server's reply must not break the output format. */
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '|')
            *c = *c == '|' ? '/' : ' ';
    return s;
}

pp_result *pp_result_new(void)
{
    return pp_xcalloc(1, sizeof(pp_result));
}

void pp_result_free(pp_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsubs; i++) {
        free(r->subs[i]->text);
        for (size_t j = 0; j < r->subs[i]->ndetails; j++)
            free(r->subs[i]->details[j]);
        free(r->subs[i]->details);
        free(r->subs[i]->always);
        free(r->subs[i]);
    }
    for (size_t i = 0; i < r->nperf; i++) {
        free((char *)r->perf[i].label);
        free((char *)r->perf[i].uom);
        free((char *)r->perf[i].metric);
        free((char *)r->perf[i].mlabels);
    }
    free(r->subs);
    free(r->perf);
    free(r->summary);
    free(r);
}

void pp_result_summary(pp_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(r->summary);
    r->summary = vformat(fmt, ap);
    va_end(ap);
}

pp_sub *pp_result_add(pp_result *r, pp_state s, const char *fmt, ...)
{
    va_list ap;
    /* Each sub-result is its own allocation: the pointer handed out stays valid. */
    r->subs = pp_xrealloc(r->subs, (r->nsubs + 1) * sizeof *r->subs);
    pp_sub *sub = pp_xcalloc(1, sizeof *sub);
    r->subs[r->nsubs++] = sub;
    sub->state = s;
    va_start(ap, fmt);
    sub->text = vformat(fmt, ap);
    va_end(ap);
    return sub;
}

static void add_detail(pp_sub *sub, bool always, const char *fmt, va_list ap)
{
    sub->details = pp_xrealloc(sub->details, (sub->ndetails + 1) * sizeof *sub->details);
    sub->always = pp_xrealloc(sub->always, (sub->ndetails + 1) * sizeof *sub->always);
    sub->always[sub->ndetails] = always;
    sub->details[sub->ndetails++] = vformat(fmt, ap);
}

void pp_sub_detail(pp_sub *sub, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_detail(sub, false, fmt, ap);
    va_end(ap);
}

void pp_sub_note(pp_sub *sub, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_detail(sub, true, fmt, ap);
    va_end(ap);
}

static char *dup_or_null(const char *s)
{
    return s ? pp_xstrdup(s) : NULL;
}

void pp_result_perf(pp_result *r, const pp_perf *p)
{
    r->perf = pp_xrealloc(r->perf, (r->nperf + 1) * sizeof *r->perf);
    pp_perf *q = &r->perf[r->nperf++];
    *q = *p;
    q->label = pp_xstrdup(p->label);
    q->uom = pp_xstrdup(p->uom ? p->uom : "");
    q->metric = dup_or_null(p->metric);
    q->mlabels = dup_or_null(p->mlabels);
}

pp_state pp_result_state(const pp_result *r)
{
    pp_state s = PP_OK;
    for (size_t i = 0; i < r->nsubs; i++)
        s = pp_state_worst(s, r->subs[i]->state);
    return s;
}

/* ---- Nagios ---- */

static void render_nagios(const pp_result *r, pp_buf *out)
{
    pp_state st = pp_result_state(r);
    size_t shown = 0;

    pp_buf_printf(out, "%s %s - ", g_service, pp_state_name(st));
    for (size_t i = 0; i < r->nsubs; i++) {
        const pp_sub *s = r->subs[i];
        if ((st != PP_OK && s->state == st) || (st == PP_OK && !r->summary)) {
            pp_buf_printf(out, "%s%s", shown++ ? ", " : "", s->text);
        }
    }
    if (r->summary)
        pp_buf_printf(out, "%s%s", shown ? ", " : "", r->summary);
    else if (shown == 0)
        pp_buf_puts(out, "no result");
    if (r->nperf) {
        pp_buf_puts(out, " |");
        for (size_t i = 0; i < r->nperf; i++) {
            pp_buf_putc(out, ' ');
            pp_perf_format(&r->perf[i], out);
        }
    }
    pp_buf_putc(out, '\n');
    bool lone = r->nsubs == 1 && !r->summary;
    for (size_t i = 0; i < r->nsubs; i++) {
        const pp_sub *s = r->subs[i];
        if (!lone)
            pp_buf_printf(out, "[%s] %s\n", pp_state_name(s->state), s->text);
        for (size_t j = 0; j < s->ndetails; j++)
            if (g_verbose > 0 || s->always[j])
                pp_buf_printf(out, "    %s\n", s->details[j]);
    }
}

/* ---- JSON ---- */

static void json_num(pp_buf *out, double v)
{
    char num[64];
    pp_fmt_num(v, num, sizeof num);
    pp_buf_puts(out, strcmp(num, "U") == 0 ? "null" : num);
}

static void render_json(const pp_result *r, pp_buf *out)
{
    pp_state st = pp_result_state(r);
    pp_buf line;
    char rng[64];

    pp_buf_init(&line);
    render_nagios(r, &line);
    char *nl = strchr(line.s, '\n');
    if (nl)
        *nl = '\0';
    pp_buf_puts(out, "{\"service\":");
    pp_json_str(out, g_service);
    pp_buf_printf(out, ",\"state\":\"%s\",\"exit_code\":%d,\"output\":", pp_state_name(st), (int)st);
    pp_json_str(out, line.s);
    pp_buf_free(&line);
    if (r->summary) {
        pp_buf_puts(out, ",\"summary\":");
        pp_json_str(out, r->summary);
    }
    pp_buf_puts(out, ",\"results\":[");
    for (size_t i = 0; i < r->nsubs; i++) {
        const pp_sub *s = r->subs[i];
        pp_buf_printf(out, "%s{\"state\":\"%s\",\"text\":", i ? "," : "", pp_state_name(s->state));
        pp_json_str(out, s->text);
        pp_buf_puts(out, ",\"details\":[");
        for (size_t j = 0; j < s->ndetails; j++) {
            if (j)
                pp_buf_putc(out, ',');
            pp_json_str(out, s->details[j]);
        }
        pp_buf_puts(out, "]}");
    }
    pp_buf_puts(out, "],\"perfdata\":[");
    for (size_t i = 0; i < r->nperf; i++) {
        const pp_perf *p = &r->perf[i];
        pp_buf_puts(out, i ? ",{\"label\":" : "{\"label\":");
        pp_json_str(out, p->label);
        pp_buf_puts(out, ",\"value\":");
        json_num(out, p->value);
        pp_buf_puts(out, ",\"uom\":");
        pp_json_str(out, p->uom);
        if (p->warn.set) {
            pp_range_format(&p->warn, rng, sizeof rng);
            pp_buf_puts(out, ",\"warn\":");
            pp_json_str(out, rng);
        }
        if (p->crit.set) {
            pp_range_format(&p->crit, rng, sizeof rng);
            pp_buf_puts(out, ",\"crit\":");
            pp_json_str(out, rng);
        }
        if (p->has_min) {
            pp_buf_puts(out, ",\"min\":");
            json_num(out, p->min);
        }
        if (p->has_max) {
            pp_buf_puts(out, ",\"max\":");
            json_num(out, p->max);
        }
        pp_buf_putc(out, '}');
    }
    pp_buf_puts(out, "]}\n");
}

/* ---- OpenMetrics ---- */

typedef struct om_unit {
    const char *uom;
    const char *suffix;
    double scale;
} om_unit;

static const om_unit om_units[] = {
    {"s", "_seconds", 1},       {"ms", "_seconds", 1e-3}, {"us", "_seconds", 1e-6},
    {"B", "_bytes", 1},         {"KB", "_bytes", 1e3},    {"MB", "_bytes", 1e6},
    {"GB", "_bytes", 1e9},      {"TB", "_bytes", 1e12},   {"%", "_percent", 1},
    {"c", "_total", 1},
};

static const om_unit *om_unit_of(const char *uom)
{
    for (size_t i = 0; i < sizeof om_units / sizeof om_units[0]; i++)
        if (strcmp(om_units[i].uom, uom) == 0)
            return &om_units[i];
    return NULL;
}

static void om_sanitize(pp_buf *out, const char *s)
{
    for (const char *c = s; *c; c++)
        pp_buf_putc(out, isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_');
}

static void om_name(const pp_perf *p, pp_buf *out)
{
    const om_unit *u = om_unit_of(p->uom);
    if (p->metric) {
        pp_buf_puts(out, p->metric);
        return;
    }
    pp_buf_puts(out, "postprobe_");
    om_sanitize(out, g_service);
    pp_buf_putc(out, '_');
    om_sanitize(out, p->label);
    if (u && u->uom[0] != 'c')
        pp_buf_puts(out, u->suffix);
}

static void render_openmetrics(const pp_result *r, pp_buf *out)
{
    pp_buf name, other;
    bool *done = pp_xcalloc(r->nperf + 1, sizeof *done);

    pp_buf_init(&name);
    pp_buf_init(&other);
    /* A metric family's samples must be contiguous: emit each name once, with all of its
     * items, in the order names first appear. */
    for (size_t i = 0; i < r->nperf; i++) {
        if (done[i])
            continue;
        pp_buf_reset(&name);
        om_name(&r->perf[i], &name);
        const om_unit *u = om_unit_of(r->perf[i].uom);
        bool counter = u && u->uom[0] == 'c';
        pp_buf_printf(out, "# TYPE %s %s\n", name.s, counter ? "counter" : "gauge");
        for (size_t j = i; j < r->nperf; j++) {
            const pp_perf *p = &r->perf[j];
            pp_buf_reset(&other);
            om_name(p, &other);
            if (done[j] || strcmp(other.s, name.s) != 0)
                continue;
            done[j] = true;
            const om_unit *pu = om_unit_of(p->uom);
            char num[64];
            pp_fmt_num(p->value * (pu ? pu->scale : 1), num, sizeof num);
            pp_buf_printf(out, "%s%s", name.s, counter ? "_total" : "");
            if (p->mlabels)
                pp_buf_printf(out, "{%s}", p->mlabels);
            pp_buf_printf(out, " %s\n", strcmp(num, "U") == 0 ? "NaN" : num);
        }
    }
    pp_buf_puts(out, "# TYPE postprobe_check_state gauge\n");
    pp_buf_puts(out, "# HELP postprobe_check_state 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n");
    pp_buf_puts(out, "postprobe_check_state{check=\"");
    om_sanitize(out, g_service);
    pp_buf_printf(out, "\"} %d\n# EOF\n", (int)pp_result_state(r));
    pp_buf_free(&name);
    pp_buf_free(&other);
    free(done);
}

void pp_result_render(const pp_result *r, pp_buf *out)
{
    switch (g_format) {
    case PP_FMT_JSON:
        render_json(r, out);
        break;
    case PP_FMT_OPENMETRICS:
        render_openmetrics(r, out);
        break;
    default:
        render_nagios(r, out);
        break;
    }
}

_Noreturn void pp_result_exit(pp_result *r)
{
    pp_buf out;
    pp_buf_init(&out);
    pp_result_render(r, &out);
    /* The verdict is out: a -t alarm during exit (a sanitizer's leak check, a loaded
     * machine) must not print a second status line. */
    pp_timeout_disarm();
    fputs(pp_buf_str(&out), stdout);
    fflush(stdout);
    pp_state st = pp_result_state(r);
    pp_buf_free(&out);
    pp_result_free(r);
    exit((int)st);
}

_Noreturn void pp_die(pp_state s, const char *fmt, ...)
{
    va_list ap;
    pp_result *r = pp_result_new();
    pp_result_add(r, s, "%s", "");
    va_start(ap, fmt);
    free(r->subs[0]->text);
    r->subs[0]->text = vformat(fmt, ap);
    va_end(ap);
    pp_result_exit(r);
}
