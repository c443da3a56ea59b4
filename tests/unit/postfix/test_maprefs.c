/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_maprefs - the tables a configuration names (common/postfix/maprefs.c): words picked out of
 * parameter values, proxy: removed, composite tables opened, caches and lists skipped, one
 * entry per table; and ages and time stamps for people (common/core/timefmt.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "postfix/maprefs.h"
#include "core/timefmt.h"

static void test_scan(void **state)
{
    (void)state;
    pp_maprefs r = {0};
    pp_maprefs_scan(&r, "smtpd_recipient_restrictions",
                    "permit_mynetworks, check_recipient_access hash:/etc/postfix/access, "
                    "check_client_access cidr:/etc/postfix/clients.cidr,reject_unauth_destination");
    pp_maprefs_scan(&r, "virtual_alias_maps",
                    "proxy:hash:/etc/postfix/virtual pipemap:{lmdb:/a/b,regexp:/a/c} "
                    "inline:{x=y} static:OK unix:passwd.byname mysql:/etc/postfix/my.cf "
                    "regexp:{{/^x/ y}} hash:relative/path texthash:/t");
    pp_maprefs_scan(&r, "submission/inet/smtpd_sender_restrictions",
                    "check_sender_access hash:/etc/postfix/access");
    pp_maprefs_scan(&r, "alias_maps", "hash:/etc/aliases, nis:mail.aliases");
    pp_maprefs_scan(&r, "alias_database", "hash:/etc/aliases");
    /* Caches Postfix writes itself, and lists of tables, are not sources. */
    pp_maprefs_scan(&r, "address_verify_map", "btree:/var/lib/postfix/verify_cache");
    pp_maprefs_scan(&r, "smtp_tls_session_cache_database", "btree:/var/lib/postfix/smtp_scache");
    pp_maprefs_scan(&r, "postscreen_cache_map", "btree:/var/lib/postfix/psc_cache");
    pp_maprefs_scan(&r, "proxy_read_maps", "proxy:hash:/etc/postfix/other");
    pp_maprefs_scan(&r, "smtpd/unix/address_verify_map", "lmdb:/x");

    const char *want[][3] = {{"hash", "/etc/postfix/access", "smtpd_recipient_restrictions"},
                             {"cidr", "/etc/postfix/clients.cidr", "smtpd_recipient_restrictions"},
                             {"hash", "/etc/postfix/virtual", "virtual_alias_maps"},
                             {"lmdb", "/a/b", "virtual_alias_maps"},
                             {"regexp", "/a/c", "virtual_alias_maps"},
                             {"texthash", "/t", "virtual_alias_maps"},
                             {"hash", "/etc/aliases", "alias_maps"}};
    assert_int_equal(r.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r.n; i++) {
        assert_string_equal(r.v[i].type, want[i][0]);
        assert_string_equal(r.v[i].path, want[i][1]);
        assert_string_equal(r.v[i].param, want[i][2]);
    }
    assert_int_equal(r.v[0].nparams, 2); /* also named by the submission service */
    assert_false(r.v[0].alias);
    assert_true(r.v[6].alias);
    assert_int_equal(r.v[6].nparams, 2);
    pp_maprefs_free(&r);
}

/* Tables Postfix writes itself: proxy_write_maps's, whichever order the parameters come in,
 * and the SASL, verify, postscreen and TLS caches; $number bans follow the parameter. */
static void test_written_and_no_regsub(void **state)
{
    (void)state;
    pp_maprefs r = {0};
    pp_maprefs_scan(&r, "header_checks", "pcre:/etc/postfix/rules");
    pp_maprefs_scan(&r, "my_own_maps", "btree:/var/lib/postfix/sasl_auth_cache");
    pp_maprefs_scan(&r, "proxy_write_maps", "proxy:btree:/var/lib/postfix/sasl_auth_cache "
                                            "btree:/var/lib/postfix/verify_cache");
    pp_maprefs_scan(&r, "smtp_sasl_auth_cache_name", "proxy:btree:/var/lib/postfix/other");
    pp_maprefs_scan(&r, "x_maps", "proxy:btree:/var/lib/postfix/verify_cache");
    pp_maprefs_scan(&r, "proxywrite/unix/proxy_write_maps", "hash:/var/lib/postfix/mcf");
    pp_maprefs_scan(&r, "y_maps", "hash:/var/lib/postfix/mcf");
    pp_maprefs_scan(&r, "transport_maps", "pcre:/etc/postfix/rules, hash:/etc/postfix/transport");
    pp_maprefs_scan(&r, "relay/unix/fallback_transport_maps", "regexp:/etc/postfix/fb");
    pp_maprefs_scan(&r, "address_verify_transport_maps", "pcre:/etc/postfix/rules");
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].path, "/etc/postfix/rules");
    assert_string_equal(r.v[0].param, "header_checks");
    assert_string_equal(r.v[0].no_regsub, "transport_maps");
    assert_int_equal(r.v[0].nparams, 3);
    assert_string_equal(r.v[1].path, "/etc/postfix/transport");
    assert_string_equal(r.v[2].no_regsub, "relay/unix/fallback_transport_maps");
    assert_int_equal(r.nwritten, 3);
    assert_true(pp_maprefs_no_regsub("sender_dependent_default_transport_maps"));
    assert_true(pp_maprefs_no_regsub("local/unix/mailbox_transport_maps"));
    assert_false(pp_maprefs_no_regsub("header_checks"));
    assert_true(pp_maprefs_ignored("lmtp_sasl_auth_cache_name"));
    pp_maprefs_free(&r);
}

static void test_classes(void **state)
{
    (void)state;
    assert_int_equal(pp_maprefs_class("hash"), PP_MAPREF_INDEXED);
    assert_int_equal(pp_maprefs_class("cdb"), PP_MAPREF_INDEXED);
    assert_int_equal(pp_maprefs_class("sdbm"), PP_MAPREF_INDEXED_OTHER);
    assert_int_equal(pp_maprefs_class("pcre"), PP_MAPREF_PATTERN);
    assert_int_equal(pp_maprefs_class("cidr"), PP_MAPREF_MEMORY);
    assert_int_equal(pp_maprefs_class("ldap"), PP_MAPREF_NONE);
    assert_true(pp_maprefs_ignored("lmtp_tls_session_cache_database"));
    assert_true(pp_maprefs_ignored("proxy_write_maps"));
    assert_false(pp_maprefs_ignored("transport_maps"));
}

static void test_timefmt(void **state)
{
    (void)state;
    char out[32];
    const struct {
        double s;
        const char *want;
    } ages[] = {{-5, "0 s"}, {0, "0 s"}, {59, "59 s"}, {60, "1 min"}, {3599, "60 min"},
                {3600, "1.0 h"}, {5400, "1.5 h"}, {36000, "10 h"}, {172800, "2.0 d"},
                {86400 * 40.0, "40 d"}};
    for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
        pp_timefmt_age(ages[i].s, out, sizeof out);
        assert_string_equal(out, ages[i].want);
    }
    pp_timefmt_stamp(1700000000, true, out, sizeof out);
    assert_string_equal(out, "2023-11-14T22:13:20Z");
    pp_timefmt_stamp(0, false, out, sizeof out);
    assert_string_equal(out, "-");
    setenv("TZ", "UTC", 1);
    pp_timefmt_stamp(1700000000, false, out, sizeof out);
    assert_string_equal(out, "2023-11-14 22:13:20");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_classes), cmocka_unit_test(test_written_and_no_regsub),
        cmocka_unit_test(test_timefmt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
