/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_imap_login - log in to an IMAP server for real (greeting, STARTTLS or IMAPS, LOGIN or
 * AUTHENTICATE), LIST, look at a mailbox read-only (STATUS, EXAMINE), optionally read its
 * newest message without marking it seen, LOGOUT; every phase timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/logincheck.h"
#include "mail/mailproto.h"
#include "core/timeout.h"

static const char *opt_mailbox = "INBOX";
static pp_thresh opt_messages, opt_unseen;
static const pp_family fam_mailboxes = {"postprobe_imap_mailboxes", PP_GAUGE,
                                        "mailboxes the IMAP LIST command returned", 0};
static const pp_family fam_unseen = {"postprobe_mailbox_unseen_messages", PP_GAUGE,
                                     "messages without the Seen flag in the mailbox", 0};
static bool opt_fetch;

static const pp_opt own_opts[] = {
    {"mailbox", 'm', "NAME", PP_OPT_STR, &opt_mailbox, "the mailbox to examine (default INBOX)",
     NULL},
    {"messages", 0, "W,C", PP_OPT_THRESH, &opt_messages,
     "thresholds (ranges) for the number of messages in the mailbox", NULL},
    {"unseen", 0, "W,C", PP_OPT_THRESH, &opt_unseen,
     "thresholds (ranges) for the number of unseen messages", NULL},
    {"fetch", 0, NULL, PP_OPT_FLAG, &opt_fetch,
     "read the newest message to its end (BODY.PEEK: it stays unseen)", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H imap.example.org -S --authfile /etc/nagios/imap.auth --unseen 100,1000",
     "STARTTLS on port 143, the login from a file; WARNING from 100 unseen messages in INBOX"},
    {"-H imap.example.org -s --authfile /etc/nagios/imap.auth -w 2 -c 5",
     "IMAPS (993): WARNING when the whole login takes over 2 s, CRITICAL over 5 s"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_imap_login",
    .service = "IMAP",
    .purpose = "Logs in to an IMAP server as a mail client does (greeting, STARTTLS or IMAPS "
               "with certificate verification, AUTHENTICATE or LOGIN), lists the mailboxes "
               "and examines one read-only: messages and unseen messages as perfdata, "
               "optionally the newest message read. Every phase is timed.",
    .usage = "-H HOST [-p PORT] [-S|-s] [-U USER] [--authfile FILE] [-A MECH] [--cafile FILE] "
             "[-m MAILBOX] [--messages W,C] [--unseen W,C] [--fetch] [-w SECONDS] [-c SECONDS]",
    .examples = examples,
    .max_args = 0,
};

typedef struct counts {
    long mailboxes, messages, unseen, recent, size, uid;
} counts;

static void on_list(void *ctx, const char *line, size_t len)
{
    (void)len;
    if (strncasecmp(line, "* LIST ", 7) == 0)
        ((counts *)ctx)->mailboxes++;
}

static void on_status(void *ctx, const char *line, size_t len)
{
    (void)len;
    pp_mailproto_imap_item(line, "UNSEEN", &((counts *)ctx)->unseen);
}

static void on_examine(void *ctx, const char *line, size_t len)
{
    counts *n = ctx;
    (void)len;
    pp_mailproto_imap_number(line, "EXISTS", &n->messages);
    pp_mailproto_imap_number(line, "RECENT", &n->recent);
}

static void on_fetch(void *ctx, const char *line, size_t len)
{
    counts *n = ctx;
    (void)len;
    pp_mailproto_imap_item(line, "RFC822.SIZE", &n->size);
    pp_mailproto_imap_item(line, "UID", &n->uid);
}

/* One command; a failed exchange ends the run, a NO or BAD is a CRITICAL sub-result. */
static bool command(pp_mail_session *s, const pp_common *c, pp_result *r, const char *verb,
                    const char *cmd, pp_mailproto_line_fn fn, counts *n)
{
    char text[256];
    int kind = 0;
    int st = pp_mailproto_imap_cmd(pp_mail_conn(s), pp_mail_tag(s), cmd, &kind, text,
                                   sizeof text, fn, n);
    if (st != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, c, r, st, verb, text);
    if (kind != PP_IMAP_OK)
        pp_result_add(r, PP_CRITICAL, "%s failed: %s", cmd, text);
    return kind == PP_IMAP_OK;
}

static void fetch_newest(pp_mail_session *s, const pp_common *c, pp_result *r, counts *n)
{
    if (n->messages == 0) {
        pp_result_add(r, PP_OK, "%s is empty: nothing to fetch", opt_mailbox);
        return;
    }
    double t0 = pp_timeout_now();
    if (command(s, c, r, "FETCH", "FETCH * (UID RFC822.SIZE BODY.PEEK[])", on_fetch, n))
        pp_logincheck_fetched(r, t0, "newest message (UID %ld, %ld bytes)", n->uid, n->size);
}

int main(int argc, char **argv)
{
    pp_common c;
    char cmd[600], extra[300];
    counts n = {0};

    pp_logincheck_plugin(&plugin, own_opts);
    pp_opts_parse(&plugin, argc, argv, &c);
    char *mbox = pp_mailproto_imap_quote(opt_mailbox);
    if (!mbox || strlen(mbox) > 500)
        pp_die(PP_UNKNOWN, "--mailbox: give the name as the server lists it (modified UTF-7, "
                           "printable ASCII)");

    pp_result *r = pp_result_new();
    pp_mail_session *s = pp_logincheck_start(PP_MAIL_IMAP, &c, NULL);
    pp_logincheck_logged_in(s, &c, r);
    if (!pp_mail_mech(s)) /* no login, nothing more to see */
        pp_logincheck_finish(s, &c, r, NULL);

    if (command(s, &c, r, "LIST", "LIST \"\" \"*\"", on_list, &n))
        pp_logincheck_count(r, "mailboxes", n.mailboxes, NULL, "mailboxes listed",
                            &fam_mailboxes);
    /* STATUS before EXAMINE: RFC 3501 advises against STATUS on the selected mailbox. */
    snprintf(cmd, sizeof cmd, "STATUS %s (UNSEEN)", mbox);
    if (!command(s, &c, r, "STATUS", cmd, on_status, &n))
        pp_logincheck_finish(s, &c, r, NULL);
    snprintf(cmd, sizeof cmd, "EXAMINE %s", mbox);
    if (!command(s, &c, r, "EXAMINE", cmd, on_examine, &n))
        pp_logincheck_finish(s, &c, r, NULL);
    pp_logincheck_count(r, "messages", n.messages, &opt_messages, "messages",
                        &pp_logincheck_fam_messages);
    pp_logincheck_count(r, "unseen", n.unseen, &opt_unseen, "unseen messages", &fam_unseen);
    if (opt_fetch)
        fetch_newest(s, &c, r, &n);
    snprintf(extra, sizeof extra, "%.200s: %ld messages, %ld unseen", opt_mailbox, n.messages,
             n.unseen);
    free(mbox);
    pp_logincheck_finish(s, &c, r, extra);
}
