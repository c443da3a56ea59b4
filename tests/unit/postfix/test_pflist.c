/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_pflist - Postfix list splitting and domain-list expansion (common/postfix/pflist.c): commas,
 * blanks and {} groups, list files with comments, type:table through a stand-in postmap
 * in the command directory (it prints "key<TAB>value" lines, or fails as postmap does for
 * regexp), and the keys that are not domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "postfix/pflist.h"
#include "standin.h"

static char dir[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static int setup(void **state)
{
    (void)state;
    if (standin_dir(dir, sizeof dir, "pflist") != 0)
        return -1;
    /* postmap [-c DIR] -s TABLE: tables named by their last path element. */
    if (standin_program(dir, "postmap",
                        "while [ $# -gt 1 ]; do shift; done\n"
                        "case $1 in\n"
                        "  hash:*/relay) printf 'b.example\\tOK\\nA.Example.\\tOK\\n"
                        ".sub.example\\tOK\\nuser@c.example\\tOK\\n' ;;\n"
                        "  texthash:*/transport) printf 'd.example\\tsmtp:[10.0.0.1]\\n"
                        "*\\tsmtp:\\n' ;;\n"
                        "  *) echo \"postmap: fatal: table $1: sequence operation is not "
                        "supported\" >&2; exit 1 ;;\n"
                        "esac") != 0)
        return -1;
    return standin_commands(dir);
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(dir);
}

static int collect(const char *item, void *arg)
{
    pp_buf_printf(arg, "[%s]", item);
    return 0;
}

static int collect_kv(const char *key, const char *value, void *arg)
{
    pp_buf_printf(arg, "[%s=%s]", key, value ? value : "-");
    return 0;
}

static void test_split(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b);
    pp_pflist_split("  a.example,b.example\tc.example ,, d.example\n", collect, &b);
    assert_string_equal(b.s, "[a.example][b.example][c.example][d.example]");
    pp_buf_reset(&b);
    pp_pflist_split("check_recipient_access inline:{ x=OK, y=REJECT }, { permit }", collect, &b);
    assert_string_equal(b.s, "[check_recipient_access][inline:{ x=OK, y=REJECT }][permit]");
    pp_buf_reset(&b);
    assert_int_equal(pp_pflist_split("", collect, &b), 0);
    assert_int_equal(pp_pflist_split("{ unclosed, group", collect, &b), 0);
    assert_string_equal(b.s, "[{ unclosed, group]");
    pp_buf_free(&b);
    assert_true(pp_pflist_is_table("hash:/etc/postfix/relay"));
    assert_true(pp_pflist_is_table("proxy:mysql:/etc/x.cf"));
    assert_false(pp_pflist_is_table("example.org"));
    assert_false(pp_pflist_is_table("[::1]:25"));
    assert_false(pp_pflist_is_table(":x"));
}

static int notes_to(const char *text, void *arg)
{
    pp_buf_printf(arg, "{%s}", text);
    return 0;
}

static void test_expand(void **state)
{
    (void)state;
    char value[512];
    pp_buf b, notes;
    pp_buf_init(&b);
    pp_buf_init(&notes);
    write_file("list", "# relayed domains\nfile1.example, file2.example # trailing comment\n"
                       "\n!not.example .parent.example\n", 0644);
    snprintf(value, sizeof value,
             "plain.example, Upper.Example. %s/list hash:%s/relay regexp:%s/re %s/missing", dir,
             dir, dir, dir);
    int n = pp_pflist_expand(NULL, value, collect_kv, &b, notes_to, &notes);
    assert_string_equal(b.s, "[plain.example=-][upper.example=-][file1.example=-]"
                             "[file2.example=-][b.example=OK][a.example=OK]");
    assert_int_equal(n, 2);
    assert_non_null(strstr(notes.s, "cannot list regexp:"));
    /* not asked of postmap, whose "fatal: ... sequence operation" would land in the log */
    assert_non_null(strstr(notes.s, "Postfix lists only hash, btree"));
    assert_non_null(strstr(notes.s, "/missing: No such file or directory"));

    pp_buf_reset(&b);
    snprintf(value, sizeof value, "texthash:%s/transport", dir);
    assert_int_equal(pp_pflist_expand("/etc/postfix", value, collect_kv, &b, NULL, NULL), 0);
    assert_string_equal(b.s, "[d.example=smtp:[10.0.0.1]]");
    pp_buf_free(&b);
    pp_buf_free(&notes);
}

static void test_file_loop(void **state)
{
    (void)state;
    char text[128];
    pp_buf b, notes;
    pp_buf_init(&b);
    pp_buf_init(&notes);
    snprintf(text, sizeof text, "self.example %s/loop\n", dir);
    write_file("loop", text, 0644);
    snprintf(text, sizeof text, "%s/loop", dir);
    assert_true(pp_pflist_expand(NULL, text, collect_kv, &b, notes_to, &notes) > 0);
    assert_non_null(strstr(notes.s, "nested too deep"));
    pp_buf_free(&b);
    pp_buf_free(&notes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_file_loop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
