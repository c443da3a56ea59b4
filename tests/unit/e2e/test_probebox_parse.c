/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_probebox_parse - the pure IMAP line parsers of common/e2e/probebox (SEARCH, FETCH
 * ENVELOPE, CAPABILITY, quoted mailbox names) on lines Dovecot sent, variants other
 * servers send, and garbage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "e2e/probebox.h"

typedef struct uids {
    uint32_t v[8];
    size_t n;
} uids;

static void collect(void *ctx, uint32_t uid)
{
    uids *u = ctx;
    if (u->n < 8)
        u->v[u->n++] = uid;
}

static int search(const char *line, uids *u)
{
    u->n = 0;
    return pp_probebox_parse_search(line, strlen(line), collect, u);
}

static void test_search(void **state)
{
    (void)state;
    uids u;
    assert_int_equal(search("* SEARCH", &u), 0);
    assert_int_equal(search("* SEARCH 1", &u), 1);
    assert_int_equal(u.v[0], 1);
    assert_int_equal(search("* search 3 7 4294967295", &u), 3);
    assert_int_equal(u.v[2], 4294967295u);
    assert_int_equal(search("* SEARCH 3 ", &u), 1);
    assert_int_equal(search("* SEARCH 0", &u), -1);
    assert_int_equal(search("* SEARCH 4294967296", &u), -1);
    assert_int_equal(search("* SEARCH 3 x", &u), -1);
    assert_int_equal(search("* SEARCH (MODSEQ 4)", &u), -1);
    assert_int_equal(search("* 1 EXISTS", &u), -1);
    assert_int_equal(search("* SEARCHING", &u), -1);
    assert_int_equal(search("pp3 OK Search completed", &u), -1);
    assert_int_equal(search("", &u), -1);
}

static int fetch(const char *line, uint32_t *uid, char *subject, size_t len)
{
    *uid = 0;
    return pp_probebox_parse_fetch(line, strlen(line), uid, subject, len);
}

static void test_fetch_dovecot(void **state)
{
    (void)state;
    uint32_t uid;
    char subj[128];
    const char *line =
        "* 1 FETCH (UID 1 ENVELOPE (\"Wed, 25 Nov 2026 16:54:14 +0000\" \"postprobe "
        "roundtrip:1795625654297-49f462c5\" ((NIL NIL \"alice\" \"postprobe.test\")) ((NIL "
        "NIL \"alice\" \"postprobe.test\")) ((NIL NIL \"alice\" \"postprobe.test\")) ((NIL NIL "
        "\"alice\" \"postprobe.test\")) NIL NIL NIL "
        "\"<roundtrip.1795625654297-49f462c5@vm>\"))";
    assert_int_equal(fetch(line, &uid, subj, sizeof subj), 1);
    assert_int_equal(uid, 1);
    assert_string_equal(subj, "postprobe roundtrip:1795625654297-49f462c5");
    /* cut to the buffer */
    assert_int_equal(fetch(line, &uid, subj, 10), 1);
    assert_string_equal(subj, "postprobe");
}

static void test_fetch_variants(void **state)
{
    (void)state;
    uint32_t uid;
    char subj[128];
    /* FLAGS before, UID after the envelope, escapes, NIL subject */
    assert_int_equal(fetch("* 2 FETCH (FLAGS (\\Seen \\Recent) ENVELOPE (NIL \"a \\\"q\\\" "
                           "\\\\ b\" NIL NIL NIL NIL NIL NIL NIL NIL) UID 9)",
                           &uid, subj, sizeof subj), 1);
    assert_int_equal(uid, 9);
    assert_string_equal(subj, "a \"q\" \\ b");
    assert_int_equal(fetch("* 2 FETCH (UID 5 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL "
                           "NIL))", &uid, subj, sizeof subj), 1);
    assert_string_equal(subj, "");
    /* a literal subject: the rest is not on this line; known uid first is enough */
    assert_int_equal(fetch("* 3 FETCH (UID 7 ENVELOPE (\"date\" {12}", &uid, subj,
                           sizeof subj), 1);
    assert_int_equal(uid, 7);
    assert_string_equal(subj, "");
    assert_int_equal(fetch("* 3 FETCH (ENVELOPE (\"date\" {12}", &uid, subj, sizeof subj), -1);
    /* a literal further on in the envelope, after the subject */
    assert_int_equal(fetch("* 3 FETCH (UID 8 ENVELOPE (\"d\" \"s\" ((NIL NIL {5}", &uid, subj,
                           sizeof subj), 1);
    assert_string_equal(subj, "s");
}

static void test_fetch_other_lines(void **state)
{
    (void)state;
    uint32_t uid;
    char subj[64];
    assert_int_equal(fetch("* 1 EXISTS", &uid, subj, sizeof subj), 0);
    assert_int_equal(fetch("* OK [UIDNEXT 3] Predicted next UID", &uid, subj, sizeof subj), 0);
    assert_int_equal(fetch("pp6 OK Fetch completed", &uid, subj, sizeof subj), 0);
    /* an unsolicited flag update has no envelope */
    assert_int_equal(fetch("* 1 FETCH (FLAGS (\\Deleted))", &uid, subj, sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH (UID 0 ENVELOPE (NIL NIL))", &uid, subj, sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH UID 3", &uid, subj, sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH (UID 3 ENVELOPE (\"unterminated", &uid, subj,
                           sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH (UID 3 ENVELOPE (\"d\" \"s\" (((", &uid, subj,
                           sizeof subj), 1);
    assert_int_equal(fetch("* 1 FETCH (UID", &uid, subj, sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH (", &uid, subj, sizeof subj), -1);
    assert_int_equal(fetch("* 1 FETCH (X ))))", &uid, subj, sizeof subj), -1);
}

/* Every prefix of a good line is read without overrun (ASan checks) and never wrongly. */
static void test_fetch_prefixes(void **state)
{
    (void)state;
    const char *line = "* 4 FETCH (FLAGS (\\Seen) UID 12 ENVELOPE (\"d\" \"x rt:1-0000000a\" "
                       "((\"n\" NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL \"<i@h>\"))";
    size_t len = strlen(line);
    for (size_t n = 0; n <= len; n++) {
        char copy[256];
        memcpy(copy, line, n);
        uint32_t uid = 0;
        char subj[64];
        int rc = pp_probebox_parse_fetch(copy, n, &uid, subj, sizeof subj);
        if (rc == 1) {
            assert_int_equal(uid, 12);
            assert_string_equal(subj, "x rt:1-0000000a");
        }
    }
}

static void test_capability(void **state)
{
    (void)state;
    const char *l = "* CAPABILITY IMAP4rev1 SASL-IR NAMESPACE UIDPLUS LIST-EXTENDED";
    assert_true(pp_probebox_has_cap(l, strlen(l), "UIDPLUS"));
    assert_true(pp_probebox_has_cap(l, strlen(l), "uidplus"));
    assert_false(pp_probebox_has_cap(l, strlen(l), "UIDPLU"));
    assert_false(pp_probebox_has_cap(l, strlen(l), "MOVE"));
    const char *o = "* OK [CAPABILITY IMAP4rev1 UIDPLUS] ready";
    assert_false(pp_probebox_has_cap(o, strlen(o), "UIDPLUS"));
}

static void test_quote(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(pp_probebox_quote("INBOX", out, sizeof out), 0);
    assert_string_equal(out, "\"INBOX\"");
    assert_int_equal(pp_probebox_quote("a\"b\\c", out, sizeof out), 0);
    assert_string_equal(out, "\"a\\\"b\\\\c\"");
    assert_int_equal(pp_probebox_quote("", out, sizeof out), 0);
    assert_string_equal(out, "\"\"");
    assert_int_equal(pp_probebox_quote("a\r\nb", out, sizeof out), -1);
    assert_int_equal(pp_probebox_quote("caf\xc3\xa9", out, sizeof out), -1);
    assert_int_equal(pp_probebox_quote("0123456789012345678901234567890", out, sizeof out),
                     -1);
    assert_int_equal(pp_probebox_quote("x", out, 2), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_fetch_dovecot),
        cmocka_unit_test(test_fetch_variants),
        cmocka_unit_test(test_fetch_other_lines),
        cmocka_unit_test(test_fetch_prefixes),
        cmocka_unit_test(test_capability),
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
