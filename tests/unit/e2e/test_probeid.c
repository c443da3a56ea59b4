/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_probeid - probe ids (common/e2e/probeid.c): making them and finding them again in
 * subjects as auto-responders and filters rewrite them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "e2e/probeid.h"

static bool find(const char *text, const char *tag, long long *ms, char *id, size_t idlen)
{
    return pp_probeid_find(text, strlen(text), tag, ms, id, idlen);
}

static void test_tag(void **state)
{
    (void)state;
    assert_true(pp_probeid_tag_ok("roundtrip"));
    assert_true(pp_probeid_tag_ok("mx-1_B"));
    assert_false(pp_probeid_tag_ok(""));
    assert_false(pp_probeid_tag_ok("a b"));
    assert_false(pp_probeid_tag_ok("a:b"));
    assert_false(pp_probeid_tag_ok("a.b"));
    assert_false(pp_probeid_tag_ok("0123456789012345678901234567890123"));
    assert_true(pp_probeid_tag_ok("01234567890123456789012345678901"));
}

static void test_make_and_find(void **state)
{
    (void)state;
    char id[PP_PROBEID_MAX], found[PP_PROBEID_MAX], subject[128];
    long long ms = 0;
    pp_probeid_make("rt", 1718000000123LL, 0x9fu, id, sizeof id);
    assert_string_equal(id, "rt:1718000000123-0000009f");
    snprintf(subject, sizeof subject, "Re: [SPAM] postprobe %s (auto)", id);
    assert_true(find(subject, "rt", &ms, found, sizeof found));
    assert_int_equal(ms, 1718000000123LL);
    assert_string_equal(found, id);
    /* cut to the buffer */
    assert_true(find(subject, "rt", &ms, found, 5));
    assert_string_equal(found, "rt:1");
}

static void test_not_found(void **state)
{
    (void)state;
    long long ms = 0;
    char id[PP_PROBEID_MAX];
    /* the tag is the end of a longer word */
    assert_false(find("postprobe art:1718000000123-0000009f", "rt", &ms, id, sizeof id));
    /* another tag */
    assert_false(find("postprobe av:1718000000123-0000009f", "rt", &ms, id, sizeof id));
    /* wrong shapes */
    assert_false(find("rt:-0000009f", "rt", &ms, id, sizeof id));
    assert_false(find("rt:17-000009f", "rt", &ms, id, sizeof id));
    assert_false(find("rt:17-0000009fa", "rt", &ms, id, sizeof id));
    assert_false(find("rt:17-0000009F", "rt", &ms, id, sizeof id));
    assert_false(find("rt:1234567890123456789-0000009f", "rt", &ms, id, sizeof id));
    assert_false(find("rt:17", "rt", &ms, id, sizeof id));
    assert_false(find("rt:", "rt", &ms, id, sizeof id));
    assert_false(find("", "rt", &ms, id, sizeof id));
    assert_false(find("rt:17-0000009f", "", &ms, id, sizeof id));
    /* the second candidate is good */
    assert_true(find("rt:x rt:17-0000009f.", "rt", &ms, id, sizeof id));
    assert_int_equal(ms, 17);
}

static void test_random_and_clock(void **state)
{
    (void)state;
    assert_true(pp_probeid_now_ms() > 1600000000000LL);
    uint32_t a = pp_probeid_random(), b = pp_probeid_random(), c = pp_probeid_random();
    assert_false(a == b && b == c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag),
        cmocka_unit_test(test_make_and_find),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_random_and_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
