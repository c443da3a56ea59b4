/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_json - the JSON string encoder (common/core/json.c) and the UTF-8 sequence reader
 * (common/core/utf8.c): escapes, control characters, every kind of broken UTF-8 (stray
 * continuation bytes, cut sequences, overlong forms, surrogates, code points past
 * U+10FFFF), a NUL inside a counted string, and a Latin-1 certificate name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/utf8.h"

static void expect_json(const char *in, size_t len, const char *want)
{
    pp_buf b;
    pp_buf_init(&b);
    pp_json_strn(&b, in, len);
    assert_string_equal(b.s, want);
    pp_buf_free(&b);
}

#define EXPECT(in, want) expect_json(in, sizeof in - 1, want)

static void test_plain_and_escapes(void **state)
{
    (void)state;
    EXPECT("", "\"\"");
    EXPECT("mx1.example.org", "\"mx1.example.org\"");
    EXPECT("q\"b\\s/", "\"q\\\"b\\\\s/\"");
    EXPECT("a\tb\nc\r\x01\x1f\x7f", "\"a\\u0009b\\u000ac\\u000d\\u0001\\u001f\\u007f\"");
    EXPECT("nul\0after", "\"nul\\u0000after\"");
    pp_buf b;
    pp_buf_init(&b);
    pp_json_str(&b, "nul\0after");
    assert_string_equal(b.s, "\"nul\"");
    pp_buf_free(&b);
}

static void test_valid_utf8_kept(void **state)
{
    (void)state;
    /* é (2 bytes), € (3), 😀 (4), U+00A0, U+FFFD and U+10FFFF themselves */
    EXPECT("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0 \xef\xbf\xbd \xf4\x8f\xbf\xbf",
           "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0 \xef\xbf\xbd \xf4\x8f\xbf\xbf\"");
    /* C1 controls are valid UTF-8 but never reach a terminal raw */
    EXPECT("\xc2\x80\xc2\x9b\xc2\x9f", "\"\\u0080\\u009b\\u009f\"");
}

static void test_broken_utf8_replaced(void **state)
{
    (void)state;
    /* "Société" in Latin-1, as a certificate's CN may carry it (T61String) */
    EXPECT("Soci\xe9t\xe9", "\"Soci\\ufffdt\\ufffd\"");
    EXPECT("\x80\xbf\xff\xfe", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");       /* stray bytes */
    EXPECT("\xe2\x82", "\"\\ufffd\\ufffd\"");                            /* cut at the end */
    EXPECT("\xe2\x82x", "\"\\ufffd\\ufffdx\"");                          /* cut by ASCII */
    EXPECT("\xc0\xaf\xc1\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");      /* overlong 2 */
    EXPECT("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");                 /* overlong 3 */
    EXPECT("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");      /* overlong 4 */
    EXPECT("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");                 /* surrogate */
    EXPECT("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");      /* past U+10FFFF */
    EXPECT("\xf5\x80", "\"\\ufffd\\ufffd\"");
    /* a broken sequence does not swallow the valid one behind it */
    EXPECT("\xe2\xc3\xa9", "\"\\ufffd\xc3\xa9\"");
}

static void test_utf8_seq(void **state)
{
    (void)state;
    assert_int_equal(pp_utf8_seq((const unsigned char *)"a", 1), 1);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xc3\xa9", 2), 2);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xc3\xa9", 1), 0);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3), 3);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 3), 0);
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xed\x9f\xbf", 3), 3); /* U+D7FF */
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xed\xbf\xbf", 3), 0); /* U+DFFF */
    assert_int_equal(pp_utf8_seq((const unsigned char *)"\xee\x80\x80", 3), 3); /* U+E000 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_escapes),
        cmocka_unit_test(test_valid_utf8_kept),
        cmocka_unit_test(test_broken_utf8_replaced),
        cmocka_unit_test(test_utf8_seq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
