/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * opts.c - shared option parsing and --help. See opts.h.
 */
#include "core/opts.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/pp_version.h"
#include "core/timeout.h"

#define DEFAULT_TIMEOUT 10.0
#define HELP_WIDTH 79
#define HELP_INDENT 8

/* Keys above 255 stand for long-only options: the index in the merged table plus this. */
#define LONG_ONLY_BASE 1000

static int fn_timeout(const char *arg, void *dst, char *err, size_t errlen);
static int fn_format(const char *arg, void *dst, char *err, size_t errlen);
static int fn_port(const char *arg, void *dst, char *err, size_t errlen);

typedef struct merged {
    pp_opt *opts;
    size_t n;
} merged;

static pp_common g_c; /* destinations of the shared options during a parse */
static bool g_help, g_version, g_v4, g_v6;
static const char *g_output;

static void add(merged *m, pp_opt o)
{
    m->opts = pp_xrealloc(m->opts, (m->n + 1) * sizeof *m->opts);
    m->opts[m->n++] = o;
}

static bool own_opt(const pp_plugin *pl, const char *name)
{
    for (const pp_opt *o = pl->opts; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return true;
    return false;
}

static double default_timeout(const pp_plugin *pl)
{
    return pl->default_timeout > 0 ? pl->default_timeout : DEFAULT_TIMEOUT;
}

static merged build(const pp_plugin *pl)
{
    static char timeout_help[160];
    char secs[32];
    merged m = {0};

    pp_fmt_num(default_timeout(pl), secs, sizeof secs);
    snprintf(timeout_help, sizeof timeout_help,
             "stop after SECONDS (default %s) and exit with STATE (ok, warning, critical, "
             "unknown; default unknown)", secs);
    add(&m, (pp_opt){"help", 'h', NULL, PP_OPT_FLAG, &g_help, "print this help and exit", NULL});
    add(&m, (pp_opt){"version", 'V', NULL, PP_OPT_FLAG, &g_version, "print the version and exit",
                     NULL});
    add(&m, (pp_opt){"verbose", 'v', NULL, PP_OPT_COUNT, &g_c.verbose,
                     "more detail in the long output (repeatable)", NULL});
    add(&m, (pp_opt){"timeout", 't', "SECONDS[:STATE]", PP_OPT_FUNC, &g_c, timeout_help,
                     fn_timeout});
    /* a tool with output of its own kind declares its own --format */
    if (!own_opt(pl, "format"))
        add(&m, (pp_opt){"format", 0, "FORMAT", PP_OPT_FUNC, &g_c.format,
                         "nagios (default), json or openmetrics", fn_format});
    if (!own_opt(pl, "format"))
        add(&m, (pp_opt){"output", 0, "FILE", PP_OPT_STR, &g_output,
                         "write the output to FILE instead of stdout, atomically (a "
                         "temporary file renamed over it): for node_exporter's textfile "
                         "collector", NULL});
    if (pl->use & PP_USE_HOST) {
        add(&m, (pp_opt){"hostname", 'H', "HOST", PP_OPT_STR, &g_c.host,
                         "host name or address to connect to", NULL});
        add(&m, (pp_opt){"port", 'p', "PORT", PP_OPT_FUNC, &g_c.port, "TCP port", fn_port});
        add(&m, (pp_opt){"use-ipv4", '4', NULL, PP_OPT_FLAG, &g_v4, "connect over IPv4 only", NULL});
        add(&m, (pp_opt){"use-ipv6", '6', NULL, PP_OPT_FLAG, &g_v6, "connect over IPv6 only", NULL});
    }
    if (pl->use & PP_USE_CONFDIR)
        add(&m, (pp_opt){"config-dir", 'C', "DIR", PP_OPT_STR, &g_c.config_dir,
                         "Postfix configuration directory of the instance to check "
                         "(default: postconf's own, as postmulti -i sets it up)", NULL});
    if (pl->use & PP_USE_THRESH) {
        const char *what = pl->thresh_what ? pl->thresh_what : "the value";
        add(&m, (pp_opt){"warning", 'w', "RANGE", PP_OPT_RANGE, &g_c.thresh.warn,
                         pp_xasprintf("WARNING when %s is outside RANGE", what), NULL});
        add(&m, (pp_opt){"critical", 'c', "RANGE", PP_OPT_RANGE, &g_c.thresh.crit,
                         pp_xasprintf("CRITICAL when %s is outside RANGE", what), NULL});
    }
    for (const pp_opt *o = pl->opts; o && o->name; o++)
        add(&m, *o);
    return m;
}

static void free_merged(const pp_plugin *pl, merged *m)
{
    if (pl->use & PP_USE_THRESH) {
        for (size_t i = 0; i < m->n; i++)
            if (m->opts[i].key == 'w' || m->opts[i].key == 'c')
                if (m->opts[i].dst == &g_c.thresh.warn || m->opts[i].dst == &g_c.thresh.crit)
                    free((char *)m->opts[i].help);
    }
    free(m->opts);
    m->opts = NULL;
}

/* ---- value parsers ---- */

static int parse_long(const char *s, long *out)
{
    char *end;
    if (*s == '\0')
        return -1;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v == LONG_MIN || v == LONG_MAX)
        return -1;
    *out = v;
    return 0;
}

static int fn_timeout(const char *arg, void *dst, char *err, size_t errlen)
{
    pp_common *c = dst;
    char *copy = pp_xstrdup(arg);
    char *colon = strchr(copy, ':');
    int rc = 0;
    if (colon) {
        *colon = '\0';
        if (pp_state_parse(colon + 1, &c->timeout_state) != 0) {
            snprintf(err, errlen, "unknown state '%s' (ok, warning, critical, unknown)", colon + 1);
            rc = -1;
        }
    }
    if (rc == 0 && (pp_parse_number(copy, &c->timeout) != 0 || c->timeout <= 0 ||
                    c->timeout > 86400)) {
        snprintf(err, errlen, "'%s' is not a number of seconds between 0 and 86400", copy);
        rc = -1;
    }
    free(copy);
    return rc;
}

static int fn_format(const char *arg, void *dst, char *err, size_t errlen)
{
    if (pp_format_parse(arg, dst) != 0)
        return pp_errf(err, errlen, "unknown format '%s' (nagios, json, openmetrics)", arg);
    return 0;
}

static int fn_port(const char *arg, void *dst, char *err, size_t errlen)
{
    long v;
    if (parse_long(arg, &v) != 0 || v < 1 || v > 65535)
        return pp_errf(err, errlen, "'%s' is not a port number (1-65535)", arg);
    *(long *)dst = v;
    return 0;
}

static int apply(const pp_opt *o, const char *arg, char *err, size_t errlen)
{
    switch (o->kind) {
    case PP_OPT_FLAG:
        *(bool *)o->dst = true;
        return 0;
    case PP_OPT_COUNT:
        (*(int *)o->dst)++;
        return 0;
    case PP_OPT_STR:
        *(const char **)o->dst = arg;
        return 0;
    case PP_OPT_LIST: {
        pp_strlist *l = o->dst;
        l->items = pp_xrealloc(l->items, (l->n + 1) * sizeof *l->items);
        l->items[l->n++] = arg;
        return 0;
    }
    case PP_OPT_INT:
        if (parse_long(arg, o->dst) != 0)
            return pp_errf(err, errlen, "'%s' is not an integer", arg);
        return 0;
    case PP_OPT_DOUBLE:
        if (pp_parse_number(arg, o->dst) != 0)
            return pp_errf(err, errlen, "'%s' is not a number", arg);
        return 0;
    case PP_OPT_RANGE:
        return pp_range_parse(arg, o->dst, err, errlen);
    case PP_OPT_THRESH:
        return pp_thresh_parse(arg, o->dst, err, errlen);
    case PP_OPT_STATE:
        if (pp_state_parse(arg, o->dst) != 0)
            return pp_errf(err, errlen, "unknown state '%s' (ok, warning, critical, unknown)", arg);
        return 0;
    case PP_OPT_FUNC:
        return o->fn(arg, o->dst, err, errlen);
    }
    return -1;
}

/* ---- help ---- */

/* The length of the next unit of text at p: a word, or in a usage synopsis (together) a word
 * and the argument words after it, so that "[-A MECH]" or "-H HOST" stay on one line. */
static size_t unit_len(const char *p, bool together)
{
    size_t w = strcspn(p, " \n");
    while (together && p[w] == ' ' && p[w + 1] && !strchr("[({-|\n ", p[w + 1]))
        w += 1 + strcspn(p + w + 1, " \n");
    return w;
}

/* Wraps text at HELP_WIDTH, indented; a line that starts with two spaces (a command, a
 * configuration line) is printed as it is. */
static void wrap_units(FILE *out, const char *text, int indent, bool together)
{
    int col = indent;
    const char *p = text;
    fprintf(out, "%*s", indent, "");
    while (*p) {
        if (col == indent && (p == text || p[-1] == '\n') && strncmp(p, "  ", 2) == 0) {
            size_t w = strcspn(p, "\n");
            fprintf(out, "%.*s", (int)w, p);
            col += (int)w;
            p += w;
            continue;
        }
        if (*p == '\n') {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            p++;
            continue;
        }
        size_t w = unit_len(p, together);
        if (col > indent && col + 1 + (int)w > HELP_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", (int)w, p);
        col += (int)w;
        p += w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

static void wrap(FILE *out, const char *text, int indent)
{
    wrap_units(out, text, indent, false);
}

static void print_usage(const pp_plugin *pl, FILE *out)
{
    char *line = pp_xasprintf("%s %s", pl->name, pl->usage ? pl->usage : "");
    fputs("Usage:\n", out);
    wrap_units(out, line, 2, true);
    free(line);
}

/* Every example on a line of its own, as it is typed: a command is never wrapped. */
static void print_examples(const pp_plugin *pl, FILE *out)
{
    if (!pl->examples || !pl->examples[0].args)
        return;
    fputs("\nExamples:\n", out);
    for (const pp_example *e = pl->examples; e->args; e++) {
        fprintf(out, "  %s %s\n", pl->name, e->args);
        if (e->what)
            wrap(out, e->what, 6);
    }
}

static bool takes_ranges(const merged *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->opts[i].kind == PP_OPT_RANGE || m->opts[i].kind == PP_OPT_THRESH)
            return true;
    return false;
}

/* The range syntax where an option takes one, the exit states of a plugin, and last the
 * licence and where to report bugs (help2man makes that line its REPORTING BUGS). */
static void print_footer(const pp_plugin *pl, const merged *m, FILE *out)
{
    fputc('\n', out);
    if (takes_ranges(m))
        fputs("Ranges: N (alert outside 0..N), N: (below N), ~:N (above N),\n"
              "N:M (outside N..M), @N:M (inside N..M); both ends are inclusive.\n", out);
    if (!(pl->use & PP_USE_TOOL))
        fputs("Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n", out);
    fprintf(out, "Report bugs at <%s>. Licence: %s.\n", PP_BUGS_URL, PP_LICENCE);
}

void pp_opts_help(const pp_plugin *pl, FILE *out)
{
    merged m = build(pl);
    fprintf(out, "%s (%s) %s\n", pl->name, PP_PACKAGE, PP_VERSION);
    wrap(out, pl->purpose, 0);
    fputc('\n', out);
    print_usage(pl, out);
    fputs("\nOptions:\n", out);
    for (size_t i = 0; i < m.n; i++) {
        const pp_opt *o = &m.opts[i];
        char head[128];
        int n = 0;
        if (o->key > 0 && o->key < 256)
            n = snprintf(head, sizeof head, "  -%c, ", o->key);
        else
            n = snprintf(head, sizeof head, "      ");
        snprintf(head + n, sizeof head - (size_t)n, "--%s%s%s", o->name, o->arg ? "=" : "",
                 o->arg ? o->arg : "");
        fprintf(out, "%s\n", head);
        wrap(out, o->help ? o->help : "", HELP_INDENT);
    }
    if (pl->notes) {
        fputc('\n', out);
        wrap(out, pl->notes, 0);
    }
    print_examples(pl, out);
    print_footer(pl, &m, out);
    free_merged(pl, &m);
}

/* ---- parse ---- */

static const pp_opt *find_key(const merged *m, int key, size_t *idx)
{
    for (size_t i = 0; i < m->n; i++) {
        int k = m->opts[i].key ? m->opts[i].key : LONG_ONLY_BASE + (int)i;
        if (k == key) {
            *idx = i;
            return &m->opts[i];
        }
    }
    return NULL;
}

static const char *opt_name(const pp_opt *o, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", o->name);
    return buf;
}

void pp_opts_parse(const pp_plugin *pl, int argc, char **argv, pp_common *c)
{
    merged m = build(pl);
    pp_buf shorts;
    struct option *longs = pp_xcalloc(m.n + 1, sizeof *longs);
    char err[512], name[80];

    memset(&g_c, 0, sizeof g_c);
    g_c.timeout = default_timeout(pl);
    g_c.timeout_state = PP_UNKNOWN;
    g_c.family = AF_UNSPEC;
    g_help = g_version = g_v4 = g_v6 = false;
    g_output = NULL;
    /* Errors found while parsing are printed in nagios format until --format is known. */
    pp_output_setup(pl->service, PP_FMT_NAGIOS, 0);

    pp_buf_init(&shorts);
    pp_buf_puts(&shorts, "+:"); /* stop at the first operand; report missing arguments */
    for (size_t i = 0; i < m.n; i++) {
        const pp_opt *o = &m.opts[i];
        int key = o->key ? o->key : LONG_ONLY_BASE + (int)i;
        longs[i] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, key};
        if (o->key) {
            pp_buf_putc(&shorts, (char)o->key);
            if (o->arg)
                pp_buf_putc(&shorts, ':');
        }
    }

    opterr = 0;
    optind = 1;
    int key, longidx;
    while ((key = getopt_long(argc, argv, shorts.s, longs, &longidx)) != -1) {
        size_t idx;
        const pp_opt *o;
        if (key == '?' || key == ':') {
            const char *bad = argv[optind - 1];
            if (key == ':')
                pp_die(PP_UNKNOWN, "option %s needs an argument (see --help)", bad);
            if (optopt && optopt < 256 && strncmp(bad, "--", 2) != 0)
                pp_die(PP_UNKNOWN, "unknown option -%c (see --help)", optopt);
            pp_die(PP_UNKNOWN, "unknown option %s (see --help)", bad);
        }
        o = find_key(&m, key, &idx);
        if (!o)
            pp_die(PP_UNKNOWN, "unknown option (see --help)");
        if (apply(o, optarg, err, sizeof err) != 0)
            pp_die(PP_UNKNOWN, "%s: %s", opt_name(o, name, sizeof name), err);
    }
    if (g_help) {
        pp_opts_help(pl, stdout);
        exit(0);
    }
    if (g_version) {
        printf("%s (%s) %s\n", pl->name, PP_PACKAGE, PP_VERSION);
        exit(0);
    }
    if (g_v4 && g_v6)
        pp_die(PP_UNKNOWN, "-4 and -6 exclude each other");
    g_c.family = g_v4 ? AF_INET : g_v6 ? AF_INET6 : AF_UNSPEC;
    g_c.args = argv + optind;
    g_c.nargs = argc - optind;
    if (pl->max_args >= 0 && g_c.nargs > pl->max_args)
        pp_die(PP_UNKNOWN, "unexpected argument '%s' (see --help)", argv[optind + pl->max_args]);

    *c = g_c;
    pp_output_setup(pl->service, c->format, c->verbose);
    pp_output_target(c->config_dir, g_output);
    pp_timeout_arm(c->timeout, c->timeout_state);

    pp_buf_free(&shorts);
    free(longs);
    free_merged(pl, &m);
}

void pp_strlist_free(pp_strlist *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
