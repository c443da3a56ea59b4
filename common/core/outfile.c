/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outfile.c - atomic file writes. See outfile.h.
 */
#include "core/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int pp_outfile_write(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    char tmp[4096];

    if (!*base)
        return pp_errf(err, errlen, "--output %s: not a file name", path);
    if (snprintf(tmp, sizeof tmp, "%.*s.%s.XXXXXX", dirlen, path, base) >= (int)sizeof tmp)
        return pp_errf(err, errlen, "--output %s: name too long", path);
    mode_t mask = umask(0);
    umask(mask);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return pp_errf(err, errlen, "cannot create a temporary file beside %s: %s", path,
                       strerror(errno));
    int bad = fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0;
    int e = errno;
    if (close(fd) != 0 && !bad)
        bad = 1, e = errno;
    if (!bad && rename(tmp, path) != 0)
        bad = 1, e = errno;
    if (bad) {
        unlink(tmp);
        return pp_errf(err, errlen, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}
