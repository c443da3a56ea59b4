/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailproto.c - SMTP, IMAP and POP3 replies. See mailproto.h.
 */
#include "mail/mailproto.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

#define LITERAL_MAX ((size_t)1 << 40)

static void set_text(char *text, size_t textlen, const char *line, size_t len)
{
    if (text && textlen)
        pp_linereader_printable(line, len, text, textlen);
}

/* Does line[0..len) start with word (any case), followed by a space or its end? */
static bool word_at(const char *line, size_t len, const char *word)
{
    size_t n = strlen(word);
    return len >= n && strncasecmp(line, word, n) == 0 && (len == n || line[n] == ' ');
}

/* ---- SMTP ---- */

int pp_mailproto_smtp_line(const char *line, size_t len, int *code, bool *last)
{
    if (len < 3 || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
        !isdigit((unsigned char)line[2]) || line[0] < '1' || line[0] > '5')
        return -1;
    if (len > 3 && line[3] != ' ' && line[3] != '-')
        return -1;
    *code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    *last = len == 3 || line[3] == ' ';
    return 0;
}

int pp_mailproto_smtp_reply(pp_linereader *r, int *code, char *text, size_t textlen,
                            pp_mailproto_line_fn fn, void *ctx)
{
    int first = 0;
    for (;;) {
        const char *line;
        size_t len;
        int c;
        bool last;
        int st = pp_linereader_get(r, &line, &len);
        if (st != PP_LR_LINE)
            return st;
        if (pp_mailproto_smtp_line(line, len, &c, &last) != 0 || (first && c != first)) {
            set_text(text, textlen, line, len);
            return PP_MP_GARBAGE;
        }
        first = c;
        if (fn)
            fn(ctx, line, len);
        if (last) {
            *code = c;
            set_text(text, textlen, line, len);
            return PP_LR_LINE;
        }
    }
}

int pp_mailproto_smtp_cmd(pp_linereader *r, const char *cmd, int *code, char *text,
                          size_t textlen)
{
    int st = pp_linereader_put(r, cmd);
    if (st != PP_LR_LINE)
        return st;
    return pp_mailproto_smtp_reply(r, code, text, textlen, NULL, NULL);
}

bool pp_mailproto_code_matches(int code, const char *expect)
{
    char c[8];
    size_t n = strlen(expect);
    snprintf(c, sizeof c, "%03d", code);
    return n > 0 && n <= 3 && strncmp(c, expect, n) == 0;
}

/* ---- IMAP ---- */

int pp_mailproto_imap_kind(const char *line, size_t len, const char *tag)
{
    size_t tl = strlen(tag);
    if (len >= 1 && line[0] == '*' && (len == 1 || line[1] == ' '))
        return PP_IMAP_UNTAGGED;
    if (len >= 1 && line[0] == '+' && (len == 1 || line[1] == ' '))
        return PP_IMAP_CONT;
    if (tl == 0 || len <= tl || strncmp(line, tag, tl) != 0 || line[tl] != ' ')
        return PP_IMAP_OTHER;
    const char *w = line + tl + 1;
    size_t wl = len - tl - 1;
    if (word_at(w, wl, "OK"))
        return PP_IMAP_OK;
    if (word_at(w, wl, "NO"))
        return PP_IMAP_NO;
    if (word_at(w, wl, "BAD"))
        return PP_IMAP_BAD;
    return PP_IMAP_OTHER;
}

int pp_mailproto_imap_literal(const char *line, size_t len, size_t *n)
{
    if (len < 3 || line[len - 1] != '}')
        return 0;
    size_t end = len - 1;
    if (line[end - 1] == '+')
        end--;
    size_t i = end;
    while (i > 0 && isdigit((unsigned char)line[i - 1]))
        i--;
    if (i == end || i == 0 || line[i - 1] != '{' || end - i > 13)
        return 0;
    size_t v = 0;
    for (size_t k = i; k < end; k++)
        v = v * 10 + (size_t)(line[k] - '0');
    if (v > LITERAL_MAX)
        return 0;
    *n = v;
    return 1;
}

/* Parse a decimal number at *p (at most 18 digits), advancing *p. */
static int number(const char **p, long long *out)
{
    const char *s = *p;
    long long v = 0;
    int digits = 0;
    while (isdigit((unsigned char)*s) && digits < 18) {
        v = v * 10 + (*s++ - '0');
        digits++;
    }
    if (digits == 0 || isdigit((unsigned char)*s))
        return -1;
    *p = s;
    *out = v;
    return 0;
}

int pp_mailproto_imap_number(const char *line, const char *word, long *n)
{
    const char *p = line;
    long long v;
    if (strncmp(p, "* ", 2) != 0)
        return -1;
    p += 2;
    if (number(&p, &v) != 0 || *p != ' ' || v > LONG_MAX)
        return -1;
    p++;
    if (!word_at(p, strlen(p), word))
        return -1;
    *n = (long)v;
    return 0;
}

int pp_mailproto_imap_item(const char *line, const char *item, long *n)
{
    const char *p = strrchr(line, '(');
    size_t il = strlen(item);
    if (!p || strncmp(line, "* ", 2) != 0)
        return -1;
    p++;
    while (*p && *p != ')') {
        while (*p == ' ')
            p++;
        const char *tok = p;
        if (*p == '"') { /* a quoted value, e.g. INTERNALDATE's */
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ' ' && *p != ')')
                p++;
        }
        if ((size_t)(p - tok) == il && strncasecmp(tok, item, il) == 0 && *p == ' ') {
            long long v;
            p++;
            if (number(&p, &v) != 0 || v > LONG_MAX)
                return -1;
            *n = (long)v;
            return 0;
        }
        if (p == tok)
            break;
    }
    return -1;
}

char *pp_mailproto_imap_quote(const char *s)
{
    pp_buf q;
    pp_buf_init(&q);
    pp_buf_putc(&q, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f) {
            if (q.s)
                memset(q.s, 0, q.len);
            pp_buf_free(&q);
            return NULL;
        }
        if (*p == '"' || *p == '\\')
            pp_buf_putc(&q, '\\');
        pp_buf_putc(&q, (char)*p);
    }
    pp_buf_putc(&q, '"');
    return q.s;
}

int pp_mailproto_imap_greeting(pp_linereader *r, int *kind, char *text, size_t textlen)
{
    const char *line;
    size_t len;
    int st = pp_linereader_get(r, &line, &len);
    if (st != PP_LR_LINE)
        return st;
    set_text(text, textlen, line, len);
    if (len < 2 || strncmp(line, "* ", 2) != 0)
        return PP_MP_GARBAGE;
    if (word_at(line + 2, len - 2, "OK"))
        *kind = PP_IMAP_OK;
    else if (word_at(line + 2, len - 2, "PREAUTH"))
        *kind = PP_IMAP_PREAUTH;
    else if (word_at(line + 2, len - 2, "BYE"))
        *kind = PP_IMAP_BYE;
    else
        return PP_MP_GARBAGE;
    return PP_LR_LINE;
}

int pp_mailproto_imap_cmd(pp_linereader *r, const char *tag, const char *cmd, int *kind,
                          char *text, size_t textlen, pp_mailproto_line_fn fn, void *ctx)
{
    bool continued = false; /* the line goes on after a literal */
    int st;
    if (cmd) {
        char *line = pp_xasprintf("%s %s", tag, cmd);
        st = pp_linereader_put(r, line);
        free(line);
        if (st != PP_LR_LINE)
            return st;
    }
    for (;;) {
        const char *line;
        size_t len, lit;
        st = pp_linereader_get(r, &line, &len);
        if (st != PP_LR_LINE)
            return st;
        bool has_literal = pp_mailproto_imap_literal(line, len, &lit) == 1;
        if (!continued) {
            int k = pp_mailproto_imap_kind(line, len, tag);
            if (k == PP_IMAP_OK || k == PP_IMAP_NO || k == PP_IMAP_BAD) {
                *kind = k;
                set_text(text, textlen, line, len);
                return PP_LR_LINE;
            }
            if (k != PP_IMAP_UNTAGGED) {
                set_text(text, textlen, line, len);
                return PP_MP_GARBAGE;
            }
            if (fn)
                fn(ctx, line, len);
        }
        continued = has_literal;
        if (has_literal && (st = pp_linereader_skip(r, lit)) != PP_LR_LINE)
            return st;
    }
}

/* ---- POP3 ---- */

int pp_mailproto_pop3_ok(const char *line, size_t len)
{
    if (word_at(line, len, "+OK"))
        return 1;
    if (word_at(line, len, "-ERR"))
        return 0;
    return -1;
}

int pp_mailproto_pop3_stat(const char *line, long *count, long long *octets)
{
    const char *p = line;
    long long c, o;
    if (!word_at(p, strlen(p), "+OK"))
        return -1;
    p += 3;
    while (*p == ' ')
        p++;
    if (number(&p, &c) != 0 || *p != ' ' || c > LONG_MAX)
        return -1;
    while (*p == ' ')
        p++;
    if (number(&p, &o) != 0 || (*p != '\0' && *p != ' '))
        return -1;
    *count = (long)c;
    *octets = o;
    return 0;
}

int pp_mailproto_pop3_cmd(pp_linereader *r, const char *cmd, bool multi, int *ok, char *text,
                          size_t textlen, pp_mailproto_line_fn fn, void *ctx)
{
    const char *line;
    size_t len;
    int st;
    if (cmd && (st = pp_linereader_put(r, cmd)) != PP_LR_LINE)
        return st;
    if ((st = pp_linereader_get(r, &line, &len)) != PP_LR_LINE)
        return st;
    set_text(text, textlen, line, len);
    *ok = pp_mailproto_pop3_ok(line, len);
    if (*ok < 0)
        return PP_MP_GARBAGE;
    if (!multi || *ok == 0)
        return PP_LR_LINE;
    for (;;) {
        if ((st = pp_linereader_get(r, &line, &len)) != PP_LR_LINE)
            return st;
        if (len == 1 && line[0] == '.')
            return PP_LR_LINE;
        if (len > 0 && line[0] == '.') {
            line++;
            len--;
        }
        if (fn)
            fn(ctx, line, len);
    }
}

/* ---- redaction ---- */

void pp_mailproto_redact_init(pp_mailproto_redact *st, bool imap)
{
    st->imap = imap;
    st->in_sasl = false;
}

/* Copy the first `words` space-separated words of line and " ***" when more follows. */
static void keep_words(const char *line, size_t len, int words, char *buf, size_t buflen)
{
    size_t i = 0;
    for (int w = 0; w < words && i < len; w++) {
        while (i < len && line[i] == ' ')
            i++;
        while (i < len && line[i] != ' ')
            i++;
    }
    size_t rest = i;
    while (rest < len && line[rest] == ' ')
        rest++;
    char head[256];
    pp_linereader_printable(line, i, head, sizeof head);
    snprintf(buf, buflen, "%s%s", head, rest < len ? " ***" : "");
}

void pp_mailproto_redact_line(pp_mailproto_redact *st, bool out, const char *line, size_t len,
                              char *buf, size_t buflen)
{
    if (!out) {
        bool cont = (len > 0 && line[0] == '+' && (len == 1 || line[1] == ' ')) ||
                    (len >= 3 && strncmp(line, "334", 3) == 0);
        if (!cont)
            st->in_sasl = false;
        pp_linereader_printable(line, len, buf, buflen);
        return;
    }
    if (st->in_sasl) {
        snprintf(buf, buflen, "***");
        return;
    }
    size_t v = 0;
    int skip = 0;
    if (st->imap) { /* the tag */
        while (v < len && line[v] != ' ')
            v++;
        while (v < len && line[v] == ' ')
            v++;
        skip = 1;
    }
    const char *verb = line + v;
    size_t vl = len - v;
    if (word_at(verb, vl, "AUTH") || word_at(verb, vl, "AUTHENTICATE")) {
        st->in_sasl = true;
        keep_words(line, len, skip + 2, buf, buflen);
    } else if (word_at(verb, vl, "LOGIN") || word_at(verb, vl, "PASS")) {
        keep_words(line, len, skip + 1, buf, buflen);
    } else if (word_at(verb, vl, "APOP")) {
        keep_words(line, len, skip + 2, buf, buflen);
    } else {
        pp_linereader_printable(line, len, buf, buflen);
    }
}
