/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_mail_roundtrip - sends a probe by SMTP and waits for it (or for an auto-reply to it)
 * in an IMAP mailbox: the whole delivery path, timed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "e2e/mailleg.h"
#include "e2e/mailmsg.h"
#include "e2e/mailsend.h"
#include "e2e/probewatch.h"
#include "core/timeout.h"

static pp_maillegs legs = {.tag = "mail_roundtrip", .max_age = 3600};
static const char *opt_from, *opt_to, *opt_echo;

static const pp_opt own_opts[] = {
    {"from", 'f', "ADDRESS", PP_OPT_STR, &opt_from,
     "the probe's sender (MAIL FROM and From:); in echo mode the address of the IMAP mailbox",
     NULL},
    {"to", 'r', "ADDRESS", PP_OPT_STR, &opt_to, "the recipient, whose mailbox IMAP reads", NULL},
    {"echo", 0, "ADDRESS", PP_OPT_STR, &opt_echo,
     "echo mode: send to ADDRESS, an auto-responder, and wait for its reply to --from", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H smtp.example.org -p 587 -S --authfile /etc/nagios/probe.auth "
     "--from probe@example.org --to probe@example.org --imap-ssl -w 20 -c 40 -t 55",
     "a probe through submission, found over IMAPS in the same mailbox; under Nagios' "
     "default service_check_timeout (60 s)"},
    {"-H smtp.example.org -p 587 -S --authfile /etc/nagios/probe.auth "
     "--from probe@example.org --echo echo@example.net --imap-ssl -w 60 -c 120 -t 170",
     "the answer of an auto-responder elsewhere: a slow path, so -t 170 (raise Nagios' "
     "service_check_timeout to 180 for it)"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_mail_roundtrip",
    .service = "ROUNDTRIP",
    .purpose = "Sends a probe message by SMTP and waits for it in an IMAP mailbox, or with "
               "--echo for the answer of an auto-responder to it; reports the time to send "
               "and the delivery latency, then deletes the probe.",
    .usage = "-H HOST [-p PORT] [-S|-s] [--authfile FILE] --from ADDRESS (--to ADDRESS | "
             "--echo ADDRESS) [--imap-host HOST] [--imap-ssl] [--imap-authfile FILE] "
             "[-w SECONDS] [-c SECONDS] [-t SECONDS]",
    .notes =
        "The probe carries its id (tag, send time, random part) in its Subject and in an "
        "X-Postprobe-Id header. Each run deletes its probe once found, and the probes of "
        "its tag of other runs that it comes across, by their age: one younger than -t is "
        "left alone, since the run that sent it may still be waiting for it (so runs at the "
        "same time, a check re-run early or two monitoring servers, do not disturb each "
        "other: give runs that share a tag the same -t); an older one arrived too late for "
        "its run: it is reported as a late delivery and its age counts in the latency (so "
        "a slow queue shows as a latency, not as a loss); one older than --max-age (and "
        "-t) is deleted silently. Only "
        "messages with a probe id of the tag in their Subject are ever touched; they are "
        "removed with UID EXPUNGE (UIDPLUS), never a plain EXPUNGE (a server without "
        "UIDPLUS only gets them flagged \\Deleted).\n"
        "Ports: SMTP 25 (465 with -s; for submission give -p 587 -S), IMAP 993 with "
        "implicit TLS, or STARTTLS on the port given with --imap-port. No credential is "
        "sent without TLS unless --allow-plaintext.\n"
        "The check stops waiting shortly before -t (default 30 s) and says \"not delivered "
        "after N s\". A failure to send is reported as the SMTP leg's, a failure to read as "
        "the IMAP leg's: CRITICAL either way, with what the server said.\n"
        "Echo mode: the reply is recognized by the probe id in its Subject (\"Re: ...\"); "
        "the probe must not reach the responder marked as bulk, so none of Precedence or "
        "Auto-Submitted is set.",
    .examples = examples,
    .use = PP_USE_THRESH,
    .thresh_what = "the delivery latency in seconds",
    .default_timeout = 30,
};

static void check_options(void)
{
    if (!pp_mailleg_address_ok(opt_from))
        pp_die(PP_UNKNOWN, "--from ADDRESS is required (without <, >, spaces, quotes)");
    if (!opt_to == !opt_echo)
        pp_die(PP_UNKNOWN, "give either --to ADDRESS or --echo ADDRESS");
    if (!pp_mailleg_address_ok(opt_to ? opt_to : opt_echo))
        pp_die(PP_UNKNOWN, "%s: not a usable address", opt_to ? "--to" : "--echo");
}

/* Sends the probe; true when the server accepted it (the watch then expects it). */
static bool send_probe(pp_result *r, pp_probewatch *w, double *send_time, pp_mail_session **sp)
{
    char id[PP_PROBEID_MAX], subject[128], text[512];
    long long ms = pp_probeid_now_ms();
    pp_probeid_make(legs.tag, ms, pp_probeid_random(), id, sizeof id);
    snprintf(subject, sizeof subject, "postprobe %s", id);
    snprintf(text, sizeof text,
             "A test message of check_mail_roundtrip (postprobe), sent through %s to measure\n"
             "the delivery time. The check deletes it when it arrives.", legs.smtp.mo.host);
    const char *to = opt_to ? opt_to : opt_echo;
    pp_mailmsg_head h = {opt_from, to, subject, id, ms, pp_maillegs_myname(&legs)};
    pp_buf msg;
    pp_buf_init(&msg);
    pp_mailmsg_probe(&msg, &h, text);

    double t0 = pp_timeout_now();
    pp_mail_session *s = *sp = pp_mailleg_login(&legs.smtp);
    pp_mailsend_result res;
    bool ok = pp_mail_error_state(s) == PP_OK &&
              pp_mailsend(s, opt_from, to, msg.s, msg.len, &res) == 0;
    pp_buf_free(&msg);
    if (ok) {
        pp_probewatch_expect(w, id);
        *send_time = pp_timeout_now() - t0;
    } else if (pp_mail_error_state(s) == PP_OK) {
        pp_result_add(r, PP_CRITICAL, "SMTP leg: %s refused: %s", pp_mailsend_step_name(res.step),
                      res.text);
    }
    if (pp_mail_error_state(s) == PP_OK)
        pp_mail_quit(s);
    return ok;
}

static const pp_family fam_send = {"postprobe_roundtrip_send_seconds", PP_GAUGE,
                                   "time to hand the test message to the sending server", 0};
static const pp_family fam_latency = {"postprobe_roundtrip_delivery_seconds", PP_GAUGE,
                                      "time from sending the test message until it was found "
                                      "in the mailbox (NaN when it was not)", 0};

static void add_seconds_perf(pp_result *r, const char *label, double v, const pp_thresh *t,
                             const pp_family *f)
{
    pp_perf pf = pp_perf_make(label, isnan(v) ? v : round(v * 1000) / 1000, "s");
    if (t)
        pp_perf_thresh(&pf, t);
    pp_perf_minmax(&pf, true, 0, false, 0);
    pp_perf_family(&pf, f, NULL);
    pp_result_perf(r, &pf);
}

/* watched: the mailbox was looked into until the end (the IMAP leg did not fail). */
static void judge(pp_result *r, const pp_probewatch *w, bool watched, const pp_thresh *t,
                  double send_time)
{
    char num[32];
    double latency = w->n_own ? w->own[0].latency : NAN;
    const char *what = opt_echo ? "echo" : "probe";
    if (w->n_own && !isnan(latency)) {
        pp_fmt_num(round(latency * 1000) / 1000, num, sizeof num);
        pp_result_add(r, pp_thresh_judge(t, latency), "%s %s in %s s", what,
                      opt_echo ? "came back" : "delivered", num);
    } else if (w->n_own && watched) {
        pp_fmt_num(round(w->waited * 10) / 10, num, sizeof num);
        pp_result_add(r, PP_CRITICAL, "%s not %s after %s s", what,
                      opt_echo ? "answered" : "delivered", num);
    }
    for (size_t i = 0; i < w->n_late && i < PP_PROBEWATCH_LATE_MAX; i++) {
        pp_fmt_num(round(w->late[i].age), num, sizeof num);
        pp_result_add(r, pp_thresh_judge(t, w->late[i].age),
                      "%s %s of an earlier run arrived late, %s s after it was sent", what,
                      w->late[i].id, num);
    }
    if (w->n_swept)
        pp_result_add(r, PP_OK, "deleted %zu probe%s older than %g s", w->n_swept,
                      w->n_swept == 1 ? "" : "s", legs.max_age);
    if (w->n_awaited)
        pp_result_add(r, PP_OK, "left alone %zu probe%s younger than %g s that other runs "
                      "may still be waiting for", w->n_awaited, w->n_awaited == 1 ? "" : "s",
                      w->run_limit);
    if (w->flagged_only)
        pp_result_add(r, PP_OK, "the IMAP server has no UIDPLUS: test messages are only "
                      "flagged \\Deleted");
    if (!isnan(w->max_late) && (isnan(latency) || w->max_late > latency))
        latency = w->max_late;
    add_seconds_perf(r, "send", send_time, NULL, &fam_send);
    add_seconds_perf(r, "latency", latency, t, &fam_latency);
}

/* When all is well, the first line says it all in one phrase. */
static void summarize(pp_result *r, const pp_probewatch *w, double send_time)
{
    char lat[32], snd[32];
    if (pp_result_state(r) != PP_OK || w->n_own == 0)
        return;
    pp_fmt_num(round(w->own[0].latency * 1000) / 1000, lat, sizeof lat);
    pp_fmt_num(round(send_time * 1000) / 1000, snd, sizeof snd);
    if (opt_echo)
        pp_result_summary(r, "echo from %s came back in %s s (sent in %s s)", opt_echo, lat, snd);
    else
        pp_result_summary(r, "probe delivered in %s s (sent in %s s)", lat, snd);
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_maillegs_plugin(&plugin, &legs, own_opts);
    pp_opts_parse(&plugin, argc, argv, &c);
    check_options();
    pp_maillegs_setup(&legs, &c, PP_LEGS_NEED_IMAP);

    pp_result *r = pp_result_new();
    pp_mail_session *smtp = NULL, *imap = pp_mailleg_login(&legs.imap);
    pp_probebox *box = NULL;
    pp_probewatch w;
    double send_time = NAN;
    bool watched = false;
    if (pp_mail_error_state(imap) == PP_OK)
        box = pp_probebox_open(imap, legs.mailbox, legs.tag, opt_echo != NULL);
    pp_probewatch_init(&w, box, opt_echo != NULL, c.timeout, legs.max_age);
    if (box) {
        bool sent = send_probe(r, &w, &send_time, &smtp);
        watched = (sent ? pp_probewatch_wait(&w) : pp_probewatch_scan(&w)) == 0;
        if (watched && pp_probewatch_cleanup(&w) == 0)
            pp_mail_quit(imap);
    }
    judge(r, &w, watched, &c.thresh, send_time);
    pp_mailleg_report(r, smtp, "SMTP leg", c.verbose);
    pp_mailleg_report(r, imap, "IMAP leg", c.verbose);
    summarize(r, &w, send_time);
    pp_probewatch_free(&w);
    pp_probebox_free(box);
    pp_mail_free(smtp);
    pp_mail_free(imap);
    pp_maillegs_free(&legs);
    pp_result_exit(r);
}
