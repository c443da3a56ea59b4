/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mailproto - line reading (common/mail/linereader.c) and the SMTP/IMAP/POP3 reply parsers,
 * readers and transcript redaction (common/mail/mailproto.c), over a scripted in-memory stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mailproto.h"

/* ---- a scripted stream: chunks handed out one per recv; then EOF or timeout ---- */

typedef struct script {
    const char *chunks[16];
    size_t n, next;
    size_t pos; /* inside the current chunk */
    bool timeout_at_end;
    char sent[4096];
} script;

static long s_recv(void *ctx, char *buf, size_t len, int ms, char *err, size_t errlen)
{
    script *s = ctx;
    (void)ms, (void)err, (void)errlen;
    if (s->next >= s->n)
        return s->timeout_at_end ? -2 : 0;
    const char *c = s->chunks[s->next];
    size_t left = strlen(c) - s->pos;
    size_t take = left < len ? left : len;
    memcpy(buf, c + s->pos, take);
    s->pos += take;
    if (s->pos == strlen(c)) {
        s->next++;
        s->pos = 0;
    }
    return (long)take;
}

static int s_send(void *ctx, const char *buf, size_t len, int ms, char *err, size_t errlen)
{
    script *s = ctx;
    (void)ms, (void)err, (void)errlen;
    size_t room = sizeof s->sent - strlen(s->sent) - 1;
    strncat(s->sent, buf, len < room ? len : room);
    return 0;
}

static pp_linereader *reader(script *s)
{
    static pp_linereader r;
    pp_linereader_io io = {.recv = s_recv, .send = s_send};
    pp_linereader_init(&r, io, s);
    return &r;
}

/* ---- linereader ---- */

static void test_split(void **state)
{
    (void)state;
    size_t n, used;
    assert_int_equal(pp_linereader_split("abc\r\ndef", 8, &n, &used), 1);
    assert_int_equal(n, 3);
    assert_int_equal(used, 5);
    assert_int_equal(pp_linereader_split("abc\ndef", 7, &n, &used), 1);
    assert_int_equal(n, 3);
    assert_int_equal(used, 4);
    assert_int_equal(pp_linereader_split("abc", 3, &n, &used), 0);
    assert_int_equal(pp_linereader_split("\r\n", 2, &n, &used), 1);
    assert_int_equal(n, 0);
}

static void test_lines_across_chunks(void **state)
{
    (void)state;
    script s = {.chunks = {"22", "0 hel", "lo\r\n250 o", "k\n"}, .n = 4};
    pp_linereader *r = reader(&s);
    const char *line;
    size_t len;
    assert_int_equal(pp_linereader_get(r, &line, &len), PP_LR_LINE);
    assert_string_equal(line, "220 hello");
    assert_int_equal(pp_linereader_get(r, &line, &len), PP_LR_LINE);
    assert_string_equal(line, "250 ok");
    assert_int_equal(pp_linereader_get(r, &line, &len), PP_LR_EOF);
}

static void test_overlong_and_timeout(void **state)
{
    (void)state;
    char *big = malloc(PP_LINEREADER_MAX + 10);
    memset(big, 'x', PP_LINEREADER_MAX + 9);
    big[PP_LINEREADER_MAX + 9] = '\0';
    script s = {.chunks = {big}, .n = 1};
    const char *line;
    size_t len;
    assert_int_equal(pp_linereader_get(reader(&s), &line, &len), PP_LR_OVERLONG);
    free(big);

    script t = {.chunks = {"220 partial"}, .n = 1, .timeout_at_end = true};
    assert_int_equal(pp_linereader_get(reader(&t), &line, &len), PP_LR_TIMEOUT);
}

static void test_printable(void **state)
{
    (void)state;
    char out[16];
    pp_linereader_printable("ab\x01\xff" "c", 5, out, sizeof out);
    assert_string_equal(out, "ab??c");
    pp_linereader_printable("0123456789abcdefghij", 20, out, 10);
    assert_string_equal(out, "012345...");
    pp_linereader_printable("012345678", 9, out, 10);
    assert_string_equal(out, "012345678");
}

/* ---- SMTP ---- */

static void test_smtp_line(void **state)
{
    (void)state;
    int code;
    bool last;
    assert_int_equal(pp_mailproto_smtp_line("250-PIPELINING", 14, &code, &last), 0);
    assert_int_equal(code, 250);
    assert_false(last);
    assert_int_equal(pp_mailproto_smtp_line("554 no", 6, &code, &last), 0);
    assert_true(last);
    assert_int_equal(pp_mailproto_smtp_line("221", 3, &code, &last), 0);
    assert_true(last);
    assert_int_equal(pp_mailproto_smtp_line("25", 2, &code, &last), -1);
    assert_int_equal(pp_mailproto_smtp_line("250x", 4, &code, &last), -1);
    assert_int_equal(pp_mailproto_smtp_line("650 x", 5, &code, &last), -1);
    assert_int_equal(pp_mailproto_smtp_line("HTTP/1.1 400", 12, &code, &last), -1);
}

static void count_line(void *ctx, const char *line, size_t len)
{
    (void)line, (void)len;
    (*(int *)ctx)++;
}

static void test_smtp_reply(void **state)
{
    (void)state;
    script s = {.chunks = {"250-mail\r\n250-PIPELINING\r\n250 CHUNKING\r\n"}, .n = 1};
    int code = 0, lines = 0;
    char text[64];
    assert_int_equal(pp_mailproto_smtp_reply(reader(&s), &code, text, sizeof text, count_line,
                                             &lines), PP_LR_LINE);
    assert_int_equal(code, 250);
    assert_int_equal(lines, 3);
    assert_string_equal(text, "250 CHUNKING");

    script g = {.chunks = {"250-a\r\n251 b\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_smtp_reply(reader(&g), &code, text, sizeof text, NULL, NULL),
                     PP_MP_GARBAGE);
    script h = {.chunks = {"\x16\x03\x01garbage\n"}, .n = 1};
    assert_int_equal(pp_mailproto_smtp_reply(reader(&h), &code, text, sizeof text, NULL, NULL),
                     PP_MP_GARBAGE);
    assert_string_equal(text, "???garbage");

    script c = {.chunks = {"554 5.7.1 Relay access denied\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_smtp_cmd(reader(&c), "RCPT TO:<x@y>", &code, text,
                                           sizeof text), PP_LR_LINE);
    assert_int_equal(code, 554);
    assert_string_equal(c.sent, "RCPT TO:<x@y>\r\n");
}

/* What check_relay_mx's probes met (common/mail/smtp_probe.c had its own parser for them). */
static void test_smtp_reply_edges(void **state)
{
    (void)state;
    int code = 0;
    char text[64];
    pp_linereader *r;

    script one = {.chunks = {"220 mail.example ESMTP\r\nextra"}, .n = 1};
    r = reader(&one);
    assert_int_equal(pp_mailproto_smtp_reply(r, &code, text, sizeof text, NULL, NULL),
                     PP_LR_LINE);
    assert_int_equal(code, 220);
    assert_int_equal(r->end - r->start, 5); /* "extra" waits for its line end */
    script multi = {.chunks = {"250-mail.example\r\n250-PIPELINING\n250 8BITMIME\r\n"}, .n = 1};
    r = reader(&multi);
    assert_int_equal(pp_mailproto_smtp_reply(r, &code, text, sizeof text, NULL, NULL),
                     PP_LR_LINE);
    assert_int_equal(code, 250);
    assert_int_equal(r->end, r->start);
    script bare = {.chunks = {"250\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_smtp_reply(reader(&bare), &code, text, sizeof text, NULL,
                                             NULL), PP_LR_LINE);

    /* incomplete: the stream ends before the reply does */
    const char *cut[] = {"250-a\r\n250 b", "25"};
    for (size_t i = 0; i < 2; i++) {
        script s = {.chunks = {cut[i]}, .n = 1};
        assert_int_equal(pp_mailproto_smtp_reply(reader(&s), &code, text, sizeof text, NULL,
                                                 NULL), PP_LR_EOF);
    }
    /* not SMTP */
    const char *bad[] = {"HTTP/1.1 400\r\n", "25x ok\r\n", "25\r\n", "250_x\r\n"};
    for (size_t i = 0; i < 4; i++) {
        script s = {.chunks = {bad[i]}, .n = 1};
        assert_int_equal(pp_mailproto_smtp_reply(reader(&s), &code, text, sizeof text, NULL,
                                                 NULL), PP_MP_GARBAGE);
    }
    static char longline[PP_LINEREADER_MAX + 100];
    memset(longline, 'x', sizeof longline - 1);
    memcpy(longline, "250 ", 4);
    script l = {.chunks = {longline}, .n = 1};
    assert_int_equal(pp_mailproto_smtp_reply(reader(&l), &code, text, sizeof text, NULL, NULL),
                     PP_LR_OVERLONG);
}

static void test_code_matches(void **state)
{
    (void)state;
    assert_true(pp_mailproto_code_matches(554, "5"));
    assert_true(pp_mailproto_code_matches(554, "55"));
    assert_true(pp_mailproto_code_matches(554, "554"));
    assert_false(pp_mailproto_code_matches(550, "554"));
    assert_false(pp_mailproto_code_matches(250, "5"));
    assert_false(pp_mailproto_code_matches(250, ""));
    assert_false(pp_mailproto_code_matches(250, "2500"));
}

/* ---- IMAP ---- */

static void test_imap_kind(void **state)
{
    (void)state;
    assert_int_equal(pp_mailproto_imap_kind("* 3 EXISTS", 10, "pp1"), PP_IMAP_UNTAGGED);
    assert_int_equal(pp_mailproto_imap_kind("+ go", 4, "pp1"), PP_IMAP_CONT);
    assert_int_equal(pp_mailproto_imap_kind("pp1 OK done", 11, "pp1"), PP_IMAP_OK);
    assert_int_equal(pp_mailproto_imap_kind("pp1 no such", 11, "pp1"), PP_IMAP_NO);
    assert_int_equal(pp_mailproto_imap_kind("pp1 BAD", 7, "pp1"), PP_IMAP_BAD);
    assert_int_equal(pp_mailproto_imap_kind("pp2 OK", 6, "pp1"), PP_IMAP_OTHER);
    assert_int_equal(pp_mailproto_imap_kind("pp1 OKAY", 8, "pp1"), PP_IMAP_OTHER);
    assert_int_equal(pp_mailproto_imap_kind("pp1", 3, "pp1"), PP_IMAP_OTHER);
}

static void test_imap_parsers(void **state)
{
    (void)state;
    size_t n;
    long v;
    assert_int_equal(pp_mailproto_imap_literal("* 1 FETCH (BODY[] {405}", 23, &n), 1);
    assert_int_equal(n, 405);
    assert_int_equal(pp_mailproto_imap_literal("x {12+}", 7, &n), 1);
    assert_int_equal(n, 12);
    assert_int_equal(pp_mailproto_imap_literal("x {}", 4, &n), 0);
    assert_int_equal(pp_mailproto_imap_literal("x 405}", 6, &n), 0);
    assert_int_equal(pp_mailproto_imap_literal("x {99999999999999999}", 21, &n), 0);
    assert_int_equal(pp_mailproto_imap_number("* 12 EXISTS", "EXISTS", &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(pp_mailproto_imap_number("* 0 recent", "RECENT", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(pp_mailproto_imap_number("* 12 EXISTSX", "EXISTS", &v), -1);
    assert_int_equal(pp_mailproto_imap_number("* x EXISTS", "EXISTS", &v), -1);
    assert_int_equal(pp_mailproto_imap_item("* STATUS INBOX (MESSAGES 3 UNSEEN 1)", "UNSEEN",
                                            &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(pp_mailproto_imap_item("* STATUS \"a (b)\" (MESSAGES 3 UNSEEN 7)",
                                            "MESSAGES", &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(pp_mailproto_imap_item("* STATUS INBOX (MESSAGES 3)", "UNSEEN", &v), -1);
    assert_int_equal(pp_mailproto_imap_item("* STATUS INBOX (MESSAGES x)", "MESSAGES", &v), -1);
    assert_int_equal(pp_mailproto_imap_item("* STATUS INBOX (MESSAGES 3", "UNSEEN", &v), -1);
    assert_int_equal(pp_mailproto_imap_item("* 4 FETCH (UID 9 INTERNALDATE \"25-Nov-2026 "
                                            "10:00:00 +0000\" RFC822.SIZE 405 BODY[] {405}",
                                            "RFC822.SIZE", &v), 0);
    assert_int_equal(v, 405);
    assert_int_equal(pp_mailproto_imap_item("* 4 FETCH (UID 9 RFC822.SIZE 405)", "UID", &v), 0);
    assert_int_equal(v, 9);
    assert_int_equal(pp_mailproto_imap_item("x (UID 9)", "UID", &v), -1);
}

typedef struct seen {
    long exists;
    int lines;
} seen;

static void on_untagged(void *ctx, const char *line, size_t len)
{
    seen *s = ctx;
    (void)len;
    long v;
    s->lines++;
    if (pp_mailproto_imap_number(line, "EXISTS", &v) == 0)
        s->exists = v;
}

static void test_imap_cmd(void **state)
{
    (void)state;
    script s = {.chunks = {"* FLAGS (\\Seen)\r\n* 4 EXISTS\r\n",
                           "* 1 FETCH (BODY[] {11}\r\npp1 OK x\r\n)\r\npp1 OK done\r\n"},
                .n = 2};
    int kind = 0;
    char text[64];
    seen sn = {0};
    assert_int_equal(pp_mailproto_imap_cmd(reader(&s), "pp1", "EXAMINE INBOX", &kind, text,
                                           sizeof text, on_untagged, &sn), PP_LR_LINE);
    assert_int_equal(kind, PP_IMAP_OK);
    assert_string_equal(text, "pp1 OK done");
    assert_int_equal(sn.exists, 4);
    assert_int_equal(sn.lines, 3); /* the literal and the rest of its line are not lines */
    assert_string_equal(s.sent, "pp1 EXAMINE INBOX\r\n");

    script g = {.chunks = {"HTTP/1.0 200 OK\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_imap_cmd(reader(&g), "pp1", "NOOP", &kind, text, sizeof text,
                                           NULL, NULL), PP_MP_GARBAGE);

    script h = {.chunks = {"* OK [CAPABILITY IMAP4rev1] ready\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_imap_greeting(reader(&h), &kind, text, sizeof text),
                     PP_LR_LINE);
    assert_int_equal(kind, PP_IMAP_OK);
    script b = {.chunks = {"* BYE go away\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_imap_greeting(reader(&b), &kind, text, sizeof text),
                     PP_LR_LINE);
    assert_int_equal(kind, PP_IMAP_BYE);
}

/* ---- POP3 ---- */

static void test_pop3(void **state)
{
    (void)state;
    long count;
    long long octets;
    assert_int_equal(pp_mailproto_pop3_ok("+OK ready", 9), 1);
    assert_int_equal(pp_mailproto_pop3_ok("+OK", 3), 1);
    assert_int_equal(pp_mailproto_pop3_ok("-ERR no", 7), 0);
    assert_int_equal(pp_mailproto_pop3_ok("+OKAY", 5), -1);
    assert_int_equal(pp_mailproto_pop3_stat("+OK 3 12345", &count, &octets), 0);
    assert_int_equal(count, 3);
    assert_int_equal(octets, 12345);
    assert_int_equal(pp_mailproto_pop3_stat("+OK 3", &count, &octets), -1);
    assert_int_equal(pp_mailproto_pop3_stat("+OK a b", &count, &octets), -1);

    script s = {.chunks = {"+OK\r\nSubject: x\r\n..dot\r\n.\r\n"}, .n = 1};
    int ok, lines = 0;
    char text[64];
    assert_int_equal(pp_mailproto_pop3_cmd(reader(&s), "TOP 1 0", true, &ok, text, sizeof text,
                                           count_line, &lines), PP_LR_LINE);
    assert_int_equal(ok, 1);
    assert_int_equal(lines, 2);
    script e = {.chunks = {"-ERR [AUTH] Authentication failed.\r\n"}, .n = 1};
    assert_int_equal(pp_mailproto_pop3_cmd(reader(&e), "PASS x", false, &ok, text, sizeof text,
                                           NULL, NULL), PP_LR_LINE);
    assert_int_equal(ok, 0);
    assert_string_equal(text, "-ERR [AUTH] Authentication failed.");
}

/* ---- redaction ---- */

static const char *redact(pp_mailproto_redact *st, bool out, const char *line)
{
    static char buf[256];
    pp_mailproto_redact_line(st, out, line, strlen(line), buf, sizeof buf);
    return buf;
}

static void test_redact(void **state)
{
    (void)state;
    pp_mailproto_redact smtp, imap, pop;
    pp_mailproto_redact_init(&smtp, false);
    assert_string_equal(redact(&smtp, true, "EHLO me"), "EHLO me");
    assert_string_equal(redact(&smtp, true, "AUTH PLAIN AGFsaWNlAHNlY3JldA=="), "AUTH PLAIN ***");
    assert_string_equal(redact(&smtp, false, "535 5.7.8 failed"), "535 5.7.8 failed");
    assert_string_equal(redact(&smtp, true, "AUTH LOGIN"), "AUTH LOGIN");
    assert_string_equal(redact(&smtp, false, "334 VXNlcm5hbWU6"), "334 VXNlcm5hbWU6");
    assert_string_equal(redact(&smtp, true, "YWxpY2U="), "***");
    assert_string_equal(redact(&smtp, false, "334 UGFzc3dvcmQ6"), "334 UGFzc3dvcmQ6");
    assert_string_equal(redact(&smtp, true, "c2VjcmV0"), "***");
    assert_string_equal(redact(&smtp, false, "235 2.7.0 ok"), "235 2.7.0 ok");
    assert_string_equal(redact(&smtp, true, "QUIT"), "QUIT");

    pp_mailproto_redact_init(&imap, true);
    assert_string_equal(redact(&imap, true, "A001 LOGIN alice \"s3cret\""), "A001 LOGIN ***");
    assert_string_equal(redact(&imap, true, "A002 AUTHENTICATE PLAIN AGFsaWNl"),
                        "A002 AUTHENTICATE PLAIN ***");
    assert_string_equal(redact(&imap, false, "+ "), "+ ");
    assert_string_equal(redact(&imap, true, "c2VjcmV0"), "***");
    assert_string_equal(redact(&imap, false, "A002 OK Logged in"), "A002 OK Logged in");
    assert_string_equal(redact(&imap, true, "A003 LIST \"\" *"), "A003 LIST \"\" *");

    pp_mailproto_redact_init(&pop, false);
    assert_string_equal(redact(&pop, true, "USER alice"), "USER alice");
    assert_string_equal(redact(&pop, true, "PASS hunter2"), "PASS ***");
    assert_string_equal(redact(&pop, true, "APOP alice 0123abcd"), "APOP alice ***");
    assert_string_equal(redact(&pop, true, "PASS"), "PASS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),          cmocka_unit_test(test_lines_across_chunks),
        cmocka_unit_test(test_overlong_and_timeout), cmocka_unit_test(test_printable),
        cmocka_unit_test(test_smtp_line),      cmocka_unit_test(test_smtp_reply),
        cmocka_unit_test(test_smtp_reply_edges), cmocka_unit_test(test_code_matches),
        cmocka_unit_test(test_imap_kind),      cmocka_unit_test(test_imap_parsers),
        cmocka_unit_test(test_imap_cmd),       cmocka_unit_test(test_pop3),
        cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
