/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_smtp_login - log in to an SMTP server for real (banner, EHLO, STARTTLS or implicit
 * TLS, AUTH), optionally try MAIL FROM/RCPT TO (never DATA), and time every phase.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/logincheck.h"
#include "mail/mailproto.h"
#include "relay/relayhost.h"

static const char *opt_fqdn, *opt_from, *opt_rcpt, *opt_expect_rcpt, *opt_sender, *opt_dns;
static bool opt_relayhost;

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
    {"relayhost", 0, NULL, PP_OPT_FLAG, &opt_relayhost,
     "log in to the relay host of the Postfix instance of -C as its smtp client would: the "
     "next hop (default_transport, sender_dependent_relayhost_maps, relayhost; MX lookup "
     "unless [bracketed]), the credentials of smtp_sasl_password_maps (through postmap -q: "
     "the map must be readable), smtp_tls_security_level, smtp_tls_CAfile, "
     "smtp_sasl_mechanism_filter and smtp_sasl_*security_options; no -H, -U or -S", NULL},
    {"sender", 0, "ADDRESS", PP_OPT_STR, &opt_sender,
     "with --relayhost: the envelope sender whose sender-dependent next hop and credentials "
     "(smtp_sender_dependent_authentication) are used", NULL},
    {"dns-server", 0, "SERVER[:PORT]", PP_OPT_STR, &opt_dns,
     "with --relayhost: ask SERVER for the MX and addresses of an unbracketed next hop "
     "(default: the system's resolver)", NULL},
    {0},
};

static const pp_example examples[] = {
    {"-H mail.example.org -p 587 -S --authfile /etc/nagios/smtp.auth",
     "a submission login over STARTTLS, the credentials from a file"},
    {"-H mx.example.org -S --rcpt test@example.com --expect-rcpt 554",
     "no login: the MX must refuse to relay to a foreign domain (554)"},
    {"--relayhost -C /etc/postfix --sender alerts@example.org",
     "the login to Postfix's relayhost with Postfix's own password map, as root"},
    {0},
};

static pp_plugin plugin = {
    .name = "check_smtp_login",
    .service = "SMTP",
    .purpose = "Logs in to an SMTP server as a mail client does (banner, EHLO, STARTTLS or "
               "implicit TLS with certificate verification, AUTH) and times each phase; "
               "optionally checks the reply to a RCPT TO, e.g. that a relay is closed.",
    .usage = "-H HOST [-p PORT] [-S|-s] [-U USER] [--authfile FILE] [-A MECH] [--cafile FILE] "
             "[--rcpt ADDRESS [--expect-rcpt CODE]] [-w SECONDS] [-c SECONDS]\n"
             "--relayhost -C config_dir [--sender ADDRESS] [-t SECONDS]",
    .examples = examples,
    .notes = "With --relayhost: no relay host configured, a password map that cannot be read "
             "(run through sudo: nagios-cfg ships the sudoers line) or without an entry for "
             "the keys Postfix asks (named) are UNKNOWN; a refused login is CRITICAL naming "
             "the relay host and its reply. The output names the map key used, never the "
             "password.",
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

/* The login to the relay host, with Postfix's own settings and credentials. */
static _Noreturn void relayhost(const pp_common *c)
{
    pp_relayhost rh;
    pp_relayhost_targets_t targets;
    pp_relayhost_cred cred;
    char err[1024];
    if (c->host)
        pp_die(PP_UNKNOWN, "--relayhost: the relay host comes from Postfix's configuration; "
               "-H does not apply");
    if (opt_sender && !valid_address(opt_sender))
        pp_die(PP_UNKNOWN, "an address must not contain <, >, CR or LF");
    int rc = pp_relayhost_load(&rh, c->config_dir, opt_sender, err, sizeof err);
    if (rc != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (rh.tls == PP_RH_TLS_UNSUPPORTED)
        pp_die(PP_UNKNOWN, "smtp_tls_security_level = %s: a level this check does not speak",
               rh.tls_level);
    pp_dns *dns = pp_dns_new(opt_dns, err, sizeof err);
    if (!dns)
        pp_die(PP_UNKNOWN, "--dns-server: %s", err);
    if (pp_relayhost_targets(&rh, dns, c->family, &targets, err, sizeof err) != 0)
        pp_die(PP_CRITICAL, "relay host %s: %s", rh.dest, err);
    pp_dns_free(dns);
    pp_result *r = pp_result_new();
    pp_mail_session *s = NULL;
    static char *user;
    for (size_t i = 0; i < targets.n; i++) {
        rc = pp_relayhost_credentials(&rh, targets.v[i].name, &cred, err, sizeof err);
        if (rc < 0)
            pp_die(PP_UNKNOWN, "%s (the check must be able to read the password map as "
                   "Postfix does: run it through sudo)", err);
        if (rc == 0)
            pp_die(PP_UNKNOWN, "%s", err);
        pp_mail_opts mo;
        pp_relayhost_mail_opts(&rh, &targets.v[i], &cred, &mo);
        pp_mail_free(s);
        s = pp_logincheck_start_opts(&mo, "--relayhost");
        pp_sub *sub = pp_result_add(r, PP_OK, "relay host %s (%s, from %s), %s port %ld, "
                                    "TLS level %s, credentials from %s key %s", rh.dest,
                                    rh.transport, rh.dest_from, targets.v[i].addr, rh.port,
                                    *rh.tls_level ? rh.tls_level : "none", cred.table, cred.key);
        pp_sub_detail(sub, "mechanisms allowed: %s", rh.mechs);
        free(user); /* the session's summary names the user: kept until the end */
        user = cred.user;
        cred.user = NULL;
        pp_relayhost_cred_free(&cred);
        if (!isnan(pp_mail_time(s, PP_PHASE_CONNECT)) || i + 1 == targets.n)
            break;
        pp_result_add(r, PP_OK, "%s: %s; trying the next one", targets.v[i].addr,
                      pp_mail_error(s));
    }
    static char extra[700];
    snprintf(extra, sizeof extra, "relay host %s", rh.dest);
    pp_result_summary(r, "%s", extra);
    pp_relayhost_targets_free(&targets);
    pp_relayhost_free(&rh);
    pp_logincheck_logged_in(s, c, r);
    const char *rcpt = opt_rcpt ? try_rcpt(s, c, r) : NULL;
    if (rcpt)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %s", rcpt);
    pp_logincheck_finish(s, c, r, extra);
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_logincheck_plugin(&plugin, own_opts);
    plugin.use |= PP_USE_CONFDIR;
    pp_opts_parse(&plugin, argc, argv, &c);
    if ((opt_from || opt_expect_rcpt) && !opt_rcpt)
        pp_die(PP_UNKNOWN, "--from and --expect-rcpt need --rcpt");
    if ((opt_rcpt && !valid_address(opt_rcpt)) || (opt_from && !valid_address(opt_from)))
        pp_die(PP_UNKNOWN, "an address must not contain <, >, CR or LF");
    if (opt_expect_rcpt && !valid_code(opt_expect_rcpt))
        pp_die(PP_UNKNOWN, "--expect-rcpt: '%s' is not a reply code or its first digits",
               opt_expect_rcpt);

    if (opt_relayhost)
        relayhost(&c);
    if (opt_sender || opt_dns || c.config_dir)
        pp_die(PP_UNKNOWN, "--sender, --dns-server and -C need --relayhost");

    pp_result *r = pp_result_new();
    pp_mail_session *s = pp_logincheck_start(PP_MAIL_SMTP, &c, opt_fqdn);
    pp_logincheck_logged_in(s, &c, r);
    const char *extra = opt_rcpt ? try_rcpt(s, &c, r) : NULL;
    pp_logincheck_finish(s, &c, r, extra);
}
