/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mailsession - common/mail/mailsession.c end to end against a scripted server on a loopback
 * port in a thread of the test: the AUTH exchanges the test stack's Dovecot does not offer
 * (CRAM-MD5, SCRAM-SHA-256 with a server that proves it knows the password and one that
 * does not, PLAIN without SASL-IR on IMAP, APOP), phases and their timings, the transcript
 * without secrets, a server that closes the connection after the greeting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mail/mailsession.h"
#include "mail/sasl.h"

#define USER "alice@example.org"
#define PASS "pencil-4711"

typedef void (*script_fn)(int fd);

typedef struct server {
    int listen_fd;
    long port;
    script_fn script;
    pthread_t thread;
} server;

static void say(int fd, const char *s)
{
    ssize_t r = send(fd, s, strlen(s), MSG_NOSIGNAL);
    (void)r;
}

/* One line from the client, without CR LF; "" when it is gone. */
static char *hear(int fd)
{
    static char line[4096];
    size_t n = 0;
    char c;
    while (n + 1 < sizeof line && recv(fd, &c, 1, 0) == 1 && c != '\n')
        if (c != '\r')
            line[n++] = c;
    line[n] = '\0';
    return line;
}

static void *serve(void *arg)
{
    server *s = arg;
    int fd = accept(s->listen_fd, NULL, NULL);
    struct timeval tv = {.tv_sec = 5}; /* a test that goes wrong must not hang */
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        s->script(fd);
        close(fd);
    }
    return NULL;
}

static void start(server *s, script_fn script)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s->listen_fd, 1), 0);
    getsockname(s->listen_fd, (struct sockaddr *)&sa, &len);
    s->port = ntohs(sa.sin_port);
    s->script = script;
    pthread_create(&s->thread, NULL, serve, s);
}

static void stop(server *s)
{
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}

static bool g_plaintext_ok = true; /* --allow-plaintext */
static long g_iterations = 4096;   /* what smtp_scram asks for */

/* A login against a fresh server playing script; returns the session (to be freed). */
static pp_mail_session *login(pp_mail_proto proto, const char *mech, script_fn script,
                              server *srv)
{
    start(srv, script);
    pp_mail_opts o = {.proto = proto, .tls = PP_MAIL_PLAIN, .host = "127.0.0.1",
                      .port = srv->port, .user = USER, .password = PASS, .mech = mech,
                      .helo = "client.test", .allow_plaintext = g_plaintext_ok};
    pp_mail_session *s = pp_mail_new(&o);
    if (pp_mail_login(s) == 0)
        pp_mail_quit(s);
    return s;
}

/* ---- SMTP CRAM-MD5 ---- */

static void smtp_cram(int fd)
{
    static const char challenge[] = "<4711.1234567@server.test>";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen;
    char want[256], hex[65];
    say(fd, "220 server.test ESMTP\r\n");
    if (strcmp(hear(fd), "EHLO client.test") != 0)
        return;
    say(fd, "250-server.test\r\n250 AUTH CRAM-MD5 PLAIN\r\n");
    if (strcmp(hear(fd), "AUTH CRAM-MD5") != 0)
        return;
    char *ch = pp_sasl_b64((const unsigned char *)challenge, strlen(challenge));
    char line[300];
    snprintf(line, sizeof line, "334 %s\r\n", ch);
    free(ch);
    say(fd, line);
    size_t n;
    char *resp = (char *)pp_sasl_unb64(hear(fd), &n);
    HMAC(EVP_md5(), PASS, (int)strlen(PASS), (const unsigned char *)challenge,
         strlen(challenge), mac, &maclen);
    for (unsigned i = 0; i < maclen; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    snprintf(want, sizeof want, "%s %s", USER, hex);
    say(fd, resp && strcmp(resp, want) == 0 ? "235 2.7.0 ok\r\n" : "535 5.7.8 no\r\n");
    free(resp);
    if (strcmp(hear(fd), "QUIT") == 0)
        say(fd, "221 bye\r\n");
}

static void test_smtp_cram_md5(void **state)
{
    (void)state;
    server srv;
    pp_mail_session *s = login(PP_MAIL_SMTP, NULL, smtp_cram, &srv); /* best offered */
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_OK);
    assert_string_equal(pp_mail_mech(s), "CRAM-MD5");
    assert_true(pp_mail_time(s, PP_PHASE_AUTH) >= 0);
    assert_true(pp_mail_time(s, PP_PHASE_TOTAL) >= pp_mail_time(s, PP_PHASE_AUTH));
    assert_true(isnan(pp_mail_time(s, PP_PHASE_TLS)));
    assert_string_equal(pp_mail_caps(s), "AUTH CRAM-MD5 PLAIN");
    assert_non_null(strstr(pp_mail_transcript(s), "C: AUTH CRAM-MD5\n"));
    assert_null(strstr(pp_mail_transcript(s), PASS));
    pp_mail_free(s);
}

/* ---- SMTP SCRAM-SHA-256: the server's side of RFC 5802 ---- */

static bool g_server_lies;

static void scram_keys(const unsigned char *salt, size_t saltlen, unsigned char *ckey,
                       unsigned char *skey)
{
    unsigned char salted[32];
    unsigned int n;
    PKCS5_PBKDF2_HMAC(PASS, (int)strlen(PASS), salt, (int)saltlen, (int)g_iterations,
                      EVP_sha256(), 32, salted);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Client Key", 10, ckey, &n);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Server Key", 10, skey, &n);
}

static int g_auth_lines;
static bool g_proof_seen; /* smtp_scram received a client proof */ /* AUTH, LOGIN, USER, PASS or APOP lines the server received */

static void smtp_scram(int fd)
{
    static const unsigned char salt[] = "pp-test-salt";
    unsigned char ckey[32], skey[32], stored[32], csig[32], ssig[32], proof[32];
    unsigned int n;
    size_t len;
    char line[1024], first_bare[512], server_first[512], without_proof[512];
    say(fd, "220 server.test ESMTP\r\n");
    hear(fd);
    say(fd, "250-server.test\r\n250 AUTH PLAIN SCRAM-SHA-256 LOGIN\r\n");
    char *cmd = hear(fd);
    if (strncmp(cmd, "AUTH SCRAM-SHA-256 ", 19) != 0)
        return;
    char *cf = (char *)pp_sasl_unb64(cmd + 19, &len); /* "n,,n=USER,r=NONCE" */
    snprintf(first_bare, sizeof first_bare, "%s", cf + 3);
    char *cnonce = strstr(cf, ",r=") + 3;
    char *salt64 = pp_sasl_b64(salt, sizeof salt - 1);
    snprintf(server_first, sizeof server_first, "r=%sSRV,s=%s,i=%ld", cnonce, salt64,
             g_iterations);
    free(salt64);
    free(cf);
    char *b = pp_sasl_b64((unsigned char *)server_first, strlen(server_first));
    snprintf(line, sizeof line, "334 %s\r\n", b);
    free(b);
    say(fd, line);
    char *final = (char *)pp_sasl_unb64(hear(fd), &len); /* "c=biws,r=...,p=PROOF" */
    char *p = final ? strstr(final, ",p=") : NULL;
    g_proof_seen = p != NULL;
    if (!p) { /* "*": the client cancelled */
        free(final);
        say(fd, "501 5.7.0 cancelled\r\n");
        if (strcmp(hear(fd), "QUIT") == 0)
            say(fd, "221 bye\r\n");
        return;
    }
    snprintf(without_proof, sizeof without_proof, "%.*s", (int)(p - final), final);
    unsigned char *got = pp_sasl_unb64(p + 3, &len);
    free(final);
    scram_keys(salt, sizeof salt - 1, ckey, skey);
    EVP_Digest(ckey, 32, stored, &n, EVP_sha256(), NULL);
    char *auth = NULL;
    int al = asprintf(&auth, "%s,%s,%s", first_bare, server_first, without_proof);
    HMAC(EVP_sha256(), stored, 32, (unsigned char *)auth, (size_t)al, csig, &n);
    HMAC(EVP_sha256(), skey, 32, (unsigned char *)auth, (size_t)al, ssig, &n);
    free(auth);
    for (int i = 0; i < 32; i++)
        proof[i] = ckey[i] ^ csig[i];
    bool ok = got && len == 32 && memcmp(got, proof, 32) == 0;
    free(got);
    if (!ok) {
        say(fd, "535 5.7.8 bad proof\r\n");
        return;
    } else {
        if (g_server_lies)
            ssig[0] ^= 1;
        char *v64 = pp_sasl_b64(ssig, 32), v[128];
        snprintf(v, sizeof v, "v=%s", v64);
        free(v64);
        b = pp_sasl_b64((unsigned char *)v, strlen(v));
        snprintf(line, sizeof line, "334 %s\r\n", b);
        free(b);
        say(fd, line);
        if (strcmp(hear(fd), "") != 0) {
            say(fd, "535 5.7.8 cancelled\r\n");
            return;
        }
        say(fd, "235 2.7.0 ok\r\n");
    }
    if (strcmp(hear(fd), "QUIT") == 0)
        say(fd, "221 bye\r\n");
}

static void test_smtp_scram(void **state)
{
    (void)state;
    server srv;
    g_server_lies = false;
    pp_mail_session *s = login(PP_MAIL_SMTP, NULL, smtp_scram, &srv);
    stop(&srv);
    assert_string_equal(pp_mail_error(s), "");
    assert_string_equal(pp_mail_mech(s), "SCRAM-SHA-256");
    assert_null(strstr(pp_mail_transcript(s), PASS));
    pp_mail_free(s);

    g_server_lies = true;
    s = login(PP_MAIL_SMTP, "SCRAM-SHA-256", smtp_scram, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    assert_non_null(strstr(pp_mail_error(s), "AUTH SCRAM-SHA-256 failed: SCRAM: the server's "
                                              "signature does not verify"));
    pp_mail_free(s);
}

/* A server offering i=1 gets no proof: the exchange is cancelled before one is computed. */
static void test_scram_few_iterations(void **state)
{
    (void)state;
    server srv;
    g_server_lies = false;
    g_iterations = 1;
    pp_mail_session *s = login(PP_MAIL_SMTP, NULL, smtp_scram, &srv);
    stop(&srv);
    g_iterations = 4096;
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    assert_string_equal(pp_mail_error(s), "AUTH SCRAM-SHA-256 failed: SCRAM: the server asks "
                        "for 1 iterations, fewer than 4096 (RFC 7677; --scram-min-iterations "
                        "to accept it)");
    assert_false(g_proof_seen); /* cancelled before the proof */
    pp_mail_free(s);
}

/* ---- no credential in the clear ---- */

/* A server offering AUTH PLAIN LOGIN (and maybe STARTTLS) in the clear; it counts every line
 * that would carry a credential. */
static bool g_offer_starttls;

static void smtp_plain_only(int fd)
{
    say(fd, "220 server.test ESMTP\r\n");
    for (char *l = hear(fd); *l; l = hear(fd)) {
        if (strncasecmp(l, "EHLO", 4) == 0)
            say(fd, g_offer_starttls ? "250-server.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"
                                     : "250-server.test\r\n250 AUTH PLAIN LOGIN\r\n");
        else if (strncasecmp(l, "QUIT", 4) == 0) {
            say(fd, "221 bye\r\n");
            return;
        } else {
            g_auth_lines++;
            say(fd, "535 5.7.8 no\r\n");
        }
    }
}

static void pop3_user_only(int fd)
{
    say(fd, "+OK POP3 ready\r\n");
    for (char *l = hear(fd); *l; l = hear(fd)) {
        if (strcmp(l, "CAPA") == 0) {
            say(fd, "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
        } else if (strcmp(l, "QUIT") == 0) {
            say(fd, "+OK bye\r\n");
            return;
        } else {
            g_auth_lines++;
            say(fd, "-ERR no\r\n");
        }
    }
}

static void test_no_credentials_in_clear(void **state)
{
    (void)state;
    server srv;
    g_plaintext_ok = false;
    g_auth_lines = 0;
    g_offer_starttls = false;
    pp_mail_session *s = login(PP_MAIL_SMTP, NULL, smtp_plain_only, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    assert_string_equal(pp_mail_error(s), "127.0.0.1 offers no TLS: refusing to send "
                        "credentials in the clear (--allow-plaintext to allow)");
    pp_mail_free(s);

    g_offer_starttls = true; /* -S forgotten: the check's fault, UNKNOWN */
    s = login(PP_MAIL_SMTP, "PLAIN", smtp_plain_only, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_UNKNOWN);
    assert_non_null(strstr(pp_mail_error(s), "127.0.0.1 offers STARTTLS, which this check "
                                              "was not told to use"));
    pp_mail_free(s);

    s = login(PP_MAIL_POP3, "+USER", pop3_user_only, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    pp_mail_free(s);
    assert_int_equal(g_auth_lines, 0);

    /* --allow-plaintext: still no mechanism that sends the password, unless -A names one */
    g_plaintext_ok = true;
    g_offer_starttls = false;
    s = login(PP_MAIL_SMTP, NULL, smtp_plain_only, &srv);
    stop(&srv);
    assert_string_equal(pp_mail_error(s), "no challenge-response mechanism without TLS "
                        "(server offers PLAIN LOGIN; -A names one to send the password in "
                        "the clear anyway)");
    pp_mail_free(s);
    s = login(PP_MAIL_POP3, NULL, pop3_user_only, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    pp_mail_free(s);
    assert_int_equal(g_auth_lines, 0);
    s = login(PP_MAIL_SMTP, "PLAIN", smtp_plain_only, &srv);
    stop(&srv);
    assert_non_null(strstr(pp_mail_error(s), "AUTH PLAIN rejected for " USER));
    pp_mail_free(s);
    assert_int_equal(g_auth_lines, 1);
}

/* No CR or LF reaches a command: refused before any connection. */
static void test_line_breaks_refused(void **state)
{
    (void)state;
    char err[200];
    pp_mail_opts o = {.proto = PP_MAIL_SMTP, .host = "127.0.0.1", .port = 1, .user = USER,
                      .password = "pw\r\nRSET"};
    assert_int_equal(pp_mail_opts_check(&o, err, sizeof err), -1);
    assert_string_equal(err, "the password holds a line break (CR or LF), which would end a "
                             "protocol command early");
    o.password = PASS;
    o.helo = "client.test\nMAIL FROM:<x>";
    assert_int_equal(pp_mail_opts_check(&o, err, sizeof err), -1);
    assert_non_null(strstr(err, "the EHLO name (-F)"));
    pp_mail_session *s = pp_mail_new(&o);
    assert_int_equal(pp_mail_login(s), -1);
    assert_int_equal(pp_mail_error_state(s), PP_UNKNOWN);
    pp_mail_free(s);
    o.helo = "client.test";
    assert_int_equal(pp_mail_opts_check(&o, err, sizeof err), 0);
}

/* ---- IMAP AUTHENTICATE PLAIN without SASL-IR ---- */

static void imap_plain(int fd)
{
    char tag[16], *line;
    say(fd, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] server.test ready\r\n");
    line = hear(fd);
    if (sscanf(line, "%15s", tag) != 1 || strcmp(line + strlen(tag), " AUTHENTICATE PLAIN"))
        return;
    say(fd, "+ \r\n");
    size_t n;
    unsigned char *blob = pp_sasl_unb64(hear(fd), &n);
    bool ok = blob && n == strlen(USER) + strlen(PASS) + 2 &&
              memcmp(blob + 1, USER, strlen(USER)) == 0;
    free(blob);
    char out[128];
    snprintf(out, sizeof out, "* CAPABILITY IMAP4rev1\r\n%s %s\r\n", tag, ok ? "OK in" : "NO");
    say(fd, out);
    line = hear(fd);
    if (sscanf(line, "%15s", tag) == 1) {
        snprintf(out, sizeof out, "* BYE\r\n%s OK bye\r\n", tag);
        say(fd, out);
    }
}

static void test_imap_plain_without_ir(void **state)
{
    (void)state;
    server srv;
    pp_mail_session *s = login(PP_MAIL_IMAP, "PLAIN", imap_plain, &srv);
    stop(&srv);
    assert_string_equal(pp_mail_error(s), "");
    assert_string_equal(pp_mail_mech(s), "PLAIN");
    assert_non_null(strstr(pp_mail_transcript(s), "C: pp1 AUTHENTICATE PLAIN\n"));
    assert_non_null(strstr(pp_mail_transcript(s), "C: ***\n"));
    pp_mail_free(s);
}

/* ---- POP3 APOP ---- */

static void pop3_apop(int fd)
{
    static const char stamp[] = "<1896.697170952@server.test>";
    unsigned char md[16];
    char hex[33], want[128], greeting[128];
    snprintf(greeting, sizeof greeting, "+OK POP3 ready %s\r\n", stamp);
    say(fd, greeting);
    if (strcmp(hear(fd), "CAPA") == 0)
        say(fd, "-ERR no CAPA here\r\n");
    char *raw = NULL;
    int rl = asprintf(&raw, "%s%s", stamp, PASS);
    EVP_Digest(raw, (size_t)rl, md, NULL, EVP_md5(), NULL);
    free(raw);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(want, sizeof want, "APOP %s %s", USER, hex);
    say(fd, strcmp(hear(fd), want) == 0 ? "+OK maildrop locked\r\n" : "-ERR denied\r\n");
    if (strcmp(hear(fd), "QUIT") == 0)
        say(fd, "+OK bye\r\n");
}

static void test_pop3_apop(void **state)
{
    (void)state;
    server srv;
    pp_mail_session *s = login(PP_MAIL_POP3, "+APOP", pop3_apop, &srv);
    stop(&srv);
    assert_string_equal(pp_mail_error(s), "");
    assert_string_equal(pp_mail_mech(s), "APOP");
    assert_non_null(strstr(pp_mail_transcript(s), "C: APOP " USER " ***\n"));
    pp_mail_free(s);
}

/* ---- a server that leaves without answering EHLO ---- */

static void smtp_leaves(int fd)
{
    say(fd, "220 server.test ESMTP\r\n");
    /* Read EHLO before closing: a close with unread input would be a reset, not an end. */
    (void)hear(fd);
}

static void test_closed_after_greeting(void **state)
{
    (void)state;
    server srv;
    pp_mail_session *s = login(PP_MAIL_SMTP, NULL, smtp_leaves, &srv);
    stop(&srv);
    assert_int_equal(pp_mail_error_state(s), PP_CRITICAL);
    assert_string_equal(pp_mail_error(s), "connection closed by the server while waiting for "
                                          "the reply to EHLO");
    assert_string_equal(pp_mail_banner(s), "220 server.test ESMTP");
    assert_false(isnan(pp_mail_time(s, PP_PHASE_BANNER)));
    assert_true(isnan(pp_mail_time(s, PP_PHASE_AUTH)));
    pp_mail_free(s);
}

/* Each protocol takes the SASL mechanisms, any case, and its own classic logins only. */
static void test_mech_check(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(pp_mail_mech_check(PP_MAIL_SMTP, "scram-sha-256", err, sizeof err), 0);
    assert_int_equal(pp_mail_mech_check(PP_MAIL_IMAP, "+login", err, sizeof err), 0);
    assert_int_equal(pp_mail_mech_check(PP_MAIL_POP3, "+USER", err, sizeof err), 0);
    assert_int_equal(pp_mail_mech_check(PP_MAIL_POP3, "+APOP", err, sizeof err), 0);
    assert_int_equal(pp_mail_mech_check(PP_MAIL_SMTP, "+LOGIN", err, sizeof err), -1);
    assert_string_equal(err, "+LOGIN: not a mechanism this plugin speaks (PLAIN, LOGIN, "
                             "CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256)");
    assert_int_equal(pp_mail_mech_check(PP_MAIL_IMAP, "+APOP", err, sizeof err), -1);
    assert_non_null(strstr(err, "SCRAM-SHA-256, +LOGIN)"));
    assert_int_equal(pp_mail_mech_check(PP_MAIL_POP3, "GSSAPI", err, sizeof err), -1);
    assert_non_null(strstr(err, "+USER, +APOP)"));
    assert_int_equal(pp_mail_mech_check(PP_MAIL_SMTP, "", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smtp_cram_md5),       cmocka_unit_test(test_smtp_scram),
        cmocka_unit_test(test_imap_plain_without_ir), cmocka_unit_test(test_pop3_apop),
        cmocka_unit_test(test_closed_after_greeting), cmocka_unit_test(test_mech_check),
        cmocka_unit_test(test_scram_few_iterations),
        cmocka_unit_test(test_no_credentials_in_clear),
        cmocka_unit_test(test_line_breaks_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
