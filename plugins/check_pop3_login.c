/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_pop3_login - log in to a POP3 server for real (greeting, STLS or POP3S, USER/PASS or
 * AUTH), STAT, optionally read the newest message's header (TOP: nothing is marked or
 * deleted), QUIT; every phase timed.
 */
#include <stdio.h>
#include <string.h>

#include "mail/logincheck.h"
#include "mail/mailproto.h"
#include "core/timeout.h"

static pp_thresh opt_messages;
static const pp_family fam_size = {"postprobe_mailbox_size_bytes", PP_GAUGE,
                                   "size of the maildrop as POP3 STAT gives it", 0};
static bool opt_fetch;

static const pp_opt own_opts[] = {
    {"messages", 0, "W,C", PP_OPT_THRESH, &opt_messages,
     "thresholds (ranges) for the number of messages in the maildrop", NULL},
    {"fetch", 0, NULL, PP_OPT_FLAG, &opt_fetch,
     "read the header of the newest message (TOP N 0)", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H pop.example.org -s --authfile /etc/nagios/pop.auth",
     "POP3S (995), the login from a file"},
    {"-H pop.example.org -S --authfile /etc/nagios/pop.auth --messages 500,2000",
     "STLS on port 110; WARNING from 500 messages in the maildrop"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_pop3_login",
    .service = "POP3",
    .purpose = "Logs in to a POP3 server as a mail client does (greeting, STLS or POP3S with "
               "certificate verification, AUTH or USER/PASS), asks STAT (messages and size "
               "as perfdata) and optionally reads the newest message's header. Every phase "
               "is timed.",
    .usage = "-H HOST [-p PORT] [-S|-s] [-U USER] [--authfile FILE] [-A MECH|+USER|+APOP] "
             "[--cafile FILE] [--messages W,C] [--fetch] [-w SECONDS] [-c SECONDS]",
    .examples = examples,
    .max_args = 0,
};

static void count_line(void *ctx, const char *line, size_t len)
{
    (void)line, (void)len;
    (*(long *)ctx)++;
}

static void fetch_newest(pp_mail_session *s, const pp_common *c, pp_result *r, long count)
{
    char cmd[64], text[256];
    long lines = 0;
    int ok;
    if (count == 0) {
        pp_result_add(r, PP_OK, "maildrop is empty: nothing to fetch");
        return;
    }
    snprintf(cmd, sizeof cmd, "TOP %ld 0", count);
    double t0 = pp_timeout_now();
    int st = pp_mailproto_pop3_cmd(pp_mail_conn(s), cmd, true, &ok, text, sizeof text,
                                   count_line, &lines);
    if (st != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, c, r, st, "TOP", text);
    if (ok != 1) {
        pp_result_add(r, PP_CRITICAL, "%s failed: %s", cmd, text);
        return;
    }
    pp_logincheck_fetched(r, t0, "header of message %ld (%ld lines)", count, lines);
}

int main(int argc, char **argv)
{
    pp_common c;
    char text[256], extra[128];
    long count = 0;
    long long octets = 0;
    int ok;

    pp_logincheck_plugin(&plugin, own_opts);
    pp_opts_parse(&plugin, argc, argv, &c);
    pp_result *r = pp_result_new();
    pp_mail_session *s = pp_logincheck_start(PP_MAIL_POP3, &c, NULL);
    pp_logincheck_logged_in(s, &c, r);
    if (!pp_mail_mech(s)) /* no login, nothing more to see */
        pp_logincheck_finish(s, &c, r, NULL);

    int st = pp_mailproto_pop3_cmd(pp_mail_conn(s), "STAT", false, &ok, text, sizeof text,
                                   NULL, NULL);
    if (st != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, &c, r, st, "STAT", text);
    if (ok != 1 || pp_mailproto_pop3_stat(text, &count, &octets) != 0)
        pp_logincheck_cmd_failed(s, &c, r, PP_MP_GARBAGE, "STAT", text);
    pp_logincheck_count(r, "messages", count, &opt_messages, "messages",
                        &pp_logincheck_fam_messages);
    pp_perf pf = pp_perf_make("size", (double)octets, "B");
    pp_perf_minmax(&pf, true, 0, false, 0);
    pp_logincheck_perf(r, &pf, &fam_size);
    if (opt_fetch)
        fetch_newest(s, &c, r, count);
    snprintf(extra, sizeof extra, "%ld messages, %lld bytes", count, octets);
    pp_logincheck_finish(s, &c, r, extra);
}
