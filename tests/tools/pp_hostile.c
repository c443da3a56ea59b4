/*
 * pp_hostile - a misbehaving mail server on 127.0.0.1 for the integration tests.
 *
 *   pp_hostile PORT MODE READYFILE [LIFETIME]
 *
 * Listens on 127.0.0.1:PORT, creates READYFILE once it does, serves every connection in a
 * child process and exits after LIFETIME seconds (default 120) or on SIGTERM. Modes:
 *   silent            accept and say nothing
 *   drip              send "220 drip.test ESMTP\r\n" one byte a second
 *   garbage           send binary junk and a line of noise, then wait
 *   overlong          send "220 " and 100 000 bytes, then a line end, then wait
 *   banner554         "554 5.3.2 go away" and close after QUIT
 *   tls-drop          read the TLS ClientHello, then close the connection
 *   tls-silent        read the TLS ClientHello, then say nothing
 *   smtp-nostarttls   an SMTP server whose EHLO offers no STARTTLS and no AUTH
 *   imap-nostarttls   an IMAP server that refuses STARTTLS
 *   pop3-nostarttls   a POP3 server that refuses STLS
 *   smtp-starttls-drop   SMTP with STARTTLS offered and accepted, then the connection dropped
 *                        in the middle of the handshake
 *   smtp-inject       answers STARTTLS with "220" plus an extra line (CVE-2011-0411 style)
 * Only for tests: it talks to loopback clients and never touches anything else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(int fd, const char *s)
{
    ssize_t r = send(fd, s, strlen(s), MSG_NOSIGNAL);
    (void)r;
}

/* One line from the client into buf (without CR LF); -1 when it is gone. */
static int get_line(int fd, char *buf, size_t len)
{
    size_t n = 0;
    char c;
    while (n + 1 < len) {
        ssize_t r = recv(fd, &c, 1, 0);
        if (r <= 0)
            return -1;
        if (c == '\n')
            break;
        if (c != '\r')
            buf[n++] = c;
    }
    buf[n] = '\0';
    return 0;
}

static void hold(int fd)
{
    char buf[4096];
    while (recv(fd, buf, sizeof buf, 0) > 0)
        ;
}

static void smtp(int fd, const char *mode)
{
    char line[1024];
    bool offer = strcmp(mode, "smtp-nostarttls") != 0;
    say(fd, "220 hostile.test ESMTP\r\n");
    while (get_line(fd, line, sizeof line) == 0) {
        if (strncasecmp(line, "EHLO", 4) == 0) {
            say(fd, offer ? "250-hostile.test\r\n250 STARTTLS\r\n"
                          : "250-hostile.test\r\n250 PIPELINING\r\n");
        } else if (strncasecmp(line, "STARTTLS", 8) == 0 && offer) {
            if (strcmp(mode, "smtp-inject") == 0) {
                say(fd, "220 go ahead\r\n250 injected\r\n");
                hold(fd);
            } else {
                say(fd, "220 go ahead\r\n");
                recv(fd, line, sizeof line, 0); /* the ClientHello */
            }
            return;
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(fd, "221 bye\r\n");
            return;
        } else {
            say(fd, "502 5.5.2 command not recognized\r\n");
        }
    }
}

static void imap(int fd)
{
    char line[1024], reply[1200];
    say(fd, "* OK hostile IMAP ready\r\n");
    while (get_line(fd, line, sizeof line) == 0) {
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp = '\0';
        const char *cmd = sp + 1;
        if (strncasecmp(cmd, "CAPABILITY", 10) == 0)
            snprintf(reply, sizeof reply, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK done\r\n",
                     line);
        else if (strncasecmp(cmd, "LOGOUT", 6) == 0)
            snprintf(reply, sizeof reply, "* BYE\r\n%s OK bye\r\n", line);
        else
            snprintf(reply, sizeof reply, "%s BAD not supported here\r\n", line);
        say(fd, reply);
        if (strncasecmp(cmd, "LOGOUT", 6) == 0)
            return;
    }
}

static void pop3(int fd)
{
    char line[1024];
    say(fd, "+OK hostile POP3 ready\r\n");
    while (get_line(fd, line, sizeof line) == 0) {
        if (strncasecmp(line, "CAPA", 4) == 0) {
            say(fd, "+OK\r\nUSER\r\n.\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(fd, "+OK bye\r\n");
            return;
        } else {
            say(fd, "-ERR not supported here\r\n");
        }
    }
}

static void serve(int fd, const char *mode)
{
    char buf[1024];
    if (strcmp(mode, "silent") == 0) {
        hold(fd);
    } else if (strcmp(mode, "drip") == 0) {
        for (const char *p = "220 drip.test ESMTP\r\n"; *p; p++) {
            if (send(fd, p, 1, MSG_NOSIGNAL) != 1)
                return;
            sleep(1);
        }
        hold(fd);
    } else if (strcmp(mode, "garbage") == 0) {
        static const char junk[] = "\x16\x03\x01\x02\x00\x01\xff\xfe junk \x07\x08 HTTP/1.1 "
                                   "400 Bad Request\r\n";
        ssize_t r = send(fd, junk, sizeof junk - 1, MSG_NOSIGNAL);
        (void)r;
        hold(fd);
    } else if (strcmp(mode, "overlong") == 0) {
        char *big = malloc(100001);
        memset(big, 'x', 100000);
        big[100000] = '\0';
        say(fd, "220 ");
        say(fd, big);
        say(fd, "\r\n");
        free(big);
        hold(fd);
    } else if (strcmp(mode, "banner554") == 0) {
        say(fd, "554 5.3.2 hostile.test go away\r\n");
        while (get_line(fd, buf, sizeof buf) == 0)
            if (strncasecmp(buf, "QUIT", 4) == 0) {
                say(fd, "221 bye\r\n");
                return;
            } else {
                say(fd, "503 5.5.1 go away\r\n");
            }
    } else if (strcmp(mode, "tls-drop") == 0) {
        recv(fd, buf, sizeof buf, 0);
    } else if (strcmp(mode, "tls-silent") == 0) {
        hold(fd);
    } else if (strncmp(mode, "smtp-", 5) == 0) {
        smtp(fd, mode);
    } else if (strcmp(mode, "imap-nostarttls") == 0) {
        imap(fd);
    } else if (strcmp(mode, "pop3-nostarttls") == 0) {
        pop3(fd);
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT MODE READYFILE [LIFETIME]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    const char *mode = argv[2];
    unsigned lifetime = argc > 4 ? (unsigned)atoi(argv[4]) : 120;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 16) != 0) {
        fprintf(stderr, "pp_hostile: 127.0.0.1:%d: %s\n", port, strerror(errno));
        return 1;
    }
    signal(SIGCHLD, SIG_IGN); /* no zombies */
    alarm(lifetime);          /* never outlive the test */
    int rf = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (rf >= 0)
        close(rf);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(ls);
            alarm(60);
            serve(fd, mode);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
}
