/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_rxtable - pcre: and regexp: table checks (common/postfix/rxtable.c). The table below is the
 * one whose problems Postfix 3.7's own loader reports, by line, as
 *   postmap -q x pcre:bad.pcre   ->  lines 3 4 5 6 11 12 13 14 17 15
 * (line 15's "IF has no matching ENDIF" comes last), and the same lines for regexp:.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postfix/rxtable.h"

static const char bad_table[] =
    "# a table with problems\n"
    "/^ok@example\\.com$/        OK\n"
    "/^(unclosed@.*$/           REJECT bad pattern\n"
    "/^(a)(b)$/                 REJECT $3 out of range\n"
    "!/^neg(.*)$/               REJECT $1 in a negated rule\n"
    "/^x$/Z                     REJECT unknown flag\n"
    "if /^sub\\./\n"
    "/^sub\\.a/                  OK\n"
    "  /^indented-in-if/        OK\n"
    "endif\n"
    "endif\n"
    "/no closing delimiter      OK\n"
    "/^y$/                      costs 100$ dollars\n"
    "/^z$/                      REJECT ${1\n"
    "if /^never-closed/\n"
    "@foo@                      OK\n"
    "/(?<name>x)/               REJECT $name\n";

typedef struct seen {
    char text[2048];
    size_t used;
} seen;

/* "line: why" for a rule Postfix skips, "line? why" for one not checked here. */
static void collect(void *ctx, size_t line, int kind, const char *why)
{
    seen *s = ctx;
    assert_true(kind == PP_RXTABLE_SKIPPED || kind == PP_RXTABLE_UNCHECKED);
    s->used += (size_t)snprintf(s->text + s->used, sizeof s->text - s->used, "%zu%c %s\n", line,
                                kind == PP_RXTABLE_SKIPPED ? ':' : '?', why);
}

static long check_param(const char *text, pp_rxtable_kind kind, const char *no_regsub, seen *s)
{
    char path[] = "/tmp/pp_test_rxtable_XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    memset(s, 0, sizeof *s);
    long rules = pp_rxtable_check_file(path, kind, no_regsub, collect, s, err, sizeof err);
    unlink(path);
    return rules;
}

static long check_text(const char *text, pp_rxtable_kind kind, seen *s)
{
    return check_param(text, kind, NULL, s);
}

static void test_pcre_problems(void **state)
{
    (void)state;
    seen s;
    long rules = check_text(bad_table, PP_RXTABLE_PCRE, &s);
    assert_string_equal(s.text,
        "3: error in regex at offset 14: missing closing parenthesis\n"
        "4: out of range replacement index \"3\" (the pattern has 2 groups)\n"
        "5: $number found in negative match replacement text\n"
        "6: unknown regexp option \"Z\"\n"
        "11: ENDIF without matching IF\n"
        "12: no closing regexp delimiter \"/\"\n"
        "13: bad replacement syntax: empty $name\n"
        "14: bad replacement syntax: unclosed \"{\"\n"
        "17: non-numeric replacement index \"name\"\n"
        "15: IF has no matching ENDIF\n");
    /* Used: lines 2, 7 (if), 8 (with line 9 as its continuation), 10 (endif), 15, 16. */
    assert_int_equal(rules, 6);
}

static void test_regexp_problems(void **state)
{
    (void)state;
    seen s;
    check_text(bad_table, PP_RXTABLE_REGEXP, &s);
    assert_non_null(strstr(s.text, "3: regexp error: "));
    const char *lines[] = {"\n4: ", "\n5: ", "\n6: ", "\n11: ", "\n12: ", "\n13: ", "\n14: ",
                           "\n17: ", "\n15: IF has no"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_non_null(strstr(s.text, lines[i]));
}

/* Patterns glibc's regcomp() would spend gigabytes on are not compiled here (a fuzzer found
 * "x+++...": 23 operators took 4 GB), and said to be this check's limit, not Postfix's: it
 * compiles them. A bound over RE_DUP_MAX is regcomp()'s own refusal, in Postfix too.
 * Ordinary bounds, brackets and escapes pass. */
static void test_regexp_costly(void **state)
{
    (void)state;
    seen s;
    long rules = check_text("/^user.+++++++++++++++++++++++[0-9]+@/ REJECT\n"
                            "/a{1,30000}/ REJECT\n"
                            "/^[+*?+*?+*?+*?+*?+*?+*?]{1,64}\\+\\+\\+\\+\\+\\+\\+\\+\\+$/ OK\n"
                            "/^a{2}{2}{2}(x+)+y{0,3000}$/ OK\n"
                            "/x{1,4000}/ REJECT $1\n"
                            "/b{1,40000}/ REJECT\n",
                            PP_RXTABLE_REGEXP, &s);
    assert_string_equal(s.text,
        "1? not compiled here: more than 16 repetition operators in a row are over this "
        "check's limit (regcomp() needs memory doubling with each; Postfix compiles it)\n"
        "2? not compiled here: its repetition bound 30000 is over this check's limit of 3000 "
        "(regcomp() needs memory growing with the bound's square; Postfix compiles it)\n"
        "5? not compiled here: its repetition bound 4000 is over this check's limit of 3000 "
        "(regcomp() needs memory growing with the bound's square; Postfix compiles it)\n"
        "6: regexp error: Regular expression too big\n");
    assert_int_equal(rules, 2);
}

/* transport_maps and the other parameters Postfix opens with DICT_FLAG_NO_REGSUB: a rule
 * with $number is skipped there, as trivial-rewrite logs; the same table elsewhere is fine. */
static void test_no_regsub(void **state)
{
    (void)state;
    seen s;
    static const char table[] = "/^(.*)@example\\.com$/ smtp:[$1]\n"
                                "/@example\\.org$/ smtp:[relay.example.org]\n"
                                "/^x$/ cost $$5\n"
                                "if /^y/\n/^(yz)$/ relay:$1\nendif\n";
    for (int kind = PP_RXTABLE_PCRE; kind <= PP_RXTABLE_REGEXP; kind++) {
        long rules = check_param(table, (pp_rxtable_kind)kind, "transport_maps", &s);
        assert_string_equal(s.text,
            "1: regular expression substitution is not allowed (in transport_maps)\n"
            "5: regular expression substitution is not allowed (in transport_maps)\n");
        assert_int_equal(rules, 4);
        rules = check_param(table, (pp_rxtable_kind)kind, NULL, &s);
        assert_string_equal(s.text, "");
        assert_int_equal(rules, 6);
    }
    /* A negated rule with $number: Postfix names that reason first. */
    check_param("!/^(a)/ x$1\n", PP_RXTABLE_PCRE, "fallback_transport_maps", &s);
    assert_string_equal(s.text, "1: $number found in negative match replacement text\n");
}

/* Text quoted from the table never carries raw invalid bytes or controls. */
static void test_escaped_text(void **state)
{
    (void)state;
    seen s;
    check_text("bad\xff\x01word x\n", PP_RXTABLE_PCRE, &s);
    assert_string_equal(s.text, "1: unrecognized request \"bad\\xff\\x01word x\"\n");
}

static void test_good_tables(void **state)
{
    (void)state;
    seen s;
    long rules = check_text("/^(.*)@example\\.com$/ FILTER smtp:[$1]\n"
                            "/^postmaster@/i OK\n"
                            "if !/@example\\.org$/\n/^a/ DUNNO\nENDIF\n"
                            "/^\\$/ literal $$ sign\n",
                            PP_RXTABLE_PCRE, &s);
    assert_string_equal(s.text, "");
    assert_int_equal(rules, 6); /* an ENDIF counts as a rule, as in Postfix's rule list */
    /* regexp: tables take a second, negated pattern; \1-style escapes are POSIX. */
    rules = check_text("/^(.*)@a\\.b$/!/^root@/ RELAY $1\n/x{2,}/ OK\n", PP_RXTABLE_REGEXP, &s);
    assert_string_equal(s.text, "");
    assert_int_equal(rules, 2);
}

static void test_indented_if_body(void **state)
{
    (void)state;
    seen s;
    /* Indented rules right after an IF become part of the IF line. */
    check_text("if /^a/\n  /^ab/ OK\nendif\n", PP_RXTABLE_PCRE, &s);
    assert_non_null(strstr(s.text, "1: text after the IF pattern is ignored"));
}

static void test_orphan_and_unrecognized(void **state)
{
    (void)state;
    seen s;
    check_text("   /^a/ OK\nfoo bar\n", PP_RXTABLE_REGEXP, &s);
    assert_string_equal(s.text, "1: logical line must not start with whitespace\n"
                                "2: unrecognized request \"foo bar\"\n");
}

static void test_missing_file(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(pp_rxtable_check_file("/nonexistent/x.pcre", PP_RXTABLE_PCRE, NULL,
                                           collect, NULL, err, sizeof err), -1);
    assert_string_equal(err, "cannot open /nonexistent/x.pcre: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcre_problems),      cmocka_unit_test(test_regexp_problems),
        cmocka_unit_test(test_regexp_costly),      cmocka_unit_test(test_no_regsub),
        cmocka_unit_test(test_escaped_text),
        cmocka_unit_test(test_good_tables),        cmocka_unit_test(test_indented_if_body),
        cmocka_unit_test(test_orphan_and_unrecognized), cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
