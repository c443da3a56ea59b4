/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_smtp_av - sends the EICAR test file to a mail server (or to every MX of a domain)
 * and checks that it is refused, or with IMAP settings that it never reaches the mailbox.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/dns.h"
#include "e2e/mailleg.h"
#include "e2e/mailmsg.h"
#include "e2e/mailsend.h"
#include "e2e/probewatch.h"

#define MAX_TARGETS 16

static pp_maillegs legs = {.tag = "smtp_av", .max_age = 3600};
static const char *opt_from, *opt_to, *opt_domain, *opt_dns_server;
static pp_state opt_accepted = PP_WARNING;

static const pp_opt own_opts[] = {
    {"from", 'f', "ADDRESS", PP_OPT_STR, &opt_from, "the sender (MAIL FROM and From:)", NULL},
    {"to", 'r', "ADDRESS", PP_OPT_STR, &opt_to,
     "the recipient; with the --imap-* options, the address of the mailbox IMAP reads", NULL},
    {"domain", 'D', "DOMAIN", PP_OPT_STR, &opt_domain,
     "test every MX host of DOMAIN (in order of preference) instead of -H", NULL},
    {"dns-server", 0, "SERVER[:PORT]", PP_OPT_STR, &opt_dns_server,
     "ask this DNS server for --domain's MX and their addresses (default: the system's)",
     NULL},
    {"accepted", 0, "STATE", PP_OPT_STATE, &opt_accepted,
     "the state of a server that accepts the test file when there is no mailbox to look "
     "into (default warning, see below)", NULL},
    {0},
};

static const pp_example examples[] = {
    {"--domain example.org -S --from postmaster@example.net --to virustest@example.org "
     "--imap-host imap.example.org --imap-ssl --imap-authfile /etc/nagios/virustest.auth -t 50",
     "every MX of example.org, and the mailbox looked into: CRITICAL if the virus arrives"},
    {"-H mx1.example.org --from postmaster@example.net --to postmaster@example.org "
     "--accepted critical",
     "a before-queue filter (milter) must refuse the test file at the end of DATA"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_smtp_av",
    .service = "ANTIVIRUS",
    .purpose = "Sends a message with the EICAR anti-virus test file as an attachment to a "
               "mail server, or to every MX host of a domain, and judges what becomes of "
               "it: refused at the end of DATA (5xx) is OK; accepted, it must not reach the "
               "mailbox that the --imap-* options name within -t (it was quarantined or "
               "discarded), else CRITICAL \"virus delivered\".",
    .usage = "(-H HOST | --domain DOMAIN [--dns-server SERVER]) [-p PORT] [-S|-s] "
             "--from ADDRESS --to ADDRESS [--imap-host HOST] [--imap-ssl] "
             "[--imap-authfile FILE] [--accepted STATE] [-t SECONDS]",
    .notes =
        "The EICAR test file is a harmless 68-byte string that every anti-virus reports "
        "as a virus; it is put together at run time, so that neither this program nor its "
        "sources are quarantined by the scanner of the machine they are on.\n"
        "Refused at the end of DATA with 5xx: OK, the reply is shown. 4xx there: WARNING "
        "(the filter gave no verdict: a scanner that is down often answers so). Refused "
        "before (MAIL FROM, RCPT TO, DATA): UNKNOWN, the test could not run. A server "
        "that cannot be reached: CRITICAL.\n"
        "Accepted (250), without --imap-* options: WARNING by default, because acceptance "
        "alone proves nothing either way. The most common Postfix setup scans after the "
        "queue (amavis as content_filter): the virus is accepted, then discarded or "
        "quarantined; a CRITICAL would page for a setup that works, an OK would hide a "
        "scanner that is gone. Use --accepted critical for a before-queue filter (milter "
        "or smtpd_proxy_filter), which must refuse, and give --imap-* to know for sure.\n"
        "Each run deletes the test messages of its tag it finds in the mailbox (UID "
        "EXPUNGE, never a plain EXPUNGE; without UIDPLUS they are only flagged "
        "\\Deleted), except those of other runs younger than -t, which these may still "
        "be waiting for (runs sharing a tag should have the same -t); an older one of an "
        "earlier run found now is a virus delivered late, CRITICAL as well.\n"
        "Ports: SMTP 25 (465 with -s), IMAP 993 with implicit TLS, or STARTTLS on the port "
        "given with --imap-port (no credential without TLS unless --allow-plaintext). "
        "With --domain each "
        "MX host is reached at its first address (A before AAAA, or as -4/-6 say) and its "
        "certificate checked against its MX name.",
    .examples = examples,
    .default_timeout = 30,
};

typedef struct target {
    char name[256]; /* -H, or the MX host */
    char addr[64];  /* where to connect; "" when the MX host has no address */
    char id[PP_PROBEID_MAX];
    char reply[256]; /* the server's last reply */
} target;

static target targets[MAX_TARGETS];
static size_t n_targets, n_refused, n_accepted, n_delivered;

static void check_options(const pp_common *c)
{
    if (!pp_mailleg_address_ok(opt_from) || !pp_mailleg_address_ok(opt_to))
        pp_die(PP_UNKNOWN, "--from and --to ADDRESS are required (without <, >, spaces, "
               "quotes)");
    if (!c->host == !opt_domain)
        pp_die(PP_UNKNOWN, "give either -H HOST or --domain DOMAIN");
}

static target *add_target(const char *name)
{
    target *t = &targets[n_targets++];
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

/* The first address of host in the family asked for (A before AAAA). */
static void find_addr(pp_dns *d, target *t, int family)
{
    static const int types[] = {PP_DNS_A, PP_DNS_AAAA};
    for (int i = 0; i < 2 && !t->addr[0]; i++) {
        if ((family == AF_INET && types[i] != PP_DNS_A) ||
            (family == AF_INET6 && types[i] != PP_DNS_AAAA))
            continue;
        pp_dns_answer ans;
        pp_dns_lookup(d, t->name, types[i], &ans);
        for (size_t k = 0; k < ans.nrr && !t->addr[0]; k++)
            if (ans.rr[k].type == types[i])
                snprintf(t->addr, sizeof t->addr, "%s", ans.rr[k].addr_text);
        pp_dns_answer_free(&ans);
    }
}

/* The MX hosts of --domain, or the domain itself when it has none (RFC 5321 5.1). */
static void find_targets(const pp_common *c)
{
    char err[256];
    pp_dns *d = pp_dns_new(opt_dns_server, err, sizeof err);
    if (!d)
        pp_die(PP_UNKNOWN, "--dns-server: %s", err);
    pp_dns_answer ans;
    pp_dns_lookup(d, opt_domain, PP_DNS_MX, &ans);
    if (pp_dns_mx_hosts(&ans, opt_domain) != 0)
        pp_die(PP_UNKNOWN, "cannot find the MX of %s: %s%s%s", opt_domain,
               pp_dns_status_str(ans.status), ans.err[0] ? ": " : "", ans.err);
    for (size_t i = 0; i < ans.nrr && n_targets < MAX_TARGETS; i++) {
        if (ans.rr[i].type != PP_DNS_MX)
            continue;
        if (strcmp(ans.rr[i].host, ".") == 0)
            pp_die(PP_UNKNOWN, "%s has a null MX: it takes no mail", opt_domain);
        add_target(ans.rr[i].host);
    }
    pp_dns_answer_free(&ans);
    for (size_t i = 0; i < n_targets; i++)
        find_addr(d, &targets[i], c->family);
    pp_dns_free(d);
}

/* What the SMTP server said to the test file (nothing to add when the session failed:
 * pp_mailleg_report() tells that). */
static void judge_reply(pp_result *r, pp_probewatch *w, const target *t, int rc,
                        const pp_mailsend_result *res)
{
    if (rc == 0) {
        n_accepted++;
        if (w->box)
            pp_probewatch_expect(w, t->id);
        else
            pp_result_add(r, opt_accepted, "%s accepted the test virus: %s", t->name,
                          res->text);
    } else if (res->step == PP_SEND_DOT && res->code / 100 == 5) {
        n_refused++;
        pp_result_add(r, PP_OK, "%s refused the test virus: %s", t->name, res->text);
    } else if (res->step == PP_SEND_DOT) {
        pp_result_add(r, PP_WARNING, "%s deferred the test virus (no verdict): %s", t->name,
                      res->text);
    } else {
        pp_result_add(r, PP_UNKNOWN, "%s: %s refused, the test could not run: %s", t->name,
                      pp_mailsend_step_name(res->step), res->text);
    }
}

/* Sends the test file to one target. */
static void send_virus(pp_result *r, pp_probewatch *w, target *t, int verbose)
{
    char subject[128], text[512];
    long long ms = pp_probeid_now_ms();
    pp_probeid_make(legs.tag, ms, pp_probeid_random(), t->id, sizeof t->id);
    snprintf(subject, sizeof subject, "postprobe antivirus test %s", t->id);
    snprintf(text, sizeof text,
             "This message carries the EICAR anti-virus test file, which is not a virus:\n"
             "check_smtp_av (postprobe) sent it to %s to check that viruses are refused or\n"
             "quarantined. It can be deleted.", t->name);
    pp_mailmsg_head h = {opt_from, opt_to, subject, t->id, ms, pp_maillegs_myname(&legs)};
    pp_buf msg;
    pp_buf_init(&msg);
    pp_mailmsg_eicar(&msg, &h, text);

    pp_mailleg leg = legs.smtp;
    if (opt_domain) {
        leg.mo.host = t->addr;
        leg.mo.sni = legs.sni ? legs.sni : t->name;
    }
    pp_mail_session *s = pp_mailleg_login(&leg);
    if (pp_mail_error_state(s) == PP_OK) {
        pp_mailsend_result res;
        int rc = pp_mailsend(s, opt_from, opt_to, msg.s, msg.len, &res);
        snprintf(t->reply, sizeof t->reply, "%s", res.text);
        if (pp_mail_error_state(s) == PP_OK) {
            judge_reply(r, w, t, rc, &res);
            pp_mail_quit(s);
        }
    }
    pp_buf_free(&msg);
    pp_mailleg_report(r, s, t->name, verbose);
    pp_mail_free(s);
}

static const target *target_of(const char *id)
{
    for (size_t i = 0; i < n_targets; i++)
        if (strcmp(targets[i].id, id) == 0)
            return &targets[i];
    return NULL;
}

/* What became of the accepted test messages; watched: the mailbox was looked into until
 * the end (the IMAP leg did not fail). */
static void judge_mailbox(pp_result *r, const pp_probewatch *w, bool watched)
{
    char num[32];
    for (size_t i = 0; i < w->n_own; i++) {
        const target *t = target_of(w->own[i].id);
        if (!isnan(w->own[i].latency)) {
            pp_fmt_num(round(w->own[i].latency * 1000) / 1000, num, sizeof num);
            pp_result_add(r, PP_CRITICAL, "virus delivered: %s accepted it (%s) and it reached "
                          "%s in %s s", t->name, t->reply, legs.mailbox, num);
            n_delivered++;
        } else if (!watched) {
            pp_result_add(r, PP_UNKNOWN, "%s accepted the test virus (%s); what became of it "
                          "is unknown", t->name, t->reply);
        } else {
            pp_fmt_num(round(w->waited * 10) / 10, num, sizeof num);
            pp_result_add(r, PP_OK, "%s accepted the test virus (%s), not delivered within %s "
                          "s: quarantined or discarded", t->name, t->reply, num);
        }
    }
    for (size_t i = 0; i < w->n_late && i < PP_PROBEWATCH_LATE_MAX; i++) {
        pp_fmt_num(round(w->late[i].age), num, sizeof num);
        pp_result_add(r, PP_CRITICAL, "virus delivered late: %s of an earlier run reached %s "
                      "%s s after it was sent", w->late[i].id, legs.mailbox, num);
        n_delivered++;
    }
    if (w->n_swept)
        pp_result_add(r, PP_OK, "deleted %zu test message%s older than %g s", w->n_swept,
                      w->n_swept == 1 ? "" : "s", legs.max_age);
    if (w->n_awaited)
        pp_result_add(r, PP_OK, "left alone %zu test message%s younger than %g s that "
                      "other runs may still be waiting for", w->n_awaited,
                      w->n_awaited == 1 ? "" : "s", w->run_limit);
    if (w->flagged_only)
        pp_result_add(r, PP_OK, "the IMAP server has no UIDPLUS: test messages are only "
                      "flagged \\Deleted");
}

/* OpenMetrics: one family, the outcome a label. */
static const pp_family fam_outcome = {"postprobe_antivirus_test_messages", PP_GAUGE,
                                      "test viruses sent, by what became of them (outcome "
                                      "refused: stopped at SMTP; accepted; delivered)", 0};

static void add_count(pp_result *r, const char *label, size_t n)
{
    char ml[64];
    pp_perf pf = pp_perf_make(label, (double)n, "");
    pp_perf_minmax(&pf, true, 0, false, 0);
    snprintf(ml, sizeof ml, "outcome=\"%s\"", label);
    pp_perf_family(&pf, &fam_outcome, ml);
    pp_result_perf(r, &pf);
}

static void summarize(pp_result *r)
{
    add_count(r, "refused", n_refused);
    add_count(r, "accepted", n_accepted);
    add_count(r, "delivered", n_delivered);
    if (pp_result_state(r) == PP_OK && n_targets > 1)
        pp_result_summary(r, "all %zu MX hosts of %s stopped the test virus", n_targets,
                          opt_domain);
}

static void test_targets(pp_result *r, pp_probewatch *w, int verbose)
{
    for (size_t i = 0; i < n_targets; i++) {
        if (opt_domain && !targets[i].addr[0])
            pp_result_add(r, PP_UNKNOWN, "%s: no address found, not tested", targets[i].name);
        else
            send_virus(r, w, &targets[i], verbose);
    }
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_maillegs_plugin(&plugin, &legs, own_opts);
    pp_opts_parse(&plugin, argc, argv, &c);
    check_options(&c);
    pp_maillegs_setup(&legs, &c, PP_LEGS_NO_HOST);
    if (opt_domain)
        find_targets(&c);
    else
        add_target(c.host);

    pp_result *r = pp_result_new();
    pp_mail_session *imap = NULL;
    pp_probebox *box = NULL;
    pp_probewatch w;
    if (pp_maillegs_have_imap(&legs)) {
        imap = pp_mailleg_login(&legs.imap);
        if (pp_mail_error_state(imap) == PP_OK)
            box = pp_probebox_open(imap, legs.mailbox, legs.tag, false);
    }
    pp_probewatch_init(&w, box, false, c.timeout, legs.max_age);
    bool watched = false;
    if (!imap || box) {
        test_targets(r, &w, c.verbose);
        watched = box && (w.n_own ? pp_probewatch_wait(&w) : pp_probewatch_scan(&w)) == 0;
        if (watched && pp_probewatch_cleanup(&w) == 0)
            pp_mail_quit(imap);
    }
    judge_mailbox(r, &w, watched);
    pp_mailleg_report(r, imap, "IMAP leg", c.verbose);
    summarize(r);
    pp_probewatch_free(&w);
    pp_probebox_free(box);
    pp_mail_free(imap);
    pp_maillegs_free(&legs);
    pp_result_exit(r);
}
