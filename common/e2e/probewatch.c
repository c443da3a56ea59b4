/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * probewatch.c - waiting for probes. See probewatch.h.
 */
#include "e2e/probewatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/timeout.h"

#define FIRST_PAUSE 0.025
#define MAX_PAUSE 2.0

void pp_probewatch_init(pp_probewatch *w, pp_probebox *box, bool replies, double run_limit,
                        double max_age)
{
    memset(w, 0, sizeof *w);
    w->box = box;
    w->replies = replies;
    w->run_limit = run_limit;
    w->max_age = max_age;
    w->max_late = NAN;
}

void pp_probewatch_expect(pp_probewatch *w, const char *id)
{
    w->own = pp_xrealloc(w->own, (w->n_own + 1) * sizeof *w->own);
    pp_probe_own *o = &w->own[w->n_own++];
    snprintf(o->id, sizeof o->id, "%s", id);
    o->sent = pp_timeout_now();
    o->latency = NAN;
}

static void queue_delete(pp_probewatch *w, uint32_t uid)
{
    if (w->n_del == w->cap_del) {
        w->cap_del = w->cap_del ? 2 * w->cap_del : 16;
        w->del = pp_xrealloc(w->del, w->cap_del * sizeof *w->del);
    }
    w->del[w->n_del++] = uid;
}

static pp_probe_own *own_probe(pp_probewatch *w, const char *id)
{
    for (size_t i = 0; i < w->n_own; i++)
        if (strcmp(w->own[i].id, id) == 0)
            return &w->own[i];
    return NULL;
}

pp_probe_fate pp_probewatch_fate(double age, double run_limit, double max_age)
{
    if (age < run_limit)
        return PP_PROBE_AWAITED;
    return age > max_age ? PP_PROBE_OLD : PP_PROBE_LATE;
}

/* A probe of another run: its send time in its id tells how old it is. */
static void on_other(pp_probewatch *w, const pp_probe_found *p)
{
    double age = (double)(pp_probeid_now_ms() - p->ms) / 1000;
    if (age < 0)
        age = 0;
    switch (pp_probewatch_fate(age, w->run_limit, w->max_age)) {
    case PP_PROBE_AWAITED:
        w->n_awaited++;
        return;
    case PP_PROBE_OLD:
        w->n_swept++;
        break;
    case PP_PROBE_LATE:
        if (w->n_late < PP_PROBEWATCH_LATE_MAX) {
            snprintf(w->late[w->n_late].id, sizeof w->late[0].id, "%s", p->id);
            w->late[w->n_late].age = age;
        }
        w->n_late++;
        if (isnan(w->max_late) || age > w->max_late)
            w->max_late = age;
        break;
    }
    queue_delete(w, p->uid);
}

static void on_found(void *ctx, const pp_probe_found *p)
{
    pp_probewatch *w = ctx;
    pp_probe_own *o = own_probe(w, p->id);
    if (w->replies && !p->reply) {
        w->n_copies++;
    } else if (!o) {
        on_other(w, p);
        return;
    } else if (isnan(o->latency)) {
        o->latency = pp_timeout_now() - o->sent;
        w->n_found++;
    }
    queue_delete(w, p->uid);
}

int pp_probewatch_scan(pp_probewatch *w)
{
    int rc = pp_probebox_scan(w->box, on_found, w);
    if (w->n_own > 0)
        w->waited = pp_timeout_now() - w->own[0].sent;
    return rc;
}

int pp_probewatch_wait(pp_probewatch *w)
{
    double pause = FIRST_PAUSE;
    for (;;) {
        if (pp_probewatch_scan(w) != 0)
            return -1;
        double left = pp_timeout_left() - PP_PROBEWATCH_RESERVE;
        if (w->n_found == w->n_own || left <= 0)
            return 0;
        double t = pause < left ? pause : left;
        struct timespec ts = {(time_t)t, (long)((t - floor(t)) * 1e9)};
        nanosleep(&ts, NULL);
        pause = pause * 1.5 < MAX_PAUSE ? pause * 1.5 : MAX_PAUSE;
    }
}

int pp_probewatch_cleanup(pp_probewatch *w)
{
    int rc = w->n_del ? pp_probebox_delete(w->box, w->del, w->n_del) : 0;
    w->flagged_only = w->n_del > 0 && !pp_probebox_expunges(w->box);
    w->n_del = 0;
    return rc;
}

void pp_probewatch_free(pp_probewatch *w)
{
    free(w->own);
    free(w->del);
    w->own = NULL;
    w->del = NULL;
}
