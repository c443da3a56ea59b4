/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * probebox_parse.c - the pure part of probebox: IMAP SEARCH, FETCH ENVELOPE and
 * CAPABILITY lines, quoted mailbox names. See probebox.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "e2e/probebox.h"

typedef struct cursor {
    const char *s;
    size_t len, i;
} cursor;

static bool at_end(const cursor *c)
{
    return c->i >= c->len;
}

static bool eat(cursor *c, char ch)
{
    if (at_end(c) || c->s[c->i] != ch)
        return false;
    c->i++;
    return true;
}

/* An atom: up to a space, parenthesis or the end. */
static size_t atom(cursor *c, const char **start)
{
    *start = c->s + c->i;
    size_t n = 0;
    while (!at_end(c) && c->s[c->i] != ' ' && c->s[c->i] != '(' && c->s[c->i] != ')') {
        c->i++;
        n++;
    }
    return n;
}

static bool word_is(const char *w, size_t n, const char *want)
{
    return n == strlen(want) && strncasecmp(w, want, n) == 0;
}

/* A uid or message number: 1 .. 2^32-1. */
static bool number(const char *w, size_t n, uint32_t *out)
{
    unsigned long long v = 0;
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return false;
        v = v * 10 + (unsigned)(w[i] - '0');
    }
    if (v == 0 || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "* WORD": the cursor is left after WORD. */
static bool untagged(cursor *c, const char *word)
{
    const char *w;
    if (!eat(c, '*') || !eat(c, ' '))
        return false;
    size_t n = atom(c, &w);
    return word_is(w, n, word);
}

/* The uids of a SEARCH line, each to fn when fn is not NULL; their count or -1. */
static int search_uids(const char *line, size_t len, pp_probebox_uid_fn fn, void *ctx)
{
    cursor c = {line, len, 0};
    int count = 0;
    if (!untagged(&c, "SEARCH"))
        return -1;
    while (eat(&c, ' ')) {
        const char *w;
        uint32_t uid;
        size_t n = atom(&c, &w);
        if (n == 0)
            continue; /* a trailing space */
        if (!number(w, n, &uid))
            return -1;
        if (fn)
            fn(ctx, uid);
        count++;
    }
    return at_end(&c) ? count : -1;
}

int pp_probebox_parse_search(const char *line, size_t len, pp_probebox_uid_fn fn, void *ctx)
{
    /* The whole line is checked first: a line that turns out not to be one hands out no uid. */
    return search_uids(line, len, NULL, NULL) < 0 ? -1 : search_uids(line, len, fn, ctx);
}

/* A quoted string (into out, cut to outlen), NIL (""), or a literal ("": its bytes are
 * not on this line). Returns 1, 0 for a literal, -1 for anything else. */
static int nstring(cursor *c, char *out, size_t outlen)
{
    size_t o = 0;
    if (outlen)
        out[0] = '\0';
    if (eat(c, '"')) {
        while (!at_end(c) && c->s[c->i] != '"') {
            char ch = c->s[c->i++];
            if (ch == '\\') {
                if (at_end(c))
                    return -1;
                ch = c->s[c->i++];
            }
            if (o + 1 < outlen)
                out[o++] = ch;
        }
        if (!eat(c, '"'))
            return -1;
        if (outlen)
            out[o] = '\0';
        return 1;
    }
    const char *w;
    size_t n = atom(c, &w);
    if (word_is(w, n, "NIL"))
        return 1;
    return n >= 3 && w[0] == '{' && w[n - 1] == '}' ? 0 : -1;
}

/* Skips one value of a FETCH item: an atom, a quoted string or a list. -1 at a literal
 * (the rest is not on this line) or garbage. */
static int skip_value(cursor *c)
{
    int depth = 0;
    do {
        if (at_end(c))
            return -1;
        char ch = c->s[c->i];
        if (ch == '(') {
            depth++;
            c->i++;
        } else if (ch == ')') {
            if (depth == 0)
                return -1;
            depth--;
            c->i++;
        } else if (ch == ' ') {
            c->i++;
        } else if (ch == '"') {
            char tmp[1];
            if (nstring(c, tmp, 0) != 1)
                return -1;
        } else {
            const char *w;
            size_t n = atom(c, &w);
            if (n >= 3 && w[0] == '{' && w[n - 1] == '}')
                return -1;
        }
    } while (depth > 0);
    return 0;
}

/* The rest of a list whose first items were read: up to and past its ')'. */
static int close_list(cursor *c)
{
    for (;;) {
        if (at_end(c))
            return -1;
        if (eat(c, ')'))
            return 0;
        if (!eat(c, ' ') && skip_value(c) != 0)
            return -1;
    }
}

int pp_probebox_parse_fetch(const char *line, size_t len, uint32_t *uid, char *subject,
                            size_t sublen)
{
    cursor c = {line, len, 0};
    const char *w;
    size_t n;
    uint32_t msgno;
    bool have_uid = false, have_env = false;
    if (!eat(&c, '*') || !eat(&c, ' '))
        return 0;
    n = atom(&c, &w);
    if (!number(w, n, &msgno) || !eat(&c, ' '))
        return 0;
    n = atom(&c, &w);
    if (!word_is(w, n, "FETCH"))
        return 0;
    if (!eat(&c, ' ') || !eat(&c, '('))
        return -1;
    if (sublen)
        subject[0] = '\0';
    while (!have_uid || !have_env) {
        eat(&c, ' ');
        n = atom(&c, &w);
        if (n == 0 || !eat(&c, ' '))
            return -1;
        if (word_is(w, n, "UID")) {
            size_t k = atom(&c, &w);
            if (!number(w, k, uid))
                return -1;
            have_uid = true;
        } else if (word_is(w, n, "ENVELOPE")) {
            char date[2];
            if (!eat(&c, '(') || nstring(&c, date, sizeof date) != 1 || !eat(&c, ' '))
                return -1;
            int st = nstring(&c, subject, sublen);
            have_env = true;
            /* After a literal, or an envelope this parser cannot walk, the rest of the
             * line is out of reach: fine once the uid is known. */
            if (st != 1 || close_list(&c) != 0)
                return st >= 0 && have_uid ? 1 : -1;
        } else if (skip_value(&c) != 0) {
            return -1;
        }
    }
    return 1;
}

bool pp_probebox_has_cap(const char *line, size_t len, const char *cap)
{
    cursor c = {line, len, 0};
    if (!untagged(&c, "CAPABILITY"))
        return false;
    while (eat(&c, ' ')) {
        const char *w;
        size_t n = atom(&c, &w);
        if (word_is(w, n, cap))
            return true;
    }
    return false;
}

int pp_probebox_quote(const char *name, char *out, size_t outlen)
{
    size_t o = 0;
    if (outlen < 3)
        return -1;
    out[o++] = '"';
    for (const char *p = name; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch >= 0x7f)
            return -1;
        if (o + 4 > outlen)
            return -1;
        if (ch == '"' || ch == '\\')
            out[o++] = '\\';
        out[o++] = (char)ch;
    }
    out[o++] = '"';
    out[o] = '\0';
    return 0;
}
