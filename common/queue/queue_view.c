/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * queue_view.c - a queued message as an operator lists it. See queue_view.h.
 */
#include "queue/queue_view.h"

#include <errno.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

enum {
    F_FROM = 1 << 0,
    F_TO = 1 << 1,
    F_SUBJECT = 1 << 2,
    F_DATE = 1 << 3,
    F_RELAY = 1 << 4,
    F_ALL = (1 << 5) - 1
};

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void pp_qview_tsv(pp_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    if (len == 0) {
        pp_buf_putc(out, '-');
        return;
    }
    for (size_t i = 0; i < len;) {
        size_t n = pp_utf8_seq(p + i, len - i);
        const char *esc = p[i] == '\t' ? "\\t" : p[i] == '\n' ? "\\n" : p[i] == '\r' ? "\\r"
                        : p[i] == '\\' ? "\\\\" : NULL;
        if (esc) {
            pp_buf_puts(out, esc);
            i++;
        } else if (n == 0 || p[i] < 0x20 || p[i] == 0x7f || (n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)) {
            /* control bytes (C0, DEL, C1) and broken UTF-8 never reach a terminal raw */
            size_t k = n ? n : 1;
            for (size_t j = 0; j < k; j++)
                pp_buf_printf(out, "\\x%02x", p[i + j]);
            i += k;
        } else {
            pp_buf_add(out, s + i, n);
            i += n;
        }
    }
}

/* ---- RFC 2047 encoded words ---- */

static int hexval(unsigned char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

static int b64val(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A'
         : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52
         : c == '+'             ? 62
         : c == '/'             ? 63
                                : -1;
}

static int decode_b(const char *s, size_t len, pp_buf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '=')
            break;
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (uint32_t)v) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            pp_buf_putc(out, (char)(acc >> bits & 0xFF));
        }
    }
    return 0;
}

static int decode_q(const char *s, size_t len, pp_buf *out)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') {
            pp_buf_putc(out, ' ');
        } else if (s[i] == '=') {
            if (i + 2 >= len)
                return -1;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            pp_buf_putc(out, (char)(hi << 4 | lo));
            i += 2;
        } else {
            pp_buf_putc(out, s[i]);
        }
    }
    return 0;
}

/* Appends bytes in charset to out as UTF-8; -1 when the conversion fails. */
static int to_utf8(const char *charset, const char *s, size_t len, pp_buf *out)
{
    if (strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0 ||
        strcasecmp(charset, "us-ascii") == 0) {
        pp_buf_add(out, s, len);
        return 0;
    }
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return -1;
    char chunk[1024];
    char *in = (char *)s;
    size_t inleft = len;
    int rc = 0;
    while (inleft > 0 && rc == 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 && errno != E2BIG)
            rc = -1;
        pp_buf_add(out, chunk, sizeof chunk - oleft);
    }
    iconv_close(cd);
    return rc;
}

/*
 * An encoded word at s: =?charset?X?text?= with no blanks inside. Returns its length and
 * appends the decoded text to out, or returns 0 (out untouched) when it is not one.
 */
static size_t encoded_word(const char *s, size_t len, pp_buf *out, pp_buf *tmp)
{
    char charset[64];
    if (len < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    const char *cs = s + 2, *end = s + len;
    const char *q1 = memchr(cs, '?', (size_t)(end - cs));
    if (!q1 || q1 == cs || (size_t)(q1 - cs) >= sizeof charset || end - q1 < 5 || q1[2] != '?')
        return 0;
    char enc = q1[1];
    const char *text = q1 + 3, *t = text;
    while (t + 1 < end && !(t[0] == '?' && t[1] == '='))
        t++;
    if (t + 1 >= end)
        return 0;
    for (const char *c = s; c < t; c++)
        if (blank(*c) || (unsigned char)*c < 0x20)
            return 0;
    memcpy(charset, cs, (size_t)(q1 - cs));
    charset[q1 - cs] = '\0';
    charset[strcspn(charset, "*")] = '\0'; /* RFC 2231 language suffix */
    pp_buf_reset(tmp);
    int rc = enc == 'B' || enc == 'b' ? decode_b(text, (size_t)(t - text), tmp)
           : enc == 'Q' || enc == 'q' ? decode_q(text, (size_t)(t - text), tmp)
                                      : -1;
    size_t mark = out->len;
    if (rc != 0 || to_utf8(charset, tmp->s ? tmp->s : "", tmp->len, out) != 0) {
        out->len = mark;
        if (out->s)
            out->s[mark] = '\0';
        return 0;
    }
    return (size_t)(t + 2 - s);
}

void pp_qview_decode_words(const char *s, size_t len, pp_buf *out)
{
    pp_buf tmp;
    bool pending_blank = false, last_encoded = false, any = false;

    pp_buf_init(&tmp);
    pp_buf_add(out, "", 0);
    for (size_t i = 0; i < len;) {
        if (blank(s[i])) {
            pending_blank = any;
            i++;
            continue;
        }
        size_t mark = out->len;
        if (pending_blank)
            pp_buf_putc(out, ' ');
        size_t n = s[i] == '=' ? encoded_word(s + i, len - i, out, &tmp) : 0;
        if (n > 0) {
            if (pending_blank && last_encoded) { /* the blank between two words goes */
                memmove(out->s + mark, out->s + mark + 1, out->len - mark - 1);
                out->len--;
                out->s[out->len] = '\0';
            }
            i += n;
            last_encoded = true;
        } else {
            size_t w = 0;
            while (i + w < len && !blank(s[i + w]) && !(w > 0 && s[i + w] == '=' &&
                                                         i + w + 1 < len && s[i + w + 1] == '?'))
                w++;
            pp_buf_add(out, s + i, w);
            i += w;
            last_encoded = false;
        }
        pending_blank = false;
        any = true;
    }
    pp_buf_free(&tmp);
}

/* ---- Received: ---- */

static bool word_at(const char *s, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i + n <= len && strncasecmp(s + i, w, n) == 0 && (i + n == len || blank(s[i + n]));
}

static bool loopback(const char *ip, size_t n)
{
    if (n > 5 && strncasecmp(ip, "IPv6:", 5) == 0)
        ip += 5, n -= 5;
    return (n >= 4 && memcmp(ip, "127.", 4) == 0) || (n == 3 && memcmp(ip, "::1", 3) == 0);
}

int pp_qview_relay(const char *value, size_t len, pp_buf *out)
{
    static const char *const stops[] = {"by", "with", "id", "for", "via"};
    size_t i = 0;
    int depth = 0;
    bool space = false;

    pp_buf_reset(out);
    pp_buf_add(out, "", 0);
    while (i < len && blank(value[i]))
        i++;
    if (!word_at(value, len, i, "from"))
        return 0;
    i += 4;
    for (; i < len; i++) {
        char c = value[i];
        if (blank(c)) {
            space = out->len > 0;
            continue;
        }
        if (depth == 0) {
            if (c == ';')
                break;
            bool stop = false;
            for (size_t k = 0; k < sizeof stops / sizeof stops[0] && !stop; k++)
                stop = space && word_at(value, len, i, stops[k]);
            if (stop)
                break;
        }
        depth += c == '(' ? 1 : c == ')' && depth > 0 ? -1 : 0;
        if (space)
            pp_buf_putc(out, ' ');
        pp_buf_putc(out, c);
        space = false;
    }
    if (out->len == 0)
        return 0;
    const char *open = memrchr(out->s, '[', out->len);
    const char *close = open ? memchr(open, ']', out->len - (size_t)(open - out->s)) : NULL;
    if (open && close)
        return loopback(open + 1, (size_t)(close - open - 1)) ? 0 : 1;
    return strcasestr(out->s, "localhost") ? 0 : 1;
}

/* ---- the header callback ---- */

void pp_qview_init(pp_qview *v)
{
    memset(v, 0, sizeof *v);
}

void pp_qview_reset(pp_qview *v)
{
    pp_buf *all[] = {&v->from, &v->to, &v->subject, &v->date, &v->relay};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        pp_buf_reset(all[i]);
    v->seen = 0;
}

void pp_qview_free(pp_qview *v)
{
    pp_buf *all[] = {&v->from, &v->to, &v->subject, &v->date, &v->relay, &v->scratch};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        pp_buf_free(all[i]);
    v->seen = 0;
}

int pp_qview_header(void *ctx, const char *name, size_t namelen, const char *value,
                    size_t valuelen)
{
    static const struct {
        const char *name;
        unsigned bit;
        size_t off;
    } fields[] = {{"From", F_FROM, offsetof(pp_qview, from)},
                  {"To", F_TO, offsetof(pp_qview, to)},
                  {"Subject", F_SUBJECT, offsetof(pp_qview, subject)},
                  {"Date", F_DATE, offsetof(pp_qview, date)}};
    pp_qview *v = ctx;

    if (namelen == 8 && strncasecmp(name, "Received", 8) == 0) {
        if (!(v->seen & F_RELAY) && pp_qview_relay(value, valuelen, &v->scratch) == 1) {
            pp_buf_reset(&v->relay);
            pp_buf_add(&v->relay, v->scratch.s, v->scratch.len);
            v->seen |= F_RELAY;
        }
    } else {
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (strlen(fields[i].name) != namelen || strncasecmp(name, fields[i].name, namelen))
                continue;
            if (!(v->seen & fields[i].bit)) {
                pp_buf *dst = (pp_buf *)((char *)v + fields[i].off);
                pp_buf_reset(dst);
                pp_qview_decode_words(value, valuelen, dst);
                v->seen |= fields[i].bit;
            }
        }
    }
    return v->seen == F_ALL;
}
