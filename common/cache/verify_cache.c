/*
 * verify_cache.c - Postfix's address verification cache. See verify_cache.h.
 */
#include "cache/verify_cache.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "postfix/postconf.h"

#define MAX_DIGITS 18 /* fits a long long with room to spare */

/* Postfix's defaults (postconf -d), used when postconf cannot be asked. */
#define DEF_POS_EXPIRE (31LL * 86400)
#define DEF_NEG_EXPIRE (3LL * 86400)
#define DEF_CLEANUP (12LL * 3600)

/* ---- pure ---- */

/* A field of 1 to MAX_DIGITS decimal digits ending at ':'; returns the byte after the ':'. */
static const char *number(const char *p, const char *end, long long *v)
{
    long long n = 0;
    int digits = 0;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        if (++digits > MAX_DIGITS)
            return NULL;
        n = n * 10 + (*p - '0');
    }
    if (digits == 0 || p >= end || *p != ':')
        return NULL;
    *v = n;
    return p + 1;
}

int pp_vcache_parse(const char *value, size_t len, pp_vcache_entry *e)
{
    const char *end = value + len, *p;
    long long status;

    e->status = -1;
    if (!(p = number(value, end, &status)) || !(p = number(p, end, &e->probed)) ||
        !(p = number(p, end, &e->updated)))
        return -1;
    if (status >= PP_VCACHE_NSTATUS || (e->probed == 0 && e->updated == 0))
        return -1;
    e->status = (int)status;
    e->text = p;
    e->textlen = (size_t)(end - p);
    return 0;
}

const char *pp_vcache_status_name(int status)
{
    static const char *const names[] = {"deliverable", "deferred", "undeliverable",
                                        "in progress"};
    return status >= 0 && status < PP_VCACHE_NSTATUS ? names[status] : "malformed";
}

bool pp_vcache_probe_pending(const pp_vcache_entry *e, long long now)
{
    return e->probed != 0 && now - e->probed < PP_VCACHE_PROBE_TTL;
}

bool pp_vcache_expired(const pp_vcache_entry *e, long long now, const pp_vcache_settings *s)
{
    long long ttl = e->status == PP_VCACHE_DELIVERABLE ? s->pos_expire : s->neg_expire;
    /* verify(8)'s "updated + ttl < now", without overflow for absurd values */
    return !pp_vcache_probe_pending(e, now) && now - e->updated > ttl;
}

int pp_vcache_time_parse(const char *text, char unit, long long *seconds)
{
    long long n = 0;
    int digits = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > MAX_DIGITS)
            return -1;
        n = n * 10 + (*p - '0');
    }
    if (digits == 0 || (*p && p[1]))
        return -1;
    long long mult;
    switch (*p ? *p : unit) {
    case 's': mult = 1; break;
    case 'm': mult = 60; break;
    case 'h': mult = 3600; break;
    case 'd': mult = 86400; break;
    case 'w': mult = 7 * 86400; break;
    default: return -1;
    }
    if (n > LLONG_MAX / mult)
        return -1; /* "999999999999999999w" */
    *seconds = n * mult;
    return 0;
}

/* ---- settings ---- */

static const struct {
    const char *name;
    char unit;
    size_t off;
} times[] = {
    {"address_verify_positive_expire_time", 'd', offsetof(pp_vcache_settings, pos_expire)},
    {"address_verify_negative_expire_time", 'd', offsetof(pp_vcache_settings, neg_expire)},
    {"address_verify_cache_cleanup_interval", 'h', offsetof(pp_vcache_settings, cleanup_interval)},
};

int pp_vcache_settings_load(const char *config_dir, const char *map, pp_vcache_settings *s,
                            char *err, size_t errlen)
{
    const char *names[] = {"address_verify_map", times[0].name, times[1].name, times[2].name,
                           NULL};
    *s = (pp_vcache_settings){.pos_expire = DEF_POS_EXPIRE, .neg_expire = DEF_NEG_EXPIRE,
                              .cleanup_interval = DEF_CLEANUP};
    pp_postconf *pc = pp_postconf_new(config_dir);
    int rc = -1;

    if (pp_postconf_fetch(pc, names, err, errlen) != 0) {
        if (map) {
            s->map = pp_xstrdup(map);
            s->defaults = true;
            rc = 0;
        }
        goto done;
    }
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        const char *v = pp_postconf_get(pc, times[i].name, err, errlen);
        long long *dst = (long long *)((char *)s + times[i].off);
        if (v && pp_vcache_time_parse(v, times[i].unit, dst) != 0) {
            snprintf(err, errlen, "%s = %.60s is not a time value", times[i].name, v);
            goto done;
        }
    }
    if (!map && !(map = pp_postconf_get(pc, "address_verify_map", err, errlen)))
        goto done;
    if (*map == '\0') {
        snprintf(err, errlen, "address_verify_map is empty: verify(8) keeps its cache in memory, "
                 "there is no file to check");
        goto done;
    }
    s->map = pp_xstrdup(map);
    rc = 0;
done:
    pp_postconf_free(pc);
    return rc;
}

void pp_vcache_settings_free(pp_vcache_settings *s)
{
    free(s->map);
    s->map = NULL;
}

/* ---- reading ---- */

int pp_vcache_open(pp_vcache_reader *r, const char *map, const pp_cachedb_lock *lock, char *err,
                   size_t errlen)
{
    pp_cachedb_type type;
    char *path;

    *r = (pp_vcache_reader){0};
    if (pp_cachedb_spec_parse(map, &type, &path, err, errlen) != 0) {
        errno = EINVAL;
        return -1;
    }
    if (type == PP_CACHEDB_CDB) {
        snprintf(err, errlen, "a verify cache cannot be a cdb: table (it is read-only)");
        free(path);
        errno = EINVAL;
        return -1;
    }
    r->db = pp_cachedb_open(type, path, lock, err, errlen);
    free(path);
    return r->db ? 0 : -1;
}

int pp_vcache_next(pp_vcache_reader *r, pp_vcache_entry *e, char *err, size_t errlen)
{
    pp_cachedb_item it;
    int rc;

    while ((rc = pp_cachedb_next(r->db, &it, err, errlen)) == 1) {
        if (strcmp(it.key, PP_VCACHE_CLEANUP_KEY) == 0) {
            r->last_cleanup = strtoll(it.value, NULL, 10);
            continue;
        }
        if (pp_vcache_parse(it.value, it.vlen, e) != 0) {
            r->malformed++;
            continue;
        }
        e->address = it.key;
        return 1;
    }
    return rc;
}

void pp_vcache_close(pp_vcache_reader *r)
{
    pp_cachedb_close(r->db);
    r->db = NULL;
}
