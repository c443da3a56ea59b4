/*
 * mailsession.c - timed SMTP/IMAP/POP3 logins through libcurl. See mailsession.h.
 *
 * libcurl runs the whole login as the "connect" of a CONNECT_ONLY transfer; its debug
 * callback sees every protocol line, which tells when the banner came, when STARTTLS was
 * answered and when AUTH started and ended. What follows the login goes over the same
 * (possibly TLS) connection with curl_easy_send/curl_easy_recv.
 */
#include "mailsession.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "mailproto.h"

#define TRANSCRIPT_MAX 65536

struct pp_mail_session {
    pp_mail_opts o;
    CURL *curl;
    char curlerr[CURL_ERROR_SIZE];
    struct timespec t0;
    /* Seconds since t0, NAN when not reached. All are stamped on our clock, as curl 7.88
     * stamps its CONNECT time again when STARTTLS upgrades the connection; only the name
     * lookup comes from curl. */
    double t_dns, t_connect, t_tls_done;
    double t_banner, t_starttls, t_auth_start, t_auth_end, t_total;
    bool awaiting;      /* a command was sent and its reply has not come yet */
    bool logged_in;
    bool await_starttls;
    bool in_caps;       /* lines of an EHLO or CAPA reply are capabilities */
    bool caps_first;
    char last_cmd[32];
    char last_reply[256];
    char banner[256];
    char mech[32];
    char tls_info[96];
    pp_buf caps;
    pp_buf transcript;
    struct curl_slist *connect_to;
    pp_mailproto_redact redact;
    pp_linereader conn;
    unsigned tag;
    char tagbuf[16];
    char err[640];
    pp_state err_state;
    char abort_why[320]; /* set by the debug callback to stop curl at once */
};

static double since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fail(pp_mail_session *s, pp_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(pp_mail_session *s, pp_state st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->err_state = st;
}

/* ---- the conversation as seen by curl's debug callback and by our own reader ---- */

/* Capabilities are kept as one line, "PIPELINING, SIZE 10240000, AUTH PLAIN LOGIN". */
static void add_cap(pp_mail_session *s, const char *cap, size_t len)
{
    if (len == 0 || s->caps.len > 4096)
        return;
    char p[256];
    pp_linereader_printable(cap, len, p, sizeof p);
    pp_buf_printf(&s->caps, "%s%s", s->caps.len ? ", " : "", p);
}

/* IMAP: "IMAP4rev1 STARTTLS AUTH=PLAIN", possibly ended by ']' in a greeting. */
static void set_caps_words(pp_mail_session *s, const char *line, size_t len)
{
    pp_buf_reset(&s->caps);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && line[j] != ' ' && line[j] != ']')
            j++;
        add_cap(s, line + i, j - i);
        if (j < len && line[j] == ']')
            break;
        i = j + 1;
    }
}

/* The command word of a client line: skip an IMAP tag. */
static void verb_of(const pp_mail_session *s, const char *line, size_t len, char *out,
                    size_t outlen)
{
    size_t i = 0;
    if (s->o.proto == PP_MAIL_IMAP) {
        while (i < len && line[i] != ' ')
            i++;
        while (i < len && line[i] == ' ')
            i++;
    }
    size_t j = i;
    while (j < len && line[j] != ' ')
        j++;
    pp_linereader_printable(line + i, j - i, out, outlen);
}

static bool is_auth_verb(const char *v)
{
    static const char *const verbs[] = {"AUTH", "AUTHENTICATE", "LOGIN", "USER", "APOP", NULL};
    for (int i = 0; verbs[i]; i++)
        if (strcasecmp(v, verbs[i]) == 0)
            return true;
    return false;
}

static void record_mech(pp_mail_session *s, const char *verb, const char *line, size_t len)
{
    if (s->mech[0])
        return;
    if (strcasecmp(verb, "AUTH") == 0 || strcasecmp(verb, "AUTHENTICATE") == 0) {
        const char *p = memchr(line, ' ', len);
        if (s->o.proto == PP_MAIL_IMAP && p)
            p = memchr(p + 1, ' ', len - (size_t)(p + 1 - line));
        if (p) {
            size_t k = (size_t)(p + 1 - line), e = k;
            while (e < len && line[e] != ' ')
                e++;
            pp_linereader_printable(line + k, e - k, s->mech, sizeof s->mech);
        }
    } else if (strcasecmp(verb, "LOGIN") == 0) {
        snprintf(s->mech, sizeof s->mech, "LOGIN command");
    } else if (strcasecmp(verb, "USER") == 0) {
        snprintf(s->mech, sizeof s->mech, "USER/PASS");
    } else {
        snprintf(s->mech, sizeof s->mech, "APOP");
    }
}

static void transcript_add(pp_mail_session *s, bool out, const char *line, size_t len)
{
    char shown[512];
    pp_mailproto_redact_line(&s->redact, out, line, len, shown, sizeof shown);
    if (s->transcript.len < TRANSCRIPT_MAX)
        pp_buf_printf(&s->transcript, "%s %s\n", out ? "C:" : "S:", shown);
}

static void on_client_line(pp_mail_session *s, const char *line, size_t len)
{
    bool sasl_response = s->redact.in_sasl;
    transcript_add(s, true, line, len);
    if (sasl_response)
        return; /* part of AUTH, not a command */
    char verb[32];
    verb_of(s, line, len, verb, sizeof verb);
    snprintf(s->last_cmd, sizeof s->last_cmd, "%s", verb);
    s->awaiting = true;
    s->in_caps = strcasecmp(verb, "EHLO") == 0 || strcasecmp(verb, "CAPA") == 0;
    if (s->in_caps) {
        pp_buf_reset(&s->caps);
        s->caps_first = true;
    }
    s->await_starttls = strcasecmp(verb, "STARTTLS") == 0 || strcasecmp(verb, "STLS") == 0;
    if (is_auth_verb(verb) && isnan(s->t_auth_start)) {
        s->t_auth_start = since(&s->t0);
        record_mech(s, verb, line, len);
    }
}

static const char *greeting(const pp_mail_session *s)
{
    return s->o.proto == PP_MAIL_SMTP ? "banner" : "greeting";
}

/* Is this a first line the protocol could start with? Anything else is a server of another
 * kind (or garbage) that curl would otherwise wait on until the timeout. */
static bool plausible_greeting(const pp_mail_session *s, const char *line, size_t len)
{
    int code;
    bool last;
    switch (s->o.proto) {
    case PP_MAIL_SMTP:
        return pp_mailproto_smtp_line(line, len, &code, &last) == 0;
    case PP_MAIL_IMAP:
        return len >= 2 && line[0] == '*' && line[1] == ' ';
    default:
        return pp_mailproto_pop3_ok(line, len) >= 0;
    }
}

static void on_server_line(pp_mail_session *s, const char *line, size_t len)
{
    double now = since(&s->t0);
    transcript_add(s, false, line, len);
    bool first = isnan(s->t_banner);
    if (first && !plausible_greeting(s, line, len) && !s->abort_why[0]) {
        char p[200];
        pp_linereader_printable(line, len, p, sizeof p);
        snprintf(s->abort_why, sizeof s->abort_why, "unexpected %s: %s", greeting(s), p);
    }
    if (first) {
        s->t_banner = now;
        if (!s->abort_why[0]) /* garbage is no banner */
            pp_linereader_printable(line, len, s->banner, sizeof s->banner);
        const char *c = strstr(s->banner, "[CAPABILITY ");
        if (s->o.proto == PP_MAIL_IMAP && c)
            set_caps_words(s, c + 12, strlen(c + 12));
    }
    pp_linereader_printable(line, len, s->last_reply, sizeof s->last_reply);
    if (s->await_starttls && isnan(s->t_starttls))
        s->t_starttls = now;
    if (!isnan(s->t_auth_start) && !s->logged_in)
        s->t_auth_end = now; /* the last reply before the login is complete counts */
    if (s->o.proto == PP_MAIL_IMAP && len > 13 && strncasecmp(line, "* CAPABILITY ", 13) == 0 &&
        isnan(s->t_auth_start))
        set_caps_words(s, line + 13, len - 13);
    if (s->in_caps) {
        int code;
        bool last = false;
        if (s->o.proto == PP_MAIL_SMTP && pp_mailproto_smtp_line(line, len, &code, &last) == 0) {
            if (!s->caps_first && len > 4)
                add_cap(s, line + 4, len - 4);
        } else if (s->o.proto == PP_MAIL_POP3) {
            last = len == 1 && line[0] == '.';
            if (!s->caps_first && !last)
                add_cap(s, line, len);
        }
        s->caps_first = false;
        s->in_caps = !last;
    }
    s->awaiting = false;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    pp_mail_session *s = ctx;
    (void)h;
    if (type == CURLINFO_TEXT && isnan(s->t_connect) && size > 13 &&
        strncmp(data, "Connected to ", 13) == 0)
        s->t_connect = since(&s->t0);
    /* curl strips an overlong reply line and goes on as if it were fine */
    if (type == CURLINFO_TEXT && size > 37 && !s->abort_why[0] &&
        strncmp(data, "Excessive server response line length", 37) == 0)
        snprintf(s->abort_why, sizeof s->abort_why, "server sent an overlong line %s",
                 isnan(s->t_banner) ? "as its banner" : "");
    if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
        return 0;
    while (size > 0) {
        size_t n, used;
        if (!pp_linereader_split(data, size, &n, &used))
            n = used = size;
        if (type == CURLINFO_HEADER_OUT)
            on_client_line(s, data, n);
        else
            on_server_line(s, data, n);
        data += used;
        size -= used;
    }
    return 0;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return ((pp_mail_session *)ctx)->abort_why[0] != '\0';
}

static void on_trace(void *ctx, bool out, const char *line, size_t len)
{
    if (out)
        on_client_line(ctx, line, len);
    else
        on_server_line(ctx, line, len);
}

/* ---- our own I/O on curl's connection ---- */

static int wait_sock(pp_mail_session *s, short ev, int ms)
{
    curl_socket_t fd;
    if (curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
        fd == CURL_SOCKET_BAD)
        return -1;
    struct pollfd p = {.fd = fd, .events = ev};
    int rc;
    while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
        ;
    return rc;
}

static long curl_recv(void *ctx, char *buf, size_t len, int timeout_ms, char *err, size_t errlen)
{
    pp_mail_session *s = ctx;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        size_t n = 0;
        CURLcode rc = curl_easy_recv(s->curl, buf, len, &n);
        if (rc == CURLE_OK)
            return (long)n;
        if (rc != CURLE_AGAIN) {
            snprintf(err, errlen, "%s", curl_easy_strerror(rc));
            return -1;
        }
        int left = timeout_ms - (int)(since(&t0) * 1000);
        if (left <= 0 || wait_sock(s, POLLIN, left) == 0)
            return -2;
    }
}

static int curl_send(void *ctx, const char *buf, size_t len, int timeout_ms, char *err,
                     size_t errlen)
{
    pp_mail_session *s = ctx;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (len > 0) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->curl, buf, len, &n);
        if (rc == CURLE_OK) {
            buf += n;
            len -= n;
            continue;
        }
        if (rc != CURLE_AGAIN) {
            snprintf(err, errlen, "%s", curl_easy_strerror(rc));
            return -1;
        }
        int left = timeout_ms - (int)(since(&t0) * 1000);
        if (left <= 0 || wait_sock(s, POLLOUT, left) == 0)
            return -2;
    }
    return 0;
}

/* ---- setup ---- */

pp_mail_session *pp_mail_new(const pp_mail_opts *o)
{
    static bool curl_ready;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    pp_mail_session *s = pp_xcalloc(1, sizeof *s);
    s->o = *o;
    s->t_dns = s->t_connect = s->t_tls_done = NAN;
    s->t_banner = s->t_starttls = s->t_auth_start = s->t_auth_end = s->t_total = NAN;
    pp_buf_init(&s->caps);
    pp_buf_init(&s->transcript);
    pp_mailproto_redact_init(&s->redact, o->proto == PP_MAIL_IMAP);
    pp_linereader_io io = {.recv = curl_recv, .send = curl_send, .trace = on_trace,
                           .trace_ctx = s};
    pp_linereader_init(&s->conn, io, s);
    s->err_state = PP_OK;
    return s;
}

/* The negotiated protocol and cipher, from OpenSSL itself: curl's CURLINFO_TLS_SSL_PTR is
 * empty once a CONNECT_ONLY transfer is over. */
static int g_ssl_ex = -1;

static void on_ssl_info(const SSL *ssl, int where, int ret)
{
    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE))
        return;
    pp_mail_session *s = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ssl_ex);
    if (!s || !isnan(s->t_tls_done))
        return;
    s->t_tls_done = since(&s->t0);
    snprintf(s->tls_info, sizeof s->tls_info, "%s, %s", SSL_get_version(ssl),
             SSL_get_cipher_name(ssl));
}

static CURLcode on_ssl_ctx(CURL *h, void *ctx, void *parm)
{
    (void)h;
    if (g_ssl_ex < 0)
        g_ssl_ex = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    SSL_CTX_set_ex_data(ctx, g_ssl_ex, parm);
    SSL_CTX_set_info_callback(ctx, on_ssl_info);
    return CURLE_OK;
}

static const char *scheme(const pp_mail_opts *o)
{
    static const char *const names[3][2] = {{"smtp", "smtps"}, {"imap", "imaps"},
                                            {"pop3", "pop3s"}};
    return names[o->proto][o->tls == PP_MAIL_IMPLICIT];
}

/* A host for a URL: IPv6 literals in brackets. */
static char *url_host(const char *h)
{
    return strchr(h, ':') ? pp_xasprintf("[%s]", h) : pp_xstrdup(h);
}

static char *login_options(const pp_mail_opts *o)
{
    if (!o->mech || strcmp(o->mech, "*") == 0 || strcasecmp(o->mech, "any") == 0)
        return pp_xstrdup("AUTH=*");
    return pp_xasprintf("AUTH=%s", o->mech);
}

/* IMAP LOGIN and POP3 USER/PASS are ours: curl 7.88 cannot be made to use them when the
 * server offers SASL. */
static bool own_login(const pp_mail_opts *o)
{
    if (!o->user || !o->mech)
        return false;
    return (o->proto == PP_MAIL_POP3 && strcasecmp(o->mech, "+USER") == 0) ||
           (o->proto == PP_MAIL_IMAP && strcasecmp(o->mech, "+LOGIN") == 0);
}

static void setup_curl(pp_mail_session *s, char **url, char **connect_to, char **opts)
{
    const pp_mail_opts *o = &s->o;
    CURL *h = s->curl;
    char *host = url_host(o->sni ? o->sni : o->host);
    char *path = NULL;
    if (o->proto == PP_MAIL_SMTP && o->helo)
        path = curl_easy_escape(h, o->helo, 0);
    *url = pp_xasprintf("%s://%s:%ld/%s", scheme(o), host, o->port, path ? path : "");
    curl_free(path);
    curl_easy_setopt(h, CURLOPT_URL, *url);
    if (o->sni) {
        char *real = url_host(o->host);
        *connect_to = pp_xasprintf("%s:%ld:%s:%ld", host, o->port, real, o->port);
        free(real);
        s->connect_to = curl_slist_append(NULL, *connect_to);
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, s->connect_to);
    }
    free(host);
    curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->curlerr);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
    curl_easy_setopt(h, CURLOPT_IPRESOLVE, o->family == AF_INET    ? CURL_IPRESOLVE_V4
                                           : o->family == AF_INET6 ? CURL_IPRESOLVE_V6
                                                                   : CURL_IPRESOLVE_WHATEVER);
    if (o->tls == PP_MAIL_STARTTLS)
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (o->tls != PP_MAIL_PLAIN) {
        curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
        curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, s);
    }
    if (o->cafile) {
        curl_easy_setopt(h, CURLOPT_CAINFO, o->cafile);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
    if (o->user && !own_login(o)) {
        curl_easy_setopt(h, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, o->password ? o->password : "");
        *opts = login_options(o);
        curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, *opts);
        curl_easy_setopt(h, CURLOPT_SASL_IR, 1L);
    }
    long ms = (long)(pp_linereader_time_left() * 1000);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
}

static double curl_time(CURL *h, CURLINFO what)
{
    curl_off_t us = 0;
    if (curl_easy_getinfo(h, what, &us) != CURLE_OK || us <= 0)
        return NAN;
    return (double)us / 1e6;
}

static void read_times(pp_mail_session *s)
{
    s->t_dns = curl_time(s->curl, CURLINFO_NAMELOOKUP_TIME_T);
    if (isnan(s->t_connect)) /* curl did not say "Connected to" */
        s->t_connect = curl_time(s->curl, CURLINFO_CONNECT_TIME_T);
    if (isnan(s->t_tls_done) && s->o.tls != PP_MAIL_PLAIN)
        s->t_tls_done = curl_time(s->curl, CURLINFO_APPCONNECT_TIME_T);
}

/* ---- failures in words ---- */

static void where(const pp_mail_session *s, char *out, size_t len)
{
    bool tls_done = !isnan(s->t_tls_done);
    if (isnan(s->t_connect))
        snprintf(out, len, "connecting to %s port %ld", s->o.host, s->o.port);
    else if (s->o.tls == PP_MAIL_IMPLICIT && !tls_done)
        snprintf(out, len, "in the TLS handshake");
    else if (isnan(s->t_banner))
        snprintf(out, len, "waiting for the %s", greeting(s));
    else if (!isnan(s->t_starttls) && !tls_done)
        snprintf(out, len, "in the TLS handshake after %s", s->last_cmd);
    else if (s->awaiting)
        snprintf(out, len, "waiting for the reply to %s", s->last_cmd);
    else
        snprintf(out, len, "after %s%s", s->last_cmd[0] ? "" : "the ",
                 s->last_cmd[0] ? s->last_cmd : greeting(s));
}

/* Calls fn for each capability item; stops when fn returns true. */
static bool each_cap(const pp_mail_session *s, bool (*fn)(const char *item, void *ctx), void *ctx)
{
    const char *c = pp_buf_str(&s->caps);
    char *copy = pp_xstrdup(c ? c : ""), *save = NULL;
    bool found = false;
    for (char *w = strtok_r(copy, ",", &save); w && !found; w = strtok_r(NULL, ",", &save))
        found = fn(w + (*w == ' '), ctx);
    free(copy);
    return found;
}

/* The AUTH mechanisms the server listed: "AUTH PLAIN LOGIN" (SMTP), "AUTH=PLAIN" (IMAP),
 * "SASL PLAIN LOGIN" (POP3). */
static bool add_mechs(const char *item, void *ctx)
{
    pp_buf *out = ctx;
    if ((strncasecmp(item, "AUTH", 4) == 0 || strncasecmp(item, "SASL", 4) == 0) &&
        (item[4] == ' ' || item[4] == '=')) {
        const char *m = item + 5;
        if (*m)
            pp_buf_printf(out, "%s%s", out->len ? " " : "", m);
    }
    return false;
}

static bool cap_is(const char *item, void *ctx)
{
    return strcasecmp(item, ctx) == 0;
}

static bool has_cap(const pp_mail_session *s, const char *cap)
{
    return each_cap(s, cap_is, (void *)cap);
}

static void no_auth_offered(pp_mail_session *s)
{
    bool starttls = has_cap(s, s->o.proto == PP_MAIL_POP3 ? "STLS" : "STARTTLS");
    fail(s, PP_CRITICAL, "server offers no AUTH%s", s->o.tls == PP_MAIL_PLAIN && starttls
                                                        ? " before STARTTLS (use -S)" : "");
}

static void login_denied(pp_mail_session *s)
{
    if (isnan(s->t_auth_start)) {
        pp_buf offered;
        pp_buf_init(&offered);
        each_cap(s, add_mechs, &offered);
        if (offered.len)
            fail(s, PP_CRITICAL, "no usable AUTH mechanism%s%s (server offers %s)",
                 s->o.mech ? " for " : "", s->o.mech ? s->o.mech : "", offered.s);
        else
            no_auth_offered(s);
        pp_buf_free(&offered);
        return;
    }
    fail(s, PP_CRITICAL, "AUTH %s rejected for %s: %s", s->mech, s->o.user, s->last_reply);
}

static void curl_failed(pp_mail_session *s, CURLcode rc)
{
    char at[128];
    const char *why = s->curlerr[0] ? s->curlerr : curl_easy_strerror(rc);
    where(s, at, sizeof at);
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
        fail(s, PP_CRITICAL, "cannot resolve %s: %s", s->o.host, why);
        break;
    case CURLE_COULDNT_CONNECT: {
        long e = 0;
        curl_easy_getinfo(s->curl, CURLINFO_OS_ERRNO, &e);
        if (e == ECONNREFUSED)
            fail(s, PP_CRITICAL, "connection to %s port %ld refused", s->o.host, s->o.port);
        else
            fail(s, PP_CRITICAL, "cannot connect to %s port %ld: %s", s->o.host, s->o.port,
                 e ? strerror((int)e) : why);
        break;
    }
    case CURLE_OPERATION_TIMEDOUT:
        fail(s, PP_CRITICAL, "timed out after %.1f s %s", since(&s->t0), at);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        fail(s, PP_UNKNOWN, "cannot use CA file %s: %s", s->o.cafile ? s->o.cafile : "", why);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        fail(s, PP_CRITICAL, "certificate verification failed: %s (see --cafile, --sni, "
             "--insecure)", why);
        break;
    case CURLE_SSL_CONNECT_ERROR:
        if (strstr(why, "SSL_ERROR_SYSCALL"))
            fail(s, PP_CRITICAL, "connection closed by the server %s", at);
        else
            fail(s, PP_CRITICAL, "TLS handshake failed: %s", why);
        break;
    case CURLE_USE_SSL_FAILED:
        fail(s, PP_CRITICAL, "server does not offer %s", s->o.proto == PP_MAIL_POP3 ? "STLS"
                                                                                : "STARTTLS");
        break;
    case CURLE_LOGIN_DENIED:
        login_denied(s);
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        fail(s, PP_CRITICAL, "%s", s->abort_why);
        break;
    case CURLE_WEIRD_SERVER_REPLY:
        if (isnan(s->t_banner))
            fail(s, PP_CRITICAL, "unexpected reply %s", at);
        else if (!s->last_cmd[0])
            fail(s, PP_CRITICAL, "unexpected %s: %s", greeting(s), s->last_reply);
        else
            fail(s, PP_CRITICAL, "unexpected reply to %s: %s", s->last_cmd, s->last_reply);
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        fail(s, PP_CRITICAL, "connection lost %s (%s)", at, why);
        break;
    default:
        fail(s, PP_CRITICAL, "%s %s", why, at);
        break;
    }
}

void pp_mail_fail(pp_mail_session *s, int status, const char *cmd, const char *text)
{
    switch (status) {
    case PP_LR_TIMEOUT:
        fail(s, PP_CRITICAL, "timed out after %.1f s waiting for the reply to %s", since(&s->t0),
             cmd);
        break;
    case PP_LR_EOF:
        fail(s, PP_CRITICAL, "connection closed by the server after %s", cmd);
        break;
    case PP_LR_OVERLONG:
        fail(s, PP_CRITICAL, "%s in reply to %s", pp_linereader_strerror(status), cmd);
        break;
    case PP_MP_GARBAGE:
        fail(s, PP_CRITICAL, "unexpected reply to %s: %s", cmd, text ? text : "");
        break;
    case PP_LR_ERROR:
        fail(s, PP_CRITICAL, "connection error after %s: %s", cmd, s->conn.err);
        break;
    default:
        fail(s, PP_CRITICAL, "%s failed: %s", cmd, text ? text : "");
        break;
    }
}

/* ---- login ---- */

static int pop3_user_pass(pp_mail_session *s, char *text, size_t textlen, int *ok)
{
    char *cmd = pp_xasprintf("USER %s", s->o.user);
    int st = pp_mailproto_pop3_cmd(&s->conn, cmd, false, ok, text, textlen, NULL, NULL);
    free(cmd);
    if (st == PP_LR_LINE && *ok == 1) {
        cmd = pp_xasprintf("PASS %s", s->o.password);
        st = pp_mailproto_pop3_cmd(&s->conn, cmd, false, ok, text, textlen, NULL, NULL);
        memset(cmd, 0, strlen(cmd));
        free(cmd);
    }
    *ok = *ok == 1;
    return st;
}

static int imap_login(pp_mail_session *s, char *text, size_t textlen, int *ok)
{
    char *user = pp_mailproto_imap_quote(s->o.user);
    char *pass = pp_mailproto_imap_quote(s->o.password);
    int st = PP_LR_LINE, kind = 0;
    *ok = 0;
    if (!user || !pass) {
        snprintf(text, textlen, "the user or password holds characters LOGIN cannot quote "
                                "(use AUTHENTICATE: leave out -A)");
    } else {
        char *cmd = pp_xasprintf("LOGIN %s %s", user, pass);
        st = pp_mailproto_imap_cmd(&s->conn, pp_mail_tag(s), cmd, &kind, text, textlen, NULL,
                                   NULL);
        memset(cmd, 0, strlen(cmd));
        free(cmd);
        *ok = kind == PP_IMAP_OK;
    }
    free(user);
    if (pass)
        memset(pass, 0, strlen(pass));
    free(pass);
    return st;
}

static int own_login_run(pp_mail_session *s)
{
    char text[256] = "";
    int ok = 0;
    int st = s->o.proto == PP_MAIL_POP3 ? pop3_user_pass(s, text, sizeof text, &ok)
                                        : imap_login(s, text, sizeof text, &ok);
    if (st != PP_LR_LINE) {
        pp_mail_fail(s, st, s->last_cmd, text);
        return -1;
    }
    if (!ok) {
        fail(s, PP_CRITICAL, "AUTH %s rejected for %s: %s", s->mech[0] ? s->mech : s->o.mech,
             s->o.user, text);
        return -1;
    }
    return 0;
}

int pp_mail_login(pp_mail_session *s)
{
    char *url = NULL, *connect_to = NULL, *opts = NULL;
    s->curl = curl_easy_init();
    if (!s->curl) {
        fail(s, PP_UNKNOWN, "cannot initialise libcurl");
        return -1;
    }
    setup_curl(s, &url, &connect_to, &opts);
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    CURLcode rc = curl_easy_perform(s->curl);
    read_times(s);
    free(url);
    free(connect_to);
    free(opts);
    if (rc != CURLE_OK) {
        curl_failed(s, rc);
        return -1;
    }
    if (own_login(&s->o) && own_login_run(s) != 0)
        return -1;
    s->logged_in = true;
    if (s->o.user && isnan(s->t_auth_start)) {
        no_auth_offered(s);
        return -1;
    }
    return 0;
}

pp_linereader *pp_mail_conn(pp_mail_session *s)
{
    return &s->conn;
}

const char *pp_mail_tag(pp_mail_session *s)
{
    snprintf(s->tagbuf, sizeof s->tagbuf, "pp%u", ++s->tag);
    return s->tagbuf;
}

int pp_mail_quit(pp_mail_session *s)
{
    char text[256];
    int st, kind, code;
    switch (s->o.proto) {
    case PP_MAIL_SMTP:
        st = pp_mailproto_smtp_cmd(&s->conn, "QUIT", &code, text, sizeof text);
        break;
    case PP_MAIL_IMAP:
        st = pp_mailproto_imap_cmd(&s->conn, pp_mail_tag(s), "LOGOUT", &kind, text, sizeof text,
                                   NULL, NULL);
        break;
    default:
        st = pp_mailproto_pop3_cmd(&s->conn, "QUIT", false, &kind, text, sizeof text, NULL, NULL);
        break;
    }
    s->t_total = since(&s->t0);
    return st;
}

void pp_mail_free(pp_mail_session *s)
{
    if (!s)
        return;
    if (s->curl)
        curl_easy_cleanup(s->curl);
    curl_slist_free_all(s->connect_to);
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

static double diff(double end, double start)
{
    return isnan(end) || isnan(start) ? NAN : end - start > 0 ? end - start : 0;
}

double pp_mail_time(const pp_mail_session *s, pp_mail_phase p)
{
    bool implicit = s->o.tls == PP_MAIL_IMPLICIT;
    switch (p) {
    case PP_PHASE_DNS:
        return isnan(s->t_connect) ? s->t_dns : isnan(s->t_dns) ? 0 : s->t_dns;
    case PP_PHASE_CONNECT:
        return diff(s->t_connect, isnan(s->t_dns) ? 0 : s->t_dns);
    case PP_PHASE_TLS:
        return diff(s->t_tls_done, implicit ? s->t_connect : s->t_starttls);
    case PP_PHASE_BANNER:
        return diff(s->t_banner, implicit ? s->t_tls_done : s->t_connect);
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
    return s->mech[0] ? s->mech : NULL;
}

const char *pp_mail_tls_info(const pp_mail_session *s)
{
    return s->tls_info[0] ? s->tls_info : NULL;
}

const char *pp_mail_transcript(const pp_mail_session *s)
{
    return pp_buf_str(&s->transcript);
}
