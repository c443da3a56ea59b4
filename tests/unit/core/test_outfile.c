/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_outfile - atomic writes: the new content whole, the mode from the umask, no temporary
 * file left behind, and a failure leaves the old file as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"

static char g_dir[] = "/tmp/test_outfile.XXXXXX";

static size_t entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
    if (d)
        closedir(d);
    return n;
}

static void test_replaces(void **state)
{
    (void)state;
    char path[256], got[64] = "", err[256];
    snprintf(path, sizeof path, "%s/postprobe.prom", g_dir);
    mode_t old = umask(022);
    assert_int_equal(pp_outfile_write(path, "first\n", 6, err, sizeof err), 0);
    assert_int_equal(pp_outfile_write(path, "second\n", 7, err, sizeof err), 0);
    umask(old);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    assert_string_equal(got, "second\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(entries(g_dir), 1); /* no temporary file left */
    unlink(path);
}

static void test_fails_cleanly(void **state)
{
    (void)state;
    char path[256], err[256] = "";
    snprintf(path, sizeof path, "%s/missing/postprobe.prom", g_dir);
    assert_int_equal(pp_outfile_write(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "postprobe.prom"));
    assert_non_null(strstr(err, "No such file"));
    /* A directory in the way: rename fails, the temporary file is removed. */
    snprintf(path, sizeof path, "%s/adir", g_dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(pp_outfile_write(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write"));
    assert_int_equal(entries(g_dir), 1);
    rmdir(path);
    snprintf(path, sizeof path, "%s/", g_dir);
    assert_int_equal(pp_outfile_write(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a file name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replaces),
        cmocka_unit_test(test_fails_cleanly),
    };
    if (!mkdtemp(g_dir))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(g_dir);
    return rc;
}
