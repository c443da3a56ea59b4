/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logtrace - a message's story from fixed log lines (common/log/logtrace.c): its events
 * in order with the summary fields (client, SASL user, size, Message-ID, sender,
 * recipients), the bounce notice's queue id followed and handed over inside the original
 * once both ended, other instances' lines and NOQUEUE left out, cleanup's reject ends a
 * message, the open ones handed over at the end, the oldest evicted beyond max_open, the
 * --since/--until window, a notice outside the window, a short queue id used again after
 * an abandoned file, and the field reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "log/logtrace.h"

static const char *const names[] = {"postfix", NULL};

typedef struct seen {
    char order[8][40]; /* "QID:nev:nnotices:ended" of each message handed over */
    int n;
    char client[64], sasl[64], msgid[64], sender[64], rcpt[64], notice_rcpt[64];
    long long size;
} seen;

static void on_msg(void *ctx, const pp_logmsg *m)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->order[s->n++], sizeof s->order[0], "%s:%zu:%zu:%d%s", m->qid, m->nev,
                 m->nnotices, m->ended, m->evicted ? ":evicted" : "");
    if (strcmp(m->qid, "4AbCdE1") != 0)
        return;
    snprintf(s->client, sizeof s->client, "%s", m->client ? m->client : "-");
    snprintf(s->sasl, sizeof s->sasl, "%s", m->sasl_username ? m->sasl_username : "-");
    snprintf(s->msgid, sizeof s->msgid, "%s", m->message_id ? m->message_id : "-");
    snprintf(s->sender, sizeof s->sender, "%s", m->sender ? m->sender : "-");
    snprintf(s->rcpt, sizeof s->rcpt, "%s", m->nrcpt ? m->rcpt[0] : "-");
    s->size = m->size;
    if (m->nnotices)
        snprintf(s->notice_rcpt, sizeof s->notice_rcpt, "%s",
                 m->notices[0]->nrcpt ? m->notices[0]->rcpt[0] : "-");
}

static const char *const story[] = {
    "2026-12-05T09:10:00.1+00:00 mail postfix/smtpd[10]: NOQUEUE: reject: RCPT from x[1.2.3.4]: "
    "554 5.7.1 <a@b>: Relay access denied; from=<a@c> to=<a@b> proto=ESMTP helo=<x>",
    "2026-12-05T09:10:00.2+00:00 mail postfix/submission/smtpd[10]: 4AbCdE1: "
    "client=localhost[127.0.0.1], sasl_method=PLAIN, sasl_username=alice@example.test",
    "2026-12-05T09:10:00.3+00:00 mail postfix/cleanup[11]: 4AbCdE1: message-id=<m1@ex.test>",
    "2026-12-05T09:10:00.4+00:00 mail postfix/qmgr[12]: 4AbCdE1: from=<alice@example.test>, "
    "size=456, nrcpt=1 (queue active)",
    "2026-12-05T09:10:00.5+00:00 mail postfix/smtp[13]: 4AbCdE1: to=<nobody@relay.test>, "
    "relay=127.0.0.1[127.0.0.1]:2525, delay=0.3, delays=0.1/0/0.1/0.1, dsn=5.1.1, "
    "status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 unknown, relay=x)",
    "2026-12-05T09:10:00.6+00:00 mail postfix/cleanup[11]: 5XyZ2: message-id=<n1@ex.test>",
    "2026-12-05T09:10:00.6+00:00 mail postfix/bounce[14]: 4AbCdE1: sender non-delivery "
    "notification: 5XyZ2",
    "2026-12-05T09:10:00.6+00:00 mail postfix/qmgr[12]: 5XyZ2: from=<>, size=2345, nrcpt=1 "
    "(queue active)",
    "2026-12-05T09:10:00.6+00:00 mail postfix/qmgr[12]: 4AbCdE1: removed",
    "2026-12-05T09:10:00.7+00:00 mail postfix/pickup[15]: 6Open3: uid=0 from=<root@ex.test>",
    "2026-12-05T09:10:00.7+00:00 mail postfix/cleanup[11]: 8Rej5: reject: header Subject: x "
    "from local; from=<root@ex.test>: 550 5.7.1 no",
    "2026-12-05T09:10:00.8+00:00 mail postfix/lmtp[16]: 5XyZ2: to=<alice@example.test>, "
    "relay=mail[private/lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 ok)",
    "2026-12-05T09:10:00.9+00:00 mail postfix/qmgr[12]: 5XyZ2: removed",
    "2026-12-05T09:10:01.0+00:00 mail postfix-out/qmgr[12]: 7Other4: removed",
    "not a log line",
};

static pp_logtrace *feed_story(seen *s, long long since, long long until, size_t max_open)
{
    pp_logtrace_opts o = {.names = names, .since = since, .until = until,
                          .max_open = max_open, .fn = on_msg, .ctx = s};
    pp_logtrace *t = pp_logtrace_new(&o);
    for (size_t i = 0; i < sizeof story / sizeof story[0]; i++)
        pp_logtrace_line(t, story[i], strlen(story[i]));
    return t;
}

static void test_story(void **state)
{
    (void)state;
    seen s = {0};
    pp_logtrace *t = feed_story(&s, 0, 0, 0);
    /* The cleanup reject ended 8Rej5 at once; the original waited for its notice. */
    assert_int_equal(s.n, 2);
    assert_string_equal(s.order[0], "8Rej5:1:0:1");
    assert_string_equal(s.order[1], "4AbCdE1:6:1:1");
    assert_string_equal(s.client, "localhost[127.0.0.1]");
    assert_string_equal(s.sasl, "alice@example.test");
    assert_string_equal(s.msgid, "<m1@ex.test>");
    assert_string_equal(s.sender, "alice@example.test");
    assert_string_equal(s.rcpt, "nobody@relay.test");
    assert_string_equal(s.notice_rcpt, "alice@example.test");
    assert_int_equal(s.size, 456);
    assert_int_equal(pp_logtrace_stats_get(t)->open, 1);
    pp_logtrace_finish(t);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.order[2], "6Open3:1:0:0");
    const pp_logtrace_stats *st = pp_logtrace_stats_get(t);
    assert_int_equal(st->unparsed, 1);
    assert_int_equal(st->other, 2); /* NOQUEUE and postfix-out */
    assert_int_equal(st->open, 0);
    pp_logtrace_free(t);
}

static void test_window(void **state)
{
    (void)state;
    seen s = {0};
    /* From 09:10:01 on only the other instance's line is left; before it, all three. */
    long long t0 = 1796461800; /* 2026-12-05T09:10:00Z */
    pp_logtrace *t = feed_story(&s, t0 + 1, 0, 0);
    pp_logtrace_finish(t);
    assert_int_equal(s.n, 0);
    pp_logtrace_free(t);
    memset(&s, 0, sizeof s);
    t = feed_story(&s, t0, t0 + 1, 0);
    pp_logtrace_finish(t);
    assert_int_equal(s.n, 3);
    pp_logtrace_free(t);
}

static void test_evicted(void **state)
{
    (void)state;
    seen s = {0};
    pp_logtrace *t = feed_story(&s, 0, 0, 1);
    /* One open message at most: each new queue id hands the oldest over unfinished. */
    assert_true(s.n >= 3);
    assert_string_equal(s.order[0], "4AbCdE1:4:0:0:evicted");
    assert_true(pp_logtrace_stats_get(t)->open <= 1);
    assert_true(pp_logtrace_stats_get(t)->evicted >= 2);
    pp_logtrace_free(t);
}

/* A notice whose own lines were before the window read: a reference, not an open story. */
static void test_notice_outside(void **state)
{
    (void)state;
    seen s = {0};
    pp_logtrace_opts o = {.names = names, .fn = on_msg, .ctx = &s};
    pp_logtrace *t = pp_logtrace_new(&o);
    const char *lines[] = {
        "Dec 05 09:10:00 mail postfix/bounce[1]: 4AbCdE1: sender non-delivery notification: "
        "5XyZ2",
        "Dec 05 09:10:00 mail postfix/qmgr[1]: 4AbCdE1: removed"};
    for (size_t i = 0; i < 2; i++)
        pp_logtrace_line(t, lines[i], strlen(lines[i]));
    assert_int_equal(s.n, 1);
    assert_string_equal(s.order[0], "4AbCdE1:2:1:1");
    pp_logtrace_free(t);
}

/* smtpd's file abandoned without a word, its short queue id used again for a new message. */
static void test_reused_id(void **state)
{
    (void)state;
    seen s = {0};
    pp_logtrace_opts o = {.names = names, .fn = on_msg, .ctx = &s};
    pp_logtrace *t = pp_logtrace_new(&o);
    const char *lines[] = {
        "Dec 05 09:10:00 mail postfix/smtpd[1]: 4AbCdE1: client=gone[192.0.2.1]",
        "Dec 05 09:12:00 mail postfix/smtpd[1]: 4AbCdE1: client=localhost[127.0.0.1]",
        "Dec 05 09:12:00 mail postfix/qmgr[1]: 4AbCdE1: removed"};
    for (size_t i = 0; i < 3; i++)
        pp_logtrace_line(t, lines[i], strlen(lines[i]));
    assert_int_equal(s.n, 2);
    assert_string_equal(s.order[0], "4AbCdE1:1:0:0");
    assert_string_equal(s.order[1], "4AbCdE1:2:0:1");
    assert_string_equal(s.client, "localhost[127.0.0.1]");
    pp_logtrace_free(t);
}

static void test_field(void **state)
{
    (void)state;
    size_t n;
    const char *text = "to=<a@b>, orig_to=<c@d>, relay=r[1.2.3.4]:25, dsn=5.1.1, "
                       "status=bounced (said: 550 relay=no, dsn=9)";
    const char *v = pp_logtrace_field(text, "relay=", &n);
    assert_non_null(v);
    assert_int_equal(n, strlen("r[1.2.3.4]:25"));
    assert_memory_equal(v, "r[1.2.3.4]:25", n);
    v = pp_logtrace_field(text, "to=", &n);
    assert_memory_equal(v, "<a@b>", n);
    v = pp_logtrace_field(text, "status=", &n);
    assert_int_equal(n, strlen("bounced"));
    assert_null(pp_logtrace_field(text, "size=", &n));
    v = pp_logtrace_field("uid=0 from=<x@y>", "from=", &n);
    assert_memory_equal(v, "<x@y>", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_story),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_evicted),
        cmocka_unit_test(test_notice_outside),
        cmocka_unit_test(test_reused_id),
        cmocka_unit_test(test_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
