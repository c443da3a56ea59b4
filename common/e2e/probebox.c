/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * probebox.c - probes in an IMAP mailbox: find, read their ids, delete. See probebox.h.
 */
#include "e2e/probebox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "mail/mailproto.h"

#define FETCH_CHUNK 100

struct pp_probebox {
    pp_mail_session *s;
    char tag[PP_PROBEID_TAG_MAX + 1];
    bool replies;
    bool uidplus;
    uint32_t next; /* the next scan looks at uids from here on */
};

typedef struct uidset {
    uint32_t *v;
    size_t n, cap;
    uint32_t min; /* uids below are left out */
} uidset;

static void uid_add(void *ctx, uint32_t uid)
{
    uidset *u = ctx;
    if (uid < u->min)
        return; /* "UID n:*" always holds the highest uid, even below n */
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 16;
        u->v = pp_xrealloc(u->v, u->cap * sizeof *u->v);
    }
    u->v[u->n++] = uid;
}

static int cmp_uid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* In a normalized set. */
static bool uid_in(const uidset *u, uint32_t uid)
{
    return u->n > 0 && bsearch(&uid, u->v, u->n, sizeof *u->v, cmp_uid) != NULL;
}

/* Sorted, without duplicates. */
static void uid_normalize(uidset *u)
{
    if (u->n == 0)
        return;
    qsort(u->v, u->n, sizeof *u->v, cmp_uid);
    size_t o = 1;
    for (size_t i = 1; i < u->n; i++)
        if (u->v[i] != u->v[o - 1])
            u->v[o++] = u->v[i];
    u->n = o;
}

/* "3,7,9" for uids[from, to). */
static void uid_list(const uint32_t *uids, size_t from, size_t to, pp_buf *out)
{
    pp_buf_reset(out);
    for (size_t i = from; i < to; i++)
        pp_buf_printf(out, "%s%u", i > from ? "," : "", (unsigned)uids[i]);
}

/* One command; -1 with the reason in the session for a failure or a reply other than OK. */
static int imap(pp_probebox *b, const char *what, const char *command, pp_mailproto_line_fn fn,
                void *ctx)
{
    char text[256];
    int kind = 0;
    int st = pp_mailproto_imap_cmd(pp_mail_conn(b->s), pp_mail_tag(b->s), command, &kind, text,
                                   sizeof text, fn, ctx);
    if (st == PP_LR_LINE && kind == PP_IMAP_OK)
        return 0;
    const char *sp = st == PP_LR_LINE ? strchr(text, ' ') : NULL;
    pp_mail_fail(b->s, st, what, sp ? sp + 1 : text);
    return -1;
}

static void on_capability(void *ctx, const char *line, size_t len)
{
    pp_probebox *b = ctx;
    if (pp_probebox_has_cap(line, len, "UIDPLUS"))
        b->uidplus = true;
}

pp_probebox *pp_probebox_open(pp_mail_session *s, const char *mailbox, const char *tag,
                              bool replies)
{
    char quoted[512], cmd[600];
    pp_probebox *b = pp_xcalloc(1, sizeof *b);
    b->s = s;
    snprintf(b->tag, sizeof b->tag, "%s", tag);
    b->replies = replies;
    b->next = 1;
    if (pp_probebox_quote(mailbox, quoted, sizeof quoted) != 0) {
        pp_mail_fail(s, PP_LR_LINE, "SELECT", "mailbox name not usable");
        free(b);
        return NULL;
    }
    snprintf(cmd, sizeof cmd, "SELECT %s", quoted);
    if (imap(b, cmd, cmd, NULL, NULL) != 0 ||
        imap(b, "CAPABILITY", "CAPABILITY", on_capability, b) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

static void on_search(void *ctx, const char *line, size_t len)
{
    pp_probebox_parse_search(line, len, uid_add, ctx);
}

static int search(pp_probebox *b, const char *key, uidset *out)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "UID SEARCH UID %u:* UNDELETED %s \"%s:\"", (unsigned)b->next, key,
             b->tag);
    out->min = b->next;
    return imap(b, "UID SEARCH", cmd, on_search, out);
}

typedef struct fetch_ctx {
    pp_probebox *b;
    const uidset *wanted, *with_header;
    pp_probebox_fn fn;
    void *ctx;
} fetch_ctx;

static void on_fetch(void *ctx, const char *line, size_t len)
{
    fetch_ctx *f = ctx;
    pp_probe_found p = {0};
    char subject[512];
    if (pp_probebox_parse_fetch(line, len, &p.uid, subject, sizeof subject) != 1 ||
        !uid_in(f->wanted, p.uid) ||
        !pp_probeid_find(subject, strlen(subject), f->b->tag, &p.ms, p.id, sizeof p.id))
        return;
    p.reply = !uid_in(f->with_header, p.uid);
    f->fn(f->ctx, &p);
}

int pp_probebox_scan(pp_probebox *b, pp_probebox_fn fn, void *ctx)
{
    uidset hdr = {0}, all = {0};
    pp_buf list, cmd;
    /* NOOP first: the server announces new messages, which SEARCH then sees. */
    int rc = imap(b, "NOOP", "NOOP", NULL, NULL);
    if (rc == 0)
        rc = search(b, "HEADER X-Postprobe-Id", &hdr);
    if (rc == 0 && b->replies)
        rc = search(b, "SUBJECT", &all);
    for (size_t i = 0; rc == 0 && i < hdr.n; i++)
        uid_add(&all, hdr.v[i]);
    uid_normalize(&hdr);
    uid_normalize(&all);
    if (all.n > PP_PROBEBOX_BATCH)
        all.n = PP_PROBEBOX_BATCH;
    pp_buf_init(&list);
    pp_buf_init(&cmd);
    fetch_ctx f = {b, &all, &hdr, fn, ctx};
    for (size_t i = 0; rc == 0 && i < all.n; i += FETCH_CHUNK) {
        size_t end = i + FETCH_CHUNK < all.n ? i + FETCH_CHUNK : all.n;
        uid_list(all.v, i, end, &list);
        pp_buf_reset(&cmd);
        pp_buf_printf(&cmd, "UID FETCH %s (UID ENVELOPE)", list.s);
        rc = imap(b, "UID FETCH", cmd.s, on_fetch, &f);
    }
    if (rc == 0 && all.n > 0)
        b->next = all.v[all.n - 1] + 1;
    pp_buf_free(&list);
    pp_buf_free(&cmd);
    free(hdr.v);
    free(all.v);
    return rc;
}

int pp_probebox_delete(pp_probebox *b, const uint32_t *uids, size_t n)
{
    pp_buf list, cmd;
    int rc = 0;
    pp_buf_init(&list);
    pp_buf_init(&cmd);
    for (size_t i = 0; rc == 0 && i < n; i += FETCH_CHUNK) {
        size_t end = i + FETCH_CHUNK < n ? i + FETCH_CHUNK : n;
        uid_list(uids, i, end, &list);
        pp_buf_reset(&cmd);
        pp_buf_printf(&cmd, "UID STORE %s +FLAGS.SILENT (\\Deleted)", list.s);
        rc = imap(b, "UID STORE", cmd.s, NULL, NULL);
        if (rc == 0 && b->uidplus) {
            pp_buf_reset(&cmd);
            pp_buf_printf(&cmd, "UID EXPUNGE %s", list.s);
            rc = imap(b, "UID EXPUNGE", cmd.s, NULL, NULL);
        }
    }
    pp_buf_free(&list);
    pp_buf_free(&cmd);
    return rc;
}

bool pp_probebox_expunges(const pp_probebox *b)
{
    return b->uidplus;
}

void pp_probebox_free(pp_probebox *b)
{
    free(b);
}
