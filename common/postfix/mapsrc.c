/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mapsrc.c - postmap/postalias source entries, fed line by line. See mapsrc.h.
 */
#include "postfix/mapsrc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucasemap.h>

#include "core/utf8.h"

/* Postfix's ISSPACE (isspace in the C locale). */
static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

void pp_mapsrc_init(pp_mapsrc *p, pp_mapsrc_kind kind, unsigned flags)
{
    *p = (pp_mapsrc){.kind = kind, .flags = flags};
    pp_buf_init(&p->text);
    pp_buf_init(&p->done);
    pp_buf_init(&p->key);
}

void pp_mapsrc_free(pp_mapsrc *p)
{
    pp_buf_free(&p->text);
    pp_buf_free(&p->done);
    pp_buf_free(&p->key);
    if (p->csm)
        ucasemap_close(p->csm);
    p->csm = NULL;
}

/* Postfix's casefold() under smtputf8_enable: ICU's default full case folding ("Straße" is
 * "strasse"), for keys that are not ASCII. 0, or -1 when ICU fails. */
static int fold_utf8(pp_mapsrc *p, const char *k, size_t n)
{
    UErrorCode error = U_ZERO_ERROR;
    if (!p->csm && !(p->csm = ucasemap_open("en_US", U_FOLD_CASE_DEFAULT, &error)))
        return -1;
    if (n > INT32_MAX / 3 - 1)
        return -1;
    char *out = pp_xmalloc(3 * n + 1);
    error = U_ZERO_ERROR;
    int32_t len = ucasemap_utf8FoldCase(p->csm, out, (int32_t)(3 * n + 1), k, (int32_t)n,
                                        &error);
    if (U_FAILURE(error) || len < 0) {
        free(out);
        return -1;
    }
    pp_buf_add(&p->key, out, (size_t)len);
    free(out);
    return 0;
}

static void set_key(pp_mapsrc *p, pp_mapsrc_entry *e, const char *k, size_t n)
{
    pp_buf_reset(&p->key);
    pp_buf_add(&p->key, "", 0);
    if (!(p->flags & PP_MAPSRC_UTF8) || ascii(k, n) || fold_utf8(p, k, n) != 0) {
        pp_buf_reset(&p->key);
        pp_buf_add(&p->key, "", 0);
        for (size_t i = 0; i < n; i++)
            pp_buf_putc(&p->key, lower(k[i]));
    }
    e->key = p->key.s;
    e->klen = p->key.len;
}

/* postmap: "key whitespace value", both non-empty, as postmap.c's postmap() reads them. The
 * key ends at the first blank outside double quotes (a backslash escapes the next byte) and is
 * kept in its quoted form: `"john doe"@example.com OK` has the key `"john doe"@example.com`. */
static void postmap_entry(pp_mapsrc *p, const char *s, size_t len, pp_mapsrc_entry *e)
{
    bool quoted = false;
    size_t k = 0;
    for (; k < len; k++) {
        if (s[k] == '\\') {
            if (++k == len)
                break;
        } else if (blank(s[k])) {
            if (!quoted)
                break;
        } else if (s[k] == '"') {
            quoted = !quoted;
        }
    }
    if (quoted) {
        e->why = "unbalanced '\"' -- ignoring this line";
        return;
    }
    size_t v = k;
    while (v < len && blank(s[v]))
        v++;
    set_key(p, e, s, k);
    e->valid = k > 0 && v < len;
    if (!e->valid)
        e->why = "expected format: key whitespace value";
}

/* postalias: "name: value", the name local and single; see mapsrc.h for the simplification. */
static void alias_entry(pp_mapsrc *p, const char *s, size_t len, pp_mapsrc_entry *e)
{
    size_t colon = len;
    bool quoted = false, comma = false, at = false, name = false, space = false;

    pp_buf_reset(&p->key);
    pp_buf_add(&p->key, "", 0);
    for (size_t i = 0; i < len && colon == len; i++) {
        char c = s[i];
        if (c == '"') {
            quoted = !quoted;
            name = true; /* even "" is a name */
            continue;
        }
        if (quoted && c == '\\' && i + 1 < len) {
            c = s[++i];
        } else if (!quoted) {
            if (c == ':') {
                colon = i;
                continue;
            }
            comma = comma || c == ',';
            at = at || c == '@';
            if (blank(c)) {
                space = p->key.len > 0;
                continue;
            }
        }
        if (space)
            pp_buf_putc(&p->key, ' ');
        space = false;
        pp_buf_putc(&p->key, lower(c));
        name = true;
    }
    size_t v = colon + 1;
    while (v < len && blank(s[v]))
        v++;
    e->key = p->key.s;
    e->klen = p->key.len;
    bool pair = colon < len && name && v < len && !comma;
    e->valid = pair && !at;
    if (!pair)
        e->why = "need name:value pair";
    else if (at)
        e->why = "name must be local";
}

/* Turns the pending logical line into e; 0 when there is none. */
static int complete(pp_mapsrc *p, pp_mapsrc_entry *e)
{
    if (!p->pending)
        return 0;
    p->pending = false;
    *e = (pp_mapsrc_entry){.line = p->start, .text = "", .key = "", .valid = false};
    if (p->orphan) {
        e->why = "logical line must not start with whitespace";
        return 1;
    }
    /* The tools read the line as a C string: a NUL byte ends it. */
    /* The entry outlives the line that completes it: hand out the other buffer. */
    pp_buf swap = p->done;
    p->done = p->text;
    p->text = swap;
    pp_buf_add(&p->done, "", 0);
    const char *s = p->done.s;
    size_t len = strlen(s);
    e->text = s;
    e->textlen = len;
    if (p->kind != PP_MAPSRC_LINES && (p->flags & PP_MAPSRC_UTF8) && !ascii(s, len) &&
        !pp_utf8_valid(s, p->done.len))
        e->why = "non-UTF-8 input -- ignoring this line";
    else if (p->kind == PP_MAPSRC_ALIAS)
        alias_entry(p, s, len, e);
    else if (p->kind == PP_MAPSRC_POSTMAP)
        postmap_entry(p, s, len, e);
    else
        e->valid = true;
    return 1;
}

int pp_mapsrc_line(pp_mapsrc *p, const char *line, size_t len, pp_mapsrc_entry *e)
{
    size_t i = 0;
    p->lineno++;
    while (i < len && blank(line[i]))
        i++;
    if (i == len || line[i] == '#')
        return 0;
    if (i > 0) {
        if (!p->pending) {
            p->pending = p->orphan = true;
            p->start = p->lineno;
        }
        if (!p->orphan)
            pp_buf_add(&p->text, line, len);
        return 0;
    }
    int done = complete(p, e);
    pp_buf_reset(&p->text);
    pp_buf_add(&p->text, line, len);
    p->pending = true;
    p->orphan = false;
    p->start = p->lineno;
    return done;
}

int pp_mapsrc_end(pp_mapsrc *p, pp_mapsrc_entry *e)
{
    return complete(p, e);
}

void pp_mapsrc_count(const char *buf, size_t len, pp_mapsrc_kind kind, unsigned flags,
                     pp_mapsrc_counts *c)
{
    pp_mapsrc p;
    pp_mapsrc_entry e;
    size_t pos = 0;

    *c = (pp_mapsrc_counts){0};
    pp_mapsrc_init(&p, kind, flags);
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        if (pp_mapsrc_line(&p, buf + pos, n, &e))
            e.valid ? c->entries++ : c->skipped++;
        pos += n + (nl != NULL);
    }
    if (pp_mapsrc_end(&p, &e))
        e.valid ? c->entries++ : c->skipped++;
    c->lines = p.lineno;
    pp_mapsrc_free(&p);
}

/* ---- reading a file ---- */

int pp_mapsrc_read(const char *path, pp_mapsrc_kind kind, unsigned flags, pp_mapsrc_fn fn,
                   void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    pp_mapsrc p;
    pp_mapsrc_entry e;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    pp_mapsrc_init(&p, kind, flags);
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (pp_mapsrc_line(&p, line, len, &e))
            rc = fn(ctx, &e) != 0;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && pp_mapsrc_end(&p, &e))
        rc = fn(ctx, &e) != 0;
    free(line);
    fclose(f);
    pp_mapsrc_free(&p);
    return rc;
}
