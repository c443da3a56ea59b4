/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hostile_server - a misbehaving server on 127.0.0.1 for the hostile-server tests.
 *
 *   hostile_server [-r READYFILE] [-l LIFETIME] PROTO MODE PORT
 *
 * Listens on 127.0.0.1:PORT only (TCP; UDP as well for dns and udp), creates READYFILE once
 * it does, serves each TCP connection in a child process, and exits after LIFETIME seconds
 * (default 120) or on SIGTERM; children die with it.
 *
 * PROTO smtp, imap, pop3 (a plain port whose greeting and STARTTLS dialogue are that
 * protocol's), tls (an implicit-TLS port), dns (UDP and TCP), udp (any UDP service: SNMP).
 * MODE:
 *   silent            accept (or read the datagram) and never say anything
 *   drip              the greeting, one byte a second
 *   longline          a greeting line of 100 KB before its line end, then nothing
 *   reject            a 5xx greeting ("554", "* BYE", "-ERR"), then the protocol's answers
 *   busy              a "421" greeting (imap "* BYE", pop3 "-ERR"), then close
 *   starttls-close    the dialogue up to STARTTLS/STLS, accepted, then close after the
 *                     client's first TLS bytes
 *   starttls-garbage  the same, then bytes that are not TLS
 *   tls-close         (tls) close after the client's first TLS bytes
 *   tls-garbage       (tls) answer the ClientHello with bytes that are not TLS
 *   garbage           (smtp, imap, pop3) a greeting of binary junk, then nothing
 *   nostarttls        a server that offers neither STARTTLS/STLS nor (smtp) AUTH
 *   plainauth         AUTH PLAIN LOGIN (imap AUTH=PLAIN, pop3 USER and SASL PLAIN) offered
 *                     without STARTTLS; every line that would carry a credential (AUTH,
 *                     AUTHENTICATE, LOGIN, USER, PASS, APOP) is refused and its verb
 *                     appended to READYFILE.creds, so a test can prove none arrived
 *   starttls-inject   STARTTLS/STLS accepted with a second line behind the reply (the
 *                     command injection of CVE-2011-0411)
 *   truncated         (dns) UDP answers with the TC bit and no records; over TCP a length
 *                     prefix promising more than is ever sent
 *   cut               (dns) UDP answers announcing a record and ending inside it
 *   garbage           (udp, dns) answer each datagram with junk
 * Only for tests: it binds loopback and talks to nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *g_proto, *g_mode, *g_ready;

static bool mode_is(const char *m)
{
    return strcmp(g_mode, m) == 0;
}

static bool proto_is(const char *p)
{
    return strcmp(g_proto, p) == 0;
}

/* Send everything; exit quietly when the client is gone. */
static void say_n(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t r = send(fd, s, n, MSG_NOSIGNAL);
        if (r <= 0)
            _exit(0);
        s += r;
        n -= (size_t)r;
    }
}

static void say(int fd, const char *s)
{
    say_n(fd, s, strlen(s));
}

/* Read until the client leaves, answering nothing. */
static _Noreturn void hold(int fd)
{
    char buf[4096];
    while (recv(fd, buf, sizeof buf, 0) > 0)
        ;
    _exit(0);
}

/* One line from the client (CR LF removed); exits when it is gone. */
static void get_line(int fd, char *buf, size_t len)
{
    size_t n = 0;
    char c;
    for (;;) {
        if (recv(fd, &c, 1, 0) <= 0)
            _exit(0);
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < len)
            buf[n++] = c;
    }
    buf[n] = '\0';
}

static const char *greeting(void)
{
    bool bad = mode_is("reject") || mode_is("busy");
    if (proto_is("imap") && (mode_is("nostarttls") || mode_is("plainauth")))
        return "* OK hostile.test ready\r\n";
    if (proto_is("imap"))
        return bad ? "* BYE hostile.test refuses service\r\n"
                   : "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hostile.test ready\r\n";
    if (proto_is("pop3"))
        return bad ? "-ERR hostile.test refuses service\r\n" : "+OK hostile.test ready\r\n";
    if (mode_is("busy"))
        return "421 4.3.2 hostile.test busy, try later\r\n";
    return mode_is("reject") ? "554 5.3.2 hostile.test refuses service\r\n"
                             : "220 hostile.test ESMTP\r\n";
}

/* The client's first TLS bytes (a ClientHello), then close or garbage. */
static _Noreturn void tls_phase(int fd)
{
    static const char junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n\x01\x02\x03\xff\xfe garbage";
    char buf[4096];
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 10000) > 0 && recv(fd, buf, sizeof buf, 0) <= 0)
        _exit(0);
    if (strstr(g_mode, "close"))
        _exit(0);
    say_n(fd, junk, sizeof junk - 1);
    hold(fd);
}

/* The reply to STARTTLS/STLS: with a line injected behind it, the client must stop. */
static _Noreturn void starttls_reply(int fd, const char *reply)
{
    char both[1300];
    if (mode_is("starttls-inject")) { /* in the same segment, as an attacker sends it */
        snprintf(both, sizeof both, "%s%s", reply,
                 proto_is("smtp") ? "250 injected\r\n" : proto_is("imap") ? "* OK injected\r\n"
                                                                          : "+OK injected\r\n");
        say(fd, both);
        hold(fd);
    }
    say(fd, reply);
    tls_phase(fd);
}

/* plainauth: a line that carries a credential (after an IMAP tag) is recorded. */
static bool credential_line(const char *line)
{
    static const char *const verbs[] = {"AUTH", "AUTHENTICATE", "LOGIN", "USER", "PASS", "APOP"};
    const char *sp = strchr(line, ' ');
    const char *w = proto_is("imap") && sp ? sp + 1 : line;
    size_t n = strcspn(w, " ");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (n != strlen(verbs[i]) || strncasecmp(w, verbs[i], n) != 0)
            continue;
        char path[4200];
        snprintf(path, sizeof path, "%s.creds", g_ready ? g_ready : "/dev/null");
        FILE *f = fopen(path, "a");
        if (f) {
            fprintf(f, "%s\n", verbs[i]);
            fclose(f);
        }
        return true;
    }
    return false;
}

static _Noreturn void plainauth(int fd)
{
    char line[1024], out[1200];
    for (;;) {
        get_line(fd, line, sizeof line);
        bool cred = credential_line(line);
        char *sp = strchr(line, ' ');
        const char *cmd = proto_is("imap") && sp ? sp + 1 : line;
        if (proto_is("imap") && sp)
            *sp = '\0'; /* line is now the tag */
        bool quit = !strncasecmp(cmd, "QUIT", 4) || !strncasecmp(cmd, "LOGOUT", 6);
        if (cred)
            snprintf(out, sizeof out, proto_is("smtp") ? "535 5.7.8 no\r\n"
                                      : proto_is("imap") ? "%s NO no\r\n" : "-ERR no\r\n", line);
        else if (proto_is("smtp"))
            snprintf(out, sizeof out, !strncasecmp(cmd, "EHLO", 4)
                     ? "250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n"
                     : quit ? "221 bye\r\n" : "250 ok\r\n");
        else if (proto_is("imap"))
            snprintf(out, sizeof out, "%s%s OK done\r\n", !strncasecmp(cmd, "CAPABILITY", 10)
                     ? "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" : quit ? "* BYE bye\r\n" : "",
                     line);
        else
            snprintf(out, sizeof out, "%s", !strncasecmp(cmd, "CAPA", 4)
                     ? "+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n" : "+OK\r\n");
        say(fd, out);
        if (quit)
            _exit(0);
    }
}

/* A line-based dialogue good enough for the login checks to reach STARTTLS. */
static _Noreturn void dialogue(int fd)
{
    char line[1024], out[1200];
    bool plain = mode_is("nostarttls");
    if (mode_is("plainauth"))
        plainauth(fd);
    for (;;) {
        get_line(fd, line, sizeof line);
        if (proto_is("smtp")) {
            if (!strncasecmp(line, "EHLO", 4))
                say(fd, plain ? "250-hostile.test\r\n250 PIPELINING\r\n"
                              : "250-hostile.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n");
            else if (!strncasecmp(line, "STARTTLS", 8) && strstr(g_mode, "starttls")) {
                starttls_reply(fd, "220 2.0.0 go ahead\r\n");
            } else if (!strncasecmp(line, "QUIT", 4)) {
                say(fd, "221 2.0.0 bye\r\n");
                _exit(0);
            } else
                say(fd, mode_is("reject") ? "503 5.5.1 refused\r\n" : "250 2.0.0 ok\r\n");
        } else if (proto_is("imap")) {
            char *sp = strchr(line, ' ');
            const char *tag = line, *cmd = sp ? sp + 1 : "";
            if (sp)
                *sp = '\0';
            if (!strncasecmp(cmd, "STARTTLS", 8) && strstr(g_mode, "starttls")) {
                snprintf(out, sizeof out, "%s OK begin TLS\r\n", tag);
                starttls_reply(fd, out);
            }
            if (!strncasecmp(cmd, "CAPABILITY", 10))
                say(fd, plain ? "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                              : "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n");
            if (!strncasecmp(cmd, "LOGOUT", 6))
                say(fd, "* BYE bye\r\n");
            snprintf(out, sizeof out, "%s %s\r\n", tag,
                     strncasecmp(cmd, "LOGOUT", 6) && strncasecmp(cmd, "CAPABILITY", 10)
                         ? "NO refused" : "OK done");
            say(fd, out);
            if (!strncasecmp(cmd, "LOGOUT", 6))
                _exit(0);
        } else {
            if (!strncasecmp(line, "STLS", 4) && strstr(g_mode, "starttls")) {
                starttls_reply(fd, "+OK begin TLS\r\n");
            } else if (!strncasecmp(line, "CAPA", 4))
                say(fd, plain ? "+OK\r\nUSER\r\n.\r\n"
                              : "+OK\r\nSTLS\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
            else if (!strncasecmp(line, "QUIT", 4)) {
                say(fd, "+OK bye\r\n");
                _exit(0);
            } else
                say(fd, "-ERR refused\r\n");
        }
    }
}

static _Noreturn void serve_tcp(int fd)
{
    if (mode_is("silent"))
        hold(fd);
    if (proto_is("tls"))
        tls_phase(fd);
    if (proto_is("dns")) {
        /* A length prefix promising 512 bytes, 12 of them sent. */
        static const char part[] = "\x02\x00\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00";
        char buf[512];
        if (recv(fd, buf, sizeof buf, 0) <= 0)
            _exit(0);
        say_n(fd, part, sizeof part - 1);
        hold(fd);
    }
    if (mode_is("garbage")) {
        static const char junk[] = "\x16\x03\x01\x02\x00\x01\xff\xfe junk \x07 HTTP/1.1 400 "
                                   "Bad Request\r\n";
        say_n(fd, junk, sizeof junk - 1);
        hold(fd);
    }
    const char *g = greeting();
    if (mode_is("drip")) {
        for (const char *p = g; *p; p++) {
            say_n(fd, p, 1);
            sleep(1);
        }
        hold(fd);
    }
    if (mode_is("longline")) {
        char *big = malloc(100 * 1024);
        if (!big)
            _exit(1);
        memset(big, 'x', 100 * 1024);
        memcpy(big, g, 4); /* "220 ", "* OK", "+OK " */
        say_n(fd, big, 100 * 1024);
        say(fd, "\r\n");
        free(big);
        hold(fd);
    }
    say(fd, g);
    if (mode_is("busy"))
        _exit(0);
    dialogue(fd);
}

/* One datagram's answer, or none. */
static void serve_udp(int fd)
{
    unsigned char q[1500], a[1500];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
    size_t len = 0;
    if (n <= 0 || mode_is("silent"))
        return;
    if (mode_is("garbage")) {
        memcpy(a, "\x30\x82\xff\xff garbage", 13);
        len = 13;
    } else if (n >= 12 && (mode_is("truncated") || mode_is("cut"))) {
        size_t end = 12; /* the question: its name, type and class; the EDNS0 OPT dropped */
        while (end < (size_t)n && q[end] != 0)
            end += q[end] + 1u;
        end += 5;
        if (end > (size_t)n)
            return;
        memcpy(a, q, end);
        a[2] = 0x80 | (q[2] & 0x79) | (mode_is("truncated") ? 0x02 : 0); /* QR, TC */
        a[3] = 0x80;
        memset(a + 6, 0, 6);
        a[7] = mode_is("cut") ? 1 : 0; /* ANCOUNT */
        len = end;
        if (mode_is("cut")) {
            memcpy(a + len, "\xc0\x0c\x00\x0f\x00\x01\x00\x00", 8); /* MX, cut in its TTL */
            len += 8;
        }
    }
    if (len)
        sendto(fd, a, len, 0, (struct sockaddr *)&from, flen);
}

static int listen_on(int type, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        (type == SOCK_STREAM && listen(fd, 256) != 0)) {
        fprintf(stderr, "hostile_server: port %d: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

static void on_term(int sig)
{
    (void)sig;
    kill(0, SIGTERM); /* the connection children: same process group */
    _exit(0);
}

static void usage(void)
{
    fprintf(stderr, "usage: hostile_server [-r READYFILE] [-l LIFETIME] "
                    "smtp|imap|pop3|tls|dns|udp MODE PORT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *ready = NULL;
    int lifetime = 120, c;
    while ((c = getopt(argc, argv, "r:l:")) != -1) {
        if (c == 'r')
            ready = g_ready = optarg;
        else if (c == 'l')
            lifetime = atoi(optarg);
        else
            usage();
    }
    if (argc - optind != 3)
        usage();
    g_proto = argv[optind];
    g_mode = argv[optind + 1];
    int port = atoi(argv[optind + 2]);
    bool udp = proto_is("dns") || proto_is("udp");
    int tcp = proto_is("udp") ? -1 : listen_on(SOCK_STREAM, port);
    int dgram = udp ? listen_on(SOCK_DGRAM, port) : -1;

    setpgid(0, 0);
    signal(SIGTERM, on_term);
    signal(SIGALRM, on_term);
    signal(SIGCHLD, SIG_IGN); /* no zombies */
    alarm((unsigned)lifetime);
    if (ready) {
        FILE *f = fopen(ready, "w");
        if (f)
            fclose(f);
    }
    for (;;) {
        struct pollfd p[2] = {{tcp, POLLIN, 0}, {dgram, POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            continue;
        if (dgram >= 0 && (p[1].revents & POLLIN))
            serve_udp(dgram);
        if (tcp >= 0 && (p[0].revents & POLLIN)) {
            int fd = accept4(tcp, NULL, NULL, SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            if (fork() == 0) {
                prctl(PR_SET_PDEATHSIG, SIGTERM);
                signal(SIGTERM, SIG_DFL);
                signal(SIGALRM, SIG_DFL);
                close(tcp);
                serve_tcp(fd);
            }
            close(fd);
        }
    }
}
