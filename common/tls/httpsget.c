/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * httpsget.c - one strict HTTPS request through libcurl. See httpsget.h.
 *
 * libcurl is opened with dlopen() at the first request, not linked: with its 25 libraries
 * (nghttp2, ldap, gssapi, ssh2, ...) it doubled check_tls_cert's start-up (17 to 30 ms of
 * CPU) for every run, when only --ocsp-fetch needs it. systemd loads its optional
 * libraries the same way.
 */
#include "tls/httpsget.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/timeout.h"

#define HTTPS_MARGIN 0.2 /* seconds kept before the -t timeout, to report */

/* libcurl's SONAME, the same since libcurl 7.16 (2006); Debian's package is libcurl4. */
#define LIBCURL_SONAME "libcurl.so.4"

/* The libcurl functions used, found in the opened library. */
typedef struct curl_fns {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    curl_version_info_data *(*version_info)(CURLversion);
} curl_fns;
static curl_fns cu;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static char g_load_err[256]; /* empty once libcurl is loaded and initialised */

/* Finds each function of cu in the library h; false, with g_load_err, when one is missing. */
static bool bind_all(void *h)
{
    static const struct {
        const char *name;
        size_t off;
    } fn[] = {
#define FN(f) {"curl_" #f, offsetof(curl_fns, f)}
        FN(global_init),   FN(easy_init),     FN(easy_setopt),
        FN(easy_perform),  FN(easy_getinfo),  FN(easy_strerror),
        FN(easy_cleanup),  FN(slist_append),  FN(slist_free_all),
        FN(version_info),
#undef FN
    };
    for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++) {
        void *sym = dlsym(h, fn[i].name);
        if (!sym) {
            snprintf(g_load_err, sizeof g_load_err, "%s has no %s", LIBCURL_SONAME, fn[i].name);
            return false;
        }
        memcpy((char *)&cu + fn[i].off, &sym, sizeof sym);
    }
    return true;
}

static void global_init(void)
{
    void *h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(g_load_err, sizeof g_load_err, "cannot load libcurl (package libcurl4): %s",
                 dlerror());
        return;
    }
    if (!bind_all(h))
        return;
    /* Opened at run time, the library may be older than the headers: CURLOPT_PROTOCOLS_STR,
     * which keeps a URL from a certificate to http(s), needs 7.85. */
    const curl_version_info_data *v = cu.version_info(CURLVERSION_NOW);
    if (!v || v->version_num < 0x075500) {
        snprintf(g_load_err, sizeof g_load_err, "libcurl %s is older than 7.85.0",
                 v ? v->version : "(unknown version)");
        return;
    }
    CURLcode rc = cu.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        snprintf(g_load_err, sizeof g_load_err, "libcurl: %s", cu.easy_strerror(rc));
}

typedef struct sink {
    char *data;
    size_t len, max;
    bool too_big;
} sink;

static size_t write_cb(char *ptr, size_t size, size_t n, void *arg)
{
    sink *s = arg;
    size_t add = size * n;
    if (add > s->max - s->len) {
        s->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    s->data = pp_xrealloc(s->data, s->len + add + 1);
    memcpy(s->data + s->len, ptr, add);
    s->len += add;
    s->data[s->len] = '\0';
    return add;
}


/* The media type without its parameters equals want (case-insensitive). */
static bool type_is(const char *type, const char *want)
{
    size_t n = strcspn(type, "; \t");
    return n == strlen(want) && strncasecmp(type, want, n) == 0;
}

/* The request's options; the first one libcurl refuses stops it (fail closed: an option
 * not set could leave redirects followed or another protocol allowed). */
#define SET(opt, val)                                                                       \
    do {                                                                                    \
        if (rc == CURLE_OK)                                                                 \
            rc = cu.easy_setopt(c, opt, val);                                               \
    } while (0)
static CURLcode setup(CURL *c, const pp_https_opts *o, sink *s, struct curl_slist **lists,
                      char *ebuf, double left)
{
    CURLcode rc = CURLE_OK;
    SET(CURLOPT_URL, o->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, o->http ? "https,http" : "https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->cafile)
        SET(CURLOPT_CAINFO, o->cafile);
    SET(CURLOPT_TIMEOUT_MS, (long)(left * 1000));
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    SET(CURLOPT_WRITEFUNCTION, write_cb);
    SET(CURLOPT_WRITEDATA, s);
    SET(CURLOPT_ERRORBUFFER, ebuf);
    SET(CURLOPT_USERAGENT, "postprobe");
    if (o->connect_to) {
        lists[0] = cu.slist_append(NULL, o->connect_to);
        SET(CURLOPT_CONNECT_TO, lists[0]);
    }
    if (o->resolve) {
        lists[1] = cu.slist_append(NULL, o->resolve);
        SET(CURLOPT_RESOLVE, lists[1]);
    }
    if (o->post) {
        char *h = pp_xasprintf("Content-Type: %s", o->post_type);
        lists[2] = cu.slist_append(NULL, h);
        free(h);
        SET(CURLOPT_HTTPHEADER, lists[2]);
        SET(CURLOPT_POSTFIELDS, o->post);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->post_len);
    }
    return rc;
}
#undef SET

/* Turns curl's result and the answer into 0, -1 or -2 with err. */
static int judge(CURL *c, CURLcode rc, const pp_https_opts *o, const sink *s,
                 pp_https_reply *r, const char *ebuf, char *err, size_t errlen)
{
    char *ip = NULL, *ctype = NULL, *loc = NULL;
    cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (cu.easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(r->addr, sizeof r->addr, "%s", ip);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        pp_errf(err, errlen, "%s", ebuf[0] ? ebuf : cu.easy_strerror(rc));
        return -2;
    }
    if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        pp_errf(err, errlen, "the body is larger than %zu bytes", o->max_body);
        return -1;
    }
    if (rc != CURLE_OK) {
        pp_errf(err, errlen, "%s", ebuf[0] ? ebuf : cu.easy_strerror(rc));
        return -1;
    }
    if (r->status >= 300 && r->status < 400) {
        cu.easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
        pp_errf(err, errlen, "redirected (HTTP %ld) to %.200s: not followed (RFC 8461 3.3)",
             r->status, loc ? loc : "nowhere");
        return -1;
    }
    if (r->status != 200) {
        pp_errf(err, errlen, "HTTP %ld (only 200 is an answer)", r->status);
        return -1;
    }
    cu.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
    snprintf(r->type, sizeof r->type, "%s", ctype ? ctype : "");
    if (o->type && !type_is(r->type, o->type)) {
        pp_errf(err, errlen, "Content-Type is %s, not %s", ctype ? r->type : "missing", o->type);
        return -1;
    }
    return 0;
}

int pp_https_get(const pp_https_opts *o, pp_https_reply *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    pthread_once(&g_once, global_init);
    double left = pp_timeout_left() - HTTPS_MARGIN;
    if (g_load_err[0]) {
        pp_errf(err, errlen, "%s", g_load_err);
        return -1;
    }
    if (left <= 0) {
        pp_errf(err, errlen, "no time left for %s", o->url);
        return -2;
    }
    CURL *c = cu.easy_init();
    if (!c) {
        pp_errf(err, errlen, "libcurl: cannot make a handle");
        return -1;
    }
    sink s = {.max = o->max_body};
    struct curl_slist *lists[3] = {0};
    char ebuf[CURL_ERROR_SIZE] = "";
    double t0 = pp_timeout_now();
    CURLcode rc = setup(c, o, &s, lists, ebuf, left);
    int ret;
    if (rc != CURLE_OK) {
        ret = pp_errf(err, errlen, "libcurl refused an option of the request: %s",
                      cu.easy_strerror(rc));
    } else {
        rc = cu.easy_perform(c);
        r->seconds = pp_timeout_now() - t0;
        ret = judge(c, rc, o, &s, r, ebuf, err, errlen);
    }
    if (ret == 0) {
        r->body = s.data ? s.data : pp_xstrdup("");
        r->len = s.len;
    } else {
        free(s.data);
    }
    for (int i = 0; i < 3; i++)
        cu.slist_free_all(lists[i]);
    cu.easy_cleanup(c);
    return ret;
}

void pp_https_reply_free(pp_https_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}
