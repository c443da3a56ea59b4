/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_showq - the "postqueue -j" line parser (common/queue/showq.c) on lines as Postfix prints
 * them, on escapes and on garbage, and the reader on a stand-in postqueue.
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

#include "queue/showq.h"
#include "standin.h"

static int parse(const char *line, pp_showq_msg *m, char *err, size_t errlen)
{
    return pp_showq_parse_line(line, strlen(line), m, err, errlen);
}

static void test_real_lines(void **state)
{
    (void)state;
    pp_showq_msg m;
    char err[256];
    pp_showq_msg_init(&m);
    /* As postqueue -j of Postfix 3.7 prints them. */
    assert_int_equal(
        parse("{\"queue_name\": \"deferred\", \"queue_id\": \"38722A725D2\", \"arrival_time\": "
              "1795624607, \"message_size\": 294, \"forced_expire\": false, \"sender\": "
              "\"odd@postprobe.test\", \"recipients\": [{\"address\": \"a@hold.test\", "
              "\"delay_reason\": \"connect to 127.0.0.1[127.0.0.1]:1: Connection refused\"}, "
              "{\"address\": \"c@unreachable.test\", \"delay_reason\": \"connect to "
              "127.0.0.1[127.0.0.1]:1: Connection refused\"}]}",
              &m, err, sizeof err),
        0);
    assert_string_equal(m.queue, "deferred");
    assert_string_equal(m.id, "38722A725D2");
    assert_int_equal(m.q.arrival, 1795624607);
    assert_int_equal(m.q.size, 294);
    assert_false(m.q.expired);
    assert_string_equal(m.q.sender, "odd@postprobe.test");
    assert_int_equal(m.q.nrcpt, 2);
    assert_string_equal(m.q.rcpt[0], "a@hold.test");
    assert_string_equal(m.reason[0], "connect to 127.0.0.1[127.0.0.1]:1: Connection refused");
    assert_string_equal(m.q.rcpt[1], "c@unreachable.test");

    /* The null sender, a held message without reasons, a long queue id, forced expiry. */
    assert_int_equal(
        parse("{\"queue_name\": \"hold\", \"queue_id\": \"4ZbW0x1Dq7zKxLM\", \"arrival_time\": "
              "1700000000, \"message_size\": 1, \"forced_expire\": true, \"sender\": "
              "\"MAILER-DAEMON\", \"recipients\": [{\"address\": \"x@example.com\"}]}",
              &m, err, sizeof err),
        0);
    assert_string_equal(m.queue, "hold");
    assert_string_equal(m.id, "4ZbW0x1Dq7zKxLM");
    assert_true(m.q.expired);
    assert_string_equal(m.q.sender, "");
    assert_int_equal(m.q.nrcpt, 1);
    assert_string_equal(m.reason[0], "");

    /* Postfix 3.1-3.4 have no forced_expire; recipients may be empty (all delivered). */
    assert_int_equal(parse("{\"queue_name\":\"active\",\"queue_id\":\"A1\",\"arrival_time\":0,"
                           "\"message_size\":0,\"sender\":\"s@x\",\"recipients\":[]}",
                           &m, err, sizeof err),
                     0);
    assert_int_equal(m.q.nrcpt, 0);
    assert_string_equal(m.q.sender, "s@x");
    pp_showq_msg_free(&m);
}

static void test_escapes(void **state)
{
    (void)state;
    pp_showq_msg m;
    char err[256];
    pp_showq_msg_init(&m);
    assert_int_equal(
        parse("{\"queue_name\": \"deferred\", \"queue_id\": \"B2\", \"arrival_time\": 1, "
              "\"message_size\": 2, \"sender\": \"\\\"john doe\\\"@example.com\", "
              "\"recipients\": [{\"address\": \"\\\"a\\\\\\\"b\\\"@x.org\", \"delay_reason\": "
              "\"tab\\there\\nnl \\u00e9 \\u20ac \\ud83d\\ude00 \\ud800x \\u0000 \\/ \\\\\"}, "
              "{\"address\": \"@route:\\\"q q\\\"@d\"}, {\"address\": \"\\\"x@y\\\"@z\"}]}",
              &m, err, sizeof err),
        0);
    /* showq's RFC 822 quoting of local parts is undone */
    assert_string_equal(m.q.sender, "john doe@example.com");
    assert_string_equal(m.q.rcpt[0], "a\"b@x.org");
    assert_string_equal(m.reason[0], "tab\there\nnl \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                                     "\xef\xbf\xbdx ? / \\");
    assert_string_equal(m.q.rcpt[1], "@route:q q@d");
    assert_string_equal(m.q.rcpt[2], "x@y@z");
    pp_showq_msg_free(&m);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    pp_showq_msg m;
    char err[256];
    pp_showq_msg_init(&m);
    /* Keys of a future Postfix are skipped, whatever their value; order does not matter. */
    assert_int_equal(
        parse(" { \"recipients\" : [ { \"x\" : [1, 2.5e3, -0.1, {\"a\": null}], \"address\" : "
              "\"r@d\" } ] , \"new\": {\"deep\": [[[\"s\"]]], \"t\": true}, \"sender\": \"\", "
              "\"message_size\": 7, \"arrival_time\": -5, \"queue_id\": \"C3\", "
              "\"queue_name\": \"incoming\" }\r",
              &m, err, sizeof err),
        0);
    assert_string_equal(m.queue, "incoming");
    assert_int_equal(m.q.arrival, -5);
    assert_string_equal(m.q.sender, "");
    assert_string_equal(m.q.rcpt[0], "r@d");
    pp_showq_msg_free(&m);
}

static void test_many_recipients(void **state)
{
    (void)state;
    pp_showq_msg m;
    char err[256];
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    fputs("{\"queue_name\": \"deferred\", \"queue_id\": \"D4\", \"arrival_time\": 1, "
          "\"message_size\": 2, \"recipients\": [", f);
    for (int i = 0; i < 1000; i++)
        fprintf(f, "%s{\"address\": \"user%d@example.com\", \"delay_reason\": \"r%d\"}",
                i ? ", " : "", i, i);
    fputs("], \"sender\": \"s@example.com\"}", f);
    fclose(f);
    pp_showq_msg_init(&m);
    assert_int_equal(pp_showq_parse_line(line, len, &m, err, sizeof err), 0);
    assert_int_equal(m.q.nrcpt, 1000);
    assert_string_equal(m.q.rcpt[999], "user999@example.com");
    assert_string_equal(m.reason[500], "r500");
    assert_string_equal(m.q.sender, "s@example.com");
    free(line);
    pp_showq_msg_free(&m);
}

static void test_garbage(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        {"", "expected '{', line ends"},
        {"garbage", "expected '{' at byte 0"},
        {"{\"queue_name\": \"deferred\"", "expected '}', line ends"},
        {"{\"queue_name\": \"deferred\", \"queue_id\": \"A\", \"arrival_time\": 1, "
         "\"message_size\": 2, \"sender\": \"s\"}",
         "no \"recipients\" in the object"},
        {"{\"queue_name\": \"a\", \"queue_id\": \"A\", \"arrival_time\": 1, \"message_size\": 2, "
         "\"sender\": \"s\", \"recipients\": []} trailing",
         "unexpected bytes after the object"},
        {"{\"queue_id\": \"A\\nB\"}", "queue_id is not 1-31 letters and digits at byte 13"},
        {"{\"queue_id\": \"../../x\"}", "queue_id is not"},
        {"{\"queue_id\": \"\"}", "queue_id is not"},
        {"{\"queue_name\": \"averyveryverylongqueuename\"}", "queue_name is not 1-15"},
        {"{\"arrival_time\": 99999999999999999999}", "number out of range"},
        {"{\"arrival_time\": 1.5}", "expected an integer"},
        {"{\"arrival_time\": \"1\"}", "expected a number"},
        {"{\"message_size\": -1}", "negative message_size"},
        {"{\"forced_expire\": maybe}", "unexpected value"},
        {"{\"sender\": \"a\tb\"}", "control character 0x09 in string"},
        {"{\"sender\": \"a\\qb\"}", "bad escape \\q"},
        {"{\"sender\": \"\\u12\"}", "bad hex digit"},
        {"{\"sender\": \"\\u12", "short \\u escape"},
        {"{\"sender\": \"abc", "unterminated string"},
        {"{\"sender\": \"a\\", "unterminated string"},
        {"{\"sender\": \"a\", \"sender\": \"b\"}", "duplicate key \"sender\""},
        {"{\"recipients\": [{\"delay_reason\": \"x\"}]}", "recipient without \"address\""},
        {"{\"recipients\": [{\"address\": \"a\", \"address\": \"b\"}]}", "duplicate key"},
        {"{\"recipients\": {}}", "expected '['"},
        {"{\"recipients\": [1]}", "expected '{'"},
        {"{\"recipients\": [{\"address\": \"a\"},]}", "expected '{'"},
        {"{\"x\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", "values nested too deep"},
        {"{\"x\": -}", "expected a value"},
        {"{\"x\": }", "expected a value"},
        {"{,}", "expected '\"'"},
        {"{\"a\" 1}", "expected ':'"},
    };
    pp_showq_msg m;
    char err[256];
    pp_showq_msg_init(&m);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(err, "");
        int rc = parse(bad[i].line, &m, err, sizeof err);
        if (rc != -1 || !strstr(err, bad[i].why))
            fail_msg("line %zu '%s': rc %d, err '%s', wanted '%s'", i, bad[i].line, rc, err,
                     bad[i].why);
        /* a failed parse leaves an empty message, never half of one */
        assert_int_equal(m.q.nrcpt, 0);
        assert_string_equal(m.q.sender, "");
    }
    /* A NUL inside the line is a control character, not an end. */
    static const char nul[] = "{\"sender\": \"a\0b\"}";
    assert_int_equal(pp_showq_parse_line(nul, sizeof nul - 1, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "control character 0x00"));
    pp_showq_msg_free(&m);
}

/* Every prefix and every one-byte corruption of a real line: an answer, never a crash. */
static void test_mutations(void **state)
{
    (void)state;
    static const char good[] =
        "{\"queue_name\": \"deferred\", \"queue_id\": \"38722A725D2\", \"arrival_time\": "
        "1795624607, \"message_size\": 294, \"forced_expire\": false, \"sender\": "
        "\"\\\"o d\\\"@x\", \"recipients\": [{\"address\": \"a@hold.test\", \"delay_reason\": "
        "\"\\u00e9\\ud83d\\ude00\"}, {\"address\": \"c@u\"}]}";
    size_t n = sizeof good - 1;
    char *copy = malloc(n);
    pp_showq_msg m;
    char err[256];
    pp_showq_msg_init(&m);
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(copy, good, cut);
        assert_int_equal(pp_showq_parse_line(copy, cut, &m, err, sizeof err), -1);
    }
    static const unsigned char subst[] = {0, '"', '\\', '{', '}', '[', ']', ',', ':', 'u',
                                          '9', ' ', 0xff, 0x80, '\n'};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof subst; k++) {
            memcpy(copy, good, n);
            copy[i] = (char)subst[k];
            int rc = pp_showq_parse_line(copy, n, &m, err, sizeof err);
            assert_true(rc == 0 || rc == -1);
            if (rc == 0)
                for (size_t r = 0; r < m.q.nrcpt; r++)
                    assert_non_null(m.q.rcpt[r]);
        }
    }
    assert_int_equal(pp_showq_parse_line(good, n, &m, err, sizeof err), 0);
    assert_string_equal(m.q.sender, "o d@x");
    free(copy);
    pp_showq_msg_free(&m);
}

/* The reader, on a stand-in postqueue that prints a good line, a bad one and fails. */
static void test_reader(void **state)
{
    (void)state;
    char dir[64], err[512];
    assert_int_equal(standin_dir(dir, sizeof dir, "showq"), 0);
    assert_int_equal(standin_program(dir, "postqueue",
               "[ \"$1 $2 $3\" = \"-c /cfg -j\" ] || { echo \"bad args: $*\" >&2; exit 64; }\n"
               "echo '{\"queue_name\": \"hold\", \"queue_id\": \"AB12\", \"arrival_time\": 5, "
               "\"message_size\": 9, \"sender\": \"s@x\", \"recipients\": [{\"address\": "
               "\"r@y\"}]}'\n"
               "echo\n"
               "echo 'not json'\n"
               "echo '{\"queue_name\": \"deferred\", \"queue_id\": \"CD34\", \"arrival_time\": "
               "6, \"message_size\": 10, \"sender\": \"MAILER-DAEMON\", \"recipients\": []}'\n"
               "echo 'postqueue: fatal: Queue report unavailable - mail system is down' >&2\n"
               "exit 69"), 0);
    assert_int_equal(standin_commands(dir), 0);

    pp_showq_msg m;
    pp_showq_msg_init(&m);
    pp_showq *sq = pp_showq_open("/cfg", err, sizeof err);
    assert_non_null(sq);
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 1);
    assert_string_equal(m.id, "AB12");
    assert_string_equal(m.q.rcpt[0], "r@y");
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), -1);
    assert_string_equal(err, "postqueue -j line 3: expected '{' at byte 0");
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 1);
    assert_string_equal(m.id, "CD34");
    assert_string_equal(m.q.sender, "");
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 0);
    assert_int_equal(pp_showq_close(sq, err, sizeof err), -1);
    assert_string_equal(err, "postqueue exited with status 69: postqueue: fatal: Queue report "
                             "unavailable - mail system is down");

    /* Stopping early is no failure, even though postqueue may die of SIGPIPE. */
    sq = pp_showq_open("/cfg", err, sizeof err);
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 1);
    assert_int_equal(pp_showq_close(sq, err, sizeof err), 0);

    pp_showq_msg_free(&m);
    assert_int_equal(standin_remove(dir), 0);
}

/* A message renamed from active to deferred while showq reports is listed once. */
static void test_moved_during_report(void **state)
{
    (void)state;
    char dir[64], err[512];
#define LINE(q, id) "echo '{\"queue_name\": \"" q "\", \"queue_id\": \"" id "\", " \
                    "\"arrival_time\": 5, \"message_size\": 9, \"sender\": \"s@x\", " \
                    "\"recipients\": [{\"address\": \"r@y\"}]}'\n"
    assert_int_equal(standin_dir(dir, sizeof dir, "showq_moved"), 0);
    assert_int_equal(standin_program(dir, "postqueue",
                                     LINE("incoming", "IN1") LINE("active", "IN1")
                                     LINE("active", "AC1") LINE("active", "AC2")
                                     LINE("deferred", "AC1") LINE("deferred", "DF1")
                                     LINE("hold", "AC2") LINE("hold", "HO1")),
                     0);
#undef LINE
    assert_int_equal(standin_commands(dir), 0);
    pp_showq_msg m;
    pp_showq_msg_init(&m);
    pp_showq *sq = pp_showq_open(NULL, err, sizeof err);
    assert_non_null(sq);
    const char *want[][2] = {{"incoming", "IN1"}, {"active", "AC1"}, {"active", "AC2"},
                             {"deferred", "DF1"}, {"hold", "HO1"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 1);
        assert_string_equal(m.queue, want[i][0]);
        assert_string_equal(m.id, want[i][1]);
    }
    assert_int_equal(pp_showq_next(sq, &m, err, sizeof err), 0);
    assert_int_equal(pp_showq_close(sq, err, sizeof err), 0);
    pp_showq_msg_free(&m);
    assert_int_equal(standin_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_lines),   cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_unknown_keys), cmocka_unit_test(test_many_recipients),
        cmocka_unit_test(test_garbage),      cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_reader),       cmocka_unit_test(test_moved_during_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
