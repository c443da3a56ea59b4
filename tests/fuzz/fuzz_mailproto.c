/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_mailproto - libFuzzer harness for common/mail/mailproto.c and common/mail/linereader.c: any
 * bytes as what an SMTP, IMAP or POP3 server sends. The first byte picks the protocol and
 * how many bytes each recv() returns; the rest is served through a pp_linereader to the
 * reply readers (as the login checks read it: SMTP replies, the IMAP greeting and tagged
 * commands with literals, POP3 single and multi-line replies), and each line to the pure
 * parsers and to the transcript redactor, both ways. Statuses stay in their sets, texts
 * are NUL-terminated and printable, and a redacted client line never shows what followed
 * AUTH/LOGIN/PASS.
 *
 *   ./fuzz_mailproto -max_len=8192 corpus/mailproto
 */
#include "fuzz_util.h"
#include "mail/mailproto.h"

static void printable(const char *text)
{
    for (const char *p = text; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
}

static void on_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    FUZZ_CHECK(memchr(line, '\0', len + 1) != NULL); /* readable up to its length */
}

static void pure_parsers(const char *line, size_t len)
{
    int code;
    bool last;
    size_t lit;
    long n, count;
    long long octets;
    char shown[512];
    pp_mailproto_redact st;

    if (pp_mailproto_smtp_line(line, len, &code, &last) == 0) {
        FUZZ_CHECK(code >= 0 && code <= 999);
        (void)pp_mailproto_code_matches(code, "25");
    }
    int k = pp_mailproto_imap_kind(line, len, "A1");
    FUZZ_CHECK(k >= PP_IMAP_OTHER && k <= PP_IMAP_BYE);
    if (pp_mailproto_imap_literal(line, len, &lit) == 1)
        FUZZ_CHECK(line[len - 1] == '}');
    (void)pp_mailproto_imap_number(line, "EXISTS", &n);
    (void)pp_mailproto_imap_item(line, "MESSAGES", &n);
    (void)pp_mailproto_imap_item(line, "RFC822.SIZE", &n);
    int ok = pp_mailproto_pop3_ok(line, len);
    FUZZ_CHECK(ok >= -1 && ok <= 1);
    if (pp_mailproto_pop3_stat(line, &count, &octets) == 0)
        FUZZ_CHECK(count >= 0 && octets >= 0);
    char *q = pp_mailproto_imap_quote(line);
    if (q)
        FUZZ_CHECK(strlen(q) >= 2 && q[0] == '"');
    free(q);

    for (int imap = 0; imap < 2; imap++) {
        pp_mailproto_redact_init(&st, imap);
        pp_mailproto_redact_line(&st, true, line, len, shown, sizeof shown);
        FUZZ_CHECK(memchr(shown, '\0', sizeof shown) != NULL);
        pp_mailproto_redact_line(&st, false, line, len, shown, sizeof shown);
        pp_mailproto_redact_line(&st, true, line, len, shown, sizeof shown);
        FUZZ_CHECK(memchr(shown, '\0', sizeof shown) != NULL);
    }
}

static void each_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, line, len);
    s[len] = '\0';
    pure_parsers(s, len);
    free(s);
}

static void readers(int proto, fuzz_feed *f)
{
    pp_linereader_io io = {.recv = fuzz_feed_recv, .send = fuzz_feed_send};
    pp_linereader *r = malloc(sizeof *r);
    char text[200];
    int code, kind, ok, st = PP_LR_LINE;
    if (!r)
        abort();
    pp_linereader_init(r, io, f);
    for (int i = 0; i < 64 && (st == PP_LR_LINE || st == PP_MP_GARBAGE); i++) {
        text[0] = '\0';
        switch (proto) {
        case 0:
            st = pp_mailproto_smtp_reply(r, &code, text, sizeof text, on_line, NULL);
            if (st == PP_LR_LINE)
                FUZZ_CHECK(code >= 100 && code <= 999);
            break;
        case 1:
            st = i == 0 ? pp_mailproto_imap_greeting(r, &kind, text, sizeof text)
                        : pp_mailproto_imap_cmd(r, "A1", "NOOP", &kind, text, sizeof text,
                                                on_line, NULL);
            break;
        default:
            st = pp_mailproto_pop3_cmd(r, i == 0 ? NULL : "LIST", i & 1, &ok, text,
                                       sizeof text, on_line, NULL);
            break;
        }
        FUZZ_CHECK(st >= PP_LR_LINE && (st <= PP_LR_OVERLONG || st == PP_MP_GARBAGE));
        FUZZ_CHECK(memchr(text, '\0', sizeof text) != NULL);
        printable(text);
    }
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_feed f = {(const char *)data + 1, size - 1, 1 + (data[0] >> 2)};
    readers(data[0] & 3, &f);
    fuzz_lines(data + 1, size - 1, each_line, NULL);
    return 0;
}
