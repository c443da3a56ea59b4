/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logtrace - the life of each message, assembled from Postfix's log in one pass (see
 * logtrace.h). Open messages sit in a hash table by queue id and in a list in the order
 * they were first seen (the oldest is the one handed over when too many are open).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "log/logline.h"
#include "log/logtrace.h"

#define LIT(s) s, sizeof(s) - 1

struct pp_logtrace {
    pp_logtrace_opts o;
    pp_logtrace_stats st;
    pp_logclock clock;
    pp_logmsg **bucket;
    size_t nbucket;
    pp_logmsg *oldest, *newest;
};

pp_logtrace *pp_logtrace_new(const pp_logtrace_opts *o)
{
    pp_logtrace *t = pp_xcalloc(1, sizeof *t);
    t->o = *o;
    if (!t->o.now)
        t->o.now = (long long)time(NULL);
    pp_logclock_init(&t->clock, t->o.now);
    if (!t->o.max_open)
        t->o.max_open = 100000;
    t->nbucket = 64;
    while (t->nbucket < t->o.max_open)
        t->nbucket <<= 1;
    t->bucket = pp_xcalloc(t->nbucket, sizeof *t->bucket);
    return t;
}

/* ---- the table of open messages ---- */

static pp_logmsg **slot(pp_logtrace *t, const char *qid, size_t n)
{
    pp_logmsg **p = &t->bucket[pp_loghash(qid, n) & (t->nbucket - 1)];
    while (*p && !(strlen((*p)->qid) == n && memcmp((*p)->qid, qid, n) == 0))
        p = &(*p)->hnext;
    return p;
}

static pp_logmsg *lookup(pp_logtrace *t, const char *qid, size_t n)
{
    pp_logmsg **p = slot(t, qid, n);
    if (*p)
        return *p;
    pp_logmsg *m = pp_xcalloc(1, sizeof *m);
    memcpy(m->qid, qid, n); /* n <= 32: logclass's queue ids are at most 32 characters */
    m->size = -1;
    *p = m;
    m->prev = t->newest;
    if (t->newest)
        t->newest->next = m;
    else
        t->oldest = m;
    t->newest = m;
    t->st.messages++;
    if (++t->st.open > t->st.max_open_seen)
        t->st.max_open_seen = t->st.open;
    return m;
}

static void forget(pp_logtrace *t, pp_logmsg *m)
{
    for (size_t i = 0; i < m->nnotices; i++)
        forget(t, m->notices[i]);
    pp_logmsg **p = slot(t, m->qid, strlen(m->qid));
    *p = m->hnext;
    if (m->prev)
        m->prev->next = m->next;
    else
        t->oldest = m->next;
    if (m->next)
        m->next->prev = m->prev;
    else
        t->newest = m->prev;
    t->st.open--;
    for (size_t i = 0; i < m->nev; i++)
        free((char *)m->ev[i].stamp);
    for (size_t i = 0; i < m->nrcpt; i++)
        free((char *)m->rcpt[i]);
    free((char *)m->client);
    free((char *)m->sasl_username);
    free((char *)m->message_id);
    free((char *)m->sender);
    free(m->rcpt);
    free(m->ev);
    free(m->notices);
    free(m);
}

static pp_logmsg *root_of(pp_logmsg *m)
{
    while (m->parent)
        m = m->parent;
    return m;
}

static bool all_ended(const pp_logmsg *m)
{
    for (size_t i = 0; i < m->nnotices; i++)
        if (!all_ended(m->notices[i]))
            return false;
    return m->ended;
}

static void hand_over(pp_logtrace *t, pp_logmsg *root)
{
    if (t->o.fn)
        t->o.fn(t->o.ctx, root);
    forget(t, root);
}

/* ---- reading a line's text ---- */

const char *pp_logtrace_field(const char *text, const char *key, size_t *len)
{
    size_t klen = strlen(key);
    const char *end = strstr(text, " (");
    const char *p = text;
    if (!end)
        end = text + strlen(text);
    for (; p + klen <= end; p++) {
        if ((p == text || p[-1] == ' ') && strncmp(p, key, klen) == 0)
            break;
    }
    if (p + klen > end)
        return NULL;
    p += klen;
    const char *stop = strstr(p, ", ");
    if (!stop || stop > end)
        stop = end; /* status= ends where the reply begins */
    *len = (size_t)(stop - p);
    return p;
}

/* key's value as a new string; an address without its angle brackets. */
static char *value(const char *text, const char *key, bool address)
{
    size_t n;
    const char *v = pp_logtrace_field(text, key, &n);
    if (!v)
        return NULL;
    if (address && n >= 2 && v[0] == '<' && v[n - 1] == '>') {
        v++;
        n -= 2;
    }
    char *s = pp_xmalloc(n + 1);
    memcpy(s, v, n);
    s[n] = '\0';
    return s;
}

static void set_once(const char **dst, char *v)
{
    if (v && !*dst)
        *dst = v;
    else
        free(v);
}

static void add_rcpt(pp_logmsg *m, char *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < m->nrcpt; i++)
        if (strcmp(m->rcpt[i], r) == 0) {
            free(r);
            return;
        }
    if (m->nrcpt == m->rcptcap) {
        m->rcptcap = m->rcptcap ? 2 * m->rcptcap : 4;
        m->rcpt = pp_xrealloc(m->rcpt, m->rcptcap * sizeof *m->rcpt);
    }
    m->rcpt[m->nrcpt++] = r;
}

static bool prog_is(const pp_logline *l, const char *p, size_t n)
{
    return l->prog_len == n && memcmp(l->prog, p, n) == 0;
}

static void add_event(pp_logmsg *m, const pp_logline *l, const char *line, long long when,
                      const char *text, size_t tlen, pp_logkind kind)
{
    size_t slen = (size_t)(l->host - line);
    while (slen && line[slen - 1] == ' ')
        slen--;
    size_t taglen = (size_t)(l->prog + l->prog_len - l->name);
    char *s = pp_xmalloc(slen + taglen + tlen + 3);
    memcpy(s, line, slen);
    s[slen] = '\0';
    memcpy(s + slen + 1, l->name, taglen);
    s[slen + 1 + taglen] = '\0';
    memcpy(s + slen + taglen + 2, text, tlen);
    s[slen + taglen + 2 + tlen] = '\0';
    if (m->nev == m->evcap) {
        m->evcap = m->evcap ? 2 * m->evcap : 8;
        m->ev = pp_xrealloc(m->ev, m->evcap * sizeof *m->ev);
    }
    m->ev[m->nev++] = (pp_logmsg_event){.time = when, .stamp = s, .tag = s + slen + 1,
                                        .pid = l->pid, .text = s + slen + taglen + 2,
                                        .kind = kind};
}

/* bound's "sender non-delivery notification: QID" and the like: the notice's queue id. */
static size_t notice_id(const char *text, const char **id)
{
    static const char *const what[] = {"sender non-delivery notification: ",
                                       "sender delay notification: ",
                                       "sender delivery status notification: ",
                                       "postmaster non-delivery notification: ",
                                       "postmaster delay notification: "};
    for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
        size_t n = strlen(what[i]), k = 0;
        if (strncmp(text, what[i], n) != 0)
            continue;
        *id = text + n;
        while (k < 32 && isalnum((unsigned char)(*id)[k]))
            k++;
        return k >= 5 && (*id)[k] == '\0' ? k : 0;
    }
    return 0;
}

static void link_notice(pp_logtrace *t, pp_logmsg *m, const char *text)
{
    const char *id;
    size_t n = notice_id(text, &id);
    if (!n)
        return;
    pp_logmsg *c = lookup(t, id, n);
    if (c->parent || root_of(m) == c)
        return;
    c->parent = m;
    /* Its cleanup line comes before the link: none means its story is not in this window. */
    if (c->nev == 0)
        c->ended = true;
    m->notices = pp_xrealloc(m->notices, (m->nnotices + 1) * sizeof *m->notices);
    m->notices[m->nnotices++] = c;
}

static void take_fields(pp_logtrace *t, pp_logmsg *m, const pp_logline *l, const char *text,
                        pp_logkind kind)
{
    if (kind == PP_LOGK_RECEIVED && strncmp(text, "client=", 7) == 0) {
        set_once(&m->client, value(text, "client=", false));
        set_once(&m->sasl_username, value(text, "sasl_username=", false));
    } else if (strncmp(text, "message-id=", 11) == 0) {
        set_once(&m->message_id, value(text, "message-id=", false));
    } else if ((prog_is(l, LIT("qmgr")) || prog_is(l, LIT("pickup"))) &&
               pp_logtrace_field(text, "from=", &(size_t){0})) {
        set_once(&m->sender, value(text, "from=", true));
        char *size = value(text, "size=", false);
        if (size && m->size < 0)
            m->size = strtoll(size, NULL, 10);
        free(size);
    } else if (strncmp(text, "to=<", 4) == 0) {
        add_rcpt(m, value(text, "to=", true));
        add_rcpt(m, value(text, "orig_to=", true));
    } else if (prog_is(l, LIT("bounce"))) {
        link_notice(t, m, text);
    }
}

static bool ends(const pp_logline *l, const char *text, pp_logkind kind)
{
    if ((prog_is(l, LIT("qmgr")) || prog_is(l, LIT("postsuper"))) && !strcmp(text, "removed"))
        return true;
    return prog_is(l, LIT("cleanup")) && (kind == PP_LOGK_REJECTED || kind == PP_LOGK_DISCARDED);
}

void pp_logtrace_line(pp_logtrace *t, const char *line, size_t len)
{
    pp_logline l;
    pp_logevent ev;
    t->st.lines++;
    if (pp_logline_parse(line, len, &l) != 0) {
        t->st.unparsed++;
        return;
    }
    if (pp_logline_name_in(&l, t->o.names))
        pp_logclass(&l, &ev);
    else
        ev.qid = NULL;
    if (!ev.qid || (ev.qid_len == 7 && !memcmp(ev.qid, "NOQUEUE", 7))) {
        t->st.other++;
        return;
    }
    long long when = pp_logclock_time(&t->clock, &l);
    if ((t->o.since && when < t->o.since) || (t->o.until && when >= t->o.until)) {
        t->st.outside++;
        return;
    }
    const char *text = ev.qid + ev.qid_len + 2;
    size_t tlen = (size_t)(l.text + l.text_len - text);
    char *copy = pp_xmalloc(tlen + 1);
    memcpy(copy, text, tlen);
    copy[tlen] = '\0';
    pp_logmsg *m = lookup(t, ev.qid, ev.qid_len);
    if (ev.kind == PP_LOGK_RECEIVED && m->nev && !m->parent && !m->nnotices) {
        /* An arrival under a queue id still open: the file it named went without a word
           (a client that left before the end of DATA); short ids are used again. */
        hand_over(t, m);
        m = lookup(t, ev.qid, ev.qid_len);
    }
    add_event(m, &l, line, when, copy, tlen, ev.kind);
    t->st.events++;
    take_fields(t, m, &l, copy, ev.kind);
    if (ends(&l, copy, ev.kind))
        m->ended = true;
    free(copy);
    pp_logmsg *root = root_of(m);
    if (m->ended && all_ended(root))
        hand_over(t, root);
    while (t->st.open > t->o.max_open) {
        pp_logmsg *old = root_of(t->oldest);
        old->evicted = true;
        t->st.evicted++;
        hand_over(t, old);
    }
}

void pp_logtrace_finish(pp_logtrace *t)
{
    while (t->oldest)
        hand_over(t, root_of(t->oldest));
}

const pp_logtrace_stats *pp_logtrace_stats_get(const pp_logtrace *t)
{
    return &t->st;
}

void pp_logtrace_free(pp_logtrace *t)
{
    if (!t)
        return;
    t->o.fn = NULL;
    pp_logtrace_finish(t);
    free(t->bucket);
    free(t);
}
