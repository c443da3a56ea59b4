/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * standin.h - scratch directories and stand-in programs for the unit tests.
 *
 * SYNOPSIS
 *	int standin_dir(char *dir, size_t size, const char *name);
 *	int standin_program(const char *dir, const char *prog, const char *fmt, ...);
 *	int standin_commands(const char *dir);
 *	int standin_remove(const char *dir);
 *
 * DESCRIPTION
 *	standin_dir() makes a fresh directory /tmp/pp_test_NAME_XXXXXX (mode 0700) and
 *	writes its name to dir.
 *
 *	standin_program() writes the shell script "#!/bin/sh\n" followed by the formatted
 *	body to dir/prog, executable: a stand-in for postconf, postmap or postqueue.
 *
 *	standin_commands() names dir as the directory of Postfix's commands
 *	(POSTPROBE_COMMAND_DIR, see common/core/spawn.h), so that the code under test runs
 *	the stand-ins in it, and only them.
 *
 *	standin_remove() removes dir and all it holds (without following links).
 *
 *	Each returns 0, or -1 when it failed (the cmocka setup then fails).
 */
#ifndef STANDIN_H
#define STANDIN_H

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline int standin_dir(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/pp_test_%s_XXXXXX", name);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

__attribute__((format(printf, 3, 4))) static inline int
standin_program(const char *dir, const char *prog, const char *fmt, ...)
{
    char path[512];
    va_list ap;
    snprintf(path, sizeof path, "%s/%s", dir, prog);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("#!/bin/sh\n", f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    if (fclose(f) != 0)
        return -1;
    return chmod(path, 0755);
}

static inline int standin_commands(const char *dir)
{
    return setenv("POSTPROBE_COMMAND_DIR", dir, 1);
}

static inline int standin_unlink_(const char *path, const struct stat *st, int flag,
                                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline int standin_remove(const char *dir)
{
    return nftw(dir, standin_unlink_, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

#endif
