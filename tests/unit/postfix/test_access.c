/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_access - smtpd's lookup order in access tables (common/postfix/access.c): the keys of
 * an address (full, without extension, domain, parents in either style, localpart@), which
 * parent style parent_domain_matches_subdomains selects, pattern tables asked the full address
 * only; lookups through the real postmap (wrapped to count its runs) in a scratch config
 * directory: the first key in order wins, one run per table for all wanted keys, a table that
 * cannot be read is an error naming it.
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

#include "core/buf.h"
#include "postfix/access.h"
#include "standin.h"

static char dir[64];

static int setup(void **state)
{
    char path[128], real[256];
    (void)state;
    if (standin_dir(dir, sizeof dir, "access") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/main.cf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fclose(f);
    snprintf(real, sizeof real, "%s", access("/usr/sbin/postmap", X_OK) == 0
                                          ? "/usr/sbin/postmap" : "postmap");
    /* the real postmap, each run counted in DIR/runs */
    if (standin_program(dir, "postmap", "echo run >>%s/runs\nexec %s \"$@\"\n", dir, real) != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

static int runs(void)
{
    char path[128], line[16];
    int n = 0;
    snprintf(path, sizeof path, "%s/runs", dir);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        n++;
    if (f)
        fclose(f);
    return n;
}

static void keys_text(const pp_access_keys *k, pp_buf *b)
{
    pp_buf_reset(b);
    for (size_t i = 0; i < k->n; i++)
        pp_buf_printf(b, "[%s%s]", k->v[i].partial ? "" : "=", k->v[i].key);
}

static void test_keys(void **state)
{
    (void)state;
    pp_access_keys k;
    pp_buf b;
    pp_buf_init(&b);

    assert_int_equal(pp_access_mail_keys("nobody@Relay.Example.ORG.", "+", true, &k), 0);
    keys_text(&k, &b);
    assert_string_equal(b.s, "[=nobody@relay.example.org][relay.example.org][example.org]"
                             "[org][nobody@]");
    pp_access_keys_free(&k);

    assert_int_equal(pp_access_mail_keys("u+x-y@a.b.c", "-+", false, &k), 0);
    keys_text(&k, &b);
    assert_string_equal(b.s, "[=u+x-y@a.b.c][u@a.b.c][a.b.c][.b.c][.c][u+x-y@][u@]");
    pp_access_keys_free(&k);

    /* a delimiter that starts the localpart is no extension */
    assert_int_equal(pp_access_mail_keys("+x@d", "+", true, &k), 0);
    keys_text(&k, &b);
    assert_string_equal(b.s, "[=+x@d][d][+x@]");
    pp_access_keys_free(&k);

    assert_int_equal(pp_access_mail_keys("no-domain", "", true, &k), -1);
    assert_int_equal(k.n, 0);
    assert_int_equal(pp_access_mail_keys("x@", "", true, &k), -1);
    pp_buf_free(&b);
}

static void test_styles(void **state)
{
    (void)state;
    assert_true(pp_access_parent_style("debug_peer_list,fast_flush_domains,mynetworks,"
                                       "permit_mx_backup_networks,qmqpd_authorized_clients,"
                                       "relay_domains,smtpd_access_maps"));
    assert_true(pp_access_parent_style("SMTPD_Access_Maps"));
    assert_false(pp_access_parent_style("debug_peer_list, relay_domains"));
    assert_false(pp_access_parent_style(""));
    assert_false(pp_access_parent_style("!smtpd_access_maps, smtpd_access_maps"));
    assert_true(pp_access_pattern_table("regexp:/etc/postfix/x"));
    assert_true(pp_access_pattern_table("proxy:pcre:/etc/postfix/x"));
    assert_true(pp_access_pattern_table("cidr:/x"));
    assert_false(pp_access_pattern_table("hash:/etc/postfix/regexp"));
    assert_false(pp_access_pattern_table("texthash:/x"));
    assert_false(pp_access_pattern_table("regexpx:/x"));
}

static int find(pp_access_cache *c, const char *table, const char *addr, bool parent,
                const char **value, const char **key)
{
    pp_access_keys k;
    char err[256];
    assert_int_equal(pp_access_mail_keys(addr, "+", parent, &k), 0);
    int rc = pp_access_find(c, table, &k, value, key, err, sizeof err);
    pp_access_keys_free(&k);
    return rc;
}

static void test_find(void **state)
{
    (void)state;
    const char *t = "inline:{ relay.example=reject_unverified_recipient, "
                    ".example=REJECT, example=OK, nobody@=DUNNO, a@sub.relay.example=OK }";
    const char *value, *key;
    pp_access_cache *c = pp_access_cache_new(dir);
    pp_access_keys w1, w2;
    int before = runs();

    assert_int_equal(pp_access_mail_keys("x@relay.example", "+", true, &w1), 0);
    assert_int_equal(pp_access_mail_keys("x@sub.relay.example", "+", false, &w2), 0);
    pp_access_cache_want(c, &w1);
    pp_access_cache_want(c, &w2);
    /* the domain itself first */
    assert_int_equal(find(c, t, "x@relay.example", true, &value, &key), 1);
    assert_string_equal(value, "reject_unverified_recipient");
    assert_string_equal(key, "relay.example");
    /* a subdomain: "relay.example" as a parent in parent style ... */
    assert_int_equal(find(c, t, "x@sub.relay.example", true, &value, &key), 1);
    assert_string_equal(key, "relay.example");
    /* ... else ".relay.example" (absent), then ".example" */
    assert_int_equal(find(c, t, "x@sub.relay.example", false, &value, &key), 1);
    assert_string_equal(key, ".example");
    assert_string_equal(value, "REJECT");
    assert_int_equal(runs() - before, 1); /* all of it in one postmap run */
    /* the full address before the domain; localpart@ last */
    assert_int_equal(find(c, t, "a@sub.relay.example", false, &value, &key), 1);
    assert_string_equal(key, "a@sub.relay.example");
    assert_int_equal(find(c, t, "nobody@other.test", true, &value, &key), 1);
    assert_string_equal(key, "nobody@");
    assert_int_equal(find(c, t, "somebody@other.test", true, &value, &key), 0);
    assert_null(value);
    pp_access_keys_free(&w1);
    pp_access_keys_free(&w2);
    pp_access_cache_free(c);
}

static void test_pattern_and_errors(void **state)
{
    (void)state;
    char path[160], table[200], err[256];
    const char *value, *key;
    pp_access_keys k;

    snprintf(path, sizeof path, "%s/rcpt.regexp", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("/^relay\\.example$/ REJECT domain key\n/@relay\\.example$/ OK address\n", f);
    fclose(f);
    snprintf(table, sizeof table, "regexp:%s", path);
    pp_access_cache *c = pp_access_cache_new(dir);
    /* a pattern table is asked the full address only: the domain rule never fires */
    assert_int_equal(find(c, table, "x@relay.example", true, &value, &key), 1);
    assert_string_equal(value, "OK address");
    assert_string_equal(key, "x@relay.example");

    snprintf(table, sizeof table, "hash:%s/missing", dir);
    assert_int_equal(pp_access_mail_keys("x@relay.example", "", true, &k), 0);
    assert_int_equal(pp_access_find(c, table, &k, &value, &key, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot look up in hash:"));
    assert_non_null(strstr(err, "missing.db"));
    /* asked again: the same error, no new run */
    int before = runs();
    assert_int_equal(pp_access_find(c, table, &k, &value, &key, err, sizeof err), -1);
    assert_int_equal(runs(), before);
    pp_access_keys_free(&k);
    pp_access_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_pattern_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
