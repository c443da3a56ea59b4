/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * showq.c - the queue through "postqueue -j". See showq.h.
 */
#include "queue/showq.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/spawn.h"

#define MAX_DEPTH 16                  /* nesting of values we skip */
#define MAX_LINE (64u * 1024 * 1024) /* one message's line; far above any real one */
#define NULL_SENDER "MAILER-DAEMON"  /* showq's name for <> (empty_address_recipient) */
#define NO_REASON SIZE_MAX           /* offset standing for "" */

enum {
    K_QUEUE = 1 << 0,
    K_ID = 1 << 1,
    K_TIME = 1 << 2,
    K_SIZE = 1 << 3,
    K_EXPIRE = 1 << 4,
    K_SENDER = 1 << 5,
    K_RCPT = 1 << 6,
    K_REQUIRED = K_QUEUE | K_ID | K_TIME | K_SIZE | K_SENDER | K_RCPT
};

/* ---- JSON cursor over one line ---- */

typedef struct cur {
    const unsigned char *start, *p, *end;
    char *err;
    size_t errlen;
} cur;

__attribute__((format(printf, 2, 3))) static int fail(cur *c, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s at byte %zu", what, (size_t)(c->p - c->start));
    return -1;
}

static void ws(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

/* Skips blanks; consumes ch if it comes next and says whether it did. */
static bool accept(cur *c, char ch)
{
    ws(c);
    if (c->p < c->end && *c->p == (unsigned char)ch) {
        c->p++;
        return true;
    }
    return false;
}

static int expect(cur *c, char ch)
{
    if (accept(c, ch))
        return 0;
    if (c->p >= c->end)
        return fail(c, "expected '%c', line ends", ch);
    return fail(c, "expected '%c'", ch);
}

static void put_utf8(pp_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    pp_buf_add(b, u, n);
}

static int hex4(cur *c, uint32_t *v)
{
    *v = 0;
    if (c->end - c->p < 4)
        return fail(c, "short \\u escape");
    for (int i = 0; i < 4; i++) {
        unsigned char h = *c->p;
        int d = h >= '0' && h <= '9' ? h - '0'
              : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                     : -1;
        if (d < 0)
            return fail(c, "bad hex digit in \\u escape");
        *v = *v << 4 | (uint32_t)d;
        c->p++;
    }
    return 0;
}

/* After "\u": one code point, joining a surrogate pair when one follows. */
static int unicode_escape(cur *c, pp_buf *out)
{
    uint32_t cp, lo;
    if (hex4(c, &cp) != 0)
        return -1;
    if (cp >= 0xD800 && cp <= 0xDBFF && c->end - c->p >= 2 && c->p[0] == '\\' &&
        c->p[1] == 'u') {
        const unsigned char *save = c->p;
        c->p += 2;
        if (hex4(c, &lo) != 0)
            return -1;
        if (lo >= 0xDC00 && lo <= 0xDFFF)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        else
            c->p = save; /* not a pair: the second escape is read on its own */
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xFFFD;
    if (cp == 0)
        cp = '?'; /* a NUL would cut the C string short */
    put_utf8(out, cp);
    return 0;
}

/* A JSON string, decoded and appended to out (when out is not NULL). */
static int string(cur *c, pp_buf *out)
{
    if (expect(c, '"') != 0)
        return -1;
    for (;;) {
        const unsigned char *run = c->p;
        while (c->p < c->end && *c->p != '"' && *c->p != '\\' && *c->p >= 0x20)
            c->p++;
        if (out)
            pp_buf_add(out, (const char *)run, (size_t)(c->p - run));
        if (c->p >= c->end)
            return fail(c, "unterminated string");
        unsigned char ch = *c->p++;
        if (ch == '"')
            return 0;
        if (ch < 0x20) {
            c->p--;
            return fail(c, "control character 0x%02x in string", ch);
        }
        if (c->p >= c->end)
            return fail(c, "unterminated string");
        char e = (char)*c->p++;
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e == 'u') {
            pp_buf scratch;
            pp_buf_init(&scratch);
            int rc = unicode_escape(c, out ? out : &scratch);
            pp_buf_free(&scratch);
            if (rc != 0)
                return -1;
        } else if (plain && e) {
            if (out)
                pp_buf_putc(out, "\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"]);
        } else {
            c->p--;
            return fail(c, "bad escape \\%c", e >= 0x20 && e < 0x7f ? e : '?');
        }
    }
}

/* An integer (the only numbers postqueue prints). */
static int integer(cur *c, long long *v)
{
    bool neg = false;
    unsigned long long acc = 0;
    ws(c);
    if (c->p < c->end && *c->p == '-') {
        neg = true;
        c->p++;
    }
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return fail(c, "expected a number");
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        acc = acc * 10 + (unsigned)(*c->p++ - '0');
        if (acc > (unsigned long long)LLONG_MAX)
            return fail(c, "number out of range");
    }
    if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
        return fail(c, "expected an integer");
    *v = neg ? -(long long)acc : (long long)acc;
    return 0;
}

/* Any JSON number, for values that are skipped. */
static int number(cur *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return fail(c, "expected a value");
    while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' || *c->p == 'e' ||
                             *c->p == 'E' || *c->p == '+' || *c->p == '-'))
        c->p++;
    return 0;
}

static int literal(cur *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return fail(c, "unexpected value");
    c->p += n;
    return 0;
}

static int boolean(cur *c, bool *v)
{
    ws(c);
    *v = c->p < c->end && *c->p == 't';
    return literal(c, *v ? "true" : "false");
}

/* Any JSON value, checked and thrown away: keys postqueue may add one day. */
static int skip_value(cur *c, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(c, "values nested too deep");
    ws(c);
    if (c->p >= c->end)
        return fail(c, "expected a value, line ends");
    switch (*c->p) {
    case '"':
        return string(c, NULL);
    case '{':
        c->p++;
        if (accept(c, '}'))
            return 0;
        do {
            if (string(c, NULL) != 0 || expect(c, ':') != 0 || skip_value(c, depth + 1) != 0)
                return -1;
        } while (accept(c, ','));
        return expect(c, '}');
    case '[':
        c->p++;
        if (accept(c, ']'))
            return 0;
        do {
            if (skip_value(c, depth + 1) != 0)
                return -1;
        } while (accept(c, ','));
        return expect(c, ']');
    case 't':
        return literal(c, "true");
    case 'f':
        return literal(c, "false");
    case 'n':
        return literal(c, "null");
    default:
        return number(c);
    }
}

/* ---- addresses back to their queue-file form ---- */

/*
 * Undoes showq's quote_822_local(): "john doe"@example.com becomes john doe@example.com.
 * Quotes and backslashes are dropped before the last unquoted '@'; the domain after it and
 * a source route before the local part are kept as they are. In place: it only shrinks.
 */
static size_t unquote_local(char *s, size_t len)
{
    size_t start = 0, at = len, out;
    bool quoted = false;

    if (!memchr(s, '"', len))
        return len;
    if (len > 0 && s[0] == '@') {
        char *colon = memchr(s, ':', len);
        if (colon)
            start = (size_t)(colon - s) + 1;
    }
    for (size_t i = start; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == '@' && !quoted)
            at = i;
        else if (s[i] == '\\' && i + 1 < len)
            i++;
    }
    out = start;
    for (size_t i = start; i < at; i++) {
        if (s[i] == '"')
            continue;
        if (s[i] == '\\' && i + 1 < at)
            i++;
        s[out++] = s[i];
    }
    memmove(s + out, s + at, len - at);
    return out + (len - at);
}

/* Reads an address string into m->text (NUL-terminated) and returns its offset. */
static int address(cur *c, pp_showq_msg *m, size_t *off)
{
    size_t start = m->text.len;
    if (string(c, &m->text) != 0)
        return -1;
    size_t n = unquote_local(m->text.s + start, m->text.len - start);
    m->text.len = start + n;
    pp_buf_putc(&m->text, '\0');
    *off = start;
    return 0;
}

/* ---- the message object ---- */

static void push_off(pp_showq_msg *m, size_t n, size_t off)
{
    if (n >= m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->off = pp_xrealloc(m->off, m->cap * sizeof *m->off);
        m->q.rcpt = pp_xrealloc(m->q.rcpt, m->cap / 2 * sizeof *m->q.rcpt);
        m->reason = pp_xrealloc(m->reason, m->cap / 2 * sizeof *m->reason);
    }
    m->off[n] = off;
}

/* A name made of letters and digits (queue names and ids), into a fixed buffer. */
static int token(cur *c, char *dst, size_t size, const char *what)
{
    pp_buf b;
    pp_buf_init(&b);
    ws(c);
    const unsigned char *at = c->p;
    int rc = string(c, &b);
    if (rc == 0) {
        size_t n = b.len;
        bool ok = n > 0 && n < size;
        for (size_t i = 0; ok && i < n; i++)
            ok = (b.s[i] >= '0' && b.s[i] <= '9') || (b.s[i] >= 'a' && b.s[i] <= 'z') ||
                 (b.s[i] >= 'A' && b.s[i] <= 'Z');
        if (ok) {
            memcpy(dst, b.s, n);
            dst[n] = '\0';
        } else {
            c->p = at;
            rc = fail(c, "%s is not 1-%zu letters and digits", what, size - 1);
        }
    }
    pp_buf_free(&b);
    return rc;
}

/* {"address": "...", "delay_reason": "..."} into offsets 1 + 2i and 2 + 2i. */
static int recipient(cur *c, pp_showq_msg *m, pp_buf *key)
{
    size_t addr = NO_REASON, why = NO_REASON;
    size_t i = 1 + 2 * m->q.nrcpt;

    if (expect(c, '{') != 0)
        return -1;
    if (!accept(c, '}')) {
        do {
            pp_buf_reset(key);
            if (string(c, key) != 0 || expect(c, ':') != 0)
                return -1;
            const char *k = pp_buf_str(key);
            bool is_addr = strcmp(k, "address") == 0;
            if (is_addr || strcmp(k, "delay_reason") == 0) {
                size_t *dst = is_addr ? &addr : &why;
                if (*dst != NO_REASON)
                    return fail(c, "duplicate key \"%s\"", k);
                if (address(c, m, dst) != 0)
                    return -1;
            } else if (skip_value(c, 1) != 0) {
                return -1;
            }
        } while (accept(c, ','));
        if (expect(c, '}') != 0)
            return -1;
    }
    if (addr == NO_REASON)
        return fail(c, "recipient without \"address\"");
    push_off(m, i, addr);
    push_off(m, i + 1, why);
    m->q.nrcpt++;
    return 0;
}

static int recipients(cur *c, pp_showq_msg *m, pp_buf *key)
{
    if (expect(c, '[') != 0)
        return -1;
    if (accept(c, ']'))
        return 0;
    do {
        if (recipient(c, m, key) != 0)
            return -1;
    } while (accept(c, ','));
    return expect(c, ']');
}

static int member(cur *c, pp_showq_msg *m, pp_buf *key, unsigned *seen)
{
    static const struct {
        const char *name;
        unsigned bit;
    } keys[] = {{"queue_name", K_QUEUE},     {"queue_id", K_ID}, {"arrival_time", K_TIME},
                {"message_size", K_SIZE},    {"sender", K_SENDER},
                {"forced_expire", K_EXPIRE}, {"recipients", K_RCPT}};
    unsigned bit = 0;
    size_t off;
    long long n;

    pp_buf_reset(key);
    if (string(c, key) != 0 || expect(c, ':') != 0)
        return -1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(pp_buf_str(key), keys[i].name) == 0)
            bit = keys[i].bit;
    if (bit & *seen)
        return fail(c, "duplicate key \"%s\"", pp_buf_str(key));
    *seen |= bit;
    switch (bit) {
    case K_QUEUE:
        return token(c, m->queue, sizeof m->queue, "queue_name");
    case K_ID:
        return token(c, m->id, sizeof m->id, "queue_id");
    case K_TIME:
        if (integer(c, &n) != 0)
            return -1;
        m->q.arrival = n;
        return 0;
    case K_SIZE:
        if (integer(c, &n) != 0)
            return -1;
        m->q.size = n;
        return n < 0 ? fail(c, "negative message_size") : 0;
    case K_EXPIRE:
        return boolean(c, &m->q.expired);
    case K_SENDER:
        if (address(c, m, &off) != 0)
            return -1;
        push_off(m, 0, off);
        return 0;
    case K_RCPT:
        return recipients(c, m, key);
    default:
        return skip_value(c, 1);
    }
}

static void clear(pp_showq_msg *m)
{
    m->queue[0] = m->id[0] = '\0';
    m->q.arrival = m->q.size = 0;
    m->q.maildrop = m->q.expired = false;
    m->q.sender = "";
    m->q.nrcpt = 0;
    pp_buf_reset(&m->text);
}

/* The offsets become pointers once text no longer moves. */
static void resolve(pp_showq_msg *m)
{
    m->q.sender = m->text.s + m->off[0];
    if (strcmp(m->q.sender, NULL_SENDER) == 0)
        m->q.sender = "";
    for (size_t i = 0; i < m->q.nrcpt; i++) {
        size_t why = m->off[2 + 2 * i];
        m->q.rcpt[i] = m->text.s + m->off[1 + 2 * i];
        m->reason[i] = why == NO_REASON ? "" : m->text.s + why;
    }
    m->q.maildrop = strcmp(m->queue, "maildrop") == 0;
}

void pp_showq_msg_init(pp_showq_msg *m)
{
    memset(m, 0, sizeof *m);
    pp_buf_init(&m->text);
    pp_qmsg_init(&m->q);
    m->q.sender = "";
}

void pp_showq_msg_free(pp_showq_msg *m)
{
    pp_buf_free(&m->text);
    free(m->off);
    free(m->q.rcpt);
    free(m->reason);
    pp_showq_msg_init(m);
}

int pp_showq_parse_line(const char *line, size_t len, pp_showq_msg *m, char *err, size_t errlen)
{
    cur c = {(const unsigned char *)line, (const unsigned char *)line,
             (const unsigned char *)line + len, err, errlen};
    pp_buf key;
    unsigned seen = 0;
    int rc = -1;

    clear(m);
    pp_buf_init(&key);
    if (expect(&c, '{') != 0)
        goto out;
    if (!accept(&c, '}')) {
        do {
            if (member(&c, m, &key, &seen) != 0)
                goto out;
        } while (accept(&c, ','));
        if (expect(&c, '}') != 0)
            goto out;
    }
    ws(&c);
    if (c.p != c.end) {
        fail(&c, "unexpected bytes after the object");
        goto out;
    }
    if ((seen & K_REQUIRED) != K_REQUIRED) {
        static const char *const names[] = {"queue_name", "queue_id", "arrival_time",
                                            "message_size", "forced_expire", "sender",
                                            "recipients"};
        unsigned missing = K_REQUIRED & ~seen;
        snprintf(err, errlen, "no \"%s\" in the object", names[__builtin_ctz(missing)]);
        goto out;
    }
    resolve(m);
    rc = 0;
out:
    pp_buf_free(&key);
    if (rc != 0)
        clear(m);
    return rc;
}

/* ---- reading postqueue ---- */

#define SEEN_MAX (1u << 17) /* ids remembered from incoming/active: 1 MB at most */

struct pp_showq {
    pp_child child;
    pp_buf line;
    unsigned long lineno;
    bool at_end;
    uint64_t *seen; /* open-addressing set of incoming/active id hashes, 0 = free */
    size_t nseen;
};

/*
 * showq walks the queue directories one after the other while qmgr and postsuper rename
 * files between them, keeping their names: a message met in incoming or active may be met
 * again in a later queue. Remember those ids (bounded by the active queue's size, not the
 * whole queue's) and pass over a repeat, as queue_scan does with inodes.
 */
static bool seen_before(pp_showq *sq, const pp_showq_msg *m)
{
    bool remember = strcmp(m->queue, "incoming") == 0 || strcmp(m->queue, "active") == 0;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const char *c = m->id; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    h |= 1; /* never 0, the free mark */
    size_t i = (size_t)h & (SEEN_MAX - 1);
    for (size_t probes = 0; probes < SEEN_MAX && sq->seen[i]; probes++) {
        if (sq->seen[i] == h)
            return true;
        i = (i + 1) & (SEEN_MAX - 1);
    }
    if (remember && sq->nseen < SEEN_MAX / 2) {
        sq->seen[i] = h;
        sq->nseen++;
    }
    return false;
}

pp_showq *pp_showq_open(const char *config_dir, char *err, size_t errlen)
{
    const char *argv[] = {"postqueue", "-j", NULL};
    pp_showq *sq = pp_xcalloc(1, sizeof *sq);
    pp_buf_init(&sq->line);
    sq->seen = pp_xcalloc(SEEN_MAX, sizeof *sq->seen);
    if (pp_spawn(config_dir, argv, -1, &sq->child, err, errlen) != 0) {
        free(sq->seen);
        free(sq);
        return NULL;
    }
    return sq;
}

/* One line without its newline into sq->line: 1, 0 at the end, -1 when too long. */
static int read_line(pp_showq *sq)
{
    FILE *f = sq->child.out;
    bool too_long = false;
    char chunk[4096];
    size_t n = 0;
    int ch;

    pp_buf_reset(&sq->line);
    while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
        if (too_long)
            continue;
        chunk[n++] = (char)ch;
        if (n == sizeof chunk) {
            pp_buf_add(&sq->line, chunk, n);
            n = 0;
            too_long = sq->line.len > MAX_LINE;
        }
    }
    if (!too_long)
        pp_buf_add(&sq->line, chunk, n);
    if (too_long)
        return -1;
    return ch == EOF && sq->line.len == 0 ? 0 : 1;
}

int pp_showq_next(pp_showq *sq, pp_showq_msg *m, char *err, size_t errlen)
{
    for (;;) {
        int rc = read_line(sq);
        sq->lineno++;
        if (rc == 0) {
            sq->at_end = true;
            return 0;
        }
        if (rc < 0)
            return pp_errf(err, errlen, "postqueue -j line %lu: longer than %u bytes", sq->lineno,
                           MAX_LINE);
        if (sq->line.len == strspn(pp_buf_str(&sq->line), " \t\r"))
            continue;
        char why[256];
        if (pp_showq_parse_line(sq->line.s, sq->line.len, m, why, sizeof why) == 0) {
            if (seen_before(sq, m))
                continue;
            return 1;
        }
        return pp_errf(err, errlen, "postqueue -j line %lu: %s", sq->lineno, why);
    }
}

int pp_showq_close(pp_showq *sq, char *err, size_t errlen)
{
    if (!sq)
        return 0;
    int rc = pp_spawn_finish(&sq->child, NULL, err, errlen);
    /* A caller that stopped early closed the pipe; postqueue's SIGPIPE is no failure. */
    if (!sq->at_end)
        rc = 0;
    pp_buf_free(&sq->line);
    free(sq->seen);
    free(sq);
    return rc == 0 ? 0 : -1;
}
