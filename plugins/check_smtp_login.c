/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_smtp_login - log in to an SMTP server for real (banner, EHLO, STARTTLS or implicit
 * TLS, AUTH), optionally try MAIL FROM/RCPT TO (never DATA), and time every phase.
 */
#include <stdio.h>
#include <string.h>

#include "mail/logincheck.h"
#include "mail/mailproto.h"

static const char *opt_fqdn, *opt_from, *opt_rcpt, *opt_expect_rcpt;

static const pp_opt own_opts[] = {
    {"fqdn", 'F', "NAME", PP_OPT_STR, &opt_fqdn, "name to give in EHLO (default: this host's)",
     NULL},
    {"rcpt", 0, "ADDRESS", PP_OPT_STR, &opt_rcpt,
     "after the login say MAIL FROM and RCPT TO:<ADDRESS>, judge the reply, then RSET (no "
     "DATA is ever sent)", NULL},
    {"from", 'f', "ADDRESS", PP_OPT_STR, &opt_from,
     "the MAIL FROM address for --rcpt (default: the null sender <>)", NULL},
    {"expect-rcpt", 0, "CODE", PP_OPT_STR, &opt_expect_rcpt,
     "the reply to RCPT TO that is OK: a code or its first digits (default 25: 250 or 251); "
     "--expect-rcpt 554 proves that a relay is closed", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H mail.example.org -p 587 -S --authfile /etc/nagios/smtp.auth",
     "a submission login over STARTTLS, the credentials from a file"},
    {"-H mx.example.org -S --rcpt test@example.com --expect-rcpt 554",
     "no login: the MX must refuse to relay to a foreign domain (554)"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_smtp_login",
    .service = "SMTP",
    .purpose = "Logs in to an SMTP server as a mail client does (banner, EHLO, STARTTLS or "
               "implicit TLS with certificate verification, AUTH) and times each phase; "
               "optionally checks the reply to a RCPT TO, e.g. that a relay is closed.",
    .usage = "-H HOST [-p PORT] [-S|-s] [-U USER] [--authfile FILE] [-A MECH] [--cafile FILE] "
             "[--rcpt ADDRESS [--expect-rcpt CODE]] [-w SECONDS] [-c SECONDS]",
    .examples = examples,
    .max_args = 0,
};

static bool valid_address(const char *a)
{
    return strlen(a) < 512 && strpbrk(a, "<>\r\n") == NULL;
}

static bool valid_code(const char *c)
{
    size_t n = strlen(c);
    return n >= 1 && n <= 3 && strspn(c, "0123456789") == n && c[0] >= '2' && c[0] <= '5';
}

/* MAIL FROM, RCPT TO, RSET; returns a phrase for the summary. */
static const char *try_rcpt(pp_mail_session *s, const pp_common *c, pp_result *r)
{
    static char summary[300];
    pp_linereader *conn = pp_mail_conn(s);
    const char *expect = opt_expect_rcpt ? opt_expect_rcpt : "25";
    char cmd[600], text[256];
    int code, st;

    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>", opt_from ? opt_from : "");
    if ((st = pp_mailproto_smtp_cmd(conn, cmd, &code, text, sizeof text)) != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, c, r, st, "MAIL FROM", text);
    if (code / 100 != 2) {
        pp_result_add(r, PP_CRITICAL, "MAIL FROM:<%s> refused: %s", opt_from ? opt_from : "",
                      text);
        return NULL;
    }
    snprintf(cmd, sizeof cmd, "RCPT TO:<%s>", opt_rcpt);
    if ((st = pp_mailproto_smtp_cmd(conn, cmd, &code, text, sizeof text)) != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, c, r, st, "RCPT TO", text);
    bool ok = pp_mailproto_code_matches(code, expect);
    if (ok)
        pp_result_add(r, PP_OK, "RCPT TO:<%s>: %s", opt_rcpt, text);
    else
        pp_result_add(r, PP_CRITICAL, "RCPT TO:<%s>: %s, expected %s%.*s", opt_rcpt, text,
                      expect, (int)(3 - strlen(expect)), "xx");
    snprintf(summary, sizeof summary, "RCPT TO:<%s> %d as expected", opt_rcpt, code);
    if ((st = pp_mailproto_smtp_cmd(conn, "RSET", &code, text, sizeof text)) != PP_LR_LINE)
        pp_logincheck_cmd_failed(s, c, r, st, "RSET", text);
    return ok ? summary : NULL;
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_logincheck_plugin(&plugin, own_opts);
    pp_opts_parse(&plugin, argc, argv, &c);
    if ((opt_from || opt_expect_rcpt) && !opt_rcpt)
        pp_die(PP_UNKNOWN, "--from and --expect-rcpt need --rcpt");
    if ((opt_rcpt && !valid_address(opt_rcpt)) || (opt_from && !valid_address(opt_from)))
        pp_die(PP_UNKNOWN, "an address must not contain <, >, CR or LF");
    if (opt_expect_rcpt && !valid_code(opt_expect_rcpt))
        pp_die(PP_UNKNOWN, "--expect-rcpt: '%s' is not a reply code or its first digits",
               opt_expect_rcpt);

    pp_result *r = pp_result_new();
    pp_mail_session *s = pp_logincheck_start(PP_MAIL_SMTP, &c, opt_fqdn);
    pp_logincheck_logged_in(s, &c, r);
    const char *extra = opt_rcpt ? try_rcpt(s, &c, r) : NULL;
    pp_logincheck_finish(s, &c, r, extra);
}
