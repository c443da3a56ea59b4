/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * secret.c - credentials from files and the environment. See secret.h.
 */
#include "core/secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

#define AUTHFILE_MAX 65536

static void wipe_free(char *s)
{
    if (s) {
        volatile char *v = s;
        while (*v)
            *v++ = '\0';
        free(s);
    }
}

void pp_secret_free(pp_secret *s)
{
    wipe_free(s->user);
    wipe_free(s->password);
    wipe_free(s->priv_password);
    s->user = s->password = s->priv_password = NULL;
}

void pp_arg_scrub(char *arg)
{
    if (arg)
        memset(arg, 'x', strlen(arg));
}

static char *trim(char *a, char *b)
{
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    *b = '\0';
    return a;
}

int pp_authfile_parse(const char *text, pp_secret *s, char *err, size_t errlen)
{
    char *copy = pp_xstrdup(text);
    char *save = NULL;
    int lineno = 0, rc = 0;

    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *end = line + strlen(line);
        char *l = trim(line, end);
        if (*l == '\0' || *l == '#')
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            snprintf(err, errlen, "line %d: expected 'name = value'", lineno);
            rc = -1;
            break;
        }
        char *key = trim(l, eq);
        char *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
        char **dst = NULL;
        if (strcmp(key, "user") == 0 || strcmp(key, "username") == 0)
            dst = &s->user;
        else if (strcmp(key, "password") == 0)
            dst = &s->password;
        else if (strcmp(key, "priv_password") == 0)
            dst = &s->priv_password;
        if (!dst) {
            snprintf(err, errlen, "line %d: unknown name '%.40s' (user, password, priv_password)",
                     lineno, key);
            rc = -1;
            break;
        }
        wipe_free(*dst);
        *dst = pp_xstrdup(val);
    }
    /* The copy held the password too. */
    memset(copy, 0, strlen(text));
    free(copy);
    return rc;
}

int pp_secret_file_read(const char *path, const char *what, char *buf, size_t size,
                        char *err, size_t errlen)
{
    struct stat st;
    size_t len = 0;
    ssize_t n;

    if (size == 0)
        return pp_errf(err, errlen, "%s %s: no room to read it", what, path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return pp_errf(err, errlen, "cannot open %s %s: %s", what, path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s %s is not a regular file", what, path);
        close(fd);
        return -1;
    }
    if (st.st_mode & (S_IROTH | S_IWOTH | S_IWGRP)) {
        snprintf(err, errlen, "%s %s has mode %03o: others may read or write it "
                 "(chmod 600 or 640)", what, path, (unsigned)(st.st_mode & 0777));
        close(fd);
        return -1;
    }
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot read %s %s: %s", what, path, strerror(errno));
            close(fd);
            memset(buf, 0, len);
            return -1;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return 0;
}

int pp_authfile_read(const char *path, pp_secret *s, char *err, size_t errlen)
{
    char buf[AUTHFILE_MAX + 1];
    char why[256];

    if (pp_secret_file_read(path, "authfile", buf, sizeof buf, err, errlen) < 0)
        return -1;
    int rc = pp_authfile_parse(buf, s, why, sizeof why);
    memset(buf, 0, sizeof buf);
    if (rc != 0)
        snprintf(err, errlen, "authfile %s: %s", path, why);
    return rc;
}

int pp_secret_resolve(pp_secret *s, const pp_secret_src *src, char *err, size_t errlen)
{
    s->user = s->password = s->priv_password = NULL;
    if (src->authfile && pp_authfile_read(src->authfile, s, err, errlen) != 0)
        return -1;
    if (src->user) {
        wipe_free(s->user);
        s->user = pp_xstrdup(src->user);
    }
    if (src->password) {
        wipe_free(s->password);
        s->password = pp_xstrdup(src->password);
    }
    const char *eu = getenv(src->env_user ? src->env_user : "POSTPROBE_USER");
    const char *ep = getenv(src->env_password ? src->env_password : "POSTPROBE_PASSWORD");
    if (!s->user && eu && *eu)
        s->user = pp_xstrdup(eu);
    if (!s->password && ep && *ep)
        s->password = pp_xstrdup(ep);
    if (src->priv_password) {
        wipe_free(s->priv_password);
        s->priv_password = pp_xstrdup(src->priv_password);
    }
    const char *epp = getenv(src->env_priv_password ? src->env_priv_password
                                                    : "POSTPROBE_PRIV_PASSWORD");
    if (!s->priv_password && epp && *epp)
        s->priv_password = pp_xstrdup(epp);
    return 0;
}
