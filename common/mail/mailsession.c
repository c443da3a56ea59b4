/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailsession.c - timed SMTP, IMAP and POP3 logins. See mailsession.h.
 *
 * libcurl was the first engine here; it was replaced because Debian's libcurl pulls in 30
 * shared libraries that cost 2.7 ms of CPU and 4.5 MB of RSS at every start (more than a
 * whole check_smtp run), and because curl 7.88 gets in the way of a monitoring check: it
 * stamps its connect time again at STARTTLS, skips AUTH silently when the server offers
 * none, cannot be made to use IMAP LOGIN or POP3 USER/PASS when SASL is offered, and waits
 * for the timeout on a garbage greeting.
 */
#include "mail/mailsession.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "mail/mailconn.h"
#include "mail/mailproto.h"
#include "mail/sasl.h"
#include "core/timeout.h"

#define TRANSCRIPT_MAX 65536
#define CHALLENGE_MAX 4096

struct pp_mail_session {
    pp_mail_opts o;
    pp_mailconn *conn;
    pp_mailconn_times times;
    double t0; /* the others are seconds since t0, NAN until they happen */
    double t_connected, t_tls_done, t_banner, t_auth_start, t_auth_end, t_total;
    bool tls_done;
    char banner[256];
    char apop_stamp[256];
    char mech[32];
    char tls_info[96];
    pp_buf caps;
    pp_buf transcript;
    pp_mailproto_redact redact;
    unsigned tag;
    char tagbuf[16];
    char err[640];
    pp_state err_state;
};

static double since(const pp_mail_session *s)
{
    return pp_timeout_now() - s->t0;
}

static int fail(pp_mail_session *s, pp_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(pp_mail_session *s, pp_state st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->err_state = st;
    return -1;
}

static const char *starttls_verb(const pp_mail_session *s)
{
    return s->o.proto == PP_MAIL_POP3 ? "STLS" : "STARTTLS";
}

/* A failed read or write, in words; what is "the banner", "the reply to EHLO". */
static int io_fail(pp_mail_session *s, int st, const char *what, const char *text)
{
    pp_linereader *r = pp_mailconn_reader(s->conn);
    switch (st) {
    case PP_LR_TIMEOUT:
        return fail(s, PP_CRITICAL, "timed out after %.1f s waiting for %s", since(s), what);
    case PP_LR_EOF:
        return fail(s, PP_CRITICAL, "connection closed by the server while waiting for %s",
                    what);
    case PP_LR_OVERLONG:
        return fail(s, PP_CRITICAL, "server sent an overlong line as %s (longer than %d bytes)",
                    isnan(s->t_banner) ? "its banner" : what, PP_LINEREADER_MAX);
    case PP_MP_GARBAGE:
        return fail(s, PP_CRITICAL, "unexpected %s: %s", strncmp(what, "the ", 4) == 0
                                                               ? what + 4 : what, text);
    default:
        return fail(s, PP_CRITICAL, "connection error while waiting for %s: %s", what, r->err);
    }
}

void pp_mail_fail(pp_mail_session *s, int status, const char *cmd, const char *text)
{
    char what[96];
    snprintf(what, sizeof what, "the reply to %s", cmd);
    if (status == PP_LR_LINE)
        fail(s, PP_CRITICAL, "%s failed: %s", cmd, text ? text : "");
    else if (status == PP_LR_EOF)
        fail(s, PP_CRITICAL, "connection closed by the server after %s", cmd);
    else
        io_fail(s, status, what, text ? text : "");
}

/* ---- capabilities: one line, "PIPELINING, SIZE 10240000, AUTH PLAIN LOGIN" ---- */

static void add_cap(pp_mail_session *s, const char *cap, size_t len)
{
    char p[256];
    if (len == 0 || s->caps.len > 4096)
        return;
    pp_linereader_printable(cap, len, p, sizeof p);
    pp_buf_printf(&s->caps, "%s%s", s->caps.len ? ", " : "", p);
}

/* IMAP: "IMAP4rev1 STARTTLS AUTH=PLAIN", maybe ended by ']' in a greeting. */
static void set_cap_words(pp_mail_session *s, const char *line, size_t len)
{
    pp_buf_reset(&s->caps);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && line[j] != ' ' && line[j] != ']')
            j++;
        add_cap(s, line + i, j - i);
        if (j < len && line[j] == ']')
            break;
        i = j + 1;
    }
}

static bool has_cap(const pp_mail_session *s, const char *cap)
{
    const char *c = pp_buf_str(&s->caps);
    size_t n = strlen(cap);
    for (const char *p = c; p && (p = strcasestr(p, cap)); p += n)
        if ((p == c || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

/* The SASL mechanisms offered: "AUTH PLAIN LOGIN" (SMTP), "AUTH=PLAIN" (IMAP),
 * "SASL PLAIN LOGIN" (POP3), as "PLAIN LOGIN". */
static void offered_mechs(const pp_mail_session *s, pp_buf *out)
{
    const char *c = pp_buf_str(&s->caps);
    char *copy = pp_xstrdup(c ? c : ""), *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        w += *w == ' ';
        if ((strncasecmp(w, "AUTH", 4) == 0 || strncasecmp(w, "SASL", 4) == 0) &&
            (w[4] == ' ' || w[4] == '=') && w[5])
            pp_buf_printf(out, "%s%s", out->len ? " " : "", w + 5);
    }
    free(copy);
}

/* Whether mech is in the list allowed (blank or comma separated, any case). */
static bool mech_allowed(const char *allowed, const char *mech, size_t len)
{
    const char *p = allowed;
    size_t n;
    while ((n = strcspn(p += strspn(p, " ,\t"), " ,\t")) > 0) {
        if (n == len && strncasecmp(p, mech, len) == 0)
            return true;
        p += n;
    }
    return false;
}

/* The offer less what o.mechs leaves out (Postfix's smtp_sasl_mechanism_filter). */
static void filter_mechs(const pp_mail_session *s, pp_buf *offered)
{
    if (!s->o.mechs || !offered->s)
        return;
    pp_buf kept;
    pp_buf_init(&kept);
    const char *p = offered->s;
    size_t n;
    while ((n = strcspn(p += strspn(p, " "), " ")) > 0) {
        if (mech_allowed(s->o.mechs, p, n))
            pp_buf_printf(&kept, "%s%.*s", kept.len ? " " : "", (int)n, p);
        p += n;
    }
    pp_buf_free(offered);
    *offered = kept;
}

/* ---- the conversation ---- */

static void on_trace(void *ctx, bool out, const char *line, size_t len)
{
    pp_mail_session *s = ctx;
    char shown[512];
    pp_mailproto_redact_line(&s->redact, out, line, len, shown, sizeof shown);
    if (s->transcript.len < TRANSCRIPT_MAX)
        pp_buf_printf(&s->transcript, "%s %s\n", out ? "C:" : "S:", shown);
}

static pp_linereader *reader(pp_mail_session *s)
{
    return pp_mailconn_reader(s->conn);
}

typedef struct lines {
    pp_mail_session *s;
    int n;
} lines;

static void on_banner_line(void *ctx, const char *line, size_t len)
{
    lines *l = ctx;
    if (l->n++ == 0)
        pp_linereader_printable(line, len, l->s->banner, sizeof l->s->banner);
}

static void on_ehlo_line(void *ctx, const char *line, size_t len)
{
    lines *l = ctx;
    if (l->n++ > 0 && len > 4)
        add_cap(l->s, line + 4, len - 4);
}

static void on_capa_line(void *ctx, const char *line, size_t len)
{
    add_cap(((lines *)ctx)->s, line, len);
}

static void on_capability_line(void *ctx, const char *line, size_t len)
{
    if (len > 13 && strncasecmp(line, "* CAPABILITY ", 13) == 0)
        set_cap_words(((lines *)ctx)->s, line + 13, len - 13);
}

static int smtp_greeting(pp_mail_session *s)
{
    char text[256];
    int code = 0;
    lines l = {s, 0};
    int st = pp_mailproto_smtp_reply(reader(s), &code, text, sizeof text, on_banner_line, &l);
    if (st != PP_LR_LINE)
        return io_fail(s, st, "the banner", text);
    if (code != 220)
        return fail(s, PP_CRITICAL, "unexpected banner: %s", text);
    return 0;
}

static int imap_greeting(pp_mail_session *s)
{
    char text[1024];
    int kind = 0;
    int st = pp_mailproto_imap_greeting(reader(s), &kind, text, sizeof text);
    if (st != PP_LR_LINE)
        return io_fail(s, st, "the greeting", text);
    snprintf(s->banner, sizeof s->banner, "%s", text);
    if (kind == PP_IMAP_BYE)
        return fail(s, PP_CRITICAL, "unexpected greeting: %s", text);
    const char *c = strcasestr(text, "[CAPABILITY ");
    if (c)
        set_cap_words(s, c + 12, strlen(c + 12));
    return 0;
}

static int pop3_greeting(pp_mail_session *s)
{
    char text[256];
    int ok = 0;
    int st = pp_mailproto_pop3_cmd(reader(s), NULL, false, &ok, text, sizeof text, NULL, NULL);
    if (st != PP_LR_LINE)
        return io_fail(s, st, "the greeting", text);
    snprintf(s->banner, sizeof s->banner, "%s", text);
    if (ok != 1)
        return fail(s, PP_CRITICAL, "unexpected greeting: %s", text);
    const char *a = strchr(text, '<'), *b = a ? strchr(a, '>') : NULL;
    if (a && b && strchr(a, '@') && strchr(a, '@') < b) /* an APOP timestamp */
        snprintf(s->apop_stamp, sizeof s->apop_stamp, "%.*s", (int)(b - a + 1), a);
    return 0;
}

static int ask_caps(pp_mail_session *s, bool again)
{
    char text[256], host[256] = "localhost", cmd[300];
    int code = 0, kind = 0, st;
    lines l = {s, 0};
    switch (s->o.proto) {
    case PP_MAIL_SMTP:
        if (!s->o.helo)
            gethostname(host, sizeof host - 1);
        snprintf(cmd, sizeof cmd, "EHLO %s", s->o.helo ? s->o.helo : host);
        pp_buf_reset(&s->caps);
        if ((st = pp_linereader_put(reader(s), cmd)) != PP_LR_LINE ||
            (st = pp_mailproto_smtp_reply(reader(s), &code, text, sizeof text, on_ehlo_line,
                                          &l)) != PP_LR_LINE)
            return io_fail(s, st, "the reply to EHLO", text);
        return code == 250 ? 0 : fail(s, PP_CRITICAL, "EHLO refused: %s", text);
    case PP_MAIL_IMAP:
        if (s->caps.len && !again)
            return 0; /* the greeting had them */
        pp_buf_reset(&s->caps);
        st = pp_mailproto_imap_cmd(reader(s), pp_mail_tag(s), "CAPABILITY", &kind, text,
                                   sizeof text, on_capability_line, &l);
        if (st != PP_LR_LINE)
            return io_fail(s, st, "the reply to CAPABILITY", text);
        return kind == PP_IMAP_OK ? 0 : fail(s, PP_CRITICAL, "CAPABILITY failed: %s", text);
    default: /* POP3: a server without CAPA is old, not broken */
        pp_buf_reset(&s->caps);
        st = pp_mailproto_pop3_cmd(reader(s), "CAPA", true, &kind, text, sizeof text,
                                   on_capa_line, &l);
        return st == PP_LR_LINE ? 0 : io_fail(s, st, "the reply to CAPA", text);
    }
}

/* ---- TLS ---- */

static int tls(pp_mail_session *s, bool after_starttls)
{
    const char *name = s->o.sni ? s->o.sni : s->o.host;
    pp_mailconn_tlsopts t = {.verify = !s->o.insecure && !s->o.inspect, .cafile = s->o.cafile,
                         .name = name, .sni = name, .inspect = s->o.inspect,
                         .ocsp = s->o.ocsp};
    char why[512];
    int rc = pp_mailconn_tls(s->conn, &t, why, sizeof why);
    if (rc == -2)
        return fail(s, PP_UNKNOWN, "%s", why);
    if (rc != 0 && strncmp(why, "certificate verification", 24) == 0)
        return fail(s, PP_CRITICAL, "%s (see --cafile, --sni, --insecure)", why);
    if (rc != 0)
        return fail(s, PP_CRITICAL, "%s%s%s", why, after_starttls ? " after " : "",
                    after_starttls ? starttls_verb(s) : "");
    s->tls_done = true;
    s->t_tls_done = since(s);
    SSL *ssl = pp_mailconn_ssl(s->conn);
    snprintf(s->tls_info, sizeof s->tls_info, "%s, %s", SSL_get_version(ssl),
             SSL_get_cipher_name(ssl));
    return 0;
}

static int starttls(pp_mail_session *s)
{
    char text[256];
    int code = 0, kind = 0, ok = 0, st;
    const char *verb = starttls_verb(s);
    if (!has_cap(s, verb))
        return fail(s, PP_CRITICAL, "server does not offer %s", verb);
    if (s->o.proto == PP_MAIL_SMTP) {
        st = pp_mailproto_smtp_cmd(reader(s), verb, &code, text, sizeof text);
        ok = code == 220;
    } else if (s->o.proto == PP_MAIL_IMAP) {
        st = pp_mailproto_imap_cmd(reader(s), pp_mail_tag(s), verb, &kind, text, sizeof text,
                                   NULL, NULL);
        ok = kind == PP_IMAP_OK;
    } else {
        st = pp_mailproto_pop3_cmd(reader(s), verb, false, &ok, text, sizeof text, NULL, NULL);
        ok = ok == 1;
    }
    if (st != PP_LR_LINE) {
        char what[64];
        snprintf(what, sizeof what, "the reply to %s", verb);
        return io_fail(s, st, what, text);
    }
    if (!ok)
        return fail(s, PP_CRITICAL, "%s refused: %s", verb, text);
    if (pp_mailconn_pending(s->conn))
        return fail(s, PP_CRITICAL, "server sent data after its reply to %s (a command "
                                    "injection, CVE-2011-0411)", verb);
    return tls(s, true);
}

/* ---- AUTH ---- */

enum { AUTH_CONT, AUTH_OK, AUTH_NO };

/* The server's answer in an AUTH exchange: a continuation with its challenge, yes or no. */
static int auth_reply(pp_mail_session *s, const char *tag, int *verdict, char *ch, size_t chlen,
                      char *text, size_t textlen)
{
    const char *line;
    size_t len;
    int st, code = 0;
    if (s->o.proto == PP_MAIL_SMTP) {
        if ((st = pp_mailproto_smtp_reply(reader(s), &code, ch, chlen, NULL, NULL)) != PP_LR_LINE)
            return st;
        snprintf(text, textlen, "%s", ch);
        *verdict = code == 334 ? AUTH_CONT : code == 235 ? AUTH_OK : AUTH_NO;
        const char *c = strlen(ch) > 4 ? ch + 4 : ""; /* the challenge after "334 " */
        memmove(ch, c, strlen(c) + 1);
        return PP_LR_LINE;
    }
    for (;;) {
        if ((st = pp_linereader_get(reader(s), &line, &len)) != PP_LR_LINE)
            return st;
        pp_linereader_printable(line, len, text, textlen);
        int k = pp_mailproto_imap_kind(line, len, tag), ok = pp_mailproto_pop3_ok(line, len);
        if (s->o.proto == PP_MAIL_POP3) /* "+OK", "-ERR" or "+ challenge" */
            k = ok == 1 ? PP_IMAP_OK : ok == 0 ? PP_IMAP_NO : k == PP_IMAP_CONT ? k : PP_IMAP_OTHER;
        if (k == PP_IMAP_UNTAGGED)
            continue; /* e.g. the capabilities after the login */
        if (k == PP_IMAP_OTHER)
            return PP_MP_GARBAGE;
        *verdict = k == PP_IMAP_CONT ? AUTH_CONT : k == PP_IMAP_OK ? AUTH_OK : AUTH_NO;
        snprintf(ch, chlen, "%.*s", (int)(len > 2 ? len - 2 : 0), line + 2);
        return PP_LR_LINE;
    }
}

static int sasl(pp_mail_session *s, const char *mech)
{
    char ch[CHALLENGE_MAX], text[512], why[256] = "";
    int verdict = AUTH_NO, st;
    pp_sasl *x = pp_sasl_new(mech, s->o.user, s->o.password, NULL, why, sizeof why);
    if (!x)
        return fail(s, PP_UNKNOWN, "AUTH %s: %s", mech, why);
    if (s->o.scram_min_iter > 0)
        pp_sasl_min_iterations(x, s->o.scram_min_iter);
    const char *tag = s->o.proto == PP_MAIL_IMAP ? pp_mail_tag(s) : "";
    bool ir_ok = s->o.proto != PP_MAIL_IMAP || has_cap(s, "SASL-IR");
    char *ir = ir_ok ? pp_sasl_initial(x) : NULL;
    char *cmd = pp_xasprintf("%s%s%s %s%s%s", tag, *tag ? " " : "",
                             s->o.proto == PP_MAIL_IMAP ? "AUTHENTICATE" : "AUTH", mech,
                             ir ? " " : "", ir ? ir : "");
    snprintf(s->mech, sizeof s->mech, "%s", mech);
    st = pp_linereader_put(reader(s), cmd);
    OPENSSL_cleanse(cmd, strlen(cmd));
    free(cmd);
    if (ir)
        OPENSSL_cleanse(ir, strlen(ir));
    free(ir);
    while (st == PP_LR_LINE &&
           (st = auth_reply(s, tag, &verdict, ch, sizeof ch, text, sizeof text)) == PP_LR_LINE &&
           verdict == AUTH_CONT) {
        char *resp = NULL;
        if (pp_sasl_step(x, ch, &resp, why, sizeof why) != 0) {
            st = pp_linereader_put(reader(s), "*"); /* cancel */
            if (st == PP_LR_LINE)
                auth_reply(s, tag, &verdict, ch, sizeof ch, text, sizeof text);
            verdict = AUTH_NO;
            break;
        }
        st = pp_linereader_put(reader(s), resp);
        OPENSSL_cleanse(resp, strlen(resp));
        free(resp);
    }
    int rc = 0;
    if (st != PP_LR_LINE)
        rc = io_fail(s, st, "the reply to AUTH", text);
    else if (why[0])
        rc = fail(s, PP_CRITICAL, "AUTH %s failed: %s", mech, why);
    else if (verdict != AUTH_OK)
        rc = fail(s, PP_CRITICAL, "AUTH %s rejected for %s: %s", mech, s->o.user, text);
    else if (pp_sasl_done(x, why, sizeof why) != 0)
        rc = fail(s, PP_CRITICAL, "AUTH %s: %s", mech, why);
    pp_sasl_free(x);
    return rc;
}

/* IMAP LOGIN, POP3 USER/PASS and APOP: the commands of old. */
static int classic(pp_mail_session *s, const char *how)
{
    char text[256] = "";
    int kind = 0, ok = 0, st = PP_LR_LINE;
    char *cmd = NULL;
    if (strcmp(how, "LOGIN command") == 0) {
        char *u = pp_mailproto_imap_quote(s->o.user), *p = pp_mailproto_imap_quote(s->o.password);
        if (!u || !p) {
            free(u);
            free(p);
            return fail(s, PP_UNKNOWN, "the user or password holds characters the LOGIN "
                                       "command cannot quote (leave out -A)");
        }
        cmd = pp_xasprintf("LOGIN %s %s", u, p);
        OPENSSL_cleanse(p, strlen(p));
        free(u);
        free(p);
        st = pp_mailproto_imap_cmd(reader(s), pp_mail_tag(s), cmd, &kind, text, sizeof text,
                                   NULL, NULL);
        ok = kind == PP_IMAP_OK;
    } else if (strcmp(how, "APOP") == 0) {
        unsigned char md[16];
        char hexd[33], *raw = pp_xasprintf("%s%s", s->apop_stamp, s->o.password);
        EVP_Digest(raw, strlen(raw), md, NULL, EVP_md5(), NULL);
        OPENSSL_cleanse(raw, strlen(raw));
        free(raw);
        for (int i = 0; i < 16; i++)
            snprintf(hexd + 2 * i, 3, "%02x", md[i]);
        cmd = pp_xasprintf("APOP %s %s", s->o.user, hexd);
        st = pp_mailproto_pop3_cmd(reader(s), cmd, false, &ok, text, sizeof text, NULL, NULL);
    } else { /* USER/PASS */
        cmd = pp_xasprintf("USER %s", s->o.user);
        st = pp_mailproto_pop3_cmd(reader(s), cmd, false, &ok, text, sizeof text, NULL, NULL);
        if (st == PP_LR_LINE && ok == 1) {
            free(cmd);
            cmd = pp_xasprintf("PASS %s", s->o.password);
            st = pp_mailproto_pop3_cmd(reader(s), cmd, false, &ok, text, sizeof text, NULL,
                                       NULL);
        }
    }
    OPENSSL_cleanse(cmd, strlen(cmd));
    free(cmd);
    snprintf(s->mech, sizeof s->mech, "%s", how);
    if (st != PP_LR_LINE)
        return io_fail(s, st, "the reply to the login", text);
    return ok == 1 ? 0 : fail(s, PP_CRITICAL, "AUTH %s rejected for %s: %s", how, s->o.user,
                              text);
}

static int no_auth(pp_mail_session *s)
{
    bool later = s->o.tls == PP_MAIL_PLAIN && has_cap(s, starttls_verb(s));
    return fail(s, PP_CRITICAL, "server offers no AUTH%s", later ? " before STARTTLS (use -S)"
                                                                 : "");
}

/* The one place that decides whether credentials may leave the host: only over TLS, or
 * in the clear when o.allow_plaintext says so. Nothing of the login is sent before it. */
static int cleartext_guard(pp_mail_session *s)
{
    if (s->tls_done || s->o.allow_plaintext)
        return 0;
    const char *verb = starttls_verb(s);
    if (has_cap(s, verb))
        return fail(s, PP_UNKNOWN, "%s offers %s, which this check was not told to use: "
                    "refusing to send credentials in the clear (--allow-plaintext to allow)",
                    s->o.host, verb);
    return fail(s, PP_CRITICAL, "%s offers no TLS: refusing to send credentials in the clear "
                "(--allow-plaintext to allow)", s->o.host);
}

int pp_mail_mech_check(pp_mail_proto proto, const char *mech, char *err, size_t errlen)
{
    bool ok = strcasecmp(mech, "+LOGIN") == 0 ? proto == PP_MAIL_IMAP
              : strcasecmp(mech, "+USER") == 0 || strcasecmp(mech, "+APOP") == 0
                  ? proto == PP_MAIL_POP3
                  : pp_sasl_supported(mech);
    if (ok)
        return 0;
    static const char *const classic[] = {
        [PP_MAIL_SMTP] = "", [PP_MAIL_IMAP] = ", +LOGIN", [PP_MAIL_POP3] = ", +USER, +APOP",
        [PP_MAIL_NONE] = ""};
    return pp_errf(err, errlen, "%s: not a mechanism this plugin speaks (PLAIN, LOGIN, CRAM-MD5, "
                   "SCRAM-SHA-1, SCRAM-SHA-256%s)", mech, classic[proto]);
}

/* Which way to log in: a SASL mechanism, or one of classic()'s. */
static int choose(pp_mail_session *s, char *how, size_t len)
{
    const char *m = s->o.mech;
    pp_buf offered;
    pp_buf_init(&offered);
    offered_mechs(s, &offered);
    char *all = pp_xstrdup(offered.s ? offered.s : "");
    filter_mechs(s, &offered);
    const char *list = offered.s ? offered.s : "";
    char why[256];
    int rc = 0;
    if (*all && !*list) {
        rc = fail(s, PP_CRITICAL, "no usable AUTH mechanism (server offers %s, allowed: %s)",
                  all, s->o.mechs);
    } else if (m && strcasecmp(m, "+LOGIN") == 0 && s->o.proto == PP_MAIL_IMAP) {
        snprintf(how, len, "LOGIN command");
    } else if (m && strcasecmp(m, "+USER") == 0 && s->o.proto == PP_MAIL_POP3) {
        snprintf(how, len, "USER/PASS");
    } else if (m && strcasecmp(m, "+APOP") == 0 && s->o.proto == PP_MAIL_POP3) {
        snprintf(how, len, "APOP");
        if (!s->apop_stamp[0])
            rc = fail(s, PP_CRITICAL, "no usable AUTH mechanism for +APOP (no timestamp in the "
                                      "greeting%s%s)", *list ? "; server offers " : "", list);
    } else if (m && pp_mail_mech_check(s->o.proto, m, why, sizeof why) != 0) {
        rc = fail(s, PP_UNKNOWN, "-A %s", why);
    } else if (m) {
        char *padded = pp_xasprintf(" %s ", list), *want = pp_xasprintf(" %s ", m);
        if (!strcasestr(padded, want))
            rc = *list ? fail(s, PP_CRITICAL, "no usable AUTH mechanism for %s (server offers "
                                              "%s)", m, list)
                       : no_auth(s);
        else
            snprintf(how, len, "%s", m);
        free(padded);
        free(want);
    } else if (!s->tls_done) { /* in the clear: never the password itself, unless -A says */
        if (pp_sasl_pick(list, true, how, len) != 0) {
            if (s->o.proto == PP_MAIL_POP3 && s->apop_stamp[0])
                snprintf(how, len, "APOP");
            else if (!*list)
                rc = no_auth(s);
            else
                rc = fail(s, PP_CRITICAL, "no challenge-response mechanism without TLS (server "
                          "offers %s; -A names one to send the password in the clear anyway)",
                          list);
        }
    } else if (pp_sasl_pick(list, false, how, len) != 0) {
        if (s->o.proto == PP_MAIL_IMAP && !has_cap(s, "LOGINDISABLED"))
            snprintf(how, len, "LOGIN command");
        else if (s->o.proto == PP_MAIL_POP3 && (has_cap(s, "USER") || !s->caps.len))
            snprintf(how, len, "USER/PASS");
        else if (*list)
            rc = fail(s, PP_CRITICAL, "no usable AUTH mechanism (server offers %s)", list);
        else
            rc = no_auth(s);
    }
    pp_buf_free(&offered);
    free(all);
    return rc;
}

static int authenticate(pp_mail_session *s)
{
    char how[32];
    if (cleartext_guard(s) != 0 || choose(s, how, sizeof how) != 0)
        return -1;
    s->t_auth_start = since(s);
    int rc = pp_sasl_supported(how) ? sasl(s, how) : classic(s, how);
    s->t_auth_end = since(s);
    return rc;
}

/* ---- the session ---- */

pp_mail_session *pp_mail_new(const pp_mail_opts *o)
{
    pp_mail_session *s = pp_xcalloc(1, sizeof *s);
    s->o = *o;
    s->t_connected = s->t_tls_done = s->t_banner = NAN;
    s->t_auth_start = s->t_auth_end = s->t_total = NAN;
    s->times.dns = s->times.connect = s->times.tls = NAN;
    pp_buf_init(&s->caps);
    pp_buf_init(&s->transcript);
    pp_mailproto_redact_init(&s->redact, o->proto == PP_MAIL_IMAP);
    s->err_state = PP_OK;
    return s;
}

static int greet(pp_mail_session *s)
{
    int rc = s->o.proto == PP_MAIL_SMTP   ? smtp_greeting(s)
             : s->o.proto == PP_MAIL_IMAP ? imap_greeting(s)
                                          : pop3_greeting(s);
    s->t_banner = since(s);
    return rc;
}

int pp_mail_opts_check(const pp_mail_opts *o, char *err, size_t errlen)
{
    const struct {
        const char *value, *what;
    } f[] = {{o->host, "the host name"}, {o->sni, "the SNI name"},
             {o->user, "the user name"}, {o->password, "the password"},
             {o->mech, "the mechanism (-A)"}, {o->helo, "the EHLO name (-F)"}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].value && strpbrk(f[i].value, "\r\n"))
            return pp_errf(err, errlen, "%s holds a line break (CR or LF), which would end a "
                           "protocol command early", f[i].what);
    return 0;
}

int pp_mail_login(pp_mail_session *s)
{
    char why[512];
    if (pp_mail_opts_check(&s->o, why, sizeof why) != 0)
        return fail(s, PP_UNKNOWN, "%s", why);
    s->t0 = pp_timeout_now();
    s->conn = pp_mailconn_open(s->o.host, s->o.port, s->o.family, &s->times, why, sizeof why);
    if (!s->conn)
        return fail(s, PP_CRITICAL, "%s", why);
    s->t_connected = since(s);
    reader(s)->io.trace = on_trace;
    reader(s)->io.trace_ctx = s;
    if (s->o.tls == PP_MAIL_IMPLICIT && tls(s, false) != 0)
        return -1;
    if (s->o.proto == PP_MAIL_NONE)
        return 0;
    if (greet(s) != 0 || ask_caps(s, false) != 0)
        return -1;
    bool want_tls = s->o.tls == PP_MAIL_STARTTLS &&
                    (!s->o.tls_optional || has_cap(s, starttls_verb(s)));
    if (want_tls && (starttls(s) != 0 || ask_caps(s, true) != 0))
        return -1;
    return s->o.user ? authenticate(s) : 0;
}

pp_linereader *pp_mail_conn(pp_mail_session *s)
{
    return reader(s);
}

const char *pp_mail_tag(pp_mail_session *s)
{
    snprintf(s->tagbuf, sizeof s->tagbuf, "pp%u", ++s->tag);
    return s->tagbuf;
}

int pp_mail_quit(pp_mail_session *s)
{
    char text[256];
    int st = PP_LR_LINE, kind, code;
    switch (s->o.proto) {
    case PP_MAIL_SMTP:
        st = pp_mailproto_smtp_cmd(reader(s), "QUIT", &code, text, sizeof text);
        break;
    case PP_MAIL_IMAP:
        st = pp_mailproto_imap_cmd(reader(s), pp_mail_tag(s), "LOGOUT", &kind, text,
                                   sizeof text, NULL, NULL);
        break;
    case PP_MAIL_POP3:
        st = pp_mailproto_pop3_cmd(reader(s), "QUIT", false, &kind, text, sizeof text, NULL,
                                   NULL);
        break;
    default:
        break;
    }
    s->t_total = since(s);
    return st;
}

void pp_mail_free(pp_mail_session *s)
{
    if (!s)
        return;
    pp_mailconn_close(s->conn);
    pp_buf_free(&s->caps);
    pp_buf_free(&s->transcript);
    free(s);
}

/* ---- what happened ---- */

const char *pp_mail_error(const pp_mail_session *s)
{
    return s->err;
}

pp_state pp_mail_error_state(const pp_mail_session *s)
{
    return s->err_state;
}

bool pp_mail_timed_out(const pp_mail_session *s)
{
    return strncmp(s->err, "timed out", 9) == 0;
}

static double diff(double end, double start)
{
    return isnan(end) || isnan(start) ? NAN : end - start > 0 ? end - start : 0;
}

double pp_mail_time(const pp_mail_session *s, pp_mail_phase p)
{
    switch (p) {
    case PP_PHASE_DNS:
        return s->times.dns;
    case PP_PHASE_CONNECT:
        return isnan(s->t_connected) ? NAN : s->times.connect;
    case PP_PHASE_TLS:
        return s->tls_done ? s->times.tls : NAN;
    case PP_PHASE_BANNER:
        return diff(s->t_banner, s->o.tls == PP_MAIL_IMPLICIT ? s->t_tls_done : s->t_connected);
    case PP_PHASE_AUTH:
        return diff(s->t_auth_end, s->t_auth_start);
    case PP_PHASE_TOTAL:
        return s->t_total;
    default:
        return NAN;
    }
}

const char *pp_mail_phase_name(pp_mail_phase p)
{
    static const char *const names[PP_PHASE_N] = {"dns", "connect", "tls", "banner", "auth",
                                                  "total"};
    return p < PP_PHASE_N ? names[p] : "?";
}

const char *pp_mail_banner(const pp_mail_session *s)
{
    return s->banner[0] ? s->banner : NULL;
}

const char *pp_mail_caps(const pp_mail_session *s)
{
    return pp_buf_str(&s->caps);
}

const char *pp_mail_mech(const pp_mail_session *s)
{
    return s->mech[0] && s->err_state == PP_OK ? s->mech : NULL;
}

const char *pp_mail_tls_info(const pp_mail_session *s)
{
    return s->tls_info[0] ? s->tls_info : NULL;
}

const char *pp_mail_transcript(const pp_mail_session *s)
{
    return pp_buf_str(&s->transcript);
}

SSL *pp_mail_ssl(const pp_mail_session *s)
{
    return s->conn ? pp_mailconn_ssl(s->conn) : NULL;
}

const char *pp_mail_addr(const pp_mail_session *s)
{
    return s->conn ? pp_mailconn_addr(s->conn) : NULL;
}
