/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * qfile.h - build Postfix queue file bytes for the unit tests: records with Postfix's
 * length encoding, and a whole cleanup-style file (C, T, envelope, M, content, X, E) with a
 * correct size record.
 */
#ifndef QFILE_H
#define QFILE_H

#include <stdio.h>
#include <string.h>

#include "core/buf.h"

static inline void qf_rec(pp_buf *b, int type, const char *data, size_t len)
{
    pp_buf_putc(b, (char)type);
    size_t rest = len;
    do {
        unsigned char c = rest & 0x7f;
        rest >>= 7;
        if (rest)
            c |= 0x80;
        pp_buf_putc(b, (char)c);
    } while (rest);
    pp_buf_add(b, data, len);
}

static inline void qf_str(pp_buf *b, int type, const char *s)
{
    qf_rec(b, type, s, strlen(s));
}

/* The C record, patched in place once the content size is known: fixed width like cleanup's. */
static inline void qf_size(pp_buf *b, size_t at, long content, long data_offset, long nrcpt)
{
    char c[128];
    int n = snprintf(c, sizeof c, "%15ld %15ld %15ld %15ld %15ld %15ld", content, data_offset,
                     nrcpt, 0L, content, 0L);
    memcpy(b->s + at + 2, c, (size_t)n);
}

/*
 * A cleanup-style file arrived at time t: C, T, the envelope records (pairs ending with type
 * 0), M, the header lines (ending with NULL), an empty line and a body line, X, the
 * extracted records (pairs again), E.
 */
typedef struct qf_pair {
    int type;
    const char *text;
} qf_pair;

static inline void qf_cleanup(pp_buf *b, long t, const qf_pair *env, const char *const *hdrs,
                              const qf_pair *extracted)
{
    char tbuf[64];
    pp_buf_reset(b);
    /* Room for 6 fields of 15 and 5 spaces (95 bytes, one length byte), filled in below. */
    char blank[95];
    memset(blank, ' ', sizeof blank);
    qf_rec(b, 'C', blank, sizeof blank);
    snprintf(tbuf, sizeof tbuf, "%ld 123456", t);
    qf_str(b, 'T', tbuf);
    long nrcpt = 0;
    for (const qf_pair *p = env; p && p->type; p++) {
        qf_str(b, p->type, p->text);
        nrcpt += p->type == 'R';
    }
    qf_rec(b, 'M', "", 0);
    size_t data_offset = b->len;
    for (const char *const *h = hdrs; h && *h; h++)
        qf_str(b, 'N', *h);
    qf_str(b, 'N', "");
    qf_str(b, 'N', "body line");
    size_t xtra = b->len;
    qf_rec(b, 'X', "", 0);
    for (const qf_pair *p = extracted; p && p->type; p++)
        qf_str(b, p->type, p->text);
    qf_rec(b, 'E', "", 0);
    qf_size(b, 0, (long)(xtra - data_offset), (long)data_offset, nrcpt);
}

#endif
