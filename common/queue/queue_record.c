/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * queue_record.c - Postfix queue file records. See queue_record.h.
 */
#include "queue/queue_record.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JUMP_LIMIT 20000     /* pointer jumps per file (Postfix: 10000 reverse jumps) */
#define EMPTY_XTRA 4         /* an empty extracted segment: "X" and "E", no data, 2 bytes each */

/* Record types (Postfix src/global/rec_type.h). */
enum {
    REC_SIZE = 'C',
    REC_TIME = 'T',
    REC_FROM = 'S',
    REC_RCPT = 'R',
    REC_DONE = 'D',
    REC_DRCP = '/',
    REC_MESG = 'M',
    REC_NORM = 'N',
    REC_CONT = 'L',
    REC_DTXT = 'w',
    REC_XTRA = 'X',
    REC_PTR = 'p',
    REC_END = 'E'
};

typedef struct parser {
    const pp_qrec_reader *rd;
    pp_qmsg *m;
    uint64_t size;
    uint64_t woff; /* the window holds file bytes [woff, woff + wlen) */
    size_t wlen;
    unsigned jumps;
    bool has_size;
    bool seen_mesg;
    bool at_end;       /* the file's end is known without reading it (see content()) */
    uint64_t xtra_off; /* C's data offset + content size: where X must be */
} parser;

typedef struct rec {
    int type;
    uint64_t off;
    uint64_t data_off;
    uint64_t next;
    size_t len;
    const char *data; /* after load() */
} rec;

typedef struct hstate {
    const pp_qrec_opts *o;
    size_t max;
    bool line_start;
    bool in_header;
    bool done;
} hstate;

static const char *const status_names[] = {
    [PP_QREC_OK] = "ok",
    [PP_QREC_IO] = "read error",
    [PP_QREC_EMPTY] = "empty file",
    [PP_QREC_FIRST] = "not a queue file",
    [PP_QREC_TRUNCATED] = "truncated",
    [PP_QREC_LENGTH] = "bad record length",
    [PP_QREC_NO_TIME] = "no arrival time",
    [PP_QREC_NO_SENDER] = "no sender",
    [PP_QREC_BAD_VALUE] = "bad record value",
    [PP_QREC_LOOP] = "pointer loop",
};

const char *pp_qrec_status_name(pp_qrec_status s)
{
    if ((size_t)s < sizeof status_names / sizeof status_names[0] && status_names[s])
        return status_names[s];
    return "unknown status";
}

int pp_qrec_header(const unsigned char *p, size_t avail, int *type, size_t *len)
{
    uint64_t v = 0;
    if (avail < 2)
        return 0;
    *type = p[0];
    for (size_t i = 1; i <= 5; i++) {
        if (i >= avail)
            return 0;
        v |= (uint64_t)(p[i] & 0x7f) << (7 * (i - 1));
        if ((p[i] & 0x80) == 0) {
            if (v > PP_QREC_LEN_MAX)
                return -1;
            *len = (size_t)v;
            return (int)i + 1;
        }
    }
    return -1; /* a sixth length byte: more bits than Postfix ever writes */
}

/* ---- diagnostics ---- */

static const char *type_text(int type, char *buf, size_t len)
{
    if (isprint(type))
        snprintf(buf, len, "'%c'", type);
    else
        snprintf(buf, len, "\\%03o", type & 0xff);
    return buf;
}

static pp_qrec_status fail(parser *p, pp_qrec_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static pp_qrec_status fail(parser *p, pp_qrec_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->m->error, sizeof p->m->error, fmt, ap);
    va_end(ap);
    p->m->status = s;
    return s;
}

/* ---- reading ---- */

/* Makes file bytes [off, off + n) available at p->m->win + (off - p->woff). */
static pp_qrec_status load(parser *p, uint64_t off, size_t n)
{
    pp_qmsg *m = p->m;
    if (off >= p->woff && off + n <= p->woff + p->wlen)
        return PP_QREC_OK;
    if (n > m->win_cap) {
        m->win_cap = n;
        m->win = pp_xrealloc(m->win, m->win_cap);
    }
    uint64_t left = p->size - off;
    size_t want = left < m->win_cap ? (size_t)left : m->win_cap;
    size_t got = 0;
    while (got < want) {
        ssize_t r = p->rd->read(p->rd->ctx, m->win + got, want - got, off + got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            m->sys_errno = errno;
            return fail(p, PP_QREC_IO, "read at offset %" PRIu64 ": %s", off + got,
                        strerror(errno));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    p->woff = off;
    p->wlen = got;
    if (got < n)
        return fail(p, PP_QREC_TRUNCATED, "file ends at offset %" PRIu64 ", shorter than its size",
                    off + got);
    return PP_QREC_OK;
}

/* Reads the type and length of the record at off (not its data). */
static pp_qrec_status get(parser *p, uint64_t off, rec *r)
{
    char t[8];
    if (off >= p->size)
        return fail(p, PP_QREC_TRUNCATED, "file ends at offset %" PRIu64 " before the E record",
                    off);
    size_t avail = p->size - off < 6 ? (size_t)(p->size - off) : 6;
    pp_qrec_status s = load(p, off, avail);
    if (s != PP_QREC_OK)
        return s;
    int hl = pp_qrec_header(p->m->win + (off - p->woff), avail, &r->type, &r->len);
    if (hl == 0)
        return fail(p, PP_QREC_TRUNCATED, "file ends inside the record at offset %" PRIu64, off);
    if (hl < 0)
        return fail(p, PP_QREC_LENGTH, "malformed length of record %s at offset %" PRIu64,
                    type_text(p->m->win[off - p->woff], t, sizeof t), off);
    r->off = off;
    r->data_off = off + (uint64_t)hl;
    r->data = NULL;
    if (r->len > p->size - r->data_off)
        return fail(p, PP_QREC_TRUNCATED,
                    "record %s at offset %" PRIu64 ": length %zu runs past the end of the file "
                    "(%" PRIu64 " bytes)",
                    type_text(r->type, t, sizeof t), off, r->len, p->size);
    r->next = r->data_off + r->len;
    return PP_QREC_OK;
}

/* Loads the data of a record read by get(). */
static pp_qrec_status data(parser *p, rec *r)
{
    char t[8];
    if (r->len > PP_QREC_DATA_MAX)
        return fail(p, PP_QREC_LENGTH, "record %s at offset %" PRIu64 " is too long (%zu bytes)",
                    type_text(r->type, t, sizeof t), r->off, r->len);
    pp_qrec_status s = load(p, r->data_off, r->len);
    if (s == PP_QREC_OK)
        r->data = (const char *)p->m->win + (r->data_off - p->woff);
    return s;
}

/* ---- record values ---- */

/* Parses a decimal number after optional blanks; *end points past it. */
static bool number(const char *s, const char *lim, const char **end, uint64_t *v)
{
    while (s < lim && (*s == ' ' || *s == '\t'))
        s++;
    if (s == lim || !isdigit((unsigned char)*s))
        return false;
    *v = 0;
    for (; s < lim && isdigit((unsigned char)*s); s++) {
        if (*v > (UINT64_MAX - 9) / 10)
            return false;
        *v = *v * 10 + (uint64_t)(*s - '0');
    }
    *end = s;
    return true;
}

static pp_qrec_status size_record(parser *p, rec *r)
{
    const char *lim = r->data + r->len, *e;
    uint64_t content, offset;
    if (!number(r->data, lim, &e, &content) || !number(e, lim, &e, &offset) || offset == 0 ||
        content > UINT64_MAX - offset)
        return fail(p, PP_QREC_BAD_VALUE, "malformed size record (C) at offset %" PRIu64, r->off);
    if (offset + content >= p->size)
        return fail(p, PP_QREC_TRUNCATED,
                    "file of %" PRIu64 " bytes ends before the end of the content (offset %" PRIu64
                    ") that its size record gives",
                    p->size, offset + content);
    p->has_size = true;
    p->xtra_off = offset + content;
    p->m->size = (int64_t)content;
    return PP_QREC_OK;
}

static pp_qrec_status time_record(parser *p, rec *r)
{
    const char *lim = r->data + r->len, *e;
    uint64_t sec, usec = 0;
    if (!number(r->data, lim, &e, &sec) || sec > INT64_MAX)
        return fail(p, PP_QREC_BAD_VALUE, "malformed time record (T) at offset %" PRIu64, r->off);
    if (!number(e, lim, &e, &usec))
        usec = 0;
    p->m->arrival = (int64_t)sec;
    p->m->arrival_usec = (long)(usec % 1000000);
    return PP_QREC_OK;
}

/* Follows a p record: *pos becomes its target, or the next record for a placeholder. */
static pp_qrec_status pointer(parser *p, rec *r, uint64_t *pos)
{
    const char *e;
    uint64_t target;
    pp_qrec_status s = data(p, r);
    if (s != PP_QREC_OK)
        return s;
    if (!number(r->data, r->data + r->len, &e, &target) || target >= p->size)
        return fail(p, PP_QREC_BAD_VALUE, "bad pointer record (p) at offset %" PRIu64, r->off);
    if (target == 0) {
        *pos = r->next;
        return PP_QREC_OK;
    }
    if (++p->jumps > JUMP_LIMIT)
        return fail(p, PP_QREC_LOOP, "more than %d pointer jumps", JUMP_LIMIT);
    *pos = target;
    return PP_QREC_OK;
}

static void keep_string(pp_qmsg *m, const char *s, size_t len, bool sender)
{
    size_t off = m->strings.len;
    pp_buf_add(&m->strings, s, len);
    pp_buf_putc(&m->strings, '\0');
    if (sender) {
        m->sender_off = (long)off;
        return;
    }
    if (m->nrcpt == m->offs_cap) {
        m->offs_cap = m->offs_cap ? m->offs_cap * 2 : 16;
        m->offs = pp_xrealloc(m->offs, m->offs_cap * sizeof *m->offs);
    }
    m->offs[m->nrcpt++] = off;
}

/* ---- headers ---- */

static bool header_start(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] > 32 && s[i] < 127 && s[i] != ':')
        i++;
    if (i == 0)
        return false;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < len && s[i] == ':';
}

static void header_emit(pp_qmsg *m, hstate *h)
{
    if (!h->in_header)
        return;
    h->in_header = false;
    const char *s = m->hdr.s;
    size_t len = m->hdr.len;
    const char *colon = memchr(s, ':', len);
    size_t namelen = colon ? (size_t)(colon - s) : len;
    const char *v = colon ? colon + 1 : s + len;
    while (namelen > 0 && (s[namelen - 1] == ' ' || s[namelen - 1] == '\t'))
        namelen--;
    while (v < s + len && (*v == ' ' || *v == '\t'))
        v++;
    if (h->o->header(h->o->header_ctx, s, namelen, v, (size_t)(s + len - v)) != 0)
        h->done = true;
}

static void header_add(pp_qmsg *m, hstate *h, const char *s, size_t len)
{
    size_t room = h->max > m->hdr.len ? h->max - m->hdr.len : 0;
    pp_buf_add(&m->hdr, s, len < room ? len : room);
}

/* One N or L content record: a line, or a piece of a long one. */
static void header_piece(pp_qmsg *m, hstate *h, const rec *r)
{
    if (h->line_start) {
        if (r->len == 0 && r->type == REC_NORM) {
            header_emit(m, h);
            h->done = true; /* the empty line ends the headers */
        } else if (r->len > 0 && (r->data[0] == ' ' || r->data[0] == '\t')) {
            if (!h->in_header)
                h->done = true;
        } else {
            header_emit(m, h);
            if (h->done || !header_start(r->data, r->len)) {
                h->done = true; /* the body starts without an empty line */
            } else {
                pp_buf_reset(&m->hdr);
                pp_buf_add(&m->hdr, "", 0);
                h->in_header = true;
            }
        }
        if (h->done)
            return;
    }
    header_add(m, h, r->data, r->len);
    h->line_start = r->type == REC_NORM;
}

/* Reads the header lines at *pos; leaves *pos on the first record it did not use. */
static pp_qrec_status read_headers(parser *p, const pp_qrec_opts *o, uint64_t *pos)
{
    hstate h = {.o = o, .max = o->header_max ? o->header_max : PP_QREC_HEADER_MAX,
                .line_start = true};
    rec r;
    pp_qrec_status s;
    while (!h.done) {
        if ((s = get(p, *pos, &r)) != PP_QREC_OK)
            return s;
        if (r.type == REC_PTR) {
            if ((s = pointer(p, &r, pos)) != PP_QREC_OK)
                return s;
            continue;
        }
        if (r.type == REC_DTXT) {
            *pos = r.next;
            continue;
        }
        if (r.type != REC_NORM && r.type != REC_CONT)
            break;
        if ((s = data(p, &r)) != PP_QREC_OK)
            return s;
        header_piece(p->m, &h, &r);
        *pos = r.next;
    }
    if (!h.done)
        header_emit(p->m, &h);
    return PP_QREC_OK;
}

/* ---- segments ---- */

/* From the M record to the X record: skip the content (or read its headers). */
static pp_qrec_status content(parser *p, const pp_qrec_opts *o, uint64_t *pos)
{
    rec r;
    pp_qrec_status s;
    if (o && o->header && (s = read_headers(p, o, pos)) != PP_QREC_OK)
        return s;
    if (p->has_size) {
        /*
         * Cleanup ends a file with the extracted segment, X ... E. When the size record puts
         * X exactly EMPTY_XTRA bytes before the end of the file, those bytes can only be an
         * empty X and an empty E: the file is known to the end, and the read it would take
         * to look at them is saved unless the window holds them already. Edits appended
         * after E (milters, header checks) and extracted recipients make the tail longer.
         */
        if (p->size - p->xtra_off == EMPTY_XTRA &&
            !(p->xtra_off >= p->woff && p->size <= p->woff + p->wlen)) {
            p->at_end = true;
            return PP_QREC_OK;
        }
        if ((s = get(p, p->xtra_off, &r)) != PP_QREC_OK)
            return s;
        if (r.type != REC_XTRA)
            return fail(p, PP_QREC_BAD_VALUE,
                        "no X record at offset %" PRIu64 " where the size record puts it",
                        p->xtra_off);
        *pos = p->xtra_off;
        return PP_QREC_OK;
    }
    /* No C record (maildrop): walk the content records to X. */
    for (;;) {
        if ((s = get(p, *pos, &r)) != PP_QREC_OK)
            return s;
        if (r.type == REC_PTR) {
            if ((s = pointer(p, &r, pos)) != PP_QREC_OK)
                return s;
            continue;
        }
        if (r.type != REC_NORM && r.type != REC_CONT && r.type != REC_DTXT)
            return PP_QREC_OK;
        *pos = r.next;
    }
}

static pp_qrec_status first_record(parser *p, rec *r)
{
    char t[8];
    pp_qrec_status s = load(p, 0, 1);
    if (s != PP_QREC_OK)
        return s;
    int type = p->m->win[0];
    if (type != REC_SIZE && type != REC_TIME)
        return fail(p, PP_QREC_FIRST, "first record is %s, not C or T: not a queue file",
                    type_text(type, t, sizeof t));
    if ((s = get(p, 0, r)) != PP_QREC_OK || (s = data(p, r)) != PP_QREC_OK)
        return s;
    p->m->maildrop = r->type == REC_TIME;
    return r->type == REC_SIZE ? size_record(p, r) : time_record(p, r);
}

static void reset(pp_qmsg *m)
{
    m->status = PP_QREC_OK;
    m->error[0] = '\0';
    m->sys_errno = 0;
    m->arrival = -1;
    m->arrival_usec = 0;
    m->size = -1;
    m->maildrop = false;
    m->expired = false;
    m->sender = NULL;
    m->nrcpt = m->ndone = 0;
    m->sender_off = -1;
    pp_buf_reset(&m->strings);
}

/* Turns the kept string offsets into the pointers the caller sees. */
static void finish(pp_qmsg *m)
{
    if (m->rcpt_cap < m->nrcpt) {
        m->rcpt_cap = m->offs_cap;
        m->rcpt = pp_xrealloc(m->rcpt, m->rcpt_cap * sizeof *m->rcpt);
    }
    for (size_t i = 0; i < m->nrcpt; i++)
        m->rcpt[i] = m->strings.s + m->offs[i];
    m->sender = m->strings.s + m->sender_off;
}

/* The E record: the envelope must have had its time and sender. */
static pp_qrec_status end(parser *p)
{
    if (p->m->arrival < 0)
        return fail(p, PP_QREC_NO_TIME, "no arrival time (T) record");
    if (p->m->sender_off < 0)
        return fail(p, PP_QREC_NO_SENDER, "no sender (S) record");
    return PP_QREC_OK;
}

static pp_qrec_status records(parser *p, const pp_qrec_opts *o)
{
    pp_qmsg *m = p->m;
    rec r;
    pp_qrec_status s;
    uint64_t pos;

    if ((s = first_record(p, &r)) != PP_QREC_OK)
        return s;
    for (pos = r.next;; pos = r.next) {
        if ((s = get(p, pos, &r)) != PP_QREC_OK)
            return s;
        switch (r.type) {
        case REC_TIME:
        case REC_FROM:
        case REC_RCPT:
            if ((s = data(p, &r)) != PP_QREC_OK)
                return s;
            if (r.type == REC_TIME && m->arrival < 0 && (s = time_record(p, &r)) != PP_QREC_OK)
                return s;
            if (r.type == REC_FROM && m->sender_off < 0)
                keep_string(m, r.data, r.len, true);
            if (r.type == REC_RCPT)
                keep_string(m, r.data, r.len, false);
            break;
        case REC_DONE:
        case REC_DRCP:
            m->ndone++;
            break;
        case REC_PTR:
            if ((s = pointer(p, &r, &pos)) != PP_QREC_OK)
                return s;
            r.next = pos;
            break;
        case REC_MESG:
            if (p->seen_mesg)
                return fail(p, PP_QREC_BAD_VALUE, "second M record at offset %" PRIu64, r.off);
            p->seen_mesg = true;
            pos = r.next;
            if ((s = content(p, o, &pos)) != PP_QREC_OK)
                return s;
            if (p->at_end)
                return end(p);
            r.next = pos;
            break;
        case REC_END:
            return end(p);
        default:
            break; /* C rewritten by postsuper -r, X, A, O, W and the rest */
        }
    }
}

pp_qrec_status pp_qrec_read(const pp_qrec_reader *rd, const pp_qrec_opts *o, pp_qmsg *m)
{
    parser p = {.rd = rd, .m = m, .size = rd->size};
    reset(m);
    if (o && o->begin)
        o->begin(o->header_ctx);
    if (m->win_cap < PP_QREC_WINDOW) {
        m->win_cap = PP_QREC_WINDOW;
        m->win = pp_xrealloc(m->win, m->win_cap);
    }
    if (rd->size == 0)
        return fail(&p, PP_QREC_EMPTY, "empty file");
    if (records(&p, o) != PP_QREC_OK) {
        m->nrcpt = 0;
        return m->status;
    }
    finish(m);
    return PP_QREC_OK;
}

/* ---- memory ---- */

typedef struct memfile {
    const unsigned char *data;
    size_t len;
} memfile;

static ssize_t mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
    const memfile *f = ctx;
    if (off >= f->len)
        return 0;
    size_t n = f->len - (size_t)off < len ? f->len - (size_t)off : len;
    memcpy(buf, f->data + off, n);
    return (ssize_t)n;
}

static ssize_t fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
    return pread(*(int *)ctx, buf, len, (off_t)off);
}

pp_qrec_status pp_qrec_read_fd(int fd, uint64_t size, const pp_qrec_opts *o, pp_qmsg *m)
{
    pp_qrec_reader rd = {.read = fd_read, .ctx = &fd, .size = size};
    return pp_qrec_read(&rd, o, m);
}

pp_qrec_status pp_qrec_parse_mem(const void *data, size_t len, const pp_qrec_opts *o,
                                 pp_qmsg *m)
{
    memfile f = {data, len};
    pp_qrec_reader rd = {.read = mem_read, .ctx = &f, .size = len};
    return pp_qrec_read(&rd, o, m);
}

void pp_qmsg_init(pp_qmsg *m)
{
    memset(m, 0, sizeof *m);
    pp_buf_init(&m->strings);
    pp_buf_init(&m->hdr);
    reset(m);
}

void pp_qmsg_free(pp_qmsg *m)
{
    pp_buf_free(&m->strings);
    pp_buf_free(&m->hdr);
    free(m->offs);
    free(m->rcpt);
    free(m->win);
    memset(m, 0, sizeof *m);
}
