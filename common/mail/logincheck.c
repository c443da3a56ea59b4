/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logincheck.c - the shared part of the login plugins. See logincheck.h.
 */
#include "mail/logincheck.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mailproto.h"
#include "core/secret.h"
#include "core/timeout.h"

static struct {
    bool starttls, ssl, insecure, allow_plaintext;
    long scram_min_iter;
    const char *user, *password, *authfile, *cafile, *mech, *sni, *expect, *expect_regex;
    pp_thresh phase[PP_PHASE_TOTAL];
    pp_mail_opts mo;
    pp_secret secret;
} g;

static const char *const phase_what[PP_PHASE_TOTAL] = {
    "name resolution", "connect", "TLS handshake", "banner", "AUTH"};

static const pp_opt shared_opts[] = {
    {"starttls", 'S', NULL, PP_OPT_FLAG, &g.starttls,
     "STARTTLS (STLS for POP3) before logging in; CRITICAL when the server does not offer it",
     NULL},
    {"ssl", 's', NULL, PP_OPT_FLAG, &g.ssl, "implicit TLS from the start (smtps, imaps, pop3s)",
     NULL},
    {"user", 'U', "USER", PP_OPT_STR, &g.user, "log in as USER (or from --authfile, "
     "POSTPROBE_USER); without a user the check stops before AUTH", NULL},
    {"password", 'P', "PASSWORD", PP_OPT_STR, &g.password,
     "the password (for check_smtp compatibility; it is blanked in the process list, but "
     "prefer --authfile or POSTPROBE_PASSWORD)", NULL},
    {"authfile", 0, "FILE", PP_OPT_STR, &g.authfile,
     "read \"user = NAME\" and \"password = SECRET\" lines from FILE (mode 600 or 640)", NULL},
    {"authtype", 'A', "MECH", PP_OPT_STR, &g.mech,
     "SASL mechanism: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256 (default: the best "
     "the server offers); +LOGIN for the IMAP LOGIN command, +USER for POP3 USER/PASS, +APOP",
     NULL},
    {"allow-plaintext", 0, NULL, PP_OPT_FLAG, &g.allow_plaintext,
     "log in without TLS (neither -S nor -s); even then only SCRAM, CRAM-MD5 or APOP, which "
     "never send the password, unless -A names a mechanism", NULL},
    {"scram-min-iterations", 0, "N", PP_OPT_INT, &g.scram_min_iter,
     "refuse a SCRAM iteration count below N (default 4096, RFC 7677)", NULL},
    {"cafile", 0, "FILE", PP_OPT_STR, &g.cafile,
     "trust the CA certificates in FILE instead of the system's store", NULL},
    {"insecure", 0, NULL, PP_OPT_FLAG, &g.insecure,
     "do not verify the server's certificate or name", NULL},
    {"sni", 0, "NAME", PP_OPT_STR, &g.sni,
     "server name for SNI and the certificate's name check (the connection still goes to -H)",
     NULL},
    {"expect", 'e', "TEXT", PP_OPT_STR, &g.expect,
     "CRITICAL unless the banner (greeting) starts with TEXT", NULL},
    {"expect-regex", 0, "REGEX", PP_OPT_STR, &g.expect_regex,
     "CRITICAL unless the banner (greeting) matches REGEX (PCRE)", NULL},
    {"dns-time", 0, "W,C", PP_OPT_THRESH, &g.phase[PP_PHASE_DNS],
     "thresholds (ranges in seconds) for name resolution", NULL},
    {"connect-time", 0, "W,C", PP_OPT_THRESH, &g.phase[PP_PHASE_CONNECT],
     "thresholds for the TCP connect", NULL},
    {"tls-time", 0, "W,C", PP_OPT_THRESH, &g.phase[PP_PHASE_TLS],
     "thresholds for the TLS handshake", NULL},
    {"banner-time", 0, "W,C", PP_OPT_THRESH, &g.phase[PP_PHASE_BANNER],
     "thresholds for the wait for the banner (greeting)", NULL},
    {"auth-time", 0, "W,C", PP_OPT_THRESH, &g.phase[PP_PHASE_AUTH],
     "thresholds for AUTH, from the command to the server's verdict", NULL},
};

void pp_logincheck_plugin(pp_plugin *pl, const pp_opt *own)
{
    size_t n_shared = sizeof shared_opts / sizeof shared_opts[0], n_own = 0;
    while (own && own[n_own].name)
        n_own++;
    pp_opt *all = pp_xcalloc(n_shared + n_own + 1, sizeof *all);
    memcpy(all, shared_opts, sizeof shared_opts);
    if (n_own)
        memcpy(all + n_shared, own, n_own * sizeof *own);
    pl->opts = all;
    pl->use |= PP_USE_HOST | PP_USE_THRESH;
    pl->thresh_what = "the total time in seconds";
}

static long default_port(pp_mail_proto proto, bool implicit)
{
    static const long ports[3][2] = {{25, 465}, {143, 993}, {110, 995}};
    return ports[proto][implicit];
}

pp_mail_session *pp_logincheck_start(pp_mail_proto proto, const pp_common *c, const char *helo)
{
    char err[256];
    if (!c->host || !*c->host)
        pp_die(PP_UNKNOWN, "-H HOST is required (see --help)");
    if (g.starttls && g.ssl)
        pp_die(PP_UNKNOWN, "-S (STARTTLS) and -s (implicit TLS) exclude each other");
    pp_secret_src src = {.user = g.user, .password = g.password, .authfile = g.authfile};
    int rc = pp_secret_resolve(&g.secret, &src, err, sizeof err);
    pp_arg_scrub((char *)g.password);
    if (rc != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    if (g.secret.user && !g.secret.password)
        pp_die(PP_UNKNOWN, "no password for %s (--authfile, POSTPROBE_PASSWORD or -P)",
               g.secret.user);
    if (!g.secret.user && g.secret.password)
        pp_die(PP_UNKNOWN, "a password but no user (-U, --authfile or POSTPROBE_USER)");
    if (g.mech && pp_mail_mech_check(proto, g.mech, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "-A %s", err);
    if (g.scram_min_iter < 0)
        pp_die(PP_UNKNOWN, "--scram-min-iterations must not be negative");
    g.mo = (pp_mail_opts){
        .proto = proto,
        .tls = g.ssl ? PP_MAIL_IMPLICIT : g.starttls ? PP_MAIL_STARTTLS : PP_MAIL_PLAIN,
        .host = c->host,
        .port = c->port ? c->port : default_port(proto, g.ssl),
        .family = c->family,
        .sni = g.sni,
        .cafile = g.cafile,
        .insecure = g.insecure,
        .user = g.secret.user,
        .password = g.secret.password,
        .mech = g.mech,
        .helo = helo,
        .allow_plaintext = g.allow_plaintext,
        .scram_min_iter = g.scram_min_iter,
    };
    if (pp_mail_opts_check(&g.mo, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_mail_session *s = pp_mail_new(&g.mo);
    pp_mail_login(s);
    return s;
}

pp_mail_session *pp_logincheck_start_opts(const pp_mail_opts *mo, const char *why)
{
    char err[256];
    if (g.user || g.password || g.authfile || g.starttls || g.ssl || g.mech || g.sni ||
        g.insecure)
        pp_die(PP_UNKNOWN, "%s: -U, -P, --authfile, -S, -s, -A, --sni and --insecure do not "
               "apply", why);
    if (g.scram_min_iter < 0)
        pp_die(PP_UNKNOWN, "--scram-min-iterations must not be negative");
    g.mo = *mo;
    g.mo.allow_plaintext = g.allow_plaintext;
    g.mo.scram_min_iter = g.scram_min_iter;
    if (g.cafile)
        g.mo.cafile = g.cafile;
    if (pp_mail_opts_check(&g.mo, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    pp_mail_session *s = pp_mail_new(&g.mo);
    pp_mail_login(s);
    return s;
}

/* ---- judging and perfdata ---- */

/* One family for every login check: the phase and the protocol (the check's service, so that
 * the SMTP, IMAP and POP3 checks' files can sit side by side in one textfile directory). */
static const pp_family fam_phase = {"postprobe_login_phase_seconds", PP_GAUGE,
                                    "time a login check's session spent in each phase (phase "
                                    "total: the whole session)", 0};

static const pp_family fam_fetch = {"postprobe_login_fetch_seconds", PP_GAUGE,
                                    "time to read the message --fetch asked for", 0};

const pp_family pp_logincheck_fam_messages = {"postprobe_mailbox_messages", PP_GAUGE,
                                              "messages in the mailbox (IMAP: --mailbox; "
                                              "POP3: the maildrop)", 0};

/* protocol="smtp" (or imap, pop3) into out, emptied first. */
static void proto_label(pp_buf *out)
{
    char proto[32];
    size_t i = 0;
    for (const char *c = pp_output_service(); *c && i + 1 < sizeof proto; c++)
        proto[i++] = (char)tolower((unsigned char)*c);
    proto[i] = '\0';
    pp_buf_reset(out);
    pp_mlabel(out, "protocol", proto);
}

static void phase_labels(pp_mail_phase p, pp_buf *out)
{
    proto_label(out);
    pp_mlabel(out, "phase", pp_mail_phase_name(p));
}

void pp_logincheck_perf(pp_result *r, pp_perf *pf, const pp_family *f)
{
    pp_buf ml;
    pp_buf_init(&ml);
    proto_label(&ml);
    pp_perf_family(pf, f, ml.s);
    pp_result_perf(r, pf);
    pp_buf_free(&ml);
}

static void add_phases(pp_mail_session *s, const pp_common *c, pp_result *r, bool with_total)
{
    char num[32];
    pp_buf ml;
    pp_buf_init(&ml);
    for (int p = 0; p <= PP_PHASE_TOTAL; p++) {
        double v = pp_mail_time(s, (pp_mail_phase)p);
        if (isnan(v) || (p == PP_PHASE_TOTAL && !with_total))
            continue;
        const pp_thresh *t = p == PP_PHASE_TOTAL ? &c->thresh : &g.phase[p];
        pp_state st = pp_thresh_judge(t, v);
        pp_fmt_num(round(v * 1e6) / 1e6, num, sizeof num);
        if (st != PP_OK)
            pp_result_add(r, st, "%s took %s s", p == PP_PHASE_TOTAL ? "the session"
                                                                      : phase_what[p], num);
        pp_perf pf = pp_perf_make(pp_mail_phase_name((pp_mail_phase)p), round(v * 1e6) / 1e6,
                                  "s");
        pp_perf_thresh(&pf, t);
        pp_perf_minmax(&pf, true, 0, false, 0);
        phase_labels((pp_mail_phase)p, &ml);
        pp_perf_family(&pf, &fam_phase, ml.s);
        pp_result_perf(r, &pf);
    }
    pp_buf_free(&ml);
}

static void add_transcript(pp_mail_session *s, const pp_common *c, pp_result *r)
{
    const char *t = pp_mail_transcript(s);
    if (c->verbose < 3 || !t)
        return;
    pp_sub *sub = pp_result_add(r, PP_OK, "conversation (secrets hidden):");
    char *copy = pp_xstrdup(t), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        pp_sub_detail(sub, "%s", l);
    free(copy);
}

static _Noreturn void end_failed(pp_mail_session *s, const pp_common *c, pp_result *r)
{
    /* A server that does not answer in time is CRITICAL, or what -t SECONDS:STATE says. */
    pp_state st = pp_mail_timed_out(s) && c->timeout_state != PP_UNKNOWN ? c->timeout_state
                                                                         : pp_mail_error_state(s);
    pp_result_add(r, st, "%s", pp_mail_error(s));
    add_phases(s, c, r, false);
    add_transcript(s, c, r);
    pp_mail_free(s);
    pp_secret_free(&g.secret);
    pp_result_exit(r);
}

static bool regex_matches(const char *re, const char *text, pp_result *r)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *pc = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!pc) {
        PCRE2_UCHAR why[128];
        pcre2_get_error_message(code, why, sizeof why);
        pp_result_add(r, PP_UNKNOWN, "--expect-regex: %s at offset %zu", (char *)why, off);
        return true;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(pc, NULL);
    int rc = pcre2_match(pc, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(pc);
    return rc >= 0;
}

static void judge_banner(pp_mail_session *s, const pp_common *c, pp_result *r)
{
    const char *b = pp_mail_banner(s);
    if (!b)
        return;
    pp_sub *sub = pp_result_add(r, PP_OK, "%s: %s", g.mo.proto == PP_MAIL_SMTP ? "banner"
                                                                               : "greeting", b);
    if (c->verbose >= 1 && pp_mail_caps(s))
        pp_sub_detail(sub, "capabilities: %s", pp_mail_caps(s));
    if (g.expect && strncmp(b, g.expect, strlen(g.expect)) != 0)
        pp_result_add(r, PP_CRITICAL, "banner does not start with '%s'", g.expect);
    if (g.expect_regex && !regex_matches(g.expect_regex, b, r))
        pp_result_add(r, PP_CRITICAL, "banner does not match /%s/", g.expect_regex);
}

void pp_logincheck_logged_in(pp_mail_session *s, const pp_common *c, pp_result *r)
{
    judge_banner(s, c, r);
    if (pp_mail_error_state(s) != PP_OK)
        end_failed(s, c, r);
    const char *tls = pp_mail_tls_info(s);
    if (tls)
        pp_result_add(r, PP_OK, "%s: %s%s", g.mo.tls == PP_MAIL_IMPLICIT ? "implicit TLS"
                                            : g.mo.proto == PP_MAIL_POP3 ? "STLS" : "STARTTLS",
                      tls, g.mo.insecure ? " (certificate not verified)" : "");
    if (pp_mail_mech(s))
        pp_result_add(r, PP_OK, "AUTH %s accepted for %s", pp_mail_mech(s), g.mo.user);
}

_Noreturn void pp_logincheck_cmd_failed(pp_mail_session *s, const pp_common *c, pp_result *r,
                                        int status, const char *cmd, const char *text)
{
    pp_mail_fail(s, status, cmd, text);
    end_failed(s, c, r);
}

void pp_logincheck_count(pp_result *r, const char *label, long n, const pp_thresh *t,
                         const char *what, const pp_family *f)
{
    static const pp_thresh none;
    t = t ? t : &none;
    pp_state st = pp_thresh_judge(t, (double)n);
    pp_result_add(r, st, "%s: %ld", what, n);
    pp_perf pf = pp_perf_make(label, (double)n, "");
    pp_perf_thresh(&pf, t);
    pp_perf_minmax(&pf, true, 0, false, 0);
    pp_logincheck_perf(r, &pf, f);
}

void pp_logincheck_fetched(pp_result *r, double since, const char *fmt, ...)
{
    char what[256], secs[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    double took = round((pp_timeout_now() - since) * 1e6) / 1e6;
    pp_fmt_num(took, secs, sizeof secs);
    pp_result_add(r, PP_OK, "%s read in %s s", what, secs);
    pp_perf pf = pp_perf_make("fetch", took, "s");
    pp_perf_minmax(&pf, true, 0, false, 0);
    pp_logincheck_perf(r, &pf, &fam_fetch);
}

_Noreturn void pp_logincheck_finish(pp_mail_session *s, const pp_common *c, pp_result *r,
                                    const char *extra)
{
    char num[32];
    int st = pp_mail_quit(s);
    if (st != PP_LR_LINE)
        pp_result_add(r, PP_WARNING, "no proper reply to %s: %s",
                      g.mo.proto == PP_MAIL_IMAP ? "LOGOUT" : "QUIT",
                      st == PP_MP_GARBAGE ? "unexpected reply" : pp_linereader_strerror(st));
    double total = pp_mail_time(s, PP_PHASE_TOTAL);
    pp_fmt_num(round(total * 10000) / 10000, num, sizeof num);
    const char *tls = g.mo.tls == PP_MAIL_IMPLICIT   ? "TLS"
                      : g.mo.tls == PP_MAIL_PLAIN || !pp_mail_tls_info(s) ? "no TLS"
                      : g.mo.proto == PP_MAIL_POP3   ? "STLS"
                                                     : "STARTTLS";
    if (g.mo.user)
        pp_result_summary(r, "%s logged in (%s, AUTH %s) in %s s%s%s", g.mo.user, tls,
                          pp_mail_mech(s), num, extra ? ", " : "", extra ? extra : "");
    else
        pp_result_summary(r, "connected (%s) in %s s%s%s", tls, num, extra ? ", " : "",
                          extra ? extra : "");
    add_phases(s, c, r, true);
    add_transcript(s, c, r);
    pp_mail_free(s);
    pp_secret_free(&g.secret);
    pp_result_exit(r);
}
