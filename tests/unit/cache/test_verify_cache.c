/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_verify_cache - verify(8) cache values and rules (common/cache/verify_cache.c): the value
 * parser as verify_parse_entry() reads "status:probed:updated:text", Postfix time values,
 * probe and expiry rules (a deliverable address's refresh probe is never outstanding nor lost),
 * map names without a type, and the settings read through postconf, the master.cf verify
 * service's -o overriding main.cf.
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

#include "standin.h"
#include "cache/verify_cache.h"

static int parse(const char *v, pp_vcache_entry *e)
{
    return pp_vcache_parse(v, strlen(v), e);
}

static void test_parse(void **state)
{
    (void)state;
    pp_vcache_entry e;
    assert_int_equal(parse("0:0:1700000000:250 2.1.5 Ok", &e), 0);
    assert_int_equal(e.status, PP_VCACHE_DELIVERABLE);
    assert_int_equal(e.probed, 0);
    assert_int_equal(e.updated, 1700000000);
    assert_int_equal(e.textlen, 12);
    assert_memory_equal(e.text, "250 2.1.5 Ok", 12);
    /* The text may hold colons; it may be empty. */
    assert_int_equal(parse("2:0:5:host x said: 550 5.1.1 <a@b>: no", &e), 0);
    assert_string_equal(e.text, "host x said: 550 5.1.1 <a@b>: no");
    assert_int_equal(parse("3:1700000000:0:", &e), 0);
    assert_int_equal(e.status, PP_VCACHE_TODO);
    assert_int_equal(e.textlen, 0);
}

static void test_parse_bad(void **state)
{
    (void)state;
    pp_vcache_entry e;
    const char *bad[] = {"", "garbage", "0:0:1", "0:0:1700000000", "4:0:1:x", "-1:0:1:x",
                         "0:0:0:both times zero", "0: 1:2:x", "0:1x:2:x", ":1:2:x",
                         "0:1:9999999999999999999:overflow", "00000000000000000001:1:1:x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i], &e) == 0)
            fail_msg("accepted \"%s\"", bad[i]);
    /* Exactly len bytes are read: no terminating NUL needed. */
    assert_int_equal(pp_vcache_parse("1:0:7:abcdef", 6, &e), 0);
    assert_int_equal(e.textlen, 0);
    assert_int_equal(pp_vcache_parse("1:0:7:abcdef", 5, &e), -1);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(pp_vcache_status_name(0), "deliverable");
    assert_string_equal(pp_vcache_status_name(1), "deferred");
    assert_string_equal(pp_vcache_status_name(2), "undeliverable");
    assert_string_equal(pp_vcache_status_name(3), "in progress");
    assert_string_equal(pp_vcache_status_name(9), "malformed");
}

static void test_time_values(void **state)
{
    (void)state;
    long long s;
    assert_int_equal(pp_vcache_time_parse("31d", 'd', &s), 0);
    assert_int_equal(s, 31 * 86400);
    assert_int_equal(pp_vcache_time_parse("3", 'h', &s), 0);
    assert_int_equal(s, 3 * 3600);
    assert_int_equal(pp_vcache_time_parse("90s", 'd', &s), 0);
    assert_int_equal(s, 90);
    assert_int_equal(pp_vcache_time_parse("2w", 's', &s), 0);
    assert_int_equal(s, 14 * 86400);
    assert_int_equal(pp_vcache_time_parse("10m", 's', &s), 0);
    assert_int_equal(s, 600);
    const char *bad[] = {"", "d", "3x", "3dd", "-1d", "1.5h", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pp_vcache_time_parse(bad[i], 'd', &s), -1);
}

static void test_rules(void **state)
{
    (void)state;
    pp_vcache_settings s = {.pos_expire = 31 * 86400, .neg_expire = 3 * 86400};
    long long now = 1700000000;
    pp_vcache_entry ok = {.status = 0, .updated = now - 30 * 86400};
    pp_vcache_entry old = {.status = 0, .updated = now - 32 * 86400};
    pp_vcache_entry bad = {.status = 2, .updated = now - 2 * 86400};
    pp_vcache_entry oldbad = {.status = 1, .updated = now - 4 * 86400};
    pp_vcache_entry pending = {.status = 3, .probed = now - 999};
    pp_vcache_entry lost = {.status = 3, .probed = now - 1000};
    pp_vcache_entry reprobe = {.status = 0, .probed = now - 5, .updated = now - 40 * 86400};
    assert_false(pp_vcache_expired(&ok, now, &s));
    assert_true(pp_vcache_expired(&old, now, &s));
    assert_false(pp_vcache_expired(&bad, now, &s));
    assert_true(pp_vcache_expired(&oldbad, now, &s));
    assert_true(pp_vcache_probe_pending(&pending, now));
    assert_false(pp_vcache_expired(&pending, now, &s));
    assert_false(pp_vcache_probe_pending(&lost, now));
    assert_true(pp_vcache_expired(&lost, now, &s));
    /* An expired entry being probed again is kept by the cleanup. */
    assert_false(pp_vcache_expired(&reprobe, now, &s));
    assert_false(pp_vcache_probe_pending(&ok, now));
}

static void test_probe_state(void **state)
{
    (void)state;
    long long now = 1700000000;
    pp_vcache_entry none = {.status = 0, .updated = now - 10};
    pp_vcache_entry first = {.status = 3, .probed = now - 5};
    pp_vcache_entry first_lost = {.status = 3, .probed = now - 1000};
    pp_vcache_entry neg = {.status = 2, .probed = now - 999, .updated = now - 4 * 3600};
    pp_vcache_entry neg_lost = {.status = 1, .probed = now - 5000, .updated = now - 9 * 3600};
    /* A refresh of a deliverable address: verify(8) ignores a failed answer, so probed stays
     * set whatever became of the probe, in flight or not. */
    pp_vcache_entry refresh = {.status = 0, .probed = now - 3, .updated = now - 8 * 86400};
    pp_vcache_entry refresh_old = {.status = 0, .probed = now - 5000, .updated = now - 9 * 86400};
    assert_int_equal(pp_vcache_probe_state(&none, now), PP_VCACHE_PROBE_NONE);
    assert_int_equal(pp_vcache_probe_state(&first, now), PP_VCACHE_PROBE_PENDING);
    assert_int_equal(pp_vcache_probe_state(&first_lost, now), PP_VCACHE_PROBE_LOST);
    assert_int_equal(pp_vcache_probe_state(&neg, now), PP_VCACHE_PROBE_PENDING);
    assert_int_equal(pp_vcache_probe_state(&neg_lost, now), PP_VCACHE_PROBE_LOST);
    assert_int_equal(pp_vcache_probe_state(&refresh, now), PP_VCACHE_PROBE_REFRESH);
    assert_int_equal(pp_vcache_probe_state(&refresh_old, now), PP_VCACHE_PROBE_REFRESH);
    /* The last write: the later of the result and the probe. */
    assert_int_equal(pp_vcache_activity(&none), now - 10);
    assert_int_equal(pp_vcache_activity(&first), now - 5);
    assert_int_equal(pp_vcache_activity(&refresh), now - 3);
    assert_int_equal(pp_vcache_activity(&neg_lost), now - 5000);
}

static void test_map_name(void **state)
{
    (void)state;
    char *m = pp_vcache_map_name("/var/lib/postfix/verify_bare", "hash");
    assert_string_equal(m, "hash:/var/lib/postfix/verify_bare");
    free(m);
    m = pp_vcache_map_name("lmdb:/v", "hash");
    assert_string_equal(m, "lmdb:/v");
    free(m);
    m = pp_vcache_map_name("proxy:btree:/v", "hash");
    assert_string_equal(m, "proxy:btree:/v");
    free(m);
}

/* A stand-in postconf in the command directory (POSTPROBE_COMMAND_DIR). */
static char dir[64];

static void fake_postconf(const char *body)
{
    assert_int_equal(standin_program(dir, "postconf", "%s", body), 0);
}

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "vcache") != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

/* postconf -M prints master.cf (mcf), any other call main.cf (main). */
static void fake_postconf2(const char *main, const char *mcf)
{
    assert_int_equal(standin_program(dir, "postconf", "case \"$*\" in *-M*) cat <<'EOF'\n%s"
                                     "EOF\n;; *) cat <<'EOF'\n%sEOF\n;; esac", mcf, main),
                     0);
}

static const char *main_cf = "address_verify_map = lmdb:/var/lib/postfix/verify\n"
                             "address_verify_service_name = verify\n"
                             "default_database_type = hash\n"
                             "address_verify_positive_expire_time = 10d\n"
                             "address_verify_negative_expire_time = 2\n"
                             "address_verify_positive_refresh_time = 7d\n"
                             "address_verify_negative_refresh_time = 3h\n"
                             "address_verify_cache_cleanup_interval = 6\n";

static void test_settings(void **state)
{
    (void)state;
    pp_vcache_settings s;
    char err[256];
    fake_postconf2(main_cf, "smtp inet n - y - - smtpd\n");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), 0);
    assert_string_equal(s.map, "lmdb:/var/lib/postfix/verify");
    assert_null(s.service);
    assert_false(s.map_override);
    assert_int_equal(s.pos_expire, 10 * 86400);
    assert_int_equal(s.neg_expire, 2 * 86400); /* the parameter's default unit: days */
    assert_int_equal(s.pos_refresh, 7 * 86400);
    assert_int_equal(s.neg_refresh, 3 * 3600);
    assert_int_equal(s.cleanup_interval, 6 * 3600); /* hours */
    assert_false(s.defaults);
    pp_vcache_settings_free(&s);
    /* --map wins over address_verify_map. */
    assert_int_equal(pp_vcache_settings_load(NULL, "btree:/x", &s, err, sizeof err), 0);
    assert_string_equal(s.map, "btree:/x");
    pp_vcache_settings_free(&s);

    fake_postconf2("address_verify_map =\naddress_verify_service_name = verify\n"
                   "default_database_type = hash\n", "");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "address_verify_map is empty"));

    fake_postconf2("address_verify_map = btree:/x\naddress_verify_service_name = verify\n"
                   "default_database_type = hash\n"
                   "address_verify_positive_expire_time = soon\n", "");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), -1);
    assert_string_equal(err, "address_verify_positive_expire_time = soon is not a time value");

    /* postconf failing: an error, unless --map is given (then Postfix's default times). */
    fake_postconf("echo 'postconf: fatal: open /etc/postfix/main.cf: No such file' >&2; exit 1");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "main.cf"));
    assert_int_equal(pp_vcache_settings_load(NULL, "hash:/y", &s, err, sizeof err), 0);
    assert_true(s.defaults);
    assert_int_equal(s.pos_expire, 31 * 86400);
    assert_int_equal(s.pos_refresh, 7 * 86400);
    assert_int_equal(s.cleanup_interval, 12 * 3600);
    pp_vcache_settings_free(&s);
}

static void test_settings_master(void **state)
{
    (void)state;
    pp_vcache_settings s;
    char err[256];
    /* The verify service's -o win; another service's do not count. */
    fake_postconf2(main_cf, "other unix - - n - 1 verify -o address_verify_map=btree:/other\n"
                   "verify unix - - n - 1 /usr/lib/postfix/sbin/verify "
                   "-o address_verify_map=btree:/data/verify_mcf "
                   "-o address_verify_positive_expire_time=2d "
                   "-o address_verify_cache_cleanup_interval=30m\n");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), 0);
    assert_string_equal(s.map, "btree:/data/verify_mcf");
    assert_string_equal(s.service, "verify/unix");
    assert_true(s.map_override);
    assert_int_equal(s.pos_expire, 2 * 86400);
    assert_int_equal(s.neg_expire, 2 * 86400);
    assert_int_equal(s.cleanup_interval, 1800);
    pp_vcache_settings_free(&s);
    /* A map without type: default_database_type, the service's own when it sets one. */
    fake_postconf2(main_cf, "verify unix - - n - 1 verify -o address_verify_map=/d/bare\n");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), 0);
    assert_string_equal(s.map, "hash:/d/bare");
    pp_vcache_settings_free(&s);
    fake_postconf2(main_cf, "verify unix - - n - 1 verify -o address_verify_map=/d/bare "
                   "-o default_database_type=btree\n");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), 0);
    assert_string_equal(s.map, "btree:/d/bare");
    pp_vcache_settings_free(&s);
    /* A bad time in the -o names the service. */
    fake_postconf2(main_cf, "verify unix - - n - 1 verify "
                   "-o address_verify_negative_refresh_time=later\n");
    assert_int_equal(pp_vcache_settings_load(NULL, NULL, &s, err, sizeof err), -1);
    assert_string_equal(err, "verify/unix/address_verify_negative_refresh_time = later is not a "
                             "time value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_names),       cmocka_unit_test(test_time_values),
        cmocka_unit_test(test_rules),       cmocka_unit_test(test_probe_state),
        cmocka_unit_test(test_map_name),    cmocka_unit_test(test_settings),
        cmocka_unit_test(test_settings_master),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
