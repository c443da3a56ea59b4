/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_smtp_probe - the probe dialogue (common/mail/smtp_probe.c) against small servers forked
 * by the test on loopback: a normal one (multi-line banner and EHLO, RCPT accepted or
 * refused), one that never speaks, one that refuses with 554, one that is not SMTP at all,
 * one whose banner line never ends, and a closed port. The replies are parsed by
 * common/mail/mailproto (test_mailproto).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mail/smtp_probe.h"

typedef enum { NORMAL, SILENT, REFUSE, GARBAGE, LONGLINE } mode;

static void say(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0)
        _exit(1);
}

/* Serves one connection in the given mode; RCPT TO:<nobody...> gets 550. */
static void serve(int c, mode m)
{
    char buf[1024];
    size_t len = 0;
    if (m == SILENT) {
        sleep(30);
        return;
    }
    if (m == LONGLINE) {
        char big[9000];
        memset(big, 'x', sizeof big);
        memcpy(big, "220 ", 4);
        if (write(c, big, sizeof big) < 0)
            _exit(1);
        sleep(30);
        return;
    }
    say(c, m == REFUSE    ? "554 5.7.1 go away\r\n"
           : m == GARBAGE ? "HTTP/1.1 400 Bad Request\r\n"
                          : "220-mail.example ESMTP\r\n220 second line\r\n");
    for (;;) {
        ssize_t n = read(c, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return;
        len += (size_t)n;
        buf[len] = '\0';
        char *nl;
        while ((nl = strstr(buf, "\r\n"))) {
            *nl = '\0';
            if (strncmp(buf, "EHLO", 4) == 0)
                say(c, "250-mail.example\r\n250 PIPELINING\r\n");
            else if (strncmp(buf, "RCPT TO:<nobody", 15) == 0)
                say(c, "550 5.1.1 User unknown\r\n");
            else if (strncmp(buf, "RCPT TO:<later", 14) == 0)
                say(c, "450 4.2.0 try later\r\n");
            else if (strncmp(buf, "QUIT", 4) == 0) {
                say(c, "221 bye\r\n");
                return;
            } else
                say(c, "250 2.0.0 ok\r\n");
            len -= (size_t)(nl + 2 - buf);
            memmove(buf, nl + 2, len + 1);
        }
    }
}

static pid_t server;

static struct sockaddr_in start_server(mode m)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 4), 0);
    getsockname(l, (struct sockaddr *)&a, &al);
    server = fork();
    if (server == 0) {
        int c = accept(l, NULL, NULL);
        serve(c, m);
        _exit(0);
    }
    close(l);
    return a;
}

static void stop_server(void)
{
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
}

static const char *const rcpts[] = {"nobody@relay.example", "postmaster@relay.example",
                                    "later@relay.example"};

static void test_dialogue(void **state)
{
    (void)state;
    struct sockaddr_in a = start_server(NORMAL);
    pp_smtp_probe_opts o = {"probe.example", "", rcpts, 3, 2};
    pp_smtp_probe_result r;
    assert_int_equal(pp_smtp_probe((struct sockaddr *)&a, sizeof a, &o, &r), 0);
    assert_int_equal(r.banner.code, 220);
    assert_string_equal(r.banner.text, "mail.example ESMTP");
    assert_int_equal(r.ehlo.code, 250);
    assert_int_equal(r.mail.code, 250);
    assert_int_equal(r.rcpt[0].code, 550);
    assert_string_equal(r.rcpt[0].text, "5.1.1 User unknown");
    assert_int_equal(r.rcpt[1].code, 250);
    assert_int_equal(r.rcpt[2].code, 450);
    assert_string_equal(r.err, "");
    pp_smtp_probe_result_free(&r);
    stop_server();
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void expect_failure(mode m, const char *err, double max_seconds)
{
    struct sockaddr_in a = start_server(m);
    pp_smtp_probe_opts o = {"probe.example", "", rcpts, 1, 0.3};
    pp_smtp_probe_result r;
    double t0 = mono();
    assert_int_equal(pp_smtp_probe((struct sockaddr *)&a, sizeof a, &o, &r), -1);
    assert_true(mono() - t0 < max_seconds);
    assert_non_null(strstr(r.err, err));
    assert_int_equal(r.rcpt[0].code, 0);
    pp_smtp_probe_result_free(&r);
    stop_server();
}

static void test_failures(void **state)
{
    (void)state;
    expect_failure(SILENT, "banner: timed out", 1.0);
    expect_failure(REFUSE, "banner: 554 5.7.1 go away", 1.0);
    expect_failure(GARBAGE, "banner: not an SMTP reply: HTTP/1.1", 1.0);
    expect_failure(LONGLINE, "banner: not an SMTP reply: 220 xxx", 1.0);

    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons(1)};
    pp_smtp_probe_opts o = {"probe.example", "", NULL, 0, 1};
    pp_smtp_probe_result r;
    assert_int_equal(pp_smtp_probe((struct sockaddr *)&a, sizeof a, &o, &r), -1);
    assert_string_equal(r.err, "connect: Connection refused");
    pp_smtp_probe_result_free(&r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dialogue),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
