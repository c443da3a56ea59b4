/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	probewatch - waiting for sent probes to arrive in an IMAP mailbox
 * SYNOPSIS
 *	void pp_probewatch_init(pp_probewatch *w, pp_probebox *box, bool replies,
 *				double run_limit, double max_age);
 *	pp_probe_fate pp_probewatch_fate(double age, double run_limit, double max_age);
 *	void pp_probewatch_expect(pp_probewatch *w, const char *id);
 *	int pp_probewatch_scan(pp_probewatch *w);
 *	int pp_probewatch_wait(pp_probewatch *w);
 *	int pp_probewatch_cleanup(pp_probewatch *w);
 *	void pp_probewatch_free(pp_probewatch *w);
 * DESCRIPTION
 *	The end-to-end checks send probes (probeid.h) and wait for them in a mailbox
 *	(probebox.h). pp_probewatch_expect() records a probe just accepted by the SMTP server
 *	(its clock starts then). With replies, only auto-replies count as arrivals (echo
 *	mode); copies of the probes themselves found in the box are only deleted.
 *	pp_probewatch_scan() looks once: each expected probe found gets its latency; a probe
 *	of the same tag from another run is judged by its age (from the send time in its id)
 *	with pp_probewatch_fate() (pure): PP_PROBE_AWAITED when younger than run_limit (the
 *	run's -t): the run that sent it started before that and lasts at most -t (runs
 *	sharing a tag share it), so it may still be waiting for it: it is left alone (counted
 *	in n_awaited), neither deleted nor late; else PP_PROBE_LATE up to max_age seconds,
 *	PP_PROBE_OLD ("swept") beyond. Own, late and old probes, and copies, are queued for
 *	deletion. pp_probewatch_wait() scans until every expected probe is found
 *	or the -t timeout is near (PP_PROBEWATCH_RESERVE seconds before it, kept for the
 *	clean-up and the report), pausing between scans 25 ms at first, then 1.5 times
 *	longer each time, at most 2 s. pp_probewatch_cleanup() deletes what was queued
 *	(pp_probebox_delete; w->flagged_only tells that the server could not expunge them,
 *	having no UIDPLUS). The three return 0, or -1 when the IMAP session failed (the
 *	reason in the session). w->waited is the time from the first expected probe to the
 *	last scan. Latencies are taken on pp_timeout_now()'s clock.
 *	At most PP_PROBEWATCH_LATE_MAX late probes are kept with their ids; n_late counts
 *	them all.
 */
#ifndef PP_PROBEWATCH_H
#define PP_PROBEWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e2e/probebox.h"

#define PP_PROBEWATCH_RESERVE 0.5
#define PP_PROBEWATCH_LATE_MAX 20

typedef enum pp_probe_fate {
    PP_PROBE_AWAITED, /* another run may still be waiting for it */
    PP_PROBE_LATE,
    PP_PROBE_OLD
} pp_probe_fate;

typedef struct pp_probe_own {
    char id[PP_PROBEID_MAX];
    double sent;    /* pp_timeout_now() when the server accepted it */
    double latency; /* seconds; NAN while not found */
} pp_probe_own;

typedef struct pp_probe_late {
    char id[PP_PROBEID_MAX];
    double age; /* seconds from its send time to when it was found */
} pp_probe_late;

typedef struct pp_probewatch {
    pp_probebox *box;
    bool replies;
    double run_limit, max_age;
    pp_probe_own *own;
    size_t n_own, n_found;
    pp_probe_late late[PP_PROBEWATCH_LATE_MAX];
    size_t n_late, n_swept, n_copies, n_awaited;
    double max_late; /* the oldest late probe's age; NAN when none */
    double waited;
    bool flagged_only;
    uint32_t *del;
    size_t n_del, cap_del;
} pp_probewatch;

void pp_probewatch_init(pp_probewatch *w, pp_probebox *box, bool replies, double run_limit,
                        double max_age);
pp_probe_fate pp_probewatch_fate(double age, double run_limit, double max_age);
void pp_probewatch_expect(pp_probewatch *w, const char *id);
int pp_probewatch_scan(pp_probewatch *w);
int pp_probewatch_wait(pp_probewatch *w);
int pp_probewatch_cleanup(pp_probewatch *w);
void pp_probewatch_free(pp_probewatch *w);

#endif
