/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mapsrc - postmap/postalias source entries (common/postfix/mapsrc.c): logical lines as
 * readlline(3) makes them, the key and validity of each entry as postmap and postalias
 * read it, and the line it starts on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postfix/mapsrc.h"

static pp_mapsrc_counts count(const char *text, pp_mapsrc_kind kind)
{
    pp_mapsrc_counts c;
    pp_mapsrc_count(text, strlen(text), kind, 0, &c);
    return c;
}

static void record(const pp_mapsrc_entry *e, char *out, size_t outlen, size_t *used)
{
    *used += (size_t)snprintf(out + *used, outlen - *used, "%s%zu:%s%s", *used ? "|" : "",
                              e->line, e->valid ? "" : "!", e->valid ? e->key : e->why);
}

/* Collects "line:key" or "line:!why" for every entry, separated by '|'. */
static void entries_flags(const char *text, pp_mapsrc_kind kind, unsigned flags, char *out,
                          size_t outlen)
{
    pp_mapsrc p;
    pp_mapsrc_entry e;
    const char *pos = text;
    size_t used = 0;

    out[0] = '\0';
    pp_mapsrc_init(&p, kind, flags);
    while (*pos) {
        const char *nl = strchr(pos, '\n');
        size_t n = nl ? (size_t)(nl - pos) : strlen(pos);
        if (pp_mapsrc_line(&p, pos, n, &e))
            record(&e, out, outlen, &used);
        pos += n + (nl != NULL);
    }
    if (pp_mapsrc_end(&p, &e))
        record(&e, out, outlen, &used);
    pp_mapsrc_free(&p);
}

static void entries(const char *text, pp_mapsrc_kind kind, char *out, size_t outlen)
{
    entries_flags(text, kind, 0, out, outlen);
}

static void test_comments_and_blanks(void **state)
{
    (void)state;
    pp_mapsrc_counts c = count("# header\n\n   \n\t\nalice@example.com  OK\n"
                               "  # indented comment\n#x y\nbob@example.com REJECT\n",
                               PP_MAPSRC_POSTMAP);
    assert_int_equal(c.entries, 2);
    assert_int_equal(c.skipped, 0);
    assert_int_equal(c.lines, 8);
}

static void test_continuation(void **state)
{
    (void)state;
    char out[256];
    /* Continuation lines, even after a comment or a blank line, belong to the entry. */
    entries("key1 a,\n  b,\n# comment in between\n\n  c\nkey2 v\n", PP_MAPSRC_POSTMAP, out,
            sizeof out);
    assert_string_equal(out, "1:key1|6:key2");
    /* A key alone on its line, its value on the continuation line, is one valid entry. */
    entries("lonely\n   value\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:lonely");
}

static void test_missing_value(void **state)
{
    (void)state;
    char out[256];
    entries("novalue\nnovalue2   \t\nok yes\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:!expected format: key whitespace value|"
                             "2:!expected format: key whitespace value|3:ok");
    pp_mapsrc_counts c = count("novalue\nok yes", PP_MAPSRC_POSTMAP);
    assert_int_equal(c.entries, 1);
    assert_int_equal(c.skipped, 1);
    assert_int_equal(c.lines, 2); /* the last line has no newline */
}

static void test_orphan_continuation(void **state)
{
    (void)state;
    char out[256];
    /* Text that continues nothing is dropped with its own continuation lines. */
    entries("   orphan value\n   more\nkey value\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:!logical line must not start with whitespace|3:key");
}

static void test_fold_and_separators(void **state)
{
    (void)state;
    char out[256];
    entries("Alice@Example.COM\tOK\nCRLF@x value\r\nx\ty\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:alice@example.com|2:crlf@x|3:x");
    /* A line holding only a key and a CR has no value. */
    entries("key\r\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:!expected format: key whitespace value");
}

/* postmap 3.7 ends the key at the first blank outside quotes and keeps the quoted form. */
static void test_quoted_keys(void **state)
{
    (void)state;
    char out[512];
    entries("\"John Doe\"@Example.com OK\n"
            "john\\ roe@example.com  B\n"
            "\"unbalanced@example.com C\n"
            "\"a\\\" b\"@x  D  \n"
            "tail\\\n"
            "\"q\"\"r s\" E\n",
            PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:\"john doe\"@example.com|2:john\\ roe@example.com|"
                             "3:!unbalanced '\"' -- ignoring this line|4:\"a\\\" b\"@x|"
                             "5:!expected format: key whitespace value|6:\"q\"\"r s\"");
    /* The quote can close in the value: the whole line is then the key. */
    entries("\"a b c\"\n", PP_MAPSRC_POSTMAP, out, sizeof out);
    assert_string_equal(out, "1:!expected format: key whitespace value");
}

/* smtputf8_enable = yes: postmap and postalias skip lines that are not UTF-8. */
static void test_utf8(void **state)
{
    (void)state;
    char out[512];
    const char *text = "ab\xff@x A\n\xc3\xa9t\xc3\xa9@x B\nv\xc0\xaf@x C\n"
                       "ok@x \xed\xa0\x80\n";
    entries_flags(text, PP_MAPSRC_POSTMAP, PP_MAPSRC_UTF8, out, sizeof out);
    assert_string_equal(out, "1:!non-UTF-8 input -- ignoring this line|2:\xc3\xa9t\xc3\xa9@x|"
                             "3:!non-UTF-8 input -- ignoring this line|"
                             "4:!non-UTF-8 input -- ignoring this line");
    entries_flags(text, PP_MAPSRC_POSTMAP, 0, out, sizeof out);
    assert_string_equal(out, "1:ab\xff@x|2:\xc3\xa9t\xc3\xa9@x|3:v\xc0\xaf@x|4:ok@x");
    /* Postfix folds UTF-8 keys with ICU's full case folding (postmap -s on the stack). */
    entries_flags("\xc3\x89MILE@X A\nStra\xc3\x9f" "e@X B\n", PP_MAPSRC_POSTMAP, PP_MAPSRC_UTF8,
                  out, sizeof out);
    assert_string_equal(out, "1:\xc3\xa9mile@x|2:strasse@x");
    /* Folding may make a key longer than its line: U+0390 (2 bytes) folds to 6. */
    entries_flags("\xce\x90@X A\n\xc8\xba B\n", PP_MAPSRC_POSTMAP, PP_MAPSRC_UTF8, out,
                  sizeof out);
    assert_string_equal(out, "1:\xce\xb9\xcc\x88\xcc\x81@x|2:\xe2\xb1\xa5");
    entries_flags("root: \xfe\n", PP_MAPSRC_ALIAS, PP_MAPSRC_UTF8, out, sizeof out);
    assert_string_equal(out, "1:!non-UTF-8 input -- ignoring this line");
    /* Rule tables are not checked so (dict_pcre, dict_regexp). */
    entries_flags("/\xff/ x\n", PP_MAPSRC_LINES, PP_MAPSRC_UTF8, out, sizeof out);
    assert_string_equal(out, "1:");
}

static void test_text_survives_next_line(void **state)
{
    (void)state;
    pp_mapsrc p;
    pp_mapsrc_entry e;
    pp_mapsrc_init(&p, PP_MAPSRC_LINES, 0);
    assert_int_equal(pp_mapsrc_line(&p, "/a/ one", 7, &e), 0);
    assert_int_equal(pp_mapsrc_line(&p, "  two", 5, &e), 0);
    assert_int_equal(pp_mapsrc_line(&p, "/b/ three", 9, &e), 1);
    assert_true(e.valid);
    assert_int_equal(e.line, 1);
    assert_string_equal(e.text, "/a/ one  two");
    assert_int_equal(e.textlen, 12);
    assert_string_equal(e.key, "");
    assert_int_equal(pp_mapsrc_end(&p, &e), 1);
    assert_string_equal(e.text, "/b/ three");
    assert_int_equal(e.line, 3);
    pp_mapsrc_free(&p);
}

static void test_nul_ends_line(void **state)
{
    (void)state;
    pp_mapsrc p;
    pp_mapsrc_entry e;
    pp_mapsrc_init(&p, PP_MAPSRC_POSTMAP, 0);
    assert_int_equal(pp_mapsrc_line(&p, "key\0 value", 10, &e), 0);
    assert_int_equal(pp_mapsrc_end(&p, &e), 1);
    assert_false(e.valid);
    assert_string_equal(e.key, "key");
    pp_mapsrc_free(&p);
}

static void test_aliases(void **state)
{
    (void)state;
    char out[512];
    entries("# aliases\npostmaster: root\nMailer-Daemon:postmaster\n"
            "\"with space\": someone\nlist: a,\n  b, c\nbroken root\n"
            "remote@example.com: x\na, b: c\nempty:\n\"\": weird\nquoted:\"\"\n",
            PP_MAPSRC_ALIAS, out, sizeof out);
    assert_string_equal(out, "2:postmaster|3:mailer-daemon|4:with space|5:list|"
                             "7:!need name:value pair|8:!name must be local|"
                             "9:!need name:value pair|10:!need name:value pair|11:|12:quoted");
    pp_mapsrc_counts c = count("root: admin\n\"q:uoted\" : x\n", PP_MAPSRC_ALIAS);
    assert_int_equal(c.entries, 2);
}

static void test_alias_key_unquoting(void **state)
{
    (void)state;
    char out[256];
    entries("\"A\\\"b\"  x : y\n", PP_MAPSRC_ALIAS, out, sizeof out);
    assert_string_equal(out, "1:a\"b x");
}

static void test_empty_and_huge(void **state)
{
    (void)state;
    pp_mapsrc_counts c = count("", PP_MAPSRC_POSTMAP);
    assert_int_equal(c.entries + c.skipped + c.lines, 0);
    /* One entry continued over many lines uses one buffer, however long. */
    size_t n = 100000;
    char *big = malloc(n * 3 + 8), *w = big;
    memcpy(w, "k v\n", 4);
    w += 4;
    for (size_t i = 0; i < n; i++, w += 3)
        memcpy(w, " x\n", 3);
    *w = '\0';
    c = count(big, PP_MAPSRC_POSTMAP);
    assert_int_equal(c.entries, 1);
    assert_int_equal(c.lines, n + 1);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_and_blanks), cmocka_unit_test(test_continuation),
        cmocka_unit_test(test_missing_value),       cmocka_unit_test(test_orphan_continuation),
        cmocka_unit_test(test_fold_and_separators), cmocka_unit_test(test_nul_ends_line),
        cmocka_unit_test(test_text_survives_next_line),
        cmocka_unit_test(test_quoted_keys),         cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_aliases),             cmocka_unit_test(test_alias_key_unquoting),
        cmocka_unit_test(test_empty_and_huge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
