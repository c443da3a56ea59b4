/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailleg.c - options and logins of the SMTP and IMAP legs. See mailleg.h.
 */
#include "e2e/mailleg.h"

#include "e2e/probeid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_LEG_OPTS 23

static pp_opt row(const char *name, int key, const char *arg, pp_opt_kind kind, void *dst,
                  const char *help)
{
    return (pp_opt){.name = name, .key = key, .arg = arg, .kind = kind, .dst = dst,
                    .help = help};
}

static size_t leg_opts(pp_maillegs *l, pp_opt *o)
{
    pp_mailleg *s = &l->smtp, *i = &l->imap;
    size_t n = 0;
    o[n++] = row("starttls", 'S', NULL, PP_OPT_FLAG, &s->starttls,
                 "SMTP: STARTTLS before sending; CRITICAL when the server does not offer it");
    o[n++] = row("ssl", 's', NULL, PP_OPT_FLAG, &s->ssl, "SMTP: implicit TLS (smtps)");
    o[n++] = row("user", 'U', "USER", PP_OPT_STR, &s->user,
                 "SMTP: AUTH as USER (or from --authfile, POSTPROBE_USER); without one, no AUTH");
    o[n++] = row("password", 'P', "PASSWORD", PP_OPT_STR, &s->password,
                 "SMTP: the password (blanked in the process list; prefer --authfile or "
                 "POSTPROBE_PASSWORD)");
    o[n++] = row("authfile", 0, "FILE", PP_OPT_STR, &s->authfile,
                 "SMTP: \"user = NAME\" and \"password = SECRET\" lines (mode 600 or 640)");
    o[n++] = row("authtype", 'A', "MECH", PP_OPT_STR, &s->mech,
                 "SMTP: SASL mechanism (default: the best offered)");
    o[n++] = row("sni", 0, "NAME", PP_OPT_STR, &l->sni,
                 "SMTP: server name for SNI and the certificate's name check");
    o[n++] = row("fqdn", 'F', "NAME", PP_OPT_STR, &l->fqdn,
                 "name to give in EHLO and in the Message-ID (default: this host's)");
    o[n++] = row("imap-host", 0, "HOST", PP_OPT_STR, &i->host,
                 "IMAP: the server where the mail is read (default: -H)");
    o[n++] = row("imap-port", 0, "PORT", PP_OPT_INT, &i->port, "IMAP: port (default 993 with "
                 "implicit TLS, 143 with --imap-starttls or --imap-plaintext); a port given "
                 "alone means STARTTLS");
    o[n++] = row("imap-starttls", 0, NULL, PP_OPT_FLAG, &i->starttls,
                 "IMAP: STARTTLS before logging in (the default when --imap-port is given)");
    o[n++] = row("imap-ssl", 0, NULL, PP_OPT_FLAG, &i->ssl,
                 "IMAP: implicit TLS (imaps; the default without --imap-port)");
    o[n++] = row("imap-plaintext", 0, NULL, PP_OPT_FLAG, &i->plaintext,
                 "IMAP: no TLS at all (the login then needs --allow-plaintext)");
    o[n++] = row("imap-user", 0, "USER", PP_OPT_STR, &i->user,
                 "IMAP: log in as USER (or from --imap-authfile, POSTPROBE_IMAP_USER; without "
                 "any of these, the SMTP login is used)");
    o[n++] = row("imap-authfile", 0, "FILE", PP_OPT_STR, &i->authfile,
                 "IMAP: user and password lines as for --authfile (or POSTPROBE_IMAP_PASSWORD)");
    o[n++] = row("imap-authtype", 0, "MECH", PP_OPT_STR, &i->mech,
                 "IMAP: SASL mechanism, or +LOGIN for the LOGIN command");
    o[n++] = row("imap-mailbox", 0, "NAME", PP_OPT_STR, &l->mailbox,
                 "IMAP: the mailbox to watch (default INBOX)");
    o[n++] = row("cafile", 0, "FILE", PP_OPT_STR, &l->cafile,
                 "both legs: trust the CA certificates in FILE instead of the system's store");
    o[n++] = row("insecure", 0, NULL, PP_OPT_FLAG, &l->insecure,
                 "both legs: do not verify the servers' certificates or names");
    o[n++] = row("allow-plaintext", 0, NULL, PP_OPT_FLAG, &l->allow_plaintext,
                 "both legs: log in without TLS; even then only SCRAM or CRAM-MD5, which never "
                 "send the password, unless -A (--imap-authtype) names a mechanism");
    o[n++] = row("scram-min-iterations", 0, "N", PP_OPT_INT, &l->scram_min_iter,
                 "both legs: refuse a SCRAM iteration count below N (default 4096, RFC 7677)");
    o[n++] = row("tag", 0, "WORD", PP_OPT_STR, &l->tag,
                 pp_xasprintf("marks this check's test messages (default \"%s\"); checks "
                              "sharing a mailbox need different tags", l->tag));
    o[n++] = row("max-age", 0, "SECONDS", PP_OPT_DOUBLE, &l->max_age,
                 pp_xasprintf("test messages of earlier runs older than this are deleted "
                              "without being counted (default %g)", l->max_age));
    return n;
}

void pp_maillegs_plugin(pp_plugin *pl, pp_maillegs *l, const pp_opt *own)
{
    size_t n_own = 0;
    while (own && own[n_own].name)
        n_own++;
    pp_opt *all = pp_xcalloc(N_LEG_OPTS + n_own + 1, sizeof *all);
    size_t n = leg_opts(l, all);
    if (n_own)
        memcpy(all + n, own, n_own * sizeof *own);
    pl->opts = all;
    pl->use |= PP_USE_HOST;
}

bool pp_maillegs_have_imap(const pp_maillegs *l)
{
    return l->imap.mo.user != NULL;
}

static void resolve(pp_mailleg *leg, const pp_secret_src *src, const char *what)
{
    char err[256];
    int rc = pp_secret_resolve(&leg->secret, src, err, sizeof err);
    if (leg->password)
        pp_arg_scrub((char *)leg->password);
    if (rc != 0)
        pp_die(PP_UNKNOWN, "%s: %s", what, err);
    if (leg->secret.user && !leg->secret.password)
        pp_die(PP_UNKNOWN, "%s: no password for %s", what, leg->secret.user);
    if (!leg->secret.user && leg->secret.password)
        pp_die(PP_UNKNOWN, "%s: a password but no user", what);
}

/* SMTP: what -S or -s say. IMAP: TLS unless --imap-plaintext, implicit on 993 or STARTTLS
 * on the port given. */
static pp_mail_tls leg_tls(const pp_mailleg *leg, pp_mail_proto proto, const char *what)
{
    if (leg->starttls + leg->ssl + leg->plaintext > 1)
        pp_die(PP_UNKNOWN, "%s: STARTTLS%s implicit TLS%s exclude each other", what,
               leg->plaintext ? "," : " and", leg->plaintext ? " and plaintext" : "");
    if (leg->ssl)
        return PP_MAIL_IMPLICIT;
    if (leg->starttls || (proto == PP_MAIL_IMAP && !leg->plaintext && leg->port))
        return PP_MAIL_STARTTLS;
    return proto == PP_MAIL_IMAP && !leg->plaintext ? PP_MAIL_IMPLICIT : PP_MAIL_PLAIN;
}

static void fill(pp_maillegs *l, pp_mailleg *leg, pp_mail_proto proto, const pp_common *c,
                 const char *what)
{
    static const long ports[2][2] = {{25, 465}, {143, 993}};
    pp_mail_tls tls = leg_tls(leg, proto, what);
    if (leg->port < 0 || leg->port > 65535)
        pp_die(PP_UNKNOWN, "%s: port %ld out of range", what, leg->port);
    char err[256];
    if (leg->mech && pp_mail_mech_check(proto, leg->mech, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s: %s %s", what, proto == PP_MAIL_IMAP ? "--imap-authtype" : "-A",
               err);
    if (l->scram_min_iter < 0)
        pp_die(PP_UNKNOWN, "--scram-min-iterations must not be negative");
    leg->mo = (pp_mail_opts){
        .proto = proto,
        .tls = tls,
        .host = leg->host,
        .port = leg->port ? leg->port : ports[proto == PP_MAIL_IMAP][tls == PP_MAIL_IMPLICIT],
        .family = c->family,
        .sni = proto == PP_MAIL_SMTP ? l->sni : NULL,
        .cafile = l->cafile,
        .insecure = l->insecure,
        .user = leg->secret.user,
        .password = leg->secret.password,
        .mech = leg->mech,
        .helo = proto == PP_MAIL_SMTP ? l->fqdn : NULL,
        .allow_plaintext = l->allow_plaintext,
        .scram_min_iter = l->scram_min_iter,
    };
    if (pp_mail_opts_check(&leg->mo, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s: %s", what, err);
}

const char *pp_maillegs_myname(const pp_maillegs *l)
{
    return l->myname;
}

bool pp_mailleg_address_ok(const char *a)
{
    return a && *a && strlen(a) < 256 && strpbrk(a, "<>\r\n \t\"") == NULL;
}

void pp_maillegs_setup(pp_maillegs *l, const pp_common *c, unsigned flags)
{
    pp_mailleg *s = &l->smtp, *i = &l->imap;
    if (!c->host && !(flags & PP_LEGS_NO_HOST))
        pp_die(PP_UNKNOWN, "-H HOST is required (see --help)");
    if (!pp_probeid_tag_ok(l->tag))
        pp_die(PP_UNKNOWN, "--tag: 1 to %d letters, digits, '-' or '_'", PP_PROBEID_TAG_MAX);
    if (!(l->max_age > 0))
        pp_die(PP_UNKNOWN, "--max-age must be positive");
    if (l->fqdn)
        snprintf(l->myname, sizeof l->myname, "%s", l->fqdn);
    else if (gethostname(l->myname, sizeof l->myname - 1) != 0 || !l->myname[0])
        snprintf(l->myname, sizeof l->myname, "localhost");
    bool imap_given = i->host || i->user || i->authfile || i->port || i->starttls || i->ssl ||
                      i->plaintext || i->mech;
    s->host = c->host;
    s->port = c->port;
    pp_secret_src ssrc = {.user = s->user, .password = s->password, .authfile = s->authfile};
    resolve(s, &ssrc, "SMTP leg");
    fill(l, s, PP_MAIL_SMTP, c, "SMTP leg");
    if (!(flags & PP_LEGS_NEED_IMAP) && !imap_given)
        return;
    pp_secret_src isrc = {.user = i->user, .authfile = i->authfile,
                          .env_user = "POSTPROBE_IMAP_USER",
                          .env_password = "POSTPROBE_IMAP_PASSWORD"};
    resolve(i, &isrc, "IMAP leg");
    if (!i->secret.user && s->secret.user) {
        i->secret.user = pp_xstrdup(s->secret.user);
        i->secret.password = pp_xstrdup(s->secret.password);
    }
    if (!i->secret.user)
        pp_die(PP_UNKNOWN, "IMAP leg: no login (--imap-user with --imap-authfile or "
               "POSTPROBE_IMAP_PASSWORD, or the SMTP login)");
    if (!i->host)
        i->host = c->host;
    if (!i->host)
        pp_die(PP_UNKNOWN, "IMAP leg: --imap-host is required without -H");
    if (!l->mailbox)
        l->mailbox = "INBOX";
    fill(l, i, PP_MAIL_IMAP, c, "IMAP leg");
}

pp_mail_session *pp_mailleg_login(pp_mailleg *leg)
{
    pp_mail_session *s = pp_mail_new(&leg->mo);
    pp_mail_login(s);
    return s;
}

void pp_mailleg_report(pp_result *r, pp_mail_session *s, const char *leg, int verbose)
{
    if (!s)
        return;
    if (pp_mail_error_state(s) != PP_OK)
        pp_result_add(r, pp_mail_error_state(s), "%s: %s", leg, pp_mail_error(s));
    const char *t = pp_mail_transcript(s);
    if (verbose < 3 || !t)
        return;
    pp_sub *sub = pp_result_add(r, PP_OK, "%s conversation (secrets hidden):", leg);
    char *copy = pp_xstrdup(t), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        pp_sub_detail(sub, "%s", line);
    free(copy);
}

void pp_maillegs_free(pp_maillegs *l)
{
    pp_secret_free(&l->smtp.secret);
    pp_secret_free(&l->imap.secret);
}
