/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_queue_view - what pfqueue shows of a message (common/queue/queue_view.c): the relay from
 * Received: headers, RFC 2047 words, the header callback, tsv escaping; and the
 * string counters behind --stat (common/core/stat_table.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue/queue_view.h"
#include "core/stat_table.h"

static int relay(const char *value, pp_buf *out)
{
    return pp_qview_relay(value, strlen(value), out);
}

static void test_relay(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b);
    /* Postfix, unfolded as queue_record gives it: the continuation keeps its tab */
    assert_int_equal(relay("from mail.example.com (mail.example.com [192.0.2.1])\tby "
                           "mx.postprobe.test (Postfix) with ESMTPS id 4F6EA1F26F for "
                           "<a@b>; Wed, 25 Nov 2026 16:36:47 +0000 (UTC)", &b),
                     1);
    assert_string_equal(b.s, "mail.example.com (mail.example.com [192.0.2.1])");
    /* a comment may hold "by" and "with" */
    assert_int_equal(relay("from  helo.example  (unknown   [IPv6:2001:db8::1] (may be forged "
                           "by the client with care))\r\n\tby mx", &b),
                     1);
    assert_string_equal(b.s, "helo.example (unknown [IPv6:2001:db8::1] (may be forged by the "
                             "client with care))");
    /* Exim's shape */
    assert_int_equal(relay("from [198.51.100.7] (helo=client) by mx with esmtp (Exim 4.96)", &b),
                     1);
    assert_string_equal(b.s, "[198.51.100.7] (helo=client)");
    /* the local host: content filters reinjecting, pickup */
    assert_int_equal(relay("from localhost (localhost [127.0.0.1]) by mx (Postfix)", &b), 0);
    assert_string_equal(b.s, "localhost (localhost [127.0.0.1])");
    assert_int_equal(relay("from mx.example (localhost [IPv6:::1]) by mx", &b), 0);
    assert_int_equal(relay("from [127.0.0.1] (port=1234) by mx; date", &b), 0);
    assert_int_equal(relay("FROM localhost.localdomain by mx", &b), 0);
    /* a name without address is external unless it says localhost */
    assert_int_equal(relay("from relay.example by mx", &b), 1);
    assert_string_equal(b.s, "relay.example");
    /* no from-clause */
    assert_int_equal(relay("by mx.postprobe.test (Postfix, from userid 0) id 38722A725D2", &b), 0);
    assert_int_equal(relay("from", &b), 0);
    assert_int_equal(relay("fromage (x [192.0.2.9])", &b), 0);
    assert_int_equal(relay("", &b), 0);
    assert_int_equal(relay("from ;by", &b), 0);
    assert_string_equal(b.s, "");
    /* unbalanced parentheses and brackets do not confuse it */
    assert_int_equal(relay("from a (b [192.0.2.1 by mx", &b), 1);
    assert_int_equal(relay("from a ))) by mx", &b), 1);
    assert_string_equal(b.s, "a )))");
    pp_buf_free(&b);
}

static void decode(const char *in, const char *want)
{
    pp_buf b;
    pp_buf_init(&b);
    pp_qview_decode_words(in, strlen(in), &b);
    if (strcmp(b.s, want) != 0)
        fail_msg("decode '%s': got '%s', wanted '%s'", in, b.s, want);
    pp_buf_free(&b);
}

static void test_encoded_words(void **state)
{
    (void)state;
    decode("plain  text\t here ", "plain text here");
    decode("", "");
    decode("=?utf-8?q?h=C3=A9?= test", "h\xc3\xa9 test");
    decode("=?UTF-8?B?aMOpbGxv?=", "h\xc3\xa9llo");
    /* blanks between encoded words go; around plain words they stay */
    decode("=?utf-8?q?a?= =?utf-8?q?b?=  c =?utf-8?q?d?=", "ab c d");
    decode("=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9");
    decode("=?ISO-8859-15*fr?Q?=A4_euro?=", "\xe2\x82\xac euro");
    decode("=?windows-1252?b?k5Q=?=", "\xe2\x80\x9c\xe2\x80\x9d");
    /* words that are not well formed stay as they are */
    decode("=?utf-8?x?abc?=", "=?utf-8?x?abc?=");
    decode("=?utf-8?q?abc", "=?utf-8?q?abc");
    decode("=?no-such-charset?q?abc?=", "=?no-such-charset?q?abc?=");
    decode("=?utf-8?b?###?=", "=?utf-8?b?###?=");
    decode("=?utf-8?q?bad=Z?=", "=?utf-8?q?bad=Z?=");
    decode("=?utf-8?q?cut=C?=", "=?utf-8?q?cut=C?=");
    decode("=??q?x?=", "=??q?x?=");
    decode("=?utf-8?q?with space?=", "=?utf-8?q?with space?=");
    decode("= ? =? ?= =?", "= ? =? ?= =?");
    /* glued to text, as some mailers write it */
    decode("Re:=?utf-8?q?x?=", "Re:x");
    /* a decoded control character is kept; escaping is the printer's job */
    decode("=?utf-8?q?a=0Ab?=", "a\nb");
}

static void test_header_callback(void **state)
{
    (void)state;
    pp_qview v;
    pp_qview_init(&v);
#define HDR(n, val) pp_qview_header(&v, n, strlen(n), val, strlen(val))
    assert_int_equal(HDR("Received", "from localhost (localhost [127.0.0.1]) by mx"), 0);
    assert_int_equal(HDR("Received", "from ext.example (ext.example [192.0.2.5]) by mx"), 0);
    assert_int_equal(HDR("Received", "from older.example (older [192.0.2.6]) by ext"), 0);
    assert_int_equal(HDR("SUBJECT", "=?utf-8?q?caf=C3=A9?="), 0);
    assert_int_equal(HDR("Subject", "second subject"), 0);
    assert_int_equal(HDR("From", "Alice <a@example.org>"), 0);
    assert_int_equal(HDR("To-Not", "x"), 0);
    assert_int_equal(HDR("To", "b@example.net"), 0);
    /* the fifth field found: stop reading the headers */
    assert_int_equal(HDR("Date", "Wed, 25 Nov 2026 16:36:47 +0000"), 1);
    assert_string_equal(v.relay.s, "ext.example (ext.example [192.0.2.5])");
    assert_string_equal(v.subject.s, "caf\xc3\xa9");
    assert_string_equal(v.from.s, "Alice <a@example.org>");
    assert_string_equal(v.to.s, "b@example.net");
    assert_string_equal(v.date.s, "Wed, 25 Nov 2026 16:36:47 +0000");
    pp_qview_reset(&v);
    assert_string_equal(pp_buf_str(&v.subject), "");
    assert_string_equal(pp_buf_str(&v.relay), "");
    assert_int_equal(HDR("Subject", "next message"), 0);
    assert_string_equal(v.subject.s, "next message");
#undef HDR
    pp_qview_free(&v);
}

static void test_escaping(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b);
    pp_qview_tsv(&b, "a\tb\nc\rd\\e\x1b[31m\x7f \xc3\xa9 \xc2\x9b \xff \xe2\x82");
    assert_string_equal(b.s, "a\\tb\\nc\\rd\\\\e\\x1b[31m\\x7f \xc3\xa9 \\xc2\\x9b \\xff "
                             "\\xe2\\x82");
    pp_buf_reset(&b);
    pp_qview_tsv(&b, "");
    assert_string_equal(b.s, "-");
    pp_buf_free(&b);
}

static void test_stat_table(void **state)
{
    (void)state;
    pp_stat_table *t = pp_stat_new();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i % 1000);
        pp_stat_add(t, key, 1);
    }
    pp_stat_add(t, "big", 100);
    pp_stat_add(t, "", 7);
    assert_int_equal(pp_stat_get(t, "k999"), 5);
    assert_int_equal(pp_stat_get(t, "nope"), 0);
    size_t n;
    const pp_stat_entry *e = pp_stat_sorted(t, &n);
    assert_int_equal(n, 1002);
    assert_string_equal(e[0].key, "big");
    assert_int_equal(e[0].count, 100);
    assert_string_equal(e[1].key, "");
    assert_string_equal(e[2].key, "k0");
    assert_string_equal(e[3].key, "k1");
    assert_string_equal(e[4].key, "k10");
    /* reads and adds after sorting still find the right counters */
    assert_int_equal(pp_stat_get(t, "k500"), 5);
    pp_stat_add(t, "k500", 1);
    pp_stat_add(t, "new", 1);
    assert_int_equal(pp_stat_get(t, "k500"), 6);
    assert_int_equal(pp_stat_get(t, "big"), 100);
    e = pp_stat_sorted(t, &n);
    assert_int_equal(n, 1003);
    assert_string_equal(e[2].key, "k500");
    pp_stat_free(t);
    pp_stat_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relay),    cmocka_unit_test(test_encoded_words),
        cmocka_unit_test(test_header_callback), cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_stat_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
