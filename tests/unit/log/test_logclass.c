/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_logclass - what each kind of Postfix 3.7 log line counts as (common/log/logclass.c),
 * with pflogsumm 1.1.5's definitions, and the reason it is grouped by. The lines are the
 * shapes Postfix 3.7 writes (most copied from the test stack's log).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "log/logclass.h"

static pp_logevent ev;
static char reason[200];

static pp_logkind kind_of(const char *s)
{
    pp_logline l;
    if (pp_logline_parse(s, strlen(s), &l) != 0)
        fail_msg("does not parse: %s", s);
    pp_logclass(&l, &ev);
    pp_logclass_reason(&ev, reason, sizeof reason);
    return ev.kind;
}

#define H "Dec 05 09:11:13 mail postfix-pp/"

static void test_received(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "smtpd[15589]: 3E17AA72CA3: client=localhost[127.0.0.1]"),
                     PP_LOGK_RECEIVED);
    assert_string_equal(ev.qid, "3E17AA72CA3: client=localhost[127.0.0.1]");
    assert_int_equal(ev.qid_len, 11);
    assert_int_equal(kind_of(H "submission/smtpd[1]: 4Ndx1r0y0Fz3v8L: client=a[1.2.3.4], "
                             "sasl_method=PLAIN, sasl_username=alice"), PP_LOGK_RECEIVED);
    assert_int_equal(kind_of(H "pickup[9]: 5C2B1A72CA3: uid=0 from=<root>"), PP_LOGK_RECEIVED);
    assert_int_equal(kind_of(H "pickup[9]: 5C2B1A72CA3: sender=<a@b>"), PP_LOGK_RECEIVED);
    /* cleanup's and qmgr's lines of the same message are not receipts */
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: message-id=<x@y>"), PP_LOGK_NONE);
    assert_int_equal(kind_of(H "qmgr[3]: 3E17AA72CA3: from=<root@vm>, size=427, nrcpt=1 "
                             "(queue active)"), PP_LOGK_NONE);
    /* a connection is counted as one (postfix_exporter's smtpd_connects), not a receipt */
    assert_int_equal(kind_of(H "smtpd[15589]: connect from localhost[127.0.0.1]"),
                     PP_LOGK_CONNECT);
    assert_int_equal(kind_of(H "smtpd[15589]: disconnect from localhost[127.0.0.1] ehlo=1 "
                             "quit=1 commands=2"), PP_LOGK_NONE);
    assert_int_equal(kind_of(H "postscreen[7]: CONNECT from [192.0.2.1]:4711 to "
                             "[127.0.0.1]:25"), PP_LOGK_NONE);
}

static void test_delivery(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "lmtp[20857]: 3E17AA72CA3: to=<alice@postprobe.test>, "
                             "relay=mail.postprobe.test[private/dovecot-lmtp], delay=0.57, "
                             "delays=0.11/0.18/0.17/0.13, dsn=2.0.0, status=sent (250 2.0.0 "
                             "<alice@postprobe.test> yKtfJDHVE2uFUQAAg+zDdQ Saved)"),
                     PP_LOGK_DELIVERED);
    assert_true(ev.has_delays);
    assert_true(ev.delay > 0.569 && ev.delay < 0.571);
    assert_true(ev.delays[0] > 0.109 && ev.delays[0] < 0.111);
    assert_true(ev.delays[3] > 0.129 && ev.delays[3] < 0.131);
    assert_int_equal(kind_of(H "discard[20972]: 00861A72CD5: to=<exists@relay.postprobe.test>, "
                             "relay=none, delay=0.14, delays=0.02/0.13/0/0, dsn=2.0.0, "
                             "status=sent (relay.postprobe.test)"), PP_LOGK_DELIVERED);
    assert_int_equal(kind_of(H "relay/smtp[7]: 1A2B3C4D5E: to=<a@b.example>, orig_to=<c@d>, "
                             "relay=mx.b.example[192.0.2.1]:25, conn_use=2, delay=1.2, "
                             "delays=1.1/0.01/0.05/0.04, dsn=2.0.0, status=sent (250 2.0.0 Ok: "
                             "queued as 00861A72CD5)"), PP_LOGK_DELIVERED);
    assert_int_equal(kind_of(H "local[8]: 1A2B3C4D5E: to=<bob@example.org>, orig_to=<root>, "
                             "relay=local, delay=0.02, delays=0/0/0/0.01, dsn=2.0.0, "
                             "status=sent (forwarded as 2B3C4D5E6F)"), PP_LOGK_FORWARDED);
    /* address verification probes are not deliveries (pflogsumm agrees) */
    assert_int_equal(kind_of(H "smtp[20892]: DF54DA72CB6: to=<exists@relay.postprobe.test>, "
                             "relay=127.0.0.1[127.0.0.1]:28026, delay=0.2, delays=0/0.15/0.03/"
                             "0.02, dsn=2.1.5, status=deliverable (250 2.1.5 Ok)"),
                     PP_LOGK_NONE);
    assert_int_equal(kind_of(H "smtp[20892]: EAF11A72C76: to=<x@relay.postprobe.test>, "
                             "relay=127.0.0.1[127.0.0.1]:28026, delay=0.05, dsn=5.1.1, "
                             "status=undeliverable (host said: 550 5.1.1 no)"), PP_LOGK_NONE);
}

static void test_deferral_bounce(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "smtp[20892]: 6916CA72C9C: to=<someone@unreachable.test>, "
                             "relay=none, delay=0.02, delays=0.01/0.01/0/0, dsn=4.4.1, "
                             "status=deferred (connect to 127.0.0.1[127.0.0.1]:1: Connection "
                             "refused)"), PP_LOGK_DEFERRAL);
    assert_string_equal(reason, "4.4.1 connection refused");
    assert_int_equal(kind_of(H "error[5]: 6916CA72C9C: to=<x@example.com>, relay=none, "
                             "delay=0.1, delays=0.1/0/0/0, dsn=4.0.0, status=deferred (no "
                             "outbound delivery from the postprobe test stack)"),
                     PP_LOGK_DEFERRAL);
    assert_string_equal(reason, "4.0.0 no outbound delivery from the postprobe test stack");
    assert_int_equal(kind_of(H "qmgr[5]: 6916CA72C9C: to=<x@example.com>, relay=none, "
                             "delay=301, delays=301/0/0/0, dsn=4.4.1, status=deferred (delivery "
                             "temporarily suspended: connect to 127.0.0.1[127.0.0.1]:1: "
                             "Connection refused)"), PP_LOGK_DEFERRAL);
    assert_string_equal(reason, "4.4.1 connection refused");
    assert_int_equal(kind_of(H "smtp[5]: 1A2B3C4D5E: to=<u@example.net>, relay=mx.example.net"
                             "[192.0.2.7]:25, delay=3, delays=0/0/1/2, dsn=4.2.2, status="
                             "deferred (host mx.example.net[192.0.2.7] said: 452 4.2.2 Mailbox "
                             "is over its limit (in reply to RCPT TO command))"),
                     PP_LOGK_DEFERRAL);
    assert_string_equal(reason, "4.2.2 mailbox full");
    assert_int_equal(kind_of(H "smtp[5]: 1A2B3C4D5E: to=<u@example.net>, relay=mx[192.0.2.7]:25,"
                             " delay=3, delays=0/0/1/2, dsn=4.7.5, status=deferred (Cannot start"
                             " TLS: handshake failure)"), PP_LOGK_DEFERRAL);
    assert_string_equal(reason, "4.7.5 TLS failure");
    assert_int_equal(kind_of(H "smtp[21]: 1B446A72CB9: to=<nobody@relay.postprobe.test>, relay="
                             "127.0.0.1[127.0.0.1]:28026, delay=0.1, delays=0.01/0/0.05/0.04, "
                             "dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 "
                             "5.1.1 <nobody@relay.postprobe.test>: Recipient address rejected: "
                             "User unknown (postprobe sink) (in reply to RCPT TO command))"),
                     PP_LOGK_BOUNCED);
    assert_string_equal(reason, "5.1.1 user unknown");
    assert_int_equal(kind_of(H "smtp[21]: 1B446A72CB9: to=<n@x.example>, relay=x[192.0.2.1]:25, "
                             "delay=0.1, delays=0.01/0/0.05/0.04, dsn=5.7.1, status=bounced "
                             "(host x[192.0.2.1] said: 554 5.7.1 <n@x.example>: Relay blocked "
                             "for 10.0.0.1 by policy (in reply to RCPT TO command))"),
                     PP_LOGK_BOUNCED);
    assert_string_equal(reason, "5.7.1 <>: Relay blocked for 10.0.0.1 by policy");
    assert_int_equal(kind_of(H "qmgr[3]: 1B446A72CB9: from=<a@b>, status=expired, returned to "
                             "sender"), PP_LOGK_EXPIRED);
    assert_int_equal(kind_of(H "qmgr[3]: 1B446A72CB9: removed"), PP_LOGK_REMOVED);
}

static void test_rejects(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "smtpd[15589]: NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
                             "550 5.1.1 <nosuchuser@postprobe.test>: Recipient address "
                             "rejected: User unknown in virtual mailbox table; from=<root@vm> "
                             "to=<nosuchuser@postprobe.test> proto=ESMTP helo=<vm>"),
                     PP_LOGK_REJECTED);
    assert_string_equal(reason, "550 unknown user");
    assert_int_equal(kind_of(H "smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 "
                             "5.7.1 <a@example.com>: Relay access denied; from=<x@y> "
                             "to=<a@example.com> proto=ESMTP helo=<h>"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "554 relay access denied");
    assert_int_equal(kind_of(H "smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 "
                             "5.7.1 Service unavailable; Client host [192.0.2.9] blocked using "
                             "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.9; "
                             "from=<x@y> to=<a@b> proto=ESMTP helo=<h>"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "554 RBL zen.spamhaus.org");
    assert_int_equal(kind_of(H "smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 504 "
                             "5.5.2 <h>: Helo command rejected: need fully-qualified hostname; "
                             "from=<x@y> to=<a@b> proto=ESMTP helo=<h>"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "504 HELO: need fully-qualified hostname");
    assert_int_equal(kind_of(H "smtpd[15589]: NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
                             "450 4.1.1 <x@example.com>: Recipient address rejected: no "
                             "outbound delivery from the postprobe test stack; from=<a@b.c> "
                             "to=<x@example.com> proto=ESMTP helo=<vm>"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "450 recipient: no outbound delivery from the postprobe test stack");
    assert_int_equal(kind_of(H "postscreen[3]: NOQUEUE: reject: RCPT from [192.0.2.9]:4711: 550 "
                             "5.7.1 Service unavailable; client [192.0.2.9] blocked using "
                             "b.barracudacentral.org; from=<x@y>, to=<a@b>, proto=ESMTP, "
                             "helo=<h>"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "550 RBL b.barracudacentral.org");
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: reject: header Subject: buy now from "
                             "localhost[127.0.0.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<vm>: "
                             "5.7.1 no spam"), PP_LOGK_REJECTED);
    assert_string_equal(reason, "header checks");
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: milter-reject: END-OF-MESSAGE from "
                             "localhost[127.0.0.1]: 5.7.1 virus; from=<a@b> to=<c@d>"),
                     PP_LOGK_REJECTED);
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: warning: header Subject: hello from "
                             "localhost[127.0.0.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<vm>"),
                     PP_LOGK_REJECT_WARNING);
    assert_int_equal(ev.sev, PP_LOGSEV_NONE); /* not a "warning" (pflogsumm) */
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: hold: header Subject: x from "
                             "localhost[127.0.0.1]; from=<a@b> to=<c@d>"), PP_LOGK_HELD);
    assert_int_equal(kind_of(H "cleanup[2]: 3E17AA72CA3: discard: body x from "
                             "localhost[127.0.0.1]; from=<a@b> to=<c@d>"), PP_LOGK_DISCARDED);
    assert_int_equal(kind_of(H "smtpd[1]: 3E17AA72CA3: hold: RCPT from localhost[127.0.0.1]: "
                             "<a@hold.test>: Recipient address triggers HOLD action; from=<a@b> "
                             "to=<a@hold.test> proto=ESMTP helo=<vm>"), PP_LOGK_HELD);
    assert_int_equal(kind_of(H "smtpd[1]: NOQUEUE: reject_warning: RCPT from x[192.0.2.1]: 450 "
                             "4.7.1 Client host rejected: cannot find your hostname, "
                             "[192.0.2.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>"),
                     PP_LOGK_REJECT_WARNING);
    assert_int_equal(kind_of(H "smtpd[1]: NOQUEUE: milter-reject: RCPT from x[192.0.2.1]: 550 "
                             "5.7.1 Command rejected; from=<a@b> to=<c@d> proto=ESMTP helo=<h>"),
                     PP_LOGK_REJECTED);
}

static void test_warnings(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "submission/smtpd[15622]: warning: localhost[127.0.0.1]: SASL "
                             "LOGIN authentication failed: (reason unavailable), sasl_username="
                             "alice@postprobe.test"), PP_LOGK_SASL_FAILURE);
    assert_int_equal(ev.sev, PP_LOGSEV_WARNING);
    assert_string_equal(reason, "127.0.0.1");
    assert_int_equal(kind_of(H "smtpd[1]: warning: unknown[2001:db8::1]: SASL PLAIN "
                             "authentication failed: UGFzc3dvcmQ6"), PP_LOGK_SASL_FAILURE);
    assert_string_equal(reason, "2001:db8::1");
    assert_int_equal(kind_of(H "master[3]: warning: service \"smtpd\" (25) has reached its "
                             "process limit \"100\": new clients may experience noticeable "
                             "delays"), PP_LOGK_PROCESS_LIMIT);
    assert_string_equal(reason, "smtpd");
    assert_int_equal(kind_of(H "smtpd[1]: warning: TLS library problem: error:0A000416:SSL "
                             "routines::sslv3 alert certificate unknown"), PP_LOGK_NONE);
    assert_int_equal(ev.sev, PP_LOGSEV_WARNING);
    assert_int_equal(kind_of(H "smtpd[1]: SSL_accept error from unknown[192.0.2.1]: -1"),
                     PP_LOGK_TLS_FAILURE);
    assert_int_equal(kind_of(H "smtp[1]: SSL_connect error to mx[192.0.2.1]:25: -1"),
                     PP_LOGK_TLS_FAILURE);
    assert_int_equal(kind_of(H "smtps/smtpd[15644]: lost connection after CONNECT from "
                             "localhost[127.0.0.1]"), PP_LOGK_LOST_CONNECTION);
    assert_int_equal(kind_of(H "cleanup[2]: fatal: open database /etc/postfix/x.db: No such "
                             "file or directory"), PP_LOGK_NONE);
    assert_int_equal(ev.sev, PP_LOGSEV_FATAL);
    assert_string_equal(reason, "open database /etc/postfix/x.db: No such file or directory");
    assert_int_equal(kind_of(H "qmgr[2]: panic: myfree: corrupt or unallocated memory block"),
                     PP_LOGK_NONE);
    assert_int_equal(ev.sev, PP_LOGSEV_PANIC);
    assert_int_equal(kind_of(H "local[2]: error: open database /etc/aliases.db: No such file"),
                     PP_LOGK_NONE);
    assert_int_equal(ev.sev, PP_LOGSEV_ERROR);
}

static void test_postscreen(void **state)
{
    (void)state;
    assert_int_equal(kind_of(H "postscreen[3]: PASS NEW [192.0.2.1]:4711"), PP_LOGK_PASS_NEW);
    assert_int_equal(kind_of(H "postscreen[3]: PASS OLD [192.0.2.1]:4711"), PP_LOGK_PASS_OLD);
    assert_int_equal(kind_of(H "postscreen[3]: DNSBL rank 3 for [192.0.2.1]:4711"),
                     PP_LOGK_DNSBL);
    assert_int_equal(kind_of(H "postscreen[3]: PREGREET 11 after 0.1 from [192.0.2.1]:4711: "
                             "EHLO x\\r\\n"), PP_LOGK_PREGREET);
    assert_int_equal(kind_of(H "postscreen[3]: CONNECT from [192.0.2.1]:4711 to "
                             "[192.0.2.2]:25"), PP_LOGK_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_received), cmocka_unit_test(test_delivery),
        cmocka_unit_test(test_deferral_bounce), cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_warnings), cmocka_unit_test(test_postscreen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
