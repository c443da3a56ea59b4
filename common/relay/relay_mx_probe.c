/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay_mx_probe.c - SMTP probes of the MX hosts of many domains, a few sessions at a time
 * in threads. See relay_mx.h (pp_rmx_probe).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay/relay_mx.h"
#include "mail/smtp_probe.h"

#define RCPTS_PER_SESSION 5 /* below smtpd_soft_error_limit: no tarpit, no disconnect */

typedef struct task {
    pp_rmx_host *host;
    size_t dom[RCPTS_PER_SESSION]; /* indices into x->dom */
    size_t ndom;
    char *rcpt[RCPTS_PER_SESSION];
    int rc;
    char addr[INET6_ADDRSTRLEN + 2];
    pp_smtp_probe_result res;
} task;

typedef struct pool {
    task *tasks;
    size_t ntasks;
    atomic_size_t next;
    const pp_rmx_probe_opts *o;
} pool;

/* One session, to the first of the host's addresses that takes the connection. */
static void run_task(task *t, const pp_rmx_probe_opts *o)
{
    pp_smtp_probe_opts so = {o->helo, o->mail_from, (const char *const *)t->rcpt,
                             o->rcpt ? t->ndom : 0, o->timeout};
    pp_rmx_host *h = t->host;
    t->rc = -1;
    for (size_t i = 0; i < h->naddr; i++) {
        struct sockaddr_storage ss = h->addr[i];
        if (ss.ss_family == AF_INET)
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)o->port);
        else
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)o->port);
        pp_dns_addr_text(&ss, t->addr, sizeof t->addr);
        if (i > 0)
            pp_smtp_probe_result_free(&t->res);
        t->rc = pp_smtp_probe((struct sockaddr *)&ss, h->addrlen[i], &so, &t->res);
        if (t->rc == 0 || strncmp(t->res.err, "connect:", 8) != 0)
            break;
    }
}

static void *worker(void *arg)
{
    pool *p = arg;
    size_t i;
    while ((i = atomic_fetch_add(&p->next, 1)) < p->ntasks)
        run_task(&p->tasks[i], p->o);
    return NULL;
}

/* A new session to host h, appended to *tasks. */
static task *new_task(task **tasks, size_t *n, size_t *cap, pp_rmx_host *h)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *tasks = pp_xrealloc(*tasks, *cap * sizeof **tasks);
    }
    task *t = &(*tasks)[(*n)++];
    memset(t, 0, sizeof *t);
    t->host = h;
    return t;
}

/* The host of the k-th MX of d (or d itself without MX), if it has an address to probe. */
static pp_rmx_host *probe_host(const pp_rmx_domain *d, size_t k)
{
    pp_rmx_host *h = d->self ? d->self : d->mx[k].host;
    return h && h->naddr ? h : NULL;
}

static size_t host_count(const pp_rmx_domain *d)
{
    return d->self ? 1 : d->nmx;
}

/*
 * The sessions to run. Without a recipient: one per host (by_host[host index] = task + 1).
 * With one: per host, its domains in groups of RCPTS_PER_SESSION.
 */
static task *plan(pp_rmx *x, const pp_rmx_probe_opts *o, size_t *by_host, size_t *ntasks)
{
    task *tasks = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < x->ndom; i++) {
        pp_rmx_domain *d = &x->dom[i];
        for (size_t k = 0; k < host_count(d); k++) {
            pp_rmx_host *h = probe_host(d, k);
            if (!h)
                continue;
            size_t hi = (size_t)(h - x->hosts);
            task *t = by_host[hi] ? &tasks[by_host[hi] - 1] : NULL;
            if (!t || (o->rcpt && t->ndom == RCPTS_PER_SESSION)) {
                t = new_task(&tasks, &n, &cap, h);
                by_host[hi] = n;
            }
            if (o->rcpt) {
                t->rcpt[t->ndom] = strchr(o->rcpt, '@')
                                       ? pp_xstrdup(o->rcpt)
                                       : pp_xasprintf("%s@%s", o->rcpt, d->name);
                t->dom[t->ndom++] = i;
            }
        }
    }
    *ntasks = n;
    return tasks;
}

/* The session failed on a reply other than 2xx: the server answers, but refuses. */
static bool refused(const task *t)
{
    const pp_smtp_reply *r[] = {&t->res.banner, &t->res.ehlo, &t->res.mail};
    for (size_t k = 0; k < sizeof r / sizeof r[0]; k++)
        if (r[k]->code != 0 && r[k]->code / 100 != 2)
            return true;
    return false;
}

/* Per domain: its MX hosts that took no session, those that refused it, the first of them. */
typedef struct down_count {
    size_t down, refused;
    const task *first_refusal;
} down_count;

/* What session t (and its reply to RCPT j, -1 for none) says about domain i. */
static void judge_session(pp_rmx *x, size_t i, const task *t, int j, down_count *down)
{
    pp_rmx_domain *d = &x->dom[i];
    const char *h = t->host->name;
    if (t->rc != 0) {
        down[i].down++;
        if (refused(t) && down[i].refused++ == 0)
            down[i].first_refusal = t;
        pp_rmx_note(d, PP_RMX_SMTP_SOME, "MX %s (%s): %s", h, t->addr, t->res.err);
        return;
    }
    if (j < 0) {
        pp_rmx_note(d, PP_RMX_SMTP_OK, "MX %s (%s): %d in %.0f ms", h, t->addr,
                    t->res.banner.code, t->res.seconds * 1000);
        return;
    }
    const pp_smtp_reply *r = &t->res.rcpt[j];
    if (r->code / 100 == 2)
        pp_rmx_note(d, PP_RMX_ACCEPTS_ANY, "MX %s accepted RCPT TO:<%s> (%d %s)", h,
                    t->rcpt[j], r->code, r->text);
    else if (r->code / 100 == 4)
        pp_rmx_note(d, PP_RMX_RCPT_TEMP, "MX %s deferred RCPT TO:<%s> (%d %s)", h,
                    t->rcpt[j], r->code, r->text);
    else
        pp_rmx_note(d, PP_RMX_RCPT_REFUSED, "MX %s: %d %s", h, r->code, r->text);
}

static void run_pool(task *tasks, size_t n, const pp_rmx_probe_opts *o)
{
    pool p = {tasks, n, 0, o};
    size_t nt = o->parallel > 0 ? (size_t)o->parallel : 1;
    if (nt > n)
        nt = n;
    pthread_t *th = pp_xcalloc(nt ? nt : 1, sizeof *th);
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, worker, &p) != 0)
            break;
    if (started == 0)
        worker(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
}

void pp_rmx_probe(pp_rmx *x, const pp_rmx_probe_opts *o)
{
    size_t n, *by_host = pp_xcalloc(x->nhosts ? x->nhosts : 1, sizeof *by_host);
    down_count *down = pp_xcalloc(x->ndom ? x->ndom : 1, sizeof *down);
    task *tasks = plan(x, o, by_host, &n);

    run_pool(tasks, n, o);
    if (o->rcpt) {
        for (size_t t = 0; t < n; t++)
            for (size_t j = 0; j < tasks[t].ndom; j++)
                judge_session(x, tasks[t].dom[j], &tasks[t], (int)j, down);
    } else {
        for (size_t i = 0; i < x->ndom; i++)
            for (size_t k = 0; k < host_count(&x->dom[i]); k++) {
                pp_rmx_host *h = probe_host(&x->dom[i], k);
                if (h)
                    judge_session(x, i, &tasks[by_host[h - x->hosts] - 1], -1, down);
            }
    }
    for (size_t i = 0; i < x->ndom; i++) {
        size_t probed = 0;
        for (size_t k = 0; k < host_count(&x->dom[i]); k++)
            probed += probe_host(&x->dom[i], k) != NULL;
        const task *t = down[i].first_refusal;
        if (!probed || down[i].down < probed)
            continue;
        if (t && down[i].refused > 1)
            pp_rmx_note(&x->dom[i], PP_RMX_SMTP_REFUSED, "%s, from %s and %zu more MX host%s",
                        t->res.err, t->host->name, down[i].refused - 1,
                        down[i].refused > 2 ? "s" : "");
        else if (t)
            pp_rmx_note(&x->dom[i], PP_RMX_SMTP_REFUSED, "%s, from %s", t->res.err,
                        t->host->name);
        else
            pp_rmx_note(&x->dom[i], PP_RMX_SMTP_DOWN, "none of its %zu MX hosts answers SMTP",
                        probed);
    }
    for (size_t t = 0; t < n; t++) {
        for (size_t j = 0; j < tasks[t].ndom; j++)
            free(tasks[t].rcpt[j]);
        pp_smtp_probe_result_free(&tasks[t].res);
    }
    free(tasks);
    free(by_host);
    free(down);
}
