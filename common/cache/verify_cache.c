/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include "postfix/mastercf.h"
#include "postfix/postconf.h"

#define MAX_DIGITS 18 /* fits a long long with room to spare */

/* Postfix's defaults (postconf -d), used when postconf cannot be asked. */
#define DEF_POS_EXPIRE (31LL * 86400)
#define DEF_NEG_EXPIRE (3LL * 86400)
#define DEF_POS_REFRESH (7LL * 86400)
#define DEF_NEG_REFRESH (3LL * 3600)
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

pp_vcache_probe pp_vcache_probe_state(const pp_vcache_entry *e, long long now)
{
    if (e->probed == 0)
        return PP_VCACHE_PROBE_NONE;
    /* verify_update_service() does not let a failed probe clobber an OK result. */
    if (e->status == PP_VCACHE_DELIVERABLE)
        return PP_VCACHE_PROBE_REFRESH;
    return pp_vcache_probe_pending(e, now) ? PP_VCACHE_PROBE_PENDING : PP_VCACHE_PROBE_LOST;
}

long long pp_vcache_activity(const pp_vcache_entry *e)
{
    return e->probed > e->updated ? e->probed : e->updated;
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

char *pp_vcache_map_name(const char *value, const char *db_type)
{
    if (strchr(value, ':'))
        return pp_xstrdup(value);
    return pp_xasprintf("%s:%s", db_type, value);
}

/* ---- settings ---- */

static const struct {
    const char *name;
    char unit;
    size_t off;
} times[] = {
    {"address_verify_positive_expire_time", 'd', offsetof(pp_vcache_settings, pos_expire)},
    {"address_verify_negative_expire_time", 'd', offsetof(pp_vcache_settings, neg_expire)},
    {"address_verify_positive_refresh_time", 'd', offsetof(pp_vcache_settings, pos_refresh)},
    {"address_verify_negative_refresh_time", 'h', offsetof(pp_vcache_settings, neg_refresh)},
    {"address_verify_cache_cleanup_interval", 'h', offsetof(pp_vcache_settings, cleanup_interval)},
};
#define NTIMES (sizeof times / sizeof times[0])

/* The verify(8) service that smtpd and friends query: private/$address_verify_service_name. */
static const pp_mastercf_service *verify_service(pp_postconf *pc, const pp_mastercf *m,
                                                 char *err, size_t errlen)
{
    const char *name = pp_postconf_get(pc, "address_verify_service_name", err, errlen);
    return name ? pp_mastercf_find(m, name, "unix", "verify") : NULL;
}

static int load_times(pp_postconf *pc, const pp_mastercf_service *svc, pp_vcache_settings *s,
                      char *err, size_t errlen)
{
    for (size_t i = 0; i < NTIMES; i++) {
        const char *v = pp_mastercf_effective(svc, pc, times[i].name, err, errlen);
        long long *dst = (long long *)((char *)s + times[i].off);
        if (!v)
            return -1;
        if (pp_vcache_time_parse(v, times[i].unit, dst) != 0)
            return pp_errf(err, errlen, "%s%s%s = %.60s is not a time value",
                           svc ? svc->name : "", svc ? "/unix/" : "", times[i].name, v);
    }
    return 0;
}

static int load_map(pp_postconf *pc, const pp_mastercf_service *svc, const char *map,
                    pp_vcache_settings *s, char *err, size_t errlen)
{
    const char *db_type;
    s->map_override = !map && svc && pp_mastercf_override(svc, "address_verify_map");
    if (!map && !(map = pp_mastercf_effective(svc, pc, "address_verify_map", err, errlen)))
        return -1;
    if (*map == '\0')
        return pp_errf(err, errlen, "address_verify_map is empty: verify(8) keeps its cache in "
                       "memory, there is no file to check");
    if (!(db_type = pp_mastercf_effective(svc, pc, "default_database_type", err, errlen)))
        return -1;
    s->map = pp_vcache_map_name(map, db_type);
    return 0;
}

int pp_vcache_settings_load(const char *config_dir, const char *map, pp_vcache_settings *s,
                            char *err, size_t errlen)
{
    const char *names[NTIMES + 4] = {"address_verify_map", "address_verify_service_name",
                                     "default_database_type"};
    *s = (pp_vcache_settings){.pos_expire = DEF_POS_EXPIRE, .neg_expire = DEF_NEG_EXPIRE,
                              .pos_refresh = DEF_POS_REFRESH, .neg_refresh = DEF_NEG_REFRESH,
                              .cleanup_interval = DEF_CLEANUP};
    pp_postconf *pc = pp_postconf_new(config_dir);
    pp_mastercf m = {0};
    int rc = -1;

    for (size_t i = 0; i < NTIMES; i++)
        names[3 + i] = times[i].name;
    if (pp_postconf_fetch(pc, names, err, errlen) != 0 ||
        pp_mastercf_load(&m, config_dir, err, errlen) != 0) {
        if (map) {
            s->map = pp_xstrdup(map);
            s->defaults = true;
            rc = 0;
        }
        goto done;
    }
    const pp_mastercf_service *svc = verify_service(pc, &m, err, errlen);
    if (load_map(pc, svc, map, s, err, errlen) != 0 || load_times(pc, svc, s, err, errlen) != 0)
        goto done;
    if (svc)
        s->service = pp_xasprintf("%s/%s", svc->name, svc->type);
    rc = 0;
done:
    if (rc != 0)
        pp_vcache_settings_free(s);
    pp_mastercf_free(&m);
    pp_postconf_free(pc);
    return rc;
}

void pp_vcache_settings_free(pp_vcache_settings *s)
{
    free(s->map);
    free(s->service);
    s->map = s->service = NULL;
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
