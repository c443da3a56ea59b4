/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mailmsg - the test messages (common/e2e/mailmsg.c, common/e2e/eicar.c): headers, the EICAR
 * attachment and its encoding, line lengths, dot-stuffing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "e2e/eicar.h"
#include "e2e/mailmsg.h"

static const pp_mailmsg_head head = {"from@example.org", "to@example.net",
                                     "postprobe t:1718000000123-0000009f",
                                     "t:1718000000123-0000009f", 1718000000123LL, "mon.example"};

/* Every line of msg, with its length checked. */
static size_t max_line(const char *msg, size_t len)
{
    size_t off = 0, longest = 0;
    while (off < len) {
        size_t used, n = pp_mailmsg_next_line(msg + off, len - off, &used);
        if (n > longest)
            longest = n;
        assert_null(memchr(msg + off, '\r', n));
        off += used;
    }
    return longest;
}

static void test_eicar(void **state)
{
    (void)state;
    char e[PP_EICAR_LEN + 1];
    pp_eicar(e);
    assert_int_equal(strlen(e), PP_EICAR_LEN);
    /* its well-known ends, and the middle part compared in two pieces */
    assert_memory_equal(e, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$", 28);
    assert_memory_equal(e + 28, "EICAR-STANDARD-", 15);
    assert_memory_equal(e + 43, "ANTIVIRUS-TEST-FILE!$H+H*", 25);
}

static void test_date(void **state)
{
    (void)state;
    char d[64];
    pp_mailmsg_date(1718000000123LL, d, sizeof d);
    assert_string_equal(d, "Mon, 10 Jun 2024 06:13:20 +0000");
}

static void test_probe(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b);
    pp_mailmsg_probe(&b, &head, "first line\n.leading dot");
    assert_non_null(strstr(b.s, "From: <from@example.org>\nTo: <to@example.net>\n"));
    assert_non_null(strstr(b.s, "\nSubject: postprobe t:1718000000123-0000009f\n"));
    assert_non_null(strstr(b.s, "\nMessage-ID: <t.1718000000123-0000009f@mon.example>\n"));
    assert_non_null(strstr(b.s, "\nX-Postprobe-Id: t:1718000000123-0000009f\n"));
    assert_non_null(strstr(b.s, "\nDate: Mon, 10 Jun 2024 06:13:20 +0000\n"));
    assert_null(strstr(b.s, "Precedence"));
    assert_null(strstr(b.s, "Auto-Submitted"));
    assert_non_null(strstr(b.s, "\n\nfirst line\n.leading dot\n"));
    assert_true(max_line(b.s, b.len) < 78);
    pp_buf_free(&b);
}

static void test_eicar_message(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b);
    pp_mailmsg_eicar(&b, &head, "note");
    assert_non_null(strstr(b.s, "Content-Type: multipart/mixed; boundary=\"=_postprobe_"));
    assert_non_null(strstr(b.s, "Content-Disposition: attachment; filename=\"eicar.com\""));
    assert_true(max_line(b.s, b.len) <= 76);
    /* the raw test file is not in the message; its base64 form is, and decodes to it */
    char e[PP_EICAR_LEN + 1];
    pp_eicar(e);
    assert_null(strstr(b.s, e));
    const char *p = strstr(b.s, "filename=\"eicar.com\"\n\n");
    assert_non_null(p);
    p += strlen("filename=\"eicar.com\"\n\n");
    const char *end = strstr(p, "\n\n");
    assert_non_null(end);
    char enc[200];
    size_t o = 0;
    for (; p < end && o + 1 < sizeof enc; p++)
        if (*p != '\n')
            enc[o++] = *p;
    enc[o] = '\0';
    unsigned char dec[200];
    int n = EVP_DecodeBlock(dec, (const unsigned char *)enc, (int)o);
    assert_true(n >= PP_EICAR_LEN);
    assert_memory_equal(dec, e, PP_EICAR_LEN);
    assert_non_null(strstr(b.s, "\n--=_postprobe_1718000000123--\n"));
    pp_buf_free(&b);
}

static void test_stuff(void **state)
{
    (void)state;
    pp_buf t;
    pp_buf_init(&t);
    assert_string_equal(pp_mailmsg_stuff(".", 1, &t), "..");
    assert_string_equal(pp_mailmsg_stuff(".x", 2, &t), "..x");
    assert_string_equal(pp_mailmsg_stuff("x.", 2, &t), "x.");
    assert_string_equal(pp_mailmsg_stuff("", 0, &t), "");
    size_t used;
    assert_int_equal(pp_mailmsg_next_line("ab\ncd", 5, &used), 2);
    assert_int_equal(used, 3);
    assert_int_equal(pp_mailmsg_next_line("cd", 2, &used), 2);
    assert_int_equal(used, 2);
    pp_buf_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eicar),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_eicar_message),
        cmocka_unit_test(test_stuff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
