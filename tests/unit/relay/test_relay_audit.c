/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_relay_audit - the way of mail from outside for an unknown recipient of one relayed
 * domain through Postfix restriction lists (common/relay/relay_audit.c): trusted-client permits
 * passed by, open permits and reject ending the walk, reject_unverified_recipient found before
 * that, arguments of other restrictions skipped; the answers of check_recipient_access tables
 * (a stand-in lookup here; test_access asks real tables) acting as smtpd's actions, or walked
 * as restriction lists; restriction classes walked in place, loops among them ended;
 * warn_if_reject; the verdict on one smtpd service's settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "relay/relay_audit.h"

/* Stand-in access tables: answers holds TABLE, VALUE pairs (a VALUE "!why" is a table that
 * cannot be read), ended by NULL; the tables asked are noted in asked. */
typedef struct fake {
    const char *const *answers;
    pp_buf asked;
} fake;

static int fake_lookup(const char *table, const char **value, const char **key, void *arg)
{
    fake *f = arg;
    pp_buf_printf(&f->asked, "[%s]", table);
    for (const char *const *a = f->answers; a && *a; a += 2)
        if (strcmp(a[0], table) == 0) {
            *value = a[1][0] == '!' ? a[1] + 1 : a[1];
            *key = "relay.example";
            return a[1][0] == '!' ? -1 : 1;
        }
    return 0;
}

/* Walks list with the tables answering answers; returns the tables asked (static). */
static const char *walk_with(const char *list, const pp_relay_audit_class *classes,
                             const char *const *answers, pp_relay_audit_path *p)
{
    static char asked[512];
    fake f = {.answers = answers};
    pp_relay_audit_lookup lk = {fake_lookup, &f};
    pp_buf_init(&f.asked);
    pp_relay_audit_walk(list, classes, &lk, p);
    snprintf(asked, sizeof asked, "%s", f.asked.s ? f.asked.s : "");
    pp_buf_free(&f.asked);
    return asked;
}

static void test_verify_reached(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_mynetworks, permit_sasl_authenticated, "
                        "reject_unauth_destination, reject_unverified_recipient", NULL, NULL, &p);
    assert_true(p.verify);
    assert_false(p.closed);
    assert_null(p.stopped_by);
    pp_relay_audit_path_free(&p);
}

static void test_permit_first(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_mynetworks permit_auth_destination reject_unverified_recipient",
                        NULL, NULL, &p);
    assert_false(p.verify);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("reject_unlisted_recipient, permit", NULL, NULL, &p);
    assert_true(p.unlisted);
    assert_string_equal(p.stopped_by, "permit");
    pp_relay_audit_path_free(&p);
}

static void test_closed(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    pp_relay_audit_walk("permit_sasl_authenticated, reject, reject_unverified_recipient", NULL,
                        NULL, &p);
    assert_true(p.closed);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);
}

static void test_tables(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    /* the argument "reject" of reject_rbl_client is a DNSBL name, not the reject restriction;
     * "permit" after check_policy_service is its argument too */
    const char *asked =
        walk_with("check_recipient_access texthash:/etc/postfix/verify, "
                  "reject_rbl_client reject, check_policy_service permit, "
                  "check_sender_access hash:/etc/postfix/senders, "
                  "check_recipient_access inline:{ relay.example=reject_unverified_recipient },"
                  " permit_mynetworks, reject_unauth_destination, "
                  "check_recipient_access hash:/after",
                  NULL, NULL, &p);
    assert_false(p.closed);
    assert_false(p.verify);
    assert_null(p.stopped_by);
    assert_string_equal(asked, "[texthash:/etc/postfix/verify]"
                               "[inline:{ relay.example=reject_unverified_recipient }]"
                               "[hash:/after]");
    pp_relay_audit_path_free(&p);

    asked = walk_with("permit_auth_destination, check_recipient_access hash:/never", NULL,
                      NULL, &p);
    assert_string_equal(asked, "");
    pp_relay_audit_path_free(&p);
}

/* The walk of list when table hash:/t answers value. */
static void walk_answer(const char *list, const char *value, const pp_relay_audit_class *c,
                        pp_relay_audit_path *p)
{
    const char *const answers[] = {"hash:/t", value, NULL};
    walk_with(list, c, answers, p);
}

static void test_values(void **state)
{
    (void)state;
    pp_relay_audit_path p;
    const char *const table = "check_recipient_access hash:/t";

    walk_answer(table, "reject_unverified_recipient", NULL, &p);
    assert_true(p.verify);
    assert_string_equal(p.verified_by, "check_recipient_access hash:/t");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "permit_mynetworks, reject_unverified_recipient", NULL, &p);
    assert_true(p.verify);
    pp_relay_audit_path_free(&p);

    /* an earlier table that accepts ends the walk before a later verification */
    walk_answer("check_recipient_access hash:/t, reject_unverified_recipient", "OK whatever",
                NULL, &p);
    assert_false(p.verify);
    assert_string_equal(p.stopped_by, "OK from check_recipient_access hash:/t "
                                      "(key relay.example)");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "1234567890", NULL, &p);
    assert_non_null(p.stopped_by);
    pp_relay_audit_path_free(&p);
    walk_answer(table, "", NULL, &p);
    assert_string_equal(p.stopped_by, "(empty value) from check_recipient_access hash:/t "
                                      "(key relay.example)");
    pp_relay_audit_path_free(&p);

    walk_answer(table, "REJECT reject_unverified_recipient_please", NULL, &p);
    assert_false(p.verify);
    assert_true(p.closed);
    assert_string_equal(p.closed_by, "REJECT from check_recipient_access hash:/t");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "550 5.1.1 no such user", NULL, &p);
    assert_string_equal(p.closed_by, "550 from check_recipient_access hash:/t");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "discard", NULL, &p);
    assert_string_equal(p.closed_by, "discard from check_recipient_access hash:/t");
    pp_relay_audit_path_free(&p);
    /* a code without text is no code: a restriction list of one unknown name */
    walk_answer(table, "550", NULL, &p);
    assert_false(p.closed);
    pp_relay_audit_path_free(&p);

    /* DUNNO and the other actions go on to the next restriction */
    walk_answer("check_recipient_access hash:/t, reject_unverified_recipient",
                "HOLD for review", NULL, &p);
    assert_true(p.verify);
    assert_null(p.verified_by);
    pp_relay_audit_path_free(&p);

    /* a table that cannot be read, a value that names a table */
    walk_answer(table, "!cannot look up in hash:/t: no such file", NULL, &p);
    assert_string_equal(p.failed, "cannot look up in hash:/t: no such file");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "check_recipient_access hash:/other", NULL, &p);
    assert_non_null(strstr(p.failed, "names a lookup table"));
    pp_relay_audit_path_free(&p);

    /* after warn_if_reject: a refusal only logs, an accept accepts */
    walk_answer("warn_if_reject check_recipient_access hash:/t, permit", "450 busy", NULL, &p);
    assert_false(p.closed);
    assert_string_equal(p.stopped_by, "permit");
    pp_relay_audit_path_free(&p);
    walk_answer("warn_if_reject check_recipient_access hash:/t", "reject_unverified_recipient",
                NULL, &p);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);
}

static void test_values_through_classes(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {{"verified", "reject_unverified_recipient"},
                                            {"open", "permit"},
                                            {"again", "check_recipient_access hash:/t"},
                                            {NULL, NULL}};
    const char *const table = "check_recipient_access hash:/t";
    pp_relay_audit_path p;

    walk_answer(table, "verified", classes, &p);
    assert_true(p.verify);
    pp_relay_audit_path_free(&p);
    walk_answer(table, "open, verified", classes, &p);
    assert_false(p.verify);
    assert_string_equal(p.stopped_by, "permit");
    pp_relay_audit_path_free(&p);
    walk_answer(table, "verified", NULL, &p);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);
    /* class names match in their own case only */
    walk_answer(table, "VERIFIED", classes, &p);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);
    /* a value that leads back to its own table */
    walk_answer(table, "again", classes, &p);
    assert_string_equal(p.loop, "hash:/t");
    pp_relay_audit_path_free(&p);
}

static void test_classes(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {
        {"verify_rcpt", "permit_mynetworks, reject_unverified_recipient"},
        {"outer", "check_sender_access hash:/s, inner"},
        {"inner", "check_recipient_access hash:/inner, permit_auth_destination"},
        {"shut", "reject"},
        {"empty", NULL},
        {NULL, NULL}};
    pp_relay_audit_path p;

    pp_relay_audit_walk("permit_sasl_authenticated, reject_unauth_destination, verify_rcpt",
                        classes, NULL, &p);
    assert_true(p.verify);
    assert_null(p.stopped_by);
    assert_null(p.loop);
    pp_relay_audit_path_free(&p);

    /* a permit inside a nested class ends the whole walk */
    const char *asked =
        walk_with("empty, outer, reject_unverified_recipient, shut", classes, NULL, &p);
    assert_false(p.verify);
    assert_false(p.closed);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    assert_string_equal(asked, "[hash:/inner]");
    pp_relay_audit_path_free(&p);

    pp_relay_audit_walk("permit_mynetworks, shut, verify_rcpt", classes, NULL, &p);
    assert_true(p.closed);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);

    /* a class name given as an argument is the argument */
    pp_relay_audit_walk("check_policy_service shut, verify_rcpt", classes, NULL, &p);
    assert_false(p.closed);
    assert_true(p.verify);
    pp_relay_audit_path_free(&p);
}

static void test_class_loops(void **state)
{
    (void)state;
    const pp_relay_audit_class self[] = {{"loopy", "reject_unlisted_recipient, loopy"},
                                         {NULL, NULL}};
    const pp_relay_audit_class pair[] = {{"a", "b"}, {"b", "check_recipient_access hash:/t, a"},
                                         {NULL, NULL}};
    pp_relay_audit_path p;

    pp_relay_audit_walk("reject_unverified_recipient, loopy, permit", self, NULL, &p);
    assert_string_equal(p.loop, "loopy");
    assert_true(p.verify);
    assert_true(p.unlisted);
    assert_null(p.stopped_by); /* the walk ends at the loop */
    pp_relay_audit_path_free(&p);

    assert_string_equal(walk_with("a", pair, NULL, &p), "[hash:/t]");
    assert_string_equal(p.loop, "a");
    pp_relay_audit_path_free(&p);
    walk_with("loopy", self, NULL, &p);
    assert_false(p.verify);
    pp_relay_audit_path_free(&p);

    /* distinct classes nested deeper than PP_RELAY_AUDIT_DEPTH */
    enum { N = PP_RELAY_AUDIT_DEPTH + 2 };
    char names[N][8], values[N][8];
    pp_relay_audit_class chain[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        snprintf(values[i], sizeof values[i], "c%d", i + 1);
        chain[i] = (pp_relay_audit_class){names[i], i == N - 1 ? "reject" : values[i]};
    }
    chain[N] = (pp_relay_audit_class){NULL, NULL};
    pp_relay_audit_walk("c0", chain, NULL, &p);
    assert_false(p.closed);
    assert_string_equal(p.loop, names[PP_RELAY_AUDIT_DEPTH]);
    pp_relay_audit_path_free(&p);
    pp_relay_audit_walk("c3", chain, NULL, &p); /* N - 3 deep: reaches the end */
    assert_true(p.closed);
    assert_null(p.loop);
    pp_relay_audit_path_free(&p);
}

static void test_warn_if_reject(void **state)
{
    (void)state;
    const pp_relay_audit_class classes[] = {
        {"trial", "reject_unverified_recipient, check_recipient_access hash:/t"},
        {NULL, NULL}};
    pp_relay_audit_path p;

    const char *const rejecting[] = {"hash:/t", "REJECT", NULL};
    walk_with("WARN_IF_REJECT reject_unverified_recipient, warn_if_reject reject, "
              "warn_if_reject reject_unlisted_recipient, warn_if_reject trial",
              classes, rejecting, &p);
    assert_false(p.verify);
    assert_false(p.closed);
    assert_false(p.unlisted);
    pp_relay_audit_path_free(&p);

    /* it covers the next restriction only, and does not stop a permit */
    pp_relay_audit_walk("warn_if_reject reject_unlisted_recipient, trial, "
                        "warn_if_reject permit_auth_destination, reject",
                        classes, NULL, &p);
    assert_false(p.unlisted);
    assert_true(p.verify);
    assert_string_equal(p.stopped_by, "permit_auth_destination");
    assert_false(p.closed);
    pp_relay_audit_path_free(&p);
}

static const char *const plain = "permit_mynetworks, permit_sasl_authenticated, "
                                 "reject_unauth_destination";

static void test_judge_safe(void **state)
{
    (void)state;
    pp_relay_audit_verdict v;
    pp_relay_audit_settings s = {.relay_restrictions = plain,
                                 .recipient_restrictions = plain,
                                 .relay_recipient_maps = "hash:/etc/postfix/relay_rcpt",
                                 .reject_unlisted_recipient = "yes"};
    pp_relay_audit_judge(&s, NULL, &v);
    assert_string_equal(v.safe_by, "relay_recipient_maps");
    assert_null(v.why);
    pp_relay_audit_verdict_free(&v);

    s.recipient_restrictions = "permit_mynetworks, reject_unauth_destination, verify";
    const pp_relay_audit_class classes[] = {{"verify", "reject_unverified_recipient"},
                                            {NULL, NULL}};
    s.classes = classes;
    pp_relay_audit_judge(&s, NULL, &v);
    assert_string_equal(v.safe_by, "reject_unverified_recipient");
    pp_relay_audit_verdict_free(&v);

    /* a submission service: unauthenticated clients are refused before any recipient */
    s.recipient_restrictions = plain;
    s.relay_recipient_maps = "";
    s.client_restrictions = "permit_sasl_authenticated, reject";
    pp_relay_audit_judge(&s, NULL, &v);
    assert_string_equal(v.safe_by, "nothing is relayed from outside");
    pp_relay_audit_verdict_free(&v);
}

static void test_judge_exposed(void **state)
{
    (void)state;
    pp_relay_audit_verdict v;
    pp_relay_audit_settings s = {
        .client_restrictions = "permit_mynetworks, permit", /* a permit here ends no check */
        .relay_restrictions = "check_recipient_access hash:/a, permit_auth_destination",
        .recipient_restrictions = "check_recipient_access hash:/b, reject_unauth_destination",
        .relay_recipient_maps = "hash:/etc/postfix/relay_rcpt",
        .reject_unlisted_recipient = "yes",
        .receive_override_options = "no_header_body_checks, no_unknown_recipient_checks"};
    pp_relay_audit_judge(&s, NULL, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "relay_recipient_maps not enforced and no "
                               "reject_unverified_recipient before permit_auth_destination");
    assert_null(v.loop);
    pp_relay_audit_verdict_free(&v);

    /* a table that accepts the domain before the one that verifies it */
    const char *const answers[] = {"hash:/a", "OK", "hash:/b", "reject_unverified_recipient",
                                   NULL};
    fake f = {.answers = answers};
    pp_relay_audit_lookup lk = {fake_lookup, &f};
    pp_buf_init(&f.asked);
    s.relay_restrictions = "check_recipient_access hash:/a, reject_unauth_destination";
    s.recipient_restrictions = "check_recipient_access hash:/a, check_recipient_access hash:/b";
    s.receive_override_options = "";
    s.relay_recipient_maps = "";
    pp_relay_audit_judge(&s, &lk, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "no relay_recipient_maps and no reject_unverified_recipient "
                               "before OK from check_recipient_access hash:/a "
                               "(key relay.example)");
    pp_relay_audit_verdict_free(&v);
    /* the verifying table first, in the relay restrictions: safe */
    s.relay_restrictions = "check_recipient_access hash:/b, reject_unauth_destination";
    pp_relay_audit_judge(&s, &lk, &v);
    assert_string_equal(v.safe_by, "reject_unverified_recipient from check_recipient_access "
                                   "hash:/b");
    pp_relay_audit_verdict_free(&v);
    /* a table that cannot be read decides nothing */
    const char *const broken[] = {"hash:/b", "!cannot look up in hash:/b: gone", NULL};
    f.answers = broken;
    pp_relay_audit_judge(&s, &lk, &v);
    assert_null(v.safe_by);
    assert_null(v.why);
    assert_string_equal(v.failed, "cannot look up in hash:/b: gone");
    pp_relay_audit_verdict_free(&v);
    /* a table that refuses it: safe, by that table */
    const char *const refusing[] = {"hash:/b", "554 go away", NULL};
    f.answers = refusing;
    pp_relay_audit_judge(&s, &lk, &v);
    assert_string_equal(v.safe_by, "554 from check_recipient_access hash:/b");
    pp_relay_audit_verdict_free(&v);
    pp_buf_free(&f.asked);

    /* main.cf's default smtpd_reject_unlisted_recipient off, no maps, a class loop */
    const pp_relay_audit_class classes[] = {{"loopy", "loopy"}, {NULL, NULL}};
    pp_relay_audit_settings t = {.relay_restrictions = plain,
                                 .recipient_restrictions = "loopy",
                                 .reject_unlisted_recipient = "no",
                                 .classes = classes};
    pp_relay_audit_judge(&t, NULL, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "no relay_recipient_maps and no reject_unverified_recipient");
    assert_string_equal(v.loop, "loopy");
    pp_relay_audit_verdict_free(&v);

    /* empty settings (NULL) are empty lists */
    pp_relay_audit_settings none = {0};
    pp_relay_audit_judge(&none, NULL, &v);
    assert_null(v.safe_by);
    assert_string_equal(v.why, "no relay_recipient_maps and no reject_unverified_recipient");
    pp_relay_audit_verdict_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_reached),
        cmocka_unit_test(test_permit_first),
        cmocka_unit_test(test_closed),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_values_through_classes),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_class_loops),
        cmocka_unit_test(test_warn_if_reject),
        cmocka_unit_test(test_judge_safe),
        cmocka_unit_test(test_judge_exposed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
