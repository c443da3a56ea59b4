/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rxtable.c - pcre: and regexp: tables checked as Postfix loads them. See rxtable.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "postfix/rxtable.h"

#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <pcre2.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "postfix/mapsrc.h"

typedef struct pattern {
    const char *re;
    bool match;      /* false: negated with '!' */
    const char *opts;
    size_t nopts;
} pattern;

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static char *skip_blanks(char *p)
{
    while (*p && blank(*p))
        p++;
    return p;
}

/* dict_pcre_get_pattern / dict_regexp_get_pat: [!...]DELIM regex DELIM [flags]. */
static int get_pattern(pp_rxtable_kind kind, char **pp, pattern *pat, char *why, size_t whylen)
{
    static const char *const allowed[] = {[PP_RXTABLE_PCRE] = "imsxAEUX",
                                          [PP_RXTABLE_REGEXP] = "imx"};
    char *p = *pp;

    pat->match = true;
    for (; *p == '!' || (*p && blank(*p)); p++)
        if (*p == '!')
            pat->match = !pat->match;
    if (!*p) {
        snprintf(why, whylen, "no regexp");
        return -1;
    }
    char delim = *p++;
    pat->re = p;
    for (; *p && *p != delim; p++)
        if (*p == '\\' && !*++p)
            break;
    if (!*p) {
        snprintf(why, whylen, "no closing regexp delimiter \"%c\"", delim);
        return -1;
    }
    *p++ = '\0';
    pat->opts = p;
    for (; *p && !blank(*p) && !(kind == PP_RXTABLE_REGEXP && *p == '!'); p++)
        if (!strchr(allowed[kind], *p)) {
            snprintf(why, whylen, "unknown regexp option \"%c\"", *p);
            return -1;
        }
    pat->nopts = (size_t)(p - pat->opts);
    *pp = p;
    return 0;
}

/* glibc's regcomp() copies a pattern's tree for each repetition operator stacked on one
 * atom ("a+++": memory exponential in their number, 40 MB for 16) and builds a bounded
 * repetition in memory quadratic in its bound ("a{1,3000}": 70 MB, "a{1,4000}": 124 MB,
 * "a{1,32767}": minutes). Postfix compiles such patterns, each of its processes paying that
 * to load the table; this check must not eat the host, so it does not compile them: the
 * rule is not checked (PP_RXTABLE_UNCHECKED), which says nothing of whether Postfix skips it.
 * A bound over RE_DUP_MAX is refused by regcomp() at once ("Regular expression too big"),
 * in Postfix as here: that one is left to regcomp(). */
#define STACKED_MAX 16
#define BOUND_MAX 3000

/* A "{n}", "{n,}" or "{n,m}" at p: its end ('}'), with its largest number in *max. */
static const char *bound_end(const char *p, unsigned long *max)
{
    const char *q = p + 1;
    *max = 0;
    while (isdigit((unsigned char)*q) || *q == ',') {
        if (isdigit((unsigned char)*q)) {
            char *e;
            unsigned long n = strtoul(q, &e, 10);
            *max = n > *max ? n : *max;
            q = e;
        } else {
            q++;
        }
    }
    return *q == '}' && q > p + 1 ? q : NULL;
}

static const char *costly_repeats(const char *re, char *why, size_t whylen)
{
    int run = 0;
    for (const char *p = re; *p; p++) {
        const char *end;
        unsigned long max;
        if (*p == '\\' && p[1]) {
            p++;
            run = 0;
        } else if (*p == '[') { /* a bracket expression: "[]+*?]" holds no operator */
            const char *q = p + 1 + (p[1] == '^');
            q += *q == ']';
            while (*q && *q != ']')
                q++;
            p = *q ? q : p;
            run = 0;
        } else if (*p == '{' && (end = bound_end(p, &max)) != NULL) {
            if (max > BOUND_MAX && max <= RE_DUP_MAX) {
                snprintf(why, whylen, "not compiled here: its repetition bound %lu is over "
                         "this check's limit of %d (regcomp() needs memory growing with the "
                         "bound's square; Postfix compiles it)", max, BOUND_MAX);
                return why;
            }
            p = end;
            run++;
        } else {
            run = strchr("+*?", *p) ? run + 1 : 0;
        }
        if (run > STACKED_MAX) {
            snprintf(why, whylen, "not compiled here: more than %d repetition operators in a "
                     "row are over this check's limit (regcomp() needs memory doubling with "
                     "each; Postfix compiles it)", STACKED_MAX);
            return why;
        }
    }
    return NULL;
}

static bool has_opt(const pattern *pat, char c)
{
    bool on = false; /* each occurrence toggles */
    for (size_t i = 0; i < pat->nopts; i++)
        on ^= pat->opts[i] == c;
    return on;
}

/* Compiles pat; returns 0 with the number of capturing groups in *groups, PP_RXTABLE_SKIPPED,
 * or PP_RXTABLE_UNCHECKED for a pattern too costly to compile here. */
static int compile(pp_rxtable_kind kind, const pattern *pat, size_t *groups, char *why,
                   size_t whylen)
{
    if (kind == PP_RXTABLE_PCRE) {
        uint32_t o = PCRE2_CASELESS | PCRE2_DOTALL, captures = 0;
        static const struct {
            char c;
            uint32_t bit;
        } bits[] = {{'i', PCRE2_CASELESS}, {'m', PCRE2_MULTILINE}, {'s', PCRE2_DOTALL},
                    {'x', PCRE2_EXTENDED}, {'A', PCRE2_ANCHORED}, {'E', PCRE2_DOLLAR_ENDONLY},
                    {'U', PCRE2_UNGREEDY}};
        for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
            if (has_opt(pat, bits[i].c))
                o ^= bits[i].bit;
        int code;
        PCRE2_SIZE at;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat->re, PCRE2_ZERO_TERMINATED, o, &code, &at,
                                       NULL);
        if (!re) {
            PCRE2_UCHAR msg[200];
            pcre2_get_error_message(code, msg, sizeof msg);
            snprintf(why, whylen, "error in regex at offset %zu: %s", (size_t)at, (char *)msg);
            return PP_RXTABLE_SKIPPED;
        }
        pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &captures);
        pcre2_code_free(re);
        *groups = captures;
        return 0;
    }
    int o = REG_EXTENDED | REG_ICASE;
    o ^= has_opt(pat, 'i') ? REG_ICASE : 0;
    o ^= has_opt(pat, 'm') ? REG_NEWLINE : 0;
    o ^= has_opt(pat, 'x') ? REG_EXTENDED : 0;
    if (costly_repeats(pat->re, why, whylen))
        return PP_RXTABLE_UNCHECKED;
    regex_t re;
    int rc = regcomp(&re, pat->re, o);
    if (rc != 0) {
        char msg[200];
        regerror(rc, &re, msg, sizeof msg);
        snprintf(why, whylen, "regexp error: %s", msg);
        return PP_RXTABLE_SKIPPED;
    }
    *groups = re.re_nsub;
    regfree(&re);
    return 0;
}

/* The highest $number in a result, as mac_parse() and the table's prescan read it. */
static int prescan(const char *r, size_t *max, char *why, size_t whylen)
{
    *max = 0;
    while (*r) {
        if (*r != '$' || r[1] == '$') {
            r += *r == '$' ? 2 : 1;
            continue;
        }
        const char *name = ++r, *end;
        if (*r == '(' || *r == '{') {
            char open = *r, close = open == '{' ? '}' : ')';
            int level = 1;
            for (end = ++name; *end; end++)
                if (*end == open)
                    level++;
                else if (*end == close && --level == 0)
                    break;
            if (*end != close) {
                snprintf(why, whylen, "bad replacement syntax: unclosed \"%c\"", open);
                return -1;
            }
            r = end + 1;
        } else {
            for (end = name; isalnum((unsigned char)*end) || *end == '_'; end++)
                ;
            r = end;
        }
        size_t n = 0, len = (size_t)(end - name);
        if (len == 0) {
            snprintf(why, whylen, "bad replacement syntax: empty $name");
            return -1;
        }
        for (const char *d = name; d < end; d++) {
            if (!isdigit((unsigned char)*d)) {
                snprintf(why, whylen, "non-numeric replacement index \"%.*s\"", (int)len, name);
                return -1;
            }
            n = n < 1000000 ? n * 10 + (size_t)(*d - '0') : n;
        }
        if (n < 1) {
            snprintf(why, whylen, "out of range replacement index \"%.*s\"", (int)len, name);
            return -1;
        }
        if (n > *max)
            *max = n;
    }
    return 0;
}

static int match_rule(pp_rxtable *t, char *p, char *why, size_t whylen)
{
    pattern first, second = {0};
    size_t groups, ignored, max;
    int rc;

    if (get_pattern(t->kind, &p, &first, why, whylen) != 0)
        return PP_RXTABLE_SKIPPED;
    if (t->kind == PP_RXTABLE_REGEXP && *p == '!' &&
        get_pattern(t->kind, &p, &second, why, whylen) != 0)
        return PP_RXTABLE_SKIPPED;
    p = skip_blanks(p);
    if (prescan(p, &max, why, whylen) != 0)
        return PP_RXTABLE_SKIPPED;
    if (max > 0 && !first.match) {
        snprintf(why, whylen, "$number found in negative match replacement text");
        return PP_RXTABLE_SKIPPED;
    }
    if (max > 0 && t->no_regsub) {
        snprintf(why, whylen, "regular expression substitution is not allowed (in %s)",
                 t->no_regsub);
        return PP_RXTABLE_SKIPPED;
    }
    if ((rc = compile(t->kind, &first, &groups, why, whylen)) != 0 ||
        (second.re && (rc = compile(t->kind, &second, &ignored, why, whylen)) != 0))
        return rc;
    if (max > groups) {
        snprintf(why, whylen, "out of range replacement index \"%zu\" (the pattern has %zu "
                 "group%s)", max, groups, groups == 1 ? "" : "s");
        return PP_RXTABLE_SKIPPED;
    }
    t->rules++;
    if (!*p) {
        snprintf(why, whylen, "no replacement text: using empty string");
        return PP_RXTABLE_SKIPPED;
    }
    return 0;
}

/* Up to 40 bytes of the table's text, for a message: invalid UTF-8 and controls escaped. */
static const char *shown(const char *text, char *out, size_t outlen)
{
    pp_buf b;
    size_t n = strlen(text);
    pp_buf_init(&b);
    pp_utf8_visible(&b, text, n < 40 ? n : 40);
    snprintf(out, outlen, "%s", b.s ? b.s : "");
    pp_buf_free(&b);
    return out;
}

static int if_rule(pp_rxtable *t, size_t line, char *p, char *why, size_t whylen)
{
    pattern pat;
    size_t groups;
    char text[200];

    p = skip_blanks(p + 2);
    if (get_pattern(t->kind, &p, &pat, why, whylen) != 0)
        return PP_RXTABLE_SKIPPED;
    int rc = compile(t->kind, &pat, &groups, why, whylen);
    if (rc == PP_RXTABLE_SKIPPED)
        return rc;
    /* Postfix compiles an IF this check does not: it opens a block all the same. */
    if (t->nifs == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->ifs = pp_xrealloc(t->ifs, t->cap * sizeof *t->ifs);
    }
    t->ifs[t->nifs++] = line;
    t->rules += rc == 0;
    p = skip_blanks(p);
    if (*p) {
        snprintf(why, whylen, "text after the IF pattern is ignored (\"%s\"): rules between "
                 "IF and ENDIF must not be indented", shown(p, text, sizeof text));
        rc = PP_RXTABLE_SKIPPED;
    }
    return rc;
}

static int endif_rule(pp_rxtable *t, char *p, char *why, size_t whylen)
{
    if (t->nifs == 0) {
        snprintf(why, whylen, "ENDIF without matching IF");
        return PP_RXTABLE_SKIPPED;
    }
    t->nifs--;
    t->rules++;
    if (*skip_blanks(p + 5)) {
        snprintf(why, whylen, "text after ENDIF is ignored");
        return PP_RXTABLE_SKIPPED;
    }
    return 0;
}

int pp_rxtable_rule(pp_rxtable *t, size_t line, const char *text, char *why, size_t whylen)
{
    char *buf = pp_xstrdup(text), *p = buf, shown_text[200];
    size_t len = strlen(buf);
    int rc = 0;

    while (len > 0 && blank(buf[len - 1]))
        buf[--len] = '\0';
    if (!*p) {
        free(buf);
        return 0;
    }
    if (!isalnum((unsigned char)*p)) {
        rc = match_rule(t, p, why, whylen);
    } else if (strncasecmp(p, "if", 2) == 0 && !isalnum((unsigned char)p[2])) {
        rc = if_rule(t, line, p, why, whylen);
    } else if (strncasecmp(p, "endif", 5) == 0 && !isalnum((unsigned char)p[5])) {
        rc = endif_rule(t, p, why, whylen);
    } else {
        snprintf(why, whylen, "unrecognized request \"%s\"", shown(p, shown_text,
                 sizeof shown_text));
        rc = PP_RXTABLE_SKIPPED;
    }
    free(buf);
    return rc;
}

int pp_rxtable_unclosed(pp_rxtable *t, size_t *line)
{
    if (t->nifs == 0)
        return 0;
    *line = t->ifs[--t->nifs];
    return 1;
}

void pp_rxtable_init(pp_rxtable *t, pp_rxtable_kind kind, const char *no_regsub)
{
    *t = (pp_rxtable){.kind = kind, .no_regsub = no_regsub};
}

void pp_rxtable_free(pp_rxtable *t)
{
    free(t->ifs);
    t->ifs = NULL;
}

typedef struct checker {
    pp_rxtable t;
    pp_rxtable_problem_fn fn;
    void *ctx;
} checker;

static int check_entry(void *ctx, const pp_mapsrc_entry *e)
{
    checker *c = ctx;
    char why[400];
    int rc;
    if (!e->valid)
        c->fn(c->ctx, e->line, PP_RXTABLE_SKIPPED, e->why);
    else if ((rc = pp_rxtable_rule(&c->t, e->line, e->text, why, sizeof why)) != 0)
        c->fn(c->ctx, e->line, rc, why);
    return 0;
}

long pp_rxtable_check_file(const char *path, pp_rxtable_kind kind, const char *no_regsub,
                           pp_rxtable_problem_fn fn, void *ctx, char *err, size_t errlen)
{
    checker c = {.fn = fn, .ctx = ctx};
    size_t at;

    pp_rxtable_init(&c.t, kind, no_regsub);
    int rc = pp_mapsrc_read(path, PP_MAPSRC_LINES, 0, check_entry, &c, err, errlen);
    int e = errno;
    if (rc == 0)
        while (pp_rxtable_unclosed(&c.t, &at))
            fn(ctx, at, PP_RXTABLE_SKIPPED, "IF has no matching ENDIF");
    long rules = (long)c.t.rules;
    pp_rxtable_free(&c.t);
    errno = e;
    return rc == 0 ? rules : -1;
}
