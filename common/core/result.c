/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * result.c - the result tree and its renderings. See result.h.
 */
#include "core/result.h"
#include "core/timeout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/metrics.h"
#include "core/outfile.h"

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
static const char *g_instance;
static const char *g_outfile;

void pp_output_setup(const char *service, pp_format fmt, int verbose)
{
    g_service = service;
    g_format = fmt;
    g_verbose = verbose;
}

void pp_output_target(const char *instance, const char *file)
{
    g_instance = instance;
    g_outfile = file;
}

const char *pp_output_service(void) { return g_service; }
const char *pp_output_file(void) { return g_outfile; }
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
    q->mlabels = dup_or_null(p->mlabels);
}

void pp_result_adopt(pp_result *r, pp_result *from, bool soften)
{
    for (size_t i = 0; i < from->nsubs; i++) {
        if (soften && from->subs[i]->state == PP_CRITICAL)
            from->subs[i]->state = PP_WARNING;
        r->subs = pp_xrealloc(r->subs, (r->nsubs + 1) * sizeof *r->subs);
        r->subs[r->nsubs++] = from->subs[i];
    }
    for (size_t i = 0; i < from->nperf; i++) {
        r->perf = pp_xrealloc(r->perf, (r->nperf + 1) * sizeof *r->perf);
        r->perf[r->nperf++] = from->perf[i];
    }
    from->nsubs = from->nperf = 0;
    pp_result_free(from);
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

static void render_openmetrics(const pp_result *r, pp_buf *out)
{
    pp_metrics_ctx ctx = {g_service, g_instance, pp_result_state(r)};
    pp_metrics_render(r->perf, r->nperf, &ctx, out);
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
    pp_state st = pp_result_state(r);
    char err[512];
    if (g_outfile && pp_outfile_write(g_outfile, out.s, out.len, err, sizeof err) != 0) {
        /* The file keeps what it had: say why on the one channel left, stdout. */
        printf("%s UNKNOWN - %s\n", g_service, err);
        st = PP_UNKNOWN;
    } else if (!g_outfile) {
        fputs(pp_buf_str(&out), stdout);
    }
    fflush(stdout);
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
