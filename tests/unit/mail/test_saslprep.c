/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_saslprep - common/mail/saslprep.c against the examples of RFC 4013 section 3 and the
 * parts of the profile that matter to a login: non-ASCII space mapped to space, characters
 * mapped to nothing, NFKC, prohibited controls, the bidi rule, unassigned code points in a
 * stored string, invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mail/saslprep.h"

static void prepared(const char *in, bool stored, const char *want)
{
    char err[200] = "";
    char *out = pp_saslprep(in, stored, err, sizeof err);
    if (!out)
        fail_msg("'%s' refused: %s", in, err);
    assert_string_equal(out, want);
    free(out);
}

static void refused(const char *in, bool stored, const char *why)
{
    char err[200] = "";
    char *out = pp_saslprep(in, stored, err, sizeof err);
    assert_null(out);
    assert_string_equal(err, why);
}

/* RFC 4013 section 3, the table of examples. */
static void test_rfc4013_examples(void **state)
{
    (void)state;
    prepared("I\xc2\xad" "X", true, "IX");    /* SOFT HYPHEN mapped to nothing */
    prepared("user", true, "user");           /* no transformation */
    prepared("USER", true, "USER");           /* case preserved */
    prepared("\xc2\xaa", true, "a");          /* FEMININE ORDINAL INDICATOR: NFKC */
    prepared("\xe2\x85\xa8", true, "IX");     /* ROMAN NUMERAL NINE: NFKC */
    refused("\x07", true, "holds a character SASLprep prohibits (a control, private-use or "
                          "non-character code point)");
    refused("\xd8\xa7" "1", true, "mixes left-to-right and right-to-left text");
}

static void test_mappings(void **state)
{
    (void)state;
    prepared("pass\xc2\xa0word", true, "pass word");          /* NO-BREAK SPACE */
    prepared("pass\xe3\x80\x80word", true, "pass word");      /* IDEOGRAPHIC SPACE */
    prepared("zw\xe2\x80\x8dj", true, "zwj");                 /* ZERO WIDTH JOINER */
    prepared("zw\xe2\x80\x8bs", true, "zw s");                /* ZERO WIDTH SPACE: C.1.2 */
    prepared("e\xcc\x81t\xc3\xa9", true, "\xc3\xa9t\xc3\xa9"); /* e + COMBINING ACUTE */
    prepared("p@ss w0rd#1", true, "p@ss w0rd#1");             /* printable ASCII as is */
}

static void test_refusals(void **state)
{
    (void)state;
    refused("", false, "empty after SASLprep");
    refused("\xc2\xad", false, "empty after SASLprep");
    refused("line\r\nbreak", true, "holds a character SASLprep prohibits (a control, "
                                   "private-use or non-character code point)");
    refused("pua\xee\x80\x80", true, "holds a character SASLprep prohibits (a control, "
                                     "private-use or non-character code point)");
    refused("\xff\xfe", true, "not valid UTF-8");
    /* U+0221 was unassigned in Unicode 3.2: allowed in a query, refused when stored. */
    prepared("\xc8\xa1", false, "\xc8\xa1");
    refused("\xc8\xa1", true, "holds an unassigned code point");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4013_examples),
        cmocka_unit_test(test_mappings),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
